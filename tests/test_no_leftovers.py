"""What a citizen's browser gets is the 专栏 and nothing of a documentation site: no generator
meta, one description, a title that names the page then the site, ``lang="zh-CN"``, none of
Material's search files or source maps; and on every page type no request fails and nothing
is written to the console."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import launch_chromium
from bs4 import BeautifulSoup
from servers import nginx
from sites import built_reference_site

SITE_NAME = "湟源县人民政府信息公开"
PAGE_TYPES = {
    "home": "",
    "column": "fdzdgknr/zcwj/",
    "later page": "browse/year/2026/page/2/",
    "item with 文号": "fdzdgknr/zcwj/20181214-jiaqiang-zhengwu-gongkai/",
    "解读": "fdzdgknr/zcjd/20181214-tujie-jiaqiang-zhengwu-gongkai/",
    "年报 list": "nianbao/",
    "年报": "nianbao/20260128-huangyuan-2025-nianbao/",
    "browse": "browse/",
    "browse page": "browse/year/2026/",
    "现行有效": "xianxing/",
    "统计": "tongji/",
    "guide page": "zhinan/",
    "item with a table": "fdzdgknr/ghjh/20260212-shiwuwu-guihua-gangyao/",
    "search": "search/?q=政务公开",
    "404": "fdzdgknr/zcwj/no-such-item/",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_reference_site(tmp_path_factory.mktemp("leftovers"))


def test_no_files_of_a_documentation_site(site: Path) -> None:
    output = site / "site"
    leftovers = [
        path.relative_to(output).as_posix()
        for path in output.rglob("*")
        if path.suffix == ".map"
        or "lunr" in path.parts
        or "workers" in path.parts
        or path.name == "search_index.json"
    ]
    assert leftovers == []


@pytest.mark.parametrize("page_type", [t for t in PAGE_TYPES if t not in ("search", "404")])
def test_the_head_names_the_page_once(site: Path, page_type: str) -> None:
    url = PAGE_TYPES[page_type]
    page = BeautifulSoup((site / "site" / url / "index.html").read_text("utf-8"), "html.parser")
    assert page.html["lang"] == "zh-CN"
    assert page.find("meta", attrs={"name": "generator"}) is None
    descriptions = [m for m in page.find_all("meta") if (m.get("name") or "").lower() == "description"]
    assert len(descriptions) == 1 and descriptions[0]["content"]
    title = page.title.get_text()
    assert title.count(SITE_NAME) == 1
    if page_type == "home":
        assert title == SITE_NAME
    else:
        assert title.endswith(f" - {SITE_NAME}") and not title.startswith(SITE_NAME)


def test_no_page_type_has_a_failed_request_or_a_console_message(site: Path, tmp_path: Path) -> None:
    mount = f"""
    location / {{
        alias {site / "site"}/;
        index index.html;
        error_page 404 /404.html;
    }}"""
    problems: list[str] = []
    current = {"type": "", "address": ""}

    def failed(response) -> None:  # type: ignore[no-untyped-def]
        expected_404 = current["type"] == "404" and response.url == current["address"]
        if response.status >= 400 and not expected_404:
            problems.append(f"{current['type']}: {response.status} {response.url}")

    def logged(message) -> None:  # type: ignore[no-untyped-def]
        # The browser logs the 404 page's own status: that one is expected.
        if not (current["type"] == "404" and message.location.get("url") == current["address"]):
            problems.append(f"{current['type']}: console {message.type}: {message.text}")

    with nginx(tmp_path / "nginx", mount) as web, launch_chromium() as browser:
        tab = browser.new_page()
        tab.on("console", logged)
        tab.on("pageerror", lambda error: problems.append(f"error: {error}"))
        tab.on("response", failed)
        for page_type, url in PAGE_TYPES.items():
            current.update(type=page_type, address=f"http://127.0.0.1:{web.port}/{url}")
            tab.goto(current["address"])
            tab.wait_for_load_state("networkidle")
            if page_type == "item with a table":  # body tables read at the body's size
                sizes = tab.evaluate(
                    "() => ['.dp-body p', '.dp-body td'].map(s => "
                    "getComputedStyle(document.querySelector(s)).fontSize)"
                )
                assert sizes[0] == sizes[1], sizes
    assert problems == []
