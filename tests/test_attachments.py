"""Attachments by type (issue #23): the allowed types, checked by content; nothing of a withheld
item is published, not even through a public item's link.

Each case writes real files into the small test site and runs the real checker; the
withheld-attachment cases also build the site and read what reached ``site/``.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from conftest import INTERPRETATION, front_matter
from linksite import buildable, run

ZCWJ = "content/fdzdgknr/zcwj"
ZCJD = "content/fdzdgknr/zcjd"
PUBLIC_ITEM = f"{ZCJD}/20181214-jiaqiang-zhengwu-gongkai-jiedu.md"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


VALID = {
    "fujian.pdf": b"%PDF-1.7\n1 0 obj\n",
    "fujian.ofd": docx(),
    "fujian.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
    "fujian.docx": docx(),
    "fujian.wps": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
    "fujian.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
    "fujian.xlsx": docx(),
    "fujian.et": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
    "fujian.ppt": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
    "fujian.pptx": docx(),
    "fujian.txt": "说明：a < b 时按第二条办理。\n".encode(),
    "fujian.csv": "项目,金额\n办公经费,12.5\n".encode("gb18030"),
    "tu.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF",
    "tu.jpeg": b"\xff\xd8\xff\xe1\x00\x10Exif",
    "tu.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "tu.gif": b"GIF89a\x01\x00\x01\x00",
    "fujian.zip": docx(),
    "fujian.rar": b"Rar!\x1a\x07\x01\x00",
    "fujian.7z": b"7z\xbc\xaf\x27\x1c\x00\x04",
}
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def codes_of(site, rel: str) -> list[str]:
    """The codes of a file, but for W-FILE-ORPHAN: these tests' files are not linked."""
    return [d.code for d in site.check() if d.file == rel and d.code != "W-FILE-ORPHAN"]


def test_every_allowed_type_with_its_content_passes(site) -> None:
    for name, data in VALID.items():
        site.write(f"{ZCWJ}/{name}", data)
    problems = [d for d in site.check() if d.code.startswith("E-ATTACHMENT")]
    assert problems == []


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("tu.svg", SVG),
        ("yemian.html", b"<html><body><script>alert(1)</script></body></html>"),
        ("yemian.xhtml", b'<html xmlns="http://www.w3.org/1999/xhtml"></html>'),
        ("jiaoben.js", b"alert(1)"),
        ("chengxu.exe", b"MZ\x90\x00"),
        ("chengxu.bat", b"@echo off"),
        ("wudaima", b"%PDF-1.7"),
    ],
)
def test_web_pages_scripts_programs_and_unknown_types_are_errors(site, name, data) -> None:
    site.write(f"{ZCWJ}/{name}", data)
    assert codes_of(site, f"{ZCWJ}/{name}") == ["E-ATTACHMENT-TYPE"]


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("tongzhi.pdf", b"<!DOCTYPE html><html><script>alert(1)</script>", "网页"),
        ("tu.png", SVG, "网页"),
        ("biao.xlsx", b"MZ\x90\x00\x03", "可执行程序"),
        ("biao.csv", b"a,b\n<script>alert(1)</script>\n", "网页"),
        ("shuoming.txt", b"\x00\x01binary", "其他格式"),
        ("kong.pdf", b"", "空文件"),
    ],
)
def test_content_that_is_not_its_type_is_an_error(site, name, data, words) -> None:
    site.write(f"{ZCWJ}/{name}", data)
    problems = [
        d for d in site.check() if d.file == f"{ZCWJ}/{name}" and d.code != "W-FILE-ORPHAN"
    ]
    assert [d.code for d in problems] == ["E-ATTACHMENT-CONTENT"]
    assert words in problems[0].message


def withheld_with_attachment(site, disclosure: str = "依申请公开", **fields: str) -> None:
    """A withheld 政策文件 item that links (and embeds) its own attachments."""
    site.write(f"{ZCWJ}/mingdan.pdf", b"%PDF-1.7\n")
    site.write(f"{ZCWJ}/zhaopian.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    values = dict(site.policy, index_no="015180001/2018-00190", disclosure=disclosure)
    values.update(fields)
    site.write(
        f"{ZCWJ}/20181215-mingdan.md",
        front_matter(values, "名单见[附件](mingdan.pdf)。\n\n![照片](zhaopian.png)\n"),
    )


@pytest.mark.parametrize(
    ("disclosure", "fields"),
    [
        ("依申请公开", {}),
        ("不予公开", {}),
        ("主动公开", {"draft": "true"}),
        ("主动公开", {"published": "2019-06-01"}),  # scheduled after the as-of date
    ],
    ids=["on-request", "not-disclosed", "draft", "scheduled"],
)
def test_a_public_link_to_a_withheld_items_attachment_is_an_error(
    site, disclosure: str, fields: dict[str, str]
) -> None:
    withheld_with_attachment(site, disclosure, **fields)
    body = "解读。\n\n见[名单](../zcwj/mingdan.pdf)和![照片](../zcwj/zhaopian.png)。\n"
    site.write(PUBLIC_ITEM, front_matter(INTERPRETATION, body))
    lines = (site.root / PUBLIC_ITEM).read_text("utf-8").split("\n")
    row = next(n for n, line in enumerate(lines, 1) if "mingdan.pdf" in line)
    found = [(d.code, d.line) for d in site.check() if d.file == PUBLIC_ITEM]
    assert found == [("E-LINK-NOT-PUBLIC", row), ("E-LINK-NOT-PUBLIC", row)]


def test_a_withheld_items_attachment_never_reaches_the_site(site) -> None:
    buildable(site)
    withheld_with_attachment(site)
    assert run(site, "build").returncode == 0
    output = site.root / "site/fdzdgknr/zcwj"
    assert not (output / "mingdan.pdf").exists() and not (output / "zhaopian.png").exists()
    # Linked from a public item too: the check stops the build, the site stays as it was.
    site.write(
        PUBLIC_ITEM, front_matter(INTERPRETATION, "解读。\n\n见[名单](../zcwj/mingdan.pdf)。\n")
    )
    result = run(site, "build")
    assert result.returncode == 1 and "E-LINK-NOT-PUBLIC" in result.stdout
    assert not (output / "mingdan.pdf").exists()


def test_an_attachment_that_only_public_items_use_is_published(site) -> None:
    buildable(site)
    site.write(f"{ZCWJ}/gongkai.pdf", b"%PDF-1.7\n")
    site.write(
        PUBLIC_ITEM, front_matter(INTERPRETATION, "解读。\n\n见[附件](../zcwj/gongkai.pdf)。\n")
    )
    result = run(site, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (site.root / "site/fdzdgknr/zcwj/gongkai.pdf").read_bytes() == b"%PDF-1.7\n"


def test_a_focused_check_reports_the_attachments_it_is_given(site) -> None:
    """`disclosure check FILE…` (the pre-commit hook) checks a staged attachment, and only it."""
    site.write(f"{ZCWJ}/tu.svg", SVG)
    site.write(f"{ZCWJ}/yemian.html", b"<html></html>")
    svg = site.cli("check", str(site.root / ZCWJ / "tu.svg"))
    assert svg.returncode == 1
    assert {line.split(": ")[0] for line in svg.stdout.splitlines()} == {f"{ZCWJ}/tu.svg:1:1"}, (
        svg.stdout
    )
    assert "E-ATTACHMENT-TYPE" in svg.stdout
    item = f"{ZCWJ}/20181214-jiaqiang-zhengwu-gongkai.md"
    assert (site.root / item).is_file()
    assert site.cli("check", str(site.root / item)).returncode == 0


@pytest.mark.parametrize(
    "body",
    [
        "名单见[名 [单] 表](mingdan.pdf)。\n",
        "名单见附件mingdan.pdf（另行报送）。\n",
        "名单见附件mingdan.pdf、qingdan.xlsx等1.5万字材料。\n",
    ],
    ids=["brackets-in-link-text", "name-in-prose", "names-in-a-run-of-prose"],
)
def test_a_file_a_withheld_item_names_in_any_way_is_withheld(site, body: str) -> None:
    site.write(f"{ZCWJ}/mingdan.pdf", b"%PDF-1.7\n")
    values = dict(site.policy, index_no="015180001/2018-00191", disclosure="依申请公开")
    site.write(f"{ZCWJ}/20181215-mingdan.md", front_matter(values, body))
    site.write(
        PUBLIC_ITEM, front_matter(INTERPRETATION, "解读。\n\n见[名单](../zcwj/mingdan.pdf)。\n")
    )
    found = [d.code for d in site.check() if d.file == PUBLIC_ITEM]
    assert found == ["E-LINK-NOT-PUBLIC"]
