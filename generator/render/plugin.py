"""The MkDocs plugin `disclosure`: the only place that knows MkDocs.

It wires MkDocs events to the core and hands templates ready data:
- on_config: validate the site (stop with the diagnostics on errors), build the site model,
  put the columns — never the items — into the navigation, add the bundled templates, and
  render into a temporary folder so that `site/` is only replaced by a successful build;
- on_files: drop every file that is not public, add the generated pages (listings, browse);
- on_page_markdown / on_page_context: choose the template and pass the page's view;
- on_post_build: swap the finished build into place.
"""

from __future__ import annotations

import functools
import gc
import html
import logging
import os
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import jinja2
import platformdirs
from mkdocs.config import config_options as option
from mkdocs.config.base import Config, ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError, PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from generator.children import ChildProcesses, ForkedValue
from generator.content.collection import CONTENT_DIR, symlinks_in
from generator.content.dates import BEIJING, AsOf, DateProblem
from generator.content.model import Collection
from generator.content.sanitize import may_be_refused, sanitize, url_scheme
from generator.diagnostics import Report, Severity, summary_line
from generator.publish.atomic import AtomicOutput, unsafe_output
from generator.publish.generated_files import write_generated_files
from generator.publish.incremental import (
    BuildManifest,
    PageStates,
    RebuildPlan,
    page_states,
    plan_rebuild,
    published_pages,
    site_fingerprint,
    source_hashes,
)
from generator.publish.lock import BuildLock, LockBusy
from generator.publish.pipeline import Publication, run_publish_steps
from generator.render.cjk_breaks import CjkLineBreaksExtension
from generator.render.mkdocs_build import AS_OF_VARIABLE, SetupError
from generator.render.mkdocs_conversion import MarkdownConversion
from generator.render.mkdocs_parallel import RenderShare, default_workers, fork_workers
from generator.render.plain_text import PlainTextExtension
from generator.render.time_bound import TooSlow, time_bound
from generator.site.annual_report import with_tables
from generator.site.check import check_site
from generator.site.model import SiteIdentity, SiteModel, build_site_model
from generator.site.pages import PageView, plan_pages
from generator.timings import BuildTimings

log = logging.getLogger("mkdocs.plugins.disclosure")
THEME_DIR = Path(__file__).parent / "theme"
ANNUAL_TABLE_TEMPLATE = "partials/annual-report-table.html"


class WebAddress(option.Type):
    """An http(s) address from mkdocs.yml, printed as a link on every page."""

    def __init__(self) -> None:
        super().__init__(str, default="")

    def run_validation(self, value: object) -> str:
        address = super().run_validation(value)
        if address and url_scheme(address) not in ("http", "https"):
            raise ValidationError(
                f"“{address}”不是 http:// 或 https:// 开头的网址，不能作为页面上的链接；"
                "请改为完整的网址，如 https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=…"
            )
        return address


class DisclosureConfig(Config):
    as_of = option.Optional(option.Type((str, date, datetime)))  # YAML reads 2026-11-20 as a date
    site_domain = option.Type(str, default="")
    site_id_code = option.Type(str, default="")
    organizer = option.Type(str, default="")
    icp = option.Type(str, default="")
    police_record = option.Type(str, default="")
    error_report_url = WebAddress()
    party_mark_url = WebAddress()  # 党政机关网站标识: its verification page (conac)
    party_mark_image = WebAddress()  # … and its image, as the registration gives them
    contact = option.Type(str, default="")
    workers = option.Type(int, default=0)  # processes that render pages; 0 = one per core
    reuse_navigation = option.Type(bool, default=True)  # see theme/partials/nav.html
    reuse_markdown = option.Type(bool, default=True)  # see generator/render/mkdocs_conversion.py
    deploy_keep = option.Type(int, default=5)  # releases `disclosure deploy` keeps on the server
    # The bound on one page's Markdown conversion (generator/render/time_bound.py): well above
    # what the largest item allowed (5 MB of ordinary text) needs; see bench/README.md.
    markdown_seconds = option.Type((int, float), default=20)


class DisclosurePlugin(BasePlugin[DisclosureConfig]):
    def __init__(self) -> None:
        super().__init__()
        self.command = "build"
        # Set by `disclosure build`, which has already validated the site.
        self.as_of_override: AsOf | None = None
        self.preloaded: tuple[Collection, Report] | None = None
        self.model: SiteModel | None = None
        self.views: dict[str, PageView] = {}
        self.identity: SiteIdentity | None = None
        self.generating: ChildProcesses | None = None  # feeds, open data, CSV being written
        self.output: AtomicOutput | None = None
        self.publish_report = Report()  # findings of the steps after rendering (link check…)
        self.share = RenderShare()
        self.nav_cache = RenderedFragments()
        self.conversion = MarkdownConversion()
        self.config_cache = RenderedFragments()  # see theme/main.html, block config
        self.failure = ""  # why the build failed, in Chinese where it is ours
        self.failure_exit_code = 1  # 2 when it failed on its configuration (SetupError)
        self.timings = BuildTimings()  # seconds per stage (`disclosure build --timings`)
        # Incremental rebuilds (see generator/publish/incremental.py); `--full` sets full_build.
        self.full_build = False
        self.site_dir = Path(".")
        self.site_fingerprint = ""
        self.fingerprints: dict[str, str] = {}
        self.page_states: ForkedValue[PageStates] | PageStates | None = None
        self.published_files: dict[str, tuple[int, int] | None] | None = None  # site/, listed
        self.files = Files([])  # the site's files, once MkDocs has collected them
        self.outputs: dict[str, str] = {}  # source URI → output file, relative to site_dir
        self.rebuild = RebuildPlan()
        self.sitemap: list[tuple[str, str]] = []  # (address, date) of every page
        # Publishing (see publish): where the pages were rendered, and whether the caller
        # publishes once MkDocs has returned (`disclosure build`) instead of on_post_build.
        self.rendered_to = Path(".")
        self.publish_after_mkdocs = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    # Configuration --------------------------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        site_dir = Path(config.config_file_path or ".").resolve().parent
        content_dir = Path(config.docs_dir)
        if content_dir.resolve() != (site_dir / CONTENT_DIR).resolve():
            raise SetupError(
                f"mkdocs.yml 中的 docs_dir 必须是 {CONTENT_DIR}（当前为 {config.docs_dir}）。"
            )
        unsafe = unsafe_output(site_dir, Path(config.site_dir))
        if unsafe is not None:
            raise PluginError(f"mkdocs.yml 配置错误：{unsafe}；请改回 site_dir: site。")
        _refuse_markup_in_site_texts(config)
        as_of = self._as_of()
        if self.preloaded is not None:
            collection, report = self.preloaded
        else:
            report = Report()
            collection = check_site(site_dir, as_of, report)
            _log_diagnostics(report)
        if collection is None or report.has_errors():
            raise PluginError(f"校验未通过，未生成网站。{summary_line(report)}")
        self.timings.start("model")
        self.model = build_site_model(collection, as_of, content_dir)
        # Reproducible output: MkDocs stamps sitemap.xml(.gz) with the build time unless told.
        os.environ.setdefault(
            "SOURCE_DATE_EPOCH", str(int(as_of.moment.replace(tzinfo=BEIJING).timestamp()))
        )
        identity = SiteIdentity(
            name=config.site_name,
            url=config.site_url or "",
            domain=self.config.site_domain,
            id_code=self.config.site_id_code,
            organizer=self.config.organizer,
            icp=self.config.icp,
            police_record=self.config.police_record,
            error_report_url=self.config.error_report_url,
            contact=self.config.contact,
            party_mark_url=self.config.party_mark_url,
            party_mark_image=self.config.party_mark_image,
        )
        self.views = plan_pages(self.model, identity)
        self.identity = identity
        config.nav = _navigation(self.model)
        config.markdown_extensions.append(PlainTextExtension())  # same HTML, sooner
        config.markdown_extensions.append(CjkLineBreaksExtension())  # 前\n完成 → 前完成
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_DIR))
        self.site_dir = site_dir
        if self.command == "build":
            try:  # one build of a site at a time: the lock lasts until commit or abandon
                self.output = AtomicOutput(Path(config.site_dir), BuildLock(site_dir))
            except LockBusy as busy:
                raise SetupError(str(busy)) from None
            config.site_dir = str(self.output.staging)
            # The feeds, open data and lookup files are written beside everything that follows.
            scratch = self.output.scratch()  # MkDocs empties the staging folder after on_config
            self.generating = ChildProcesses(
                [functools.partial(write_generated_files, self.model, identity, scratch)]
            )
            self.site_fingerprint = site_fingerprint(
                site_dir, Path(config.config_file_path or "mkdocs.yml"), config.theme.dirs, as_of
            )
            self.page_states = self._plan_page_states(source_hashes(collection, content_dir))
            collection.release_bodies(site_dir)  # planned: no body is read any more
        self.timings.stop("model")
        return config

    def _plan_page_states(self, sources: dict[str, str]) -> ForkedValue[PageStates] | PageStates:
        """The page fingerprints and, for an incremental build, the files of site/ — in a child
        process while MkDocs collects its files when this build is likely incremental (a third
        of a second each at 10,000 items, on the core the rebuild leaves idle); here when it is
        full anyway (at 100,000 items, a second process would copy memory the render needs)."""
        assert self.model is not None and self.output is not None
        previous = self.output.target
        incremental = (
            not self.full_build
            and BuildManifest.path(self.site_dir).is_file()
            and previous.is_dir()
        )
        compute = functools.partial(
            page_states, self.views, self.model, sources, previous if incremental else None
        )
        return ForkedValue(compute) if incremental else compute()

    def _as_of(self) -> AsOf:
        if self.as_of_override is not None:
            return self.as_of_override
        configured = self.config.as_of or os.environ.get(AS_OF_VARIABLE)
        if configured:
            try:
                return AsOf.parse(str(configured))
            except DateProblem as problem:
                raise SetupError(
                    f"mkdocs.yml 中 disclosure 插件的 as_of 无效：{problem.reason}"
                ) from None
        return AsOf.now()

    def on_env(
        self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment:
        """Keep compiled templates between builds: compiling Material's and ours again is a
        fifth of a second of every rebuild. The cache lives in this user's cache folder of the
        system (platformdirs: ~/.cache on Linux, %LOCALAPPDATA% on Windows), not in the site
        folder, where a committed file could be run; keyed by each template's source."""
        folder = Path(platformdirs.user_cache_dir("disclosure", appauthor=False)) / "jinja"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
        except OSError:
            pass  # no cache folder to be had: templates are compiled every build
        env.globals["dp_translate"] = MaterialTranslations(env, config.theme["language"])
        return env

    # Files and pages --------------------------------------------------------------------------

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.model is not None
        self.files = files
        model = self.model
        items = {item.src_uri for item in model.collection.items}
        attachments = set(model.collection.attachments)
        public_items = {item.src_uri for item in model.items}
        known = items | attachments | {page.src_uri for page in model.collection.pages}
        real_folders = RealFolders(config)
        for file in list(files):
            uri = file.src_uri
            if _not_ours_to_publish(file, real_folders, known):
                log.warning(
                    f"不发布 {uri}：它不是 content/ 中经过检查的文件，或指向 content/ 和主题以外。"
                )
                files.remove(file)
            elif (uri in items and uri not in public_items) or (
                uri in attachments and uri not in model.published_files
            ):
                files.remove(file)
            elif uri in public_items:
                file.inclusion = InclusionLevel.NOT_IN_NAV
            elif uri.startswith(MATERIAL_SEARCH_FILES) or uri.endswith(".map"):
                files.remove(file)  # Material's own search and source maps: not used here
        for src_uri, view in self.views.items():
            if view.generated and files.get_file_from_path(src_uri) is None:
                content = view.markdown if view.markdown is not None else f"# {view.title}\n"
                generated = File.generated(config, src_uri, content=content)
                if not view.in_nav:
                    generated.inclusion = InclusionLevel.NOT_IN_NAV
                files.append(generated)
        self.sitemap = _sitemap(files, config, self.views, model.as_of)
        if self.command == "build":
            self._take_over_unchanged_pages(files)
            self._fork(files, config)
        self.timings.start("render")
        return files

    def _take_over_unchanged_pages(self, files: Files) -> None:
        """Link the outputs of unchanged pages from site/ into the staging folder."""
        assert self.output is not None
        self.outputs = {file.src_uri: file.dest_uri for file in files.documentation_pages()}
        manifest = None if self.full_build else BuildManifest.load(self.site_dir)
        states = self.page_states
        if isinstance(states, ForkedValue):
            states = states.get()
        assert states is not None
        self.page_states = None
        self.fingerprints = states.fingerprints
        self.published_files = states.published_files or None
        self.rebuild = plan_rebuild(
            manifest, self.site_fingerprint, states, self.outputs, self.output.target
        )
        if self.rebuild.incremental:
            log.info(f"沿用上次生成的 {len(self.rebuild.reused)} 个页面，重新生成其余页面。")
        for file in files.documentation_pages():
            # Taken over and outside the navigation: MkDocs need not even read it. Links to it
            # still resolve (an excluded page keeps its URL), and sitemap.xml lists it (_sitemap).
            if file.src_uri in self.rebuild.reused and file.inclusion.is_not_in_nav():
                file.inclusion = InclusionLevel.EXCLUDED

    def _renders(self, page: Page) -> bool:
        """Whether this process renders the page: its share, and not taken over unchanged."""
        return self.share.owns(page) and page.file.src_uri not in self.rebuild.reused

    def _fork(self, files: Files, config: MkDocsConfig) -> None:
        # `disclosure build` runs without the cyclic garbage collector until here: validating
        # and planning make objects that live to the end of the build, which the collector went
        # over again and again (half a second of a 10,000-item rebuild). Planning froze them
        # (see generator/site/pages.py); what MkDocs made since is garbage once it returns.
        gc.enable()
        pages = [
            file.src_uri
            for file in files.documentation_pages()
            if file.src_uri not in self.rebuild.reused
        ]
        workers = self.config.workers or default_workers(len(pages))
        self.share = fork_workers(pages, workers)
        if self.share.is_worker:
            # Shared outputs (assets, attachments, sitemap.xml, 404.html) are the parent's job.
            files.copy_static_files = _no_static_files  # type: ignore[method-assign]
            config.theme.static_templates.clear()
            config.extra_templates = []

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        if not self._renders(page):
            self.share.skip(page)
            return page
        if self.config.reuse_markdown:
            view = self.views.get(page.file.src_uri)
            item = view.item if view is not None and view.kind == "item" else None
            self.conversion.take_over(page, item.body_line if item is not None else None)
        self._bound_conversion(page)
        return page

    def _bound_conversion(self, page: Page) -> None:
        """The page's conversion under the time bound: too slow, or nested too deep for the
        recursion limit (what the check's bound missed), it is an error naming the file."""
        render = page.render
        seconds = self.config.markdown_seconds
        source = f"{CONTENT_DIR}/{page.file.src_uri}"

        def bounded(config: MkDocsConfig, files: Files) -> None:
            try:
                with time_bound(seconds):
                    render(config, files)
            except TooSlow:
                self._page_failed(
                    "E-MARKDOWN-SLOW",
                    source,
                    f"正文转换为网页超过 {seconds:g} 秒仍未完成，已停止生成。多为大量未闭合的 HTML 标签"
                    "（如成串的“<a ”）或异常长的行，请删改后重新生成。",
                )
            except RecursionError:
                self._page_failed(
                    "E-MARKDOWN-NESTING",
                    source,
                    "正文嵌套过深，转换为网页时超出了递归深度；请删去多余的列表、引用或强调符号。",
                )

        page.render = bounded  # type: ignore[method-assign]

    def _page_failed(self, code: str, source: str, message: str) -> NoReturn:
        self.publish_report.add(code, source, 1, message)
        raise PluginError(f"{source}：{message}")

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        view = self.views.get(page.file.src_uri)
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
            context["dp_sitemap"] = self.sitemap
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
        context["disclosure"] = self.views.get(page.file.src_uri)
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
        again, but keeps every page until the build ends — at 100,000 items gigabytes, held in
        the parent and every render worker while the search index and link check run. (Its
        title stays: ``meta["title"]`` is set for every page of ours.)"""
        page.markdown = ""
        page.content = ""
        page.toc = get_toc("")
        return output

    # Publishing -------------------------------------------------------------------------------

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.share.is_worker:
            self.share.finish_worker(succeeded=True)
        failed = self.share.wait_for_workers()
        if failed:
            raise PluginError(f"{len(failed)} 个渲染进程失败，未更新网站。")
        self._add_generated_files(Path(config.site_dir))
        self.timings.stop("render")
        self.views = {}  # rendering is over: the page views are not needed any more
        self.rendered_to = Path(config.site_dir)
        if not self.publish_after_mkdocs:
            self.publish()

    def _add_generated_files(self, rendered_to: Path) -> None:
        """The feeds, open data and lookup files: from the child that wrote them (`build`),
        else written now (`serve`, which runs no child processes beside its web server)."""
        if self.generating is None:
            assert self.model is not None and self.identity is not None
            write_generated_files(self.model, self.identity, rendered_to)
            return
        if not self.generating.wait():
            raise PluginError("生成订阅源、数据开放和检索文件时出错（见上方信息），未更新网站。")
        assert self.output is not None
        self.output.take_scratch()

    def publish(self) -> None:
        """Search index, link check, then the swap into site/ (generator/publish/pipeline.py).

        `disclosure build` calls this itself once MkDocs has returned (``publish_after_mkdocs``),
        so that the memory of MkDocs' files, pages and navigation — a gigabyte at 100,000
        items — is free again while the search index and the link check run; `mkdocs build`
        and `serve` call it from on_post_build. A failure abandons the staging folder, as any
        build error does.
        """
        try:
            self._publish()
        except Exception as error:
            if self.publish_after_mkdocs:  # MkDocs is not there to call on_build_error
                self.on_build_error(error=error)
            raise

    def _publish(self) -> None:
        assert self.model is not None
        report = self.publish_report = Report()
        publication = Publication(self.rendered_to, self.model, report)
        if self.rebuild.incremental:
            publication.previous_site = self.rebuild.previous_site
            publication.previous_states = self.rebuild.previous_steps
            publication.unchanged = frozenset(self.rebuild.reused.values())
            publication.rendered = frozenset(set(self.outputs) - set(self.rebuild.reused))
        states = run_publish_steps(publication, self.timings)
        if self.preloaded is None:  # `disclosure build` prints them itself, in the chosen format
            _log_diagnostics(report)
        if self.command == "serve":
            return  # a preview shows what is there; broken links are listed above, not fatal
        if report.has_errors():
            raise PluginError(f"发布前检查未通过，未更新网站。{summary_line(report)}")
        if self.output is not None:
            published = published_pages(
                self.fingerprints, self.outputs, self.output.staging, self.rebuild
            )
            BuildManifest.forget(self.site_dir)  # site/ is about to change
            with self.timings.stage("commit"):
                if self.rebuild.incremental:  # only what is new: applied to site/ in place
                    kept = publication.unchanged | publication.kept
                    self.output.apply(kept, self.published_files)
                else:
                    self.output.commit()
            BuildManifest(self.site_fingerprint, published, states).save(self.site_dir)
            log.info(f"网站已生成：{self.output.target}")

    def on_build_error(self, *, error: Exception) -> None:
        self.failure = str(error)
        self.failure_exit_code = 2 if isinstance(error, SetupError) else 1
        if isinstance(self.page_states, ForkedValue):
            self.page_states.stop()
        if self.share.is_worker:
            # The parent does not see a worker's report: a page's own error (too slow, nested
            # too deep) is printed here, naming the item, before the worker leaves.
            for diagnostic in self.publish_report:
                print(diagnostic.as_text(), file=sys.stderr)
            self.share.finish_worker(succeeded=False)
        self.share.stop_workers()
        if self.generating is not None:
            self.generating.stop()
        if self.output is not None:
            self.output.abandon()


class RenderedFragments:
    """Template fragments rendered once and reused (see theme/partials/nav.html)."""

    def __init__(self) -> None:
        self._fragments: dict[object, str] = {}

    def has(self, key: object) -> bool:
        return key in self._fragments

    def get(self, key: object) -> str:
        return self._fragments[key]

    def put(self, key: object, fragment: str) -> str:
        self._fragments[key] = fragment
        return fragment


# Material's search (lunr and its web worker): this site has its own (generator/publish/search.py).
MATERIAL_SEARCH_FILES = ("assets/javascripts/lunr/", "assets/javascripts/workers/")


class MaterialTranslations:
    """Material's interface texts in the theme's language, each looked up once (see
    theme/partials/language.html): the text of ``key`` in the language's file, else in the
    English one, else the key itself, as Material's own macro answers."""

    def __init__(self, env: jinja2.Environment, language: str) -> None:
        self.env = env
        self.language = language
        self._known: dict[str, str] = {}

    def __call__(self, key: str) -> str:
        known = self._known.get(key)
        if known is None:
            own = self.env.get_template(f"partials/languages/{self.language}.html").module
            english = self.env.get_template("partials/languages/en.html").module
            known = self._known[key] = own.t(key) or english.t(key) or key  # type: ignore[attr-defined]
            if key == "language" and known == "zh":
                known = self._known[key] = "zh-CN"  # <html lang>: Simplified Chinese as written in China
        return known


class RealFolders:
    """Where files really are (links resolved), asked once per folder: a site has few folders
    and many files, and resolving every file's path costs seconds at 10,000 items."""

    def __init__(self, config: MkDocsConfig) -> None:
        self._real: dict[str, str] = {}
        self._links: dict[str, frozenset[str]] = {}  # folder → the names of its links
        self.content = self.of(config.docs_dir)
        self.theme_roots = [self.of(folder) for folder in config.theme.dirs]

    def of(self, folder: str) -> str:
        if folder not in self._real:
            self._real[folder] = os.path.realpath(folder)
        return self._real[folder]

    def of_file(self, path: str) -> str:
        folder, name = os.path.split(path)
        if folder not in self._links:
            self._links[folder] = symlinks_in(folder)
        if name in self._links[folder]:
            return os.path.realpath(path)
        return os.path.join(self.of(folder), name)


def _not_ours_to_publish(file: File, real: RealFolders, known: set[str]) -> bool:
    """Defence in depth for what reaches site/: only files of content/ that the checked
    collection knows, and theme files, each really inside its folder (MkDocs follows links)."""
    if file.generated_by is not None or file.abs_src_path is None:
        return False
    from_content = real.of(file.src_dir or "") == real.content
    if from_content and file.src_uri not in known:
        return True
    roots = [real.content] if from_content else real.theme_roots
    path = real.of_file(file.abs_src_path)
    return not any(path.startswith(root + os.sep) for root in roots)


# mkdocs.yml values that Material prints as they are, into the text and attributes of every
# page (<title>, <meta name="description">, <link rel="canonical">, the header).
SITE_TEXTS = ("site_name", "site_description", "site_author", "site_url")
MARKUP_CHARACTERS = "<>&\"'`"


def _refuse_markup_in_site_texts(config: MkDocsConfig) -> None:
    for key in SITE_TEXTS:
        value = str(config.get(key) or "")
        marks = " ".join(sorted({char for char in value if char in MARKUP_CHARACTERS}))
        if marks:
            raise ConfigurationError(
                f"mkdocs.yml 中的 {key}“{value}”含有 HTML 字符 {marks}：它会原样出现在每个页面中；"
                "请删除这些字符（网站名称、说明、作者是纯文本，网址中的这些字符请写成 %XX 编码）。"
            )


def _updated(view: PageView | None, as_of: AsOf) -> str:
    """A page's date in sitemap.xml (<lastmod>): its item's publication date, else the as-of date."""
    item = view.item if view else None
    return (item.published if item and item.published else as_of.moment).strftime("%Y-%m-%d")


def _sitemap(
    files: Files, config: MkDocsConfig, views: dict[str, PageView], as_of: AsOf
) -> list[tuple[str, str]]:
    """(address, date) of every page for sitemap.xml — MkDocs' own template lists only the
    pages it reads, and an incremental build does not read those it takes over."""
    base = config.site_url or ""
    if not base:
        return []
    base = base if base.endswith("/") else base + "/"
    # MkDocs joins them with urljoin; pages' URLs are relative and never climb (".."), so
    # that is appending.
    return [
        (base + file.url, _updated(views.get(file.src_uri), as_of))
        for file in files.documentation_pages()
    ]


def _no_static_files(*args: Any, **kwargs: Any) -> None:
    """Workers copy no static files: the parent does, once."""


def _log_diagnostics(report: Report) -> None:
    for diagnostic in report:
        level = logging.ERROR if diagnostic.severity is Severity.ERROR else logging.WARNING
        log.log(level, diagnostic.as_text())


def _drop_leading_heading(markdown: str) -> str:
    lines = markdown.lstrip("\n").split("\n", 1)
    if lines and lines[0].startswith("# "):
        return lines[1] if len(lines) > 1 else ""
    return markdown


def _navigation(model: SiteModel) -> list[Any]:
    """Columns only: an item never appears in the navigation, so pages stay small at any scale."""

    def entry(column) -> dict[str, Any]:
        # Material prints navigation titles as they are: a column's name is text, escaped here.
        name = html.escape(column.name)
        if column.children:
            return {name: [f"{column.path}/index.md", *(entry(c) for c in column.children)]}
        return {name: f"{column.path}/index.md"}

    return [
        {"首页": "index.md"},
        *(entry(c) for c in model.catalog.columns),
        {"分类浏览": "browse/index.md"},
    ]
