"""`disclosure new`: scaffold an item with complete front matter and the next free 索引号.

The file is written with the Chinese key names a clerk reads, never over an existing file, and
passes `disclosure check` as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.content.catalog import Catalog, Column, Unit
from generator.content.collection import CONTENT_DIR, read_collection
from generator.content.dates import AsOf
from generator.content.doc_number import DocNumber, parse_doc_number
from generator.content.fields import FIELDS, label
from generator.content.model import Collection
from generator.diagnostics import Report

DEFAULT_TOPIC = "综合政务/政务公开"
# Optional keys written empty so that the clerk sees them and fills them in.
TO_FILL_IN = {"summary", "editor", "reviewer", "approver"}


class NewItemError(ValueError):
    """A request that cannot be fulfilled; the message says why, in Chinese."""


@dataclass
class NewItem:
    column: str  # column id or path, e.g. zcwj or fdzdgknr/zcwj
    publisher: str
    title: str
    topic: str = DEFAULT_TOPIC
    doc_no: str | None = None
    genre: str | None = None
    interprets: str | None = None
    editor: str | None = None
    reviewer: str | None = None
    approver: str | None = None
    file_name: str | None = None


def find_column(catalog: Catalog, wanted: str) -> Column:
    wanted = wanted.strip().strip("/")
    for column in catalog.walk():
        if wanted in (column.id, column.path, column.name):
            if not column.is_list:
                raise NewItemError(f"栏目“{column.name}”不是列表栏目，不能添加条目。")
            return column
    names = "、".join(f"{c.id}（{c.name}）" for c in catalog.list_columns())
    raise NewItemError(f"没有栏目“{wanted}”。可用的列表栏目：{names}。")


def find_unit(catalog: Catalog, column: Column, wanted: str) -> Unit:
    unit = catalog.unit(wanted)
    if unit is None:
        names = "、".join(u.name for u in catalog.units)
        raise NewItemError(f"机构名录中没有“{wanted}”。可用：{names}。")
    if column.units and unit.name not in column.units:
        raise NewItemError(
            f"“{unit.name}”不能在栏目“{column.name}”发布；该栏目只允许：{'、'.join(column.units)}。"
        )
    return unit


def open_catalog(site: Path) -> tuple[Collection, Catalog]:
    """The site's items and catalog, or an error when columns.yml cannot be used."""
    report = Report()
    collection = read_collection(site, report)
    if collection is None or report.has_config_errors():
        raise NewItemError("columns.yml 有错误，请先运行 disclosure check 修正。")
    return collection, collection.catalog


def assign_index_number(collection: Collection, unit: Unit, as_of: AsOf) -> str:
    """The next serial after the highest one used by this unit in this year (and month)."""
    pattern = collection.catalog.index_pattern
    day = as_of.day
    scope = (unit.code, day.year, day.month if pattern.has_month else None)
    used = [item.index_no for item in collection.items if item.index_no]
    highest = max((number.serial for number in used if number.scope == scope), default=0)
    return pattern.format(unit.code, day.year, highest + 1, day.month)


def item_path(
    site: Path, column: Column, as_of: AsOf, index_no: str, file_name: str | None
) -> Path:
    """``content/<column>/<name>/index.md``: an item folder (page bundle) that holds the item and
    its attachments under their own names; ``name`` as given, or ``日期-流水号`` by default."""
    serial = index_no.rsplit("-", 1)[-1]
    name = (file_name or f"{as_of.day.strftime('%Y%m%d')}-{serial}").removesuffix(".md")
    if any(mark in name for mark in "/\\:") or name.startswith(".") or not name.isprintable():
        raise NewItemError(
            f"--file“{name}”只能是文件名（条目文件夹的名称），不能含路径或以“.”开头：条目总是写在所选栏目的文件夹"
            f" {CONTENT_DIR}/{column.path}/ 中，如 --file 20260301-tongzhi。"
        )
    folder = site / CONTENT_DIR / column.path / name
    flat = folder.with_name(f"{name}.md")
    if flat.exists():  # the same address as the folder would have
        raise NewItemError(f"{flat.relative_to(site)} 已存在，不会覆盖；请换一个名称（--file）。")
    return folder / "index.md"


def front_matter(
    column: Column, values: dict[str, str | None], notes: dict[str, str] | None = None
) -> list[str]:
    """A new item's front matter lines with Chinese keys, in the order of the field table; an
    empty key to fill in carries its note as a YAML comment, which the clerk reads and
    `disclosure check` ignores. A new item is 主动公开, has no keywords yet, and is 现行有效
    where the column requires a validity."""
    values = {
        "disclosure": "主动公开",
        "keywords": "[]",
        "validity": "现行有效" if "validity" in column.required else None,
        **values,
    }
    notes = notes or {}
    lines = ["---"]
    for key in (field.key for field in FIELDS):
        value = values.get(key)
        if value:
            lines.append(f"{label(key)}: {value}")
        elif key in notes:
            lines.append(f"{label(key)}:  # {notes[key]}")
        elif key in TO_FILL_IN:
            lines.append(f"{label(key)}:")
    lines.append("---")
    return lines


def write_new_file(site: Path, path: Path, data: bytes) -> None:
    """Write a file that must not exist yet: an existing file is never overwritten."""
    try:
        path.parent.mkdir(exist_ok=True)  # the item's folder
        with path.open("xb") as stream:
            stream.write(data)
    except FileExistsError:
        raise NewItemError(
            f"{path.relative_to(site)} 已存在，不会覆盖；请换一个文件名（--file）。"
        ) from None


def create_item(site: Path, request: NewItem, as_of: AsOf) -> Path:
    collection, catalog = open_catalog(site)
    column = find_column(catalog, request.column)
    unit = find_unit(catalog, column, request.publisher)
    if catalog.topics.parse(request.topic) is None:
        raise NewItemError(f"主题分类“{request.topic}”不在词表中，格式为“一级/二级”。")
    index_no = assign_index_number(collection, unit, as_of)
    for key in column.required:
        if not getattr(request, key, None) and key != "validity":  # filled in below
            raise NewItemError(
                f"栏目“{column.name}”要求填写{label(key)}（--{key.replace('_', '-')}）。"
            )
    if catalog.require_approval and not (request.reviewer and request.approver):
        raise NewItemError(
            "本站要求先审核后发布，请用 --reviewer 和 --approver 填写审核人、签发人。"
        )
    day = as_of.day.isoformat()
    path = item_path(site, column, as_of, index_no, request.file_name)
    values = {
        "title": quoted(request.title),
        "index_no": index_no,
        "publisher": unit.name,
        "doc_no": _normalized_doc_no(request.doc_no),
        "topic": request.topic,
        "written": day,
        "published": day,
        "genre": request.genre or "通知",
        "interprets": request.interprets,
        "editor": request.editor,
        "reviewer": request.reviewer,
        "approver": request.approver,
    }
    lines = front_matter(column, values)
    # No placeholder text in the body: it would be published. An empty body is what the first
    # `disclosure check` names (E-ITEM-EMPTY), with what to write.
    lines.insert(
        -1,
        "# 正文写在下一行 --- 之后；附件放在本文件所在的文件夹中，用 [附件名称](附件1.pdf) 链接。",
    )
    write_new_file(site, path, ("\n".join(lines) + "\n").encode("utf-8"))
    return path


def quoted(text: str) -> str:
    """Quote a title when YAML would otherwise misread it (colons, leading symbols…)."""
    text = " ".join(text.split())
    if any(mark in text for mark in (": ", " #", "'", '"')) or text[:1] in "[]{}&*!|>%@`-?,":
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def _normalized_doc_no(doc_no: str | None) -> str | None:
    """源政办[2026]9号 → 源政办〔2026〕9号, the correction `disclosure fix` makes; a 文号 that
    cannot be corrected is written as given, for the check to explain."""
    if not doc_no:
        return doc_no
    parsed = parse_doc_number(doc_no)
    if not isinstance(parsed, DocNumber) and parsed.corrected:
        return parsed.corrected
    return doc_no
