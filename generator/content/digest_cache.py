"""A cache of item digests, so that checking a few changed files of a large site stays fast.

`disclosure check PATH…` (the pre-commit hook, the clerk's editor) must still catch a 索引号 that
duplicates an unchanged item, so it needs every item's index number, dates and references — but
not their full validation. A digest holds exactly that. Digests are stored per file with the
file's size, modification time and content hash, and with a fingerprint of columns.yml and the
generator's version: a changed file is read again; an unchanged one costs one `stat`.

The cache lives in `.disclosure-cache/` beside columns.yml; deleting it is always safe.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from generator.content.catalog import CATALOG_FILE, Catalog, Column
from generator.content.load import SourceFile
from generator.content.model import Item

CACHE_DIR = ".disclosure-cache"
CACHE_FILE = "item-digests.json"
FORMAT = 1
# The fields other files' checks need (references, duplicates, publication state).
LINE_KEYS = ("index_no", "superseded_by", "interprets")


def _generator_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("disclosure-generator")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "source"


def catalog_fingerprint(site_dir: Path) -> str:
    digest = hashlib.sha256()
    digest.update(f"{FORMAT}:{_generator_version()}".encode())
    catalog = site_dir / CATALOG_FILE
    if catalog.is_file():
        digest.update(catalog.read_bytes())
    return digest.hexdigest()


@dataclass
class DigestCache:
    path: Path
    fingerprint: str
    entries: dict[str, dict[str, Any]]
    changed: bool = False

    @classmethod
    def open(cls, site_dir: Path) -> DigestCache:
        path = site_dir / CACHE_DIR / CACHE_FILE
        fingerprint = catalog_fingerprint(site_dir)
        entries: dict[str, dict[str, Any]] = {}
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            if stored.get("fingerprint") == fingerprint:
                entries = stored["entries"]
        except (OSError, ValueError, KeyError, TypeError):
            entries = {}
        return cls(path, fingerprint, entries)

    def lookup(self, file: Path, rel: str, column: Column, catalog: Catalog) -> Item | None:
        """The item of an unchanged file rebuilt from its digest; None when it must be read."""
        entry = self.entries.get(rel)
        if entry is None:
            return None
        try:
            stat = file.stat()
        except OSError:
            return None
        if entry["mtime"] != stat.st_mtime_ns or entry["size"] != stat.st_size:
            if entry["sha256"] != hashlib.sha256(file.read_bytes()).hexdigest():
                return None
            entry["mtime"] = stat.st_mtime_ns
            self.changed = True
        return _item_from_digest(entry["digest"], rel, column, catalog)

    def remember(self, source: SourceFile, item: Item) -> None:
        """Store the digest of an item just read, keyed by what the file was when it was read."""
        entry = {
            "mtime": source.mtime_ns,
            "size": source.size,
            "sha256": source.sha256,
            "digest": _digest(item),
        }
        rel = source.rel
        if self.entries.get(rel) != entry:
            self.entries[rel] = entry
            self.changed = True

    def forget_missing(self, present: set[str]) -> None:
        for rel in set(self.entries) - present:
            del self.entries[rel]
            self.changed = True

    def save(self) -> None:
        """Write atomically; a cache that cannot be written is simply not used next time."""
        if not self.changed:
            return
        try:
            self.path.parent.mkdir(exist_ok=True)
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(
                json.dumps({"fingerprint": self.fingerprint, "entries": self.entries}, ensure_ascii=False),
                encoding="utf-8",
            )
            temporary.replace(self.path)
        except OSError:
            pass


def _digest(item: Item) -> dict[str, Any]:
    return {
        "src_uri": item.src_uri,
        "title": item.title,
        "index_no": str(item.index_no) if item.index_no else None,
        "publisher": item.publisher.code if item.publisher else None,
        "disclosure": item.disclosure,
        "draft": item.draft,
        "published": item.published.isoformat() if item.published else None,
        "published_has_time": item.published_has_time,
        "superseded_by": item.superseded_by,
        "interprets": item.interprets,
        "validity": item.validity,
        "lines": {key: item.lines[key] for key in LINE_KEYS if key in item.lines},
    }


def _item_from_digest(digest: dict[str, Any], rel: str, column: Column, catalog: Catalog) -> Item:
    publisher = catalog.unit_by_code(digest["publisher"]) if digest["publisher"] else None
    return Item(
        source=rel,
        src_uri=digest["src_uri"],
        column=column,
        title=digest["title"],
        index_no=catalog.index_pattern.parse(digest["index_no"]) if digest["index_no"] else None,
        publisher=publisher,
        topic=None,
        disclosure=digest["disclosure"],
        published=datetime.fromisoformat(digest["published"]) if digest["published"] else None,
        published_has_time=digest["published_has_time"],
        draft=digest["draft"],
        superseded_by=digest["superseded_by"],
        interprets=digest["interprets"],
        validity=digest["validity"],
        lines=dict(digest["lines"]),
    )
