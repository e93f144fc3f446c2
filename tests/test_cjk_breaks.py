"""A soft line break between two Chinese characters renders without a space; other line breaks
and code stay as written. Converted by Python-Markdown with the extension, and in a built site."""

from __future__ import annotations

from pathlib import Path

import markdown
from sites import build, copy_reference_site, html, write_item

from generator.render.cjk_breaks import CjkLineBreaksExtension


def convert(text: str) -> str:
    return markdown.Markdown(extensions=["tables", CjkLineBreaksExtension()]).convert(text)


def test_chinese_lines_join_and_other_lines_keep_their_break() -> None:
    converted = convert(
        "各单位务必于12月10日前\n完成自查，\n并报县政府办。\nAll units\nshall report.\n\n"
        "    代码块中\n    保持不变\n\n行内`代码\n不变`之后\n照常。\n"
    )
    assert "12月10日前完成自查，并报县政府办。\nAll units\nshall report." in converted
    assert "代码块中\n保持不变" in converted
    assert "<code>代码\n不变</code>之后照常。" in converted


def test_a_built_item_page_shows_the_sentence_whole(tmp_path: Path) -> None:
    site = copy_reference_site(tmp_path / "site")
    fields = {
        "标题": "关于开展政务公开自查的通知", "索引号": "015180001/2026-00901",
        "发布机构": "县政府办", "文号": "源政办〔2026〕901号", "主题分类": "综合政务/政务公开",
        "公开属性": "主动公开", "成文日期": "2026-11-10", "发布日期": "2026-11-12", "体裁": "通知",
        "有效性": "现行有效",
    }  # fmt: skip
    write_item(site, "fdzdgknr/zcwj", "20261112-zicha.md", fields, "各单位务必于12月10日前\n完成自查。")
    result = build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    page = html(site / "site/fdzdgknr/zcwj/20261112-zicha/index.html")
    assert "各单位务必于12月10日前完成自查。" in page.select_one(".dp-body").get_text()
