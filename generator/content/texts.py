"""The text of a source file that can reach a public page, piece by piece, with where it is.

The privacy scan (:mod:`generator.content.privacy`) and the raw HTML scan
(:mod:`generator.content.raw_html`) read the same pieces: every front matter value (the title,
the summary, ``extra:``… are printed by the templates) and the Markdown body.

The loader keeps the line and column of each front matter *key*, not of its value, so a value's
position is the key's line and the column just after ``key: `` — exact for the usual one-line
``key: value``, the key's line for lists and block values (the message names the field).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from generator.content.load import SourceFile

# Values that are identifiers, never prose: an index number is not a personal number.
IDENTIFIER_KEYS = frozenset({"index_no", "superseded_by", "interprets"})


@dataclass(frozen=True)
class Text:
    """One piece of text and the file position of its first character."""

    text: str
    line: int
    column: int
    field: str | None = None  # the front matter key as written; None for the body

    def position(self, offset: int) -> tuple[int, int]:
        """File line and column of the character at ``offset`` in :attr:`text`."""
        before = self.text[:offset]
        newlines = before.count("\n")
        if self.field is not None:
            # A value's own line breaks do not map to file lines (folded, quoted or block
            # scalars): the key's line is the honest answer.
            return self.line, self.column + (offset if newlines == 0 else 0)
        if newlines == 0:
            return self.line, self.column + offset
        return self.line + newlines, offset - before.rindex("\n")


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
        for value in _strings(entry.value):
            if worth_reading(value):
                yield Text(value, entry.line, column, entry.name)


def body_text(source: SourceFile) -> Text:
    return Text(source.body, source.body_line, 1)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for element in value:
            yield from _strings(element)
    elif isinstance(value, dict):
        for element in value.values():
            yield from _strings(element)
