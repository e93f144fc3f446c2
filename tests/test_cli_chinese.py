"""The command line speaks Chinese from end to end: Click's own usage, help and error texts
included, for every command."""

from __future__ import annotations

import re

import pytest
from sites import run_cli

COMMANDS = ("check", "build", "serve", "new", "fix", "guide", "deploy", "rollback")
ENGLISH = re.compile(
    r"Usage|Options|Commands|Show this|Error|Missing|No such|Invalid|Try '|TEXT|INTEGER|default"
)


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_is_chinese(command: str) -> None:
    result = run_cli(*filter(None, [command]), "--help")
    assert result.returncode == 0
    assert "用法：" in result.stdout and "选项" in result.stdout
    assert not ENGLISH.search(result.stdout), result.stdout


@pytest.mark.parametrize(
    "arguments",
    [["check", "--no-such-option"], ["fix"], ["no-such-command"], ["check", "--format", "xml"],
     ["build", "--as-of", "2026-13-45"]],
)  # fmt: skip
def test_usage_errors_are_chinese_on_stderr_with_exit_2(arguments: list[str]) -> None:
    result = run_cli(*arguments)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "错误：" in result.stderr
    assert not ENGLISH.search(result.stderr), result.stderr
