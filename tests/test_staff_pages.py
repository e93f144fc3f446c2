"""Nothing internal in public (issue #26, point 5): the clerk's guide and the inspection report
are built only when mkdocs.yml asks for them (``staff_pages: true``, a staff build); the public
site, its sitemap, feeds and open data hold neither. `disclosure check --report --html FILE`
writes the report as a page of its own, never into the site's output folder. The 数据开放 page
speaks to citizens."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from sites import (
    REFERENCE_AS_OF,
    build,
    built_reference_site,
    copy_reference_site,
    html,
    meta_tags,
    run_cli,
    set_plugin_options,
    write_item,
)

STAFF_PAGES = ("guide", "report")
LICENCE = "本站数据按《某某开放数据使用协议》提供。"
SCHEDULED = {  # an item published after the as-of date: 定时发布
    "index_no": "015180101/2026-00090",
    "publisher": "湟源县城关镇人民政府",
    "topic": "综合政务/政务公开",
    "disclosure": "主动公开",
    "published": "2026-12-01",
    "genre": "通知",
}


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_reference_site(tmp_path_factory.mktemp("public")) / "site"


@pytest.fixture(scope="module")
def staff(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = copy_reference_site(tmp_path_factory.mktemp("staff"))
    set_plugin_options(site, f"staff_pages: true\ndata_licence: {LICENCE}")
    result = build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    return site / "site"


def _texts(output: Path) -> dict[str, str]:
    """Every text file of the output (the gzipped sitemap unpacked), by relative path."""
    texts = {}
    for path in output.rglob("*"):
        if path.suffix not in (".html", ".xml", ".gz", ".json", ".csv", ".xsl"):
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        texts[path.relative_to(output).as_posix()] = data.decode("utf-8-sig")
    return texts


def test_the_public_site_has_no_staff_page_nor_a_trace_of_one(public: Path) -> None:
    assert [page for page in STAFF_PAGES if (public / page).exists()] == []
    texts = _texts(public)
    assert "sitemap.xml" in texts and "feeds/atom.xml" in texts and "data/items.json" in texts
    traces = [
        (path, page)
        for path, text in texts.items()
        for page in STAFF_PAGES
        if f"/xxgk/{page}/" in text or f'href="{page}/"' in text or f'href="../{page}/"' in text
    ]
    assert traces == []
    assert not any("网站检查报告" in text or "信息员指南" in text for text in texts.values())


def test_a_staff_build_has_both_pages_kept_from_search_engines(staff: Path) -> None:
    from generator.diagnostics import CODES

    guide = html(staff / "guide" / "index.html")
    assert set(CODES) <= {code.get_text() for code in guide.select("table code")}
    assert "新增一条信息" in guide.get_text()
    assert "信息员指南" not in {a.get_text(strip=True) for a in guide.select("nav.md-nav a")}
    report = html(staff / "report" / "index.html")
    assert "一、栏目更新情况" in report.get_text()
    for page in (guide, report):
        assert meta_tags(page)["robots"] == "noindex, nofollow"
    sitemap = (staff / "sitemap.xml").read_text(encoding="utf-8")
    assert "/xxgk/zhinan/" in sitemap
    assert "/xxgk/guide/" not in sitemap and "/xxgk/report/" not in sitemap
    footer_links = [a["href"] for a in html(staff / "index.html").select("footer a")]
    assert not any(href.endswith(("guide/", "report/")) for href in footer_links)


def test_the_staff_guide_renders_its_numbered_steps_as_lists(staff: Path) -> None:
    """A step of a numbered list is a list item, never "2. …" run into the paragraph above."""
    guide = html(staff / "guide" / "index.html").select_one(".dp-body")
    run_together = [
        p.get_text() for p in guide.find_all("p") if re.search(r"\s[2-9]\. \S", p.get_text())
    ]
    assert run_together == []
    assert len(guide.select("ol > li")) >= 10


def test_the_open_data_page_speaks_to_citizens(public: Path) -> None:
    page = html(public / "data" / "index.html")
    article = page.select_one("article")
    text = article.get_text(" ", strip=True)
    for word in ("columns.yml", "site_url", "mkdocs", "site_name", "条目"):
        assert word not in text, word
    rows = [[c.get_text() for c in tr.find_all(["th", "td"])] for tr in article.select("tbody tr")]
    assert rows[0][:2] == ["标题", "信息的标题"]
    assert ["发布机构", "发布这条信息的机关或单位的全称"] in [row[:2] for row in rows]
    headings = [h.get_text() for h in article.select("h2")]
    assert headings == ["下载", "字段说明", "使用说明"]
    assert "免费下载、复制、使用" in text and "注明来源“湟源县人民政府信息公开”" in text


def test_a_site_states_its_own_terms_of_use(staff: Path) -> None:
    text = html(staff / "data" / "index.html").select_one("article").get_text(" ", strip=True)
    assert LICENCE in text and "免费下载" not in text


# `disclosure check --report --html FILE`: the report as a page of its own, outside site/ ------


def test_the_report_as_a_file_of_its_own_outside_the_site(tmp_path: Path) -> None:
    site = copy_reference_site(tmp_path / "site")
    scheduled = dict(SCHEDULED, title="定时发布的一条通知")
    write_item(site, "fdzdgknr/qtxx", "20261201-dingshi.md", scheduled, "通知如下。")
    target = tmp_path / "staff" / "检查报告.html"
    target.parent.mkdir()
    result = run_cli(
        "check", "--site", str(site), "--as-of", REFERENCE_AS_OF, "--report", "--html", str(target)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"检查报告网页已写入 {target}" in result.stderr
    assert "各发布机构每月发布数量" in result.stdout  # the text report as before
    page = html(target)
    assert page.find("html")["lang"] == "zh-CN"
    assert meta_tags(page)["robots"] == "noindex, nofollow"
    assert page.title.get_text() == "网站检查报告 - 湟源县人民政府信息公开"
    text = page.get_text(" ", strip=True)
    for words in (
        "一、栏目更新情况",
        "二、发布日期",
        "定时发布（发布日期晚于截至时间，届时自动发布）：2 条",  # with the reference site's own
    ):
        assert words in text, words  # the staff see what the public page leaves out
    links = {a["href"] for a in page.select("table a")}
    assert "https://www.huangyuan.gov.cn/xxgk/fdzdgknr/zcwj/" in links
    assert not (site / "site").exists()  # nothing built, nothing written into the site


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--html", "检查报告.html"), "--html 须与 --report 一起使用"),
        (("--report", "--html", "site/检查报告.html"), "会随网站公开"),
    ],
)
def test_the_report_file_needs_report_and_a_place_outside_site(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    site = copy_reference_site(tmp_path / "site")
    (site / "site").mkdir()
    result = run_cli("check", "--site", str(site), "--as-of", REFERENCE_AS_OF, *args, cwd=site)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert list((site / "site").iterdir()) == [] and not (site / "检查报告.html").exists()
