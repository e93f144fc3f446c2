"""Reading a whole site: the catalog, every file under content/, and the site-wide checks.

This is the one entry point the commands and the MkDocs adapter use to get a validated
:class:`~generator.content.model.Collection`.
"""

from __future__ import annotations

import os
import posixpath
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.content.attachment_cache import AttachmentCache
from generator.content.attachments import check_attachments
from generator.content.catalog import CATALOG_FILE, Catalog, Column, load_catalog
from generator.content.dates import AsOf
from generator.content.fields import DISCLOSURE_VALUES, PUBLIC_DISCLOSURE
from generator.content.item_cache import ItemCache, ItemResult, fingerprint
from generator.content.link_rules import check_links
from generator.content.links import resolve
from generator.content.load import SourceFile, read_source
from generator.content.model import Collection, ColumnPage, Item
from generator.content.nesting import check_nesting
from generator.content.privacy import check_attachment, check_catalog_text, check_privacy
from generator.content.raw_html import check_catalog_texts, check_raw_html
from generator.content.validate import (
    ItemValidator,
    check_public_references,
    check_references,
    read_page,
)
from generator.diagnostics import Report

CONTENT_DIR = "content"
INTRO = "index.md"
# 依申请公开 and 不予公开: never published, so not held to the rules of public text.
WITHHELD_DISCLOSURES = frozenset(DISCLOSURE_VALUES) - {PUBLIC_DISCLOSURE}


@dataclass
class ContentFiles:
    """Files under content/ sorted by role; paths relative to content/."""

    items: list[tuple[str, Column]] = field(default_factory=list)
    pages: list[tuple[str, Column | None]] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)


def _bundle_column(catalog: Catalog, rel_folder: str, filenames: list[str]) -> Column | None:
    """The list column whose item ``rel_folder`` is, when it is an item folder (a page bundle:
    ``content/<column>/<slug>/index.md``, as Hugo's leaf bundles), else None."""
    parent = posixpath.dirname(rel_folder)
    column = catalog.column(parent) if parent else None
    if column is None or not column.is_list or INTRO not in filenames:
        return None
    return column


@dataclass(frozen=True)
class _Folder:
    """A folder of content/ as os.walk gives it: which of its entries are read at all."""

    path: Path
    rel: str  # relative to content/; "" for content/ itself
    links: frozenset[str]  # the names of its symbolic links
    content_root: Path  # content/, resolved
    report: Report

    def src_uri(self, name: str) -> str:
        return f"{self.rel}/{name}" if self.rel else name

    def reads(self, name: str) -> bool:
        """Not hidden, named in UTF-8 and no symbolic link; the last two reported otherwise."""
        return (
            not name.startswith(".")
            and _utf8_name(name, self.rel, self.report)
            and not (
                name in self.links
                and _refused_link(
                    self.path / name, self.src_uri(name), self.content_root, self.report
                )
            )
        )


def _discover_bundle(
    folder: _Folder,
    column: Column,
    filenames: list[str],
    dirnames: list[str],
    found: ContentFiles,
) -> None:
    """An item folder: its index.md is the item, its other files the item's attachments, which
    keep their names (附件1.pdf) without meeting another item's."""
    rel_folder, report = folder.rel, folder.report
    for name in sorted(filenames):
        src_uri = folder.src_uri(name)
        if not folder.reads(name):
            continue
        _check_name(src_uri, report)
        if name == INTRO:
            found.items.append((src_uri, column))
        elif name.endswith(".md"):
            report.add(
                "E-ITEM-PLACE",
                f"{CONTENT_DIR}/{src_uri}",
                1,
                f"条目文件夹 {CONTENT_DIR}/{rel_folder} 中只能有 index.md（条目本身）和它的附件；"
                f"另一个条目请放在栏目文件夹 {CONTENT_DIR}/{column.path} 中。",
            )
        else:
            found.attachments.append(src_uri)
    for name in dirnames:  # sorted by discover, hidden ones left out
        report.add(
            "E-ITEM-PLACE",
            f"{CONTENT_DIR}/{rel_folder}/{name}",
            1,
            f"条目文件夹 {CONTENT_DIR}/{rel_folder} 中不能再有文件夹；附件直接放在 index.md 旁边。",
        )


def discover(content_dir: Path, catalog: Catalog, report: Report) -> ContentFiles:
    """Walk content/ and give every file its role; folders that are no column are errors."""
    found = ContentFiles()
    seen_columns: set[str] = set()
    content_root = content_dir.resolve()
    for path, dirnames, filenames in os.walk(content_dir):
        rel_folder = Path(path).relative_to(content_dir).as_posix()
        rel_folder = "" if rel_folder == "." else rel_folder
        folder = _Folder(Path(path), rel_folder, symlinks_in(path), content_root, report)
        dirnames[:] = sorted(d for d in dirnames if folder.reads(d))
        column = catalog.column(rel_folder) if rel_folder else None
        bundle_of = _bundle_column(catalog, rel_folder, filenames) if column is None else None
        if bundle_of is not None:  # an item folder: index.md and its attachments
            _discover_bundle(folder, bundle_of, filenames, dirnames, found)
            dirnames[:] = []
            continue
        if rel_folder and column is None:
            report.add(
                "E-CATALOG-FOLDER-UNKNOWN",
                f"{CONTENT_DIR}/{rel_folder}",
                1,
                f"文件夹 {CONTENT_DIR}/{rel_folder} 不对应 columns.yml 中的任何栏目；"
                "请在 columns.yml 中登记该栏目，或把其中的文件移到正确的栏目文件夹。",
            )
            dirnames[:] = []
            continue
        if column is not None:
            seen_columns.add(column.path)
        for name in sorted(filenames):
            src_uri = folder.src_uri(name)
            if not folder.reads(name):
                continue
            _check_name(src_uri, report)
            if not name.endswith(".md"):
                found.attachments.append(src_uri)
            elif name == INTRO:
                found.pages.append((src_uri, column))
            elif column is not None and column.is_list:
                found.items.append((src_uri, column))
            else:
                where = f"栏目“{column.name}”" if column else "content/ 根目录"
                report.add(
                    "E-ITEM-PLACE",
                    f"{CONTENT_DIR}/{src_uri}",
                    1,
                    f"{where}不是列表栏目，不能直接放条目；请把它移到某个列表栏目的文件夹中"
                    "（此处只能有 index.md）。",
                )
    for column in catalog.walk():
        if column.path not in seen_columns:
            report.add(
                "E-CATALOG-FOLDER-MISSING",
                "columns.yml",
                column.line,
                f"栏目“{column.name}”没有文件夹：请创建 {CONTENT_DIR}/{column.path}/。",
            )
        elif column.kind == "page" and (f"{column.path}/{INTRO}", column) not in found.pages:
            report.add(
                "E-CATALOG-PAGE-MISSING",
                f"{CONTENT_DIR}/{column.path}",
                1,
                f"单页栏目“{column.name}”缺少 {CONTENT_DIR}/{column.path}/{INTRO}。",
            )
    by_address: dict[str, list[str]] = defaultdict(list)
    for src_uri, _ in found.items:  # x.md and x/index.md both become the page x/
        by_address[src_uri.removesuffix(".md").removesuffix("/index")].append(src_uri)
    for holders in by_address.values():
        if len(holders) > 1:
            report.add(
                "E-ITEM-PLACE",
                f"{CONTENT_DIR}/{holders[0]}",
                1,
                f"{CONTENT_DIR}/{holders[0]} 和 {CONTENT_DIR}/{holders[1]} 是同一个网址的页面；"
                "请删除其中一个，或给其中一个改名。",
            )
    return found


def _utf8_name(name: str, rel_folder: str, report: Report) -> bool:
    """Whether a file or folder name is UTF-8, as every name on the site must be; a name in
    another encoding (GBK, from an old Windows archive) is reported and the file left out."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        shown = name.encode("utf-8", "surrogateescape").decode("gb18030", "replace")
        where = f"{CONTENT_DIR}/{rel_folder}".rstrip("/")
        report.add(
            "E-PATH-ENCODING",
            where,
            1,
            f"{where} 中有一个文件名不是 UTF-8 编码（按 GBK 读作“{shown}”），无法发布；"
            "请在本机重新输入这个文件名（解压时选择 UTF-8 或用新版解压软件）。",
        )
        return False
    return True


def symlinks_in(folder: str) -> frozenset[str]:
    """The names of the symbolic links in ``folder``: one listing of the folder, where asking
    each file would cost a system call per item."""
    try:
        with os.scandir(folder) as entries:
            return frozenset(entry.name for entry in entries if entry.is_symlink())
    except OSError:
        return frozenset()


def _refused_link(path: Path, src_uri: str, content_root: Path, report: Report) -> bool:
    """A symbolic link: reported, and then never read or published, wherever it points.

    A folder link would publish what it holds unchecked under another address; a file link
    can point outside content/, or publish under a public name a file that a withheld item
    uses — and what it points to can change between the check and the build.
    """
    if not path.is_symlink():
        return False
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing target, or a loop of links
        problem = "指向的位置不存在（或链接互相循环）"
    else:
        if not target.is_relative_to(content_root):
            problem = "指向 content/ 以外的位置，那里的文件不能发布到网站上"
        elif target.is_dir():
            problem = "是文件夹链接，其中的文件会不经检查、以另一个地址重复发布"
        else:
            problem = "会让同一个文件以另一个名称发布，且所指的文件可能在检查后改变"
    report.add(
        "E-PATH-SYMLINK",
        f"{CONTENT_DIR}/{src_uri}",
        1,
        f"{CONTENT_DIR}/{src_uri} 是符号链接（快捷方式），{problem}；生成时不会读取它。"
        "请删除该链接，把文件本身复制到 content/ 中条目旁边。",
    )
    return True


# Characters that a file name carries into every address and listing of the site, where they
# would end an HTML attribute or start markup; and the controls that no name should hold.
_NAME_MARKS = frozenset("\"'<>`") | {chr(code) for code in range(32)} | {"\x7f"}


def _check_name(src_uri: str, report: Report) -> None:
    name = posixpath.basename(src_uri)
    marks = sorted({char for char in name if char in _NAME_MARKS})
    if marks:
        shown = " ".join(repr(char) for char in marks)
        report.add(
            "E-PATH-NAME",
            f"{CONTENT_DIR}/{src_uri}",
            1,
            f"文件名“{name}”含有不能用于网址的字符 {shown}（引号、尖括号、反引号或控制字符）；"
            "请改名，只用汉字、字母、数字、-、_ 和 .。",
        )


def read_collection(
    site_dir: Path, report: Report, focus: Callable[[str], bool] | None = None
) -> Collection | None:
    """Load and validate everything that does not depend on the as-of date.

    Every item file's own result comes from the item cache while the file is unchanged. With
    ``focus``, only the diagnostics of the files it accepts (paths relative to the site) are
    reported; every item still takes part in the site-wide rules, those from the cache without
    their bodies (whose links concern only their own, unreported, files).
    """
    cache_fingerprint = fingerprint(site_dir)
    catalog = load_catalog(site_dir, report)
    if catalog is None:
        return None
    check_catalog_texts(
        catalog, (site_dir / CATALOG_FILE).read_text(encoding="utf-8", errors="replace"), report
    )
    content_dir = site_dir / CONTENT_DIR
    if not content_dir.is_dir():
        report.add(
            "E-CATALOG-FOLDER-MISSING",
            CONTENT_DIR,
            1,
            f"找不到内容文件夹 {CONTENT_DIR}/，请创建它。",
        )
        return Collection(catalog, [], [], [])
    files = discover(content_dir, catalog, report)
    check_attachments(
        content_dir,
        [uri for uri in files.attachments if focus is None or focus(f"{CONTENT_DIR}/{uri}")],
        report,
    )
    items: list[Item] = []
    hashes: dict[str, str] = {}
    cache = ItemCache.open(site_dir, cache_fingerprint, catalog)
    folder = str(content_dir)  # paths as text: a Path for each of many files costs
    for src_uri, column in files.items:
        result = read_item(os.path.join(folder, src_uri), src_uri, column, catalog, cache)
        if result.item is not None:
            items.append(result.item)
            hashes[src_uri] = result.sha256
        if focus is None or focus(f"{CONTENT_DIR}/{src_uri}"):  # else not asked for
            report.extend(result.diagnostics)
    cache.forget_missing({f"{CONTENT_DIR}/{src_uri}" for src_uri, _ in files.items})
    cache.save()
    pages: list[ColumnPage] = []
    for src_uri, column in files.pages:
        source = read_source(content_dir / src_uri, f"{CONTENT_DIR}/{src_uri}", report)
        if source.readable:
            pages.append(read_page(source, src_uri, column, catalog, report))
            check_publishable_text(source, catalog, report)
    documents = [page.document for page in pages if page.document is not None]
    check_references(items + documents, report)  # 索引号 unique across items and pages
    return Collection(catalog, items, pages, files.attachments, hashes)


def read_item(
    path: str, src_uri: str, column: Column, catalog: Catalog, cache: ItemCache
) -> ItemResult:
    """One item file read and checked on its own — or, unchanged since, its result from the cache.

    From the cache, the item's body is read again from the file if asked (model.LazyText)."""
    rel = f"{CONTENT_DIR}/{src_uri}"
    stamp = cache.stamp(path)  # before reading: a change while reading shows next time
    cached = cache.lookup(rel, path, stamp, column)
    if cached is not None:
        return cached
    own = Report()
    source = read_source(Path(path), rel, own)
    item = None
    if source.readable:
        item = ItemValidator(source, column, catalog, own).run(src_uri)
        if item.disclosure not in WITHHELD_DISCLOSURES:
            check_publishable_text(source, catalog, own)
    result = ItemResult(item, list(own), source.sha256)
    cache.remember(stamp, source, result.item, result.diagnostics)
    return result


def check_publishable_text(source: SourceFile, catalog: Catalog, report: Report) -> None:
    """What a public page must not carry: personal numbers, HTML that runs or redirects, and
    nesting deeper than the Markdown conversion can take.

    Run on column pages and on every item that may be published (主动公开, drafts and scheduled
    items included: they are published later); 依申请公开 and 不予公开 items never are.
    """
    check_privacy(source, frozenset(unit.code.upper() for unit in catalog.units), report)
    check_raw_html(source, report)
    check_nesting(source, report)


def check_published_files(
    site_dir: Path,
    collection: Collection,
    report: Report,
    focus: Callable[[str], bool] | None = None,
) -> None:
    """The privacy scan of what is published besides the Markdown: columns.yml, and every
    attachment that a column page or an item that may be published links to (its name, and
    the text of a text, CSV, Word, Excel or PDF file; kept in the attachment cache)."""
    unit_codes = frozenset(unit.code.upper() for unit in collection.catalog.units)
    if focus is None or focus("columns.yml"):
        check_catalog_text(site_dir, unit_codes, report)
    existing = set(collection.attachments)
    linked: set[str] = set()
    sources: list[Item | ColumnPage] = [
        item for item in collection.items if item.disclosure not in WITHHELD_DISCLOSURES
    ]
    for source in [*sources, *collection.pages]:
        for link in source.links:
            target = None if link.is_external else resolve(source.src_uri, link)
            if target in existing:
                linked.add(target)
    cache = AttachmentCache(site_dir)
    for src_uri in sorted(linked):
        rel = f"{CONTENT_DIR}/{src_uri}"
        if focus is not None and not focus(rel):
            continue
        path = site_dir / CONTENT_DIR / src_uri
        stamp = cache.stamp(path)
        found = cache.lookup(rel, stamp)
        if found is None:
            own = Report()
            check_attachment(path, rel, unit_codes, own)
            found = list(own)
            cache.remember(rel, stamp, found)
        report.extend(found)
    cache.save({f"{CONTENT_DIR}/{src_uri}" for src_uri in linked})


def check_content(
    site_dir: Path, as_of: AsOf, report: Report, focus: Callable[[str], bool] | None = None
) -> Collection | None:
    """The content's own checks for a build at ``as_of`` (see read_collection): its items,
    references, links and published files. The site-wide checks follow in
    :func:`generator.site.check.check_site`."""
    collection = read_collection(site_dir, report, focus)
    if collection is None:
        return None
    check_public_references(collection.items, as_of, report)
    check_links(collection, as_of, report)
    check_published_files(site_dir, collection, report, focus)
    return collection
