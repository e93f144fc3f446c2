"""Benchmark runner: generate a corpus per size, then time each stage as a subprocess.

    python bench/run.py --items 1000 10000 100000 [--stages check,build,rebuild] [--repeat 3]

For every size it writes a synthetic site with bench/corpus.py into bench/out/items-N/ and runs

- ``corpus``: the generator itself (for reference),
- ``check``:  ``disclosure check --site DIR --as-of 2026-11-20 --format json``,
- ``build``:  ``disclosure build --site DIR --as-of 2026-11-20 --timings FILE`` (a full build,
  ``--full`` where the command has it; skipped while the command does not exist);
- ``rebuild``: one item edited in the built site (its body, then another item's title, as a
  clerk edits; see EDITS), and ``disclosure build`` run again, incremental, after each edit
  (the full build first, untimed, where the ``build`` stage did not run).

Each stage is one child process. ``corpus`` and ``check``: wall time from ``time.perf_counter``
and peak resident memory from ``os.wait4`` (the child's own ``ru_maxrss``). ``build``: the
seconds of its stages as the build measured them itself (``--timings``: validate, model,
render, search, links, commit, total); as peak memory the build process's own ``ru_maxrss``
("build MB") and what the machine needed: the largest sum, sampled every two seconds, of the
proportional set size of the build and all its children, render and link-check workers included
("machine MB", bench/memory.py; the samples are kept in bench/out/logs/*.memory.tsv); and the
CPU time of the build and the children it waited for ("CPU s", from ``os.wait4``). ``rebuild``:
the same figures, and the wall time of the whole process ("seconds"). The corpus
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
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from memory import TreeMemory  # bench/memory.py, beside this script

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
LOGS = OUT / "logs"
CORPUS = REPO / "bench" / "corpus.py"
STAGES = ("check", "build", "rebuild")
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


def timed_build(items: int, site_dir: Path, log: str, *options: str) -> tuple[Measurement, dict]:
    """One ``disclosure build`` of the site, measured; its ``--timings`` document."""
    timings = LOGS / f"{log}.timings.json"
    timings.unlink(missing_ok=True)
    command = [*disclosure_command(), "build", "--site", str(site_dir), "--as-of", AS_OF]
    command += ["--timings", str(timings), *options]
    result = measure(command, log)
    if result.returncode != 0 or not timings.is_file():
        raise BenchFailure(
            f"disclosure build 退出码 {result.returncode}（{items} 条）：\n{tail(result.stderr)}"
        )
    return result, json.loads(timings.read_text(encoding="utf-8"))


def run_build(items: int, site_dir: Path, repeat: int, full: bool) -> list[BuildRow]:
    """``repeat`` full builds of the site; each writes its own timings file next to its logs."""
    rows = []
    for run in range(1, repeat + 1):
        options = ["--full"] if full else []
        result, document = timed_build(items, site_dir, f"items-{items}-build-{run}", *options)
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


# The rebuild stage: one edit as a clerk makes it, then an incremental build ------------------


def public_item(site_dir: Path, column: str) -> Path:
    """The newest public item of a column folder (the one a clerk is most likely to correct)."""
    for path in sorted((site_dir / "content").glob(f"{column}/2*.md"), reverse=True):
        if "disclosure: 主动公开" in path.read_text(encoding="utf-8"):
            return path
    raise BenchFailure(f"{column} 中没有主动公开的条目")


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise BenchFailure(f"{path}：找不到 {old!r}")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_nothing(site_dir: Path) -> Path | None:
    return None


def edit_body(site_dir: Path) -> Path | None:
    """A sentence added to the body of a policy document."""
    path = public_item(site_dir, "fdzdgknr/zcwj")
    replace_once(path, "\n## ", "\n本次修订补充了办理时限和咨询渠道。\n\n## ")
    return path


def edit_title(site_dir: Path) -> Path | None:
    """An item's title corrected: its listing and browse pages change too."""
    path = public_item(site_dir, "fdzdgknr/qtxx")
    replace_once(path, "title: ", "title: （更正）")
    return path


def edit_new(site_dir: Path) -> Path | None:
    """A new item published on the as-of day, a copy of another with its own 索引号."""
    source = public_item(site_dir, "fdzdgknr/msxx")
    text = source.read_text(encoding="utf-8")
    number = re.search(r"^index_no: (\S+)-(\d+)$", text, re.MULTILINE)
    if number is None:
        raise BenchFailure(f"{source}：没有 index_no")
    text = text.replace(number[0], f"index_no: {number[1]}-{int(number[2]) + 50000:05d}")
    text = re.sub(r"^published: .*$", f"published: {AS_OF}", text, count=1, flags=re.MULTILINE)
    target = source.with_name(f"{AS_OF.replace('-', '')}-999999.md")
    target.write_text(text, encoding="utf-8")
    return target


def edit_withdrawn(site_dir: Path) -> Path | None:
    """An item changed to 依申请公开: its page and its search entries leave the site."""
    path = public_item(site_dir, "fdzdgknr/jdjc")
    replace_once(path, "disclosure: 主动公开", "disclosure: 依申请公开")
    return path


EDITS: dict[str, Callable[[Path], Path | None]] = {
    "nothing": edit_nothing,
    "body": edit_body,
    "title": edit_title,
    "new": edit_new,
    "withdrawn": edit_withdrawn,
}
DEFAULT_EDITS = ("body", "title")


@dataclass
class RebuildRow:
    """An incremental build after one edit: the wall time of the whole process, the stages it
    timed itself, its CPU time and peak memory (as :class:`BuildRow`)."""

    items: int
    edit: str
    file: str
    process_seconds: float
    seconds: dict[str, float]
    cpu_seconds: float
    tree_mb: float


def wait_for_trash(site_dir: Path, limit: float = 600) -> None:
    """Wait until the previous output, deleted in the background after each build
    (generator/publish/atomic.py), is gone: a clerk edits for minutes between two builds, and
    deleting the old site would otherwise compete for the disk with the rebuild measured."""
    started = time.perf_counter()
    while any(site_dir.glob(".site-trash-*")) and time.perf_counter() - started < limit:
        time.sleep(0.5)


def run_rebuild(items: int, site_dir: Path, edits: Sequence[str], built: bool) -> list[RebuildRow]:
    """Each edit in turn on the built site (a full build first unless ``built``), each followed
    by an incremental ``disclosure build``."""
    if not built:
        timed_build(items, site_dir, f"items-{items}-rebuild-full", "--full")
    rows = []
    for n, edit in enumerate(edits, 1):
        changed = EDITS[edit](site_dir)
        wait_for_trash(site_dir)
        result, document = timed_build(items, site_dir, f"items-{items}-rebuild-{n}-{edit}")
        seconds = {stage: float(document["seconds"][stage]) for stage in BUILD_STAGES}
        file = changed.relative_to(site_dir).as_posix() if changed else "—"
        row = RebuildRow(
            items, edit, file, result.seconds, seconds, result.cpu_seconds, result.tree_mb
        )
        rows.append(row)
        print(
            f"{items:,} items: rebuild after the {edit} edit in {result.seconds:.2f}s "
            f"({result.cpu_seconds:.1f} CPU-s)",
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


def rebuild_table(rows: Sequence[RebuildRow]) -> str:
    stages = BUILD_STAGES[:-1]
    head = ["items", "edit", "seconds", *stages, "total", "CPU s", "machine MB", "file"]
    lines = ["| " + " | ".join(head) + " |", "|---:|---|" + "---:|" * (len(head) - 3) + "---|"]
    for row in rows:
        cells = [f"{row.items:,}", row.edit, f"{row.process_seconds:.2f}"]
        cells += [f"{row.seconds[stage]:.2f}" for stage in (*stages, "total")]
        cells += [f"{row.cpu_seconds:.1f}", f"{row.tree_mb:,.0f}", f"`{row.file}`"]
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
    rebuilds: Sequence[RebuildRow],
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
    if rebuilds:
        parts += [
            "`disclosure build` after one edit (incremental), seconds:",
            "",
            rebuild_table(rebuilds),
            "",
        ]
    if failure:
        parts += ["**FAILED:**", "", "```", failure, "```", ""]
    path = OUT / "results.md"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, nargs="+", default=[1000, 10000], help="sizes")
    parser.add_argument(
        "--stages", default="check,build", help="comma-separated: check,build,rebuild"
    )
    parser.add_argument(
        "--edits",
        default=",".join(DEFAULT_EDITS),
        help=f"the rebuild stage's edits, in order: {','.join(EDITS)}",
    )
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per stage; the best counts")
    parser.add_argument("--site", type=Path, default=REPO, help="reference site (default: repo)")
    parser.add_argument("--keep", action="store_true", help="keep the corpora in bench/out/")
    args = parser.parse_args(argv)
    args.stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = [s for s in args.stages if s not in STAGES]
    if unknown:
        parser.error(f"unknown stage(s) {', '.join(unknown)}; choose from {', '.join(STAGES)}")
    args.edits = [e.strip() for e in args.edits.split(",") if e.strip()]
    unknown = [e for e in args.edits if e not in EDITS]
    if unknown:
        parser.error(f"unknown edit(s) {', '.join(unknown)}; choose from {', '.join(EDITS)}")
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
    rebuilds: list[RebuildRow] = []
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
            if "rebuild" in args.stages:
                built = "build" in args.stages and help_text is not None
                rebuilds += run_rebuild(items, site_dir, args.edits, built)
            if not args.keep:  # the last output's background deleter may still be at it
                shutil.rmtree(site_dir, ignore_errors=True)
    except BenchFailure as error:
        failure = str(error)
    print(table(rows))
    if builds:
        print("\n" + build_table(builds))
    if rebuilds:
        print("\n" + rebuild_table(rebuilds))
    path = write_results(rows, builds, every_build, rebuilds, argv, failure, reference)
    print(f"\n→ {path.relative_to(REPO)}", file=sys.stderr)
    if failure:
        print(f"\nFAILED: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
