"""A time bound on one page's Markdown conversion.

Python-Markdown is quadratic on some input that the check cannot tell from ordinary text (its
raw-HTML reading of thousands of unclosed ``<a ``).
A build must not hang on one item: each conversion runs under a bound, and an item that
overruns it stops the build with an error that names it.

The bound is the interval timer of POSIX (``SIGALRM``), which interrupts pure-Python code
between two bytecodes. Where there is none (Windows), or off the main thread where signals
cannot be handled, the conversion runs unbounded.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class TooSlow(Exception):
    """The block ran longer than its bound."""


def can_bound() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    """Raise :class:`TooSlow` inside the block once ``seconds`` have passed (see above)."""
    if seconds <= 0 or not can_bound():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TooSlow

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
