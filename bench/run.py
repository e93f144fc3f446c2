"""Benchmark runner: generate a corpus per size, then time each stage as a subprocess.

    python bench/run.py --items 1000 10000 100000 [--stages check,build] [--repeat 3] [--keep]

For every size it writes a synthetic site with bench/corpus.py into bench/out/items-N/ and runs

- ``corpus``: the generator itself (for reference),
- ``check``:  ``disclosure check --site DIR --as-of 2026-11-20 --format json``,
- ``build``:  ``disclosure build --site DIR --as-of 2026-11-20 --timings FILE`` (a full build,
  ``--full`` where the command has it; skipped while the command does not exist).

Each stage is one child process. ``corpus`` and ``check``: wall time from ``time.perf_counter``
and peak resident memory from ``os.wait4`` (the child's own ``ru_maxrss``). ``build``: the
seconds of its stages as the build measured them itself (``--timings``: validate, model,
render, search, links, commit, total); as peak memory the build process's own ``ru_maxrss``
("build MB") and what the machine needed: the largest sum, sampled every two seconds, of the
proportional set size of the build and all its children, render and link-check workers included
("machine MB", bench/memory.py; the samples are kept in bench/out/logs/*.memory.tsv); and the
CPU time of the build and the children it waited for ("CPU s", from ``os.wait4``). The corpus
must be valid: if ``check`` reports any
diagnostic other than a ``W-*`` warning the run stops with the offending diagnostics, since
timings of a failing check say nothing. Results go to stdout and to bench/out/results.md; each
child's output is kept in bench/out/logs/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from memory import TreeMemory  # bench/memory.py, beside this script

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
LOGS = OUT / "logs"
CORPUS = REPO / "bench" / "corpus.py"
STAGES = ("check", "build")
AS_OF = "2026-11-20"
# The stages `disclosure build --timings` reports (generator/timings.py), in table order.
BUILD_STAGES = ("validate", "model", "render", "search", "links", "commit", "total")


class BenchFailure(Exception):
    """A stage failed: the message says which and why."""


@dataclass
class Measurement:
    seconds: float
    peak_mb: float  # the child's own ru_maxrss
    returncode: int
    stdout: Path
    stderr: Path
    tree_mb: float = 0.0  # the largest PSS sum of the child and its descendants (bench/memory.py)
    cpu_seconds: float = 0.0  # user + system time of the child and the descendants it waited for


@dataclass
class Row:
    items: int
    stage: str
    seconds: float | None = None
    peak_mb: float | None = None
    note: str = ""


@dataclass
class BuildRow:
    """One run of ``disclosure build``: seconds per stage; peak MiB of the build process alone
    (``ru_maxrss``) and of the whole process tree at once (PSS, bench/memory.py); the CPU time
    of the build and its render and link-check workers, which varies less than the wall
    time on a machine shared with others."""

    items: int
    seconds: dict[str, float]
    build_mb: float
    tree_mb: float
    run: int = 1
    cpu_seconds: float = 0.0


def disclosure_command() -> list[str]:
    """The installed console script, or the module when the script is not on PATH."""
    script = shutil.which("disclosure")
    return [script] if script else [sys.executable, "-m", "generator.cli"]


def measure(command: Sequence[str], log: str) -> Measurement:
    """Run one child process; its output goes to bench/out/logs/<log>.out and <log>.err, the
    memory of its process tree over time to <log>.memory.tsv."""
    LOGS.mkdir(parents=True, exist_ok=True)
    stdout, stderr = LOGS / f"{log}.out", LOGS / f"{log}.err"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, cwd=REPO)
        memory = TreeMemory(child.pid).start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        memory.stop()
    memory.write_tsv(LOGS / f"{log}.memory.tsv")
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    peak_bytes = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    tree = memory.peak.total_mb if memory.peak else 0.0
    cpu = usage.ru_utime + usage.ru_stime
    return Measurement(seconds, peak_bytes / 2**20, child.returncode, stdout, stderr, tree, cpu)


def best_of(command: Sequence[str], log: str, repeat: int) -> Measurement:
    """The fastest of ``repeat`` runs, with the highest peak memory seen in any of them."""
    runs = [measure(command, log) for _ in range(repeat)]
    fastest = min(runs, key=lambda m: m.seconds)
    fastest.peak_mb = max(m.peak_mb for m in runs)
    return fastest


def tail(path: Path, lines: int = 15) -> str:
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def run_corpus(items: int, site_dir: Path, seed: int, reference: Path) -> Row:
    command = [sys.executable, str(CORPUS), "--items", str(items), "--out", str(site_dir)]
    command += ["--seed", str(seed), "--site", str(reference), "--force"]
    result = measure(command, f"items-{items}-corpus")
    if result.returncode != 0:
        raise BenchFailure(f"corpus.py 失败（退出码 {result.returncode}）：\n{tail(result.stderr)}")
    return Row(items, "corpus", result.seconds, result.peak_mb, f"seed {seed}")


def run_check(items: int, site_dir: Path, repeat: int) -> Row:
    command = [*disclosure_command(), "check", "--site", str(site_dir), "--as-of", AS_OF]
    command += ["--format", "json"]
    result = best_of(command, f"items-{items}-check", repeat)
    if result.returncode not in (0, 1):
        raise BenchFailure(
            f"disclosure check 退出码 {result.returncode}（{items} 条）：\n{tail(result.stderr)}"
        )
    text = result.stdout.read_text(encoding="utf-8").strip()
    diagnostics = json.loads(text) if text else []
    unexpected = [d for d in diagnostics if not str(d.get("code", "")).startswith("W-")]
    if unexpected:
        shown = "\n".join(
            f"  {d.get('file')}:{d.get('line')}: {d.get('code')} {d.get('message')}"
            for d in unexpected[:10]
        )
        raise BenchFailure(
            f"语料未通过校验：{len(unexpected)} 个非 W-* 诊断（{items} 条），"
            f"请修正 bench/corpus.py：\n{shown}"
        )
    codes = Counter(str(d["code"]) for d in diagnostics)
    note = "no diagnostics" if not codes else ", ".join(f"{n}× {c}" for c, n in codes.items())
    return Row(items, "check", result.seconds, result.peak_mb, note)


def build_help() -> str | None:
    """``disclosure build --help``, or None while the command does not exist."""
    probe = subprocess.run(
        [*disclosure_command(), "build", "--help"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    return probe.stdout if probe.returncode == 0 else None


def run_build(items: int, site_dir: Path, repeat: int, full: bool) -> list[BuildRow]:
    """``repeat`` full builds of the site; each writes its own timings file next to its logs."""
    rows = []
    for run in range(1, repeat + 1):
        timings = LOGS / f"items-{items}-build-{run}.timings.json"
        timings.unlink(missing_ok=True)
        command = [*disclosure_command(), "build", "--site", str(site_dir), "--as-of", AS_OF]
        command += ["--timings", str(timings), *(["--full"] if full else [])]
        result = measure(command, f"items-{items}-build-{run}")
        if result.returncode != 0 or not timings.is_file():
            raise BenchFailure(
                f"disclosure build 退出码 {result.returncode}（{items} 条）：\n{tail(result.stderr)}"
            )
        document = json.loads(timings.read_text(encoding="utf-8"))
        seconds = {stage: float(document["seconds"][stage]) for stage in BUILD_STAGES}
        output = site_dir / "site"
        pages = sum(1 for _ in output.rglob("*.html")) if output.is_dir() else 0
        # os.wait4's ru_maxrss is that of the largest process of the tree (a worker, often):
        # the build process's own peak is the one it wrote itself.
        build_mb = float(document["peak_mb"]["build"])
        rows.append(BuildRow(items, seconds, build_mb, result.tree_mb, run, result.cpu_seconds))
        print(
            f"{items:,} items: build {run}/{repeat} in {seconds['total']:.1f}s "
            f"(process {result.seconds:.1f}s, {result.cpu_seconds:.1f} CPU-s), {pages:,} HTML files",
            file=sys.stderr,
        )
    return rows


def fastest(rows: Sequence[BuildRow]) -> BuildRow:
    """The run with the smallest total, with the highest peak memory of all runs."""
    best = min(rows, key=lambda row: row.seconds["total"])
    build_mb, tree_mb = max(r.build_mb for r in rows), max(r.tree_mb for r in rows)
    return BuildRow(best.items, best.seconds, build_mb, tree_mb, best.run, best.cpu_seconds)


def table(rows: Sequence[Row]) -> str:
    lines = ["| items | stage | seconds | peak MB | note |", "|---:|---|---:|---:|---|"]
    for row in rows:
        seconds = f"{row.seconds:.2f}" if row.seconds is not None else "–"
        peak = f"{row.peak_mb:.0f}" if row.peak_mb is not None else "–"
        lines.append(f"| {row.items:,} | {row.stage} | {seconds} | {peak} | {row.note} |")
    return "\n".join(lines)


def build_table(rows: Sequence[BuildRow], with_run: bool = False) -> str:
    head = ["items", *(["run"] if with_run else []), *BUILD_STAGES]
    head += ["CPU s", "build MB", "machine MB"]
    align = ["---:"] * len(head)
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(align) + "|"]
    for row in rows:
        cells = [f"{row.items:,}", *([str(row.run)] if with_run else [])]
        cells += [f"{row.seconds[stage]:.2f}" for stage in BUILD_STAGES]
        cells += [f"{row.cpu_seconds:.1f}", f"{row.build_mb:,.0f}", f"{row.tree_mb:,.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


CPU_REFERENCE_STEPS = 5_000_000


def cpu_reference() -> float:
    """Seconds for a fixed pure-Python loop, the best of three: a yardstick of one core of this
    machine, so that runs made on other machines or days can be compared (bench/README.md)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for number in range(CPU_REFERENCE_STEPS):
            total += number * number
        best = min(best, time.perf_counter() - started)
    return best


def write_results(
    rows: Sequence[Row],
    builds: Sequence[BuildRow],
    every_build: Sequence[BuildRow],
    argv: Sequence[str],
    failure: str | None,
    reference: float,
) -> Path:
    machine = (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    parts = [
        "# Benchmark results",
        "",
        f"- when: {datetime.now().isoformat(timespec='seconds')}",
        f"- machine: {machine}",
        f"- CPU reference: {reference:.2f} s ({CPU_REFERENCE_STEPS:,} steps of a pure-Python"
        " loop, best of 3, before the runs; lower is faster)",
        f"- command: `python bench/run.py {' '.join(argv)}`",
        f"- as-of: {AS_OF}",
        f"- load average at the end: {', '.join(f'{v:.1f}' for v in os.getloadavg())}",
        "",
        table(rows),
        "",
    ]
    if builds:
        parts += [
            "`disclosure build`, seconds per stage (fastest run):",
            "",
            build_table(builds),
            "",
        ]
    if len(every_build) > len(builds):
        parts += ["Every build run:", "", build_table(every_build, with_run=True), ""]
    if failure:
        parts += ["**FAILED:**", "", "```", failure, "```", ""]
    path = OUT / "results.md"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, nargs="+", default=[1000, 10000], help="sizes")
    parser.add_argument("--stages", default="check,build", help="comma-separated: check,build")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per stage; the best counts")
    parser.add_argument("--site", type=Path, default=REPO, help="reference site (default: repo)")
    parser.add_argument("--keep", action="store_true", help="keep the corpora in bench/out/")
    args = parser.parse_args(argv)
    args.stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = [s for s in args.stages if s not in STAGES]
    if unknown:
        parser.error(f"unknown stage(s) {', '.join(unknown)}; choose from {', '.join(STAGES)}")
    if args.repeat < 1 or any(n < 0 for n in args.items):
        parser.error("--repeat must be >= 1 and --items >= 0")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    help_text = build_help() if "build" in args.stages else None
    reference = cpu_reference()
    print(f"CPU reference: {reference:.2f} s", file=sys.stderr)
    rows: list[Row] = []
    builds: list[BuildRow] = []
    every_build: list[BuildRow] = []
    failure: str | None = None
    try:
        for items in args.items:
            site_dir = OUT / f"items-{items}"
            rows.append(run_corpus(items, site_dir, args.seed, args.site.resolve()))
            print(f"{items:,} items: corpus ready in {rows[-1].seconds:.1f}s", file=sys.stderr)
            if "check" in args.stages:
                rows.append(run_check(items, site_dir, args.repeat))
            if "build" in args.stages:
                if help_text is not None:
                    runs = run_build(items, site_dir, args.repeat, "--full" in help_text)
                    every_build += runs
                    builds.append(fastest(runs))
                else:
                    rows.append(
                        Row(items, "build", note="skipped: `disclosure build` not available")
                    )
            if not args.keep:  # the last output's background deleter may still be at it
                shutil.rmtree(site_dir, ignore_errors=True)
    except BenchFailure as error:
        failure = str(error)
    print(table(rows))
    if builds:
        print("\n" + build_table(builds))
    path = write_results(rows, builds, every_build, argv, failure, reference)
    print(f"\n→ {path.relative_to(REPO)}", file=sys.stderr)
    if failure:
        print(f"\nFAILED: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
