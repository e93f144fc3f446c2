"""The public site (issue 3): real builds of the reference site, read back from the HTML."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sites import (
    REFERENCE_AS_OF,
    build,
    built_reference_site,
    copy_reference_site,
    html,
    meta_tags,
    set_plugin_options,
    tree_bytes,
    write_item,
)

from generator.content.dates import AsOf
from generator.diagnostics import Report
from generator.site.check import check_site


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference site, built once for the read-only tests of this module."""
    return built_reference_site(tmp_path_factory.mktemp("reference"))


@pytest.fixture(scope="module")
def collection(reference: Path):
    report = Report()
    loaded = check_site(reference, AsOf.parse(REFERENCE_AS_OF), report)
    assert loaded is not None and not report.has_errors()
    return loaded


def public_items(collection):
    as_of = AsOf.parse(REFERENCE_AS_OF)
    return [item for item in collection.items if item.is_public(as_of)]


def page_of(site: Path, url: str) -> Path:
    return site / "site" / url / "index.html"


def dated(site: Path) -> Path:
    """The site with the reference as-of date in mkdocs.yml, the plugin's ``as_of`` option: how
    a plain `mkdocs build` is told the date `disclosure build --as-of` gives."""
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - disclosure:\n" in text
    dated = text.replace(
        "  - disclosure:\n", f'  - disclosure:\n      as_of: "{REFERENCE_AS_OF}"\n', 1
    )
    config.write_text(dated, encoding="utf-8")
    return site


def test_disclosure_build_and_mkdocs_build_give_the_same_site(
    reference: Path, tmp_path: Path
) -> None:
    expected = tree_bytes(reference / "site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("SOURCE_DATE_EPOCH", None)
    other = dated(copy_reference_site(tmp_path / "other"))
    result = subprocess.run(
        ["mkdocs", "build", "-q", "-f", str(other / "mkdocs.yml")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    actual = tree_bytes(other / "site")
    assert sorted(actual) == sorted(expected)
    different = [name for name in expected if actual[name] != expected[name]]
    assert different == []


GENERATOR_META = re.compile(rb'<meta name="generator" content="[^"]*">')


def test_properdocs_builds_the_same_site_and_switching_engines_renders_all(
    reference: Path, tmp_path: Path
) -> None:
    """ProperDocs, the maintained fork of MkDocs 1.6, runs our plugin and Material to the same
    site (its name in the generator meta aside); a switch of engine is a full build."""
    expected = tree_bytes(reference / "site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    other = dated(copy_reference_site(tmp_path / "other"))
    build(other)  # by MkDocs, as `disclosure build`
    logs = []
    for _ in range(2):
        result = subprocess.run(
            ["properdocs", "build", "-f", str(other / "mkdocs.yml")],
            capture_output=True, text=True, env=env, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        logs.append(result.stderr)
    assert "沿用上次生成的" not in logs[0]  # MkDocs built the previous site: all pages again
    assert "沿用上次生成的" in logs[1]  # ProperDocs' own previous build: incremental
    actual = tree_bytes(other / "site")
    assert sorted(actual) == sorted(expected)
    different = [
        name
        for name in expected
        if GENERATOR_META.sub(b"", actual[name]) != GENERATOR_META.sub(b"", expected[name])
    ]
    assert different == []
    assert b'name="generator"' not in actual["index.html"]  # no engine named anywhere


def test_home_shows_the_standard_columns_and_the_newest_items(reference: Path, collection) -> None:
    home = html(reference / "site" / "index.html")
    links = {a.get_text(strip=True): a["href"] for a in home.select(".dp-column-grid a")}
    for name in (
        "政府信息公开指南",
        "政府信息公开制度",
        "法定主动公开内容",
        "政策文件",
        "政策解读",
        "政府信息公开年报",
        "依申请公开",
    ):
        assert name in links, name
    newest = [a.get_text(strip=True) for a in home.select(".dp-newest a")]
    expected = sorted(public_items(collection), key=lambda i: i.sort_key, reverse=True)[:10]
    assert newest == [item.title for item in expected]


def test_column_page_lists_items_newest_first_in_the_standard_table(
    reference: Path, collection
) -> None:
    page = html(page_of(reference, "fdzdgknr/zcwj"))
    headers = [th.get_text(strip=True) for th in page.select("table.dp-list thead th")]
    assert headers == ["序号", "标题", "发文字号", "成文日期", "发布日期"]
    rows = page.select("table.dp-list tbody tr")
    policies = [i for i in public_items(collection) if i.column.path == "fdzdgknr/zcwj"]
    assert len(rows) == min(len(policies), 20)
    dates = [row.find_all("td")[4].get_text(strip=True) for row in rows]
    assert dates == sorted(dates, reverse=True)
    first = rows[0].find_all("td")
    assert first[0].get_text(strip=True) == "1"
    newest = max(policies, key=lambda i: i.sort_key)
    assert first[1].a.get_text(strip=True) == newest.title
    assert first[1].select_one(".dp-validity").get_text() == newest.validity
    assert first[2].get_text(strip=True) == str(newest.doc_no)
    description = page.select_one(".dp-description").get_text(strip=True)
    assert description == "本机关制发的规章、行政规范性文件和其他文件"


def test_listings_are_paginated_with_a_configurable_page_size(tmp_path: Path) -> None:
    site = copy_reference_site(tmp_path / "site")
    catalog = site / "columns.yml"
    catalog.write_text(
        catalog.read_text(encoding="utf-8").replace("page_size: 20", "page_size: 2"),
        encoding="utf-8",
    )
    assert build(site).returncode == 0
    first = html(page_of(site, "fdzdgknr/zcwj"))
    second = html(page_of(site, "fdzdgknr/zcwj/page/2"))
    assert len(first.select("table.dp-list tbody tr")) == 2
    serials = [
        row.find("td").get_text(strip=True) for row in second.select("table.dp-list tbody tr")
    ]
    assert serials[0] == "3"
    pager = first.select_one("nav.dp-pager")
    assert pager is not None and pager.select_one('a[rel="next"]')["href"] == "page/2/"
    assert second.select_one('nav.dp-pager a[rel="prev"]')["href"] == "../../"
    first_dates = [r.find_all("td")[4].get_text() for r in first.select("table.dp-list tbody tr")]
    second_dates = [r.find_all("td")[4].get_text() for r in second.select("table.dp-list tbody tr")]
    assert min(first_dates) >= max(second_dates)


def test_a_nested_column_shows_its_children(reference: Path) -> None:
    page = html(page_of(reference, "fdzdgknr"))
    children = [a.get_text(strip=True) for a in page.select("ul.dp-children > li > a")]
    assert children[:2] == ["政策文件", "政策解读"]
    assert len(children) == 16


def test_item_page_has_the_metadata_block_body_and_print_button(reference: Path) -> None:
    page = html(page_of(reference, "fdzdgknr/zcwj/20181214-jiaqiang-zhengwu-gongkai"))
    block = {
        th.get_text(strip=True): th.find_next_sibling("td").get_text(strip=True)
        for th in page.select("table.dp-metadata th")
    }
    assert block["索引号"] == "015180001/2018-00051"
    assert block["发布机构"] == "湟源县人民政府办公室"
    assert block["发文字号"] == "源政办〔2018〕51号"
    assert block["发布日期"] == "2018-12-14"
    assert block["有效性"] == "现行有效"
    for label in ("主题分类", "成文日期", "标题", "关键词"):
        assert block[label], label
    assert "各乡镇人民政府" in page.select_one(".dp-body").get_text()
    assert page.find("button", string="打印本页") is not None


def test_item_page_lists_attachments_with_type_and_size(reference: Path, collection) -> None:
    model_items = [i for i in public_items(collection) if "附件" in i.body and "](" in i.body]
    assert model_items, "the reference site has items with attachments"
    item = model_items[0]
    page = html(page_of(reference, item.url.rstrip("/")))
    entries = page.select(".dp-attachments li")
    assert entries
    text = entries[0].get_text()
    assert any(kind in text for kind in ("PDF", "CSV", "Excel", "Word"))
    assert "KB" in text or " B）" in text
    href = entries[0].a["href"]
    target = (page_of(reference, item.url.rstrip("/")).parent / href).resolve()
    assert target.is_file()


def test_policy_and_interpretation_link_both_ways(reference: Path, collection) -> None:
    items = public_items(collection)
    by_number = {str(i.index_no): i for i in items}
    reading = next(i for i in items if i.interprets in by_number)
    policy = by_number[reading.interprets]
    reading_page = html(page_of(reference, reading.url.rstrip("/")))
    policy_page = html(page_of(reference, policy.url.rstrip("/")))
    assert policy.title in reading_page.select_one(".dp-related").get_text()
    titles = [a.get_text(strip=True) for a in policy_page.select(".dp-related a")]
    assert reading.title in titles


def test_superseded_item_shows_a_notice_linking_the_replacement(
    reference: Path, collection
) -> None:
    items = public_items(collection)
    old = next(i for i in items if i.superseded_by)
    replacement = next(i for i in items if str(i.index_no) == old.superseded_by)
    notice = html(page_of(reference, old.url.rstrip("/"))).select_one(".dp-notice")
    assert old.validity in notice.get_text()
    assert notice.a.get_text(strip=True) == replacement.title


def test_browse_pages_for_topic_unit_year_and_genre(reference: Path, collection) -> None:
    items = public_items(collection)
    overview = html(page_of(reference, "browse"))
    facets = [h.get_text(strip=True) for h in overview.select(".dp-facet h2")]
    assert facets == ["按主题分类", "按发布机构", "按年份", "按体裁"]
    office = [i for i in items if i.publisher and i.publisher.code == "015180001"]
    unit_page = html(page_of(reference, "browse/unit/015180001"))
    count = len(unit_page.select("table.dp-list tbody tr"))
    assert count == min(len(office), 20)
    year = max(i.published.year for i in items)
    year_page = html(page_of(reference, f"browse/year/{year}"))
    assert len(year_page.select("table.dp-list tbody tr")) == min(
        sum(1 for i in items if i.published.year == year), 20
    )
    assert (reference / "site" / "browse" / "topic" / "index.html").is_file()
    assert (reference / "site" / "browse" / "genre" / "index.html").is_file()


def test_meta_tags_on_column_and_item_pages(reference: Path) -> None:
    column = meta_tags(html(page_of(reference, "fdzdgknr/zcwj")))
    assert column["SiteName"] == "湟源县人民政府信息公开"
    assert column["SiteIDCode"] == "6301230001"
    assert column["SiteDomain"] == "www.huangyuan.gov.cn"
    assert column["ColumnName"] == "政策文件"
    assert column["ColumnType"] == "政策文件"
    assert column["ColumnKeywords"] == "政策文件,规范性文件"
    assert column["ColumnDescription"].startswith("本机关制发")
    item = meta_tags(html(page_of(reference, "fdzdgknr/zcwj/20181214-jiaqiang-zhengwu-gongkai")))
    assert item["ArticleTitle"] == "湟源县人民政府办公室关于进一步加强政务公开工作的通知"
    assert item["PubDate"] == "2018-12-14 00:00"
    assert item["ContentSource"] == "湟源县人民政府办公室"
    assert (
        item["Url"]
        == "https://www.huangyuan.gov.cn/xxgk/fdzdgknr/zcwj/20181214-jiaqiang-zhengwu-gongkai/"
    )
    for name in ("Keywords", "Author", "Description"):
        assert item[name], name


def test_footer_carries_the_government_identity_from_mkdocs_yml(reference: Path) -> None:
    footer = html(reference / "site" / "index.html").select_one("footer.dp-footer").get_text()
    for expected in (
        "主办单位：湟源县人民政府办公室",
        "网站标识码：6301230001",
        "青ICP备",
        "公网安备",
        "我为政府网站找错",
    ):
        assert expected in footer, expected


def test_items_are_not_in_the_navigation(reference: Path, collection) -> None:
    page = html(page_of(reference, "fdzdgknr/zcwj"))
    nav_links = {a["href"] for a in page.select("nav.md-nav a[href]")}
    for item in public_items(collection):
        assert not any(href.endswith(item.url.rsplit("/", 2)[-2] + "/") for href in nav_links)


def test_sitemap_lists_public_items_with_their_publication_date(
    reference: Path, collection
) -> None:
    sitemap = (reference / "site" / "sitemap.xml").read_text(encoding="utf-8")
    item = next(
        i
        for i in public_items(collection)
        if i.src_uri.endswith("20181214-jiaqiang-zhengwu-gongkai.md")
    )
    assert f"{item.url}</loc>\n         <lastmod>2018-12-14</lastmod>" in sitemap


# Publication rules (SPEC §6) -------------------------------------------------------------------

MARKERS = {
    "依申请公开": "QZMARKAPPLY",
    "不予公开": "QZMARKWITHHELD",
    "draft": "QZMARKDRAFT",
    "scheduled": "QZMARKSCHEDULED",
}


def _marker_item(site: Path, name: str, serial: int, marker: str, **changes: str) -> None:
    fields = {
        "title": f"湟源县城关镇关于{marker}事项的通知",
        "index_no": f"015180101/2026-{serial:05d}",
        "publisher": "湟源县城关镇人民政府",
        "topic": "综合政务/政务公开",
        "disclosure": "主动公开",
        "published": "2026-06-01",
        "summary": f"内容概述{marker}",
        "keywords": f"[{marker}, 政务公开]",
        "genre": "通知",
    }
    fields.update(changes)
    write_item(
        site, "fdzdgknr/qtxx", name, fields, f"各村（社区）：\n\n关于{marker}的具体事项通知如下。\n"
    )


def test_non_public_items_appear_nowhere_in_the_output(tmp_path: Path) -> None:
    site = copy_reference_site(tmp_path / "site")
    _marker_item(site, "20260601-apply.md", 90001, MARKERS["依申请公开"], disclosure="依申请公开")
    _marker_item(site, "20260601-withheld.md", 90002, MARKERS["不予公开"], disclosure="不予公开")
    _marker_item(site, "20260601-draft.md", 90003, MARKERS["draft"], draft="true")
    _marker_item(
        site,
        "20270301-scheduled.md",
        90004,
        MARKERS["scheduled"],
        published="2027-03-01",
        index_no="015180101/2027-90004",
    )
    result = build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    output = site / "site"
    assert (output / "sitemap.xml").is_file() and (output / "404.html").is_file()
    leaks = []
    for path in output.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        for marker in MARKERS.values():
            if marker.encode() in data:
                leaks.append((path.relative_to(output).as_posix(), marker))
    assert leaks == []
    assert not (output / "fdzdgknr" / "qtxx" / "20260601-draft").exists()


def test_a_scheduled_item_is_published_by_the_first_build_after_its_date(tmp_path: Path) -> None:
    site = copy_reference_site(tmp_path / "site")
    _marker_item(
        site,
        "20270301-scheduled.md",
        90004,
        MARKERS["scheduled"],
        published="2027-03-01 09:00",
        index_no="015180101/2027-90004",
    )
    assert build(site, as_of="2027-03-01 08:59").returncode == 0
    assert not page_of(site, "fdzdgknr/qtxx/20270301-scheduled").exists()
    assert build(site, as_of="2027-03-01").returncode == 0
    assert MARKERS["scheduled"] in page_of(site, "fdzdgknr/qtxx/20270301-scheduled").read_text(
        encoding="utf-8"
    )


# Atomic publish -------------------------------------------------------------------------------


def test_a_build_failing_validation_leaves_site_untouched(tmp_path: Path) -> None:
    site = copy_reference_site(tmp_path / "site")
    assert build(site).returncode == 0
    before = tree_bytes(site / "site", include_unstable=True)
    policy = site / "content" / "fdzdgknr" / "zcwj" / "20181214-jiaqiang-zhengwu-gongkai.md"
    policy.write_text(
        policy.read_text(encoding="utf-8").replace("源政办〔2018〕51号", "源政办[2018]51号"),
        encoding="utf-8",
    )
    result = build(site)
    assert result.returncode == 1
    assert "E-DOCNO-BRACKET" in result.stdout
    assert tree_bytes(site / "site", include_unstable=True) == before


def test_a_build_failing_while_rendering_leaves_site_untouched(tmp_path: Path) -> None:
    site = copy_reference_site(tmp_path / "site")
    assert build(site).returncode == 0
    before = tree_bytes(site / "site", include_unstable=True)
    (site / "theme" / "item.html").write_text(
        "{% extends 'main.html' %}{% block content %}{{ nope( }}{% endblock %}", encoding="utf-8"
    )
    result = build(site)
    assert result.returncode == 1
    assert "原有 site/ 保持不变" in result.stderr
    assert tree_bytes(site / "site", include_unstable=True) == before
    assert not list(site.glob(".site-staging-*"))


# Scale by design -----------------------------------------------------------------------------

BODY = (
    "各乡镇人民政府，县政府各部门：\n\n## 一、总体要求\n\n"
    + "坚持以公开为常态、不公开为例外，推进决策、执行、管理、服务、结果公开。" * 12
    + "\n\n## 二、主要任务\n\n"
    + "（一）加强政策解读。按照谁起草、谁解读的原则，做好政策文件与解读材料同步发布。" * 10
    + "\n"
)


def test_item_pages_do_not_grow_with_the_number_of_items(tmp_path: Path) -> None:
    site = copy_reference_site(tmp_path / "site")
    for n in range(1, 2001):
        published = date(2025, 1 + n % 12, 1 + n % 28).isoformat()
        write_item(
            site,
            "fdzdgknr/qtxx",
            f"bulk-{n:05d}.md",
            {
                "title": f"湟源县大华镇关于做好第{n}批政务公开事项的通知",
                "index_no": f"015180102/2025-{n + 10000:05d}",
                "publisher": "大华镇",
                "topic": "综合政务/政务公开",
                "disclosure": "主动公开",
                "published": published,
                "genre": "通知",
            },
            BODY,
        )
    result = build(site)
    assert result.returncode == 0, result.stderr
    pages = list((site / "site" / "fdzdgknr" / "qtxx").glob("bulk-*/index.html"))
    assert len(pages) == 2000
    largest = max(p.stat().st_size for p in pages)
    assert largest < 60 * 1024, largest


def test_rendering_on_several_processes_gives_the_same_site(
    reference: Path, tmp_path: Path
) -> None:
    site = copy_reference_site(tmp_path / "site")
    set_plugin_options(site, "workers: 3")
    assert build(site).returncode == 0
    assert tree_bytes(site / "site") == tree_bytes(reference / "site")


def test_reusing_the_rendered_navigation_changes_no_byte(reference: Path, tmp_path: Path) -> None:
    site = copy_reference_site(tmp_path / "site")
    set_plugin_options(site, "reuse_navigation: false")
    assert build(site).returncode == 0
    assert tree_bytes(site / "site") == tree_bytes(reference / "site")


UNUSUAL_BODIES_ITEM = {
    "title": "关于正文开头格式的说明",
    "index_no": "015180101/2026-90011",
    "publisher": "湟源县城关镇人民政府",
    "topic": "综合政务/政务公开",
    "disclosure": "主动公开",
    "published": "2026-06-01",
}


def built_both_ways(tmp_path: Path, add_items: Callable[[Path], None]) -> dict[bool, Path]:
    """The reference site plus ``add_items``, built with the plugin reading and converting
    items (``reuse_markdown``, the default: True) and with MkDocs doing it (False)."""
    sites = {}
    for reuse in (True, False):
        site = copy_reference_site(tmp_path / f"reuse-{reuse}")
        add_items(site)
        set_plugin_options(site, f"reuse_markdown: {str(reuse).lower()}")
        result = build(site)
        assert result.returncode == 0, result.stdout + result.stderr
        sites[reuse] = site
    return sites


def test_reading_and_converting_items_without_mkdocs_changes_no_byte(tmp_path: Path) -> None:
    """generator/render/mkdocs_conversion.py against MkDocs' own Page.read_source and
    Page.render, on the reference site plus bodies that start the way front matter or
    MultiMarkdown metadata do, and front matter closed with ``...``."""

    def add_items(site: Path) -> None:
        write_item(
            site,
            "fdzdgknr/qtxx",
            "20260601-rule.md",
            UNUSUAL_BODIES_ITEM,
            "---\n\nNote: 这一行像元数据。\n\n---\n\n正文，见[政策文件](../zcwj/index.md)。\n",
        )
        dots = write_item(
            site,
            "fdzdgknr/qtxx",
            "20260602-dots.md",
            {**UNUSUAL_BODIES_ITEM, "title": "第二条说明", "index_no": "015180101/2026-90012"},
            "Key: value\n\n## 小标题\n\n正文。\n",
        )
        text = dots.read_text(encoding="utf-8")
        dots.write_text(text.replace("\n---\n\nKey", "\n...\n\nKey", 1), encoding="utf-8")

    sites = built_both_ways(tmp_path, add_items)
    assert tree_bytes(sites[True] / "site") == tree_bytes(sites[False] / "site")
    rule = html(page_of(sites[True], "fdzdgknr/qtxx/20260601-rule"))
    body = rule.select_one("div.dp-body")
    assert [child.name for child in body.find_all(recursive=False)] == ["hr", "p", "hr", "p"]
    assert "Note: 这一行像元数据。" in body.get_text()


def test_an_items_front_matter_never_shows_on_its_page(tmp_path: Path) -> None:
    """A value under ``extra`` that YAML reads as an impossible date (2026-02-30) passes the
    validator, which keeps extra values as text; MkDocs' own reading of the page fails on it
    and then shows the whole front matter, reviewer included, as the body."""

    def add_items(site: Path) -> None:
        write_item(
            site,
            "fdzdgknr/qtxx",
            "20260603-extra.md",
            {**UNUSUAL_BODIES_ITEM, "reviewer": "李审核", "extra": "\n  备注日期: 2026-02-30"},
            "正文只有这一句。\n",
        )

    sites = built_both_ways(tmp_path, add_items)
    pages = {reuse: page_of(site, "fdzdgknr/qtxx/20260603-extra") for reuse, site in sites.items()}
    text = pages[True].read_text(encoding="utf-8")
    assert html(pages[True]).select_one("div.dp-body").get_text(strip=True) == "正文只有这一句。"
    assert "李审核" not in text and "备注日期" not in text
    assert "李审核" in pages[False].read_text(encoding="utf-8")  # what MkDocs alone publishes


def test_text_from_front_matter_is_escaped_not_rendered_as_html(tmp_path: Path) -> None:
    site = copy_reference_site(tmp_path / "site")
    write_item(
        site,
        "fdzdgknr/qtxx",
        "20260601-escape.md",
        {
            # Markup is refused in a title (issue #23); what looks like it is printed as text.
            "title": "'关于 a < b 与 &lt;b&gt;加粗&lt;/b&gt; 及 A&B \"事项\" 的通知'",
            "index_no": "015180101/2026-90010",
            "publisher": "湟源县城关镇人民政府",
            "topic": "综合政务/政务公开",
            "disclosure": "主动公开",
            "published": "2026-06-01",
        },
        "正文。\n",
    )
    result = build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    page = html(page_of(site, "fdzdgknr/qtxx/20260601-escape"))
    title = page.select_one("h1.dp-title")
    assert title.get_text() == '关于 a < b 与 &lt;b&gt;加粗&lt;/b&gt; 及 A&B "事项" 的通知'
    assert title.find("b") is None
    listing = html(page_of(site, "fdzdgknr/qtxx"))
    assert listing.select_one("table.dp-list").find("b") is None


def test_a_column_may_not_take_a_url_the_generator_uses(tmp_path: Path) -> None:
    from sites import run_cli

    site = copy_reference_site(tmp_path / "site")
    catalog = site / "columns.yml"
    catalog.write_text(
        catalog.read_text(encoding="utf-8").replace("  - id: ysqgk\n", "  - id: search\n"),
        encoding="utf-8",
    )
    (site / "content" / "ysqgk").rename(site / "content" / "search")
    result = run_cli("check", "--site", str(site), "--as-of", REFERENCE_AS_OF)
    assert result.returncode == 2
    assert "E-CATALOG-VALUE" in result.stdout and "“search”是生成器自用的网址" in result.stdout


def test_materials_script_configuration_fits_the_depth_of_every_page(reference: Path) -> None:
    """theme/main.html renders Material's ``__config`` once per base URL: every page still
    carries the one of its own depth, and its script's address leads to the file."""
    output = reference / "site"
    pages = sorted(output.rglob("index.html"))
    depths = set()
    for page in pages:
        config = json.loads(html(page).select_one("script#__config").string)
        depth = len(page.relative_to(output).parts) - 1
        depths.add(depth)
        assert config["base"] == ("/".join([".."] * depth) or "."), page
        bundle = html(page).select_one("script[src*='assets/javascripts/bundle']")["src"]
        assert (page.parent / bundle).is_file(), page
        assert config["translations"]["search.result.none"] == "没有找到符合条件的结果"
    assert len(depths) >= 4  # home, sections, columns, items


def test_materials_interface_texts_come_from_its_language_files() -> None:
    """theme/partials/language.html asks MaterialTranslations, which answers as Material's own
    macro did: the theme language's text, else the English one, else the key."""
    import jinja2
    import material

    from generator.render.templates import MaterialTranslations

    templates = Path(material.__file__).parent / "templates"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(templates), autoescape=True)
    translate = MaterialTranslations(env, "zh")
    assert translate("header") == "页眉"
    assert translate("search.result.none") == "没有找到符合条件的结果"
    assert translate("blog.authors") == "Authors"  # not in Chinese: English
    assert translate("no.such.text") == "no.such.text"
    assert translate("header") == "页眉"  # remembered


def test_the_guide_page_shows_its_publisher_and_dates(reference: Path) -> None:
    """A page column's page written as a document shows its metadata as an item page does."""
    page = html(page_of(reference, "zhinan"))
    rows = {th.get_text(): th.find_next("td").get_text() for th in page.select(".dp-metadata th")}
    assert rows["发布机构"] == "湟源县人民政府办公室"
    assert rows["发布日期"] == "2026-02-10"
    assert rows["索引号"] == "015180001/2026-00090"
    assert not html(page_of(reference, "zhidu")).select(".dp-metadata")  # a plain introduction


def test_no_empty_metadata_rows_or_list_columns(reference: Path) -> None:
    """An interpretation has no 文号 or 有效性: its page leaves those rows out, and the 年报 list,
    where no report has a 文号, leaves the 发文字号 column out."""
    jiedu = html(page_of(reference, "fdzdgknr/zcjd/20181214-tujie-jiaqiang-zhengwu-gongkai"))
    names = [th.get_text(strip=True) for th in jiedu.select(".dp-metadata th")]
    values = [td.get_text(strip=True) for td in jiedu.select(".dp-metadata td")]
    assert "发文字号" not in names and "有效性" not in names and "" not in values
    reports = html(page_of(reference, "nianbao"))
    headers = [th.get_text(strip=True) for th in reports.select("table.dp-list thead th")]
    assert "发文字号" not in headers and headers[-1] == "发布日期"
    first_row = reports.select_one("table.dp-list tbody tr")
    assert len(first_row.find_all("td")) == len(headers)


def test_the_footer_carries_the_marks_the_rules_want(tmp_path: Path) -> None:
    """党政机关网站标识 where mkdocs.yml gives it, the 公安备案 linked to its verification page,
    网站标识码 and the ICP record linked to theirs."""
    site = copy_reference_site(tmp_path / "site")
    set_plugin_options(
        site,
        "party_mark_url: https://bszs.conac.cn/sitename?method=show&id=0000\n"
        "party_mark_image: https://dcs.conac.cn/image/red.png",
    )
    assert build(site).returncode == 0
    footer = html(site / "site" / "index.html").select_one("footer")
    mark = footer.select_one(".dp-party-mark a")
    assert (
        mark["href"].startswith("https://bszs.conac.cn/") and mark.img["alt"] == "党政机关网站标识"
    )
    links = {a.get_text(strip=True): a["href"] for a in footer.select("a")}
    assert links["青公网安备 63012302000123号"].endswith("code=63012302000123")
    assert links["青ICP备05000123号"] == "https://beian.miit.gov.cn/"
    assert "网站标识码：6301230001" in footer.get_text()
