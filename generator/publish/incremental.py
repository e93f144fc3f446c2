"""Incremental rebuilds: which pages of the published site a new build can take over unchanged.

A build remembers what it published in ``.disclosure-cache/build-manifest.json``:

- a *site fingerprint* of everything that shapes every page: the generator's own files
  (code, templates, styles), the engine (MkDocs or ProperDocs) and Material with their versions,
  ``mkdocs.yml``, ``columns.yml``, the site's ``theme/`` overrides and the as-of moment;
- for each page, a *page fingerprint* of what its template is given (its :class:`PageView`,
  in which every item stands for the hash of its source file, so a page that lists an item
  changes when that item's file does), the hash of its own source file, and the output file
  it wrote (size and modification time, to notice a ``site/`` changed by hand);
- the state of the search index and of the link check (see their modules).

The next build plans its pages as always, computes the same fingerprints and renders only the
pages whose fingerprint changed; the others stay in ``site/`` as they are, and once the build
has passed its checks its new files are applied to ``site/`` in place (see
generator/publish/atomic.py). Dependencies therefore follow from the data the templates see:
an edited item's page, the listing and browse pages that show it, its policy's page when it is
an interpretation (and the other way round), the home page and the pages that count items.
Pages that reach the whole site model from their template (home, sections, browse) depend on
every item.

Anything the fingerprints cannot vouch for makes a full build: no manifest, another site
fingerprint, a missing or altered output file. ``disclosure build --full`` forces one.
No MkDocs here: the build core (generator/build.py) gives this module its views and output paths.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import orjson

from generator.content.attachments import SIDECAR_SUFFIX
from generator.content.catalog import Catalog, Column
from generator.content.dates import AsOf
from generator.content.item_cache import CACHE_DIR, committed, replace_file
from generator.content.model import Collection, Item
from generator.site.model import FacetValue, SiteIdentity, SiteModel
from generator.site.pages import PageView

MANIFEST_FILE = "build-manifest.json"
FORMAT = 1
GENERATOR_ROOT = Path(__file__).resolve().parent.parent  # the generator package
# Page kinds whose templates read the whole site model (disclosure.model), not only their view.
WHOLE_SITE_KINDS = frozenset({"home", "section", "browse"})
# Files of the generator package that cannot change any output.
_NOT_OUTPUT_SUFFIXES = (".pyc",)


@dataclass(frozen=True)
class PublishedPage:
    """One page of the published site, as the manifest remembers it."""

    fingerprint: str
    output: str  # the file written, relative to the site folder
    size: int
    mtime_ns: int


@dataclass
class BuildManifest:
    site_fingerprint: str
    pages: dict[str, PublishedPage] = field(default_factory=dict)  # by source URI
    steps: dict[str, Any] = field(default_factory=dict)  # publish step → its saved state

    @staticmethod
    def path(site_dir: Path) -> Path:
        return site_dir / CACHE_DIR / MANIFEST_FILE

    @classmethod
    def load(cls, site_dir: Path) -> BuildManifest | None:
        """The manifest of the last successful build; None when missing or unreadable."""
        if committed(site_dir):  # see item_cache.committed
            return None
        try:
            stored = orjson.loads(cls.path(site_dir).read_bytes())
            if stored.get("format") != FORMAT:
                return None
            pages = {
                src_uri: PublishedPage(str(p[0]), str(p[1]), int(p[2]), int(p[3]))
                for src_uri, p in stored["pages"].items()
            }
            steps = stored.get("steps", {})
            if not isinstance(steps, dict):
                return None
            return cls(str(stored["site_fingerprint"]), pages, steps)
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
            return None

    def save(self, site_dir: Path) -> None:
        """Write atomically; a manifest that cannot be written only makes the next build full."""
        path = self.path(site_dir)
        data = {
            "format": FORMAT,
            "site_fingerprint": self.site_fingerprint,
            "pages": {
                src_uri: [page.fingerprint, page.output, page.size, page.mtime_ns]
                for src_uri, page in sorted(self.pages.items())
            },
            "steps": self.steps,
        }
        try:
            path.parent.mkdir(exist_ok=True)
            replace_file(path, orjson.dumps(data))
        except OSError:
            pass

    @classmethod
    def forget(cls, site_dir: Path) -> None:
        """Drop the manifest: the published site is no longer what it describes."""
        cls.path(site_dir).unlink(missing_ok=True)


# Fingerprints ---------------------------------------------------------------------------------


def site_fingerprint(
    site_dir: Path, config_file: Path, theme_dirs: Iterable[str], as_of: AsOf
) -> str:
    """Everything every page depends on, hashed (see the module docstring)."""
    digest = hashlib.sha256(f"{FORMAT}|{as_of.moment.isoformat()}".encode())
    for package in (running_engine(), "mkdocs-material", "disclosure-generator"):
        try:
            digest.update(f"|{package}={version(package)}".encode())
        except PackageNotFoundError:
            digest.update(f"|{package}=?".encode())
    _hash_tree(digest, GENERATOR_ROOT)
    for path in (config_file, site_dir / "columns.yml"):
        digest.update(f"|{path.name}|".encode())
        digest.update(path.read_bytes() if path.is_file() else b"-")
    for theme_dir in theme_dirs:
        folder = Path(theme_dir).resolve()
        if folder != GENERATOR_ROOT and GENERATOR_ROOT not in folder.parents:
            _hash_tree(digest, folder)
    return digest.hexdigest()


def running_engine() -> str:
    """The distribution that runs this build: ``mkdocs``, or ``properdocs``, the maintained fork,
    which answers imports of ``mkdocs`` with its own modules (so the engine is part of the
    fingerprint, and switching engines renders every page again)."""
    engine = sys.modules.get("mkdocs")
    return getattr(engine, "__name__", "mkdocs")


def _hash_tree(digest: Any, root: Path) -> None:
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(_NOT_OUTPUT_SUFFIXES):
                continue
            path = Path(folder) / name
            # a name in another encoding than UTF-8 is hashed as the bytes it is on disk
            digest.update(
                f"|{path.relative_to(root).as_posix()}|".encode("utf-8", "surrogateescape")
            )
            digest.update(path.read_bytes())


def source_hashes(collection: Collection, content_dir: Path) -> dict[str, str]:
    """The hash of each Markdown source under content/, with an annual report's tables.

    Items' hashes were taken when they were read (or come from the item cache); column pages
    are few and read here.
    """
    hashes: dict[str, str] = {}
    for item in collection.items:
        known = collection.hashes.get(item.src_uri)
        if known is None:
            known = hashlib.sha256((content_dir / item.src_uri).read_bytes()).hexdigest()
        digest = hashlib.sha256(known.encode())
        if item.annual_report is not None:
            path = content_dir / item.src_uri
            sidecar = path.with_name(path.name.removesuffix(".md") + SIDECAR_SUFFIX)
            digest.update(b"|tables|")
            digest.update(sidecar.read_bytes() if sidecar.is_file() else b"")
        hashes[item.src_uri] = digest.hexdigest()
    for page in collection.pages:
        hashes[page.src_uri] = hashlib.sha256((content_dir / page.src_uri).read_bytes()).hexdigest()
    return hashes


def page_fingerprints(
    views: Mapping[str, PageView], model: SiteModel, sources: Mapping[str, str]
) -> dict[str, str]:
    """The fingerprint of every planned page, by source URI."""
    whole_site = hashlib.sha256(
        "\n".join(
            f"{item.src_uri}|{sources[item.src_uri]}" for item in model.collection.items
        ).encode()
    ).hexdigest()
    encoder = _ViewEncoder(sources)
    fingerprints = {}
    for src_uri, view in views.items():
        data = [src_uri, sources.get(src_uri, ""), view]
        if view.kind in WHOLE_SITE_KINDS:
            data.append(whole_site)
        fingerprints[src_uri] = hashlib.sha256(encoder.encode(data)).hexdigest()
    return fingerprints


# The fields of an item page's view that its fingerprint leaves out: made from the item and the
# catalog alone (see default()), or the site model and identity, which every view holds.
_ITEM_VIEW_LEFT_OUT = frozenset({"meta", "rows", "breadcrumbs", "title", "model", "identity"})
_ITEM_VIEW_FIELDS = tuple(
    f.name for f in dataclasses.fields(PageView) if f.name not in _ITEM_VIEW_LEFT_OUT
)


class _ViewEncoder:
    """JSON of a view as its template sees it, with items as the hashes of their sources.

    The site model and identity are left out: what a template takes from them directly is
    covered by the site fingerprint or, for WHOLE_SITE_KINDS, by the hash of all items.
    orjson writes text, numbers, lists, mappings and enumerations itself, faster than the json
    module; dates and dataclasses come to :meth:`default`.
    """

    OPTIONS = (
        orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
    )

    def __init__(self, sources: Mapping[str, str]) -> None:
        self.sources = sources

    def encode(self, value: Any) -> bytes:
        return orjson.dumps(value, default=self.default, option=self.OPTIONS)

    def default(self, value: Any) -> Any:
        if isinstance(value, Item):
            return f"item:{value.src_uri}:{self.sources[value.src_uri]}"
        if isinstance(value, Column):
            return f"column:{value.path}"
        if isinstance(value, (SiteModel, SiteIdentity, Catalog)):
            return None
        if isinstance(value, FacetValue):  # templates show its name, link and count; its
            return ["facet value", value.name, value.slug, len(value.items)]  # items: listings
        if isinstance(value, (datetime, date)):
            return value.isoformat()
        if isinstance(value, Enum):
            return value.value
        if callable(value):  # a function in a view (open data's field getters): its code is
            return f"code:{value.__module__}.{value.__qualname__}"  # in the site fingerprint
        if isinstance(value, (set, frozenset)):
            return sorted(value, key=repr)
        if isinstance(value, PageView) and value.kind == "item":
            # What an item page shows of its own item (meta tags, metadata rows, breadcrumbs)
            # is made from the item and the catalog alone: the item's hash covers it.
            fields = {f: getattr(value, f) for f in _ITEM_VIEW_FIELDS}
            return {"type": "PageView", **fields}
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
            return {"type": type(value).__name__, **fields}
        raise TypeError(f"no fingerprint for {type(value).__name__}")


# Reuse ----------------------------------------------------------------------------------------


@dataclass
class RebuildPlan:
    """What this build takes over from the published site: source URI → output path."""

    previous_site: Path | None = None
    reused: dict[str, str] = field(default_factory=dict)
    previous_steps: dict[str, Any] = field(default_factory=dict)
    published: dict[str, PublishedPage] = field(default_factory=dict)  # of the reused pages

    @property
    def incremental(self) -> bool:
        return self.previous_site is not None


@dataclass(frozen=True)
class PageStates:
    """What a build compares with the manifest of the previous one (see plan_rebuild)."""

    fingerprints: dict[str, str]  # of every planned page, by source URI
    # The files of the published site as this build found them: path → (size, mtime_ns), None
    # for a broken link; empty when the build is full anyway.
    published_files: dict[str, tuple[int, int] | None]


def plan_rebuild(
    manifest: BuildManifest | None,
    fingerprint: str,
    states: PageStates,
    outputs: Mapping[str, str],
    site_output: Path,
) -> RebuildPlan:
    """Pages whose fingerprint and output path are those of a file still in ``site_output``,
    of the size and modification time the manifest has for it."""
    if manifest is None or manifest.site_fingerprint != fingerprint or not site_output.is_dir():
        return RebuildPlan()
    reused = {}
    previous = {}
    for src_uri, page_fingerprint in states.fingerprints.items():
        published = manifest.pages.get(src_uri)
        if published is None or published.fingerprint != page_fingerprint:
            continue
        output = published.output
        found = states.published_files.get(output)
        if outputs.get(src_uri) == output and found == (published.size, published.mtime_ns):
            reused[src_uri] = output
            previous[src_uri] = published
    return RebuildPlan(site_output, reused, manifest.steps, previous)


def published_pages(
    fingerprints: Mapping[str, str],
    outputs: Mapping[str, str],
    output_dir: Path,
    plan: RebuildPlan,
) -> dict[str, PublishedPage]:
    """The manifest entries of a finished build, from the files in its output folder (a page
    taken over is the very file the previous manifest describes: no need to look again)."""
    pages = {}
    for src_uri, fingerprint in fingerprints.items():
        output = outputs.get(src_uri)
        if output is None:
            continue
        if src_uri in plan.reused:
            pages[src_uri] = plan.published[src_uri]
            continue
        try:
            stat = (output_dir / output).stat()
        except OSError:
            continue  # a page that wrote nothing is never reused
        pages[src_uri] = PublishedPage(fingerprint, output, stat.st_size, stat.st_mtime_ns)
    return pages
