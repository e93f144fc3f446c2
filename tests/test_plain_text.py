"""Markdown conversion that leaves plain text alone (generator/render/plain_text.py): the same
HTML as Python-Markdown's own, for every kind of inline markup and for the reference site."""

from __future__ import annotations

from pathlib import Path

import frontmatter
import markdown
import pytest
from markdown.extensions import Extension
from markdown.inlinepatterns import SimpleTagInlineProcessor

from generator.render.plain_text import PlainTextExtension, PlainTextInline, default_inline_patterns

REPOSITORY = Path(__file__).resolve().parent.parent
EXTENSIONS = ["tables", "attr_list", "admonition", "toc"]  # the reference site's mkdocs.yml

SAMPLES = [
    "各乡镇人民政府，县政府各部门：\n\n现将有关事项通知如下。",
    "一、总体要求\n\n坚持以人民为中心的发展思想。",
    "见 [附件](附件1.pdf) 与 ![图](图1.png)，或 <https://www.gov.cn/> 和 <xxgk@example.gov.cn>。",
    "引用链接 [政策文件][1] 与 [简写]。\n\n[1]: ../zcwj/\n[简写]: ../",
    "**加粗**、*强调*、__加粗__、_强调_、***两者***，以及 2 * 3 = 6 和 a_b_c。",
    "代码 `disclosure check` 与转义 \\*不是强调\\*。",
    '行尾两个空格  \n换行；实体 &amp; &#8212; &copy;；HTML <span class="x">文字</span>。',
    '<div class="note" markdown="1">\n块级 HTML 中的文字\n</div>\n\n其后的段落。',
    "| 项目 | 数量 |\n|---|---|\n| 主动公开 | **12** |\n| 依申请公开 | 3 |",
    '!!! note "说明"\n    提示框中的文字，含 [链接](../)。',
    "## 标题 {#custom-id}\n\n正文段落。{: .lead }",
    "- 第一项\n- 第二项，含 `代码`\n\n1. 编号一\n2. 编号二",
]


def convert(text: str, *extensions: object) -> str:
    return markdown.Markdown(extensions=[*EXTENSIONS, *extensions]).convert(text)


@pytest.mark.parametrize("text", SAMPLES)
def test_every_kind_of_inline_markup_converts_as_before(text: str) -> None:
    assert convert(text, PlainTextExtension()) == convert(text)


def test_the_reference_sites_pages_convert_as_before() -> None:
    sources = sorted((REPOSITORY / "content").rglob("*.md"))
    assert len(sources) > 50
    with_extension = markdown.Markdown(extensions=[*EXTENSIONS, PlainTextExtension()])
    without = markdown.Markdown(extensions=EXTENSIONS)
    for source in sources:
        body = frontmatter.load(source).content
        with_extension.reset()
        without.reset()
        assert with_extension.convert(body) == without.convert(body), source


class _Strikethrough(Extension):
    """An inline pattern Python-Markdown does not have, starting with a character ours does
    not look for."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.inlinePatterns.register(SimpleTagInlineProcessor(r"(~~)(.+?)~~", "del"), "del", 65)


def test_plain_text_is_passed_over_only_with_python_markdowns_own_patterns() -> None:
    md = markdown.Markdown(extensions=[*EXTENSIONS, PlainTextExtension()])
    assert isinstance(md.treeprocessors["inline"], PlainTextInline)
    assert default_inline_patterns(md)
    extended = markdown.Markdown(extensions=[*EXTENSIONS, _Strikethrough(), PlainTextExtension()])
    assert not default_inline_patterns(extended)
    html = extended.convert("已~~废止~~的文件")
    assert html == "<p>已<del>废止</del>的文件</p>"
