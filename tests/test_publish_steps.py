"""The publish steps (generator/publish/pipeline.py): one after the other in a full build, the
search step of an incremental build in a forked child beside the link check; each reporting into
a report of its own, merged in step order."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sites import built_reference_site
from test_search import ZIGONG_URL

from generator.content.dates import AsOf
from generator.diagnostics import Report
from generator.publish import pipeline
from generator.publish.incremental import BuildManifest
from generator.publish.pipeline import Publication
from generator.publish.search import INDEX_DIR
from generator.site.check import check_site
from generator.site.model import SiteModel, build_site_model
from generator.timings import BuildTimings


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_reference_site(tmp_path_factory.mktemp("publish-steps"))


def site_model(site: Path) -> SiteModel:
    report = Report()
    as_of = AsOf.parse("2026-11-20")
    collection = check_site(site, as_of, report)
    assert collection is not None and not report.has_errors(), list(report)
    return build_site_model(collection, as_of, site / "content")


def publish(
    reference: Path, tmp_path: Path, without: str = ""
) -> tuple[Publication, dict[str, Any]]:
    """The publish steps over a copy of the reference site's output, without its index (and
    without the page ``without``)."""
    output = tmp_path / "staging"
    shutil.copytree(reference / "site", output)
    shutil.rmtree(output / INDEX_DIR)
    if without:
        shutil.rmtree(output / without)
    publication = Publication(output, site_model(reference), Report())
    states = pipeline.run_publish_steps(publication, BuildTimings())
    return publication, states


def test_both_steps_run_and_keep_their_state(reference: Path, tmp_path: Path) -> None:
    publication, states = publish(reference, tmp_path)
    assert not publication.report.has_errors(), list(publication.report)
    assert len(states["search"]["order"]) == len(publication.model.items)
    assert states["links"] is not None
    assert (tmp_path / "staging" / INDEX_DIR / "meta.json").is_file()


def test_each_step_reports_and_the_reports_come_in_step_order(
    reference: Path, tmp_path: Path
) -> None:
    publication, states = publish(reference, tmp_path, without=ZIGONG_URL)
    codes = [d.code for d in publication.report if d.severity == "error"]
    assert codes[0] == "E-SEARCH-INCOMPLETE"  # the search step's, first
    assert any(code.startswith("E-LINK") for code in codes[1:])  # pages linking to the page
    assert states["search"] is None


def incremental(reference: Path, tmp_path: Path, without: str = "") -> Publication:
    """An incremental build's publication that takes every page over from a copy of the
    reference site's output (without the page ``without``) and renders no page anew."""
    manifest = BuildManifest.load(reference)
    assert manifest is not None
    published = tmp_path / "published"
    shutil.copytree(reference / "site", published)
    if without:
        shutil.rmtree(published / without)
    output = tmp_path / "staging"  # what a build writes anew every time: files, not pages
    shutil.copytree(published, output, ignore=shutil.ignore_patterns("*.html", INDEX_DIR))
    return Publication(
        output,
        site_model(reference),
        Report(),
        previous_site=published,
        previous_states=manifest.steps,
        unchanged=frozenset(page.output for page in manifest.pages.values()),
    )


def test_an_incremental_search_step_hands_back_its_state_and_kept_files(
    reference: Path, tmp_path: Path
) -> None:
    """In an incremental build the search step runs in a forked child beside the link check:
    its state and the index files it keeps unchanged come back to the build."""
    publication = incremental(reference, tmp_path)
    states = pipeline.run_publish_steps(publication, BuildTimings())
    assert not publication.report.has_errors(), list(publication.report)
    assert len(states["search"]["order"]) == len(publication.model.items)
    index = reference / "site" / INDEX_DIR
    every_file = {f"{INDEX_DIR}/{p.relative_to(index).as_posix()}" for p in index.rglob("*")}
    assert {path for path in every_file if (index.parent / path).is_file()} <= publication.kept
    assert not (tmp_path / "staging" / INDEX_DIR).exists()  # nothing changed: nothing written


def test_an_incremental_search_step_reports_from_its_child(reference: Path, tmp_path: Path) -> None:
    """The search step's child reports a page it cannot read (rendered anew, and missing)."""
    publication = incremental(reference, tmp_path, without=ZIGONG_URL)
    zigong = next(item for item in publication.model.items if item.url == ZIGONG_URL)
    publication.rendered = frozenset({zigong.src_uri})
    states = pipeline.run_publish_steps(publication, BuildTimings())
    codes = [d.code for d in publication.report if d.severity == "error"]
    assert codes[0] == "E-SEARCH-INCOMPLETE", codes
    assert states["search"] is None
