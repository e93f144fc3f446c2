"""``disclosure build --timings FILE`` (issue #9): the seconds of every stage and the peak memory."""

from __future__ import annotations

import json
from pathlib import Path

from sites import build, copy_reference_site, run_cli

from generator.timings import STAGES


def test_build_writes_the_seconds_of_every_stage_and_the_peak_memory(tmp_path: Path) -> None:
    site = copy_reference_site(tmp_path / "site")
    timings = tmp_path / "timings.json"
    result = build(site, "--timings", str(timings), "--format", "json")
    assert result.returncode == 0, result.stderr
    # The build leaves without tearing its objects down (cli._exit_at_once): nothing it printed
    # into a pipe is lost.
    assert isinstance(json.loads(result.stdout), list)
    assert result.stderr.rstrip().splitlines()[-1].startswith("网站已生成：")

    document = json.loads(timings.read_text(encoding="utf-8"))
    seconds = document["seconds"]
    assert list(seconds) == [*STAGES, "total"]
    assert STAGES == ("validate", "model", "render", "search", "links", "commit")
    assert all(isinstance(value, int | float) and value >= 0 for value in seconds.values())
    for stage in ("validate", "model", "render", "search", "links"):
        assert seconds[stage] > 0, stage  # every stage ran and was timed
    # Search indexing and the link check run at the same time (generator/publish/pipeline.py).
    one_after_another = ("validate", "model", "render", "commit")
    publish = max(seconds["search"], seconds["links"])
    assert sum(seconds[stage] for stage in one_after_another) + publish <= seconds["total"] + 0.01
    peak = document["peak_mb"]
    assert peak["build"] > 10 and peak["children"] >= 0  # MiB: no interpreter fits in 10


def test_the_timings_option_is_described_in_the_help() -> None:
    result = run_cli("build", "--help")
    assert result.returncode == 0
    assert "--timings" in result.stdout and "各阶段耗时" in result.stdout
