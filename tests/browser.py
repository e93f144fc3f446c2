"""Real-browser helpers for tests: serve a built site on localhost, drive the system Chromium.

Tests use the Debian ``chromium`` package through Playwright's Python API; Playwright's own
browser downloads are never used (``playwright install`` is not needed and not possible in CI).
A test that needs the browser calls :func:`chromium_or_skip`, which skips only when the binary is
absent, naming it; CI installs it, so there the tests run.

    with serve(site / "site") as base_url, launch_chromium() as browser:
        page = browser.new_page()
        page.goto(base_url + "search/?q=政务公开")
"""

from __future__ import annotations

import functools
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = Path(os.environ.get("DISCLOSURE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_or_skip() -> Path:
    """The Chromium binary; skips the calling test when it is not installed."""
    if not CHROMIUM.is_file():
        pytest.skip(f"需要 Chromium 浏览器（{CHROMIUM}）：apt-get install chromium")
    return CHROMIUM


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without logging every request to stderr."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(
    folder: Path, handler_class: type[SimpleHTTPRequestHandler] = QuietHandler
) -> Iterator[str]:
    """Serve ``folder`` over HTTP on a free localhost port; yields the base URL (ending in /)."""
    handler = functools.partial(handler_class, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


BROWSER_TEMP_PREFIX = "chromium-"


@contextmanager
def launch_chromium(*extra_args: str) -> Iterator[Browser]:
    """The system Chromium, headless, driven by Playwright; ``extra_args`` for its command line
    (e.g. ``--disable-blink-features=XSLT``, a browser that no longer runs XSLT)."""
    executable = chromium_or_skip()
    # Playwright's driver and Chromium keep files in the temporary folder while they run: a
    # folder of their own, which goes with them (tests/conftest.py checks that nothing else is
    # left there). The driver takes the folder from the environment it starts with.
    with tempfile.TemporaryDirectory(prefix=BROWSER_TEMP_PREFIX) as temp:
        system_temp = os.environ.get("TMPDIR")
        os.environ["TMPDIR"] = temp
        try:
            playwright = sync_playwright().start()
        finally:
            if system_temp is None:
                del os.environ["TMPDIR"]
            else:
                os.environ["TMPDIR"] = system_temp
        try:
            browser = playwright.chromium.launch(
                executable_path=str(executable),
                args=[*CHROMIUM_ARGS, *extra_args],
                env=os.environ | {"TMPDIR": temp},
            )
            try:
                yield browser
            finally:
                browser.close()
        finally:
            playwright.stop()


@contextmanager
def checked_tab(browser: Browser) -> Iterator[Page]:
    """A page in a context of its own (locale zh-CN); any JavaScript error on it fails the test."""
    context = browser.new_context(locale="zh-CN")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert errors == []
