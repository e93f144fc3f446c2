"""The HTML a Markdown body becomes, as `disclosure check` converts it.

The extensions are those the generator's sites use (the reference site's mkdocs.yml), attr_list
included, so that what they write is checked even where a site's mkdocs.yml leaves one out (the
build converts with the site's own and sanitizes the result). Read for refused markup
(generator/content/raw_html.py) and for the anchors a page will have (link_rules.py).
"""

from __future__ import annotations

import functools

import markdown

CHECK_EXTENSIONS = ("tables", "attr_list", "admonition", "toc")


def to_html(body: str) -> str:
    """The body converted; RecursionError for nesting too deep for Markdown (checked apart)."""
    return _converter().reset().convert(body)


@functools.cache
def _converter() -> markdown.Markdown:
    """One converter, reset for each body: making one costs more than converting a body."""
    return markdown.Markdown(extensions=list(CHECK_EXTENSIONS))
