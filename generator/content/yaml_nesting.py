"""Reading YAML with line numbers, after our own scanner has bounded how deep the text nests.

Deep nesting is an attack on the parser: composing it with libyaml overflows the C stack (a
crash, not an exception), the pure-Python loader recurses once per level, and where libyaml
stops by itself depends on its version. So front matter, columns.yml and the annual-report
sidecars are all refused by one bound of ours, with one diagnostic, whatever PyYAML is
installed.

The scanner counts the collections a line can open: every indentation level in use, two for
each block indicator (``- key: v`` opens a sequence and a mapping) and every flow bracket
(``[``, ``{``) that is not inside quotes, a comment or a plain scalar. It may count more than
YAML would for odd but valid input, never fewer, and stays far from any bound for the flat
texts our files hold. :func:`read_yaml` reads such a text: the bound, then YAML.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import yaml

try:  # The C loader is faster; fall back to pure Python where it is missing.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

T = TypeVar("T")


@dataclass(frozen=True)
class TooDeep:
    """Where the nesting first goes past the bound: 0-based line and column, as YAML's marks."""

    line: int
    column: int


def too_deep(text: str, limit: int) -> TooDeep | None:
    """The first place where ``text`` nests deeper than ``limit``, or None."""
    return _Scanner(limit).scan(text)


def _nodes(text: str) -> yaml.Node | None:
    """The YAML nodes of ``text``: every key keeps its line, no value is converted."""
    return yaml.compose(text, Loader=_Loader)


def read_yaml(
    text: str, limit: int, read: Callable[[str], T] = _nodes
) -> T | TooDeep | yaml.YAMLError:
    """``text`` as ``read`` gives it (by default its nodes) when it nests no deeper than
    ``limit``; else where it first goes deeper, or the error YAML raised, as a value."""
    deep = too_deep(text, limit)
    if deep is not None:
        return deep
    try:
        return read(text)
    except yaml.YAMLError as error:
        return error


class _Scanner:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.indents: list[int] = []  # the indentation of each open block level
        self.flow = 0  # open flow brackets
        self.quote = ""  # the quote a scalar spanning lines is still open with

    def scan(self, text: str) -> TooDeep | None:
        for number, line in enumerate(text.split("\n")):
            found = self.line(line)
            if found is not None:
                return TooDeep(number, found)
        return None

    def line(self, line: str) -> int | None:
        """The column where this line goes too deep, or None."""
        position = 0
        if not self.quote and not self.flow:
            content = line.lstrip(" ")
            if not content or content.startswith("#"):
                return None
            indent = len(line) - len(content)
            while self.indents and self.indents[-1] >= indent:
                self.indents.pop()
            self.indents.append(indent)
            depth = len(self.indents)
            position = indent
            while line[position : position + 2] in ("- ", "? ") or line[position:] in ("-", "?"):
                depth += 2
                position = _skip_spaces(line, position + 1)
            if depth > self.limit:
                return position
            position = _value_start(line, position)
        return self.rest(line, position)

    def rest(self, line: str, position: int) -> int | None:
        """Scan the line from ``position``: quotes, comments and flow brackets."""
        block_value = not self.flow and not self.quote
        while position < len(line):
            char = line[position]
            if self.quote:
                if char == "\\" and self.quote == '"':
                    position += 1
                elif char == self.quote:
                    if self.quote == "'" and line[position + 1 : position + 2] == "'":
                        position += 1  # '' is a quote inside a single-quoted scalar
                    else:
                        self.quote = ""
            elif char == "#" and (position == 0 or line[position - 1] in " \t"):
                return None
            elif char in "'\"" and (self.flow or block_value):
                self.quote = char
            elif char in "[{" and (self.flow or block_value):
                self.flow += 1
                if len(self.indents) + self.flow > self.limit:
                    return position
            elif char in "]}" and self.flow:
                self.flow -= 1
            elif block_value and char not in " \t":
                return None  # a plain scalar: brackets in it are text
            block_value = False
            position += 1
        return None


def _skip_spaces(line: str, position: int) -> int:
    while position < len(line) and line[position] == " ":
        position += 1
    return position


def _value_start(line: str, position: int) -> int:
    """Where the value of a ``key: value`` line starts (the key's end when there is none)."""
    colon = line.find(": ", position)
    if colon == -1:
        return len(line) if line.endswith(":") else position
    if line[position : position + 1] in ("'", '"', "[", "{"):
        return position  # a quoted or flow key: scanned as it is
    return _skip_spaces(line, colon + 2)
