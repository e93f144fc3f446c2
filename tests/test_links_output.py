"""The link check of the rendered site (issue #4): real builds into temporary folders, real HTML.

One small site is built with broken links of every kind — written in Markdown so that only the
rendered page shows them (folder links, raw HTML beside a page; a missing anchor is found by
the check before rendering, tests/test_check_predicts_build.py), and produced by
templates (a footer and a listing from the site's theme/ overrides) — and the reference site is
built clean. The failed build must leave the previous site/ untouched."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import POLICY, front_matter
from linksite import buildable, line_of, run
from sites import REFERENCE_AS_OF, copy_reference_site

from generator.publish import linkcheck

CLI = (sys.executable, "-m", "generator.cli")
POLICY_SRC = "content/fdzdgknr/zcwj/20181214-jiaqiang-zhengwu-gongkai.md"
POLICY_PAGE = "fdzdgknr/zcwj/20181214-jiaqiang-zhengwu-gongkai/"
BODY = """\
## 一、总体要求 {#zongti}

见[总体要求](#zongti)和[附件](fujian.pdf)，均有效。
"""
# Addresses the browser reads from the page's address, not the file's: found by the check.
PAGE_RELATIVE = """\

返回[政策解读栏目](../zcjd/)。

<img src="chart.png" alt="示意图">

<a href="fujian.pdf">附件（原始 HTML）</a>
"""
FOOTER = """\
<footer class="md-footer"><p><a href="{{ 'lianxi/' | url }}">联系我们</a></p></footer>
"""
LISTING = """\
<table class="dp-list"><tbody>
{%- for item in disclosure.listing.items %}
<tr><td><a href="{{ item.url | url }}">{{ item.title }}</a>
<a href="{{ (item.url ~ '#fujian') | url }}">附件</a></td></tr>
{%- endfor %}
</tbody></table>
"""


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory):
    from conftest import build_site

    site = buildable(build_site(tmp_path_factory.mktemp("broken") / "site"))
    site.write(POLICY_SRC, front_matter(POLICY, BODY))
    site.write("content/fdzdgknr/zcwj/fujian.pdf", b"%PDF-1.4\n")
    site.write("content/fdzdgknr/zcwj/chart.png", b"\x89PNG\r\n\x1a\n")
    site.write("theme/partials/gov-footer.html", FOOTER)
    site.write("theme/partials/item-table.html", LISTING)
    site.write("site/index.html", "<p>上一次发布的网站</p>\n")  # the previous build
    assert site.cli("check").returncode == 0  # nothing a pre-render rule can see
    result = run(site, "build", "--format", "json")
    return site, result, json.loads(result.stdout)


def found(diagnostics, code: str, file: str) -> list[dict]:
    return [d for d in diagnostics if d["code"] == code and d["file"] == file]


def test_build_fails_and_keeps_the_previous_site(broken):
    site, result, _ = broken
    assert result.returncode == 1
    assert "发布前检查未通过" in result.stderr and "原有 site/ 保持不变" in result.stderr
    assert [p.name for p in (site.root / "site").iterdir()] == ["index.html"]
    assert (site.root / "site/index.html").read_text(
        encoding="utf-8"
    ) == "<p>上一次发布的网站</p>\n"
    assert not list(site.root.glob(".site-*"))


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("(../zcjd/)", "页面 fdzdgknr/zcwj/zcjd/ 不存在"),
        ("chart.png", f"应在 content/{POLICY_PAGE}chart.png"),
        ('"fujian.pdf"', f"应在 content/{POLICY_PAGE}fujian.pdf"),
    ],
)
def test_page_relative_addresses_are_found_by_the_check(tmp_path, written, words):
    """A folder address and raw HTML are read from the page's address (…/名称/), not the
    file's: the check finds them at their line, as the built site would show them."""
    from conftest import build_site

    site = buildable(build_site(tmp_path / "site"))
    site.write(POLICY_SRC, front_matter(POLICY, BODY + PAGE_RELATIVE))
    site.write("content/fdzdgknr/zcwj/fujian.pdf", b"%PDF-1.4\n")
    site.write("content/fdzdgknr/zcwj/chart.png", b"\x89PNG\r\n\x1a\n")
    result = site.cli("check", "--format", "json")
    line, column = line_of(site.root / POLICY_SRC, written)
    column += written.startswith(('"', "("))
    hits = [
        d
        for d in json.loads(result.stdout)
        if d["code"] == "E-LINK-MISSING" and d["file"] == POLICY_SRC and d["line"] == line
    ]
    assert len(hits) == 1, result.stdout
    assert words in hits[0]["message"]


def test_valid_anchor_and_attachment_pass(broken):
    site, _, diagnostics = broken
    line, _ = line_of(site.root / POLICY_SRC, "[总体要求](#zongti)")
    assert [d for d in diagnostics if d["file"] == POLICY_SRC and d["line"] == line] == []
    assert len(found(diagnostics, "E-LINK-ANCHOR", POLICY_SRC)) == 0
    assert len(found(diagnostics, "E-LINK-DEAD", POLICY_SRC)) == 0


def test_a_broken_footer_link_is_reported_once_at_a_generated_page(broken):
    _, _, diagnostics = broken
    footer = [d for d in diagnostics if "的目标 lianxi/ 不存在" in d["message"]]
    assert len(footer) == 1, footer
    (problem,) = footer
    assert problem["code"] == "E-LINK-DEAD" and problem["file"].startswith("site/")
    assert "位于页脚 footer.md-footer" in problem["message"]
    assert "个页面有此链接" in problem["message"] and "theme/" in problem["message"]
    assert problem["file"] == "site/index.html" and problem["line"] > 1  # the home page first


def test_broken_links_in_generated_listings(broken):
    _, _, diagnostics = broken
    listing = [d for d in diagnostics if "锚点“#fujian”" in d["message"]]
    # one per item that the listings link to: the 政策文件 and the 政策解读
    assert sorted(d["message"].split("在页面 ")[1].split(" ")[0] for d in listing) == [
        "fdzdgknr/zcjd/20181214-jiaqiang-zhengwu-gongkai-jiedu/",
        POLICY_PAGE,
    ]
    assert all(d["code"] == "E-LINK-ANCHOR" and d["file"].startswith("site/") for d in listing)
    assert all("位于表格 table.dp-list" in d["message"] for d in listing)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference site, built once (it must pass every check at its as-of date)."""
    site = copy_reference_site(tmp_path_factory.mktemp("reference") / "site")
    result = subprocess.run(
        [*CLI, "build", "--format", "json", "--site", str(site), "--as-of", REFERENCE_AS_OF],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert [d for d in json.loads(result.stdout) if d["severity"] == "error"] == []
    return site / "site"


def test_the_reference_site_builds_clean(reference: Path):
    assert (reference / "index.html").is_file() and (reference / "search/index.html").is_file()


def test_the_reference_output_has_no_broken_link(reference: Path):
    state = linkcheck.OutputFiles(
        reference, linkcheck.all_files(reference), *linkcheck.site_address(reference)
    )
    assert state.base_path == "/xxgk/"  # read from the home page's canonical link
    scans = linkcheck.scan_site(state, workers=1)
    assert [p for scan in scans for p in scan.problems] == []
    assert len(scans) == len(list(reference.rglob("*.html")))
    in_parallel = linkcheck.scan_site(state, workers=2, parallel_from=1)  # worker processes
    assert [(s.page, s.anchors) for s in in_parallel] == [(s.page, s.anchors) for s in scans]


LANDMARKS = {"footer": "页脚", "nav": "导航", "header": "页眉", "aside": "侧栏", "table": "表格"}


def _as_html_parser_reads(data: bytes) -> tuple[set[str], dict[str, tuple[str, str, int, str]]]:
    """Anchors and URLs of a page as the standard library's html.parser reads them (through
    BeautifulSoup, which keeps each tag's line): (tag, attribute, line, landmark) of each URL
    where it first appears."""
    page = BeautifulSoup(data.decode("utf-8"), "html.parser", multi_valued_attributes=None)
    anchors = {tag["id"] for tag in page.find_all(id=True) if tag["id"]}
    anchors |= {tag["name"] for tag in page.find_all("a", attrs={"name": True}) if tag["name"]}
    urls: dict[str, tuple[str, str, int, str]] = {}
    for tag in page.find_all(list(linkcheck.LINK_ATTRIBUTES)):
        rel = (tag.get("rel") or "").lower().split()
        if tag.name == "link" and ("preconnect" in rel or "dns-prefetch" in rel):
            continue
        around = next((parent for parent in tag.parents if parent.name in LANDMARKS), None)
        landmark = ""
        if around is not None:
            classes = (around.get("class") or "").split()
            label = around.get("aria-label") or ""
            landmark = f"{LANDMARKS[around.name]} {around.name}"
            landmark += (f".{classes[0]}" if classes else "") + (f"（{label}）" if label else "")
        for attribute in linkcheck.LINK_ATTRIBUTES[tag.name]:
            value = tag.get(attribute) or ""
            if attribute == "srcset":
                written = [part.split()[0] for part in value.split(",") if part.strip()]
            else:
                written = [value.strip()] if value.strip() else []
            for url in written:
                urls.setdefault(url, (tag.name, attribute, tag.sourceline, landmark))
    return anchors, urls


def test_every_page_is_read_as_html_parser_reads_it(reference: Path):
    """Every page of the reference site: the anchors and URLs html.parser finds, in the same
    order, each placed at the same line and landmark (lexbor keeps no lines: the check looks
    for a URL's line in the page's bytes)."""
    pages = sorted(file for file in linkcheck.all_files(reference) if file.endswith(".html"))
    for page in pages:
        data = (reference / page).read_bytes()
        anchors, urls = linkcheck.read_page(data)
        expected_anchors, expected_urls = _as_html_parser_reads(data)
        assert anchors == expected_anchors, page
        assert list(urls) == list(expected_urls), page
        for url, locate in urls.items():
            link = locate()
            assert (link.tag, link.attribute, link.line, link.landmark) == expected_urls[url]


def test_url_forms_on_hand_written_pages(tmp_path: Path):
    """Absolute addresses of the site itself, /paths under its folder, srcset, ../ past the root,
    and what is never fetched (mailto:, preconnect) — on pages written by hand."""
    home = """<html><head>
<link rel="canonical" href="https://www.example.gov.cn/xxgk/">
<link rel="preconnect" href="/nowhere-at-all/">
<link rel="stylesheet" href="/xxgk/assets/site.css"></head><body>
<a id="top-news" href="https://www.example.gov.cn/xxgk/a/#x">A</a>
<a href="https://www.example.gov.cn/xxgk/missing/">gone</a>
<a href="https://www.example.gov.cn/other-site/">not ours: external</a>
<a href="mailto:gk@example.gov.cn">mail</a> <a href="#top-news">here</a>
<img srcset="a/small.png 1x, a/large.png 2x" src="a/small.png">
<a href="../../outside.pdf">out</a>
</body></html>"""
    files = {
        "index.html": home,
        "a/index.html": '<p id="x">x</p><a href="../#top-news">back</a><a href="/xxgk">home</a>',
        "a/small.png": "",
        "assets/site.css": "",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    state = linkcheck.OutputFiles(
        tmp_path, linkcheck.all_files(tmp_path), *linkcheck.site_address(tmp_path)
    )
    problems = [p for scan in linkcheck.scan_site(state, workers=1) for p in scan.problems]
    assert sorted((p.page, p.kind, p.target, p.link.url, p.link.line) for p in problems) == [
        ("index.html", "dead", "a/large.png", "a/large.png", 9),
        ("index.html", "dead", "missing/", "https://www.example.gov.cn/xxgk/missing/", 6),
        ("index.html", "outside", "", "../../outside.pdf", 10),
    ]


def test_links_in_templates_and_noscript_are_checked(tmp_path: Path):
    """lexbor keeps a <template>'s content out of the document tree: it is read apart, so its
    links are checked as any other, at their line, in the landmark around the template."""
    (tmp_path / "index.html").write_text(
        '<html><body><p>x</p>\n<footer class="f"><template><a href="gone/">x</a></template>\n'
        '</footer><noscript><a href="also-gone/">y</a></noscript></body></html>',
        encoding="utf-8",
    )
    state = linkcheck.OutputFiles(
        tmp_path, linkcheck.all_files(tmp_path), *linkcheck.site_address(tmp_path)
    )
    problems = [p for scan in linkcheck.scan_site(state, workers=1) for p in scan.problems]
    assert sorted((p.link.url, p.link.line, p.link.landmark) for p in problems) == [
        ("also-gone/", 3, ""),
        ("gone/", 2, "页脚 footer.f"),
    ]


def test_a_broken_url_is_placed_at_the_tag_that_holds_it(tmp_path: Path):
    """The line of a broken URL is looked up in the page's bytes: written with an entity, in a
    start tag over several lines, in capitals, after the same text in a script or the page's
    prose — each is found at the line of its own tag."""
    page = """<html><body>
<script>var next = "gone/?a=1&b=2";</script>
<p>See gone/?a=1&amp;b=2 or old/ in the text.</p>
<nav class="dp-pager" aria-label="分页">
<A HREF="gone/?a=1&amp;b=2">next</A>
<a class="x"
   href="old/">old</a></nav>
<img src="a.png" srcset="a.png 1x, b.png 2x">
</body></html>"""
    (tmp_path / "index.html").write_text(page, encoding="utf-8")
    (tmp_path / "a.png").write_bytes(b"")
    state = linkcheck.OutputFiles(
        tmp_path, linkcheck.all_files(tmp_path), *linkcheck.site_address(tmp_path)
    )
    problems = [p for scan in linkcheck.scan_site(state, workers=1) for p in scan.problems]
    assert sorted((p.link.url, p.link.tag, p.link.line, p.link.landmark) for p in problems) == [
        ("b.png", "img", 8, ""),
        ("gone/?a=1&b=2", "a", 5, "导航 nav.dp-pager（分页）"),
        ("old/", "a", 6, "导航 nav.dp-pager（分页）"),
    ]
    as_html_parser_reads = _as_html_parser_reads(page.encode())[1]
    for problem in problems:
        link = problem.link
        assert (link.tag, link.attribute, link.line, link.landmark) == as_html_parser_reads[
            link.url
        ]
