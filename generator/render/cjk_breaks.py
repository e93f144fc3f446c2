"""Chinese text flows across the soft line breaks of the Markdown source.

Markdown keeps a line break inside a paragraph as a newline, which browsers show as a space: in
English that is the space between two words; between two Chinese characters it is a gap that
should not be there ("12月10日前 完成"). Renderers that handle East Asian text join such lines
(the rule of CommonMark's East Asian line-break extensions): a newline between two CJK
characters or CJK punctuation is dropped, every other newline is kept. Code is left alone.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

_CJK = (
    "\u2e80-\u2fdf"  # radicals
    "\u3000-\u303f"  # CJK punctuation: 、。「」《》
    "\u3040-\u30ff"  # kana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # ideographs
    "\uff00-\uffef"  # full-width forms: ，：；（）
)
_SOFT_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t]*\n[ \t]*(?=[{_CJK}])")
_CODE = frozenset({"code", "pre", "kbd", "samp"})


class CjkLineBreaks(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        self._join(root)

    def _join(self, element: etree.Element) -> None:
        if element.tag in _CODE:
            return  # its text, not its tail: that belongs to the parent
        if element.text and "\n" in element.text:
            element.text = _SOFT_BREAK.sub("", element.text)
        for child in element:
            self._join(child)
            if child.tail and "\n" in child.tail:
                child.tail = _SOFT_BREAK.sub("", child.tail)


class CjkLineBreaksExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After the inline patterns (priority 20) have made the text nodes, before prettify.
        md.treeprocessors.register(CjkLineBreaks(md), "cjk_line_breaks", 15)
