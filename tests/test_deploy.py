"""`disclosure deploy` and `rollback` with the real parts: OpenSSH's sshd, rsync and nginx on
this machine's loopback (tests/servers.py), and the reference site built for real."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from servers import SshServer, WebServer, nginx, ssh_server
from sites import build, built_reference_site, copy_reference_site, run_cli, set_plugin_options

ITEM = "content/fdzdgknr/jdjc/20260720-gonggong-changsuo-choujian.md"
ITEM_URL = "/xxgk/fdzdgknr/jdjc/20260720-gonggong-changsuo-choujian/"


def deploy(site: Path, target: str, *options: str) -> subprocess.CompletedProcess[str]:
    return run_cli("deploy", "--site", str(site), *options, target)


def live_release(target: Path) -> str:
    return os.readlink(target / "current").removeprefix("releases/")


def changed_files(target: Path) -> int:
    """Files of the live release that are new or differ from the release before."""
    live, before = sorted(p for p in (target / "releases").iterdir())[-2:][::-1]
    changed = 0
    for path in live.rglob("*"):
        if path.is_file():
            old = before / path.relative_to(live)
            changed += not (old.is_file() and old.read_bytes() == path.read_bytes())
    return changed


def served_by_nginx(target: Path) -> str:
    """The location block that `disclosure deploy --print-nginx` prints, for this target."""
    return f"""
    location /xxgk/ {{
        alias {target}/current/;
        index index.html;
        error_page 404 /xxgk/404.html;
        location ~ /\\. {{ deny all; }}
    }}"""


def withdraw(site: Path) -> None:
    item = site / ITEM
    text = item.read_text(encoding="utf-8")
    item.write_text(text.replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8")


def test_deploy_over_ssh_serves_withdraws_and_rolls_back(tmp_path: Path) -> None:
    site = built_reference_site(tmp_path / "site")
    target = tmp_path / "server" / "xxgk"
    with ssh_server(tmp_path / "sshd") as sshd, nginx(tmp_path / "nginx", served_by_nginx(target)) as web:
        first = deploy(site, sshd.target(target), *sshd.options())
        assert first.returncode == 0, first.stderr
        assert "已发布版本" in first.stdout
        for path in ("/xxgk/", "/xxgk/fdzdgknr/zcwj/", ITEM_URL):
            status, page = web.get(path)
            assert status == 200, path
        status, page = web.get("/xxgk/fdzdgknr/zcwj/no-such-item/")
        assert status == 404 and "湟源县人民政府信息公开" in page
        assert web.get("/xxgk/.disclosure-releases")[0] == 403

        withdraw(site)
        assert build(site).returncode == 0
        second = deploy(site, sshd.target(target), *sshd.options())
        assert second.returncode == 0, second.stderr
        assert web.get(ITEM_URL)[0] == 404
        transferred = int(second.stdout.split("传输 ")[1].split(" ")[0])
        assert transferred == changed_files(target)  # only what changed crossed the network
        assert 0 < transferred < int(first.stdout.split("传输 ")[1].split(" ")[0])

        listed = deploy(site, sshd.target(target), "--list", *sshd.options())
        assert listed.stdout.splitlines()[-1].endswith("← 当前上线")
        back = run_cli("rollback", *sshd.options(), sshd.target(target))
        assert back.returncode == 0, back.stderr
        assert live_release(target) in back.stdout
        assert web.get(ITEM_URL)[0] == 200

        _killed_deploys_leave_the_live_site(site, target, sshd, web)


def _killed_deploys_leave_the_live_site(
    site: Path, target: Path, sshd: SshServer, web: WebServer
) -> None:
    """Kill a deploy at several moments: the live release and what nginx serves never change;
    the next deploy succeeds and leaves nothing of the killed ones behind."""
    live = live_release(target)
    home = web.get("/xxgk/")
    for delay in (0.05, 0.15, 0.3, 0.5, 0.8):
        process = subprocess.Popen(
            [sys.executable, "-m", "generator.cli", "deploy", "--site", str(site),
             *sshd.options(), sshd.target(target)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        time.sleep(delay)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        if process.returncode == 0:  # it finished first: that release is live, as it should be
            live = live_release(target)
            home = web.get("/xxgk/")
        assert live_release(target) == live
        assert web.get("/xxgk/") == home
    after = deploy(site, sshd.target(target), *sshd.options())
    assert after.returncode == 0, after.stderr
    assert not [p for p in (target / "releases").iterdir() if p.name.startswith(".")]
    assert web.get("/xxgk/")[0] == 200


def test_deploy_keeps_the_configured_number_of_releases(tmp_path: Path) -> None:
    site = copy_reference_site(tmp_path / "site")
    set_plugin_options(site, "deploy_keep: 2")
    assert build(site).returncode == 0
    target = tmp_path / "releases"
    for _ in range(3):
        assert deploy(site, str(target)).returncode == 0
    releases = sorted(p.name for p in (target / "releases").iterdir())
    assert len(releases) == 2 and live_release(target) == releases[-1]


def test_deploy_refuses_an_incomplete_site_and_a_foreign_folder(tmp_path: Path) -> None:
    site = copy_reference_site(tmp_path / "site")
    unbuilt = deploy(site, str(tmp_path / "target"))
    assert unbuilt.returncode == 1 and "disclosure build" in unbuilt.stderr
    assert not (tmp_path / "target").exists()

    assert build(site).returncode == 0
    (site / "site" / "index.html").write_text("改坏了", encoding="utf-8")
    (site / "site" / "fdzdgknr" / "index.html").unlink()
    changed = deploy(site, str(tmp_path / "target"))
    assert changed.returncode == 1 and "不是一次成功生成的完整结果" in changed.stderr

    assert build(site).returncode == 0
    foreign = tmp_path / "www"
    foreign.mkdir()
    (foreign / "index.html").write_text("另一个网站", encoding="utf-8")
    refused = deploy(site, str(foreign))
    assert refused.returncode == 2 and "不是 disclosure deploy 建立的发布目录" in refused.stderr
    assert sorted(p.name for p in foreign.iterdir()) == ["index.html"]
    assert run_cli("rollback", str(foreign)).returncode == 2


def test_ssh_problems_get_chinese_messages(tmp_path: Path) -> None:
    site = built_reference_site(tmp_path / "site")
    target = tmp_path / "server"
    with ssh_server(tmp_path / "sshd") as sshd:
        unknown = tmp_path / "empty_known_hosts"
        unknown.write_text("")
        options = ["--port", str(sshd.port), "--identity", str(sshd.identity)]
        cases = [
            ([*options, "--known-hosts", str(unknown)], "主机密钥"),
            (["--port", str(sshd.port), "--identity", str(sshd.host_key),
              "--known-hosts", str(sshd.known_hosts)], "拒绝了这把 SSH 密钥"),
            (["--port", str(sshd.port + 1 if sshd.port < 65535 else 1), "--identity",
              str(sshd.identity), "--known-hosts", str(sshd.known_hosts)], "无法连接服务器"),
        ]  # fmt: skip
        for arguments, meaning in cases:
            result = deploy(site, sshd.target(target), *arguments)
            assert result.returncode == 1, result.stderr
            assert meaning in result.stderr and "线上网站保持不变" in result.stderr
            assert "Traceback" not in result.stderr
    assert not target.exists()


@pytest.mark.parametrize("target", ["server:relative/path", " "])
def test_a_wrong_target_is_a_usage_error(tmp_path: Path, target: str) -> None:
    result = run_cli("rollback", target)
    assert result.returncode == 2 and result.stderr.strip()


def test_a_full_disk_is_named_and_leaves_the_live_site(tmp_path: Path) -> None:
    """A target on a 2 MB memory file system (mounted here as root): the site does not fit."""
    site = built_reference_site(tmp_path / "site")
    small = tmp_path / "small"
    small.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(small)])
    assert mounted.returncode == 0, "this test mounts a tmpfs: run it as root"
    try:
        result = deploy(site, str(small / "xxgk"))
        assert result.returncode == 1
        assert "磁盘已满" in result.stderr and "线上网站保持不变" in result.stderr
        assert not (small / "xxgk" / "current").exists()
    finally:
        subprocess.run(["umount", str(small)], check=True)
