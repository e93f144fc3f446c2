"""信息发布统计 (issue 8): the page tongji/ with charts drawn at build time, tables, and a CSV."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from marker_site import MARKERS, marker_site
from sites import REFERENCE_AS_OF, html

from generator.content.dates import AsOf, months_up_to
from generator.diagnostics import Report
from generator.site.check import check_site
from generator.site.statistics import _nice_ceiling


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return marker_site(tmp_path_factory)


@pytest.fixture(scope="module")
def public(built: Path):
    report = Report()
    collection = check_site(built, AsOf.parse(REFERENCE_AS_OF), report)
    assert collection is not None
    as_of = AsOf.parse(REFERENCE_AS_OF)
    return [item for item in collection.items if item.is_public(as_of)]


@pytest.fixture(scope="module")
def stats_page(built: Path):
    return html(built / "site" / "tongji" / "index.html")


def test_the_month_chart_is_svg_in_the_page_with_a_title_and_description(stats_page, public):
    months = months_up_to(date(2026, 11, 1), 12)
    chart = stats_page.select("figure.dp-chart svg")[0]
    assert chart["role"] == "img"
    title, desc = (chart.find(id=i) for i in chart["aria-labelledby"].split())
    assert title.name == "title" and title.get_text() == "最近12个月每月发布信息数量"
    assert (
        desc.name == "desc"
        and f"共发布信息{sum(1 for i in public if i.published_text[:7] in months)}条"
        in desc.get_text()
    )
    bars = chart.select("rect")
    assert len(bars) == 12
    per_month = Counter(item.published_text[:7] for item in public)
    assert [rect.title.get_text() for rect in bars] == [f"{m}：{per_month[m]} 条" for m in months]
    heights = [float(rect["height"]) for rect in bars]
    # bar heights are proportional to the counts
    top = max(per_month[m] for m in months)
    tallest = heights[[per_month[m] for m in months].index(top)]
    for month, height in zip(months, heights, strict=True):
        assert height == pytest.approx(tallest * per_month[month] / top, abs=0.2)
    assert not stats_page.select("script[src*=chart]")  # nothing to run: the SVG is the chart


def test_the_tables_repeat_the_charts_numbers(stats_page, public):
    months = months_up_to(date(2026, 11, 1), 12)
    table = stats_page.select("table.dp-data-table")[0]
    years, month_row = table.thead.find_all("tr")
    assert [(th.get_text(), th.get("colspan")) for th in years.find_all("th")] == [
        ("发布机构", None), ("2025年", "1"), ("2026年", "11"), ("合计", None), ("累计", None)
    ]  # fmt: skip
    assert [th.get_text() for th in month_row.find_all("th")] == [
        f"{int(month[5:])}月" for month in months
    ]
    rows = {
        tr.th.get_text(): [int(td.get_text()) for td in tr.find_all("td")]
        for tr in table.tbody.find_all("tr")
    }
    expected = Counter((i.publisher.name, i.published_text[:7]) for i in public)
    for unit, counts in rows.items():
        assert counts[:-2] == [expected[(unit, m)] for m in months], unit
        assert counts[-1] == sum(1 for i in public if i.publisher.name == unit)
    footer = [int(td.get_text()) for td in table.tfoot.find_all("td")]
    assert footer[-1] == len(public)
    columns = stats_page.select("table.dp-data-table")[1]
    totals = {
        tr.th.get_text(strip=True): int(tr.td.get_text()) for tr in columns.tbody.find_all("tr")
    }
    assert totals["法定主动公开内容/其他法定公开信息"] == sum(
        1 for i in public if i.column.id == "qtxx"
    )
    assert totals["政府信息公开年报"] == 3  # the scheduled report is not counted
    svg = stats_page.select("figure.dp-chart svg")[1]
    assert len(svg.select("rect")) == len(totals)


def test_the_csv_download_opens_in_excel(built: Path, stats_page, public):
    link = stats_page.find("a", string=lambda s: s and "下载统计数据" in s)
    path = (built / "site" / "tongji" / link["href"]).resolve()
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the Chinese correctly
    assert b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["月份", "发布机构", "机构代码", "栏目", "栏目路径", "条数"]
    assert sum(int(row[5]) for row in rows[1:]) == len(public)
    months = [row[0] for row in rows[1:]]
    assert months == sorted(months)
    assert [
        "2026-11",
        "湟源县人民政府办公室",
        "015180001",
        "法定主动公开内容/其他法定公开信息",
        "fdzdgknr/qtxx",
        "8",
    ] in rows
    text = data.decode("utf-8-sig")
    assert not any(marker in text for marker in MARKERS.values())
    assert "2027-01" not in text  # the scheduled report


def test_the_statistics_page_is_linked_from_the_home_page(built: Path):
    home = html(built / "site" / "index.html")
    links = {a.get_text(strip=True): a["href"] for a in home.select(".dp-related-links a")}
    assert (built / "site" / links["信息发布统计"] / "index.html").is_file()


def test_chart_scale():
    assert [_nice_ceiling(v) for v in (0, 1, 3, 7, 12, 48, 101)] == [1, 1, 5, 10, 20, 50, 200]
    assert months_up_to(date(2026, 2, 1), 3) == ("2025-12", "2026-01", "2026-02")
