"""What happens to a rendered site before it replaces `site/`: search index, link check.

Each step gets the staging folder and the site model; a step that finds problems reports them
in the report, and any error stops the publish (the previous `site/` stays).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator.diagnostics import Report
from generator.site.model import SiteModel

PublishStep = Callable[[Path, SiteModel, Report], None]


def publish_steps() -> list[PublishStep]:
    """The steps in order. Search indexing runs before the link check so that its files exist."""
    from generator.publish.linkcheck import check_output_links
    from generator.publish.search import build_search_index

    return [build_search_index, check_output_links]


def run_publish_steps(output: Path, model: SiteModel, report: Report) -> None:
    for step in publish_steps():
        step(output, model, report)
