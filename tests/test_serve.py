"""`disclosure serve` previews the site and reloads after an edit (issue 3)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from browser import launch_chromium
from sites import REFERENCE_AS_OF, copy_reference_site


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fetch(url: str, deadline: float) -> str:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_serve_shows_the_site_and_picks_up_an_edit(tmp_path: Path) -> None:
    site = copy_reference_site(tmp_path / "site")
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator.cli",
            "serve",
            "--site",
            str(site),
            "--as-of",
            REFERENCE_AS_OF,
            "-a",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # `mkdocs serve` mounts the site under the path of site_url (here /xxgk/).
        mount = urlsplit(
            yaml.safe_load((site / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]
        ).path
        url = f"http://127.0.0.1:{port}{mount}fdzdgknr/zcwj/20181214-jiaqiang-zhengwu-gongkai/"
        page = _fetch(url, time.monotonic() + 60)
        assert "湟源县人民政府办公室关于进一步加强政务公开工作的通知" in page
        assert "livereload" in page
        item = site / "content" / "fdzdgknr" / "zcwj" / "20181214-jiaqiang-zhengwu-gongkai.md"
        item.write_text(
            item.read_text(encoding="utf-8") + "\n预览更新标记七七七。\n", encoding="utf-8"
        )
        deadline = time.monotonic() + 60
        while "预览更新标记七七七" not in _fetch(url, deadline):
            assert time.monotonic() < deadline, "the edit did not show up in the preview"
            time.sleep(0.5)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "Traceback" not in output
    assert not (site / "site").exists()


ITEM = "content/fdzdgknr/zcwj/20181214-jiaqiang-zhengwu-gongkai.md"
TITLE = "湟源县人民政府办公室关于进一步加强政务公开工作的通知"


def test_serve_shows_the_problems_until_they_are_fixed(tmp_path: Path) -> None:
    """Started on a site with an error, the preview lists it; fixed, the browser shows the page;
    broken again, the list comes back: each without touching the browser. The wait is a guard
    against a hang, not a speed test: a loaded machine rebuilds the site slowly."""
    site = copy_reference_site(tmp_path / "site")
    item = site / ITEM
    good = item.read_text(encoding="utf-8")
    broken = good.replace("title: ", "标题：", 1)
    item.write_text(broken, encoding="utf-8")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--site", str(site),
         "--as-of", REFERENCE_AS_OF, "-a", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/xxgk/fdzdgknr/zcwj/20181214-jiaqiang-zhengwu-gongkai/"
    try:
        _fetch_any(url, time.monotonic() + 60)  # the server is up
        with launch_chromium() as browser:
            tab = browser.new_page()
            tab.goto(url)
            assert "E-FM-FULLWIDTH-COLON" in tab.content()
            assert f"{ITEM}:2" in tab.inner_text("body")
            item.write_text(good, encoding="utf-8")
            tab.wait_for_function(f"document.title.includes({TITLE!r})", timeout=60_000)
            item.write_text(broken, encoding="utf-8")
            tab.wait_for_function("document.body.innerText.includes('E-FM-FULLWIDTH-COLON')", timeout=60_000)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "Traceback" not in output
    assert "E-FM-FULLWIDTH-COLON" in output and "预览已更新" in output
    assert "INFO" not in output and "WARNING" not in output  # MkDocs' English stays out


def _fetch_any(url: str, deadline: float) -> None:
    """Wait until the server answers at all (the problem page answers 503)."""
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
