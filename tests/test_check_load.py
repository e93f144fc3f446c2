"""Reading item files (SPEC §2): encodings, line endings, front matter typing mistakes, YAML.

Each test writes a real file into a valid site (``site`` fixture, tests/conftest.py) and runs
the real checker; it asserts the code, the file, the line (and column where it means something)
and the words of the Chinese message that name the fix.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from platforms import pure_python_yaml

FIXTURES = Path(__file__).parent / "fixtures" / "check"
ITEM = "content/fdzdgknr/zcwj/20190110-zuohao-2019-zhengwu-gongkai.md"

# A valid 政策文件. Line numbers in the file: 1 ---, 2 title, 3 index_no, 4 publisher,
# 5 doc_no, 6 topic, 7 disclosure, 8 written, 9 published, 10 genre, 11 validity, 12 ---.
VALID = """\
---
title: 湟源县人民政府办公室关于做好2019年政务公开工作的通知
index_no: 015180001/2019-00003
publisher: 湟源县人民政府办公室
doc_no: 源政办〔2019〕3号
topic: 综合政务/政务公开
disclosure: 主动公开
written: 2019-01-08
published: 2019-01-10
genre: 通知
validity: 现行有效
---

各乡镇人民政府，县政府各部门：

为做好2019年全县政务公开工作，现将有关事项通知如下。
"""

# The same item written by a clerk who only uses the Chinese labels.
CHINESE_KEYS = """\
---
标题: 湟源县人民政府办公室关于做好2019年政务公开工作的通知
索引号: 015180001/2019-00003
发布机构: 县政府办
文号: 源政办〔2019〕3号
主题分类: 综合政务/政务公开
公开属性: 主动公开
成文日期: 2019-01-08
发布日期: 2019-01-10 09:30
体裁: 通知
关键词: 政务公开，信息公开、政策解读
内容概述: 部署2019年全县政务公开工作。
有效性: 现行有效
信息员: 马静
审核人: 李文华
签发人: 孟宗勇
草稿: false
扩展:
  来源: 县政府办
---

正文。
"""


def check_item(site, data: str | bytes, rel: str = ITEM):
    """Write one item file, run the checker; the diagnostics of that file."""
    site.write(rel, data)
    return [d for d in site.check() if d.file == rel]


def only(diagnostics, code):
    """The file's diagnostics must be exactly one, with this code."""
    assert [d.code for d in diagnostics] == [code], [d.as_text() for d in diagnostics]
    return diagnostics[0]


def test_valid_item_passes(site):
    assert check_item(site, VALID) == []


# --- encodings and line endings -------------------------------------------------------------


@pytest.mark.parametrize("name", ["utf8-bom.md", "crlf.md", "bom-crlf.md"])
def test_utf8_with_bom_and_crlf_are_accepted(site, name):
    rel = f"content/fdzdgknr/zcwj/{name}"
    assert check_item(site, (FIXTURES / name).read_bytes(), rel) == []


def test_crlf_keeps_line_numbers(site):
    data = VALID.replace("published: 2019-01-10", "published: 2019-01-32").replace("\n", "\r\n")
    problem = only(check_item(site, data.encode()), "E-DATE-INVALID")
    assert problem.line == 9


def test_bom_does_not_shift_lines_or_columns(site):
    data = "\ufeff" + VALID.replace("title: ", "title：")
    problem = only(check_item(site, data.encode()), "E-FM-FULLWIDTH-COLON")
    assert (problem.line, problem.column) == (2, 6)


@pytest.mark.parametrize("name", ["gbk.md", "gb18030.md"])
def test_gbk_file_is_refused_naming_the_encoding_and_how_to_resave(site, name):
    rel = f"content/fdzdgknr/zcwj/{name}"
    problem = only(check_item(site, (FIXTURES / name).read_bytes(), rel), "E-ENCODING-GBK")
    assert problem.line == 2  # the title: the first line that is not ASCII
    assert "GBK/GB18030" in problem.message
    assert "另存为" in problem.message and "UTF-8" in problem.message


def test_gbk_file_gives_no_mojibake_on_the_command_line(site):
    shutil.copy(FIXTURES / "gbk.md", site.content / "fdzdgknr/zcwj/gbk.md")
    for output_format in ("text", "json"):
        result = site.cli("check", "--format", output_format)  # decodes stdout strictly as UTF-8
        assert result.returncode == 1
        output = result.stdout + result.stderr
        assert "E-ENCODING-GBK" in output and "另存为" in output
        assert "\ufffd" not in output and "\\u" not in output
        # Neither the GBK bytes read as Latin-1/UTF-8 nor the classic 锟斤拷 appear.
        assert not any(ch in output for ch in "ÃÂä¸½åº") and "锟斤拷" not in output
    messages = json.loads(site.cli("check", "--format", "json").stdout)
    assert messages[0]["file"] == "content/fdzdgknr/zcwj/gbk.md"


def test_utf16_file_is_refused(site):
    rel = "content/fdzdgknr/zcwj/utf16.md"
    problem = only(check_item(site, (FIXTURES / "utf16.md").read_bytes(), rel), "E-ENCODING-UTF16")
    assert problem.line == 1 and "UTF-8" in problem.message


def test_undecodable_file_is_refused(site):
    data = VALID.encode() + b"\n\xff\x80\n"  # neither UTF-8 nor GB18030
    problem = only(check_item(site, data), "E-ENCODING-UNKNOWN")
    assert problem.line == VALID.count("\n") + 2 and "UTF-8" in problem.message


def test_file_too_large_is_refused(site):
    data = VALID + "附件内容。" * (5 * 1024 * 1024 // 15 + 1)  # just over 5 MB of UTF-8
    problem = only(check_item(site, data), "E-FILE-TOO-LARGE")
    assert problem.line == 1 and "附件" in problem.message


def test_binary_file_is_refused(site):
    rel = "content/fdzdgknr/zcwj/word-renamed.md"
    data = (FIXTURES / "word-renamed.md").read_bytes()
    problem = only(check_item(site, data, rel), "E-FILE-BINARY")
    assert problem.line == 1 and "附件" in problem.message


def test_nul_byte_is_located(site):
    data = VALID.encode() + b"\x00\x01\x02"
    problem = only(check_item(site, data), "E-FILE-BINARY")
    assert problem.line == VALID.count("\n") + 1


# --- YAML syntax -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "line", "column", "hint"),
    [
        # A colon in a value: the clerk has to quote it.
        ("genre: 通知", "genre: 通知\nsummary: 工作要求: 每月公开30条", 11, 14, "引号"),
        # A quote opened on the title line and never closed: reported where it opens.
        ("title: 湟源县", 'title: "湟源县', 2, 8, "引号"),
        # A bracket list never closed.
        ("genre: 通知", "genre: 通知\nkeywords: [政务公开, 信息公开", 11, 11, "方括号"),
    ],
    ids=["colon-in-value", "unclosed-quote", "unclosed-bracket"],
)
def test_yaml_syntax_error_has_line_column_and_chinese_hint(site, old, new, line, column, hint):
    problem = only(check_item(site, VALID.replace(old, new, 1)), "E-YAML-SYNTAX")
    assert (problem.line, problem.column) == (line, column)
    assert f"第 {line} 行" in problem.message and hint in problem.message


# --- typing mistakes caught before YAML ------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "column"),
    [
        ("publisher: 湟", "publisher：湟", 10),
        ("publisher: 湟", "发布机构：湟", 5),
        ("publisher: 湟", "publisher ：湟", 11),
    ],
)
def test_fullwidth_colon_in_key_line(site, old, new, column):
    problem = only(check_item(site, VALID.replace(old, new)), "E-FM-FULLWIDTH-COLON")
    assert (problem.line, problem.column) == (4, column)
    assert "全角冒号" in problem.message and "半角冒号" in problem.message


def test_fullwidth_colon_inside_a_value_is_fine(site):
    text = VALID.replace("genre: 通知", "genre: 通知\nsummary: 工作要求：每月公开30条")
    assert check_item(site, text) == []


@pytest.mark.parametrize(
    ("new", "column"),
    [
        ("publisher\u3000: 湟", 10),  # before the colon
        ("publisher:\u3000湟", 11),  # instead of the half-width space after it
        ("\u3000publisher: 湟", 1),  # at the start of the line
        ("发布机构\u3000湟", 5),  # instead of the colon
    ],
    ids=["before-colon", "after-colon", "leading", "instead-of-colon"],
)
def test_fullwidth_space_in_key_line(site, new, column):
    problem = only(check_item(site, VALID.replace("publisher: 湟", new)), "E-FM-FULLWIDTH-SPACE")
    assert (problem.line, problem.column) == (4, column)
    assert "全角空格" in problem.message and "半角" in problem.message


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("validity: 现行有效", "\tvalidity: 现行有效", 11),
        ("genre: 通知", "genre: 通知\nkeywords:\n\t- 政务公开", 12),
    ],
    ids=["key", "list-item"],
)
def test_tab_indentation(site, old, new, line):
    problem = only(check_item(site, VALID.replace(old, new)), "E-FM-TAB")
    assert (problem.line, problem.column) == (line, 1)
    assert "Tab" in problem.message and "空格" in problem.message


def test_duplicate_key(site):
    text = VALID.replace("disclosure: 主动公开", "topic: 综合政务\ndisclosure: 主动公开")
    problem = only(check_item(site, text), "E-FM-DUP-KEY")
    assert problem.line == 7
    assert "第 6 行" in problem.message and "删除" in problem.message


def test_canonical_key_and_chinese_alias_both_present(site):
    text = VALID.replace("genre: 通知", "genre: 通知\n标题: 关于做好2019年政务公开工作的通知")
    problem = only(check_item(site, text), "E-KEY-TWICE")
    assert problem.line == 11
    assert "“标题”" in problem.message and "“title”" in problem.message
    assert "第 2 行" in problem.message and "删除" in problem.message


def test_missing_closing_fence(site):
    text = VALID.replace("validity: 现行有效\n---\n", "validity: 现行有效\n")
    problem = only(check_item(site, text), "E-FM-UNCLOSED")
    assert problem.line == 1 and "---" in problem.message


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("湟源县人民政府办公室关于做好2019年政务公开工作的通知\n\n正文。\n", "第一行必须是 ---"),
        ("", "第一行必须是 ---"),
        (VALID.replace("---\n", "----\n", 1), "不是三个半角减号"),
        (VALID.replace("---\n", "———\n", 1), "不是三个半角减号"),
    ],
    ids=["no-front-matter", "empty-file", "four-dashes", "chinese-dashes"],
)
def test_missing_front_matter(site, text, hint):
    problem = only(check_item(site, text), "E-FM-MISSING")
    assert problem.line == 1 and hint in problem.message


def test_front_matter_that_is_not_key_value(site):
    problem = only(check_item(site, "---\n- 湟源县\n- 通知\n---\n"), "E-FM-NOT-MAPPING")
    assert problem.line == 2


# --- keys ------------------------------------------------------------------------------------


def test_item_written_with_chinese_aliases_only_passes(site):
    site.write(ITEM, CHINESE_KEYS)
    from generator.content.dates import AsOf
    from generator.diagnostics import Report
    from generator.site.check import check_site

    report = Report()
    collection = check_site(site.root, AsOf.parse("2019-03-01"), report)
    assert [d.as_text() for d in report] == []
    item = next(i for i in collection.items if i.source == ITEM)
    assert item.title == "湟源县人民政府办公室关于做好2019年政务公开工作的通知"
    assert item.publisher.name == "湟源县人民政府办公室"  # the alias resolves to the full name
    assert str(item.doc_no.text) == "源政办〔2019〕3号"
    assert item.keywords == ("政务公开", "信息公开", "政策解读")
    assert item.published_text == "2019-01-10 09:30"
    assert (item.reviewer, item.approver, item.draft) == ("李文华", "孟宗勇", False)
    assert item.extra == {"来源": "县政府办"}


@pytest.mark.parametrize(
    ("line_text", "unknown", "suggestion"),
    [("titel: 通知", "titel", "title"), ("索引: 015180001/2019-00004", "索引", "索引号")],
)
def test_unknown_key_is_an_error_with_a_suggestion(site, line_text, unknown, suggestion):
    text = VALID.replace("genre: 通知", f"genre: 通知\n{line_text}")
    problem = only(check_item(site, text), "E-KEY-UNKNOWN")
    assert problem.line == 11
    assert f"“{unknown}”" in problem.message and f"是不是“{suggestion}”" in problem.message
    assert "extra" in problem.message


def test_custom_keys_are_allowed_under_extra(site):
    text = VALID.replace("genre: 通知", "genre: 通知\nextra:\n  来源: 县政府办\n  titel: x")
    assert check_item(site, text) == []


# --- hostile YAML ----------------------------------------------------------------------------


def test_yaml_alias_bomb_is_refused_quickly(site):
    lines = ['a: &a ["哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 9) + "]")
    text = VALID.replace("validity: 现行有效", "validity: 现行有效\n" + "\n".join(lines))
    started = time.process_time()  # CPU time: a loaded machine does not move it
    problem = only(check_item(site, text), "E-FM-ALIAS")
    assert time.process_time() - started < 2
    assert problem.line == 12  # where the first anchor is
    assert "&" in problem.message and "*" in problem.message


def test_simple_alias_is_refused(site):
    text = VALID.replace("genre: 通知", "genre: &g 通知\nsummary: *g")
    assert only(check_item(site, text), "E-FM-ALIAS").line == 10


# Composing nesting this deep with the C YAML loader overflows the C stack: the process dies
# with a segfault. So these go through the real command in a subprocess, and the pre-scan must
# refuse them first: brackets, and brackets whose count is hidden behind a comment or quotes.
@pytest.mark.parametrize(
    ("front_matter", "line"),
    [
        ("summary: " + "[" * 100_000, 2),  # over the size limit: where the front matter starts
        ("summary: " + "[" * 30_000, 3),  # under the size limit: only the nesting scan stops it
        ("summary: " + "{a: " * 15_000, 3),
        ("# " + "]" * 30_000 + "\nsummary: " + "[" * 30_000, 4),
        ("extra: '" + "]" * 30_000 + "'\nsummary: " + "[" * 30_000, 4),
        ("summary: " + "[" * 30_000 + " # " + "]" * 30_000, 3),
        ("? " + "- " * 30_000 + "x", 3),
        ("keywords:\n" + "  " + "- " * 30_000 + "x", 4),
        ("summary: " + "[" * 1500 + "]" * 1500, 3),  # valid YAML; libyaml 6.0.4 stops at ~1000
        ("summary: " + "[" * 21 + "]" * 21, 3),  # just past our bound
    ],
    ids=["100000", "30000", "flow-mapping", "comment", "quoted", "same-line", "complex-key",
         "block-list", "closed-1500", "closed-21"],
)  # fmt: skip
@pytest.mark.parametrize("loader", ["libyaml", "pure-python"])
def test_deep_nesting_is_refused_without_crashing(site, front_matter, line, loader, tmp_path):
    """The same code from our own bound, whichever PyYAML loader is installed."""
    env = pure_python_yaml(tmp_path / "no-libyaml") if loader == "pure-python" else None
    site.write(ITEM, f"---\ntitle: 湟源县\n{front_matter}\n---\n")
    result = site.cli("check", "--format", "json", env=env)
    assert result.returncode == 1, (result.returncode, result.stderr[-500:])
    assert "Traceback" not in result.stderr
    problems = [d for d in json.loads(result.stdout) if d["file"] == ITEM]
    assert [(d["code"], d["line"]) for d in problems] == [("E-FM-TOO-COMPLEX", line)]
    assert "元数据" in problems[0]["message"]
