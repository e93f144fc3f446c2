"""The atomic swap of `site/` (generator/publish/atomic.py): instant, crash-safe, and the old
output deleted in the background, also when an earlier build left it behind."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from sites import build, copy_reference_site

from generator.publish.atomic import AtomicOutput


def write_tree(root: Path, text: str, files: int = 200) -> None:
    """A small output: ``index.html`` and ``files`` pages in folders of 20."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "index.html").write_text(text, encoding="utf-8")
    for n in range(files):
        page = root / f"c{n // 20}" / f"p{n}" / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"{text} {n}", encoding="utf-8")


def trash(parent: Path) -> list[Path]:
    return sorted(parent.glob(".site-trash-*"))


def wait_until_no_trash(parent: Path, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while trash(parent):
        assert time.monotonic() < deadline, f"still there after {limit} s: {trash(parent)}"
        time.sleep(0.05)


def test_commit_swaps_at_once_and_deletes_the_old_output_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "site"
    write_tree(target, "旧网站")
    output = AtomicOutput(target)
    (output.staging / "index.html").write_text("新网站", encoding="utf-8")

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the old output is deleted by the build process itself")

    monkeypatch.setattr(shutil, "rmtree", never)  # in this process only, not in the deleter
    output.commit()

    assert [p.name for p in target.iterdir()] == ["index.html"]  # the new output, at once
    assert (target / "index.html").read_text(encoding="utf-8") == "新网站"
    assert not output.staging.exists() and not (tmp_path / ".site-previous").exists()
    wait_until_no_trash(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_swap_interrupted_between_its_renames_is_undone_or_finished(tmp_path: Path) -> None:
    target, previous = tmp_path / "site", tmp_path / ".site-previous"
    write_tree(previous, "旧网站", files=3)  # died after moving site/ aside
    AtomicOutput(target).abandon()
    assert (target / "index.html").read_text(encoding="utf-8") == "旧网站"
    assert not previous.exists()

    write_tree(previous, "更旧的网站", files=3)  # died after moving the new output in
    AtomicOutput(target).abandon()
    assert not previous.exists()
    assert (target / "index.html").read_text(encoding="utf-8") == "旧网站"
    wait_until_no_trash(tmp_path)


def test_trash_left_by_an_earlier_build_is_deleted_by_the_next_build(tmp_path: Path) -> None:
    site = copy_reference_site(tmp_path / "site")
    for name in (".site-trash-999999-0", ".site-trash-999999-1"):  # its deleter never ran
        write_tree(site / name, "崩溃前的旧网站")
    write_tree(site / "site", "上一次生成的网站")

    result = build(site)
    assert result.returncode == 0, result.stderr
    assert "上一次生成的网站" not in (site / "site" / "index.html").read_text(encoding="utf-8")
    assert not (site / "site" / "c0").exists()
    wait_until_no_trash(site)  # the leftovers and this build's previous site/
    assert not list(site.glob(".site-*"))


def test_scratch_files_move_into_the_staging_folder_and_never_outlive_the_build(
    tmp_path: Path,
) -> None:
    target = tmp_path / "site"
    output = AtomicOutput(target)
    scratch = output.scratch()
    (scratch / "data").mkdir()
    (scratch / "data" / "items.json").write_text("[]", encoding="utf-8")
    (scratch / "atom.xml").write_text("<feed/>", encoding="utf-8")
    (output.staging / "data").mkdir()
    (output.staging / "data" / "index.html").write_text("数据开放", encoding="utf-8")
    output.take_scratch()
    assert not scratch.exists()
    output.commit()
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == [
        "atom.xml",
        "data/index.html",
        "data/items.json",
    ]

    failed = AtomicOutput(target)
    (failed.scratch() / "atom.xml").write_text("<feed/>", encoding="utf-8")
    failed.abandon()
    assert not list(tmp_path.glob(".site-scratch-*"))

    dead = tmp_path / ".site-scratch-999999"  # a killed build's (no such process)
    write_tree(dead, "未移入的文件", files=3)
    AtomicOutput(target).abandon()
    assert not dead.exists()
    wait_until_no_trash(tmp_path)
