"""The HTML allow-list: what a published page may carry from content, and the sanitizer.

Every HTML fragment made from content (an item's or a column page's body after Markdown) is
cleaned with :func:`clean` — ammonia, a sanitizer that parses as browsers do (through ``nh3``) —
before it reaches a template; texts (titles, names, summaries) are escaped by the templates.
Only what is listed here passes:

- the elements of :data:`ALLOWED_TAGS`: what Markdown (tables, attr_list, admonition, toc)
  writes, and the plain HTML of a pasted document — no script, style, form, frame or embed;
- the attributes of :data:`ALLOWED_ATTRIBUTES`; ``class`` only with the values of
  :data:`ALLOWED_CLASSES` (Markdown's admonitions and the theme's annual report tables), so
  ``{: onerror=… }``, ``{: style=… }`` or ``{: href=… }`` of attr_list never pass;
  ``style`` only on table cells and only ``text-align`` (Markdown's column alignment);
- addresses (``href``, ``src``) that are relative or use one of :data:`URL_SCHEMES`.

HTML comments are not published (they show nothing). Nothing else is removed silently:
:func:`dropped_markup` names each element, attribute or address the sanitizer would remove, so
that `disclosure check` reports it at its line and a build that would change a page fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import nh3
from selectolax.lexbor import LexborHTMLParser, LexborNode

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
        "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
        "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup",
        "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"id", "title"}),
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "ol": frozenset({"start"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "th": frozenset({"colspan", "rowspan", "scope", "style"}),
    "td": frozenset({"colspan", "rowspan", "headers", "style"}),
    # The annual report tables (theme/partials/annual-report-table.html): a scrollable region.
    "div": frozenset({"role", "aria-label", "tabindex"}),
}
ADMONITIONS = frozenset(
    {
        "admonition", "note", "abstract", "info", "tip", "success", "question", "warning",
        "failure", "danger", "bug", "example", "quote",
    }
)  # fmt: skip
ALLOWED_CLASSES: dict[str, frozenset[str]] = {
    "div": ADMONITIONS | {"dp-annual-table", "dp-t2", "dp-t3", "dp-t4"},
    "p": frozenset({"admonition-title"}),
    "table": frozenset({"dp-annual"}),
    "td": frozenset({"dp-num"}),
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
URL_ATTRIBUTES = frozenset({"href", "src"})
STYLE_PROPERTIES = frozenset({"text-align"})
# Removed with their content: their text is code or a style sheet, never something to read.
CONTENT_DROPPED = frozenset({"script", "style", "template", "noscript", "noembed", "noframes"})
# Elements the sanitizer parses with but never emits from a fragment (the document's frame).
DOCUMENT_FRAME = frozenset({"html", "head", "body"})

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(CONTENT_DROPPED),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    allowed_classes={tag: set(names) for tag, names in ALLOWED_CLASSES.items()},
    url_schemes=set(URL_SCHEMES),
    filter_style_properties=set(STYLE_PROPERTIES),
    strip_comments=True,
    link_rel=None,  # links are the clerk's, written as they are
)
_SPACES = re.compile(r"\s+")
_MAY_BE_REFUSED = re.compile(
    r"[<&{]|!!!|\]\s*[(:]\s*<?\s*(?!(?:https?|mailto|tel):)[^\s)/#?]*:", re.IGNORECASE
)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_URL_IGNORED = re.compile(r"[\t\n\r]")  # browsers drop these anywhere in an address
_URL_TRIMMED = "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "


@dataclass(frozen=True)
class Dropped:
    """One thing the sanitizer removes; ``evidence``: texts to find it by in the source."""

    code: str  # E-HTML-TAG, E-HTML-ATTR or E-HTML-URL
    message: str
    evidence: tuple[str, ...]
    address: str | None = None  # the refused address of an E-HTML-URL


def clean(fragment: str) -> str:
    """``fragment`` with everything outside the allow-list removed."""
    return _CLEANER.clean(fragment)


def url_scheme(value: str) -> str | None:
    """The scheme of an address as a browser reads it (lower case), None for a relative one."""
    address = _URL_IGNORED.sub("", value.strip(_URL_TRIMMED))
    match = _SCHEME.match(address)
    return match.group(1).lower() if match else None


def allowed_url(value: str) -> bool:
    scheme = url_scheme(value)
    return scheme is None or scheme in URL_SCHEMES


def dropped_markup(fragment: str) -> list[Dropped]:
    """What :func:`clean` would remove from ``fragment``, element by element, in order."""
    return sanitize(fragment)[1]


def sanitize(fragment: str, compare: bool = True) -> tuple[str, list[Dropped]]:
    """``fragment`` cleaned, and what cleaning removed, element by element, in order.

    Read with lexbor, a parser that builds the tree as browsers (and ammonia) do. With
    ``compare``, when that reading finds nothing but the cleaned fragment still reads otherwise
    than the input, one :class:`Dropped` says so: nothing is removed unreported even where the
    two readings differ. (The build leaves the comparison out where the Markdown source holds
    nothing that can make it differ, see :func:`may_be_refused`: it doubles the cost.)
    """
    cleaned = clean(fragment)
    if "<" not in fragment and "&" not in fragment:
        return cleaned, []
    tree = LexborHTMLParser(fragment)
    found: list[Dropped] = []
    if tree.root is not None:
        for node in tree.root.traverse(include_text=False):
            found += _dropped_at(node)
    if not found and compare and _shape(tree) != _shape(LexborHTMLParser(cleaned)):
        found.append(
            Dropped(
                "E-HTML-TAG",
                "这段 HTML 经净化后会改变（有不允许的标记）；请改为普通 Markdown 写法。",
                (),
            )
        )
    return cleaned, found


def may_be_refused(markdown: str) -> bool:
    """Whether a Markdown text can make Markdown write something the allow-list refuses: raw
    HTML, entities, attr_list braces, admonitions, or a link or reference whose address has a
    scheme (other than the allowed ones) before any "/", "#" or "?"."""
    return _MAY_BE_REFUSED.search(markdown) is not None


def _dropped_at(node: LexborNode) -> list[Dropped]:
    tag = node.tag or ""
    if tag.startswith(("-", "#", "!")):  # text, comment, doctype
        return []
    if tag not in ALLOWED_TAGS and tag not in DOCUMENT_FRAME:
        # Its attributes go with it: the element is the one problem.
        return [Dropped("E-HTML-TAG", tag_message(tag), (f"<{tag}",))]
    attributes = node.attributes.items()
    problems = (attribute_problem(tag, name, value or "") for name, value in attributes)
    return [problem for problem in problems if problem is not None]


def attribute_problem(tag: str, name: str, value: str) -> Dropped | None:
    where = f"<{tag}> 的 {name} 属性"
    if name == "class" and tag in ALLOWED_CLASSES:
        unknown = [word for word in value.split() if word not in ALLOWED_CLASSES[tag]]
        if not unknown:
            return None
        allowed = "、".join(sorted(ALLOWED_CLASSES[tag]))
        return Dropped(
            "E-HTML-ATTR",
            f"{where}值“{' '.join(unknown)}”不在允许的样式类之列（<{tag}> 只能用 {allowed}）；"
            "请删除它。",
            (*unknown, name),
        )
    if name not in ALLOWED_ATTRIBUTES["*"] and name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        if name.startswith("on"):
            reason = "是事件属性，会运行脚本"
        elif name == "style":
            reason = "会改变页面外观（可遮盖整个页面）"
        else:
            reason = "不在允许的属性之列"
        return Dropped(
            "E-HTML-ATTR",
            f"{where}{reason}；请删除它（包括 Markdown 的 {{: … }} 属性写法）。",
            (f"{name}=", name),
        )
    if name in URL_ATTRIBUTES and not allowed_url(value):
        scheme = url_scheme(value)
        return Dropped(
            "E-HTML-URL",
            f"{where}是 {scheme}: 地址，不能发布（可能执行脚本）；"
            "只能用 http、https、mailto、tel 网址或本站附件的相对路径。",
            (value, value[-12:], f"{scheme}:"),
            value,
        )
    if name == "style":
        properties = {
            part.split(":", 1)[0].strip().lower() for part in value.split(";") if part.strip()
        }
        if not properties <= STYLE_PROPERTIES or "(" in value or "\\" in value:
            return Dropped(
                "E-HTML-ATTR",
                f"{where}只能设置 text-align（表格对齐）；“{value.strip()[:40]}”会被删除，"
                "请删除它。",
                (value, "style="),
            )
    return None


def tag_message(tag: str) -> str:
    reason = _FORBIDDEN_REASONS.get(tag, "不在允许的 HTML 元素之列")
    return f"正文中不能使用 <{tag}> 元素：{reason}。请删除它；本站不会替您删除。"


_FORBIDDEN_REASONS: dict[str, str] = {
    "script": "脚本会在访问者的浏览器中运行",
    "noscript": "只为脚本准备的替代内容，正文不需要",
    "iframe": "会把其他网页嵌入本站页面",
    "frame": "会把其他网页嵌入本站页面",
    "frameset": "会把其他网页嵌入本站页面",
    "object": "会嵌入插件或其他网页",
    "embed": "会嵌入插件或其他网页",
    "form": "表单会把访问者填写的内容发送出去",
    "input": "表单控件不能出现在正文中",
    "button": "表单控件不能出现在正文中",
    "style": "样式表会改变整个页面（包括页眉、页脚和导航）的外观",
    "link": "会引入外部样式表或资源",
    "meta": "会改变页面的行为（如自动跳转到其他网站）",
    "base": "会改变页面中所有链接的指向",
    "plaintext": "会把页面其余部分（包括页脚）变成纯文本",
    "svg": "矢量图形可以带脚本；图片请用 PNG、JPG 附件",
    "math": "可以带脚本",
}


def _shape(tree: LexborHTMLParser) -> list[Any]:
    """The elements, attributes and texts of a parsed fragment, for comparing two readings
    (comments left out, and so the texts on either side of one joined)."""
    shape: list[Any] = []
    if tree.root is None:
        return shape
    for node in tree.root.traverse(include_text=True):
        tag = node.tag or ""
        if tag == "-text":
            text = node.text_content or ""
            if shape and isinstance(shape[-1], str):
                shape[-1] += text
            else:
                shape.append(text)
        elif not tag.startswith(("-", "#", "!")):
            attributes = node.attributes
            if "style" in attributes:  # the sanitizer writes "text-align: left;" tighter
                style = _SPACES.sub("", attributes["style"] or "").rstrip(";")
                attributes = {**attributes, "style": style}
            shape.append((tag, sorted(attributes.items())))
    return shape
