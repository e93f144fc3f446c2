"""Search benchmark: Pagefind indexing time and memory, and the bytes one query downloads.

    python bench/corpus.py --items 10000 --out /tmp/c10k
    disclosure build --site /tmp/c10k --as-of 2026-11-20
    python bench/search_bench.py --site /tmp/c10k --shard-chars 4000000 --query 政务公开 ...

Re-indexes the built site (``site/``) with the same step the build runs, then opens the search
page in the system Chromium with a cold cache for each query and sums the responses. Results
are printed as Markdown rows for bench/SEARCH.md.
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import resource
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import QuietHandler, launch_chromium, serve  # noqa: E402

from generator.content.collection import CONTENT_DIR, check_site  # noqa: E402
from generator.content.dates import AsOf  # noqa: E402
from generator.diagnostics import Report  # noqa: E402
from generator.publish.search import (  # noqa: E402
    BUNDLE_DIR,
    SHARD_BUDGET_VARIABLE,
    build_search_index,
    plan_shards,
)
from generator.site.model import build_site_model  # noqa: E402

DEFAULT_QUERIES = ["政务公开", "临时救助", "2024", "义务教育招生"]
COMPRESSIBLE = (".html", ".js", ".css", ".json")


class GzipHandler(QuietHandler):
    """Compresses text files as a production web server does (nginx ``gzip on``); Pagefind's
    index files are compressed already and are sent as they are."""

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.suffix in COMPRESSIBLE and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--site", type=Path, required=True, help="a site built with disclosure build"
    )
    parser.add_argument("--as-of", default="2026-11-20")
    parser.add_argument("--shard-chars", type=int, default=0, help="text per shard (0: default)")
    parser.add_argument("--query", action="append", help="repeat for several queries")
    parser.add_argument("--skip-index", action="store_true", help="measure queries only")
    parser.add_argument("--plain", action="store_true", help="serve without gzip")
    args = parser.parse_args()
    if args.shard_chars:
        os.environ[SHARD_BUDGET_VARIABLE] = str(args.shard_chars)
    args.site = args.site.resolve()  # Pagefind runs in the staged folder (cwd)
    output = args.site / "site"
    as_of = AsOf.parse(args.as_of)
    report = Report()
    collection = check_site(args.site, as_of, report)
    if collection is None or report.has_errors():
        raise SystemExit("the site does not pass disclosure check")
    model = build_site_model(collection, as_of, args.site / CONTENT_DIR)
    shards = plan_shards(model.items)
    print(f"items: {len(model.items)}, shards: {len(shards)} ({', '.join(s.id for s in shards)})")
    if not args.skip_index:
        started = time.perf_counter()
        build_search_index(output, model, report)
        seconds = time.perf_counter() - started
        # The largest single run; two runs may overlap (see bench/SEARCH.md): their sum at
        # once is what bench/run.py's "machine MB" samples.
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if report.has_errors():
            raise SystemExit("\n".join(d.as_text() for d in report))
        size = sum(p.stat().st_size for p in (output / BUNDLE_DIR).rglob("*") if p.is_file())
        print(
            f"indexing: {seconds:.1f} s, peak of one Pagefind run {peak:.0f} MB, "
            f"bundle {size / 2**20:.1f} MB"
        )
    print(
        "| query | results | bytes until results | with filter counts | of which index chunks "
        "| requests | time to results |"
    )
    print("|---|---|---|---|---|---|---|")
    handler = QuietHandler if args.plain else GzipHandler
    with serve(output, handler) as base_url, launch_chromium() as browser:
        for query in args.query or DEFAULT_QUERIES:
            print(measure(browser, base_url, query))


def measure(browser, base_url: str, query: str) -> str:
    """Open the search page for one query in a fresh context (empty cache) and sum the responses
    of everything the search loads (search.js; Pagefind's script, worker and WebAssembly; each
    shard's metadata; the index chunks of the query's words; the fragments of the results shown;
    then the filter indexes for the counts), first when the results are on screen, then when the
    filter counts are in. The page itself and Material's assets are not counted."""
    context = browser.new_context()
    page = context.new_page()
    fetched: list[tuple[str, int]] = []

    def finished(request) -> None:
        url = request.url
        if f"/{BUNDLE_DIR}/" in url or url.endswith("/search.js"):
            sizes = request.sizes()
            fetched.append((url, sizes["responseBodySize"] + sizes["responseHeadersSize"]))

    context.on("requestfinished", finished)
    started = time.perf_counter()
    page.goto(base_url + "search/?q=" + quote(query))
    page.wait_for_function(
        "() => /找到/.test(document.querySelector('.dp-search__status').textContent)",
        timeout=120_000,
    )
    shown = time.perf_counter() - started
    results_bytes = sum(size for _, size in fetched)
    page.wait_for_function(
        "() => document.querySelector('[data-dp-search]').getAttribute('aria-busy') === 'false'",
        timeout=120_000,
    )
    page.wait_for_load_state("networkidle")
    status = (page.text_content(".dp-search__status") or "").strip()
    context.close()
    total = sum(size for _, size in fetched)
    chunks = sum(size for url, size in fetched if url.endswith(".pf_index"))
    found = status.removeprefix("找到 ").split(" 条")[0] if status.startswith("找到") else "0"
    return (
        f"| {query} | {found} | {results_bytes / 1024:.0f} KB | {total / 1024:.0f} KB "
        f"| {chunks / 1024:.0f} KB | {len(fetched)} | {shown:.1f} s |"
    )


if __name__ == "__main__":
    main()
