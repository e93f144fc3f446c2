"""The CI templates a site repository copies work as shipped (issue #27): the generator pinned to
a release, the previous build kept so that a one-item commit is an incremental build, a daily
run for scheduled items and a manual full rebuild, one job that builds and deploys that output
over SSH with a pinned host key."""

from __future__ import annotations

import re
import tomllib
from typing import Any

import yaml
from sites import REPO
from test_workflow import _assert_cli_accepts, _commands

TEMPLATES = REPO / ".ci" / "templates"
PINNED = re.compile(r"disclosure-generator @ git\+https://\S+@(?P<tag>v\d+\.\d+\.\d+)")


def load(name: str) -> tuple[str, dict[Any, Any]]:
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    return text, yaml.safe_load(text)


def released_version() -> str:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return "v" + project["project"]["version"]


def deploy_command(lines: list[str]) -> list[str]:
    deploys = [c for c in _commands(lines) if c[:2] == ["disclosure", "deploy"]]
    assert len(deploys) == 1
    return deploys[0]


def assert_pinned_ssh_deploy(text: str, command: list[str]) -> None:
    _assert_cli_accepts(command)
    assert re.fullmatch(r"\$DEPLOY_USER@\$DEPLOY_HOST:\$DEPLOY_PATH", command[2])
    for option in ("--identity", "--known-hosts", "--port"):
        assert option in command
    assert "StrictHostKeyChecking=no" not in text
    code = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in code if "ssh-keyscan" in line]  # the host key is pinned


def test_github_actions_template() -> None:
    text, workflow = load("github-actions.yml")
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["schedule"] == [{"cron": "5 16 * * *"}]  # 00:05 Beijing time
    assert triggers["workflow_dispatch"]["inputs"]["full"]["type"] == "boolean"
    package = workflow["env"]["DISCLOSURE_PACKAGE"]
    assert PINNED.fullmatch(package)["tag"] == workflow["env"]["DISCLOSURE_VERSION"]
    assert workflow["env"]["DISCLOSURE_VERSION"] == released_version()

    steps = workflow["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in steps]
    cache = next(step for step in steps if step.get("uses", "").startswith("actions/cache@"))
    assert set(cache["with"]["path"].split()) == {".disclosure-cache", "site"}
    key = cache["with"]["key"]
    assert "env.DISCLOSURE_VERSION" in key and "hashFiles('columns.yml')" in key
    assert cache["with"]["restore-keys"].strip() in key  # the newest earlier build is restored
    build = next(i for i, run in enumerate(runs) if run.startswith("disclosure build"))
    assert "inputs.full" in runs[build] and "--full" in runs[build]
    deploy = next(i for i, run in enumerate(runs) if "disclosure deploy" in run)
    assert steps.index(cache) < build < deploy  # one job: builds once, deploys that output
    assert "refs/heads/main" in steps[deploy]["if"]
    assert all(f"secrets.{name}" in str(steps[deploy]["env"]) for name in (
        "DEPLOY_HOST", "DEPLOY_USER", "DEPLOY_PATH", "DEPLOY_SSH_KEY", "DEPLOY_KNOWN_HOSTS"))  # fmt: skip
    assert_pinned_ssh_deploy(text, deploy_command(runs))
    assert sum("disclosure build" in str(job) for job in workflow["jobs"].values()) == 1


def test_gitlab_ci_template() -> None:
    text, pipeline = load("gitlab-ci.yml")
    assert PINNED.fullmatch(pipeline["variables"]["DISCLOSURE_PACKAGE"])["tag"] == released_version()
    assert pipeline["variables"]["DISCLOSURE_VERSION"] == released_version()
    assert "Asia/Shanghai" in text and '"5 0 * * *"' in text  # the schedule to set up
    # One pipeline per change, and on the default branch one job that builds and deploys.
    rules = pipeline["workflow"]["rules"]
    assert {"if": '$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS && $CI_PIPELINE_SOURCE == "push"',
            "when": "never"} in rules  # fmt: skip
    building = {
        name: job
        for name, job in pipeline.items()
        if isinstance(job, dict) and "disclosure build" in str(job.get("script", ""))
    }
    assert set(building) == {"check", "deploy"}
    assert building["check"]["rules"] == [{"if": "$CI_COMMIT_BRANCH != $CI_DEFAULT_BRANCH"}]
    assert building["deploy"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    script = building["deploy"]["script"]
    full = next(line for line in script if "disclosure build --full" in line)
    assert "FULL_BUILD" in full
    assert script.index(full) < script.index(next(s for s in script if "disclosure deploy" in s))
    for job in building.values():
        assert job["cache"]["paths"] == [".disclosure-cache/", "site/"]
        assert job["cache"]["key"]["files"] == ["columns.yml"]
        assert "$DISCLOSURE_VERSION" in job["cache"]["key"]["prefix"]
    assert_pinned_ssh_deploy(text, deploy_command(script))
