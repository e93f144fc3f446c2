"""Pagefind over several shards: one after another, or each started beside the one before.

    python bench/corpus.py --items 100000 --out /tmp/c100k
    disclosure build --site /tmp/c100k --as-of 2026-11-20
    python bench/pagefind_beside.py --site /tmp/c100k --shards 4 --pages 4350 --repeat 2

Stages the search parts of the first ``--shards`` × ``--pages`` item pages of the built
``site/`` as shards of ``--pages`` each (as :mod:`bench.pagefind_runs` does), then indexes them
with the build's own runs (``_PagefindRun`` in generator/publish/search.py) in three ways, the
ways interleaved round by round so that a slower phase of the machine hits each alike:

- ``after``: each run starts once the one before has ended;
- ``reading``: each starts once the one before writes its files, on every core but one, and
  pauses before building its index until the one before has ended (``Beside.READING``, what a
  100,000-item build does where two runs' peaks do not fit in the memory);
- ``reading-any-core``: the same, on every core.

Prints one Markdown row a round and way (wall seconds, the largest sum of the runs' resident
memory, sampled every 0.1 s) and the means.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from pagefind_runs import stage  # bench/pagefind_runs.py
from run import cpu_reference  # bench/run.py: the machine's speed at the moment

from generator.diagnostics import Report
from generator.publish import search
from generator.publish.search import Beside, Shard, _PagefindRun, pagefind_executable

WAYS = ("after", "reading", "reading-any-core")


def index(shards: list[Path], output: Path, way: str) -> tuple[float, int]:
    """Wall seconds and peak resident MB (both runs together) of indexing ``shards``."""
    shutil.rmtree(output, ignore_errors=True)
    executable = pagefind_executable()
    runs: list[_PagefindRun] = []
    peak = 0
    sampling = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not sampling.wait(0.1):
            held = sum(search.resident_memory(run.process.pid) for run in list(runs))
            peak = max(peak, held)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    cores_beside = search.cores_beside
    if way == "reading-any-core":
        search.cores_beside = lambda: None  # type: ignore[assignment]
    try:
        for number, folder in enumerate(shards):
            previous = runs[-1] if runs else None
            beside = None
            if previous is not None and way == "after":
                previous.process.wait()
            elif previous is not None:
                previous.index_built.wait()
                beside = (previous, Beside.READING)
            shard = Shard(str(number + 1), [])
            run = _PagefindRun.start(executable, folder, output, shard, Report(), beside=beside)
            if run is None:
                sys.exit("Pagefind could not be started")
            runs.append(run)
        for run in runs:
            if run.process.wait() != 0:
                sys.exit(f"Pagefind failed: {' / '.join(run.lines)}")
    finally:
        search.cores_beside = cores_beside  # type: ignore[assignment]
    wall = time.perf_counter() - started
    sampling.set()
    sampler.join()
    return wall, peak // 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, required=True, help="a built site (its site/)")
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--pages", type=int, default=4350, help="pages a shard")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pagefind-beside-", dir="/dev/shm") as temporary:
        staged = Path(temporary) / "pages"
        count = stage(args.site / "site", staged, args.shards * args.pages)
        shards = split(staged, args.pages)
        print(f"{count} pages in {len(shards)} shards; CPU reference {cpu_reference():.2f} s\n")
        print("| way | round | wall s | peak MB |\n|---|---:|---:|---:|")
        results: dict[str, list[tuple[float, int]]] = {}
        for round_number in range(1, args.repeat + 1):
            for way in WAYS:
                wall, peak = index(shards, Path(temporary) / "out", way)
                results.setdefault(way, []).append((wall, peak))
                print(f"| {way} | {round_number} | {wall:.1f} | {peak:,} |", flush=True)
        print("\n| way | mean wall s | peak MB |\n|---|---:|---:|")
        for way, figures in results.items():
            walls, peaks = zip(*figures, strict=True)
            print(f"| {way} | {sum(walls) / len(walls):.1f} | {max(peaks):,} |")


def split(staged: Path, pages: int) -> list[Path]:
    """Move the staged pages into folders of ``pages`` each: shard-1/, shard-2/, …"""
    shards: list[Path] = []
    for number, page in enumerate(sorted(staged.rglob("index.html"))):
        if number % pages == 0:
            shards.append(staged.parent / f"shard-{len(shards) + 1}")
        target = shards[-1] / page.relative_to(staged)
        target.parent.mkdir(parents=True, exist_ok=True)
        page.rename(target)
    return shards


if __name__ == "__main__":
    main()
