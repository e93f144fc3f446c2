"""The item cache (issue #9): a warm run gives what a cold run gives, and never trusts a bad entry.

Every test runs the real check on real files twice or more, and compares the diagnostics and the
items field by field with those of a run without a cache.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from conftest import AS_OF, POLICY, Site
from sites import REFERENCE_AS_OF, copy_reference_site

from generator.content.dates import AsOf
from generator.content.item_cache import (
    CACHE_DIR,
    CACHE_FILE,
    FLAG_FIELDS,
    KEYED_FIELDS,
    NOT_CACHED,
    OLD_FILES,
    OPTIONAL_TEXT_FIELDS,
    RACY_NS,
    READ_AGAIN,
    TEXT_FIELDS,
)
from generator.content.load import BodyOnDisk
from generator.content.model import Item
from generator.diagnostics import Report
from generator.site.check import check_site

ZCWJ = "fdzdgknr/zcwj"
PROBLEMS = f"content/{ZCWJ}/20181215-problems.md"
STALE = "2019-12-01"  # 政策文件 has had nothing new for more than its update_within (6mo)


def cache_file(root: Path) -> Path:
    return root / CACHE_DIR / CACHE_FILE


def run(root: Path, as_of: str = AS_OF) -> tuple[list[dict[str, object]], list[dict[str, Any]]]:
    """The diagnostics (every attribute) and the items (every field) of a check of ``root``."""
    report = Report()
    collection = check_site(root, AsOf.parse(as_of), report)
    assert collection is not None
    return [d.as_dict() for d in report], [snapshot(item) for item in collection.items]


def snapshot(item: Item) -> dict[str, Any]:
    """Every field of an item; catalog objects by value, the column by its path."""
    values = {f.name: getattr(item, f.name) for f in fields(Item)}
    values["links"] = item.links  # stored in the entry, not found again in the body
    values["column"] = item.column.path
    values["annual_report"] = item.annual_report is not None
    return values


def write_problem_site(site: Site) -> None:
    """Items with errors of every per-file step, an unreadable file and a withheld item."""
    site.item(
        f"{ZCWJ}/20181215-problems.md",
        doc_no="源政办[2018]51号",  # E-DOCNO-BRACKET
        published="2018-12-15 09:30",
        written="2018-12-01",
        keywords="[政务公开, 信息公开]",
        extra="{来源: 县政府办, 附件: [甲, 乙], 空: null}",
        作者="张三",  # E-KEY-UNKNOWN
    )
    path = site.root / PROBLEMS
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text
        + "联系人手机 13912345678。\n\n"  # E-PRIVACY-MOBILE
        + "<script>alert(1)</script>\n\n"  # E-HTML-TAG
        + "[附件](附件1.pdf)\n",  # E-LINK-MISSING: site-wide, from the cached links
        encoding="utf-8",
    )
    site.item(
        f"{ZCWJ}/20181216-dates.md",
        written="2018-02-30",  # E-DATE-INVALID
        draft="true",
        validity="已废止",
        superseded_by="015180001/2018-00051",
        summary="一句话概述。",
        topic="综合政务",
    )
    site.item(f"{ZCWJ}/20181217-missing.md", title=None, publisher="不存在的机构")
    site.write(f"content/{ZCWJ}/20181218-gbk.md", "---\ntitle: 编码\n---\n\n正文\n".encode("gbk"))
    site.item(
        "fdzdgknr/zcjd/20181219-withheld.md",
        base=site.interpretation,
        disclosure="依申请公开",
    )


@pytest.fixture
def problem_site(site: Site) -> Site:
    write_problem_site(site)
    return site


def test_every_field_of_an_item_is_cached_or_named_as_not_cached() -> None:
    stored = {
        *TEXT_FIELDS,
        *OPTIONAL_TEXT_FIELDS,
        *FLAG_FIELDS,
        *KEYED_FIELDS,
        *READ_AGAIN,
        *NOT_CACHED,
    }
    assert stored == {f.name for f in fields(Item)}


def test_a_warm_check_gives_the_diagnostics_and_items_of_a_cold_one(problem_site: Site) -> None:
    cold = run(problem_site.root, STALE)
    codes = {d["code"] for d in cold[0]}
    assert {
        "E-DOCNO-BRACKET",
        "E-KEY-UNKNOWN",
        "E-PRIVACY-MOBILE",
        "E-HTML-TAG",
        "E-LINK-MISSING",
        "E-DATE-INVALID",
        "E-REQUIRED",
        "E-PUBLISHER-UNKNOWN",
        "E-ENCODING-GBK",
    } <= codes
    assert "W-COLUMN-STALE" in codes  # a site-wide warning, from cached items
    assert cache_file(problem_site.root).is_file()
    assert run(problem_site.root, STALE) == cold
    assert run(problem_site.root, STALE) == cold  # again, from a cache the warm run re-stamped


def test_a_warm_check_replays_the_cached_diagnostics_instead_of_reading(problem_site: Site) -> None:
    """Proof that an unchanged file is not read again: a marker put into its entry is reported."""
    cold = run(problem_site.root)
    document = json.loads(cache_file(problem_site.root).read_text(encoding="utf-8"))
    entry = document["entries"][PROBLEMS]
    entry["diagnostics"][0][4] = "cached message"
    entry["item"]["title"] = "cached title"
    cache_file(problem_site.root).write_text(json.dumps(document), encoding="utf-8")
    diagnostics, items = run(problem_site.root)
    assert "cached message" in [d["message"] for d in diagnostics]
    assert "cached title" in [item["title"] for item in items]
    assert len(diagnostics) == len(cold[0])


def test_an_edit_that_keeps_the_size_and_puts_the_mtime_back_is_read(problem_site: Site) -> None:
    run(problem_site.root)
    path = problem_site.root / PROBLEMS
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace("的通知", "的通告", 1).replace("<script>", "<iframe>", 1)
    assert len(edited.encode()) == before.st_size and edited != text
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_mtime_ns, path.stat().st_size) == (before.st_mtime_ns, before.st_size)
    warm = run(problem_site.root)
    assert any(item["title"].endswith("的通告") for item in warm[1])
    assert any("iframe" in str(d["message"]) for d in warm[0])
    cache_file(problem_site.root).unlink()
    assert warm == run(problem_site.root)


def test_a_changed_columns_yml_discards_every_entry(site: Site) -> None:
    assert run(site.root)[0] == []
    columns = site.root / "columns.yml"
    # 政策解读 names its publisher by the alias 县政府办: without the alias it is unknown.
    columns.write_text(
        columns.read_text(encoding="utf-8").replace("[县政府办, 县政府办公室]", "[县政府办公室]"),
        encoding="utf-8",
    )
    diagnostics, _ = run(site.root)
    assert "E-PUBLISHER-UNKNOWN" in [d["code"] for d in diagnostics]


def test_a_deleted_file_leaves_the_cache(problem_site: Site) -> None:
    run(problem_site.root)
    (problem_site.root / PROBLEMS).unlink()
    diagnostics, items = run(problem_site.root)
    assert all(d["file"] != PROBLEMS for d in diagnostics)
    assert all(item["source"] != PROBLEMS for item in items)
    document = json.loads(cache_file(problem_site.root).read_text(encoding="utf-8"))
    assert PROBLEMS not in document["entries"]


def test_the_cache_is_data_only_and_holds_catalog_objects_by_key(problem_site: Site) -> None:
    run(problem_site.root)
    raw = cache_file(problem_site.root).read_bytes()
    document = json.loads(raw.decode("utf-8"))  # data only: nothing in it is ever executed
    assert set(document) == {"fingerprint", "entries"}
    assert [path.name for path in (problem_site.root / CACHE_DIR).iterdir()] == [CACHE_FILE]
    item = document["entries"][PROBLEMS]["item"]
    assert "body" not in item  # read again from the file when asked
    assert "alert(1)" not in raw.decode("utf-8")
    assert [link[0] for link in item["links"]] == [
        link.target for link in _item_of(problem_site.root, PROBLEMS).links
    ]
    assert item["column"] == ZCWJ
    assert item["publisher"] == [0, POLICY["publisher"]]
    assert item["topic"] == POLICY["topic"]
    assert item["published"] == "2018-12-15T09:30:00"
    unreadable = document["entries"][f"content/{ZCWJ}/20181218-gbk.md"]
    assert unreadable["item"] is None
    assert [d[3] for d in unreadable["diagnostics"]] == ["E-ENCODING-GBK"]


def _entry_item(change: Callable[[dict[str, Any]], object]) -> Callable[[dict[str, Any]], None]:
    def tamper(document: dict[str, Any]) -> None:
        change(document["entries"][PROBLEMS]["item"])

    return tamper


def _entry(change: Callable[[dict[str, Any]], object]) -> Callable[[dict[str, Any]], None]:
    def tamper(document: dict[str, Any]) -> None:
        change(document["entries"][PROBLEMS])

    return tamper


def _nested(depth: int) -> object:
    value: object = "deep"
    for _ in range(depth):
        value = [value]
    return value


DAMAGED_ENTRIES: dict[str, Callable[[dict[str, Any]], None]] = {
    "title of the wrong type": _entry_item(lambda item: item.update(title=5)),
    "a field missing": _entry_item(lambda item: item.pop("body_line")),
    "links missing": _entry_item(lambda item: item.pop("links")),
    "link too short": _entry_item(lambda item: item.update(links=[["a.pdf", "", 3]])),
    "link line zero": _entry_item(lambda item: item.update(links=[["a.pdf", "", 0, 1, False]])),
    "link target a number": _entry_item(lambda item: item.update(links=[[7, "", 3, 1, False]])),
    "link in_html as text": _entry_item(
        lambda item: item.update(links=[["a.pdf", "", 3, 1, "false"]])
    ),
    "item of another file": _entry_item(
        lambda item: item.update(source=f"content/{ZCWJ}/20181216-dates.md")
    ),
    "item of another column": _entry_item(lambda item: item.update(column="fdzdgknr/zcjd")),
    "publisher out of the unit list": _entry_item(lambda item: item.update(publisher=[99, "某局"])),
    "publisher negative": _entry_item(lambda item: item.update(publisher=[-1, "湟源县教育局"])),
    "publisher of another name": _entry_item(lambda item: item.update(publisher=[1, "某局"])),
    "topic not in the vocabulary": _entry_item(lambda item: item.update(topic="不存在/分类")),
    "index number of no pattern": _entry_item(lambda item: item.update(index_no="garbage")),
    "document number not canonical": _entry_item(
        lambda item: item.update(doc_no="源政办[2018]51号")
    ),
    "published with a time zone": _entry_item(
        lambda item: item.update(published="2018-12-15T09:30:00+08:00")
    ),
    "written not a date": _entry_item(lambda item: item.update(written="2018-02-30")),
    "keywords not a list": _entry_item(lambda item: item.update(keywords="政务公开")),
    "extra with a number": _entry_item(lambda item: item.update(extra={"来源": 1})),
    "extra nested too deep": _entry_item(lambda item: item.update(extra={"x": _nested(200)})),
    "line as text": _entry_item(lambda item: item["lines"].update(title="2")),
    "line zero": _entry_item(lambda item: item["lines"].update(title=0)),
    "line true": _entry_item(lambda item: item["lines"].update(title=True)),
    "keyword a number": _entry_item(lambda item: item.update(keywords=["政务公开", 7])),
    "body line zero": _entry_item(lambda item: item.update(body_line=0)),
    "draft as text": _entry_item(lambda item: item.update(draft="false")),
    "item empty": _entry_item(lambda item: item.clear()),
    "item a list": _entry(lambda entry: entry.update(item=[])),
    "entry a text": lambda document: document["entries"].update({PROBLEMS: "x"}),
    "diagnostic too short": _entry(lambda entry: entry["diagnostics"].append(["x"])),
    "diagnostic of no code": _entry(
        lambda entry: entry["diagnostics"].append([PROBLEMS, 1, 1, "E-NO-SUCH", "m", "error"])
    ),
    "diagnostic of no severity": _entry(
        lambda entry: entry["diagnostics"][0].__setitem__(5, "fatal")
    ),
    "diagnostics not a list": _entry(lambda entry: entry.update(diagnostics={})),
    "no valid_on": _entry(lambda entry: entry.pop("valid_on")),
    "stamp of the wrong type": _entry(lambda entry: entry.update(stamp="x", racy=None)),
}


@pytest.mark.parametrize("damage", DAMAGED_ENTRIES.values(), ids=DAMAGED_ENTRIES.keys())
def test_a_damaged_entry_is_read_again(
    problem_site: Site, damage: Callable[[dict[str, Any]], None]
) -> None:
    cold = run(problem_site.root)
    document = json.loads(cache_file(problem_site.root).read_text(encoding="utf-8"))
    damage(document)
    cache_file(problem_site.root).write_text(json.dumps(document), encoding="utf-8")
    assert run(problem_site.root) == cold
    assert run(problem_site.root) == cold  # and the entry written again is good


def _item_of(root: Path, source: str) -> Item:
    collection = check_site(root, AsOf.parse(AS_OF), Report())
    assert collection is not None
    return next(item for item in collection.items if item.source == source)


def test_a_cached_items_body_is_read_from_its_file_only_when_asked(problem_site: Site) -> None:
    cold = _item_of(problem_site.root, PROBLEMS).body
    warm = _item_of(problem_site.root, PROBLEMS)
    assert isinstance(warm.__dict__["_body"], BodyOnDisk)  # not read while checking
    assert warm.body == cold and "<script>" in cold
    edited, deleted = _item_of(problem_site.root, PROBLEMS), _item_of(problem_site.root, PROBLEMS)
    path = problem_site.root / PROBLEMS
    path.write_text(path.read_text(encoding="utf-8") + "\n补充说明。\n", encoding="utf-8")
    assert edited.body == cold + "\n补充说明。\n"  # as the file is now, as MkDocs renders it
    path.unlink()
    assert deleted.body == ""


def test_the_files_of_earlier_formats_are_deleted(problem_site: Site) -> None:
    folder = problem_site.root / CACHE_DIR
    folder.mkdir()
    for name in OLD_FILES:
        (folder / name).write_text("old", encoding="utf-8")
    run(problem_site.root)
    assert [path.name for path in folder.iterdir()] == [CACHE_FILE]


def test_an_entry_whose_file_hash_differs_is_read_again(problem_site: Site) -> None:
    cold = run(problem_site.root)
    document = json.loads(cache_file(problem_site.root).read_text(encoding="utf-8"))
    entry = document["entries"][PROBLEMS]
    entry["sha256"], entry["stamp"], entry["diagnostics"] = "0" * 64, [0, 0, 0, 0], []
    cache_file(problem_site.root).write_text(json.dumps(document), encoding="utf-8")
    assert run(problem_site.root) == cold


@pytest.mark.parametrize("where", ["body", "extra"])
def test_an_entry_of_a_file_with_an_id_shaped_number_holds_on_its_day_only(
    site: Site, where: str
) -> None:
    """The privacy scan's verdict on an ID number depends on the date (no birth in the future)."""
    number = "11010519491231002X"
    if where == "body":
        site.item(f"{ZCWJ}/20181215-id.md")
        path = site.content / ZCWJ / "20181215-id.md"
        path.write_text(
            path.read_text(encoding="utf-8") + f"证件号码 {number}。\n", encoding="utf-8"
        )
    else:
        site.item(f"{ZCWJ}/20181215-id.md", extra=f"{{证件: [{number}]}}")
    cold = run(site.root)
    assert "E-PRIVACY-ID-CARD" in [d["code"] for d in cold[0]]
    document = json.loads(cache_file(site.root).read_text(encoding="utf-8"))
    rel = f"content/{ZCWJ}/20181215-id.md"
    assert document["entries"][rel]["valid_on"] is not None
    assert all(
        entry["valid_on"] is None for name, entry in document["entries"].items() if name != rel
    )
    document["entries"][rel]["valid_on"] = "2000-01-01"
    document["entries"][rel]["diagnostics"] = []
    cache_file(site.root).write_text(json.dumps(document), encoding="utf-8")
    assert run(site.root) == cold


DAMAGED_FILES: dict[str, bytes] = {
    "not JSON": b"{not json",
    "empty": b"",
    "not UTF-8": b"\xff\xfe\x00garbage",
    "a list": b"[]",
    "entries a list": b'{"fingerprint": "%s", "entries": []}',
    "entries of garbage": b'{"fingerprint": "%s", "entries": {"content/x.md": 1, "%s": "x"}}',
    "no entries": b'{"fingerprint": "%s"}',
    "nested too deep for the parser": b"[" * 100_000,
    "another fingerprint": b'{"fingerprint": "other", "entries": {}}',
}


@pytest.mark.parametrize("data", DAMAGED_FILES.values(), ids=DAMAGED_FILES.keys())
def test_a_damaged_cache_file_is_no_cache(problem_site: Site, data: bytes) -> None:
    cold = run(problem_site.root)
    fingerprint = json.loads(cache_file(problem_site.root).read_text(encoding="utf-8"))[
        "fingerprint"
    ]
    data = data.replace(b"%s", fingerprint.encode(), 1).replace(b"%s", PROBLEMS.encode())
    cache_file(problem_site.root).write_bytes(data)
    assert run(problem_site.root) == cold
    json.loads(cache_file(problem_site.root).read_text(encoding="utf-8"))  # rewritten, whole


def test_a_focused_check_reports_only_its_files_from_a_warm_cache(problem_site: Site) -> None:
    full = problem_site.cli("check")
    assert full.returncode == 1 and "E-ENCODING-GBK" in full.stdout
    for rel in (PROBLEMS, f"content/{ZCWJ}/20181218-gbk.md"):
        for _ in range(2):  # from a cache filled by the full check, then by itself
            focused = problem_site.cli("check", str(problem_site.root / rel))
            lines = focused.stdout.splitlines()
            assert focused.returncode == 1 and lines
            assert all(line.startswith(rel) for line in lines), focused.stdout
            assert set(lines) == {line for line in full.stdout.splitlines() if line.startswith(rel)}


def test_a_focused_check_keeps_the_bodies_of_the_files_it_skips(problem_site: Site) -> None:
    root = problem_site.root
    run(root)
    path = root / PROBLEMS
    path.write_text(path.read_text(encoding="utf-8") + "\n补充说明。\n", encoding="utf-8")
    report = Report()
    focused = check_site(root, AsOf.parse(AS_OF), report, focus=lambda rel: rel == PROBLEMS)
    assert focused is not None
    bodies = {item.source: item.body for item in focused.items}
    assert "补充说明" in bodies[PROBLEMS]
    warm = run(root)  # the focused check saved the edited file's entry: the others kept theirs
    assert bodies == {item["source"]: item["body"] for item in warm[1]}
    assert all(item["body"] for item in warm[1])
    cache_file(root).unlink()
    assert run(root) == warm


def test_a_run_that_changed_few_entries_of_a_large_site_leaves_the_cache(site: Site) -> None:
    for number in range(250):
        site.item(f"{ZCWJ}/2018-{number:03d}.md")
    time.sleep(RACY_NS / 1e9 + 0.1)  # the files are no longer racy: a run trusts their stat
    run(site.root)
    stored = {path.name: path.read_bytes() for path in (site.root / CACHE_DIR).iterdir()}
    path = site.content / ZCWJ / "2018-007.md"
    path.write_text(path.read_text(encoding="utf-8").replace("的通知", "的通告"), encoding="utf-8")
    for _ in range(2):
        warm = run(site.root)
        assert {
            path.name: path.read_bytes() for path in (site.root / CACHE_DIR).iterdir()
        } == stored
        assert sum(item["title"].endswith("的通告") for item in warm[1]) == 1
    for cached in (site.root / CACHE_DIR).iterdir():
        cached.unlink()
    assert run(site.root) == warm


def test_the_reference_site_with_annual_reports_checks_alike_warm(tmp_path: Path) -> None:
    root = copy_reference_site(tmp_path / "site")
    cold = run(root, REFERENCE_AS_OF)
    assert any(item["annual_report"] for item in cold[1])
    assert run(root, REFERENCE_AS_OF) == cold
