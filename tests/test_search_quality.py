"""Search quality (issue 28): every query of the judged set (tests/judged_queries.py) finds the
item it means in the top 3 of the real search page, on the reference site in Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser import launch_chromium, serve
from judged_queries import JUDGED
from playwright.sync_api import Page
from sites import built_reference_site
from test_search_browser import search


@pytest.fixture(scope="module")
def site_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Page, str]]:
    site = built_reference_site(tmp_path_factory.mktemp("quality"))
    with serve(site / "site") as base_url, launch_chromium() as browser:
        page = browser.new_page()
        yield page, base_url


def test_the_judged_set_is_large_enough() -> None:
    assert len(JUDGED) >= 30
    assert len({query for query, _ in JUDGED}) == len(JUDGED)


@pytest.mark.parametrize(("query", "meant"), JUDGED, ids=[query for query, _ in JUDGED])
def test_the_meant_item_is_in_the_top_three(
    site_page: tuple[Page, str], query: str, meant: str
) -> None:
    page, base_url = site_page
    top = [result.url.removeprefix(base_url) for result in search(page, base_url, query)[:3]]
    assert meant in top
