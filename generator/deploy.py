"""`disclosure deploy` and `disclosure rollback`: publish a built `site/` as release folders.

A county site is served by the unit's own web server (政务云), reached over SSH. The target is
a folder there (or on this machine) laid out as

    TARGET/.disclosure-releases     marks a layout made by this command (nothing else is touched)
    TARGET/releases/<time>/         one complete site per deploy, the newest few kept
    TARGET/current -> releases/<time>   the live site: the web server's document root

A deploy copies `site/` into a hidden folder beside the releases with rsync, hard-linking every
file that the live release already has (``--link-dest``: a one-item change transfers only the
changed files), renames it to its release name, and only then points ``current`` at it with one
rename of a symbolic link. An interrupted deploy (rsync killed, connection lost) therefore never
changes what is served, and the next deploy removes what it left. ``rollback`` points
``current`` back at the release before it.

The folder operations run as one POSIX shell script (:data:`SERVER_SCRIPT`): through ``ssh`` on
the server, or with ``sh`` here for a local folder, so both are the same code.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from generator.publish.incremental import BuildManifest

RELEASES_MARKER = ".disclosure-releases"
INCOMING_PREFIX = ".incoming-"
NOT_OURS = 3  # the script's exit code: the target holds other files than our layout
NO_EARLIER = 4  # the script's exit code: no release before the live one

# $1 action, $2 the target folder, then the action's arguments. Prints what the caller reads.
SERVER_SCRIPT = r"""
set -eu
action=$1; root=$2; shift 2
releases="$root/releases"
switch() {  # point current at releases/$1 with one rename (GNU mv -T, BSD mv -h)
  ln -s "releases/$1" "$root/.current-$1"
  mv -T "$root/.current-$1" "$root/current" 2>/dev/null || mv -fh "$root/.current-$1" "$root/current"
}
live() { readlink "$root/current" 2>/dev/null | sed 's#^releases/##' || true; }
ours() {
  if [ -e "$root" ] && [ ! -f "$root/.disclosure-releases" ] && [ -n "$(ls -A "$root")" ]; then
    exit 3
  fi
}
case "$action" in
  prepare)
    ours
    mkdir -p "$releases"
    [ -f "$root/.disclosure-releases" ] || echo "disclosure deploy 1" > "$root/.disclosure-releases"
    rm -rf "$releases"/.incoming-* "$root"/.current-*
    live ;;
  activate)
    ours
    mv "$releases/.incoming-$1" "$releases/$1"
    switch "$1"
    ls -1 "$releases" | sort -r | tail -n +"$(($2 + 1))" | while read -r old; do
      [ "$old" = "$1" ] || rm -rf "${releases:?}/$old"
    done ;;
  list)
    ours
    echo "$(live)"
    ls -1 "$releases" 2>/dev/null | sort ;;
  rollback)
    ours
    current=$(live)
    previous=$(ls -1 "$releases" | sort | awk -v c="$current" '$0 == c { print p; exit } { p = $0 }')
    [ -n "$previous" ] || exit 4
    rm -rf "$root"/.current-*
    switch "$previous"
    echo "$previous" ;;
esac
"""

# What ssh and rsync say, and what it means for the clerk (checked in this order).
_FAILURES = {
    "Host key verification failed": "服务器的主机密钥不在已知主机列表中（或已改变）：请核对后把它加入 known_hosts（--known-hosts），不要关闭主机密钥校验。",
    "host key is known": "服务器的主机密钥不在已知主机列表中：请核对后把它加入 known_hosts（--known-hosts）。",
    "Permission denied (publickey": "服务器拒绝了这把 SSH 密钥：请确认公钥已加入服务器上该用户的 authorized_keys，且 --identity 指向对应的私钥。",
    "No space left on device": "服务器磁盘已满：请清理空间，或在 mkdocs.yml 的 disclosure 插件中把 deploy_keep 调小。",
    "Could not resolve hostname": "无法解析服务器地址：请核对 TARGET 中的主机名。",
    "Connection refused": "无法连接服务器：连接被拒绝，请核对地址和端口（--port），确认 SSH 服务在运行。",
    "Connection timed out": "无法连接服务器：连接超时，请检查网络和防火墙。",
    "No route to host": "无法连接服务器：网络不通，请检查网络。",
    "Permission denied": "没有写入目标文件夹的权限：请确认部署用户对该文件夹有写权限。",
}


class DeployError(Exception):
    """A deploy or rollback that did not happen; the message (Chinese) says why and what to do.
    The live site is unchanged."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Target:
    """Where releases go: a folder here, or ``user@host:/path`` over SSH."""

    path: str
    host: str | None = None  # user@host; None for a folder on this machine
    port: int | None = None
    identity: Path | None = None  # the private key
    known_hosts: Path | None = None  # the pinned host keys

    @classmethod
    def parse(
        cls,
        text: str,
        port: int | None = None,
        identity: Path | None = None,
        known_hosts: Path | None = None,
    ) -> Target:
        match = re.fullmatch(r"(?P<host>[^\s/:@]+@[^\s/:]+|[^\s/:@]{2,}):(?P<path>.*)", text)
        if match is None:
            if not text.strip():
                raise DeployError("请给出部署目标：本机文件夹，或 用户@服务器:/绝对路径。", 2)
            return cls(str(Path(text).resolve()))
        path = match["path"]
        if not path.startswith("/"):
            raise DeployError(
                f"服务器上的路径“{path}”不是绝对路径，应写为 用户@服务器:/srv/xxgk 这样的形式。", 2
            )
        return cls(path.rstrip("/") or "/", match["host"], port, identity, known_hosts)

    def __str__(self) -> str:
        return f"{self.host}:{self.path}" if self.host else self.path

    def ssh(self) -> list[str]:
        """ssh with a pinned host key and no questions (BatchMode: never waits for a password)."""
        command = ["ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes"]
        command += ["-o", "ConnectTimeout=20"]
        if self.port:
            command += ["-p", str(self.port)]
        if self.identity:
            command += ["-i", str(self.identity), "-o", "IdentitiesOnly=yes"]
        if self.known_hosts:
            command += ["-o", f"UserKnownHostsFile={self.known_hosts}"]
        return command

    def script(self, action: str, *args: str) -> list[str]:
        """Run one action of the server script; the lines it printed."""
        command = ["sh", "-c", SERVER_SCRIPT, "disclosure", action, self.path, *args]
        if self.host is not None:
            command = [*self.ssh(), self.host, shlex.join(command)]
        result = _run(command)
        if result.returncode == NOT_OURS:
            raise DeployError(
                f"目标文件夹 {self} 中已有其他文件，不是 disclosure deploy 建立的发布目录"
                f"（没有 {RELEASES_MARKER}）。为免误删服务器上的文件，本次不部署：请换一个空文件夹。",
                2,
            )
        if result.returncode == NO_EARLIER:
            raise DeployError(f"{self} 中没有比当前版本更早的版本，无法回滚。")
        if result.returncode != 0:
            raise DeployError(_explain(result.stderr, str(self)))
        return result.stdout.splitlines()


@dataclass(frozen=True)
class Releases:
    live: str  # the release name current points at ("" before the first deploy)
    names: list[str]  # oldest first


@dataclass(frozen=True)
class Deployed:
    release: str
    transferred: int  # files sent (the others were hard links to the live release)
    removed: list[str]  # releases pruned


def check_complete_build(site_dir: Path, output_dir: Path) -> None:
    """Refuse a `site/` that is not the complete output of a successful build: the build writes
    its manifest last, and a swap or apply that did not finish leaves its traces beside it."""
    beside = list(output_dir.parent.glob(f".{output_dir.name}-apply-*.json"))
    beside += list(output_dir.parent.glob(f".{output_dir.name}-previous"))
    manifest = BuildManifest.load(site_dir)
    missing = manifest is None or not output_dir.is_dir() or bool(beside)
    if not missing and manifest is not None:
        for page in manifest.pages.values():
            path = output_dir / page.output
            if not path.is_file() or path.stat().st_size != page.size:
                missing = True
                break
    if missing:
        raise DeployError(
            f"{output_dir} 不是一次成功生成的完整结果（生成未完成、失败，或之后被改动过）。"
            "请先运行 disclosure build，成功后再部署。",
            1,
        )


def deploy(site_dir: Path, output_dir: Path, target: Target, keep: int) -> Deployed:
    check_complete_build(site_dir, output_dir)
    if keep < 1:
        raise DeployError("deploy_keep 至少为 1。", 2)
    release = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    lines = target.script("prepare")
    live = lines[-1] if lines else ""
    command = ["rsync", "-a", "--delete", "--checksum", "--stats"]
    if live:
        command.append(f"--link-dest=../{live}")
    if target.host:
        command += ["-e", shlex.join(target.ssh())]
    incoming = f"{target.path}/releases/{INCOMING_PREFIX}{release}/"
    command += [f"{output_dir}/", f"{target.host}:{incoming}" if target.host else incoming]
    result = _run(command)
    if result.returncode != 0:
        raise DeployError(_explain(result.stderr, str(target)))
    found = re.search(r"Number of regular files transferred: ([\d,]+)", result.stdout)
    transferred = int(found[1].replace(",", "")) if found else 0
    before = set(list_releases(target).names)
    target.script("activate", release, str(keep))
    after = set(list_releases(target).names)
    return Deployed(release, transferred, sorted(before - after))


def list_releases(target: Target) -> Releases:
    lines = target.script("list")
    return Releases(lines[0] if lines else "", [name for name in lines[1:] if name])


def rollback(target: Target) -> str:
    """Point current at the release before it; the name now live."""
    return target.script("rollback")[-1]


def nginx_snippet(target: Target, url_path: str) -> str:
    """A location block that serves the live release at ``url_path`` (from site_url)."""
    prefix = "/" + url_path.strip("/") + "/" if url_path.strip("/") else "/"
    return (
        f"# disclosure deploy 发布到 {target.path}：网站根目录是 {target.path}/current\n"
        f"location {prefix} {{\n"
        f"    alias {target.path}/current/;\n"
        "    index index.html;\n"
        f"    error_page 404 {prefix}404.html;\n"
        "    location ~ /\\. { deny all; }  # .disclosure-releases 等隐藏文件不对外\n"
        "}\n"
    )


def _run(command: Sequence[str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            list(command), capture_output=True, text=True, encoding="utf-8", errors="replace"
        )
    except FileNotFoundError:
        raise DeployError(
            f"找不到命令 {command[0]}：部署需要 rsync 和 ssh（Debian/Ubuntu：apt-get install rsync "
            "openssh-client）。",
            2,
        ) from None


def _explain(stderr: str, target: str) -> str:
    for sign, meaning in _FAILURES.items():
        if sign in stderr:
            return f"部署到 {target} 失败：{meaning}线上网站保持不变。"
    last = next((line for line in reversed(stderr.splitlines()) if line.strip()), "未知错误")
    return f"部署到 {target} 失败：{last.strip()}。线上网站保持不变。"
