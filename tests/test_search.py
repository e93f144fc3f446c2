"""Site search (issue 5), without a browser: what goes into the Pagefind index, and how a build
reports a Pagefind that is missing or fails. The browser side is in test_search_browser.py."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import shutil
import subprocess
import sys
import textwrap
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml
from conftest import AS_OF
from sites import REFERENCE_AS_OF, build, copy_reference_site, html, write_item

from generator.capabilities import usable_cores
from generator.content.catalog import Column
from generator.content.collection import check_site
from generator.content.dates import AsOf
from generator.content.model import Item
from generator.diagnostics import Report
from generator.publish import search as search_module
from generator.publish.search import BUNDLE_DIR, grams, plan_shards, tokens
from generator.site.model import build_site_model

ZIGONG_URL = "fdzdgknr/zcwj/20180821-zigong-2018-zhengwu-gongkai-yaodian/"

# Words made of rare characters found nowhere else on the site: in a non-public item each must
# stay out of the index, and a search for it must find nothing; the public control proves that a
# word made like them is found when it is there.
NON_PUBLIC_MARKERS = {
    "依申请公开": "鸑鷟",
    "不予公开": "䲜鱻",
    "draft": "龘靐",
    "scheduled": "麤爨",
}
PUBLIC_MARKER = "鷫鸘"
EMPTY_BODY_MARKER = "鹔鹴"  # a public item without body text


def add_marker_items(site: Path) -> None:
    """One item per kind of non-public item, and one public control, in 其他信息 (qtxx)."""

    def item(name: str, serial: int, marker: str, body: str | None = None, **changes: str) -> None:
        fields = {
            "title": f"湟源县城关镇关于{marker}事项的通知",
            "index_no": f"015180101/2026-{serial:05d}",
            "publisher": "湟源县城关镇人民政府",
            "topic": "综合政务/政务公开",
            "disclosure": "主动公开",
            "published": "2026-06-01",
            "keywords": f"[{marker}, 政务公开]",
            "genre": "通知",
        }
        fields.update(changes)
        if body is None:
            body = f"各村（社区）：\n\n关于{marker}的具体事项通知如下。\n"
        write_item(site, "fdzdgknr/qtxx", name, fields, body)

    markers = NON_PUBLIC_MARKERS
    item("20260601-search-apply.md", 91001, markers["依申请公开"], disclosure="依申请公开")
    item("20260601-search-withheld.md", 91002, markers["不予公开"], disclosure="不予公开")
    item("20260601-search-draft.md", 91003, markers["draft"], draft="true")
    item(
        "20270301-search-scheduled.md",
        91004,
        markers["scheduled"],
        published="2027-03-01",
        index_no="015180101/2027-91004",
    )
    item("20260601-search-public.md", 91005, PUBLIC_MARKER)
    # Pagefind drops a page with nothing to index; the title is indexed too, so it still counts
    item("20260602-search-empty.md", 91006, EMPTY_BODY_MARKER, body="")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference site plus the marker items, built once (one shard: the default size)."""
    site = copy_reference_site(tmp_path_factory.mktemp("search"))
    add_marker_items(site)
    result = build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def bundles(site: Path) -> list[Path]:
    return sorted(p.parent for p in (site / "site" / BUNDLE_DIR).glob("*/pagefind-entry.json"))


def fragments(site: Path) -> list[dict]:
    """Every page record of the index, decompressed (Pagefind stores gzip + "pagefind_dcd")."""
    records = []
    for bundle in bundles(site):
        for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
            data = gzip.decompress(path.read_bytes())
            assert data.startswith(b"pagefind_dcd")
            records.append(json.loads(data[len(b"pagefind_dcd") :]))
    return records


def public_item_urls(site: Path) -> set[str]:
    """The item pages that the build published: those with the gov.cn metadata block."""
    return {
        "/" + page.parent.relative_to(site / "site").as_posix() + "/"
        for page in (site / "site").rglob("index.html")
        if 'class="dp-metadata"' in page.read_text(encoding="utf-8")
    }


class _BodyMarks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if any(name == "data-pagefind-body" for name, _ in attrs):
            self.found = True


def has_pagefind_body(page: Path) -> bool:
    parser = _BodyMarks()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.found


# What is indexed -------------------------------------------------------------------------------


def test_the_index_holds_exactly_the_published_items(built: Path) -> None:
    published = public_item_urls(built)
    assert len(published) > 40
    indexed = [record["url"] for record in fragments(built)]
    assert sorted(indexed) == sorted(published)
    entries = [json.loads((b / "pagefind-entry.json").read_text()) for b in bundles(built)]
    assert sum(e["languages"]["zh"]["page_count"] for e in entries) == len(published)


def test_only_item_pages_are_marked_for_indexing(built: Path) -> None:
    output = built / "site"
    marked = {
        "/" + page.parent.relative_to(output).as_posix() + "/"
        for page in output.rglob("*.html")
        if BUNDLE_DIR not in page.parts and has_pagefind_body(page)
    }
    assert marked == public_item_urls(built)
    for listing in ("index.html", "fdzdgknr/zcwj/index.html", "browse/year/2018/index.html"):
        assert not has_pagefind_body(output / listing)


def test_pagefind_is_given_the_body_and_record_of_an_item_page_alone(built: Path) -> None:
    page = (built / "site" / ZIGONG_URL / "index.html").read_bytes()
    part = search_module.search_part(page).decode("utf-8")
    assert part.startswith("<!DOCTYPE html>") and part.endswith("</html>\n")
    assert 'class="dp-body" data-pagefind-body' in part and 'class="dp-search-record"' in part
    assert "各区、县人民政府" in part
    for chrome in ("md-header", "md-footer", "dp-metadata", "当前位置", "打印本页"):
        assert chrome not in part, chrome
    assert len(part) < len(page) / 3
    # a page without the comments around its search part (a theme override) is given whole
    listing = (built / "site" / "fdzdgknr/zcwj/index.html").read_bytes()
    assert search_module.search_part(listing) == listing


def test_a_record_outside_the_search_comments_gets_the_whole_page_indexed(built: Path) -> None:
    """A theme override that moved the search record (or anything else Pagefind reads) out of
    the marked part: Pagefind is given the whole page, as it was before there was a part."""
    page = (built / "site" / ZIGONG_URL / "index.html").read_bytes()
    record = page[page.index(b'<div class="dp-search-record"') : page.index(b"<!--/dp:search-->")]
    moved = page.replace(record, b"").replace(b"</main>", record + b"</main>")
    assert moved != page and search_module.search_part(moved) == moved
    assert search_module.search_part(page) != page


def test_a_body_that_quotes_the_search_comments_is_still_taken_whole() -> None:
    quoted = b"<p>&lt;!--dp:search--&gt;</p><!--/dp:search--><!--dp:search--><p>tail</p>"
    page = b"<header/><!--dp:search--><div>" + quoted + b"</div><!--/dp:search--><footer/>"
    part = search_module.search_part(page)
    assert b"<div>" + quoted + b"</div>" in part
    assert b"<header/>" not in part and b"<footer/>" not in part


def test_the_search_part_indexes_exactly_as_the_whole_page(built: Path, tmp_path: Path) -> None:
    """Pagefind over the item pages whole and over their search parts writes the same page
    records and word index, and filter files of the same bytes (their order, and so their names,
    change from run to run: see tests/sites.py)."""
    from pagefind_bin_extended import get_executable

    output = built / "site"
    pages = [output / url.strip("/") / "index.html" for url in public_item_urls(built)]
    indexes = {}
    for kind in ("whole", "part"):
        folder = tmp_path / kind
        for page in pages:
            staged = folder / page.relative_to(output)
            staged.parent.mkdir(parents=True)
            data = page.read_bytes()
            staged.write_bytes(data if kind == "whole" else search_module.search_part(data))
        command = [get_executable(), "--site", folder, "--output-path", tmp_path / f"{kind}-index"]
        arguments = [*map(str, command), "--force-language", "zh"]
        subprocess.run(arguments, check=True, timeout=120, cwd=tmp_path)  # no pagefind.yml
        indexes[kind] = tmp_path / f"{kind}-index"
    for files in ("fragment/*.pf_fragment", "index/*.pf_index"):
        whole = {path.name: path.read_bytes() for path in indexes["whole"].glob(files)}
        part = {path.name: path.read_bytes() for path in indexes["part"].glob(files)}
        assert len(whole) >= (len(pages) if files.startswith("fragment") else 1)
        assert whole == part, files
    assert _filter_files(indexes["whole"]) == _filter_files(indexes["part"])


def _filter_files(bundle: Path) -> list[tuple[int, bytes]]:
    """Each filter file of a bundle as its length and its sorted bytes: the same values in
    another order compare equal."""
    files = (gzip.decompress(path.read_bytes()) for path in bundle.glob("filter/*.pf_filter"))
    return sorted((len(data), bytes(sorted(data))) for data in files)


def test_non_public_words_are_nowhere_in_the_index(built: Path) -> None:
    index_text = json.dumps(fragments(built), ensure_ascii=False)
    assert PUBLIC_MARKER in index_text and EMPTY_BODY_MARKER in index_text
    for kind, marker in NON_PUBLIC_MARKERS.items():
        assert marker not in index_text, kind
        for path in (built / "site" / BUNDLE_DIR).rglob("*"):
            if path.is_file() and path.suffix != ".js":
                data = path.read_bytes()
                if data[:2] == b"\x1f\x8b":
                    data = gzip.decompress(data)
                assert marker.encode() not in data, (kind, path)


def test_an_item_carries_filters_metadata_and_identifier_terms(built: Path) -> None:
    record = next(r for r in fragments(built) if r["url"] == "/" + ZIGONG_URL)
    assert record["filters"] == {
        "column": ["政策文件"],
        "topic": ["综合政务"],
        "unit": ["自贡市人民政府办公室"],
        "year": ["2018年"],
        "genre": ["通知"],
    }
    meta = record["meta"]
    assert meta["title"] == "自贡市人民政府办公室关于印发自贡市2018年政务公开工作要点的通知"
    assert meta["publisher"] == "自贡市人民政府办公室"
    assert meta["date"] == "2018-08-21"
    assert meta["doc_no"] == "自府办发〔2018〕44号"
    assert meta["index_no"] == "008290030/2018-02662"
    terms = meta["terms"].split(" ")
    # 文号: whole, and each part ICU may make of it (a query "44号" becomes 44 / 号)
    assert {"自府办发201844号", "44", "44号", "号", "自", "自府办发", "府办发2018"} <= set(terms)
    # 索引号: whole without separators, and each part
    assert {"008290030201802662", "008290030", "2018", "02662"} <= set(terms)
    # 标题: words from every character on, so that 自贡 (ICU: 自 / 贡) finds 自贡市
    assert {"自", "贡", "自贡", "自贡市人", "贡市人民", "工作要点"} <= set(terms)
    # the one ASCII word the search page looks a whole 文号 / 索引号 up under
    assert {"idx81eax5e9cx529ex53d1201844x53f7", "id008290030201802662"} <= set(terms)


def test_the_body_text_is_indexed_but_not_the_page_chrome(built: Path) -> None:
    record = next(r for r in fragments(built) if r["url"] == "/" + ZIGONG_URL)
    content = record["content"].replace("\u200b", "")
    assert "各区、县人民政府" in content
    for chrome in ("当前位置", "主办单位", "网站标识码", "打印本页", "信息属性"):
        assert chrome not in content


def test_material_search_stays_off_and_the_header_has_our_search_box(built: Path) -> None:
    config = yaml.safe_load((built / "mkdocs.yml").read_text(encoding="utf-8"))
    plugins = [p if isinstance(p, str) else next(iter(p)) for p in config.get("plugins", [])]
    assert "search" not in plugins and "material/search" not in plugins
    output = built / "site"
    assert not (output / "search" / "search_index.json").exists()
    for url in ("", ZIGONG_URL, "search/"):
        soup = html(output / url / "index.html")
        assert soup.select(".md-search") == []
        box = soup.select_one("form.dp-header-search[role=search]")
        assert box is not None and box["method"] == "get"
        assert urljoin(f"https://example.org/{url}", box["action"]) == "https://example.org/search/"
        field = box.select_one("input[name=q]")
        assert field is not None and box.select_one(f"label[for={field['id']}]") is not None


def test_the_search_page_offers_the_filters_in_catalog_order(built: Path) -> None:
    page = html(built / "site" / "search" / "index.html")
    assert page.select_one("h1").get_text() == "站内检索"
    root = page.select_one("[data-dp-search]")
    assert root["data-shards"] == "1"
    assert root["data-bundle-root"] == "../pagefind/"
    selects = {s["name"]: s for s in page.select("form.dp-search__form select")}
    assert list(selects) == ["column", "topic", "unit", "year", "genre", "sort"]
    years = [o["value"] for o in selects["year"].select("option") if o["value"]]
    assert years == sorted(years, reverse=True) and "2018年" in years
    units = [o["value"] for o in selects["unit"].select("option") if o["value"]]
    assert units[0] == "湟源县人民政府办公室"  # the registry order of columns.yml
    for select in page.select("form.dp-search__form select"):
        label = select.find_parent("label")
        assert label is not None and label.get_text(strip=True)
    assert page.select_one("script[type=module][src$='assets/search.js']") is not None


# Shards ----------------------------------------------------------------------------------------


def _item(serial: int, published: datetime, text: int) -> Item:
    column = Column(id="zcwj", name="政策文件", type="政策文件", kind="list")
    return Item(
        source=f"content/zcwj/{serial}.md",
        src_uri=f"zcwj/{serial}.md",
        column=column,
        title="标题",
        index_no=None,
        publisher=None,
        topic=None,
        disclosure="主动公开",
        published=published,
        body="正" * (text - 2),
    )


def test_shards_hold_consecutive_items_within_the_budget() -> None:
    sizes = [100, 300, 100, 100, 500, 100, 100, 200, 100, 100]  # newest first
    items = [_item(n, datetime(2026, 12 - n, 1), size) for n, size in enumerate(sizes)]
    shards = plan_shards(items, budget=600)
    assert [s.id for s in shards] == ["1", "2", "3"]
    assert [i for s in shards for i in s.items] == items  # in order, each item once
    assert [sum(len(i.title) + len(i.body) for i in s.items) for s in shards] == [600, 500, 600]
    assert [len(s.items) for s in plan_shards(items, budget=1000)] == [5, 5]  # even halves
    assert len(plan_shards(items, budget=10_000)) == 1
    assert plan_shards([], budget=10) == []


def test_identifiers_are_split_the_way_a_query_is() -> None:
    assert tokens("自府办发〔2018〕44号") == ["自", "府", "办", "发", "2018", "44", "号"]
    assert tokens("008290030/2018-02662") == ["008290030", "2018", "02662"]
    assert tokens("ＡＢ１２３号") == ["ab123", "号"]  # full-width letters and digits
    words = ["湟", "湟源", "湟源县", "湟源县2026", "源", "源县", "源县2026", "县", "县2026"]
    words += ["2026", "年"]  # from each token: growing until at least 4 characters
    assert list(grams(["湟", "源", "县", "2026", "年"])) == words


# Failures: Pagefind missing or failing is a diagnostic, and the previous site stays ----------

MINIMAL_MKDOCS = """\
site_name: 湟源县政府信息公开
docs_dir: content
theme:
  name: material
  language: zh
plugins:
  - disclosure
"""

FAKE_PACKAGE = {
    "missing": 'raise ImportError("pagefind_bin_extended is broken")\n',
    "failing": textwrap.dedent(
        """
        import sys
        from pathlib import Path
        SCRIPT = Path(__file__).with_name("pagefind_fake.py")
        SCRIPT.write_text("import sys\\nprint('Error: out of memory', file=sys.stderr)\\nsys.exit(3)\\n")
        def get_executable():
            wrapper = Path(__file__).with_name("pagefind_fake.sh")
            wrapper.write_text(f"#!/bin/sh\\nexec {sys.executable} {SCRIPT} \\"$@\\"\\n")
            wrapper.chmod(0o755)
            return wrapper
        """
    ),
}


def build_with_pagefind_package(
    site: Path, package_source: str, folder: Path, **variables: str
) -> subprocess.CompletedProcess[str]:
    """``disclosure build --format json`` of ``site`` with ``package_source`` as the
    ``pagefind_bin_extended`` package (a stand-in for, or a wrapper around, the real one)."""
    package = folder / "pagefind_bin_extended"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(package_source, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(folder), PYTHONIOENCODING="utf-8", **variables)
    command = ["build", "--site", str(site), "--as-of", AS_OF, "--format", "json"]
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", *command],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=600,
    )
    assert "Traceback" not in result.stdout + result.stderr
    return result


def staging_leftovers(site: Path) -> list[str]:
    prefixes = (".site-", search_module.STAGED_PREFIX)
    return [path.name for path in site.iterdir() if path.name.startswith(prefixes)]


def staged_in_memory() -> set[str]:
    """The shards staged in the memory folder now (by this test's builds or any other)."""
    return {
        path.name for path in search_module.MEMORY_FOLDER.glob(f"{search_module.STAGED_PREFIX}*")
    }


@pytest.mark.parametrize(
    ("fake", "code", "exit_code"),
    [("missing", "E-SEARCH-UNAVAILABLE", 2), ("failing", "E-SEARCH-FAILED", 1)],
)
def test_a_pagefind_problem_fails_the_build_and_keeps_the_previous_site(
    make_site, tmp_path: Path, fake: str, code: str, exit_code: int
) -> None:
    site = make_site().root  # the small site of conftest.py, with a minimal mkdocs.yml
    (site / "mkdocs.yml").write_text(MINIMAL_MKDOCS, encoding="utf-8")
    previous = site / "site" / "previous.txt"
    previous.parent.mkdir()
    previous.write_text("上一次生成的网站", encoding="utf-8")
    in_memory = staged_in_memory()
    result = build_with_pagefind_package(site, FAKE_PACKAGE[fake], tmp_path / "fake")
    assert result.returncode == exit_code, result.stdout + result.stderr
    diagnostics = json.loads(result.stdout)
    assert [d["code"] for d in diagnostics if d["severity"] == "error"] == [code]
    if fake == "failing":
        assert any("out of memory" in d["message"] for d in diagnostics)
    assert sorted(p.name for p in (site / "site").iterdir()) == ["previous.txt"]
    assert staging_leftovers(site) == []  # no staging folder, no pages staged for Pagefind
    assert staged_in_memory() == in_memory


def test_whole_identifiers_have_lookup_files(built: Path) -> None:
    from generator.publish.search import IDENTIFIER_BUCKETS, identifier_bucket, identifier_word

    folder = built / "site" / "search" / "ids"
    assert len(list(folder.glob("*.json"))) == IDENTIFIER_BUCKETS
    for number in ("自府办发〔2018〕44号", "008290030/2018-02662"):
        word = identifier_word(number)
        entries = json.loads(
            (folder / f"{identifier_bucket(word)}.json").read_text(encoding="utf-8")
        )[word]
        assert [entry["url"] for entry in entries] == [ZIGONG_URL]
        assert entries[0]["doc_no"] == "自府办发〔2018〕44号"
    every = "".join(path.read_text(encoding="utf-8") for path in folder.glob("*.json"))
    for kind, marker in NON_PUBLIC_MARKERS.items():
        assert marker not in every, kind


def test_pagefind_runs_without_the_callers_settings_and_with_one_arena(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PAGEFIND_* variables would change the index; jemalloc's default of 8 arenas keeps 17 %
    more memory at a shard's peak, and giving it back at once costs a tenth more time
    (bench/SEARCH.md)."""
    monkeypatch.setenv("PAGEFIND_SITE", "/elsewhere")
    monkeypatch.setenv("_RJEM_MALLOC_CONF", "dirty_decay_ms:10000")
    environment = search_module._clean_environment()
    assert "PAGEFIND_SITE" not in environment
    assert environment["_RJEM_MALLOC_CONF"] == "narenas:1,muzzy_decay_ms:0"
    assert environment["PATH"] == os.environ["PATH"]


def test_the_bundled_allocator_takes_the_setting_the_build_gives_pagefind(tmp_path: Path) -> None:
    """jemalloc ignores a setting it does not know, saying so only on stderr: a misspelt
    option or a Pagefind built with another allocator prefix would silently lose it."""
    page = tmp_path / "pages" / "item" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text('<html lang="zh"><body data-pagefind-body><p>政务公开</p></body></html>')
    command = [str(search_module.pagefind_executable()), "--site", str(page.parents[1])]

    def run(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
        arguments = [*command, "--output-path", str(tmp_path / "index")]
        return subprocess.run(
            arguments, env=environment, capture_output=True, text=True, timeout=60, cwd=tmp_path
        )

    misspelt = run(search_module._clean_environment() | {"_RJEM_MALLOC_CONF": "narena:1"})
    assert "<jemalloc>: Invalid conf" in misspelt.stderr  # the check can see a lost setting
    built = run(search_module._clean_environment())
    assert built.returncode == 0, built.stderr
    assert "<jemalloc>" not in built.stdout + built.stderr
    assert (tmp_path / "index" / "pagefind-entry.json").is_file()


def test_a_shard_is_staged_in_memory_where_there_is_room_and_beside_the_output_if_not(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory = tmp_path / "memory"
    memory.mkdir()
    monkeypatch.setattr(search_module, "MEMORY_FOLDER", memory)
    report = Report()
    as_of = AsOf.parse(REFERENCE_AS_OF)  # as the site was built
    collection = check_site(built, as_of, report)
    assert collection is not None
    shard = plan_shards(build_site_model(collection, as_of, built / "content").items)[0]
    output = built / "site"
    for room, parent in ((True, memory), (False, built)):
        if not room:  # no memory folder is that large
            monkeypatch.setattr(search_module, "STAGED_BYTES_PER_ITEM", 2**60)
        staged = search_module._stage_shard(output, shard, report)
        assert staged is not None
        try:
            assert staged.folder.parent == parent
            assert staged.folder.name.startswith(f"{search_module.STAGED_PREFIX}{os.getpid()}-")
            assert len(list(staged.folder.rglob("index.html"))) == len(shard.items)
            for item in shard.items:
                page = (output / item.url / "index.html").read_bytes()
                part = (staged.folder / item.url / "index.html").read_bytes()
                assert part == search_module.search_part(page)
        finally:
            shutil.rmtree(staged.folder)
    assert not report.has_errors()


def test_shards_staged_by_a_build_that_was_killed_are_removed_by_the_next(tmp_path: Path) -> None:
    """In memory, they would hold it until the next boot."""
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    prefix = search_module.STAGED_PREFIX
    stale = tmp_path / f"{prefix}{int(ended.stdout)}-x1"
    (stale / "fdzdgknr" / "index.html").parent.mkdir(parents=True)
    (stale / "fdzdgknr" / "index.html").write_text("<p>staged</p>", encoding="utf-8")
    running = tmp_path / f"{prefix}{os.getpid()}-x2"
    unrelated = tmp_path / "something-else"
    running.mkdir()
    unrelated.mkdir()
    search_module.remove_stale_staging(tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [running.name, unrelated.name]
    )


# Shards indexed two at a time where the memory allows it --------------------------------------


def test_a_shard_starts_beside_the_one_before_only_within_the_memory_budget() -> None:
    small = plan_shards([_item(1, datetime(2026, 6, 1), 1_000_000)])[0]
    large = plan_shards([_item(2, datetime(2026, 5, 1), 8_000_000)])[0]
    assert search_module.pagefind_peak(large) > search_module.pagefind_peak(small)
    peaks = search_module.pagefind_peak(small) + search_module.pagefind_peak(large)
    own = 400 * 2**20
    assert search_module.may_overlap(small, large, own, budget=own + peaks)
    assert not search_module.may_overlap(small, large, own, budget=own + peaks - 1)
    # 8 million characters, the default shard: two of them beside a 1.7 GB build (100,000
    # items) would not fit in 4 GB; beside the 0.4 GB of a 10,000-item build they do (at about
    # 5.9 million characters a shard)
    budget = search_module.DEFAULT_MEMORY_BUDGET_MB * 2**20
    assert not search_module.may_overlap(large, large, 1700 * 2**20, budget)
    typical = plan_shards([_item(3, datetime(2026, 4, 1), 5_900_000)])[0]
    assert search_module.may_overlap(typical, typical, own, budget)


def test_a_shard_reads_its_pages_beside_a_run_writing_its_files_only_within_the_budget() -> None:
    shard = plan_shards([_item(4, datetime(2026, 3, 1), 8_000_000)])[0]
    reading = search_module.pagefind_reading_peak(shard)
    assert reading < search_module.pagefind_peak(shard) / 2
    assert search_module.may_read_beside(shard, 1000, budget=1000 + reading)
    assert not search_module.may_read_beside(shard, 1000, budget=1000 + reading - 1)
    # 100,000 items: a 1.4 GB build and a run writing its files (1.6 GB when it starts to,
    # less as it goes on) leave room in 4 GB for the next run to read its pages
    budget = search_module.DEFAULT_MEMORY_BUDGET_MB * 2**20
    assert search_module.may_read_beside(shard, (1400 + 1600) * 2**20, budget)
    assert not search_module.may_read_beside(shard, (1800 + 1700) * 2**20, budget)


def _cpu_list(text: str) -> set[int]:
    """The cores of a ``Cpus_allowed_list`` line of /proc/PID/status: "0-3,6"."""
    cores: set[int] = set()
    for part in text.split(":")[1].strip().split(","):
        first, _, last = part.partition("-")
        cores.update(range(int(first), int(last or first) + 1))
    return cores


WRITING_RUN = """#!/bin/sh
echo '[Building search indexes]'
echo 'Total: '
sleep 1.5
echo "ended $(date +%s.%N)" >> {log}
"""

READING_RUN = """#!/bin/sh
echo "reading $(date +%s.%N) $(grep Cpus_allowed_list /proc/$$/status)" >> {log}
echo '[Reading languages]'
sleep 0.5
echo "building $(date +%s.%N) $(grep Cpus_allowed_list /proc/$$/status)" >> {log}
echo '[Building search indexes]'
"""


@pytest.mark.skipif(
    search_module.cores_beside() is None or not Path("/proc/self/status").exists(),
    reason="needs two cores and Linux's sched_setaffinity and /proc",
)
def test_a_run_started_beside_another_keeps_off_a_core_and_waits_to_build_its_index(
    tmp_path: Path,
) -> None:
    """Beside.READING: the run reads its pages on every core but one while the run before
    writes its files; it is paused once it has read them, and goes on, on every core, when
    the run before has ended. (Two shell scripts print Pagefind's lines and log what they
    run on and when.)"""
    log = tmp_path / "log"
    scripts = {}
    for name, text in (("writing", WRITING_RUN), ("reading", READING_RUN)):
        scripts[name] = tmp_path / f"{name}.sh"
        scripts[name].write_text(text.format(log=log), encoding="utf-8")
        scripts[name].chmod(0o755)
    items = [_item(5, datetime(2026, 2, 1), 100), _item(6, datetime(2026, 1, 1), 100)]
    shards = plan_shards(items, budget=100)
    run = search_module._PagefindRun.start
    writing = run(scripts["writing"], tmp_path, tmp_path, shards[0], Report())
    assert writing is not None and writing.index_built.wait(5)
    reading = run(
        scripts["reading"],
        tmp_path,
        tmp_path,
        shards[1],
        Report(),
        beside=(writing, search_module.Beside.READING),
    )
    assert reading is not None
    assert writing.process.wait(10) == 0 and reading.process.wait(10) == 0
    events = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        event, moment, *cores = line.split(" ", 2)
        events[event] = (float(moment), _cpu_list(cores[0]) if cores else None)
    every_core = usable_cores()
    assert events["reading"][1] == search_module.cores_beside() != every_core
    assert events["building"][0] > events["ended"][0]  # 1 s sooner without the pause
    assert events["building"][1] == every_core


RECORDING_PACKAGE = """
import os
from pathlib import Path

REAL = {real!r}
LOG = {log!r}


def get_executable():
    # The real Pagefind, its start and end written down (with the bundle it writes). It stays
    # a moment after writing its index, so that a run started beside it is seen to overlap.
    wrapper = Path(__file__).with_name("pagefind_recorded.sh")
    wrapper.write_text(
        "#!/bin/sh\\n"
        f'echo "start $(date +%s.%N) $4" >> {{LOG}}\\n'
        f'"{{REAL}}" "$@"\\n'
        "code=$?\\n"
        "sleep 0.5\\n"
        f'echo "end $(date +%s.%N) $4" >> {{LOG}}\\n'
        "exit $code\\n"
    )
    wrapper.chmod(0o755)
    return wrapper
"""


def _recorded_runs(log: Path) -> list[tuple[float, float]]:
    """(start, end) of each Pagefind run, in the order they started."""
    times: dict[str, dict[str, float]] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        event, moment, bundle = line.split()
        times.setdefault(bundle, {})[event] = float(moment)
    runs = sorted((run["start"], run["end"]) for run in times.values())
    assert len(runs) == len(times) > 2
    return runs


def _fragment_urls(site: Path) -> dict[str, set[str]]:
    found = {}
    for bundle in bundles(site):
        records = (bundle / "fragment").glob("*.pf_fragment")
        found[bundle.name] = {
            json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd") :])["url"]
            for path in records
        }
    return found


def test_shards_are_indexed_two_at_a_time_where_the_memory_allows_it(
    tmp_path: Path,
) -> None:
    """With shards of a few items and the default budget, each Pagefind run but the first
    starts before the one before it has ended; with a budget too small for two runs, one
    after another. Both build the same index."""
    from pagefind_bin_extended import get_executable

    indexes = {}
    for budget in ("4096", "1"):
        site = copy_reference_site(tmp_path / f"budget-{budget}")
        log = tmp_path / f"runs-{budget}.log"
        result = build_with_pagefind_package(
            site,
            RECORDING_PACKAGE.format(real=str(get_executable()), log=str(log)),
            tmp_path / f"recording-{budget}",
            DISCLOSURE_SEARCH_SHARD_CHARS="4000",
            DISCLOSURE_BUILD_MEMORY_MB=budget,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        runs = _recorded_runs(log)
        overlaps = [later[0] < earlier[1] for earlier, later in itertools.pairwise(runs)]
        assert all(overlaps) if budget == "4096" else not any(overlaps), runs
        indexes[budget] = _fragment_urls(site)
    assert indexes["4096"] == indexes["1"]


FAILING_SECOND_SHARD = """
from pathlib import Path

REAL = {real!r}


def get_executable():
    # The real Pagefind, but the run for the second shard fails once it has read its pages,
    # while the third runs beside it.
    wrapper = Path(__file__).with_name("pagefind_second_fails.sh")
    wrapper.write_text(
        "#!/bin/sh\\n"
        'case "$4" in\\n'
        "  */pagefind/2) echo '[Building search indexes]'; sleep 1;"
        " echo 'Error: disk full' >&2; exit 3 ;;\\n"
        "esac\\n"
        f'exec "{{REAL}}" "$@"\\n'
    )
    wrapper.chmod(0o755)
    return wrapper
"""


def test_a_shard_failing_beside_another_stops_both_and_keeps_the_previous_site(
    tmp_path: Path,
) -> None:
    from pagefind_bin_extended import get_executable

    site = copy_reference_site(tmp_path / "site")
    previous = site / "site" / "previous.txt"
    previous.parent.mkdir()
    previous.write_text("上一次生成的网站", encoding="utf-8")
    in_memory = staged_in_memory()
    result = build_with_pagefind_package(
        site,
        FAILING_SECOND_SHARD.format(real=str(get_executable())),
        tmp_path / "failing",
        DISCLOSURE_SEARCH_SHARD_CHARS="4000",
    )
    assert result.returncode == 1, result.stdout + result.stderr
    errors = [d for d in json.loads(result.stdout) if d["severity"] == "error"]
    assert [(d["code"], d["file"]) for d in errors] == [("E-SEARCH-FAILED", "pagefind/2/")]
    assert "disk full" in errors[0]["message"]
    assert sorted(p.name for p in (site / "site").iterdir()) == ["previous.txt"]
    assert staging_leftovers(site) == []
    assert staged_in_memory() == in_memory
