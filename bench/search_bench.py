"""Search benchmark: the index step's time and memory, and the bytes each query transfers.

    python bench/corpus.py --items 10000 --out /tmp/c10k
    disclosure build --site /tmp/c10k --as-of 2026-11-20
    python bench/search_bench.py --site /tmp/c10k [--index-only]

Writes the index of the built site again with the build's own step (``site/search-index/``,
from the item pages of ``site/``) to time it (wall and CPU seconds, the CPU of the forked
children that gather a share of the items included), then opens the search page in the system
Chromium for each query of a realistic set drawn from the site itself (see :func:`queries`):
each in a fresh context (empty cache), the query typed into the search box and submitted, and
sums what the search transferred until the first results (or the no-result message) are on
screen: ``assets/search.js`` and every file of ``search-index/``. The page itself and
Material's assets are not counted. The server compresses HTML/JS/CSS/JSON as nginx with
``gzip on`` does; the binary index files are sent as they are. Prints Markdown for
bench/SEARCH.md.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import QuietHandler, launch_chromium, serve  # noqa: E402

from generator.content.collection import CONTENT_DIR  # noqa: E402
from generator.content.dates import AsOf  # noqa: E402
from generator.diagnostics import Report  # noqa: E402
from generator.publish.search import INDEX_DIR, build_search_index  # noqa: E402
from generator.site.check import check_site  # noqa: E402
from generator.site.model import SiteModel, build_site_model  # noqa: E402

COMPRESSIBLE = (".html", ".js", ".css", ".json")
BODY_WORDS = [
    "救助",
    "低保",
    "招生",
    "采购",
    "预算",
    "防汛",
    "养老",
    "医保",
    "安全生产",
    "疫苗接种",
]
NO_MATCH = ["火星移民", "量子纠缠"]
CHINESE = re.compile(r"[\u4e00-\u9fff]{4,}")


class GzipHandler(QuietHandler):
    """Compresses text files as a production web server does (nginx ``gzip on``)."""

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
    parser.add_argument("--skip-index", action="store_true", help="measure queries only")
    parser.add_argument("--index-only", action="store_true", help="measure the index step only")
    parser.add_argument("--query", action="append", help="instead of the drawn set; repeatable")
    args = parser.parse_args()
    output = args.site.resolve() / "site"
    if not args.skip_index:
        index_step(args.site.resolve(), output, AsOf.parse(args.as_of))
    files = [p for p in (output / INDEX_DIR).rglob("*") if p.is_file()]
    print(f"index files: {len(files)}, {sum(p.stat().st_size for p in files) / 2**20:.1f} MB")
    if args.index_only:
        return
    asked = [(query, "") for query in args.query] if args.query else queries(output)
    print("\n| query | kind | results | bytes until results | requests |")
    print("|---|---|---|---|---|")
    sizes = []
    with serve(output, GzipHandler) as base_url, launch_chromium() as browser:
        for query, kind in asked:
            found, size, requests = measure(browser, base_url, query)
            sizes.append(size)
            print(f"| {query} | {kind} | {found} | {size / 1024:.1f} KB | {requests} |")
    sizes.sort()
    p90 = sizes[min(len(sizes) - 1, round(0.9 * (len(sizes) - 1)))]
    print(
        f"\n{len(sizes)} queries: median {statistics.median(sizes) / 1024:.1f} KB, "
        f"90th percentile {p90 / 1024:.1f} KB, maximum {sizes[-1] / 1024:.1f} KB"
    )


def index_step(site: Path, output: Path, as_of: AsOf) -> None:
    """Write the index of ``output`` again with the build's step, timed (wall and CPU)."""
    report = Report()
    collection = check_site(site, as_of, report)
    if collection is None or report.has_errors():
        raise SystemExit("the site does not pass disclosure check")
    model = build_site_model(collection, as_of, site / CONTENT_DIR)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    shutil.rmtree(output / INDEX_DIR, ignore_errors=True)
    started, cpu = time.perf_counter(), cpu_seconds()
    state = build_search_index(output, model, report)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if report.has_errors() or state is None:
        raise SystemExit("\n".join(d.as_text() for d in report))
    print(
        f"items: {len(model.items)}; index step {seconds:.1f} s ({cpu:.1f} CPU s, its forked "
        f"children's included); peak of the process {peak:.0f} MB (before the step: "
        f"{before:.0f} MB, the model loaded), of its largest child {children:.0f} MB; "
        f"load average {', '.join(f'{v:.1f}' for v in os.getloadavg())}"
    )
    update_step(site, output, model, state)


def cpu_seconds() -> float:
    """User and system time of this process and of the children it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def update_step(site: Path, output: Path, model: SiteModel, state: dict) -> None:
    """The step of an incremental build after one edit: an item in the middle of the order
    gets a sentence more in its page, staged beside the site as the build stages it."""
    item = model.items[len(model.items) // 2]
    page = (output / item.url / "index.html").read_text(encoding="utf-8")
    edited = page.replace(
        '<div class="dp-body">', '<div class="dp-body"><p>补充说明一项新的安排。</p>'
    )
    with tempfile.TemporaryDirectory(dir=site) as folder:
        staging = Path(folder)
        (staging / item.url).mkdir(parents=True)
        (staging / item.url / "index.html").write_text(edited, encoding="utf-8")
        report, kept = Report(), set()
        started, cpu = time.perf_counter(), cpu_seconds()
        build_search_index(staging, model, report, output, kept, state, frozenset({item.src_uri}))
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        written = [p for p in (staging / INDEX_DIR).rglob("*") if p.is_file()]
    print(
        f"after one edit: the index step {seconds:.2f} s ({cpu:.2f} CPU s), {len(written)} "
        f"files written, {len(kept)} kept"
    )


def queries(output: Path) -> list[tuple[str, str]]:
    """About 55 realistic queries, drawn (seed 1) from the site's own result records: title
    phrases, body words, 文号 in three bracket styles, 索引号, units, a topic with a year, and
    queries that match nothing."""
    folder = output / INDEX_DIR / "r"
    records = []
    for n in range(len(list(folder.glob("*.json")))):
        records += json.loads((folder / f"{n}.json").read_text(encoding="utf-8"))
    rng = Random(1)
    picked: list[tuple[str, str]] = []
    for record in rng.sample(records, 16):
        runs = CHINESE.findall(record["title"].removeprefix(record.get("publisher", "")))
        run = max(runs, key=len) if runs else record["title"]
        size = rng.randint(4, min(10, len(run)))
        start = rng.randint(0, len(run) - size)
        picked.append((run[start : start + size], "title phrase"))
    picked += [(word, "body word") for word in BODY_WORDS]
    numbered = [record for record in records if record.get("doc_no")]
    styles = [("〔", "〕"), ("[", "]"), ("（", "）")]
    for record in rng.sample(numbered, 4):
        for opening, closing in styles:
            typed = record["doc_no"].replace("〔", opening).replace("〕", closing)
            picked.append((typed, "文号"))
    picked += [(record["index_no"], "索引号") for record in rng.sample(records, 4)]
    units = sorted({record["publisher"] for record in records if record.get("publisher")})
    picked += [(unit, "unit") for unit in rng.sample(units, 3)]
    picked += [
        ("卫生健康 2024", "topic + year"),
        ("教育 2023", "topic + year"),
        ("财政 2025", "topic + year"),
    ]
    picked += [(query, "no match") for query in NO_MATCH]
    return picked


def measure(browser, base_url: str, query: str) -> tuple[str, int, int]:
    """Type one query on a freshly opened search page (empty cache); the bytes of search.js and
    the index files transferred until the results or the no-result message are shown."""
    context = browser.new_context()
    page = context.new_page()
    fetched: list[int] = []

    def finished(request) -> None:
        if f"/{INDEX_DIR}/" in request.url or request.url.endswith("/search.js"):
            sizes = request.sizes()
            fetched.append(sizes["responseBodySize"] + sizes["responseHeadersSize"])

    context.on("requestfinished", finished)
    page.goto(base_url + "search/")
    page.fill("#dp-search-q", query)
    page.press("#dp-search-q", "Enter")
    page.wait_for_function(
        f"() => new URL(location.href).searchParams.get('q') === {json.dumps(query)}"
        " && document.querySelector('[data-dp-search]').getAttribute('aria-busy') === 'false'",
        timeout=120_000,
    )
    status = (page.text_content(".dp-search__status") or "").strip()
    context.close()
    found = status.removeprefix("找到 ").split(" 条")[0] if status.startswith("找到") else "0"
    return found, sum(fetched), len(fetched)


if __name__ == "__main__":
    main()
