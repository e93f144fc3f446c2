"""Atomic publish: render into a staging folder beside `site/`, replace `site/` only on success.

A failed or killed build leaves the previous `site/` as it was. The swap is two renames on the
same filesystem; if a build dies between them, the next build restores the previous output from
the `.site-previous` folder before it starts.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from generator.publish.lock import BuildLock


class AtomicOutput:
    def __init__(self, target: Path, lock: BuildLock | None = None) -> None:
        """With ``lock``, wait for it first (LockBusy when another build keeps it too long);
        it is released once the output is committed or abandoned."""
        self.lock = lock
        if lock is not None:
            lock.acquire()
        try:
            self.target = target.resolve()
            parent = self.target.parent
            self.previous = parent / f".{self.target.name}-previous"
            self._recover()
            self.staging = parent / f".{self.target.name}-staging-{os.getpid()}"
            if self.staging.exists():
                shutil.rmtree(self.staging)
            self.staging.mkdir(parents=True)
        except BaseException:
            self._release()
            raise

    def _recover(self) -> None:
        """Undo a swap that was interrupted after `site/` was moved aside."""
        if self.previous.exists():
            if not self.target.exists():
                self.previous.rename(self.target)
            else:
                shutil.rmtree(self.previous)
        for stale in self.target.parent.glob(f".{self.target.name}-staging-*"):
            pid = stale.name.rsplit("-", 1)[-1]
            if pid.isdigit() and not _process_alive(int(pid)):
                shutil.rmtree(stale, ignore_errors=True)

    def commit(self) -> None:
        try:
            if self.target.exists():
                self.target.rename(self.previous)
            self.staging.rename(self.target)
            if self.previous.exists():
                shutil.rmtree(self.previous)
        finally:
            self._release()

    def abandon(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        self._release()

    def _release(self) -> None:
        if self.lock is not None:
            self.lock.release()


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
