"""Privacy scan (issue #6): ID card, mobile and bank card numbers never reach a public page.

Real text from the seeds (official landlines such as 0935-7522894 and 2432774, office e-mail
addresses, 索引号, 文号, ICP numbers) must pass untouched; personal numbers planted into it are
errors at their line and column, shown masked. The site-level tests write real items and run
the real checker; one runs the real ``disclosure check`` on the reference site.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from conftest import POLICY, front_matter
from hypothesis import given, settings
from hypothesis import strategies as st
from sites import REFERENCE_AS_OF, REPO, run_cli

from generator.content.privacy import KINDS, find_personal_numbers

SEEDS = REPO.parent / "shared" / "seeds"
ITEM = "content/fdzdgknr/zcwj/20181220-tongzhi.md"


def id_number(first17: str) -> str:
    """An 18-digit number with its ISO 7064 MOD 11-2 check digit."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


def card_number(first: str) -> str:
    """``first`` plus the Luhn check digit."""
    total = 0
    for position, digit in enumerate(reversed(first + "0")):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return first + str((10 - total % 10) % 10)


ID_NUMBER = id_number("63012319850612003")  # 630123198506120039: 湟源县, born 1985-06-12
ID_NUMBER_X = id_number("63012319900307002")  # ends in X
MOBILE = "13897012345"
CARD = card_number("622202123456789012")  # 19 digits, 银联


def seed_texts() -> dict[str, str]:
    if not SEEDS.is_dir():
        pytest.skip(f"种子文件不在 {SEEDS}")
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))}


def kinds(text: str, unit_codes: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    return [(n.kind.key, text[n.start : n.end]) for n in find_personal_numbers(text, unit_codes)]


def write(site, body: str, **fields: str | None) -> Path:
    values = dict(POLICY, index_no="015180001/2018-00120", doc_no="源政办〔2018〕120号")
    values.update(fields)
    return site.write(ITEM, front_matter(values, body))


def privacy_problems(site) -> list:
    return [d for d in site.check() if d.code.startswith("E-PRIVACY")]


# --- the seeds: public contact data passes, planted personal numbers do not -------------------


def test_the_seeds_hold_no_personal_number() -> None:
    texts = seed_texts()
    assert "0935-7522894" in texts["003_2cf6e8f8a8d3fb07.txt"]  # the landlines are really there
    assert "2432774" in texts["000_c0b461a58af90d1d.txt"]
    for name, text in texts.items():
        assert kinds(text) == [], name


def test_personal_numbers_planted_in_a_seed_are_found_where_they_are() -> None:
    text = seed_texts()["003_2cf6e8f8a8d3fb07.txt"]
    planted = text.replace("联系电话:0935-7522894。", f"联系电话:0935-7522894，手机{MOBILE}。", 1)
    planted = planted.replace("邮政编码:737200", f"邮政编码:737200 身份证{ID_NUMBER}", 1)
    planted += f"\n收款账户：{CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:16]} {CARD[16:]}\n"
    found = find_personal_numbers(planted)
    assert [(n.kind.key, n.digits) for n in found] == [
        ("id_card", ID_NUMBER),  # line 85
        ("mobile", MOBILE),  # line 87
        ("bank_card", CARD),  # the last line
    ]
    assert [n.masked for n in found] == [
        "630*************39",
        "138******45",
        f"622{'*' * 14}{CARD[-2:]}",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "联系电话:0935-7522894",
        "联系电话：2432774",
        "0971-2432774",
        "（0971）2432774",
        "邮政编码:737200",
        "成文日期:2018-05-10，发布日期 2018-12-14 09:30",
        "源政办〔2018〕51号",
        "索 引 号:008290030/2018-02662",
        "11640323010620018X/2021-00050",  # an 18-character unit code in an index number
        "统一社会信用代码：11640323010620018X",
        "组织机构代码 126301230151800253",
        "共计 13800000000 元",
        "资金 13897012345.00",
        "¥13897012345",
        "增长 15.6%，总额 1,380,000,000元",
        "电子邮箱:ycxxxgk@163.com",
        "蜀ICP备13022795号 | 川公网安备 51140202000112号",
        "文档编号:472819720",
        "订单号 20181214103000123456",  # 20 digits: no card, no ID
        "6301231985061200391",  # 19 digits: the ID number is part of a longer run
        "630123198513120039",  # month 13: no birth date
        "630123198506120038",  # wrong check digit
        "990123198506120036",  # no such province
        "4111111111111112",  # Luhn fails
        "1234567890123452",  # passes Luhn, but no card starts with 1
        "12345678901",  # 12… is no mobile prefix
    ],
)
def test_what_is_not_a_personal_number(text: str) -> None:
    assert kinds(text, frozenset({"11640323010620018X"})) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (f"身份证号：{ID_NUMBER}。", "id_card"),
        (f"身份证号 {ID_NUMBER_X}", "id_card"),
        (f"身份证号 {ID_NUMBER_X.lower()}", "id_card"),
        ("旧身份证 632123850612003", "id_card"),  # 15 digits: born 1985-06-12
        (f"手机{MOBILE}", "mobile"),
        ("手机 138 9701 2345", "mobile"),
        ("手机：138-9701-2345", "mobile"),
        ("+86 13897012345", "mobile"),
        (f"电话 0971-2432774 或 {MOBILE}", "mobile"),
        (f"{MOBILE}/13912345678", "mobile"),
        (f"银行卡号{CARD}", "bank_card"),
        (f"卡号 {CARD[:4]}-{CARD[4:8]}-{CARD[8:12]}-{CARD[12:16]}-{CARD[16:]}", "bank_card"),
        ("4111 1111 1111 1111", "bank_card"),
    ],
)
def test_what_is_a_personal_number(text: str, kind: str) -> None:
    assert kind in {found for found, _ in kinds(text)}


# --- numbers as the page shows them (issue #23): any writing of the digits, a table of cases -----

PROCUREMENT_NO = id_number("63012320190312001")  # 630123201903120010: an ID number's form
CARD16 = card_number("622848001234567")  # 6228480012345671
ZW, NBSP, SHY = "\u200b", "\u00a0", "\u00ad"


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def grouped(number: str, sizes: tuple[int, ...], joint: str) -> str:
    groups, at = [], 0
    for size in sizes:
        groups.append(number[at : at + size])
        at += size
    return joint.join(groups)


WRITTEN_NUMBERS = [
    # 身份证号码: plain, grouped, full-width, pasted from Word, in markup, glued to letters
    (f"身份证号：{ID_NUMBER}", "id_card", ID_NUMBER),
    (grouped(ID_NUMBER, (6, 8, 4), " "), "id_card", ID_NUMBER),
    (grouped(ID_NUMBER, (6, 8, 4), "-"), "id_card", ID_NUMBER),
    (grouped(ID_NUMBER, (4, 4, 4, 4, 2), " "), "id_card", ID_NUMBER),
    (grouped(ID_NUMBER, (6, 8, 4), "　"), "id_card", ID_NUMBER),  # ideographic space
    (grouped(ID_NUMBER, (6, 8, 4), "．"), "id_card", ID_NUMBER),
    (full_width(ID_NUMBER), "id_card", ID_NUMBER),
    (full_width(ID_NUMBER_X), "id_card", ID_NUMBER_X),
    (f"身份证号 {ID_NUMBER_X.lower()}", "id_card", ID_NUMBER_X),
    (grouped(ID_NUMBER, (6, 12), NBSP), "id_card", ID_NUMBER),
    (ZW.join(ID_NUMBER), "id_card", ID_NUMBER),
    (grouped(ID_NUMBER, (9, 9), SHY), "id_card", ID_NUMBER),
    (f"**{ID_NUMBER[:6]}**{ID_NUMBER[6:]}", "id_card", ID_NUMBER),
    (f"<b>{ID_NUMBER[:6]}</b>{ID_NUMBER[6:]}", "id_card", ID_NUMBER),
    (f"`{ID_NUMBER}`", "id_card", ID_NUMBER),
    (f"{ID_NUMBER[:5]}&#51;{ID_NUMBER[6:]}", "id_card", ID_NUMBER),  # &#51; is the digit 3
    (grouped(ID_NUMBER, (6, 8, 4), "&nbsp;"), "id_card", ID_NUMBER),
    (f"ID{ID_NUMBER}abc", "id_card", ID_NUMBER),
    (f"身份证编号：{ID_NUMBER}", "id_card", ID_NUMBER),  # 编号, but of an ID card
    ("旧身份证 632123 850612 003", "id_card", "632123850612003"),
    (f"申请人张某（{full_width(grouped(ID_NUMBER, (6, 8, 4), ' '))}）", "id_card", ID_NUMBER),
    # 手机号码
    (f"手机{MOBILE}", "mobile", MOBILE),
    ("138 9701 2345", "mobile", MOBILE),
    ("138-9701-2345", "mobile", MOBILE),
    ("138.9701.2345", "mobile", MOBILE),
    ("138－9701－2345", "mobile", MOBILE),
    ("1389701-2345", "mobile", MOBILE),
    ("138_9701_2345", "mobile", MOBILE),  # as in a file name
    (full_width(MOBILE), "mobile", MOBILE),
    ("+86 138 9701 2345", "mobile", MOBILE),
    ("+86-13897012345", "mobile", MOBILE),
    ("+8613897012345", "mobile", MOBILE),
    (grouped(MOBILE, (3, 4, 4), NBSP), "mobile", MOBILE),
    (grouped(MOBILE, (3, 4, 4), ZW), "mobile", MOBILE),
    ("138**9701**2345", "mobile", MOBILE),
    ("138<span>9701</span>2345", "mobile", MOBILE),
    ("13&#56;97012345", "mobile", MOBILE),  # &#56; is the digit 8
    ("13&#x38;97012345", "mobile", MOBILE),
    ("138&nbsp;9701&nbsp;2345", "mobile", MOBILE),
    (f"tel{MOBILE}", "mobile", MOBILE),
    (f"张三{MOBILE}李四", "mobile", MOBILE),
    (f"联系电话 0971-2432774 {MOBILE}", "mobile", MOBILE),
    (f"手机：{MOBILE}（办）", "mobile", MOBILE),
    (f"| 采购项目编号 | 联系人手机 |\n|---|---|\n| 湟采 2019-12 | {MOBILE} |", "mobile", MOBILE),
    # 银行卡号
    (f"银行卡号{CARD}", "bank_card", CARD),
    (grouped(CARD, (4, 4, 4, 4, 3), " "), "bank_card", CARD),
    (grouped(CARD16, (4, 4, 4, 4), "-"), "bank_card", CARD16),
    (full_width(CARD), "bank_card", CARD),  # crashed the scan with IndexError before
    (f"银行卡 {full_width(grouped(CARD16, (4, 4, 4, 4), ' '))}", "bank_card", CARD16),
    (grouped(CARD16, (4, 4, 4, 4), ZW), "bank_card", CARD16),
    (f"卡号**{CARD16[:8]}**{CARD16[8:]}", "bank_card", CARD16),
]

PUBLIC_NUMBERS = [
    "源政办〔2018〕51号",
    "青政办〔2019〕123号",
    "索引号：008290030/2018-02662",
    "11640323010620018X/2021-00050",
    f"{PROCUREMENT_NO}/2019-00012",  # a code in an index number
    "联系电话：0971-2432774",
    "0935 752 2894",
    "（0971）2432774、2432775",
    "服务热线 400-810-8888，12345",
    "统一社会信用代码：91630123MA752JX01F",
    "统一社会信用代码 12630123015180025X",
    f"采购项目编号：{PROCUREMENT_NO}",  # an ID number's form, but labelled as a code
    f"项目编号 {PROCUREMENT_NO}",
    f"采购编号：{grouped(PROCUREMENT_NO, (6, 8, 4), '-')}",
    "合同金额 13897012345.00 元",
    "合计 138,970,123.45元",
    "资金 ¥13897012345",
    "增长 15.6%，总额 6228480012345671 元",
    "2018-12-14 09:30:00",
    "2018.12.14—2019.01.31",
    "2018年12月14日，20181214103000",
    "订单号 20181214103000123456",
    "ISBN 978-7-111-54742-6",
    "192.168.100.200",
    "邮政编码 810000",
    "4111 1111 1111 1111 2222",  # longer than a card: part of a longer grouped number
    "1 3 8 9 7 0 1 2 3 4 5",  # single digits are no groups of a number
    # a Markdown table: the column's header names the number
    f"| 序号 | 采购项目编号 | 预算金额 |\n|---|:---:|---|\n| 1 | {PROCUREMENT_NO} | 120 万元 |",
    "12 345 678 901",
    full_width("12345678901"),
]


@pytest.mark.parametrize(("text", "kind", "digits"), WRITTEN_NUMBERS)
def test_a_number_is_found_however_it_is_written(text: str, kind: str, digits: str) -> None:
    (found,) = find_personal_numbers(text, frozenset({"015180001"}))
    assert (found.kind.key, found.digits) == (kind, digits)
    shown = text[found.start : found.end]  # where the clerk wrote it, from first to last digit
    assert shown[0] not in " -*<" and shown[-1] not in " -*>"


@pytest.mark.parametrize("text", PUBLIC_NUMBERS)
def test_public_numbers_pass_however_they_are_written(text: str) -> None:
    assert kinds(text, frozenset({"015180001"})) == []


def test_the_table_is_large_enough() -> None:
    assert len(WRITTEN_NUMBERS) >= 40 and len(PUBLIC_NUMBERS) >= 20


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("0123456789 -+Xx/.元：\n号a身"), max_size=120)
    | st.text(
        alphabet=st.sampled_from("０１２３４５６７８９１3８6 \u00a0\u200b*_<b>&#;|-Ｘ"),
        max_size=120,
    )
    | st.text()
)
def test_the_scan_never_fails_and_never_overlaps(text: str) -> None:
    found = find_personal_numbers(text, frozenset({"015180001"}))
    for number in found:
        assert 0 <= number.start < number.end <= len(text)
        assert number.masked.count("*") == len(number.digits) - 5
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


# --- items: errors at the line and column, masked, for front matter and body ------------------


def test_numbers_in_the_body_are_errors_at_their_line_and_column(site) -> None:
    path = write(site, f"申请人：张某\n\n身份证号：{ID_NUMBER}，联系手机 {MOBILE}。\n")
    lines = path.read_text(encoding="utf-8").split("\n")
    row = next(n for n, line in enumerate(lines, 1) if ID_NUMBER in line)
    problems = privacy_problems(site)
    assert [(d.file, d.code, d.line) for d in problems] == [
        (ITEM, "E-PRIVACY-ID-CARD", row),
        (ITEM, "E-PRIVACY-MOBILE", row),
    ]
    assert [d.column for d in problems] == [
        lines[row - 1].index(ID_NUMBER) + 1,
        lines[row - 1].index(MOBILE) + 1,
    ]
    assert "630*************39" in problems[0].message and "去标识化" in problems[0].message
    assert all(ID_NUMBER not in d.message and MOBILE not in d.message for d in problems)


def test_numbers_in_the_front_matter_are_errors_on_the_line_of_their_field(site) -> None:
    path = write(site, "正文。\n", summary=f"为申请人{MOBILE}办理临时救助。")
    lines = path.read_text(encoding="utf-8").split("\n")
    row = next(n for n, line in enumerate(lines, 1) if line.startswith("summary:"))
    (problem,) = privacy_problems(site)
    assert (problem.code, problem.line) == ("E-PRIVACY-MOBILE", row)
    assert problem.column == lines[row - 1].index(MOBILE) + 1
    assert "元数据“summary”中" in problem.message and "138******45" in problem.message


def test_index_numbers_and_unit_codes_are_never_flagged(site) -> None:
    # 统一社会信用代码 of the registry's 湟源县教育局 (conftest), in the body and in the 索引号.
    write(
        site,
        "发布机构代码 12630123015180025X，索引号 12630123015180025X/2018-00007。\n",
        index_no="015180001/2018-00120",
    )
    assert privacy_problems(site) == []


def test_an_exemption_with_kinds_and_reason_lets_only_those_kinds_through(site) -> None:
    exemption = "\n  类型: [手机号码]\n  理由: 村便民服务点的办公手机，经审核签发公开"
    write(site, f"便民服务点手机：{MOBILE}\n身份证号：{ID_NUMBER}\n", 隐私豁免=exemption)
    assert [d.code for d in privacy_problems(site)] == ["E-PRIVACY-ID-CARD"]


def test_an_exemption_in_english_keys_works_too(site) -> None:
    exemption = "\n  kinds: mobile, id_card\n  reason: 依据《……》第十条公示"
    write(site, f"手机：{MOBILE}\n身份证号：{ID_NUMBER}\n", privacy_exempt=exemption)
    assert privacy_problems(site) == []


@pytest.mark.parametrize(
    ("exemption", "words"),
    [
        ("\n  类型: 手机号码", "没有写理由"),
        ("\n  类型: 手机号码\n  理由: ''", "没有写理由"),
        ("\n  理由: 依法公开", "没有写类型"),
        ("\n  类型: 住址\n  理由: 依法公开", "类型“住址”不认识"),
        ("\n  类型: 手机号码\n  理由: 依法公开\n  期限: 三个月", "不认识“期限”"),
        ("手机号码", "应在下面分行写"),
    ],
)
def test_an_incomplete_exemption_is_an_error_and_exempts_nothing(site, exemption, words) -> None:
    write(site, f"手机：{MOBILE}\n", 隐私豁免=exemption)
    problems = privacy_problems(site)
    assert [d.code for d in problems] == ["E-PRIVACY-EXEMPT", "E-PRIVACY-MOBILE"]
    assert words in problems[0].message


def test_items_that_are_never_published_are_not_scanned_but_drafts_and_pages_are(site) -> None:
    write(site, f"手机：{MOBILE}\n", disclosure="依申请公开")
    assert privacy_problems(site) == []
    write(site, f"手机：{MOBILE}\n", draft="true")
    assert [d.code for d in privacy_problems(site)] == ["E-PRIVACY-MOBILE"]
    site.write(ITEM, "")
    site.write("content/zhinan/index.md", f"---\ntitle: 指南\n---\n\n咨询手机：{MOBILE}\n")
    assert [(d.file, d.line) for d in privacy_problems(site)] == [("content/zhinan/index.md", 5)]


def test_the_command_line_never_prints_the_full_number(site) -> None:
    write(site, f"身份证号：{ID_NUMBER}\n银行卡号：{CARD}\n")
    result = site.cli("check", "--format", "json")
    assert result.returncode == 1
    assert ID_NUMBER not in result.stdout + result.stderr
    assert CARD not in result.stdout + result.stderr
    codes = {d["code"] for d in json.loads(result.stdout)}
    assert {"E-PRIVACY-ID-CARD", "E-PRIVACY-BANK-CARD"} <= codes


def test_every_kind_has_its_own_registered_code() -> None:
    from generator.diagnostics import CODES

    assert len({kind.code for kind in KINDS}) == len(KINDS)
    assert all(kind.code in CODES for kind in KINDS)


def test_the_reference_site_passes_the_check() -> None:
    result = run_cli("check", "--site", str(REPO), "--as-of", REFERENCE_AS_OF, "--format", "json")
    errors = [d for d in json.loads(result.stdout or "[]") if d["severity"] == "error"]
    assert result.returncode == 0 and errors == [], result.stdout + result.stderr
