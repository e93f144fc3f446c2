"""The publish steps side by side (generator/publish/pipeline.py): each in a thread of its own;
the link check starts once Pagefind has, at a lower priority, and pauses while the search step
stages a shard, so that it takes the cores Pagefind leaves idle."""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sites import built_reference_site
from test_search_rebuild import site_model

from generator.diagnostics import Report
from generator.publish import linkcheck, pipeline, search
from generator.publish.pipeline import (
    LINK_CHECK_NICENESS,
    PriorityWork,
    Publication,
    PublishStep,
)
from generator.publish.search import BUNDLE_DIR
from generator.timings import BuildTimings


def thread_niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_reference_site(tmp_path_factory.mktemp("publish-steps"))


def publish(reference: Path, tmp_path: Path) -> tuple[Publication, dict[str, Any]]:
    """The publish steps over a copy of the reference site's output, without its index."""
    output = tmp_path / "staging"
    shutil.copytree(reference / "site", output)
    shutil.rmtree(output / BUNDLE_DIR)
    publication = Publication(output, site_model(reference), Report())
    states = pipeline.run_publish_steps(publication, BuildTimings())
    assert not publication.report.has_errors(), list(publication.report)
    assert states["search"] is not None and states["links"] is not None
    assert (output / BUNDLE_DIR / "updates.json").is_file()
    return publication, states


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own priority")
def test_the_link_check_runs_at_a_lower_priority_than_the_search_index(
    reference: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = pipeline.publish_steps()
    niceness: dict[str, int] = {}

    def recorded(stage: str, step: PublishStep) -> PublishStep:
        def run(publication: Publication) -> object:
            state = step(publication)
            niceness[stage] = thread_niceness()  # after the step: what it ran at
            return state

        return run

    monkeypatch.setattr(
        pipeline, "publish_steps", lambda: [(stage, recorded(stage, step)) for stage, step in steps]
    )
    before = thread_niceness()
    publish(reference, tmp_path)
    assert niceness == {"search": before, "links": min(before + LINK_CHECK_NICENESS, 19)}
    assert thread_niceness() == before  # the caller's thread keeps its priority


def test_the_link_check_starts_once_pagefind_has(
    reference: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    moments: dict[str, list[float]] = {"pagefind": [], "links": []}
    start_pagefind = search._PagefindRun.start.__func__  # type: ignore[attr-defined]
    check_links = linkcheck.check_output_links

    def pagefind(cls: type, *args: Any, **options: Any) -> Any:
        # Staging the first shard takes a moment: without the wait, the link check is first.
        time.sleep(0.5)
        moments["pagefind"].append(time.monotonic())
        return start_pagefind(cls, *args, **options)

    def links(*args: Any, **options: Any) -> Any:
        moments["links"].append(time.monotonic())
        return check_links(*args, **options)

    monkeypatch.setattr(search._PagefindRun, "start", classmethod(pagefind))
    monkeypatch.setattr(linkcheck, "check_output_links", links)
    publish(reference, tmp_path)
    assert len(moments["links"]) == 1 and moments["pagefind"]
    assert moments["links"][0] >= moments["pagefind"][0]


def test_the_next_shard_is_staged_once_pagefind_has_read_its_pages_and_not_beside_the_link_check(
    reference: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shards of a few items: each is staged once the run before it has read its pages, and
    the link check (reading pages in the build process, as on two cores) waits meanwhile."""
    monkeypatch.setenv(search.SHARD_BUDGET_VARIABLE, "4000")
    monkeypatch.setattr(linkcheck, "available_cores", lambda: 2)
    runs: list[search._PagefindRun] = []
    staged_after_reading: list[bool] = []
    scans = {"beside staging": 0, "other": 0}
    staging = threading.Event()
    waited = threading.Event()

    start_pagefind = search._PagefindRun.start.__func__  # type: ignore[attr-defined]
    stage_shard, scan_page = search._stage_shard, linkcheck.scan_page
    wait_until_done = PriorityWork.wait_until_done

    def pagefind(cls: type, *args: Any, **options: Any) -> Any:
        run = start_pagefind(cls, *args, **options)
        runs.append(run)
        return run

    # Staging a few items and reading a page take milliseconds: both are drawn out, so that
    # the link check is under way while shards are staged.
    def staged(*args: Any) -> Any:
        staged_after_reading.append(all(run.pages_read.is_set() for run in runs))
        staging.set()
        try:
            time.sleep(0.3)
            return stage_shard(*args)
        finally:
            staging.clear()

    def scanned(page: str) -> Any:
        scans["beside staging" if staging.is_set() else "other"] += 1
        time.sleep(0.005)
        return scan_page(page)

    def wait(work: PriorityWork) -> None:
        if staging.is_set():
            waited.set()
        wait_until_done(work)

    monkeypatch.setattr(search._PagefindRun, "start", classmethod(pagefind))
    monkeypatch.setattr(search, "_stage_shard", staged)
    monkeypatch.setattr(linkcheck, "scan_page", scanned)
    monkeypatch.setattr(PriorityWork, "wait_until_done", wait)
    publish(reference, tmp_path)

    assert len(staged_after_reading) == len(runs) > 2
    assert all(staged_after_reading)
    assert sum(scans.values()) > 50
    # At most a page whose reading began in the instant between the wait and the read.
    assert scans["beside staging"] <= 1, scans
    assert waited.is_set()  # the link check did find the search step staging, and waited


def test_priority_work_holds_whoever_waits_until_all_of_it_has_ended() -> None:
    work = PriorityWork()
    work.wait_until_done()  # nothing under way: returns at once
    work.begin()
    with work.running():
        released = threading.Event()
        waiter = threading.Thread(target=lambda: (work.wait_until_done(), released.set()))
        waiter.start()
        assert not released.wait(0.2)
    assert not released.wait(0.2)  # one piece of work is still under way
    work.end()
    assert released.wait(5)
    waiter.join()
