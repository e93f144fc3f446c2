"""Screenshots of the reference site in real headless Chromium, for the README.

    python bench/screenshots.py [--as-of 2026-11-20]

Builds the reference site into a temporary folder, serves it on 127.0.0.1 and captures the home
page, a column and an item (desktop) plus an item on a phone-sized window into bench/screenshots/.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "screenshots"
PAGES = {
    "home": ("", (1280, 1300)),
    "column": ("fdzdgknr/zcwj/", (1280, 1000)),
    "item": ("fdzdgknr/zcwj/20181214-jiaqiang-zhengwu-gongkai/", (1280, 1300)),
    "item-phone": ("fdzdgknr/zcwj/20181214-jiaqiang-zhengwu-gongkai/", (390, 1200)),
}
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars",
]  # fmt: skip


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--as-of", default="2026-11-20")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        site = Path(temp) / "site"
        site.mkdir()
        for part in ("columns.yml", "mkdocs.yml", "theme", "content"):
            source = REPO / part
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, site / part)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "generator.cli",
                "build",
                "--site",
                str(site),
                "--as-of",
                args.as_of,
            ],
            check=True,
        )
        handler = functools.partial(QuietHandler, directory=str(site / "site"))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        OUT.mkdir(exist_ok=True)
        profile = Path(temp) / "profile"
        for name, (path, (width, height)) in PAGES.items():
            target = OUT / f"{name}.png"
            subprocess.run(
                [
                    "chromium", *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                    f"--window-size={width},{height}", f"--screenshot={target}",
                    f"http://127.0.0.1:{server.server_port}/{path}",
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )  # fmt: skip
            print(f"{target.relative_to(REPO)}")
        server.shutdown()


if __name__ == "__main__":
    main()
