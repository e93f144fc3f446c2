"""Search as a citizen uses it (issue #26, points 1 and 8), on the reference site in Chromium: the
first result of what people type, nothing for a query no item holds, whole words marked, the
有效性 badge and filter, files in force before lapsed ones, excerpts in the text's own
punctuation.

The reference site gets one more 政策文件: a notice of 2026 about 临时救助 that has lapsed (失效)
and has no 内容概述, so that its result shows the start of its body. Being newer than the 2025
办法, it would come first among equals if 有效性 did not count.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from browser import checked_tab, serve
from judged_queries import FIRST_RESULTS
from playwright.sync_api import Browser, Page
from sites import build, copy_reference_site, write_item
from test_search_browser import NO_RESULTS, results, search

from generator.publish.search import excerpt

BANFA_2025 = "fdzdgknr/zcwj/20250610-linshi-jiuzhu-banfa/"
BANFA_2019 = "fdzdgknr/zcwj/20190820-linshi-jiuzhu-banfa-2019/"
LAPSED = "fdzdgknr/zcwj/20260110-chunjie-linshi-jiuzhu-tongzhi/"
LAPSED_BODY = """\
各乡镇人民政府，县政府各部门：

为做好2026年春节前临时救助资金发放工作，
确保困难群众温暖过节，现将有关事项通知如下。

## 一、发放范围

春节前遭遇突发性、紧急性困难的家庭。

## 二、时间要求

2026年2月10日前发放到位。
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = copy_reference_site(tmp_path_factory.mktemp("search-citizen"))
    fields = {
        "title": "湟源县人民政府办公室关于做好2026年春节前临时救助资金发放工作的通知",
        "index_no": "015180001/2026-00002",
        "publisher": "湟源县人民政府办公室",
        "doc_no": "源政办〔2026〕2号",
        "topic": "民政、扶贫、救灾/社会福利",
        "disclosure": "主动公开",
        "written": "2026-01-08",
        "published": "2026-01-10",
        "genre": "通知",
        "validity": "失效",
    }
    write_item(
        site, "fdzdgknr/zcwj", "20260110-chunjie-linshi-jiuzhu-tongzhi.md", fields, LAPSED_BODY
    )
    result = build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


@pytest.fixture(scope="module")
def site_url(site: Path) -> Iterator[str]:
    with serve(site / "site") as base_url:
        yield base_url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with checked_tab(browser) as tab:
        yield tab


@pytest.mark.parametrize(("query", "first"), FIRST_RESULTS, ids=[q for q, _ in FIRST_RESULTS])
def test_the_first_result_is_the_item_meant(
    page: Page, site_url: str, query: str, first: str
) -> None:
    assert search(page, site_url, query)[0].url == site_url + first


def test_a_query_no_item_holds_finds_nothing_and_says_what_to_try(
    page: Page, site_url: str
) -> None:
    page.goto(site_url + "search/?q=" + quote("火星移民"))
    page.wait_for_function(NO_RESULTS)
    assert results(page) == []
    status = page.locator(".dp-search__status").inner_text()
    assert status.startswith("没有找到与“火星移民”相关的信息。建议：")
    assert "换用更短、更常用的词语" in status and "按分类浏览" in status


def test_files_in_force_come_before_lapsed_ones_of_equal_relevance(
    page: Page, site_url: str
) -> None:
    urls = [result.url.removeprefix(site_url) for result in search(page, site_url, "临时救助")]
    assert urls.index(BANFA_2025) < urls.index(LAPSED) < urls.index(BANFA_2019)
    by_date = [
        r.url.removeprefix(site_url) for r in search(page, site_url, "临时救助", sort="newest")
    ]
    assert by_date.index(LAPSED) < by_date.index(BANFA_2025)  # a sort by date is by date alone


def test_every_result_with_a_validity_carries_its_badge(page: Page, site_url: str) -> None:
    search(page, site_url, "临时救助")
    badges = page.eval_on_selector_all(
        ".dp-result",
        """items => Object.fromEntries(items.map(item => [
            item.querySelector('.dp-result__title a').getAttribute('href'),
            [...item.querySelectorAll('.dp-result__title .dp-validity')]
                .map(b => b.className + ' ' + b.textContent)]))""",
    )
    badges = {url.removeprefix(site_url): found for url, found in badges.items()}
    assert badges[BANFA_2025] == ["dp-validity 现行有效"]
    assert badges[BANFA_2019] == ["dp-validity dp-validity--ended 已废止"]
    assert badges[LAPSED] == ["dp-validity dp-validity--ended 失效"]
    assert badges["fdzdgknr/zcjd/20250610-jiedu-linshi-jiuzhu-banfa/"] == []  # a 解读 has none


def test_the_validity_filter_keeps_the_files_in_force(page: Page, site_url: str) -> None:
    options = page.goto(site_url + "search/") and page.eval_on_selector_all(
        "select[name=validity] option", "os => os.map(o => o.value)"
    )
    assert options == ["", "现行有效", "已废止", "失效"]
    found = search(page, site_url, "临时救助", validity="现行有效")
    assert BANFA_2025 in [r.url.removeprefix(site_url) for r in found]
    assert not {BANFA_2019, LAPSED} & {r.url.removeprefix(site_url) for r in found}


def test_marks_cover_whole_query_words(page: Page, site_url: str) -> None:
    search(page, site_url, "51号")
    marks = page.eval_on_selector_all(".dp-result mark", "ms => ms.map(m => m.textContent)")
    assert marks and set(marks) == {"51号"}  # no lone 号, no 51 inside 015180001/2018-00051
    index_numbers = page.eval_on_selector_all(
        ".dp-result__fact", "fs => fs.filter(f => f.textContent.startsWith('索引号')).length"
    )
    assert index_numbers  # the 索引号 ending in 00051 is shown, unmarked
    search(page, site_url, "源政办[2019]45号")
    marks = page.eval_on_selector_all(".dp-result mark", "ms => ms.map(m => m.textContent)")
    assert marks == ["源政办〔2019〕45号"]  # the 文号 whole, in the brackets the site writes


def test_an_excerpt_keeps_the_texts_own_punctuation(site: Path, page: Page, site_url: str) -> None:
    records = [
        record
        for block in sorted((site / "site" / "search-index" / "r").glob("*.json"))
        for record in json.loads(block.read_text(encoding="utf-8"))
    ]
    lapsed = next(record for record in records if record["url"] == LAPSED)
    assert lapsed["excerpt"].startswith(
        "各乡镇人民政府，县政府各部门：为做好2026年春节前临时救助资金发放工作，确保困难群众温暖过节，"
        "现将有关事项通知如下。一、发放范围 春节前"
    )
    assert ". " not in lapsed["excerpt"]
    search(page, site_url, "春节前临时救助")
    shown = page.locator(".dp-result__excerpt").first.inner_text()
    assert shown == lapsed["excerpt"]


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        (
            "\n。\n一、总则\n\n第一条 为了规范工作。\n\n第二条 本办法",
            "一、总则 第一条 为了规范工作。第二条 本办法",
        ),
        ("，、以下是附件：\n\n（一）名单", "以下是附件：（一）名单"),
        ("《办法》 全文\n\n“引号” 之后", "《办法》全文“引号”之后"),
        ("Article 1.\n\nArticle 2", "Article 1. Article 2"),  # the text's own ". " stays
    ],
)
def test_an_excerpt_is_joined_without_invented_marks(body: str, shown: str) -> None:
    assert excerpt(body) == shown
