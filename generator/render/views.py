"""What each page of the site shows: one :class:`PageView` per output page, keyed by source URI.

Views are plain data for the templates (which hold no business rules). Planning them is pure
Python over the site model; the plugin turns the missing ones into MkDocs virtual files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.content.catalog import Column
from generator.content.model import Item
from generator.publish.search import (
    SEARCH_ROOT,
    SearchPage,
    SearchRecord,
    search_page,
    search_records,
)
from generator.site.inspection import REPORT_ROOT, Inspection, inspect_site
from generator.site.listings import ListingPage
from generator.site.model import (
    BROWSE_ROOT,
    Attachment,
    Facet,
    FacetValue,
    SiteIdentity,
    SiteModel,
    metadata_rows,
    page_meta,
)

HOME = "index.md"


@dataclass
class PageView:
    kind: str  # home, page, section, column, item, browse, facet, facet_value, report, search
    template: str
    title: str
    meta: list[tuple[str, str]]
    identity: SiteIdentity
    model: SiteModel
    generated: bool = False  # create a virtual page when no source file exists
    in_nav: bool = True
    hide_body_title: bool = False
    column: Column | None = None
    item: Item | None = None
    listing: ListingPage | None = None
    facet: Facet | None = None
    facet_value: FacetValue | None = None
    breadcrumbs: list[tuple[str, str]] = field(default_factory=list)  # (title, site-relative url)
    # Item pages only
    rows: list[tuple[str, str]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    interpretations: list[Item] = field(default_factory=list)
    policy: Item | None = None
    replacement: Item | None = None
    # The staff page report/ only
    inspection: Inspection | None = None
    # Site search: the hidden index data of an item page; the search page's filters and shards
    search_record: SearchRecord | None = None
    search: SearchPage | None = None


def _crumbs(column: Column | None) -> list[tuple[str, str]]:
    trail = [("首页", "")]
    if column is not None:
        trail += [(c.name, f"{c.path}/") for c in column.trail()]
    return trail


def plan_pages(model: SiteModel, identity: SiteIdentity) -> dict[str, PageView]:
    views: dict[str, PageView] = {}

    def view(src_uri: str, **fields) -> None:
        views[src_uri] = PageView(identity=identity, model=model, **fields)

    view(
        HOME,
        kind="home",
        template="home.html",
        title=identity.name,
        meta=[*page_meta(identity), ("ColumnName", "首页"), ("ColumnType", "首页")],
        generated=True,
        hide_body_title=True,
    )
    for column in model.catalog.walk():
        intro = f"{column.path}/index.md"
        common = dict(column=column, breadcrumbs=_crumbs(column), hide_body_title=True)
        meta = page_meta(identity, column=column)
        if column.kind == "page":
            view(
                intro,
                kind="page",
                template="column-page.html",
                title=column.name,
                meta=meta,
                **common,
            )
        elif column.kind == "section":
            view(
                intro,
                kind="section",
                template="section.html",
                title=column.name,
                meta=meta,
                generated=True,
                **common,
            )
        else:
            for listing in model.column_listing(column):
                view(
                    listing.src_uri,
                    kind="column",
                    template="column.html",
                    title=column.name
                    if listing.number == 1
                    else f"{column.name}（第 {listing.number} 页）",
                    meta=meta,
                    generated=True,
                    in_nav=listing.number == 1,
                    listing=listing,
                    **common,
                )
    records = search_records(model)
    for item in model.items:
        view(
            item.src_uri,
            kind="item",
            template="item.html",
            title=item.title,
            meta=page_meta(identity, column=item.column, item=item, page_url=item.url),
            column=item.column,
            item=item,
            breadcrumbs=_crumbs(item.column),
            rows=metadata_rows(item),
            attachments=model.attachments.get(item.src_uri, []),
            interpretations=model.interpretations.get(str(item.index_no), []),
            policy=model.policy_of(item),
            replacement=model.replacement_of(item),
            search_record=records[item.src_uri],
        )
    browse_crumbs = [("首页", ""), ("分类浏览", f"{BROWSE_ROOT}/")]
    view(
        f"{BROWSE_ROOT}/index.md",
        kind="browse",
        template="browse.html",
        title="分类浏览",
        meta=page_meta(identity),
        generated=True,
        breadcrumbs=browse_crumbs,
    )
    for facet in model.facets:
        facet_crumbs = [*browse_crumbs, (f"按{facet.title}", facet.url)]
        view(
            f"{BROWSE_ROOT}/{facet.key}/index.md",
            kind="facet",
            template="browse.html",
            title=f"按{facet.title}浏览",
            meta=page_meta(identity),
            generated=True,
            in_nav=False,
            facet=facet,
            breadcrumbs=facet_crumbs,
        )
        for value in facet.values:
            for listing in model.facet_listings(facet, value):
                suffix = "" if listing.number == 1 else f"（第 {listing.number} 页）"
                view(
                    listing.src_uri,
                    kind="facet_value",
                    template="listing.html",
                    title=f"{facet.title}：{value.name}{suffix}",
                    meta=page_meta(identity),
                    generated=True,
                    in_nav=False,
                    facet=facet,
                    facet_value=value,
                    listing=listing,
                    breadcrumbs=[*facet_crumbs, (value.name, f"{value.base(facet)}/")],
                )
    view(
        f"{SEARCH_ROOT}/index.md",
        kind="search",
        template="search.html",
        title="站内检索",
        meta=page_meta(identity),
        generated=True,
        in_nav=False,
        breadcrumbs=[("首页", ""), ("站内检索", f"{SEARCH_ROOT}/")],
        search=search_page(model),
    )
    view(
        f"{REPORT_ROOT}/index.md",
        kind="report",
        template="report.html",
        title="网站检查报告",
        meta=[*page_meta(identity), ("robots", "noindex, nofollow")],
        generated=True,
        in_nav=False,
        breadcrumbs=[("首页", ""), ("网站检查报告", f"{REPORT_ROOT}/")],
        inspection=inspect_site(model.collection, model.as_of).redacted(),
    )
    return views
