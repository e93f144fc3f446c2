"""Paginated listings: a column's items, a browse facet's items, newest first.

A listing knows its own URLs: page 1 lives at ``{base}/``, page n at ``{base}/page/{n}/``.
Source URIs (``{base}/index.md``, ``{base}/page/{n}.md``) are what the renderer generates.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.content.model import Item


@dataclass(frozen=True)
class ListingPage:
    number: int  # 1-based
    count: int  # number of pages in the listing
    items: tuple[Item, ...]
    first_serial: int  # 序号 of the first row on this page
    base: str  # the listing's folder, e.g. "fdzdgknr/zcwj"
    total_items: int

    @property
    def src_uri(self) -> str:
        """The page's URL as a source: ``{base}/index.md``, then ``{base}/page/{n}.md``."""
        return f"{self.url}index.md" if self.number == 1 else self.url.removesuffix("/") + ".md"

    @property
    def shows_doc_numbers(self) -> bool:
        """Whether the 发文字号 column has anything to show on this page (a 年报 list: no)."""
        return any(item.doc_no for item in self.items)

    @property
    def shows_written_dates(self) -> bool:
        return any(item.written for item in self.items)

    @property
    def url(self) -> str:
        return page_url(self.base, self.number)

    @property
    def previous_url(self) -> str | None:
        return page_url(self.base, self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return page_url(self.base, self.number + 1) if self.number < self.count else None

    def pager(self, width: int = 2) -> list[tuple[int, str] | None]:
        """Page numbers to show around the current one; None marks a gap (…)."""
        shown = sorted(
            {
                1,
                self.count,
                *range(max(1, self.number - width), min(self.count, self.number + width) + 1),
            }
        )
        result: list[tuple[int, str] | None] = []
        previous = 0
        for number in shown:
            if number > previous + 1:
                result.append(None)
            result.append((number, page_url(self.base, number)))
            previous = number
        return result


def page_url(base: str, number: int) -> str:
    prefix = f"{base}/" if base else ""
    return prefix if number == 1 else f"{prefix}page/{number}/"


def paginate(items: list[Item], base: str, page_size: int) -> list[ListingPage]:
    """Split items (already sorted) into pages; an empty listing still has one page."""
    count = max(1, -(-len(items) // page_size))
    return [
        ListingPage(
            number=number,
            count=count,
            items=tuple(items[(number - 1) * page_size : number * page_size]),
            first_serial=(number - 1) * page_size + 1,
            base=base,
            total_items=len(items),
        )
        for number in range(1, count + 1)
    ]
