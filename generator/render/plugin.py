"""The MkDocs plugin `disclosure`: the hooks by which MkDocs drives a build (generator/build.py).

- on_config: the core's stages up to the page plan (`disclosure build` has run them already),
  then the columns — never the items — into the navigation, and the bundled templates;
- on_files: drop every file that is not public, add the generated pages (listings, browse),
  take unchanged pages over from the last build and share the rest among render workers;
- on_pre_page … on_post_page: choose the template, pass the page's view, bound and sanitize;
- on_post_build: the generated files beside the pages; under `mkdocs build` and `serve`,
  also the search index, the link check and the commit into site/.
"""

from __future__ import annotations

import contextlib
import gc
import html
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from generator.build import Build, BuildFailed, BuildOptions
from generator.content.collection import CONTENT_DIR
from generator.content.dates import BEIJING, AsOf, DateProblem
from generator.content.sanitize import may_be_refused, sanitize
from generator.diagnostics import Report, Severity, summary_line
from generator.publish.external_links import ExternalMode
from generator.render.cjk_breaks import CjkLineBreaksExtension
from generator.render.mkdocs_config import (
    DisclosureConfig,
    SetupError,
    navigation,
    site_settings,
    theme_dirs,
)
from generator.render.mkdocs_conversion import MarkdownConversion
from generator.render.mkdocs_files import (
    add_generated_pages,
    keep_public_files,
    no_static_files,
    sitemap,
    sitemap_urls,
)
from generator.render.mkdocs_parallel import RenderShare, default_workers, fork_workers
from generator.render.mkdocs_time_bound import bound_conversion
from generator.render.plain_text import PlainTextExtension
from generator.render.templates import (
    MaterialTranslations,
    RenderedFragments,
    keep_compiled_templates,
)
from generator.site.annual_report import with_tables
from generator.site.pages import with_item_details

log = logging.getLogger("mkdocs.plugins.disclosure")
ANNUAL_TABLE_TEMPLATE = "partials/annual-report-table.html"


class DisclosurePlugin(BasePlugin[DisclosureConfig]):
    def __init__(self) -> None:
        super().__init__()
        self.command = "build"  # as MkDocs started it: build or serve
        self.core: Build | None = None  # the build MkDocs renders the pages of
        self.driven = False  # whether the core was handed in, its caller running the stages
        self.share = RenderShare()
        self.nav_cache = RenderedFragments()
        self.conversion = MarkdownConversion()
        self.config_cache = RenderedFragments()  # see theme/main.html, block config
        self.failure = ""  # why the build failed, in Chinese where it is ours
        self.failure_exit_code = 1  # 2 when it failed on its configuration (SetupError)
        self.files = Files([])  # the site's files, once MkDocs has collected them
        self.sitemap: list[tuple[str, str]] = []  # (address, date) of every page

    def render_for(self, core: Build) -> None:
        """Render ``core``'s planned pages in the next MkDocs build; its caller runs the other
        stages (`disclosure build`, `disclosure serve`)."""
        self.core, self.driven = core, True

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    # Configuration --------------------------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not self.driven:
            self.core = self._own_build(config)
        core = self.core
        assert core is not None and core.model is not None
        # Reproducible output: MkDocs stamps sitemap.xml(.gz) with the build time unless told.
        moment = core.options.as_of.moment.replace(tzinfo=BEIJING)
        os.environ.setdefault("SOURCE_DATE_EPOCH", str(int(moment.timestamp())))
        config.nav = navigation(core.model)
        config.markdown_extensions.append(PlainTextExtension())  # same HTML, sooner
        config.markdown_extensions.append(CjkLineBreaksExtension())  # 前\n完成 → 前完成
        config.theme.dirs[:] = theme_dirs(config)
        if core.output is not None:
            config.site_dir = str(core.output.staging)
        return config

    def _own_build(self, config: MkDocsConfig) -> Build:
        """`mkdocs build` or `serve` run the plugin: the stages up to the plan happen here."""
        settings = site_settings(config, self.config)
        site_dir = Path(config.config_file_path or ".").resolve().parent
        external = ExternalMode(self.config.external_links)
        core = Build(BuildOptions(site_dir, self._as_of(), self.command, external=external))
        valid = core.load()
        _log_diagnostics(core.report)
        if not valid:
            raise PluginError(f"校验未通过，未生成网站。{summary_line(core.report)}")
        with _as_plugin_error():
            core.plan(settings)
        return core

    def _as_of(self) -> AsOf:
        configured = self.config.as_of
        if not configured:
            return AsOf.now()
        try:
            return AsOf.parse(str(configured))
        except DateProblem as problem:
            raise SetupError(
                f"mkdocs.yml 中 disclosure 插件的 as_of 无效：{problem.reason}"
            ) from None

    def on_env(
        self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment:
        keep_compiled_templates(env)
        env.globals["dp_translate"] = MaterialTranslations(env, config.theme["language"])
        return env

    # Files and pages --------------------------------------------------------------------------

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        core = self.core
        assert core is not None and core.model is not None
        self.files = files
        model = core.model
        keep_public_files(files, config, model)
        add_generated_pages(files, config, core.views)
        pages = files.documentation_pages()  # a walk over every file: once
        self.sitemap = sitemap(pages, config, core.views, model.as_of)
        if core.publishes:
            self._take_over_unchanged_pages(pages)
            self._fork(pages, files, config)
        core.timings.start("render")
        return files

    def _take_over_unchanged_pages(self, pages: Sequence[File]) -> None:
        """Pages the core takes over unchanged from site/: MkDocs need not render them."""
        assert self.core is not None
        rebuild = self.core.take_over({file.src_uri: file.dest_uri for file in pages})
        if rebuild.incremental:
            log.info(f"沿用上次生成的 {len(rebuild.reused)} 个页面，重新生成其余页面。")
        for file in pages:
            # Taken over and outside the navigation: MkDocs need not even read it. Links to it
            # still resolve (an excluded page keeps its URL), and sitemap.xml lists it.
            if file.src_uri in rebuild.reused and file.inclusion.is_not_in_nav():
                file.inclusion = InclusionLevel.EXCLUDED

    def _renders(self, page: Page) -> bool:
        """Whether this process renders the page: its share, and not taken over unchanged."""
        assert self.core is not None
        return self.share.owns(page) and page.file.src_uri not in self.core.rebuild.reused

    def _fork(self, pages: Sequence[File], files: Files, config: MkDocsConfig) -> None:
        # `disclosure build` runs without the cyclic garbage collector until here: validating
        # and planning make objects that live to the end of the build, which the collector went
        # over again and again (half a second of a 10,000-item rebuild). Planning froze them
        # (see generator/site/pages.py). A rebuild freezes MkDocs' files too: the collections
        # of the publish steps then skip them, and the few pages they render are never garbage
        # that matters (a file and its page form a cycle). A full build leaves them to the
        # collector, which frees every page once MkDocs returns.
        assert self.core is not None
        if self.core.rebuild.incremental:
            gc.freeze()
        gc.enable()
        reused = self.core.rebuild.reused
        rendered = [file.src_uri for file in pages if file.src_uri not in reused]
        workers = self.config.workers or default_workers(len(rendered))
        self.share = fork_workers(rendered, workers)
        if self.share.is_worker:
            # Shared outputs (assets, attachments, sitemap.xml, 404.html) are the parent's job.
            files.copy_static_files = no_static_files  # type: ignore[method-assign]
            config.theme.static_templates.clear()
            config.extra_templates = []

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        if not self._renders(page):
            self.share.skip(page)
            return page
        if self.config.reuse_markdown:
            view = self._view(page)
            item = view.item if view is not None and view.kind == "item" else None
            self.conversion.take_over(page, item.body_line if item is not None else None)
        bound_conversion(page, self.config.markdown_seconds, self._page_failed)
        return page

    def _view(self, page: Page) -> Any:
        return self.core.views.get(page.file.src_uri) if self.core is not None else None

    def _page_failed(self, code: str, source: str, message: str) -> NoReturn:
        assert self.core is not None
        self.core.publish_report.add(code, source, 1, message)
        raise PluginError(f"{source}：{message}")

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        view = self._view(page)
        if view is None or not self._renders(page):
            return markdown
        page.meta["template"] = view.template
        # Material prints the page title as it is (<title>, header, navigation): escaped here,
        # so that it is text wherever it goes; our templates print view.title, escaping it.
        page.meta["title"] = html.escape(view.title)
        if view.generated or view.hide_body_title:
            # The template prints the title; a leading "# title" would repeat it.
            return _drop_leading_heading(markdown)
        if view.item is not None and view.item.annual_report is not None:
            # 年报: tables 二、三、四 from the sidecar, rendered by a template, in their sections.
            template = config.theme.get_env().get_template(ANNUAL_TABLE_TEMPLATE)
            return with_tables(
                markdown, view.item.annual_report, lambda table: template.render(table=table)
            )
        return markdown

    def on_page_content(
        self, html_fragment: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """The page's body through the allow-list sanitizer (generator/content/sanitize.py).

        `disclosure check` has reported what it would remove; should anything still be
        removed here, the build fails naming the page rather than change it silently."""
        if not self._renders(page):
            return html_fragment
        cleaned, dropped = sanitize(html_fragment, compare=may_be_refused(page.markdown or ""))
        if dropped:
            source = page.file.src_uri
            if not page.file.generated_by:
                source = f"{CONTENT_DIR}/{source}"
            raise PluginError(
                f"{source}：{dropped[0].message}（共 {len(dropped)} 处；"
                "运行 disclosure check 查看位置）"
            )
        return cleaned

    def on_template_context(
        self, context: dict[str, Any], *, template_name: str, config: MkDocsConfig
    ) -> dict[str, Any]:
        if template_name == "sitemap.xml":
            context["dp_sitemap_urls"] = sitemap_urls(self.sitemap)
        elif template_name == "404.html":
            # Served in place of any missing address, wherever the site is mounted: its links
            # are written from the site's root, which theme/404.html finds in the address.
            context["base_url"] = "."
            context["dp_site_folders"] = sorted(
                {file.dest_uri.split("/")[0] for file in self.files if "/" in file.dest_uri}
            )
            context["dp_site_path"] = urlsplit(config.site_url or "/").path or "/"
        return context

    def on_page_context(
        self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Any
    ) -> dict[str, Any]:
        view = self._view(page)
        context["disclosure"] = with_item_details(view) if view is not None else None
        # Pages outside the navigation share one rendering of it per parent folder (its links
        # are relative, so they are the same for all pages in one folder, e.g. a column's items).
        context["dp_nav_cache"] = self.nav_cache
        context["dp_config_cache"] = self.config_cache
        parent_folder = page.url.rstrip("/").rpartition("/")[0]
        reusable = self.config.reuse_navigation and page.file.inclusion.is_not_in_nav()
        context["dp_nav_key"] = parent_folder if reusable else None
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Forget the page's Markdown and HTML: MkDocs writes ``output`` and never reads them
        again, but keeps every page until the build ends — on a large site most of the
        memory, held in the parent and every render worker while the search index and link check run. (Its
        title stays: ``meta["title"]`` is set for every page of ours.)"""
        page.markdown = ""
        page.content = ""
        page.toc = get_toc("")
        return output

    # After rendering --------------------------------------------------------------------------

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """The generated files beside the pages. The caller that handed the core in publishes
        once MkDocs has returned (the memory of MkDocs' files, pages and navigation, which
        grows with the site, is free again by then); else it happens here."""
        if self.share.is_worker:
            self.share.finish_worker(succeeded=True)
        failed = self.share.wait_for_workers()
        if failed:
            raise PluginError(f"{len(failed)} 个渲染进程失败，未更新网站。")
        core = self.core
        assert core is not None
        with _as_plugin_error():
            core.rendered(Path(config.site_dir))
            if self.driven:
                return
            core.check_output()
            _log_diagnostics(core.publish_report)
            if not core.publishes:
                return  # a preview shows what is there; broken links are listed, not fatal
            core.commit()
        if core.output is not None:
            log.info(f"网站已生成：{core.output.target}")

    def on_build_error(self, *, error: Exception) -> None:
        self.failure = str(error)
        self.failure_exit_code = 2 if isinstance(error, SetupError) else 1
        if self.share.is_worker:
            # The parent does not see a worker's report: a page's own error (too slow, nested
            # too deep) is printed here, naming the item, before the worker leaves.
            for diagnostic in self.core.publish_report if self.core else Report():
                print(diagnostic.as_text(), file=sys.stderr)
            self.share.finish_worker(succeeded=False)
        self.share.stop_workers()
        if self.core is not None:
            self.core.abandon()


@contextlib.contextmanager
def _as_plugin_error() -> Iterator[None]:
    """The core's failures as MkDocs' build errors (a SetupError when it exits with 2)."""
    try:
        yield
    except BuildFailed as failure:
        raise (SetupError if failure.exit_code == 2 else PluginError)(str(failure)) from None


def _log_diagnostics(report: Report) -> None:
    for diagnostic in report:
        level = logging.ERROR if diagnostic.severity is Severity.ERROR else logging.WARNING
        log.log(level, diagnostic.as_text())


def _drop_leading_heading(markdown: str) -> str:
    first, _, rest = markdown.lstrip("\n").partition("\n")
    return rest if first.startswith("# ") else markdown
