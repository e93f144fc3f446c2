"""Annual reports (政府信息公开工作年度报告): tables 二、三、四 of 国办公开办函〔2021〕30号.

A report item carries its statistical tables in a *sidecar file* beside its Markdown, with the
same name and the suffix ``.tables.yml`` (``20260128-huangyuan-2025-nianbao.md`` →
``20260128-huangyuan-2025-nianbao.tables.yml``). Why a sidecar and not a front matter key:

- Front matter is an item's metadata, deliberately kept to "key: value and lists" (the loader
  refuses deep nesting and tells clerks so). The tables are some 200 numbers in nested rows:
  data, not metadata, and a key holding them would make every report's front matter a form.
- When a total does not add up, the clerk must be sent to the very number. The front matter
  loader keeps one line per *key*; reading the sidecar ourselves keeps a line and column for
  every value, so each diagnostic names ``file:line:col``, the row, the column, the expected
  sum and the value found.
- The signed-off report text and its statistics have different lives: the numbers come from
  the statistics ledger (often a spreadsheet) and are re-checked every build; the text is not
  touched when they are corrected.
- A report without a sidecar stays a valid item, rendered as written (reports in the older
  formats, or reposted ones).

The sidecar's keys are the row names of the national tables (short forms, or the full labels;
enumerators such as ``（一）`` or ``1.`` and quotes are ignored when matching). Every 总计 is
written by the clerk, as on the paper form, and checked: table 三's 总计 column against 自然人 and
the five 法人或其他组织 columns, its row （七）总计 against （一）…（六） with their sub-items, the
table's own 勾稽关系 (一 + 二 = 三（七） + 四, per column), and table 四's 总计 per group. Table 二's
规章/行政规范性文件 counts are compared with the site's own 政策文件 items (a warning, since a
site may not hold every document of the units it reports on).

The tables are rendered into the item page in the national layout (rowspans and colspans as in
the official template) from :meth:`AnnualReport.layouts`, by a template; the renderer places
each table at the end of the body section whose heading starts with ``二、``, ``三、`` or ``四、``
(:func:`with_tables`). No MkDocs here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml

from generator.content.attachments import SIDECAR_SUFFIX
from generator.content.catalog import Catalog, Unit
from generator.content.collection import CONTENT_DIR
from generator.content.dates import AsOf
from generator.content.fields import SUPERSEDED_VALIDITY
from generator.content.load import decode
from generator.content.model import Collection, Item
from generator.content.validate import TRUE_WORDS
from generator.content.yaml_nesting import TooDeep, read_yaml
from generator.diagnostics import Report, did_you_mean
from generator.site.validity import POLICY_COLUMN_TYPE, VALID

REPORT_COLUMN_TYPE = "信息公开年报"  # the ColumnType whose items may carry tables
MAX_NESTING = 10  # a legal sidecar scans as 4 (yaml_nesting counts generously); far deeper: refused


# The national tables -------------------------------------------------------------------------


@dataclass(frozen=True)
class RowSpec:
    """One row of a national table: what the clerk writes, what the form prints."""

    key: str  # the short key in the sidecar, e.g. 本年新收
    label: str  # the row's label on the national form
    columns: tuple[str, ...]  # the names of its values, in order
    group: str = ""  # 表三: the key of the （三）…（六） heading a sub-item is nested under
    section: str = ""  # 表二: the 第二十条 item the row belongs to
    amount: bool = False  # 万元 with decimals instead of a count
    aliases: tuple[str, ...] = ()
    note: str = ""  # printed after the label on the form, left out of messages

    @property
    def display(self) -> str:
        return self.label + self.note


@dataclass(frozen=True)
class TableSpec:
    key: str  # the top-level key in the sidecar
    number: str  # 二, 三, 四: the section of the report the table belongs to
    heading: str  # the section heading of the national format
    rows: tuple[RowSpec, ...]
    groups: tuple[tuple[str, str], ...] = ()  # (key, label) of 表三's nested groups
    aliases: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"表{self.number}"

    def group_label(self, key: str) -> str:
        return dict(self.groups)[key]


DOC_MEASURES = ("本年制发件数", "本年废止件数", "现行有效件数")
DECISIONS = ("本年处理决定数量",)
FEES = ("本年收费金额（单位：万元）",)
APPLICANTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
OUTCOMES = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
LEGAL_PERSONS = "法人或其他组织"  # the colspan header over 商业企业 … 其他
TABLE3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

ACTIVE = TableSpec(
    key="主动公开",
    number="二",
    heading="二、主动公开政府信息情况",
    rows=(
        RowSpec("规章", "规章", DOC_MEASURES, section="第二十条第（一）项"),
        RowSpec("行政规范性文件", "行政规范性文件", DOC_MEASURES, section="第二十条第（一）项"),
        RowSpec("行政许可", "行政许可", DECISIONS, section="第二十条第（五）项"),
        RowSpec("行政处罚", "行政处罚", DECISIONS, section="第二十条第（六）项"),
        RowSpec("行政强制", "行政强制", DECISIONS, section="第二十条第（六）项"),
        RowSpec(
            "行政事业性收费", "行政事业性收费", FEES, section="第二十条第（八）项", amount=True
        ),
    ),
    aliases=("主动公开政府信息情况", "表二"),
)


def _sub(group: str, *labels: str) -> tuple[RowSpec, ...]:
    """The numbered sub-items of a 表三 group; a (key, label) pair where the label is long."""
    rows = []
    for number, label in enumerate(labels, start=1):
        key, _, full = label.partition("=")
        rows.append(RowSpec(key, f"{number}.{full or key}", APPLICANTS, group=group))
    return tuple(rows)


APPLICATIONS = TableSpec(
    key="申请办理",
    number="三",
    heading="三、收到和处理政府信息公开申请情况",
    rows=(
        RowSpec("本年新收", "一、本年新收政府信息公开申请数量", APPLICANTS),
        RowSpec("上年结转", "二、上年结转政府信息公开申请数量", APPLICANTS),
        RowSpec("予以公开", "（一）予以公开", APPLICANTS),
        RowSpec(
            "部分公开",
            "（二）部分公开",
            APPLICANTS,
            note="（区分处理的，只计这一情形，不计其他情形）",
        ),
        *_sub(
            "不予公开",
            "属于国家秘密",
            "其他法律行政法规禁止公开",
            "危及“三安全一稳定”",
            "保护第三方合法权益",
            "属于三类内部事务信息",
            "属于四类过程性信息",
            "属于行政执法案卷",
            "属于行政查询事项",
        ),
        *_sub(
            "无法提供",
            "本机关不掌握相关政府信息",
            "没有现成信息需要另行制作",
            "补正后申请内容仍不明确",
        ),
        *_sub(
            "不予处理",
            "信访举报投诉类申请",
            "重复申请",
            "要求提供公开出版物",
            "无正当理由大量反复申请",
            "要求行政机关确认或重新出具已获取信息",
        ),
        *_sub(
            "其他处理",
            "逾期不补正=申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "逾期未缴费=申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "其他",
        ),
        RowSpec("总计", "（七）总计", APPLICANTS),
        RowSpec("结转下年度", "四、结转下年度继续办理", APPLICANTS),
    ),
    groups=(
        ("不予公开", "（三）不予公开"),
        ("无法提供", "（四）无法提供"),
        ("不予处理", "（五）不予处理"),
        ("其他处理", "（六）其他处理"),
    ),
    aliases=("收到和处理政府信息公开申请情况", "表三"),
)
RESULTS_LABEL = "三、本年度办理结果"
# 表三's rows that （七）总计 adds up: （一）…（六） with their sub-items.
RESULT_KEYS = tuple(
    (row.group, row.key) for row in APPLICATIONS.rows[2:] if row.key not in ("总计", "结转下年度")
)

REVIEWS = TableSpec(
    key="复议诉讼",
    number="四",
    heading="四、政府信息公开行政复议、行政诉讼情况",
    rows=(
        RowSpec("行政复议", "行政复议", OUTCOMES),
        RowSpec(
            "未经复议直接起诉", "未经复议直接起诉", OUTCOMES, aliases=("行政诉讼未经复议直接起诉",)
        ),
        RowSpec("复议后起诉", "复议后起诉", OUTCOMES, aliases=("行政诉讼复议后起诉",)),
    ),
    aliases=("政府信息公开行政复议、行政诉讼情况", "表四"),
)
LITIGATION = "行政诉讼"  # the colspan header over the two 起诉 groups

TABLES = (ACTIVE, APPLICATIONS, REVIEWS)
YEAR_KEY, SCOPE_KEY, CROSS_CHECK_KEY = "年度", "统计范围", "核对本站文件"

_ENUMERATOR = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])"
)
_QUOTES = str.maketrans("", "", "“”‘’\"'「」『』 \u3000")


def _normal(name: str) -> str:
    """A row or table name as compared: no enumerator, quotes or spaces; full width folded."""
    text = unicodedata.normalize("NFKC", name).translate(_QUOTES)
    return _ENUMERATOR.sub("", text)


def _names(row: RowSpec) -> set[str]:
    return {_normal(name) for name in (row.key, row.label, row.display, *row.aliases)}


# The parsed tables ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    """One value of a table with where it is written in the sidecar."""

    value: Decimal
    line: int
    column: int

    @property
    def text(self) -> str:
        return format(self.value, "f")


@dataclass(frozen=True)
class Row:
    spec: RowSpec
    numbers: tuple[Number, ...]


@dataclass(eq=False)
class AnnualReport:
    """The statistical tables of one report item, as read from its sidecar."""

    source: str  # the sidecar, relative to the site root
    item: Item
    year: int | None
    scope: tuple[Unit, ...]  # whose 政策文件 table 二 is compared with
    cross_check: bool
    rows: dict[tuple[str, str, str], Row] = field(default_factory=dict)  # (table, group, key)

    def row(self, table: TableSpec, key: str, group: str = "") -> Row | None:
        return self.rows.get((table.key, group, key))

    def layouts(self) -> list[TableLayout]:
        """Tables 二, 三 and 四 in the layout of the national form, for the item page."""
        return [_active_layout(self), _applications_layout(self), _reviews_layout(self)]


# Reading a sidecar ---------------------------------------------------------------------------


class _Sidecar:
    """Walks the composed YAML of one sidecar along the national tables, reporting as it goes."""

    def __init__(self, rel: str, catalog: Catalog, report: Report) -> None:
        self.rel, self.catalog, self.report = rel, catalog, report
        self.seen: set[int] = set()

    def problem(self, code: str, node: yaml.Node, message: str) -> None:
        mark = node.start_mark
        self.report.add(code, self.rel, mark.line + 1, message, column=mark.column + 1)

    def visit(self, node: yaml.Node) -> bool:
        """False (and reported) when the node was reached before: a YAML alias."""
        if id(node) in self.seen:
            self.problem(
                "E-REPORT-YAML",
                node,
                "统计表中不能使用 YAML 锚点和别名（& 与 *），请直接写出数字。",
            )
            return False
        self.seen.add(id(node))
        return True

    def entries(self, node: yaml.Node, where: str) -> list[tuple[str, yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            self.problem(
                "E-REPORT-FORMAT", node, f"{where}应逐行写“名称: 数字”，不能是单个值或列表。"
            )
            return []
        result = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem("E-REPORT-FORMAT", key_node, f"{where}的键必须是行的名称。")
                continue
            if self.visit(value_node):
                result.append((str(key_node.value).strip(), key_node, value_node))
        return result

    def unknown(self, node: yaml.Node, name: str, where: str, known: list[str]) -> None:
        hint = did_you_mean(name, known, cutoff=0.4)
        self.problem(
            "E-REPORT-FORMAT",
            node,
            f"{where}中没有“{name}”这一项。{hint}可写：{'、'.join(known)}。",
        )

    # Values --------------------------------------------------------------------------------

    def number(self, node: yaml.Node, spec: RowSpec, column: str, where: str) -> Number | None:
        if not isinstance(node, yaml.ScalarNode):
            self.problem("E-REPORT-FORMAT", node, f"{where}“{column}”应为一个数字。")
            return None
        text = str(node.value).strip()
        unit = "以万元为单位的数字" if spec.amount else "非负整数"
        pattern = r"[0-9]+(?:\.[0-9]+)?" if spec.amount else r"[0-9]+"
        if node.tag.endswith(":null") or not text:
            self.problem(
                "E-REPORT-VALUE", node, f"{where}“{column}”没有填写；应为{unit}，没有的填 0。"
            )
            return None
        if re.fullmatch(pattern, text):
            return Number(Decimal(text), node.start_mark.line + 1, node.start_mark.column + 1)
        folded = unicodedata.normalize("NFKC", text).replace(",", "").replace("，", "")
        if re.fullmatch(pattern, folded):
            hint = f"应写为 {folded}（半角数字，不加千位分隔符）。"
        elif folded.startswith("-"):
            hint = "不能为负数。"
        else:
            hint = f"应为{unit}，没有的填 0。"
        self.problem("E-REPORT-VALUE", node, f"{where}“{column}”填写的“{text}”不是数字；{hint}")
        return None

    def row(self, node: yaml.Node, spec: RowSpec, table: TableSpec) -> Row | None:
        where = f"{table.name}“{spec.label}”"
        values = node.value if isinstance(node, yaml.SequenceNode) else [node]
        if isinstance(node, yaml.MappingNode) or (
            not isinstance(node, yaml.SequenceNode) and len(spec.columns) > 1
        ):
            self.problem(
                "E-REPORT-FORMAT",
                node,
                f"{where}应写成方括号中的 {len(spec.columns)} 个数字："
                f"[{', '.join(spec.columns)}]。",
            )
            return None
        if len(values) != len(spec.columns):
            self.problem(
                "E-REPORT-FORMAT",
                node,
                f"{where}有 {len(values)} 个数字，应为 {len(spec.columns)} 个，"
                f"依次是：{'、'.join(spec.columns)}。",
            )
            return None
        numbers = [
            self.number(value, spec, column, where)
            for value, column in zip(values, spec.columns, strict=True)
        ]
        if any(n is None for n in numbers):
            return None
        return Row(spec, tuple(n for n in numbers if n is not None))

    # Tables --------------------------------------------------------------------------------

    def table(
        self,
        key_of: yaml.Node,
        node: yaml.Node,
        table: TableSpec,
        tables: AnnualReport,
        group: str = "",
    ) -> None:
        """The rows of ``table``, or of one of its groups, into ``tables``."""
        specs = [row for row in table.rows if row.group == group]
        groups = {} if group else dict(table.groups)
        where = f"{table.name}“{table.group_label(group)}”" if group else table.name
        by_name = {name: spec for spec in specs for name in _names(spec)}
        group_by_name = {
            name: key for key, label in groups.items() for name in (_normal(key), _normal(label))
        }
        known = [spec.key for spec in specs] + list(groups)
        found: dict[str, int] = {}
        if not isinstance(node, yaml.MappingNode):
            self.entries(node, where)  # reports that it is not a mapping
            return
        for name, key_node, value_node in self.entries(node, where):
            normal = _normal(name)
            if normal in group_by_name:
                key = group_by_name[normal]
                if not self.twice(found, key, key_node, where):
                    self.table(key_node, value_node, table, tables, group=key)
                continue
            spec = by_name.get(normal)
            if spec is None:
                self.unknown(key_node, name, where, known)
                continue
            if self.twice(found, spec.key, key_node, where):
                continue
            row = self.row(value_node, spec, table)
            if row is not None:
                tables.rows[(table.key, group, spec.key)] = row
        missing = [spec.key for spec in specs if spec.key not in found]
        missing += [key for key in groups if key not in found]
        if missing:
            self.problem(
                "E-REPORT-FORMAT",
                key_of,
                f"{where}缺少：{'、'.join(missing)}；没有发生的也要填写，填 0。",
            )

    def twice(self, found: dict[str, int], key: str, node: yaml.Node, where: str) -> bool:
        """True (and reported) when ``key`` was found before; else it is noted as found."""
        if key in found:
            self.problem(
                "E-REPORT-FORMAT",
                node,
                f"{where}中“{key}”与第 {found[key]} 行重复，请删除其中一行。",
            )
            return True
        found[key] = node.start_mark.line + 1
        return False

    # The header keys -----------------------------------------------------------------------

    def year(self, node: yaml.Node, item: Item) -> int | None:
        text = str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""
        if not re.fullmatch(r"[0-9]{4}", text):
            self.problem("E-REPORT-VALUE", node, "“年度”应为四位年份，如 2025。")
            return None
        year = int(text)
        if item.published is not None and year > item.published.year:
            self.problem(
                "E-REPORT-VALUE",
                node,
                f"年度 {year} 晚于报告的发布日期 {item.published_text}；"
                "年度报告报告的是已经结束的年度，请核对。",
            )
            return None
        return year

    def scope(self, node: yaml.Node) -> tuple[Unit, ...]:
        if isinstance(node, yaml.ScalarNode):
            values = [node] if str(node.value).strip() else []
        elif isinstance(node, yaml.SequenceNode):
            values = list(node.value)
        else:
            self.problem(
                "E-REPORT-VALUE", node, "“统计范围”应为机构名称的列表，如 [县政府办, 县财政局]。"
            )
            return ()
        units: list[Unit] = []
        for value in values:
            name = str(value.value).strip() if isinstance(value, yaml.ScalarNode) else ""
            unit = self.catalog.unit(name) if name else None
            if unit is None:
                hint = did_you_mean(name, self.catalog.unit_names(), cutoff=0.4)
                self.problem(
                    "E-REPORT-VALUE",
                    value,
                    f"统计范围中的“{name}”不在 columns.yml 的机构名录中。{hint}",
                )
            elif unit not in units:
                units.append(unit)
        return tuple(units)

    def flag(self, node: yaml.Node) -> bool:
        text = str(node.value).strip().lower() if isinstance(node, yaml.ScalarNode) else ""
        if text not in TRUE_WORDS:
            self.problem("E-REPORT-VALUE", node, "“核对本站文件”只能是 true 或 false。")
            return True
        return TRUE_WORDS[text]


def read_tables(
    path: Path, rel: str, item: Item, catalog: Catalog, report: Report
) -> AnnualReport | None:
    """Read one sidecar; None when it cannot be read at all. Problems go to ``report``."""
    text = decode(path, rel, report)
    if text is None:
        return None
    root = read_yaml(text, MAX_NESTING)
    if isinstance(root, TooDeep):
        report.add(
            "E-REPORT-YAML",
            rel,
            root.line + 1,
            f"第 {root.line + 1} 行嵌套过深；统计表最多三层：表、分组、行。",
            column=root.column + 1,
        )
        return None
    if isinstance(root, yaml.MarkedYAMLError):
        mark = root.problem_mark or root.context_mark
        line = mark.line + 1 if mark else 1
        report.add(
            "E-REPORT-YAML",
            rel,
            line,
            f"第 {line} 行无法解析（{root.problem or root.context or root}）："
            "检查半角冒号后的空格、方括号是否成对、同一层的键是否左对齐。",
            column=mark.column + 1 if mark else 1,
        )
        return None
    if isinstance(root, yaml.YAMLError):
        report.add("E-REPORT-YAML", rel, 1, f"统计表无法解析：{root}")
        return None
    reader = _Sidecar(rel, catalog, report)
    if not isinstance(root, yaml.MappingNode):
        report.add(
            "E-REPORT-YAML",
            rel,
            root.start_mark.line + 1 if root is not None else 1,
            "统计表应逐行写“年度: …”“主动公开: …”“申请办理: …”“复议诉讼: …”。",
        )
        return None
    tables = AnnualReport(
        source=rel,
        item=item,
        year=None,
        scope=(item.publisher,) if item.publisher else (),
        cross_check=True,
    )
    table_by_name = {
        _normal(name): table
        for table in TABLES
        for name in (table.key, table.heading, *table.aliases)
    }
    headers = (YEAR_KEY, SCOPE_KEY, CROSS_CHECK_KEY)
    known = [*headers, *(table.key for table in TABLES)]
    found: dict[str, int] = {}
    for name, key_node, value_node in reader.entries(root, "统计表"):
        table = table_by_name.get(_normal(name))
        key = table.key if table else name if name in headers else None
        if key is None:
            reader.unknown(key_node, name, "统计表", known)
            continue
        if reader.twice(found, key, key_node, "统计表"):
            continue
        if table is not None:
            reader.table(key_node, value_node, table, tables)
        elif key == YEAR_KEY:
            tables.year = reader.year(value_node, item)
        elif key == SCOPE_KEY:
            tables.scope = reader.scope(value_node)
        else:
            tables.cross_check = reader.flag(value_node)
    missing = [key for key in (YEAR_KEY, *(t.key for t in TABLES)) if key not in found]
    if missing:
        report.add(
            "E-REPORT-FORMAT",
            rel,
            1,
            f"统计表缺少：{'、'.join(missing)}。年度报告的统计表包括“年度”和表二（主动公开）、"
            "表三（申请办理）、表四（复议诉讼）。",
        )
    return tables


# The arithmetic ------------------------------------------------------------------------------


def _terms(parts: list[tuple[str, Number]]) -> str:
    """``自然人 9 + 商业企业 2，其余为 0``: the non-zero parts of a sum, for messages."""
    shown = [f"{name} {number.text}" for name, number in parts if number.value]
    rest = "，其余为 0" if len(shown) < len(parts) and shown else ""
    return (" + ".join(shown) + rest) if shown else "各项均为 0"


def check_totals(tables: AnnualReport, report: Report) -> None:
    """Every 总计 against its parts, and 表三's 勾稽关系; one diagnostic per wrong cell."""

    def compare(total: Number, parts: list[tuple[str, Number]], where: str) -> None:
        expected = sum((number.value for _, number in parts), Decimal(0))
        if total.value != expected:
            report.add(
                "E-REPORT-TOTAL",
                tables.source,
                total.line,
                f"{where}填写 {total.text}，应为 {format(expected, 'f')}"
                f"（{_terms(parts)}）；请核对该总计及其各分项。",
                column=total.column,
            )

    def across(table: TableSpec, spec: RowSpec, where: str) -> None:
        """A row's last column, its 总计, against the other columns."""
        row = tables.row(table, spec.key, spec.group)
        if row is not None:
            parts = list(zip(spec.columns[:-1], row.numbers[:-1], strict=True))
            compare(row.numbers[-1], parts, where)

    # 表三, across: 总计 = 自然人 + 商业企业 + … + 其他
    for spec in APPLICATIONS.rows:
        across(APPLICATIONS, spec, f"表三“{_row_title(spec)}”行“总计”列")
    # 表三, down: （七）总计 = （一）…（六） with their sub-items
    rows = [tables.row(APPLICATIONS, key, group) for group, key in RESULT_KEYS]
    total_row = tables.row(APPLICATIONS, "总计")
    if total_row is not None and all(row is not None for row in rows):
        present = [row for row in rows if row is not None]
        for index, column in enumerate(APPLICANTS):
            parts = [(_row_title(row.spec), row.numbers[index]) for row in present]
            compare(total_row.numbers[index], parts, f"表三“（七）总计”行“{column}”列")
    # 表三, the 勾稽关系 printed in its corner: 一 + 二 = 三（七） + 四
    new, carried = tables.row(APPLICATIONS, "本年新收"), tables.row(APPLICATIONS, "上年结转")
    onward = tables.row(APPLICATIONS, "结转下年度")
    if new and carried and total_row and onward:
        for index, column in enumerate(APPLICANTS):
            received = new.numbers[index].value + carried.numbers[index].value
            handled = total_row.numbers[index].value + onward.numbers[index].value
            if received != handled:
                cell = onward.numbers[index]
                expected = received - total_row.numbers[index].value
                report.add(
                    "E-REPORT-BALANCE",
                    tables.source,
                    cell.line,
                    f"表三“{column}”列：一、本年新收 {new.numbers[index].text} + 二、上年结转 "
                    f"{carried.numbers[index].text} = {format(received, 'f')}，而（七）总计 "
                    f"{total_row.numbers[index].text} + 四、结转下年度 {cell.text} = "
                    f"{format(handled, 'f')}；两者应相等，结转下年度应为 {format(expected, 'f')}，"
                    "或核对本年新收、上年结转和办理结果。",
                    column=cell.column,
                )
    # 表四: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结, per group
    for spec in REVIEWS.rows:
        name = spec.label if spec.key == "行政复议" else f"行政诉讼（{spec.label}）"
        across(REVIEWS, spec, f"表四“{name}”的“总计”")


def _row_title(spec: RowSpec) -> str:
    """A 表三 row as people name it: ``（三）不予公开 4.保护第三方合法权益``."""
    return f"{APPLICATIONS.group_label(spec.group)} {spec.label}" if spec.group else spec.label


# Table 二 against the site's own documents ---------------------------------------------------


@dataclass(frozen=True)
class DocumentCounts:
    """What the site's 政策文件 items say about one report year, with the items counted."""

    made: tuple[Item, ...]  # 本年制发: written (else published) in the year
    repealed: tuple[Item, ...]  # 本年废止: 已修订/已废止, their replacement published in the year
    valid: tuple[Item, ...]  # 现行有效 at the end of the year

    def of(self, index: int) -> tuple[Item, ...]:
        return (self.made, self.repealed, self.valid)[index]


def _made_on(item: Item) -> date | None:
    return item.written or (item.published.date() if item.published else None)


def count_documents(
    collection: Collection, scope: tuple[Unit, ...], year: int, as_of: AsOf
) -> DocumentCounts:
    """Count the public 政策文件 of the units in ``scope`` as table 二 counts documents.

    A document's 废止 date is not a field; it is known when another item replaces it
    (superseded_by): the replacement's publication date. Documents 已废止 without a replacement,
    and 失效 ones, are not counted as repealed in any year.
    """
    codes = {unit.code for unit in scope}
    by_index = collection.item_by_index_no()
    documents = [
        item
        for item in collection.items
        if item.column.type == POLICY_COLUMN_TYPE
        and item.publisher is not None
        and item.publisher.code in codes
        and item.is_public(as_of)
    ]
    documents.sort(key=lambda item: item.sort_key)
    year_end = date(year, 12, 31)

    def replaced_on(item: Item) -> date | None:
        replacement = by_index.get(item.superseded_by or "")
        if item.validity not in SUPERSEDED_VALIDITY or replacement is None:
            return None
        return replacement.published.date() if replacement.published else None

    made = [d for d in documents if (day := _made_on(d)) is not None and day.year == year]
    repealed = [d for d in documents if (day := replaced_on(d)) is not None and day.year == year]
    valid = [
        d
        for d in documents
        if (day := _made_on(d)) is not None
        and day <= year_end
        and (d.validity == VALID or ((gone := replaced_on(d)) is not None and gone > year_end))
    ]
    return DocumentCounts(tuple(made), tuple(repealed), tuple(valid))


_COUNT_MEANING = ("制发（成文）", "被修订或废止（替代文件于该年发布）", "年末现行有效")


def check_documents(
    tables: AnnualReport, collection: Collection, as_of: AsOf, report: Report
) -> None:
    """Warn where table 二's 规章 + 行政规范性文件 differ from what the site's items show."""
    rules = tables.row(ACTIVE, "规章")
    normative = tables.row(ACTIVE, "行政规范性文件")
    if not tables.cross_check or tables.year is None or rules is None or normative is None:
        return
    counts = count_documents(collection, tables.scope, tables.year, as_of)
    item = tables.item
    if tables.scope == ((item.publisher,) if item.publisher else ()):
        who = f"“{item.publisher.name}”" if item.publisher else ""
    else:
        who = f"统计范围内 {len(tables.scope)} 个机构"
    for index, measure in enumerate(DOC_MEASURES):
        declared = rules.numbers[index].value + normative.numbers[index].value
        found = counts.of(index)
        if declared == len(found):
            continue
        names = "、".join(str(d.doc_no or d.title) for d in found[:5])
        more = f"等 {len(found)} 件" if len(found) > 5 else ""
        listed = f"（{names}{more}）" if found else ""
        cell = normative.numbers[index]
        report.add(
            "W-REPORT-DOCS",
            tables.source,
            cell.line,
            f"表二“{measure}”：年报填写规章 {rules.numbers[index].text} 件、行政规范性文件 "
            f"{cell.text} 件，共 {format(declared, 'f')} 件；本站政策文件栏目中{who}"
            f"{tables.year}年{_COUNT_MEANING[index]}的文件为 {len(found)} 件{listed}。"
            "请核对年报数字，或补发、更正本站的文件（有效性、替代文件）。",
            column=cell.column,
        )


def check_annual_reports(
    collection: Collection, content_dir: Path, as_of: AsOf, report: Report
) -> None:
    """Read every sidecar, attach its tables to the report item, and check them.

    Called by :func:`generator.site.check.check_site`, so that ``disclosure check``,
    ``disclosure build`` and the MkDocs plugin all see the same tables and diagnostics.
    """
    items = {item.src_uri: item for item in collection.items}
    for src_uri in collection.attachments:
        if not src_uri.endswith(SIDECAR_SUFFIX):
            continue
        rel = f"{CONTENT_DIR}/{src_uri}"
        item_uri = src_uri.removesuffix(SIDECAR_SUFFIX) + ".md"
        item = items.get(item_uri)
        if item is None:
            report.add(
                "E-REPORT-PLACE",
                rel,
                1,
                f"统计表文件旁边没有同名的年报条目 {CONTENT_DIR}/{item_uri}；"
                "请把它改成与年报条目相同的文件名（.md 换成 .tables.yml），或删除它。",
            )
            continue
        if item.column.type != REPORT_COLUMN_TYPE:
            report.add(
                "E-REPORT-PLACE",
                rel,
                1,
                f"栏目“{item.column.name}”不是“{REPORT_COLUMN_TYPE}”类型的栏目，条目不能带年报统计表；"
                "请把年报放到政府信息公开年报栏目，或删除该统计表文件。",
            )
            continue
        tables = read_tables(content_dir / src_uri, rel, item, collection.catalog, report)
        if tables is None:
            continue
        item.annual_report = tables
        check_totals(tables, report)
        check_documents(tables, collection, as_of, report)


# The layout of the national form -------------------------------------------------------------


@dataclass(frozen=True)
class LayoutCell:
    """One cell of a rendered table; header cells carry ids, data cells the ids they belong to."""

    text: str
    header: bool = False
    colspan: int = 1
    rowspan: int = 1
    scope: str = ""  # th: col, colgroup, row, rowgroup
    id: str = ""
    headers: str = ""  # td: the ids of its header cells, for screen readers
    numeric: bool = False


@dataclass(frozen=True)
class TableLayout:
    number: str  # 二, 三, 四
    heading: str  # the report section it belongs to
    caption: str
    head: tuple[tuple[LayoutCell, ...], ...]
    body: tuple[tuple[LayoutCell, ...], ...]
    css_class: str


def _th(text: str, id: str, scope: str, colspan: int = 1, rowspan: int = 1) -> LayoutCell:
    return LayoutCell(text, header=True, colspan=colspan, rowspan=rowspan, scope=scope, id=id)


def _td(number: Number | None, *headers: str, colspan: int = 1) -> LayoutCell:
    return LayoutCell(
        number.text if number else "",
        colspan=colspan,
        headers=" ".join(h for h in headers if h),
        numeric=True,
    )


def _caption(tables: AnnualReport, table: TableSpec) -> str:
    year = f"（{tables.year}年度）" if tables.year else ""
    return f"{table.name} {table.heading.split('、', 1)[1]}{year}"


def _active_layout(tables: AnnualReport) -> TableLayout:
    rows: list[tuple[LayoutCell, ...]] = []
    sections: list[str] = list(dict.fromkeys(spec.section for spec in ACTIVE.rows))
    for s, section in enumerate(sections, start=1):
        sid = f"dp-t2-s{s}"
        rows.append((_th(section, sid, "colgroup", colspan=4),))
        members = [spec for spec in ACTIVE.rows if spec.section == section]
        columns = members[0].columns
        span = 3 if len(columns) == 1 else 1  # a single value spans the three columns
        head = [
            _th("信息内容", f"{sid}-name", "col"),
            *(_th(name, f"{sid}-c{c}", "col", colspan=span) for c, name in enumerate(columns, 1)),
        ]
        rows.append(tuple(head))
        for spec in members:
            rid = f"{sid}-r{ACTIVE.rows.index(spec) + 1}"
            row = tables.row(ACTIVE, spec.key)
            cells = [_th(spec.display, rid, "row")]
            for c in range(len(columns)):
                number = row.numbers[c] if row else None
                cells.append(_td(number, sid, f"{sid}-c{c + 1}", rid, colspan=span))
            rows.append(tuple(cells))
    return TableLayout("二", ACTIVE.heading, _caption(tables, ACTIVE), (), tuple(rows), "dp-t2")


def _applications_layout(tables: AnnualReport) -> TableLayout:
    applicant, legal = "dp-t3-applicant", "dp-t3-legal"
    column_ids = [f"dp-t3-c{c}" for c in range(1, len(APPLICANTS) + 1)]
    head = (
        (
            _th(TABLE3_CORNER, "dp-t3-corner", "col", colspan=3, rowspan=3),
            _th("申请人情况", applicant, "colgroup", colspan=7),
        ),
        (
            _th(APPLICANTS[0], column_ids[0], "col", rowspan=2),
            _th(LEGAL_PERSONS, legal, "colgroup", colspan=5),
            _th(APPLICANTS[-1], column_ids[-1], "col", rowspan=2),
        ),
        tuple(_th(name, column_ids[c], "col") for c, name in enumerate(APPLICANTS[1:-1], start=1)),
    )

    def values(spec: RowSpec, *row_headers: str) -> list[LayoutCell]:
        row = tables.row(APPLICATIONS, spec.key, spec.group)
        cells = []
        for c, column_id in enumerate(column_ids):
            group = legal if 0 < c < len(column_ids) - 1 else ""
            number = row.numbers[c] if row else None
            cells.append(_td(number, *row_headers, applicant, group, column_id))
        return cells

    body: list[tuple[LayoutCell, ...]] = []
    results = "dp-t3-results"
    result_rows = len(APPLICATIONS.rows[2:-1])
    groups_begun: set[str] = set()
    for r, spec in enumerate(APPLICATIONS.rows, start=1):
        rid = f"dp-t3-r{r}"
        if spec.key in ("本年新收", "上年结转", "结转下年度"):
            body.append((_th(spec.display, rid, "row", colspan=3), *values(spec, rid)))
            continue
        cells: list[LayoutCell] = []
        if spec.key == "予以公开":
            cells.append(_th(RESULTS_LABEL, results, "rowgroup", rowspan=result_rows))
        if spec.group:
            gid = f"dp-t3-g{[k for k, _ in APPLICATIONS.groups].index(spec.group) + 1}"
            if spec.group not in groups_begun:
                groups_begun.add(spec.group)
                size = sum(1 for s in APPLICATIONS.rows if s.group == spec.group)
                label = APPLICATIONS.group_label(spec.group)
                cells.append(_th(label, gid, "rowgroup", rowspan=size))
            cells.append(_th(spec.display, rid, "row"))
            body.append((*cells, *values(spec, results, gid, rid)))
        else:
            cells.append(_th(spec.display, rid, "row", colspan=2))
            body.append((*cells, *values(spec, results, rid)))
    return TableLayout(
        "三", APPLICATIONS.heading, _caption(tables, APPLICATIONS), head, tuple(body), "dp-t3"
    )


def _reviews_layout(tables: AnnualReport) -> TableLayout:
    review, litigation = "dp-t4-review", "dp-t4-litigation"
    group_ids = ["", "dp-t4-direct", "dp-t4-after"]
    first = [_th(name, f"dp-t4-g1-c{c}", "col", rowspan=2) for c, name in enumerate(OUTCOMES, 1)]
    head = (
        (
            _th("行政复议", review, "colgroup", colspan=5),
            _th(LITIGATION, litigation, "colgroup", colspan=10),
        ),
        (
            *first,
            _th(REVIEWS.rows[1].label, group_ids[1], "colgroup", colspan=5),
            _th(REVIEWS.rows[2].label, group_ids[2], "colgroup", colspan=5),
        ),
        tuple(
            _th(name, f"dp-t4-g{g}-c{c}", "col")
            for g in (2, 3)
            for c, name in enumerate(OUTCOMES, start=1)
        ),
    )
    cells = []
    for g, spec in enumerate(REVIEWS.rows, start=1):
        row = tables.row(REVIEWS, spec.key)
        for c in range(len(OUTCOMES)):
            number = row.numbers[c] if row else None
            top = review if g == 1 else litigation
            cells.append(_td(number, top, group_ids[g - 1], f"dp-t4-g{g}-c{c + 1}"))
    return TableLayout(
        "四", REVIEWS.heading, _caption(tables, REVIEWS), head, (tuple(cells),), "dp-t4"
    )


# Placing the tables in the report's text -----------------------------------------------------

_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s(?:\s*(?P<number>[一二三四五六七八九十]+)、)?")
_FENCE = re.compile(r"^\s{0,3}(?:```|~~~)")


def _sections(markdown: str) -> Iterator[tuple[str, str | None, int]]:
    """(line, section number it opens or None, heading level or 0) for each line."""
    fenced = False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        heading = None if fenced else _HEADING.match(line)
        if heading is None:
            yield line, None, 0
        else:
            yield line, heading["number"], len(heading["hashes"])


def with_tables(markdown: str, tables: AnnualReport, render: Callable[[TableLayout], str]) -> str:
    """The report's Markdown with each table's HTML (from ``render``) at the end of its section.

    A table goes where the section headed ``## 二、…`` (三、, 四、) ends: before the next heading
    of the same or a higher level. A table whose section heading is missing is appended at the
    end under the national heading. The HTML comes from a template; here it is only placed.
    """
    layouts = {layout.number: layout for layout in tables.layouts()}
    output: list[str] = []
    pending: tuple[int, TableLayout] | None = None
    placed: set[str] = set()

    def flush() -> None:
        nonlocal pending
        if pending is not None:
            output.extend(["", render(pending[1]), ""])
            placed.add(pending[1].number)
            pending = None

    for line, number, level in _sections(markdown):
        if level and pending is not None and level <= pending[0]:
            flush()
        if number in layouts and number not in placed and pending is None:
            pending = (level, layouts[number])
        output.append(line)
    flush()
    for number, layout in layouts.items():
        if number not in placed:
            output.extend(["", f"## {layout.heading}", "", render(layout), ""])
    return "\n".join(output)
