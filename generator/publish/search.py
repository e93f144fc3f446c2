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
browser (``mergeIndex``). Shards hold consecutive items by publication date, newest first, which
lets the page sort by date across shards by concatenating per-shard results; they are about
equal in size, since Pagefind ranks within each shard by that shard's own statistics. Pagefind
also ignores, shard by shard, a query word that a shard lacks; ``assets/search.js`` leaves such
shards out of the answer, so that several shards answer as one index would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from generator.content.catalog import Catalog, Column
from generator.content.model import Item
from generator.diagnostics import Report
from generator.site.model import SiteModel

SEARCH_ROOT = "search"  # the search page: search/?q=…
BUNDLE_DIR = "pagefind"  # Pagefind's output under the site root: pagefind/{shard}/
GRAM_CHARS = 4  # ICU never makes a Chinese word longer than this from our titles
SHARD_BUDGET_VARIABLE = "DISCLOSURE_SEARCH_SHARD_CHARS"
# Pagefind's peak memory grows by about 250 bytes per character of item text (0.45 MB for an
# item of 1,800 characters): 8 million characters is about 2 GB, some 4,500 typical items.
# Fewer, larger shards cost the visitor less (see bench/SEARCH.md); the build machine more.
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


@dataclass(frozen=True)
class SearchPage:
    """What the search page needs: the filters it offers and the shards it merges."""

    filters: list[FilterChoice]
    shards: list[Shard] = field(default_factory=list)

    @property
    def shard_ids(self) -> str:
        return " ".join(shard.id for shard in self.shards)


def search_records(model: SiteModel) -> dict[str, SearchRecord]:
    """The record of every published item, by source URI.

    Filter values are those of the site model's browse facets (主题分类, 发布机构, 年份, 体裁),
    so the search page and the browse pages group items the same way.
    """
    columns = column_labels(model.catalog)
    facet_values: dict[str, list[tuple[str, str]]] = {item.src_uri: [] for item in model.items}
    for facet in model.facets:
        for value in facet.values:
            for item in value.items:
                facet_values[item.src_uri].append((facet.key, value.name))
    records = {}
    for item in model.items:
        publisher = item.publisher.name if item.publisher else ""
        meta = [
            ("title", item.title),
            ("column", columns[item.column.path]),
            ("publisher", publisher),
            ("date", item.published_text),
            ("doc_no", str(item.doc_no or "")),
            ("index_no", str(item.index_no or "")),
            ("terms", " ".join(search_terms(item))),
        ]
        records[item.src_uri] = SearchRecord(
            filters=[("column", columns[item.column.path]), *facet_values[item.src_uri]],
            meta=[(key, value) for key, value in meta if value],
            date=item.published.strftime("%Y-%m-%d %H:%M") if item.published else "",
        )
    return records


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
        words.update(dict.fromkeys(grams(tokens(text))))
    for text in identifiers:  # the whole 文号 / 索引号, typed in one go
        words["".join(tokens(text))] = None
    return list(words)


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
    return len(item.title) + len(item.body)


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


def build_search_index(output: Path, model: SiteModel, report: Report) -> None:
    """Publish step: index the published items of the staging folder ``output``, shard by shard."""
    try:
        executable = pagefind_executable()
    except PagefindMissing as missing:
        report.add(
            "E-SEARCH-UNAVAILABLE",
            "mkdocs.yml",
            1,
            f"无法生成检索索引：找不到 Pagefind 扩展版（{missing}）。"
            "请运行 pip install 'pagefind[extended]' 后重新生成。",
        )
        return
    bundles = output / BUNDLE_DIR
    if bundles.exists():
        shutil.rmtree(bundles)
    for shard in plan_shards(model.items):
        if not _index_shard(executable, output, shard, report):
            return


def _index_shard(executable: Path, output: Path, shard: Shard, report: Report) -> bool:
    where = shard.bundle
    pages = [(item, output / item.url / "index.html") for item in shard.items]
    missing = [item for item, page in pages if not page.is_file()]
    if missing:
        report.add(
            "E-SEARCH-INCOMPLETE",
            missing[0].source,
            1,
            f"检索索引缺少 {len(missing)} 个已发布条目的页面（如 {missing[0].url}）；"
            "检查 mkdocs.yml 是否改动了 use_directory_urls。",
        )
        return False
    target = output / shard.bundle
    with _staged_pages(output, [page for _, page in pages]) as source:
        command = [
            str(executable),
            "--site",
            str(source),
            "--output-path",
            str(target),
            "--force-language",
            LANGUAGE,
            "--quiet",
        ]
        try:
            result = subprocess.run(
                command,
                cwd=source,  # no pagefind.yml of the caller's working folder is read
                env=_clean_environment(),
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=RUN_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            report.add(
                "E-SEARCH-FAILED",
                where,
                1,
                f"生成检索索引超时（超过 {RUN_TIMEOUT} 秒，{len(pages)} 个条目）；"
                f"可用环境变量 {SHARD_BUDGET_VARIABLE} 调小每批的字数后重试。",
            )
            return False
        except OSError as error:
            report.add("E-SEARCH-FAILED", where, 1, f"无法运行 Pagefind：{error}")
            return False
    if result.returncode != 0:
        report.add(
            "E-SEARCH-FAILED",
            where,
            1,
            f"Pagefind 生成检索索引失败（退出码 {result.returncode}）：{_last_lines(result)}",
        )
        return False
    indexed = indexed_pages(target)
    if indexed != len(pages):
        report.add(
            "E-SEARCH-INCOMPLETE",
            where,
            1,
            f"检索索引收录了 {indexed} 个页面，应为 {len(pages)} 个已发布条目；"
            "如果 theme/ 覆盖了 item.html，请保留正文上的 data-pagefind-body。",
        )
        return False
    return True


def indexed_pages(bundle: Path) -> int:
    """How many pages a Pagefind bundle holds, from its ``pagefind-entry.json``."""
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        return sum(int(language["page_count"]) for language in entry["languages"].values())
    except (OSError, ValueError, KeyError, TypeError):
        return 0


@contextmanager
def _staged_pages(output: Path, pages: Iterable[Path]) -> Iterator[Path]:
    """A temporary folder beside ``output`` holding just these pages, at their paths.

    Pagefind computes result URLs from paths under the folder it is given, so the pages keep
    their place; hard links make this cheap (a copy where the filesystem refuses links).
    """
    folder = Path(tempfile.mkdtemp(prefix=".search-", dir=output.parent))
    try:
        for page in pages:
            copy = folder / page.relative_to(output)
            copy.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(page, copy)
            except OSError:
                shutil.copyfile(page, copy)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _clean_environment() -> dict[str, str]:
    """The caller's environment without PAGEFIND_* settings, which would change the index."""
    return {key: value for key, value in os.environ.items() if not key.startswith("PAGEFIND_")}


def _last_lines(result: subprocess.CompletedProcess[str], count: int = 5) -> str:
    lines = [line for line in (result.stderr + "\n" + result.stdout).splitlines() if line.strip()]
    return " / ".join(lines[-count:]) or "没有输出"
