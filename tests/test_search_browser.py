"""Site search (issue 28) in a real browser: the built site served on localhost, searched from
the system Chromium through the search page, exactly as a visitor would; and the search
script's tokens, hashes and postings checked against the build's own (generator/publish/
search_index.py), which they must match byte for byte.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from browser import checked_tab, serve
from playwright.sync_api import Browser, Page
from sites import REPO, build, copy_reference_site
from test_search import (
    EMPTY_BODY_MARKER,
    NON_PUBLIC_MARKERS,
    PUBLIC_MARKER,
    ZIGONG_URL,
    add_marker_items,
)

from generator.publish.search_index import encode_postings, fnv1a, identifier_key, tokens

SCRIPT = REPO / "generator/render/theme/assets/search.js"


@dataclass
class Result:
    title: str
    url: str
    facts: list[str]
    excerpt_marks: list[str]


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with checked_tab(browser) as tab:
        yield tab


DONE = """() => {
    const root = document.querySelector('[data-dp-search]');
    return root !== null && root.getAttribute('aria-busy') === 'false'
        && /找到/.test(root.querySelector('.dp-search__status').textContent);
}"""


def wait_for_results(page: Page) -> str:
    """Waits until the search page has finished the current search (results and filter counts);
    returns its status line."""
    page.wait_for_function(DONE)
    return page.text_content(".dp-search__status") or ""


def results(page: Page) -> list[Result]:
    found = page.eval_on_selector_all(
        ".dp-result",
        """items => items.map(item => ({
            title: item.querySelector('.dp-result__title').textContent,
            url: item.querySelector('.dp-result__title a').href,
            facts: [...item.querySelectorAll('.dp-result__fact')].map(f => f.textContent),
            excerpt_marks: [...item.querySelectorAll('.dp-result__excerpt mark')]
                .map(m => m.textContent),
        }))""",
    )
    return [Result(**r) for r in found]


def search(page: Page, base_url: str, query: str = "", **params: str) -> list[Result]:
    pairs = ([("q", query)] if query else []) + list(params.items())
    page.goto(base_url + "search/?" + "&".join(f"{k}={quote(v)}" for k, v in pairs))
    wait_for_results(page)
    return results(page)


@pytest.fixture(scope="module")
def site_url(tmp_path_factory) -> Iterator[str]:
    """Base URL of the built test site, served on a free localhost port."""
    site = copy_reference_site(tmp_path_factory.mktemp("search-browser"))
    add_marker_items(site)
    result = build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    with serve(site / "site") as base_url:
        yield base_url


def test_a_chinese_query_lists_the_expected_item_first(page: Page, site_url: str) -> None:
    found = search(page, site_url, "公共场所卫生监督")
    first = found[0]
    assert first.title == "湟源县2026年上半年公共场所卫生监督抽检结果公示"
    assert "发布机构：湟源县卫生健康局" in first.facts
    assert "发布日期：2026-07-20" in first.facts
    assert "卫生" in "".join(first.excerpt_marks)
    assert page.eval_on_selector(".dp-result__title mark", "m => m.textContent")


@pytest.mark.parametrize(
    "query",
    [
        "自府办发〔2018〕44号",
        "自府办发[2018]44号",
        "自府办发（2018）44号",
        "44号",
        "008290030/2018-02662",
    ],
)
def test_a_doc_number_or_index_number_finds_its_item_first(
    page: Page, site_url: str, query: str
) -> None:
    found = search(page, site_url, query)
    assert found[0].url == site_url + ZIGONG_URL
    if len(found) == 1:
        assert page.is_hidden(".dp-search__more")  # nothing more to show


def test_a_place_name_finds_its_item(page: Page, site_url: str) -> None:
    assert search(page, site_url, "自贡")[0].url == site_url + ZIGONG_URL


def test_a_filter_narrows_the_list(page: Page, site_url: str) -> None:
    everything = search(page, site_url, "政务公开")
    status = page.text_content(".dp-search__status")
    assert len({r.facts[0] for r in everything}) > 1  # several columns before filtering
    page.select_option("select[name=column]", "政策文件")
    page.wait_for_function(
        "before => document.querySelector('.dp-search__status').textContent !== before",
        arg=status,
    )
    wait_for_results(page)
    narrowed = results(page)
    assert 0 < len(narrowed) < len(everything)
    assert {r.facts[0] for r in narrowed} == {"政策文件"}
    assert parse_qs(urlsplit(page.url).query)["column"] == ["政策文件"]
    # a filter opened counts its values within the narrowed results (fetched then)
    total = page.eval_on_selector("select[name=year] option[value='2018年']", "o => o.textContent")
    page.focus("select[name=year]")
    page.wait_for_function(
        "total => document.querySelector(\"select[name=year] option[value='2018年']\")"
        ".textContent !== total",
        arg=total,
    )
    label = page.eval_on_selector("select[name=year] option[value='2018年']", "o => o.textContent")
    assert label.startswith("2018年（") and label != "2018年（0）"


def test_words_of_non_public_items_find_nothing(page: Page, site_url: str) -> None:
    for public in (PUBLIC_MARKER, EMPTY_BODY_MARKER):  # made like the markers, and found
        assert [r.title for r in search(page, site_url, public)] == [
            f"湟源县城关镇关于{public}事项的通知"
        ]
    for kind, marker in NON_PUBLIC_MARKERS.items():
        page.fill("#dp-search-q", marker)
        page.press("#dp-search-q", "Enter")
        page.wait_for_function(
            "marker => document.querySelector('.dp-search__status').textContent"
            ".includes(`没有找到与“${marker}”`)",
            arg=marker,
        )
        wait_for_results(page)
        assert results(page) == [], kind


def test_results_sort_by_date(page: Page, site_url: str) -> None:
    relevance = search(page, site_url, "政务公开")
    newest = search(page, site_url, "政务公开", sort="newest")
    dates = [fact for r in newest for fact in r.facts if fact.startswith("发布日期：")]
    assert len(dates) == len(newest) == len(relevance)
    assert dates == sorted(dates, reverse=True)
    oldest = search(page, site_url, "", column="政策解读", sort="oldest")
    dates = [fact for r in oldest for fact in r.facts if fact.startswith("发布日期：")]
    assert len(dates) > 1 and dates == sorted(dates)


def test_search_works_from_the_keyboard(page: Page, site_url: str) -> None:
    page.goto(site_url + ZIGONG_URL)
    page.focus("#dp-header-q")
    page.keyboard.type("政务公开")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    wait_for_results(page)
    found = results(page)
    assert len(found) == 10  # the first screenful; more behind the button
    assert page.get_by_label("栏目").is_visible() and page.get_by_label("检索词").is_visible()
    more = page.locator(".dp-search__more")
    more.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('.dp-result').length > 10")
    assert page.evaluate("document.activeElement.closest('.dp-result') !== null")
    urls = [r.url for r in results(page)]
    assert len(urls) == len(set(urls)) > 10
    page.focus("select[name=sort]")
    page.keyboard.press("ArrowDown")  # 按发布日期，新的在前
    page.wait_for_function("() => new URL(location.href).searchParams.get('sort') === 'newest'")
    wait_for_results(page)


def test_the_search_page_fits_a_phone(browser: Browser, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    phone = context.new_page()
    search(phone, site_url, "政务公开")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone.is_hidden("#dp-header-q") and phone.is_visible(".dp-header-search__button")
    assert phone.locator("#dp-search-q").bounding_box()["width"] > 200
    for box in phone.locator(".dp-result").all():
        assert box.bounding_box()["x"] + box.bounding_box()["width"] <= 360
    context.close()


def test_all_query_words_must_match_or_nothing_is_found(page: Page, site_url: str) -> None:
    page.goto(site_url + "search/?q=" + quote("火星移民"))
    page.wait_for_function(NO_RESULTS)
    assert results(page) == []
    status = page.locator(".dp-search__status")
    assert "没有找到与“火星移民”相关的信息" in status.text_content()
    assert status.get_attribute("role") == "status"
    assert status.locator("a", has_text="按分类浏览").get_attribute("href").endswith("/browse/")
    page.goto(site_url + "search/?q=" + quote("卫生监督 火星"))
    page.wait_for_function(NO_RESULTS)
    suggestions = page.locator(".dp-search__status a").all_text_contents()
    assert suggestions[:2] == ["“卫生监督”", "“火星”"]  # each word on its own
    page.locator(".dp-search__status a", has_text="卫生监督").click()
    wait_for_results(page)
    assert results(page)


NO_RESULTS = """() => {
    const root = document.querySelector('[data-dp-search]');
    return root !== null && root.getAttribute('aria-busy') === 'false'
        && /没有找到/.test(root.querySelector('.dp-search__status').textContent);
}"""


def test_whole_query_words_are_marked(page: Page, site_url: str) -> None:
    search(page, site_url, "公共场所卫生监督")
    marks = page.eval_on_selector_all(".dp-result__title mark", "ms => ms.map(m => m.textContent)")
    assert marks == ["公共场所卫生监督"]  # the word as typed, not its pairs


def test_a_query_fetches_only_pieces_of_the_index(page: Page, site_url: str) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    search(page, site_url, "自府办发〔2018〕44号")
    index = [
        url.split("/search-index/")[1].split("?")[0] for url in requested if "/search-index/" in url
    ]
    assert index[0] == "meta.json"
    assert {name.split("/")[0] for name in index[1:]} <= {"k", "r"}  # a lookup, a result block
    assert not [url for url in requested if url.endswith(".wasm") or "pagefind" in url]


def test_the_search_script_is_small_and_plain() -> None:
    script = SCRIPT.read_bytes()
    assert len(gzip.compress(script)) <= 30 * 1024
    assert b"WebAssembly" not in script and b"import(" not in script


@pytest.fixture(scope="module")
def script_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<!doctype html><title>t</title>")
    page.add_script_tag(content=SCRIPT.read_text(encoding="utf-8"))
    yield page
    context.close()


@pytest.mark.parametrize(
    "text",
    [
        "政务公开",
        "湟源县2026年政府信息公开工作年度报告",
        "ＧＢ／Ｔ ９７０４",
        "县",
        "源政办〔2026〕145号",
        "𠀀𠀁中",
    ],
)
def test_the_script_cuts_a_query_as_the_index_cut_the_text(script_page: Page, text: str) -> None:
    assert set(script_page.evaluate("text => queryTokens(text)", text)) == tokens(text)
    for token in tokens(text):
        assert script_page.evaluate("token => hashOf(token)", token) == fnv1a(token)


@pytest.mark.parametrize(
    "typed",
    ["自府办发〔2018〕44号", "源政办［2026］145号", "源政办【2026】145号", "008290030/2018-02662"],
)
def test_the_script_makes_the_lookup_key_the_build_made(script_page: Page, typed: str) -> None:
    assert script_page.evaluate("typed => identifierKey(typed)", typed) == identifier_key(typed)
    for other in ("44号", "临时救助", "2018", ""):
        assert script_page.evaluate("typed => identifierKey(typed)", other) is None


@pytest.mark.parametrize(
    "numbers", [[], [0], [3, 200, 70_000], list(range(0, 5_000, 3)), list(range(100, 900))]
)
def test_the_script_reads_every_form_of_a_posting(script_page: Page, numbers: list[int]) -> None:
    data = list(encode_postings(numbers))
    assert (
        script_page.evaluate("data => readPostings(new Uint8Array(data), 0).numbers", data)
        == numbers
    )
