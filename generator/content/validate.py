"""Validation: source files → typed items, and the rules that span the whole site (SPEC §2–6).

Each rule reports a diagnostic and carries on, so one run lists every problem. Field rules live
in :class:`ItemValidator`; rules needing all items (uniqueness, references, cycles) live in
:func:`check_references`. Findings about the whole site (empty and stale columns) live in
:mod:`generator.site.inspection`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from generator.content.catalog import Catalog, Column
from generator.content.dates import AsOf, DateProblem, parse_date, parse_datetime
from generator.content.doc_number import DocNumber, parse_doc_number
from generator.content.fields import (
    DISCLOSURE_VALUES,
    FIELDS,
    FIELDS_BY_KEY,
    KEY_BY_NAME,
    PAGE_DOCUMENT_KEYS,
    PAGE_KEYS,
    SUMMARY_MAX_CHARS,
    SUPERSEDED_VALIDITY,
    VALIDITY_VALUES,
    label,
)
from generator.content.load import SourceFile
from generator.content.model import ColumnPage, Item
from generator.content.texts import FORBIDDEN_CHARACTER, front_matter_texts, strings
from generator.diagnostics import Report, did_you_mean

KEYWORD_SEPARATORS = re.compile(r"[，,、;；\s]+")
T = TypeVar("T")
TRUE_WORDS = {"true": True, "yes": True, "是": True, "false": False, "no": False, "否": False}


def _field_name(key: str) -> str:
    return f"“{label(key)}”（{key}）"


class ItemValidator:
    """Checks one item's front matter against the fields, the catalog and its column."""

    def __init__(self, source: SourceFile, column: Column, catalog: Catalog, report: Report):
        self.source = source
        self.column = column
        self.catalog = catalog
        self.report = report

    def problem(self, code: str, key: str | None, message: str) -> None:
        entry = self.source.entries.get(key) if key else None
        line = entry.line if entry else 1
        column = entry.column if entry else 1
        self.report.add(code, self.source.rel, line, message, column=column)

    # Reading raw values ------------------------------------------------------------------

    def text(self, key: str) -> str | None:
        """A one-value field as stripped text; None when absent, empty or of the wrong type."""
        entry = self.source.entries.get(key)
        if entry is None or entry.value is None:
            return None
        if not isinstance(entry.value, str):
            self.problem(
                "E-FIELD-TYPE",
                key,
                f"{_field_name(key)}应为一个值，不能是列表或映射；{FIELDS_BY_KEY[key].help}。",
            )
            return None
        return entry.value.strip() or None

    # The checks ----------------------------------------------------------------------------

    def shared_keys(self, src_uri: str, body: str) -> Item:
        """What an item and a page written as a document share: title, publisher, topic,
        公开属性, dates and 索引号, read and checked (for a page column's page, none of them
        required)."""
        item = Item(
            source=self.source.rel,
            src_uri=src_uri,
            column=self.column,
            title=self.title(),
            index_no=None,
            publisher=self.publisher(),
            topic=self.topic(),
            disclosure=self.choice("disclosure", DISCLOSURE_VALUES, "E-DISCLOSURE-VALUE"),
            published=None,
            body=body,
            body_line=self.source.body_line,
            lines={key: entry.line for key, entry in self.source.entries.items()},
        )
        item.written = self.when("written", parse_date, None)
        item.published, item.published_has_time = self.when(
            "published", parse_datetime, (None, False)
        )
        item.index_no = self.index_no(item)
        return item

    def run(self, src_uri: str) -> Item:
        self.check_keys()
        check_characters(self.source, self.report)
        self.check_required()
        item = self.shared_keys(src_uri, body=self.source.body)
        item.doc_no = self.doc_no(item)
        item.genre = self.choice("genre", self.catalog.genres, "E-GENRE-UNKNOWN")
        item.keywords = self.keywords()
        item.summary = self.summary()
        item.validity = self.choice("validity", VALIDITY_VALUES, "E-VALIDITY-VALUE")
        item.superseded_by = self.text("superseded_by")
        item.interprets = self.text("interprets")
        item.editor = self.text("editor")
        item.reviewer = self.text("reviewer")
        item.approver = self.text("approver")
        item.draft = self.draft()
        item.extra = self.extra()
        written_validity = self.source.entries.get("validity")
        if (
            item.superseded_by
            and item.validity not in SUPERSEDED_VALIDITY
            # a validity that is written but wrong has its own diagnostic already
            and (item.validity or written_validity is None or not written_validity.value)
        ):
            self.problem(
                "E-SUPERSEDED-VALIDITY",
                "validity" if item.validity else "superseded_by",
                f"填写了替代文件 {item.superseded_by}，"
                + (f"有效性却是“{item.validity}”" if item.validity else "却没有填写有效性")
                + "；请改为“已修订”或“已废止”，或删除替代文件。",
            )
        if item.written and item.published and item.written > item.published.date():
            self.problem(
                "E-DATE-ORDER",
                "written",
                f"成文日期 {item.written} 晚于发布日期 {item.published_text}；请核对两个日期。",
            )
        if not item.draft and not self.source.body.strip():
            self.report.add(
                "E-ITEM-EMPTY",
                self.source.rel,
                self.source.body_line,
                "条目没有正文，也没有附件，发布出去是一个空页面。请在结束元数据的 --- 之后写正文，"
                "或把附件放在条目旁边，用 [附件名称](附件文件名.pdf) 链接。",
            )
        if self.catalog.require_approval and item.disclosure == "主动公开" and not item.draft:
            for key in ("reviewer", "approver"):
                if not getattr(item, key):
                    self.problem(
                        "E-APPROVAL-MISSING",
                        None,
                        f"本站要求先审核后发布（require_approval: true），缺少{_field_name(key)}。"
                        "未经审核的信息不得上网发布。",
                    )
        return item

    def check_keys(self) -> None:
        candidates = list(KEY_BY_NAME)
        for entry in self.source.entries.values():
            if entry.key is not None:
                continue
            hint = did_you_mean(entry.name, candidates, cutoff=0.5)
            message = f"未知的键“{entry.name}”。{hint}自定义内容请写在 extra: 下面。"
            self.problem("E-KEY-UNKNOWN", entry.name, message)  # kept under the name it has

    def check_required(self) -> None:
        required = [f.key for f in FIELDS if f.required] + list(self.column.required)
        for key in dict.fromkeys(required):
            entry = self.source.entries.get(key)
            if entry is None or entry.value is None or entry.value == "":
                where = f"栏目“{self.column.name}”要求" if key in self.column.required else "必须"
                self.problem(
                    "E-REQUIRED",
                    key,
                    f"缺少{_field_name(key)}：{where}填写（{FIELDS_BY_KEY[key].help}）。",
                )

    def title(self) -> str:
        title = self.text("title") or ""
        if "\n" in title:
            self.problem("E-TITLE-MULTILINE", "title", "标题含有换行；请把标题写在一行内。")
            title = " ".join(title.split())
        return title

    def choice(self, key: str, allowed: tuple[str, ...], code: str) -> str | None:
        value = self.text(key)
        if value is None:
            return None
        if value not in allowed:
            hint = did_you_mean(value, allowed, cutoff=0.3)
            self.problem(
                code, key, f"{_field_name(key)}“{value}”不可用。{hint}可选：{'、'.join(allowed)}。"
            )
            return None
        return value

    def publisher(self):  # -> Unit | None
        name = self.text("publisher")
        if name is None:
            return None
        unit = self.catalog.unit(name)
        if unit is None:
            hint = did_you_mean(name, self.catalog.unit_names(), cutoff=0.4)
            self.problem(
                "E-PUBLISHER-UNKNOWN",
                "publisher",
                f"发布机构“{name}”不在 columns.yml 的机构名录中。{hint}"
                "请填写名录中的全称或简称，或先在 units 中登记该机构。",
            )
            return None
        if self.column.units and unit.name not in self.column.units:
            self.problem(
                "E-PUBLISHER-NOT-ALLOWED",
                "publisher",
                f"“{unit.name}”不能在栏目“{self.column.name}”发布；"
                f"该栏目只允许：{'、'.join(self.column.units)}。",
            )
        return unit

    def topic(self):  # -> Topic | None
        value = self.text("topic")
        if value is None:
            return None
        topic = self.catalog.topics.parse(value)
        if topic is None:
            suggestions = self.catalog.topics.suggestions(value)
            hint = f"可能是：{'、'.join(suggestions)}。" if suggestions else ""
            if "\\" in value:
                hint = f"一级和二级之间用“/”分隔，不用“\\”。{hint}"
            self.problem(
                "E-TOPIC-UNKNOWN",
                "topic",
                f"主题分类“{value}”不在词表中。{hint}格式为“一级”或“一级/二级”，如“综合政务/政务公开”。",
            )
        return topic

    def when(self, key: str, parse: Callable[[str], T], absent: T) -> T:
        """A date field as ``parse`` reads it; ``absent`` when missing, or wrong (reported with
        the fix)."""
        value = self.text(key)
        if value is None:
            return absent
        try:
            return parse(value)
        except DateProblem as problem:
            fix = (
                f"应写为 {problem.corrected}"
                if problem.corrected
                else "格式为 YYYY-MM-DD，如 2024-03-05"
            )
            if key == "published" and not problem.corrected:
                fix += "，或 YYYY-MM-DD HH:MM"
            self.problem(problem.code, key, f"{_field_name(key)}{problem.reason}；{fix}。")
            return absent

    def index_no(self, item: Item):  # -> IndexNumber | None
        value = self.text("index_no")
        if value is None:
            return None
        pattern = self.catalog.index_pattern
        number = pattern.parse(value)
        if number is None:
            normalized = value.replace("／", "/").replace("－", "-").replace(" ", "")
            corrected = pattern.parse(normalized)
            hint = f"应写为 {normalized}。" if corrected else f"例如 {pattern.example()}。"
            self.problem(
                "E-INDEX-FORMAT",
                "index_no",
                f"索引号“{value}”格式不对：应为 {pattern.pattern}（机构代码/年份-五位流水号）；{hint}",
            )
            return None
        if item.publisher and number.unit_code != item.publisher.code:
            self.problem(
                "E-INDEX-UNIT",
                "index_no",
                f"索引号前段“{number.unit_code}”不是发布机构“{item.publisher.name}”的代码 "
                f"{item.publisher.code}；索引号应以 {item.publisher.code}/ 开头。",
            )
        if item.published and number.year != item.published.year:
            self.problem(
                "E-INDEX-YEAR",
                "index_no",
                f"索引号年份 {number.year} 与发布日期 {item.published_text} 的年份不一致；"
                f"应为 {item.published.year}。",
            )
        return number

    def doc_no(self, item: Item) -> DocNumber | None:
        value = self.text("doc_no")
        if value is None:
            return None
        parsed = parse_doc_number(value)
        if not isinstance(parsed, DocNumber):
            corrected = (
                f"应写为“{parsed.corrected}”。"
                if parsed.corrected
                else "例如“源政办〔2018〕51号”。"
            )
            self.problem(
                parsed.code,
                "doc_no",
                f"文号“{value}”不规范：{'；'.join(parsed.reasons)}。{corrected}",
            )
            return None
        limits = [d.year for d in (item.written, item.published) if d is not None]
        if limits and parsed.year > max(limits):  # a file written in one year, published later
            self.problem(
                "E-DOCNO-YEAR",
                "doc_no",
                f"文号年份 {parsed.year} 晚于成文日期和发布日期的年份（最晚 {max(limits)} 年）；"
                "请核对文号和日期。",
            )
        return parsed

    def keywords(self) -> tuple[str, ...]:
        entry = self.source.entries.get("keywords")
        if entry is None or entry.value is None:
            return ()
        raw = entry.value
        if isinstance(raw, str):
            words = KEYWORD_SEPARATORS.split(raw)
        elif isinstance(raw, list) and all(isinstance(v, str) or v is None for v in raw):
            words = [w.strip() for w in raw if w]
        else:
            self.problem("E-FIELD-TYPE", "keywords", "关键词应为列表，或用“，、”分隔的文字。")
            return ()
        return tuple(dict.fromkeys(w for w in words if w))

    def summary(self) -> str | None:
        value = self.text("summary")
        if value and len(value) > SUMMARY_MAX_CHARS:
            self.problem(
                "E-SUMMARY-LONG",
                "summary",
                f"内容概述有 {len(value)} 字，超过 {SUMMARY_MAX_CHARS} 字；请压缩。",
            )
        return value

    def draft(self) -> bool:
        entry = self.source.entries.get("draft")
        if entry is None or entry.value is None:
            return False
        value = entry.value if isinstance(entry.value, str) else ""
        flag = TRUE_WORDS.get(value.strip().lower())
        if flag is None:
            self.problem("E-DRAFT-VALUE", "draft", f"草稿“{entry.value}”只能是 true 或 false。")
            return True  # when in doubt, do not publish
        return flag

    def extra(self) -> dict[str, Any]:
        entry = self.source.entries.get("extra")
        if entry is None or entry.value is None:
            return {}
        if not isinstance(entry.value, dict):
            self.problem("E-FIELD-TYPE", "extra", "extra 下面应逐行写“名称: 值”。")
            return {}
        return entry.value


def check_characters(source: SourceFile, report: Report) -> None:
    """Every front matter value, ``extra:`` included: no control character (see above)."""
    values = (value for entry in source.entries.values() for value in strings(entry.value))
    if not any(FORBIDDEN_CHARACTER.search(value) for value in values):
        return  # nearly every file: searched once, without positions
    for text in front_matter_texts(
        source, worth_reading=lambda v: bool(FORBIDDEN_CHARACTER.search(v))
    ):
        found = FORBIDDEN_CHARACTER.search(text.text)
        assert found is not None
        report.add(
            "E-FM-CONTROL-CHAR",
            source.rel,
            text.line,
            f"“{text.field}”的值含有控制字符 U+{ord(found.group()):04X}（第 {found.start() + 1} 个字符，"
            "页面上看不见，会使订阅源等文件无法解析）；请删除它（多由复制粘贴或转义写法 \\x、\\u 带入）。",
            column=text.column,
        )


def read_page(
    source: SourceFile, src_uri: str, column: Column | None, catalog: Catalog, report: Report
) -> ColumnPage:
    """A column introduction: title, summary, keywords, extra. A page column's page (the
    政府信息公开指南) may also be written as the document it is, with the item keys of
    :data:`PAGE_DOCUMENT_KEYS`, validated as an item's."""
    document_keys = PAGE_DOCUMENT_KEYS if column is not None and column.kind == "page" else set()
    check_characters(source, report)
    for entry in source.entries.values():
        if entry.key not in PAGE_KEYS and entry.key not in document_keys:
            allowed = "标题、内容概述和关键词" + (
                "，以及发布机构、发布日期、成文日期、索引号、主题分类和公开属性"
                if document_keys
                else ""
            )
            report.add(
                "E-KEY-UNKNOWN",
                source.rel,
                entry.line,
                f"栏目页面只能写{allowed}，“{entry.name}”不能用在这里；条目请另建文件。",
                column=entry.column,
            )
    document = None
    if column is not None and any(key in source.entries for key in document_keys):
        document = ItemValidator(source, column, catalog, report).shared_keys(src_uri, body="")
    title = source.entries.get("title")
    summary = source.entries.get("summary")
    return ColumnPage(
        source=source.rel,
        src_uri=src_uri,
        column=column,
        title=title.value.strip() if title and isinstance(title.value, str) else None,
        summary=summary.value.strip() if summary and isinstance(summary.value, str) else None,
        body=source.body,
        body_line=source.body_line,
        document=document,
    )


def check_references(items: list[Item], report: Report) -> None:
    """Site-wide rules: unique index numbers, resolvable references, no supersession cycles."""
    by_number: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        if item.index_no:
            by_number[str(item.index_no)].append(item)
    for number, holders in by_number.items():
        if len(holders) < 2:
            continue
        holders.sort(key=lambda i: i.source)
        for item in holders:
            others = "、".join(
                f"{o.source}:{o.line_of('index_no')}" for o in holders if o is not item
            )
            report.add(
                "E-INDEX-DUP",
                item.source,
                item.line_of("index_no"),
                f"索引号 {number} 重复，也用于 {others}；索引号全站唯一，请给新条目换一个流水号。",
            )
    by_index = {number: holders[0] for number, holders in by_number.items()}
    for item in items:
        for key in ("superseded_by", "interprets"):
            target = getattr(item, key)
            if target and target not in by_index:
                report.add(
                    "E-REF-MISSING",
                    item.source,
                    item.line_of(key),
                    f"{_field_name(key)}“{target}”找不到对应的条目；请核对索引号。",
                )
    _check_supersession_cycles(items, by_index, report)


def _check_supersession_cycles(
    items: list[Item], by_index: dict[str, Item], report: Report
) -> None:
    reported: set[str] = set()
    for start in items:
        chain: list[Item] = []
        current: Item | None = start
        while current is not None and current not in chain:
            chain.append(current)
            current = by_index.get(current.superseded_by or "")
        if current is None or current is not start or start.source in reported:
            continue
        names = " → ".join(str(i.index_no) for i in [*chain, start])
        for member in chain:
            reported.add(member.source)
        report.add(
            "E-SUPERSEDE-CYCLE",
            start.source,
            start.line_of("superseded_by"),
            f"替代文件形成循环：{names}；新文件不能再被旧文件替代。",
        )


def check_public_references(items: list[Item], as_of: AsOf, report: Report) -> None:
    """A public item must not point at an item that is not public: the link would 404 or leak;
    two public items may not share a 文号 unless one replaces the other."""
    by_index = {str(i.index_no): i for i in items if i.index_no}
    _check_doc_number_duplicates([i for i in items if i.is_public(as_of)], report)
    for item in items:
        if not item.is_public(as_of):
            continue
        for key in ("superseded_by", "interprets"):
            target = by_index.get(getattr(item, key) or "")
            if target is not None and not target.is_public(as_of):
                report.add(
                    "E-REF-NOT-PUBLIC",
                    item.source,
                    item.line_of(key),
                    f"{_field_name(key)}指向的“{target.title}”（{target.source}）不是已发布的主动公开条目，"
                    "公开页面上的链接会失效；请先发布它，或删除此引用。",
                )


def _check_doc_number_duplicates(public: list[Item], report: Report) -> None:
    by_doc_no: dict[str, list[Item]] = defaultdict(list)
    for item in public:
        if item.doc_no:
            by_doc_no[str(item.doc_no)].append(item)
    for doc_no, holders in by_doc_no.items():
        for item in sorted(holders, key=lambda i: i.source):
            others = [
                other
                for other in holders
                if other is not item and not _replaces(item, other) and not _replaces(other, item)
            ]
            if others:
                names = "、".join(f"{o.source}（{o.title}）" for o in others)
                report.add(
                    "E-DOCNO-DUP",
                    item.source,
                    item.line_of("doc_no"),
                    f"文号 {doc_no} 也用于已发布的 {names}。同一文号只能有一个现行的条目：请核对文号；"
                    "若是修订后重新印发，在旧文件中写“替代文件: 新文件的索引号”和“有效性: 已修订”。",
                )


def _replaces(new: Item, old: Item) -> bool:
    return bool(new.index_no) and old.superseded_by == str(new.index_no)
