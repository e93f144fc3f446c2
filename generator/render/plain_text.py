"""Markdown conversion that leaves plain text alone: the same HTML, in less time.

Python-Markdown tries each of its 14 inline patterns (links, emphasis, code, HTML, entities…) on
every text node of a page; an item's body has about 24 of them, mostly Chinese sentences with
none of the characters those patterns start with, and trying them all is a large share of
converting the item. :class:`PlainTextInline` hands such a node back as it is and every other node to
Python-Markdown unchanged.

Only while the inline patterns are exactly Python-Markdown's own (:data:`DEFAULT_PATTERNS`,
each of its own class; the emphasis delimiters ``*`` and ``_``): a site whose mkdocs.yml adds
an extension with patterns of its own is converted entirely the usual way.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown, inlinepatterns, util
from markdown.extensions import Extension
from markdown.treeprocessors import InlineProcessor

# Python-Markdown's inline patterns (markdown.inlinepatterns.build_inlinepatterns), by name.
DEFAULT_PATTERNS: dict[str, type] = {
    "backtick": inlinepatterns.BacktickInlineProcessor,
    "escape": inlinepatterns.EscapeInlineProcessor,
    "reference": inlinepatterns.ReferenceInlineProcessor,
    "link": inlinepatterns.LinkInlineProcessor,
    "image_link": inlinepatterns.ImageInlineProcessor,
    "image_reference": inlinepatterns.ImageReferenceInlineProcessor,
    "short_reference": inlinepatterns.ShortReferenceInlineProcessor,
    "short_image_ref": inlinepatterns.ShortImageReferenceInlineProcessor,
    "autolink": inlinepatterns.AutolinkInlineProcessor,
    "automail": inlinepatterns.AutomailInlineProcessor,
    "linebreak": inlinepatterns.SubstituteTagInlineProcessor,
    "html": inlinepatterns.HtmlInlineProcessor,
    "entity": inlinepatterns.HtmlInlineProcessor,
    "em_strong": getattr(inlinepatterns, "DelimiterProcessor", type(None)),
}
EMPHASIS_DELIMITERS = {"*", "_"}
# What one of those patterns needs to find in a text: ` \ [ ! < & * _, two spaces before a line
# break, or a placeholder of Python-Markdown's stash (STX).
MAY_HOLD_MARKUP = re.compile(r"[`\\\[!<&*_\x02]|  \n")
_METHOD = "_InlineProcessor__handleInline"  # InlineProcessor.__handleInline
INLINE_PRIORITY = 20  # Python-Markdown's for its inline processor (build_treeprocessors)


class PlainTextInline(InlineProcessor):
    """Python-Markdown's inline processor, which returns a text without markup untouched."""

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        self.plain_text_skipped = default_inline_patterns(self.md)
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if (
            patternIndex == 0
            and self.plain_text_skipped
            and not isinstance(data, util.AtomicString)
            and MAY_HOLD_MARKUP.search(data) is None
        ):
            return data
        return getattr(super(), _METHOD)(data, patternIndex)


def default_inline_patterns(md: Markdown) -> bool:
    """Whether ``md`` has Python-Markdown's inline patterns and no others."""
    patterns = md.inlinePatterns
    if len(patterns) != len(DEFAULT_PATTERNS):
        return False
    for name, kind in DEFAULT_PATTERNS.items():
        if name not in patterns or type(patterns[name]) is not kind:
            return False
    delimiters: Any = getattr(md, "delimiters", None)
    return delimiters is None or set(getattr(delimiters, "delimiters", {})) <= EMPHASIS_DELIMITERS


class PlainTextExtension(Extension):
    """Puts :class:`PlainTextInline` in place of Python-Markdown's inline processor, where
    this version of Python-Markdown has the method it overrides."""

    def extendMarkdown(self, md: Markdown) -> None:
        if not hasattr(InlineProcessor, _METHOD) or "inline" not in md.treeprocessors:
            return
        md.treeprocessors.register(PlainTextInline(md), "inline", INLINE_PRIORITY)
