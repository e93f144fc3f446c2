"""One Pagefind run, repeated under different allocator settings: wall time, CPU and peak.

    python bench/corpus.py --items 100000 --out /tmp/c100k
    disclosure build --site /tmp/c100k --as-of 2026-11-20
    python bench/pagefind_runs.py --site /tmp/c100k --pages 4350 --repeat 4 \\
        --setting "before=dirty_decay_ms:0,muzzy_decay_ms:0" --setting build

Stages the search parts of the first ``--pages`` item pages of the built ``site/`` as the build
stages a shard (:func:`generator.publish.search.search_part`), then runs Pagefind over them
once per setting per round, the settings interleaved so that a slower phase of the machine
hits each alike. A setting is ``label=value`` for jemalloc's ``_RJEM_MALLOC_CONF``, or
``build`` for the environment the build gives Pagefind. Prints one Markdown row a run and the
means; the word index and the fragments are compared between settings, which must not change
them.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import cpu_reference  # bench/run.py: the machine's speed at the moment

from generator.publish.search import (
    LANGUAGE,
    _clean_environment,
    pagefind_executable,
    search_part,
)

SEARCH_PART_MARK = b"<!--dp:search-->"


def stage(site: Path, folder: Path, pages: int) -> int:
    """The search parts of the first ``pages`` item pages of ``site``, at their paths."""
    staged = 0
    for directory, subdirectories, files in os.walk(site):
        subdirectories.sort()
        if "index.html" not in files:
            continue
        page = Path(directory) / "index.html"
        data = page.read_bytes()
        if SEARCH_PART_MARK not in data:
            continue
        target = folder / page.relative_to(site)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(search_part(data))
        staged += 1
        if staged == pages:
            break
    return staged


def environment(setting: str) -> tuple[str, dict[str, str]]:
    if setting == "build":
        return setting, _clean_environment()
    label, _, value = setting.partition("=")
    return label, _clean_environment() | {"_RJEM_MALLOC_CONF": value}


def run(source: Path, output: Path, env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak MB of one Pagefind run (its own ``wait4`` usage; ``ru_maxrss`` is in KB)."""
    shutil.rmtree(output, ignore_errors=True)
    command = [str(pagefind_executable()), "--site", str(source), "--output-path", str(output)]
    command += ["--force-language", LANGUAGE]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=source, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"Pagefind failed under {env.get('_RJEM_MALLOC_CONF')!r}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024


def same_index(first: Path, second: Path) -> bool:
    for part in ("fragment", "index"):
        comparison = filecmp.dircmp(first / part, second / part)
        if comparison.left_only or comparison.right_only or comparison.diff_files:
            return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, required=True, help="a built site (its site/)")
    parser.add_argument("--pages", type=int, default=4350)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--setting", action="append", required=True)
    args = parser.parse_args()
    settings = [environment(setting) for setting in args.setting]
    with tempfile.TemporaryDirectory(prefix="pagefind-runs-") as temporary:
        source, outputs = Path(temporary) / "pages", Path(temporary) / "out"
        staged = stage(args.site / "site", source, args.pages)
        print(f"{staged} pages staged; CPU reference {cpu_reference():.2f} s\n")
        print("| setting | round | wall s | CPU s | peak MB |\n|---|---:|---:|---:|---:|")
        results: dict[str, list[tuple[float, float, int]]] = {}
        for round_number in range(1, args.repeat + 1):
            for label, env in settings:
                figures = run(source, outputs / label, env)
                results.setdefault(label, []).append(figures)
                wall, cpu, peak = figures
                print(f"| {label} | {round_number} | {wall:.1f} | {cpu:.1f} | {peak:,} |")
        print("\n| setting | mean wall s | mean CPU s | peak MB |\n|---|---:|---:|---:|")
        for label, figures in results.items():
            walls, cpus, peaks = zip(*figures, strict=True)
            print(
                f"| {label} | {sum(walls) / len(walls):.1f} | {sum(cpus) / len(cpus):.1f} "
                f"| {max(peaks):,} |"
            )
        first = settings[0][0]
        for label, _ in settings[1:]:
            verdict = "the same" if same_index(outputs / first, outputs / label) else "DIFFERENT"
            print(f"\nword index and fragments of {label}: {verdict} as {first}'s")


if __name__ == "__main__":
    main()
