"""External links (issue #4): off by default, checked with --external against a local HTTP server
on 127.0.0.1 (never the internet), cached with timestamps, warnings unless --external-strict."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from conftest import AS_OF, POLICY, front_matter
from linksite import MKDOCS_YML, buildable, diagnostics, line_of, run

POLICY_SRC = "content/fdzdgknr/zcwj/20181214-jiaqiang-zhengwu-gongkai.md"


class Handler(BaseHTTPRequestHandler):
    requests: ClassVar[list[tuple[str, str]]] = []

    def do_HEAD(self) -> None:
        self.answer(body=False)

    def do_GET(self) -> None:
        self.answer(body=True)

    def answer(self, body: bool) -> None:
        Handler.requests.append((self.command, self.path))
        if self.path == "/gone":
            status = 404
        elif self.path == "/get-only" and not body:
            status = 405
        else:
            status = 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Handler.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def linked(site, server):
    """The site's 政策文件 links to four addresses of the local server and to a closed port."""
    refused = f"http://127.0.0.1:{closed_port()}/x"
    body = (
        f"参见[有效]({server}/ok)、[已删除]({server}/gone)。\n\n"
        f"[只允许 GET]({server}/get-only)，[服务器已关闭]({refused})。\n"
    )
    site.write(POLICY_SRC, front_matter(POLICY, body))
    return site, server, refused


def external(found: list[dict]) -> list[dict]:
    return [d for d in found if d["code"] == "W-LINK-EXTERNAL"]


def test_off_by_default(linked):
    site, _, _ = linked
    result = site.cli("check", "--format", "json")
    assert result.returncode == 0 and json.loads(result.stdout) == []
    assert Handler.requests == []


def test_unreachable_links_are_warnings_at_their_line(linked):
    site, server, refused = linked
    result = site.cli("check", "--external", "--format", "json")
    assert result.returncode == 0, result.stdout
    found = external(json.loads(result.stdout))
    path = site.root / POLICY_SRC
    assert [(d["line"], d["column"], d["severity"]) for d in found] == [
        (*line_of(path, f"{server}/gone"), "warning"),
        (*line_of(path, refused), "warning"),
    ]
    assert "服务器返回 HTTP 404" in found[0]["message"]
    assert "无法连接（连接被拒绝）" in found[1]["message"]
    assert ("GET", "/get-only") in Handler.requests  # HEAD refused: asked again with GET


def test_strict_makes_them_errors(linked):
    site, _, _ = linked
    result = site.cli("check", "--external-strict", "--format", "json")
    assert result.returncode == 1
    assert {d["severity"] for d in external(json.loads(result.stdout))} == {"error"}


def test_answers_are_cached_with_their_time(linked):
    site, server, refused = linked
    site.cli("check", "--external")
    cache = json.loads((site.root / ".disclosure-cache/external-links.json").read_text("utf-8"))
    entries = cache["links"]
    assert entries[f"{server}/ok"]["ok"] is True and entries[f"{server}/gone"]["status"] == 404
    assert entries[refused]["status"] is None
    assert datetime.fromisoformat(entries[f"{server}/ok"]["checked"]).tzinfo is not None
    Handler.requests = []
    again = site.cli("check", "--external", "--format", "json")
    assert len(external(json.loads(again.stdout))) == 2  # failures are asked again …
    assert ("HEAD", "/gone") in Handler.requests
    assert ("HEAD", "/ok") not in Handler.requests  # … a fresh success is not


def test_build_checks_external_links_of_the_output(linked):
    site, server, refused = linked
    buildable(site)
    site.write(
        "theme/partials/gov-footer.html",
        f'<footer class="md-footer"><a href="{server}/gone#footer">旧网址</a></footer>\n',
    )
    result = run(site, "build", "--external", "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr  # warnings do not block
    found = external(diagnostics(result))
    in_markdown = [d for d in found if d["file"] == POLICY_SRC]
    from_template = [d for d in found if d["file"].startswith("site/")]
    path = site.root / POLICY_SRC
    assert [(d["line"], d["column"]) for d in in_markdown] == [
        line_of(path, f"{server}/gone"),
        line_of(path, refused),
    ]
    assert len(from_template) == 1 and f"“{server}/gone”" in from_template[0]["message"]
    assert "来自模板" in from_template[0]["message"]
    assert (site.root / "site/index.html").is_file()


def mkdocs_build(site) -> subprocess.CompletedProcess[str]:
    """A plain `mkdocs build` of the site, with no DISCLOSURE_* variable in its environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCLOSURE_")}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(site.root / "mkdocs.yml")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env | {"NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )


def test_mkdocs_build_checks_external_links_when_mkdocs_yml_says_so(linked):
    """A plain `mkdocs build` takes the date and the external-link mode from the plugin's options
    in mkdocs.yml: off by default, and `external_links: strict` stops it at a dead address."""
    site, server, refused = linked
    buildable(site)
    options = f'      as_of: "{AS_OF}"\n'
    site.write("mkdocs.yml", MKDOCS_YML.replace("  - disclosure:\n", "  - disclosure:\n" + options))
    result = mkdocs_build(site)
    assert result.returncode == 0, result.stderr
    assert f"{server}/gone" not in result.stderr  # off: nothing asked
    shutil.rmtree(site.root / "site")
    options += "      external_links: strict\n"
    site.write("mkdocs.yml", MKDOCS_YML.replace("  - disclosure:\n", "  - disclosure:\n" + options))
    result = mkdocs_build(site)
    assert result.returncode != 0
    assert f"{server}/gone" in result.stderr and refused in result.stderr
    assert "发布前检查未通过，未更新网站" in result.stderr
    assert not (site.root / "site").exists()
