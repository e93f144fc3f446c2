"""Chores done in forked child processes while the build goes on.

A chore here writes files that nothing reads before the publish steps: the feeds, open data
and lookup files (generator/render/views.py). A child starts from the build's state as it is at
the fork, so it needs no arguments sent over and sends nothing back: it writes its files and
leaves with its exit code, and the build waits for the codes before it publishes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterable

log = logging.getLogger("mkdocs.plugins.disclosure")


class ChildProcesses:
    """Each chore in a child process of its own, started at once."""

    def __init__(self, chores: Iterable[Callable[[], None]]) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        self.pids: list[int] = []
        for chore in chores:
            pid = os.fork()
            if pid == 0:  # the child: do the chore, and leave without running anything of ours
                code = 1
                try:
                    chore()
                    code = 0
                except BaseException as error:  # the parent reports the failure in Chinese
                    log.error(f"后台任务出错：{type(error).__name__}: {error}")
                finally:
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(code)
            self.pids.append(pid)

    def wait(self) -> bool:
        """Wait for every chore; False when one of them failed."""
        codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in self.pids]
        self.pids = []
        return all(code == 0 for code in codes)

    def stop(self) -> None:
        for pid in self.pids:
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
        self.pids = []
