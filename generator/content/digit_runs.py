"""Runs of digits as a reader sees them, whatever the source hides between the digits.

A number pasted from Word or typed by hand is rarely one plain run of ASCII digits: it comes in
full-width digits (``１３８…``), with no-break or zero-width spaces between them, in groups
(``138 9701 2345``, ``630123-19850612-0039``, ``138.9701.2345``), split by Markdown emphasis
(``138**9701**2345``), an inline tag (``<b>138</b>97012345``) or an HTML entity (``&#56;``,
``&nbsp;``). The page shows one number all the same. :func:`digit_runs` reads the text as the
page shows it (NFKC, every Unicode decimal digit as its ASCII digit) and gives each run as
groups of digits and the *visible* joints between them (a space, a hyphen, a dot or an
underscore), with where each group starts and ends in the source: a finding is reported where the
clerk wrote it. What is invisible on the page (zero-width characters, soft hyphens, emphasis,
code and inline tags) joins the digits on both sides into one group.

A line break, a letter (but a final X, the check character of an ID number), a block tag such
as ``<br>`` or any other character ends the run.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

SPACE, HYPHEN, DOT, UNDERSCORE = "空格", "连字符", "点", "下划线"
_JOINTS = (
    (HYPHEN, frozenset("-‐‑‒–—―−﹣－")),
    (DOT, frozenset(".．·・")),
    (UNDERSCORE, frozenset("_＿")),
)
# Invisible on the page: zero-width characters and the soft hyphen, and Markdown's emphasis,
# strike-through and code marks, which become tags.
_INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff*~`")
# Inline tags leave the digits on both sides on one line, side by side.
_INLINE_TAGS = frozenset(
    ("a", "abbr", "b", "bdi", "bdo", "cite", "code", "del", "dfn", "em", "font", "i", "ins",
     "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "tt", "u",
     "var")
)  # fmt: skip
_CHECK_CHARACTERS = "XxＸｘ"

# Between two digits: a blank (not a line break), one of the joints or invisible characters,
# an entity or a tag. The alternatives start with different characters and none is a digit, so
# the pattern runs in linear time on any text.
_JOINT_CHARACTERS = "".join(sorted(set().union(*(chars for _, chars in _JOINTS)) | _INVISIBLE))
_GLUE = (
    rf"[^\S\r\n]|[{re.escape(_JOINT_CHARACTERS)}]"
    r"|&\#?[0-9A-Za-z]{1,10};|</?[A-Za-z][^<>\r\n]{0,80}>"
)
RUN = re.compile(rf"\d(?:(?:{_GLUE})*\d)*[{_CHECK_CHARACTERS}]?")
_PIECE = re.compile(
    r"(?P<digit>\d+)|(?P<entity>&\#?[0-9A-Za-z]{1,10};)"
    r"|(?P<tag></?(?P<name>[A-Za-z][A-Za-z0-9]*)[^<>]*>)|(?P<other>.)",
    re.DOTALL,
)


@dataclass
class Group:
    """Digits side by side on the page; ``digits`` is ASCII (a final ``X`` included)."""

    digits: str = ""
    start: int = -1  # source offset of the first character
    end: int = 0  # source offset just after the last character


@dataclass
class Run:
    """Groups of digits, and between each two the visible joint that separates them."""

    groups: list[Group] = field(default_factory=list)
    joints: list[str] = field(default_factory=list)  # joints[i] is between groups i and i + 1


def digit_runs(text: str, shortest: int = 1) -> Iterator[Run]:
    """Every run of digits in ``text`` that holds at least ``shortest`` digits."""
    for match in RUN.finditer(text):
        if match.end() - match.start() < shortest:
            continue  # a run can hold no more digits than it has characters
        for run in _read(text, match.start(), match.end()):
            if sum(len(group.digits) for group in run.groups) >= shortest:
                yield run


def _read(text: str, start: int, end: int) -> Iterator[Run]:
    run, group, joint = Run(), Group(), ""
    for piece in _PIECE.finditer(text, start, end):
        if piece.lastgroup == "digit":
            seen, kind = _ascii(piece.group()), "digit"
        elif piece.lastgroup == "tag":
            seen, kind = "", ("invisible" if piece["name"].lower() in _INLINE_TAGS else "break")
        else:
            seen = html.unescape(piece.group()) if piece.lastgroup == "entity" else piece.group()
            kind = _kind(seen)
        if kind == "digit" or (kind == "check" and piece.end() == end):
            if joint and group.digits:
                run.groups.append(group)
                run.joints.append(joint)
                group, joint = Group(), ""
            group.digits += _ascii(seen) if kind == "digit" else "X"
            group.start = piece.start() if group.start < 0 else group.start
            group.end = piece.end()
        elif kind == "break" or kind == "check":
            yield from _close(run, group)
            run, group, joint = Run(), Group(), ""
        elif kind != "invisible" and group.digits:
            joint = kind if joint in ("", kind) else "+".join(sorted({*joint.split("+"), kind}))
    yield from _close(run, group)


def _ascii(digits: str) -> str:
    if digits.isascii():
        return digits
    return "".join(str(unicodedata.decimal(digit)) for digit in digits)


def _kind(seen: str) -> str:
    """What one character (or an entity's text) is between digits."""
    if len(seen) != 1:
        return "break"  # an unknown entity, or one that stands for several characters
    if seen.isdecimal():
        return "digit"
    if seen in _CHECK_CHARACTERS:
        return "check"
    normal = unicodedata.normalize("NFKC", seen)
    if seen in _INVISIBLE or normal in _INVISIBLE:
        return "invisible"
    if normal.isspace() and normal not in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029":
        return SPACE
    for name, characters in _JOINTS:
        if seen in characters or normal in characters:
            return name
    return "break"


def _close(run: Run, group: Group) -> Iterator[Run]:
    if group.digits:
        run.groups.append(group)
    if run.groups:
        yield run
