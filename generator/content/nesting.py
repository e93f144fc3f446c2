"""How deeply a Markdown body nests, and how much unclosed markup it holds, bounded before it is
converted.

Python-Markdown and the tools after it (the table of contents, ElementTree's serializer) walk
the element tree recursively: a list some 250 levels deep, or a few kilobytes of ``*``
opening emphasis inside emphasis, exhaust Python's recursion limit and end the build. So the
check measures, line by line and without converting, an upper bound of the depth each line
reaches, and refuses a body deeper than :data:`MAX_NESTING` — far below where anything breaks,
far above what a disclosure text needs (a numbered list inside a quote inside a list is 3):

- containers: each ``>`` and list marker at the start of a line, and every two columns of
  indentation (a nested list is indented by two to four);
- inline openers in the paragraph so far: a run of ``*``, ``_`` or ``~`` that can open emphasis
  counts its length, one that can close it takes its length off again; ``[`` opens and ``]``
  closes a link;
- HTML elements opened and not yet closed in the body so far.

Python-Markdown's reading of raw HTML is quadratic in the number of tags that are opened and
never closed with ``>``: more than
:data:`MAX_UNCLOSED_TAGS` of them is an error too. The build bounds each conversion in time as
well (:mod:`generator.render.mkdocs_time_bound`), for whatever this count does not foresee.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from generator.content.load import SourceFile
from generator.diagnostics import Report

MAX_NESTING = 40
MAX_UNCLOSED_TAGS = 300
_UNCLOSED_TAG = re.compile(r"<[A-Za-z][^<>]*(?=<|\Z)")
_CONTAINER = re.compile(r"[ \t]*(?:>|[*+-](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))")
_INDENT = re.compile(r"[ \t]*")
# A run of emphasis marks, a bracket, or an HTML tag (void and self-closing tags do not nest).
_INLINE = re.compile(
    r"(?P<run>\*+|_+|~+)|(?P<open>\[)|(?P<close>\])"
    r"|<(?P<end>/)?(?P<tag>[A-Za-z][A-Za-z0-9]*)\b[^<>]*?(?P<self>/)?>"
)
# Void elements never hold anything; these may be left open (HTML closes them implicitly).
_NOT_NESTING = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody",
     "tfoot", "colgroup", "option", "optgroup", "rb", "rt", "rp")
)  # fmt: skip
_PREFIX = re.compile(r"^[ \t>*+\-\d.)]+", re.MULTILINE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")


@dataclass(frozen=True)
class TooDeep:
    line: int  # within the body, from 1
    depth: int


def deepest_line(body: str) -> TooDeep | None:
    """The first line of ``body`` that nests deeper than :data:`MAX_NESTING`, if any."""
    if _at_most(body) <= MAX_NESTING:
        return None  # nearly every body: counted in C, not read line by line
    inline = html = 0
    fenced = False
    for number, line in enumerate(body.split("\n"), start=1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue  # code is shown as it is written
        if not line.strip():
            inline = 0  # a blank line ends the paragraph and its emphasis
            continue
        block = _block_depth(line)
        deepest = inline + html
        for match in _INLINE.finditer(line):
            if match["run"]:
                inline = _after_run(line, match.start(), match.end(), inline)
            elif match["open"]:
                inline += 1
            elif match["close"]:
                inline = max(0, inline - 1)
            elif match["tag"].lower() not in _NOT_NESTING and not match["self"]:
                html = max(0, html - 1) if match["end"] else html + 1
            deepest = max(deepest, inline + html)
        if block + deepest > MAX_NESTING:
            return TooDeep(number, block + deepest)
    return None


def check_nesting(source: SourceFile, report: Report) -> None:
    """Nesting deeper than :data:`MAX_NESTING`, and more than :data:`MAX_UNCLOSED_TAGS`
    unclosed tags, at the line where the bound is passed."""
    tag = _unclosed_past_bound(source.body)
    if tag is not None:
        report.add(
            "E-MARKDOWN-SLOW",
            source.rel,
            source.body_line + source.body.count("\n", 0, tag.start()),
            f"正文中有超过 {MAX_UNCLOSED_TAGS} 个没有“>”收尾的 HTML 标签（如成串的“<a ”），"
            "转换为网页会极慢；请删去这些“<”，或写成全角“＜”。",
        )
    too_deep = deepest_line(source.body)
    if too_deep is not None:
        report.add(
            "E-MARKDOWN-NESTING",
            source.rel,
            source.body_line + too_deep.line - 1,
            f"正文这一行嵌套约 {too_deep.depth} 层（列表、引用、强调符号 * _ ~、链接方括号或 HTML 元素"
            f"层层套叠），超过上限 {MAX_NESTING} 层，无法生成网页；请删去多余的符号，或把内容拆成"
            "几段、几个并列的列表。",
        )


def convertible(body: str) -> bool:
    """Whether Markdown converts the body in bounded time and depth: none of what
    :func:`check_nesting` refuses (read by checks that convert a body themselves)."""
    return _unclosed_past_bound(body) is None and deepest_line(body) is None


def _unclosed_past_bound(body: str) -> re.Match[str] | None:
    """The first tag never closed with ``>`` past the first :data:`MAX_UNCLOSED_TAGS`, if any."""
    if "<" not in body:
        return None
    return next(itertools.islice(_UNCLOSED_TAG.finditer(body), MAX_UNCLOSED_TAGS, None), None)


def _at_most(body: str) -> int:
    """An upper bound of the depth: the longest run of container characters starting a line,
    plus the most emphasis marks and brackets in a paragraph, plus every ``<`` of the body."""
    prefix = max(map(len, _PREFIX.findall(body)), default=0)
    marks = sum(map(body.count, "*_~["))
    if prefix + marks + body.count("<") > MAX_NESTING:  # then by paragraph, closer
        marks = max(
            (sum(map(paragraph.count, "*_~[")) for paragraph in _BLANK_LINE.split(body)),
            default=0,
        )
    return prefix + marks + body.count("<")


def _block_depth(line: str) -> int:
    depth, position = 0, 0
    while True:
        indent = _INDENT.match(line, position)
        columns = len(indent.group().expandtabs(4)) if indent else 0
        marker = _CONTAINER.match(line, position)
        if marker is None or marker.end() == position:
            return depth + columns // 2
        depth += 1 + columns // 2
        position = marker.end()


def _after_run(line: str, start: int, end: int, depth: int) -> int:
    """The inline depth after a run of emphasis marks: CommonMark's flanking rules, simplified."""
    before = line[start - 1] if start else " "
    after = line[end] if end < len(line) else " "
    opens = not after.isspace() and (before.isspace() or not before.isalnum())
    closes = not before.isspace() and (after.isspace() or not after.isalnum())
    length = end - start
    if closes:
        depth = max(0, depth - length)
    if opens:
        depth += length
    return depth
