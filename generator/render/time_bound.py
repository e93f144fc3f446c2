"""A time bound on one page's Markdown conversion.

Python-Markdown is quadratic on some input that the check cannot tell from ordinary text (its
raw-HTML reading of thousands of unclosed ``<a ``).
A build must not hang on one item: each conversion runs under a bound, and an item that
overruns it stops the build with an error that names it.

The bound is the process's CPU time, by the profiling interval timer of POSIX (``SIGPROF``),
which interrupts pure-Python code between two bytecodes: the time the machine gives to other
work (a busy office PC, a build of other sites) never counts, as it would on a clock. Where there
is none (Windows), or off the main thread where signals cannot be handled, the conversion runs
unbounded.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import NoReturn

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from generator.content.collection import CONTENT_DIR


class TooSlow(Exception):
    """The block ran longer than its bound."""


def can_bound() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    """Raise :class:`TooSlow` inside the block once it has used ``seconds`` of CPU time."""
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


def bound_conversion(
    page: Page, seconds: float, failed: Callable[[str, str, str], NoReturn]
) -> None:
    """The page's conversion under the time bound: too slow, or nested too deep for the
    recursion limit (what the check's bound missed), it is ``failed`` with a code, the file
    and the message."""
    render = page.render
    source = f"{CONTENT_DIR}/{page.file.src_uri}"

    def bounded(config: MkDocsConfig, files: Files) -> None:
        try:
            with time_bound(seconds):
                render(config, files)
        except TooSlow:
            failed(
                "E-MARKDOWN-SLOW",
                source,
                f"正文转换为网页超过 {seconds:g} 秒仍未完成，已停止生成。多为大量未闭合的 HTML 标签"
                "（如成串的“<a ”）或异常长的行，请删改后重新生成。",
            )
        except RecursionError:
            failed(
                "E-MARKDOWN-NESTING",
                source,
                "正文嵌套过深，转换为网页时超出了递归深度；请删去多余的列表、引用或强调符号。",
            )

    page.render = bounded  # type: ignore[method-assign]
