"""What this operating system offers beyond portable Python, asked in one place.

The clerk's commands run on Linux, macOS and Windows. A few speed-ups of the build need what
only some systems have (``fork``, a process's CPU affinity, ``getrusage``, an interval timer);
each is used only where a function here says the system has it, and the portable path beside it
gives the same output. Nothing outside this module tests for these names.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


def can_fork() -> bool:
    """Whether child processes can start from this process's state (not on Windows)."""
    return hasattr(os, "fork")


def usable_cores() -> set[int]:
    """The cores this process may run on (every core where the system does not say)."""
    if hasattr(os, "sched_getaffinity"):
        return os.sched_getaffinity(0)
    return set(range(os.cpu_count() or 1))


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs, another user's included."""
    if sys.platform == "win32":
        import psutil  # Windows only: os.kill(pid, 0) would end the process there

        return psutil.pid_exists(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def peak_resident_bytes() -> tuple[int, int] | None:
    """Peak resident memory of this process and of its largest waited-for child, in bytes;
    None where the system does not keep it (Windows)."""
    try:
        import resource  # POSIX only
    except ImportError:
        return None
    unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB elsewhere
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * unit
    return own, children


class TooSlow(Exception):
    """The block ran longer than its bound."""


def can_bound() -> bool:
    """Whether :func:`time_bound` bounds anything here: POSIX, on the main thread (where
    signals are handled)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    """Raise :class:`TooSlow` inside the block once it has used ``seconds`` of CPU time.

    The profiling interval timer (``SIGPROF``) interrupts pure-Python code between two
    bytecodes, and counts only this process's CPU time: the time the machine gives to other
    work (a busy office PC) never counts, as it would on a clock. Unbounded where
    :func:`can_bound` is false."""
    if seconds <= 0 or not can_bound():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TooSlow

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
