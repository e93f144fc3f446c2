"""The publish steps side by side (generator/publish/pipeline.py): each in a thread of its own,
the link check at a lower priority, so that it takes the cores Pagefind leaves idle."""

from __future__ import annotations

import os
import shutil
import sys
import threading
from pathlib import Path

import pytest
from sites import build, copy_reference_site
from test_search_rebuild import site_model

from generator.diagnostics import Report
from generator.publish import pipeline
from generator.publish.pipeline import LINK_CHECK_NICENESS, Publication, PublishStep
from generator.publish.search import BUNDLE_DIR
from generator.timings import BuildTimings

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="threads have their own priority on Linux"
)


def thread_niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_the_link_check_runs_at_a_lower_priority_than_the_search_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = copy_reference_site(tmp_path / "reference")
    result = build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    output = tmp_path / "staging"
    shutil.copytree(site / "site", output)
    shutil.rmtree(output / BUNDLE_DIR)
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
    publication = Publication(output, site_model(site), Report())
    states = pipeline.run_publish_steps(publication, BuildTimings())
    assert not publication.report.has_errors(), list(publication.report)
    assert states["search"] is not None and states["links"] is not None
    assert (output / BUNDLE_DIR / "updates.json").is_file()
    assert niceness == {"search": before, "links": min(before + LINK_CHECK_NICENESS, 19)}
    assert thread_niceness() == before  # the caller's thread keeps its priority
