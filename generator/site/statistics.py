"""The statistics page (``tongji/``): published items per unit and month, and per column.

Everything is computed from the site model, so only public items are counted. The charts are
laid out here as plain geometry (bars, ticks, labels in SVG user units) and drawn by a template
as inline SVG: they are part of the HTML the build writes, visible without JavaScript, with a
``<title>``/``<desc>`` for assistive technology and the same numbers in tables below them. The
CSV download holds every month since the first item, one row per month × unit × column, in
UTF-8 with a BOM (Excel on Windows otherwise reads it as GBK) and CRLF line ends.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass

from generator.content.catalog import Column
from generator.content.dates import months_up_to, years_of
from generator.content.model import Item
from generator.site.inspection import NO_PUBLISHER, RECENT_MONTHS, monthly_counts
from generator.site.model import SiteModel

STATISTICS_ROOT = "tongji"
STATISTICS_TITLE = "信息发布统计"
CSV_PATH = f"{STATISTICS_ROOT}/fabu-tongji.csv"
CSV_HEADER = ("月份", "发布机构", "机构代码", "栏目", "栏目路径", "条数")

# Chart geometry, in SVG user units (the SVG scales to the page width).
CHART_WIDTH = 720
MONTH_PLOT = (48, 24, 700, 214)  # left, top, right, bottom of the plot area
COLUMN_ROW = 26  # height of one bar row in the column chart
COLUMN_LEFT = 170  # room for the column names
COLUMN_RIGHT = 680


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class Tick:
    text: str
    x1: float
    y1: float
    x2: float
    y2: float
    text_x: float
    text_y: float


@dataclass(frozen=True)
class BarChart:
    id: str  # unique on the page: the ids of <title> and <desc> derive from it
    title: str
    description: str
    width: int
    height: int
    horizontal: bool
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    axis: tuple[float, float, float, float]  # the value axis' base line: x1, y1, x2, y2


@dataclass(frozen=True)
class UnitRow:
    name: str
    counts: tuple[int, ...]  # per month of Statistics.months
    recent: int  # sum over those months
    total: int  # every public item of the unit


@dataclass(frozen=True)
class ColumnRow:
    label: str  # 法定主动公开内容/政策文件
    url: str
    total: int
    recent: int
    newest: str  # 发布日期 of its newest item, or ""


@dataclass(frozen=True)
class Statistics:
    as_of: str
    total: int
    months: tuple[str, ...]  # YYYY-MM, oldest first
    month_totals: tuple[int, ...]
    units: tuple[UnitRow, ...]
    columns: tuple[ColumnRow, ...]
    month_chart: BarChart
    column_chart: BarChart
    csv_path: str = CSV_PATH

    @property
    def recent_total(self) -> int:
        return sum(self.month_totals)

    @property
    def years(self) -> tuple[tuple[str, int], ...]:
        return years_of(self.months)


def _month(item: Item) -> str:
    return item.published.isoformat()[:7] if item.published else ""


def _nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 × 10ⁿ that is at least ``value`` (and at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** (len(str(value)) - 1)
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _ticks(ceiling: int) -> list[int]:
    step = max(1, ceiling // 4) if ceiling % 4 == 0 or ceiling < 4 else max(1, ceiling // 5)
    return list(range(0, ceiling + 1, step))


def month_chart(months: tuple[str, ...], totals: tuple[int, ...]) -> BarChart:
    left, top, right, bottom = MONTH_PLOT
    ceiling = _nice_ceiling(max(totals, default=0))
    slot = (right - left) / max(1, len(months))
    scale = (bottom - top) / ceiling
    bars = []
    for index, (month, value) in enumerate(zip(months, totals, strict=True)):
        height = value * scale
        x = left + index * slot + slot * 0.2
        bars.append(
            Bar(
                label=month,
                value=value,
                x=round(x, 1),
                y=round(bottom - height, 1),
                width=round(slot * 0.6, 1),
                height=round(height, 1),
                label_x=round(x + slot * 0.3, 1),
                label_y=bottom + 18,
                value_x=round(x + slot * 0.3, 1),
                value_y=round(bottom - height - 5, 1),
            )
        )
    ticks = [
        Tick(str(v), left, round(bottom - v * scale, 1), right, round(bottom - v * scale, 1),
             left - 6, round(bottom - v * scale + 4, 1))
        for v in _ticks(ceiling)
    ]  # fmt: skip
    busiest = max(range(len(totals)), key=lambda i: (totals[i], i), default=None)
    span = f"{months[0]}至{months[-1]}" if months else ""
    description = f"最近{len(months)}个月（{span}）共发布信息{sum(totals)}条。"
    if busiest is not None and totals[busiest]:
        description += f"发布最多的月份是{months[busiest]}，{totals[busiest]}条。"
    description += "各月数字见下方表格。"
    return BarChart(
        id="dp-chart-months",
        title=f"最近{len(months)}个月每月发布信息数量",
        description=description,
        width=CHART_WIDTH,
        height=bottom + 30,
        horizontal=False,
        bars=tuple(bars),
        ticks=tuple(ticks),
        axis=(left, bottom, right, bottom),
    )


def column_chart(rows: tuple[ColumnRow, ...], names: list[str]) -> BarChart:
    top = 28
    ceiling = _nice_ceiling(max((row.total for row in rows), default=0))
    scale = (COLUMN_RIGHT - COLUMN_LEFT) / ceiling
    bottom = top + COLUMN_ROW * len(rows)
    bars = []
    for index, (row, name) in enumerate(zip(rows, names, strict=True)):
        y = top + index * COLUMN_ROW + 4
        width = row.total * scale
        bars.append(
            Bar(
                label=name,
                value=row.total,
                x=COLUMN_LEFT,
                y=y,
                width=round(width, 1),
                height=COLUMN_ROW - 8,
                label_x=COLUMN_LEFT - 8,
                label_y=y + COLUMN_ROW / 2,
                value_x=round(COLUMN_LEFT + width + 5, 1),
                value_y=y + COLUMN_ROW / 2,
            )
        )
    ticks = [
        Tick(str(v), round(COLUMN_LEFT + v * scale, 1), top, round(COLUMN_LEFT + v * scale, 1),
             bottom, round(COLUMN_LEFT + v * scale, 1), top - 8)
        for v in _ticks(ceiling)
    ]  # fmt: skip
    empty = sum(1 for row in rows if row.total == 0)
    largest = max(rows, key=lambda row: row.total, default=None)
    description = f"{len(rows)}个列表栏目共有已发布信息{sum(r.total for r in rows)}条。"
    if largest is not None and largest.total:
        description += f"信息最多的栏目是{largest.label}，{largest.total}条。"
    description += f"空白栏目{empty}个。各栏目数字见下方表格。"
    return BarChart(
        id="dp-chart-columns",
        title="各栏目已发布信息数量",
        description=description,
        width=CHART_WIDTH,
        height=bottom + 10,
        horizontal=True,
        bars=tuple(bars),
        ticks=tuple(ticks),
        axis=(COLUMN_LEFT, top, COLUMN_LEFT, bottom),
    )


def _label(column: Column) -> str:
    return "/".join(c.name for c in column.trail())


def site_statistics(model: SiteModel) -> Statistics:
    months = months_up_to(model.as_of.day, RECENT_MONTHS)
    wanted = set(months)
    monthly = monthly_counts(model.items, [unit.name for unit in model.catalog.units])
    units = tuple(
        UnitRow(
            name=name,
            counts=tuple(counter[m] for m in months),
            recent=sum(counter[m] for m in months),
            total=counter.total(),
        )
        for name, counter in monthly.items()
        if counter  # units with public items
    )
    month_totals = tuple(sum(row.counts[i] for row in units) for i in range(len(months)))
    columns = []
    for column in model.catalog.list_columns():
        items = model.by_column.get(column.path, [])
        columns.append(
            ColumnRow(
                label=_label(column),
                url=f"{column.path}/",
                total=len(items),
                recent=sum(1 for item in items if _month(item) in wanted),
                newest=items[0].published_text if items else "",
            )
        )
    column_rows = tuple(columns)
    short_names = [column.name for column in model.catalog.list_columns()]
    return Statistics(
        as_of=str(model.as_of),
        total=len(model.items),
        months=months,
        month_totals=month_totals,
        units=units,
        columns=column_rows,
        month_chart=month_chart(months, month_totals),
        column_chart=column_chart(column_rows, short_names),
    )


def statistics_csv(model: SiteModel) -> bytes:
    """Every month × unit × column with published items, oldest month first; UTF-8 with BOM."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for item in model.items:
        unit = item.publisher.code if item.publisher else ""
        counts[(_month(item), unit, item.column.path)] += 1
    units = {unit.code: (index, unit.name) for index, unit in enumerate(model.catalog.units)}
    columns = {column.path: (index, column) for index, column in enumerate(model.catalog.walk())}

    def order(key: tuple[str, str, str]) -> tuple[str, int, int]:
        month, code, path = key
        return month, units.get(code, (len(units), ""))[0], columns[path][0]

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for month, code, path in sorted(counts, key=order):
        name = units.get(code, (0, NO_PUBLISHER))[1]
        label = _label(columns[path][1])
        writer.writerow((month, name, code, label, path, counts[month, code, path]))
    return buffer.getvalue().encode("utf-8-sig")
