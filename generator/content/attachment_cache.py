"""The privacy scan's findings for each published attachment, kept while the file is unchanged.

Reading the text of a PDF, Word or Excel file costs far more than reading an item, and an
attachment rarely changes once published. So the findings of :func:`generator.content.privacy.check_attachment` are stored per attachment in
``.disclosure-cache/attachments.json``, trusted while the file's stat (size, mtime, ctime,
inode) is what it was and the cache was made with the same :func:`fingerprint` (the generator's
code and columns.yml, as the item cache). The rules of the item cache hold here too: a cache
that Git tracks is not trusted, a file changed within :data:`RACY_NS` of its reading is not
stored, and the cache is data only (diagnostics as JSON), safe to delete.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import orjson

from generator.content.item_cache import CACHE_DIR, RACY_NS, committed, fingerprint, replace_file
from generator.diagnostics import CODES, Diagnostic

CACHE_FILE = "attachments.json"


class AttachmentCache:
    def __init__(self, site_dir: Path) -> None:
        self.path = site_dir / CACHE_DIR / CACHE_FILE
        self.fingerprint = fingerprint(site_dir)
        self.entries: dict[str, Any] = {}
        self.changed = False
        if committed(site_dir):
            return
        try:
            data = orjson.loads(self.path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return
        if isinstance(data, dict) and data.get("fingerprint") == self.fingerprint:
            entries = data.get("entries")
            self.entries = entries if isinstance(entries, dict) else {}

    @staticmethod
    def stamp(path: Path) -> list[int] | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]

    def lookup(self, rel: str, stamp: list[int] | None) -> list[Diagnostic] | None:
        entry = self.entries.get(rel)
        if stamp is None or not isinstance(entry, dict) or entry.get("stamp") != stamp:
            return None
        try:
            return [_diagnostic(d) for d in entry["diagnostics"]]
        except (KeyError, TypeError, ValueError):
            return None  # a damaged or crafted entry: the file is read again

    def remember(self, rel: str, stamp: list[int] | None, found: list[Diagnostic]) -> None:
        if stamp is None or time.time_ns() - stamp[1] < RACY_NS:
            return  # it may change again within the file system's clock tick
        self.entries[rel] = {"stamp": stamp, "diagnostics": [d.as_dict() for d in found]}
        self.changed = True

    def save(self, published: set[str]) -> None:
        forgotten = set(self.entries) - published
        for rel in forgotten:
            del self.entries[rel]
        if not (self.changed or forgotten):
            return
        data = orjson.dumps({"fingerprint": self.fingerprint, "entries": self.entries})
        try:
            self.path.parent.mkdir(exist_ok=True)
            replace_file(self.path, data)
        except OSError:
            pass  # a read-only site is checked all the same, only not faster next time


def _diagnostic(data: dict[str, Any]) -> Diagnostic:
    code = CODES[data["code"]]
    values = (data["file"], data["line"], data["column"], data["message"])
    if not all(isinstance(v, t) for v, t in zip(values, (str, int, int, str), strict=True)):
        raise ValueError("not a diagnostic")
    return Diagnostic(*values[:3], code.id, values[3], code.severity)
