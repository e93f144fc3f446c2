"""What each page of the site shows: one :class:`PageView` per output page, keyed by source URI.

Views are plain data for the templates (which hold no business rules). Planning them is pure
Python over the site model; the plugin turns the missing ones into MkDocs virtual files.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

from generator.content.catalog import Column
from generator.content.model import Item
from generator.guide import render_guide
from generator.site.inspection import REPORT_ROOT, Inspection, inspect_site
from generator.site.listings import ListingPage
from generator.site.model import (
    BROWSE_ROOT,
    Attachment,
    Facet,
    SiteIdentity,
    SiteModel,
    document_rows,
    metadata_rows,
    page_meta,
)
from generator.site.open_data import DATA_ROOT, OpenDataPage, open_data_page
from generator.site.search_page import SEARCH_ROOT, SearchPage, search_page
from generator.site.statistics import (
    STATISTICS_ROOT,
    STATISTICS_TITLE,
    Statistics,
    site_statistics,
)
from generator.site.validity import (
    POLICY_COLUMN_TYPE,
    VALID_ROOT,
    VALID_TITLE,
    policy_columns,
    shows_valid_list,
    valid_listing,
)

HOME = "index.md"
GUIDE = "guide/index.md"  # the clerk's guide, outside the 专栏 columns
FEEDS_ROOT = "feeds"  # the Atom feeds (generator/publish/feeds.py)
SITE_FEED = f"{FEEDS_ROOT}/atom.xml"


def feed_path(column: Column | None = None) -> str:
    """Where a feed is published: ``feeds/atom.xml`` or ``feeds/fdzdgknr/zcwj.xml``."""
    return SITE_FEED if column is None else f"{FEEDS_ROOT}/{column.path}.xml"


@dataclass
class PageView:
    kind: str  # home, page, section, column, item, browse, facet, facet_value, report, search,
    # valid (现行有效文件), statistics, open_data
    template: str
    title: str
    meta: list[tuple[str, str]]
    identity: SiteIdentity
    model: SiteModel
    generated: bool = False  # create a virtual page when no source file exists
    markdown: str | None = None  # the Markdown of a generated page (else just its title)
    in_nav: bool = True
    hide_body_title: bool = False
    column: Column | None = None
    item: Item | None = None
    listing: ListingPage | None = None
    facet: Facet | None = None
    breadcrumbs: list[tuple[str, str]] = field(default_factory=list)  # (title, site-relative url)
    # Item pages only
    rows: list[tuple[str, str]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    interpretations: list[Item] = field(default_factory=list)
    policy: Item | None = None
    replacement: Item | None = None
    # The staff pages (report/, guide/): built only with the plugin's `staff_pages` switch, and
    # never listed in sitemap.xml
    internal: bool = False
    inspection: Inspection | None = None  # report/ only
    search: SearchPage | None = None  # the search page's filters
    # Links shown under a page's title (现行有效文件, 统计, 数据开放, 订阅): (title, url)
    related: list[tuple[str, str]] = field(default_factory=list)
    feed: tuple[str, str] | None = None  # (title, url) of the page's Atom feed, for readers
    statistics: Statistics | None = None  # tongji/ only
    open_data: OpenDataPage | None = None  # data/ only


Params = ParamSpec("Params")
Planned = TypeVar("Planned")


def without_collector(plan: Callable[Params, Planned]) -> Callable[Params, Planned]:
    """Plan with Python's cyclic garbage collector paused, then freeze what is alive.

    Planning creates many objects per item (views, rows, records, file contents) that live
    until the build ends, and no garbage cycles. With the collector running, every full
    collection during planning walks all of them again (bench/README.md has the cost). ``gc.freeze`` afterwards keeps later collections (in the render workers too)
    from walking them, so a forked worker does not copy those memory pages just to look at
    them. The previous freeze is undone first, so that ``disclosure serve``, which plans
    again on every change, can still collect the plans it no longer uses.
    """

    @functools.wraps(plan)
    def planned(*args: Params.args, **kwargs: Params.kwargs) -> Planned:
        enabled = gc.isenabled()
        gc.unfreeze()
        gc.disable()
        try:
            return plan(*args, **kwargs)
        finally:
            gc.freeze()
            if enabled:
                gc.enable()

    return planned


def with_item_details(view: PageView) -> PageView:
    """An item page's meta tags and metadata rows, filled in when the page is rendered: made from
    the item alone, they are left out of its fingerprint, and a rebuild of a large site takes
    most item pages over unchanged (generator/publish/incremental.py)."""
    item = view.item
    if view.kind == "item" and item is not None and not view.meta:
        view.meta = page_meta(view.identity, column=item.column, item=item, page_url=item.url)
        view.rows = [(name, value) for name, value in metadata_rows(item) if value]  # none empty
    return view


def _crumbs(column: Column | None) -> list[tuple[str, str]]:
    trail = [("首页", "")]
    if column is not None:
        trail += [(c.name, f"{c.path}/") for c in column.trail()]
    return trail


def _numbered(title: str, listing: ListingPage) -> str:
    """A listing's title, with the page number from its second page on."""
    return title if listing.number == 1 else f"{title}（第 {listing.number} 页）"


def _column_extras(model: SiteModel, column: Column) -> dict[str, object]:
    """A column's feed, and the 现行有效 list on 政策文件 columns; nothing for single pages."""
    if column.kind == "page":
        return {}
    feed = (f"订阅“{column.name}”（Atom）", feed_path(column))
    related = [(VALID_TITLE, f"{VALID_ROOT}/")] if shows_valid_list(column) else []
    return {"related": [*related, feed], "feed": feed}


@without_collector
def plan_pages(
    model: SiteModel, identity: SiteIdentity, *, staff: bool = False
) -> dict[str, PageView]:
    """Every page of the site; the staff pages (the clerk's guide and the inspection report)
    only when ``staff`` is set (mkdocs.yml: ``staff_pages: true``, for a build that is not
    published), since citizens have no business with them (issue #26)."""
    views: dict[str, PageView] = {}

    def view(src_uri: str, **fields) -> None:
        views[src_uri] = PageView(identity=identity, model=model, **fields)

    def unlisted(src_uri: str, **fields) -> None:
        """A generated page that the navigation does not list."""
        view(src_uri, generated=True, in_nav=False, **fields)

    view(
        HOME,
        kind="home",
        template="home.html",
        title=identity.name,
        meta=[*page_meta(identity), ("ColumnName", "首页"), ("ColumnType", "首页")],
        generated=True,
        hide_body_title=True,
        related=[
            *([(VALID_TITLE, f"{VALID_ROOT}/")] if policy_columns(model) else []),
            (STATISTICS_TITLE, f"{STATISTICS_ROOT}/"),
            ("数据开放", f"{DATA_ROOT}/"),
            ("订阅最新信息（Atom）", SITE_FEED),
        ],
        feed=("订阅最新信息（Atom）", SITE_FEED),
    )
    for column in model.catalog.walk():
        intro = f"{column.path}/index.md"
        common = dict(
            column=column,
            meta=page_meta(identity, column=column),
            breadcrumbs=_crumbs(column),
            hide_body_title=True,
            **_column_extras(model, column),
        )
        if column.kind == "page":
            page = model.pages.get(intro)
            view(
                intro,
                kind="page",
                template="column-page.html",
                title=column.name,
                rows=document_rows(page.document) if page and page.document else [],
                **common,
            )
        elif column.kind == "section":
            view(
                intro,
                kind="section",
                template="section.html",
                title=column.name,
                generated=True,
                **common,
            )
        else:
            for listing in model.column_listing(column):
                view(
                    listing.src_uri,
                    kind="column",
                    template="column.html",
                    title=_numbered(column.name, listing),
                    generated=True,
                    in_nav=listing.number == 1,
                    listing=listing,
                    **common,
                )
    trails = {column.path: _crumbs(column) for column in model.catalog.walk()}  # shared
    for item in model.items:
        view(
            item.src_uri,
            kind="item",
            template="item.html",
            title=item.title,
            meta=[],  # with the rows: when the page is rendered (with_item_details)
            column=item.column,
            item=item,
            breadcrumbs=trails[item.column.path],
            attachments=model.attachments.get(item.src_uri, []),
            interpretations=model.interpretations.get(str(item.index_no), []),
            policy=model.policy_of(item),
            replacement=model.replacement_of(item),
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
        unlisted(
            f"{BROWSE_ROOT}/{facet.key}/index.md",
            kind="facet",
            template="browse.html",
            title=f"按{facet.title}浏览",
            meta=page_meta(identity),
            facet=facet,
            breadcrumbs=facet_crumbs,
        )
        for value in facet.values:
            for listing in model.facet_listings(facet, value):
                unlisted(
                    listing.src_uri,
                    kind="facet_value",
                    template="listing.html",
                    title=_numbered(f"{facet.title}：{value.name}", listing),
                    meta=page_meta(identity),
                    facet=facet,
                    listing=listing,
                    breadcrumbs=[*facet_crumbs, (value.name, f"{value.base(facet)}/")],
                )
    unlisted(
        f"{SEARCH_ROOT}/index.md",
        kind="search",
        template="search.html",
        title="站内检索",
        meta=page_meta(identity),
        breadcrumbs=[("首页", ""), ("站内检索", f"{SEARCH_ROOT}/")],
        search=search_page(model),
    )
    if staff:
        _plan_staff_pages(model, identity, unlisted)
    _plan_reference_pages(model, identity, unlisted)
    return views


def _plan_staff_pages(
    model: SiteModel, identity: SiteIdentity, unlisted: Callable[..., None]
) -> None:
    """The clerk's guide (guide/) and the inspection report (report/): kept from search engines
    and from sitemap.xml even in a staff build."""
    staff_meta = [*page_meta(identity), ("robots", "noindex, nofollow")]
    unlisted(
        GUIDE,
        kind="guide",
        template="column-page.html",
        title="信息员指南",
        meta=staff_meta,
        internal=True,
        hide_body_title=True,
        markdown=render_guide(),
        breadcrumbs=[("首页", ""), ("信息员指南", "guide/")],
    )
    unlisted(
        f"{REPORT_ROOT}/index.md",
        kind="report",
        template="report.html",
        title="网站检查报告",
        meta=staff_meta,
        internal=True,
        breadcrumbs=[("首页", ""), ("网站检查报告", f"{REPORT_ROOT}/")],
        inspection=inspect_site(model.collection, model.as_of).redacted(),
    )


def _plan_reference_pages(
    model: SiteModel, identity: SiteIdentity, unlisted: Callable[..., None]
) -> None:
    """现行有效文件 (xianxing/), 信息发布统计 (tongji/) and 数据开放 (data/)."""
    columns = policy_columns(model)
    if columns:
        crumbs = [("首页", ""), (VALID_TITLE, f"{VALID_ROOT}/")]
        for listing in valid_listing(model):
            unlisted(
                listing.src_uri,
                kind="valid",
                template="valid-list.html",
                title=_numbered(VALID_TITLE, listing),
                meta=[
                    *page_meta(identity),
                    ("ColumnName", VALID_TITLE),
                    ("ColumnType", POLICY_COLUMN_TYPE),
                ],
                listing=listing,
                breadcrumbs=crumbs,
                related=[(column.name, f"{column.path}/") for column in columns],
            )
    unlisted(
        f"{STATISTICS_ROOT}/index.md",
        kind="statistics",
        template="statistics.html",
        title=STATISTICS_TITLE,
        meta=[*page_meta(identity), ("ColumnName", STATISTICS_TITLE), ("ColumnType", "数据发布")],
        breadcrumbs=[("首页", ""), (STATISTICS_TITLE, f"{STATISTICS_ROOT}/")],
        statistics=site_statistics(model),
    )
    unlisted(
        f"{DATA_ROOT}/index.md",
        kind="open_data",
        template="open-data.html",
        title="数据开放",
        meta=[*page_meta(identity), ("ColumnName", "数据开放"), ("ColumnType", "数据开放")],
        breadcrumbs=[("首页", ""), ("数据开放", f"{DATA_ROOT}/")],
        open_data=open_data_page(model),
    )
