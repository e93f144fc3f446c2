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
from generator.content.digest_cache import DigestCache
from generator.content.link_rules import check_links
from generator.content.load import read_source
from generator.content.model import Collection, ColumnPage, Item
from generator.content.validate import (
    ItemValidator,
    check_public_references,
    check_references,
    read_page,
)
from generator.diagnostics import Report

CONTENT_DIR = "content"
INTRO = "index.md"


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
    for folder, dirnames, filenames in os.walk(content_dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        rel_folder = Path(folder).relative_to(content_dir).as_posix()
        rel_folder = "" if rel_folder == "." else rel_folder
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
            if name.startswith("."):
                continue
            src_uri = f"{rel_folder}/{name}" if rel_folder else name
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


def read_collection(
    site_dir: Path, report: Report, focus: Callable[[str], bool] | None = None
) -> Collection | None:
    """Load and validate everything that does not depend on the as-of date.

    With ``focus``, only the files it accepts (paths relative to the site) are fully validated;
    every other item comes from the digest cache, which is all the site-wide rules need.
    """
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
    cache = DigestCache.open(site_dir)
    for src_uri, column in files.items:
        path, rel = content_dir / src_uri, f"{CONTENT_DIR}/{src_uri}"
        if focus is not None and not focus(rel):
            cached = cache.lookup(path, rel, column, catalog)
            if cached is not None:
                items.append(cached)
                continue
            item_report = Report()  # an unfocused file's own problems are not asked for
        else:
            item_report = report
        source = read_source(path, rel, item_report)
        if source.readable:
            item = ItemValidator(source, column, catalog, item_report).run(src_uri)
            items.append(item)
            cache.remember(path, rel, item)
    cache.forget_missing({f"{CONTENT_DIR}/{src_uri}" for src_uri, _ in files.items})
    cache.save()
    pages: list[ColumnPage] = []
    for src_uri, column in files.pages:
        source = read_source(content_dir / src_uri, f"{CONTENT_DIR}/{src_uri}", report)
        if source.readable:
            pages.append(read_page(source, src_uri, column, report))
    check_references(items, report)
    return Collection(catalog, items, pages, files.attachments)


def check_site(
    site_dir: Path, as_of: AsOf, report: Report, focus: Callable[[str], bool] | None = None
) -> Collection | None:
    """Everything `disclosure check` validates for a build at ``as_of`` (see read_collection)."""
    collection = read_collection(site_dir, report, focus)
    if collection is None:
        return None
    check_public_references(collection.items, as_of, report)
    check_links(collection, as_of, report)
    # Site-wide findings (empty and stale columns, 解读比例) have one home, the inspection.
    from generator.site.inspection import inspect_site, report_findings

    report_findings(inspect_site(collection, as_of), report)
    return collection
