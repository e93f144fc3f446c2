"""The publish steps side by side (generator/publish/pipeline.py): each in a thread of its own;
the link check starts once Pagefind has, and at a lower priority, so that it takes the cores
Pagefind leaves idle."""

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
from generator.publish.pipeline import LINK_CHECK_NICENESS, Publication, PublishStep
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

    def pagefind(cls: type, *args: Any) -> Any:
        # Staging the first shard takes a moment: without the wait, the link check is first.
        time.sleep(0.5)
        moments["pagefind"].append(time.monotonic())
        return start_pagefind(cls, *args)

    def links(*args: Any, **options: Any) -> Any:
        moments["links"].append(time.monotonic())
        return check_links(*args, **options)

    monkeypatch.setattr(search._PagefindRun, "start", classmethod(pagefind))
    monkeypatch.setattr(linkcheck, "check_output_links", links)
    publish(reference, tmp_path)
    assert len(moments["links"]) == 1 and moments["pagefind"]
    assert moments["links"][0] >= moments["pagefind"][0]
