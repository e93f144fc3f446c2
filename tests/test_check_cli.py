"""``disclosure check`` as a real subprocess (SPEC §7): formats, ordering, exit codes, PATHs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

TEXT_LINE = re.compile(
    r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning) "
    r"(?P<code>[EW]-[A-Z0-9-]+) (?P<message>\S.*)$"
)
GITHUB_LINE = re.compile(
    r"^::(?P<severity>error|warning) file=(?P<file>[^,]+),line=(?P<line>\d+),"
    r"col=(?P<column>\d+),title=(?P<code>[EW]-[A-Z0-9-]+)::(?P<message>\S.*)$"
)
ZCWJ = "content/fdzdgknr/zcwj"
POLICY_FILE = f"{ZCWJ}/20181214-jiaqiang-zhengwu-gongkai.md"


PASSED = "检查通过：没有发现问题。\n"  # a clean check prints only this, on stdout

def run(site, *args: str, as_of: str | None = "2019-03-01") -> subprocess.CompletedProcess[str]:
    result = site.cli("check", *args, as_of=as_of)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def break_five_files(site) -> dict[str, tuple[str, int]]:
    """Five items with five different problems; file → (code, line) expected."""
    site.item("fdzdgknr/zcwj/a-docno.md", doc_no="源政办[2018]51号")
    site.item("fdzdgknr/zcwj/b-date.md", published="2018/12/14")
    site.item("fdzdgknr/zcwj/c-topic.md", topic="综合政务/政务信息")
    site.write(
        f"{ZCWJ}/d-colon.md", "---\ntitle：湟源县人民政府办公室关于开展政务公开检查的通知\n---\n"
    )
    site.item("fdzdgknr/zcwj/e-publisher.md", publisher="县政府")
    return {
        f"{ZCWJ}/a-docno.md": ("E-DOCNO-BRACKET", 5),
        f"{ZCWJ}/b-date.md": ("E-DATE-FORMAT", 9),
        f"{ZCWJ}/c-topic.md": ("E-TOPIC-UNKNOWN", 6),
        f"{ZCWJ}/d-colon.md": ("E-FM-FULLWIDTH-COLON", 2),
        f"{ZCWJ}/e-publisher.md": ("E-PUBLISHER-UNKNOWN", 4),
    }


def parse_text(stdout: str) -> list[dict[str, str]]:
    lines = stdout.splitlines()
    matches = [TEXT_LINE.match(line) for line in lines]
    assert all(matches), [line for line, m in zip(lines, matches, strict=True) if not m]
    return [m.groupdict() for m in matches if m]


# --- a clean site ----------------------------------------------------------------------------


def test_clean_site_exits_0(site):
    result = run(site)
    assert result.returncode == 0
    assert result.stdout == PASSED
    assert "检查通过" in result.stdout  # the result, not a problem


def test_clean_site_json_is_an_empty_list(site):
    result = run(site, "--format", "json")
    assert result.returncode == 0 and json.loads(result.stdout) == []


def test_console_script(site):
    script = shutil.which("disclosure")
    if script is None:
        pytest.skip("the disclosure console script is not installed")
    result = subprocess.run(
        [script, "check", "--site", str(site.root), "--as-of", "2019-03-01"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


# --- all problems, in order, in every format -------------------------------------------------


def test_all_problems_in_one_run_sorted_by_file_then_line(site):
    expected = break_five_files(site)
    result = run(site)
    assert result.returncode == 1
    diagnostics = parse_text(result.stdout)
    for file, (code, line) in expected.items():
        assert any(
            d["file"] == file and d["code"] == code and int(d["line"]) == line for d in diagnostics
        ), (file, code, line, result.stdout)
    keys = [(d["file"], int(d["line"]), int(d["column"])) for d in diagnostics]
    assert keys == sorted(keys)
    assert len({d["file"] for d in diagnostics}) == 5
    assert "错误" in result.stderr and "5 个文件" in result.stderr


def test_text_format_line(site):
    site.item("fdzdgknr/zcwj/a-docno.md", doc_no="源政办[2018]51号")
    result = run(site)
    assert result.stdout.splitlines() == [
        f"{ZCWJ}/a-docno.md:5:1: error E-DOCNO-BRACKET "
        "文号“源政办[2018]51号”不规范：年份括号“[]”应为六角括号“〔〕”。应写为“源政办〔2018〕51号”。"
    ]


def test_json_format(site):
    expected = break_five_files(site)
    text = parse_text(run(site).stdout)
    result = run(site, "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert isinstance(data, list) and len(data) == len(text)
    for entry in data:
        assert set(entry) == {"file", "line", "column", "severity", "code", "message"}
        assert isinstance(entry["line"], int) and isinstance(entry["column"], int)
        assert entry["severity"] in ("error", "warning")
    assert [(d["file"], d["line"], d["code"]) for d in data] == [
        (d["file"], int(d["line"]), d["code"]) for d in text
    ]
    assert {d["file"]: (d["code"], d["line"]) for d in data} == expected
    assert "六角括号" in data[0]["message"]  # Chinese, not \u escapes


def test_github_format(site):
    break_five_files(site)
    (site.content / "fdzdgknr/zcjd/20181214-jiaqiang-zhengwu-gongkai-jiedu.md").unlink()
    result = run(site, "--format", "github")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    matches = [GITHUB_LINE.match(line) for line in lines]
    assert all(matches), lines
    found = {(m["severity"], m["file"], m["line"], m["code"]) for m in matches if m}
    assert ("error", f"{ZCWJ}/a-docno.md", "5", "E-DOCNO-BRACKET") in found
    assert ("warning", "content/fdzdgknr/zcjd", "1", "W-COLUMN-EMPTY") in found
    assert f"::error file={ZCWJ}/a-docno.md,line=5,col=1,title=E-DOCNO-BRACKET::文号" in lines[1]


def test_warnings_alone_exit_0(site):
    (site.content / "fdzdgknr/zcjd/20181214-jiaqiang-zhengwu-gongkai-jiedu.md").unlink()
    result = run(site)
    assert result.returncode == 0
    [diagnostic] = parse_text(result.stdout)
    assert (diagnostic["severity"], diagnostic["code"]) == ("warning", "W-COLUMN-EMPTY")


def test_as_of_decides_what_is_stale(site):
    assert run(site, as_of="2019-06-14").stdout == PASSED
    assert "W-COLUMN-STALE" in run(site, as_of="2019-06-15").stdout


# --- exit code 2 -----------------------------------------------------------------------------


def test_missing_catalog_exits_2(site):
    (site.root / "columns.yml").unlink()
    result = run(site)
    assert result.returncode == 2 and "E-CATALOG-MISSING" in result.stdout


def test_catalog_error_exits_2_even_with_content_errors(site):
    break_five_files(site)
    shutil.rmtree(site.content / "zhinan")
    result = run(site)
    assert result.returncode == 2
    codes = {d["code"] for d in parse_text(result.stdout)}
    assert "E-CATALOG-FOLDER-MISSING" in codes and "E-DOCNO-BRACKET" in codes


def test_site_that_does_not_exist_exits_2(site):
    shutil.rmtree(site.root)
    result = run(site)
    assert result.returncode == 2 and "E-CATALOG-MISSING" in result.stdout


@pytest.mark.parametrize(
    ("args", "as_of"),
    [((), "2019-02-30"), ((), "2019/03/01"), (("--format", "xml"), "2019-03-01"),
     (("--no-such-option",), "2019-03-01")],
    ids=["as-of-invalid", "as-of-format", "format", "option"],
)  # fmt: skip
def test_usage_errors_exit_2(site, args, as_of):
    result = run(site, *args, as_of=as_of)
    assert result.returncode == 2 and result.stdout == ""
    assert "Usage" in result.stderr or "用法" in result.stderr


# --- PATH arguments --------------------------------------------------------------------------


def test_paths_restrict_the_output_to_those_files(site):
    break_five_files(site)
    result = run(site, f"{ZCWJ}/b-date.md", f"{ZCWJ}/c-topic.md")
    assert result.returncode == 1
    assert {d["file"] for d in parse_text(result.stdout)} == {
        f"{ZCWJ}/b-date.md",
        f"{ZCWJ}/c-topic.md",
    }


def test_path_still_catches_an_index_no_used_in_another_file(site):
    break_five_files(site)
    site.item("fdzdgknr/zcwj/f-new.md", index_no="015180001/2018-00051")
    result = run(site, "--format", "json", f"{ZCWJ}/f-new.md")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert [(d["file"], d["code"], d["line"]) for d in data] == [
        (f"{ZCWJ}/f-new.md", "E-INDEX-DUP", 3)
    ]
    assert POLICY_FILE in data[0]["message"]


def test_path_of_a_clean_file_exits_0_while_others_are_broken(site):
    break_five_files(site)
    result = run(site, POLICY_FILE)
    assert result.returncode == 0 and result.stdout == PASSED


@pytest.mark.parametrize("form", ["absolute", "site-relative", "folder"])
def test_path_forms(site, form):
    break_five_files(site)
    path = {
        "absolute": str(site.root / ZCWJ / "a-docno.md"),
        "site-relative": f"{ZCWJ}/a-docno.md",
        "folder": str(site.root / ZCWJ),
    }[form]
    files = {d["file"] for d in parse_text(run(site, path).stdout)}
    if form == "folder":
        assert len(files) == 5
    else:
        assert files == {f"{ZCWJ}/a-docno.md"}


def test_paths_keep_configuration_errors(site):
    site.item("fdzdgknr/zcwj/a-docno.md", doc_no="源政办[2018]51号")
    (site.content / "zhinan" / "index.md").unlink()
    result = run(site, f"{ZCWJ}/a-docno.md")
    assert result.returncode == 2
    codes = [d["code"] for d in parse_text(result.stdout)]
    assert sorted(codes) == ["E-CATALOG-PAGE-MISSING", "E-DOCNO-BRACKET"]
