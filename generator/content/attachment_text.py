"""The text of an attachment that carries text: what a reader of the published file sees.

Read for the privacy scan: a CSV of applicants or a Word table with ID numbers is published as
surely as a page. Plain text and CSV are decoded as UTF-8 or, failing that, GB 18030 (what
Excel and WPS save on a Chinese Windows). Word (.docx) and Excel (.xlsx) files are ZIP packages
of XML: their text is read with the standard ``zipfile`` and ``xml.etree`` — every paragraph of
the document, its headers, footers, notes and comments, and every cell of every sheet. The
parser (expat) expands no external entity and reads nothing from the network, and bounds the
expansion of internal ones (expat 2.4.1 and later, "billion laughs"); at most
:data:`MAX_PART_BYTES` of one part is read, so a ZIP bomb cannot exhaust memory.

A PDF's text layer is read with pypdf: pure Python (it installs and runs wherever the generator
does, no binary of its own), maintained by the py-pdf project, and it maps CID-keyed Chinese
fonts through their ToUnicode tables. A scanned PDF has no text layer: its images are not
read (no OCR), so a scan is as safe as the clerk who checked it. At most
:data:`MAX_PDF_PAGES` pages are read.
"""

from __future__ import annotations

import csv
import logging
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pypdf

# pypdf logs what it repairs in a damaged file ("EOF marker not found"); the scan reports what
# matters itself.
logging.getLogger("pypdf").setLevel(logging.ERROR)

TEXT_TYPES = frozenset({".txt", ".csv"})
PACKAGE_TYPES = frozenset({".docx", ".xlsx"})
READ_TYPES = TEXT_TYPES | PACKAGE_TYPES | {".pdf"}
MAX_PART_BYTES = 32 * 1024 * 1024
MAX_PDF_PAGES = 2000

_WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_WORD_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml")
_SHEET_PART = re.compile(r"xl/worksheets/sheet(\d+)\.xml")


@dataclass(frozen=True)
class Passage:
    """A piece of an attachment's text and where it is: a line, or a paragraph, or a cell."""

    text: str
    line: int  # the line (text), the paragraph (Word), the row (Excel) or the page (PDF), from 1
    where: str  # how a clerk finds it, in Chinese: "第 3 段", "工作表 2 的 B7 单元格", "第 2 页"
    lines_are_file_lines: bool = False  # the text's own lines are the file's (text and CSV)
    # The header of the table column a number is in, (text, line start, offset) → header.
    heading: Callable[[str, int, int], str] | None = None


class UnreadableAttachment(Exception):
    """The file does not hold what its name says (no ZIP package, broken XML, no text)."""


def is_read(path: str) -> bool:
    return posixpath.splitext(path)[1].lower() in READ_TYPES


def passages(path: Path) -> Iterator[Passage]:
    """The text of the attachment at ``path``; raises UnreadableAttachment or OSError."""
    suffix = path.suffix.lower()
    if suffix in TEXT_TYPES:
        text = _decoded(path.read_bytes())
        heading = _csv_heading(text) if suffix == ".csv" else None
        yield Passage(text, 1, "", lines_are_file_lines=True, heading=heading)
    elif suffix == ".docx":
        yield from _word(path)
    elif suffix == ".xlsx":
        yield from _workbook(path)
    elif suffix == ".pdf":
        yield from _pdf(path)


def _pdf(path: Path) -> Iterator[Passage]:
    # pypdf meets a damaged or crafted file with errors of many kinds, its own and KeyError,
    # TypeError, zlib.error… from deep inside; each means that the text cannot be vouched for.
    try:
        reader = pypdf.PdfReader(path)
        # Many PDFs are encrypted with an owner password only (printing allowed, editing not):
        # the empty user password opens them.
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableAttachment("PDF 设有打开密码，无法读取其中的文字")
        for number, page in enumerate(reader.pages, start=1):
            if number > MAX_PDF_PAGES:
                break
            text = page.extract_text()
            if text:
                yield Passage(text, number, f"第 {number} 页")
    except UnreadableAttachment:
        raise
    except Exception as error:  # any error of pypdf's: see above
        raise UnreadableAttachment(f"不是完好的 PDF 文件（{type(error).__name__}）") from error


def _csv_heading(text: str) -> Callable[[str, int, int], str]:
    """The header of a CSV column: the cell of the first row above the number."""
    first = text.split("\n", 1)[0]
    try:
        header = next(csv.reader([first]), [])
    except csv.Error:
        header = first.split(",")

    def heading(text: str, line_start: int, start: int) -> str:
        column = text.count(",", line_start, start)  # quoted commas aside, as tables are written
        return header[column] if line_start and column < len(header) else ""

    return heading


def _decoded(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableAttachment("既不是 UTF-8 也不是 GB 18030 编码的文字")


def _package_parts(path: Path, names: re.Pattern[str]) -> Iterator[tuple[str, ElementTree.Element]]:
    try:
        with zipfile.ZipFile(path) as package:
            for info in sorted(package.infolist(), key=lambda info: _natural(info.filename)):
                if names.fullmatch(info.filename):
                    with package.open(info) as part:
                        data = part.read(MAX_PART_BYTES + 1)
                    if len(data) > MAX_PART_BYTES:
                        raise UnreadableAttachment(f"{info.filename} 解压后过大")
                    yield info.filename, ElementTree.fromstring(data)
    except (zipfile.BadZipFile, ElementTree.ParseError, NotImplementedError, RuntimeError) as error:
        raise UnreadableAttachment(f"不是完好的 Office 文件（{error}）") from error


def _natural(name: str) -> tuple[str, int]:
    digits = re.search(r"(\d+)\.xml$", name)
    return (name[: digits.start()] if digits else name, int(digits[1]) if digits else 0)


def _word(path: Path) -> Iterator[Passage]:
    paragraph_number = 0
    for name, root in _package_parts(path, _WORD_PARTS):
        part = posixpath.splitext(posixpath.basename(name))[0]
        for paragraph in root.iter(f"{_WORD}p"):
            paragraph_number += 1
            text = "".join(node.text or "" for node in paragraph.iter(f"{_WORD}t"))
            if text:
                where = f"第 {paragraph_number} 段" + ("" if part == "document" else f"（{part}）")
                yield Passage(text, paragraph_number, where)


def _workbook(path: Path) -> Iterator[Passage]:
    shared: list[str] = []
    for _, root in _package_parts(path, re.compile(r"xl/sharedStrings\.xml")):
        shared = ["".join(t.text or "" for t in si.iter(f"{_SHEET}t")) for si in root]
    for name, root in _package_parts(path, _SHEET_PART):
        sheet = _SHEET_PART.fullmatch(name)[1]  # type: ignore[index]
        headers: dict[str, str] = {}  # column letters → the text of its cell in row 1
        for cell in root.iter(f"{_SHEET}c"):
            reference = cell.get("r", "")
            value = cell.find(f"{_SHEET}v")
            if cell.get("t") == "s" and value is not None and (value.text or "").isdigit():
                index = int(value.text or 0)
                text = shared[index] if index < len(shared) else ""
            elif cell.get("t") == "inlineStr":
                text = "".join(t.text or "" for t in cell.iter(f"{_SHEET}t"))
            else:
                text = value.text or "" if value is not None else ""
            if text:
                row = re.sub(r"\D", "", reference)
                line = int(row) if row else 1
                letters = reference.rstrip("0123456789")
                if line == 1:
                    headers[letters] = text
                header = headers.get(letters, "") if line > 1 else ""
                yield Passage(
                    text,
                    line,
                    f"工作表 {sheet} 的 {reference} 单元格",
                    heading=lambda *_, header=header: header,
                )
