"""The judged query sets (tests/judged_queries.py) against a built reference site: for each query,
the rank of the item it means on the search page (Chromium), as Markdown.

    disclosure build --site /tmp/ref --as-of 2026-11-20
    python bench/search_quality.py --site /tmp/ref

Only the page's markup is relied on (``.dp-result`` items, the status line, ``aria-busy``), so
the same script reads a site built by an older version of the generator (Pagefind's).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import launch_chromium, serve  # noqa: E402
from judged_queries import FIRST_RESULTS, JUDGED  # noqa: E402

FINISHED = """() => {
    const root = document.querySelector('[data-dp-search]');
    const status = root.querySelector('.dp-search__status').textContent;
    return root.getAttribute('aria-busy') === 'false' && !/正在检索/.test(status);
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, required=True, help="a built reference site")
    args = parser.parse_args()
    print("| query | meant item | rank |\n|---|---|---|")
    ranks: dict[str, int | None] = {}
    with serve(args.site / "site") as base_url, launch_chromium() as browser:
        page = browser.new_page()
        for query, meant in [*JUDGED, *FIRST_RESULTS]:
            page.goto(base_url + "search/?q=" + quote(query))
            page.wait_for_function(FINISHED, timeout=60_000)
            urls = page.eval_on_selector_all(
                ".dp-result__title a", "links => links.map(link => link.href)"
            )
            found = [url.removeprefix(base_url) for url in urls]
            ranks[query] = found.index(meant) + 1 if meant in found else None
            print(f"| {query} | {meant} | {ranks[query] or '—'} |")
    top3 = sum(1 for query, _ in JUDGED if (ranks[query] or 99) <= 3)
    first = sum(1 for query, _ in FIRST_RESULTS if ranks[query] == 1)
    print(f"\n{top3} of {len(JUDGED)} judged queries in the top 3")
    print(f"{first} of {len(FIRST_RESULTS)} typed queries first")


if __name__ == "__main__":
    main()
