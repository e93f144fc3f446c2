"""Raw HTML in content: what would run, embed, restyle or redirect on a government page.

Markdown passes raw HTML through, and the templates print front matter values (the title…) as
they are, so a ``<script>`` pasted from a web editor would run on the public site. The scan reads
the HTML with :class:`html.parser.HTMLParser` — never with regexes over HTML — and reports, at
the element's line and column, never silently stripping anything:

- elements that run code, embed other pages or plugins, collect input, restyle the whole page,
  redirect or re-base its links (E-HTML-TAG, see :data:`FORBIDDEN_ELEMENTS`);
- event handler attributes (``onclick``, ``onerror``…) and style attributes that run code
  (``expression(…)``, ``behavior:``) (E-HTML-ATTR);
- ``javascript:``, ``vbscript:`` and ``data:`` addresses other than images, in any attribute and
  in Markdown links, after undoing entities and the blanks browsers ignore (E-HTML-URL).

Ordinary HTML — tables, span, br, sup, sub, div with a class, img with an http(s) or relative
address — passes. HTML comments are scanned too: browsers end ``<!-->`` at once where Python's
parser reads on, so whatever a comment hides is held to the same rules. Inline code spans
(```…```) are Markdown's own escaping and are skipped.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

from generator.content.links import extract_links
from generator.content.load import SourceFile
from generator.content.markup import MAX_MARKUP_CHARS, readable_markup
from generator.content.texts import FileFindings, Text, body_text, front_matter_texts
from generator.diagnostics import Report

FORBIDDEN_ELEMENTS: dict[str, str] = {
    "script": "脚本会在访问者的浏览器中运行",
    "noscript": "只为脚本准备的替代内容，正文不需要",
    "iframe": "会把其他网页嵌入本站页面",
    "frame": "会把其他网页嵌入本站页面",
    "frameset": "会把其他网页嵌入本站页面",
    "portal": "会把其他网页嵌入本站页面",
    "object": "会嵌入插件或其他网页",
    "embed": "会嵌入插件或其他网页",
    "applet": "会嵌入插件",
    "param": "插件的参数",
    "form": "表单会把访问者填写的内容发送出去",
    "input": "表单控件不能出现在正文中",
    "button": "表单控件不能出现在正文中",
    "textarea": "表单控件不能出现在正文中",
    "select": "表单控件不能出现在正文中",
    "style": "样式表会改变整个页面（包括页眉、页脚和导航）的外观",
    "link": "会引入外部样式表或资源",
    "meta": "会改变页面的行为（如 http-equiv=refresh 自动跳转到其他网站）",
    "base": "会改变页面中所有链接的指向",
    "template": "模板内容会被脚本使用，正文不需要",
}
_DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "livescript:", "data:")
_SAFE_DATA = re.compile(r"^data:image/(?:png|gif|jpe?g|webp|bmp|avif)[;,]")
_DANGEROUS_STYLE = (
    "expression(",
    "javascript:",
    "vbscript:",
    "behavior:",
    "-moz-binding",
    "@import",
)
_BLANKS = re.compile(r"[\x00-\x20\x7f]+")  # browsers drop these inside and around a URL
_BACKTICKS = re.compile(r"`+")


@dataclass(frozen=True)
class UnsafeHtml:
    code: str
    line: int  # within the scanned text, 1-based
    column: int  # 1-based
    message: str


def unsafe_url(value: str) -> str | None:
    """The dangerous scheme of an address as a browser reads it, or None."""
    normalized = _BLANKS.sub("", html.unescape(value)).lower()
    for scheme in _DANGEROUS_SCHEMES:
        if normalized.startswith(scheme):
            if scheme == "data:" and _SAFE_DATA.match(normalized):
                return None
            return scheme
    return None


class _Scanner(HTMLParser):
    """Collects the unsafe markup of one text; positions are the parser's (line, offset)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[UnsafeHtml] = []
        self.depth = 0  # of comments scanned inside comments

    def problem(self, code: str, message: str) -> None:
        line, offset = self.getpos()
        self.found.append(UnsafeHtml(code, line, offset + 1, message))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        reason = FORBIDDEN_ELEMENTS.get(tag)
        if reason:
            refresh = tag == "meta" and any(
                name == "http-equiv" and (value or "").strip().lower() == "refresh"
                for name, value in attrs
            )
            what = "自动跳转（meta refresh）" if refresh else f"<{tag}> 元素"
            self.problem(
                "E-HTML-TAG", f"正文中不能使用 {what}：{reason}。请删除它；本站不会替您删除。"
            )
        for name, value in attrs:
            self.check_attribute(tag, name, value or "")

    def check_attribute(self, tag: str, name: str, value: str) -> None:
        if name.startswith("on"):
            self.problem(
                "E-HTML-ATTR",
                f"<{tag}> 上的事件属性 {name} 会运行脚本；正文不能带脚本，请删除这个属性。",
            )
            return
        if name == "style":
            style = _BLANKS.sub("", value).lower()
            danger = next((d for d in _DANGEROUS_STYLE if d in style), None)
            if danger:
                self.problem(
                    "E-HTML-ATTR",
                    f"<{tag}> 的 style 属性含有“{danger}”，会运行脚本或引入外部样式；请删除它。",
                )
            return
        scheme = unsafe_url(value)
        if scheme:
            self.problem("E-HTML-URL", _url_message(f"<{tag}> 的 {name} 属性", scheme))

    def handle_comment(self, data: str) -> None:
        if self.depth >= 3:  # a comment's text holding comments holding comments: enough
            return
        inner = _Scanner()
        inner.depth = self.depth + 1
        for problem in _parse(inner, data):
            self.problem(problem.code, f"（在 HTML 注释中，部分浏览器会执行）{problem.message}")

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


def _url_message(where: str, scheme: str) -> str:
    kind = "data: 网页" if scheme == "data:" else f"{scheme} 地址"
    return f"{where}是 {kind}，点击或加载时会执行脚本；请改为 http(s) 网址或本站附件的相对路径。"


def find_unsafe_html(text: str) -> list[UnsafeHtml]:
    """Unsafe raw HTML and Markdown link addresses in ``text``; never raises."""
    found: list[UnsafeHtml] = []
    if "<" in text:
        found += _parse(_Scanner(), _blank_code_spans(text))
    # Markdown links only: the HTML above is blanked out (its addresses are checked as
    # attributes), which also keeps the link reader's own HTML parsing out of hostile markup.
    for link in extract_links(text.replace("<", " "), 1):
        scheme = unsafe_url(link.target)
        if scheme:
            found.append(
                UnsafeHtml("E-HTML-URL", link.line, link.column, _url_message("链接", scheme))
            )
    return sorted(found, key=lambda p: (p.line, p.column))


def check_raw_html(source: SourceFile, report: Report) -> None:
    """Report unsafe HTML in every front matter value and in the body of ``source``."""
    findings = FileFindings(report, source.rel)
    for text in _texts(source):
        for problem in find_unsafe_html(text.text):
            line, column = text.position_of(problem.line, problem.column)
            where = f"元数据“{text.field}”中：" if text.field else ""
            findings.add(problem.code, line, column, where + problem.message)
    findings.close()


def _texts(source: SourceFile) -> Iterator[Text]:
    yield from front_matter_texts(source, worth_reading=_may_hold_markup)
    yield body_text(source)


def _may_hold_markup(value: str) -> bool:
    """Markup needs a ``<``; a dangerous address in a Markdown link needs a ``:`` or ``&``."""
    return "<" in value or ":" in value or "&" in value
