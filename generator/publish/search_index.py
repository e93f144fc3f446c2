"""The static search index: tokens, postings and the files the search page fetches piece by piece.

The design of Lucene's ``CJKAnalyzer`` and Elasticsearch's ``cjk_bigram``, written as static
files. Text is normalized (NFKC, lower case: full-width letters and digits become half-width);
a run of Chinese characters gives its overlapping two-character pairs (a lone character is a
token by itself), a run of other letters and digits is one token. So any substring of two or
more characters of a title or a body matches without a dictionary, in the build or the browser.

Documents are numbered in publication order (0 is the oldest), so that "newest first" is "the
highest number first" and a year is a range of numbers. Each token has three postings: the
documents having it anywhere, in the title, and in the 文号 / 索引号. A posting is stored as
delta varints, a bitmap or runs of consecutive numbers, whichever is smallest
(:func:`encode_postings`): a bitmap caps any token at an eighth of a byte a document.

The files, under ``search-index/`` (assets/search.js reads them; it must agree with every
format here)::

    meta.json        the numbers the page needs to find everything else (never grows)
    b/{n}.bin        the rare tokens, hashed into buckets: each entry a token and its postings
    t/{hex}.bin      a frequent token's postings in a file of its own (hex: its UTF-8)
    r/{n}.json       result blocks: what BLOCK_SIZE documents show in a result list
    f/{key}-{n}.bin  a filter value's documents (the n-th value of the page's filter ``key``)
    k/{n}.json       exact lookups: normalized 文号 and 索引号 → document numbers

Everything is a pure function of the documents, written the same way every time: two builds of
the same input give the same bytes, and an incremental build gives a full build's files.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
from array import array
from bisect import bisect_left
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, MutableSequence, Sequence
from dataclasses import dataclass
from itertools import compress, islice, repeat
from operator import ne, sub
from typing import Any

from generator.children import in_shares

FORMAT = 1
BLOCK_SIZE = 8  # documents a result block holds: a screen of 10 results fetches a few blocks
OWN_FILE_BYTES = 256  # postings larger than this get a file of their own
BUCKET_BYTES = 1024  # the size a bucket of rare tokens aims at: one is fetched a token
LOOKUP_BUCKET_BYTES = 4096  # the same for the 文号 / 索引号 lookups
EXCERPT_CHARS = 80

# Chinese characters: CJK Unified Ideographs, Extension A, compatibility ideographs, and the
# supplementary planes' extensions (rare characters of names). assets/search.js has the same.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
# The tokens, each kind found by the regex engine at once: every pair of Chinese characters
# (overlapping), a Chinese character alone, a run of other letters and digits.
PAIR = re.compile(f"(?=([{CJK}]{{2}}))")
LONE = re.compile(f"(?<![{CJK}])[{CJK}](?![{CJK}])")
OTHER = re.compile(f"[^\\W_{CJK}]+")
# Brackets of a 文号 as clerks type them, after NFKC (which makes （ ( and ［ [): all one.
OPENING = "[(【〖〔"
CLOSING = "])】〗〕"
_BRACKETS = str.maketrans({**dict.fromkeys(OPENING, "〔"), **dict.fromkeys(CLOSING, "〕")})
_SPACE = re.compile(r"\s+")

DELTAS, BITMAP, RUNS = 0, 1, 2  # the kinds of a posting (its header says which)


@dataclass(frozen=True)
class Document:
    """What the index knows of one published item."""

    title: str
    identifiers: tuple[str, ...]  # 文号, 索引号: searched as a field, and looked up whole
    text: str  # everything else searched: 发布机构, 关键词, 内容概述, the body
    shown: Mapping[str, Any]  # its entry in a result list (see search.py: result_record)


# Tokens -----------------------------------------------------------------------------------


# Characters NFKC leaves alone or turns into punctuation or spaces only: ASCII, CJK symbols and
# punctuation (but the Hangzhou numerals 〸〹〺 and after), the CJK ideographs, full-width
# punctuation. A text of these alone gives the same tokens with or without NFKC, which is most
# of a Chinese text's time to tokenize; any other character and the text is normalized.
_OTHER_THAN_SAFE = re.compile(
    "[^\x00-\x7f\u3000-\u3037\u3400-\u4dbf\u4e00-\u9fff"
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2010-\u2027\u00b7\u00d7]"
)


def normalize(text: str) -> str:
    """NFKC, lower case (assets/search.js: ``normalize``)."""
    return unicodedata.normalize("NFKC", text).lower()


def _token_text(text: str) -> str:
    """What the tokens are found in: :func:`normalize` of ``text``, where it would change them."""
    if _OTHER_THAN_SAFE.search(text) is None:
        return text.lower()
    return normalize(text)


def tokens(text: str) -> set[str]:
    """The tokens of a text: each Chinese run's overlapping pairs (a lone character alone),
    each other run whole. The same as the matches of PAIR, LONE and OTHER in the normalized
    text, found faster (:func:`token_keys`)."""
    return set(map(_token, token_keys(text)))


RUN = re.compile(f"[{CJK}]+")


def token_keys(text: str) -> set[int | str]:
    """:func:`tokens` with each pair of Chinese characters as an integer, its first character's
    code point in the low 32 bits (:func:`pair_text` gives the pair back): an index of many
    documents makes a pair for almost every character it reads, and an integer is made and
    hashed in C loops where the regex's overlapping matches each make a string.

    The runs are joined with NUL and encoded as UTF-32, one 4-byte unit a character; read as
    64-bit integers from the first unit and again from the second, the units give every pair
    of neighbours once. Those with a NUL half (a run's last character, the next one's first)
    are dropped; a run of one character is a token by itself."""
    text = _token_text(text)
    found: set[int | str] = set(OTHER.findall(text))
    runs = RUN.findall(text)
    if runs:
        units = "\0".join(runs).encode("utf-32-le")
        found.update(_units(units), _units(units[4:]))
        found.difference_update(map(ord, [run[-1] for run in runs]))  # (last, NUL)
        found.difference_update([ord(run[0]) << 32 for run in runs])  # (NUL, first)
        found.update([run for run in runs if len(run) == 1])
    return found


def _units(data: bytes) -> array[int]:
    """``data`` (UTF-32-LE) as 64-bit integers, two characters each, little-endian wherever
    this runs (an odd character at the end left out)."""
    pairs = array("Q", data[: len(data) // 8 * 8])
    if sys.byteorder == "big":
        pairs.byteswap()
    return pairs


def pair_text(key: int) -> str:
    """The two characters of a pair made by :func:`token_keys`."""
    return chr(key & 0xFFFFFFFF) + chr(key >> 32)


def identifier_key(text: str) -> str:
    """A 文号 or 索引号 as it is looked up: normalized, without spaces, 〔〕 [] () 【】 alike."""
    return _SPACE.sub("", normalize(text)).translate(_BRACKETS)


def fnv1a(text: str) -> int:
    """FNV-1a (32 bits) of the UTF-8 of ``text``: which bucket holds a token or a lookup key
    (``hashOf`` in assets/search.js)."""
    value = 0x811C9DC5
    for byte in text.encode():
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


# Postings ----------------------------------------------------------------------------------


def varint(value: int) -> bytes:
    """LEB128: seven bits a byte, low bits first, the high bit set on all but the last."""
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def varints(values: Iterable[int]) -> bytes:
    values = list(values)
    if max(values, default=0) < 0x80:
        return bytes(values)
    return b"".join(map(varint, values))


def read_varint(data: bytes, at: int) -> tuple[int, int]:
    """The varint at ``at`` and the position after it."""
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7


def encode_postings(numbers: Sequence[int]) -> bytes:
    """Ascending document numbers as the smallest of three forms, after a header
    ``varint(length * 3 + kind)``:

    - DELTAS: varints of each number less the one before (the first as it is);
    - BITMAP: varint of the first byte's position, then the bytes from there to the last one
      set (bit ``n % 8`` of byte ``n // 8``);
    - RUNS: for each run of consecutive numbers, varints of its distance from the end of the
      run before and of its length.

    No numbers: the single byte 0.
    """
    if not numbers:
        return b"\x00"
    forms: list[tuple[int, bytes]] = []
    first, size = numbers[0] >> 3, (numbers[-1] >> 3) - (numbers[0] >> 3) + 1
    runs = 0  # runs of consecutive numbers, counted from whichever form is made
    if size >= len(numbers):  # else a bitmap is smaller than the deltas anyway
        gaps = [numbers[0], *map(sub, numbers[1:], numbers[:-1])]
        forms.append((DELTAS, varints(gaps)))
        runs = len(gaps) - gaps.count(1) + (gaps[0] == 1)  # a gap of 1 continues a run
    if not forms or size < len(forms[0][1]):
        bits = _bits(numbers, first, size)
        forms.append((BITMAP, varint(first) + bits.to_bytes(size, "little")))
        runs = (bits & ~(bits << 1)).bit_count()  # the set bits whose neighbour below is not
    if 2 * runs < min(len(body) for _, body in forms):
        forms.append((RUNS, varints(_runs(numbers))))
    kind, body = min(forms, key=lambda form: (len(form[1]), form[0]))
    return varint(len(body) * 3 + kind) + body


def _runs(numbers: Sequence[int]) -> list[int]:
    """For each run of consecutive numbers: its distance from the end of the one before, and
    its length."""
    gaps = [numbers[0], *map(sub, numbers[1:], numbers[:-1])]
    starts = list(compress(range(1, len(gaps)), map(ne, gaps[1:], repeat(1))))
    pairs, end = [], 0
    for start, stop in zip([0, *starts], [*starts, len(numbers)], strict=True):
        pairs += [numbers[start] - end, stop - start]
        end = numbers[start] + stop - start
    return pairs


_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def _bits(numbers: Sequence[int], first: int, size: int) -> int:
    """The bitmap of ``numbers`` from byte ``first`` on (``size`` bytes) as an integer: bit
    ``n - 8 * first`` set for each number ``n``. Made in C loops, as postings of most of the
    documents are long: a byte a number, set by map over bytearray.__setitem__, then read as
    the binary digits of one integer (the bytes reversed: the first number is its lowest
    bit)."""
    flags = bytearray((first + size) * 8)
    deque(map(flags.__setitem__, numbers, repeat(1)), maxlen=0)
    del flags[: first * 8]
    flags.reverse()
    return int(flags.translate(_DIGITS), 2)


def decode_postings(data: bytes, at: int = 0) -> tuple[list[int], int]:
    """The numbers of the posting at ``at`` and the position after it (tests, benchmarks)."""
    header, at = read_varint(data, at)
    length, kind = divmod(header, 3)
    end = at + length
    numbers: list[int] = []
    if kind == DELTAS:
        value = 0
        while at < end:
            gap, at = read_varint(data, at)
            value += gap
            numbers.append(value)
    elif kind == BITMAP:
        first, at = read_varint(data, at)
        for position in range(at, end):
            byte = data[position]
            numbers += [((first + position - at) << 3) + bit for bit in range(8) if byte >> bit & 1]
    else:
        number = 0
        while at < end:
            gap, at = read_varint(data, at)
            length, at = read_varint(data, at)
            number += gap
            numbers += range(number, number + length)
            number += length
    return numbers, end


# Files -------------------------------------------------------------------------------------


@dataclass
class _Postings:
    anywhere: MutableSequence[int]
    title: MutableSequence[int]
    identifiers: MutableSequence[int]

    def encoded(self) -> bytes:
        return b"".join(map(encode_postings, (self.anywhere, self.title, self.identifiers)))


@dataclass(frozen=True)
class IndexSummary:
    """What an update of the index needs to know of the files it starts from (kept in the
    build manifest)."""

    fingerprints: list[str]  # of each document, in order (see fingerprint)
    entry_bytes: int  # of every bucket entry together: the number of buckets follows from it


def document(
    record: Mapping[str, Any], aliases: Mapping[str, Sequence[str]], body: str
) -> Document:
    """An item's document, from its result record (search.py: result_record), the units'
    aliases (by unit name: its publisher's are searched too) and its body text: an update makes
    the old version's again from what it published."""
    identifiers = tuple(record[key] for key in ("doc_no", "index_no") if record.get(key))
    publisher = record.get("publisher", "")
    fields = [publisher, *aliases.get(publisher, ()), *record.get("keywords", ())]
    text = "\n".join([*fields, record.get("summary", ""), body])
    return Document(record["title"], identifiers, text, record)


def fingerprint(document: Document) -> str:
    data = [document.title, document.identifiers, document.text, document.shown]
    return hashlib.sha256(_json(data)).hexdigest()[:16]


def files_of(
    gathered: Gathered, filters: Mapping[str, Sequence[Sequence[int]]], parts: int = 1
) -> tuple[dict[str, bytes], IndexSummary]:
    """Every file of the index, by path under ``search-index/``, and its summary.

    ``gathered``: all the documents, in publication order (oldest first); ``filters``: for each
    filter key of the search page, the document numbers of each of its values, in the page's
    order. The postings are encoded in ``parts`` shares (see :func:`_encoded`)."""
    files: dict[str, bytes] = {}
    entries: dict[str, bytes] = {}
    postings = {_token(key): value for key, value in gathered.postings.items()}
    order = sorted(postings)
    for token, (entry, own) in zip(order, _encoded(postings, order, parts), strict=True):
        if own is not None:
            files[_own_file(token)] = own
        entries[token] = entry
    total = sum(map(_entry_size, entries.items()))
    buckets = bucket_count(total)
    grouped: list[dict[str, bytes]] = [{} for _ in range(buckets)]
    for token, entry in entries.items():
        grouped[fnv1a(token) % buckets][token] = entry
    files.update({f"b/{n}.bin": _bucket(group) for n, group in enumerate(grouped)})
    shown = gathered.shown
    for start in range(0, len(shown), BLOCK_SIZE):
        files[f"r/{start // BLOCK_SIZE}.json"] = _json(shown[start : start + BLOCK_SIZE])
    summary = IndexSummary(gathered.fingerprints, total)
    files.update(_shared_files(summary, buckets, gathered.identifiers, filters))
    return files, summary


def _encoded(
    postings: Mapping[str, _Postings], order: list[str], parts: int
) -> list[tuple[bytes, bytes | None]]:
    """Each token's bucket entry and own file (:func:`_entry`), in ``order``. The tokens are
    dealt out in turn to ``parts`` shares, each but the last encoded in a forked child
    (generator/children.py) while this process encodes the last: where processes
    cannot be forked, one after another here."""

    def share(n: int) -> list[tuple[bytes, bytes | None]]:
        return [_entry(postings[token]) for token in order[n::parts]]

    encoded: list[tuple[bytes, bytes | None]] = [(b"", None)] * len(order)
    for n, values in enumerate(in_shares(share, parts)):
        encoded[n::parts] = values
    return encoded


def update_files(
    read: Callable[[str], bytes | None],
    summary: IndexSummary,
    changes: Mapping[int, tuple[Document | None, Document]],
    identifiers: Sequence[tuple[str, ...]],
    filters: Mapping[str, Sequence[Sequence[int]]],
) -> tuple[dict[str, bytes | None], IndexSummary] | None:
    """The files that :func:`files_of` would write differently after ``changes``, from the
    index that ``read`` gives (a file by its path; ``None`` if there is none) and its summary:
    each changed file with its new bytes, or ``None`` where it is no longer written.

    ``changes``: by document number, the old and the new document (the old one ``None`` for a
    document added after the last); the other documents keep their numbers. ``identifiers``
    and ``filters``: of every document now. ``None`` when the update cannot be made so (the
    number of buckets changes, or the files are not those of the summary): index anew then.
    """
    count = len(identifiers)
    meta = read("meta.json")
    if meta is None or any(n >= count for n in changes):
        return None
    buckets = json.loads(meta)["buckets"]
    delta = _token_changes(changes)
    files: dict[str, bytes | None] = {}
    total = summary.entry_bytes
    replaced: dict[int, dict[str, bytes | None]] = defaultdict(dict)
    for token, (added, removed) in sorted(delta.items()):
        bucket = fnv1a(token) % buckets
        old = _read_postings(read, token, bucket)
        postings = old.postings if old else _Postings([], [], [])
        for numbers, adding in ((added, True), (removed, False)):
            for field, number in numbers:
                if not _apply(getattr(postings, field), number, adding):
                    return None  # the files are not those of the summary
        if old is not None:
            total -= _entry_size((token, old.entry))
            if old.entry == OWN:
                files[_own_file(token)] = None
        if not postings.anywhere:
            replaced[bucket][token] = None
            continue
        entry, own = _entry(postings)
        if own is not None:
            files[_own_file(token)] = own
        replaced[bucket][token] = entry
        total += _entry_size((token, entry))
    if bucket_count(total) != buckets:
        return None
    for bucket, entries in replaced.items():
        group = _bucket_entries(read(f"b/{bucket}.bin") or b"")
        for token, entry in entries.items():
            if entry is None:
                group.pop(token, None)
            else:
                group[token] = entry
        files[f"b/{bucket}.bin"] = _bucket(dict(sorted(group.items())))
    for block in sorted({n // BLOCK_SIZE for n in changes}):
        data = read(f"r/{block}.json")
        records = json.loads(data) if data else []
        for n in range(block * BLOCK_SIZE, min(count, (block + 1) * BLOCK_SIZE)):
            if n in changes:
                records[n % BLOCK_SIZE : n % BLOCK_SIZE + 1] = [changes[n][1].shown]
        files[f"r/{block}.json"] = _json(records)
    fingerprints = list(summary.fingerprints[:count])
    fingerprints += [""] * (count - len(fingerprints))
    for n, (_, new) in changes.items():
        fingerprints[n] = fingerprint(new)
    if "" in fingerprints:
        return None
    new_summary = IndexSummary(fingerprints, total)
    lookups = _lookup_updates(read, changes, identifiers)
    files.update(_shared_files(new_summary, buckets, identifiers, filters, lookups))
    return files, new_summary


def _lookup_updates(
    read: Callable[[str], bytes | None],
    changes: Mapping[int, tuple[Document | None, Document]],
    identifiers: Sequence[tuple[str, ...]],
) -> dict[str, bytes] | None:
    """The lookup files whose keys the changes touch, made again; ``None`` when the number of
    lookup files changes (then all of them are made again)."""
    meta = json.loads(read("meta.json") or b"{}")
    count = _lookup_count(identifiers)
    if meta.get("lookups") != count:
        return None
    edits: dict[int, list[tuple[str, int, bool]]] = defaultdict(list)
    for number, (old, new) in changes.items():
        before = {identifier_key(name) for name in (old.identifiers if old else ())}
        after = {identifier_key(name) for name in new.identifiers}
        for key in before ^ after:
            edits[fnv1a(key) % count].append((key, number, key in after))
    files = {}
    for bucket, keyed in edits.items():
        name = f"k/{bucket}.json"
        found: dict[str, list[int]] = json.loads(read(name) or b"{}")
        for key, number, adding in keyed:
            numbers = found.setdefault(key, [])
            if not _apply(numbers, number, adding):
                return None
            if not numbers:
                del found[key]
        files[name] = _json(found)
    return files


def _token_changes(
    changes: Mapping[int, tuple[Document | None, Document]],
) -> dict[str, tuple[list[tuple[str, int]], list[tuple[str, int]]]]:
    """For each token whose postings change: the (field, number) pairs added and removed."""
    delta: dict[str, tuple[list[tuple[str, int]], list[tuple[str, int]]]] = defaultdict(
        lambda: ([], [])
    )
    for number, (old, new) in changes.items():
        before = _fields(old) if old else {"anywhere": set(), "title": set(), "identifiers": set()}
        after = _fields(new)
        for field, tokens_after in after.items():
            for token in tokens_after - before[field]:
                delta[token][0].append((field, number))
            for token in before[field] - tokens_after:
                delta[token][1].append((field, number))
    return delta


def _fields(document: Document) -> dict[str, set[str]]:
    title = tokens(document.title)
    identifiers = tokens(" ".join(document.identifiers))
    return {
        "anywhere": title | identifiers | tokens(document.text),
        "title": title,
        "identifiers": identifiers,
    }


def _apply(numbers: MutableSequence[int], number: int, adding: bool) -> bool:
    """Add or remove ``number`` in ascending ``numbers``; False if it was (not) there."""
    at = bisect_left(numbers, number)
    present = at < len(numbers) and numbers[at] == number
    if adding == present:
        return False
    if adding:
        numbers.insert(at, number)
    else:
        del numbers[at]
    return True


@dataclass(frozen=True)
class _Published:
    postings: _Postings
    entry: bytes  # its entry in its bucket (OWN: the postings are in a file of their own)


def _read_postings(
    read: Callable[[str], bytes | None], token: str, bucket: int
) -> _Published | None:
    entry = _bucket_entries(read(f"b/{bucket}.bin") or b"").get(token)
    if entry is None:
        return None
    data = read(_own_file(token)) if entry == OWN else entry[1:]
    if data is None:
        return None
    return _Published(_Postings(*read_own_file(data)), entry)


OWN = b"\x01"  # a bucket entry: the token's postings are in a file of its own


def _entry(postings: _Postings) -> tuple[bytes, bytes | None]:
    """A token's entry in its bucket, and the content of its own file if it gets one."""
    encoded = postings.encoded()
    if len(encoded) > OWN_FILE_BYTES:
        return OWN, encoded
    return b"\x00" + encoded, None


def _own_file(token: str) -> str:
    return f"t/{token.encode().hex()}.bin"


def _entry_size(item: tuple[str, bytes]) -> int:
    token, entry = item
    return len(token.encode()) + len(entry) + 1


def _bucket(entries: Mapping[str, bytes]) -> bytes:
    """A bucket file: each token (varint length, UTF-8) and its entry, in token order."""
    data = bytearray()
    for token, entry in entries.items():
        name = token.encode()
        data += varint(len(name)) + name + entry
    return bytes(data)


def _bucket_entries(data: bytes) -> dict[str, bytes]:
    """The entries of a bucket file, by token."""
    found: dict[str, bytes] = {}
    at = 0
    while at < len(data):
        length, at = read_varint(data, at)
        token = data[at : at + length].decode()
        at += length
        end = at + 1 if data[at] == OWN[0] else _three_postings(data, at + 1)[1]
        found[token] = data[at:end]
        at = end
    return found


def _three_postings(data: bytes, at: int = 0) -> tuple[list[list[int]], int]:
    """A token's postings (anywhere, title, identifiers) from ``at``, and the position after."""
    lists = []
    for _ in range(3):
        numbers, at = decode_postings(data, at)
        lists.append(numbers)
    return lists, at


def _shared_files(
    summary: IndexSummary,
    buckets: int,
    identifiers: Sequence[tuple[str, ...]],
    filters: Mapping[str, Sequence[Sequence[int]]],
    lookups: dict[str, bytes] | None = None,
) -> dict[str, bytes]:
    """The files made of every document at once: filters, lookups (all of them, or those of
    ``lookups`` that changed) and meta.json. Its version is a digest of the documents and the
    filters (which hold what the documents do not: 主题分类, 体裁…); the lookups are made of
    the documents' identifiers alone."""
    files = {
        f"f/{key}-{n}.bin": encode_postings(sorted(numbers))
        for key, values in filters.items()
        for n, numbers in enumerate(values)
    }
    digest = hashlib.sha256("\n".join(summary.fingerprints).encode())
    for name in sorted(files):
        digest.update(hashlib.sha256(name.encode() + b"\0" + files[name]).digest())
    files.update(_lookup_files(identifiers) if lookups is None else lookups)
    files["meta.json"] = _json(
        {
            # the search page asks for every file with it: no file of an older index comes
            # from the browser's cache
            "version": digest.hexdigest()[:16],
            "format": FORMAT,
            "documents": len(identifiers),
            "block": BLOCK_SIZE,
            "buckets": buckets,
            "lookups": _lookup_count(identifiers),
        }
    )
    return files


@dataclass
class Gathered:
    """What the index takes of a run of consecutive documents: each token's postings (a pair
    as :func:`token_keys` makes it), and each document's result record, fingerprint and
    identifiers. The documents' text is not kept."""

    postings: dict[int | str, _Postings]
    shown: list[Mapping[str, Any]]
    fingerprints: list[str]
    identifiers: list[tuple[str, ...]]


PARTITION = 4096  # documents whose postings are gathered in lists before they are packed


def gather(documents: Iterable[Document], start: int = 0) -> Gathered:
    """Gather ``documents``, numbered from ``start``, one after another. Postings are
    gathered in lists a partition of documents at a time, then appended to arrays of 32-bit
    numbers, which take much less memory than lists of Python integers."""
    gathered = Gathered({}, [], [], [])
    found = gathered.postings
    documents = iter(documents)
    while partition := list(islice(documents, PARTITION)):
        anywhere: dict[int | str, list[int]] = defaultdict(list)
        title: dict[int | str, list[int]] = defaultdict(list)
        identifiers: dict[int | str, list[int]] = defaultdict(list)
        for number, document in enumerate(partition, start):
            in_title = token_keys(document.title)
            in_identifiers = token_keys(" ".join(document.identifiers))
            in_text = token_keys(document.text)
            in_text |= in_title
            in_text |= in_identifiers
            _append(title, in_title, number)
            _append(identifiers, in_identifiers, number)
            _append(anywhere, in_text, number)
            gathered.shown.append(document.shown)
            gathered.fingerprints.append(fingerprint(document))
            gathered.identifiers.append(document.identifiers)
        start += len(partition)
        for token, numbers in anywhere.items():
            postings = found.get(token)
            if postings is None:
                postings = found[token] = _Postings(array("I"), array("I"), array("I"))
            postings.anywhere.extend(numbers)
            postings.title.extend(title.get(token, ()))
            postings.identifiers.extend(identifiers.get(token, ()))
    return gathered


def merge(parts: Iterable[Gathered]) -> Gathered:
    """The runs of documents ``parts`` gathered, one after another, as one (the first part's
    objects extended)."""
    parts = iter(parts)
    merged = next(parts)
    found = merged.postings
    for part in parts:
        for token, postings in part.postings.items():
            into = found.get(token)
            if into is None:
                found[token] = postings
                continue
            into.anywhere.extend(postings.anywhere)
            into.title.extend(postings.title)
            into.identifiers.extend(postings.identifiers)
        merged.shown += part.shown
        merged.fingerprints += part.fingerprints
        merged.identifiers += part.identifiers
    return merged


def _token(key: int | str) -> str:
    return pair_text(key) if isinstance(key, int) else key


def _append(
    postings: defaultdict[int | str, list[int]], found: set[int | str], number: int
) -> None:
    """Append ``number`` to the list of each token found, the loop in C (map over list.append):
    a third of the time of a Python loop, over some 1,700 tokens a document."""
    deque(map(list.append, map(postings.__getitem__, found), repeat(number)), maxlen=0)


def bucket_count(total_bytes: int, aim: int = BUCKET_BYTES) -> int:
    """A power of two, so that buckets hold about ``aim`` bytes each (at least one bucket)."""
    count = 1
    while count * aim < total_bytes:
        count *= 2
    return count


def _lookup_count(identifiers: Sequence[tuple[str, ...]]) -> int:
    keys = sum(map(len, identifiers))
    return bucket_count(keys * 40, LOOKUP_BUCKET_BYTES)  # a key and a number: about 40 bytes


def _lookup_files(identifiers: Sequence[tuple[str, ...]]) -> dict[str, bytes]:
    """``k/{n}.json``: each normalized 文号 / 索引号 with the documents it names. Every bucket is
    written, empty or not, so that no lookup ends in a 404."""
    count = _lookup_count(identifiers)
    buckets: list[dict[str, list[int]]] = [{} for _ in range(count)]
    for number, names in enumerate(identifiers):
        for identifier in names:
            key = identifier_key(identifier)
            buckets[fnv1a(key) % count].setdefault(key, []).append(number)
    return {f"k/{n}.json": _json(bucket) for n, bucket in enumerate(buckets)}


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def read_bucket(data: bytes) -> dict[str, list[list[int]] | None]:
    """The tokens of a bucket file with their three postings (``None``: in a file of its own),
    for tests and benchmarks."""
    return {
        token: None if entry == OWN else read_own_file(entry[1:])
        for token, entry in _bucket_entries(data).items()
    }


def read_own_file(data: bytes) -> list[list[int]]:
    return _three_postings(data)[0]
