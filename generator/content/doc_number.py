"""文号 (GB/T 9704-2012 §7.2.5): ``{机关代字}〔{YYYY}〕{N}号``.

Clerks often type the year in other brackets (``[2018]``, ``【2018】``, ``(2018)``, ``（2018）``),
pad the serial (``051号``) or add 第. :func:`parse_doc_number` recognises those forms so that the
message can print the corrected 文号; only the canonical form is accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CANONICAL = re.compile(r"^(?P<agency>\S.*?)〔(?P<year>\d{4})〕(?P<serial>[1-9]\d*)号$")
LENIENT = re.compile(
    r"^(?P<agency>\S.*?)\s*(?P<open>[\[【(（〔﹝［{｛<《])\s*(?P<year>\d{2,4})\s*"
    r"(?P<close>[\]】)）〕﹞］}｝>》])\s*(?P<di>第?)\s*(?P<serial>\d+)\s*(?P<hao>号?)$"
)
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass(frozen=True)
class DocNumber:
    text: str
    agency: str
    year: int
    serial: int

    def __str__(self) -> str:
        return self.text


@dataclass
class DocNumberProblem:
    """What is wrong with a 文号 and, where we can tell, its corrected form."""

    code: str  # E-DOCNO-BRACKET, E-DOCNO-ZERO or E-DOCNO-FORMAT
    reasons: list[str] = field(default_factory=list)
    corrected: str | None = None


def parse_doc_number(text: str) -> DocNumber | DocNumberProblem:
    text = text.strip()
    match = CANONICAL.match(text)
    if match:
        return DocNumber(text, match["agency"], int(match["year"]), int(match["serial"]))
    lenient = LENIENT.match(text.translate(_FULL_WIDTH_DIGITS))
    if not lenient:
        return DocNumberProblem("E-DOCNO-FORMAT", ["不是“机关代字〔年份〕序号号”的形式"])
    reasons = []
    code = "E-DOCNO-FORMAT"
    year = lenient["year"]
    if lenient["open"] != "〔" or lenient["close"] != "〕":
        reasons.append(f"年份括号“{lenient['open']}{lenient['close']}”应为六角括号“〔〕”")
        code = "E-DOCNO-BRACKET"
    if lenient["serial"].startswith("0") or lenient["di"]:
        reasons.append("序号不编虚位（不加前导零）、不加“第”字")
        if code == "E-DOCNO-FORMAT":
            code = "E-DOCNO-ZERO"
    if not lenient["hao"]:
        reasons.append("序号后缺少“号”字")
    if len(year) != 4:
        reasons.append("年份应写全四位")
        return DocNumberProblem(code, reasons)
    if text != text.translate(_FULL_WIDTH_DIGITS):
        reasons.append("数字应为半角")
    corrected = f"{lenient['agency'].strip()}〔{year}〕{int(lenient['serial'])}号"
    if int(lenient["serial"]) == 0:
        return DocNumberProblem("E-DOCNO-FORMAT", ["序号不能为 0"])
    if not reasons:  # e.g. spaces inside: normalise them away
        reasons.append("文号中不应有空格")
    return DocNumberProblem(code, reasons, corrected)
