"""A build forgets the items' bodies once its pages are planned (issue #9, memory at 100,000 items):
what still needs a body — the place of a broken link — must not change."""

from __future__ import annotations

from pathlib import Path

from generator.content.dates import AsOf
from generator.content.links import extract_links
from generator.diagnostics import Report
from generator.publish.linkcheck import SourceMap, output_page
from generator.site.check import check_site
from generator.site.model import build_site_model
from tests.sites import REFERENCE_AS_OF, copy_reference_site


def test_released_bodies_are_read_again_for_the_link_check(
    tmp_path: Path,
) -> None:
    site = copy_reference_site(tmp_path / "site")
    as_of = AsOf.parse(REFERENCE_AS_OF)
    report = Report()
    collection = check_site(site, as_of, report)
    assert collection is not None and not report.has_errors()
    model = build_site_model(collection, as_of, site / "content")
    with_link = next(item for item in model.items if extract_links(item.body, item.body_line))
    body, body_line = with_link.body, with_link.body_line

    collection.release_bodies(site)

    assert not any(isinstance(item.__dict__["_body"], str) for item in collection.items)
    source = SourceMap(model).source(output_page(with_link.src_uri))
    assert source is not None
    assert (source.body, source.body_line) == (body, body_line)
