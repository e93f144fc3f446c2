"""Feeds and open data (issue 8): Atom 1.0 feeds of the site and its columns, the sitemap, and
the 数据开放 exports with their JSON Schema — none of them with an item that is not public."""

from __future__ import annotations

import csv
import gzip
import io
import json
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin

import pytest
from marker_site import EXTRA_ITEMS, MARKER_INDEX_NOS, MARKERS, marker_site
from sites import REFERENCE_AS_OF, html

from generator.content.dates import AsOf
from generator.diagnostics import Report
from generator.publish.feeds import FEED_SIZE
from generator.site.check import check_site

ATOM = "{http://www.w3.org/2005/Atom}"
SITE_URL = "https://www.huangyuan.gov.cn/xxgk/"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return marker_site(tmp_path_factory)


@pytest.fixture(scope="module")
def collection(built: Path):
    report = Report()
    loaded = check_site(built, AsOf.parse(REFERENCE_AS_OF), report)
    assert loaded is not None
    return loaded


@pytest.fixture(scope="module")
def public(collection):
    as_of = AsOf.parse(REFERENCE_AS_OF)
    items = [item for item in collection.items if item.is_public(as_of)]
    return sorted(items, key=lambda item: item.sort_key, reverse=True)


def parse_feed(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()
    assert root.tag == f"{ATOM}feed"
    return root


def check_atom(root: ET.Element) -> list[ET.Element]:
    """The elements RFC 4287 requires, with valid dates; returns the entries."""
    for tag in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{tag}") is not None and root.find(f"{ATOM}{tag}").text, tag
    assert root.find(f"{ATOM}author/{ATOM}name").text
    self_link = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert len(self_link) == 1
    datetime.fromisoformat(root.find(f"{ATOM}updated").text)
    entries = root.findall(f"{ATOM}entry")
    ids = set()
    for entry in entries:
        for tag in ("id", "title", "updated", "published", "summary"):
            assert entry.find(f"{ATOM}{tag}") is not None and entry.find(f"{ATOM}{tag}").text, tag
        assert entry.find(f"{ATOM}updated").text.endswith("+08:00")
        alternate = entry.find(f"{ATOM}link[@rel='alternate']")
        # relative to the feed, so the site works wherever it is mounted (tests/test_any_path.py)
        assert alternate is not None and alternate.get("href").startswith("../")
        ids.add(entry.find(f"{ATOM}id").text)
    assert len(ids) == len(entries)
    return entries


def test_the_site_feed_holds_the_newest_fifty_public_items(built: Path, public):
    assert len(public) > FEED_SIZE
    root = parse_feed(built / "site" / "feeds" / "atom.xml")
    entries = check_atom(root)
    assert [e.find(f"{ATOM}title").text for e in entries] == [i.title for i in public[:FEED_SIZE]]
    newest = entries[0]
    assert root.find(f"{ATOM}updated").text == newest.find(f"{ATOM}updated").text
    feed_url = SITE_URL + "feeds/atom.xml"
    assert urljoin(feed_url, newest.find(f"{ATOM}link").get("href")) == SITE_URL + public[0].url
    assert urljoin(feed_url, root.find(f"{ATOM}link[@rel='self']").get("href")) == feed_url
    assert root.find(f"{ATOM}id").text == feed_url  # the one absolute address: the feed's id
    assert public[0].title.endswith(f"第{EXTRA_ITEMS}期政务信息")


def test_every_column_has_its_feed(built: Path, collection, public):
    for column in collection.catalog.walk():
        path = built / "site" / "feeds" / f"{column.path}.xml"
        if column.kind == "page":
            assert not path.exists()
            continue
        entries = check_atom(parse_feed(path))
        paths = {c.path for c in column.walk()}
        expected = [i.title for i in public if i.column.path in paths][:FEED_SIZE]
        assert [e.find(f"{ATOM}title").text for e in entries] == expected, column.path


def test_feed_entries_carry_the_item_metadata(built: Path):
    root = parse_feed(built / "site" / "feeds" / "fdzdgknr" / "zcwj.xml")
    entry = next(
        e
        for e in root.findall(f"{ATOM}entry")
        if "源政办〔2025〕27号" in e.find(f"{ATOM}summary").text
    )
    summary = entry.find(f"{ATOM}summary").text
    assert summary.startswith("索引号：015180001/2025-00027；文号：源政办〔2025〕27号")
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "湟源县人民政府办公室"
    assert entry.find(f"{ATOM}published").text == "2025-06-10T00:00:00+08:00"
    assert entry.find(f"{ATOM}id").text.startswith("urn:uuid:")
    terms = {c.get("term") for c in entry.findall(f"{ATOM}category")}
    assert {"fdzdgknr/zcwj", "民政、扶贫、救灾/社会福利"} <= terms


def test_feeds_are_announced_on_the_pages(built: Path):
    home = html(built / "site" / "index.html")
    assert (
        home.find("link", rel="alternate", type="application/atom+xml")["href"] == "feeds/atom.xml"
    )
    column = html(built / "site" / "fdzdgknr" / "zcwj" / "index.html")
    link = column.find("link", rel="alternate", type="application/atom+xml")
    assert (built / "site" / "fdzdgknr" / "zcwj" / link["href"]).resolve() == (
        built / "site" / "feeds" / "fdzdgknr" / "zcwj.xml"
    ).resolve()


def test_the_sitemap_lists_public_pages_only(built: Path, collection, public):
    root = ET.parse(built / "site" / "sitemap.xml").getroot()
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    urls = {loc.text.removeprefix(SITE_URL) for loc in root.iter(f"{namespace}loc")}
    items = {item.url for item in collection.items}
    assert {item.url for item in public} <= urls
    assert urls & items == {item.url for item in public}
    assert {"xianxing/", "tongji/", "data/"} <= urls


# 数据开放 -------------------------------------------------------------------------------------


def test_items_json_holds_every_public_item_and_follows_its_schema(built: Path, public):
    document = json.loads((built / "site" / "data" / "items.json").read_text(encoding="utf-8"))
    schema = json.loads((built / "site" / "data" / "schema.json").read_text(encoding="utf-8"))
    assert document["count"] == len(public) == len(document["items"])
    assert [entry["index_no"] for entry in document["items"]] == [str(i.index_no) for i in public]
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)
    entry = next(e for e in document["items"] if e["index_no"] == "015180001/2025-00027")
    assert entry == {
        "title": "湟源县人民政府办公室关于印发《湟源县临时救助实施办法》的通知",
        "index_no": "015180001/2025-00027",
        "publisher": "湟源县人民政府办公室",
        "doc_no": "源政办〔2025〕27号",
        "topic": "民政、扶贫、救灾/社会福利",
        "disclosure": "主动公开",
        "written": "2025-06-03",
        "published": "2025-06-10",
        "genre": "通知",
        "keywords": ["临时救助", "社会救助", "先行救助", "救急难"],
        "summary": entry["summary"],
        "validity": "现行有效",
        "superseded_by": None,
        "interprets": None,
        "publisher_code": "015180001",
        "column": "fdzdgknr/zcwj",
        "column_name": "政策文件",
        "url": SITE_URL + "fdzdgknr/zcwj/20250610-linshi-jiuzhu-banfa/",
    }
    # who prepared, reviewed and approved an item is not published
    assert not {"editor", "reviewer", "approver", "draft", "extra"} & set(entry)


def test_the_schema_is_described_in_chinese(built: Path):
    schema = json.loads((built / "site" / "data" / "schema.json").read_text(encoding="utf-8"))
    fields = schema["properties"]["items"]["items"]["properties"]
    assert (
        fields["index_no"]["title"] == "索引号"
        and "五位流水号" in fields["index_no"]["description"]
    )
    page = html(built / "site" / "data" / "index.html")
    rows = [tr.find_all(["th", "td"]) for tr in page.select("table.dp-data-table tbody tr")]
    assert [row[0].get_text() for row in rows] == [f["title"] for f in fields.values()]
    described = [
        f["description"] + "".join(f"，如 {example}" for example in f.get("examples", []))
        for f in fields.values()
    ]
    assert [row[1].get_text() for row in rows] == described
    # An identifier given as an example stays whole on one line of the page.
    assert fields["doc_no"]["examples"] == ["源政办〔2018〕51号"]
    assert (
        rows[list(fields).index("doc_no")][1].select_one(".dp-nowrap").get_text()
        == "源政办〔2018〕51号"
    )
    assert [row[3].get_text() for row in rows] == list(fields)
    downloads = {a.get_text(): a["href"] for a in page.select(".dp-downloads a")}
    assert set(downloads) == {"items.json", "items.csv", "schema.json"}
    documented = (Path(__file__).parent.parent / "generator/site/open_data_schema.md").read_text(
        encoding="utf-8"
    )
    assert all(f"`{key}`" in documented for key in fields)


def test_items_csv_opens_in_excel_with_the_same_rows(built: Path, public):
    data = (built / "site" / "data" / "items.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0][:3] == ["标题", "索引号", "发布机构"]
    assert [row[1] for row in rows[1:]] == [str(i.index_no) for i in public]
    keywords = rows[0].index("关键词")
    entry = next(row for row in rows if row[1] == "015180001/2025-00027")
    assert entry[keywords] == "临时救助、社会救助、先行救助、救急难"


def test_no_output_file_holds_an_item_that_is_not_public(built: Path):
    """Every file of the build — pages, feeds, exports, CSV, sitemap, search index."""
    output = built / "site"
    needles = [m.encode() for m in MARKERS.values()] + [n.encode() for n in MARKER_INDEX_NOS]
    leaks = []
    for path in sorted(output.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":  # sitemap.xml.gz
            data = gzip.decompress(data)
        leaks += [(path.relative_to(output).as_posix(), n.decode()) for n in needles if n in data]
    assert leaks == []
    assert not (output / "fdzdgknr" / "zcwj" / "20260601-apply").exists()
    assert not (output / "nianbao" / "20270120-huangyuan-2026-nianbao").exists()


# A feed opened in a browser (issue #26) -------------------------------------------------------


def test_a_feed_names_its_stylesheet_by_a_relative_address(built: Path):
    output = built / "site"
    for feed in ("feeds/atom.xml", "feeds/fdzdgknr/zcwj.xml"):
        head = (output / feed).read_text(encoding="utf-8").splitlines()[:2]
        href = head[1].removeprefix('<?xml-stylesheet type="text/xsl" href="').removesuffix('"?>')
        assert head[1] != href and not href.startswith(("/", "http")), head
        assert (output / feed).parent.joinpath(href).resolve() == output / "feeds" / "feed.xsl"


def test_a_feed_opened_in_chromium_is_a_chinese_page_wherever_the_site_is_mounted(
    built: Path, tmp_path: Path
):
    from browser import launch_chromium, serve

    root = tmp_path / "server"
    (root / "some" / "other").mkdir(parents=True)
    (root / "some" / "other" / "xxgk").symlink_to(built / "site", target_is_directory=True)
    with serve(root) as base_url, launch_chromium() as browser:
        page = browser.new_page()
        failed: list[str] = []
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        page.goto(base_url + "some/other/xxgk/feeds/fdzdgknr/zcwj.xml")
        assert page.evaluate("document.contentType") == "text/html"  # the XSLT's result
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        assert page.title() == "订阅：湟源县人民政府信息公开 - 政策文件"
        assert page.locator("h1").inner_text() == "湟源县人民政府信息公开 - 政策文件"
        text = page.locator("main").inner_text()
        assert (
            "这是一个订阅源" in text
            and "自动读取。把浏览器地址栏中本页的地址复制到订阅工具" in text
        )
        assert "does not appear to have any style information" not in page.content()
        entries = page.locator("main ol li")
        assert entries.count() == len(
            parse_feed(built / "site/feeds/fdzdgknr/zcwj.xml").findall(f"{ATOM}entry")
        )
        first = entries.first
        assert first.locator("time").inner_text().startswith("发布日期：20")
        first.locator("a").click()
        page.wait_for_load_state()
        assert page.url.startswith(base_url + "some/other/xxgk/fdzdgknr/zcwj/")
        assert page.locator("h1").first.inner_text() == first_title(built)
        page.goto(base_url + "some/other/xxgk/feeds/atom.xml")
        page.get_by_role("link", name="打开网站页面").click()
        page.wait_for_load_state()
        assert page.url == base_url + "some/other/xxgk/"
        assert failed == []


def test_a_browser_without_xslt_shows_the_feed_styled_in_chinese(built: Path):
    from browser import launch_chromium, serve

    with (
        serve(built / "site") as base_url,
        launch_chromium("--disable-blink-features=XSLT") as browser,
    ):
        page = browser.new_page()
        failed: list[str] = []
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        page.goto(base_url + "feeds/atom.xml")
        assert page.evaluate("document.contentType") != "text/html"  # no XSLT ran
        shown = page.evaluate(
            """() => {
                const style = (e, pseudo) => getComputedStyle(e, pseudo || null);
                const feed = document.documentElement;
                const [updated] = feed.getElementsByTagName('updated');
                const [entry] = feed.getElementsByTagName('entry');
                const [id] = feed.getElementsByTagName('id');
                return {
                    feed: style(feed).display,
                    about: style(updated, '::before').content,
                    entry: style(entry).display,
                    id: style(id).display,
                    date: style(entry.getElementsByTagName('published')[0], '::before').content,
                };
            }"""
        )
        assert shown["feed"] == shown["entry"] == "block" and shown["id"] == "none"
        assert "这是一个订阅源" in shown["about"] and shown["date"] == '"发布时间："'
        assert failed == []


def first_title(built: Path) -> str:
    root = parse_feed(built / "site" / "feeds" / "fdzdgknr" / "zcwj.xml")
    return root.find(f"{ATOM}entry/{ATOM}title").text
