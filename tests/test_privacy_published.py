"""Personal numbers in everything published besides an item's text (issue #23, part 3).

A file's name (its page's or attachment's address), columns.yml, and the text of the text, CSV,
Word and Excel attachments that a public page links to are scanned as the body is. Each test
writes the hostile file into a real site, runs the real ``disclosure check`` or ``build`` and
reads the diagnostics (file, line, masked number) it prints.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from conftest import POLICY, front_matter
from sites import REPO, build, copy_reference_site, run_cli
from test_privacy import CARD, ID_NUMBER, MOBILE, card_number, id_number

ITEM = "content/fdzdgknr/zcwj/20181220-tongzhi.md"
PROCUREMENT_NO = id_number("63012320190312001")


def item_linking(site, *targets: str, **fields: str) -> None:
    body = "申请材料见附件：\n\n" + "\n".join(f"- [附件{n}]({t})" for n, t in enumerate(targets, 1))
    values = dict(POLICY, index_no="015180001/2018-00120", doc_no="源政办〔2018〕120号")
    values.update(fields)
    site.write(ITEM, front_matter(values, body + "\n"))


def problems(result) -> list[tuple[str, int, str]]:
    return sorted(
        (d["file"], d["line"], d["code"])
        for d in json.loads(result.stdout or "[]")
        if d["code"].startswith("E-PRIVACY")
    )


def docx(*paragraphs: str, doctype: str = "") -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
        '<w:document xmlns:w="http://schemas.openxmlformats.'
        f'org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>'
    )
    return package({"word/document.xml": xml, "[Content_Types].xml": "<Types/>"})


def xlsx(rows: list[list[str]]) -> bytes:
    strings = [cell for row in rows for cell in row]
    shared = "".join(f"<si><t>{s}</t></si>" for s in strings)
    namespace = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    cells, index = [], 0
    for r, row in enumerate(rows, 1):
        row_cells = []
        for c, _ in enumerate(row):
            row_cells.append(f'<c r="{"ABCDEFG"[c]}{r}" t="s"><v>{index}</v></c>')
            index += 1
        cells.append(f'<row r="{r}">{"".join(row_cells)}</row>')
    return package(
        {
            "xl/sharedStrings.xml": f"<sst {namespace}>{shared}</sst>",
            "xl/worksheets/sheet1.xml": (
                f"<worksheet {namespace}><sheetData>{''.join(cells)}</sheetData></worksheet>"
            ),
        }
    )


def package(parts: dict[str, str]) -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return data.getvalue()


def test_an_attachment_csv_with_an_id_and_a_mobile_is_an_error_at_their_lines(site) -> None:
    csv = f"姓名,身份证号,联系电话\n张某,{ID_NUMBER},0971-2432774\n李某,63012319****0039,{MOBILE}\n"
    site.write("content/fdzdgknr/zcwj/mingdan.csv", csv.encode("gb18030"))  # as Excel saves it
    item_linking(site, "mingdan.csv")
    result = site.cli("check", "--format", "json")
    assert result.returncode == 1
    where = "content/fdzdgknr/zcwj/mingdan.csv"
    assert problems(result) == [(where, 2, "E-PRIVACY-ID-CARD"), (where, 3, "E-PRIVACY-MOBILE")]
    assert ID_NUMBER not in result.stdout and MOBILE not in result.stdout
    text = site.cli("check").stdout
    assert f"{where}:2:4: error E-PRIVACY-ID-CARD 附件中疑似身份证号码“630*" in text


def test_word_and_excel_attachments_name_the_paragraph_and_the_cell(site) -> None:
    site.write("content/fdzdgknr/zcwj/gongshi.docx", docx("公示名单", f"王某，手机 {MOBILE}"))
    site.write(
        "content/fdzdgknr/zcwj/mingxi.xlsx",
        xlsx([["姓名", "银行卡号"], ["赵某", " ".join(CARD[n : n + 4] for n in range(0, 19, 4))]]),
    )
    item_linking(site, "gongshi.docx", "mingxi.xlsx")
    result = site.cli("check", "--format", "json")
    assert problems(result) == [
        ("content/fdzdgknr/zcwj/gongshi.docx", 2, "E-PRIVACY-MOBILE"),
        ("content/fdzdgknr/zcwj/mingxi.xlsx", 2, "E-PRIVACY-BANK-CARD"),
    ]
    messages = [d["message"] for d in json.loads(result.stdout)]
    assert any("附件第 2 段" in m for m in messages)
    assert any("工作表 1 的 B2 单元格" in m for m in messages)


def test_a_broken_office_file_is_an_error_not_a_crash(site) -> None:
    site.write("content/fdzdgknr/zcwj/huaile.docx", b"PK\x03\x04 not a zip at all")
    item_linking(site, "huaile.docx")
    result = site.cli("check", "--format", "json")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    codes = [d["code"] for d in json.loads(result.stdout)]
    assert "E-PRIVACY-UNREADABLE" in codes


LAUGHS = "".join(
    f'<!ENTITY e{n} "{f"&e{n - 1};" * 10 if n else "哈" * 10}">' for n in range(10)
)  # "billion laughs": ten entities, each ten of the one before


@pytest.mark.parametrize(
    "doctype",
    [
        f"<!DOCTYPE w:document [{LAUGHS}]>",
        '<!DOCTYPE w:document [<!ENTITY e9 SYSTEM "file:///etc/hostname">]>',
    ],
    ids=["entity-expansion", "external-entity"],
)
def test_a_word_file_with_hostile_entities_is_unreadable_not_expanded(site, doctype) -> None:
    """The XML of a Word file is read with expat: it neither expands entities without bound
    nor reads a file an entity names; such a document is reported as unreadable."""
    site.write("content/fdzdgknr/zcwj/shiti.docx", docx("&e9;", doctype=doctype))
    item_linking(site, "shiti.docx")
    result = site.cli("check", "--format", "json")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    unreadable = [d for d in json.loads(result.stdout) if d["code"] == "E-PRIVACY-UNREADABLE"]
    assert [d["file"] for d in unreadable] == ["content/fdzdgknr/zcwj/shiti.docx"]


def test_attachments_of_withheld_items_and_unlinked_files_are_not_read(site) -> None:
    site.write("content/fdzdgknr/zcwj/shenqing.csv", f"申请人,{ID_NUMBER}\n")
    item_linking(site, "shenqing.csv", disclosure="依申请公开")
    site.write("content/fdzdgknr/zcwj/beiyong.txt", f"手机 {MOBILE}\n")  # linked by nothing
    assert problems(site.cli("check", "--format", "json")) == []


def test_an_id_number_in_a_file_name_is_an_error(site) -> None:
    name = f"content/fdzdgknr/zcwj/20181220-{ID_NUMBER}-buzhu.md"
    values = dict(POLICY, index_no="015180001/2018-00121", doc_no="源政办〔2018〕121号")
    site.write(name, front_matter(values))
    site.write(f"content/fdzdgknr/zcwj/shouju_{MOBILE}.pdf", pdf("Shouju"))
    item_linking(site, f"shouju_{MOBILE}.pdf")
    result = site.cli("check", "--format", "json")
    assert problems(result) == [
        (name, 1, "E-PRIVACY-ID-CARD"),
        (ITEM, 18, "E-PRIVACY-MOBILE"),  # the link to it, in the body
        (f"content/fdzdgknr/zcwj/shouju_{MOBILE}.pdf", 1, "E-PRIVACY-MOBILE"),
    ]
    messages = [d["message"] for d in json.loads(result.stdout)]
    assert "文件名（网址）" in messages[0] and ID_NUMBER not in messages[0]  # the file is named


def test_columns_yml_texts_are_scanned_and_unit_codes_pass(site) -> None:
    catalog = (site.root / "columns.yml").read_text(encoding="utf-8")
    catalog = catalog.replace(
        "        required: [doc_no, validity]\n",
        f"        description: 咨询请联系王老师 {MOBILE[:3]} {MOBILE[3:7]} {MOBILE[7:]}\n"
        "        required: [doc_no, validity]\n",
    )
    site.write("columns.yml", catalog)
    lines = catalog.split("\n")
    row = next(n for n, line in enumerate(lines, 1) if "王老师" in line)
    result = site.cli("check", "--format", "json")
    assert problems(result) == [("columns.yml", row, "E-PRIVACY-MOBILE")]


def test_table_headers_name_the_numbers_of_their_column(site) -> None:
    csv = f"序号,采购项目编号,联系人身份证号\n1,{PROCUREMENT_NO},{ID_NUMBER}\n"
    site.write("content/fdzdgknr/zcwj/caigou.csv", csv)
    site.write(
        "content/fdzdgknr/zcwj/caigou.xlsx",
        xlsx([["采购项目编号", "身份证号"], [PROCUREMENT_NO, ID_NUMBER]]),
    )
    item_linking(site, "caigou.csv", "caigou.xlsx")
    assert problems(site.cli("check", "--format", "json")) == [
        ("content/fdzdgknr/zcwj/caigou.csv", 2, "E-PRIVACY-ID-CARD"),
        ("content/fdzdgknr/zcwj/caigou.xlsx", 2, "E-PRIVACY-ID-CARD"),
    ]


def test_a_procurement_number_in_the_form_of_an_id_number_passes(site) -> None:
    site.write(
        ITEM,
        front_matter(
            dict(POLICY), f"采购项目编号：{PROCUREMENT_NO}\n\n项目编号 {PROCUREMENT_NO}\n"
        ),
    )
    assert problems(site.cli("check", "--format", "json")) == []


def test_the_build_of_the_reference_site_refuses_personal_numbers_everywhere(tmp_path) -> None:
    """An attachment CSV, an item's file name and columns.yml: check and build report each."""
    site = copy_reference_site(tmp_path / "site")
    column = site / "content" / "fdzdgknr" / "zcwj"
    card = card_number("622848001234567")
    (column / "buzhu-mingdan.csv").write_text(
        f"序号,姓名,身份证号,手机\n1,张某,{ID_NUMBER[:6]} {ID_NUMBER[6:14]} {ID_NUMBER[14:]},"
        f"１３８９７０１２３４５\n2,李某,卡号{card},无\n",
        encoding="utf-8",
    )
    item = column / f"20260301-{ID_NUMBER}-buzhu.md"  # an ID number in its address
    source = next(column.glob("2*.md")).read_text(encoding="utf-8")
    front = source.split("\n---\n", 1)[0].replace("---\n", "", 1)
    fields = dict(line.split(": ", 1) for line in front.splitlines() if ": " in line)
    fields.update(title="补助名单公示", index_no=fields["index_no"][:-5] + "09999")
    item.write_text(
        "---\n"
        + "\n".join(f"{k}: {v}" for k, v in fields.items())
        + "\n---\n\n名单见[附件](buzhu-mingdan.csv)。\n",
        encoding="utf-8",
    )
    catalog = (site / "columns.yml").read_text(encoding="utf-8")
    guide = "    description: 公民、法人和其他组织获取本级政府信息的方式、途径和程序"
    catalog = catalog.replace(guide, f"{guide}；咨询：王老师 138-9701-2345", 1)
    (site / "columns.yml").write_text(catalog, encoding="utf-8")
    row = next(n for n, line in enumerate(catalog.split("\n"), 1) if "王老师" in line)
    before = run_cli("check", "--site", str(site), "--as-of", "2026-11-20", "--format", "json")
    result = build(site, "--format", "json")
    assert result.returncode == 1 and not (site / "site").exists()
    where = "content/fdzdgknr/zcwj/buzhu-mingdan.csv"
    expected = [
        ("columns.yml", row, "E-PRIVACY-MOBILE"),
        (f"content/fdzdgknr/zcwj/20260301-{ID_NUMBER}-buzhu.md", 1, "E-PRIVACY-ID-CARD"),
        (where, 2, "E-PRIVACY-ID-CARD"),
        (where, 2, "E-PRIVACY-MOBILE"),
        (where, 3, "E-PRIVACY-BANK-CARD"),
    ]
    assert problems(result) == expected and problems(before) == expected


def test_an_unreadable_attachment_code_is_registered() -> None:
    from generator.diagnostics import CODES

    assert "E-PRIVACY-UNREADABLE" in CODES and "W-PRIVACY-PDF-UNREADABLE" in CODES
    assert (
        Path(__file__)
        .parent.parent.joinpath("generator/guide/README.md")
        .read_text(encoding="utf-8")
        .count("E-PRIVACY-UNREADABLE")
    )


def pdf(*pages: str) -> bytes:
    """A PDF whose pages show ``pages`` (ASCII) in its text layer, as a word processor saves it."""
    count = len(pages)
    kids = " ".join(f"{3 + 2 * n} 0 R" for n in range(count))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {count} >>",
    ]
    font = 3 + 2 * count
    for n, text in enumerate(pages):
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * n} 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> >> >>"
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream.decode()}\nendstream")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    data, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(data)
    data += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    data += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    data += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return data


def test_the_text_layer_of_a_pdf_is_scanned_page_by_page(site) -> None:
    site.write(
        "content/fdzdgknr/zcwj/gongshi.pdf",
        pdf("Gongshi mingdan", f"Wang, ID {ID_NUMBER[:6]} {ID_NUMBER[6:14]} {ID_NUMBER[14:]}"),
    )
    site.write("content/fdzdgknr/zcwj/sunhuai.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    item_linking(site, "gongshi.pdf", "sunhuai.pdf")
    result = site.cli("check", "--format", "json")
    assert problems(result) == [
        ("content/fdzdgknr/zcwj/gongshi.pdf", 2, "E-PRIVACY-ID-CARD"),
    ]
    broken = [d for d in json.loads(result.stdout) if d["file"].endswith("sunhuai.pdf")]
    assert [(d["code"], d["severity"]) for d in broken] == [
        ("W-PRIVACY-PDF-UNREADABLE", "warning")  # browsers show many a PDF pypdf cannot read
    ]
    assert any("附件第 2 页" in d["message"] for d in json.loads(result.stdout))
    assert "Traceback" not in result.stderr


def test_the_reference_sites_pdfs_are_read_and_pass() -> None:
    from generator.content.attachment_text import passages

    for path in sorted(REPO.joinpath("content").rglob("*.pdf")):
        text = "".join(passage.text for passage in passages(path))
        assert "湟源县" in text, path  # Chinese text read from the text layer


def test_findings_of_an_unchanged_attachment_come_from_the_cache(site) -> None:
    import os
    import time

    path = site.write("content/fdzdgknr/zcwj/mingdan.csv", f"张某,{MOBILE}\n")
    old = time.time_ns() - 10_000_000_000  # not changed within the clock tick
    os.utime(path, ns=(old, old))
    item_linking(site, "mingdan.csv")
    first = site.cli("check", "--format", "json")
    assert (site.root / ".disclosure-cache" / "attachments.json").is_file()
    second = site.cli("check", "--format", "json")
    assert (
        problems(first)
        == problems(second)
        == [("content/fdzdgknr/zcwj/mingdan.csv", 1, "E-PRIVACY-MOBILE")]
    )
    path.write_text("张某,已隐去\n", encoding="utf-8")  # changed: read again
    assert problems(site.cli("check", "--format", "json")) == []
