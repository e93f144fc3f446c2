"""What happens to a rendered site before it is published as `site/`: search index, link check.

Each step gets the :class:`Publication` — the staging folder, the site model, the report — and a
step that finds problems reports them; any error stops the publish (the previous `site/`
stays). A step returns what it wants to remember about the site it published (plain JSON
data, kept in the build manifest); an incremental build hands it back to the step together
with the pages that changed, so that the step only redoes what they affect.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from generator.diagnostics import Report
from generator.site.model import SiteModel
from generator.timings import BuildTimings


class PriorityWork:
    """The search step's work that the link check gives way to, counted while under way:
    staging a shard's pages.

    On two cores the link check reads pages in the build process. A Pagefind run reads its
    pages on every core for a few seconds, then builds and compresses its index on one: its
    files at gzip level 9, one after another, 10 of the 15 s of a 4,350-item shard. The next
    shard is staged in that time, so that it is ready when the run ends; staging is Python,
    like the link check, and the two would share the one core and the interpreter. So between
    pages the link check waits until no staging is under way; while Pagefind reads pages, its
    lowered priority (LINK_CHECK_NICENESS) leaves them to Pagefind.
    """

    def __init__(self) -> None:
        self._under_way = 0
        self._changed = threading.Condition()

    def begin(self) -> None:
        with self._changed:
            self._under_way += 1

    def end(self) -> None:
        with self._changed:
            self._under_way -= 1
            if self._under_way == 0:
                self._changed.notify_all()

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        self.begin()
        try:
            yield
        finally:
            self.end()

    def wait_until_done(self) -> None:
        """Return once none of the work is under way (at once when none is)."""
        with self._changed:
            self._changed.wait_for(lambda: self._under_way == 0)


@dataclass
class Publication:
    output: Path  # the staging folder
    model: SiteModel
    report: Report
    # An incremental build: the published site/ it took pages over from, what each step
    # remembered of it, the output files taken over unchanged (relative to the site folder)
    # and the source URIs of the pages rendered anew. Its output holds only what is new and
    # is applied to site/ in place (generator/publish/atomic.py): the files of site/ that stay
    # are the unchanged pages and those the steps add to ``kept`` (the search bundles).
    previous_site: Path | None = None
    previous_states: dict[str, Any] = field(default_factory=dict)
    unchanged: frozenset[str] = frozenset()
    rendered: frozenset[str] = frozenset()
    kept: set[str] = field(default_factory=set)
    # Set once the search step has Pagefind at work (or is over): the link check waits for it,
    # so that the search step has the interpreter to itself while it stages the first pages.
    indexing: threading.Event = field(default_factory=threading.Event)
    # After that, the link check gives way to the search step staging each next shard.
    priority: PriorityWork = field(default_factory=PriorityWork)

    def previous_state(self, step: str) -> Any:
        return self.previous_states.get(step) if self.previous_site is not None else None


PublishStep = Callable[[Publication], Any]


def index_for_search(publication: Publication) -> Any:
    from generator.publish.search import SearchState, build_search_index, rebuild_search_index

    p = publication
    previous = SearchState.from_json(p.previous_state("search"))
    try:
        if previous is not None and p.previous_site is not None:
            p.indexing.set()  # a rebuild stages a few pages: nothing to wait for
            state = rebuild_search_index(
                p.output, p.model, p.report, p.previous_site, previous, set(p.rendered), p.kept
            )
        else:
            state = build_search_index(
                p.output,
                p.model,
                p.report,
                published=p.previous_site,
                started=p.indexing.set,
                priority=p.priority,
            )
    finally:
        p.indexing.set()
    return state.to_json() if state is not None else None


def check_links(publication: Publication) -> Any:
    from generator.publish.linkcheck import LinkState, available_cores, check_output_links

    p = publication
    previous = LinkState.from_json(p.previous_state("links"))
    # Search indexing runs beside it (run_publish_steps): the link check leaves Pagefind one
    # core, and yields it the others while Pagefind reads pages on all of them. On two cores
    # it reads the pages here, in this process, which also spares the memory of forked workers.
    # It starts once Pagefind does: until then, the search step stages pages in this process;
    # afterwards it pauses while the search step stages the next shard (PriorityWork).
    lower_thread_priority(LINK_CHECK_NICENESS)
    p.indexing.wait()
    workers = max(1, available_cores() - 1)
    state = check_output_links(
        p.output,
        p.model,
        p.report,
        previous,
        p.unchanged,
        workers,
        published=p.previous_site,
        pause=p.priority.wait_until_done,
    )
    return state.to_json()


# How much the link check lowers its priority. A Pagefind run reads pages on every core, then
# builds and writes its index on one; shards overlap (generator/publish/search.py), but the
# last one's second half leaves a core to whatever else there is. At an equal priority the
# link check takes half the cores from the reading and is done before that; lowered, it runs
# mostly in the time Pagefind leaves, and both steps end sooner (bench/README.md).
LINK_CHECK_NICENESS = 10


def lower_thread_priority(increment: int) -> None:
    """Lower the scheduling priority of the calling thread alone, for as long as it lives (it
    cannot be raised back without privileges: run_publish_steps gives each step a thread).
    Linux only, where each thread has its own nice value; elsewhere nothing changes."""
    if not sys.platform.startswith("linux"):
        return
    thread = threading.get_native_id()
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, thread, os.getpriority(os.PRIO_PROCESS, thread) + increment)


def publish_steps() -> list[tuple[str, PublishStep]]:
    """The steps, each with the stage its time is recorded under (see
    :class:`~generator.timings.BuildTimings`) and its state is kept under. They run at the same
    time (see run_publish_steps)."""
    return [("search", index_for_search), ("links", check_links)]


def run_publish_steps(publication: Publication, timings: BuildTimings) -> dict[str, Any]:
    """Run every step; returns the state each step keeps for the next build.

    The steps are independent — the link check does not look into the search bundles, and
    nothing links there — and search indexing is mostly Pagefind waiting in a process of its own:
    so each step runs in a thread of its own. Each step reports into a report of its own; they
    are merged in step order, so the diagnostics come in the same order every time.
    """
    steps = publish_steps()
    reports = {stage: Report() for stage, _ in steps}
    states: dict[str, Any] = {}
    failures: list[BaseException] = []

    def run(stage: str, step: PublishStep) -> None:
        try:
            with timings.stage(stage):
                states[stage] = step(replace(publication, report=reports[stage]))
        except BaseException as failure:  # re-raised in the caller's thread
            failures.append(failure)

    threads = [threading.Thread(target=run, args=step, name=step[0]) for step in steps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for stage, _ in steps:
        publication.report.extend(reports[stage])
    if failures:
        raise failures[0]
    return states
