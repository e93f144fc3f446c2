"""Hostile input (issue #6): each is a clean diagnostic within bounded time and memory.

Every case writes one item into the small test site and runs the real ``disclosure check`` as a
child process; the test measures the child's CPU time and its peak memory (``ru_utime``,
``ru_stime`` and ``ru_maxrss`` from ``os.wait4``) and asserts both, the exit code, the
diagnostic and the absence of a traceback.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import AS_OF, POLICY, front_matter

ITEM = "content/fdzdgknr/zcwj/20181220-hostile.md"
HOSTILE = dict(POLICY, index_no="015180001/2018-00999", doc_no="源政办〔2018〕999号")  # a valid item but for what is tested
# CPU time, not wall time: a bound against quadratic work that a loaded machine does not move.
CPU_SECONDS = 30
HANG_SECONDS = 300  # wall time after which the child counts as hung
PEAK_MB = 400  # the interpreter with its imports takes about 60 MB


@dataclass
class Child:
    exit_code: int
    cpu_seconds: float
    peak_mb: float
    stdout: str
    stderr: str

    def codes(self) -> list[str]:
        return [d["code"] for d in json.loads(self.stdout or "[]")]


def check(site, folder: Path) -> Child:
    """``disclosure check --format json`` as a child; its CPU time and peak resident memory."""
    out, err = folder / "stdout", folder / "stderr"
    command = [sys.executable, "-m", "generator.cli", "check", "--site", str(site.root)]
    with out.open("wb") as stdout, err.open("wb") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(
            [*command, "--as-of", AS_OF, "--format", "json"],
            stdout=stdout,
            stderr=stderr,
            env=os.environ | {"PYTHONIOENCODING": "utf-8"},
        )
        deadline = start + HANG_SECONDS
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                os.kill(process.pid, signal.SIGKILL)
                os.wait4(process.pid, 0)
                raise AssertionError("disclosure check did not finish")
            time.sleep(0.02)
    process.returncode = os.waitstatus_to_exitcode(status)
    return Child(
        process.returncode,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        out.read_text(encoding="utf-8", errors="replace"),
        err.read_text(encoding="utf-8", errors="replace"),
    )


def alias_bomb() -> bytes:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{n}: &a{n} [{','.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    return ("---\ntitle: 炸弹\n" + "\n".join(lines) + "\n---\n\n正文。\n").encode()


def fifty_megabytes() -> bytes:
    head = front_matter(HOSTILE, "").encode()
    return head + ("政务公开工作要点。" * 2_000_000).encode()[: 50 * 1024 * 1024]


def deep_nesting() -> bytes:
    return ("---\ntitle: " + "[" * 50_000 + "]" * 50_000 + "\n---\n\n正文。\n").encode()


def deep_block_nesting() -> bytes:
    lines = "\n".join("  " * n + f"k{n}:" for n in range(400))
    return f"---\nextra:\n{lines} x\n---\n\n正文。\n".encode()


def binary_file() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 64


def nul_bytes() -> bytes:
    return front_matter(HOSTILE, "正文第一行。\n第二行\x00含有 NUL。\n").encode()


def many_personal_numbers() -> bytes:
    """Almost 5 MB of mobile numbers: the privacy scan lists 20 and counts the rest."""
    return front_matter(HOSTILE, "手机 13897012345，\n" * 200_000).encode()


def many_event_handlers() -> bytes:
    """Almost 5 MB of ``<b onclick>``: the HTML scan lists 20 and counts the rest."""
    return front_matter(HOSTILE, "<b onclick=x>通知</b>\n" * 180_000).encode()


def unfinished_tags() -> bytes:
    """Almost 5 MB of ``<a `` that never closes, on one line: the HTML readers stay linear."""
    return front_matter(HOSTILE, "<a " * 1_600_000 + "\n<script>x</script>\n").encode()


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (alias_bomb, "E-FM-ALIAS"),
        (fifty_megabytes, "E-FILE-TOO-LARGE"),
        (deep_nesting, "E-FM-TOO-COMPLEX"),
        (deep_block_nesting, "E-FM-TOO-COMPLEX"),
        (binary_file, "E-FILE-BINARY"),
        (nul_bytes, "E-FILE-BINARY"),
        (many_personal_numbers, "E-PRIVACY-MOBILE"),
        (many_event_handlers, "E-HTML-ATTR"),
        (unfinished_tags, "E-HTML-TAG"),
    ],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_hostile_input_is_a_clean_diagnostic_in_bounded_time_and_memory(
    site, tmp_path: Path, make, code: str
) -> None:
    site.write(ITEM, make())
    child = check(site, tmp_path)
    assert child.exit_code == 1, child.stderr
    assert "Traceback" not in child.stdout + child.stderr
    assert code in child.codes() and "E-INDEX-DUP" not in child.codes()
    assert child.cpu_seconds < CPU_SECONDS, f"{child.cpu_seconds:.1f} CPU s"
    assert child.peak_mb < PEAK_MB, f"{child.peak_mb:.0f} MB"
    if code in ("E-PRIVACY-MOBILE", "E-HTML-ATTR"):  # listed up to 20, then counted once
        assert child.codes().count(code) == 21
        assert "未逐一列出" in json.loads(child.stdout)[-1]["message"]
