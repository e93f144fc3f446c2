"""Privacy scan: citizens' ID card, mobile and bank card numbers must never reach a public page.

Seeds 000 and 002: personal privacy is never published (涉及个人隐私……一律不准公开); where personal
data must appear it is de-identified. Official contact numbers and office e-mail addresses are
public. So the scan looks for numbers that are *personal* by their form, and proves each one
before it reports it:

- 公民身份号码: 18 digits (the last may be X) with a valid ISO 7064 MOD 11-2 check digit, or the
  15-digit legacy form; in both a known province code and a plausible birth date;
- 手机号码: ``1[3-9]`` and 9 more digits (also ``138 1234 5678``, ``138-1234-5678``, ``+86…``);
- 银行卡号: 16 to 19 digits (also in groups of four) passing the Luhn check, with the first digit
  of a payment card (3, 4, 5, 6 or 9).

Numbers are read as the page shows them (:mod:`generator.content.digit_runs`): full-width
digits, no-break and zero-width spaces, emphasis, inline tags and entities between the digits
hide nothing, and a number glued to letters (``ID630123…``) is still one. A candidate that is
part of a longer run of digits is no such number. Never flagged: landlines (``0935-7522894``,
``2432774``), 邮编, dates, 文号, amounts (a number followed by 元, 万, 亿, % or decimals),
e-mail addresses, 索引号 (a code followed by ``/2018-``), and unit codes — those of the
registry, and any number labelled 统一社会信用代码, 组织机构代码, 注册号, 项目编号 and the like
(the label nearest before the number decides: 身份证编号 is an ID number's label).

Scanned is everything published: an item's front matter, body and file name (its page's
address), :func:`check_privacy`; each attachment a public page links to, its name and the text
of txt, csv, docx, xlsx and pdf files (:mod:`generator.content.attachment_text`),
:func:`check_attachment`; and columns.yml, :func:`check_catalog_text`. In a table, a number
that nothing before it on its line names takes its column's header as its label.

Findings are errors at the number's line and column, and the message shows the number masked:
a diagnostic must not leak what it protects. An item may lawfully publish such a number (a
village service point's only phone, say); it then names the kinds and the reason in its front
matter, and only those kinds are let through in that file::

    隐私豁免:
      类型: 手机号码
      理由: 村便民服务点的办公手机，经审核签发公开
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.content.attachment_text import UnreadableAttachment, is_read, passages
from generator.content.catalog import CATALOG_FILE
from generator.content.digit_runs import Run, digit_runs
from generator.content.fields import label
from generator.content.load import SourceFile
from generator.content.texts import (
    IDENTIFIER_KEYS,
    FileFindings,
    Text,
    source_texts,
)
from generator.diagnostics import Report

EXEMPT_KEY = "privacy_exempt"
EXEMPT_CODE = "E-PRIVACY-EXEMPT"
UNREADABLE_CODE = "E-PRIVACY-UNREADABLE"
UNREADABLE_PDF_CODE = "W-PRIVACY-PDF-UNREADABLE"

# GB/T 2260: the first two digits of an administrative division code.
PROVINCES = frozenset(
    ("11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
     "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
     "65", "71", "81", "82", "83", "91")
)  # fmt: skip
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_CARD_FIRST_DIGITS = "34569"  # American Express/JCB, Visa, Mastercard, 银联 62…, old domestic 9…

# A number that is no personal number because of what stands next to it.
_INDEX_NUMBER_AFTER = re.compile(r"[/／]\d{4,6}[-－]\d")
_AMOUNT_AFTER = re.compile(r"\s*(?:[.．]\d|[元万亿%％‰]|美元|人民币)")
_AMOUNT_BEFORE = re.compile(r"[¥￥$]\s*$")
# The words that name what a number is, when they stand shortly before it on its line: the
# nearest one decides (of two ending at the same place, the longer: 身份证编号 is no 编号).
_CODE_LABELS = (
    "信用代码", "机构代码", "注册号", "索引号", "识别码", "标识码", "备案号", "编号", "项目号",
    "订单号", "流水号", "批次号", "合同号", "许可证号", "登记号", "文号",
)  # fmt: skip
_PERSONAL_LABELS = (
    "身份证", "身份证号", "身份证编号", "身份号码", "证件号", "证件号码", "证件编号", "手机",
    "手机号", "电话", "联系方式", "银行卡", "卡号", "账号", "帐号", "银行账户",
)  # fmt: skip
_LABELS = (*_CODE_LABELS, *_PERSONAL_LABELS)
_LABEL_REACH = 16  # characters before a number in which a label counts
_SHORTEST = 11  # digits of the shortest personal number (a mobile number)
_LONGEST = 19  # digits of the longest (a bank card number)
_SHORT_TEXT = 200
_SHORTEST_GROUP = 3  # digits of a group of a number written in groups, but the last
_MOBILE = re.compile(r"1[3-9]\d{9}")
# How a mobile number is written in groups: 138 9701 2345, 138-97012345, 1389701-2345.
_MOBILE_GROUPS = frozenset({(3, 4, 4), (3, 8), (7, 4), (4, 3, 4)})
_COUNTRY_CODE = "86"


@dataclass(frozen=True)
class PersonalKind:
    """One kind of personal number: how it is written in groups and how it is proved."""

    key: str  # English name, as written in an exemption
    name: str  # Chinese name, as shown and as written in an exemption
    aliases: tuple[str, ...]
    code: str
    lengths: frozenset[int]  # of the digits (and X)
    grouped: Callable[[tuple[int, ...]], bool]  # the sizes of its groups → a way it is written?
    proves: Callable[[str], bool]  # the digits (and X) of a candidate → is it such a number?


def _is_id_number(digits: str) -> bool:
    """18 digits with a MOD 11-2 check digit, or 15 (legacy); province and birth date plausible."""
    if digits[:2] not in PROVINCES or not digits[:17].isdigit():
        return False
    if len(digits) == 15:
        if not digits.isdigit():
            return False
        year, rest = "19" + digits[6:8], digits[8:12]
    else:
        total = sum(int(d) * w for d, w in zip(digits[:17], _ID_WEIGHTS, strict=True))
        if _ID_CHECK[total % 11] != digits[17].upper():
            return False
        year, rest = digits[6:10], digits[10:14]
    try:
        born = date(int(year), int(rest[:2]), int(rest[2:]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


def _passes_luhn(digits: str) -> bool:
    if not digits.isdigit() or digits[0] not in _CARD_FIRST_DIGITS:
        return False
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


KINDS: tuple[PersonalKind, ...] = (
    PersonalKind(
        "id_card",
        "身份证号码",
        ("身份证", "身份证号", "公民身份号码"),
        "E-PRIVACY-ID-CARD",
        frozenset({15, 18}),
        # 630123 19850612 0039, 6301 2319 8506 1200 39: groups of three digits or more, but
        # the last.
        lambda sizes: min(sizes[:-1]) >= _SHORTEST_GROUP,
        _is_id_number,
    ),
    PersonalKind(
        "bank_card",
        "银行卡号",
        ("银行卡", "银行账号"),
        "E-PRIVACY-BANK-CARD",
        frozenset(range(16, _LONGEST + 1)),
        lambda sizes: set(sizes[:-1]) == {4} and sizes[-1] <= 4,  # 6222 0212 3456 7890 123
        _passes_luhn,
    ),
    PersonalKind(
        "mobile",
        "手机号码",
        ("手机", "手机号"),
        "E-PRIVACY-MOBILE",
        frozenset({11}),
        lambda sizes: sizes in _MOBILE_GROUPS,
        lambda digits: bool(_MOBILE.fullmatch(digits)),
    ),
)
KIND_BY_NAME: dict[str, PersonalKind] = {
    name: kind for kind in KINDS for name in (kind.key, kind.name, *kind.aliases)
}
# What names the number at ``start`` (its line starting at ``line_start``) in ``text``, when
# nothing before it on its line does: the header of its table column.
Heading = Callable[[str, int, int], str]


@dataclass(frozen=True)
class PersonalNumber:
    kind: PersonalKind
    start: int  # offset in the scanned text
    end: int
    digits: str  # without separators and country code

    @property
    def masked(self) -> str:
        """The first three and last two characters; every other digit is a ``*``."""
        return self.digits[:3] + "*" * (len(self.digits) - 5) + self.digits[-2:]


def find_personal_numbers(
    text: str, unit_codes: frozenset[str] = frozenset(), heading: Heading | None = None
) -> list[PersonalNumber]:
    """Every proved personal number in ``text``, in order; never raises. ``heading`` gives
    what names a number when nothing before it on its line does: the header of its table
    column (by default, of a Markdown table).

    The text is read as the page shows it (:mod:`generator.content.digit_runs`). A number is
    one group of digits, or several groups joined by one kind of joint and written as that kind
    of number is written in groups; a grouped number that goes on with the same joint is part
    of a longer number. ID numbers are tried first, as an 18-digit ID number may also pass the
    Luhn check.
    """
    found: list[PersonalNumber] = []
    if len(text) < _SHORT_TEXT and sum(c.isdigit() for c in text) < _SHORTEST:
        return found  # a file name, a date, a name: quicker counted than searched
    for run in digit_runs(text, _SHORTEST):
        taken: list[PersonalNumber] = []
        for kind in KINDS:
            for first, last, digits in _candidates(run, kind):
                start, end = run.groups[first].start, run.groups[last].end
                if any(start < t.end and t.start < end for t in taken):
                    continue
                if kind.key == "mobile" and len(digits) == 13:
                    digits = digits[2:]
                if kind.proves(digits) and not _is_no_personal_number(
                    text, start, end, digits, unit_codes, heading or markdown_table_heading
                ):
                    taken.append(PersonalNumber(kind, start, end, digits))
        found += sorted(taken, key=lambda number: number.start)
    return found


def _candidates(run: Run, kind: PersonalKind) -> Iterator[tuple[int, int, str]]:
    """(first group, last group, digits) of every way ``run`` may hold a number of ``kind``."""
    groups, joints = run.groups, run.joints
    for first, group in enumerate(groups):
        digits = group.digits
        if len(digits) in kind.lengths:
            yield first, first, digits
        elif kind.key == "mobile" and len(digits) == 13 and digits.startswith(_COUNTRY_CODE):
            yield first, first, digits  # +8613897012345
        joint = joints[first] if first < len(joints) else None
        if joint is None or len(group.digits) < _SHORTEST_GROUP or _goes_on(run, first - 1, joint):
            continue  # a grouped number does not start inside a longer grouped number
        for last in range(first + 1, len(groups)):
            digits += groups[last].digits
            if len(digits) > _LONGEST or "X" in digits[:-1] or joints[last - 1] != joint:
                break
            sizes = tuple(len(g.digits) for g in groups[first : last + 1])
            if (
                len(digits) in kind.lengths
                and kind.grouped(sizes)
                and not _goes_on(run, last, joint)
            ):
                yield first, last, digits
            if sizes[-1] < _SHORTEST_GROUP:
                break  # only the last group of a number may be shorter


def _goes_on(run: Run, group: int, joint: str) -> bool:
    """Whether ``group`` and the group after it are groups of one longer number, joined by
    ``joint``: not the country code of a mobile number (+86 138…), nor a whole number of its
    own (138 9701 2345 13912345678)."""
    if group < 0 or group + 1 >= len(run.groups) or run.joints[group] != joint:
        return False
    before, after = run.groups[group].digits, run.groups[group + 1].digits
    if group == 0 and before == _COUNTRY_CODE:
        return False
    return len(before) < _SHORTEST and len(after) < _SHORTEST


def _is_no_personal_number(
    text: str,
    start: int,
    end: int,
    digits: str,
    unit_codes: frozenset[str],
    heading: Heading,
) -> bool:
    """A unit code, the code of an index number, an amount, or a number labelled as a code:
    by the nearest label before it on its line, else by its ``heading``."""
    if digits.upper() in unit_codes or _INDEX_NUMBER_AFTER.match(text, end):
        return True
    if _AMOUNT_AFTER.match(text, end) or _AMOUNT_BEFORE.search(text, max(0, start - 3), start):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    label = _nearest_label(text[max(line_start, start - _LABEL_REACH) : start])
    if label is None:
        label = _nearest_label(heading(text, line_start, start))
    return label in _CODE_LABELS


def _nearest_label(before: str) -> str | None:
    """The label that ends last in ``before`` (of two ending together, the longer)."""
    labels = [(before.rfind(w) + len(w), len(w), w) for w in _LABELS if w in before]
    return max(labels)[2] if labels else None


_TABLE_DELIMITER = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_TABLE_REACH = 2000  # rows above a number in which its table's header is looked for


def markdown_table_heading(text: str, line_start: int, start: int) -> str:
    """The header of the Markdown table column that ``start`` is in, or "" if it is in none."""
    if text.find("|", line_start, start) < 0:
        return ""
    column = text.count("|", line_start, start) - text.startswith("|", line_start)
    end = line_start - 1  # the end of the line above
    for _ in range(_TABLE_REACH):
        if end <= 0:
            return ""
        above = text.rfind("\n", 0, end) + 1
        line = text[above:end]
        if "|" not in line:
            return ""
        if _TABLE_DELIMITER.match(line):
            header_start = text.rfind("\n", 0, max(0, above - 1)) + 1
            cells = text[header_start : max(header_start, above - 1)].strip().strip("|").split("|")
            return cells[column] if 0 <= column < len(cells) else ""
        end = above - 1
    return ""


# The exemption ------------------------------------------------------------------------------

_EXEMPT_KINDS_KEYS = ("kinds", "类型")
_EXEMPT_REASON_KEYS = ("reason", "理由")
_EXEMPT_SEPARATORS = re.compile(r"[，,、;；\s]+")
_EXEMPT_EXAMPLE = f"{label(EXEMPT_KEY)}:\n  类型: 手机号码\n  理由: 依据……公开的办公电话"


def read_exemption(source: SourceFile, report: Report) -> frozenset[str]:
    """The kinds (English keys) the item lawfully publishes; empty when none or when invalid."""
    entry = source.entries.get(EXEMPT_KEY)
    if entry is None:
        return frozenset()

    def refuse(problem: str) -> frozenset[str]:
        report.add(
            EXEMPT_CODE,
            source.rel,
            entry.line,
            f"{entry.name}无效：{problem}。豁免不生效，本文件照常检查。"
            f"写法（每项都必填）：{_EXEMPT_EXAMPLE.replace(chr(10), ' ')}",
            column=entry.column,
        )
        return frozenset()

    value = entry.value
    if not isinstance(value, dict):
        return refuse("应在下面分行写“类型”和“理由”")
    unknown = [key for key in value if key not in (*_EXEMPT_KINDS_KEYS, *_EXEMPT_REASON_KEYS)]
    if unknown:
        return refuse(f"不认识“{'、'.join(unknown)}”，只能写“类型”（kinds）和“理由”（reason）")
    reason = next((value[key] for key in _EXEMPT_REASON_KEYS if key in value), None)
    if not isinstance(reason, str) or not reason.strip():
        return refuse("没有写理由；公开个人信息必须写明依据（法律法规条款或审核意见）")
    kinds = next((value[key] for key in _EXEMPT_KINDS_KEYS if key in value), None)
    names = _EXEMPT_SEPARATORS.split(kinds) if isinstance(kinds, str) else kinds
    if not isinstance(names, list) or not any(isinstance(n, str) and n.strip() for n in names):
        return refuse("没有写类型（身份证号码、手机号码 或 银行卡号）")
    exempt = set()
    for name in names:
        kind = KIND_BY_NAME.get(str(name).strip()) if name else None
        if kind is None:
            allowed = "、".join(k.name for k in KINDS)
            return refuse(f"类型“{name}”不认识，可写：{allowed}")
        exempt.add(kind.key)
    return frozenset(exempt)


# The check ----------------------------------------------------------------------------------


_DEIDENTIFY = "请删除，或去标识化（如只保留前 3 位和后 2 位，其余用 * 代替）"


def _message(number: PersonalNumber, where: str, fix: str) -> str:
    return (
        f"{where}疑似{number.kind.name}“{number.masked}”（已隐去中间几位）：公民个人信息不得公开。"
        f"{fix}"
    )


def check_privacy(source: SourceFile, unit_codes: frozenset[str], report: Report) -> None:
    """Report every personal number in the front matter, the body and the file's name (its
    page's address) not covered by an exemption; an exemption never covers the name."""
    exempt = read_exemption(source, report)
    findings = FileFindings(report, source.rel)
    texts = source_texts(source, IDENTIFIER_KEYS | {EXEMPT_KEY}, lambda v: len(v) >= _SHORTEST)
    for text in texts:
        for number in find_personal_numbers(text.text, unit_codes):
            if number.kind.key in exempt:
                continue
            line, column = text.position(number.start)
            where = f"元数据“{text.field}”中" if text.field else ""
            fix = (
                f"{_DEIDENTIFY}；确需公开的，在元数据中写“{label(EXEMPT_KEY)}”，"
                f"注明类型“{number.kind.name}”和理由。"
            )
            findings.add(number.kind.code, line, column, _message(number, where, fix))
    check_file_name(source.rel, unit_codes, findings)
    findings.close()


def check_file_name(rel: str, unit_codes: frozenset[str], findings: FileFindings) -> None:
    """A file's path under content/ is part of its address on the site and in the search index."""
    name = rel.removeprefix("content/")
    for number in find_personal_numbers(name, unit_codes):
        where = f"文件名（网址）“{name[: number.start]}…”中"
        fix = "请给文件改名（如用日期和事由），并改正链接到它的地方。"
        findings.add(number.kind.code, 1, 1, _message(number, where, fix))


def check_attachment(path: Path, rel: str, unit_codes: frozenset[str], report: Report) -> None:
    """A published attachment: its name, and the text of the types that carry text; a finding
    in a paragraph, cell or page is at that paragraph's, row's or page's number."""
    findings = FileFindings(report, rel)
    check_file_name(rel, unit_codes, findings)
    if is_read(rel):
        try:
            for passage in passages(path):
                text = Text(passage.text, passage.line, 1)
                for number in find_personal_numbers(passage.text, unit_codes, passage.heading):
                    exact = passage.lines_are_file_lines
                    line, column = text.position(number.start) if exact else (passage.line, 1)
                    where = f"附件{passage.where}" if passage.where else "附件中"
                    fix = f"{_DEIDENTIFY}后重新保存附件；原件不公开。"
                    findings.add(number.kind.code, line, column, _message(number, where, fix))
        except (OSError, UnreadableAttachment) as error:
            # Browsers show many PDFs that pypdf cannot parse: such a PDF is a warning, to be
            # checked by eye; a text, CSV or Office file that cannot be read is an error.
            pdf = rel.lower().endswith(".pdf")
            report.add(
                UNREADABLE_PDF_CODE if pdf else UNREADABLE_CODE,
                rel,
                1,
                f"附件无法读取，不能确认其中没有个人信息：{error}。"
                + (
                    "请打开 PDF 人工确认，或重新导出为不设打开密码的 PDF。"
                    if pdf
                    else f"请用办公软件重新另存为 {posixpath.splitext(rel)[1]} 文件后再发布。"
                ),
            )
    findings.close()


def check_catalog_text(site_dir: Path, unit_codes: frozenset[str], report: Report) -> None:
    """columns.yml: the names, descriptions and keywords of columns and units are published."""
    path = site_dir / CATALOG_FILE
    try:
        text = Text(path.read_text(encoding="utf-8"), 1, 1)
    except (OSError, UnicodeDecodeError):
        return  # the catalog's loader reports it
    findings = FileFindings(report, CATALOG_FILE)
    for number in find_personal_numbers(text.text, unit_codes):
        line, column = text.position(number.start)
        findings.add(number.kind.code, line, column, _message(number, "", f"{_DEIDENTIFY}。"))
    findings.close()
