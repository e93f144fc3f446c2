"""数据开放: the metadata of every published item as ``data/items.json`` and ``data/items.csv``.

The columns of the export are the public metadata fields of :data:`EXPORTED_KEYS` — those an item
page shows — with the Chinese labels and kinds of
:data:`generator.content.fields.FIELDS` (the one source of truth for item metadata), described
for the reader of the data (:data:`READER_DESCRIPTIONS`), followed by a
few values the site derives (the column, the page address, the publisher's code). The keys are an
allow-list on purpose: a field added later for the workflow must not land in a public export
unnoticed. ``data/schema.json`` is a JSON
Schema (draft 2020-12) of ``items.json`` generated from the same list, and the page ``data/``
describes it in Chinese; ``open_data_schema.md`` beside this module is the longer description.

Built from the site model, so the export holds public items only (SPEC §6). Not exported:
who prepared, reviewed and approved an item (names of staff, kept for the audit trail, not
shown on any page), the draft flag (always false for a published item) and ``extra`` (free-form,
unchecked content).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from generator.content.fields import FIELDS_BY_KEY, Kind
from generator.content.model import Item
from generator.site.model import SiteIdentity, SiteModel

DATA_ROOT = "data"
ITEMS_JSON = f"{DATA_ROOT}/items.json"
ITEMS_CSV = f"{DATA_ROOT}/items.csv"
SCHEMA_JSON = f"{DATA_ROOT}/schema.json"
SCHEMA_VERSION = "1.0"
EXPORTED_KEYS = (
    "title", "index_no", "publisher", "doc_no", "topic", "disclosure", "written", "published",
    "genre", "keywords", "summary", "validity", "superseded_by", "interprets",
)  # fmt: skip
LIST_SEPARATOR = "、"  # keywords in one CSV cell
# What each exported field means to the person who downloads the data. The help texts of
# generator/content/fields.py speak to the clerk who writes front matter (columns.yml, how to
# write a list); the export page and schema.json speak to citizens (issue #26).
READER_DESCRIPTIONS = {
    "title": "信息的标题",
    "index_no": "索引号：发布机构代码/发布年份-五位流水号，每条信息一个，不会更改，可用来引用或查询",
    "publisher": "发布这条信息的机关或单位的全称",
    "doc_no": "公文的发文字号；不是公文的信息没有文号",
    "topic": "主题分类，“一级”或“一级/二级”，如 民政、扶贫、救灾/社会福利",
    "disclosure": "公开属性；这里的信息都是“主动公开”",
    "written": "成文日期（公文落款的日期），YYYY-MM-DD",
    "published": "在本站发布的日期，YYYY-MM-DD，或带时间 YYYY-MM-DD HH:MM（北京时间）",
    "genre": "体裁（公文文种），如 通知、意见、公告，或“其他”",
    "keywords": "关键词；JSON 中为列表，CSV 中用“、”分隔",
    "summary": "内容概述，不超过 100 字",
    "validity": "政策文件的有效性：现行有效、已修订、已废止 或 失效；其他信息为空",
    "superseded_by": "已修订或已废止的文件：替代它的文件的索引号",
    "interprets": "政策解读：所解读的政策文件的索引号",
}

# Identifiers shown as examples: apart from the sentence, so that the page keeps them whole on
# one line and schema.json lists them under "examples".
READER_EXAMPLES = {
    "index_no": "015180001/2018-00051",
    "doc_no": "源政办〔2018〕51号",
}

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?$"


@dataclass(frozen=True)
class ExportField:
    """One column of the export: its JSON key, Chinese label, meaning and JSON Schema type."""

    key: str
    label: str
    description: str
    schema: dict[str, Any]
    value: Callable[[Item, SiteIdentity], Any]
    required: bool = False
    example: str = ""  # an identifier as it is written, shown beside the description


def _field_value(key: str) -> Callable[[Item, SiteIdentity], Any]:
    """How a field is exported: as text, None when empty, unless it is written otherwise."""
    special: dict[str, Callable[[Item, SiteIdentity], Any]] = {
        "publisher": lambda item, _: item.publisher.name if item.publisher else None,
        "written": lambda item, _: item.written.isoformat() if item.written else None,
        "published": lambda item, _: item.published_text or None,
        "keywords": lambda item, _: list(item.keywords),
    }

    def text(item: Item, identity: SiteIdentity) -> Any:
        raw = getattr(item, key)
        return str(raw) if raw is not None else None

    return special.get(key, text)


def _field_schema(kind: Kind, required: bool) -> dict[str, Any]:
    if kind is Kind.LIST:
        return {"type": "array", "items": {"type": "string"}}
    schema: dict[str, Any] = {"type": "string" if required else ["string", "null"]}
    if kind is Kind.DATE:
        schema["pattern"] = DATE_PATTERN
    elif kind is Kind.DATETIME:
        schema["pattern"] = DATETIME_PATTERN
    return schema


EXPORT_FIELDS: tuple[ExportField, ...] = (
    *(
        ExportField(
            key=f.key,
            label=f.alias,
            description=READER_DESCRIPTIONS[f.key],
            schema=_field_schema(f.kind, f.required),
            value=_field_value(f.key),
            required=f.required,
            example=READER_EXAMPLES.get(f.key, ""),
        )
        for f in (FIELDS_BY_KEY[key] for key in EXPORTED_KEYS)
    ),
    ExportField(
        "publisher_code",
        "机构代码",
        "发布机构的组织机构代码或统一社会信用代码（索引号前段）",
        {"type": ["string", "null"]},
        lambda item, _: item.publisher.code if item.publisher else None,
    ),
    ExportField(
        "column",
        "栏目路径",
        "所在栏目在本站网址中的路径，如 fdzdgknr/zcwj（政策文件）",
        {"type": "string"},
        lambda item, _: item.column.path,
        required=True,
    ),
    ExportField(
        "column_name",
        "栏目",
        "所在栏目的名称，如 政策文件",
        {"type": "string"},
        lambda item, _: item.column.name,
        required=True,
    ),
    ExportField(
        "url",
        "网址",
        "这条信息在本站的网页地址",
        {"type": "string"},
        lambda item, identity: identity.absolute(item.url),
        required=True,
    ),
)


def item_record(item: Item, identity: SiteIdentity) -> dict[str, Any]:
    return {field.key: field.value(item, identity) for field in EXPORT_FIELDS}


def items_json(model: SiteModel, identity: SiteIdentity, records: list[dict[str, Any]]) -> bytes:
    """The document with one item per line: easy to read and to diff."""
    head = {
        "$schema": "schema.json",
        "schema_version": SCHEMA_VERSION,
        "site": identity.name,
        "site_url": identity.url,
        "as_of": str(model.as_of),
        "count": len(records),
    }
    lines = b",\n".join(b"  " + orjson.dumps(record) for record in records)
    items = b"[\n" + lines + b"\n ]" if records else b"[]"
    text = json.dumps(head, ensure_ascii=False, indent=1).removesuffix("\n}")
    return text.encode() + b',\n "items": ' + items + b"\n}\n"


# A cell that starts with one of these is read as a formula by Excel, WPS and LibreOffice
# (CSV injection: a title such as =HYPERLINK(…) would run on the reader's computer).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """OWASP's advice for CSV injection: such a cell gets a leading single quote, which the
    spreadsheet shows as text and does not evaluate; every other cell is as it is."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def items_csv(records: list[dict[str, Any]]) -> bytes:
    """One row per item, Chinese column labels; UTF-8 with BOM and CRLF so that Excel opens it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([field.label for field in EXPORT_FIELDS])
    for record in records:
        values = (record[field.key] for field in EXPORT_FIELDS)
        writer.writerow(
            spreadsheet_safe(LIST_SEPARATOR.join(value) if isinstance(value, list) else value or "")
            for value in values
        )
    return buffer.getvalue().encode("utf-8-sig")


def schema_document(identity: SiteIdentity) -> dict[str, Any]:
    """The JSON Schema of items.json, generated from :data:`EXPORT_FIELDS`."""
    item_properties = {
        field.key: {
            "title": field.label,
            "description": field.description,
            **({"examples": [field.example]} if field.example else {}),
            **field.schema,
        }
        for field in EXPORT_FIELDS
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": identity.absolute(SCHEMA_JSON),
        "title": f"{identity.name}：政府信息公开条目元数据",
        "description": "网站已发布的全部主动公开政府信息的元数据（不含正文）。"
        "字段与条目页面的信息属性表一致；依申请公开、不予公开、草稿和尚未到发布日期的条目不在其中。",
        "type": "object",
        "required": ["schema_version", "site", "as_of", "count", "items"],
        "properties": {
            "$schema": {"type": "string"},
            "schema_version": {"type": "string", "description": "本格式的版本号"},
            "site": {"type": "string", "title": "网站名称"},
            "site_url": {"type": "string", "title": "网站地址"},
            "as_of": {"type": "string", "title": "数据截至时间", "description": "北京时间"},
            "count": {"type": "integer", "minimum": 0, "title": "条目数"},
            "items": {
                "type": "array",
                "title": "条目",
                "description": "按发布日期由新到旧排列",
                "items": {
                    "type": "object",
                    "required": [field.key for field in EXPORT_FIELDS if field.required],
                    "additionalProperties": False,
                    "properties": item_properties,
                },
            },
        },
        "additionalProperties": False,
    }


def schema_json(identity: SiteIdentity) -> bytes:
    text = json.dumps(schema_document(identity), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def open_data_files(model: SiteModel, identity: SiteIdentity) -> dict[str, bytes]:
    records = [item_record(item, identity) for item in model.items]
    return {
        ITEMS_JSON: items_json(model, identity, records),
        ITEMS_CSV: items_csv(records),
        SCHEMA_JSON: schema_json(identity),
    }


@dataclass(frozen=True)
class OpenDataPage:
    """What the page ``data/`` shows: the downloads and the fields they hold."""

    count: int
    as_of: str
    fields: tuple[ExportField, ...]
    json_path: str = ITEMS_JSON
    csv_path: str = ITEMS_CSV
    schema_path: str = SCHEMA_JSON


def open_data_page(model: SiteModel) -> OpenDataPage:
    return OpenDataPage(count=len(model.items), as_of=str(model.as_of), fields=EXPORT_FIELDS)
