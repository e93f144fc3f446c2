"""Nothing that is not published leaks into any output (issue #6, SPEC §6).

One real build of the reference site with a 依申请公开, a 不予公开, a draft and a scheduled item,
each with a marker word in its title, summary, keywords and body (tests/marker_site.py, shared
with issue 8). The test reads *every* file of site/ — pages, listings, browse pages, sitemap,
feeds, data exports, the search index, 404 — decompressing what is gzip-compressed
(``sitemap.xml.gz``), so outputs added later are covered without a change here.
A public control item proves that each kind of output is really read.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from marker_site import MARKER_INDEX_NOS, MARKERS, marker_site

GZIP_MAGIC = b"\x1f\x8b"
NON_PUBLIC_FILES = (  # the marker items' addresses (file names without .md)
    "20260601-apply",
    "20260601-withheld",
    "20260601-draft",
    "20270120-huangyuan-2026-nianbao",
)
PUBLIC_CONTROL = ("湟源县2026年11月第1期政务信息", "015180001/2026-80001", "20261101-extra")


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Every file of the built site, by path, as a reader of that file would see it."""
    site = marker_site(tmp_path_factory) / "site"
    return {path.relative_to(site).as_posix(): readable(path) for path in files(site)}


def files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def readable(path: Path) -> bytes:
    data = path.read_bytes()
    if data.startswith(GZIP_MAGIC):
        data = gzip.decompress(data)
    return data


def variants(marker: str) -> set[bytes]:
    """How a marker may be written: as is, lowercased (search index words), JSON-escaped."""
    return {form.encode() for form in (marker, marker.lower(), marker.replace("/", "\\/"))}


def holders(output: dict[str, bytes], marker: str) -> list[str]:
    forms = variants(marker)
    return [path for path, data in output.items() if any(form in data for form in forms)]


@pytest.mark.parametrize(
    "marker",
    [*MARKERS.values(), *MARKER_INDEX_NOS, *NON_PUBLIC_FILES],
    ids=[*MARKERS, *(f"index-{n[-5:]}" for n in MARKER_INDEX_NOS), *NON_PUBLIC_FILES],
)
def test_no_output_holds_a_non_public_item(output: dict[str, bytes], marker: str) -> None:
    assert holders(output, marker) == []


def test_the_scan_reads_every_kind_of_output(output: dict[str, bytes]) -> None:
    """The public control is found in each kind of output, so a leak there would be too."""
    found = {path for marker in PUBLIC_CONTROL for path in holders(output, marker)}
    kinds = {
        "item page": "fdzdgknr/qtxx/20261101-extra/index.html",
        "sitemap": "sitemap.xml",
        "compressed sitemap": "sitemap.xml.gz",
    }
    for kind, path in kinds.items():
        assert path in found, kind
    assert any(p.startswith("fdzdgknr/qtxx/page/") for p in found), "column listing"
    assert any(p.startswith("browse/") for p in found), "browse pages"
    assert any(p.startswith("search-index/r/") for p in found), "search result blocks"
    assert any(p.startswith("search-index/k/") for p in found), "search lookups (索引号)"
    assert any(p.startswith("feeds/") for p in found), "feeds"
    assert any(p.startswith("data/") for p in found), "data exports"
    assert "404.html" in output and b"</html>" in output["404.html"]
