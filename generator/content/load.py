"""Reading an item file: bytes → text → front matter with line numbers → :class:`SourceFile`.

Clerks save files from Notepad and Word, so every step expects bad input: a wrong encoding,
full-width colons and spaces, tabs, duplicate keys, a missing closing ``---``. Each becomes a
diagnostic naming the line and the fix; nothing here raises for any input.

The YAML is *composed* (parsed into nodes) rather than loaded, so every key keeps its line, no
value is converted behind the clerk's back (``2018-02-30`` stays text for the validator to
explain), and anchors and aliases (the "billion laughs" bomb) are refused before any expansion.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.content.fields import KEY_BY_NAME
from generator.content.yaml_nesting import TooDeep, read_yaml
from generator.diagnostics import Report

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FRONT_MATTER_CHARS = 64 * 1024
MAX_NESTING = 20
MAX_NODES = 5000

FENCE = "---"
_OFFSET = 2  # the front matter's first line is the file's second line
_KEY_LINE = re.compile(r"^(?P<key>[A-Za-z_\u4e00-\u9fff]{1,20})[ \t\u3000]*(?P<colon>[:：])")
_KEY_SPACE = re.compile(r"^(?P<key>[A-Za-z_\u4e00-\u9fff]{1,20})\u3000")
_YAML_PROBLEMS = {
    "mapping values are not allowed": "这里不能再出现“: ”——值里含有半角冒号时，请用英文引号把整个值括起来",
    "could not find expected ':'": "缺少半角冒号“:”，或上一行的引号没有闭合",
    "found character '\\t' that cannot start any token": "含有制表符（Tab），请改为空格",
    "found unexpected end of stream": "引号或括号没有闭合",
    "found undefined alias": "“*”开头的值会被当作别名，请用英文引号把整个值括起来",
    "expected <block end>, but found": "缩进不一致，请让同一层的键左对齐",
    "did not find expected key": "缩进不一致，或列表项“- ”的位置不对",
    "found unknown escape character": "双引号中的反斜杠“\\”需写成“\\\\”，或改用单引号",
    "while scanning a quoted scalar": "引号没有闭合",
    "did not find expected ',' or ']'": "方括号列表没有闭合或缺少逗号",
    "did not find expected ',' or '}'": "花括号没有闭合或缺少逗号",
}


@dataclass
class Entry:
    """One front matter key with its value and where both are in the file."""

    name: str  # as written: canonical key or Chinese alias
    key: str | None  # canonical key, None when unknown
    value: Any  # str | list | dict | None, built from YAML nodes without type conversion
    line: int
    column: int


@dataclass
class SourceFile:
    """A Markdown file as read from disk: front matter entries, body and where the body starts."""

    path: Path
    rel: str  # path relative to the site root, with forward slashes, used in diagnostics
    entries: dict[str, Entry] = field(default_factory=dict)  # by canonical key (or name)
    body: str = ""
    body_line: int = 1  # file line of the body's first line
    readable: bool = False  # False when the file could not be decoded or parsed at all
    sha256: str = ""  # of the bytes read: the digest cache's key


class _Refused(Exception):
    """Internal: stop composing this front matter; the diagnostic is already reported."""


@dataclass(frozen=True)
class BodyOnDisk:
    """The body of a file read before, read again when asked (see model.LazyText): as the
    file is now, as MkDocs renders it; empty if it is gone or no longer readable."""

    path: str | Path  # text for the many items rebuilt from the item cache: a Path costs
    rel: str

    def __call__(self) -> str:
        return read_source(Path(self.path), self.rel, Report()).body


def read_source(path: Path, rel: str, report: Report) -> SourceFile:
    source = SourceFile(path=path, rel=rel)
    data = read_bytes(path, rel, report)
    if data is None:
        return source
    source.sha256 = hashlib.sha256(data).hexdigest()
    text = decode_bytes(data, rel, report)
    if text is None:
        return source
    split = _split_front_matter(text, rel, report)
    if split is None:
        return source
    front_lines, source.body, source.body_line = split
    if not _prescan(front_lines, rel, report):
        return source
    entries = _compose(front_lines, rel, report)
    if entries is None:
        return source
    source.entries = entries
    source.readable = True
    return source


def read_bytes(path: Path, rel: str, report: Report) -> bytes | None:
    """The file's bytes, at most MAX_FILE_BYTES + 1 of them; None when it cannot be read."""
    try:
        with path.open("rb") as stream:
            return stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        report.add("E-ENCODING-UNKNOWN", rel, 1, f"无法读取文件：{error.strerror}")
        return None


def decode(path: Path, rel: str, report: Report) -> str | None:
    """Read a file and decode it (see :func:`decode_bytes`)."""
    data = read_bytes(path, rel, report)
    return None if data is None else decode_bytes(data, rel, report)


def decode_bytes(data: bytes, rel: str, report: Report) -> str | None:
    """Bytes → text. UTF-8 with or without BOM; CRLF and CR become LF."""
    if len(data) > MAX_FILE_BYTES:
        report.add(
            "E-FILE-TOO-LARGE",
            rel,
            1,
            f"文件超过 {MAX_FILE_BYTES // (1024 * 1024)} MB，不能作为条目发布；"
            "请把大段内容做成附件（PDF 等），在正文中链接。",
        )
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        report.add(
            "E-ENCODING-UTF16",
            rel,
            1,
            "文件是 UTF-16 编码。请用记事本打开，“另存为”时把编码选为“UTF-8”。",
        )
        return None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        report.add(
            "E-FILE-BINARY",
            rel,
            line,
            "文件含有 NUL 字节，不是文本文件。条目必须是 Markdown 文本；"
            "Word、PDF 等文件请作为附件放在条目旁边并在正文中链接。",
        )
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            report.add(
                "E-ENCODING-UNKNOWN",
                rel,
                line,
                f"第 {line} 行起不是 UTF-8 文本，也不是 GBK/GB18030，无法识别编码。"
                "请用编辑器把文件另存为 UTF-8 编码。",
            )
        else:
            report.add(
                "E-ENCODING-GBK",
                rel,
                line,
                f"文件是 GBK/GB18030 编码（常见于记事本“ANSI”保存），第 {line} 行起不是 UTF-8。"
                "请用记事本打开，“另存为”时把编码选为“UTF-8”；或运行 disclosure fix 自动转换。",
            )
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _split_front_matter(text: str, rel: str, report: Report) -> tuple[list[str], str, int] | None:
    lines = text.split("\n")
    first = lines[0].strip() if lines else ""
    if first != FENCE:
        hint = ""
        if first and set(first) <= set("-—－─_=") and len(first) >= 2:
            hint = f"第一行“{first}”不是三个半角减号，请改为 ---。"
        report.add(
            "E-FM-MISSING",
            rel,
            1,
            f"缺少元数据：文件第一行必须是 ---。{hint}"
            "格式：第一行 ---，随后逐行写“标题: …”“索引号: …”等，再用一行 --- 结束，然后写正文。",
        )
        return None
    for number, line in enumerate(lines[1:], start=2):
        if line.rstrip() in (FENCE, "..."):
            return lines[1 : number - 1], "\n".join(lines[number:]), number + 1
    report.add(
        "E-FM-UNCLOSED",
        rel,
        1,
        "元数据从第 1 行的 --- 开始，但没有结束的 --- 行。"
        "请在最后一个“键: 值”之后单独加一行 ---，再写正文。",
    )
    return None


def _prescan(front_lines: list[str], rel: str, report: Report) -> bool:
    """Catch the clerk's typical typing mistakes before YAML turns them into riddles."""
    reported = len(report)
    size = sum(len(line) + 1 for line in front_lines)
    if size > MAX_FRONT_MATTER_CHARS:
        report.add(
            "E-FM-TOO-COMPLEX",
            rel,
            _OFFSET,
            f"元数据有 {size} 个字符，超过上限 {MAX_FRONT_MATTER_CHARS}；正文应写在结束的 --- 之后。",
        )
        return False
    for number, line in enumerate(front_lines, start=_OFFSET):
        indent = len(line) - len(line.lstrip(" \t\u3000"))
        leading = line[:indent]
        if "\t" in leading:
            report.add(
                "E-FM-TAB",
                rel,
                number,
                f"第 {number} 行用制表符（Tab）缩进，YAML 不允许。请把 Tab 改为空格。",
                column=leading.index("\t") + 1,
            )
            continue
        if "\u3000" in leading:
            report.add(
                "E-FM-FULLWIDTH-SPACE",
                rel,
                number,
                f"第 {number} 行开头有全角空格。请删除，或改为半角空格。",
                column=leading.index("\u3000") + 1,
            )
            continue
        match = _KEY_LINE.match(line)
        if match and (indent == 0 or match["key"] in KEY_BY_NAME):
            key = match["key"]
            between = line[match.end("key") : match.start("colon")]
            after = line[match.end("colon") : match.end("colon") + 1]
            if match["colon"] == "：":
                report.add(
                    "E-FM-FULLWIDTH-COLON",
                    rel,
                    number,
                    f"“{key}”后面是全角冒号“：”，应为半角冒号加空格：“{key}: ”。",
                    column=match.start("colon") + 1,
                )
            elif "\u3000" in between or after == "\u3000":
                position = (
                    match.end("key") + between.index("\u3000")
                    if "\u3000" in between
                    else match.end("colon")
                )
                report.add(
                    "E-FM-FULLWIDTH-SPACE",
                    rel,
                    number,
                    f"“{key}”的冒号前后有全角空格，应为“{key}: 值”（半角冒号、半角空格）。",
                    column=position + 1,
                )
        elif indent == 0 and (spaced := _KEY_SPACE.match(line)) and spaced["key"] in KEY_BY_NAME:
            key = spaced["key"]  # "标题　关于……": a full-width space where the colon belongs
            report.add(
                "E-FM-FULLWIDTH-SPACE",
                rel,
                number,
                f"“{key}”后面是全角空格，没有冒号；应为“{key}: 值”（半角冒号、半角空格）。",
                column=spaced.end("key") + 1,
            )
    return len(report) == reported


def _compose(front_lines: list[str], rel: str, report: Report) -> dict[str, Entry] | None:
    root = read_yaml("\n".join(front_lines), MAX_NESTING)
    if isinstance(root, TooDeep):
        line = root.line + _OFFSET
        report.add(
            "E-FM-TOO-COMPLEX",
            rel,
            line,
            f"第 {line} 行的元数据嵌套超过 {MAX_NESTING} 层。元数据只写简单的“键: 值”和列表。",
            column=root.column + 1,
        )
        return None
    if isinstance(root, yaml.YAMLError):
        _report_syntax(root, rel, report)
        return None
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        line = root.start_mark.line + _OFFSET
        report.add(
            "E-FM-NOT-MAPPING",
            rel,
            line,
            "元数据必须逐行写成“键: 值”（半角冒号，冒号后加空格），例如“标题: 关于……的通知”。",
        )
        return None
    builder = _ValueBuilder(rel, report)
    entries: dict[str, Entry] = {}
    try:
        for key_node, value_node in root.value:
            line = key_node.start_mark.line + _OFFSET
            column = key_node.start_mark.column + 1
            if not isinstance(key_node, yaml.ScalarNode):
                report.add("E-FM-NOT-MAPPING", rel, line, "键必须是一个词，例如“标题”。", column)
                continue
            name = str(key_node.value).strip()
            key = KEY_BY_NAME.get(name)
            slot = key or name
            if slot in entries:
                first = entries[slot]
                code = "E-FM-DUP-KEY" if first.name == name else "E-KEY-TWICE"
                report.add(
                    code,
                    rel,
                    line,
                    f"“{name}”与第 {first.line} 行的“{first.name}”是同一字段，出现了两次；请删除其中一行。",
                    column,
                )
                continue
            entries[slot] = Entry(
                name=name,
                key=key,
                value=builder.build(value_node),
                line=line,
                column=column,
            )
    except _Refused:
        return None
    return entries


def _report_syntax(error: yaml.YAMLError, rel: str, report: Report) -> None:
    """What YAML could not parse, at its line, in Chinese where the problem is a known one."""
    if not isinstance(error, yaml.MarkedYAMLError):
        report.add("E-YAML-SYNTAX", rel, _OFFSET, f"元数据无法解析：{error}")
        return
    mark = error.problem_mark or error.context_mark
    opened = error.context_mark  # where a quote or bracket that was never closed opens
    unclosed = any(word in (error.context or "") for word in ("quoted", "flow"))
    if mark and opened and unclosed and opened.line < mark.line:
        mark = opened
    line = mark.line + _OFFSET if mark else _OFFSET
    column = mark.column + 1 if mark else 1
    problem = error.problem or error.context or "无法解析"
    explained = next(
        (chinese for english, chinese in _YAML_PROBLEMS.items() if english in str(error)),
        f"YAML 报告：{problem}",
    )
    report.add(
        "E-YAML-SYNTAX", rel, line, f"第 {line} 行元数据无法解析：{explained}。", column=column
    )


class _ValueBuilder:
    """Turns YAML nodes into plain Python values, keeping scalars as the text the clerk wrote."""

    def __init__(self, rel: str, report: Report) -> None:
        self.rel, self.report = rel, report
        self.seen: set[int] = set()

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        line = node.start_mark.line + _OFFSET
        if id(node) in self.seen:  # the composer hands out one node object per anchor
            self._refuse(
                "E-FM-ALIAS", line, "元数据中不能使用 YAML 锚点和别名（& 与 *），请直接写出值。"
            )
        self.seen.add(id(node))
        if len(self.seen) > MAX_NODES or depth > MAX_NESTING:
            self._refuse(
                "E-FM-TOO-COMPLEX", line, "元数据过大或嵌套过深，只写简单的“键: 值”和列表。"
            )
        if isinstance(node, yaml.ScalarNode):
            if node.tag.endswith(":null") and node.value in ("", "~", "null", "Null", "NULL"):
                return None
            return str(node.value)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, depth + 1) for child in node.value]
        return {
            str(key.value) if isinstance(key, yaml.ScalarNode) else "?": self.build(
                value, depth + 1
            )
            for key, value in node.value
        }

    def _refuse(self, code: str, line: int, message: str) -> None:
        self.report.add(code, self.rel, line, message)
        raise _Refused
