"""Attachments by type: what a disclosure site publishes, checked by content, not by name.

Every file under content/ that is not Markdown (nor an annual report's ``.tables.yml``) must be
one of :data:`ATTACHMENT_KINDS` — documents (PDF, OFD, Word, WPS, Excel, WPS 表格, PowerPoint,
text, CSV), images (JPEG, PNG, GIF) and archives (ZIP, RAR, 7z) — and its first bytes must be
that type's signature: a web page renamed ``通知.pdf`` is refused as surely as ``通知.html``.
Web pages, SVG, scripts and programs never are attachments: a browser would run what they hold
on the site's own address.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.diagnostics import Report

SNIFF_BYTES = 65536  # read of each file: signatures are at the start; texts are read this far
ZIP = (b"PK\x03\x04", b"PK\x05\x06")  # a ZIP archive (also OOXML and OFD), or an empty one
OLE2 = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # Office 97-2003, WPS and ET files
SIDECAR_SUFFIX = ".tables.yml"  # an annual report's statistical tables, never published
# Text that a browser could take for a page, were it ever served as one.
_WEB_PAGE_MARKS = (b"<html", b"<script", b"<svg", b"<!doctype", b"<iframe", b"<body")


def _starts(*signatures: bytes) -> Callable[[bytes], bool]:
    return lambda head: head.startswith(signatures)


def _pdf(head: bytes) -> bool:
    return b"%PDF-" in head[:1024]  # the standard allows bytes before the header


def _text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    lowered = head.lower()
    return not any(mark in lowered for mark in _WEB_PAGE_MARKS)


@dataclass(frozen=True)
class AttachmentKind:
    label: str  # shown beside the link on the item page
    matches: Callable[[bytes], bool]
    signature: str  # what the content must be, for the message


ATTACHMENT_KINDS: dict[str, AttachmentKind] = {
    ".pdf": AttachmentKind("PDF", _pdf, "PDF（以 %PDF- 开头）"),
    ".ofd": AttachmentKind("OFD", _starts(*ZIP), "OFD 版式文件（ZIP 容器）"),
    ".doc": AttachmentKind("Word", _starts(*OLE2), "Office 97-2003 文档"),
    ".docx": AttachmentKind("Word", _starts(*ZIP), "Word 文档（ZIP 容器）"),
    ".wps": AttachmentKind("WPS", _starts(*OLE2, *ZIP), "WPS 文字文档"),
    ".xls": AttachmentKind("Excel", _starts(*OLE2), "Excel 97-2003 工作簿"),
    ".xlsx": AttachmentKind("Excel", _starts(*ZIP), "Excel 工作簿（ZIP 容器）"),
    ".et": AttachmentKind("WPS 表格", _starts(*OLE2, *ZIP), "WPS 表格文件"),
    ".ppt": AttachmentKind("PowerPoint", _starts(*OLE2), "PowerPoint 97-2003 演示文稿"),
    ".pptx": AttachmentKind("PowerPoint", _starts(*ZIP), "PowerPoint 演示文稿（ZIP 容器）"),
    ".txt": AttachmentKind("文本", _text, "纯文本（不含网页标记）"),
    ".csv": AttachmentKind("CSV", _text, "纯文本表格（不含网页标记）"),
    ".jpg": AttachmentKind("图片", _starts(b"\xff\xd8\xff"), "JPEG 图片"),
    ".jpeg": AttachmentKind("图片", _starts(b"\xff\xd8\xff"), "JPEG 图片"),
    ".png": AttachmentKind("图片", _starts(b"\x89PNG\r\n\x1a\n"), "PNG 图片"),
    ".gif": AttachmentKind("图片", _starts(b"GIF87a", b"GIF89a"), "GIF 图片"),
    ".zip": AttachmentKind("ZIP", _starts(*ZIP), "ZIP 压缩包"),
    ".rar": AttachmentKind("RAR", _starts(b"Rar!\x1a\x07"), "RAR 压缩包"),
    ".7z": AttachmentKind("7z", _starts(b"7z\xbc\xaf\x27\x1c"), "7z 压缩包"),
}
# What a refused file most likely is, by its first bytes, for the message.
_LOOKS_LIKE: tuple[tuple[Callable[[bytes], bool], str], ...] = (
    (_starts(b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"#!"), "可执行程序或脚本"),
    (lambda head: any(mark in head.lower() for mark in _WEB_PAGE_MARKS), "网页或 SVG（可带脚本）"),
    (_starts(*ZIP), "ZIP 容器"),
    (_starts(*OLE2), "Office 97-2003 文档"),
    (_pdf, "PDF"),
)


def attachment_kind(path: str) -> AttachmentKind | None:
    return ATTACHMENT_KINDS.get(posixpath.splitext(path)[1].lower())


def allowed_extensions() -> str:
    return "、".join(extension.lstrip(".") for extension in ATTACHMENT_KINDS)


def check_attachments(content_dir: Path, attachments: list[str], report: Report) -> None:
    """Each file beside the items: of an allowed type, and its content that type."""
    for src_uri in attachments:
        if src_uri.endswith(SIDECAR_SUFFIX):
            continue
        rel = f"content/{src_uri}"
        kind = attachment_kind(src_uri)
        if kind is None:
            extension = posixpath.splitext(src_uri)[1] or "（无扩展名）"
            report.add(
                "E-ATTACHMENT-TYPE",
                rel,
                1,
                f"附件类型 {extension} 不能发布：网页、SVG、脚本和程序会在访问者的浏览器或电脑上"
                f"运行。附件只能是 {allowed_extensions()}；请转换为 PDF 等格式，或删除该文件。",
            )
            continue
        try:
            with open(content_dir / src_uri, "rb") as file:
                head = file.read(SNIFF_BYTES)
        except OSError as error:
            report.add("E-ATTACHMENT-CONTENT", rel, 1, f"无法读取附件：{error.strerror}。")
            continue
        if not head or not kind.matches(head):
            actual = "空文件" if not head else _looks_like(head)
            report.add(
                "E-ATTACHMENT-CONTENT",
                rel,
                1,
                f"附件的扩展名是 {posixpath.splitext(src_uri)[1]}，内容却不是{kind.signature}"
                f"（看起来是{actual}）；请用原软件重新导出为该格式，或改正扩展名。",
            )


def _looks_like(head: bytes) -> str:
    return next((what for matches, what in _LOOKS_LIKE if matches(head)), "其他格式")
