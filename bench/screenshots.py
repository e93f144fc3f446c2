"""Screenshots of the reference site in real headless Chromium, for the README.

    python bench/screenshots.py [--as-of 2026-11-20]

Builds the reference site into a temporary folder, serves it on 127.0.0.1 and captures, with
Debian's Chromium driven by Playwright, the home page, a column and an item on a desktop window;
an item and a column on a phone-sized window; the column on a phone and an item on a desktop in
长者模式 (the site's own switch, remembered in localStorage) into bench/screenshots/.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get("DISCLOSURE_CHROMIUM", "/usr/bin/chromium")
ITEM = "fdzdgknr/zcwj/20181214-jiaqiang-zhengwu-gongkai/"
# name: (address, window size, 长者模式)
PAGES = {
    "home": ("", (1280, 1300), False),
    "column": ("fdzdgknr/zcwj/", (1280, 1000), False),
    "item": (ITEM, (1280, 1300), False),
    "item-phone": (ITEM, (390, 1200), False),
    "column-phone": ("fdzdgknr/zcwj/", (390, 1000), False),
    "column-phone-elder": ("fdzdgknr/zcwj/", (390, 1000), True),
    "item-elder": (ITEM, (1280, 1000), True),
}
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
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
        # Playwright's driver keeps its files in the temporary folder: this one, which goes.
        os.environ["TMPDIR"] = temp
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            for name, (path, (width, height), elder) in PAGES.items():
                context = browser.new_context(
                    locale="zh-CN", viewport={"width": width, "height": height}
                )
                if elder:
                    context.add_init_script("window.localStorage.setItem('dp-elder', '1')")
                tab = context.new_page()
                tab.goto(f"http://127.0.0.1:{server.server_port}/{path}")
                tab.evaluate("document.fonts.ready")
                target = OUT / f"{name}.png"
                tab.screenshot(path=target)
                context.close()
                print(f"{target.relative_to(REPO)}")
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
