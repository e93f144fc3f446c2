"""Incremental rebuilds (issue #9): a second `disclosure build` renders only the pages whose
inputs changed, leaves the others in site/ as they are (the same files), and publishes exactly what a
full build of the same input would — byte for byte, the search index included.

Every test starts from a copy of one built reference site, edits its sources like a clerk,
rebuilds, and compares the result with a full build (`--full`) of the same sources made in
another folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.sites import build, copy_reference_site, html, tree_bytes

ITEM = "content/fdzdgknr/zcwj/20250610-linshi-jiuzhu-banfa.md"
ITEM_PAGE = "fdzdgknr/zcwj/20250610-linshi-jiuzhu-banfa/index.html"
OTHER_PAGE = "fdzdgknr/zcwj/20161209-jiujiang-zhengwu-gongkai-yijian/index.html"
COLUMN_PAGE = "fdzdgknr/zcwj/index.html"
MANIFEST = ".disclosure-cache/build-manifest.json"
UNREFERENCED = "fdzdgknr/jdjc/20251120-xiaoyuan-shipin-anquan-jiancha"  # no other item names it
UNREFERENCED_TOO = "fdzdgknr/ghjh/20211220-shisiwu-jiaoyu-guihua"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = copy_reference_site(tmp_path_factory.mktemp("rebuild") / "site")
    result = build(site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture
def site(built: Path, tmp_path: Path) -> Path:
    """A private copy of the built site, its manifest and its output (mtimes kept)."""
    copy = tmp_path / "site"
    shutil.copytree(built, copy, symlinks=True)
    return copy


def inodes(output: Path) -> dict[str, int]:
    return {p.relative_to(output).as_posix(): p.stat().st_ino for p in output.rglob("*.html")}


def rebuild(site: Path) -> set[str]:
    """Build again; returns the HTML pages taken over from the previous site/ unchanged."""
    before = inodes(site / "site")
    result = build(site)
    assert result.returncode == 0, result.stderr
    return {page for page, inode in inodes(site / "site").items() if before.get(page) == inode}


def full_build(site: Path, tmp_path: Path) -> Path:
    """A full build of the same sources, in a folder of its own."""
    fresh = tmp_path / "full"
    shutil.copytree(
        site, fresh, ignore=shutil.ignore_patterns("site", ".disclosure-cache", ".site-*")
    )
    result = build(fresh, "--full")
    assert result.returncode == 0, result.stderr
    return fresh / "site"


def assert_same_as_full_build(site: Path, tmp_path: Path) -> None:
    rebuilt, full = tree_bytes(site / "site"), tree_bytes(full_build(site, tmp_path))
    assert sorted(rebuilt) == sorted(full)
    different = [path for path in full if rebuilt[path] != full[path]]
    assert different == []


def edit(site: Path, rel: str, old: str, new: str) -> None:
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_unchanged_site_is_taken_over_whole(site: Path, tmp_path: Path) -> None:
    pages = set(inodes(site / "site"))
    reused = rebuild(site)
    # Only the pages MkDocs writes itself every time (404.html) are written again.
    assert pages - reused == {"404.html"}
    assert_same_as_full_build(site, tmp_path)


def test_a_body_edit_renders_the_item_and_the_pages_that_show_it(site: Path, tmp_path: Path) -> None:
    edit(site, ITEM, "\n## ", "\n本次修订补充了申请临时救助的受理时限。\n\n## ")
    reused = rebuild(site)
    assert ITEM_PAGE not in reused
    assert "受理时限" in (site / "site" / ITEM_PAGE).read_text(encoding="utf-8")
    assert COLUMN_PAGE not in reused  # lists the item: its inputs changed
    assert OTHER_PAGE in reused
    assert len(reused) > len(inodes(site / "site")) / 2
    assert_same_as_full_build(site, tmp_path)


def test_a_new_title_reaches_the_listings(site: Path, tmp_path: Path) -> None:
    edit(site, ITEM, "title: ", "title: （修订）")
    reused = rebuild(site)
    assert COLUMN_PAGE not in reused
    assert "（修订）" in html(site / "site" / COLUMN_PAGE).get_text()
    assert_same_as_full_build(site, tmp_path)


def test_a_withdrawn_item_leaves_the_site(site: Path, tmp_path: Path) -> None:
    edit(site, f"content/{UNREFERENCED}.md", "disclosure: 主动公开", "disclosure: 依申请公开")
    rebuild(site)
    assert not (site / "site" / UNREFERENCED / "index.html").exists()
    assert_same_as_full_build(site, tmp_path)


def test_a_new_item_and_a_deleted_item(site: Path, tmp_path: Path) -> None:
    shutil.copy(site / ITEM, site / "content/fdzdgknr/zcwj/20261101-linshi-jiuzhu-banfa-xiuding.md")
    edit(
        site,
        "content/fdzdgknr/zcwj/20261101-linshi-jiuzhu-banfa-xiuding.md",
        "published: 2025-06-10",
        "published: 2026-11-01",
    )
    path = site / "content/fdzdgknr/zcwj/20261101-linshi-jiuzhu-banfa-xiuding.md"
    text = path.read_text(encoding="utf-8")
    index_no = re.search(r"index_no: (\S+)", text)
    assert index_no is not None
    serial = index_no[1].rsplit("-", 1)
    text = re.sub(r"(doc_no: .*〔)\d{4}〕\d+号", r"\g<1>2026〕901号", text)  # a new 文号 too
    path.write_text(text.replace(index_no[1], f"{serial[0][:-4]}2026-{int(serial[1]) + 900:05d}"), encoding="utf-8")
    (site / f"content/{UNREFERENCED_TOO}.md").unlink()
    rebuild(site)
    assert (site / "site/fdzdgknr/zcwj/20261101-linshi-jiuzhu-banfa-xiuding/index.html").is_file()
    assert not (site / "site" / UNREFERENCED_TOO / "index.html").exists()
    assert_same_as_full_build(site, tmp_path)


def test_a_catalog_change_renders_everything(site: Path, tmp_path: Path) -> None:
    edit(site, "columns.yml", "name: 政策文件", "name: 政策文件库")
    reused = rebuild(site)
    assert reused == set()
    assert_same_as_full_build(site, tmp_path)


def test_a_page_changed_by_hand_in_site_is_rendered_again(site: Path, tmp_path: Path) -> None:
    page = site / "site" / OTHER_PAGE
    page.write_text("<p>被手工改过</p>", encoding="utf-8")
    reused = rebuild(site)
    assert OTHER_PAGE not in reused
    assert "被手工改过" not in page.read_text(encoding="utf-8")
    assert_same_as_full_build(site, tmp_path)


def test_full_ignores_what_was_published(site: Path) -> None:
    before = inodes(site / "site")
    result = build(site, "--full")
    assert result.returncode == 0, result.stderr
    after = inodes(site / "site")
    assert not any(before.get(page) == inode for page, inode in after.items())


def test_a_broken_anchor_in_a_page_taken_over_is_still_found(site: Path, tmp_path: Path) -> None:
    """An item links to the last heading of another; that heading goes (headings are numbered
    _1, _2… in Chinese text, so dropping one drops the last number). The linking page is taken
    over unchanged, yet the link check finds the broken anchor and reports the linking line."""
    linking = f"content/{UNREFERENCED}.md"
    numbered = [h["id"] for h in html(site / "site" / ITEM_PAGE).select("h2[id]") if h["id"].startswith("_")]
    last = numbered[-1]
    path = site / linking
    path.write_text(
        path.read_text(encoding="utf-8")
        + f"\n详见[临时救助办法](../zcwj/20250610-linshi-jiuzhu-banfa.md#{last})。\n",
        encoding="utf-8",
    )
    rebuild(site)
    published = tree_bytes(site / "site")
    edit(site, ITEM, "\n## ", "\n")  # the first heading becomes a paragraph
    result = build(site)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "E-LINK-ANCHOR" in output
    assert f"{linking}:" in output
    assert tree_bytes(site / "site") == published  # nothing published from a failed build
    edit(site, linking, f"#{last})", ")")  # fixed: the rebuild goes through
    rebuild(site)
    assert_same_as_full_build(site, tmp_path)


def test_the_manifest_is_plain_data(site: Path) -> None:
    manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest) >= {"format", "site_fingerprint", "pages", "steps"}
    assert manifest["pages"]["fdzdgknr/zcwj/20250610-linshi-jiuzhu-banfa.md"][1] == ITEM_PAGE


def test_a_garbage_manifest_means_a_full_build(site: Path, tmp_path: Path) -> None:
    (site / MANIFEST).write_text("{not json", encoding="utf-8")
    assert rebuild(site) == set()
    assert_same_as_full_build(site, tmp_path)


def test_previous_site_files_are_never_written_through_links(site: Path) -> None:
    """The new site shares files with the old one: the old ones must keep their bytes."""
    keep = site.parent / "old"
    os.link(site / "site" / OTHER_PAGE, keep)
    before = keep.read_bytes()
    edit(site, ITEM, "title: ", "title: （修订）")
    rebuild(site)
    assert keep.read_bytes() == before


def test_a_cache_committed_to_the_repository_is_not_trusted(site: Path, tmp_path: Path) -> None:
    """A manifest or item cache that came with a commit (a pull request) could vouch for files
    it does not describe: such a build reads and renders everything."""
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    subprocess.run(["git", "-C", str(site), "add", "-f", ".disclosure-cache"], check=True)
    assert rebuild(site) == set()
    assert_same_as_full_build(site, tmp_path)
