"""Benchmark of the link check of a rendered site (issue #4), recorded in bench/LINKS.md.

    python bench/links.py --items 10000 [--out DIR] [--keep-build] [--repeat 3]

Writes a synthetic site with bench/corpus.py, builds it once with ``disclosure build`` (which
already runs the link check before publishing), then times the link-check step alone on the
built ``site/``, on one process and on all cores. For each run it prints the wall time and the
CPU time of this process and of its worker processes, so that a run on a busy machine can be
told from a slow checker.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-20"


def run(command: list[str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, encoding="utf-8")
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return time.perf_counter() - started


def time_link_check(site: Path, workers: int) -> dict[str, float | int | str]:
    from generator.content.dates import AsOf
    from generator.diagnostics import Report
    from generator.publish import linkcheck
    from generator.site.check import check_site
    from generator.site.model import build_site_model

    as_of = AsOf.parse(AS_OF)
    collection = check_site(site, as_of, Report())
    assert collection is not None
    model = build_site_model(collection, as_of, site / "content")
    output = site / "site"
    before, started = os.times(), time.perf_counter()
    state = linkcheck.OutputFiles(
        output, linkcheck.all_files(output), *linkcheck.site_address(output)
    )
    scans = linkcheck.scan_site(state, workers=workers)
    report = Report()
    linkcheck.report_problems(scans, linkcheck.SourceMap(model), "site", report)
    wall = time.perf_counter() - started
    after = os.times()
    return {
        "workers": workers,
        "pages": len(scans),
        "files": len(state.files),
        "html_mb": round(sum((output / s.page).stat().st_size for s in scans) / 1e6, 1),
        "wall": round(wall, 2),
        "cpu_self": round(after.user + after.system - before.user - before.system, 2),
        "cpu_workers": round(
            after.children_user
            + after.children_system
            - before.children_user
            - before.children_system,
            2,
        ),
        "problems": len(report),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--keep-build", action="store_true", help="reuse an existing site/")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    site = args.out or REPO / "bench" / "out" / f"links-{args.items}"
    if not (args.keep_build and (site / "site").is_dir()):
        corpus = [sys.executable, str(REPO / "bench" / "corpus.py"), "--items", str(args.items)]
        seconds = run([*corpus, "--out", str(site), "--force"])
        print(f"corpus: {args.items} items in {seconds:.1f} s")
        cli = [sys.executable, "-m", "generator.cli"]
        seconds = run([*cli, "build", "--site", str(site), "--as-of", AS_OF])
        print(f"disclosure build (render, search index, link check): {seconds:.1f} s")
    load = os.getloadavg()
    print(f"load average before timing: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    cores = len(os.sched_getaffinity(0))
    for workers in dict.fromkeys((cores, 1)):
        for _ in range(args.repeat):
            print(time_link_check(site, workers))


if __name__ == "__main__":
    main()
