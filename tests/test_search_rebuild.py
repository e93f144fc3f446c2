"""Incremental builds of the search index (issue 28): real `disclosure build` runs of the reference
site, one after another on the same folder, each compared with a full build of the same input.

- A: the reference site with two items of our own;
- B: one of them edited (its one word replaced by another), one item added;
- C: B with the other item made 依申请公开 (withdrawn).

After each incremental build the index is byte for byte a full build's, a word that only the
old version had is in no file of the site, and the index files whose bytes stay were not
written again.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sites import build, copy_reference_site, write_item
from test_search import Index, index_tree

from generator.content.dates import AsOf
from generator.diagnostics import Report
from generator.publish.search import (
    INDEX_DIR,
    build_search_index,
    gather_items,
    search_filters,
)
from generator.publish.search_index import files_of
from generator.site.check import check_site
from generator.site.model import SiteModel, build_site_model

COLUMN = "fdzdgknr/qtxx"
EDITED = "20260601-rebuild-edited.md"
OLD_WORD, NEW_WORD = "鵷鶵", "鶺鴒"  # only in the edited item before / after the edit
ADDED = "20261120-rebuild-added.md"
ADDED_WORD = "鷦鷯"
WITHDRAWN = "20260603-rebuild-withdrawn.md"
WITHDRAWN_WORD = "鸀鳿"


def write_own_item(site: Path, name: str, word: str, published: str, serial: int, **more: str):
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
    write_item(site, COLUMN, name, fields, body)


def site_model(site: Path) -> SiteModel:
    report = Report()
    as_of = AsOf.parse("2026-11-20")
    collection = check_site(site, as_of, report)
    assert collection is not None and not report.has_errors(), list(report)
    return build_site_model(collection, as_of, site / "content")


Stats = dict[str, tuple[int, int]]


def index_stats(output: Path) -> Stats:
    folder = output / INDEX_DIR
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


@dataclass
class Step:
    site: Path
    index: dict[str, bytes]  # after the incremental build
    full: dict[str, bytes]  # a full build of the same input
    before: tuple[dict[str, bytes], Stats]  # the index the incremental build found
    after: Stats


def built(site: Path, *args: str) -> None:
    result = build(site, *args)
    assert result.returncode == 0, result.stdout + result.stderr


def step(site: Path, full_copy: Path) -> Step:
    before = (index_tree(site / "site"), index_stats(site / "site"))
    built(site)
    shutil.copytree(site, full_copy, ignore=shutil.ignore_patterns("site", ".*"))
    built(full_copy, "--full")
    return Step(
        site,
        index_tree(site / "site"),
        index_tree(full_copy / "site"),
        before,
        index_stats(site / "site"),
    )


@pytest.fixture(scope="module")
def steps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Step]]:
    root = tmp_path_factory.mktemp("rebuild")
    site = copy_reference_site(root / "site")
    write_own_item(site, EDITED, OLD_WORD, "2026-06-01", 92001)
    write_own_item(site, WITHDRAWN, WITHDRAWN_WORD, "2026-06-03", 92003)
    built(site)
    write_own_item(site, EDITED, NEW_WORD, "2026-06-01", 92001)
    write_own_item(site, ADDED, ADDED_WORD, "2026-11-20", 92005)  # the newest: numbered last
    b = step(site, root / "b-full")
    write_own_item(site, WITHDRAWN, WITHDRAWN_WORD, "2026-06-03", 92003, disclosure="依申请公开")
    c = step(site, root / "c-full")
    yield {"b": b, "c": c}


@pytest.mark.parametrize("name", ["b", "c"])
def test_an_incremental_build_writes_a_full_builds_index(steps: dict[str, Step], name: str) -> None:
    done = steps[name]
    assert sorted(done.index) == sorted(done.full)
    assert [path for path in done.full if done.index[path] != done.full[path]] == []


@pytest.mark.parametrize("name", ["b", "c"])
def test_the_files_whose_bytes_stay_are_not_written_again(
    steps: dict[str, Step], name: str
) -> None:
    done = steps[name]
    old_bytes, old_stats = done.before
    same = [path for path in done.index if old_bytes.get(path) == done.index[path]]
    assert same
    assert [path for path in same if done.after[path] != old_stats[path]] == []


def test_an_edit_and_a_new_item_touch_only_their_own_result_blocks(steps: dict[str, Step]) -> None:
    done = steps["b"]
    old_bytes, _ = done.before
    changed = {path for path in done.index if old_bytes.get(path) != done.index[path]}
    urls = [record["url"] for record in Index(done.site / "site").records()]
    block = json.loads(done.index["meta.json"])["block"]
    touched = {
        f"r/{urls.index(f'{COLUMN}/{name[:-3]}/') // block}.json" for name in (EDITED, ADDED)
    }
    assert {path for path in changed if path.startswith("r/")} == touched


def test_a_word_only_the_old_version_had_is_in_no_file(steps: dict[str, Step]) -> None:
    site = steps["b"].site  # after C too: C changed nothing of the edited item
    index = Index(site / "site")
    assert OLD_WORD not in index.every_token()
    assert index.find(OLD_WORD) == []
    holders = [
        p for p in (site / "site").rglob("*") if p.is_file() and OLD_WORD.encode() in p.read_bytes()
    ]
    assert holders == []
    assert len(index.find(NEW_WORD)) == 1 and len(index.find(ADDED_WORD)) == 1


def test_a_withdrawn_item_leaves_the_index_entirely(steps: dict[str, Step]) -> None:
    c = Index(steps["c"].site / "site")
    assert WITHDRAWN_WORD not in c.every_token()
    assert c.meta["documents"] == json.loads(steps["b"].index["meta.json"])["documents"] - 1
    urls = [record["url"] for record in c.records()]
    assert f"{COLUMN}/{WITHDRAWN.removesuffix('.md')}/" not in urls
    files = index_tree(steps["c"].site / "site")
    assert not [path for path, data in files.items() if WITHDRAWN_WORD.encode() in data]


def test_an_update_reads_only_the_pages_rendered_anew(tmp_path: Path) -> None:
    """An edit in place: the update path makes the edited item's files from its old and new
    pages alone; another item's page, gone from the published site, is never read (the whole
    index would need it), and the files are those of the whole index."""
    site = copy_reference_site(tmp_path / "site")
    write_own_item(site, EDITED, OLD_WORD, "2026-06-01", 92001)
    built(site)
    manifest = json.loads((site / ".disclosure-cache" / "build-manifest.json").read_text())
    previous = manifest["steps"]["search"]
    model = site_model(site)
    published = site / "site"
    edited = next(item for item in model.items if item.src_uri == f"{COLUMN}/{EDITED}")
    output = tmp_path / "staging"
    page = output / edited.url / "index.html"
    page.parent.mkdir(parents=True)
    text = (published / edited.url / "index.html").read_text(encoding="utf-8")
    page.write_text(text.replace(OLD_WORD, NEW_WORD), encoding="utf-8")
    items = list(reversed(model.items))
    gathered = gather_items(output, model, items, Report(), published, parts=1)
    assert gathered is not None
    whole, _ = files_of(gathered, search_filters(model, items))
    other = next(item for item in model.items if item is not edited)
    shutil.rmtree(published / other.url)
    report, kept = Report(), set()
    state = build_search_index(
        output, model, report, published, kept, previous, frozenset({edited.src_uri})
    )
    assert state is not None and not report.has_errors(), list(report)
    written = {
        p.relative_to(output / INDEX_DIR).as_posix()
        for p in (output / INDEX_DIR).rglob("*")
        if p.is_file()
    }
    assert written and len(written) < len(whole) / 4
    assert {path.removeprefix(f"{INDEX_DIR}/") for path in kept} <= set(whole)
    for name, data in whole.items():
        where = output if name in written else published
        assert f"{INDEX_DIR}/{name}" in kept or name in written, name
        assert (where / INDEX_DIR / name).read_bytes() == data, name


def test_the_index_is_the_same_gathered_in_one_run_or_in_several(tmp_path: Path) -> None:
    """A large site's items are shared out over the cores, each run but the last in a forked
    child (where the system forks), and so are the tokens to encode: the files are those of
    one run over every item, which are those the build wrote."""
    site = copy_reference_site(tmp_path / "site")
    built(site)
    model = site_model(site)
    output = site / "site"
    items = list(reversed(model.items))
    filters = search_filters(model, items)
    files = {}
    for parts in (1, 2, 3):
        report = Report()
        gathered = gather_items(output, model, items, report, None, parts)
        assert gathered is not None and not report.has_errors(), list(report)
        files[parts], _ = files_of(gathered, filters, parts)
    assert files[1] == files[2] == files[3] == index_tree(output)


def test_a_page_without_body_text_is_reported_once_in_any_run(tmp_path: Path) -> None:
    """A run in a forked child that meets an item page without its body is gathered again in
    the build process, which reports it: one diagnostic, as with one run."""
    site = copy_reference_site(tmp_path / "site")
    built(site)
    model = site_model(site)
    output = site / "site"
    items = list(reversed(model.items))
    broken = items[len(items) // 4]  # in the first of three runs: a forked child's
    page = output / broken.url / "index.html"
    page.write_text(
        page.read_text(encoding="utf-8").replace('class="dp-body"', 'class="other"'),
        encoding="utf-8",
    )
    for parts in (1, 3):
        report = Report()
        assert gather_items(output, model, items, report, None, parts) is None
        found = [(d.code, d.file) for d in report]
        assert found == [("E-SEARCH-INCOMPLETE", broken.source)], found
