"""A build killed at any step of replacing `site/` never loses the site: the next run, even one
that fails, first completes or undoes the swap (full build) or the apply (incremental build),
says which, and `site/` is the old or the new complete site byte for byte."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest
from platforms import killed_after
from sites import build, copy_reference_site, tree_bytes

ITEM = "content/fdzdgknr/jdjc/20260720-gonggong-changsuo-choujian.md"
BROKEN = "content/fdzdgknr/zcwj/20181214-jiaqiang-zhengwu-gongkai.md"


def edited(site: Path) -> None:
    """An edit that changes pages and withdraws one (so an apply moves and deletes files)."""
    item = site / ITEM
    item.write_text(item.read_text("utf-8").replace("---\n", "---\ndraft: true\n", 1), "utf-8")


def break_validation(site: Path) -> None:
    path = site / BROKEN
    path.write_text(path.read_text("utf-8").replace("title: ", "标题：", 1), "utf-8")


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | dict[str, bytes]]:
    """The reference site built (old), and the edited site built in full (new)."""
    root = tmp_path_factory.mktemp("interrupted")
    old = copy_reference_site(root / "old" / "web")
    assert build(old).returncode == 0
    new = copy_reference_site(root / "new" / "web")
    edited(new)
    assert build(new).returncode == 0
    return {"old": old, "old_site": tree_bytes(old / "site"), "new_site": tree_bytes(new / "site")}


CASES = {
    # full build: killed after site/ was moved aside, then after the new site took its place
    "swap-aside": ("--full", "rename", ".site-previous", 1, "old", "已恢复"),
    "swap-in": ("--full", "rename", "-staging-", 1, "new", "新网站已完整"),
    # incremental build: killed after the first file moved in, and after the first deletion
    "apply-move": ("", "replace", "/web/site/", 1, "new", "已按记录补完"),
    "apply-delete": ("", "unlink", "/web/site/", 1, "new", "已按记录补完"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_build_killed_while_replacing_the_site_loses_nothing(
    sites: dict, tmp_path: Path, case: str
) -> None:
    full, function, needle, nth, expected, words = CASES[case]
    site = tmp_path / "web"
    shutil.copytree(sites["old"], site, symlinks=True)
    edited(site)
    killed = build(site, *filter(None, [full]), env=killed_after(tmp_path / "kill", function, needle, nth))
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    break_validation(site)
    failing = build(site)
    assert failing.returncode == 1
    assert words in failing.stderr and "site/" in failing.stderr
    assert tree_bytes(site / "site") == sites[f"{expected}_site"]
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".site-") and "trash" not in p.name]


@pytest.mark.parametrize("site_dir", ["content", ".git", "theme", "content/site", ".", "..", "generator"])
def test_an_output_folder_a_build_may_not_replace_is_refused_before_anything_moves(
    tmp_path: Path, site_dir: str
) -> None:
    site = copy_reference_site(tmp_path / "web")
    (site / ".git").mkdir()
    (site / "generator").mkdir()
    config = site / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("site_dir: site", f"site_dir: '{site_dir}'"), "utf-8")
    before = {p.relative_to(tmp_path) for p in tmp_path.rglob("*")}
    result = build(site)
    assert result.returncode == 2
    assert "site_dir" in result.stderr  # (MkDocs itself refuses one that holds content/)
    after = {
        path.relative_to(tmp_path)
        for path in tmp_path.rglob("*")
        if ".disclosure" not in path.as_posix()  # the lock and the check's caches
    }
    assert after == {path for path in before if ".disclosure" not in path.as_posix()}
