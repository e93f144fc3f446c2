"""Helpers for tests that build real sites: copy the reference site, add items, run the CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent
SITE_PARTS = ("columns.yml", "mkdocs.yml", "theme", "content")
REFERENCE_AS_OF = "2026-11-20"


def copy_reference_site(target: Path) -> Path:
    """A private copy of the repository's reference site, safe to modify."""
    target.mkdir(parents=True, exist_ok=True)
    for part in SITE_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


def set_plugin_options(site: Path, options: str) -> None:
    """Give the disclosure plugin ``options`` in the site's mkdocs.yml: YAML lines under
    ``- disclosure:``, without their indentation (``"workers: 2\nstaff_pages: true"``)."""
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert text.count("  - disclosure:\n") == 1, "mkdocs.yml names the plugin once, as a list item"
    lines = "".join(f"      {line}\n" for line in options.splitlines())
    config.write_text(text.replace("  - disclosure:\n", "  - disclosure:\n" + lines), "utf-8")


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        timeout=600,
    )


def build(
    site: Path, *args: str, as_of: str = REFERENCE_AS_OF, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    result = run_cli("build", "--site", str(site), "--as-of", as_of, *args, env=env)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def built_reference_site(target: Path) -> Path:
    """A private copy of the reference site, built (``site/`` written)."""
    site = copy_reference_site(target)
    result = build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def write_item(site: Path, column_path: str, name: str, fields: dict[str, str], body: str) -> Path:
    """Write an item file with the given front matter (values written as-is) and body."""
    lines = ["---", *(f"{key}: {value}" for key, value in fields.items()), "---", "", body]
    path = site / "content" / column_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def html(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def meta_tags(page: BeautifulSoup) -> dict[str, str]:
    return {tag["name"]: tag.get("content", "") for tag in page.find_all("meta") if tag.get("name")}


# Every output is stable between runs on the same input (the search index too).
UNSTABLE_OUTPUT: tuple[str, ...] = ()


def tree_bytes(root: Path, *, include_unstable: bool = False) -> dict[str, bytes]:
    """Every file under root, by relative path: to compare two outputs byte for byte."""
    files = {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}
    return {
        name: path.read_bytes()
        for name, path in files.items()
        if include_unstable or not name.startswith(UNSTABLE_OUTPUT)
    }
