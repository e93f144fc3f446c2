"""Side by side: `disclosure build` against plain MkDocs + Material and against Hugo.

    python bench/compare.py [--material-items 2000] [--hugo-items 10000] [--keep]

On the same synthetic corpus (bench/corpus.py) and in the same run:
- plain mkdocs-material: items in the navigation (MkDocs' default) and Material's built-in search,
  at ``--material-items`` items — what a web team gets without this generator;
- Hugo (Debian's `hugo`): equivalent list templates (序号 | 标题 | 发文字号 | 成文日期 | 发布日期,
  newest first, 20 per page) and item templates (the metadata block and the body), at
  ``--hugo-items`` items;
- `disclosure build` at both sizes (validation, rendering, search index and link check included).
Prints a Markdown table with seconds, peak memory, output size and the ratios; writes it to
bench/out/compare.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
AS_OF = "2026-11-20"

PLAIN_MKDOCS = """\
site_name: 湟源县人民政府信息公开（plain Material）
docs_dir: content
site_dir: site
theme:
  name: material
  language: zh
plugins:
  - search
markdown_extensions:
  - tables
"""

HUGO_CONFIG = """\
baseURL = "https://www.example.gov.cn/"
languageCode = "zh-cn"
defaultContentLanguage = "zh-cn"
hasCJKLanguage = true
title = "湟源县人民政府信息公开（Hugo）"
contentDir = "content"
publishDir = "public"
disableKinds = ["taxonomy", "term", "RSS"]
[pagination]
  pagerSize = 20
paginate = 20
[markup.goldmark.renderer]
  unsafe = false
"""

HUGO_BASEOF = """\
<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }} - {{ .Site.Title }}</title>
<meta name="SiteName" content="{{ .Site.Title }}"></head>
<body><header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
<nav>{{ range .Site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav>
<main>{{ block "main" . }}{{ end }}</main><footer>主办单位：湟源县人民政府办公室</footer></body></html>
"""

HUGO_LIST = """\
{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
{{ $pages := sort .RegularPages "Params.published" "desc" }}
{{ $pager := .Paginate $pages }}
<table><thead><tr><th>序号</th><th>标题</th><th>发文字号</th><th>成文日期</th><th>发布日期</th></tr></thead><tbody>
{{ range $i, $p := $pager.Pages }}<tr><td>{{ add $i 1 }}</td><td><a href="{{ $p.RelPermalink }}">{{ $p.Title }}</a></td>
<td>{{ $p.Params.doc_no }}</td><td>{{ $p.Params.written }}</td><td>{{ $p.Params.published }}</td></tr>{{ end }}
</tbody></table>
{{ if $pager.HasPrev }}<a href="{{ $pager.Prev.URL }}">上一页</a>{{ end }}
{{ if $pager.HasNext }}<a href="{{ $pager.Next.URL }}">下一页</a>{{ end }}
{{ range .Sections }}<p><a href="{{ .RelPermalink }}">{{ .Title }}</a></p>{{ end }}
{{ end }}
"""

HUGO_SINGLE = """\
{{ define "main" }}
<table><tr><th>索引号</th><td>{{ .Params.index_no }}</td><th>主题分类</th><td>{{ .Params.topic }}</td></tr>
<tr><th>发布机构</th><td>{{ .Params.publisher }}</td><th>成文日期</th><td>{{ .Params.written }}</td></tr>
<tr><th>标题</th><td>{{ .Title }}</td><th>发文字号</th><td>{{ .Params.doc_no }}</td></tr>
<tr><th>发布日期</th><td>{{ .Params.published }}</td><th>有效性</th><td>{{ .Params.validity }}</td></tr></table>
<h1>{{ .Title }}</h1>{{ .Content }}
{{ end }}
"""


@dataclass
class Run:
    tool: str
    items: int
    seconds: float
    peak_mb: float
    output_mb: float
    note: str = ""


def measure(command: list[str], cwd: Path, log: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MiB (largest child) and the exit code of one child process."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    with log.open("w", encoding="utf-8") as output:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, stdout=output, stderr=subprocess.STDOUT, env=env
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    return seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1024 / 1024


def corpus(items: int) -> Path:
    site = OUT / f"compare-{items}"
    if not (site / "content").is_dir():
        subprocess.run(
            [
                sys.executable,
                str(BENCH / "corpus.py"),
                "--items",
                str(items),
                "--out",
                str(site),
                "--force",
            ],
            check=True,
        )
    return site


def run_disclosure(site: Path, items: int) -> Run:
    shutil.rmtree(site / "site", ignore_errors=True)
    seconds, peak, code = measure(
        [sys.executable, "-m", "generator.cli", "build", "--site", str(site), "--as-of", AS_OF],
        site,
        OUT / f"compare-disclosure-{items}.log",
    )
    note = "" if code == 0 else f"exit {code}"
    return Run("disclosure build", items, seconds, peak, folder_mb(site / "site"), note)


def run_plain_material(source: Path, items: int) -> Run:
    site = OUT / f"compare-material-{items}"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(source / "content", site / "content")
    (site / "mkdocs.yml").write_text(PLAIN_MKDOCS, encoding="utf-8")
    seconds, peak, code = measure(
        [sys.executable, "-m", "mkdocs", "build", "-q"], site, OUT / f"compare-material-{items}.log"
    )
    index = site / "site" / "search" / "search_index.json"
    note = (
        f"search_index.json {index.stat().st_size / 1024 / 1024:.1f} MB" if index.is_file() else ""
    )
    if code:
        note = f"exit {code}"
    return Run("plain mkdocs-material", items, seconds, peak, folder_mb(site / "site"), note)


def run_hugo(source: Path, items: int) -> Run:
    site = OUT / f"compare-hugo-{items}"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(source / "content", site / "content")
    for intro in (site / "content").rglob("index.md"):
        intro.rename(intro.with_name("_index.md"))  # Hugo: a section's own page
    layouts = site / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "baseof.html").write_text(HUGO_BASEOF, encoding="utf-8")
    (layouts / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (layouts / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (site / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    seconds, peak, code = measure(["hugo", "--quiet"], site, OUT / f"compare-hugo-{items}.log")
    note = "no validation, no search index, no link check" if code == 0 else f"exit {code}"
    return Run("hugo", items, seconds, peak, folder_mb(site / "public"), note)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--material-items", type=int, default=2000)
    parser.add_argument("--hugo-items", type=int, default=10000)
    parser.add_argument(
        "--keep", action="store_true", help="keep the generated sites in bench/out/"
    )
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    runs: list[Run] = []
    small, large = corpus(args.material_items), corpus(args.hugo_items)
    runs.append(run_disclosure(small, args.material_items))
    runs.append(run_plain_material(small, args.material_items))
    runs.append(run_disclosure(large, args.hugo_items))
    if shutil.which("hugo"):
        runs.append(run_hugo(large, args.hugo_items))
    else:
        runs.append(
            Run("hugo", args.hugo_items, 0, 0, 0, "hugo not installed: apt-get install hugo")
        )
    lines = [
        "| tool | items | seconds | peak MB | output MB | vs disclosure | note |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    ours = {run.items: run for run in runs if run.tool == "disclosure build"}
    for run in runs:
        ratio = (
            f"{run.seconds / ours[run.items].seconds:.2f}×"
            if run.seconds and run.tool != "disclosure build"
            else ""
        )
        lines.append(
            f"| {run.tool} | {run.items:,} | {run.seconds:.1f} | {run.peak_mb:.0f} | {run.output_mb:.0f} | {ratio} | {run.note} |"
        )
    table = "\n".join(lines)
    print(table)
    (OUT / "compare.md").write_text(table + "\n", encoding="utf-8")
    if not args.keep:
        for folder in OUT.glob("compare-*"):
            if folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
