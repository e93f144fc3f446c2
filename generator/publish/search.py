"""Site search (条例 第二十四条 检索): the build's index step (the search page's filters are
planned in :mod:`generator.site.search_page`).

The index (:mod:`generator.publish.search_index`) is made from the site model and the body text
of each published item's rendered page, so it holds exactly the published items. The search
page (``search.html``, ``assets/search.js``) fetches the pieces a query needs.

The index is a plain function of the published items. An incremental build changes only the
files that its edited and new items change, where the items keep their order (see
:func:`build_search_index`), and otherwise makes the whole index and writes the files whose bytes
changed; the others are taken over from the published site. Either way it is byte for byte what
a full build writes, and a word that only an old version of an item had is in no file
afterwards.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from generator.capabilities import can_fork, usable_cores
from generator.children import in_shares
from generator.content.catalog import Catalog
from generator.content.model import Item
from generator.diagnostics import Report
from generator.publish.atomic import files_under, overlay_path
from generator.publish.search_index import (
    BLOCK_SIZE,
    EXCERPT_CHARS,
    FORMAT,
    Document,
    Gathered,
    IndexSummary,
    document,
    files_of,
    gather,
    merge,
    update_files,
)
from generator.site.model import SiteModel
from generator.site.search_page import column_labels, filters_with_items

INDEX_DIR = "search-index"  # the index files, outside search/ (the link check skips them)


# The build step ----------------------------------------------------------------------------


def build_search_index(
    output: Path,
    model: SiteModel,
    report: Report,
    published: Path | None = None,
    kept: set[str] | None = None,
    previous: Any = None,
    rendered: frozenset[str] = frozenset(),
) -> dict[str, Any] | None:
    """Publish step: write the index of the published items into the staging folder ``output``.

    With ``published`` (an incremental build, whose ``output`` holds only what is new): item
    pages not rendered anew are read from that site; where the items keep their order (new
    ones after the last) and ``previous`` is what this step returned for the published index,
    only the files that the items of ``rendered`` (src_uris) and the new items change are made
    again (:func:`~generator.publish.search_index.update_files`), else the whole index; a file
    whose bytes are those of the published one is not written but added to ``kept``. Returns
    what the build manifest keeps for the next build; ``None`` when an item page could not be
    read or a file not written (reported).
    """
    items = list(reversed(model.items))  # publication order: document n is the n-th published
    filters = search_filters(model, items)
    state = SearchState.from_json(previous) if published is not None else None
    update = None
    if state is not None and published is not None:
        update = _update(output, model, items, report, published, state, rendered, filters)
        if report.has_errors():
            return None
    if update is not None:
        files, summary = update
    else:
        parts = search_parts(len(items))
        gathered = gather_items(output, model, items, report, published, parts)
        if gathered is None:
            return None
        built, summary = files_of(gathered, filters, parts)
        files = dict(built)
    if not _write(output, files, published, kept, update is not None, report):
        return None
    return SearchState([item.src_uri for item in items], summary).to_json()


def search_filters(model: SiteModel, items: list[Item]) -> dict[str, list[list[int]]]:
    """For each filter of the search page, the document numbers of each of its values
    (``items``: the documents' items, in order)."""
    numbers = {id(item): n for n, item in enumerate(items)}  # by identity: the fastest key
    return {
        choice.key: [list(map(numbers.__getitem__, map(id, value))) for value in values]
        for choice, values in filters_with_items(model)
    }


def _write(
    output: Path,
    files: dict[str, bytes | None],
    published: Path | None,
    kept: set[str] | None,
    partial: bool,
    report: Report,
) -> bool:
    """Write ``files`` under ``output``; with ``published``, those with the published bytes go
    into ``kept`` instead, and (``partial``: ``files`` are the changed ones) so do the
    published files not in ``files``. ``None`` in ``files``: not written, not kept."""
    try:
        if partial and published is not None and kept is not None:
            kept.update(
                f"{INDEX_DIR}/{name}"
                for name in files_under(published / INDEX_DIR)
                if name not in files
            )
        for name, data in files.items():
            path = f"{INDEX_DIR}/{name}"
            if data is None:
                continue
            if published is not None and kept is not None and _same_file(published / path, data):
                kept.add(path)
                continue
            target = output / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    except OSError as error:
        report.add("E-SEARCH-FAILED", INDEX_DIR + "/", 1, f"无法写入检索索引：{error}")
        return False
    return True


def _same_file(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


@dataclass(frozen=True)
class SearchState:
    """What the build manifest keeps of the index: the items' order and its summary."""

    order: list[str]  # the src_uri of each document
    summary: IndexSummary

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "order": self.order,
            "fingerprints": self.summary.fingerprints,
            "entry_bytes": self.summary.entry_bytes,
        }

    @classmethod
    def from_json(cls, data: object) -> SearchState | None:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        order, fingerprints = data.get("order"), data.get("fingerprints")
        entry_bytes = data.get("entry_bytes")
        if not (isinstance(order, list) and isinstance(fingerprints, list)):
            return None
        if not isinstance(entry_bytes, int) or len(order) != len(fingerprints):
            return None
        if not all(isinstance(value, str) for value in [*order, *fingerprints]):
            return None
        return cls(order, IndexSummary(fingerprints, entry_bytes))


def _update(
    output: Path,
    model: SiteModel,
    items: list[Item],
    report: Report,
    published: Path,
    state: SearchState,
    rendered: frozenset[str],
    filters: dict[str, list[list[int]]],
) -> tuple[dict[str, bytes | None], IndexSummary] | None:
    """The files an incremental build changes; ``None`` where the whole index is due."""
    if [item.src_uri for item in items[: len(state.order)]] != state.order:
        return None  # an item left, or moved in the order
    index = published / INDEX_DIR

    @functools.cache
    def read(name: str) -> bytes | None:
        try:
            return (index / name).read_bytes()
        except OSError:
            return None

    columns = column_labels(model.catalog)
    aliases = _aliases(model.catalog)
    changes: dict[int, tuple[Document | None, Document]] = {}
    for number, item in enumerate(items):
        known = number < len(state.order)
        if known and item.src_uri not in rendered:
            continue
        body = _body(output, published, item, report)
        if body is None:
            return None
        new = document(result_record(item, columns[item.column.path], body), aliases, body)
        old = _published_document(read, published, item, number, aliases) if known else None
        if known and old is None:
            return None
        if old != new:
            changes[number] = (old, new)
    identifiers = [_identifiers(item) for item in items]
    return update_files(read, state.summary, changes, identifiers, filters)


def _published_document(
    read: Callable[[str], bytes | None],
    published: Path,
    item: Item,
    number: int,
    aliases: dict[str, tuple[str, ...]],
) -> Document | None:
    """The document of the published version of an item: its record in its result block, its
    published page's body."""
    data = read(f"r/{number // BLOCK_SIZE}.json")
    records = json.loads(data) if data else []
    if number % BLOCK_SIZE >= len(records):
        return None
    record = records[number % BLOCK_SIZE]
    if record.get("url") != item.url:
        return None
    try:
        body = body_text((published / f"{item.url}index.html").read_bytes())
    except OSError:
        return None
    if body is None:
        return None
    return document(record, aliases, body)


def _aliases(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    return {unit.name: tuple(unit.aliases) for unit in catalog.units}


def _identifiers(item: Item) -> tuple[str, ...]:
    return tuple([number.text for number in (item.doc_no, item.index_no) if number is not None])


def _body(output: Path, published: Path | None, item: Item, report: Report) -> str | None:
    """The body text of an item's page (in ``output``, or else in ``published``); ``None``
    when it has none (reported)."""
    try:
        body = body_text(overlay_path(output, published, f"{item.url}index.html").read_bytes())
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
    return body


# Items shared out over the cores from this many on: fewer are gathered in a blink, and
# forking a large build process costs tens of milliseconds.
PARALLEL_FROM = 2000


def gather_items(
    output: Path,
    model: SiteModel,
    items: list[Item],
    report: Report,
    published: Path | None,
    parts: int,
) -> Gathered | None:
    """What the index takes of ``items`` (search_index.gather), the items shared out in
    ``parts`` consecutive runs (:func:`search_parts`): each run but the last is gathered in a
    forked child (generator/children.py: in_shares) while this process gathers the last, and
    the runs are merged in order, so the result is the same whatever the number of runs.
    ``None`` when an item page has no body text (reported)."""
    bounds = [len(items) * n // parts for n in range(parts + 1)]

    def run(n: int) -> Gathered | None:
        share = items[bounds[n] : bounds[n + 1]]
        return _gather_run(output, model, share, bounds[n], Report(), published)

    runs = in_shares(run, parts)
    if any(value is None for value in runs):  # the first page without body text, reported
        return _gather_run(output, model, items, 0, report, published)
    return merge(runs)  # type: ignore[arg-type]


MAX_PARTS = 4  # beyond this the merge and the pickles cost more than the cores save


def search_parts(items: int) -> int:
    """In how many shares the index step gathers and encodes: one a usable core, where
    processes can be forked and the items are many; else one."""
    if can_fork() and items >= PARALLEL_FROM:
        return min(len(usable_cores()), MAX_PARTS)
    return 1


def _gather_run(
    output: Path,
    model: SiteModel,
    items: list[Item],
    start: int,
    report: Report,
    published: Path | None,
) -> Gathered | None:
    """``items`` gathered as documents numbered from ``start``; ``None`` when an item page has
    no body text (reported)."""
    gathered = gather(_documents(output, model, items, report, published), start)
    return gathered if len(gathered.shown) == len(items) else None


def _documents(
    output: Path, model: SiteModel, items: list[Item], report: Report, published: Path | None
) -> Iterator[Document]:
    """The document of each item, until the first whose page has no body text (reported)."""
    columns = column_labels(model.catalog)
    aliases = _aliases(model.catalog)
    for item in items:
        body = _body(output, published, item, report)
        if body is None:
            return
        yield document(result_record(item, columns[item.column.path], body), aliases, body)


def result_record(item: Item, column: str, body: str) -> dict[str, Any]:
    """An item in a result list (keys as assets/search.js reads them), empty values left out:
    the 内容概述 whole (at most 100 characters), or else the start of the body."""
    shown: dict[str, Any] = {
        "url": item.url,
        "title": item.title,
        "date": item.published_text,
        "column": column,
        "publisher": item.publisher.name if item.publisher else "",
        "doc_no": str(item.doc_no or ""),
        "index_no": str(item.index_no or ""),
        "validity": item.validity or "",
        "keywords": list(item.keywords),
        "summary": item.summary or "",
        "excerpt": "" if item.summary else excerpt(body),
    }
    return {key: value for key, value in shown.items() if value}


_SPACES = re.compile(r"\s+")
# Chinese punctuation (CJK Symbols and Punctuation, the full-width forms): the white space around
# it is the page's line breaks between blocks, not a space of the text.
_CJK_PUNCTUATION = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2014-\u2026"
_SPACE_AT_PUNCTUATION = re.compile(f"(?<=[{_CJK_PUNCTUATION}])\\s+|\\s+(?=[{_CJK_PUNCTUATION}])")
# What an excerpt must not start with: closing or separating marks (an opening bracket or quote
# may start it).
_LEADING_MARKS = re.compile(r"^[\s.,;:!?)\]}、。，；：！？）】〕」』”’—…·]+")


def excerpt(text: str) -> str:
    """The start of an item's body for its search result, in the text's own punctuation: the
    line breaks between blocks are one space, or none beside Chinese punctuation (第一条。第二条),
    and no mark is put in nor left dangling at the start."""
    text = _SPACE_AT_PUNCTUATION.sub("", _SPACES.sub(" ", text)).strip()
    text = _LEADING_MARKS.sub("", text)
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
