"""The column catalog (栏目目录), the unit registry (发布机构) and the vocabularies: columns.yml.

SPEC §5. The catalog is configuration: its problems are reported with code ``E-CATALOG-*`` and
make the commands exit with 2. Loading never stops at the first problem.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from generator.content.fields import FIELDS_BY_KEY, GENRES, KEY_BY_NAME
from generator.content.index_number import IndexPattern, PatternError
from generator.content.texts import FORBIDDEN_CHARACTER
from generator.content.topics import NATIONAL_TOPICS, TopicVocabulary
from generator.content.yaml_nesting import TooDeep, read_yaml
from generator.diagnostics import Report, Severity

CATALOG_FILE = "columns.yml"

# ColumnType values of the 政府网站网页设计规范 (DOMAIN.md), plus 信息公开制度.
COLUMN_TYPES = (
    "首页", "概况信息", "机构职能", "负责人信息", "工作动态", "政策文件", "信息公开指南",
    "信息公开制度", "信息公开目录", "信息公开年报", "依申请公开", "数据发布", "数据开放", "政策解读",
    "回应关切", "办事服务", "咨询投诉", "征集调查", "在线访谈",
)  # fmt: skip

COLUMN_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# Top-level URLs the generator writes itself; a column with one of these ids would collide.
RESERVED_IDS = frozenset(
    ("assets", "browse", "data", "feeds", "guide", "page", "pagefind", "report", "search",
     "search-index", "tongji", "xianxing")
)  # fmt: skip
UNIT_CODE = re.compile(r"^(?:[0-9A-Z]{9}|[0-9A-Z]{18})$")
DURATION = re.compile(r"^(?P<number>\d+)\s*(?P<unit>d|w|mo|y)$")
DURATION_UNITS = {"d": "天", "w": "周", "mo": "个月", "y": "年"}

_TOP_KEYS = {
    "index_no", "units", "topics", "genres", "columns", "require_approval", "page_size", "inspection",
}  # fmt: skip
_INSPECTION_SEVERITIES = ("empty_columns", "stale_columns", "interpretation_ratio")
_INSPECTION_KEYS = {*_INSPECTION_SEVERITIES, "interpretation_ratio_min"}
_UNIT_KEYS = {"name", "code", "aliases"}
_COLUMN_KEYS = {
    "id", "name", "type", "kind", "description", "keywords", "required", "update_within", "units",
    "children",
}  # fmt: skip

MAX_NESTING = 30  # the deepest real catalog nests a few levels; far deeper is an attack


@dataclass(frozen=True)
class Duration:
    """A span such as ``6mo`` (update_within), counted in calendar units."""

    number: int
    unit: str  # d, w, mo, y

    @property
    def days(self) -> int:
        """The span in days, at most (a month counted as 31 days, a year as 366)."""
        return self.number * {"d": 1, "w": 7, "mo": 31, "y": 366}[self.unit]

    def before(self, day: date) -> date:
        """The date this span before ``day``."""
        if self.unit in ("d", "w"):
            return day - timedelta(days=self.days)
        months = self.number * (12 if self.unit == "y" else 1)
        year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
        last_day = calendar.monthrange(year, month0 + 1)[1]
        return date(year, month0 + 1, min(day.day, last_day))

    def __str__(self) -> str:
        return f"{self.number}{DURATION_UNITS[self.unit]}"


MAX_UPDATE_WITHIN_DAYS = 10 * 366  # a longer update_within would reach back before any site


@dataclass(frozen=True)
class InspectionRules:
    """Thresholds of the inspection report (columns.yml ``inspection:``).

    Site-wide findings are warnings unless raised to errors here (SPEC §7). The 解读比例 is
    always reported; it becomes a finding only when ``interpretation_ratio_min`` is set.
    """

    empty_columns: Severity = Severity.WARNING
    stale_columns: Severity = Severity.WARNING
    interpretation_ratio: Severity = Severity.WARNING
    interpretation_ratio_min: float | None = None  # 0.8 = 80 %
    line: int = 1  # where it is declared in columns.yml


@dataclass(frozen=True)
class Unit:
    name: str
    code: str
    aliases: tuple[str, ...] = ()


@dataclass(eq=False)
class Column:
    id: str
    name: str
    type: str
    kind: str  # "list", "page" or "section" (a column with children)
    description: str = ""
    keywords: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    update_within: Duration | None = None
    units: tuple[str, ...] = ()  # full unit names allowed to publish here; empty = all
    children: list[Column] = field(default_factory=list)
    parent: Column | None = None
    line: int = 1  # where it is declared in columns.yml

    @property
    def path(self) -> str:
        """The folder under content/, e.g. ``fdzdgknr/zcwj``."""
        return f"{self.parent.path}/{self.id}" if self.parent else self.id

    @property
    def is_list(self) -> bool:
        return self.kind == "list"

    def walk(self) -> Iterator[Column]:
        yield self
        for child in self.children:
            yield from child.walk()

    def trail(self) -> list[Column]:
        """This column and its ancestors, outermost first (for breadcrumbs)."""
        return [*(self.parent.trail() if self.parent else []), self]


@dataclass
class Catalog:
    columns: list[Column]
    units: list[Unit]
    topics: TopicVocabulary
    genres: tuple[str, ...]
    index_pattern: IndexPattern
    require_approval: bool = False
    page_size: int = 20
    inspection: InspectionRules = field(default_factory=InspectionRules)
    _unit_by_name: dict[str, Unit] = field(default_factory=dict, repr=False)
    _column_by_path: dict[str, Column] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for unit in self.units:
            for name in (unit.name, *unit.aliases):
                self._unit_by_name.setdefault(name, unit)
        self._column_by_path = {column.path: column for column in self.walk()}

    def walk(self) -> Iterator[Column]:
        for column in self.columns:
            yield from column.walk()

    def unit(self, name: str) -> Unit | None:
        """A unit by full name or alias."""
        return self._unit_by_name.get(name.strip())

    def unit_names(self) -> list[str]:
        """Every unit's full name and aliases, in the order of columns.yml."""
        return list(self._unit_by_name)

    def column(self, path: str) -> Column | None:
        return self._column_by_path.get(path)

    def list_columns(self) -> list[Column]:
        return [column for column in self.walk() if column.is_list]


class _LineLoader(yaml.SafeLoader):
    """A SafeLoader whose mappings remember the line they start on (key ``__line__``)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = getattr(key_node, "value", None)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"键“{key}”在同一处写了两次，请删除其中一个", key_node.start_mark
                )
            seen.add(key)
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def load_catalog(site_dir: Path, report: Report) -> Catalog | None:
    """Read and check columns.yml; None when it is missing or unreadable."""
    path = site_dir / CATALOG_FILE
    rel = CATALOG_FILE
    if not path.is_file():
        report.add(
            "E-CATALOG-MISSING",
            rel,
            1,
            f"在 {site_dir} 中找不到 {CATALOG_FILE}。请在站点根目录创建它，或用 --site 指定站点目录。",
        )
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        report.add("E-CATALOG-YAML", rel, 1, f"{CATALOG_FILE} 不是 UTF-8 编码，请另存为 UTF-8。")
        return None
    data = read_yaml(text, MAX_NESTING, functools.partial(yaml.load, Loader=_LineLoader))
    if isinstance(data, TooDeep):
        report.add(
            "E-CATALOG-YAML",
            rel,
            data.line + 1,
            f"{CATALOG_FILE} 第 {data.line + 1} 行嵌套超过 {MAX_NESTING} 层，无法解析；"
            "栏目用 children 逐级嵌套，每级缩进两个空格。",
            column=data.column + 1,
        )
        return None
    if isinstance(data, yaml.MarkedYAMLError):
        mark = data.problem_mark
        report.add(
            "E-CATALOG-YAML",
            rel,
            mark.line + 1 if mark else 1,
            f"{CATALOG_FILE} 无法解析：{data.problem or data}",
            column=mark.column + 1 if mark else 1,
        )
        return None
    if isinstance(data, yaml.YAMLError):
        report.add("E-CATALOG-YAML", rel, 1, f"{CATALOG_FILE} 无法解析：{data}")
        return None
    if not isinstance(data, dict):
        report.add("E-CATALOG-YAML", rel, 1, f"{CATALOG_FILE} 的顶层必须是“键: 值”的映射。")
        return None
    _check_characters(data, rel, report)
    return _CatalogReader(rel, report).read(data)


def _check_characters(data: dict[str, Any], rel: str, report: Report) -> None:
    """No control character in any text of columns.yml (names, descriptions are published);
    each mapping and list is read once, however often YAML aliases repeat it."""
    seen: set[int] = set()
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, line = pending.pop()
        if isinstance(value, str):
            found = FORBIDDEN_CHARACTER.search(value)
            if found:
                report.add(
                    "E-CATALOG-VALUE",
                    rel,
                    line,
                    f"“{value[:20]}”含有控制字符 U+{ord(found.group()):04X}（页面上看不见，会使订阅源等"
                    "文件无法解析）；请删除它（多由复制粘贴或转义写法 \\x、\\u 带入）。",
                )
        elif isinstance(value, dict | list) and id(value) not in seen:
            seen.add(id(value))
            if isinstance(value, dict):
                at = value.get("__line__", line)
                pending += [(v, at) for k, v in value.items() if k != "__line__"]
                pending += [(k, at) for k in value if isinstance(k, str)]
            else:
                pending += [(v, line) for v in value]


class _CatalogReader:
    def __init__(self, rel: str, report: Report) -> None:
        self.rel = rel
        self.report = report

    def problem(self, code: str, line: int, message: str) -> None:
        self.report.add(code, self.rel, line, message)

    def unknown_keys(self, data: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in data:
            if key != "__line__" and key not in allowed:
                known = "、".join(sorted(allowed))
                self.problem(
                    "E-CATALOG-KEY",
                    data["__line__"],
                    f"{where}中有未知的键“{key}”；可用的键：{known}。",
                )

    def read(self, data: dict[str, Any]) -> Catalog:
        self.unknown_keys(data, _TOP_KEYS, "columns.yml 顶层")
        top_line = data["__line__"]
        pattern_text = data.get("index_no", IndexPattern.DEFAULT)
        try:
            pattern = IndexPattern(str(pattern_text))
        except PatternError as error:
            self.problem("E-CATALOG-VALUE", top_line, f"索引号格式 index_no 无效：{error}")
            pattern = IndexPattern(IndexPattern.DEFAULT)
        units = self.read_units(data.get("units"), top_line)
        topics = self.read_topics(data.get("topics", "national"), top_line)
        genres = self.read_genres(data.get("genres", "default"), top_line)
        require_approval = data.get("require_approval", False)
        if not isinstance(require_approval, bool):
            self.problem("E-CATALOG-VALUE", top_line, "require_approval 只能是 true 或 false。")
            require_approval = False
        page_size = data.get("page_size", 20)
        if not isinstance(page_size, int) or isinstance(page_size, bool) or page_size < 1:
            self.problem("E-CATALOG-VALUE", top_line, "page_size 必须是正整数，例如 20。")
            page_size = 20
        inspection = self.read_inspection(data.get("inspection"), top_line)
        full_names = {unit.name: unit.name for unit in units} | {
            alias: unit.name for unit in units for alias in unit.aliases
        }
        columns = self.read_columns(data.get("columns"), None, top_line, set(full_names))
        self.check_column_ids(columns)
        for column in (c for top in columns for c in top.walk()):
            column.units = tuple(full_names.get(name, name) for name in column.units)
        return Catalog(
            columns=columns,
            units=units,
            topics=topics,
            genres=genres,
            index_pattern=pattern,
            require_approval=require_approval,
            page_size=page_size,
            inspection=inspection,
        )

    def read_inspection(self, raw: Any, line: int) -> InspectionRules:
        if raw is None:
            return InspectionRules()
        if not isinstance(raw, dict):
            self.problem(
                "E-CATALOG-VALUE",
                line,
                "inspection 应为映射，如 inspection: {empty_columns: error, interpretation_ratio_min: 0.8}。",
            )
            return InspectionRules()
        self.unknown_keys(raw, _INSPECTION_KEYS, "inspection ")
        at = raw["__line__"]
        severities: dict[str, Severity] = {}
        for key in _INSPECTION_SEVERITIES:
            value = raw.get(key, Severity.WARNING.value)
            if value not in (Severity.WARNING.value, Severity.ERROR.value):
                self.problem(
                    "E-CATALOG-VALUE",
                    at,
                    f"inspection 的 {key}“{value}”不对：只能是 warning（警告）或 error（阻止发布）。",
                )
                value = Severity.WARNING.value
            severities[key] = Severity(value)
        minimum = raw.get("interpretation_ratio_min")
        if minimum is not None and (
            isinstance(minimum, bool)
            or not isinstance(minimum, int | float)
            or not 0 <= minimum <= 1
        ):
            self.problem(
                "E-CATALOG-VALUE",
                at,
                f"inspection 的 interpretation_ratio_min“{minimum}”不对：写 0 到 1 之间的小数，如 0.8 表示 80%。",
            )
            minimum = None
        return InspectionRules(
            **severities,
            interpretation_ratio_min=None if minimum is None else float(minimum),
            line=at,
        )

    def read_units(self, raw: Any, line: int) -> list[Unit]:
        if not isinstance(raw, list) or not raw:
            self.problem(
                "E-CATALOG-KEY", line, "缺少机构名录 units：至少登记一个发布机构（name、code）。"
            )
            return []
        units: list[Unit] = []
        seen: dict[str, int] = {}
        for entry in raw:
            if not isinstance(entry, dict):
                self.problem("E-CATALOG-VALUE", line, "units 的每一项都必须有 name 和 code。")
                continue
            at = entry["__line__"]
            self.unknown_keys(entry, _UNIT_KEYS, "机构")
            name = str(entry.get("name") or "").strip()
            code = str(entry.get("code") or "").strip()
            aliases = entry.get("aliases") or []
            if not name:
                self.problem("E-CATALOG-KEY", at, "机构缺少名称 name。")
                continue
            if not UNIT_CODE.match(code):
                self.problem(
                    "E-CATALOG-UNIT-CODE",
                    at,
                    f"机构“{name}”的代码“{code}”不对：应为 9 位组织机构代码（不含连字符）"
                    '或 18 位统一社会信用代码，数字和大写字母，并用引号括起来，如 "015180001"。',
                )
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                self.problem("E-CATALOG-VALUE", at, f"机构“{name}”的 aliases 必须是文字列表。")
                aliases = []
            for label in (name, code, *aliases):
                if label in seen:
                    self.problem(
                        "E-CATALOG-UNIT-DUP",
                        at,
                        f"“{label}”已在第 {seen[label]} 行登记过；机构的名称、简称和代码都必须唯一。",
                    )
                seen.setdefault(label, at)
            units.append(Unit(name=name, code=code, aliases=tuple(aliases)))
        return units

    def read_topics(self, raw: Any, line: int) -> TopicVocabulary:
        if raw == "national":
            return TopicVocabulary(NATIONAL_TOPICS)
        if not isinstance(raw, list) or not raw:
            self.problem(
                "E-CATALOG-VALUE", line, "topics 应为 national，或“一级”“一级/二级”的列表。"
            )
            return TopicVocabulary(NATIONAL_TOPICS)
        classes: dict[str, list[str]] = {}
        for entry in raw:
            primary, _, secondary = str(entry).partition("/")
            seconds = classes.setdefault(primary.strip(), [])
            if secondary.strip():
                seconds.append(secondary.strip())
        return TopicVocabulary({k: tuple(v) for k, v in classes.items()})

    def read_genres(self, raw: Any, line: int) -> tuple[str, ...]:
        if raw == "default":
            return GENRES
        if not isinstance(raw, list) or not all(isinstance(g, str) for g in raw) or not raw:
            self.problem("E-CATALOG-VALUE", line, "genres 应为 default，或体裁名称的列表。")
            return GENRES
        return tuple(raw)

    def read_columns(
        self, raw: Any, parent: Column | None, line: int, unit_names: set[str]
    ) -> list[Column]:
        if not isinstance(raw, list) or not raw:
            where = f"栏目“{parent.name}”的 children" if parent else "columns"
            self.problem("E-CATALOG-KEY", line, f"{where} 必须是非空的栏目列表。")
            return []
        columns = []
        for entry in raw:
            if not isinstance(entry, dict):
                self.problem("E-CATALOG-VALUE", line, "栏目必须写成包含 id、name、type 的映射。")
                continue
            column = self.read_column(entry, parent, unit_names)
            if column:
                columns.append(column)
        return columns

    def read_column(
        self, entry: dict[str, Any], parent: Column | None, unit_names: set[str]
    ) -> Column | None:
        at = entry["__line__"]
        self.unknown_keys(entry, _COLUMN_KEYS, "栏目")
        column_id = str(entry.get("id") or "").strip()
        name = str(entry.get("name") or "").strip()
        column_type = str(entry.get("type") or "").strip()
        if parent is None and column_id in RESERVED_IDS:
            self.problem(
                "E-CATALOG-VALUE",
                at,
                f"栏目 id“{column_id}”是生成器自用的网址（{'、'.join(sorted(RESERVED_IDS))}），请换一个。",
            )
            return None
        if not COLUMN_ID.match(column_id):
            self.problem(
                "E-CATALOG-VALUE",
                at,
                f"栏目 id“{column_id}”不对：只能用小写字母、数字、- 和 _（它也是网址和文件夹名）。",
            )
            return None
        if not name:
            self.problem("E-CATALOG-VALUE", at, f"栏目“{column_id}”缺少名称 name。")
        if column_type not in COLUMN_TYPES:
            self.problem(
                "E-CATALOG-TYPE",
                at,
                f"栏目“{column_id}”的类型“{column_type}”不是规定的栏目类型；可选：{'、'.join(COLUMN_TYPES)}。",
            )
        children_raw = entry.get("children")
        kind = str(entry.get("kind") or ("section" if children_raw else "list"))
        if kind not in ("list", "page", "section") or (kind == "section") != bool(children_raw):
            self.problem(
                "E-CATALOG-VALUE",
                at,
                f"栏目“{column_id}”的 kind 只能是 page（单页）；不写表示列表栏目，有 children 表示含子栏目。",
            )
            kind = "section" if children_raw else "list"
        column = Column(
            id=column_id,
            name=name or column_id,
            type=column_type,
            kind=kind,
            description=str(entry.get("description") or "").strip(),
            keywords=self.string_list(entry, "keywords", column_id),
            required=self.required_keys(entry, column_id),
            update_within=self.duration(entry, column_id),
            units=self.string_list(entry, "units", column_id),
            parent=parent,
            line=at,
        )
        for unit in column.units:
            if unit not in unit_names:
                self.problem(
                    "E-CATALOG-VALUE", at, f"栏目“{column_id}”的 units 中“{unit}”不在机构名录中。"
                )
        if children_raw:
            column.children = self.read_columns(children_raw, column, at, unit_names)
        return column

    def string_list(self, entry: dict[str, Any], key: str, column_id: str) -> tuple[str, ...]:
        raw = entry.get(key) or []
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            self.problem(
                "E-CATALOG-VALUE", entry["__line__"], f"栏目“{column_id}”的 {key} 必须是文字列表。"
            )
            return ()
        return tuple(v.strip() for v in raw)

    def required_keys(self, entry: dict[str, Any], column_id: str) -> tuple[str, ...]:
        keys = []
        for name in self.string_list(entry, "required", column_id):
            key = KEY_BY_NAME.get(name)
            if key is None or key not in FIELDS_BY_KEY:
                self.problem(
                    "E-CATALOG-VALUE",
                    entry["__line__"],
                    f"栏目“{column_id}”的 required 中“{name}”不是条目字段。",
                )
            else:
                keys.append(key)
        return tuple(keys)

    def duration(self, entry: dict[str, Any], column_id: str) -> Duration | None:
        raw = entry.get("update_within")
        if raw is None:
            return None
        match = DURATION.match(str(raw).strip())
        if not match:
            self.problem(
                "E-CATALOG-VALUE",
                entry["__line__"],
                f"栏目“{column_id}”的 update_within“{raw}”不对：写成 15d、2w、6mo 或 1y。",
            )
            return None
        duration = Duration(int(match["number"]), match["unit"])
        if duration.days > MAX_UPDATE_WITHIN_DAYS:
            self.problem(
                "E-CATALOG-VALUE",
                entry["__line__"],
                f"栏目“{column_id}”的 update_within“{raw}”过长：最长 10 年（10y、120mo）。",
            )
            return None
        return duration

    def check_column_ids(self, columns: list[Column]) -> None:
        seen: set[str] = set()
        for column in (c for top in columns for c in top.walk()):
            if column.id in seen:
                self.problem(
                    "E-CATALOG-COLUMN-DUP",
                    column.line,
                    f"栏目 id“{column.id}”重复；每个栏目的 id 必须不同（它决定网址）。",
                )
            seen.add(column.id)
