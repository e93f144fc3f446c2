"""A cache of every item file's reading and checks, so that a run over an unchanged site is fast.

Reading an item (bytes → YAML → :class:`~generator.content.model.Item`) and its own checks
(:class:`~generator.content.validate.ItemValidator`, the privacy and raw HTML scans) are most of
the time of ``disclosure check`` and ``disclosure build`` on a large site, and their result
depends on nothing but the file's bytes, its path, columns.yml and the generator itself. So that
result — the validated item and the diagnostics those steps reported — is stored per file:

- an entry is keyed by the file's path relative to the site (``content/…/x.md``);
- it is trusted while the file's stat (mtime, ctime, size, inode) is what it was when the file was
  read; when the stat changed, while the file's SHA-256 is still the one read (a copied or
  checked-out site costs one hash per file, once). The ctime catches an edit whose mtime was put
  back. A file changed less than :data:`RACY_NS` before it was read is hashed every time until
  it is older, since a second edit within the file system's clock tick leaves the stat alike;
- the whole cache is trusted only with the same :func:`fingerprint`: this format, the
  generator's version and source code, Python and PyYAML, and the bytes of columns.yml;
- the privacy scan takes a number for a 身份证号码 only when its birth date is not in the
  future, so the result for a file holding such a number holds on the day it was made only.

The site-wide checks (duplicates, references, links, annual reports, the inspection) are not
cached: they run over all items, cached or not, on every run.

The cache is data only — nothing in it is ever executed — because it lives in the site folder
where anyone may put or commit one: ``items.json`` holds the entries. It holds no body: an item
rebuilt from an entry has its links, and reads its body again from its file only if something
asks for it (:class:`~generator.content.model.LazyText`; few things do, and the bodies are most
of a site's bytes). A run that changed only a few entries (see :data:`SAVE_SHARE`) writes
nothing: reading those files again next time is cheaper.

Objects of the catalog are stored by key (the column's path, the unit's place in the unit list,
the text of a 主题分类, 索引号 or 文号) and looked up again in the current catalog. An entry with
anything missing, of the wrong type or not found in the catalog is a miss: the file is read
again. The cache lives in ``.disclosure-cache/`` beside columns.yml; deleting it is always safe.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

import orjson
import yaml

from generator.content.catalog import CATALOG_FILE, Catalog, Column, Unit
from generator.content.digit_runs import digit_runs
from generator.content.doc_number import DocNumber, parse_doc_number
from generator.content.index_number import IndexNumber
from generator.content.links import Link
from generator.content.load import MAX_FILE_BYTES, BodyOnDisk, SourceFile
from generator.content.model import Item
from generator.content.texts import strings
from generator.content.topics import Topic
from generator.diagnostics import CODES, Diagnostic, Severity

CACHE_DIR = ".disclosure-cache"
CACHE_FILE = "items.json"
FORMAT = 3
# What earlier formats wrote beside items.json: deleted when the cache is saved.
OLD_FILES = ("item-digests.json", "item-bodies.txt")
# Writing the whole cache costs more than reading and checking a few files again: a run that
# changed fewer than a hundredth of the entries leaves it as it is (a check of one edited file on
# a large site stays quick).
SAVE_SHARE = 100
RACY_NS = 2_000_000_000  # a file changed this recently may change again with the same stat
MAX_EXTRA_DEPTH = 64  # deeper than the loader ever builds: a crafted entry

_ID_LENGTH = 15  # digits in every 身份证号码 the privacy scan may find

# Item fields stored as they are, by type.
TEXT_FIELDS = ("source", "src_uri", "title")
OPTIONAL_TEXT_FIELDS = (
    "disclosure", "genre", "summary", "validity", "superseded_by", "interprets",
    "editor", "reviewer", "approver",
)  # fmt: skip
FLAG_FIELDS = ("published_has_time", "draft")
# Item fields stored in their own form: a catalog key, an ISO date, a list for a tuple.
KEYED_FIELDS = (
    "column", "index_no", "publisher", "topic", "published", "written", "doc_no",
    "keywords", "extra", "body_line", "lines",
)  # fmt: skip
READ_AGAIN = ("body",)  # from the item's file, when asked
# annual_report: attached by the site-wide annual report check on every run.
NOT_CACHED = ("annual_report",)
_STORED_TYPES: dict[str, tuple[type, ...]] = {
    **dict.fromkeys(TEXT_FIELDS, (str,)),
    **dict.fromkeys(OPTIONAL_TEXT_FIELDS, (str, type(None))),
    **dict.fromkeys(FLAG_FIELDS, (bool,)),
}

# What a damaged or crafted entry raises while it is rebuilt.
_DAMAGED = (KeyError, IndexError, TypeError, ValueError, RecursionError)


class _Damaged(ValueError):
    """An entry that does not hold what this format writes."""


def _generator_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("disclosure-generator")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "source"


def _code_files() -> list[Path]:
    """The code whose behaviour the cached results depend on: reading, validating, diagnostics."""
    content = Path(__file__).parent
    return [*sorted(content.glob("*.py")), content.parent / "diagnostics.py"]


def committed(site_dir: Path) -> bool:
    """Whether Git tracks anything in the cache folder of ``site_dir``.

    A cache can never run code, but one that matches the files could hide their problems — a
    privacy finding, say. The caches a build writes itself are trusted; one that arrived with a
    commit (a pull request, in CI) is not: such a run reads everything again.
    """
    if not (site_dir / CACHE_DIR).is_dir():
        return False
    try:
        listed = subprocess.run(
            ["git", "-C", str(site_dir), "ls-files", "--", CACHE_DIR],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return False  # no Git: nothing can have been committed with it
    return listed.returncode == 0 and bool(listed.stdout.strip())


def fingerprint(site_dir: Path) -> str:
    """What every entry depends on besides its own file; taken before columns.yml is read, so
    that a columns.yml changed meanwhile can only make the next run discard the cache."""
    digest = hashlib.sha256()
    runtime = (FORMAT, _generator_version(), sys.version, yaml.__version__, yaml.__with_libyaml__)
    digest.update(repr(runtime).encode())
    for path in [*_code_files(), site_dir / CATALOG_FILE]:
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"\0missing")
    return digest.hexdigest()


class FileStamp(NamedTuple):
    """A file's stat, taken before the file is read: while it is unchanged, so is the file."""

    key: list[int]  # mtime_ns, ctime_ns, size, inode: as stored in an entry
    racy: bool  # changed within RACY_NS before the stat: a next change may leave it alike


@dataclass
class ItemResult:
    """What reading and checking a file gave: its item (None when unreadable) and diagnostics."""

    item: Item | None
    diagnostics: list[Diagnostic]
    sha256: str = ""  # of the file's bytes: what the incremental build's fingerprints use


@dataclass
class ItemCache:
    """The entries of one site, by path relative to the site; see the module docstring."""

    folder: Path
    fingerprint: str
    catalog: Catalog
    entries: dict[str, Any]
    today: str = field(default_factory=lambda: date.today().isoformat())
    opened_ns: int = field(default_factory=time.time_ns)  # before any file is looked at
    changes: int = 0  # entries stored, re-stamped or forgotten since the cache was read

    @classmethod
    def open(cls, site_dir: Path, fingerprint: str, catalog: Catalog) -> ItemCache:
        """The cache of ``site_dir``; empty when missing, unreadable or of another fingerprint."""
        folder = site_dir / CACHE_DIR
        entries: dict[str, Any] = {}
        try:
            if committed(site_dir):
                raise OSError("a cache from the repository is not trusted")
            stored = orjson.loads((folder / CACHE_FILE).read_bytes())
            if stored["fingerprint"] == fingerprint and isinstance(stored["entries"], dict):
                entries = stored["entries"]
        except (OSError, *_DAMAGED):  # missing, not JSON, or not what this format writes
            entries = {}
        return cls(folder, fingerprint, catalog, entries)

    def stamp(self, path: str | Path) -> FileStamp | None:
        """The stat to take before reading ``path``; None when it cannot be taken."""
        try:
            stat = os.stat(path)
        except OSError:
            return None
        key = [stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino]
        # opened_ns is before this stat: an earlier moment only makes more stamps racy
        return FileStamp(key, max(key[0], key[1]) >= self.opened_ns - RACY_NS)

    def lookup(
        self, rel: str, path: str | Path, stamp: FileStamp | None, column: Column
    ) -> ItemResult | None:
        """The result for an unchanged file, rebuilt (its body read again from the file if
        asked); None when the file must be read again."""
        entry = self.entries.get(rel)
        if entry is None or stamp is None:
            return None
        try:
            if entry["valid_on"] is not None and entry["valid_on"] != self.today:
                return None
            same_stat = entry["stamp"] == stamp.key and not entry["racy"]
            if not same_stat and entry["sha256"] != _sha256(path):
                return None
            cached = ItemResult(
                _item(entry["item"], rel, column, self.catalog, BodyOnDisk(path, rel)),
                [_diagnostic(row) for row in _list(entry["diagnostics"])],
                _text(entry["sha256"]),
            )
        except (OSError, *_DAMAGED):
            return None  # unreadable now, or a damaged entry: read the file
        if [entry["stamp"], entry["racy"]] != [stamp.key, stamp.racy]:
            entry["stamp"], entry["racy"] = stamp.key, stamp.racy  # the same bytes: trust it
            self.changes += 1
        return cached

    def remember(
        self,
        stamp: FileStamp | None,
        source: SourceFile,
        item: Item | None,
        diagnostics: list[Diagnostic],
    ) -> None:
        """Store what reading ``source`` gave, keyed by the stat taken before it was read."""
        if stamp is None or not source.sha256:  # could not be read: nothing to key it by
            self.entries.pop(source.rel, None)
            return
        self.entries[source.rel] = {
            "stamp": stamp.key,
            "racy": stamp.racy,
            "sha256": source.sha256,
            "valid_on": self.today if _holds_id_shaped_number(source) else None,
            "item": _item_data(item, self.catalog) if item is not None else None,
            "diagnostics": [_diagnostic_data(d) for d in diagnostics],
        }
        self.changes += 1

    def forget_missing(self, present: set[str]) -> None:
        for rel in set(self.entries) - present:
            del self.entries[rel]
            self.changes += 1

    def save(self) -> None:
        """Write items.json, replaced whole (written beside, then renamed); a cache that cannot
        be written is simply not used next time."""
        if self.changes < max(1, len(self.entries) // SAVE_SHARE):
            return  # cheaper to read those few files again next time than to write it all
        document = {"fingerprint": self.fingerprint, "entries": self.entries}
        try:
            self.folder.mkdir(exist_ok=True)
            replace_file(self.folder / CACHE_FILE, orjson.dumps(document))
            for name in OLD_FILES:
                (self.folder / name).unlink(missing_ok=True)
        except OSError:
            pass
        self.changes = 0


def replace_file(path: Path, data: bytes) -> None:
    """Write beside, then rename: a reader sees the old file or the new one, whole."""
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)


def _sha256(path: str | Path) -> str:
    """The hash read_source takes: of the first MAX_FILE_BYTES + 1 bytes."""
    with open(path, "rb") as stream:
        return hashlib.sha256(stream.read(MAX_FILE_BYTES + 1)).hexdigest()


def _holds_id_shaped_number(source: SourceFile) -> bool:
    """Whether the privacy scan's verdict on this file may change with the date (see above).

    Every text it scans, and more: the file's path, the body and every string of the front
    matter; a number as the scan reads it, through separators and markup (digit_runs)."""
    if _id_shaped(source.rel) or _id_shaped(source.body):
        return True
    return any(
        _id_shaped(value) for entry in source.entries.values() for value in strings(entry.value)
    )


def _id_shaped(text: str) -> bool:
    return len(text) >= _ID_LENGTH and any(digit_runs(text, _ID_LENGTH))


# Writing an entry ---------------------------------------------------------------------------


def _item_data(item: Item, catalog: Catalog) -> dict[str, Any]:
    data: dict[str, Any] = {
        name: getattr(item, name) for name in (*TEXT_FIELDS, *OPTIONAL_TEXT_FIELDS, *FLAG_FIELDS)
    }
    publisher = item.publisher
    data.update(
        column=item.column.path,
        index_no=str(item.index_no) if item.index_no else None,
        publisher=[_unit_place(publisher, catalog), publisher.name] if publisher else None,
        topic=str(item.topic) if item.topic else None,
        published=item.published.isoformat() if item.published else None,
        written=item.written.isoformat() if item.written else None,
        doc_no=str(item.doc_no) if item.doc_no else None,
        keywords=list(item.keywords),
        extra=item.extra,
        links=[[k.target, k.text, k.line, k.column, k.in_html] for k in item.links],
        body_line=item.body_line,
        lines=item.lines,
    )
    return data


def _unit_place(unit: Unit, catalog: Catalog) -> int:
    return next(i for i, candidate in enumerate(catalog.units) if candidate is unit)


def _diagnostic_data(diagnostic: Diagnostic) -> list[Any]:
    d = diagnostic
    return [d.file, d.line, d.column, d.code, d.message, str(d.severity)]


# Rebuilding an entry: every value checked, every catalog key looked up -----------------------


def _item(data: Any, rel: str, column: Column, catalog: Catalog, body: BodyOnDisk) -> Item | None:
    if data is None:
        return None  # the file could not be read; its diagnostics say why
    if not isinstance(data, dict):
        raise _Damaged("item")
    if data["source"] != rel or data["column"] != column.path:
        raise _Damaged("item of another file")
    stored = {}
    for name, types in _STORED_TYPES.items():  # a loop: this runs for every item of a site
        stored[name] = value = data[name]
        if type(value) not in types:
            raise _Damaged("field of the wrong type")
    keywords, lines = data["keywords"], data["lines"]
    if type(keywords) is not list or not set(map(type, keywords)) <= {str}:
        raise _Damaged("keywords")
    numbers = lines.values() if type(lines) is dict else None  # the keys of JSON are text
    if numbers is None or not set(map(type, numbers)) <= {int} or min(numbers, default=1) < 1:
        raise _Damaged("lines")
    item = Item(
        **stored,
        column=column,
        body=body,
        index_no=_reparsed(data["index_no"], catalog.index_pattern.parse, IndexNumber),
        publisher=_publisher(data["publisher"], catalog),
        topic=_reparsed(data["topic"], catalog.topics.parse, Topic),
        doc_no=_reparsed(data["doc_no"], parse_doc_number, DocNumber),
        published=_optional(data["published"], datetime.fromisoformat),
        written=_optional(data["written"], date.fromisoformat),
        keywords=tuple(keywords),
        extra=_extra(data["extra"]),
        body_line=_number(data["body_line"]),
        lines=dict(lines),
    )
    if item.published is not None and item.published.tzinfo is not None:
        raise _Damaged("published")  # the as-of moment it is compared with is naive
    item.links = _links(data["links"])  # set here, the body is not read to find them
    return item


def _links(data: Any) -> list[Link]:
    links = []
    for row in _list(data):
        target, text, line, column, in_html = _list(row)
        if type(target) is not str or type(text) is not str or type(in_html) is not bool:
            raise _Damaged("link")
        links.append(Link(target, text, _number(line), _number(column), in_html))
    return links


def _publisher(data: Any, catalog: Catalog) -> Unit | None:
    if data is None:
        return None
    place, name = _list(data)
    if type(place) is not int or place < 0:
        raise _Damaged("publisher")
    unit = catalog.units[place]
    if unit.name != name:
        raise _Damaged("publisher")
    return unit


def _diagnostic(data: Any) -> Diagnostic:
    file, line, column, code, message, severity = _list(data)
    if _text(code) not in CODES:
        raise _Damaged("code")
    return Diagnostic(
        _text(file), _number(line), _number(column), code, _text(message), Severity(severity)
    )


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Damaged("text")
    return value


def _number(value: Any) -> int:
    if type(value) is not int or value < 1:
        raise _Damaged("number")
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise _Damaged("list")
    return value


def _optional(value: Any, parse: Callable[[str], Any]) -> Any:
    return None if value is None else parse(_text(value))


def _reparsed(value: Any, parse: Callable[[str], Any], kind: type) -> Any:
    """A 索引号, 主题分类 or 文号 stored as its text, read again: it must read back the same."""
    if value is None:
        return None
    parsed = parse(_text(value))
    if not isinstance(parsed, kind) or str(parsed) != value:
        raise _Damaged(kind.__name__)
    return parsed


def _extra(value: Any) -> dict[str, Any]:
    """``extra:`` as the loader builds it: mappings, lists, text and nulls only."""
    if value == {}:
        return {}  # nearly every item
    if not isinstance(value, dict):
        raise _Damaged("extra")
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        node, depth = pending.pop()
        if depth > MAX_EXTRA_DEPTH:
            raise _Damaged("extra")
        if isinstance(node, dict):
            pending += [(child, depth + 1) for child in node.values()]
        elif isinstance(node, list):
            pending += [(child, depth + 1) for child in node]
        elif node is not None and not isinstance(node, str):
            raise _Damaged("extra")
    return value
