"""Paths (issue #6): nothing outside content/ and the themes ever reaches site/.

Symbolic links in content/ pointing outside it (or to folders) are errors, never followed;
links and attachments escaping content/ are errors (the link rules of issue #4, checked here
for HTML attributes too); and a real build of a site with secrets planted next to mkdocs.yml —
one of them reachable through a link in theme/ — publishes none of them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import INTERPRETATION, POLICY, front_matter
from linksite import buildable, run

SECRET = "QZSECRETMARK"
ZCWJ = "content/fdzdgknr/zcwj"


def codes(site, prefix: str) -> list[tuple[str, str]]:
    return [(d.file, d.code) for d in site.check() if d.code.startswith(prefix)]


def plant_secret(site) -> Path:
    """A private file next to mkdocs.yml, as a careless admin might leave it."""
    return site.write("secret.txt", f"数据库密码：{SECRET}\n")


def test_a_file_link_to_outside_content_is_an_error_and_never_read(site) -> None:
    secret = plant_secret(site)
    (site.root / ZCWJ / "fujian.txt").symlink_to(os.path.relpath(secret, site.root / ZCWJ))
    site.write(
        f"{ZCWJ}/20181214-jiaqiang-zhengwu-gongkai.md",
        front_matter(POLICY, "见[附件](fujian.txt)。\n"),
    )
    problems = [d for d in site.check() if d.code == "E-PATH-SYMLINK"]
    assert [(d.file, d.line) for d in problems] == [(f"{ZCWJ}/fujian.txt", 1)]
    assert "content/ 以外" in problems[0].message and "复制到 content/" in problems[0].message
    assert SECRET not in problems[0].message


def test_a_file_link_in_an_item_folder_is_an_error_and_never_published(site) -> None:
    # An item folder (index.md with its attachments) is walked apart from its column's folder:
    # its files go through the same refusal of links.
    buildable(site)
    secret = plant_secret(site)
    folder = site.root / ZCWJ / "20181214-jiaqiang-zhengwu-gongkai"
    folder.with_suffix(".md").unlink()  # the item moves into a folder of its own
    site.write(f"{ZCWJ}/{folder.name}/index.md", front_matter(POLICY, "见[附件](fujian.txt)。\n"))
    (folder / "fujian.txt").symlink_to(secret)
    problems = [d for d in site.check() if d.code == "E-PATH-SYMLINK"]
    assert [d.file for d in problems] == [f"{ZCWJ}/{folder.name}/fujian.txt"]
    result = run(site, "build")
    assert result.returncode == 1 and "E-PATH-SYMLINK" in result.stdout
    published = [p for p in (site.root / "site").rglob("*") if p.is_file()]
    assert not any(SECRET in p.read_text(errors="replace") for p in published)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda root: root.parent / "elsewhere", "content/ 以外"),  # a folder outside
        (lambda root: root / "content" / "fdzdgknr" / "zcjd", "文件夹链接"),  # a folder inside
        (lambda root: root / "missing.pdf", "不存在"),  # dangling
    ],
)
def test_folder_and_dangling_links_are_errors(site, make, words) -> None:
    target = make(site.root)
    if target.name == "elsewhere":
        target.mkdir()
        (target / "20181214-x.md").write_text(front_matter(POLICY), encoding="utf-8")
    (site.root / ZCWJ / "linked").symlink_to(target)
    problems = [d for d in site.check() if d.code == "E-PATH-SYMLINK"]
    assert [d.file for d in problems] == [f"{ZCWJ}/linked"]
    assert words in problems[0].message


def test_a_loop_of_links_is_an_error_not_a_hang(site) -> None:
    (site.root / ZCWJ / "a.pdf").symlink_to("b.pdf")
    (site.root / ZCWJ / "b.pdf").symlink_to("a.pdf")
    assert codes(site, "E-PATH") == [
        (f"{ZCWJ}/a.pdf", "E-PATH-SYMLINK"),
        (f"{ZCWJ}/b.pdf", "E-PATH-SYMLINK"),
    ]


def test_a_file_link_inside_content_is_an_error_too(site) -> None:
    # Issue #23: it would publish under a public name a file that a withheld item may use,
    # and what it points to can change between the check and the build.
    zcjd = site.root / "content/fdzdgknr/zcjd"
    site.write("content/fdzdgknr/zcjd/fujian.pdf", b"%PDF-1.4\n")
    (site.root / ZCWJ / "fujian.pdf").symlink_to(
        os.path.relpath(zcjd / "fujian.pdf", site.root / ZCWJ)
    )
    assert codes(site, "E-PATH") == [(f"{ZCWJ}/fujian.pdf", "E-PATH-SYMLINK")]


@pytest.mark.parametrize(
    "markup",
    [
        '<a href="../../../../secret.txt">附件</a>',
        '<img src="../../../../secret.png" alt="图">',
        '<a href="/etc/passwd.txt">附件</a>',
    ],
)
def test_html_links_escaping_content_are_errors(site, markup) -> None:
    site.write(
        "content/fdzdgknr/zcjd/20181214-jiaqiang-zhengwu-gongkai-jiedu.md",
        front_matter(INTERPRETATION, f"正文。\n\n{markup}\n"),
    )
    assert [code for _, code in codes(site, "E-LINK")] == ["E-LINK-OUTSIDE"]


def test_a_build_refuses_a_link_to_a_secret_and_keeps_the_previous_site(site) -> None:
    buildable(site)
    assert run(site, "build").returncode == 0
    before = {p: p.read_bytes() for p in (site.root / "site").rglob("*") if p.is_file()}
    secret = plant_secret(site)
    (site.root / ZCWJ / "fujian.txt").symlink_to(secret)
    result = run(site, "build")
    assert result.returncode == 1 and "E-PATH-SYMLINK" in result.stdout
    after = {p: p.read_bytes() for p in (site.root / "site").rglob("*") if p.is_file()}
    assert after == before


def test_a_build_publishes_nothing_from_outside_content_and_the_themes(site) -> None:
    buildable(site)
    secret = plant_secret(site)
    site.write(".env", f"TOKEN={SECRET}\n")
    site.write("private/notes.md", f"# {SECRET}\n")
    site.write(
        "mkdocs.yml", (site.root / "mkdocs.yml").read_text(encoding="utf-8") + f"# {SECRET}\n"
    )
    site.write(
        "columns.yml", (site.root / "columns.yml").read_text(encoding="utf-8") + f"# {SECRET}\n"
    )
    site.write("theme/assets/site.css", "body { margin: 0 }\n")
    (site.root / "theme/assets/leak.txt").symlink_to(secret)  # a link in theme/ to the secret
    site.write(f"{ZCWJ}/.hidden.txt", f"{SECRET}\n")  # hidden files are never published
    site.write(f"{ZCWJ}/unlinked.txt", f"{SECRET}\n")  # an attachment no page links to
    withheld = dict(POLICY, index_no="015180001/2018-00160", disclosure="依申请公开")
    site.write(f"{ZCWJ}/20181215-withheld.md", front_matter(withheld, "见[材料](withheld.txt)。\n"))
    site.write(f"{ZCWJ}/withheld.txt", f"{SECRET}\n")  # linked only from a withheld item
    result = run(site, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    output = site.root / "site"
    assert (output / "assets" / "site.css").is_file()  # theme/ files are published …
    assert not (output / "assets" / "leak.txt").exists()  # … but not what a link there reaches
    assert "不发布 assets/leak.txt" in result.stderr
    leaks = [p for p in output.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert leaks == []
