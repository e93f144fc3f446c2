"""Builds survive faults (issue #6): a build killed while rendering loses nothing, and two builds
of one site at once do not corrupt it.

Real ``disclosure build`` processes on real sites: the small test site with 1,500 synthetic
政策文件 (enough for the build to fork a render worker and take many seconds), killed with
SIGKILL once its staging folder fills; and concurrent builds, which the lock on
``.disclosure.lock`` serialises (forked workers included) or refuses with a Chinese message.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import AS_OF, POLICY, front_matter
from linksite import buildable, run
from sites import set_plugin_options, tree_bytes

from generator.publish.lock import LOCK_FILE, TIMEOUT_VARIABLE, BuildLock, LockBusy

ZCWJ = "content/fdzdgknr/zcwj"


def add_items(site, count: int) -> list[Path]:
    """``count`` valid 政策文件 with their own 索引号 and 文号."""
    paths = []
    for n in range(count):
        fields = dict(
            POLICY,
            title=f"湟源县人民政府办公室关于第{n + 1}项工作的通知",
            index_no=f"015180001/2018-{10000 + n:05d}",
            doc_no=f"源政办〔2018〕{1000 + n}号",
        )
        paths.append(site.write(f"{ZCWJ}/20181214-x{n:05d}.md", front_matter(fields)))
    return paths


def start_build(site, output: int = subprocess.PIPE, **env: str) -> subprocess.Popen[str]:
    """A real build in the background; ``output`` DEVNULL when it is to be killed (a pipe
    would stay open in its orphaned render worker)."""
    command = [sys.executable, "-m", "generator.cli", "build", "--site", str(site.root)]
    return subprocess.Popen(
        [*command, "--as-of", AS_OF],
        stdout=output,
        stderr=output,
        text=True,
        encoding="utf-8",
        env=os.environ | {"PYTHONIOENCODING": "utf-8"} | env,
    )


def staging(site) -> list[Path]:
    return sorted(site.root.glob(".site-staging-*"))


def wait_for_pages(site, pages: int, process: subprocess.Popen[str], limit: float = 60) -> None:
    """Until the staging folder of ``process`` holds ``pages`` rendered pages."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        assert process.poll() is None, "the build ended before it was killed"
        folders = staging(site)
        if folders and sum(1 for _ in folders[0].rglob("index.html")) >= pages:
            return
        time.sleep(0.05)
    raise AssertionError("the build never started rendering")


def test_a_build_killed_while_rendering_leaves_site_intact_and_the_next_build_works(site):
    buildable(site)
    previous = site.root / "site"
    (previous / "fdzdgknr").mkdir(parents=True)
    (previous / "index.html").write_text("<p>上一次生成的网站</p>\n", encoding="utf-8")
    (previous / "fdzdgknr" / "index.html").write_text("<p>栏目</p>\n", encoding="utf-8")
    before = tree_bytes(previous)
    synthetic = add_items(site, 1500)

    build = start_build(site, subprocess.DEVNULL)
    wait_for_pages(site, 40, build)
    os.kill(build.pid, signal.SIGKILL)  # the parent only: its render worker is orphaned
    build.wait()
    assert tree_bytes(previous) == before
    with pytest.raises(LockBusy):  # the orphaned worker still holds the build's lock
        BuildLock(site.root).acquire(timeout=0)

    for path in synthetic:
        path.unlink()
    result = run(site, "build")  # waits for the orphaned worker's lock, then cleans up
    assert result.returncode == 0, result.stdout + result.stderr
    assert "湟源县人民政府办公室关于进一步加强政务公开工作的通知" in (
        previous / "fdzdgknr/zcwj/index.html"
    ).read_text(encoding="utf-8")
    assert not (previous / "fdzdgknr/zcwj/20181214-x00000").exists()
    assert staging(site) == [] and not (site.root / ".site-previous").exists()
    assert not list(site.root.glob(".site-scratch-*"))  # the killed build's generated files


def test_a_second_build_waits_for_the_first_or_gives_up_with_a_clear_message(site):
    buildable(site)
    set_plugin_options(site.root, "workers: 2")  # the lock must hold across forked workers
    add_items(site, 60)
    assert run(site, "build").returncode == 0
    expected = tree_bytes(site.root / "site")

    with BuildLock(site.root):  # another build holds the site
        impatient = start_build(site, **{TIMEOUT_VARIABLE: "0.5"})
        out, err = impatient.communicate(timeout=60)
        assert impatient.returncode == 2  # not the content's fault: exit 2 (issue #23)
        assert "另一个生成进程（PID" in err and "原有 site/ 保持不变" in err
        assert "Traceback" not in out + err
        patient = start_build(site)
        time.sleep(1.5)
        assert patient.poll() is None  # waiting for the lock
    out, err = patient.communicate(timeout=120)
    assert patient.returncode == 0, err
    assert tree_bytes(site.root / "site") == expected

    together = [start_build(site), start_build(site)]
    for build in together:
        out, err = build.communicate(timeout=180)
        assert build.returncode == 0 and "Traceback" not in out + err, err
    assert tree_bytes(site.root / "site") == expected
    assert staging(site) == [] and (site.root / LOCK_FILE).read_text() == ""
