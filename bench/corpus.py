"""A synthetic, deterministic corpus for benchmarks: a complete site with N valid items.

    python bench/corpus.py --items 10000 --out bench/out/items-10000 [--seed 1] [--site .]

The site gets the reference site's ``columns.yml`` (and ``mkdocs.yml`` and ``theme/`` where
present), a folder for every column of the catalog, an introduction in every list column, and N
items spread over the list columns, the units of the registry and the years 2018 to ``--until``.
Titles and bodies are assembled from sentences and headings of the seed documents (real county
government pages), so text length, punctuation and Markdown structure look like real content.

Every item is meant to pass ``disclosure check``: index numbers follow the site's pattern and are
unique per unit and year, 文号 use 〔〕 and a year not after the written date, 政策解读 point at a
published 政策文件, and every list column gets a recent item (no stale or empty columns). The
same ``--seed`` and inputs always give the same files.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from random import Random
from typing import Any

import yaml

from generator.content.topics import NATIONAL_TOPICS

DEFAULT_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
DEFAULT_INDEX_PATTERN = "{unit_code}/{year}-{serial:05d}"
FIRST_DAY = date(2018, 1, 1)
DEFAULT_UNTIL = date(2026, 11, 20)  # the as-of date of bench/run.py
RECENT_DAYS = 45  # every list column gets one item this close to --until
BODY_CHARS = (800, 3000)
SUMMARY_MAX = 100
PUBLIC = "主动公开"
ON_REQUEST = "依申请公开"
ON_REQUEST_SHARE = 0.02
NUMERALS = "一二三四五六七八九十"

# ---------------------------------------------------------------------------------------------
# The catalog: columns and units as read from columns.yml


@dataclass
class Column:
    id: str
    name: str
    path: str  # folder under content/
    kind: str  # "list", "page" or "section"
    type: str = ""
    description: str = ""
    keywords: list[str] = field(default_factory=list)
    required: list[str] = field(default_factory=list)  # extra required keys of its items
    units: list[str] = field(default_factory=list)  # allowed publishers (full names); [] = all

    @property
    def holds_policies(self) -> bool:
        """政策文件: the targets of 政策解读."""
        return self.id == "zcwj" or self.type == "政策文件"

    @property
    def holds_interpretations(self) -> bool:
        """政策解读: every item names the policy it interprets."""
        return self.id == "zcjd" or "interprets" in self.required


@dataclass(frozen=True)
class Unit:
    name: str
    code: str


@dataclass
class Catalog:
    columns: list[Column]
    units: list[Unit]
    topics: list[str]  # "一级/二级" or "一级"
    index_pattern: str

    @property
    def list_columns(self) -> list[Column]:
        return [c for c in self.columns if c.kind == "list"]


def read_catalog(site: Path) -> Catalog:
    data = yaml.safe_load((site / "columns.yml").read_text(encoding="utf-8-sig"))
    columns: list[Column] = []

    def walk(entries: Sequence[dict[str, Any]], parent: str) -> None:
        for entry in entries:
            path = f"{parent}/{entry['id']}" if parent else str(entry["id"])
            children = entry.get("children") or []
            kind = entry.get("kind") or ("section" if children else "list")
            keywords = entry.get("keywords") or []
            columns.append(
                Column(
                    id=str(entry["id"]),
                    name=str(entry["name"]),
                    path=path,
                    kind=kind,
                    type=str(entry.get("type") or ""),
                    description=str(entry.get("description") or ""),
                    keywords=[str(k) for k in keywords],
                    required=[str(k) for k in entry.get("required") or []],
                    units=[str(u) for u in entry.get("units") or []],
                )
            )
            walk(children, path)

    walk(data.get("columns") or [], "")
    units = [Unit(str(u["name"]), str(u["code"])) for u in data.get("units") or []]
    raw_topics = data.get("topics", "national")
    if isinstance(raw_topics, list):
        topics = [str(t) for t in raw_topics]
    else:
        topics = [f"{primary}/{s}" for primary, subs in NATIONAL_TOPICS.items() for s in subs]
        topics += [primary for primary, subs in NATIONAL_TOPICS.items() if not subs]
    pattern = str(data.get("index_no") or DEFAULT_INDEX_PATTERN)
    if not units:
        raise SystemExit("columns.yml 中没有发布机构（units），无法生成条目")
    return Catalog(columns, units, topics, pattern)


# ---------------------------------------------------------------------------------------------
# Text material from the seed documents

TRADITIONAL_MARKERS = set("縣開關為與於發這們時後會說對從區條過軍當務舉體產內進書際這處")
NOISE_WORDS = (
    "首页", "登录", "浏览", "打印", "上传", "下载", "当前位置", "点击", "页数", "文档编号",
    "金锄头", "资源描述", "珍藏版", "第1页", "共9页", "来源", "网站地图", "分享",
)  # fmt: skip
MARKDOWN_SPECIAL = re.compile(r"[*#|<>\[\]`_~\\{}=^$]")
LONG_DIGITS = re.compile(r"\d{7,}")  # phone, ID-card and account numbers never enter the corpus
LONG_DIGITS_15 = re.compile(r"\d{15}")
LEADING_MARKER = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+[.、．]\s*)+"
)
HEADING_LINE = re.compile(r"^[一二三四五六七八九十]+、(?P<text>[^。，,；;：:]{4,24})$")
SUBHEADING = re.compile(r"^[（(][一二三四五六七八九十]+[)）](?P<text>[^。，,；;：:]{4,24})。")
TITLE_PHRASE = re.compile(
    r"关于(?P<text>[^。，,；;：:“”（）()《》]{4,28}?)的(?:通知|意见|通报|报告|决定|公告|实施方案)"
)
SENTENCE_END = re.compile(r"(?<=[。！？])")
CJK = r"\u4e00-\u9fff"
BRACKETS = ("“”", "《》", "（）", "〔〕", "【】")


def _to_fullwidth_punctuation(text: str) -> str:
    """Seed 000 types half-width , : ; ( ) in Chinese text; the corpus uses the full-width ones."""
    text = re.sub(rf"(?<=[{CJK}”）])\s*,\s*|\s*,\s*(?=[{CJK}“（])", "，", text)
    text = re.sub(rf"(?<=[{CJK}”）])\s*:\s*|\s*:\s*(?=[{CJK}“（])", "：", text)
    text = re.sub(rf"(?<=[{CJK}”）])\s*;\s*|\s*;\s*(?=[{CJK}“（])", "；", text)
    return text.replace("(", "（").replace(")", "）")


# The seeds come from other counties; their place names become the reference site's.
PLACE_NAMES = (
    ("永昌县", "湟源县"), ("盐池县", "湟源县"), ("金昌市", "西宁市"), ("吴忠市", "西宁市"),
    ("自贡市", "西宁市"), ("九江市", "西宁市"), ("甘肃省", "青海省"), ("四川省", "青海省"),
    ("江西省", "青海省"), ("永昌", "湟源"), ("金昌", "西宁"), ("自贡", "西宁"), ("九江", "西宁"),
)  # fmt: skip
# Run-in numbering inside a sentence: page-break debris ("部门14.各级") or a heading glued to
# the text before it ("……政府（十四）发挥媒体作用。", "。四、提升……").
INLINE_NUMBERING = re.compile(
    rf"\d{{1,2}}[.．、](?=[{CJK}])|.[（(][一二三四五六七八九十]+[)）]|[）)。][一二三四五六七八九十]+、"
)
PAGE_MARKER = re.compile(r"^\d+、")  # seed 004: "2、" starts each page, mid-sentence


def _localized(sentence: str) -> str:
    sentence = re.sub(rf"(?<=[{CJK}，。；：])\s+|\s+(?=[{CJK}，。；：])", "", sentence)
    for seed_name, site_name in PLACE_NAMES:
        sentence = sentence.replace(seed_name, site_name)
    return sentence


def _balanced(text: str) -> bool:
    return all(text.count(pair[0]) == text.count(pair[1]) for pair in BRACKETS)


@dataclass
class Material:
    """Sentences, headings and title phrases extracted from the seed documents."""

    sentences: list[str]
    headings: list[str]
    phrases: list[str]

    @classmethod
    def from_texts(cls, texts: Sequence[str]) -> Material:
        sentences: list[str] = []
        headings: list[str] = []
        phrases: list[str] = []
        for text in texts:
            if sum(text.count(c) for c in TRADITIONAL_MARKERS) > len(text) / 200:
                continue  # a traditional-script page: it would read oddly beside simplified text
            text = text.replace("\u3000", " ").replace("\xa0", " ")
            for raw in text.splitlines():
                line = _to_fullwidth_punctuation(" ".join(raw.split()))
                if len(line) < 8 or any(word in line for word in NOISE_WORDS):
                    continue
                if "http" in line or "www" in line or "@" in line or "•" in line:
                    continue
                if LONG_DIGITS.search(line) or MARKDOWN_SPECIAL.search(line):
                    continue
                heading = HEADING_LINE.match(line) or SUBHEADING.match(line)
                if heading:
                    headings.append(_localized(heading["text"].strip()))
                phrases += [_localized(m["text"]) for m in TITLE_PHRASE.finditer(line)]
                pieces = SENTENCE_END.split(line)
                if PAGE_MARKER.match(line):
                    pieces = pieces[1:]  # the page starts in the middle of a sentence
                for piece in pieces:
                    sentence = _localized(LEADING_MARKER.sub("", piece.strip()).strip())
                    cjk = len(re.findall(f"[{CJK}]", sentence))
                    if (
                        15 <= len(sentence) <= 220
                        and sentence.endswith(("。", "！", "？"))
                        and cjk >= 0.6 * len(sentence)
                        and _balanced(sentence)
                        and not INLINE_NUMBERING.search(sentence)
                    ):
                        sentences.append(sentence)
        sentences = list(dict.fromkeys(sentences))
        headings = list(dict.fromkeys(h for h in headings if _balanced(h)))
        phrases = list(dict.fromkeys(p for p in phrases if _balanced(p)))
        if len(sentences) < 50:
            raise SystemExit("种子文本太少：至少需要 50 个完整句子（以“。”结尾）")
        headings += [h for h in FALLBACK_HEADINGS if h not in headings]
        return cls(sentences, headings, phrases)


FALLBACK_HEADINGS = (
    "总体要求", "工作目标", "主要任务", "重点工作", "实施步骤", "保障措施", "工作要求",
    "职责分工", "组织领导", "监督考核",
)  # fmt: skip


def read_texts(seeds: Path | None, site: Path) -> list[str]:
    """The seed documents; without them, the bodies of the reference site's own items."""
    if seeds is not None and seeds.is_dir():
        files = sorted(seeds.glob("*.txt"))
        if files:
            return [f.read_text(encoding="utf-8", errors="replace") for f in files]
    print(f"注意：找不到种子文本 {seeds}，改用 {site}/content 中的正文", file=sys.stderr)
    texts = []
    for path in sorted((site / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        texts.append(text.split("\n---\n", 1)[-1])
    return texts


# ---------------------------------------------------------------------------------------------
# What each column holds: share of the items, topics, genres, titles

T = "{unit}关于{phrase}的{genre}"


@dataclass(frozen=True)
class Profile:
    weight: float
    topics: tuple[str, ...] = ()  # preferred topics; any topic of the vocabulary when empty
    genres: tuple[str, ...] = ("通知", "通知", "意见", "通报", "函", "其他")
    titles: tuple[str, ...] = (T,)
    doc_no_share: float = 0.3  # share of items with a 文号 (always for 政策文件)
    table_share: float = 0.15


PROFILES: dict[str, Profile] = {
    "zcwj": Profile(20, genres=("通知", "通知", "通知", "意见", "意见", "其他"), doc_no_share=1),
    "zcjd": Profile(6, genres=("其他",), doc_no_share=0),
    "zhidu": Profile(
        3,
        topics=("综合政务/政务公开",),
        titles=(T, "{unit}关于印发{year}年政务公开工作要点的通知"),
        doc_no_share=0.6,
    ),
    "jgzn": Profile(
        1,
        topics=("综合政务/其他", "劳动、人事、监察/人事工作"),
        genres=("其他",),
        titles=("{unit}机构职能及内设机构（{year}年更新）", "{unit}领导班子成员及分工调整情况"),
        doc_no_share=0,
    ),
    "ghjh": Profile(
        2,
        topics=("国民经济管理、国有资产监管/宏观经济", "城乡建设、环境保护/城市规划"),
        titles=(T, "{county}{year}年{keyword}实施方案", "{unit}{year}年工作计划"),
    ),
    "tjxx": Profile(
        4,
        topics=("国民经济管理、国有资产监管/统计",),
        genres=("其他", "公告"),
        titles=(
            "{year}年{month}月{county}国民经济主要指标",
            "{county}{year}年国民经济和社会发展统计公报",
        ),
        doc_no_share=0,
        table_share=0.9,
    ),
    "xzxk": Profile(
        6,
        topics=(
            "综合政务/其他",
            "城乡建设、环境保护/城乡建设（含住房）",
            "市场监管、安全生产监管/工商",
        ),
        genres=("公告", "其他"),
        titles=("{unit}{year}年{month}月行政许可办理结果公示", T),
        doc_no_share=0.05,
        table_share=0.5,
    ),
    "xzcf": Profile(
        6,
        topics=(
            "市场监管、安全生产监管/质量监督",
            "市场监管、安全生产监管/食品药品监管",
            "公安、安全、司法/司法",
        ),
        genres=("公告", "其他"),
        titles=("{unit}{year}年{month}月行政处罚决定公示", "{unit}关于{keyword}案件办理情况的通报"),
        doc_no_share=0.1,
        table_share=0.5,
    ),
    "czyjs": Profile(
        4,
        topics=("财政、金融、审计/财政",),
        genres=("报告", "其他"),
        titles=(
            "{unit}{year}年部门预算公开说明",
            "{unit}{year}年部门决算公开说明",
            "{county}{year}年“三公”经费预算情况说明",
        ),
        doc_no_share=0.05,
        table_share=0.9,
    ),
    "sfxm": Profile(
        1,
        topics=("国民经济管理、国有资产监管/物价", "财政、金融、审计/财政"),
        genres=("公告", "通知"),
        titles=("{county}{year}年行政事业性收费目录清单", T),
        table_share=0.8,
    ),
    "zfcg": Profile(
        6,
        topics=("财政、金融、审计/财政",),
        genres=("公告",),
        titles=(
            "{unit}{keyword}采购项目中标（成交）结果公告",
            "{unit}{year}年政府集中采购目录及标准",
        ),
        doc_no_share=0,
        table_share=0.6,
    ),
    "zdjsxm": Profile(
        3,
        topics=("国民经济管理、国有资产监管/重大建设项目",),
        genres=("公告", "其他"),
        titles=(
            "{county}{year}年重大建设项目批准和实施情况",
            "{unit}关于{keyword}项目建设进展情况的报告",
        ),
        doc_no_share=0.1,
        table_share=0.6,
    ),
    "msxx": Profile(
        8,
        topics=(
            "民政、扶贫、救灾/扶贫",
            "科技、教育/教育",
            "卫生、体育/卫生",
            "劳动、人事、监察/社会保障",
            "劳动、人事、监察/劳动就业",
        ),
    ),
    "yjgl": Profile(
        4,
        topics=("综合政务/应急管理", "民政、扶贫、救灾/减灾救灾"),
        titles=(T, "{unit}关于做好{season}{keyword}工作的通知"),
        doc_no_share=0.5,
    ),
    "jdjc": Profile(
        5,
        topics=(
            "市场监管、安全生产监管/安全生产监管",
            "市场监管、安全生产监管/食品药品监管",
            "城乡建设、环境保护/环境监测、保护与治理",
            "卫生、体育/卫生",
        ),
        genres=("通报", "通报", "通知", "报告"),
        titles=(T, "{unit}关于{year}年{keyword}监督检查情况的通报"),
        table_share=0.4,
    ),
    "gwyzk": Profile(
        2,
        topics=("劳动、人事、监察/人事工作",),
        genres=("公告",),
        titles=(
            "{county}{year}年考试录用公务员拟录用人员公示",
            "{county}{year}年事业单位公开招聘工作人员公告",
        ),
        doc_no_share=0,
        table_share=0.5,
    ),
    "qtxx": Profile(8),
    "nianbao": Profile(
        1,
        topics=("综合政务/政务公开",),
        genres=("报告",),
        titles=("{unit}{last_year}年政府信息公开工作年度报告",),
        doc_no_share=0,
        table_share=0.9,
    ),
}
DEFAULT_PROFILE = Profile(2)

UNIT_TOPICS = (
    (
        "财政",
        (
            "财政、金融、审计/财政",
            "财政、金融、审计/审计",
            "国民经济管理、国有资产监管/国有资产监管",
        ),
    ),
    ("教育", ("科技、教育/教育", "科技、教育/科技")),
    (
        "卫生",
        ("卫生、体育/卫生", "卫生、体育/医药管理", "人口与计划生育、妇女儿童工作/人口与计划生育"),
    ),
    (
        "镇",
        (
            "农业、林业、水利/农业、畜牧业、渔业",
            "民政、扶贫、救灾/扶贫",
            "城乡建设、环境保护/城乡建设（含住房）",
            "综合政务/政务公开",
        ),
    ),
)

# 机关代字 of the reference registry; other units get one derived from their name.
AGENCY_CODES = {
    "湟源县人民政府办公室": "源政办",
    "湟源县财政局": "源财",
    "湟源县教育局": "源教",
    "湟源县卫生健康局": "源卫健",
    "湟源县城关镇人民政府": "城政",
    "湟源县大华镇人民政府": "大政",
    "自贡市人民政府办公室": "自府办发",
    "九江市人民政府": "九府发",
    "盐池县人民政府办公室": "盐政办发",
    "永昌县人民政府办公室": "永政办发",
}
PHRASE_TEMPLATES = (
    "做好{year}年{subject}工作", "进一步加强{subject}管理", "印发{county}{subject}工作实施方案",
    "开展{subject}专项整治行动", "调整{subject}有关事项", "推进{subject}高质量发展",
    "建立健全{subject}工作机制", "规范{subject}工作流程",
)  # fmt: skip
SEASONS = ("春季", "夏季", "汛期", "秋冬季", "冬春季", "节假日期间")
ADDRESSEES = (
    "各乡镇人民政府，县政府各部门、各有关单位：",
    "各乡镇人民政府，县直各单位：",
    "各有关单位：",
)
INDICATORS = (
    ("地区生产总值", "亿元"), ("一般公共预算收入", "万元"), ("社会消费品零售总额", "亿元"),
    ("固定资产投资", "亿元"), ("城镇居民人均可支配收入", "元"), ("农村居民人均可支配收入", "元"),
)  # fmt: skip
TABLE_HEADS = (
    ("序号", "工作事项", "责任单位", "完成时限"),
    ("序号", "项目名称", "实施单位", "资金（万元）"),
    ("指标", "单位", "本期", "同比增长（%）"),
)


# ---------------------------------------------------------------------------------------------
# Planning items, then numbering them, then writing them


@dataclass
class Item:
    seq: int
    column: Column
    unit: Unit
    published: date
    written: date
    disclosure: str
    topic: str
    genre: str
    has_doc_no: bool
    interprets: Item | None = None
    index_no: str = ""
    doc_no: str = ""
    title: str = ""


class CorpusWriter:
    def __init__(self, catalog: Catalog, material: Material, seed: int, until: date) -> None:
        self.catalog = catalog
        self.material = material
        self.rng = Random(seed)
        self.until = until
        self.topics = set(catalog.topics)
        self.used: set[str] = set()  # sentences of the body being written
        # 18-character credit codes are 17 digits and a letter, the shape of an ID-card number:
        # privacy scanners would flag every index number built from them, so leave them out.
        self.units = [u for u in catalog.units if not LONG_DIGITS_15.search(u.code)]
        self.units = self.units or catalog.units
        self.unit_weights = [
            (10 if u is self.units[0] else 4) if u.name.startswith(county(self.units[0])) else 1
            for u in self.units
        ]

    # Planning ------------------------------------------------------------------------------

    def counts(self, total: int) -> dict[str, int]:
        """Items per list column: largest remainder over the weights, at least one each."""
        columns = self.catalog.list_columns
        if not columns:
            raise SystemExit("columns.yml 中没有列表栏目，无法放置条目")
        counts = {c.path: 0 for c in columns}
        for column in columns[: min(total, len(columns))]:
            counts[column.path] = 1
        rest = total - sum(counts.values())
        weights = {c.path: PROFILES.get(c.id, DEFAULT_PROFILE).weight for c in columns}
        whole = sum(weights.values())
        shares = {path: rest * w / whole for path, w in weights.items()}
        for path, share in shares.items():
            counts[path] += int(share)
        left = total - sum(counts.values())
        by_remainder = sorted(shares, key=lambda p: (-(shares[p] % 1), p))
        for path in by_remainder[:left]:
            counts[path] += 1
        return counts

    def plan(self, total: int) -> list[Item]:
        counts = self.counts(total)
        columns = self.catalog.list_columns
        others = [c for c in columns if not c.holds_interpretations]
        if others and not any(counts[c.path] for c in columns if c.holds_policies):
            for column in columns:  # nothing to interpret: give those items to another column
                if column.holds_interpretations:
                    counts[others[0].path] += counts[column.path]
                    counts[column.path] = 0
        # Policies first, interpretations last: they need the policies' index numbers.
        columns = sorted(columns, key=lambda c: (not c.holds_policies, c.holds_interpretations))
        items: list[Item] = []
        policies: list[Item] = []
        for column in columns:
            for n in range(counts[column.path]):
                recent = n == 0  # the column's newest item keeps it from going stale
                if column.holds_interpretations:
                    item = self.interpretation(len(items) + 1, column, policies, recent)
                else:
                    item = self.plan_item(len(items) + 1, column, recent)
                items.append(item)
                if column.holds_policies and item.disclosure == PUBLIC:
                    policies.append(item)
        return items

    def publish_date(self, column: Column, recent: bool) -> date:
        if column.id == "nianbao":  # annual reports come out between January and March
            last = (
                self.until.year
                if self.until >= date(self.until.year, 3, 31)
                else self.until.year - 1
            )
            year = last if recent else self.rng.randint(FIRST_DAY.year, last)
            return date(year, 1, 10) + timedelta(days=self.rng.randint(0, 80))
        if recent:
            return self.until - timedelta(days=self.rng.randint(0, RECENT_DAYS))
        span = (self.until - FIRST_DAY).days
        return FIRST_DAY + timedelta(days=self.rng.randint(0, span))

    def plan_item(self, seq: int, column: Column, recent: bool) -> Item:
        rng = self.rng
        profile = PROFILES.get(column.id, DEFAULT_PROFILE)
        published = self.publish_date(column, recent)
        allowed = [u for u in self.catalog.units if u.name in column.units]
        if allowed:
            unit = rng.choice(allowed)
        else:
            unit = rng.choices(self.units, weights=self.unit_weights)[0]
        preferred = [t for t in profile.topics if t in self.topics]
        suited = [t for t in self.topics_of(unit) if not profile.topics or t in profile.topics]
        if suited and rng.random() < 0.8:
            preferred = suited
        topic = rng.choice(preferred or self.catalog.topics)
        disclosure = PUBLIC if recent or rng.random() >= ON_REQUEST_SHARE else ON_REQUEST
        return Item(
            seq=seq,
            column=column,
            unit=unit,
            published=published,
            written=published - timedelta(days=rng.choice((0, 0, 1, 2, 3, 5, 7, 10, 14))),
            disclosure=disclosure,
            topic=topic,
            genre=rng.choice(profile.genres),
            has_doc_no="doc_no" in column.required or rng.random() < profile.doc_no_share,
        )

    def topics_of(self, unit: Unit) -> list[str]:
        """Topics a unit mostly writes about (by a word of its name); [] = any."""
        for word, topics in UNIT_TOPICS:
            if word in unit.name:
                return [t for t in topics if t in self.topics]
        return []

    def interpretation(self, seq: int, column: Column, policies: list[Item], recent: bool) -> Item:
        """A 政策解读, published with (or a few days after) the policy it interprets."""
        rng = self.rng
        if recent:
            newest = max(p.published for p in policies)
            target = rng.choice([p for p in policies if p.published == newest])
        else:
            target = rng.choice(policies)
        published = min(self.until, target.published + timedelta(days=rng.choice((0, 0, 0, 1, 3))))
        return Item(
            seq=seq,
            column=column,
            unit=target.unit,
            published=published,
            written=published,
            disclosure=PUBLIC,
            topic=target.topic,
            genre="其他",
            has_doc_no=False,
            interprets=target,
        )

    # Numbering -----------------------------------------------------------------------------

    def number(self, items: list[Item]) -> None:
        """Index numbers per unit and year, 文号 per agency and year, both in date order."""
        by_scope: dict[tuple[str, int], list[Item]] = defaultdict(list)
        for item in items:
            by_scope[(item.unit.code, item.published.year)].append(item)
        for (code, year), members in sorted(by_scope.items()):
            serial = self.rng.randint(1, 30)
            if serial + len(members) > 99_999:
                raise SystemExit(f"{code} 在 {year} 年的条目超过五位流水号的容量")
            for item in sorted(members, key=lambda i: (i.published, i.seq)):
                item.index_no = self.catalog.index_pattern.format(
                    unit_code=code, year=year, serial=serial, month=item.published.month
                )
                serial += 1
        by_agency: dict[tuple[str, int], list[Item]] = defaultdict(list)
        for item in items:
            if item.has_doc_no:
                by_agency[(agency_code(item.unit), item.written.year)].append(item)
        for (agency, year), members in sorted(by_agency.items()):
            serial = self.rng.randint(1, 20)
            for item in sorted(members, key=lambda i: (i.written, i.seq)):
                item.doc_no = f"{agency}〔{year}〕{serial}号"
                serial += self.rng.choice((1, 1, 1, 2, 3))

    # Text ------------------------------------------------------------------------------------

    def subject(self, item: Item) -> str:
        """A short subject for titles: the topic's second level, else a column keyword."""
        second = item.topic.partition("/")[2]
        if second and second != "其他" and "、" not in second:
            return second
        return self.rng.choice(item.column.keywords or ["政务公开"])

    def phrase(self, item: Item) -> str:
        rng = self.rng
        if self.material.phrases and rng.random() < 0.25:
            return rng.choice(self.material.phrases)
        template = rng.choice(PHRASE_TEMPLATES)
        return template.format(
            year=item.published.year, subject=self.subject(item), county=county(item.unit)
        )

    def make_title(self, item: Item) -> str:
        if item.interprets is not None:
            return f"《{item.interprets.title}》政策解读"
        profile = PROFILES.get(item.column.id, DEFAULT_PROFILE)
        template = self.rng.choice(profile.titles)
        phrase = self.phrase(item)
        if "{genre}" in template and (item.genre == "其他" or phrase.startswith("印发")):
            item.genre = "通知"  # the title names the genre: keep 体裁 in step with it
        return template.format(
            unit=item.unit.name,
            county=county(item.unit),
            phrase=phrase,
            genre=item.genre,
            year=item.published.year,
            last_year=item.published.year - 1,
            month=item.published.month,
            keyword=self.subject(item),
            season=self.rng.choice(SEASONS),
        )

    def sentences(self, count: int) -> list[str]:
        """Sentences not yet used in the current body (redrawn a few times, then accepted)."""
        chosen = []
        for _ in range(count):
            for _attempt in range(4):
                sentence = self.rng.choice(self.material.sentences)
                if sentence not in self.used:
                    break
            self.used.add(sentence)
            chosen.append(sentence)
        return chosen

    def table(self, item: Item) -> list[str]:
        rng = self.rng
        head = rng.choice(TABLE_HEADS)
        rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        indicators = rng.sample(INDICATORS, k=len(INDICATORS))
        for n in range(1, rng.randint(3, 6) + 1):
            unit = rng.choice(self.units).name
            if head[0] == "指标":
                name, measure = indicators[n - 1]
                cells = (
                    name,
                    measure,
                    f"{rng.uniform(1, 999):.1f}",
                    f"{rng.uniform(-5, 15):.1f}",
                )
            elif head[1] == "项目名称":
                cells = (
                    str(n),
                    f"{self.subject(item)}项目（{NUMERALS[n - 1]}期）",
                    unit,
                    f"{rng.uniform(10, 5000):.2f}",
                )
            else:
                deadline = f"{item.published.year}年{rng.randint(1, 12)}月底前"
                cells = (str(n), rng.choice(self.material.headings), unit, deadline)
            rows.append("| " + " | ".join(cells) + " |")
        return rows

    def body(self, item: Item) -> str:
        """800–3000 characters: opening, numbered sections with a list and maybe a table."""
        rng = self.rng
        profile = PROFILES.get(item.column.id, DEFAULT_PROFILE)
        day = item.written
        closing = f"{item.unit.name}\n\n{day.year}年{day.month}月{day.day}日"
        body = Body(limit=rng.randint(*BODY_CHARS) - len(closing) - 2)
        self.used = set()
        if item.interprets is not None:
            policy = item.interprets
            cited = f"（{policy.doc_no}）" if policy.doc_no else ""
            body.add(f"为便于社会公众准确理解《{policy.title}》{cited}，现就有关内容解读如下。")
            headings = ["起草背景", "主要依据", "主要内容", "适用范围和施行时间"]
        else:
            if item.genre in ("通知", "意见", "通报", "函"):
                body.add(rng.choice(ADDRESSEES))
            lead = "".join(self.sentences(rng.randint(1, 3)))
            if item.genre == "通知":
                lead = lead[:-1] + "，现将有关事项通知如下："
            body.add(lead)
            headings = rng.sample(self.material.headings, k=min(len(self.material.headings), 5))
        table_at = rng.randrange(4) if rng.random() < profile.table_share else -1
        list_at = rng.randrange(3)
        for n, heading in enumerate(headings):
            if body.room < 150 and n >= 2:
                break
            body.add(f"## {NUMERALS[n]}、{heading}")
            if n == list_at:
                points = self.sentences(rng.randint(3, 5))
                body.add_if_room("\n".join(f"{k}. {p}" for k, p in enumerate(points, start=1)))
            if n == table_at:
                body.add_if_room("\n".join(self.table(item)))
            for _ in range(rng.randint(1, 3)):
                paragraph = ""
                for sentence in self.sentences(rng.randint(2, 5)):
                    if len(paragraph) + len(sentence) + 2 > body.room:
                        break
                    paragraph += sentence
                if paragraph:
                    body.add(paragraph)
            if body.blocks[-1].startswith("## "):  # no room left for its text: drop the heading
                body.pop()
                break
        while body.size + len(closing) < BODY_CHARS[0]:  # a short draw: top up the last section
            body.add(self.sentences(1)[0])
        body.add(closing)
        return body.text()

    def summary(self, item: Item, body: str) -> str:
        paragraphs = [
            b for b in body.split("\n\n") if b.endswith("。") and not re.match(r"[#|\d]", b)
        ]
        first = paragraphs[0] if paragraphs else item.title
        if len(first) <= SUMMARY_MAX:
            return first
        cut = first[: SUMMARY_MAX - 1]
        stop = max(cut.rfind("，"), cut.rfind("；"), cut.rfind("。"))
        return (cut[:stop] if stop > 20 else cut) + "。"

    def keywords(self, item: Item) -> list[str]:
        words = [*item.column.keywords[:2], self.subject(item)]
        second = item.topic.partition("/")[2]
        if second and second != "其他":
            words.append(second.split("、")[0])
        return list(dict.fromkeys(w for w in words if w))[:4]

    # Writing ---------------------------------------------------------------------------------

    def front_matter(self, item: Item, body: str) -> str:
        fields: list[tuple[str, str]] = [
            ("title", item.title),
            ("index_no", item.index_no),
            ("publisher", item.unit.name),
        ]
        if item.doc_no:
            fields.append(("doc_no", item.doc_no))
        fields += [
            ("topic", item.topic),
            ("disclosure", item.disclosure),
            ("written", item.written.isoformat()),
            ("published", item.published.isoformat()),
            ("genre", item.genre),
            ("keywords", "、".join(self.keywords(item))),
            ("summary", self.summary(item, body)),
        ]
        if item.column.holds_policies or "validity" in item.column.required:
            fields.append(("validity", "现行有效"))
        if item.interprets is not None:
            fields.append(("interprets", item.interprets.index_no))
        lines = [f"{key}: {yaml_scalar(value)}" for key, value in fields]
        return "---\n" + "\n".join(lines) + "\n---\n\n"

    def write(self, content: Path, items: list[Item]) -> None:
        for item in items:  # titles first: interpretations quote their policy's title
            item.title = self.make_title(item)
        for item in items:
            body = self.body(item)
            name = f"{item.published:%Y%m%d}-{item.seq:06d}.md"
            path = content / item.column.path / name
            path.write_text(self.front_matter(item, body) + body, encoding="utf-8")

    def write_pages(self, content: Path) -> None:
        """Folders for every column, an introduction for list columns, text for page columns."""
        for column in self.catalog.columns:
            folder = content / column.path
            folder.mkdir(parents=True, exist_ok=True)
            if column.kind == "section":
                continue
            summary = column.description[:SUMMARY_MAX] or column.name
            lines = ["---", f"title: {yaml_scalar(column.name)}"]
            if column.description:
                lines.append(f"summary: {yaml_scalar(summary)}")
            lines += ["---", ""]
            if column.kind == "page":
                for n, heading in enumerate(self.rng.sample(self.material.headings, k=3)):
                    lines += [f"## {NUMERALS[n]}、{heading}", "", "".join(self.sentences(3)), ""]
            else:
                intro = column.description or column.name
                lines += [
                    f"本栏目公开{intro}。条目按发布日期倒序排列，可按主题分类、发布机构和年份筛选。",
                    "",
                ]
            (folder / "index.md").write_text("\n".join(lines), encoding="utf-8")


@dataclass
class Body:
    """Markdown blocks separated by blank lines, with their running length."""

    limit: int
    blocks: list[str] = field(default_factory=list)
    size: int = 0

    @property
    def room(self) -> int:
        return self.limit - self.size

    def add(self, block: str) -> None:
        self.size += len(block) + (2 if self.blocks else 0)
        self.blocks.append(block)

    def pop(self) -> None:
        block = self.blocks.pop()
        self.size -= len(block) + (2 if self.blocks else 0)

    def add_if_room(self, block: str) -> None:
        if len(block) + 2 <= self.room:
            self.add(block)

    def text(self) -> str:
        return "\n\n".join(self.blocks) + "\n"


def county(unit: Unit) -> str:
    """The place in a unit's name: 湟源县人民政府办公室 → 湟源县."""
    match = re.match(r"^.{2,4}?[县市区旗]", unit.name)
    return match.group(0) if match else unit.name


def agency_code(unit: Unit) -> str:
    if unit.name in AGENCY_CODES:
        return AGENCY_CODES[unit.name]
    short = re.sub(r"^.*?[县市区旗]", "", unit.name) or unit.name
    return short[:1] + "发"


SAFE_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^#]*$")


def yaml_scalar(value: str) -> str:
    """Plain YAML where that reads back as the same text; double quotes otherwise."""
    if SAFE_PLAIN.match(value) and ": " not in value and "\n" not in value and value[-1:] != ":":
        return value
    return json.dumps(value, ensure_ascii=False)


# ---------------------------------------------------------------------------------------------


def copy_site_files(site: Path, out: Path) -> None:
    shutil.copy2(site / "columns.yml", out / "columns.yml")
    if (site / "mkdocs.yml").is_file():
        shutil.copy2(site / "mkdocs.yml", out / "mkdocs.yml")
    if (site / "theme").is_dir():
        shutil.copytree(site / "theme", out / "theme")


def generate(
    items: int, out: Path, seed: int, site: Path, seeds: Path | None, until: date
) -> list[Item]:
    catalog = read_catalog(site)
    material = Material.from_texts(read_texts(seeds, site))
    out.mkdir(parents=True)
    copy_site_files(site, out)
    writer = CorpusWriter(catalog, material, seed, until)
    content = out / "content"
    writer.write_pages(content)
    planned = writer.plan(items)
    writer.number(planned)
    writer.write(content, planned)
    return planned


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, required=True, help="number of items to write")
    parser.add_argument("--out", type=Path, required=True, help="site directory to create")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--site", type=Path, default=Path("."), help="reference site (default .)")
    parser.add_argument(
        "--seeds", type=Path, default=DEFAULT_SEEDS, help=f"seed texts (default {DEFAULT_SEEDS})"
    )
    parser.add_argument(
        "--until",
        type=date.fromisoformat,
        default=DEFAULT_UNTIL,
        help=f"newest publication date (default {DEFAULT_UNTIL})",
    )
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    args = parser.parse_args(argv)
    if args.items < 0:
        parser.error("--items must be >= 0")
    if args.until < FIRST_DAY:
        parser.error(f"--until must not be before {FIRST_DAY}")
    if not (args.site / "columns.yml").is_file():
        parser.error(f"{args.site}/columns.yml not found (use --site)")
    if args.out.exists() and any(args.out.iterdir()):
        if not args.force:
            parser.error(f"{args.out} exists and is not empty (use --force to replace it)")
        shutil.rmtree(args.out)
    elif args.out.exists():
        args.out.rmdir()
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    started = time.perf_counter()
    planned = generate(args.items, args.out, args.seed, args.site, args.seeds, args.until)
    seconds = time.perf_counter() - started
    print(f"{len(planned)} items → {args.out} in {seconds:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
