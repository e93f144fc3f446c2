"""`disclosure import`: a 红头文件 saved as .docx → an item file, with its attachments, to check.

Read with python-docx, which gives each run's colour and size: the 发文机关标志 (red, large type,
often "…文件") is told from the title block by them, and mammoth, made to ignore such details,
could not; pandoc would be one more program to install on every clerk's computer. The document
is read whole before anything is written, so a corrupt file writes nothing; the item is written
as `disclosure new` writes one (same index number, file name, never over an existing file).
What the document does not tell is left empty with a Chinese note.
"""

from __future__ import annotations

import contextlib
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.exceptions import InvalidXmlError
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.table import Table
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from docx.types import ProvidesStoryPart

from generator.content.catalog import Catalog, Column, Unit
from generator.content.dates import AsOf
from generator.content.doc_number import DocNumber, parse_doc_number
from generator.content.fields import GENRES, label
from generator.workflow.new_item import (
    NewItemError,
    assign_index_number,
    find_column,
    find_unit,
    front_matter,
    item_path,
    open_catalog,
    quoted,
    write_new_file,
)

SAVE_AS_DOCX = "请在 Word 或 WPS 中打开它，“另存为”Word 文档（*.docx）后再导入。"
# Formats a clerk receives that are not .docx, told by their first bytes as well as their name.
OLD_FORMATS = {
    ".doc": "旧版 Word 文档（Word 97-2003 格式）",
    ".wps": "WPS 文字文档（.wps 格式）",
    ".dot": "旧版 Word 模板",
    ".wpt": "WPS 模板",
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .doc and .wps are OLE compound files
PDF_MAGIC = b"%PDF"

# 文号 inside a line, in any of the brackets `disclosure fix` corrects.
DOC_NUMBER_IN_LINE = re.compile(
    r"[\u4e00-\u9fff]{1,12}\s*[\[【(（〔﹝［]\s*[0-9０-９]{4}\s*[\]】)）〕﹞］]\s*第?\s*[0-9０-９]+\s*号"
)
_NUMERALS = {"〇": 0, "○": 0, "零": 0, "O": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_YEAR = "[0-9〇○零OＯ一二三四五六七八九]{4}"
_COUNT = "[0-9一二三四五六七八九十]{1,3}"
DATE_LINE = re.compile(
    rf"^(?P<year>{_YEAR})\s*年\s*(?P<month>{_COUNT})\s*月\s*(?P<day>{_COUNT})\s*日$"
)
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

# The 公文 numbering of GB/T 9704 §7.3.3: 一、 then （一） then 1. then （1）.
LEVEL_ONE = re.compile(r"^[一二三四五六七八九十]+、")
LEVEL_TWO = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
ATTACHMENTS_LINE = re.compile(r"^附\s*件\s*[:：]\s*(?P<rest>.*)$")
LISTED = re.compile(r"^(?P<prefix>\s*(?P<number>[0-9０-９]+)\s*[.．、:：]?\s*)(?P<name>\S.*)$")
HEADING_STYLE = re.compile(r"^(?:Heading|标题)\s*(?P<level>[1-9])$")
_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]"} | {"<": "&lt;"})
_UNSAFE_NAME = re.compile(r"[\s()\[\]<>#?%&]+")

BLANK_NOTES = {
    "title": "未找到标题，请填写",
    "doc_no": "未在文件中找到文号，请填写，如 源政办〔2026〕12号",
    "topic": "请填写主题分类：“一级/二级”，如 综合政务/政务公开（词表见信息员指南）",
    "written": "未找到落款日期，请填写成文日期 YYYY-MM-DD",
    "publisher": "未能识别发布机构：删除本文件后用 --publisher 指定并重新导入（会自动分配索引号）",
    "index_no": "未分配：发布机构不明。用 --publisher 重新导入，或按“机构代码/年份-流水号”填写",
    "genre": "请填写公文文种，如 通知",
}


class ImportRefused(NewItemError):
    """The file cannot be imported; the message says why and what to do, in Chinese."""


@dataclass
class ImportRequest:
    source: Path
    column: str
    publisher: str | None = None
    attachments: list[Path] = field(default_factory=list)
    file_name: str | None = None


@dataclass
class Embedded:
    """An image or embedded file of the document, saved beside the item."""

    label: str  # 图1, 嵌入文件1
    name: str  # the file name beside the item, linked as it is
    data: bytes


@dataclass
class Block:
    """A paragraph or a table, as Markdown and with what the header analysis needs."""

    markdown: str
    text: str = ""  # plain text, stripped
    centred: bool = False
    size: float = 0.0  # the largest type size, in points
    red: bool = False
    heading: int = 0  # 1-9 from a Heading style, 0 otherwise
    title_style: bool = False
    is_table: bool = False
    listed: bool = False  # a Word list item: its Markdown is already a list line


@dataclass
class Imported:
    """What was found in the document, and the item written from it."""

    path: Path
    title: str | None
    doc_no: str | None
    doc_no_written: str | None  # as it was in the document, when the brackets were corrected
    written: date | None
    publisher: str | None
    index_no: str | None
    files: list[Path]
    to_fill: list[str]  # Chinese field names left for the clerk
    unmatched: list[str] = field(default_factory=list)  # listed attachments without a file


def import_docx(site: Path, request: ImportRequest, as_of: AsOf) -> Imported:
    """Read the document whole, find its metadata, then write the item and its files."""
    collection, catalog = open_catalog(site)
    column = find_column(catalog, request.column)
    unit = find_unit(catalog, column, request.publisher) if request.publisher else None
    reader, blocks = read_document(request.source)
    header = find_header(blocks)
    tail = find_tail(blocks, header.end)
    if unit is None:
        unit = guess_unit(catalog, column, [tail.signer, *header.flag, header.title])
    index_no = assign_index_number(collection, unit, as_of) if unit else None
    file_name = request.file_name
    if index_no is None and file_name is None:  # no serial to name it by: the document's name
        file_name = f"{as_of.day.strftime('%Y%m%d')}-{safe_name(request.source.stem)}"
    path = item_path(site, column, as_of, index_no or "", file_name)
    given = {source: safe_name(source.name) for source in request.attachments}  # in its folder
    if len(set(given.values())) < len(given):
        raise ImportRefused("--attach 给出的附件中有同名文件，请先改名，使每个附件的文件名不同。")
    body, unmatched = render_body(blocks, header, tail, given)

    doc_no, doc_no_written = normalized_doc_number(header.doc_no)
    title = header.title
    genre = next((g for g in GENRES if title and title.endswith(g) and g != "其他"), None)
    values = {
        "title": quoted(title) if title else None,
        "index_no": index_no,
        "publisher": unit.name if unit else None,
        "doc_no": doc_no,
        "written": tail.written.isoformat() if tail.written else None,
        "published": as_of.day.isoformat(),
        "genre": genre,
    }
    notes = {key: note for key, note in BLANK_NOTES.items() if not values.get(key)}
    if "doc_no" not in column.required:
        notes.pop("doc_no", None)  # optional here: a column without 文号 needs no reminder
    lines = front_matter(column, values, notes)
    if reader.skipped_objects:
        lines.insert(1, f"# 注意：原文件中有 {reader.skipped_objects} 个嵌入对象无法导出，"
                        "请从 Word 中另存为文件，放在本文件旁边并链接。")  # fmt: skip
    files = {path.parent / e.name: e.data for e in reader.embedded}
    for source, name in given.items():
        try:
            files[path.parent / name] = source.read_bytes()
        except OSError as error:
            raise ImportRefused(f"无法读取附件 {source}：{error.strerror}。") from None
    write_all(site, files, path, "\n".join([*lines, "", body]))
    return Imported(
        path=path,
        title=title,
        doc_no=doc_no,
        doc_no_written=doc_no_written,
        written=tail.written,
        publisher=unit.name if unit else None,
        index_no=index_no,
        files=list(files),
        to_fill=[label(key) for key in notes],
        unmatched=unmatched,
    )


def write_all(site: Path, files: dict[Path, bytes], item: Path, text: str) -> None:
    """The attachments, then the item; none if any of them exists already."""
    for target in [item, *files]:
        if target.exists():
            raise ImportRefused(
                f"{target.relative_to(site).as_posix()} 已存在，不会覆盖；请换一个文件名（--file）。"
            )
    written: list[Path] = []
    target = item
    try:
        for target, data in [*files.items(), (item, text.encode("utf-8"))]:
            write_new_file(site, target, data)
            written.append(target)
    except (NewItemError, OSError) as error:
        for done in written:  # a file that appeared meanwhile: leave no half import behind
            done.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            item.parent.rmdir()  # the item's folder, if this import made it
        if isinstance(error, OSError):
            raise ImportRefused(f"无法写入 {target}：{error.strerror}；未留下任何文件。") from None
        raise


# What python-docx raises for a file that is not a whole .docx, or for XML it cannot read
# (a value outside its schema: an alignment "bogus", a size "abc", a colour "zzz"; XML that
# is not well formed: lxml's XMLSyntaxError, a SyntaxError, caught without importing lxml).
UNREADABLE = (
    PackageNotFoundError,
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    SyntaxError,
    InvalidXmlError,
)


def read_document(source: Path) -> tuple[DocumentReader, list[Block]]:
    """The document read whole, or a refusal naming what the file is and how to make a .docx
    of it. python-docx reads lazily: a bad value shows only when its paragraph is read."""
    try:
        with source.open("rb") as stream:
            start = stream.read(8)
    except OSError as error:
        raise ImportRefused(f"无法读取 {source}：{error.strerror}。") from None
    suffix = source.suffix.lower()
    if suffix == ".pdf" or start.startswith(PDF_MAGIC):
        raise ImportRefused(
            f"{source.name} 是 PDF 文件，不能导入为正文：请找到原始的 Word 文件，{SAVE_AS_DOCX}"
            "（PDF 可以作为附件用 --attach 附上。）"
        )
    if suffix in OLD_FORMATS or start.startswith(OLE_MAGIC):
        kind = OLD_FORMATS.get(suffix, "旧版 Word 或 WPS 文档")
        raise ImportRefused(f"{source.name} 是{kind}，不能直接导入：{SAVE_AS_DOCX}")
    if suffix != ".docx":
        raise ImportRefused(f"{source.name} 不是 Word 文档（.docx）：{SAVE_AS_DOCX}")
    try:
        reader = DocumentReader(docx.Document(str(source)))
        return reader, reader.blocks()
    except UNREADABLE:
        raise ImportRefused(
            f"{source.name} 已损坏或不是完整的 Word 文档，无法读取，未写入任何文件。"
            f"请用 Word 或 WPS 打开确认内容完整，{SAVE_AS_DOCX}"
        ) from None


# Elements that wrap a document's paragraphs or a paragraph's runs without being text themselves:
# tracked insertions, content controls (Word's 公文 templates put the 文号 in one), smart tags,
# simple fields. python-docx's iterators skip what they hold; a tracked deletion stays out.
WRAPPERS = frozenset(
    qn(tag)
    for tag in ("w:ins", "w:sdt", "w:sdtContent", "w:smartTag", "w:fldSimple", "w:customXml")
)


def blocks_of(element: BaseOxmlElement, parent: ProvidesStoryPart) -> Iterator[Paragraph | Table]:
    """The paragraphs and tables of a body or a table cell, in order, wrappers opened."""
    for child in element:
        if child.tag == qn("w:p"):
            yield Paragraph(child, parent)
        elif child.tag == qn("w:tbl"):
            yield Table(child, parent)
        elif child.tag in WRAPPERS:
            yield from blocks_of(child, parent)


def runs_of(element: BaseOxmlElement, paragraph: Paragraph) -> Iterator[Run | Hyperlink]:
    """The runs and hyperlinks of a paragraph, in order, wrappers opened."""
    for child in element:
        if child.tag == qn("w:r"):
            yield Run(child, paragraph)
        elif child.tag == qn("w:hyperlink"):
            yield Hyperlink(child, paragraph)
        elif child.tag in WRAPPERS:
            yield from runs_of(child, paragraph)


class DocumentReader:
    """The document's paragraphs and tables in order, as Markdown; its pictures and embedded
    files collected as it goes."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.embedded: list[Embedded] = []
        self.skipped_objects = 0
        self._counts: dict[int, dict[int, int]] = {}  # numbered paragraphs so far, by list

    def blocks(self) -> list[Block]:
        blocks = []
        for content in blocks_of(self.document.element.body, self.document):
            if isinstance(content, Table):
                blocks.append(Block(self.table(content), is_table=True))
            else:
                blocks.append(self.paragraph(content))
        return blocks

    def paragraph(self, paragraph: Paragraph) -> Block:
        pieces: list[tuple[str, bool, bool]] = []  # (text, bold, is Markdown already)
        plain: list[str] = []
        sizes: list[float] = []
        red = False
        for content in runs_of(paragraph._p, paragraph):
            plain.append(content.text)
            if isinstance(content, Hyperlink):
                text = escape(content.text)
                address = content.url
                pieces.append((f"[{text}]({address})" if address else text, False, True))
                continue
            pieces.extend(self.run(content))
            if content.font.size is not None:
                sizes.append(content.font.size.pt)
            red = red or (bool(content.text.strip()) and is_red(content))
        style = paragraph.style
        style_name = (style.name if style is not None else None) or ""  # a style may lack a name
        heading = HEADING_STYLE.match(style_name)
        alignment = paragraph.alignment
        if alignment is None and style is not None:
            alignment = style.paragraph_format.alignment
        if not sizes and style is not None and style.font.size is not None:
            sizes.append(style.font.size.pt)
        text = "".join(plain).strip(" \t\u3000\n")
        block = Block(
            inline(pieces),
            text=text,
            centred=alignment == WD_ALIGN_PARAGRAPH.CENTER,
            size=max(sizes, default=0.0),
            red=red,
            heading=int(heading["level"]) if heading else 0,
            title_style=style_name == "Title",
        )
        numbered = self.number_of(paragraph, style_name)
        if numbered is not None and block.markdown:
            number, is_list = numbered
            if is_list:
                block.markdown = number + block.markdown
                block.listed = True
            else:  # 一、 （一） ①: kept as text, as if typed, so the 公文 levels apply
                block.text = number + block.text
                block.markdown = escape(number) + block.markdown
        return block

    def run(self, run: Run) -> list[tuple[str, bool, bool]]:
        pieces: list[tuple[str, bool, bool]] = []
        for blip in run.element.iter(qn("a:blip")):
            image = self.save(blip.get(qn("r:embed")), "图")
            if image is not None:
                pieces.append((f"![{image.label}]({image.name})", False, True))
        for ole in run.element.iter("{urn:schemas-microsoft-com:office:office}OLEObject"):
            saved = self.save(ole.get(qn("r:id")), "嵌入文件")
            if saved is not None:
                pieces.append((f"[{saved.label}]({saved.name})", False, True))
        if run.text:
            pieces.append((run.text, run.bold is True, False))
        return pieces

    def save(self, relationship: str | None, kind: str) -> Embedded | None:
        part = self.document.part.related_parts.get(relationship) if relationship else None
        if part is None:
            return None
        extension = Path(str(part.partname)).suffix.lower()
        if kind == "嵌入文件" and extension == ".bin":
            # An OLE package keeps its file inside a binary stream of its own: not ours to unpack.
            self.skipped_objects += 1
            return None
        number = 1 + sum(1 for saved in self.embedded if saved.label.startswith(kind))
        label = f"{kind}{number}"
        embedded = Embedded(label, safe_name(f"{label}{extension}"), part.blob)
        self.embedded.append(embedded)
        return embedded

    def number_of(self, paragraph: Paragraph, style_name: str) -> tuple[str, bool] | None:
        """The number Word gives a paragraph (not in its text), and whether it is a list
        marker: ``- `` or ``1. `` for a list Markdown can number, else the number as Word
        shows it (``一、``, ``（1）``)."""
        properties = paragraph._p.pPr
        numbering = properties.numPr if properties is not None else None
        if numbering is None or numbering.numId is None:
            if style_name.startswith("List Bullet"):
                return "- ", True
            return ("1. ", True) if style_name.startswith("List Number") else None
        level = numbering.ilvl.val if numbering.ilvl is not None else 0
        found = self.level_format(numbering.numId.val, level)
        if found is None:
            return None
        kind, pattern = found
        counts = self._counts.setdefault(numbering.numId.val, {})
        counts[level] = counts.get(level, 0) + 1
        for deeper in [key for key in counts if key > level]:
            del counts[deeper]  # a new 一、 starts its （一） again
        indent = "    " * level
        if kind == "bullet":
            return indent + "- ", True
        if kind == "decimal" and pattern == f"%{level + 1}.":
            return indent + "1. ", True
        text = pattern
        for upper, count in counts.items():
            shown = chinese_number(count) if kind in CHINESE_FORMATS else str(count)
            text = text.replace(f"%{upper + 1}", shown)
        return text, False

    def level_format(self, number_id: int, level: int) -> tuple[str, str] | None:
        """(numFmt, lvlText) of a numbering level, from numbering.xml."""
        try:
            numbering = self.document.part.numbering_part.element
        except NotImplementedError:  # python-docx: a document without numbering.xml
            return None
        abstract = numbering.xpath(f'./w:num[@w:numId="{number_id}"]/w:abstractNumId/@w:val')
        if not abstract:
            return None
        found = numbering.xpath(
            f'./w:abstractNum[@w:abstractNumId="{abstract[0]}"]/w:lvl[@w:ilvl="{level}"]'
        )
        if not found:
            return None
        kind = found[0].find(qn("w:numFmt"))
        pattern = found[0].find(qn("w:lvlText"))
        return (
            kind.get(qn("w:val"), "decimal") if kind is not None else "decimal",
            pattern.get(qn("w:val"), "") if pattern is not None else f"%{level + 1}.",
        )

    def table(self, table: Table) -> str:
        rows = []
        # A merged cell is given once per row or column it spans; read it once (the element as
        # key keeps its proxy alive, so the same cell is the same key).
        merged: dict[object, str] = {}
        for row in table.rows:
            cells = []
            for cell in row.cells:
                if cell._tc not in merged:
                    lines = [
                        inline_of(self.paragraph(p).markdown)
                        for p in blocks_of(cell._tc, cell)
                        if isinstance(p, Paragraph)  # a table in a cell is not kept
                    ]
                    merged[cell._tc] = " ".join(line for line in lines if line)
                cells.append(merged[cell._tc].replace("|", "\\|") or " ")
            rows.append(cells)
        if not rows:
            return ""
        width = max(len(row) for row in rows)
        rows = [row + [" "] * (width - len(row)) for row in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
        lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
        return "\n".join(lines)


CHINESE_FORMATS = {"chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
                   "ideographDigital", "taiwaneseCounting", "japaneseCounting"}  # fmt: skip


def chinese_number(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (the 公文's 一、 and （一）)."""
    digits = "〇一二三四五六七八九"
    if number <= 10:
        return "十" if number == 10 else digits[number]
    tens, ones = divmod(number, 10)
    return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")


def inline_of(markdown: str) -> str:
    """A paragraph's Markdown on one line, for a table cell (no list marker, no line break)."""
    return re.sub(r"^(\s*)(- |1\. )", "", markdown).replace("  \n", " ").replace("\n", " ")


def is_red(run: Run) -> bool:
    color = run.font.color
    rgb = color.rgb if color is not None and color.type is not None else None
    return rgb is not None and rgb[0] >= 0xC0 and rgb[1] < 0x60 and rgb[2] < 0x60


def escape(text: str) -> str:
    return text.translate(_MARKDOWN_SPECIAL)


def inline(pieces: list[tuple[str, bool, bool]]) -> str:
    """Runs as Markdown: consecutive bold runs joined into one ``**…**``, text escaped."""
    merged: list[tuple[str, bool]] = []
    for text, bold, is_markdown in pieces:
        text = text if is_markdown else escape(text)
        if merged and merged[-1][1] == bold and not is_markdown:
            merged[-1] = (merged[-1][0] + text, bold)
        else:
            merged.append((text, bold))
    out = []
    for text, bold in merged:
        core = text.strip(" \t\u3000")
        if bold and core:
            start = text.index(core[0])
            out.append(f"{text[:start]}**{core}**{text[start + len(core) :]}")
        else:
            out.append(text)
    markdown = "".join(out).strip(" \t\u3000\n")
    return markdown.replace("\t", " ").replace("\n", "  \n")


@dataclass
class Header:
    flag: list[str] = field(default_factory=list)  # 发文机关标志 lines
    doc_no: str | None = None
    title: str | None = None
    dropped: set[int] = field(default_factory=set)  # blocks that became front matter
    end: int = 0  # the first block of the body


def find_header(blocks: list[Block]) -> Header:
    """The 发文机关标志, the 文号 and the title block at the top of the document.

    GB/T 9704 puts the 标志 (red), then the 文号, then the title; a document without a red
    header may have its title first and the 文号 under it. Title-like lines above a 文号 are
    therefore the title only when none follow it; otherwise they are a letterhead in black.
    """
    header = Header()
    above: list[str] = []  # title-like lines above the 文号, and then below it
    below: list[str] = []
    for index, block in enumerate(blocks):
        header.end = index
        if block.is_table:
            break
        text = block.text
        lines = below if header.doc_no else above
        found = DOC_NUMBER_IN_LINE.search(text)
        if not text:
            pass
        elif not (above or below) and is_flag(block, header):
            header.flag.append(text)
        elif header.doc_no is None and found and len(text) <= 60:
            header.doc_no = found.group(0)
        elif is_title_line(block, continuing=bool(lines)):
            lines.append(text.replace("\n", ""))
        else:
            break
        header.dropped.add(index)
    else:
        header.end = len(blocks)
    if above and below:
        header.flag.extend(above)
    header.title = "".join(below or above) or None
    return header


def is_flag(block: Block, header: Header) -> bool:
    """发文机关标志: red type, or "…文件" in large type, above the 文号 and the title."""
    if header.doc_no is not None or len(block.text) > 40:
        return False
    return block.red or (block.text.endswith("文件") and block.size >= 26)


def is_title_line(block: Block, continuing: bool) -> bool:
    text = block.text
    if len(text) > 80 or text.endswith(("：", ":", "。")) or LEVEL_ONE.match(text):
        return False
    if block.title_style or block.heading == 1 or block.centred or block.size >= 16:
        return True
    return not continuing  # a plain document: its first short line is its title


@dataclass
class Tail:
    written: date | None = None
    date_index: int | None = None
    signer: str | None = None  # the 落款's unit, the line above the date
    signer_index: int | None = None
    attachments_at: int | None = None  # the 附件： line


def find_tail(blocks: list[Block], start: int) -> Tail:
    """The 落款 date (the first line that is only a date) and the 附件 list above it."""
    tail = Tail()
    for index in range(start, len(blocks)):
        block = blocks[index]
        if block.is_table:
            continue
        written = chinese_date(block.text)
        if written is not None:
            tail.written, tail.date_index = written, index
            above = [i for i in range(start, index) if blocks[i].text and not blocks[i].is_table]
            signer = blocks[above[-1]].text if above else ""
            if signer and len(signer) <= 30 and not signer.endswith(("。", "：", ":")):
                tail.signer, tail.signer_index = signer, above[-1]
            break
    end = tail.date_index if tail.date_index is not None else len(blocks)
    for index in range(start, end):
        if not blocks[index].is_table and ATTACHMENTS_LINE.match(blocks[index].text):
            tail.attachments_at = index
    return tail


def chinese_date(text: str) -> date | None:
    """二〇一八年五月十日, 2018年5月10日 or 2018 年 5 月 10 日 → the date; anything else → None."""
    match = DATE_LINE.match(text.translate(_FULL_WIDTH_DIGITS).replace(" ", ""))
    if not match:
        return None
    year = int("".join(str(_NUMERALS.get(c, c)) for c in match["year"]))
    try:
        return date(year, count(match["month"]), count(match["day"]))
    except ValueError:
        return None


def count(text: str) -> int:
    """十 → 10, 十一 → 11, 二十 → 20, 三十一 → 31, 5 → 5."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return _NUMERALS.get(text, 0)
    tens, _, ones = text.partition("十")
    return (_NUMERALS.get(tens, 0) if tens else 1) * 10 + (_NUMERALS.get(ones, 0) if ones else 0)


def guess_unit(catalog: Catalog, column: Column, names: list[str | None]) -> Unit | None:
    """The publisher from the 落款, the 发文机关标志 ("…文件") or the title's start, matched
    against the registry by full name or alias; None when no line names a unit."""
    for name in names:
        if not name:
            continue
        name = name.replace(" ", "").replace("\u3000", "")
        candidates = [name, name.removesuffix("文件")]
        unit = next((u for c in candidates if (u := catalog.unit(c)) is not None), None)
        if unit is None:
            known = [(n, u) for u in catalog.units for n in (u.name, *u.aliases)]
            starts = [(len(n), u) for n, u in known if name.startswith(n)]
            unit = max(starts, key=lambda pair: pair[0])[1] if starts else None
        if unit is not None and (not column.units or unit.name in column.units):
            return unit
    return None


def normalized_doc_number(found: str | None) -> tuple[str | None, str | None]:
    """The 文号 in its canonical form and, when it had to be corrected, as written."""
    if found is None:
        return None, None
    found = re.sub(r"\s+", "", found)
    parsed = parse_doc_number(found)
    if isinstance(parsed, DocNumber):
        return parsed.text, None
    if parsed.corrected:
        return parsed.corrected, found
    return None, found


def safe_name(name: str) -> str:
    """A file name that a Markdown link can point to as it is (Chinese kept, spaces not)."""
    return _UNSAFE_NAME.sub("-", name).strip("-")


def render_body(
    blocks: list[Block], header: Header, tail: Tail, given: dict[Path, str]
) -> tuple[str, list[str]]:
    """The body's Markdown, and the listed attachments no given file was found for."""
    listed = listed_attachments(blocks, tail)
    matched = match_attachments([name for _, _, name in listed], list(given))
    unmatched = [name for (_, _, name), source in zip(listed, matched, strict=True) if not source]
    by_block: dict[int, list[tuple[str, str, Path | None]]] = {}
    for (index, prefix, name), source in zip(listed, matched, strict=True):
        by_block.setdefault(index, []).append((prefix, name, source))
    unlisted = [source for source in given if source not in matched]

    parts: list[str] = []
    previous_listed = False
    for index, block in enumerate(blocks):
        if index in header.dropped:
            continue
        if index in by_block:
            for prefix, name, source in by_block[index]:
                target = f"[{escape(name)}]({given[source]})" if source else escape(name)
                parts.append(escape(prefix) + target)
            continue
        if index == tail.attachments_at and not ATTACHMENTS_LINE.match(block.text)["rest"]:
            parts.append("附件：")
            continue
        if unlisted and index in (tail.signer_index, tail.date_index):
            parts.extend(extra_attachments(unlisted, given, tail.attachments_at is None))
            unlisted = []
        markdown = block.markdown
        if not markdown:
            continue
        if block.listed and previous_listed:
            parts[-1] += "\n" + markdown  # one tight list, not a paragraph per item
        else:
            parts.append(shaped(block, markdown))
        previous_listed = block.listed
    if unlisted:
        parts.extend(extra_attachments(unlisted, given, tail.attachments_at is None))
    return "\n\n".join(parts) + "\n", unmatched


def shaped(block: Block, markdown: str) -> str:
    """A paragraph as a heading when Word or the 公文 numbering says it is one."""
    if block.is_table or block.listed:
        return markdown
    text = escape(block.text)
    if block.heading:
        return "#" * min(block.heading + 1, 6) + " " + text
    short = len(block.text) <= 30 and not block.text.endswith(("。", "；", ";", "，", ","))
    if short and LEVEL_ONE.match(block.text):
        return "## " + text
    if short and LEVEL_TWO.match(block.text):
        return "### " + text
    # "1. 公开要求" would become a list numbered by Markdown, "# x" a heading: kept as written.
    return re.sub(r"^(\d+)\.(\s)", r"\1\\.\2", re.sub(r"^([#>+-])", r"\\\1", markdown))


def listed_attachments(blocks: list[Block], tail: Tail) -> list[tuple[int, str, str]]:
    """(block, prefix, name) of each entry of the 附件 list: ``附件：1．名单`` then ``2．表``."""
    if tail.attachments_at is None:
        return []
    first = blocks[tail.attachments_at]
    rest = ATTACHMENTS_LINE.match(first.text)["rest"]  # type: ignore[index]
    entries = []
    if rest:
        numbered = LISTED.match(rest)
        head = first.text[: len(first.text) - len(rest)]
        prefix, name = (head + numbered["prefix"], numbered["name"]) if numbered else (head, rest)
        entries.append((tail.attachments_at, prefix, name))
    end = tail.date_index if tail.date_index is not None else len(blocks)
    for index in range(tail.attachments_at + 1, end):
        text = blocks[index].text
        if not text:
            continue
        numbered = LISTED.match(text)
        if blocks[index].is_table or numbered is None or text == tail.signer:
            break
        entries.append((index, numbered["prefix"].strip(), numbered["name"].strip()))
    return entries


def match_attachments(names: list[str], files: list[Path]) -> list[Path | None]:
    """The given file for each listed name: the same name, one containing the other, or
    ``附件N``; the files left over go, in order, to the names left over."""

    def key(text: str) -> str:
        return re.sub(r"[\s《》“”\"'（）()]", "", text)

    chosen: list[Path | None] = []
    free = list(files)
    for number, name in enumerate(names, start=1):
        wanted = key(name)
        found = next((f for f in free if key(f.stem) == wanted), None)
        found = found or next(
            (
                f
                for f in free
                if len(key(f.stem)) >= 2 and (key(f.stem) in wanted or wanted in key(f.stem))
            ),
            None,
        )
        found = found or next(
            (f for f in free if re.fullmatch(rf"附件\s*{number}", f.stem.strip())), None
        )
        if found is not None:
            free.remove(found)
        chosen.append(found)
    for position, source in enumerate(chosen):
        if source is None and free:
            chosen[position] = free.pop(0)
    return chosen


def extra_attachments(sources: list[Path], given: dict[Path, str], with_heading: bool) -> list[str]:
    lines = ["附件："] if with_heading else []
    lines += [f"[{escape(source.stem)}]({given[source]})" for source in sources]
    return lines
