"""What this operating system offers beyond portable Python, asked in one place.

The clerk's commands run on Linux, macOS and Windows. A few speed-ups of the build need what
only some systems have (``fork``, a process's CPU affinity, ``getrusage``); each is used only
where a function here says the system has it, and the portable path beside it gives the same
output. Nothing outside this module tests for these names.
"""

from __future__ import annotations

import os
import sys


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
