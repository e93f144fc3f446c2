"""The `disclosure` command line. Each command is thin: it parses options and calls the core."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.content.collection import check_site
from generator.content.dates import AsOf, DateProblem
from generator.diagnostics import Diagnostic, Report, format_report, summary_line

FORMATS = ("text", "json", "github")


class SiteOptions:
    def __init__(self, site: Path, as_of: AsOf) -> None:
        self.site = site
        self.as_of = as_of


def _parse_as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> AsOf:
    if value is None:
        return AsOf.now()
    try:
        return AsOf.parse(value)
    except DateProblem as problem:
        raise click.BadParameter(f"{problem.reason}；应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM") from None


site_option = click.option(
    "--site",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="站点目录（含 columns.yml、content/、mkdocs.yml）",
)
as_of_option = click.option(
    "--as-of",
    "as_of",
    callback=_parse_as_of,
    help="按此日期（北京时间）判断是否已发布，如 2026-11-20；默认为现在",
)
format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="诊断输出格式",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """政府信息公开专栏生成器：校验、生成、预览。"""


def emit(diagnostics: list[Diagnostic], output_format: str) -> None:
    output = format_report(diagnostics, output_format)
    if output:
        click.echo(output)
    click.echo(summary_line(diagnostics), err=True)


def _selected(
    diagnostics: list[Diagnostic], site: Path, paths: tuple[Path, ...]
) -> list[Diagnostic]:
    """Keep diagnostics of the named files or folders, and every configuration problem."""
    if not paths:
        return diagnostics
    root = site.resolve()
    wanted = []
    for path in paths:
        try:
            wanted.append(path.resolve().relative_to(root).as_posix())
        except ValueError:
            wanted.append(path.as_posix())
    return [
        d
        for d in diagnostics
        if d.category == "config"
        or any(d.file == w or d.file.startswith(w.rstrip("/") + "/") for w in wanted)
    ]


@main.command()
@site_option
@as_of_option
@format_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check(site: Path, as_of: AsOf, output_format: str, paths: tuple[Path, ...]) -> None:
    """校验栏目目录和全部条目；给出 PATH 时只报告这些文件的问题（仍对照全站检查索引号重复）。"""
    report = Report()
    check_site(site, as_of, report)
    emit(_selected(list(report), site, paths), output_format)
    sys.exit(report.exit_code() if not paths else _exit_for(_selected(list(report), site, paths)))


@main.command()
@site_option
@as_of_option
@format_option
def build(site: Path, as_of: AsOf, output_format: str) -> None:
    """校验、生成网站到 site/；任何错误都不会改动已有的 site/。"""
    from generator.render.mkdocs_build import BuildFailed, build_site

    report = Report()
    collection = check_site(site, as_of, report)
    if collection is None or report.has_errors():
        emit(list(report), output_format)
        click.echo("校验未通过，未生成网站；原有 site/ 保持不变。", err=True)
        sys.exit(report.exit_code())
    try:
        output = build_site(site, as_of, collection, report)
    except BuildFailed as failure:
        emit(list(report), output_format)
        click.echo(f"{failure}\n原有 site/ 保持不变。", err=True)
        sys.exit(max(failure.exit_code, report.exit_code()))
    emit(list(report), output_format)
    click.echo(f"网站已生成：{output}（截至 {as_of}）", err=True)


@main.command()
@site_option
@click.option("--as-of", "as_of", default=None, help="按此日期判断是否已发布；默认为现在")
@click.option("-a", "--dev-addr", "address", default="127.0.0.1:8000", show_default=True)
def serve(site: Path, as_of: str | None, address: str) -> None:
    """本地预览，修改内容后自动刷新。"""
    from generator.render.mkdocs_build import BuildFailed, serve_site

    try:
        parsed = AsOf.parse(as_of) if as_of else None
    except DateProblem as problem:
        raise click.BadParameter(problem.reason, param_hint="--as-of") from None
    try:
        serve_site(site, parsed, address)
    except BuildFailed as failure:
        click.echo(str(failure), err=True)
        sys.exit(failure.exit_code)


def _exit_for(diagnostics: list[Diagnostic]) -> int:
    selected = Report()
    selected.extend(diagnostics)
    return selected.exit_code()


if __name__ == "__main__":  # pragma: no cover
    main()
