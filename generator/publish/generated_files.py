"""The files of the site that are not pages: the Atom feeds, the open data export and the
statistics CSV, made from the site model (not from the rendered pages) and written beside them."""

from __future__ import annotations

from pathlib import Path

from generator.publish.feeds import atom_feeds
from generator.site.model import SiteIdentity, SiteModel
from generator.site.open_data import open_data_files
from generator.site.pages import without_collector
from generator.site.statistics import CSV_PATH, statistics_csv


@without_collector
def plan_files(model: SiteModel, identity: SiteIdentity) -> dict[str, bytes]:
    """The generated files that are not pages: feeds, open data, the statistics CSV."""
    return {
        **atom_feeds(model, identity),
        **open_data_files(model, identity),
        CSV_PATH: statistics_csv(model),
    }


def write_generated_files(model: SiteModel, identity: SiteIdentity, folder: Path) -> None:
    """Write the files of :func:`plan_files` under ``folder``. `disclosure build` does it in a
    child process while it renders (generator/children.py): a second of work at 10,000
    items, half of it turning every item into a JSON record and a CSV row."""
    for path, content in plan_files(model, identity).items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
