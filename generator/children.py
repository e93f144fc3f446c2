"""Work done in forked child processes while the build goes on, on the cores it leaves idle.

A child starts from the build's state as it is at the fork, so it needs no arguments sent over.

- :class:`ChildProcesses`: chores that write files nothing reads before the publish steps (the
  feeds, open data and lookup files, generator/site/pages.py). They send nothing back and
  leave with their exit code; the build waits for the codes before it publishes.
- :class:`ForkedValue`: one value the build needs later, sent back (the page fingerprints and
  the list of published files of an incremental build, generator/build.py); :func:`in_shares`:
  one piece of work dealt out over several children (the search index, generator/publish/).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import pickle
import signal
import sys
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

from generator.capabilities import can_fork

log = logging.getLogger("mkdocs.plugins.disclosure")
T = TypeVar("T")


class ChildProcesses:
    """Each chore in a child process of its own, started at once; where processes cannot be
    forked, each chore runs here and now, one after another."""

    def __init__(self, chores: Iterable[Callable[[], None]]) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        self.pids: list[int] = []
        self.failed = False  # a chore that ran in this process failed
        if not can_fork():
            for chore in chores:
                self.failed |= not _run_chore(chore)
            return
        for chore in chores:
            pid = os.fork()
            if pid == 0:  # the child: do the chore, and leave without running anything of ours
                code = 1
                try:
                    code = 0 if _run_chore(chore) else 1
                finally:
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(code)
            self.pids.append(pid)

    def wait(self) -> bool:
        """Wait for every chore; False when one of them failed."""
        codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in self.pids]
        self.pids = []
        return not self.failed and all(code == 0 for code in codes)

    def stop(self) -> None:
        for pid in self.pids:
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
        self.pids = []


def _run_chore(chore: Callable[[], None]) -> bool:
    """Run one chore; False, with the failure logged in Chinese, when it raised."""
    try:
        chore()
    except Exception as error:
        log.error(f"后台任务出错：{type(error).__name__}: {error}")
        return False
    return True


class ForkedValue(Generic[T]):
    """A value computed in a forked child while the build goes on, sent back pickled through a
    pipe (from this process's own child: nothing else writes to it).

    :meth:`get` waits for it. Should the child fail, ``compute`` runs again in this process
    (a bug then raises here, where the build reports it); where processes cannot be forked,
    :meth:`get` computes it here."""

    def __init__(self, compute: Callable[[], T]) -> None:
        self.compute = compute
        self.pid = 0
        if not can_fork():
            self._computed_here = True
            return
        self._computed_here = False
        sys.stdout.flush()
        sys.stderr.flush()
        read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: compute, send, and leave without running anything of ours
            os.close(read_end)
            code = 1
            try:
                data = pickle.dumps(compute(), protocol=pickle.HIGHEST_PROTOCOL)
                with open(write_end, "wb") as stream:
                    stream.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        self._read_end = read_end

    def get(self) -> T:
        """The value (once: the child is gone after)."""
        if self._computed_here:
            self._computed_here = False
            return self.compute()
        if not self.pid:
            raise RuntimeError("ForkedValue.get called twice, or after stop")
        with open(self._read_end, "rb") as stream:  # until the child has written and left
            data = stream.read()
        code = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
        self.pid = 0
        return pickle.loads(data) if code == 0 and data else self.compute()

    def stop(self) -> None:
        if self.pid:
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                os.kill(self.pid, signal.SIGTERM)
                os.waitpid(self.pid, 0)
            os.close(self._read_end)
            self.pid = 0


def in_shares(share: Callable[[int], T], parts: int) -> list[T]:
    """``share(n)`` for each ``n`` below ``parts``, in order: each but the last computed in a
    forked child (:class:`ForkedValue`) while this process computes the last."""
    forked = [ForkedValue(functools.partial(share, n)) for n in range(parts - 1)]
    last = share(parts - 1)
    return [value.get() for value in forked] + [last]
