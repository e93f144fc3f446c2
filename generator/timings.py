"""How long each stage of one `disclosure build` took, and how much memory it needed (issue #9).

The command line, the MkDocs plugin and the publish pipeline each time their own stages into
one :class:`BuildTimings`; ``disclosure build --timings FILE`` writes it as JSON, which is what
``bench/run.py`` reads. Wall-clock seconds (``time.perf_counter``); a stage that did not run
stays at 0. The stages do not cover everything: loading mkdocs.yml, MkDocs collecting the files
of content/ and the theme, and writing sitemap.xml are only in ``total``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from generator.capabilities import peak_resident_bytes

# In an incremental build search and links run at the same time (generator/publish/pipeline.py):
# each is its own wall time.
STAGES = ("validate", "model", "render", "search", "links", "commit")


@dataclass
class BuildTimings:
    validate: float = 0.0  # the site check before MkDocs starts (cli)
    model: float = 0.0  # site model, page views and generated files (plugin on_config)
    render: float = 0.0  # MkDocs renders and writes the pages, render workers included
    search: float = 0.0  # the search index (publish pipeline)
    links: float = 0.0  # the link check of the output (publish pipeline)
    commit: float = 0.0  # the swap of the staging folder into site/
    total: float = 0.0  # the whole command, from its start to the swap (no interpreter start-up)
    _started: dict[str, float] = field(default_factory=dict, repr=False)

    def start(self, stage: str) -> None:
        self._started[stage] = time.perf_counter()

    def stop(self, stage: str) -> None:
        """Record the seconds since :meth:`start` of the stage (a stage never started: nothing)."""
        started = self._started.pop(stage, None)
        if started is not None:
            setattr(self, stage, time.perf_counter() - started)

    @contextmanager
    def stage(self, stage: str) -> Iterator[None]:
        self.start(stage)
        try:
            yield
        finally:
            self.stop(stage)

    def as_dict(self) -> dict[str, Any]:
        """The JSON of ``--timings``: seconds per stage and peak memory so far, in MiB."""
        seconds = {stage: round(getattr(self, stage), 4) for stage in (*STAGES, "total")}
        return {"seconds": seconds, "peak_mb": peak_memory_mb()}


def peak_memory_mb() -> dict[str, float | None]:
    """Peak resident memory of this process (``build``) and of the largest process it has
    started and waited for (``children``: render workers, link-check workers);
    None where the system does not keep these figures."""
    peaks = peak_resident_bytes()
    if peaks is None:
        return {"build": None, "children": None}
    own, children = peaks
    return {"build": round(own / 2**20, 1), "children": round(children / 2**20, 1)}
