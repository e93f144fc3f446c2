"""A time bound on one page's Markdown conversion.

Python-Markdown is quadratic on some input that the check cannot tell from ordinary text (its
raw-HTML reading of thousands of unclosed ``<a ``).
A build must not hang on one item: each conversion runs under a bound, and an item that
overruns it stops the build with an error that names it.

The bound is CPU time (:func:`generator.capabilities.time_bound`); where the system has no
interval timer (Windows), the conversion runs unbounded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from generator.capabilities import TooSlow, time_bound
from generator.content.collection import CONTENT_DIR


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
