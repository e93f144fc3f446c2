"""The clerk's and CI's workflow (issue 7): new, fix, pre-commit hook, CI templates."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml
from sites import REPO, copy_reference_site, run_cli

AS_OF = "2026-11-22"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_reference_site(tmp_path / "site")


def check(site: Path, *paths: str):
    return run_cli("check", "--site", str(site), "--as-of", AS_OF, *paths)


def test_new_writes_a_complete_item_with_the_next_free_index_number(site: Path) -> None:
    result = run_cli(
        "new", "--site", str(site), "--as-of", AS_OF, "--column", "zcwj", "--publisher", "县政府办",
        "--title", "湟源县人民政府办公室关于做好2027年元旦春节期间有关工作的通知", "--doc-no", "源政办〔2026〕70号",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    created = site / "content" / "fdzdgknr" / "zcwj" / "20261122-00067.md"
    text = created.read_text(encoding="utf-8")
    # The office's highest serial in 2026 in the reference site is 00066.
    assert "索引号: 015180001/2026-00067" in text
    assert "发布机构: 湟源县人民政府办公室" in text
    assert "发布日期: 2026-11-22" in text
    assert "有效性: 现行有效" in text
    result = check(site)
    assert result.returncode == 0, result.stdout


def test_new_never_overwrites_a_file(site: Path) -> None:
    existing = site / "content" / "fdzdgknr" / "zcwj" / "20181214-jiaqiang-zhengwu-gongkai.md"
    before = existing.read_bytes()
    result = run_cli(
        "new", "--site", str(site), "--as-of", AS_OF, "--column", "zcwj", "--publisher", "县政府办",
        "--title", "测试", "--doc-no", "源政办〔2026〕71号", "--file", existing.name,
    )  # fmt: skip
    assert result.returncode == 2
    assert "已存在，不会覆盖" in result.stderr
    assert existing.read_bytes() == before


def test_new_names_what_is_missing(site: Path) -> None:
    result = run_cli(
        "new",
        "--site",
        str(site),
        "--as-of",
        AS_OF,
        "--column",
        "zcwj",
        "--publisher",
        "县政府办",
        "--title",
        "测试",
    )
    assert result.returncode == 2
    assert "文号" in result.stderr and "--doc-no" in result.stderr
    unknown = run_cli(
        "new",
        "--site",
        str(site),
        "--column",
        "nosuch",
        "--publisher",
        "县政府办",
        "--title",
        "测试",
    )
    assert "没有栏目“nosuch”" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_new_continues_the_serials_of_a_unit_in_a_new_year(site: Path) -> None:
    result = run_cli(
        "new", "--site", str(site), "--as-of", "2027-01-05", "--column", "zfcg", "--publisher", "县财政局",
        "--title", "湟源县财政局2027年政府采购意向公开",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = (site / "content" / "fdzdgknr" / "zfcg" / "20270105-00002.md").read_text(
        encoding="utf-8"
    )
    # The reference site already holds a scheduled item 015180012/2027-00001.
    assert "索引号: 015180012/2027-00002" in text


MISTAKES = (
    "---\r\n"
    "标题：湟源县教育局关于做好2026年秋季学期开学工作的通知\r\n"
    "索引号: 015180025/2026-00090\r\n"
    "发布机构: 县教育局\r\n"
    "文号: 源教[2026]023号\r\n"
    "主题分类:\u3000科技、教育/教育\r\n"
    "公开属性: 主动公开\r\n"
    "成文日期: 2026/8/25\r\n"
    "发布日期: 2026-08-28\r\n"
    "有效性: 现行有效\r\n"
    "---\r\n"
    "各学校：做好开学各项工作。\r\n"
)


def test_fix_repairs_the_common_mistakes_and_says_what_it_changed(site: Path) -> None:
    path = site / "content" / "fdzdgknr" / "zcwj" / "20260828-kaixue.md"
    path.write_bytes(b"\xef\xbb\xbf" + MISTAKES.encode("utf-8"))
    before = check(site, str(path))
    assert before.returncode == 1
    assert "E-FM-FULLWIDTH-COLON" in before.stdout
    result = run_cli("fix", str(path))
    assert result.returncode == 0
    for expected in (
        "BOM",
        "CRLF",
        "“标题：” → “标题: ”",
        "源教〔2026〕23号",
        "2026-08-25",
        "主题分类",
    ):
        assert expected in result.stdout, expected
    text = path.read_text(encoding="utf-8")
    assert "\r" not in text and not text.startswith("\ufeff")
    assert "文号: 源教〔2026〕23号" in text
    after = check(site, str(path))
    assert after.returncode == 0, after.stdout


def test_fix_reencodes_gbk_to_utf8(site: Path) -> None:
    path = site / "content" / "fdzdgknr" / "zcwj" / "20260828-kaixue.md"
    path.write_bytes(
        MISTAKES.replace("：", ": ").replace("[2026]023", "〔2026〕23").encode("gb18030")
    )
    assert "E-ENCODING-GBK" in check(site, str(path)).stdout
    result = run_cli("fix", str(path))
    assert "GBK/GB18030" in result.stdout
    assert path.read_text(encoding="utf-8").startswith("---\n标题")


def test_fix_dry_run_changes_nothing(site: Path) -> None:
    path = site / "content" / "fdzdgknr" / "zcwj" / "20260828-kaixue.md"
    path.write_bytes(MISTAKES.encode("utf-8"))
    result = run_cli("fix", "--dry-run", str(path))
    assert "源教〔2026〕23号" in result.stdout
    assert path.read_bytes() == MISTAKES.encode("utf-8")


def test_fix_leaves_correct_files_alone(site: Path) -> None:
    folder = site / "content"
    before = {p: p.read_bytes() for p in folder.rglob("*.md")}
    result = run_cli("fix", str(folder))
    assert "没有需要修复的地方" in result.stderr
    assert {p: p.read_bytes() for p in folder.rglob("*.md")} == before


def _commands(lines: list[str]) -> list[list[str]]:
    return [
        shlex.split(line)
        for block in lines
        for line in block.splitlines()
        if line.startswith("disclosure")
    ]


def _assert_cli_accepts(command: list[str]) -> None:
    """The subcommand exists and accepts its options (checked through --help parsing)."""
    assert command[0] == "disclosure"
    help_text = run_cli(command[1], "--help")
    assert help_text.returncode == 0, command
    for option in (part.split("=")[0] for part in command[2:] if part.startswith("--")):
        assert option in help_text.stdout, (command, option)


def test_pre_commit_hooks_run_existing_commands() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {hook["id"] for hook in hooks} >= {"disclosure-check"}
    for hook in hooks:
        _assert_cli_accepts(shlex.split(hook["entry"]))


def test_ci_templates_parse_and_run_existing_commands() -> None:
    github = yaml.safe_load(
        (REPO / ".ci" / "templates" / "github-actions.yml").read_text(encoding="utf-8")
    )
    steps = [step.get("run", "") for job in github["jobs"].values() for step in job["steps"]]
    commands = _commands(steps)
    assert ["disclosure", "check", "--format", "github"] in commands
    gitlab = yaml.safe_load(
        (REPO / ".ci" / "templates" / "gitlab-ci.yml").read_text(encoding="utf-8")
    )
    scripts = [line for job in ("check", "pages") for line in gitlab[job]["script"]]
    commands += _commands(scripts)
    assert any(c[:2] == ["disclosure", "build"] for c in commands)
    for command in commands:
        _assert_cli_accepts(command)


def test_a_staged_file_check_still_sees_duplicates_in_unchanged_files(site: Path) -> None:
    path = site / "content" / "fdzdgknr" / "zcwj" / "20260828-kaixue.md"
    text = (
        MISTAKES.replace("\r\n", "\n")
        .replace("：", ": ")
        .replace("\u3000", " ")
        .replace("[2026]023", "〔2026〕23")
    )
    path.write_text(
        text.replace("015180025/2026-00090", "015180025/2026-00019").replace(
            "2026/8/25", "2026-08-25"
        ),
        encoding="utf-8",
    )
    result = check(site, str(path))
    assert result.returncode == 1
    assert "E-INDEX-DUP" in result.stdout
    assert "20260422-yiwu-jiaoyu-zhaosheng-fangan.md" in result.stdout
    assert all(line.startswith(str(path.relative_to(site))) for line in result.stdout.splitlines())


def test_the_committed_guide_is_generated_from_the_registries() -> None:
    from generator.guide import RENDERED, committed_guide

    assert RENDERED.read_text(encoding="utf-8") == committed_guide(), "run: disclosure guide --write"


def test_the_guide_lists_every_field_and_every_code() -> None:
    from generator.content.fields import FIELDS
    from generator.diagnostics import CODES

    text = run_cli("guide").stdout
    for field in FIELDS:
        assert f"| {field.alias} | `{field.key}` |" in text
    for code in CODES.values():
        assert f"| `{code.id}` |" in text and code.fix in text


def test_a_focused_check_notices_other_files_that_changed_since_the_cache(site: Path) -> None:
    staged = site / "content" / "fdzdgknr" / "zcwj" / "20260828-kaixue.md"
    text = MISTAKES.replace("\r\n", "\n").replace("：", ": ").replace("\u3000", " ").replace("[2026]023", "〔2026〕23")
    staged.write_text(text.replace("2026/8/25", "2026-08-25"), encoding="utf-8")
    assert check(site).returncode == 0  # a full check fills the item cache
    assert (site / ".disclosure-cache" / "items.json").is_file()
    other = site / "content" / "fdzdgknr" / "zcwj" / "20260422-yiwu-jiaoyu-zhaosheng-fangan.md"
    other.write_text(other.read_text(encoding="utf-8").replace("015180025/2026-00019", "015180025/2026-00090"), encoding="utf-8")
    result = check(site, str(staged))
    assert result.returncode == 1
    assert "E-INDEX-DUP" in result.stdout and other.name in result.stdout


def test_a_focused_check_of_a_missing_path_is_a_usage_error(site: Path) -> None:
    result = check(site, str(site / "content" / "nosuch.md"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
