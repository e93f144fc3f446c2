"""The atomic swap of `site/` (generator/publish/atomic.py): instant, crash-safe, and the old
output deleted in the background, also when an earlier build left it behind."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from sites import build, copy_reference_site

from generator.publish.atomic import AtomicOutput, file_stats, files_under


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


def files_of(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("listed", [False, True], ids=["listed-when-applied", "listed-before"])
def test_an_incremental_build_is_applied_in_place(tmp_path: Path, listed: bool) -> None:
    """Whether apply lists site/ itself or is given the list a build made earlier (under
    the build lock, see Build.lock in generator/build.py), the same files are deleted."""
    target = tmp_path / "site"
    write_tree(target, "旧网站", files=40)
    untouched = (target / "c0" / "p1" / "index.html").stat()
    output = AtomicOutput(target)
    published = set(file_stats(target)) if listed else None
    (output.staging / "c0" / "p0").mkdir(parents=True)
    (output.staging / "c0" / "p0" / "index.html").write_text("改过的页面", encoding="utf-8")
    (output.staging / "c9" / "new").mkdir(parents=True)
    (output.staging / "c9" / "new" / "index.html").write_text("新页面", encoding="utf-8")
    kept = {f"c{n // 20}/p{n}/index.html" for n in range(1, 39)}  # p39 is withdrawn
    output.apply(kept, published)

    after = files_of(target)
    assert after["c0/p0/index.html"] == "改过的页面" and after["c9/new/index.html"] == "新页面"
    assert "index.html" not in after  # neither new nor kept: deleted
    assert "c1/p39/index.html" not in after and not (target / "c1" / "p39").exists()
    assert (target / "c1").is_dir()  # still holds pages
    assert sorted(after) == sorted(kept | {"c0/p0/index.html", "c9/new/index.html"})
    same = (target / "c0" / "p1" / "index.html").stat()
    assert (same.st_ino, same.st_mtime_ns) == (untouched.st_ino, untouched.st_mtime_ns)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no staging, no journal


def test_an_apply_cut_short_is_finished_by_the_next_build(tmp_path: Path) -> None:
    target = tmp_path / "site"
    write_tree(target, "旧网站", files=3)
    staging = tmp_path / ".site-staging-999999"  # a build that died while applying
    (staging / "c0" / "p0").mkdir(parents=True)
    (staging / "c0" / "p0" / "index.html").write_text("改过的页面", encoding="utf-8")
    journal = tmp_path / ".site-apply-999999.json"
    journal.write_text(
        '{"staging": ".site-staging-999999", "delete": ["c0/p2/index.html"]}', encoding="utf-8"
    )
    AtomicOutput(target).abandon()
    assert files_of(target) == {
        "index.html": "旧网站",
        "c0/p0/index.html": "改过的页面",
        "c0/p1/index.html": "旧网站 1",
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_files_under_lists_what_os_walk_finds(tmp_path: Path) -> None:
    """The walk that decides what an incremental apply deletes: every file, with ``/``, the
    skipped top-level folders left out, a link to a folder listed but not entered."""
    root = tmp_path / "site"
    write_tree(root, "页", files=45)
    (root / "pagefind" / "fragment").mkdir(parents=True)
    (root / "pagefind" / "fragment" / "a.pf_fragment").write_bytes(b"x")
    (root / "c0" / "p0" / "图.png").write_bytes(b"x")
    os.symlink(root / "c1", root / "linked")
    os.symlink(root / "index.html", root / "c2" / "same.html")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x.html").write_text("x", encoding="utf-8")

    def walked(skipped: frozenset[str]) -> set[str]:
        found = set()
        for folder, folders, names in os.walk(root):
            if folder == str(root):
                folders[:] = [name for name in folders if name not in skipped]
            relative = Path(folder).relative_to(root).as_posix()
            found.update(name if relative == "." else f"{relative}/{name}" for name in names)
        return found

    assert files_under(root) == walked(frozenset())
    assert "c0/p0/图.png" in files_under(root)
    assert "c2/same.html" in files_under(root)
    assert not any(path.startswith("linked/") for path in files_under(root))
    skipped = files_under(root, frozenset({"pagefind", "c0"}))
    assert skipped == walked(frozenset({"pagefind", "c0"}))
    assert not any(path.startswith(("pagefind/", "c0/")) for path in skipped)
    assert files_under(tmp_path / "missing") == set()


def test_file_stats_gives_each_file_its_size_and_time(tmp_path: Path) -> None:
    """What an incremental build compares with its manifest to take a page over: the files
    files_under finds, each with the size and modification time of what it shows."""
    root = tmp_path / "site"
    write_tree(root, "页", files=25)
    os.symlink(root / "index.html", root / "c1" / "same.html")
    os.symlink(root / "gone.html", root / "c1" / "broken.html")
    stats = file_stats(root)

    assert set(stats) == files_under(root)
    for path in ("c0/p3/index.html", "index.html", "c1/same.html"):
        real = (root / path).stat()
        assert stats[path] == (real.st_size, real.st_mtime_ns), path
    assert stats["c1/same.html"] == stats["index.html"]  # the file the link points to
    assert stats["c1/broken.html"] is None  # listed (apply deletes it), but no page to reuse
    assert file_stats(tmp_path / "missing") == {}
