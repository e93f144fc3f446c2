"""Rendering on all cores: the build forks into worker processes that each render a share of pages.

MkDocs renders pages one after another. Pages of this site are independent (items are not in the
navigation), so after MkDocs has collected the files the plugin forks: every process — the
parent included — continues the very same build, but only converts and renders the pages of its
own share; for the other pages Markdown conversion is skipped and an empty template makes MkDocs
write nothing. The parent waits for its workers before the publish steps run. Because every
process starts from the same state, the output does not depend on the number of workers.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field

from mkdocs.structure.pages import Page

from generator.capabilities import can_fork, usable_cores

SKIP_TEMPLATE = "dp-skip.html"  # renders to nothing, so MkDocs writes no file
MIN_PAGES_PER_WORKER = 400  # below this, forking costs more than it saves


def default_workers(page_count: int) -> int:
    if not can_fork():
        return 1  # the workers are forked: where that is not possible, one process renders all
    return max(1, min(len(usable_cores()), page_count // MIN_PAGES_PER_WORKER))


@dataclass
class RenderShare:
    """Which pages this process renders: every ``count``-th page from ``index``."""

    index: int = 0
    count: int = 1
    children: list[int] = field(default_factory=list)
    mine: set[str] = field(default_factory=set)

    @property
    def is_worker(self) -> bool:
        return self.index > 0

    def owns(self, page: Page) -> bool:
        return self.count == 1 or page.file.src_uri in self.mine

    def skip(self, page: Page) -> None:
        """Make MkDocs' work on a page of another share (nearly) free."""

        def no_source(config) -> None:
            page.markdown = ""
            page.meta = {"template": SKIP_TEMPLATE}

        def no_render(config, files) -> None:
            page.content = ""
            page.toc = []  # type: ignore[assignment]

        page.read_source = no_source  # type: ignore[method-assign]
        page.render = no_render  # type: ignore[method-assign]

    def finish_worker(self, succeeded: bool) -> None:
        """A worker leaves as soon as its pages are written; the parent does the rest."""
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0 if succeeded else 1)

    def wait_for_workers(self) -> list[int]:
        """Wait for every worker; returns the exit codes of those that failed."""
        codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in self.children]
        self.children = []
        return [code for code in codes if code != 0]

    def stop_workers(self) -> None:
        for pid in self.children:
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
        self.children = []


def fork_workers(src_uris: Iterable[str], workers: int) -> RenderShare:
    """Fork ``workers - 1`` processes; each returns with its own share of the pages to render."""
    pages = sorted(src_uris)
    if workers <= 1 or not can_fork():
        return RenderShare()
    sys.stdout.flush()
    sys.stderr.flush()
    gc.freeze()  # see generator/site/pages.py: workers then do not copy pages to collect
    children = []
    for index in range(1, workers):
        pid = os.fork()
        if pid == 0:
            return RenderShare(index=index, count=workers, mine=set(pages[index::workers]))
        children.append(pid)
    return RenderShare(index=0, count=workers, children=children, mine=set(pages[0::workers]))
