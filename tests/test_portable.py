"""The clerk's commands on a system without POSIX-only parts of Python (Windows, macOS).

Each command runs twice on identical copies of a site: as here, and in a Python whose
``fcntl``, ``resource``, ``os.fork``, CPU affinity and ``SIGSTOP`` are gone (tests/platforms.py).
Diagnostics, exit codes, written files and the built site (search index files aside) must be
the same.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from platforms import without_posix
from sites import REFERENCE_AS_OF, build, copy_reference_site, run_cli, tree_bytes
from word_files import red_header_notice

FIXTURES = Path(__file__).parent / "fixtures" / "check"
COLUMN = "content/fdzdgknr/zcwj"
ITEM = f"{COLUMN}/20181214-jiaqiang-zhengwu-gongkai.md"


@pytest.fixture(scope="module")
def no_posix(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return without_posix(tmp_path_factory.mktemp("no-posix"))


def twin_sites(tmp_path: Path) -> tuple[Path, Path]:
    return copy_reference_site(tmp_path / "here"), copy_reference_site(tmp_path / "there")


def add_problems(site: Path) -> None:
    """Clerks' files with problems: Notepad encodings, a Word file renamed, nesting, a link
    written with a backslash, a full-width colon."""
    for fixture in FIXTURES.glob("*.md"):
        shutil.copy(fixture, site / COLUMN / f"zz-{fixture.name}")
    item = site / ITEM
    text = item.read_text(encoding="utf-8")
    text = text.replace("title: ", "标题：", 1) + "\n见[附件](20181214-jiaqiang-zhengwu-gongkai-附件1.csv)。\n"
    (site / COLUMN / "zz-deep.md").write_text(
        "---\ntitle: 嵌套\nsummary: " + "[" * 5000 + "\n---\n", encoding="utf-8"
    )
    (site / COLUMN / "zz-backslash.md").write_text(
        text.replace("标题：", "title: ").replace("](2018", "](..\\zcwj\\2018"), encoding="utf-8"
    )
    item.write_text(text, encoding="utf-8")


def test_build_writes_the_same_site_without_posix(tmp_path: Path, no_posix: dict) -> None:
    here, there = twin_sites(tmp_path)
    expected, portable = build(here), build(there, env=no_posix)
    assert (expected.returncode, portable.returncode) == (0, 0), portable.stderr
    assert portable.stdout.replace(str(there), "") == expected.stdout.replace(str(here), "")
    assert tree_bytes(there / "site") == tree_bytes(here / "site")


@pytest.mark.parametrize("scope", ["site", "one-file"])
def test_check_reports_the_same_without_posix(tmp_path: Path, no_posix: dict, scope: str) -> None:
    here, there = twin_sites(tmp_path)
    results = []
    for site, env in ((here, None), (there, no_posix)):
        add_problems(site)
        files = [str(site / ITEM)] if scope == "one-file" else []
        result = run_cli(
            "check", "--site", str(site), "--as-of", REFERENCE_AS_OF, "--format", "json", *files,
            env=env,
        )  # fmt: skip
        assert "Traceback" not in result.stderr
        results.append((result.returncode, json.loads(result.stdout)))
    assert results[1] == results[0]
    code, diagnostics = results[0]
    assert code == 1
    found = {(d["file"].rsplit("/", 1)[-1], d["code"]) for d in diagnostics}
    assert ("20181214-jiaqiang-zhengwu-gongkai.md", "E-FM-FULLWIDTH-COLON") in found
    if scope == "site":
        assert ("zz-gbk.md", "E-ENCODING-GBK") in found
        assert ("zz-deep.md", "E-FM-TOO-COMPLEX") in found
        assert ("zz-backslash.md", "E-LINK-MISSING") in found


def test_new_import_fix_and_guide_work_the_same_without_posix(
    tmp_path: Path, no_posix: dict
) -> None:
    here, there = twin_sites(tmp_path)
    notice = red_header_notice(tmp_path / "源政办〔2018〕51号.docx", tmp_path)
    outputs = []
    for site, env in ((here, None), (there, no_posix)):
        add_problems(site)
        created = run_cli(
            "new", "--site", str(site), "--as-of", REFERENCE_AS_OF, "--column", "zcwj",
            "--publisher", "县政府办", "--title", "关于做好冬季供暖工作的通知",
            "--doc-no", "源政办〔2026〕88号", env=env,
        )  # fmt: skip
        imported = run_cli(
            "import", "--site", str(site), "--as-of", REFERENCE_AS_OF, "--column", "zcwj",
            str(notice), env=env,
        )  # fmt: skip
        fixed = run_cli("fix", str(site / COLUMN), env=env)
        guide = run_cli("guide", env=env)
        for result in (created, imported, fixed, guide):
            assert result.returncode == 0, result.stderr
            assert "Traceback" not in result.stderr
        outputs.append(
            (
                created.stdout.replace(str(site), ""),
                imported.stdout.replace(str(site), ""),
                fixed.stdout.replace(str(site), ""),
                guide.stdout,
                tree_bytes(site / "content"),
            )
        )
    assert outputs[1] == outputs[0]


def test_fix_rewrites_a_backslash_link(tmp_path: Path) -> None:
    site = copy_reference_site(tmp_path / "site")
    add_problems(site)
    backslash = site / COLUMN / "zz-backslash.md"
    result = run_cli("check", "--site", str(site), "--as-of", REFERENCE_AS_OF, str(backslash))
    message = next(line for line in result.stdout.splitlines() if "E-LINK-MISSING" in line)
    assert "应写为 20181214-jiaqiang-zhengwu-gongkai-附件1.csv" in message
    assert "disclosure fix" in message
    fixed = run_cli("fix", str(backslash))
    assert fixed.returncode == 0, fixed.stderr
    assert "“..\\zcwj\\20181214-jiaqiang-zhengwu-gongkai-附件1.csv” → “../zcwj/" in fixed.stdout
    assert "](../zcwj/20181214-jiaqiang-zhengwu-gongkai-附件1.csv)" in backslash.read_text(
        encoding="utf-8"
    )
    result = run_cli("check", "--site", str(site), "--as-of", REFERENCE_AS_OF, str(backslash))
    assert "E-LINK-MISSING" not in result.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_previews_without_posix(tmp_path: Path, no_posix: dict) -> None:
    site = copy_reference_site(tmp_path / "site")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--site", str(site),
         "--as-of", REFERENCE_AS_OF, "-a", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
        env=no_posix,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/xxgk/fdzdgknr/zcwj/20181214-jiaqiang-zhengwu-gongkai/"
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    page = response.read().decode("utf-8")
                break
            except OSError:
                assert server.poll() is None, "serve quit"
                assert time.monotonic() < deadline, "serve did not answer"
                time.sleep(0.3)
        assert "湟源县人民政府办公室关于进一步加强政务公开工作的通知" in page
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "Traceback" not in output
