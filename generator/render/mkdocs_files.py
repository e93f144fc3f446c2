"""Which of the files MkDocs collects reach site/, and the list of pages for sitemap.xml."""

from __future__ import annotations

import html
import logging
import os
import posixpath
from collections.abc import Sequence
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

from generator.content.collection import symlinks_in
from generator.content.dates import AsOf
from generator.site.model import SiteModel
from generator.site.pages import PageView

log = logging.getLogger("mkdocs.plugins.disclosure")

# Material's search (lunr and its web worker): this site has its own (generator/publish/search.py).
MATERIAL_SEARCH_FILES = ("assets/javascripts/lunr/", "assets/javascripts/workers/")


class RealFolders:
    """Where files really are (links resolved), asked once per folder: a site has few folders
    and many files, and resolving every file's path is slow on a large site."""

    def __init__(self, config: MkDocsConfig) -> None:
        self._real: dict[str, str] = {}
        self._folders: dict[tuple[str, str], str] = {}  # (src_dir, folder of src_uri) → its path
        self._links: dict[str, frozenset[str]] = {}  # folder → the names of its links
        self._inside: dict[tuple[str, tuple[str, ...]], bool] = {}  # (folder, roots) → answer
        self.content = self.of(config.docs_dir)
        self.theme_roots = tuple(self.of(folder) for folder in config.theme.dirs)

    def of(self, folder: str) -> str:
        if folder not in self._real:
            self._real[folder] = os.path.realpath(folder)
        return self._real[folder]

    def inside(self, src_dir: str, src_uri: str, roots: tuple[str, ...]) -> bool:
        """Whether the file ``src_uri`` of ``src_dir`` really is inside one of ``roots``."""
        folder_uri, name = posixpath.split(src_uri)
        folder = self._folders.get((src_dir, folder_uri))
        if folder is None:
            folder = os.path.normpath(os.path.join(src_dir, folder_uri))
            self._folders[src_dir, folder_uri] = folder
        if folder not in self._links:
            self._links[folder] = symlinks_in(folder)
        if name in self._links[folder]:
            return _within(os.path.realpath(os.path.join(folder, name)), roots)
        if (folder, roots) not in self._inside:
            self._inside[folder, roots] = _within(os.path.join(self.of(folder), name), roots)
        return self._inside[folder, roots]


def _within(path: str, roots: tuple[str, ...]) -> bool:
    return any(path.startswith(root + os.sep) for root in roots)


def not_ours_to_publish(file: File, real: RealFolders, known: set[str]) -> bool:
    """Defence in depth for what reaches site/: only files of content/ that the checked
    collection knows, and theme files, each really inside its folder (MkDocs follows links)."""
    if file.generated_by is not None or file.src_dir is None:  # no file behind it
        return False
    from_content = real.of(file.src_dir) == real.content
    if from_content and file.src_uri not in known:
        return True
    roots = (real.content,) if from_content else real.theme_roots
    return not real.inside(file.src_dir, file.src_uri, roots)


def keep_public_files(files: Files, config: MkDocsConfig, model: SiteModel) -> None:
    """Drop every file that is not public: items not (yet) published, attachments no public
    item links, anything outside content/ and the theme; items stay out of the navigation."""
    items = {item.src_uri for item in model.collection.items}
    attachments = set(model.collection.attachments)
    public_items = {item.src_uri for item in model.items}
    known = items | attachments | {page.src_uri for page in model.collection.pages}
    real_folders = RealFolders(config)
    for file in list(files):
        uri = file.src_uri
        if not_ours_to_publish(file, real_folders, known):
            log.warning(
                f"不发布 {uri}：它不是 content/ 中经过检查的文件，或指向 content/ 和主题以外。"
            )
            files.remove(file)
        elif (uri in items and uri not in public_items) or (
            uri in attachments and uri not in model.published_files
        ):
            files.remove(file)
        elif uri in public_items:
            file.inclusion = InclusionLevel.NOT_IN_NAV
        elif uri.startswith(MATERIAL_SEARCH_FILES) or uri.endswith(".map"):
            files.remove(file)  # Material's own search and source maps: not used here


def add_generated_pages(files: Files, config: MkDocsConfig, views: dict[str, PageView]) -> None:
    """The planned pages that have no source file (listings, browse…), as virtual files."""
    existing = files.src_uris  # src_uri → file, kept up to date by append
    for src_uri, view in views.items():
        if view.generated and src_uri not in existing:
            content = view.markdown if view.markdown is not None else f"# {view.title}\n"
            generated = File.generated(config, src_uri, content=content)
            if not view.in_nav:
                generated.inclusion = InclusionLevel.NOT_IN_NAV
            files.append(generated)


def _updated(view: PageView | None, as_of: AsOf) -> str:
    """A page's date in sitemap.xml (<lastmod>): its item's publication date, else the as-of date."""
    item = view.item if view else None
    return (item.published if item and item.published else as_of.moment).isoformat()[:10]


def sitemap(
    pages: Sequence[File], config: MkDocsConfig, views: dict[str, PageView], as_of: AsOf
) -> list[tuple[str, str]]:
    """(address, date) of every page for sitemap.xml — MkDocs' own template lists only the
    pages it reads, and an incremental build does not read those it takes over."""
    base = config.site_url or ""
    if not base:
        return []
    base = base if base.endswith("/") else base + "/"
    # MkDocs joins them with urljoin; pages' URLs are relative and never climb (".."), so
    # that is appending.
    viewed = [(file, views.get(file.src_uri)) for file in pages]
    return [
        (base + file.url, _updated(view, as_of))
        for file, view in viewed
        if view is None or not view.internal  # staff pages stay out even of a staff build's map
    ]


def sitemap_urls(entries: list[tuple[str, str]]) -> str:
    """The <url> elements of sitemap.xml (theme/sitemap.xml): joined here, since a template loop
    over every page of a large site is slow."""
    return "".join(
        f"\n    <url>\n         <loc>{html.escape(address)}</loc>"
        f"\n         <lastmod>{html.escape(updated)}</lastmod>\n    </url>"
        for address, updated in entries
    )


def no_static_files(*args: Any, **kwargs: Any) -> None:
    """Workers copy no static files: the parent does, once."""
