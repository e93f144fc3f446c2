"""The same `site/` works wherever a web server mounts it: at /, at /xxgk/ (site_url's path) and
at /some/other/. nginx serves the built reference site under each prefix; every href and src
of every page must answer 200, and the 404 page, shown in Chromium for a missing address,
must load all it needs and link only to pages that exist."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

import pytest
from browser import launch_chromium
from bs4 import BeautifulSoup
from servers import WebServer, nginx
from sites import built_reference_site

PREFIXES = ("/", "/xxgk/", "/some/other/")
LINKING = {"a": "href", "link": "href", "script": "src", "img": "src", "form": "action"}
# Absolute on purpose, as their standards want them: built from site_url, not from the mount.
ABSOLUTE = {"canonical"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_reference_site(tmp_path_factory.mktemp("any-path"))


def mounted(site: Path, prefix: str) -> str:
    return f"""
    location {prefix} {{
        alias {site / "site"}/;
        index index.html;
        error_page 404 {prefix}404.html;
    }}"""


def page_urls(output: Path, prefix: str) -> dict[str, Path]:
    urls = {}
    for page in sorted(output.rglob("*.html")):
        relative = page.relative_to(output).as_posix()
        url = relative.removesuffix("index.html") if page.name == "index.html" else relative
        urls[prefix + url] = page
    return urls


def local_links(html_text: str, page_url: str) -> set[str]:
    soup = BeautifulSoup(html_text, "html.parser")
    found = set()
    for tag, attribute in LINKING.items():
        for element in soup.find_all(tag):
            value = element.get(attribute)
            if value is None or ABSOLUTE & set(element.get("rel") or []):
                continue
            parts = urlsplit(urljoin(page_url, value))
            if parts.scheme in ("http", "https") and parts.netloc == "localhost":
                found.add(parts.path)
    return found


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_link_of_every_page_resolves_under_any_prefix(
    site: Path, tmp_path: Path, prefix: str
) -> None:
    with nginx(tmp_path / "nginx", mounted(site, prefix)) as web:
        targets: dict[str, str] = {}
        for url, page in page_urls(site / "site", prefix).items():
            for link in local_links(page.read_text(encoding="utf-8"), f"http://localhost{url}"):
                targets.setdefault(link, url)
        assert len(targets) > 100
        broken = {
            link: source for link, source in targets.items() if _status(web, link) != 200
        }
        assert broken == {}


@pytest.mark.parametrize("prefix", PREFIXES)
def test_the_feeds_links_resolve_under_any_prefix(site: Path, tmp_path: Path, prefix: str) -> None:
    """Feeds link relative to themselves; only a feed's <id> is absolute (from site_url)."""
    output = site / "site"
    with nginx(tmp_path / "nginx", mounted(site, prefix)) as web:
        links = set()
        for feed in output.glob("feeds/**/*.xml"):
            feed_url = f"http://localhost{prefix}{feed.relative_to(output).as_posix()}"
            for link in ElementTree.parse(feed).getroot().iter("{http://www.w3.org/2005/Atom}link"):
                links.add(urlsplit(urljoin(feed_url, link.get("href"))).path)
        assert len(links) > 20
        assert {link for link in links if _status(web, link) != 200} == set()


def _status(web: WebServer, path: str) -> int:
    return web.get(path)[0]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_the_404_page_works_for_a_missing_address_under_any_prefix(
    site: Path, tmp_path: Path, prefix: str
) -> None:
    missing = f"{prefix}fdzdgknr/zcwj/no-such-item/deeper/"
    with nginx(tmp_path / "nginx", mounted(site, prefix)) as web, launch_chromium() as browser:
        tab = browser.new_page()
        failed: list[str] = []
        tab.on(
            "response",
            lambda response: response.status >= 400
            and response.url != f"http://127.0.0.1:{web.port}{missing}"
            and failed.append(f"{response.status} {response.url}"),
        )
        response = tab.goto(f"http://127.0.0.1:{web.port}{missing}")
        assert response is not None and response.status == 404
        assert tab.title().startswith("页面不存在")
        tab.wait_for_load_state("networkidle")
        styled = tab.evaluate(
            "[...document.styleSheets].filter(s => s.href && s.cssRules.length).length"
        )
        assert styled >= 4  # Material's two and ours, loaded from the root
        tab.screenshot(path=str(tmp_path / "404.png"))
        links = tab.eval_on_selector_all(
            "a[href], link[href], script[src]", "els => els.map(e => e.href || e.src)"
        )
        tab.close()
        assert failed == []
        local = {urlsplit(link).path for link in links if f":{web.port}/" in link}
        assert prefix in local  # the way home
        assert {path for path in local if _status(web, path) != 200} == set()
