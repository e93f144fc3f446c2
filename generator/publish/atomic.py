"""Atomic publish: render into a staging folder beside `site/`, replace `site/` only on success.

A failed or killed build leaves the previous `site/` as it was. A full build swaps its staging
folder for `site/`: two renames on the same filesystem; if a build dies between them, the next
build restores the previous output from the `.site-previous` folder before it starts.

An incremental build (generator/publish/incremental.py) renders only the pages that changed, so
its staging folder holds only what is new; once it has passed every check it is applied to
`site/` in place (:meth:`AtomicOutput.apply`): its files are moved over the published ones and
the published files it no longer has are deleted, a few hundred renames after an edit instead of
a second copy of the site. A journal (`.site-apply-<pid>.json`) names the deletions before the
first file moves; a build that dies while applying is finished by the next one.

Deleting an old output (on a large site tens of thousands of files) is not part of the swap: the folder is renamed to a uniquely named `.site-trash-<pid>-<n>`
beside `site/` — instantly — and removed by a detached background process that outlives the
build and never delays it. Trash that is still there when the next build starts (the machine
stopped before the deleter finished) is handed to a new deleter by that build.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from generator.capabilities import process_alive
from generator.publish.lock import BuildLock

# Runs in the detached deleter: plain standard library, no site packages, at low priority.
_DELETER = """\
import os, shutil, sys
try:
    os.nice(10)
except OSError:
    pass
for path in sys.argv[1:]:
    shutil.rmtree(path, ignore_errors=True)
"""
_deleters: list[subprocess.Popen[bytes]] = []  # started by this process, reaped when finished
_trash_serial = itertools.count()


class AtomicOutput:
    def __init__(self, target: Path, lock: BuildLock | None = None) -> None:
        """With ``lock``, wait for it first (LockBusy when another build keeps it too long);
        it is released once the output is committed or abandoned."""
        self.lock = lock
        if lock is not None:
            lock.acquire()
        try:
            self.target = target.resolve()
            parent = self.target.parent
            self.previous = parent / f".{self.target.name}-previous"
            recover(self.target)
            self.staging = parent / f".{self.target.name}-staging-{os.getpid()}"
            # Files made before MkDocs has emptied the staging folder wait here (see scratch).
            self._scratch = parent / f".{self.target.name}-scratch-{os.getpid()}"
            for folder in (self.staging, self._scratch):
                if folder.exists():
                    shutil.rmtree(folder)
            self.staging.mkdir(parents=True)
        except BaseException:
            self._release()
            raise

    def scratch(self) -> Path:
        """A folder of this build beside the staging folder, for files written before MkDocs
        has emptied the staging folder; :meth:`take_scratch` moves them in. Deleted with the
        staging folder when the build fails."""
        self._scratch.mkdir(exist_ok=True)
        return self._scratch

    def take_scratch(self) -> None:
        """Move every file of the scratch folder to the same place in the staging folder."""
        if self._scratch.exists():
            _move_files(self._scratch, self.staging)
            shutil.rmtree(self._scratch)

    def apply(self, kept: Iterable[str], published: Iterable[str] | None = None) -> None:
        """Publish an incremental build in place: move every file of the staging folder to
        its place in `site/`, and delete the files of `site/` that are neither there nor
        ``kept`` (paths relative to `site/`, taken over unchanged). ``published``: the files of
        `site/` when this build has listed them already (it holds the build lock: they are
        still there); else they are listed here."""
        try:
            staged = files_under(self.staging)
            keep = set(kept)
            present = files_under(self.target) if published is None else published
            deletions = [path for path in present if path not in keep and path not in staged]
            journal = self.target.parent / f".{self.target.name}-apply-{os.getpid()}.json"
            with open(journal, "w", encoding="utf-8") as file:
                json.dump(
                    {"staging": self.staging.name, "delete": deletions}, file, ensure_ascii=False
                )
                file.flush()
                os.fsync(file.fileno())
            _finish_apply(journal, self.target)
        finally:
            self._release()

    def commit(self) -> None:
        """Put the staging folder in place of `site/`; the old `site/` is deleted in the
        background, so this takes two or three renames whatever the size of the site."""
        try:
            if self.target.exists():
                self.target.rename(self.previous)
            self.staging.rename(self.target)
            if self.previous.exists():
                delete_in_background([_to_trash(self.target, self.previous)])
        finally:
            self._release()

    def abandon(self) -> None:
        """Delete the staging folder (here and now: a failed build leaves nothing behind)."""
        shutil.rmtree(self.staging, ignore_errors=True)
        shutil.rmtree(self._scratch, ignore_errors=True)
        self._release()

    def _release(self) -> None:
        if self.lock is not None:
            self.lock.release()


def recover(target: Path) -> str | None:
    """Complete or undo what an interrupted build left beside `site/` (``target``), so that it
    is the old or the new complete site, and get rid of what earlier builds left behind (their
    old output, dead builds' staging folders, trash). Returns what `site/` now is, in Chinese,
    when there was something to complete or undo. The caller holds the build lock."""
    parent, name = target.parent, target.name
    done = None
    for journal in parent.glob(f".{name}-apply-*.json"):
        pid = journal.name.removesuffix(".json").rsplit("-", 1)[-1]
        if pid.isdigit() and not process_alive(int(pid)):
            _finish_apply(journal, target)
            done = f"上次增量生成在更新 {name}/ 时中断，已按记录补完：{name}/ 是上次生成的新网站。"
    previous = parent / f".{name}-previous"
    if previous.exists():
        if not target.exists():
            previous.rename(target)
            done = f"上次生成在替换 {name}/ 时中断，已恢复：{name}/ 仍是此前的网站。"
        else:
            _to_trash(target, previous)
            done = f"上次生成在替换 {name}/ 时中断，新网站已完整：{name}/ 是上次生成的新网站。"
    for pattern in (f".{name}-staging-*", f".{name}-scratch-*"):
        for stale in parent.glob(pattern):
            pid = stale.name.rsplit("-", 1)[-1]
            if pid.isdigit() and not process_alive(int(pid)):
                _to_trash(target, stale)
    trash = sorted(parent.glob(f".{name}-trash-*"))
    if trash:  # a deleter of an earlier build may still be at work on some: no harm
        delete_in_background(trash)
    return done


def unsafe_output(site_dir: Path, output: Path) -> str | None:
    """Why ``output`` (mkdocs.yml's site_dir) may not be replaced by a build, or None. A build
    moves the old output to the trash: it must not be, hold or lie inside the site's sources."""
    site_dir, output = site_dir.resolve(), output.resolve()
    if output == site_dir:
        return f"site_dir 不能是站点目录本身（{site_dir}）"
    for name in (".git", "content", "theme", "generator"):
        protected = site_dir / name
        if output == protected or protected in output.parents or output in protected.parents:
            return f"site_dir（{output}）不能是、包含或位于 {name}/"
    return None


def _to_trash(target: Path, folder: Path) -> Path:
    """Rename ``folder`` to a new trash folder beside ``target``; returns the trash folder."""
    while True:
        trash = target.parent / f".{target.name}-trash-{os.getpid()}-{next(_trash_serial)}"
        if not trash.exists():
            folder.rename(trash)
            return trash


def files_under(root: Path, skipped: frozenset[str] = frozenset()) -> set[str]:
    """Every file under ``root``, as paths relative to it with ``/``; the top-level folders
    named in ``skipped`` are not entered. (One ``os.scandir`` a folder and plain string
    operations, less work than ``os.walk`` does: a site has a folder per page.)"""
    return {path for path, _ in _entries_under(root, skipped)}


def file_stats(root: Path) -> dict[str, tuple[int, int] | None]:
    """Every file under ``root`` as :func:`files_under` finds them, with its size and
    modification time in nanoseconds (of the file a link points to; None for a broken link)."""
    stats: dict[str, tuple[int, int] | None] = {}
    for path, entry in _entries_under(root, frozenset()):
        try:
            stat = entry.stat()
        except OSError:
            stats[path] = None
            continue
        stats[path] = (stat.st_size, stat.st_mtime_ns)
    return stats


def _entries_under(root: Path, skipped: frozenset[str]) -> Iterator[tuple[str, os.DirEntry[str]]]:
    top = str(root)
    folders = [""]  # relative paths ending in "/", but for the top folder
    while folders:
        folder = folders.pop()
        try:
            entries = os.scandir(os.path.join(top, folder) if folder else top)
        except OSError:  # gone or unreadable, as os.walk would skip it
            continue
        with entries:
            for entry in entries:
                if not entry.is_dir():
                    yield folder + entry.name, entry
                elif not entry.is_symlink() and (folder or entry.name not in skipped):
                    folders.append(f"{folder}{entry.name}/")  # as os.walk: links not entered


def overlay_path(output: Path, published: Path | None, path: str) -> Path:
    """Where a file of a build is: in its ``output`` folder or, for an incremental build (whose
    output holds only what is new), in the ``published`` site it is applied to."""
    file = output / path
    if published is None or file.exists():
        return file
    return published / path


def _move_files(source: Path, target: Path) -> None:
    """Move every file under ``source`` to the same place under ``target``."""
    source_root, target_root = str(source), str(target)
    for folder, _, names in os.walk(source_root):
        target_folder = target_root + folder[len(source_root) :]
        os.makedirs(target_folder, exist_ok=True)
        for name in names:
            os.replace(os.path.join(folder, name), os.path.join(target_folder, name))


def _finish_apply(journal: Path, target: Path) -> None:
    """Do what an apply journal says, as far as it is not done yet: move the files left in its
    staging folder into ``target``, delete the files it names, then the journal itself."""
    plan = json.loads(journal.read_text(encoding="utf-8"))
    staging = target.parent / plan["staging"]
    _move_files(staging, target)
    target_root = str(target)
    emptied = set()
    for path in plan["delete"]:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(target_root, path))
        emptied.add(os.path.dirname(path))
    for folder in sorted(emptied, key=len, reverse=True):  # a withdrawn item's page folder
        while folder:
            try:
                os.rmdir(os.path.join(target_root, folder))
            except OSError:  # not empty (or gone): its parents are not empty either
                break
            folder = os.path.dirname(folder)
    shutil.rmtree(staging, ignore_errors=True)
    journal.unlink()


def delete_in_background(folders: list[Path]) -> None:
    """Delete ``folders`` in a detached process: its own session (it survives the end of this
    process and a Ctrl-C in its terminal), no open files of ours (not the build lock), and
    output nowhere (it never holds a caller's pipe open)."""
    _deleters[:] = [deleter for deleter in _deleters if deleter.poll() is None]
    try:
        deleter = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _DELETER, *(str(folder) for folder in folders)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd="/",
            close_fds=True,
            start_new_session=True,
        )
    except OSError:
        return  # no process to spare: the trash stays for the next build to delete
    _deleters.append(deleter)
