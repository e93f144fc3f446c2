"""Links written in Markdown sources, with their line numbers.

Used to decide which attachments are published (only those a public page links to), to list an
item's attachments with type and size, and to check links before rendering. Markdown syntax is
matched per line; raw HTML tags inside the Markdown are read with the standard HTML parser.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from generator.content.attachments import attachment_kind
from generator.content.markup import readable_markup

# [text](target "title") and ![alt](target); target may be wrapped in <…>.
_INLINE = re.compile(r"!?\[(?P<text>[^\]]*)\]\(\s*(?P<target><[^>]*>|[^)\s]+)(?:\s+[\"'(][^)]*)?\)")
# [label]: target, but not [^1]: a footnote.
_REFERENCE = re.compile(r"^\s{0,3}\[(?!\^)[^\]]+\]:\s*(?P<target><[^>]*>|\S+)")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_LINK_ATTRIBUTES = {"href", "src"}


@dataclass(frozen=True)
class Link:
    target: str  # as written
    text: str
    line: int  # line in the source file
    column: int
    in_html: bool = False  # written in a raw HTML tag, which MkDocs leaves as it is

    @property
    def is_external(self) -> bool:
        parts = urlsplit(self.target)
        return bool(parts.scheme or parts.netloc) or self.target.startswith("//")

    @property
    def path(self) -> str:
        """The target's path part, unquoted, without query or fragment."""
        return unquote(urlsplit(self.target).path)

    @property
    def fragment(self) -> str:
        return urlsplit(self.target).fragment


class _TagLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in _LINK_ATTRIBUTES and value:
                self.found.append((value, self.getpos()[1]))


def extract_links(body: str, first_line: int) -> list[Link]:
    """Every link and image target in a Markdown body; ``first_line`` is the body's file line."""
    links: list[Link] = []
    if "](" not in body and "]:" not in body and "<" not in body:
        return links  # most bodies are plain text: skip the line-by-line scan
    in_fence = False
    for offset, line in enumerate(body.split("\n")):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence or (
            line.startswith(("    ", "\t")) and not line.strip().startswith(("-", "*"))
        ):
            continue
        number = first_line + offset
        for match in _INLINE.finditer(line) if "](" in line else ():
            target = match["target"].strip("<>")
            links.append(Link(target, match["text"], number, match.start("target") + 1))
        reference = _REFERENCE.match(line)
        if reference:
            links.append(
                Link(reference["target"].strip("<>"), "", number, reference.start("target") + 1)
            )
        if "<" in line:
            parser = _TagLinks()
            # Hostile lines (unclosed "<a " by the thousand) are made readable first;
            # close() is left out for the same reason: it only turns an unfinished tag into text.
            parser.feed(readable_markup(line)[0])
            links.extend(
                Link(target, "", number, col + 1, in_html=True) for target, col in parser.found
            )
    return links


def resolve(src_uri: str, link: Link) -> str | None:
    """The site-relative source path a local link points to, or None if it leaves content/."""
    if link.path.startswith("/"):
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), link.path))
    if joined.startswith("../") or joined == "..":
        return None
    return joined


def attachment_type(path: str) -> str:
    kind = attachment_kind(path)
    return kind.label if kind is not None else "文件"


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
