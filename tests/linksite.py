"""Helpers for the link-check and inspection tests (issue #4): a buildable copy of the small
test site of conftest.py (it gets a mkdocs.yml and a theme/ folder), and the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import AS_OF, Site

MKDOCS_YML = """\
site_name: 湟源县政府信息公开（测试）
site_url: https://www.example.gov.cn/xxgk/
docs_dir: content
site_dir: site
use_directory_urls: true
theme:
  name: material
  custom_dir: theme
  language: zh
  font: false
plugins:
  - disclosure:
      organizer: 湟源县人民政府办公室
markdown_extensions:
  - attr_list
  - toc:
      permalink: false
"""


def buildable(site: Site) -> Site:
    """Give the conftest site what `disclosure build` needs besides content: mkdocs.yml, theme/."""
    site.write("mkdocs.yml", MKDOCS_YML)
    (site.root / "theme").mkdir(exist_ok=True)
    return site


def run(site: Site, *args: str, as_of: str = AS_OF) -> subprocess.CompletedProcess[str]:
    """``disclosure ARGS --site SITE --as-of AS_OF`` as a real process; never a traceback."""
    command = [sys.executable, "-m", "generator.cli", *args, "--site", str(site.root)]
    env = os.environ | {"PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}
    result = subprocess.run(
        [*command, "--as-of", as_of],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def diagnostics(result: subprocess.CompletedProcess[str]) -> list[dict]:
    """The diagnostics of a run with ``--format json``."""
    return json.loads(result.stdout) if result.stdout.strip() else []


def line_of(path: Path, needle: str) -> tuple[int, int]:
    """1-based (line, column) of the first occurrence of ``needle`` in a file."""
    for number, text in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if needle in text:
            return number, text.index(needle) + 1
    raise AssertionError(f"{needle!r} not in {path}")
