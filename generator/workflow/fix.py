"""`disclosure fix`: explicit, reviewable repairs of the clerk's common mistakes.

Never run implicitly. Each repair is listed (file, line, before → after) so the clerk can review
it in the Git diff: GBK/GB18030 re-encoded to UTF-8, BOM and CRLF removed, full-width colons and
spaces in key lines, tab indentation, 文号 brackets and padded serials, dates like 2018/12/14,
and ``\\`` written for ``/`` in the body's links (``附件\\通知.pdf``, as Windows shows paths).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.content.dates import DateProblem, parse_date
from generator.content.doc_number import DocNumber, parse_doc_number
from generator.content.fields import KEY_BY_NAME
from generator.content.link_rules import local_file_path
from generator.content.links import extract_links
from generator.content.load import FENCE

_KEY_LINE = re.compile(
    r"^(?P<key>[A-Za-z_\u4e00-\u9fff]{1,20})[ \t\u3000]*[:：][ \t\u3000]*(?P<value>.*)$"
)
DATE_KEYS = {"written", "published"}


@dataclass(frozen=True)
class Repair:
    line: int  # 0 for the whole file
    what: str
    before: str = ""
    after: str = ""

    def describe(self) -> str:
        if self.before or self.after:
            return f"{self.what}：“{self.before}” → “{self.after}”"
        return self.what


def repair_text(data: bytes) -> tuple[bytes, list[Repair]]:
    """The repaired file content and the list of repairs made (empty when nothing to do)."""
    repairs: list[Repair] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        repairs.append(Repair(0, "删除 UTF-8 BOM"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            return data, []  # not ours to guess: the check names the problem
        repairs.append(Repair(0, "把 GBK/GB18030 编码转换为 UTF-8"))
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        repairs.append(Repair(0, "把 Windows 换行（CRLF）改为 LF"))
    lines = text.split("\n")
    body_start = 0
    if lines and lines[0].strip() == FENCE:
        for number in range(1, len(lines)):
            if lines[number].rstrip() in (FENCE, "..."):
                body_start = number + 1
                break
            lines[number] = _repair_key_line(lines[number], number + 1, repairs)
    _repair_link_separators(lines, body_start, repairs)
    return "\n".join(lines).encode("utf-8"), repairs


def _repair_link_separators(lines: list[str], body_start: int, repairs: list[Repair]) -> None:
    """``附件\\通知.pdf`` → ``附件/通知.pdf`` in the body's relative links (a web address
    separates folders with ``/``; a path on the clerk's computer is left for the check)."""
    body = "\n".join(lines[body_start:])
    for link in extract_links(body, body_start + 1):
        target = link.target
        if "\\" not in target or link.is_external or local_file_path(target):
            continue
        line = lines[link.line - 1]
        at = line.find(target, link.column - 1)
        if at == -1:
            continue
        fixed = target.replace("\\", "/")
        lines[link.line - 1] = line[:at] + fixed + line[at + len(target) :]
        repairs.append(Repair(link.line, "把链接中的“\\”改为“/”", target, fixed))


def _repair_key_line(line: str, number: int, repairs: list[Repair]) -> str:
    indent = len(line) - len(line.lstrip(" \t\u3000"))
    leading = line[:indent]
    if "\t" in leading or "\u3000" in leading:
        rest = line[indent:]
        top_level_key = _KEY_LINE.match(rest) and _KEY_LINE.match(rest)["key"] in KEY_BY_NAME
        fixed = rest if top_level_key else leading.replace("\t", "  ").replace("\u3000", "") + rest
        repairs.append(Repair(number, "把行首的制表符/全角空格改为空格", line, fixed))
        line, indent = fixed, len(fixed) - len(fixed.lstrip(" "))
    match = _KEY_LINE.match(line[indent:])
    if not match or (indent and match["key"] not in KEY_BY_NAME):
        return line
    key, value = match["key"], match["value"]
    separator = line[indent + match.end("key") : indent + match.start("value")]
    if "：" in separator or "\u3000" in separator:
        repairs.append(
            Repair(number, "把键后的全角冒号/全角空格改为“: ”", f"{key}{separator}", f"{key}: ")
        )
    canonical = KEY_BY_NAME.get(key)
    if canonical == "doc_no" and value:
        parsed = parse_doc_number(value)
        if not isinstance(parsed, DocNumber) and parsed.corrected:
            repairs.append(Repair(number, "规范文号", value, parsed.corrected))
            value = parsed.corrected
    if canonical in DATE_KEYS and value:
        try:
            parse_date(value)
        except DateProblem as problem:
            if problem.corrected:
                repairs.append(Repair(number, "规范日期格式", value, problem.corrected))
                value = problem.corrected
    if not repairs or repairs[-1].line != number:
        return line
    return " " * indent + (f"{key}: {value}" if value else f"{key}:")


def fix_files(paths: list[Path], write: bool) -> dict[Path, list[Repair]]:
    """Repair the Markdown files among ``paths`` (folders are searched); returns what changed."""
    changed: dict[Path, list[Repair]] = {}
    for path in _markdown_files(paths):
        data = path.read_bytes()
        repaired, repairs = repair_text(data)
        if repairs and repaired != data:
            changed[path] = repairs
            if write:
                path.write_bytes(repaired)
    return changed


def _markdown_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.md") if p.is_file()))
        elif path.suffix == ".md" and path.is_file():
            found.append(path)
    return found
