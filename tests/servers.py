"""Real servers on this machine's loopback for deploy tests: Debian's OpenSSH server and nginx.

Each runs in the foreground as a child of the test, with its keys, configuration, logs and
process-id file in the test's own folder, on a free port; leaving the ``with`` block stops it.
"""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

SSHD = Path("/usr/sbin/sshd")
NGINX = Path("/usr/sbin/nginx")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require(*programs: Path | str) -> None:
    for program in programs:
        if not (Path(program).is_file() or shutil.which(str(program))):
            pytest.skip(f"需要 {program}：apt-get install openssh-server openssh-client rsync nginx")


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log.read_text(errors="replace") if log.exists() else "") from None
            time.sleep(0.05)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def keygen(path: Path) -> Path:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "disclosure-test", "-f", str(path)],
        check=True,
    )
    return path


@dataclass(frozen=True)
class SshServer:
    port: int
    user: str
    identity: Path  # the client's private key, accepted by the server
    known_hosts: Path  # the server's host key, pinned
    host_key: Path

    def target(self, path: Path) -> str:
        return f"{self.user}@127.0.0.1:{path}"

    def options(self) -> list[str]:
        return [
            "--port", str(self.port), "--identity", str(self.identity),
            "--known-hosts", str(self.known_hosts),
        ]  # fmt: skip


@contextmanager
def ssh_server(folder: Path) -> Iterator[SshServer]:
    """sshd on a free loopback port that lets this user in with a key made here."""
    require(SSHD, "ssh", "ssh-keygen", "rsync")
    folder.mkdir(parents=True, exist_ok=True)
    host_key = keygen(folder / "host_ed25519")
    identity = keygen(folder / "client_ed25519")
    (folder / "authorized_keys").write_text(
        Path(f"{identity}.pub").read_text(encoding="ascii"), encoding="ascii"
    )
    port = free_port()
    public_host_key = Path(f"{host_key}.pub").read_text(encoding="ascii").split()
    known_hosts = folder / "known_hosts"
    known_hosts.write_text(f"[127.0.0.1]:{port} {public_host_key[0]} {public_host_key[1]}\n")
    config = folder / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\n"
        f"AuthorizedKeysFile {folder / 'authorized_keys'}\nPidFile {folder / 'sshd.pid'}\n"
        "PasswordAuthentication no\nKbdInteractiveAuthentication no\nPubkeyAuthentication yes\n"
        "PermitRootLogin prohibit-password\nStrictModes no\nUsePAM no\n",
        encoding="ascii",
    )
    Path("/run/sshd").mkdir(exist_ok=True)  # the privilege separation folder sshd insists on
    log = folder / "sshd.log"
    process = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(config)], stderr=log.open("wb"))
    try:
        _wait_for_port(port, process, log)
        yield SshServer(port, getpass.getuser(), identity, known_hosts, host_key)
    finally:
        _stop(process)


@dataclass(frozen=True)
class WebServer:
    port: int

    def get(self, path: str) -> tuple[int, str]:
        """Status and body of GET path (a 4xx/5xx answer is returned, not raised)."""
        url = f"http://127.0.0.1:{self.port}{urllib.parse.quote(path, safe='/%?=&:#')}"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status, response.read().decode("utf-8", errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", errors="replace")


@contextmanager
def nginx(folder: Path, locations: str) -> Iterator[WebServer]:
    """nginx on a free loopback port with the given ``location`` blocks in its one server."""
    require(NGINX)
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    user = "user root;\n" if os.geteuid() == 0 else ""  # test folders are private to this user
    config = folder / "nginx.conf"
    config.write_text(
        f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'};\nevents {{ worker_connections 64; }}\n"
        "http {\n"
        "  include /etc/nginx/mime.types;\n"
        f"  access_log {folder / 'access.log'};\n"
        + "".join(
            f"  {name}_temp_path {folder / name};\n"
            for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  server {{\n    listen 127.0.0.1:{port};\n{locations}\n  }}\n}}\n",
        encoding="utf-8",
    )
    log = folder / "nginx.out"
    process = subprocess.Popen(
        [str(NGINX), "-c", str(config), "-p", str(folder), "-g", "daemon off;"],
        stderr=log.open("wb"),
    )
    try:
        _wait_for_port(port, process, log)
        yield WebServer(port)
    finally:
        _stop(process)
