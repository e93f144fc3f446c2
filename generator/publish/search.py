"""Site search (条例 第二十四条 检索): what Pagefind indexes about each item, and running it.

The search index is built by the Pagefind CLI (extended build, which segments Chinese) from the
rendered item pages in the staging folder, so it holds exactly the published items: only they are
handed to Pagefind. Item pages mark their body with ``data-pagefind-body`` and carry the hidden
filters, metadata and sort key of :class:`SearchRecord` (``partials/search-record.html``).

Why items carry extra ``terms`` metadata: when indexing, Pagefind segments page text with a jieba
dictionary; in the browser it segments the query with ``Intl.Segmenter`` (ICU). The two disagree
on names and identifiers — ICU splits 自贡 into 自 / 贡 and 自府办发〔2018〕44号 into single
characters, while jieba keeps 自贡市 — so a query for a place, a 文号 or a 索引号 would miss the
very item it names. Metadata values are not segmented: Pagefind splits them on whitespace and
matches each query word as a prefix of a metadata word. So every item gets, for its 标题, 文号,
索引号, 发布机构 and 关键词, metadata words starting at each character, of one character up to
:data:`GRAM_CHARS` (see :func:`grams`); whatever ICU makes of a query on those fields, each of
its words is one of them. The body is still searched through Pagefind's own segmentation.

Why shards: Pagefind's CLI keeps every page of an index in memory (about 250 bytes per
character of item text), so a large site is indexed as several shards of at most
:func:`shard_budget` characters, one Pagefind run each; the search page merges them in the
browser (``mergeIndex``); where the memory allows it, two runs overlap (:class:`_ShardRuns`).
Shards hold consecutive items by publication date, newest first, which lets the page sort by
date across shards by concatenating per-shard results; they are about equal in size, since
Pagefind ranks within each shard by that shard's own statistics. Pagefind also ignores, shard
by shard, a query word that a shard lacks; ``assets/search.js`` leaves such shards out of the
answer, so that several shards answer as one index would.

Why an updates bundle: a rebuild after one edit cannot afford to index a shard again (Pagefind
takes about 3 ms an item: 10 s for a shard of 3,300). :func:`rebuild_search_index` keeps the
published shards where they are (the build applies its new files to ``site/`` in place), indexes the edited and new items
alone into ``pagefind/u/``, and writes into ``pagefind/updates.json`` the fragment ids of the old
versions of edited items. Their fragment files (the page text Pagefind shows) are deleted; the
search page merges the updates bundle like a shard and drops every result with a superseded id.
When an item leaves the site (withdrawn, 依申请公开, deleted…), its shard is indexed again
without it, so that nothing of it stays downloadable. A full build writes an ``updates.json``
without updates, so both kinds of build have the same layout. :class:`SearchState` records what
each shard indexed (each page's sha256 and fragment id) for the next rebuild.

Known limitation: until the next full build, an edited item's old *words* stay in its base
shard's word index (its text does not), and the shard's ranking statistics still count the old
version, so relevance scores differ a little from a full build's. The search page hides the
rest: it never shows a superseded page, it asks a query without the words that only old
versions have (as a full build's index would ignore them), and its filter counts leave the old
versions out (``updates.json`` lists their filters). The updates bundle is ranked with its own
statistics, as a shard is.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import gzip
import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unicodedata
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.capabilities import peak_resident_bytes, process_alive, usable_cores
from generator.content.catalog import Catalog, Column
from generator.content.model import Item
from generator.diagnostics import Report
from generator.publish.atomic import files_under, overlay_path
from generator.publish.pipeline import PriorityWork
from generator.site.model import SiteModel

SEARCH_ROOT = "search"  # the search page: search/?q=…
BUNDLE_DIR = "pagefind"  # Pagefind's output under the site root: pagefind/{shard}/
GRAM_CHARS = 4  # ICU never makes a Chinese word longer than this from our titles
SHARD_BUDGET_VARIABLE = "DISCLOSURE_SEARCH_SHARD_CHARS"
# Pagefind's peak memory grows by about 250 bytes per character of item text (0.45 MB for an
# item of 1,800 characters), about 225 with PAGEFIND_ALLOCATOR: 8 million characters is
# about 1.7 GB, some 4,500 typical items. Fewer, larger shards cost the visitor less (see
# bench/SEARCH.md: 9.2 million, two shards at 10,000 items, saves 5-10 % of a query's bytes
# and costs 2-3 % more indexing time); the build machine more memory, which at 100,000
# items is kept as margin under 4 GB.
DEFAULT_SHARD_CHARS = 8_000_000
LANGUAGE = "zh"  # every item is Chinese, whatever language the theme is set to
RUN_TIMEOUT = 3600  # seconds for one shard; Pagefind takes about 5 ms an item


# What an item contributes to the index ------------------------------------------------------


@dataclass(frozen=True)
class SearchRecord:
    """The hidden part of an item page that Pagefind reads: filters, result metadata, sort key."""

    filters: list[tuple[str, str]]  # (filter key, value); a key may repeat
    meta: list[tuple[str, str]]  # shown with each result; every value is also searchable
    date: str  # sort key: the publication moment, as text that sorts like the moment


@dataclass(frozen=True)
class FilterChoice:
    """One filter of the search page with its values and their totals, in catalog order."""

    key: str
    title: str
    values: list[tuple[str, int]]


@dataclass(frozen=True)
class Shard:
    id: str  # folder name under pagefind/: "1" holds the newest items
    items: list[Item]  # newest first

    @property
    def bundle(self) -> str:
        """Site-relative folder of this shard's Pagefind bundle."""
        return f"{BUNDLE_DIR}/{self.id}/"

    @property
    def chars(self) -> int:
        """Characters of item text (:func:`item_size`): what a Pagefind run's memory grows with."""
        return sum(map(item_size, self.items))


@dataclass(frozen=True)
class SearchPage:
    """What the search page needs: the filters it offers and the shards it merges."""

    filters: list[FilterChoice]
    shards: list[Shard] = field(default_factory=list)

    @property
    def shard_ids(self) -> str:
        return " ".join(shard.id for shard in self.shards)


class SearchRecords:
    """The record of each published item, made when its page is rendered.

    A record depends on nothing but its item and the catalog (so an incremental build's page
    fingerprints need not look at it), and its ``terms`` are the most expensive part of
    planning a page: making them only for the pages rendered saves a second at 10,000 items.
    Filter values are those of the site model's browse facets (主题分类, 发布机构, 年份, 体裁),
    so the search page and the browse pages group items the same way.
    """

    def __init__(self, model: SiteModel) -> None:
        self.columns = column_labels(model.catalog)
        self.facet_values: dict[str, list[tuple[str, str]]] = {
            item.src_uri: [] for item in model.items
        }
        for facet in model.facets:
            for value in facet.values:
                for item in value.items:
                    self.facet_values[item.src_uri].append((facet.key, value.name))

    def of(self, item: Item) -> SearchRecord:
        publisher = item.publisher.name if item.publisher else ""
        meta = [
            ("title", item.title),
            ("column", self.columns[item.column.path]),
            ("publisher", publisher),
            ("date", item.published_text),
            ("doc_no", str(item.doc_no or "")),
            ("index_no", str(item.index_no or "")),
            ("terms", " ".join(search_terms(item))),
        ]
        return SearchRecord(
            filters=[("column", self.columns[item.column.path]), *self.facet_values[item.src_uri]],
            meta=[(key, value) for key, value in meta if value],
            date=item.published.strftime("%Y-%m-%d %H:%M") if item.published else "",
        )


def search_records(model: SiteModel) -> dict[str, SearchRecord]:
    """The record of every published item, by source URI."""
    records = SearchRecords(model)
    return {item.src_uri: records.of(item) for item in model.items}


def search_page(model: SiteModel) -> SearchPage:
    """The search page's filters (栏目 and the browse facets, with totals) and its shards."""
    columns = column_labels(model.catalog)
    column_values = [
        (columns[column.path], len(model.by_column.get(column.path, [])))
        for column in model.catalog.list_columns()
        if model.by_column.get(column.path)
    ]
    filters = [FilterChoice("column", "栏目", column_values)]
    filters += [
        FilterChoice(
            facet.key, facet.title, [(value.name, len(value.items)) for value in facet.values]
        )
        for facet in model.facets
        if facet.values
    ]
    return SearchPage(filters=filters, shards=plan_shards(model.items))


def column_labels(catalog: Catalog) -> dict[str, str]:
    """The 栏目 filter value of each column: its name, or its trail where names repeat."""
    columns = list(catalog.walk())
    repeated = {name for name, count in Counter(c.name for c in columns).items() if count > 1}

    def label(column: Column) -> str:
        if column.name not in repeated:
            return column.name
        return " / ".join(c.name for c in column.trail())

    return {column.path: label(column) for column in columns}


def search_terms(item: Item) -> list[str]:
    """The words of the hidden ``terms`` metadata (see the module docstring), without repeats."""
    words: dict[str, None] = {}
    fields = [item.title, *item.keywords]
    if item.publisher:
        fields += [item.publisher.name, *item.publisher.aliases]
    identifiers = [str(number) for number in (item.doc_no, item.index_no) if number]
    for text in [*fields, *identifiers]:
        words.update(dict.fromkeys(_text_words(text)))
    for text in identifiers:  # the whole 文号 / 索引号, typed in one go
        words["".join(tokens(text))] = None
        words[identifier_word(text)] = None
    return list(words)


@functools.lru_cache(maxsize=4096)
def _text_words(text: str) -> tuple[str, ...]:
    """The words of one field's text, in order: publishers and keywords recur on many items."""
    return tuple(grams(tokens(text)))


IDENTIFIERS_DIR = f"{SEARCH_ROOT}/ids"  # the identifier lookup files: search/ids/{bucket}.json
IDENTIFIER_BUCKETS = 256


def identifier_bucket(word: str) -> str:
    """Which lookup file holds an identifier word: FNV-1a (32 bits) of its ASCII, low byte in
    hex — the same in assets/search.js (``bucketOf``)."""
    value = 0x811C9DC5
    for byte in word.encode("ascii"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return f"{value % IDENTIFIER_BUCKETS:02x}"


def identifier_files(model: SiteModel) -> dict[str, bytes]:
    """Exact 文号 / 索引号 lookups without Pagefind: ``search/ids/{bucket}.json`` maps each
    published item's identifier words to what a result shows.

    A query that is a whole 文号 or 索引号 is answered from one of these files (a few KB)
    instead of Pagefind's scripts, WebAssembly, metadata and index chunks of every bundle (over
    300 KB at 10,000 items); only when no file has it does the page search with Pagefind. Every
    bucket is written, empty or not, so that no lookup ends in a 404.
    """
    columns = column_labels(model.catalog)
    buckets: dict[str, dict[str, list[dict[str, str]]]] = {
        f"{n:02x}": {} for n in range(IDENTIFIER_BUCKETS)
    }
    for item in model.items:
        shown = {
            "url": item.url,
            "title": item.title,
            "column": columns[item.column.path],
            "publisher": item.publisher.name if item.publisher else "",
            "date": item.published_text,
            "doc_no": str(item.doc_no or ""),
            "index_no": str(item.index_no or ""),
            "summary": item.summary or "",
        }
        for number in (item.doc_no, item.index_no):
            if number:
                word = identifier_word(str(number))
                buckets[identifier_bucket(word)].setdefault(word, []).append(shown)
    return {
        f"{IDENTIFIERS_DIR}/{bucket}.json": json.dumps(
            words, ensure_ascii=False, sort_keys=True
        ).encode()
        for bucket, words in buckets.items()
    }


def identifier_word(text: str) -> str:
    """A whole 文号 or 索引号 as one ASCII word: ``id`` and its tokens, a Chinese character
    as ``x`` and its code point in hex (源政办〔2026〕145号 → id x6e90 x653f x529e 2026 145
    x53f7, written together).

    The search page looks a 文号 or 索引号 typed whole up under this word (``identifierWord``
    in assets/search.js, which must make the same word): the browser would cut it into half a
    dozen words, each loading an index chunk from every bundle, where one word loads one.
    """
    return "id" + "".join(part if part.isascii() else f"x{ord(part):x}" for part in tokens(text))


def tokens(text: str) -> list[str]:
    """Split text the way a query is split: a run of ASCII letters or digits, or one other
    letter (a Chinese character); punctuation and spaces separate tokens and are dropped."""
    found: list[str] = []
    run = ""
    for char in unicodedata.normalize("NFKC", text).lower():
        if char.isascii() and char.isalnum():
            run += char
            continue
        if run:
            found.append(run)
            run = ""
        if char.isalnum():
            found.append(char)
    if run:
        found.append(run)
    return found


def grams(parts: list[str], size: int = GRAM_CHARS) -> Iterator[str]:
    """From each token on: the token, and the tokens joined one by one until the word is at
    least ``size`` characters.

    The short words matter as much as the long ones. Pagefind loads, for each query word, only
    the index chunk where that word sorts, so longer words that merely start with it may sit in
    a chunk it never loads; a word equal to the query word is always found.
    """
    for start in range(len(parts)):
        word = parts[start]
        yield word
        end = start + 1
        while len(word) < size and end < len(parts):
            word += parts[end]
            end += 1
            yield word


# Shards --------------------------------------------------------------------------------------


def shard_budget() -> int:
    """Characters of item text per Pagefind run; ``DISCLOSURE_SEARCH_SHARD_CHARS`` overrides."""
    configured = os.environ.get(SHARD_BUDGET_VARIABLE, "")
    return int(configured) if configured.isdigit() and int(configured) > 0 else DEFAULT_SHARD_CHARS


def item_size(item: Item) -> int:
    """What Pagefind's memory grows with: the amount of text it segments and indexes."""
    return len(item.title) + item.body_chars


def plan_shards(items: list[Item], budget: int | None = None) -> list[Shard]:
    """Cut the items (newest first) into shards of consecutive items, newest first.

    As few shards as the budget allows, of about equal size: Pagefind ranks each shard with its
    own statistics, so shards of very different sizes would rank alike pages differently.
    """
    budget = budget or shard_budget()
    sizes = [item_size(item) for item in items]
    total = sum(sizes)
    count = max(1, -(-total // budget))  # ceiling division
    target = total / count
    shards: list[Shard] = []
    current: list[Item] = []
    filled = 0
    for item, size in zip(items, sizes, strict=True):
        boundary = target * (len(shards) + 1)
        if current and filled + size / 2 > boundary and len(shards) < count - 1:
            shards.append(Shard(str(len(shards) + 1), current))
            current = []
        current.append(item)
        filled += size
    if current:
        shards.append(Shard(str(len(shards) + 1), current))
    return shards


# Running Pagefind ----------------------------------------------------------------------------


class PagefindMissing(Exception):
    pass


def pagefind_executable() -> Path:
    """The Pagefind binary of the ``pagefind[extended]`` wheel (the extended build segments
    Chinese; the plain one does not, so it is not accepted as a substitute)."""
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:
        raise PagefindMissing("没有安装 pagefind_bin_extended") from None
    try:
        return Path(get_executable())
    except FileNotFoundError as error:
        raise PagefindMissing(str(error)) from None


def build_search_index(
    output: Path,
    model: SiteModel,
    report: Report,
    published: Path | None = None,
    started: Callable[[], None] | None = None,
    priority: PriorityWork | None = None,
) -> SearchState | None:
    """Publish step: index the published items of the staging folder ``output``, shard by shard.

    With ``published`` (an incremental build that indexes everything again), a page that is
    not in ``output`` is read from that published site. ``started`` is called once the first
    Pagefind run is under way; ``priority`` counts the staging of each shard. Returns what the
    index holds, for :func:`rebuild_search_index` next time; ``None`` when indexing failed
    (reported).
    """
    executable = _executable(report)
    if executable is None:
        return None
    bundles = output / BUNDLE_DIR
    if bundles.exists():
        shutil.rmtree(bundles)
    remove_stale_staging()
    # Beside Pagefind, a helper thread removes the last shard's staged pages and reads what
    # Pagefind made of it (its fragment ids): seconds a shard, which would otherwise leave
    # Pagefind waiting. Each shard reports into a report of its own; they are merged in shard
    # order.
    shards = plan_shards(model.items)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-shards") as helper:
        runs = _ShardRuns(executable, output, helper, published, started, priority)
        indexed = runs.index(shards)
    result: list[BaseShard] = []
    for shard, own, pages in indexed:
        found = pages.result() if pages is not None else None
        report.extend(own)
        if found is None:
            return None
        result.append(BaseShard(shard.id, found))
    state = SearchState(result, updates={})
    _write_updates_file(bundles, state)
    return state


def _executable(report: Report) -> Path | None:
    try:
        return pagefind_executable()
    except PagefindMissing as missing:
        report.add(
            "E-SEARCH-UNAVAILABLE",
            "mkdocs.yml",
            1,
            f"无法生成检索索引：找不到 Pagefind 扩展版（{missing}）。"
            "请运行 pip install 'pagefind[extended]' 后重新生成。",
        )
        return None


def _index_shard(
    executable: Path, output: Path, shard: Shard, report: Report, published: Path | None = None
) -> bool:
    staged = _stage_shard(output, shard, report, published)
    if staged is None:
        return False
    try:
        return _run_pagefind(executable, staged.folder, output, shard, report)
    finally:
        shutil.rmtree(staged.folder, ignore_errors=True)


@dataclass(frozen=True)
class StagedShard:
    folder: Path  # what Pagefind is given: each page's search part, at the page's path
    sha256: dict[str, str]  # the page_sha256 of each page, by src_uri: read once, hashed here


def _stage_shard(
    output: Path, shard: Shard, report: Report, published: Path | None = None
) -> StagedShard | None:
    """A temporary folder beside ``output`` holding just the shard's pages, at their paths;
    ``None`` when a page is missing (reported). With ``published`` (an incremental build,
    whose ``output`` holds only the pages rendered anew), a page not in ``output`` is taken
    from the published site.

    Pagefind computes result URLs from paths under the folder it is given, so the pages keep
    their place; each holds the page's :func:`search_part`. The caller removes the folder.
    """
    pages = [(item, _page_file(output, published, item)) for item in shard.items]
    missing = [item for item, page in pages if not page.is_file()]
    if missing:
        report.add(
            "E-SEARCH-INCOMPLETE",
            missing[0].source,
            1,
            f"检索索引缺少 {len(missing)} 个已发布条目的页面（如 {missing[0].url}）；"
            "检查 mkdocs.yml 是否改动了 use_directory_urls。",
        )
        return None
    parent = _staging_parent(output, len(pages))
    folder = Path(tempfile.mkdtemp(prefix=f"{STAGED_PREFIX}{os.getpid()}-", dir=parent))
    sha256 = {}
    try:
        for item, page in pages:
            part = search_part(page.read_bytes())
            staged = folder / item.url / "index.html"
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.write_bytes(part)
            sha256[item.src_uri] = _part_sha256(part)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return StagedShard(folder, sha256)


# Where the system has a folder in memory (Linux's /dev/shm), the shards are staged there:
# staging a 4,350-item shard and removing it afterwards takes about 0.6 CPU-seconds there
# against 2.3 on disk, and nothing of it is written back to the disk (bench/SEARCH.md). Where
# it is missing or too small (a container's default is 64 MB), beside the output. A staged
# shard holds about 5 KB an item, in whole memory pages, and a folder an item: about 35 MB for
# 4,350 items, within the margin of the memory budget (PAGEFIND_BYTES_PER_CHAR).
MEMORY_FOLDER = Path("/dev/shm")
STAGED_BYTES_PER_ITEM = 16 * 1024  # twice what a staged item takes there, as margin
STAGED_PREFIX = ".disclosure-search-"  # then the build's process id: see remove_stale_staging


def _staging_parent(output: Path, items: int) -> Path:
    """The folder to stage ``items`` pages in: the memory folder when it has room for them."""
    try:
        if (
            os.access(MEMORY_FOLDER, os.W_OK)
            and shutil.disk_usage(MEMORY_FOLDER).free >= items * STAGED_BYTES_PER_ITEM
        ):
            return MEMORY_FOLDER
    except OSError:
        pass
    return output.parent


def remove_stale_staging(folder: Path = MEMORY_FOLDER) -> None:
    """Remove the shards staged in ``folder`` by builds that were killed before they could
    remove them (their process is gone): in memory, they would hold it until the next boot."""
    for staged in folder.glob(f"{STAGED_PREFIX}*"):
        process = staged.name.removeprefix(STAGED_PREFIX).split("-")[0]
        if process.isdigit() and not process_alive(int(process)):
            shutil.rmtree(staged, ignore_errors=True)


def _page_file(output: Path, published: Path | None, item: Item) -> Path:
    return overlay_path(output, published, f"{item.url}index.html")


# What Pagefind reads of an item page lies between these comments of item.html: the body and
# the search record. Pagefind is given that part alone, in a page of its own: it then indexes
# exactly what it would from the whole page (the same fragments and word index, measured on
# 3,300 items) in a fifth less CPU time, since it no longer parses the header, navigation and
# footer around it (about 85 % of the page).
SEARCH_PART_START = b"<!--dp:search-->"
SEARCH_PART_END = b"<!--/dp:search-->"
SEARCH_PAGE_HEAD = (
    b'<!DOCTYPE html>\n<html lang="zh">\n<head><meta charset="utf-8"></head>\n<body>\n'
)
SEARCH_PAGE_TAIL = b"\n</body>\n</html>\n"
PAGEFIND_ATTRIBUTE = b"data-pagefind-"


def search_part(page: bytes) -> bytes:
    """The page Pagefind is given for the item page ``page``: its search part in a page of its
    own; the whole page where a theme override left out the comments around that part, or put
    something Pagefind reads (a ``data-pagefind-*`` attribute) outside them.

    The first opening comment and the last closing one count, so a body that holds either
    comment text is still taken whole.
    """
    start = page.find(SEARCH_PART_START)
    end = page.rfind(SEARCH_PART_END)
    if start < 0 or end < start:
        return page
    part = page[start : end + len(SEARCH_PART_END)]
    if part.count(PAGEFIND_ATTRIBUTE) != page.count(PAGEFIND_ATTRIBUTE):
        return page
    return SEARCH_PAGE_HEAD + part + SEARCH_PAGE_TAIL


def _run_pagefind(
    executable: Path, source: Path, output: Path, shard: Shard, report: Report
) -> bool:
    """Index the staged pages in ``source`` into the shard's bundle of ``output``."""
    run = _PagefindRun.start(executable, source, output, shard, report)
    return run is not None and run.finish()


# Pagefind's log lines between the phases of a run (over 4,350 items: 15 s, 1.7 GB at the peak):
# - reading the pages, until LANGUAGES_LINE: every core, little memory (about 75 bytes a
#   character of item text);
# - building the index, from PAGES_READ_LINE: 1.5 cores, up to the run's peak;
# - writing the files, from INDEX_BUILT_LINE, about half of the run: gzip at level 9 on one
#   core (bench/README.md), the memory going down.
# The next shard's run may start beside the one before; see _ShardRuns for when.
LANGUAGES_LINE = "[Reading languages]"
PAGES_READ_LINE = "[Building search indexes]"
INDEX_BUILT_LINE = "Total:"
MEMORY_BUDGET_VARIABLE = "DISCLOSURE_BUILD_MEMORY_MB"
DEFAULT_MEMORY_BUDGET_MB = 4096  # what the build may use at once (issue #9: 100,000 items)
# A run's peak: a base and so much per character of item text, with the allocator setting
# below. Measured 223 bytes (1,316 MB for shards of 5.9 million characters, bench/SEARCH.md);
# a tenth more as margin, since the budget is what the machine has.
PAGEFIND_BYTES_PER_CHAR = 250
PAGEFIND_BASE_BYTES = 60 * 2**20
# What a run holds once it has read its pages: measured 520-580 MB for 7.4 million characters
# (about 75 bytes a character), with a fifth more as margin.
PAGEFIND_READING_BYTES_PER_CHAR = 90
MEMORY_POLL_SECONDS = 0.25  # how often the memory of a run writing its files is looked at


@dataclass
class _PagefindRun:
    """One Pagefind process indexing a staged shard; its output is read as it comes."""

    shard: Shard
    source: Path
    output: Path
    report: Report
    process: subprocess.Popen[str]
    started: float = field(default_factory=time.monotonic)
    pages_read: threading.Event = field(default_factory=threading.Event)
    index_built: threading.Event = field(default_factory=threading.Event)
    output_ended: threading.Event = field(default_factory=threading.Event)
    lines: deque[str] = field(default_factory=lambda: deque(maxlen=8))  # its last lines
    # Started beside another run: whether it waits for that one to end before it builds its
    # index (Beside.READING), and its state; see _ShardRuns.
    waits_before_index: bool = False
    _gate: threading.Lock = field(default_factory=threading.Lock)
    _other_ended: bool = False
    _held: bool = False

    @classmethod
    def start(
        cls,
        executable: Path,
        source: Path,
        output: Path,
        shard: Shard,
        report: Report,
        beside: tuple[_PagefindRun, Beside] | None = None,
    ) -> _PagefindRun | None:
        """Start Pagefind on ``source``; ``None`` when it cannot be started (reported).

        ``beside``: the run still under way, and how this one may run beside it. Until it has
        ended, this run has every core but one (:func:`cores_beside`), which leaves the one
        before its core to compress on; with :attr:`Beside.READING` it also pauses (SIGSTOP)
        once it has read its pages, before its index takes it to its peak.
        """
        command = [
            str(executable),
            "--site",
            str(source),
            "--output-path",
            str(output / shard.bundle),
            "--force-language",
            LANGUAGE,
        ]
        cores = cores_beside() if beside is not None else None
        try:
            with _children_on(cores):
                process = subprocess.Popen(
                    command,
                    cwd=source,  # no pagefind.yml of the caller's working folder is read
                    env=_clean_environment(),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    encoding="utf-8",
                    errors="replace",
                )
        except OSError as error:
            report.add("E-SEARCH-FAILED", shard.bundle, 1, f"无法运行 Pagefind：{error}")
            return None
        run = cls(shard, source, output, report, process)
        if beside is not None:
            other, how = beside
            run.waits_before_index = how is Beside.READING  # before its first line is read
            threading.Thread(
                target=run._follow, args=(other,), name=f"pagefind-{shard.id}-beside", daemon=True
            ).start()
        threading.Thread(target=run._read, name=f"pagefind-{shard.id}", daemon=True).start()
        return run

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.strip():
                self.lines.append(line.strip())
            if self.waits_before_index and line.startswith(LANGUAGES_LINE):
                self._hold()
            elif line.startswith(PAGES_READ_LINE):
                self.pages_read.set()
            elif line.startswith(INDEX_BUILT_LINE):
                self.index_built.set()
        self.pages_read.set()  # the output ended: so did the run
        self.index_built.set()
        self.output_ended.set()

    def _hold(self) -> None:
        """Pause before building the index while the run beside is still under way."""
        with self._gate:
            if not self._other_ended:
                self.process.send_signal(signal.SIGSTOP)
                self._held = True

    def _follow(self, other: _PagefindRun) -> None:
        """Once ``other`` has ended: every core for this run, and on with it if paused."""
        other.process.wait()
        with self._gate:
            self._other_ended = True
            _allow_cores(self.process.pid, usable_cores())
            if self._held:
                self.process.send_signal(signal.SIGCONT)  # only while it has not been reaped
                self._held = False

    def finish(self) -> bool:
        """Wait for the run; whether it indexed every page of the shard (if not, reported)."""
        where = self.shard.bundle
        items = len(self.shard.items)
        try:
            code = self.process.wait(self.remaining())
        except subprocess.TimeoutExpired:
            self.stop()
            self.report.add(
                "E-SEARCH-FAILED",
                where,
                1,
                f"生成检索索引超时（超过 {RUN_TIMEOUT} 秒，{items} 个条目）；"
                f"可用环境变量 {SHARD_BUDGET_VARIABLE} 调小每批的字数后重试。",
            )
            return False
        self.output_ended.wait()  # its last lines are read
        if code != 0:
            output = " / ".join(list(self.lines)[-5:]) or "没有输出"
            self.report.add(
                "E-SEARCH-FAILED",
                where,
                1,
                f"Pagefind 生成检索索引失败（退出码 {code}）：{output}",
            )
            return False
        indexed = indexed_pages(self.output / where)
        if indexed != items:
            self.report.add(
                "E-SEARCH-INCOMPLETE",
                where,
                1,
                f"检索索引收录了 {indexed} 个页面，应为 {items} 个已发布条目；"
                "如果 theme/ 覆盖了 item.html，请保留正文上的 data-pagefind-body。",
            )
            return False
        return True

    def remaining(self) -> float:
        """Seconds left of :data:`RUN_TIMEOUT`."""
        return max(0.0, RUN_TIMEOUT - (time.monotonic() - self.started))

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


def memory_budget() -> int:
    """Bytes the build may use at once; ``DISCLOSURE_BUILD_MEMORY_MB`` overrides."""
    configured = os.environ.get(MEMORY_BUDGET_VARIABLE, "")
    megabytes = int(configured) if configured.isdigit() else DEFAULT_MEMORY_BUDGET_MB
    return megabytes * 2**20


def pagefind_peak(shard: Shard) -> int:
    """The memory a Pagefind run over ``shard`` is expected to need at its peak."""
    return PAGEFIND_BASE_BYTES + PAGEFIND_BYTES_PER_CHAR * shard.chars


def pagefind_reading_peak(shard: Shard) -> int:
    """The memory a Pagefind run over ``shard`` holds once it has read its pages."""
    return PAGEFIND_BASE_BYTES + PAGEFIND_READING_BYTES_PER_CHAR * shard.chars


class Beside(enum.Enum):
    """How the next shard's run may start beside the one under way."""

    NOT = "after it has ended"
    WHOLE = "once it has read its pages: both peaks fit in the budget"
    READING = "once it writes its files, pausing before its own index until that one has ended"


def may_overlap(running: Shard, following: Shard, own: int, budget: int) -> bool:
    """Whether ``following`` may be indexed while the run over ``running`` ends, with ``own``
    bytes held by the build itself, within ``budget``."""
    return own + pagefind_peak(running) + pagefind_peak(following) <= budget


def may_read_beside(following: Shard, held: int, budget: int) -> bool:
    """Whether ``following`` may read its pages while ``held`` bytes are held (the build and
    the run writing its files), within ``budget``."""
    return held + pagefind_reading_peak(following) <= budget


def resident_memory(pid: int | None = None) -> int:
    """The resident memory of process ``pid`` (this one by default) now, in bytes: 0 for a
    process that has ended; this process's peak where /proc is not there."""
    try:
        with open(f"/proc/{pid or 'self'}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        if pid is not None:
            return 0
        peaks = peak_resident_bytes()
        return peaks[0] if peaks else 0


def cores_beside() -> set[int] | None:
    """The cores for a run started beside another: all but one, so that the one before keeps
    a core to compress on (bench/pagefind_beside.py, four shards of 4,350 items: 54.3 s
    beside on every core but one, 63.9 s on every core, 65.4 s one after another). ``None``:
    no choice of cores here (one core, or no ``sched_setaffinity``), and then no run is
    started beside another."""
    cores = usable_cores()
    if len(cores) < 2 or not hasattr(os, "sched_setaffinity"):
        return None
    return cores - {min(cores)}


@contextlib.contextmanager
def _children_on(cores: set[int] | None) -> Iterator[None]:
    """Processes this thread starts meanwhile run on ``cores``: a child inherits the affinity
    of the thread that starts it, and the other threads of the build keep theirs."""
    if cores is None:
        yield
        return
    own = os.sched_getaffinity(0)
    os.sched_setaffinity(0, cores)
    try:
        yield
    finally:
        os.sched_setaffinity(0, own)


def _allow_cores(pid: int, cores: set[int]) -> None:
    """Let every thread of process ``pid`` run on ``cores`` (threads that end meanwhile are
    passed over)."""
    if not hasattr(os, "sched_setaffinity"):
        return
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return
    for thread in threads:
        with contextlib.suppress(OSError):
            os.sched_setaffinity(int(thread), cores)


class _ShardRuns:
    """Index the shards one after another, two at a time where the memory allows it, so that
    one run reads its pages while the other writes its files on one core (:class:`Beside`):

    - where both runs' peaks fit in the budget, the next starts once the one before has read
      its pages (:data:`PAGES_READ_LINE`). Measured on the 10,000-item corpus
      (bench/SEARCH.md): Pagefind alone over its three shards, 36-37 s instead of 47-49 s;
      beside the link check, which then gets less of the cores, the two steps 3-16 % sooner;
    - where they do not (100,000 items: a 1.3-1.8 GB build and runs of 1.7 GB in 4 GB), the
      next starts once the one before writes its files (:data:`INDEX_BUILT_LINE`) and holds
      little enough memory (less and less as it goes on) to leave room for reading pages,
      and pauses before building its index until the one before has ended. Measured on four
      shards of 4,350 items (bench/pagefind_beside.py, bench/SEARCH.md): 54.3 s instead of
      65.4 s one after another; the 100,000-item search step 357-361 s instead of 401-427 s.

    Either way the run started beside the other has every core but one until that one ends.
    """

    def __init__(
        self,
        executable: Path,
        output: Path,
        helper: ThreadPoolExecutor,
        published: Path | None,
        started: Callable[[], None] | None = None,
        priority: PriorityWork | None = None,
    ) -> None:
        self.executable = executable
        self.output = output
        self.helper = helper
        self.published = published
        self.started = started
        self.priority = priority or PriorityWork()  # counted whether or not anyone waits
        self.budget = memory_budget()
        self.indexed: list[tuple[Shard, Report, Future[dict[str, IndexedPage] | None] | None]] = []
        self.sha256: dict[str, str] = {}  # of every page staged so far, by src_uri

    def index(
        self, shards: list[Shard]
    ) -> list[tuple[Shard, Report, Future[dict[str, IndexedPage] | None] | None]]:
        """Each shard in order, with its report and what it indexed (``None`` for the shard
        that failed, the last one listed)."""
        reports = [Report() for _ in shards]
        running: deque[_PagefindRun] = deque()
        failed = False
        for number, (shard, own) in enumerate(zip(shards, reports, strict=True)):
            if running:  # stage while the run before builds its index on one core
                running[-1].pages_read.wait(running[-1].remaining())
            source = self._stage(shard, own)
            if source is None:  # a page is missing (reported)
                self.indexed.append((shard, own, None))
                failed = True
                break
            self.sha256.update(source.sha256)
            beside = Beside.NOT
            while running and not failed:
                beside = self._room_beside(running, shard)
                if beside is not Beside.NOT:
                    break
                failed = not self._finish(running.popleft())
            run = (
                None
                if failed
                else _PagefindRun.start(
                    self.executable,
                    source.folder,
                    self.output,
                    shard,
                    own,
                    beside=(running[-1], beside) if running else None,
                )
            )
            if run is None:
                self.helper.submit(shutil.rmtree, source.folder, ignore_errors=True)
                if not failed:  # Pagefind could not be started (reported)
                    self.indexed.append((shard, own, None))
                failed = True
                break
            running.append(run)
            if self.started is not None and number == 0:
                self.started()
        while running:
            if failed:
                self._abandon(running.popleft())
            else:
                failed = not self._finish(running.popleft())
        return self.indexed

    def _stage(self, shard: Shard, report: Report) -> StagedShard | None:
        with self.priority.running():
            return _stage_shard(self.output, shard, report, self.published)

    def _room_beside(self, running: deque[_PagefindRun], shard: Shard) -> Beside:
        """Whether and how ``shard`` may start beside the runs under way: one at most, where
        a run can be given its own cores (:func:`cores_beside`), which has read its pages or,
        for :attr:`Beside.READING`, built its index (waited for), and leaves memory enough."""
        if len(running) > 1 or cores_beside() is None:
            return Beside.NOT
        previous = running[-1]
        previous.pages_read.wait(previous.remaining())
        if previous.process.poll() is not None:
            return Beside.NOT  # over: take its result first
        if may_overlap(previous.shard, shard, resident_memory(), self.budget):
            return Beside.WHOLE
        if not hasattr(signal, "SIGSTOP"):
            return Beside.NOT  # a run cannot be paused here
        previous.index_built.wait(previous.remaining())
        while previous.process.poll() is None:  # its memory goes down as it writes
            held = resident_memory() + resident_memory(previous.process.pid)
            if may_read_beside(shard, held, self.budget):
                return Beside.READING
            with contextlib.suppress(subprocess.TimeoutExpired):
                previous.process.wait(MEMORY_POLL_SECONDS)
        return Beside.NOT

    def _finish(self, run: _PagefindRun) -> bool:
        succeeded = run.finish()
        self.helper.submit(shutil.rmtree, run.source, ignore_errors=True)
        pages = (
            self.helper.submit(_indexed, self.output, run.shard, self.sha256, run.report)
            if succeeded
            else None
        )
        self.indexed.append((run.shard, run.report, pages))
        return succeeded

    def _abandon(self, run: _PagefindRun) -> None:
        """Stop a run started beside one that failed: the build fails anyway."""
        run.stop()
        self.helper.submit(shutil.rmtree, run.source, ignore_errors=True)


def indexed_pages(bundle: Path) -> int:
    """How many pages a Pagefind bundle holds, from its ``pagefind-entry.json``."""
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        return sum(int(language["page_count"]) for language in entry["languages"].values())
    except (OSError, ValueError, KeyError, TypeError):
        return 0


# Pagefind's Linux build allocates with jemalloc: by default 8 arenas on 2 cores, each keeping
# freed memory for 10 s before giving it back, longer than a run. One arena reuses what the
# run frees, so the peak stays within 4 % of giving everything back at once (1,652 -> 1,712 MB
# on 4,350 items; the default: 2,001 MB), without the 200,000 madvise calls and page faults
# that cost: a tenth less CPU and wall time a run (bench/pagefind_runs.py, bench/SEARCH.md).
# The index is the same under any setting.
PAGEFIND_ALLOCATOR = {"_RJEM_MALLOC_CONF": "narenas:1,muzzy_decay_ms:0"}


def _clean_environment() -> dict[str, str]:
    """The caller's environment without PAGEFIND_* settings, which would change the index, and
    with :data:`PAGEFIND_ALLOCATOR`."""
    kept = {key: value for key, value in os.environ.items() if not key.startswith("PAGEFIND_")}
    return kept | PAGEFIND_ALLOCATOR


# What the index holds, and incremental rebuilds ---------------------------------------------

UPDATES_ID = "u"  # the bundle of the items edited or added since the last full build
UPDATES_FILE = "updates.json"  # pagefind/updates.json: the bundles the search page merges
# More edited or new items than this, and the updates bundle would cost about as much as
# indexing the site again (Pagefind: about 3 ms an item), and its ranking would drift further
# from the base shards': the rebuild indexes everything, as a full build does.
UPDATES_LIMIT = 500
STATE_VERSION = 2  # 2: pages hashed by their search part
FRAGMENT_SUFFIX = ".pf_fragment"
FRAGMENT_MAGIC = b"pagefind_dcd"  # a fragment file is gzip of this and the page record's JSON

Filters = dict[str, list[str]]


@dataclass(frozen=True)
class IndexedPage:
    """An item page as a bundle indexed it."""

    sha256: str  # of what Pagefind read of the page (page_sha256)
    fragment: str  # the page's id in the bundle (fragment/{id}.pf_fragment; Pagefind's result.id)


@dataclass
class BaseShard:
    """A shard indexed by a full build (or re-indexed by a rebuild), as it is published now."""

    id: str
    pages: dict[str, IndexedPage]  # by src_uri, newest first
    # Pages whose current version is in the updates bundle: src_uri → the filters of the old
    # version (the search page takes it out of the filter counts). Their fragments are deleted;
    # their words are still in this shard's word index.
    superseded: dict[str, Filters] = field(default_factory=dict)

    @property
    def bundle(self) -> str:
        return f"{BUNDLE_DIR}/{self.id}/"

    def covers(self, src_uri: str, sha256: str) -> bool:
        """Whether this shard answers for the page of ``src_uri`` whose HTML has ``sha256``."""
        page = self.pages.get(src_uri)
        return page is not None and page.sha256 == sha256 and src_uri not in self.superseded


@dataclass
class SearchState:
    """What the published search bundles hold: kept by the build for the next rebuild."""

    shards: list[BaseShard]  # the base shards, newest items first
    updates: dict[str, IndexedPage]  # the pages of the updates bundle, by src_uri

    def published_pages(self) -> dict[str, str]:
        """The sha256 of every item page as published with this index, by src_uri."""
        pages = {src: page.sha256 for shard in self.shards for src, page in shard.pages.items()}
        pages.update((src, page.sha256) for src, page in self.updates.items())
        return pages

    def to_json(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "shards": [
                {
                    "id": shard.id,
                    "pages": {src: [p.sha256, p.fragment] for src, p in shard.pages.items()},
                    "superseded": shard.superseded,
                }
                for shard in self.shards
            ],
            "updates": {src: [p.sha256, p.fragment] for src, p in self.updates.items()},
        }

    @classmethod
    def from_json(cls, data: object) -> SearchState | None:
        """The state written by :meth:`to_json`; ``None`` for anything else (a full build then)."""
        try:
            if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
                return None
            shards = [_base_shard(shard) for shard in data["shards"]]
            return cls(shards, _pages(data["updates"]))
        except (KeyError, TypeError, ValueError, AttributeError):
            return None


def _base_shard(data: dict[str, Any]) -> BaseShard:
    shard = BaseShard(_text(data["id"]), _pages(data["pages"]))
    for src, filters in data["superseded"].items():
        if src not in shard.pages:
            raise ValueError(src)
        shard.superseded[src] = _filters(filters)
    return shard


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _pages(data: dict[str, list[str]]) -> dict[str, IndexedPage]:
    pages = {}
    for src, page in data.items():
        if not isinstance(page, list):
            raise TypeError(page)
        sha256, fragment = page
        pages[_text(src)] = IndexedPage(_text(sha256), _text(fragment))
    return pages


def _filters(data: dict[str, list[str]]) -> Filters:
    filters = {}
    for key, values in data.items():
        if not isinstance(values, list):
            raise TypeError(values)
        filters[_text(key)] = [_text(value) for value in values]
    return filters


@dataclass
class _Rebuild:
    """What a rebuild does with the previous index."""

    kept: dict[str, BaseShard]  # base shards published as they are (but for superseded pages)
    reindexed: dict[str, Shard]  # base shards indexed again, without the items that left
    order: list[str]  # the base shards' ids, newest items first
    updates: list[Item]  # items the base shards do not cover: into the updates bundle
    sha256: dict[str, str]  # the current page of every published item


def rebuild_search_index(
    output: Path,
    model: SiteModel,
    report: Report,
    previous_site: Path,
    previous: SearchState | None,
    rendered: set[str],
    kept: set[str],
) -> SearchState | None:
    """Publish step of an incremental rebuild: the index of ``output`` from the published one.

    ``output`` holds the pages of ``rendered`` (src_uris), rendered anew; every other page is
    the file of ``previous_site``, whose ``pagefind/`` matches ``previous``. The build applies
    ``output`` to ``previous_site`` in place (generator/publish/atomic.py): base shards stay in
    ``previous_site`` as they are, and their files go into ``kept`` (paths relative to the
    site), but for the fragments of superseded pages. The items they do not cover — edited or
    new — are indexed into the updates bundle; a base shard with an item that left the site is
    indexed again without it. Falls back to :func:`build_search_index` when ``previous`` is
    unusable or there are more than :data:`UPDATES_LIMIT` updates. ``previous_site`` is only
    read. Returns the new state; ``None`` when indexing failed (reported).
    """
    plan = _plan_rebuild(output, model, previous, previous_site, rendered) if previous else None
    if plan is None:
        return build_search_index(output, model, report, published=previous_site)
    executable = _executable(report)
    if executable is None:
        return None
    bundles = output / BUNDLE_DIR
    bundles.mkdir(parents=True, exist_ok=True)
    shards: dict[str, BaseShard] = dict(plan.kept)
    for reindexed in plan.reindexed.values():
        if not _index_shard(executable, output, reindexed, report, previous_site):
            return None
        pages = _indexed(output, reindexed, plan.sha256, report)
        if pages is None:
            return None
        shards[reindexed.id] = BaseShard(reindexed.id, pages)
    updates = _index_updates(executable, output, plan, report, previous_site)
    if updates is None:
        return None
    for shard in plan.kept.values():
        stale = {  # the old text of an edited item is no longer served
            Path(shard.bundle, "fragment", shard.pages[src].fragment + FRAGMENT_SUFFIX).as_posix()
            for src in shard.superseded
        }
        published = files_under(previous_site / shard.bundle)
        kept.update(
            path for path in (shard.bundle + name for name in published) if path not in stale
        )
    state = SearchState([shards[id] for id in plan.order if id in shards], updates)
    _write_updates_file(bundles, state)
    return state


def _plan_rebuild(
    output: Path,
    model: SiteModel,
    previous: SearchState,
    previous_site: Path,
    rendered: set[str],
) -> _Rebuild | None:
    """Which base shards stay, which are indexed again, and what goes into the updates bundle;
    ``None`` when a full build is due."""
    published = {item.src_uri: item for item in model.items}
    known = previous.published_pages()
    sha256 = {
        src: known[src]
        if src in known and src not in rendered
        else page_sha256(_page_file(output, previous_site, item))
        for src, item in published.items()
    }
    plan = _Rebuild({}, {}, [], [], sha256)
    covered: set[str] = set()
    for base in previous.shards:
        bundle = previous_site / base.bundle
        if indexed_pages(bundle) != len(base.pages):
            return None  # the published index is not the one the state describes
        remaining = [src for src in base.pages if src in published]
        current = {src for src in remaining if base.covers(src, sha256[src])}
        covered.update(current)
        plan.order.append(base.id)
        if len(remaining) < len(base.pages):
            # An item left the site (withdrawn, deleted, 依申请公开…): none of its text or words
            # may stay in the index, so the shard is indexed again. Its edited items go to the
            # updates bundle like the others: their new dates may lie outside the shard's.
            if current:
                current_items = [published[src] for src in remaining if src in current]
                plan.reindexed[base.id] = Shard(base.id, current_items)
            continue
        superseded = {}
        for src in remaining:
            if src in current:
                continue
            if src in base.superseded:
                superseded[src] = base.superseded[src]
                continue
            fragment = base.pages[src].fragment + FRAGMENT_SUFFIX
            filters = stale_filters(bundle / "fragment" / fragment)
            if filters is None:
                return None  # the published index is not the one the state describes
            superseded[src] = filters
        plan.kept[base.id] = BaseShard(base.id, dict(base.pages), superseded)
    plan.updates = [item for item in model.items if item.src_uri not in covered]
    return plan if len(plan.updates) <= UPDATES_LIMIT else None


def _index_updates(
    executable: Path, output: Path, plan: _Rebuild, report: Report, published: Path
) -> dict[str, IndexedPage] | None:
    """Index the updates bundle; ``None`` when Pagefind failed (reported).

    A page rendered anew may index exactly as before (only the page around its body changed):
    Pagefind then gives it the same fragment id as in its base shard. It stays in the base shard,
    which indexes it as well, and the updates bundle is made again without it: a page is never
    both superseded and current under one id.
    """
    bases = {src: shard for shard in plan.kept.values() for src in shard.superseded}
    items = plan.updates
    while items:
        bundle = Shard(UPDATES_ID, items)
        if not _index_shard(executable, output, bundle, report, published):
            return None
        pages = _indexed(output, bundle, plan.sha256, report)
        if pages is None:
            return None
        same = {
            src
            for src, page in pages.items()
            if src in bases and bases[src].pages[src].fragment == page.fragment
        }
        if not same:
            return pages
        for src in same:
            base = bases[src]
            fragment = Path(base.bundle, "fragment", pages[src].fragment + FRAGMENT_SUFFIX)
            if not (published / fragment).exists():  # deleted by an earlier rebuild: same bytes
                (output / fragment).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(
                    output / bundle.bundle / fragment.relative_to(base.bundle), output / fragment
                )
            del base.superseded[src]
            base.pages[src] = pages[src]
        shutil.rmtree(output / bundle.bundle)
        items = [item for item in items if item.src_uri not in same]
    return {}


def page_sha256(page: Path) -> str:
    """The sha256 of what Pagefind reads of an item page (:func:`search_part`); empty when
    there is no page. A page whose other parts changed (its navigation, its related items)
    indexes as before, so a rebuild leaves it in its shard."""
    try:
        return _part_sha256(search_part(page.read_bytes()))
    except OSError:
        return ""


def _part_sha256(part: bytes) -> str:
    """The hash a page is known by in the search state: staging and rebuilds must agree."""
    return hashlib.sha256(part).hexdigest()


def fragment_record(path: Path) -> dict[str, Any] | None:
    """The page record of a Pagefind fragment file (url, content, filters, meta…), or None."""
    try:
        data = gzip.decompress(path.read_bytes())
        if not data.startswith(FRAGMENT_MAGIC):
            return None
        record = json.loads(data[len(FRAGMENT_MAGIC) :])
    except (OSError, EOFError, ValueError, zlib.error):
        return None
    return record if isinstance(record, dict) else None


def stale_filters(fragment: Path) -> Filters | None:
    """The filters of the page record of a fragment file, or None if it cannot be read."""
    record = fragment_record(fragment)
    try:
        return _filters(record.get("filters", {})) if record is not None else None
    except (TypeError, ValueError, AttributeError):
        return None


def fragment_ids(bundle: Path) -> dict[str, str]:
    """The fragment id of every page of a Pagefind bundle, by the page's URL ("/a/b/")."""
    ids = {}
    for path in (bundle / "fragment").glob("*" + FRAGMENT_SUFFIX):
        record = fragment_record(path)
        if record is not None and isinstance(record.get("url"), str):
            ids[record["url"]] = path.name.removesuffix(FRAGMENT_SUFFIX)
    return ids


def _indexed(
    output: Path, shard: Shard, sha256: dict[str, str], report: Report
) -> dict[str, IndexedPage] | None:
    """The pages of a shard just indexed, with their fragment ids and their ``sha256`` (the
    page_sha256 of each, by src_uri); ``None`` if one has no fragment (reported)."""
    ids = fragment_ids(output / shard.bundle)
    pages = {}
    for item in shard.items:
        fragment = ids.get("/" + item.url)
        if fragment is None:
            report.add(
                "E-SEARCH-INCOMPLETE",
                item.source,
                1,
                f"检索索引中找不到条目 {item.url} 的记录（{shard.bundle}fragment/）；"
                "检查 mkdocs.yml 是否改动了 use_directory_urls。",
            )
            return None
        pages[item.src_uri] = IndexedPage(sha256[item.src_uri], fragment)
    return pages


def _write_updates_file(bundles: Path, state: SearchState) -> None:
    """``pagefind/updates.json``: what the search page merges and which results it drops.

    ``shards`` are the base shards (the search page's own list is planned from the current
    items, which a rebuild does not re-shard); ``bundle`` is the updates bundle, if any;
    ``superseded`` the fragment ids of old versions, by base shard, with their filters in
    ``superseded_filters``.
    """
    superseded = {
        shard.id: [shard.pages[src].fragment for src in shard.superseded]
        for shard in state.shards
        if shard.superseded
    }
    stale_filters = {
        shard.pages[src].fragment: filters
        for shard in state.shards
        for src, filters in shard.superseded.items()
    }
    data = {
        "bundle": UPDATES_ID if state.updates else None,
        "shards": [shard.id for shard in state.shards],
        "superseded": superseded,
        "superseded_filters": stale_filters,
    }
    bundles.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    (bundles / UPDATES_FILE).write_text(text + "\n", encoding="utf-8")
