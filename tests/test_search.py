"""The static search index (issue 28): what the build writes, read back in Python.

Real builds of the reference site (plus non-public items with unique words) into temp folders;
the index files are decoded with generator/publish/search_index.py's own readers, and queries
are answered here as assets/search.js answers them (the browser tests run the script itself).
"""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from sites import build, copy_reference_site, html, write_item

from generator.publish.search import INDEX_DIR
from generator.publish.search_index import (
    BITMAP,
    DELTAS,
    LONE,
    OTHER,
    PAIR,
    RUNS,
    decode_postings,
    encode_postings,
    fnv1a,
    identifier_key,
    read_bucket,
    read_own_file,
    read_varint,
    tokens,
    varint,
)

ZIGONG_URL = "fdzdgknr/zcwj/20180821-zigong-2018-zhengwu-gongkai-yaodian/"

# Words made of rare characters found nowhere else on the site: in a non-public item each must
# stay out of the index, and a search for it must find nothing; the public control proves that a
# word made like them is found when it is there.
NON_PUBLIC_MARKERS = {
    "依申请公开": "鸑鷟",
    "不予公开": "䲜鱻",
    "draft": "龘靐",
    "scheduled": "麤爨",
}
PUBLIC_MARKER = "鷫鸘"
EMPTY_BODY_MARKER = "鹔鹴"  # a public item with hardly any body text


def add_marker_items(site: Path) -> None:
    """One item per kind of non-public item, and one public control, in 其他信息 (qtxx)."""

    def item(name: str, serial: int, marker: str, body: str | None = None, **changes: str) -> None:
        fields = {
            "title": f"湟源县城关镇关于{marker}事项的通知",
            "index_no": f"015180101/2026-{serial:05d}",
            "publisher": "湟源县城关镇人民政府",
            "topic": "综合政务/政务公开",
            "disclosure": "主动公开",
            "published": "2026-06-01",
            "keywords": f"[{marker}, 政务公开]",
            "genre": "通知",
        }
        fields.update(changes)
        if body is None:
            body = f"各村（社区）：\n\n关于{marker}的具体事项通知如下。\n"
        write_item(site, "fdzdgknr/qtxx", name, fields, body)

    markers = NON_PUBLIC_MARKERS
    item("20260601-search-apply.md", 91001, markers["依申请公开"], disclosure="依申请公开")
    item("20260601-search-withheld.md", 91002, markers["不予公开"], disclosure="不予公开")
    item("20260601-search-draft.md", 91003, markers["draft"], draft="true")
    item(
        "20270301-search-scheduled.md",
        91004,
        markers["scheduled"],
        published="2027-03-01",
        index_no="015180101/2027-91004",
    )
    item("20260601-search-public.md", 91005, PUBLIC_MARKER)
    item("20260602-search-empty.md", 91006, EMPTY_BODY_MARKER, body="见附件。")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference site plus the marker items, built once."""
    site = copy_reference_site(tmp_path_factory.mktemp("search"))
    add_marker_items(site)
    result = build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


class Index:
    """A built index, read as the search page reads it."""

    def __init__(self, output: Path) -> None:
        self.folder = output / INDEX_DIR
        self.meta = json.loads((self.folder / "meta.json").read_text(encoding="utf-8"))

    def postings(self, token: str) -> list[list[int]] | None:
        bucket = self.folder / f"b/{fnv1a(token) % self.meta['buckets']}.bin"
        entries = read_bucket(bucket.read_bytes())
        if token not in entries:
            return None
        found = entries[token]
        if found is None:
            own = self.folder / f"t/{token.encode().hex()}.bin"
            return read_own_file(own.read_bytes())
        return found

    def find(self, query: str) -> list[int]:
        """Every document with all the query's tokens, newest first."""
        numbers: set[int] | None = None
        for token in tokens(query):
            found = self.postings(token)
            if found is None:
                return []
            numbers = set(found[0]) if numbers is None else numbers & set(found[0])
        return sorted(numbers or (), reverse=True)

    def records(self) -> list[dict]:
        blocks = len(list((self.folder / "r").glob("*.json")))
        found: list[dict] = []
        for n in range(blocks):
            found += json.loads((self.folder / f"r/{n}.json").read_text(encoding="utf-8"))
        return found

    def urls(self, numbers: list[int]) -> list[str]:
        records = self.records()
        return [records[n]["url"] for n in numbers]

    def look_up(self, typed: str) -> list[int]:
        key = identifier_key(typed)
        bucket = self.folder / f"k/{fnv1a(key) % self.meta['lookups']}.json"
        return json.loads(bucket.read_text(encoding="utf-8")).get(key, [])

    def every_token(self) -> set[str]:
        found: set[str] = set()
        for bucket in (self.folder / "b").glob("*.bin"):
            found.update(read_bucket(bucket.read_bytes()))
        return found


def public_item_urls(site: Path) -> set[str]:
    """The item pages that the build published: those with an item's title block (a page
    column's page written as a document has the metadata block too, but is no item)."""
    return {
        page.parent.relative_to(site / "site").as_posix() + "/"
        for page in (site / "site").rglob("index.html")
        if '<h1 class="dp-title">' in page.read_text(encoding="utf-8")
    }


def index_tree(output: Path) -> dict[str, bytes]:
    folder = output / INDEX_DIR
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


# Tokens and postings ---------------------------------------------------------------------------


def test_chinese_runs_give_overlapping_pairs_and_other_runs_stay_whole() -> None:
    assert tokens("政务公开") == {"政务", "务公", "公开"}
    assert tokens("县") == {"县"}  # a lone character is a token by itself
    assert tokens("ＧＢ／Ｔ　９７０４－２０１２") == {"gb", "t", "9704", "2012"}  # NFKC, lower case
    assert tokens("源政办〔2026〕145号") == {"源政", "政办", "2026", "145", "号"}
    assert tokens("湟源县2026年") == {"湟源", "源县", "2026", "年"}
    assert tokens("，。、") == set()


# ASCII, CJK punctuation, full-width forms, general punctuation, and characters NFKC changes
# into letters, digits or ideographs (ª ² µ 豈 ① ㈱ ㍿ 〸).
ALPHABET = [
    *map(chr, [*range(0x20, 0x7F), *range(0x3000, 0x3040), *range(0xFF01, 0xFF66)]),
    *map(chr, range(0x2010, 0x2030)),
    *"·×ª²µ豈①㈱㍿〸",
    *"政务公开湟源县",
]


@given(st.text(st.sampled_from(ALPHABET), max_size=16))
def test_tokens_are_those_of_the_nfkc_text(text: str) -> None:
    """The build skips NFKC where it cannot change a token; the browser always applies it."""
    normalized = unicodedata.normalize("NFKC", text).lower()
    assert tokens(text) == {
        *PAIR.findall(normalized),
        *LONE.findall(normalized),
        *OTHER.findall(normalized),
    }


# Chinese characters of every range the index knows (the basic block, Extension A, the
# compatibility ideographs, Extension B), with what splits their runs.
CHINESE_ALPHABET = [*"政务公开湟源县㐀䶵豈郎𠀀𡈽𪚥", *"，。、 \n\0", *"aZ09_"]


@settings(deadline=None)
@given(st.text(st.sampled_from(CHINESE_ALPHABET), max_size=24))
def test_tokens_of_chinese_runs_are_the_regex_matches(text: str) -> None:
    """The build finds pairs as integers over UTF-32 units; they are the regex's matches."""
    normalized = unicodedata.normalize("NFKC", text).lower()
    assert tokens(text) == {
        *PAIR.findall(normalized),
        *LONE.findall(normalized),
        *OTHER.findall(normalized),
    }


@pytest.mark.parametrize(
    "typed",
    ["自府办发〔2018〕44号", "自府办发[2018]44号", "自府办发（2018）44号", "自府办发【2018】44号"],
)
def test_every_bracket_style_of_a_doc_number_is_one_key(typed: str) -> None:
    assert identifier_key(typed) == "自府办发〔2018〕44号"


@given(st.lists(st.integers(min_value=0, max_value=200_000), unique=True, max_size=300))
def test_postings_decode_to_what_was_encoded(numbers: list[int]) -> None:
    numbers.sort()
    data = encode_postings(numbers) + b"tail"
    decoded, end = decode_postings(data)
    assert decoded == numbers
    assert data[end:] == b"tail"


def _forms(numbers: list[int]) -> list[tuple[int, bytes]]:
    """Each of the three forms of a posting, written plainly, number by number."""
    gaps = [b - a for a, b in zip([0, *numbers], numbers, strict=False)]
    first = numbers[0] // 8
    bitmap = bytearray(numbers[-1] // 8 - first + 1)
    for number in numbers:
        bitmap[number // 8 - first] |= 1 << number % 8
    runs, end, at = [], 0, 0
    while at < len(numbers):
        length = 1
        while at + length < len(numbers) and numbers[at + length] == numbers[at] + length:
            length += 1
        runs += [numbers[at] - end, length]
        end, at = numbers[at] + length, at + length
    return [
        (DELTAS, b"".join(map(varint, gaps))),
        (BITMAP, varint(first) + bytes(bitmap)),
        (RUNS, b"".join(map(varint, runs))),
    ]


@settings(deadline=None)  # the plain writer of the three forms is slow on a busy machine
@given(
    st.lists(st.tuples(st.integers(0, 3_000), st.integers(1, 40)), min_size=1, max_size=60).map(
        lambda runs: sorted({start + n for start, length in runs for n in range(length)})
    )
)
def test_a_posting_is_the_smallest_of_its_three_forms(numbers: list[int]) -> None:
    """Whatever shortcuts the encoder takes, it writes the smallest form (the lower kind where
    two are as small)."""
    kind, body = min(_forms(numbers), key=lambda form: (len(form[1]), form[0]))
    assert encode_postings(numbers) == varint(len(body) * 3 + kind) + body


def _kind(data: bytes) -> int:
    header, _ = read_varint(data, 0)
    return header % 3


def test_the_smallest_form_of_a_posting_is_written() -> None:
    sparse = [5, 1_000, 90_000]
    dense = list(range(0, 20_000, 2))
    year = list(range(3_000, 4_200))
    assert _kind(encode_postings(sparse)) == DELTAS
    assert _kind(encode_postings(dense)) == BITMAP
    assert len(encode_postings(dense)) <= 20_000 // 8 + 8  # a bitmap caps a token at N/8 bytes
    assert _kind(encode_postings(year)) == RUNS
    assert len(encode_postings(year)) < 8
    assert encode_postings([]) == b"\x00"


# What is indexed -------------------------------------------------------------------------------


def test_the_index_holds_exactly_the_published_items(built: Path) -> None:
    index = Index(built / "site")
    urls = [record["url"] for record in index.records()]
    assert len(urls) == index.meta["documents"] == len(set(urls))
    assert set(urls) == public_item_urls(built)
    dates = [record["date"] for record in index.records()]
    assert dates == sorted(dates)  # numbered in publication order


def test_non_public_words_are_nowhere_in_the_index(built: Path) -> None:
    index = Index(built / "site")
    every = index.every_token()
    files = index_tree(built / "site")
    for marker in NON_PUBLIC_MARKERS.values():
        assert marker not in every
        assert index.find(marker) == []
        assert not [name for name, data in files.items() if marker.encode() in data]
    assert PUBLIC_MARKER in every
    assert EMPTY_BODY_MARKER in every  # from the title: a public item without a body


def test_all_query_tokens_must_match(built: Path) -> None:
    index = Index(built / "site")
    assert index.find("火星移民") == []
    found = index.urls(index.find("公共场所卫生监督"))
    assert found == ["fdzdgknr/jdjc/20260720-gonggong-changsuo-choujian/"]
    both = set(index.find("政务 卫生"))
    assert both == set(index.find("政务")) & set(index.find("卫生"))


def test_the_body_text_is_indexed_but_not_the_page_chrome(built: Path) -> None:
    index = Index(built / "site")
    assert index.urls(index.find("各区、县人民政府")) == [ZIGONG_URL]
    zigong = index.urls(index.find("自贡"))
    for chrome in ("当前位置", "网站标识码", "打印本页", "信息属性"):
        assert not set(index.urls(index.find(chrome))) & set(zigong), chrome


def test_title_and_doc_number_fields_have_postings_of_their_own(built: Path) -> None:
    index = Index(built / "site")
    numbers = index.find("自贡")
    (zigong,) = [n for n in numbers if index.urls([n]) == [ZIGONG_URL]]
    anywhere, title, _ = index.postings("自贡")
    assert zigong in title and zigong in anywhere
    assert zigong in index.postings("2018")[2]  # the year of its 文号 and 索引号
    assert zigong not in (index.postings("人民") or [[], [], []])[2]


@pytest.mark.parametrize(
    "typed",
    ["自府办发〔2018〕44号", "自府办发[2018]44号", "自府办发（2018）44号", "008290030/2018-02662"],
)
def test_a_doc_number_or_index_number_is_looked_up_exactly(built: Path, typed: str) -> None:
    index = Index(built / "site")
    assert index.urls(index.look_up(typed)) == [ZIGONG_URL]


def test_filter_files_hold_the_documents_of_each_value(built: Path) -> None:
    page = html(built / "site" / "search" / "index.html")
    index = Index(built / "site")
    records = index.records()
    column = page.select_one("select[name=column]")
    for option in column.select("option[data-n]"):
        data = (index.folder / f"f/column-{option['data-n']}.bin").read_bytes()
        numbers, _ = decode_postings(data)
        assert len(numbers) == int(option["data-total"])
        assert {records[n]["column"] for n in numbers} == {option["value"]}
    for option in page.select("select[name=year] option[data-n]"):
        numbers, _ = decode_postings((index.folder / f"f/year-{option['data-n']}.bin").read_bytes())
        assert {records[n]["date"][:4] + "年" for n in numbers} == {option["value"]}
        assert numbers == list(range(numbers[0], numbers[-1] + 1))  # a year: a range
    validity = page.select_one("select[name=validity]")
    assert validity.select("option[data-n]")[0]["value"] == "现行有效"


def test_two_builds_of_the_same_input_write_the_same_index(built: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    shutil.copytree(built, again, ignore=shutil.ignore_patterns("site", ".*"))
    result = build(again, "--full")
    assert result.returncode == 0, result.stdout + result.stderr
    assert index_tree(again / "site") == index_tree(built / "site")


def test_the_item_page_marks_its_body_for_the_index_and_nothing_for_pagefind(built: Path) -> None:
    text = (built / "site" / ZIGONG_URL / "index.html").read_text(encoding="utf-8")
    assert "<!--dp:search-->" in text and 'class="dp-body"' in text
    assert "pagefind" not in text
    assert not (built / "site" / "pagefind").exists()


def test_material_search_stays_off_and_the_header_has_our_search_box(built: Path) -> None:
    config = yaml.safe_load((built / "mkdocs.yml").read_text(encoding="utf-8"))
    plugins = [p if isinstance(p, str) else next(iter(p)) for p in config.get("plugins", [])]
    assert "search" not in plugins and "material/search" not in plugins
    output = built / "site"
    assert not (output / "search" / "search_index.json").exists()
    for url in ("", ZIGONG_URL, "search/"):
        soup = html(output / url / "index.html")
        assert soup.select(".md-search") == []
        box = soup.select_one("form.dp-header-search[role=search]")
        assert box is not None and box["method"] == "get"
        assert urljoin(f"https://example.org/{url}", box["action"]) == "https://example.org/search/"
        field = box.select_one("input[name=q]")
        assert field is not None and box.select_one(f"label[for={field['id']}]") is not None


def test_the_search_page_offers_the_filters_in_catalog_order(built: Path) -> None:
    page = html(built / "site" / "search" / "index.html")
    assert page.select_one("h1").get_text() == "站内检索"
    root = page.select_one("[data-dp-search]")
    assert root["data-index"] == "../search-index/"
    selects = {s["name"]: s for s in page.select("form.dp-search__form select")}
    assert list(selects) == ["column", "topic", "unit", "year", "genre", "validity", "sort"]
    years = [o["value"] for o in selects["year"].select("option") if o["value"]]
    assert years == sorted(years, reverse=True) and "2018年" in years
    units = [o["value"] for o in selects["unit"].select("option") if o["value"]]
    assert units[0] == "湟源县人民政府办公室"  # the registry order of columns.yml
    for select in page.select("form.dp-search__form select"):
        label = select.find_parent("label")
        assert label is not None and label.get_text(strip=True)
    assert page.select_one("script[type=module][src$='assets/search.js']") is not None
