"""The `disclosure` command line. Each command is thin: it parses options and calls the core."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from generator.click_chinese import use_chinese
from generator.content.dates import AsOf, DateProblem
from generator.diagnostics import Report, format_report, summary_line
from generator.publish.external_links import ExternalMode
from generator.site.check import check_site
from generator.timings import BuildTimings

use_chinese()  # Click's own texts (usage, option errors) in Chinese

if TYPE_CHECKING:
    from generator.build import BuildFailed
    from generator.deploy import DeployError

FORMATS = ("text", "json", "github")


def external_options(command: Callable[..., None]) -> Callable[..., None]:
    """``--external`` and ``--external-strict`` (issue #4): off by default, CI has no network."""
    command = click.option(
        "--external-strict",
        is_flag=True,
        help="同 --external，但无法访问的外部链接算作错误（阻止发布）",
    )(command)
    return click.option(
        "--external",
        is_flag=True,
        help="同时检查外部链接（需联网；结果缓存在 .disclosure-cache/）；无法访问的报警告",
    )(command)


def _external_mode(external: bool, strict: bool) -> ExternalMode:
    if strict:
        return ExternalMode.STRICT
    return ExternalMode.CHECK if external else ExternalMode.OFF


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


TYPE_NAMES = {"text": "文本", "integer": "整数", "float": "数字", "boolean": "是/否"}


class ChineseCommand(click.Command):
    """A command whose usage and help name its options and their values in Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, click.Option) and param.metavar is None and not param.is_flag:
                param.metavar = TYPE_NAMES.get(param.type.name)


class ChineseGroup(click.Group):
    command_class = ChineseCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)


@click.group(cls=ChineseGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """政府信息公开专栏生成器：校验、生成、预览。"""


@contextlib.contextmanager
def _exit_on_failure(*failures: type[BuildFailed | DeployError]) -> Iterator[None]:
    """A failure that carries its exit code: its message on stderr, then that exit code."""
    try:
        yield
    except failures as failure:
        click.echo(str(failure), err=True)
        sys.exit(failure.exit_code)


def emit(report: Report, output_format: str) -> None:
    output = format_report(report, output_format)
    if output:
        click.echo(output)
    # "检查通过" is the result; a count of problems, or any line beside JSON, goes to stderr
    click.echo(summary_line(report), err=bool(report) or output_format != "text")


def _focus(site: Path, paths: tuple[Path, ...]) -> Callable[[str], bool] | None:
    """Whether a site-relative path is among the named files or inside the named folders;
    each PATH may be given from the cwd or from the site."""
    if not paths:
        return None
    root = site.resolve()
    wanted = []
    for path in paths:
        candidates = [site / path, path] if not path.is_absolute() else [path]
        found = next((c for c in candidates if c.exists()), None)
        if found is None:
            raise click.BadParameter(
                f"找不到“{path}”（当前目录和站点目录中都没有）。", param_hint="PATH"
            )
        try:
            wanted.append(found.resolve().relative_to(root).as_posix())
        except ValueError:
            raise click.BadParameter(
                f"“{path}”不在站点目录 {site} 中。", param_hint="PATH"
            ) from None

    def accepts(file: str) -> bool:
        return any(w == "." or file == w or file.startswith(w.rstrip("/") + "/") for w in wanted)

    return accepts


@main.command()
@site_option
@as_of_option
@format_option
@click.option(
    "--report",
    "with_report",
    is_flag=True,
    help="同时输出检查报告：空白栏目、栏目更新、发布日期、定时发布、解读比例、各机构每月发布数量"
    '（--format json 时输出 {"diagnostics": […], "report": {…}}）',
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="与 --report 一起使用：另把检查报告写成网页文件（供工作人员用浏览器查看，不能放在网站输出文件夹中）",
)
@external_options
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[路径]...")
def check(
    site: Path,
    as_of: AsOf,
    output_format: str,
    with_report: bool,
    html_file: Path | None,
    external: bool,
    external_strict: bool,
    paths: tuple[Path, ...],
) -> None:
    """校验栏目目录和全部条目；给出路径时只报告这些文件的问题（仍对照全站检查索引号重复）。"""
    from generator.publish.external_links import CACHE_DIR, check_markdown_external
    from generator.site.inspection import inspect_site, report_as_dict, report_as_text

    if html_file is not None and not with_report:
        raise click.UsageError(
            "--html 须与 --report 一起使用：disclosure check --report --html 报告.html"
        )
    # (name, address) of the site for the staff file, checked before anything is done
    staff_site = _staff_file_site(site, html_file) if html_file is not None else None
    report = Report()
    focus = _focus(site, paths)
    collection = check_site(site, as_of, report, focus=focus)
    mode = _external_mode(external, external_strict)
    if collection is not None:
        check_markdown_external(collection, as_of, site / CACHE_DIR, mode, report)
    selected = Report()  # the named files' diagnostics, and every configuration problem
    selected.extend(d for d in report if focus is None or d.category == "config" or focus(d.file))
    if with_report and collection is not None:
        inspection = inspect_site(collection, as_of)
        if output_format == "json":
            document = {
                "diagnostics": [d.as_dict() for d in selected],
                "report": report_as_dict(inspection),
            }
            click.echo(json.dumps(document, ensure_ascii=False, indent=2))
            click.echo(summary_line(selected), err=True)
        else:
            emit(selected, output_format)
            click.echo(("\n" if selected else "") + report_as_text(inspection))
        if html_file is not None and staff_site is not None:
            from generator.render.inspection_file import inspection_html

            html_file.write_text(inspection_html(inspection, *staff_site), encoding="utf-8")
            click.echo(f"检查报告网页已写入 {html_file}", err=True)
    else:
        emit(selected, output_format)
    sys.exit(selected.exit_code())


@main.command()
@site_option
@as_of_option
@format_option
@external_options
@click.option(
    "--timings",
    "timings_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="生成成功后把各阶段耗时（秒）和峰值内存（MB）写入此 JSON 文件，供性能测试使用",
)
@click.option(
    "--full",
    is_flag=True,
    help="全部重新生成，不沿用上次生成的页面和检索索引（默认只重新生成内容有变化的页面）",
)
def build(
    site: Path,
    as_of: AsOf,
    output_format: str,
    external: bool,
    external_strict: bool,
    timings_file: Path | None,
    full: bool,
) -> None:
    """校验、生成网站到 site/，检查生成结果中的全部链接和锚点；任何错误都不会改动已有的 site/。

    再次生成时只重新生成内容有变化的页面，其余页面沿用上次的结果（与全部重新生成的结果逐字节相同）。
    """
    if timings_file is not None:
        _check_writable(timings_file, "--timings")  # before site/ is replaced, not after
    from generator.build import BuildFailed, BuildOptions
    from generator.build import build as build_site
    from generator.render.mkdocs_build import MkDocsRenderer

    timings = BuildTimings()
    timings.start("total")
    options = BuildOptions(
        site, as_of, full=full, external=_external_mode(external, external_strict), timings=timings
    )
    report = Report()
    try:
        output = build_site(
            options, MkDocsRenderer(site), report, say=lambda text: click.echo(text, err=True)
        )
    except BuildFailed as failure:
        if failure.checked:
            emit(report, output_format)
        click.echo(str(failure), err=True)
        sys.exit(failure.exit_code)
    timings.stop("total")
    emit(report, output_format)
    click.echo(f"网站已生成：{output}（截至 {as_of}）", err=True)
    if timings_file is not None:
        document = json.dumps(timings.as_dict(), ensure_ascii=False, indent=2)
        timings_file.write_text(document + "\n", encoding="utf-8")
    _exit_at_once()


def _staff_file_site(site: Path, staff_file: Path) -> tuple[str, str]:
    """The site's name and address (mkdocs.yml) for a staff file; refuses a file in the site's
    output folder, which is published (usage error, exit 2)."""
    from generator.render.mkdocs_build import CONFIG_FILE, BuildFailed, load_site_config

    _check_writable(staff_file, "--html")

    if not (site / CONFIG_FILE).is_file():
        output, site_name, site_url = site / "site", site.resolve().name, ""
    else:
        with _exit_on_failure(BuildFailed):
            config = load_site_config(site / CONFIG_FILE)
        output, site_name, site_url = Path(config.site_dir), config.site_name, config.site_url or ""
    if staff_file.resolve().is_relative_to(output.resolve()):
        raise click.BadParameter(
            f"{staff_file} 在网站输出文件夹 {output} 中，会随网站公开；请写到别处，如 检查报告.html。",
            param_hint="--html",
        )
    return site_name, site_url


def _check_writable(path: Path, option: str) -> None:
    folder = path.parent  # "." for a bare file name
    if not folder.is_dir():
        raise click.BadParameter(
            f"文件夹 {folder} 不存在，请先创建它或换一个位置。", param_hint=option
        )
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise click.BadParameter(f"没有权限写入 {path}，请换一个位置。", param_hint=option)


def _exit_at_once() -> NoReturn:
    """End a successful build without freeing its objects one by one, work that grows with
    the site and serves nothing (mypy ends the same way). Everything is written by now: the
    site, the caches, the output; the streams are flushed here."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


@main.command()
@site_option
@click.option("--as-of", "as_of", default=None, help="按此日期判断是否已发布；默认为现在")
@click.option("-a", "--dev-addr", "address", default="127.0.0.1:8000", show_default=True)
def serve(site: Path, as_of: str | None, address: str) -> None:
    """本地预览，修改内容后自动刷新。"""
    from generator.build import BuildFailed
    from generator.render.mkdocs_build import serve_site

    try:
        parsed = AsOf.parse(as_of) if as_of else None
    except DateProblem as problem:
        raise click.BadParameter(problem.reason, param_hint="--as-of") from None
    with _exit_on_failure(BuildFailed):
        serve_site(site, parsed, address)


@main.command()
@site_option
@as_of_option
@click.option("--column", help="栏目 id，如 zcwj")
@click.option("--publisher", help="发布机构全称或简称，如 县政府办")
@click.option("--title", help="标题")
@click.option("--topic", default=None, help="主题分类，默认“综合政务/政务公开”")
@click.option("--doc-no", default=None, help="文号，如 源政办〔2026〕12号")
@click.option("--genre", default=None, help="体裁，默认“通知”")
@click.option("--interprets", default=None, help="政策解读所解读文件的索引号")
@click.option("--editor", default=None, help="信息员")
@click.option("--reviewer", default=None, help="审核人")
@click.option("--approver", default=None, help="签发人")
@click.option(
    "--file", "file_name", default=None, help="条目文件夹的名称，默认“日期-流水号”（内有 index.md）"
)
def new(site: Path, as_of: AsOf, **answers: str | None) -> None:
    """新建条目：写好完整的元数据和下一个可用的索引号，绝不覆盖已有文件。"""
    from generator.workflow.new_item import DEFAULT_TOPIC, NewItem, NewItemError, create_item

    interactive = sys.stdin.isatty()
    for key, question in (("column", "栏目 id"), ("publisher", "发布机构"), ("title", "标题")):
        if not answers[key]:
            if not interactive:
                raise click.UsageError(f"请用 --{key} 指定{question}。")
            answers[key] = click.prompt(question)
    answers["topic"] = answers["topic"] or DEFAULT_TOPIC
    try:
        path = create_item(site, NewItem(**answers), as_of)  # type: ignore[arg-type]
    except NewItemError as error:
        click.echo(f"无法新建条目：{error}", err=True)
        sys.exit(2)
    click.echo(
        f"已新建 {path.relative_to(site)}；请补写正文和关键词、内容概述，附件放在同一文件夹中，"
        "然后运行 disclosure check。"
    )


@main.command("import")
@site_option
@as_of_option
@click.option("--column", required=True, help="栏目 id，如 zcwj")
@click.option("--publisher", default=None, help="发布机构全称或简称；默认从落款、发文机关标志识别")
@click.option(
    "--attach",
    "attachments",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="附件文件，可多次给出；按文末“附件：”列表的名称或顺序链接",
)
@click.option("--file", "file_name", default=None, help="文件名，默认“日期-流水号.md”")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_(
    site: Path,
    as_of: AsOf,
    column: str,
    publisher: str | None,
    attachments: tuple[Path, ...],
    file_name: str | None,
    source: Path,
) -> None:
    """把 Word 文件（.docx，如红头文件）导入为条目：正文、表格、图片和附件，以及标题、文号、
    成文日期、发布机构和索引号；找不到的项目留空并注明要填什么。绝不覆盖已有文件。"""
    from generator.workflow.import_docx import ImportRequest, import_docx
    from generator.workflow.new_item import NewItemError

    request = ImportRequest(source, column, publisher, list(attachments), file_name)
    try:
        imported = import_docx(site, request, as_of)
    except NewItemError as error:
        click.echo(f"无法导入：{error}", err=True)
        sys.exit(2)
    click.echo(f"已导入 {imported.path.relative_to(site).as_posix()}")
    doc_no = imported.doc_no
    if doc_no and imported.doc_no_written:
        doc_no += f"（原文“{imported.doc_no_written}”，已改为六角括号）"
    found = [
        ("标题", imported.title),
        ("文号", doc_no),
        ("成文日期", imported.written.isoformat() if imported.written else None),
        ("发布机构", imported.publisher),
        ("索引号", imported.index_no),
    ]
    for name, value in found:
        click.echo(f"  {name}：{value or '（未找到，请填写）'}")
    for path in imported.files:
        click.echo(f"  已保存：{path.relative_to(site).as_posix()}")
    for name in imported.unmatched:
        click.echo(f"  附件“{name}”没有对应的文件：请用 --attach 给出，或在正文中链接。")
    click.echo(f"请填写：{'、'.join(imported.to_fill)}；核对正文后运行 disclosure check。")


@main.command()
@click.option("--dry-run", is_flag=True, help="只列出要做的修改，不写文件")
@click.argument(
    "paths",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, path_type=Path),
    metavar="路径...",
)
def fix(dry_run: bool, paths: tuple[Path, ...]) -> None:
    """修复常见录入问题（全角冒号、文号括号、BOM/CRLF、GBK 编码、日期格式），并列出每处修改。"""
    from generator.workflow.fix import fix_files

    changed = fix_files(list(paths), write=not dry_run)
    for path, repairs in changed.items():
        for repair in repairs:
            where = f"{path}:{repair.line}" if repair.line else f"{path}"
            click.echo(f"{where}: {repair.describe()}")
    verb = "将修改" if dry_run else "已修改"
    click.echo(f"{verb} {len(changed)} 个文件。" if changed else "没有需要修复的地方。", err=True)


@main.command()
@click.option("--write", is_flag=True, help="更新仓库中的 generator/guide/README.md")
def guide(write: bool) -> None:
    """输出信息员指南（含字段表和全部校验代码）。"""
    from generator.guide import RENDERED, committed_guide

    if write:
        RENDERED.write_text(committed_guide(), encoding="utf-8")
        click.echo(f"已更新 {RENDERED}", err=True)
    else:
        click.echo(committed_guide())


def ssh_options(command: Callable[..., None]) -> Callable[..., None]:
    """How to reach a server target: port, private key, pinned host keys."""
    command = click.option(
        "--known-hosts",
        type=click.Path(dir_okay=False, path_type=Path),
        help="已知主机密钥文件（固定服务器的主机密钥）；默认为 ~/.ssh/known_hosts",
    )(command)
    command = click.option(
        "--identity", type=click.Path(dir_okay=False, path_type=Path), help="SSH 私钥文件"
    )(command)
    return click.option("--port", type=int, metavar="端口", help="SSH 端口，默认 22")(command)


@main.command()
@site_option
@ssh_options
@click.option("--list", "list_only", is_flag=True, help="只列出目标上的各个版本")
@click.option("--print-nginx", is_flag=True, help="输出把网站交给 nginx 的配置片段")
@click.argument("target", metavar="目标")
def deploy(
    site: Path,
    target: str,
    list_only: bool,
    print_nginx: bool,
    port: int | None,
    identity: Path | None,
    known_hosts: Path | None,
) -> None:
    """把生成好的 site/ 发布为目标上的新版本（本机文件夹或 用户@服务器:/路径），再切换上线。"""
    from generator.build import BuildFailed
    from generator.deploy import DeployError, Target, deploy, list_releases, nginx_snippet
    from generator.render.mkdocs_build import publish_settings

    with _exit_on_failure(DeployError, BuildFailed):
        where = Target.parse(target, port, identity, known_hosts)
        settings = publish_settings(site)
        if print_nginx:
            click.echo(nginx_snippet(where, settings.url_path), nl=False)
        elif list_only:
            releases = list_releases(where)
            for name in releases.names:
                click.echo(f"{name}{'  ← 当前上线' if name == releases.live else ''}")
            if not releases.names:
                click.echo(f"{where} 上还没有发布过的版本。", err=True)
        else:
            done = deploy(site, settings.output_dir, where, settings.keep)
            click.echo(
                f"已发布版本 {done.release}（传输 {done.transferred} 个文件），现已上线：{where}"
            )
            for name in done.removed:
                click.echo(f"已删除旧版本 {name}（保留最近 {settings.keep} 个）")


@main.command()
@ssh_options
@click.argument("target", metavar="目标")
def rollback(
    target: str, port: int | None, identity: Path | None, known_hosts: Path | None
) -> None:
    """把目标上线的网站切回上一个版本。"""
    from generator.deploy import DeployError, Target, rollback

    with _exit_on_failure(DeployError):
        where = Target.parse(target, port, identity, known_hosts)
        live = rollback(where)
    click.echo(f"已回滚，现在上线的版本是 {live}：{where}")


if __name__ == "__main__":  # pragma: no cover
    main()
