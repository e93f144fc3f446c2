"""The build's memory between rendering and Pagefind (generator/render/mkdocs_build.py)."""

from __future__ import annotations

import gc
import weakref

from generator.render.mkdocs_build import release_free_memory


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def test_objects_frozen_for_rendering_are_freed_before_publishing() -> None:
    """The plugin freezes the collector's view before rendering (DisclosurePlugin._fork); a
    cycle made before that (MkDocs' files and pages) must still be freed once MkDocs is done,
    else the memory that lets Pagefind runs overlap stays taken."""
    page, file = Node(), Node()
    page.other, file.other = file, page
    gone = weakref.ref(page)
    gc.freeze()
    try:
        del page, file
        gc.collect()
        assert gone() is not None  # frozen: the collector does not look at it
        release_free_memory()
        assert gone() is None
    finally:
        gc.unfreeze()
