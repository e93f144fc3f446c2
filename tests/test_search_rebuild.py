"""Incremental rebuilds of the search index (issue #9): after an edit, the published shards stay
and only the edited and new items are indexed, into an updates bundle; the search page then
answers as the index of a full build would. Real builds, real Pagefind, the system Chromium.

Each layout (one index; shards of about 12 items) goes through two rebuilds, made as the build
makes them: the staging folder holds the files of a full build of the new input whose bytes
differ from the published site's (``pagefind/`` aside), the search step indexes from the
published site, and the staging folder is then applied to the published site in place (each
rebuild applies to a copy, so that every site stays to compare).

- A: the reference site with three items of our own (a full build and its index);
- B: one of them edited (new words, another date), one new item; indexed from A's index;
- C: B with another item made 依申请公开; indexed from B's rebuilt index.

The rebuilt sites are searched side by side with full builds of B and C.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser import checked_tab, launch_chromium, serve
from playwright.sync_api import Browser, Page
from sites import REFERENCE_AS_OF, build, copy_reference_site, write_item
from test_search import ZIGONG_URL
from test_search_browser import Result, results, search

from generator.content.collection import check_site
from generator.content.dates import AsOf
from generator.diagnostics import Report
from generator.publish import search as search_module
from generator.publish.atomic import AtomicOutput
from generator.publish.search import (
    BUNDLE_DIR,
    SHARD_BUDGET_VARIABLE,
    UPDATES_FILE,
    UPDATES_ID,
    SearchState,
    build_search_index,
    fragment_record,
    page_sha256,
    rebuild_search_index,
)
from generator.site.model import SiteModel, build_site_model

LAYOUTS = {"one-index": None, "shards": "12000"}  # about 12 items a shard
COLUMN = "fdzdgknr/qtxx"  # 其他法定公开信息
EDITED = f"{COLUMN}/20260601-rebuild-edited.md"
OLD_WORD, NEW_WORD = "鵷鶵", "鶺鴒"  # only in the edited item before / after the edit
ADDED = f"{COLUMN}/20260605-rebuild-added.md"
ADDED_WORD = "鷦鷯"
WITHDRAWN = f"{COLUMN}/20260603-rebuild-withdrawn.md"
WITHDRAWN_WORD = "鸀鳿"
ZIGONG = ZIGONG_URL.removesuffix("/") + ".md"


def write_own_item(site: Path, src_uri: str, word: str, published: str, serial: int, **more: str):
    fields = {
        "title": f"湟源县城关镇关于{word}事项的通知",
        "index_no": f"015180101/{published[:4]}-{serial:05d}",
        "publisher": "湟源县城关镇人民政府",
        "topic": "综合政务/政务公开",
        "disclosure": "主动公开",
        "published": published,
        "keywords": f"[{word}, 政务公开]",
        "genre": "通知",
        **more,
    }
    body = f"各村（社区）：\n\n关于{word}的具体事项通知如下。\n"
    write_item(site, COLUMN, src_uri.removeprefix(COLUMN + "/"), fields, body)


def site_model(site: Path) -> SiteModel:
    report = Report()
    as_of = AsOf.parse(REFERENCE_AS_OF)
    collection = check_site(site, as_of, report)
    assert collection is not None and not report.has_errors(), list(report)
    return build_site_model(collection, as_of, site / "content")


def next_input(site: Path, target: Path) -> Path:
    """A copy of a site's input (not its output), to change and build."""
    shutil.copytree(site, target, ignore=shutil.ignore_patterns("site", ".*"))
    return target


def full_build(site: Path) -> Path:
    result = build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    return site / "site"


Snapshot = dict[str, tuple[int, int, str]]


def snapshot(folder: Path) -> Snapshot:
    """Every file under folder: inode, modification time and sha256."""
    return {
        path.relative_to(folder).as_posix(): (
            path.stat().st_ino,
            path.stat().st_mtime_ns,
            hashlib.sha256(path.read_bytes()).hexdigest(),
        )
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def rebuild(
    previous: Path,
    full: Path,
    target: Path,
    model: SiteModel,
    state: SearchState | None,
    report: Report,
    rerendered: tuple[str, ...] = (),
) -> tuple[SearchState | None, set[str], Snapshot]:
    """A rebuild as `disclosure build` makes it, of a copy ``target`` of the published site
    ``previous``: the staging folder beside it gets the files of the full build ``full`` whose
    bytes differ (pagefind/ aside), and the pages of ``rerendered`` (src_uris) written anew
    with the same text; the search index is rebuilt from ``state``; the staging folder is
    applied to ``target``. Returns the new state, the src_uris of the item pages written anew,
    and ``target`` as the rebuild found it (the search step only reads it: checked here)."""
    shutil.copytree(previous, target)
    output = AtomicOutput(target)
    unchanged, written = set(), set()
    for path in sorted(full.rglob("*")):
        name = path.relative_to(full).as_posix()
        if path.is_dir() or name.startswith(BUNDLE_DIR + "/"):
            continue
        published = target / name
        if published.is_file() and published.read_bytes() == path.read_bytes():
            unchanged.add(name)
            continue
        copy = output.staging / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copy)
        written.add(name)
    for src_uri in rerendered:  # other bytes, the same indexed text: it stays in its shard
        name = item_url(src_uri) + "index.html"
        page = output.staging / name
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text((target / name).read_text(encoding="utf-8") + "<!-- 重新生成 -->\n")
        unchanged.discard(name)
        written.add(name)
    rendered = {item.src_uri for item in model.items if item.url + "index.html" in written}
    before = snapshot(target)
    kept: set[str] = set()
    new_state = rebuild_search_index(output.staging, model, report, target, state, rendered, kept)
    assert snapshot(target) == before
    if new_state is None:
        output.abandon()
    else:
        output.apply(unchanged | kept)
    return new_state, rendered, before


@dataclass
class Scenario:
    budget: str | None
    a: Path  # the site folders (input and site/)
    b: Path
    c: Path
    rebuilt_b: Path  # the staging folders indexed by rebuild_search_index
    rebuilt_c: Path
    state_a: SearchState
    state_b: SearchState
    state_c: SearchState
    model_b: SiteModel
    before: dict[str, Snapshot]  # the published sites, and the copies the rebuilds found


@pytest.fixture(scope="module", params=list(LAYOUTS))
def scenario(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[Scenario]:
    root = tmp_path_factory.mktemp(f"rebuild-{request.param}")
    budget = LAYOUTS[request.param]
    with pytest.MonkeyPatch.context() as patch:
        if budget:
            patch.setenv(SHARD_BUDGET_VARIABLE, budget)

        a = copy_reference_site(root / "a")
        write_own_item(a, EDITED, OLD_WORD, "2026-06-01", 92001)
        write_own_item(a, WITHDRAWN, WITHDRAWN_WORD, "2026-06-03", 92003)
        full_build(a)
        report = Report()
        state_a = build_search_index(a / "site", site_model(a), report)  # the build's, again
        assert state_a is not None and not report.has_errors()

        b = next_input(a, root / "b")
        write_own_item(b, EDITED, NEW_WORD, "2019-05-10", 92001)  # into another shard's years
        write_own_item(b, ADDED, ADDED_WORD, "2026-06-05", 92005)
        model_b = site_model(b)
        rebuilt_b = root / "b-rebuilt"
        before = {"a": snapshot(a / "site")}
        state_b, rendered, before["b-published"] = rebuild(
            a / "site", full_build(b), rebuilt_b, model_b, state_a, report, (ZIGONG,)
        )
        assert EDITED in rendered and ADDED in rendered
        assert state_b is not None and not report.has_errors(), list(report)

        c = next_input(b, root / "c")
        write_own_item(c, WITHDRAWN, WITHDRAWN_WORD, "2026-06-03", 92003, disclosure="依申请公开")
        model_c = site_model(c)
        rebuilt_c = root / "c-rebuilt"
        before["b-rebuilt"] = snapshot(rebuilt_b)
        state_c, _, before["c-published"] = rebuild(
            rebuilt_b, full_build(c), rebuilt_c, model_c, state_b, report
        )
        assert state_c is not None and not report.has_errors(), list(report)

        yield Scenario(
            budget, a, b, c, rebuilt_b, rebuilt_c, state_a, state_b, state_c, model_b, before
        )


def updates_file(output: Path) -> dict:
    return json.loads((output / BUNDLE_DIR / UPDATES_FILE).read_text(encoding="utf-8"))


def shard_of(state: SearchState, src_uri: str):
    return next(shard for shard in state.shards if src_uri in shard.pages)


def fragment_path(output: Path, shard_id: str, fragment: str) -> Path:
    return output / BUNDLE_DIR / shard_id / "fragment" / f"{fragment}.pf_fragment"


def indexed_urls(output: Path) -> list[str]:
    records = [fragment_record(p) for p in (output / BUNDLE_DIR).glob("*/fragment/*.pf_fragment")]
    return [record["url"] for record in records if record]


# The files ------------------------------------------------------------------------------------


def test_a_full_build_writes_an_updates_file_without_updates(scenario: Scenario) -> None:
    shards = sorted(p.name for p in (scenario.a / "site" / BUNDLE_DIR).iterdir() if p.is_dir())
    assert (len(shards) > 1) == bool(scenario.budget)
    assert updates_file(scenario.a / "site") == {
        "bundle": None,
        "shards": [shard.id for shard in scenario.state_a.shards],
        "superseded": {},
        "superseded_filters": {},
    }
    assert sorted(shard.id for shard in scenario.state_a.shards) == shards
    zigong = shard_of(scenario.state_a, ZIGONG).pages[ZIGONG]
    assert zigong.sha256 == page_sha256(scenario.a / "site" / ZIGONG_URL / "index.html")
    record = fragment_record(fragment_path(scenario.a / "site", "1", zigong.fragment))
    assert record is None or record["url"] == "/" + ZIGONG_URL  # None: in another shard


def test_a_rebuild_links_the_shards_and_indexes_only_the_updates(scenario: Scenario) -> None:
    output, published = scenario.rebuilt_b, scenario.a / "site"
    updates = updates_file(output)
    base = shard_of(scenario.state_a, EDITED)
    old = base.pages[EDITED].fragment
    assert updates["bundle"] == UPDATES_ID
    assert updates["shards"] == [shard.id for shard in scenario.state_a.shards]
    assert updates["superseded"] == {base.id: [old]}
    assert updates["superseded_filters"][old]["year"] == ["2026年"]
    # the edited and the new item, alone; the page re-rendered with the same text is not there
    assert sorted(scenario.state_b.updates) == sorted([EDITED, ADDED])
    entry = json.loads((output / BUNDLE_DIR / UPDATES_ID / "pagefind-entry.json").read_text())
    assert entry["languages"]["zh"]["page_count"] == 2
    zigong = shard_of(scenario.state_b, ZIGONG).pages[ZIGONG]
    assert zigong.sha256 == page_sha256(output / ZIGONG_URL / "index.html")
    # the old version's text is gone from the new site, and only from it
    assert fragment_path(published, base.id, old).is_file()
    assert not fragment_path(output, base.id, old).exists()
    found, now = scenario.before["b-published"], snapshot(output)
    for shard in scenario.state_a.shards:  # not indexed again: the published files, untouched
        prefix = f"{BUNDLE_DIR}/{shard.id}/"
        for name in (name for name in found if name.startswith(prefix)):
            if not name.endswith(f"{old}.pf_fragment"):
                assert now[name][:2] == found[name][:2], name


def test_a_withdrawn_item_leaves_the_index_entirely(scenario: Scenario) -> None:
    output = scenario.rebuilt_c
    url = "/" + WITHDRAWN.removesuffix(".md") + "/"
    assert url not in indexed_urls(output)
    assert url in indexed_urls(scenario.rebuilt_b)
    for path in (output / BUNDLE_DIR).rglob("*"):
        if path.is_file() and path.suffix != ".js":
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            assert WITHDRAWN_WORD.encode() not in data, path
    # its shard was indexed again (new files); the other shards are still the published ones
    withdrawn_shard = shard_of(scenario.state_b, WITHDRAWN).id
    found, now = scenario.before["c-published"], snapshot(output)
    for shard in scenario.state_c.shards:
        entry = f"{BUNDLE_DIR}/{shard.id}/pagefind-entry.json"
        untouched = now[entry][:2] == found[entry][:2]
        assert untouched == (shard.id != withdrawn_shard), shard.id
    assert WITHDRAWN not in scenario.state_c.updates
    assert all(WITHDRAWN not in shard.pages for shard in scenario.state_c.shards)
    # the edited item is still answered by the updates bundle, its old version still superseded
    assert EDITED in scenario.state_c.updates
    assert sorted(indexed_urls(output)) == sorted(indexed_urls(scenario.c / "site"))


def test_an_edit_undone_is_answered_by_its_shard_again(scenario: Scenario, tmp_path: Path) -> None:
    # A's input again, after B's rebuild: the edited item as its shard indexed it, the new
    # item gone (it was only in the updates bundle, so no shard is indexed again)
    model = site_model(scenario.a)
    report = Report()
    output = tmp_path / "site"
    state, _, _ = rebuild(
        scenario.rebuilt_b, scenario.a / "site", output, model, scenario.state_b, report
    )
    assert state is not None and not report.has_errors()
    assert state.updates == {} and updates_file(output)["bundle"] is None
    assert [shard.pages for shard in state.shards] == [s.pages for s in scenario.state_a.shards]
    assert all(not shard.superseded for shard in state.shards)
    base = shard_of(state, EDITED)
    record = fragment_record(fragment_path(output, base.id, base.pages[EDITED].fragment))
    assert record is not None and OLD_WORD in record["meta"]["title"]  # its text is back
    assert sorted(indexed_urls(output)) == sorted(indexed_urls(scenario.a / "site"))


def test_the_published_sites_are_never_modified(scenario: Scenario) -> None:
    assert snapshot(scenario.a / "site") == scenario.before["a"]
    assert snapshot(scenario.rebuilt_b) == scenario.before["b-rebuilt"]


def test_the_state_survives_json_and_garbage_is_refused(scenario: Scenario) -> None:
    for state in (scenario.state_a, scenario.state_b, scenario.state_c):
        assert SearchState.from_json(json.loads(json.dumps(state.to_json()))) == state
    data = json.loads(json.dumps(scenario.state_b.to_json()))
    shard = next(s for s in data["shards"] if s["superseded"])
    garbage = [
        None,
        "state",
        [],
        {},
        {"version": 99, "shards": [], "updates": {}},
        {**data, "shards": [{**shard, "pages": {EDITED: ["sha"]}}]},
        {**data, "shards": [{**shard, "pages": {EDITED: "ab"}}]},
        {**data, "shards": [{**shard, "pages": {}}]},  # superseded, but not indexed
        {**data, "updates": {EDITED: [1, 2]}},
        {**data, "shards": [{**shard, "superseded": {EDITED: {"year": "2026年"}}}]},
    ]
    for value in garbage:
        assert SearchState.from_json(value) is None, value


def test_a_rebuild_falls_back_to_a_full_build(
    scenario: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if scenario.budget:
        monkeypatch.setenv(SHARD_BUDGET_VARIABLE, scenario.budget)
    published = scenario.a / "site"
    full_shards = [shard.id for shard in search_module.plan_shards(scenario.model_b.items)]

    def rebuild_from(name: str, previous: SearchState | None, previous_site: Path = published) -> None:
        output = tmp_path / name
        report = Report()
        state, _, _ = rebuild(
            previous_site, scenario.b / "site", output, scenario.model_b, previous, report
        )
        assert state is not None and not report.has_errors()
        assert state.updates == {} and [shard.id for shard in state.shards] == full_shards
        assert updates_file(output)["bundle"] is None
        assert not (output / BUNDLE_DIR / UPDATES_ID).exists()

    rebuild_from("no-state", None)
    (tmp_path / "empty").mkdir()  # a published site without the index the state describes
    rebuild_from("other-site", scenario.state_a, previous_site=tmp_path / "empty")
    monkeypatch.setattr(search_module, "UPDATES_LIMIT", 1)
    rebuild_from("too-many-updates", scenario.state_a)


# In the browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def served(scenario: Scenario) -> Iterator[dict[str, str]]:
    """Base URLs of the full builds (b, c) and the rebuilt sites (b-rebuilt, c-rebuilt)."""
    folders = {
        "b": scenario.b / "site",
        "b-rebuilt": scenario.rebuilt_b,
        "c": scenario.c / "site",
        "c-rebuilt": scenario.rebuilt_c,
    }
    with ExitStack() as stack:
        yield {name: stack.enter_context(serve(folder)) for name, folder in folders.items()}


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with checked_tab(browser) as tab:
        yield tab


def every_result(page: Page) -> list[Result]:
    """All results of the current search, showing more until there are no more."""
    while page.is_visible(".dp-search__more"):
        shown = page.locator(".dp-result").count()
        page.click(".dp-search__more")
        page.wait_for_function(
            "shown => document.querySelectorAll('.dp-result').length > shown", arg=shown
        )
    return results(page)


def answer(page: Page, base_url: str, query: str = "", **params: str) -> dict[str, object]:
    """What the search page shows for a query: status, results (paths, dates) and counts."""
    search(page, base_url, query, **params)
    found = every_result(page)
    counts = page.eval_on_selector_all(
        "select[data-filter] option", "options => options.map(o => o.textContent)"
    )
    return {
        "status": page.text_content(".dp-search__status"),
        "urls": [r.url.removeprefix(base_url) for r in found],
        "dates": [fact for r in found for fact in r.facts if fact.startswith("发布日期：")],
        "counts": counts,
    }


def item_url(src_uri: str) -> str:
    return src_uri.removesuffix(".md") + "/"


@pytest.mark.parametrize("site", ["b-rebuilt", "c-rebuilt"])
def test_an_edited_item_is_found_by_its_new_words_only(
    page: Page, served: dict[str, str], site: str
) -> None:
    base_url = served[site]
    found = search(page, base_url, NEW_WORD)
    assert [r.url for r in found] == [base_url + item_url(EDITED)]
    assert "发布日期：2019-05-10" in found[0].facts
    assert [r.url for r in search(page, base_url, ADDED_WORD)] == [base_url + item_url(ADDED)]
    assert search(page, base_url, OLD_WORD) == []
    assert "没有找到" in (page.text_content(".dp-search__status") or "")
    # unchanged items, including the one re-rendered with the same text
    assert search(page, base_url, "自府办发〔2018〕44号")[0].url == base_url + ZIGONG_URL


# What is compared between a rebuilt site and a full build of the same input
QUERIES = {
    "b": [
        ("政务公开", {}),
        ("政务公开", {"sort": "newest"}),
        ("通知", {"sort": "oldest", "unit": "湟源县城关镇人民政府"}),
        ("", {"column": "其他法定公开信息", "sort": "newest"}),
        ("", {"year": "2019年"}),
        (f"政务公开 {OLD_WORD}", {}),  # a word only an old version has is ignored, as if absent
    ],
    "c": [
        ("通知", {"sort": "newest", "column": "其他法定公开信息"}),
        ("事项的通知", {"year": "2026年"}),
        (WITHDRAWN_WORD, {}),
    ],
}


def test_the_rebuilt_index_answers_as_a_full_build(page: Page, served: dict[str, str]) -> None:
    for full, queries in QUERIES.items():
        rebuilt = f"{full}-rebuilt"
        for query, params in queries:
            expected = answer(page, served[full], query, **params)
            got = answer(page, served[rebuilt], query, **params)
            where = (rebuilt, query, params)
            assert got["status"] == expected["status"], where
            assert got["counts"] == expected["counts"], where  # the filter menus' counts
            assert sorted(got["urls"]) == sorted(expected["urls"]), where
            assert len(set(got["urls"])) == len(got["urls"]), where  # each item once
            if "sort" in params:  # the same dates in the same order (a day's items in any order)
                assert got["dates"] == expected["dates"], where
                newest = params["sort"] == "newest"
                assert got["dates"] == sorted(got["dates"], reverse=newest), where


@pytest.mark.parametrize("status", [404, 200])
def test_a_missing_or_empty_updates_file_means_no_updates(
    page: Page, served: dict[str, str], status: int
) -> None:
    page.route("**/pagefind/updates.json", lambda route: route.fulfill(status=status, body=""))
    base_url = served["b"]
    assert [r.url for r in search(page, base_url, NEW_WORD)] == [base_url + item_url(EDITED)]
