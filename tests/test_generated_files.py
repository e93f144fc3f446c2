"""The feeds, open data, statistics CSV and identifier lookups (generator/publish/generated_files.py,
``plan_files``): `disclosure build` writes them in a child process while it renders, into a
scratch folder beside the staging folder (MkDocs empties the staging folder after on_config),
and moves them in before the publish steps."""

from __future__ import annotations

from pathlib import Path

import pytest
from sites import REFERENCE_AS_OF, build, copy_reference_site, tree_bytes

from generator import build as build_core
from generator import cli
from generator.content.dates import AsOf
from generator.diagnostics import Report
from generator.publish.feeds import SITE_FEED
from generator.publish.generated_files import plan_files
from generator.render.mkdocs_config import site_settings
from generator.site.check import check_site
from generator.site.model import SiteIdentity, build_site_model


def identity_of(site: Path) -> SiteIdentity:
    """The identity the plugin makes from mkdocs.yml, for the files that carry it."""
    from mkdocs.config import load_config

    config = load_config(str(site / "mkdocs.yml"))
    return site_settings(config, config.plugins["disclosure"].config).identity


def test_the_generated_files_are_published_as_planned_and_the_scratch_folder_is_gone(
    tmp_path: Path,
) -> None:
    site = copy_reference_site(tmp_path / "site")
    result = build(site)
    assert result.returncode == 0, result.stderr

    as_of = AsOf.parse(REFERENCE_AS_OF)
    collection = check_site(site, as_of, Report())
    assert collection is not None
    model = build_site_model(collection, as_of, site / "content")
    planned = plan_files(model, identity_of(site))
    published = tree_bytes(site / "site")
    assert {"data/items.json", "data/items.csv", SITE_FEED} <= set(planned)
    assert len(planned) > 20  # feeds of every column, exports, the statistics table
    for path, content in planned.items():
        assert published.get(path) == content, path
    assert not list(site.glob(".site-scratch-*")) and not list(site.glob(".site-staging-*"))


def test_when_the_child_fails_the_build_fails_and_publishes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    site = copy_reference_site(tmp_path / "site")

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    # In this process, so that the forked child inherits it: the real build, a real fork.
    monkeypatch.setattr(build_core, "write_generated_files", disk_full)
    with pytest.raises(SystemExit) as exit_code:
        cli.main(["build", "--site", str(site), "--as-of", REFERENCE_AS_OF])
    assert exit_code.value.code == 1
    shown = capfd.readouterr()
    assert "生成订阅源、数据开放和检索文件时出错" in shown.out + shown.err
    assert "No space left on device" in shown.out + shown.err  # the child said why
    assert "Traceback" not in shown.out + shown.err
    assert not (site / "site").exists()
    assert not list(site.glob(".site-*"))
