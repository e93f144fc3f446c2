"""One build of a site at a time: an exclusive lock on ``.disclosure.lock`` beside mkdocs.yml.

Two builds of one site (a cron job and a clerk, two CI jobs) would otherwise both stage and
swap `site/`, and one could delete the other's staging folder. The lock is the system's lock on
an open file (``flock`` on Linux and macOS, ``LockFileEx`` on Windows, through ``filelock``):
the system releases it when the process ends, however it ends (SIGKILL, power loss on the next
boot), so a stale lock file never blocks anyone and is never to be deleted. Where a system
cannot lock files at all, the build goes on without the lock.

The render workers (:mod:`generator.render.mkdocs_parallel`) are forked while the lock is held and
inherit the open file; a worker never unlocks it (only the parent does, after the swap), so
the lock lasts until the last process of the build has ended — a worker orphaned by a killed
parent still holds it while it writes into the old staging folder.

A second build waits for the lock up to ``DISCLOSURE_LOCK_TIMEOUT`` seconds (default 300),
then gives up with :class:`LockBusy`, whose message says who holds the lock.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
import warnings
from datetime import datetime
from pathlib import Path

with warnings.catch_warnings():  # where flock is missing it warns in English; we go without
    warnings.simplefilter("ignore")
    from filelock import lock_descriptor, unlock_descriptor

LOCK_FILE = ".disclosure.lock"
TIMEOUT_VARIABLE = "DISCLOSURE_LOCK_TIMEOUT"
DEFAULT_TIMEOUT = 300.0
_POLL_SECONDS = 0.1


class LockBusy(Exception):
    """Another build holds the lock; the message (Chinese) names it and what to do."""


class BuildLock:
    def __init__(self, site_dir: Path) -> None:
        self.path = site_dir / LOCK_FILE
        self._fd: int | None = None
        self.unsupported = False  # True where the system cannot lock files (then no lock)

    def acquire(self, timeout: float | None = None) -> None:
        """Take the lock, waiting up to ``timeout`` seconds (default: from the environment)."""
        if self._fd is not None:
            return
        limit = _timeout() if timeout is None else timeout
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
        except OSError as error:
            raise LockBusy(f"无法创建生成锁文件 {self.path}：{error.strerror}。") from None
        deadline = time.monotonic() + limit
        while True:
            try:
                if lock_descriptor(fd, blocking=False):
                    break
            except OSError as error:
                if error.errno != errno.ENOSYS:
                    os.close(fd)
                    raise LockBusy(f"无法锁定生成锁文件 {self.path}：{error.strerror}。") from None
                self.unsupported = True  # this system has no file locks: build without one
                break
            if time.monotonic() >= deadline:
                holder = _read_holder(fd)
                os.close(fd)
                raise LockBusy(
                    f"另一个生成进程（{holder}）正在生成此站点，已等待 {limit:g} 秒仍未结束，"
                    "本次未生成，原有 site/ 保持不变。请等它结束后再运行；"
                    f"需要等得更久时设置环境变量 {TIMEOUT_VARIABLE}（秒）。"
                    f"锁由操作系统在进程结束时自动释放，不要删除 {LOCK_FILE}。"
                ) from None
            time.sleep(_POLL_SECONDS)
        self._fd = fd
        stamp = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        with contextlib.suppress(OSError):  # Windows keeps a locked byte from being written
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, f"{os.getpid()} {stamp}\n".encode())

    def release(self) -> None:
        """Unlock (the parent only; a forked worker simply exits)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            if not self.unsupported:
                unlock_descriptor(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> BuildLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def _timeout() -> float:
    configured = os.environ.get(TIMEOUT_VARIABLE, "")
    try:
        return max(0.0, float(configured)) if configured else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT


def _read_holder(fd: int) -> str:
    """ "PID 1234，开始于 2026-11-20 10:00:00" from what the holder wrote, or a general phrase."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        pid, day, clock = os.read(fd, 200).decode("ascii").split()
    except (OSError, UnicodeDecodeError, ValueError):
        return "进程号未知"
    return f"PID {pid}，开始于 {day} {clock}"
