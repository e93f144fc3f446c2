"""The search page's filters (栏目, the browse facets, 有效性) with their totals: what the page
``search/`` offers, planned with the other pages; the index step
(:mod:`generator.publish.search`) writes the documents of each filter value.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from generator.content.catalog import Catalog, Column
from generator.content.fields import VALIDITY_VALUES
from generator.content.model import Item
from generator.site.model import SiteModel

SEARCH_ROOT = "search"  # the search page: search/?q=…


@dataclass(frozen=True)
class FilterChoice:
    """One filter of the search page with its values and their totals, in catalog order. The
    n-th value's documents are in the index file ``f/{key}-{n}.bin``."""

    key: str
    title: str
    values: list[tuple[str, int]]


@dataclass(frozen=True)
class SearchPage:
    """What the search page needs: the filters it offers."""

    filters: list[FilterChoice]


def search_page(model: SiteModel) -> SearchPage:
    """The search page's filters (栏目, the browse facets, 有效性), with totals."""
    return SearchPage([choice for choice, _ in filters_with_items(model)])


def filters_with_items(model: SiteModel) -> list[tuple[FilterChoice, list[list[Item]]]]:
    """Each filter with the items of each of its values."""
    columns = column_labels(model.catalog)
    found: list[tuple[FilterChoice, list[list[Item]]]] = []

    def add(key: str, title: str, values: list[tuple[str, list[Item]]]) -> None:
        values = [(name, items) for name, items in values if items]
        if values:
            choice = FilterChoice(key, title, [(name, len(items)) for name, items in values])
            found.append((choice, [items for _, items in values]))

    listed = model.catalog.list_columns()
    add("column", "栏目", [(columns[c.path], model.by_column.get(c.path, [])) for c in listed])
    for facet in model.facets:
        add(facet.key, facet.title, [(value.name, value.items) for value in facet.values])
    by_validity: dict[str, list[Item]] = {name: [] for name in VALIDITY_VALUES}
    for item in model.items:  # one pass over every item of the site
        if item.validity in by_validity:
            by_validity[item.validity].append(item)
    add("validity", "有效性", list(by_validity.items()))
    return found


def column_labels(catalog: Catalog) -> dict[str, str]:
    """The 栏目 filter value of each column: its name, or its trail where names repeat."""
    columns = list(catalog.walk())
    repeated = {name for name, count in Counter(c.name for c in columns).items() if count > 1}

    def label(column: Column) -> str:
        if column.name not in repeated:
            return column.name
        return " / ".join(c.name for c in column.trail())

    return {column.path: label(column) for column in columns}
