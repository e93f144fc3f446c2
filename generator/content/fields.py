"""The front matter keys of an item (SPEC §2): the single source of truth.

The loader resolves aliases with it, the validator reads its kinds and requirements, the item
page renders its labels in its order, and the clerk's guide lists it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    LINE = "line"  # one line of text
    TEXT = "text"  # free text
    DATE = "date"  # YYYY-MM-DD
    DATETIME = "datetime"  # YYYY-MM-DD or YYYY-MM-DD HH:MM
    LIST = "list"  # list of strings, or a string split on separators
    BOOL = "bool"
    MAPPING = "mapping"


@dataclass(frozen=True)
class Field:
    key: str
    alias: str
    kind: Kind
    required: bool
    help: str


FIELDS: tuple[Field, ...] = (
    Field("title", "标题", Kind.LINE, True, "一行标题"),
    Field(
        "index_no",
        "索引号",
        Kind.LINE,
        True,
        "机构代码/年份-五位流水号，全站唯一，一经发布不再更改",
    ),
    Field("publisher", "发布机构", Kind.LINE, True, "columns.yml 机构名录中的全称或简称"),
    Field("doc_no", "文号", Kind.LINE, False, "机关代字〔年份〕序号号，如 源政办〔2018〕51号"),
    Field("topic", "主题分类", Kind.LINE, True, "“一级”或“一级/二级”，取自主题分类词表"),
    Field("disclosure", "公开属性", Kind.LINE, True, "主动公开、依申请公开 或 不予公开"),
    Field("written", "成文日期", Kind.DATE, False, "YYYY-MM-DD"),
    Field(
        "published", "发布日期", Kind.DATETIME, True, "YYYY-MM-DD 或 YYYY-MM-DD HH:MM（北京时间）"
    ),
    Field("genre", "体裁", Kind.LINE, False, "15 种公文文种之一，或“其他”"),
    Field("keywords", "关键词", Kind.LIST, False, "列表，或用“，、”分隔的文字"),
    Field("summary", "内容概述", Kind.TEXT, False, "不超过 100 字"),
    Field("validity", "有效性", Kind.LINE, False, "现行有效、已修订、已废止 或 失效"),
    Field("superseded_by", "替代文件", Kind.LINE, False, "替代本文件的条目的索引号"),
    Field("interprets", "解读对象", Kind.LINE, False, "本解读所解读的政策文件的索引号"),
    Field("editor", "信息员", Kind.LINE, False, "信息员姓名"),
    Field("reviewer", "审核人", Kind.LINE, False, "审核人姓名"),
    Field("approver", "签发人", Kind.LINE, False, "签发人姓名"),
    Field("draft", "草稿", Kind.BOOL, False, "true 表示草稿：校验但不发布"),
    Field(
        "privacy_exempt",
        "隐私豁免",
        Kind.MAPPING,
        False,
        "确需公开身份证号码、手机号码或银行卡号时填写：下面分行写 类型 和 理由（都必填）",
    ),
    Field("extra", "扩展", Kind.MAPPING, False, "自定义字段，不校验"),
)

FIELDS_BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}

# Both the canonical key and its Chinese alias name the field.
KEY_BY_NAME: dict[str, str] = {f.key: f.key for f in FIELDS} | {f.alias: f.key for f in FIELDS}

# The keys a column's introduction (index.md) or a single-page column may carry.
PAGE_KEYS: frozenset[str] = frozenset({"title", "summary", "keywords", "extra", "privacy_exempt"})
# A page column's page (政府信息公开指南) is itself an official document: it may carry these too.
PAGE_DOCUMENT_KEYS: frozenset[str] = frozenset(
    {"publisher", "published", "written", "index_no", "topic", "disclosure"}
)

DISCLOSURE_VALUES = ("主动公开", "依申请公开", "不予公开")
PUBLIC_DISCLOSURE = "主动公开"
VALIDITY_VALUES = ("现行有效", "已修订", "已废止", "失效")
SUPERSEDED_VALIDITY = ("已修订", "已废止")
GENRES = (
    "决议", "决定", "命令", "令", "公报", "公告", "通告", "意见", "通知", "通报",
    "报告", "请示", "批复", "议案", "函", "纪要", "其他",
)  # fmt: skip
SUMMARY_MAX_CHARS = 100


def label(key: str) -> str:
    return FIELDS_BY_KEY[key].alias
