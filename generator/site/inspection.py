"""The inspection report (检查报告): what provincial inspectors grade, measured before they do.

Inspectors score a disclosure column on 空白栏目, 栏目更新不及时, missing or forged publication
dates and the 解读比例 (国办秘函〔2019〕19号, DOMAIN.md). :func:`inspect_site` measures all of it
for a build at the as-of moment; :func:`report_findings` turns what falls short into diagnostics,
with the severities that columns.yml ``inspection:`` sets (warnings by default, SPEC §7).

The same :class:`Inspection` feeds ``disclosure check --report`` (text or JSON) and the staff page
``report/`` of a staff build (mkdocs.yml ``staff_pages: true``; never in the public site). No
MkDocs here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

from generator.content.catalog import CATALOG_FILE, Column, InspectionRules
from generator.content.dates import AsOf, months_up_to, years_of
from generator.content.model import Collection, Item
from generator.diagnostics import Report, Severity
from generator.site.validity import POLICY_COLUMN_TYPE

REPORT_ROOT = "report"  # the staff page of a staff build: report/, not in the navigation
RECENT_MONTHS = 12  # months shown in the text report and on the staff page
EMPTY_COLUMNS_VETO = 5  # 单项否决: five or more empty columns (检查指标)
NO_PUBLISHER = "（未填写发布机构）"


@dataclass(frozen=True)
class ColumnStatus:
    """One list column at the as-of moment."""

    column: Column
    count: int  # public items
    newest: Item | None
    due: date | None  # the newest item must be published on or after this day (update_within)

    @property
    def empty(self) -> bool:
        return self.count == 0

    @property
    def stale(self) -> bool:
        return (
            self.due is not None
            and self.newest is not None
            and self.newest.published is not None
            and self.newest.published.date() < self.due
        )

    @property
    def state(self) -> str:
        return "空白栏目" if self.empty else "更新不及时" if self.stale else "正常"

    @property
    def where(self) -> str:
        return f"content/{self.column.path}"

    @property
    def label(self) -> str:
        """The column's place in the catalog: 法定主动公开内容/政策文件."""
        return "/".join(c.name for c in self.column.trail())


@dataclass(frozen=True)
class InterpretationCoverage:
    """解读比例: public policies (政策文件 columns) that have a public interpretation."""

    policies: tuple[Item, ...]
    interpreted: tuple[Item, ...]
    missing: tuple[Item, ...]
    minimum: float | None

    @property
    def ratio(self) -> float | None:
        return len(self.interpreted) / len(self.policies) if self.policies else None

    @property
    def below_minimum(self) -> bool:
        return self.minimum is not None and self.ratio is not None and self.ratio < self.minimum


@dataclass
class Inspection:
    as_of: AsOf
    rules: InspectionRules
    columns: list[ColumnStatus]
    undated: list[Item]  # items without a valid 发布日期
    scheduled: list[Item]  # 主动公开, not drafts, published after the as-of moment (定时发布)
    interpretation: InterpretationCoverage
    monthly: dict[str, Counter[str]] = field(default_factory=dict)  # unit → "YYYY-MM" → count
    published_only: bool = False  # the public report: nothing about items not published

    def redacted(self) -> Inspection:
        """For the public site: nothing about items that are not published, neither their names
        nor their number (SPEC §6): a count of scheduled items tells what is coming."""
        return replace(self, undated=[], scheduled=[], published_only=True)

    @property
    def undated_count(self) -> int:
        return len(self.undated)

    @property
    def scheduled_count(self) -> int:
        return len(self.scheduled)

    @property
    def empty_columns(self) -> list[ColumnStatus]:
        return [status for status in self.columns if status.empty]

    @property
    def stale_columns(self) -> list[ColumnStatus]:
        return [status for status in self.columns if status.stale]

    @property
    def public_count(self) -> int:
        return sum(status.count for status in self.columns)

    def recent_months(self) -> list[str]:
        """The :data:`RECENT_MONTHS` months up to the as-of month, oldest first, as ``YYYY-MM``."""
        return list(months_up_to(self.as_of.day, RECENT_MONTHS))

    def month_years(self, months: list[str]) -> tuple[tuple[str, int], ...]:
        return years_of(months)

    def monthly_rows(self, months: list[str]) -> list[tuple[str, list[int], int]]:
        """(unit, counts per month, total over those months) for every unit of the registry."""
        return [
            (unit, [counter.get(m, 0) for m in months], sum(counter.get(m, 0) for m in months))
            for unit, counter in self.monthly.items()
        ]

    def severity_label(self, code: str) -> str:
        return "错误（阻止发布）" if self.severity(code) is Severity.ERROR else "警告"

    def severity(self, code: str) -> Severity:
        """The severity columns.yml gives a finding."""
        return {
            "W-COLUMN-EMPTY": self.rules.empty_columns,
            "W-COLUMN-STALE": self.rules.stale_columns,
            "W-INTERPRETATION-RATIO": self.rules.interpretation_ratio,
        }[code]


def inspect_site(collection: Collection, as_of: AsOf) -> Inspection:
    catalog = collection.catalog
    public = [item for item in collection.items if item.is_public(as_of)]
    by_column: dict[str, list[Item]] = defaultdict(list)
    for item in public:
        by_column[item.column.path].append(item)
    columns = []
    for column in catalog.list_columns():
        items = by_column.get(column.path, [])
        newest = max(items, key=lambda item: item.sort_key) if items else None
        due = column.update_within.before(as_of.day) if column.update_within else None
        columns.append(ColumnStatus(column, len(items), newest, due))
    undated = sorted(
        (item for item in collection.items if item.published is None), key=lambda i: i.source
    )
    scheduled = sorted(
        (item for item in collection.items if item.is_scheduled(as_of)), key=lambda i: i.sort_key
    )
    return Inspection(
        as_of=as_of,
        rules=catalog.inspection,
        columns=columns,
        undated=undated,
        scheduled=scheduled,
        interpretation=_interpretation(public, catalog.inspection.interpretation_ratio_min),
        monthly=monthly_counts(public, [unit.name for unit in catalog.units]),
    )


def _interpretation(public: list[Item], minimum: float | None) -> InterpretationCoverage:
    policies = sorted(
        (item for item in public if item.column.type == POLICY_COLUMN_TYPE),
        key=lambda item: item.sort_key,
        reverse=True,
    )
    interpreted_numbers = {item.interprets for item in public if item.interprets}
    interpreted = tuple(p for p in policies if str(p.index_no or "") in interpreted_numbers)
    missing = tuple(p for p in policies if str(p.index_no or "") not in interpreted_numbers)
    return InterpretationCoverage(tuple(policies), interpreted, missing, minimum)


def monthly_counts(public: list[Item], unit_order: list[str]) -> dict[str, Counter[str]]:
    """Items per unit and "YYYY-MM": the units of ``unit_order`` first, in that order."""
    counts = defaultdict(Counter, {name: Counter() for name in unit_order})
    for item in public:
        if item.published is not None:
            unit = item.publisher.name if item.publisher else NO_PUBLISHER
            counts[unit][item.published.isoformat()[:7]] += 1
    order = {name: n for n, name in enumerate(unit_order)}
    return dict(sorted(counts.items(), key=lambda pair: (order.get(pair[0], len(order)), pair[0])))


def report_findings(inspection: Inspection, report: Report) -> None:
    """The site-wide findings as diagnostics: one rule per finding, severity from columns.yml."""
    day = inspection.as_of.day
    for status in inspection.empty_columns:
        report.add(
            "W-COLUMN-EMPTY",
            status.where,
            1,
            f"空白栏目：“{status.column.name}”没有已发布的条目（截至 {day}）；检查中会被判为空白栏目。",
            severity=inspection.severity("W-COLUMN-EMPTY"),
        )
    for status in inspection.stale_columns:
        assert status.newest is not None
        report.add(
            "W-COLUMN-STALE",
            status.where,
            1,
            f"栏目“{status.column.name}”最近一次发布是 {status.newest.published_text}，"
            f"超过 {status.column.update_within} 未更新（截至 {day}）。",
            severity=inspection.severity("W-COLUMN-STALE"),
        )
    coverage = inspection.interpretation
    if coverage.below_minimum:
        assert coverage.ratio is not None and coverage.minimum is not None
        shown = "、".join(f"“{p.title}”" for p in coverage.missing[:3])
        more = f"等 {len(coverage.missing)} 件" if len(coverage.missing) > 3 else ""
        report.add(
            "W-INTERPRETATION-RATIO",
            CATALOG_FILE,
            inspection.rules.line,
            f"解读比例 {coverage.ratio:.0%}（{len(coverage.interpreted)}/{len(coverage.policies)}），"
            f"低于 inspection 要求的 {coverage.minimum:.0%}（截至 {day}）；"
            f"缺少解读的政策文件：{shown}{more}。请发布政策解读（interprets 填写被解读文件的索引号），"
            "完整清单见 disclosure check --report。",
            severity=inspection.severity("W-INTERPRETATION-RATIO"),
        )


# Output for `disclosure check --report` -----------------------------------------------------


def _item_entry(item: Item) -> dict[str, object]:
    return {
        "title": item.title,
        "file": item.source,
        "index_no": str(item.index_no or ""),
        "published": item.published_text,
        "column": item.column.path,
    }


def report_as_dict(inspection: Inspection) -> dict[str, object]:
    """The report as plain data (``--format json``); every month, not only the recent ones."""
    coverage = inspection.interpretation

    def finding(statuses: list[ColumnStatus], severity: Severity) -> dict[str, object]:
        paths = [status.column.path for status in statuses]
        return {"count": len(statuses), "severity": str(severity), "columns": paths}

    return {
        "as_of": str(inspection.as_of),
        "columns": [
            {
                "column": status.column.path,
                "name": status.label,
                "published_items": status.count,
                "newest": status.newest.published_text if status.newest else None,
                "update_within": str(status.column.update_within or "") or None,
                "due": status.due.isoformat() if status.due else None,
                "state": status.state,
                "empty": status.empty,
                "stale": status.stale,
            }
            for status in inspection.columns
        ],
        "empty_columns": finding(inspection.empty_columns, inspection.rules.empty_columns),
        "stale_columns": finding(inspection.stale_columns, inspection.rules.stale_columns),
        "undated_items": [_item_entry(item) | {"published": None} for item in inspection.undated],
        "scheduled_items": [_item_entry(item) for item in inspection.scheduled],
        "interpretation": {
            "policies": len(coverage.policies),
            "interpreted": len(coverage.interpreted),
            "ratio": None if coverage.ratio is None else round(coverage.ratio, 4),
            "minimum": coverage.minimum,
            "below_minimum": coverage.below_minimum,
            "severity": str(inspection.rules.interpretation_ratio),
            "without_interpretation": [_item_entry(item) for item in coverage.missing],
        },
        "monthly": {
            unit: dict(sorted(counts.items())) for unit, counts in inspection.monthly.items()
        },
    }


def report_as_text(inspection: Inspection) -> str:
    """The report for a terminal: four sections, as inspectors read a site."""
    lines = [f"政府信息公开专栏检查报告（截至 {inspection.as_of}，北京时间）", ""]
    empty, stale = inspection.empty_columns, inspection.stale_columns
    lines.append(
        f"一、栏目更新：列表栏目 {len(inspection.columns)} 个，已发布 {inspection.public_count} 条；"
        f"空白栏目 {len(empty)} 个（{inspection.severity_label('W-COLUMN-EMPTY')}），"
        f"更新不及时 {len(stale)} 个（{inspection.severity_label('W-COLUMN-STALE')}）"
    )
    if len(empty) >= EMPTY_COLUMNS_VETO:
        lines.append(f"  注意：空白栏目达到 {EMPTY_COLUMNS_VETO} 个，按检查指标属单项否决。")
    for status in inspection.columns:
        newest = status.newest.published_text if status.newest else "—"
        rule = f"，要求 {status.column.update_within}内更新" if status.column.update_within else ""
        lines.append(
            f"  [{status.state}] {status.label}（{status.where}）：已发布 {status.count} 条，"
            f"最近发布 {newest}{rule}"
        )
    lines += ["", f"二、发布日期：缺少发布日期的条目 {len(inspection.undated)} 条"]
    lines += [f"  - {item.source}：{item.title or '（无标题）'}" for item in inspection.undated]
    lines.append(f"  定时发布（发布日期晚于截至时间）的条目 {len(inspection.scheduled)} 条")
    lines += [
        f"  - {item.published_text} {item.title}（{item.source}）" for item in inspection.scheduled
    ]
    coverage = inspection.interpretation
    lines.append("")
    if coverage.ratio is None:
        lines.append("三、政策解读：政策文件栏目中暂无已发布的文件")
    else:
        minimum = f"，要求不低于 {coverage.minimum:.0%}" if coverage.minimum is not None else ""
        verdict = (
            f"（{inspection.severity_label('W-INTERPRETATION-RATIO')}）"
            if coverage.below_minimum
            else ""
        )
        lines.append(
            f"三、政策解读：解读比例 {coverage.ratio:.0%}"
            f"（{len(coverage.interpreted)}/{len(coverage.policies)}）{minimum}{verdict}"
        )
        if coverage.missing:
            lines.append(f"  缺少解读的政策文件 {len(coverage.missing)} 件：")
            lines += [
                f"  - {item.published_text} {item.title}（{item.source}）"
                for item in coverage.missing
            ]
    months = inspection.recent_months()
    lines += ["", f"四、各发布机构每月发布数量（{months[0]} 至 {months[-1]}）"]
    lines.append("  " + " | ".join(["发布机构", *(m[2:] for m in months), "合计"]))
    for unit, counts, total in inspection.monthly_rows(months):
        lines.append("  " + " | ".join([unit, *(str(c) for c in counts), str(total)]))
    return "\n".join(lines)
