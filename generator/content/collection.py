"""Reading a whole site: the catalog, every file under content/, and the site-wide checks.

This is the one entry point the commands and the MkDocs adapter use to get a validated
:class:`~generator.content.model.Collection`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.content.catalog import Catalog, Column, load_catalog
from generator.content.dates import AsOf
from generator.content.fields import DISCLOSURE_VALUES, PUBLIC_DISCLOSURE
from generator.content.item_cache import ItemCache, ItemResult, fingerprint
from generator.content.link_rules import check_links
from generator.content.load import SourceFile, read_source
from generator.content.model import Collection, ColumnPage, Item
from generator.content.privacy import check_privacy
from generator.content.raw_html import check_raw_html
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


def discover(content_dir: Path, catalog: Catalog, report: Report) -> ContentFiles:
    """Walk content/ and give every file its role; folders that are no column are errors."""
    found = ContentFiles()
    seen_columns: set[str] = set()
    content_root = content_dir.resolve()
    for folder, dirnames, filenames in os.walk(content_dir):
        rel_folder = Path(folder).relative_to(content_dir).as_posix()
        rel_folder = "" if rel_folder == "." else rel_folder
        links = symlinks_in(folder)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".")
            and not (
                d in links
                and _refused_link(
                    Path(folder) / d, f"{rel_folder}/{d}".lstrip("/"), content_root, report
                )
            )
        )
        column = catalog.column(rel_folder) if rel_folder else None
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
            src_uri = f"{rel_folder}/{name}" if rel_folder else name
            if name.startswith(".") or (
                name in links
                and _refused_link(Path(folder) / name, src_uri, content_root, report)
            ):
                continue
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
    return found


def symlinks_in(folder: str) -> frozenset[str]:
    """The names of the symbolic links in ``folder``: one listing of the folder, where asking
    each file costs a system call (a tenth of a second at 10,000 items)."""
    try:
        with os.scandir(folder) as entries:
            return frozenset(entry.name for entry in entries if entry.is_symlink())
    except OSError:
        return frozenset()


def _refused_link(path: Path, src_uri: str, content_root: Path, report: Report) -> bool:
    """A symbolic link that must not be followed: reported, and then never read or published.

    A folder link is refused wherever it points (MkDocs would follow it and publish what it
    holds unchecked); a file link only when its target is missing or outside content/.
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
            return False
    report.add(
        "E-PATH-SYMLINK",
        f"{CONTENT_DIR}/{src_uri}",
        1,
        f"{CONTENT_DIR}/{src_uri} 是符号链接（快捷方式），{problem}；生成时不会读取它。"
        "请删除该链接，把文件本身复制到 content/ 中条目旁边。",
    )
    return True


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
    items: list[Item] = []
    hashes: dict[str, str] = {}
    cache = ItemCache.open(site_dir, cache_fingerprint, catalog)
    for src_uri, column in files.items:
        rel = f"{CONTENT_DIR}/{src_uri}"
        focused = focus is None or focus(rel)
        result = read_item(content_dir / src_uri, src_uri, column, catalog, cache, focused)
        if result.item is not None:
            items.append(result.item)
            hashes[src_uri] = result.sha256
        if focused:  # an unfocused file's own problems are not asked for
            report.extend(result.diagnostics)
    cache.forget_missing({f"{CONTENT_DIR}/{src_uri}" for src_uri, _ in files.items})
    cache.save()
    pages: list[ColumnPage] = []
    for src_uri, column in files.pages:
        source = read_source(content_dir / src_uri, f"{CONTENT_DIR}/{src_uri}", report)
        if source.readable:
            pages.append(read_page(source, src_uri, column, report))
            check_publishable_text(source, catalog, report)
    check_references(items, report)
    return Collection(catalog, items, pages, files.attachments, hashes)


def read_item(
    path: Path, src_uri: str, column: Column, catalog: Catalog, cache: ItemCache, focused: bool
) -> ItemResult:
    """One item file read and checked on its own — or, unchanged since, its result from the cache.

    From the cache, the item of a file out of focus has no body: nothing reported needs it."""
    rel = f"{CONTENT_DIR}/{src_uri}"
    stamp = cache.stamp(path)  # before reading: a change while reading shows next time
    cached = cache.lookup(rel, path, stamp, column, with_body=focused)
    if cached is not None:
        return cached
    own = Report()
    source = read_source(path, rel, own)
    item = None
    if source.readable:
        item = ItemValidator(source, column, catalog, own).run(src_uri)
        if item.disclosure not in WITHHELD_DISCLOSURES:
            check_publishable_text(source, catalog, own)
    result = ItemResult(item, list(own), source.sha256)
    cache.remember(stamp, source, result.item, result.diagnostics)
    return result


def check_publishable_text(source: SourceFile, catalog: Catalog, report: Report) -> None:
    """What a public page must not carry: personal numbers, and HTML that runs or redirects.

    Run on column pages and on every item that may be published (主动公开, drafts and scheduled
    items included: they are published later); 依申请公开 and 不予公开 items never are.
    """
    check_privacy(source, frozenset(unit.code.upper() for unit in catalog.units), report)
    check_raw_html(source, report)


def check_site(
    site_dir: Path, as_of: AsOf, report: Report, focus: Callable[[str], bool] | None = None
) -> Collection | None:
    """Everything `disclosure check` validates for a build at ``as_of`` (see read_collection)."""
    collection = read_collection(site_dir, report, focus)
    if collection is None:
        return None
    check_public_references(collection.items, as_of, report)
    check_links(collection, as_of, report)
    # 年报 statistical tables (<item>.tables.yml beside a report): read, attached, checked.
    from generator.site.annual_report import check_annual_reports

    check_annual_reports(collection, site_dir / CONTENT_DIR, as_of, report)
    # Site-wide findings (empty and stale columns, 解读比例) have one home, the inspection.
    from generator.site.inspection import inspect_site, report_findings

    report_findings(inspect_site(collection, as_of), report)
    return collection
