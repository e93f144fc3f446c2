"""Word files for the import tests, written with python-docx from the seeds' documents."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

# The body of seed 000 (/work/shared/seeds/): 湟源县人民政府办公室关于进一步加强政务公开工作的通知,
# from its 主送 to its last section, one paragraph a line, as the seed has it.
SEED = Path(__file__).parent / "fixtures" / "huangyuan-zhengwu-gongkai-tongzhi.txt"


def seed_body() -> list[str]:
    return SEED.read_text(encoding="utf-8").splitlines()


def png() -> bytes:
    """A 2×2 red PNG, for a picture in the document."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    pixels = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


def centred(document, text: str, size: int, red: bool = False) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    if red:
        run.font.color.rgb = RGBColor(0xFF, 0x00, 0x00)


def red_header_notice(
    path: Path,
    tmp: Path,
    doc_no: str = "源政办[2018]151号",  # the seed's is 51号, which the reference site has
    subject: str = "关于进一步加强政务公开工作的通知",
    dated: str = "二〇一八年五月十日",
) -> Path:
    """A 红头文件 as GB/T 9704 lays it out: 发文机关标志 in red, 文号 (typed with [] as clerks
    do), a two-line title, 主送, numbered paragraphs, a table, bold, a list, a picture, the
    附件 list and the 落款 with its date in Chinese numerals."""
    document = Document()
    centred(document, "湟源县人民政府办公室文件", 40, red=True)
    document.add_paragraph()
    centred(document, doc_no, 16)
    document.add_paragraph()
    centred(document, "湟源县人民政府办公室", 22)
    centred(document, subject, 22)
    document.add_paragraph()
    body = seed_body()
    for text in body[:8]:
        document.add_paragraph(text)
    emphasised = document.add_paragraph("各乡镇、各部门单位要")
    emphasised.add_run("明确分管领导和具体负责人员").bold = True
    emphasised.add_run("，及时组织收集、整理、公布公开内容。")
    table = document.add_table(rows=3, cols=3)
    for row, cells in zip(
        table.rows,
        [
            ("单位", "分管领导", "信息员"),
            ("县政府办", "孟宗勇", "马静"),
            ("县财政局", "李明", "王芳"),
        ],
        strict=True,
    ):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.add_paragraph("公开渠道包括：")
    document.add_paragraph("县政府门户网站", style="List Bullet")
    document.add_paragraph("政务公开专区", style="List Bullet")
    picture = tmp / "picture.png"
    picture.write_bytes(png())
    document.add_picture(str(picture))
    picture.unlink()
    for text in body[8:]:
        document.add_paragraph(text)
    document.add_paragraph("附件：1．政务公开工作分管领导及工作人员名单")
    document.add_paragraph("　　　2．政务公开工作任务分解表")
    document.add_paragraph()
    signer = document.add_paragraph("湟源县人民政府办公室")
    signer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    dated_line = document.add_paragraph(dated)
    dated_line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph("（此件公开发布）")
    document.save(str(path))
    return path
