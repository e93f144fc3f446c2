"""Site search (条例 第二十四条 检索): the search page's filters, and the build's index step.

The index (:mod:`generator.publish.search_index`) is made from the site model and the body text
of each published item's rendered page, so it holds exactly the published items. The search
page (``search.html``, ``assets/search.js``) fetches the pieces a query needs.

An incremental build makes the whole index again — it is a plain function of the published
items — and writes only the files whose bytes changed; the others are taken over from the
published site. So it is byte for byte what a full build writes, and a word that only an old
version of an item had is in no file afterwards.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from generator.content.catalog import Catalog, Column
from generator.content.model import Item
from generator.diagnostics import Report
from generator.publish.atomic import overlay_path
from generator.publish.search_index import EXCERPT_CHARS, Document, index_files
from generator.site.model import SiteModel

SEARCH_ROOT = "search"  # the search page: search/?q=…
INDEX_DIR = "search-index"  # the index files, outside search/ (the link check skips them)
VALIDITY_ORDER = ("现行有效", "已修订", "已废止", "失效")


@dataclass(frozen=True)
class FilterChoice:
    """One filter of the search page with its values and their totals, in catalog order. The
    n-th value's documents are in the index file ``f/{key}-{n}.bin``."""

    key: str
    title: str
    values: list[tuple[str, int]]


@dataclass(frozen=True)
class SearchPage:
    """What the search page needs: the filters it offers."""

    filters: list[FilterChoice]


def search_page(model: SiteModel) -> SearchPage:
    """The search page's filters (栏目, the browse facets, 有效性), with totals."""
    return SearchPage([choice for choice, _ in _filters(model)])


def _filters(model: SiteModel) -> list[tuple[FilterChoice, list[list[Item]]]]:
    """Each filter with the items of each of its values."""
    columns = column_labels(model.catalog)
    found: list[tuple[FilterChoice, list[list[Item]]]] = []

    def add(key: str, title: str, values: list[tuple[str, list[Item]]]) -> None:
        values = [(name, items) for name, items in values if items]
        if values:
            choice = FilterChoice(key, title, [(name, len(items)) for name, items in values])
            found.append((choice, [items for _, items in values]))

    listed = model.catalog.list_columns()
    add("column", "栏目", [(columns[c.path], model.by_column.get(c.path, [])) for c in listed])
    for facet in model.facets:
        add(facet.key, facet.title, [(value.name, value.items) for value in facet.values])
    by_validity: dict[str, list[Item]] = {name: [] for name in VALIDITY_ORDER}
    for item in model.items:
        if item.validity in by_validity:
            by_validity[item.validity].append(item)
    add("validity", "有效性", list(by_validity.items()))
    return found


def column_labels(catalog: Catalog) -> dict[str, str]:
    """The 栏目 filter value of each column: its name, or its trail where names repeat."""
    columns = list(catalog.walk())
    repeated = {name for name, count in Counter(c.name for c in columns).items() if count > 1}

    def label(column: Column) -> str:
        if column.name not in repeated:
            return column.name
        return " / ".join(c.name for c in column.trail())

    return {column.path: label(column) for column in columns}


# The build step ----------------------------------------------------------------------------


def build_search_index(
    output: Path,
    model: SiteModel,
    report: Report,
    published: Path | None = None,
    kept: set[str] | None = None,
) -> dict[str, Any] | None:
    """Publish step: write the index of the published items into the staging folder ``output``.

    With ``published`` (an incremental build, whose ``output`` holds only what is new), item
    pages not rendered anew are read from that site, and an index file whose bytes are those
    of the published one is not written but added to ``kept``. Returns what the build
    manifest keeps (the number of files); ``None`` when an item page could not be read
    (reported).
    """
    items = list(reversed(model.items))  # publication order: document n is the n-th published
    documents = search_documents(output, model, items, report, published)
    if documents is None:
        return None
    numbers = {item.src_uri: n for n, item in enumerate(items)}
    filters = {
        choice.key: [[numbers[item.src_uri] for item in value] for value in values]
        for choice, values in _filters(model)
    }
    files = index_files(documents, filters)
    try:
        for name, data in files.items():
            path = f"{INDEX_DIR}/{name}"
            if published is not None and kept is not None and _same_file(published / path, data):
                kept.add(path)
                continue
            target = output / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    except OSError as error:
        report.add("E-SEARCH-FAILED", INDEX_DIR + "/", 1, f"无法写入检索索引：{error}")
        return None
    return {"files": len(files)}


def _same_file(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def search_documents(
    output: Path, model: SiteModel, items: list[Item], report: Report, published: Path | None
) -> list[Document] | None:
    """What the index takes of each item: the model's fields and its page's body text."""
    columns = column_labels(model.catalog)
    documents = []
    for item in items:
        page = overlay_path(output, published, f"{item.url}index.html")
        try:
            body = body_text(page.read_bytes())
        except OSError:
            body = None
        if body is None:
            report.add(
                "E-SEARCH-INCOMPLETE",
                item.source,
                1,
                f"检索索引读不到条目 {item.url} 页面的正文；自定义 theme/ 覆盖 item.html 时"
                '保留正文外的 <!--dp:search--> 注释和 class="dp-body"。',
            )
            return None
        documents.append(search_document(item, columns[item.column.path], body))
    return documents


def search_document(item: Item, column: str, body: str) -> Document:
    publisher = item.publisher.name if item.publisher else ""
    identifiers = tuple(str(number) for number in (item.doc_no, item.index_no) if number)
    aliases = list(item.publisher.aliases) if item.publisher else []
    text = "\n".join([publisher, *aliases, *item.keywords, item.summary or "", body])
    return Document(item.title, identifiers, text, result_record(item, column, body))


def result_record(item: Item, column: str, body: str) -> dict[str, str]:
    """An item in a result list (keys as assets/search.js reads them); empty values left out."""
    shown = {
        "url": item.url,
        "title": item.title,
        "date": item.published_text,
        "column": column,
        "publisher": item.publisher.name if item.publisher else "",
        "doc_no": str(item.doc_no or ""),
        "index_no": str(item.index_no or ""),
        "validity": item.validity or "",
        "excerpt": excerpt(item.summary or body),
    }
    return {key: value for key, value in shown.items() if value}


_SPACES = re.compile(r"\s+")


def excerpt(text: str) -> str:
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "……"


# The part of an item page that holds its body lies between these comments of item.html.
SEARCH_PART_START = b"<!--dp:search-->"
SEARCH_PART_END = b"<!--/dp:search-->"


def body_text(page: bytes) -> str | None:
    """The text of an item page's body (``.dp-body``), its inline elements joined without
    spaces (a word may be split by emphasis); ``None`` when the page has none."""
    start = page.find(SEARCH_PART_START)
    end = page.rfind(SEARCH_PART_END)
    part = page[start:end] if 0 <= start < end else page
    body = LexborHTMLParser(part).css_first(".dp-body")
    if body is None:
        return None
    for node in body.css("script, style"):
        node.decompose()
    return body.text(separator="", strip=False)
