"""Property-based tests: no input makes the checker crash, and every diagnostic is well formed.

Random bytes, random text and random YAML-ish front matter (keys, aliases, full- and half-width
colons, tabs, full-width spaces, brackets, anchors, dates, 文号 in every bracket…) are written as
an item of a small valid site. The core is called in-process for speed; a few examples go
through the real ``disclosure check`` command.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.content.dates import AsOf
from generator.content.fields import KEY_BY_NAME
from generator.diagnostics import CODES, Report
from generator.site.check import check_site

FUZZ_FILE = "content/fdzdgknr/zcwj/fuzz.md"
AS_OF = AsOf.parse("2019-03-01")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

FAST = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- strategies ------------------------------------------------------------------------------

keys = st.sampled_from(
    [*KEY_BY_NAME, "titel", "索引", "发布时间", "extra", "<<", "? x", "- x", "ti tle", "标 题"]
)
separators = st.sampled_from(
    [": ", ":", "：", " : ", "\u3000: ", ":\u3000", "\t: ", ":\t", "\u3000"]
)
indents = st.sampled_from(["", "", "", "  ", "\t", "\u3000", "  - ", "- ", "? "])
values = st.one_of(
    st.sampled_from(
        [
            "湟源县人民政府办公室关于进一步加强政务公开工作的通知",
            "015180001/2018-00051",
            "015180001/2018-00101",
            "015180001／2018－00101",
            "008290030/2018-02662",
            "湟源县人民政府办公室",
            "县政府办",
            "湟源县教育局",
            "源政办〔2018〕51号",
            "源政办[2018]51号",
            "源政办【2018】51号",
            "源政办(2018)51号",
            "源政办（2018）51号",
            "源政办〔2018〕051号",
            "源政办〔2018〕第51号",
            "源政办〔18〕51号",
            "综合政务/政务公开",
            "综合政务\\政务公开",
            "主动公开",
            "依申请公开",
            "2018-12-14",
            "2018-02-30",
            "2018/12/14",
            "2018年12月14日",
            "2018-12-14 09:30",
            "2018-12-14 25:61",
            "２０１８－１２－１４",
            "通知",
            "现行有效",
            "已废止",
            "true",
            "maybe",
            "[政务公开, 信息公开]",
            "{来源: 县政府办}",
            "[[[[",
            "]]]]",
            "{{",
            "&a [x]",
            "*a",
            "&a",
            "|",
            ">-",
            "'未闭合",
            '"未闭合',
            '"\\q"',
            "一是: 二是",
            "# 注释",
            "~",
            "",
            "!!binary AAAA",
            "!!python/object:os.system x",
            "%YAML 1.1",
            "0x1F",
            "1e400",
        ]
    ),
    st.text(max_size=30),
)
front_matter_lines = st.lists(
    st.tuples(indents, keys, separators, values).map(lambda t: f"{t[0]}{t[1]}{t[2]}{t[3]}"),
    max_size=14,
)


@st.composite
def yamlish_files(draw) -> bytes:
    lines = draw(front_matter_lines)
    opening = draw(st.sampled_from(["---", "---", "---", "--- ", "----", "—", ""]))
    closing = draw(st.sampled_from(["---", "---", "...", "", "----"]))
    body = draw(st.sampled_from(["", "正文。\n", "## 一、总体要求\n\n---\n\n附件：", "\x00"]))
    text = "\n".join([opening, *lines, closing, body])
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "gb18030"]))
    return text.encode(encoding, errors="replace")


# --- helpers ---------------------------------------------------------------------------------
# Each test builds one site (the function-scoped ``site`` fixture) and rewrites the same item
# file for every example: hence the suppressed function_scoped_fixture health check.


def check_bytes(site, data: bytes) -> Report:
    site.write(FUZZ_FILE, data)
    report = Report()
    check_site(site.root, AS_OF, report)
    return report


def assert_well_formed(report: Report, data: bytes) -> None:
    assert report.exit_code() in (0, 1), [d.as_text() for d in report]
    max_line = data.count(b"\n") + data.count(b"\r") + 2
    for diagnostic in report:
        assert diagnostic.code in CODES, diagnostic
        assert diagnostic.file, diagnostic
        assert diagnostic.line >= 1 and diagnostic.column >= 1, diagnostic
        assert diagnostic.message.strip(), diagnostic
        assert str(diagnostic.severity) == str(CODES[diagnostic.code].severity)
        if diagnostic.file == FUZZ_FILE:
            assert diagnostic.line <= max_line, (diagnostic, data)
    assert any(d.file == FUZZ_FILE for d in report) or report.exit_code() == 0


# --- properties ------------------------------------------------------------------------------


@FAST
@given(data=st.binary(max_size=400))
def test_random_bytes_never_crash(site, data):
    assert_well_formed(check_bytes(site, data), data)


@FAST
@given(text=st.text(max_size=300))
def test_random_text_never_crashes(site, text):
    data = ("---\n" + text).encode("utf-8", errors="replace")
    assert_well_formed(check_bytes(site, data), data)


@settings(FAST, max_examples=70)
@given(data=yamlish_files())
def test_yamlish_front_matter_never_crashes(site, data):
    assert_well_formed(check_bytes(site, data), data)


# A handful of the same kinds of input through the real command line: a subprocess each, so a
# crash of the YAML C extension (a segfault rather than an exception) fails the test, not the run.
@settings(FAST, max_examples=6)
@given(data=st.one_of(yamlish_files(), st.binary(max_size=200)))
def test_cli_never_tracebacks(site, data):
    site.write(FUZZ_FILE, data)
    result = site.cli("check", "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    diagnostics = json.loads(result.stdout)
    assert all(d["code"] in CODES and d["line"] >= 1 for d in diagnostics)
