"""`disclosure serve`: a preview that never quits or hangs on the clerk's mistakes.

MkDocs' own ``serve`` quits when the first build fails and, when a later build fails, leaves
every browser waiting for a rebuild that never comes. Here each build checks the site first
(as ``disclosure build`` does) and never raises: with errors, every page the preview serves is
one Chinese page listing them (file:line, message, the fix), and the terminal prints the same
lines. The build still counts as done, so MkDocs' live reload refreshes the browsers, on the
list when a file breaks and on the site once it is fixed.

The server is MkDocs' ``LiveReloadServer`` with one method added in front: whether to answer a
page with the list. What MkDocs' ``serve`` does around it is repeated here in short.
"""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError, MkDocsException
from mkdocs.livereload import LiveReloadServer

from generator.build import Build, BuildOptions
from generator.content.dates import AsOf
from generator.diagnostics import Diagnostic, Report, Severity, format_report, summary_line
from generator.render.mkdocs_config import site_settings

PROBLEMS_TEMPLATE = Path(__file__).parent / "preview" / "problems.html"

log = logging.getLogger("mkdocs.plugins.disclosure")


class PreviewServer(LiveReloadServer):
    """Answers every page with the list of problems while there are any."""

    problem_page: bytes | None = None

    def serve_request(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        page = self.problem_page
        if page is not None and not path.startswith("/livereload/") and _is_page(path):
            start_response(
                "503 Service Unavailable", [("Content-Type", "text/html; charset=utf-8")]
            )
            return [self._inject_js_into_html(page, self._visible_epoch)]
        return super().serve_request(environ, start_response)


class Preview:
    def __init__(self, site: Path, as_of: AsOf | None, address: str) -> None:
        self.site = site
        self.as_of = as_of
        self.address = address
        self.output = tempfile.mkdtemp(prefix="disclosure-preview-")
        self.template = jinja2.Template(PROBLEMS_TEMPLATE.read_text(encoding="utf-8"))

    def config(self) -> MkDocsConfig:
        return load_config(
            config_file=str(self.site / "mkdocs.yml"), site_dir=self.output, dev_addr=self.address
        )

    def build(self, server: PreviewServer, config: MkDocsConfig | None = None) -> None:
        """Check, then render; problems go to the browser and the terminal, never up."""
        report = Report()
        try:
            config = config or self.config()
            core = Build(BuildOptions(self.site, self.as_of or AsOf.now(), "serve"), report)
            if core.load():
                plugin = config.plugins["disclosure"]
                core.plan(site_settings(config, plugin.config))
                plugin.render_for(core)
                try:
                    mkdocs_build(config, serve_url=server.url)
                    core.check_output()  # links and anchors of the pages, listed, never fatal
                finally:
                    report.extend(core.publish_report)
        except (Abort, ConfigurationError, MkDocsException, jinja2.TemplateError, OSError) as error:
            report.add("E-PREVIEW", "mkdocs.yml", 1, f"预览生成失败：{error}")
        problems = sorted(report)
        errors = [p for p in problems if p.severity is Severity.ERROR]
        if problems:
            print(format_report(problems, "text"), file=sys.stderr, flush=True)
        server.problem_page = self.problem_page(problems, config) if errors else None
        message = "请改正上面的错误，保存后预览自动刷新。" if errors else "预览已更新。"
        print(f"{summary_line(problems)}{message}", file=sys.stderr, flush=True)

    def problem_page(self, problems: list[Diagnostic], config: MkDocsConfig | None) -> bytes:
        return self.template.render(
            problems=problems,
            errors=sum(1 for p in problems if p.severity is Severity.ERROR),
            summary=summary_line(problems),
            site_name=config.site_name if config is not None else "网站",
        ).encode("utf-8")

    def serve(self) -> None:
        logging.getLogger("mkdocs.livereload").setLevel(logging.ERROR)  # its English request log
        config = self.config()
        host, port = config.dev_addr
        mount_path = urlsplit(config.site_url or "/").path
        server = PreviewServer(
            builder=lambda: self.build(server),
            host=host,
            port=port,
            root=self.output,
            mount_path=mount_path,
        )
        try:
            self.build(server, config)
            for name in ("content", "mkdocs.yml", "columns.yml"):
                server.watch(str(self.site / name))
            if (self.site / "theme").is_dir():
                server.watch(str(self.site / "theme"))
            print(f"预览地址：{server.url}（按 Ctrl+C 结束）", file=sys.stderr, flush=True)
            try:
                server.serve()
            except KeyboardInterrupt:
                print("预览已结束。", file=sys.stderr)
            finally:
                server.shutdown()
        finally:
            shutil.rmtree(self.output, ignore_errors=True)


def _is_page(path: str) -> bool:
    """A page address (not a stylesheet, script, image or attachment)."""
    return path.endswith(("/", ".html")) or "." not in path.rsplit("/", 1)[-1]
