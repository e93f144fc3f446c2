"""The content model: items (信息条目), column pages and attachments, typed and normalised.

Built by :mod:`generator.content.validate` from :class:`~generator.content.load.SourceFile`.
A field that failed validation is ``None`` here; its diagnostic is in the report.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from generator.content.catalog import Catalog, Column, Unit
from generator.content.dates import AsOf
from generator.content.doc_number import DocNumber
from generator.content.fields import PUBLIC_DISCLOSURE
from generator.content.index_number import IndexNumber
from generator.content.links import Link, extract_links
from generator.content.load import BodyOnDisk
from generator.content.topics import Topic


class LazyText:
    """A text field that may be given as a function returning the text, called when the field
    is first read. An item rebuilt from the item cache comes with its body on disk: few of a
    large site's bodies are ever read in a build (a withheld item's, for the names of the files
    it uses), and decoding them all would be a large share of a rebuild's time and memory."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = f"_{name}"

    def __get__(self, instance: object, owner: type | None = None) -> str:
        if instance is None:
            return ""  # the default, for the dataclass
        text = instance.__dict__[self.name]
        if not isinstance(text, str):
            text = instance.__dict__[self.name] = text()
        return text

    def __set__(self, instance: object, text: str | Callable[[], str]) -> None:
        instance.__dict__[self.name] = text


@dataclass(eq=False)
class Item:
    """One disclosure item: a Markdown file in a list column."""

    source: str  # path relative to the site root: content/fdzdgknr/zcwj/x.md
    src_uri: str  # path relative to content/: fdzdgknr/zcwj/x.md
    column: Column
    title: str
    index_no: IndexNumber | None
    publisher: Unit | None
    topic: Topic | None
    disclosure: str | None
    published: datetime | None
    published_has_time: bool = False
    doc_no: DocNumber | None = None
    written: date | None = None
    genre: str | None = None
    keywords: tuple[str, ...] = ()
    summary: str | None = None
    validity: str | None = None
    superseded_by: str | None = None
    interprets: str | None = None
    editor: str | None = None
    reviewer: str | None = None
    approver: str | None = None
    draft: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    body: LazyText = LazyText()  # reads as str
    body_line: int = 1
    lines: dict[str, int] = field(default_factory=dict)  # field key → line in the file
    # 年报 only: the statistical tables of its sidecar <name>.tables.yml, attached by the site
    # check (a generator.site.annual_report.AnnualReport; the content layer never reads it, and
    # names no type of the site layer above it)
    annual_report: Any = None

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)

    @cached_property
    def links(self) -> list[Link]:
        """The links its body writes, read once: the link rules, the check of published files
        and the site model each go over them (the item cache sets them without the body)."""
        return extract_links(self.body, self.body_line)

    def is_public(self, as_of: AsOf) -> bool:
        """SPEC §6: 主动公开, not a draft, and published no later than the as-of moment."""
        return (
            self.disclosure == PUBLIC_DISCLOSURE
            and not self.draft
            and self.published is not None
            and self.published <= as_of.moment
        )

    def is_scheduled(self, as_of: AsOf) -> bool:
        """Public in all but date: waiting for its publication date (定时发布)."""
        return (
            self.disclosure == PUBLIC_DISCLOSURE
            and not self.draft
            and self.published is not None
            and self.published > as_of.moment
        )

    @property
    def url(self) -> str:
        """Site-relative URL of the item page: the file's path without .md, as a folder."""
        if self.src_uri.endswith("/index.md"):  # an item folder (page bundle)
            return self.src_uri.removesuffix("index.md")
        return self.src_uri.removesuffix(".md") + "/"

    @property
    def published_text(self) -> str:
        if self.published is None:
            return ""
        text = self.published.isoformat(" ", "minutes")  # as strftime, several times faster
        return text if self.published_has_time else text[:10]

    @property
    def sort_key(self) -> tuple[datetime, str]:
        """Newest first when sorted in reverse; ties broken by index number for stable output."""
        return (self.published or datetime.min, str(self.index_no or self.source))


@dataclass(eq=False)
class ColumnPage:
    """A column's own page: the introduction (index.md) of a list column, or a page column."""

    source: str
    src_uri: str
    column: Column | None  # None for the home page introduction content/index.md
    title: str | None
    summary: str | None
    body: str
    body_line: int
    # A page column's page written as a document: its publisher, dates, 索引号 (else None)
    document: Item | None = None

    @cached_property
    def links(self) -> list[Link]:
        return extract_links(self.body, self.body_line)


@dataclass
class Collection:
    """Everything under content/, read and validated: what the site model is built from."""

    catalog: Catalog
    items: list[Item]
    pages: list[ColumnPage]
    attachments: list[str]  # src_uris of non-Markdown files under content/
    hashes: dict[str, str] = field(default_factory=dict)  # item src_uri → SHA-256 of its file
    # The attachments withheld items use, by as-of moment: asked by the link check and the site
    # model, worked out once (generator/content/link_rules.py).
    withheld: dict[datetime, dict[str, Item]] = field(default_factory=dict)

    def item_by_index_no(self) -> dict[str, Item]:
        return {str(item.index_no): item for item in self.items if item.index_no}

    def release_bodies(self, site_dir: Path) -> None:
        """Forget the items' bodies once the site model is built: read again from the file if
        asked (the link check, to point at a broken link).

        A build reads few bodies after that — MkDocs reads each file itself — and on a large
        site they are a large share of its memory, held until the build ends (issue #9)."""
        for item in self.items:
            # a path as text: a Path for each of many items costs
            item.body = BodyOnDisk(os.path.join(site_dir, item.source), item.source)
