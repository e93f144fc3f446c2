"""`disclosure import` (issue 25): a Word 红头文件 → an item ready to check, on real .docx files
written with python-docx from the seeds' documents (and once more by LibreOffice)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from pypdf import PdfWriter
from sites import build, copy_reference_site, html, run_cli
from word_files import centred, png, red_header_notice

from generator.workflow.import_docx import chinese_date, normalized_doc_number

AS_OF = "2026-11-22"
ZCWJ = Path("content/fdzdgknr/zcwj")
TITLE = "湟源县人民政府办公室关于进一步加强政务公开工作的通知"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_reference_site(tmp_path / "site")


@pytest.fixture
def notice(tmp_path: Path) -> Path:
    folder = tmp_path / "received"
    folder.mkdir()
    return red_header_notice(folder / "源政办〔2018〕51号.docx", tmp_path)


@pytest.fixture
def attachments(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "received"
    folder.mkdir(exist_ok=True)
    names = {"附件2 政务公开工作任务分解表.xlsx": small_xlsx(), "附件1.pdf": small_pdf()}
    for name, data in names.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in names]


def small_pdf() -> bytes:
    """A real one-page PDF, as the checks of attachments read it (pypdf writes it)."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    stream = io.BytesIO()
    writer.write(stream)
    return stream.getvalue()


def small_xlsx() -> bytes:
    """A real, minimal Excel workbook: one sheet of one row."""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as package:
        fixed = (2026, 1, 1, 0, 0, 0)  # the same bytes every time
        package.writestr(zipfile.ZipInfo("[Content_Types].xml", fixed), '<?xml version="1.0"?>'
                         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')  # fmt: skip
        package.writestr(
            zipfile.ZipInfo("xl/worksheets/sheet1.xml", fixed),
            '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is>'
            "<t>任务</t></is></c></row></sheetData></worksheet>",
        )
    return stream.getvalue()


def import_file(site: Path, source: Path, *args: str):
    result = run_cli(
        "import", "--site", str(site), "--as-of", AS_OF, "--column", "zcwj", *args, str(source)
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def check(site: Path, *paths: str):
    return run_cli("check", "--site", str(site), "--as-of", AS_OF, *paths)


def content_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "content").rglob("*")
            if p.is_file()}  # fmt: skip


def imported_path(result) -> str:
    return re.search(r"已导入 (\S+)", result.stdout)[1]


def test_a_red_header_notice_becomes_an_item_that_passes_check_and_builds(
    site: Path, notice: Path, attachments: list[Path]
) -> None:
    attach = [arg for source in attachments for arg in ("--attach", str(source))]
    result = import_file(site, notice, *attach)
    assert result.returncode == 0, result.stderr
    item = site / imported_path(result)
    text = item.read_text(encoding="utf-8")
    front, body = text.split("\n---\n", 1)

    # Metadata from the document: the title block, not the 发文机关标志.
    assert f"标题: {TITLE}\n" in front
    assert "湟源县人民政府办公室文件" not in text
    assert "文号: 源政办〔2018〕151号\n" in front
    assert "成文日期: 2018-05-10\n" in front
    assert "发布机构: 湟源县人民政府办公室\n" in front
    assert "发布日期: 2026-11-22\n" in front
    assert "体裁: 通知\n" in front
    assert re.search(r"^主题分类:\s+# 请填写主题分类", front, re.M)

    # The index number is the one `disclosure new` gives: the office's next serial in 2026.
    other = copy_reference_site(site.parent / "other")
    made = run_cli("new", "--site", str(other), "--as-of", AS_OF, "--column", "zcwj",
                   "--publisher", "县政府办", "--title", "x", "--doc-no", "源政办〔2026〕1号")  # fmt: skip
    assert made.returncode == 0, made.stderr
    expected = re.search(r"索引号: (\S+)", next((other / ZCWJ).glob("20261122-*/index.md")).read_text())[
        1
    ]
    assert f"索引号: {expected}\n" in front
    assert item.parent.name == f"20261122-{expected.rsplit('-', 1)[1]}"  # an item folder
    assert item.name == "index.md"

    # The body: 主送 first, numbered paragraphs as headings and text, the table, bold, the list.
    assert body.lstrip().startswith("各乡镇人民政府")
    assert "\n## 一、进一步认识政务公开工作的重要性\n" in body
    assert "\n(一)推进政府门户网站信息公开。" in body
    assert "\n1.公开要求。" in body
    assert "**明确分管领导和具体负责人员**" in body
    assert "| 单位 | 分管领导 | 信息员 |\n| --- | --- | --- |\n| 县政府办 | 孟宗勇 | 马静 |" in body
    assert "\n- 县政府门户网站\n- 政务公开专区\n" in body
    assert body.rstrip().endswith("（此件公开发布）")
    assert "\n湟源县人民政府办公室\n\n二〇一八年五月十日\n" in body

    # The picture and the given attachments beside the item, linked; the 附件 list links them.
    stem = item.parent.name  # the item's folder, where its files keep their own names
    picture = item.parent / "图1.png"
    assert picture.read_bytes() == png()
    assert f"![图1]({picture.name})" in body
    first, second = "附件1.pdf", "附件2-政务公开工作任务分解表.xlsx"
    assert (item.parent / first).read_bytes() == small_pdf()
    assert (item.parent / second).read_bytes() == small_xlsx()
    assert f"附件：1．[政务公开工作分管领导及工作人员名单]({first})" in body
    assert f"2．[政务公开工作任务分解表]({second})" in body
    assert "请填写：主题分类" in result.stdout

    # The first check names what is left to fill in: 主题分类, at its line.
    rel = item.relative_to(site).as_posix()
    checked = check(site, rel)
    assert checked.returncode == 1
    assert re.search(rf"{re.escape(rel)}:\d+:1: error E-REQUIRED 缺少“主题分类”", checked.stdout)
    assert len(checked.stdout.strip().splitlines()) == 1, checked.stdout

    # The clerk fills 主题分类: the whole site checks and builds.
    item.write_text(re.sub(r"^主题分类:.*$", "主题分类: 综合政务/政务公开", text, flags=re.M),
                    encoding="utf-8")  # fmt: skip
    checked = check(site)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    built = build(site, as_of=AS_OF)
    assert built.returncode == 0, built.stdout + built.stderr
    page = html(site / "site" / "fdzdgknr" / "zcwj" / stem / "index.html")
    cells = [cell.get_text(strip=True) for cell in page.find_all("td")]
    assert "孟宗勇" in cells
    assert page.find("h2", string="一、进一步认识政务公开工作的重要性") is not None
    assert page.find("strong", string="明确分管领导和具体负责人员") is not None
    hrefs = [unquote(a.get("href", "")) for a in page.find_all("a")]
    assert any(h.endswith(first) for h in hrefs), hrefs
    sources = [unquote(img.get("src", "")) for img in page.find_all("img")]
    assert any(s.endswith(picture.name) for s in sources), sources


def test_a_document_saved_by_libreoffice_imports_the_same(
    site: Path, notice: Path, tmp_path: Path
) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (Debian libreoffice-writer) is not installed here")
    converted = tmp_path / "converted"
    profile = tmp_path / "profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
         "docx:MS Word 2007 XML", "--outdir", str(converted), str(notice)],
        check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)},
    )  # fmt: skip
    source = converted / notice.name
    assert source.read_bytes() != notice.read_bytes()
    result = import_file(site, source)
    assert result.returncode == 0, result.stderr
    text = (site / imported_path(result)).read_text(encoding="utf-8")
    assert f"标题: {TITLE}\n" in text
    assert "文号: 源政办〔2018〕151号\n" in text
    assert "成文日期: 2018-05-10\n" in text
    assert "发布机构: 湟源县人民政府办公室\n" in text
    assert "\n## 一、进一步认识政务公开工作的重要性\n" in text
    assert "| 县政府办 | 孟宗勇 | 马静 |" in text
    assert "**明确分管领导和具体负责人员**" in text
    assert "\n- 县政府门户网站\n- 政务公开专区\n" in text  # LibreOffice numbers them itself
    assert "![图1](图1.png)" in text


def test_what_the_document_does_not_tell_is_left_empty_with_a_note(
    site: Path, tmp_path: Path
) -> None:
    document = Document()
    document.add_paragraph("关于做好冬季供暖保障工作的通知")
    document.add_paragraph("各有关单位：")
    document.add_paragraph("一、保障供暖")
    document.add_paragraph("请各单位做好供暖保障工作。")
    source = tmp_path / "通知.docx"
    document.save(str(source))
    result = import_file(site, source, "--file", "gongnuan.md")
    assert result.returncode == 0, result.stderr
    item = site / ZCWJ / "gongnuan" / "index.md"
    text = item.read_text(encoding="utf-8")
    assert "标题: 关于做好冬季供暖保障工作的通知\n" in text
    assert re.search(r"^文号:\s+# 未在文件中找到文号", text, re.M)
    assert re.search(r"^发布机构:\s+# 未能识别发布机构", text, re.M)
    assert re.search(r"^索引号:\s+# 未分配：发布机构不明", text, re.M)
    assert re.search(r"^成文日期:\s+# 未找到落款日期", text, re.M)
    checked = check(site, item.relative_to(site).as_posix())
    assert checked.returncode == 1
    named = set(re.findall(r"E-REQUIRED 缺少“(\S+?)”", checked.stdout))
    assert {"文号", "发布机构", "索引号", "主题分类"} <= named, checked.stdout


def test_the_publisher_option_and_an_alias(site: Path, notice: Path) -> None:
    result = import_file(site, notice, "--publisher", "县财政局")
    assert result.returncode == 0, result.stderr
    text = (site / imported_path(result)).read_text(encoding="utf-8")
    assert "发布机构: 湟源县财政局\n" in text
    assert "索引号: 015180012/2026-" in text


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        (
            "通知.doc",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
            "旧版 Word 文档（Word 97-2003 格式）",
        ),
        (
            "通知.wps",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
            "WPS 文字文档（.wps 格式）",
        ),
        ("通知.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF 文件"),
        (
            "改了扩展名.docx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
            "旧版 Word 或 WPS 文档",
        ),
    ],
)
def test_doc_wps_and_pdf_are_refused_with_the_way_to_a_docx(
    site: Path, tmp_path: Path, name: str, data: bytes, said: str
) -> None:
    source = tmp_path / name
    source.write_bytes(data)
    before = content_files(site)
    result = import_file(site, source)
    assert result.returncode == 2
    assert said in result.stderr
    assert "另存为”Word 文档（*.docx）" in result.stderr
    assert content_files(site) == before


def test_a_corrupt_docx_writes_nothing(site: Path, notice: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "截断.docx"
    truncated.write_bytes(notice.read_bytes()[:3000])
    without_body = tmp_path / "缺正文.docx"
    with zipfile.ZipFile(notice) as whole, zipfile.ZipFile(without_body, "w") as partial:
        for entry in whole.infolist():
            if entry.filename != "word/document.xml":
                partial.writestr(entry, whole.read(entry))
    broken_xml = tmp_path / "坏的XML.docx"
    with zipfile.ZipFile(notice) as whole, zipfile.ZipFile(broken_xml, "w") as partial:
        for entry in whole.infolist():
            data = whole.read(entry)
            partial.writestr(entry, data[:-40] if entry.filename == "word/document.xml" else data)
    # Whole XML with values python-docx refuses once it reads them: a size, a bold flag.
    bad_values = tmp_path / "坏的格式值.docx"
    with zipfile.ZipFile(notice) as whole, zipfile.ZipFile(bad_values, "w") as partial:
        for entry in whole.infolist():
            data = whole.read(entry)
            if entry.filename == "word/document.xml":
                data = data.replace(b'<w:sz w:val="80"/>', b'<w:sz w:val="abc"/>', 1)
                data = data.replace(b"<w:b/>", b'<w:b w:val="maybe"/>', 1)
            partial.writestr(entry, data)
    before = content_files(site)
    for source in (truncated, without_body, broken_xml, bad_values):
        result = import_file(site, source)
        assert result.returncode == 2, source.name
        assert f"{source.name} 已损坏或不是完整的 Word 文档" in result.stderr
        assert "未写入任何文件" in result.stderr
    assert content_files(site) == before


def test_an_existing_file_is_never_overwritten(
    site: Path, notice: Path, attachments: list[Path]
) -> None:
    first = import_file(site, notice, "--file", "tongzhi.md", "--attach", str(attachments[1]))
    assert first.returncode == 0, first.stderr
    before = content_files(site)
    again = import_file(site, notice, "--file", "tongzhi.md", "--attach", str(attachments[1]))
    assert again.returncode == 2
    assert "已存在，不会覆盖" in again.stderr
    assert content_files(site) == before
    # Another item's attachment of the same name sits in that item's own folder.
    other = import_file(site, notice, "--file", "other", "--attach", str(attachments[1]))
    assert other.returncode == 0, other.stderr
    assert (site / ZCWJ / "tongzhi" / attachments[1].name).read_bytes() == (
        site / ZCWJ / "other" / attachments[1].name
    ).read_bytes()


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("二〇一八年五月十日", date(2018, 5, 10)),
        ("二○二○年十二月三十一日", date(2020, 12, 31)),
        ("二〇一九年十月二十日", date(2019, 10, 20)),
        ("2018年5月10日", date(2018, 5, 10)),
        ("２０１８年１１月１日", date(2018, 11, 1)),
        ("2018 年 5 月 10 日", date(2018, 5, 10)),
        ("二〇一八年二月三十日", None),
        ("2018年5月10日印发", None),
    ],
)
def test_the_date_of_the_signature(text: str, day: date | None) -> None:
    assert chinese_date(text) == day


@pytest.mark.parametrize(
    ("found", "canonical"),
    [
        ("源政办[2018]51号", "源政办〔2018〕51号"),
        ("自府办发【2018】44号", "自府办发〔2018〕44号"),
        ("源政办〔2018〕51号", "源政办〔2018〕51号"),
        ("源政办（2018）第051号", "源政办〔2018〕51号"),
    ],
)
def test_the_doc_number_is_normalized_as_fix_does(found: str, canonical: str) -> None:
    assert normalized_doc_number(found)[0] == canonical


def embed(document, partname: str, content_type: str, data: bytes, relationship: str) -> None:
    """An object embedded in a paragraph, as Word writes one (w:object/o:OLEObject)."""
    part = Part(PackURI(partname), content_type, data, document.part.package)
    rid = document.part.relate_to(part, relationship)
    run = document.add_paragraph().add_run()
    run._r.append(
        parse_xml(
            '<w:object xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
            ' xmlns:o="urn:schemas-microsoft-com:office:office"'
            ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<o:OLEObject Type="Embed" ProgID="Excel.Sheet.12" r:id="{rid}"/></w:object>'
        )
    )


def test_word_headings_and_embedded_files(site: Path, tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph("湟源县财政局关于2027年专项资金的通知", style="Title")
    document.add_paragraph("源财〔2026〕30号").alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("各乡镇：")
    document.add_heading("资金安排", level=1)
    document.add_paragraph("资金安排见下表。")
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "2027年专项资金（万元）"
    for row, (name, amount) in zip(
        table.rows[1:], [("城关镇", "120"), ("大华镇", "80")], strict=True
    ):
        row.cells[0].text, row.cells[1].text = name, amount
    picture = tmp_path / "stamp.png"
    picture.write_bytes(png())
    table.cell(2, 1).paragraphs[0].add_run().add_picture(str(picture))
    spreadsheet = b"PK\x03\x04 an embedded workbook"
    embed(document, "/word/embeddings/Microsoft_Excel_Worksheet.xlsx",
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", spreadsheet,
          RELATIONSHIP_TYPE.PACKAGE)  # fmt: skip
    embed(document, "/word/embeddings/oleObject1.bin",
          "application/vnd.openxmlformats-officedocument.oleObject", b"\xd0\xcf\x11\xe0",
          RELATIONSHIP_TYPE.OLE_OBJECT)  # fmt: skip
    document.add_paragraph("湟源县财政局")
    document.add_paragraph("2026年11月20日")
    source = tmp_path / "源财〔2026〕30号.docx"
    document.save(str(source))
    result = import_file(site, source)
    assert result.returncode == 0, result.stderr
    item = site / imported_path(result)
    text = item.read_text(encoding="utf-8")
    assert "标题: 湟源县财政局关于2027年专项资金的通知\n" in text
    assert "发布机构: 湟源县财政局\n" in text
    assert "成文日期: 2026-11-20\n" in text
    assert "\n## 资金安排\n" in text
    assert (
        "| 2027年专项资金（万元） | 2027年专项资金（万元） |\n| --- | --- |\n| 城关镇 | 120 |"
        in text
    )
    assert "| 大华镇 | 80![图1](图1.png) |" in text
    assert len(list(item.parent.glob("图*"))) == 1
    saved = item.parent / "嵌入文件1.xlsx"
    assert saved.read_bytes() == spreadsheet
    assert f"[嵌入文件1]({saved.name})" in text
    # A bare OLE object keeps its file in a stream of its own: the clerk is told to save it.
    assert "# 注意：原文件中有 1 个嵌入对象无法导出" in text
    item.write_text(
        re.sub(r"^主题分类:.*$", "主题分类: 财政、金融、审计/财政", text, flags=re.M),
        encoding="utf-8",
    )
    checked = check(site, item.relative_to(site).as_posix())
    assert checked.returncode == 0, checked.stdout


def test_two_attachments_of_the_same_name_are_refused(
    site: Path, notice: Path, tmp_path: Path
) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "附件1.pdf").write_bytes(b"%PDF-1.4")
    before = content_files(site)
    result = import_file(site, notice, "--attach", str(tmp_path / "a" / "附件1.pdf"),
                         "--attach", str(tmp_path / "b" / "附件1.pdf"))  # fmt: skip
    assert result.returncode == 2
    assert "同名文件" in result.stderr
    assert content_files(site) == before


@pytest.mark.parametrize("layout", ["black letterhead", "number under the title"])
def test_the_title_is_found_in_other_layouts(site: Path, tmp_path: Path, layout: str) -> None:
    document = Document()
    if layout == "black letterhead":
        centred(document, "湟源县人民政府办公室", 30)
        centred(document, "源政办〔2026〕5号", 16)
        document.add_paragraph()
        centred(document, "关于做好冬季供暖保障工作的通知", 22)
    else:
        centred(document, "关于做好冬季供暖保障工作的通知", 22)
        centred(document, "（源政办〔2026〕5号）", 16)
    document.add_paragraph("各乡镇人民政府：")
    document.add_paragraph("请做好冬季供暖保障工作。")
    source = tmp_path / "供暖.docx"
    document.save(str(source))
    result = import_file(site, source)
    assert result.returncode == 0, result.stderr
    text = (site / imported_path(result)).read_text(encoding="utf-8")
    assert "标题: 关于做好冬季供暖保障工作的通知\n" in text
    assert "文号: 源政办〔2026〕5号\n" in text
    if layout == "black letterhead":  # the letterhead names the unit
        assert "发布机构: 湟源县人民政府办公室\n" in text
    else:  # nothing does: left to the clerk, with its note
        assert re.search(r"^发布机构:\s+# 未能识别发布机构", text, re.M)
    body = text.split("\n---\n", 1)[1]
    assert body.strip().startswith("各乡镇人民政府：")


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_content_controls_and_tracked_changes(site: Path, tmp_path: Path) -> None:
    """Word's 公文 templates keep the 文号 in a content control; a draft keeps its tracked
    changes: the inserted text is the document's, the deleted text is not."""
    document = Document()
    centred(document, "湟源县人民政府办公室文件", 40, red=True)
    body = document.element.body
    body.insert(
        len(body) - 1,  # before the section properties
        parse_xml(
            f'<w:sdt {W_NS}><w:sdtPr><w:alias w:val="文号"/></w:sdtPr><w:sdtContent>'
            '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>源政办〔2026〕9号</w:t></w:r></w:p>'
            "</w:sdtContent></w:sdt>"
        ),
    )
    centred(document, "关于做好冬季供暖保障工作的通知", 22)
    document.add_paragraph("各乡镇人民政府：")
    changed = document.add_paragraph("请")
    changed._p.append(
        parse_xml(
            f'<w:ins {W_NS} w:id="1" w:author="马静" w:date="2026-11-20T09:00:00Z">'
            "<w:r><w:t>于12月1日前</w:t></w:r></w:ins>"
        )
    )
    changed._p.append(
        parse_xml(
            f'<w:del {W_NS} w:id="2" w:author="马静" w:date="2026-11-20T09:00:00Z">'
            "<w:r><w:delText>尽快</w:delText></w:r></w:del>"
        )
    )
    changed.add_run("做好供暖保障工作。")
    source = tmp_path / "供暖.docx"
    document.save(str(source))
    result = import_file(site, source)
    assert result.returncode == 0, result.stderr
    text = (site / imported_path(result)).read_text(encoding="utf-8")
    assert "文号: 源政办〔2026〕9号\n" in text
    assert "标题: 关于做好冬季供暖保障工作的通知\n" in text
    assert "\n请于12月1日前做好供暖保障工作。\n" in text


def test_word_numbering_in_the_gongwen_levels(site: Path, tmp_path: Path) -> None:
    """一、 and （一） numbered by Word itself (the number is not in the text): kept as the
    reader sees them, so the levels become headings as typed ones do."""
    document = Document()
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {W_NS} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
            '<w:lvlText w:val="%1、"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
            '<w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(parse_xml(f'<w:num {W_NS} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))

    def numbered(text: str, level: int) -> None:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {W_NS}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
        )

    centred(document, "关于做好冬季供暖保障工作的通知", 22)
    document.add_paragraph("各乡镇人民政府：")
    numbered("总体要求", 0)
    numbered("保障范围", 1)
    numbered("保障时间", 1)
    numbered("工作措施", 0)
    numbered("加强巡查。各乡镇要组织人员对供暖设施逐户巡查，发现问题及时报告处理。", 1)
    source = tmp_path / "供暖.docx"
    document.save(str(source))
    result = import_file(site, source)
    assert result.returncode == 0, result.stderr
    text = (site / imported_path(result)).read_text(encoding="utf-8")
    assert (
        "\n## 一、总体要求\n\n### （一）保障范围\n\n### （二）保障时间\n\n## 二、工作措施\n" in text
    )
    assert "\n（一）加强巡查。各乡镇要组织人员" in text


def test_text_that_looks_like_markup_stays_text(site: Path, tmp_path: Path) -> None:
    document = Document()
    centred(document, "湟源县人民政府办公室关于网站维护的通知", 22)
    centred(document, "源政办〔2026〕212号", 16)
    document.add_paragraph("各单位：")
    for text in (
        "1. 维护时间为周六。",
        "# 号和 <b>标签</b> 照原样显示。",
        "文件名 a_b*c*.pdf 和 [1] 也是。",
    ):
        document.add_paragraph(text)
    source = tmp_path / "维护.docx"
    document.save(str(source))
    result = import_file(site, source)
    assert result.returncode == 0, result.stderr
    item = site / imported_path(result)
    text = item.read_text(encoding="utf-8")
    assert "\n1\\. 维护时间为周六。\n" in text
    assert "\n\\# 号和 &lt;b>标签&lt;/b> 照原样显示。\n" in text
    assert "\n文件名 a\\_b\\*c\\*.pdf 和 \\[1\\] 也是。\n" in text
    item.write_text(re.sub(r"^主题分类:.*$", "主题分类: 综合政务/政务公开", text, flags=re.M),
                    encoding="utf-8")  # fmt: skip
    checked = check(site, item.relative_to(site).as_posix())
    assert checked.returncode == 0, checked.stdout


def test_a_style_without_a_name(site: Path, tmp_path: Path) -> None:
    # Word files written by other programs may define a style with no w:name.
    document = Document()
    centred(document, "湟源县人民政府办公室关于网站维护的通知", 22)
    centred(document, "源政办〔2026〕213号", 16)
    style = document.styles.add_style("Nameless", WD_STYLE_TYPE.PARAGRAPH)
    style.element.remove(style.element.find(qn("w:name")))
    document.add_paragraph("各单位：", style=style)
    document.add_paragraph("维护时间为周六。", style=style)
    source = tmp_path / "无名样式.docx"
    document.save(str(source))
    result = import_file(site, source)
    assert result.returncode == 0, result.stderr
    text = (site / imported_path(result)).read_text(encoding="utf-8")
    assert "\n各单位：\n" in text and "\n维护时间为周六。\n" in text
