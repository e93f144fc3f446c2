"""Accessibility (issue #6; GB/T 37668-2019, WCAG 2.1 AA) in a real browser.

The built site (tests/marker_site.py: the reference site plus unpublished items, built once per
session) is served on localhost and opened in Debian's Chromium through Playwright:

- axe-core, installed from npm by .ci/run (``npm install --prefix .ci/node axe-core@4.11.0``;
  ``DISCLOSURE_AXE`` may name another ``axe.min.js``), finds no serious or critical violation of
  the WCAG 2.0/2.1 A and AA rules on the home, column, item, search and report pages, in normal
  and 长者模式, on a desktop and a phone screen;
- the keyboard alone reaches the skip link, the search box, the navigation and the first list
  link, and Enter follows it;
- the 长者模式 toggle in the header enlarges text and line spacing and is remembered.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import serve
from marker_site import marker_site
from playwright.sync_api import Browser, Page
from sites import REPO

AXE = Path(os.environ.get("DISCLOSURE_AXE", REPO / ".ci/node/node_modules/axe-core/axe.min.js"))
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
PAGES = {
    "home": "",
    "column": "fdzdgknr/zcwj/",
    "item": "fdzdgknr/zcwj/20181214-jiaqiang-zhengwu-gongkai/",
    "search": "search/?q=政务公开",
    "annual report": "nianbao/20260128-huangyuan-2025-nianbao/",
    "browse": "browse/",
    "open data": "data/",
}
SCREENS = {"desktop": (1280, 900), "phone": (390, 844)}
# Every page in the usual view; the enlarged and narrow layouts on the pages that differ most.
VIEWS = {
    "desktop": ("desktop", False, list(PAGES)),
    "phone": ("phone", False, ["home", "column", "item", "search"]),
    "desktop-elder": ("desktop", True, ["home", "column", "item", "annual report"]),
    "phone-elder": ("phone", True, ["home", "item"]),
}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(marker_site(tmp_path_factory) / "site") as url:
        yield url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


def axe_violations(page: Page) -> list[str]:
    if not AXE.is_file():
        pytest.skip(f"需要 axe-core（{AXE}）：npm install --prefix .ci/node axe-core@4.11.0")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


def elder_mode(page: Page, on: bool) -> None:
    page.evaluate("on => localStorage.setItem('dp-elder', on ? '1' : '0')", on)


@pytest.mark.parametrize("view", list(VIEWS))
def test_no_serious_or_critical_axe_violations(browser: Browser, base_url: str, view: str) -> None:
    screen, elder, names = VIEWS[view]
    width, height = SCREENS[screen]
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(base_url)
    elder_mode(page, elder)
    problems = {}
    for name in names:
        page.goto(base_url + PAGES[name])
        if name == "search":  # the results are part of the page under test
            page.locator(".dp-search__results li").first.wait_for()
        assert (
            page.evaluate("() => document.documentElement.classList.contains('dp-elder')") == elder
        )
        found = axe_violations(page)
        if found:
            problems[name] = found
    context.close()
    assert problems == {}


def focused(page: Page) -> dict:
    return page.evaluate(
        """() => {
          const e = document.activeElement;
          return {tag: e.tagName, id: e.id, href: e.getAttribute('href'),
                  classes: e.className, text: (e.textContent || '').trim(),
                  nav: !!e.closest('.md-nav'), list: !!e.closest('table.dp-list')};
        }"""
    )


def test_the_keyboard_reaches_search_navigation_and_the_first_list_link(
    page: Page, base_url: str
) -> None:
    page.goto(base_url + PAGES["column"])
    first_link = page.locator("table.dp-list a").first.get_attribute("href")
    stops = []
    for _ in range(120):
        page.keyboard.press("Tab")
        stops.append(focused(page))
        if stops[-1]["list"]:
            break
    assert stops[0]["classes"].startswith("dp-skip") and stops[0]["text"] == "跳到正文"
    assert any(stop["id"] == "dp-header-q" for stop in stops), "the search box"
    assert any(stop["nav"] and stop["tag"] == "A" for stop in stops), "the navigation"
    assert stops[-1]["list"] and stops[-1]["href"] == first_link, "the first list link"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == base_url + PAGES["column"] + first_link
    assert page.locator("h1.dp-title").count() == 1


def test_the_skip_link_jumps_over_header_and_navigation(page: Page, base_url: str) -> None:
    page.goto(base_url + PAGES["item"])
    page.keyboard.press("Tab")
    assert focused(page)["href"] == "#dp-main"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "dp-main"
    page.keyboard.press("Tab")
    inside = page.evaluate("() => !!document.activeElement.closest('.md-content')")
    assert inside, focused(page)


def test_elder_mode_enlarges_text_and_is_remembered(page: Page, base_url: str) -> None:
    page.goto(base_url)

    def state() -> dict:
        return page.evaluate(
            """() => ({
              on: document.documentElement.classList.contains('dp-elder'),
              pressed: document.querySelector('[data-dp-elder-toggle]').getAttribute('aria-pressed'),
              root: parseFloat(getComputedStyle(document.documentElement).fontSize),
              text: parseFloat(getComputedStyle(document.querySelector('.md-typeset')).fontSize),
              spacing: parseFloat(getComputedStyle(document.querySelector('.md-typeset')).lineHeight)
                / parseFloat(getComputedStyle(document.querySelector('.md-typeset')).fontSize),
            })"""
        )

    normal = state()
    assert normal["on"] is False and normal["pressed"] == "false"
    toggle = page.get_by_role("button", name="长者模式")
    assert toggle.is_visible()
    toggle.focus()
    page.keyboard.press("Enter")  # a real button: the keyboard works it too
    enlarged = state()
    assert enlarged["on"] and enlarged["pressed"] == "true"
    assert enlarged["text"] >= 1.25 * normal["text"] and enlarged["spacing"] >= 1.9
    page.reload()
    assert state() == enlarged
    page.goto(base_url + PAGES["item"])
    assert state()["on"]
    page.get_by_role("button", name="长者模式").click()
    page.reload()
    assert state()["on"] is False
