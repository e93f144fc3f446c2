"""Everything `disclosure check` validates: the content's own checks, then those that need the
whole site (annual report tables against the site's items, the inspection's findings)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator.content.collection import CONTENT_DIR, check_content
from generator.content.dates import AsOf
from generator.content.model import Collection
from generator.diagnostics import Report
from generator.site.annual_report import check_annual_reports
from generator.site.inspection import inspect_site, report_findings


def check_site(
    site_dir: Path, as_of: AsOf, report: Report, focus: Callable[[str], bool] | None = None
) -> Collection | None:
    """Everything `disclosure check` validates for a build at ``as_of``; None when the content
    cannot be read at all. Problems go to ``report``."""
    collection = check_content(site_dir, as_of, report, focus)
    if collection is None:
        return None
    # 年报 statistical tables (<item>.tables.yml beside a report): read, attached, checked.
    check_annual_reports(collection, site_dir / CONTENT_DIR, as_of, report)
    # Site-wide findings (empty and stale columns, 解读比例) have one home, the inspection.
    report_findings(inspect_site(collection, as_of), report)
    return collection
