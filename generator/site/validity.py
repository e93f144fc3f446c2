"""有效性: the generated list of normative documents in force (现行有效文件, page ``xianxing/``).

Inspectors require repealed or revised normative documents to be cleaned from the 现行有效 list
(DOMAIN.md, seed 003). Rather than a list kept by hand, the site derives it from the items: every
public item of a 政策文件-type column whose 有效性 is 现行有效, newest first, paginated like the
column listings. An item marked 已修订 or 已废止 leaves the list by that edit alone, and its own
page says so with a link to the replacement (``superseded_by``); supersession cycles are refused
by the checker (E-SUPERSEDE-CYCLE). No MkDocs here.
"""

from __future__ import annotations

from generator.content.catalog import Column
from generator.site.listings import ListingPage, paginate
from generator.site.model import SiteModel

VALID_ROOT = "xianxing"
VALID_TITLE = "现行有效文件"
VALID = "现行有效"
POLICY_COLUMN_TYPE = "政策文件"


def policy_columns(model: SiteModel) -> list[Column]:
    """The list columns whose items are normative documents (ColumnType 政策文件)."""
    return [column for column in model.catalog.list_columns() if column.type == POLICY_COLUMN_TYPE]


def valid_listing(model: SiteModel) -> list[ListingPage]:
    """Public 现行有效 items of the 政策文件 columns, newest first (the model's order), paginated."""
    paths = {column.path for column in policy_columns(model)}
    valid = [item for item in model.items if item.column.path in paths and item.validity == VALID]
    return paginate(valid, VALID_ROOT, model.catalog.page_size)


def shows_valid_list(column: Column) -> bool:
    """Whether a column page links to the 现行有效 list: the 政策文件 columns do."""
    return column.is_list and column.type == POLICY_COLUMN_TYPE
