"""`disclosure serve` previews the site and reloads after an edit (issue 3)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import yaml
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
