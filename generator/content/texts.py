"""The text of a source file that can reach a public page, piece by piece, with where it is.

The privacy scan (:mod:`generator.content.privacy`) and the raw HTML scan
(:mod:`generator.content.raw_html`) read the same pieces: every front matter value (the title,
the summary, ``extra:``… are printed by the templates) and the Markdown body.

The loader keeps the line and column of each front matter *key*, not of its value, so a value's
position is the key's line and the column just after ``key: `` — exact for the usual one-line
``key: value``, the key's line for lists and block values (the message names the field).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from generator.content.load import SourceFile
from generator.diagnostics import Report

# Values that are identifiers, never prose: an index number is not a personal number.
IDENTIFIER_KEYS = frozenset({"index_no", "superseded_by", "interprets"})
_NEWLINE = re.compile("\n")
MAX_PER_CODE = 20  # diagnostics of one code listed for one file; the rest are counted
# What no metadata value may hold: control characters but tab and line breaks, lone surrogates
# and U+FFFE/U+FFFF. They are invisible on a page and make the Atom feeds and the sitemap invalid
# XML; YAML lets them in only as escapes ("\e", "\x01", "\u0085", "\ud800").
FORBIDDEN_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Text:
    """One piece of text and the file position of its first character."""

    text: str
    line: int
    column: int
    field: str | None = None  # the front matter key as written; None for the body

    def position_of(self, line: int, column: int) -> tuple[int, int]:
        """File line and column of ``line`` and ``column`` (1-based) within :attr:`text`."""
        if self.field is not None:
            return self.line, self.column + (column - 1 if line == 1 else 0)
        if line == 1:
            return self.line, self.column + column - 1
        return self.line + line - 1, column

    def position(self, offset: int) -> tuple[int, int]:
        """File line and column of the character at ``offset`` in :attr:`text`."""
        index = bisect_right(self._line_starts, offset) - 1  # 0-based line within the text
        return self.position_of(index + 1, offset - self._line_starts[index] + 1)

    @cached_property
    def _line_starts(self) -> list[int]:
        starts = [0]
        starts += (match.end() for match in _NEWLINE.finditer(self.text))
        return starts


def front_matter_texts(
    source: SourceFile,
    skip: frozenset[str] = frozenset(),
    worth_reading: Callable[[str], bool] = bool,
) -> Iterator[Text]:
    """Every string in the front matter that is ``worth_reading``, except under the keys in
    ``skip`` (canonical names)."""
    for slot, entry in source.entries.items():
        if slot in skip:
            continue
        column = entry.column + len(entry.name) + 2  # after "key: "
        for value in strings(entry.value):
            if worth_reading(value):
                yield Text(value, entry.line, column, entry.name)


def source_texts(
    source: SourceFile,
    skip: frozenset[str] = frozenset(),
    worth_reading: Callable[[str], bool] = bool,
) -> Iterator[Text]:
    """The front matter's texts (see :func:`front_matter_texts`), then the body."""
    yield from front_matter_texts(source, skip, worth_reading)
    yield body_text(source)


def body_text(source: SourceFile) -> Text:
    return Text(source.body, source.body_line, 1)


def strings(value: Any) -> Iterator[str]:
    """Every string in a front matter value, however it nests."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for element in value:
            yield from strings(element)
    elif isinstance(value, dict):
        for element in value.values():
            yield from strings(element)


class FileFindings:
    """Adds one file's findings to the report: at most :data:`MAX_PER_CODE` of each code, then
    one diagnostic counting the rest — a file full of one mistake must not flood the output."""

    def __init__(self, report: Report, rel: str) -> None:
        self.report, self.rel = report, rel
        self.counts: dict[str, int] = {}
        self.first_unlisted: dict[str, tuple[int, int]] = {}

    def add(self, code: str, line: int, column: int, message: str) -> None:
        count = self.counts[code] = self.counts.get(code, 0) + 1
        if count <= MAX_PER_CODE:
            self.report.add(code, self.rel, line, message, column=column)
        elif count == MAX_PER_CODE + 1:
            self.first_unlisted[code] = (line, column)

    def close(self) -> None:
        for code, (line, column) in self.first_unlisted.items():
            more = self.counts[code] - MAX_PER_CODE
            self.report.add(
                code,
                self.rel,
                line,
                f"从这里起本文件还有 {more} 处同类问题（{code}）未逐一列出；请全部改正后重新检查。",
                column=column,
            )
