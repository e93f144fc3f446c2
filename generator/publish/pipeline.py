"""What happens to a rendered site before it is published as `site/`: search index, link check.

Each step gets the :class:`Publication` — the staging folder, the site model, the report — and a
step that finds problems reports them; any error stops the publish (the previous `site/`
stays). A step returns what it wants to remember about the site it published (plain JSON
data, kept in the build manifest); an incremental build hands it back to the step together
with the pages that changed, so that the step only redoes what they affect.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from generator.capabilities import can_fork
from generator.children import ForkedValue
from generator.diagnostics import Diagnostic, Report
from generator.publish.external_links import ExternalMode
from generator.site.model import SiteModel
from generator.timings import BuildTimings


@dataclass
class Publication:
    output: Path  # the staging folder
    model: SiteModel
    report: Report
    # An incremental build: the published site/ it took pages over from, what each step
    # remembered of it, the output files taken over unchanged (relative to the site folder)
    # and the source URIs of the pages rendered anew. Its output holds only what is new and
    # is applied to site/ in place (generator/publish/atomic.py): the files of site/ that stay
    # are the unchanged pages and those the steps add to ``kept`` (the search index files).
    previous_site: Path | None = None
    previous_states: dict[str, Any] = field(default_factory=dict)
    unchanged: frozenset[str] = frozenset()
    rendered: frozenset[str] = frozenset()
    kept: set[str] = field(default_factory=set)
    external: ExternalMode = ExternalMode.OFF  # also check links to other sites (--external)

    def previous_state(self, step: str) -> Any:
        return self.previous_states.get(step) if self.previous_site is not None else None


PublishStep = Callable[[Publication], Any]


def index_for_search(publication: Publication) -> Any:
    from generator.publish.search import build_search_index

    p = publication
    return build_search_index(
        p.output,
        p.model,
        p.report,
        published=p.previous_site,
        kept=p.kept,
        previous=p.previous_state("search"),
        rendered=p.rendered,
    )


def check_links(publication: Publication) -> Any:
    from generator.publish.linkcheck import LinkState, check_output_links

    p = publication
    previous = LinkState.from_json(p.previous_state("links"))
    state = check_output_links(
        p.output,
        p.model,
        p.report,
        previous,
        p.unchanged,
        published=p.previous_site,
        external=p.external,
    )
    return state.to_json()


def run_publish_steps(publication: Publication, timings: BuildTimings) -> dict[str, Any]:
    """Run the search step and the link check; returns the state each keeps for the next build.

    The steps are independent: the link check does not look into the search index, and nothing
    links there. In a full build each step spreads its work over the cores itself (the search
    step's forked shares, the link check's workers), so they run one after the other: together
    they would take about as long, and the machine would hold both steps' processes at once
    (bench/README.md has the peaks). The link check goes first, so that its workers fork from the
    build before the search step has made it larger. In an incremental build both are Python
    work on one core: the search step runs in a forked child beside the link check. Each step
    reports into a report of its own, merged search first, so the diagnostics come in the same
    order every time.
    """
    reports = {"search": Report(), "links": Report()}
    states: dict[str, Any] = {}

    def run(stage: str, step: PublishStep) -> Any:
        with timings.stage(stage):
            return step(replace(publication, report=reports[stage]))

    def search_in_child() -> tuple[Any, list[Diagnostic], set[str]]:
        state = index_for_search(replace(publication, report=reports["search"]))
        return state, list(reports["search"]), publication.kept

    if publication.previous_site is not None and can_fork():
        timings.start("search")
        beside = ForkedValue(search_in_child)
        try:
            states["links"] = run("links", check_links)
        except BaseException:
            beside.stop()
            raise
        states["search"], diagnostics, kept = beside.get()
        timings.stop("search")
        reports["search"].extend(diagnostics)
        publication.kept |= kept
    else:
        states["links"] = run("links", check_links)
        states["search"] = run("search", index_for_search)
    for report in reports.values():
        publication.report.extend(report)
    return states
