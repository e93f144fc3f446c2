"""Benchmark of incremental rebuilds (issue #9): edit one item of a large site, build again.

    python bench/rebuild.py --items 10000 [--out bench/out/rebuild-10000] [--verify]

Generates the corpus (bench/corpus.py), makes a full build, then, one after another, applies
each edit below to one item and times `disclosure build` (wall time of the process, and the
stages it reports with --timings). With --verify, every rebuilt site/ is compared byte for
byte with a full build (`--full`) of the same sources in another folder (the search index
included), which doubles the run time.

The edits, as a clerk makes them:
- nothing: build again without any change;
- body: a sentence added to the body of an item;
- title: the title of an item changed (its listings and browse pages change too);
- new: a new item published today;
- withdrawn: an item changed to 依申请公开 (its page and its search entries leave the site).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPOSITORY = BENCH.parent
AS_OF = "2026-11-20"


def run_build(site: Path, *extra: str) -> tuple[float, dict[str, object]]:
    timings = site.parent / f"{site.name}-timings.json"
    command = [sys.executable, "-m", "generator.cli", "build"]
    command += ["--site", str(site), "--as-of", AS_OF]
    started = time.perf_counter()
    result = subprocess.run(
        [*command, "--timings", str(timings), *extra], capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(
            f"build failed ({result.returncode}):\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )
    return seconds, json.loads(timings.read_text(encoding="utf-8"))


def wait_for_trash(site: Path, limit: float = 300) -> float:
    """Wait until the previous output, deleted in the background after each build
    (generator/publish/atomic.py), is gone: a clerk edits for minutes between two builds, and
    deleting 10,000 folders would otherwise compete for the disk with the rebuild measured."""
    started = time.perf_counter()
    while any(site.glob(".site-trash-*")) and time.perf_counter() - started < limit:
        time.sleep(0.2)
    return time.perf_counter() - started


def items_of(site: Path) -> list[Path]:
    return sorted((site / "content").rglob("2*.md"))


def public_item(site: Path, column: str) -> Path:
    """The newest public item of a column folder (the one a clerk is most likely to correct)."""
    for path in reversed(sorted((site / "content").glob(f"{column}/2*.md"))):
        if "disclosure: 主动公开" in path.read_text(encoding="utf-8"):
            return path
    raise SystemExit(f"no public item in {column}")


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise SystemExit(f"{path}: {old!r} not found")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_body(site: Path) -> str:
    path = public_item(site, "fdzdgknr/zcwj")
    replace_once(path, "\n## ", "\n本次修订补充了办理时限和咨询渠道。\n\n## ")
    return path.relative_to(site).as_posix()


def edit_title(site: Path) -> str:
    path = public_item(site, "fdzdgknr/qtxx")
    replace_once(path, "title: ", "title: （更正）")
    return path.relative_to(site).as_posix()


def add_item(site: Path) -> str:
    source = public_item(site, "fdzdgknr/msxx")
    text = source.read_text(encoding="utf-8")
    number = re.search(r"^index_no: (\S+)-(\d+)$", text, re.MULTILINE)
    if number is None:
        raise SystemExit(f"{source}: no index_no")
    text = text.replace(number[0], f"index_no: {number[1]}-{int(number[2]) + 50000:05d}"[:80])
    text = re.sub(r"^published: .*$", f"published: {AS_OF}", text, count=1, flags=re.MULTILINE)
    target = source.with_name(f"{AS_OF.replace('-', '')}-999999.md")
    target.write_text(text, encoding="utf-8")
    return target.relative_to(site).as_posix()


def withdraw(site: Path) -> str:
    path = public_item(site, "fdzdgknr/jdjc")
    replace_once(path, "disclosure: 主动公开", "disclosure: 依申请公开")
    return path.relative_to(site).as_posix()


EDITS: list[tuple[str, Callable[[Path], str] | None]] = [
    ("nothing", None),
    ("body", edit_body),
    ("title", edit_title),
    ("new", add_item),
    ("withdrawn", withdraw),
]


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def same_as_full_build(site: Path) -> bool:
    fresh = site.parent / f"{site.name}-full"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(
        site, fresh, ignore=shutil.ignore_patterns("site", ".disclosure-cache", ".site-*")
    )
    run_build(fresh, "--full")
    same = tree(site / "site") == tree(fresh / "site")
    shutil.rmtree(fresh, ignore_errors=True)
    return same


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument(
        "--out", type=Path, default=None, help="site folder (default bench/out/rebuild-N)"
    )
    parser.add_argument(
        "--verify", action="store_true", help="compare each rebuild with a full build"
    )
    args = parser.parse_args(argv)
    site = args.out or BENCH / "out" / f"rebuild-{args.items}"
    subprocess.run(
        [
            sys.executable,
            str(BENCH / "corpus.py"),
            "--items",
            str(args.items),
            "--out",
            str(site),
            "--force",
        ],
        check=True,
    )
    seconds, _ = run_build(site, "--full")
    print(f"full build of {args.items:,} items: {seconds:.1f} s", flush=True)
    stages = ("validate", "model", "render", "search", "links", "commit")
    lines = [
        "| edit | file | seconds | " + " | ".join(stages) + " | same as full build |",
        "|---|---|---:|" + "---:|" * len(stages) + "---|",
    ]
    for name, edit in EDITS:
        changed = edit(site) if edit else "—"
        waited = wait_for_trash(site)
        print(f"(waited {waited:.1f} s for the previous output to be deleted)", flush=True)
        seconds, timings = run_build(site)
        parts = timings["seconds"]
        assert isinstance(parts, dict)
        same = ("yes" if same_as_full_build(site) else "NO") if args.verify else "not checked"
        cells = " | ".join(f"{float(parts.get(stage, 0)):.2f}" for stage in stages)
        lines.append(f"| {name} | `{changed}` | {seconds:.2f} | {cells} | {same} |")
        print(lines[-1], flush=True)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
