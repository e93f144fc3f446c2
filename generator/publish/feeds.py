"""Atom 1.0 feeds (RFC 4287): the newest items of the whole site and of every column.

``feeds/atom.xml`` covers the site, ``feeds/<column path>.xml`` one column (a section covers its
children), each with the newest :data:`FEED_SIZE` public items. They are built from the site
model, so no item that is not public can appear, and written with :mod:`xml.etree.ElementTree`.

Identifiers must never change (RFC 4287 §4.2.6), while a site may move or be renamed: an
entry's ``<id>`` is a name-based UUID of its 索引号, which is assigned once and never reused. Links
are relative to the feed file (RFC 4287 §4.2.7 resolves them against the feed's own address), so
the same files work wherever the site is mounted; only a feed's ``<id>`` is absolute, built from
``site_url``. Dates are the
items' 发布日期 in Beijing time; a feed's ``<updated>`` is its newest entry's, so that an
unchanged site produces byte-identical feeds.

Every feed names the XSLT stylesheet ``feeds/feed.xsl`` (``feed.xsl`` beside this module), by a
relative address as its links: a browser that opens the feed shows a Chinese page saying what a
feed is and listing the entries, instead of raw XML; feed readers ignore the instruction.
Browsers are removing XSLT (Chromium warns about it): where it is gone, ``feeds/feed.css`` styles
the feed's own elements instead, so the page stays a readable Chinese one.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime
from importlib.resources import files

from generator.content.catalog import Column
from generator.content.dates import BEIJING
from generator.content.model import Item
from generator.site.model import SiteIdentity, SiteModel
from generator.site.pages import FEEDS_ROOT, SITE_FEED, feed_path

FEED_STYLESHEET = f"{FEEDS_ROOT}/feed.xsl"
FEED_STYLE_FALLBACK = f"{FEEDS_ROOT}/feed.css"  # when a browser no longer runs XSLT
FEED_SIZE = 50
ATOM = "http://www.w3.org/2005/Atom"
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://disclosure-generator/index-no")
GENERATOR = "政府信息公开专栏生成器"
# Characters XML 1.0 does not allow (§2.2). Validation refuses them in an item's metadata; a
# value from elsewhere (mkdocs.yml, columns.yml) that holds one shows U+FFFD in its place, so
# that a feed is well-formed XML for any value.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def feed_columns(model: SiteModel) -> list[Column]:
    """The columns that have a feed: list columns and sections (not single pages)."""
    return [column for column in model.catalog.walk() if column.kind != "page"]


def entry_id(item: Item) -> str:
    key = str(item.index_no) if item.index_no else item.src_uri
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, key)}"


def _timestamp(moment: datetime) -> str:
    return moment.replace(tzinfo=BEIJING).isoformat(timespec="seconds")


def _element(
    parent: ET.Element, tag: str, text: str | None = None, **attributes: str
) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def atom_feed(
    model: SiteModel,
    identity: SiteIdentity,
    items: list[Item],
    *,
    path: str,
    title: str,
    page_url: str,
    subtitle: str = "",
) -> bytes:
    """One feed document: the first :data:`FEED_SIZE` of ``items`` (newest first)."""
    root = "../" * path.count("/")  # site-relative URLs are written relative to the feed file
    entries = items[:FEED_SIZE]
    # Unprefixed tags under a default namespace declared on the root: ElementTree cannot
    # serialise qualified tags with unqualified attributes under a default namespace.
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "zh-CN"})
    _element(
        feed,
        "id",
        identity.url.rstrip("/") + "/" + path
        if identity.url
        else f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, identity.name + '|' + path)}",
    )
    _element(feed, "title", title)
    if subtitle:
        _element(feed, "subtitle", subtitle)
    newest = next((item.published for item in entries if item.published), None)
    _element(feed, "updated", _timestamp(newest or model.as_of.moment))
    author = _element(feed, "author")
    _element(author, "name", identity.organizer or identity.name)
    _element(feed, "link", rel="self", type="application/atom+xml", href=root + path)
    _element(feed, "link", rel="alternate", type="text/html", href=root + page_url)
    _element(feed, "generator", GENERATOR)
    for item in entries:
        entry = _element(feed, "entry")
        _element(entry, "id", entry_id(item))
        _element(entry, "title", item.title)
        published = _timestamp(item.published or model.as_of.moment)
        _element(entry, "published", published)
        _element(entry, "updated", published)
        entry_author = _element(entry, "author")
        _element(entry_author, "name", item.publisher.name if item.publisher else identity.name)
        _element(entry, "link", rel="alternate", type="text/html", href=root + item.url)
        _element(entry, "category", term=item.column.path, label=item.column.name)
        if item.topic:
            _element(entry, "category", term=str(item.topic), label=f"主题分类：{item.topic}")
        _element(entry, "summary", _summary(item), type="text")
    ET.indent(feed)
    # ElementTree writes no processing instruction before the root: the prolog is written here.
    prolog = (
        "<?xml version='1.0' encoding='utf-8'?>\n"
        f'<?xml-stylesheet type="text/xsl" href="{root}{FEED_STYLESHEET}"?>\n'
        f'<?xml-stylesheet type="text/css" href="{root}{FEED_STYLE_FALLBACK}"?>\n'
    )
    return (prolog + ET.tostring(feed, encoding="unicode") + "\n").encode("utf-8")


def _summary(item: Item) -> str:
    """索引号, 文号 and 发布机构 ahead of the 内容概述: what a clerk scans a feed reader for."""
    facts = [f"索引号：{item.index_no}"] if item.index_no else []
    if item.doc_no:
        facts.append(f"文号：{item.doc_no}")
    if item.publisher:
        facts.append(f"发布机构：{item.publisher.name}")
    lead = "；".join(facts)
    return f"{lead}。{item.summary}" if item.summary else lead or item.title


def atom_feeds(model: SiteModel, identity: SiteIdentity) -> dict[str, bytes]:
    """Every feed of the site by its path under the output folder, and their stylesheet."""
    feeds = {
        FEED_STYLESHEET: files("generator.publish").joinpath("feed.xsl").read_bytes(),
        FEED_STYLE_FALLBACK: files("generator.publish").joinpath("feed.css").read_bytes(),
        SITE_FEED: atom_feed(
            model,
            identity,
            model.items,
            path=SITE_FEED,
            title=identity.name,
            page_url="",
            subtitle="最新公开的政府信息",
        ),
    }
    for column in feed_columns(model):
        items = [item for child in column.walk() for item in model.by_column.get(child.path, [])]
        items.sort(key=lambda item: item.sort_key, reverse=True)
        path = feed_path(column)
        feeds[path] = atom_feed(
            model,
            identity,
            items,
            path=path,
            title=f"{identity.name} - {column.name}",
            page_url=f"{column.path}/",
            subtitle=column.description,
        )
    return feeds
