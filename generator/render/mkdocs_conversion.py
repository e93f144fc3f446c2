"""Reading and converting a page's Markdown without MkDocs' per-page overhead (MkDocs 1.6).

MkDocs spends much of reading and converting the pages on work that a build of this site does
not need:

- ``Page.read_source`` parses every page's front matter again with YAML, for its ``meta``. An
  item's front matter has been read and validated with the rest of the site, and its page is
  given everything from the site model (the plugin sets ``meta``'s template and title; no
  template reads more of it, and the validator refuses the keys that Material would read, such
  as ``hide`` or ``description``). So an item page takes only the Markdown after its front
  matter, cut where MkDocs cuts it (MkDocs' own ``YAML_RE``) — when that is where the validated
  front matter ends; otherwise MkDocs' ``get_data`` decides, as before. This also keeps the
  front matter off the page where MkDocs' YAML load fails and the validator's reading did not
  (a value under ``extra`` such as 2026-02-30, which the validator keeps as text): MkDocs then
  publishes the whole front matter, reviewer and all, as the body.
- ``Page.render`` makes a new ``markdown.Markdown`` for every page, registering every extension
  and building every processor again. Here each render process keeps one converter and resets
  it between pages (``Markdown.reset``: Python-Markdown's way to reuse a converter).

The rest is ``Page.render`` step for step: the same per-page processors rewrite links and
collect the anchors and the title. With the plugin option ``reuse_markdown: false`` MkDocs does
all of it; a test builds the reference site both ways and compares every byte.
"""

from __future__ import annotations

import functools
import logging

import markdown
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure import pages as mkdocs_pages
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.meta import YAML_RE, get_data


class MarkdownConversion:
    """Reads and converts the pages this process renders (see the module docstring)."""

    def __init__(self) -> None:
        self._converter: markdown.Markdown | None = None
        self._made_for: MkDocsConfig | None = None  # `mkdocs serve` builds with new configs

    def take_over(self, page: Page, body_line: int | None) -> None:
        """Read and convert ``page`` here; ``body_line`` is where an item's body starts (the
        line after its front matter, 1-based), None for other pages."""
        page.read_source = functools.partial(self.read_source, page, body_line=body_line)  # type: ignore[method-assign]
        page.render = functools.partial(self.render, page)  # type: ignore[method-assign]

    def read_source(self, page: Page, config: MkDocsConfig, body_line: int | None) -> None:
        source = config.plugins.on_page_read_source(page=page, config=config)
        if source is None:
            source = page.file.content_string  # MkDocs' own reading, with its errors
        front_matter = YAML_RE.match(source) if body_line is not None else None
        if front_matter is not None and source.count("\n", 0, front_matter.end()) + 1 == body_line:
            page.markdown = source[front_matter.end() :].lstrip("\n")
            page.meta = {}
        else:
            page.markdown, page.meta = get_data(source)

    def render(self, page: Page, config: MkDocsConfig, files: Files) -> None:
        """``Page.render`` of MkDocs 1.6 with this process's converter."""
        if page.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        md = self._converter_for(config)
        raw_html = mkdocs_pages._RawHTMLPreprocessor()
        raw_html._register(md)
        anchors = mkdocs_pages._ExtractAnchorsTreeprocessor(page.file, files, config)
        anchors._register(md)
        relative_paths = mkdocs_pages._RelativePathTreeprocessor(page.file, files, config)
        relative_paths._register(md)
        title = mkdocs_pages._ExtractTitleTreeprocessor()
        title._register(md)

        page.content = md.convert(page.markdown)
        page.toc = get_toc(getattr(md, "toc_tokens", []))
        page._title_from_render = title.title
        page.present_anchor_ids = anchors.present_anchor_ids | raw_html.present_anchor_ids
        if mkdocs_pages.log.getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = relative_paths.links_to_anchors

    def _converter_for(self, config: MkDocsConfig) -> markdown.Markdown:
        if self._converter is None or self._made_for is not config:
            self._converter = markdown.Markdown(
                extensions=config["markdown_extensions"],
                extension_configs=config["mdx_configs"] or {},
            )
            self._made_for = config
        else:
            self._converter.reset()
        return self._converter
