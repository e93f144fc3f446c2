"""The site model: what a build at a given as-of moment publishes, and how it is organised.

Built from a validated :class:`~generator.content.model.Collection`. Only public items (SPEC §6)
enter it, so every output made from it — pages, listings, browse pages, search, sitemap — is
free of non-public items by construction. No MkDocs here: the renderer reads this model.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator.content.catalog import Column
from generator.content.dates import AsOf
from generator.content.fields import label
from generator.content.link_rules import withheld_files
from generator.content.links import attachment_type, human_size, resolve
from generator.content.model import Collection, ColumnPage, Item
from generator.site.listings import ListingPage, paginate

BROWSE_ROOT = "browse"
HOME_NEWEST = 10


POLICE_RECORD_PAGE = "https://beian.mps.gov.cn/#/query/webSearch?code="


@dataclass(frozen=True)
class SiteIdentity:
    """Who runs the site (mkdocs.yml): shown in the footer and in the page meta tags."""

    name: str
    url: str = ""  # https://www.example.gov.cn/xxgk/ — for absolute Url meta tags
    domain: str = ""
    id_code: str = ""  # 网站标识码, assigned to the site
    organizer: str = ""  # 主办单位
    icp: str = ""  # ICP 备案号
    police_record: str = ""  # 公安机关备案号
    error_report_url: str = ""  # 我为政府网站找错
    contact: str = ""
    party_mark_url: str = ""  # 党政机关网站标识: where it is verified
    party_mark_image: str = ""  # … and the image of the mark
    data_licence: str = ""  # the terms of use of the 数据开放 downloads; a default text if empty

    @property
    def police_record_url(self) -> str:
        """The 公安 verification page of the 公安备案 number (青公网安备 63012302000123号)."""
        digits = "".join(re.findall(r"\d+", self.police_record))
        return f"{POLICE_RECORD_PAGE}{digits}" if digits else ""

    def absolute(self, path: str) -> str:
        """The address of a site-relative path: absolute when the site's address is known."""
        return self.url.rstrip("/") + "/" + path if self.url else path


@dataclass(frozen=True)
class Attachment:
    src_uri: str
    text: str
    type: str
    size: str


@dataclass
class FacetValue:
    name: str
    slug: str
    items: list[Item] = field(default_factory=list)

    def base(self, facet: Facet) -> str:
        return f"{BROWSE_ROOT}/{facet.key}/{self.slug}"


@dataclass
class Facet:
    """One way to browse all items: by 主题分类, 发布机构, 年份 or 体裁."""

    key: str
    title: str
    values: list[FacetValue]

    @property
    def url(self) -> str:
        return f"{BROWSE_ROOT}/{self.key}/"


@dataclass
class SiteModel:
    collection: Collection
    as_of: AsOf
    items: list[Item]  # public items, newest first
    by_column: dict[str, list[Item]]
    pages: dict[str, ColumnPage]  # by src_uri
    facets: list[Facet]
    interpretations: dict[str, list[Item]]  # policy index_no → its public interpretations
    by_index: dict[str, Item]  # public items by index_no
    attachments: dict[str, list[Attachment]]  # item src_uri → attachments it links to
    published_files: set[str]  # src_uris of non-Markdown files that public pages link to

    @property
    def catalog(self):
        return self.collection.catalog

    def column_listing(self, column: Column) -> list[ListingPage]:
        return paginate(self.by_column.get(column.path, []), column.path, self.catalog.page_size)

    def facet_listings(self, facet: Facet, value: FacetValue) -> list[ListingPage]:
        return paginate(value.items, value.base(facet), self.catalog.page_size)

    def newest(self) -> list[Item]:
        return self.items[:HOME_NEWEST]

    def column_count(self, column: Column) -> int:
        return sum(len(self.by_column.get(c.path, [])) for c in column.walk())

    def policy_of(self, item: Item) -> Item | None:
        return self.by_index.get(item.interprets or "")

    def replacement_of(self, item: Item) -> Item | None:
        return self.by_index.get(item.superseded_by or "")


def build_site_model(collection: Collection, as_of: AsOf, content_dir: Path) -> SiteModel:
    public = sorted(
        (item for item in collection.items if item.is_public(as_of)),
        key=lambda item: item.sort_key,
        reverse=True,
    )
    by_column: dict[str, list[Item]] = defaultdict(list)
    interpretations: dict[str, list[Item]] = defaultdict(list)
    for item in public:
        by_column[item.column.path].append(item)
        if item.interprets:
            interpretations[item.interprets].append(item)
    # A file that a withheld item uses is never published (the check reports links to it).
    existing_files = set(collection.attachments) - set(withheld_files(collection, as_of))
    attachments: dict[str, list[Attachment]] = {}
    published_files: set[str] = set()
    linking_sources: list[Item | ColumnPage] = [*public, *collection.pages]
    for source in linking_sources:
        found = []
        for link in source.links:
            if link.is_external:
                continue
            target = resolve(source.src_uri, link)
            if target in existing_files:
                published_files.add(target)
                size = human_size((content_dir / target).stat().st_size)
                found.append(Attachment(target, link.text or target, attachment_type(target), size))
        if found:
            attachments[source.src_uri] = found
    return SiteModel(
        collection=collection,
        as_of=as_of,
        items=public,
        by_column=dict(by_column),
        pages={page.src_uri: page for page in collection.pages},
        facets=_facets(collection, public),
        interpretations=dict(interpretations),
        by_index={str(item.index_no): item for item in public if item.index_no},
        attachments=attachments,
        published_files=published_files,
    )


def _facets(collection: Collection, public: list[Item]) -> list[Facet]:
    catalog = collection.catalog
    by_topic: dict[str, list[Item]] = defaultdict(list)
    by_unit: dict[str, list[Item]] = defaultdict(list)
    by_year: dict[int, list[Item]] = defaultdict(list)
    by_genre: dict[str, list[Item]] = defaultdict(list)
    for item in public:  # newest first, so every value's items are too
        if item.topic:
            by_topic[item.topic.primary].append(item)
        if item.publisher:
            by_unit[item.publisher.code].append(item)
        if item.published:
            by_year[item.published.year].append(item)
        if item.genre:
            by_genre[item.genre].append(item)
    units = [
        FacetValue(u.name, u.code, by_unit[u.code]) for u in catalog.units if u.code in by_unit
    ]
    years = [FacetValue(f"{y}年", str(y), items) for y, items in by_year.items()]
    topics = [name for name, _ in catalog.topics]
    return [
        Facet("topic", label("topic"), _in_catalog_order(topics, by_topic)),
        Facet("unit", label("publisher"), units),
        Facet("year", "年份", sorted(years, key=lambda v: v.slug, reverse=True)),
        Facet("genre", label("genre"), _in_catalog_order(catalog.genres, by_genre)),
    ]


def _in_catalog_order(names: Iterable[str], items: dict[str, list[Item]]) -> list[FacetValue]:
    """The values that have items, in the catalog's order; a value's slug is its number there."""
    slugs = {name: str(n) for n, name in enumerate(names, start=1)}
    return [FacetValue(name, slug, items[name]) for name, slug in slugs.items() if name in items]


def metadata_rows(item: Item) -> list[tuple[str, str]]:
    """The metadata block of an item page, in the order of gov.cn document pages."""
    return [
        ("索引号", str(item.index_no or "")),
        ("主题分类", str(item.topic or "")),
        ("发布机构", item.publisher.name if item.publisher else ""),
        ("成文日期", item.written.isoformat() if item.written else ""),
        ("标题", item.title),
        ("发文字号", str(item.doc_no or "")),
        ("发布日期", item.published_text),
        ("有效性", item.validity or ""),
        ("体裁", item.genre or ""),
        ("关键词", "、".join(item.keywords)),
    ]


DOCUMENT_ROWS = ("索引号", "主题分类", "发布机构", "成文日期", "发布日期")


def document_rows(page: Item) -> list[tuple[str, str]]:
    """The metadata of a page column's page written as a document: the rows it has."""
    return [(name, value) for name, value in metadata_rows(page) if name in DOCUMENT_ROWS and value]


def page_meta(
    identity: SiteIdentity,
    *,
    column: Column | None = None,
    item: Item | None = None,
    page_url: str = "",
) -> list[tuple[str, str]]:
    """The <meta name content> tags of the 政府网站网页设计规范 for one page."""
    meta = [
        ("SiteName", identity.name),
        ("SiteDomain", identity.domain),
        ("SiteIDCode", identity.id_code),
    ]
    if column is not None:
        meta += [
            ("ColumnName", column.name),
            ("ColumnDescription", column.description),
            ("ColumnKeywords", ",".join(column.keywords)),
            ("ColumnType", column.type),
        ]
    if item is not None:
        published = item.published.isoformat(" ", "minutes") if item.published else ""
        publisher = item.publisher.name if item.publisher else ""
        meta += [
            ("ArticleTitle", item.title),
            ("PubDate", published),
            ("ContentSource", publisher),
            ("Keywords", ",".join(item.keywords)),
            ("Author", publisher),
            ("Description", item.summary or item.title),
            ("Url", identity.absolute(page_url)),
        ]
    return meta
