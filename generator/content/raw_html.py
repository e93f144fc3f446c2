"""Unsafe HTML in content, reported at its line and column: the allow-list of
:mod:`generator.content.sanitize`, applied before anything is published.

Two readings, each reporting what the sanitizer would remove — never silently stripping it:

- the raw HTML written in the Markdown source and in every front matter value, read with
  :class:`html.parser.HTMLParser` (never with regexes over HTML), at the element's exact line
  and column: elements outside :data:`~generator.content.sanitize.ALLOWED_TAGS` (E-HTML-TAG),
  attributes outside the allow-list — event handlers, ``style`` other than table alignment,
  unknown classes (E-HTML-ATTR) — and addresses other than http, https, mailto, tel and
  relative ones, after undoing entities and the blanks browsers ignore (E-HTML-URL), in HTML
  and in Markdown links. A front matter value is text: any element in it is an error;
- the body converted by Markdown (:func:`check_converted_body`), read as browsers read it and
  held to the same allow-list: what Markdown itself writes — attr_list's ``{: onerror=… }``,
  a link whose text holds brackets (``[点 [此] 处](javascript:…)``), an admonition's class,
  backticks that hide an attribute — is found there and reported at the line where its text
  is in the source (the body's first line when it cannot be found).

HTML comments are scanned too: browsers end ``<!-->`` at once where Python's parser reads on,
so whatever a comment hides is held to the same rules (comments themselves are never
published). Inline code spans (```…```) are Markdown's own escaping and are skipped.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from html.parser import HTMLParser

from generator.content.catalog import CATALOG_FILE, Catalog
from generator.content.link_rules import local_file_path
from generator.content.links import extract_links
from generator.content.load import SourceFile
from generator.content.markdown_html import to_html
from generator.content.markup import MAX_MARKUP_CHARS, readable_markup
from generator.content.nesting import convertible
from generator.content.sanitize import (
    ALLOWED_TAGS,
    Dropped,
    allowed_url,
    attribute_problem,
    dropped_markup,
    may_be_refused,
    tag_message,
    url_scheme,
)
from generator.content.texts import FileFindings, Text, body_text, source_texts
from generator.diagnostics import Report

MAX_CONVERTED_AFTER_REFUSAL = 100_000  # characters of a body converted even when refused
COMMENT_NOTE = "（在 HTML 注释中，部分浏览器会执行）"
_BACKTICKS = re.compile(r"`+")


@dataclass(frozen=True)
class UnsafeHtml:
    code: str
    line: int  # within the scanned text, 1-based
    column: int  # 1-based
    message: str


class _Scanner(HTMLParser):
    """Collects the refused markup of one text; positions are the parser's (line, offset).

    ``text_only``: the text is a front matter value, printed as text, where no element at all
    belongs."""

    def __init__(self, text_only: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[UnsafeHtml] = []
        self.depth = 0  # of comments scanned inside comments
        self.text_only = text_only

    def problem(self, code: str, message: str) -> None:
        line, offset = self.getpos()
        self.found.append(UnsafeHtml(code, line, offset + 1, message))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problem("E-HTML-TAG", tag_message(tag))
            return  # its attributes go with it: the element is the one problem
        if self.text_only:
            self.problem(
                "E-HTML-TAG",
                f"这里是纯文本，不能含 HTML 标记 <{tag}>（网页上会原样显示为文字）；请删除它。",
            )
        for name, value in attrs:
            problem = attribute_problem(tag, name, value or "")
            if problem is not None:
                self.problem(problem.code, problem.message)

    def handle_comment(self, data: str) -> None:
        if self.depth >= 3:  # a comment's text holding comments holding comments: enough
            return
        inner = _Scanner(self.text_only)
        inner.depth = self.depth + 1
        for problem in _parse(inner, data):
            self.problem(problem.code, COMMENT_NOTE + problem.message)

    def parse_html_declaration(self, i: int) -> int:
        """``<!…>`` other than a comment is, in a page body, a bogus comment up to the next
        ``>`` for browsers; reading it so also spares the standard parser's doctype and
        marked-section paths, which raise AssertionError on odd input."""
        if self.rawdata.startswith("<!--", i):
            return super().parse_html_declaration(i)
        return self.parse_bogus_comment(i)


def _parse(scanner: _Scanner, text: str) -> list[UnsafeHtml]:
    readable, overlong = readable_markup(text)
    if overlong is not None:
        line = text.count("\n", 0, overlong) + 1
        column = overlong - text.rfind("\n", 0, overlong)
        scanner.found.append(
            UnsafeHtml(
                "E-HTML-TAG",
                line,
                column,
                f"这个 HTML 标记长达 {MAX_MARKUP_CHARS // 10000} 万字符以上，无法确认其安全；"
                "请删除或改写这段 HTML（图片请作为附件）。",
            )
        )
    try:
        scanner.feed(readable)
        scanner.close()
    except AssertionError:  # the standard parser's "should not happen" paths
        scanner.problem(
            "E-HTML-TAG", "这里的 HTML 标记无法解析，无法确认其安全；请删除或改写这段 HTML。"
        )
    return scanner.found


def _blank_code_spans(text: str) -> str:
    """Inline code is escaped by Markdown: replace it by spaces, keeping every position.

    A span opens with a run of backticks and closes at the next run of the same length, on the
    same line (a span across lines is left in, the cautious side: it is scanned as HTML).
    """
    if "`" not in text:
        return text
    return "\n".join(
        _blank_line_code_spans(line) if "`" in line else line for line in text.split("\n")
    )


def _blank_line_code_spans(line: str) -> str:
    runs = [match.span() for match in _BACKTICKS.finditer(line)]
    later_runs: dict[int, deque[int]] = defaultdict(deque)  # run length → run indexes, in order
    for index, (start, end) in enumerate(runs):
        later_runs[end - start].append(index)
    chars = list(line)
    index = 0
    while index < len(runs):
        start, end = runs[index]
        candidates = later_runs[end - start]
        while candidates and candidates[0] <= index:
            candidates.popleft()
        if not candidates:
            index += 1
            continue
        closing = candidates.popleft()
        close_end = runs[closing][1]
        chars[start:close_end] = " " * (close_end - start)
        index = closing + 1
    return "".join(chars)


def find_unsafe_html(text: str, text_only: bool = False) -> list[UnsafeHtml]:
    """Refused raw HTML and Markdown link addresses in ``text``; never raises."""
    found: list[UnsafeHtml] = []
    if "<" in text:
        found += _parse(_Scanner(text_only), _blank_code_spans(text))
    # Markdown links only: the HTML above is blanked out (its addresses are checked as
    # attributes), which also keeps the link reader's own HTML parsing out of hostile markup.
    for link in extract_links(text.replace("<", " "), 1):
        target = html.unescape(link.target)
        if not allowed_url(target) and not local_file_path(target.strip()):
            message = (
                f"链接地址是 {url_scheme(target)}: 地址，不能发布（可能执行脚本）；"
                "只能用 http、https、mailto、tel 网址或本站附件的相对路径。"
            )
            found.append(UnsafeHtml("E-HTML-URL", link.line, link.column, message))
    return sorted(found, key=lambda p: (p.line, p.column))


def check_raw_html(source: SourceFile, report: Report) -> None:
    """Report refused HTML in every front matter value and in the body of ``source``, as
    written and as Markdown converts it."""
    findings = FileFindings(report, source.rel)
    in_body: Counter[tuple[str, str | int]] = Counter()  # the source scan's body findings
    for text in source_texts(source, worth_reading=_may_hold_markup):
        for problem in find_unsafe_html(text.text, text_only=text.field is not None):
            line, column = text.position_of(problem.line, problem.column)
            where = f"元数据“{text.field}”中：" if text.field else ""
            findings.add(problem.code, line, column, where + problem.message)
            if text.field is None:
                in_body[_same_problem(problem.code, problem.message, line)] += 1
    # A long body already refused as written is not converted: Markdown's time and memory on
    # megabytes of hostile markup are not worth findings that mostly repeat the ones above.
    if in_body and len(source.body) > MAX_CONVERTED_AFTER_REFUSAL:
        findings.close()
        return
    for code, line, column, message in check_converted_body(body_text(source)):
        same = _same_problem(code, message, line)
        if in_body[same] > 0:  # found by the source scan too, where it starts
            in_body[same] -= 1
        else:
            findings.add(code, line, column, message)
    findings.close()


def _same_problem(code: str, message: str, line: int) -> tuple[str, str | int]:
    """What makes a finding of the converted body the same as one of the source scan: the
    message for an element or an attribute (both readings word it alike), the line for an
    address (a Markdown link and the <a> it becomes are worded apart)."""
    return (code, line) if code == "E-HTML-URL" else (code, message.removeprefix(COMMENT_NOTE))


def check_converted_body(body: Text) -> list[tuple[str, int, int, str]]:
    """(code, line, column, message) of what the sanitizer would remove from the body as
    Markdown converts it; positions are where the refused text is found in the source."""
    if not may_be_refused(body.text) or not convertible(body.text):
        return []  # nothing to refuse, or too slow to convert: check_nesting reports that
    try:
        converted = to_html(body.text)
    except RecursionError:  # nesting too deep for Markdown: reported by its own check
        return []
    found = []
    locator = _Locator(body)
    for dropped in dropped_markup(converted):
        if dropped.address is not None and local_file_path(dropped.address.strip()):
            continue  # a path on the clerk's computer: E-LINK-OUTSIDE says so
        line, column = locator.find(dropped)
        found.append((dropped.code, line, column, dropped.message))
    # An element the parser reopens (a <b> across paragraphs) is read, and found, more than once.
    return list(dict.fromkeys(found))


class _Locator:
    """Finds the source text of what Markdown's output holds: each clue is looked for after
    the previous find first (the output keeps the source's order), then anywhere."""

    def __init__(self, body: Text) -> None:
        self.body = body
        self.lower = body.text.lower()
        self.cursor = 0

    def find(self, dropped: Dropped) -> tuple[int, int]:
        for clue in dropped.evidence:
            clue = clue.strip().lower()
            if not clue:
                continue
            offset = self.lower.find(clue, self.cursor)
            if offset < 0:
                offset = self.lower.find(clue)
            if offset >= 0:
                self.cursor = offset
                return self.body.position(offset)
        return self.body.line, 1


def _may_hold_markup(value: str) -> bool:
    """Markup needs a ``<``; a dangerous address in a Markdown link needs a ``:`` or ``&``."""
    return "<" in value or ":" in value or "&" in value


def check_catalog_texts(catalog: Catalog, catalog_text: str, report: Report) -> None:
    """Column and unit names, descriptions and keywords of columns.yml are printed as text on
    every page (the navigation, breadcrumbs, metadata): any element in them is an error, at
    the line of columns.yml that holds the value."""
    lines = catalog_text.split("\n")
    texts: list[tuple[str, str, int]] = []  # (what, value, line to fall back on)
    for column in catalog.walk():
        texts.append((f"栏目 {column.id} 的名称", column.name, column.line))
        texts.append((f"栏目 {column.id} 的说明", column.description, column.line))
        texts += [(f"栏目 {column.id} 的关键词", word, column.line) for word in column.keywords]
    for unit in catalog.units:
        texts += [("发布机构名称", name, 1) for name in (unit.name, *unit.aliases)]
    findings = FileFindings(report, CATALOG_FILE)
    for what, value, fallback in texts:
        if not _may_hold_markup(value):
            continue
        for problem in find_unsafe_html(value, text_only=True):
            line = next((n for n, text in enumerate(lines, 1) if value in text), fallback)
            findings.add(problem.code, line, 1, f"{what}中：{problem.message}")
    findings.close()
