"""Never crash, never hang, on any text or input (issue #23, part 4).

Every case puts the hostile text or setting into a real site and runs the real ``disclosure``
command: a diagnostic (exit 1) or a Chinese message (exit 2), never a traceback, in bounded
time; the build leaves the previous ``site/`` as it was. A property test feeds random Unicode
to the check and to the Markdown conversion of one item.
"""

from __future__ import annotations

import json
import os
import resource
import time
from pathlib import Path

import markdown
import pytest
from conftest import AS_OF, POLICY, build_site, front_matter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from linksite import MKDOCS_YML, buildable, run
from sites import tree_bytes

from generator.capabilities import TooSlow, can_bound, time_bound
from generator.content.dates import AsOf
from generator.content.nesting import MAX_NESTING, deepest_line
from generator.diagnostics import Report
from generator.render.plain_text import PlainTextExtension
from generator.site.check import check_site

ITEM = "content/fdzdgknr/zcwj/20181220-hostile.md"
HOSTILE = dict(POLICY, index_no="015180001/2018-00999", doc_no="源政办〔2018〕999号")
# CPU seconds, not wall time: a bound against runaway work that a loaded machine does not move.
SECONDS = 30


BODY_LINE = len(HOSTILE) + 4  # ---, the fields, ---, a blank line


def _children_cpu_seconds() -> float:
    """CPU time of the finished child processes (the CLI run as a subprocess)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def write(site, body: str, **fields: str) -> None:
    site.write(ITEM, front_matter(dict(HOSTILE, **fields), body + "\n"))


def timed(site, *args: str, **options: str):
    start = _children_cpu_seconds()
    result = run(site, *args, **options)
    assert _children_cpu_seconds() - start < SECONDS, args
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def codes(result) -> list[tuple[str, str, int]]:
    return [(d["code"], d["file"], d["line"]) for d in json.loads(result.stdout or "[]")]


def built(site):
    buildable(site)
    first = timed(site, "build")
    assert first.returncode == 0, first.stdout + first.stderr
    return tree_bytes(site.root / "site")


# --- text: full-width digits, nesting, unclosed tags, control characters ---------------------


def test_full_width_digits_are_read_not_crashed_on(site) -> None:
    write(site, "银行卡 " + "６" * 24 + "，账户 " + "１２３４５６７８９０" * 3)
    buildable(site)
    result = timed(site, "build", "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    write(site, "银行卡 ６２２２ ０２１２ ３４５６ ７８９０ １２８")  # a real card, full-width
    result = timed(site, "check", "--format", "json")
    assert codes(result) == [("E-PRIVACY-BANK-CARD", ITEM, BODY_LINE)]


NESTED = {
    "emphasis-4kb": "*" * 2000 + "正文" + "*" * 2000,
    "list-600": "\n".join("  " * depth + "- 项" for depth in range(600)),
    "list-markers-600": "- " * 600 + "项",
    "quote-600": ">" * 600 + " 引文",
    "brackets-300": "[" * 300 + "正文" + "](x.md)" * 300,
    "html-200": "<div>" * 200 + "正文" + "</div>" * 200,
}


@pytest.mark.parametrize("body", NESTED.values(), ids=NESTED.keys())
def test_nesting_deeper_than_the_bound_is_found_by_check(site, body: str) -> None:
    write(site, body)
    check = timed(site, "check", "--format", "json")
    assert check.returncode == 1
    (problem,) = [d for d in json.loads(check.stdout) if d["code"] == "E-MARKDOWN-NESTING"]
    assert problem["file"] == ITEM and "层" in problem["message"]


@pytest.mark.parametrize("case", ["emphasis-4kb", "list-600"])
def test_the_build_refuses_deep_nesting_and_keeps_the_site(site, case: str) -> None:
    previous = built(site)
    write(site, NESTED[case])  # the build died with RecursionError
    build = timed(site, "build")
    assert build.returncode == 1 and "E-MARKDOWN-NESTING" in build.stdout
    assert tree_bytes(site.root / "site") == previous


def test_ordinary_nesting_passes() -> None:
    body = "1. 一\n    - 二\n        > 三 **四** *五* [六](x.md) <span>七</span>\n\n" * 50
    assert deepest_line(body) is None
    assert deepest_line("- " * MAX_NESTING + "项") is None
    assert deepest_line("- " * (MAX_NESTING + 1) + "项") is not None


def test_thousands_of_unclosed_tags_are_found_by_check_at_once(site) -> None:
    write(site, "<a " * 30_000)  # took minutes to convert
    result = timed(site, "check", "--format", "json")
    assert ("E-MARKDOWN-SLOW", ITEM, BODY_LINE) in codes(result)


@pytest.mark.skipif(not can_bound(), reason="no interval timer here: the conversion is unbounded")
@pytest.mark.parametrize("workers", [1, 2])
def test_a_conversion_over_its_time_bound_stops_the_build_naming_the_item(site, workers) -> None:
    previous = built(site)
    config = site.root / "mkdocs.yml"
    options = f"      markdown_seconds: 0.2\n      workers: {workers}\n"
    config.write_text(
        MKDOCS_YML.replace("  - disclosure:\n", "  - disclosure:\n" + options), encoding="utf-8"
    )
    write(site, "本县召开政务公开工作会议，**部署**下一阶段工作。[附件](http://a.cn)\n\n" * 55_000)
    result = timed(site, "build", "--format", "json")
    assert result.returncode == 1
    if workers == 1:
        assert ("E-MARKDOWN-SLOW", ITEM, 1) in codes(result)
        assert f"{ITEM}：正文转换为网页超过 0.2 秒" in result.stderr
    else:  # a render worker prints its page's error itself
        assert f"{ITEM}:1:1: error E-MARKDOWN-SLOW 正文转换为网页超过 0.2 秒" in result.stderr
    assert tree_bytes(site.root / "site") == previous


def test_time_bound_interrupts_and_lets_go() -> None:
    if not can_bound():
        pytest.skip("no interval timer here")

    with pytest.raises(TooSlow), time_bound(0.05):
        while True:
            pass
    with time_bound(5):
        pass  # and the timer is cancelled: nothing fires later
    time.sleep(0.1)


def test_time_bound_counts_work_not_waiting() -> None:
    """The bound is CPU time: a conversion on a machine busy with other work (here: a block
    that waits) is not stopped for the time the machine gave to others."""
    if not can_bound():
        pytest.skip("no interval timer here")
    with time_bound(0.2):
        time.sleep(0.5)


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", '"湟源县\\e[31m通知"'), ("summary", '"概述\\x01"'), ("keywords", '["a\\u0085b"]')],
)
def test_a_control_character_in_metadata_is_an_error(site, field: str, value: str) -> None:
    write(site, "正文。", **{field: value})
    result = timed(site, "check", "--format", "json")
    lines = (site.root / ITEM).read_text(encoding="utf-8").split("\n")
    row = next(n for n, line in enumerate(lines, 1) if line.startswith(f"{field}:"))
    assert ("E-FM-CONTROL-CHAR", ITEM, row) in codes(result)
    assert result.returncode == 1


def test_a_control_character_in_columns_yml_is_a_catalog_error(site) -> None:
    catalog = site.root / "columns.yml"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace("name: 政策文件", 'name: "政策\\x01文件"'), encoding="utf-8")
    row = next(n for n, line in enumerate(text.split("\n"), 1) if "id: zcwj" in line)
    result = timed(site, "check", "--format", "json")
    assert result.returncode == 2
    assert codes(result) == [("E-CATALOG-VALUE", "columns.yml", row)]
    assert "U+0001" in result.stdout


# --- command line and configuration: exit 2, a Chinese message -------------------------------


@pytest.mark.parametrize(
    ("command", "as_of"),
    [
        ("check", "0001-01-01"),
        ("check", "2106-02-08"),
        ("build", "9999-12-31"),
        ("check", "2026-13-45"),
    ],
)
def test_an_as_of_date_out_of_range_is_exit_2(site, command: str, as_of: str) -> None:
    buildable(site)
    result = timed(site, command, as_of=as_of)
    assert result.returncode == 2
    assert "超出支持的范围" in result.stderr or "不是存在的日期" in result.stderr


MKDOCS_PROBLEMS = {
    "as_of 2026-13-45": (
        ("  - disclosure:\n", "  - disclosure:\n      as_of: 2026-13-45\n"),
        "日期",
    ),
    "no site_name": (("site_name:", "# site_name:"), "缺少必填项"),
    "unknown plugin": (("plugins:\n", "plugins:\n  - nosuchplugin\n"), "插件未安装"),
    "missing docs_dir": (("docs_dir: content", "docs_dir: nothere"), "文件夹不存在"),
    "wrong docs_dir": (("docs_dir: content", "docs_dir: theme"), "docs_dir 必须是 content"),
}


@pytest.mark.parametrize("change", MKDOCS_PROBLEMS.values(), ids=MKDOCS_PROBLEMS.keys())
def test_a_wrong_mkdocs_yml_is_exit_2_before_anything_changes(site, change) -> None:
    previous = built(site)
    (old, new), words = change
    (site.root / "mkdocs.yml").write_text(MKDOCS_YML.replace(old, new), encoding="utf-8")
    result = timed(site, "build")
    assert result.returncode == 2 and words in result.stderr, result.stderr
    assert tree_bytes(site.root / "site") == previous


def test_timings_into_a_missing_folder_fails_before_site_is_replaced(site) -> None:
    previous = built(site)
    site.item("fdzdgknr/zcwj/20181220-xin.md", title="一条新文件")  # would change site/
    result = timed(site, "build", "--timings", str(site.root / "nope" / "timings.json"))
    assert result.returncode == 2 and "文件夹" in result.stderr and "不存在" in result.stderr
    assert tree_bytes(site.root / "site") == previous


def test_update_within_beyond_any_date_is_a_catalog_error(site) -> None:
    catalog = site.root / "columns.yml"
    catalog.write_text(
        catalog.read_text(encoding="utf-8").replace("6mo", "99999999999999y"), encoding="utf-8"
    )
    result = timed(site, "check", "--format", "json")
    assert result.returncode == 2
    assert [c for c, *_ in codes(result)] == ["E-CATALOG-VALUE"]


@pytest.mark.parametrize(
    "pattern",
    ["{unit_code}/{year}-{serial:0999999999d}", "{unit_code}/{year:>999999999}-{serial:05d}"],
)
def test_an_index_pattern_that_would_format_a_gigabyte_is_refused(site, pattern: str) -> None:
    catalog = site.root / "columns.yml"
    catalog.write_text(f'index_no: "{pattern}"\n' + catalog.read_text("utf-8"), encoding="utf-8")
    result = timed(site, "check", "--format", "json")
    assert result.returncode == 2
    assert [c for c, *_ in codes(result)] == ["E-CATALOG-VALUE"]


def test_a_self_referencing_alias_in_columns_yml_is_exit_2(site) -> None:
    catalog = site.root / "columns.yml"
    catalog.write_text(catalog.read_text(encoding="utf-8") + "loop: &a [*a]\n", encoding="utf-8")
    result = timed(site, "check", "--format", "json")
    assert result.returncode == 2
    assert all(d["file"] == "columns.yml" for d in json.loads(result.stdout))


@pytest.mark.parametrize("name", ["../../../outside.md", "../zcjd/other-column.md", "ABSOLUTE"])
def test_new_file_is_a_name_in_its_column_only(site, tmp_path: Path, name: str) -> None:
    outside = tmp_path / "outside.md"
    name = str(outside) if name == "ABSOLUTE" else name

    def files() -> list[Path]:
        return sorted(p for p in tmp_path.rglob("*.md") if ".disclosure-cache" not in p.parts)

    before = files()
    result = timed(
        site,
        "new",
        "--column=zcwj",
        "--publisher=县政府办",
        "--title=通知",
        "--doc-no=源政办〔2019〕3号",
        f"--file={name}",
    )
    assert result.returncode == 2 and "只能是文件名" in result.stderr
    assert files() == before and not outside.exists()


def test_a_file_name_that_is_not_utf8_is_exit_2(site) -> None:
    folder = site.root / "content" / "fdzdgknr" / "zcwj"
    gbk_name = os.fsdecode("测试通知.md".encode("gbk"))  # no UTF-8 at all
    (folder / gbk_name).write_text(front_matter(HOSTILE), encoding="utf-8")
    buildable(site)
    for command in ("check", "build"):
        result = timed(site, command, "--format", "json")
        assert result.returncode == 2, result.stderr
        assert codes(result) == [("E-PATH-ENCODING", "content/fdzdgknr/zcwj", 1)]
        assert "测试通知" in json.loads(result.stdout)[0]["message"]  # shown as GBK


# --- random text: no traceback, bounded time ------------------------------------------------

HOSTILE_CHARACTERS = (
    "０１２３４５６７８９0123456789Xx \u00a0\u200b\u00ad-.·_*~`[]()<>!#|&;\n\t"
    "\x01\x0b\x1b\x7f\u0085\u2028\ufeff身份证手机卡号元年"
)
texts = st.text(alphabet=st.sampled_from(HOSTILE_CHARACTERS), max_size=400) | st.text(max_size=200)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=texts, title=st.text(max_size=40))
def test_check_takes_any_text(tmp_path: Path, body: str, title: str) -> None:
    site = build_site(tmp_path / "random")
    quoted = json.dumps(title)  # a YAML double-quoted string: any character, escaped
    site.write(ITEM, front_matter(dict(HOSTILE, title=quoted), body))
    start = time.process_time()
    report = Report()
    check_site(site.root, AsOf.parse(AS_OF), report)
    assert time.process_time() - start < 10
    assert all(d.file and d.message for d in report)


CONVERTER = markdown.Markdown(
    extensions=["tables", "attr_list", "admonition", "toc", PlainTextExtension()]
)


@settings(max_examples=150, deadline=None)
@given(body=texts)
def test_the_conversion_of_an_item_that_passes_the_bounds_takes_any_text(body: str) -> None:
    if deepest_line(body) is not None:
        return  # refused by the check: never converted
    start = time.process_time()
    CONVERTER.reset()
    with time_bound(10):
        CONVERTER.convert(body)
    assert time.process_time() - start < 10


def test_a_file_name_that_is_not_utf8_in_theme_does_not_break_the_build(site) -> None:
    buildable(site)
    (site.root / "theme" / os.fsdecode("说明.html".encode("gbk"))).write_text("x", "utf-8")
    result = timed(site, "build")
    assert result.returncode == 0, result.stderr
