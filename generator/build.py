"""One build of a site, read top to bottom in :func:`build`:

lock → load and validate → site model and page plan → render → link check → search index → commit

:class:`Build` holds the stages. `disclosure build` runs them through :func:`build`, handing it
the renderer (the MkDocs adapter, generator/render/mkdocs_build.py); when MkDocs itself runs
the plugin (`mkdocs build`, `mkdocs serve`, the preview), the plugin's hooks call the same
stages as MkDocs reaches them (generator/render/plugin.py). The core knows no MkDocs: the
renderer gives it the site's settings and renders the planned pages into its staging folder.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from generator.children import ChildProcesses, ForkedValue
from generator.content.dates import AsOf
from generator.content.model import Collection
from generator.diagnostics import Report, summary_line
from generator.publish.atomic import AtomicOutput, file_stats, recover, unsafe_output
from generator.publish.external_links import ExternalMode
from generator.publish.generated_files import write_generated_files
from generator.publish.incremental import (
    BuildManifest,
    PageStates,
    RebuildPlan,
    page_fingerprints,
    plan_rebuild,
    published_pages,
    site_fingerprint,
    source_hashes,
)
from generator.publish.lock import BuildLock, LockBusy
from generator.publish.pipeline import Publication, run_publish_steps
from generator.site.check import check_site
from generator.site.model import SiteIdentity, SiteModel, build_site_model
from generator.site.pages import PageView, plan_pages
from generator.timings import BuildTimings

KEEPS_SITE = "原有 site/ 保持不变。"


class BuildFailed(Exception):
    """The build stopped; the message is in Chinese. ``exit_code``: 1 for the content or the
    rendering, 2 for the configuration or how the build was started. ``checked``: the content
    was validated, so its report is worth showing."""

    def __init__(self, message: str, exit_code: int, *, checked: bool = False) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.checked = checked


@dataclass(frozen=True)
class BuildOptions:
    """What a build is asked to do: the command's options (or, for `mkdocs build`, the
    plugin's options in mkdocs.yml)."""

    site_dir: Path  # the folder of mkdocs.yml, columns.yml and content/
    as_of: AsOf  # what counts as published
    command: str = "build"  # "build" publishes into site/; "serve" renders a preview
    full: bool = False  # render every page, taking nothing over from the last build
    external: ExternalMode = ExternalMode.OFF  # --external, --external-strict
    timings: BuildTimings = field(default_factory=BuildTimings)  # seconds per stage


@dataclass(frozen=True)
class SiteSettings:
    """What the renderer's configuration (mkdocs.yml) tells the core."""

    identity: SiteIdentity
    staff_pages: bool  # the clerk's guide and the inspection report (a staff build)
    content_dir: Path
    output_dir: Path  # site/, resolved
    config_file: Path
    theme_dirs: tuple[str, ...]  # the template folders, in the order they are searched


class Renderer(Protocol):
    def output_dir(self) -> Path | None:
        """Where the site is published; None when the configuration cannot be read (it is
        reported by :meth:`settings`, after the content check)."""

    def settings(self) -> SiteSettings:
        """The site's configuration, checked; BuildFailed when it is not usable."""

    def render(self, build: Build) -> None:
        """Render the planned pages into the build's staging folder; BuildFailed on errors."""


def build(
    options: BuildOptions, renderer: Renderer, report: Report, say: Callable[[str], None]
) -> Path:
    """`disclosure build`: each stage in turn; returns the published folder. Diagnostics go to
    ``report``, what the person running the build should know to ``say``. Any failure is a
    BuildFailed, and `site/` is as it was."""
    gc.disable()  # until the site is planned: see DisclosurePlugin.on_files
    core = Build(options, report)
    try:
        recovered = core.lock(renderer.output_dir())
        if recovered:
            say(recovered)
        if not core.load():
            raise BuildFailed(
                f"校验未通过，未生成网站；{KEEPS_SITE}", report.exit_code(), checked=True
            )
        settings = renderer.settings()
        with _stage_failures():
            core.plan(settings)
        renderer.render(core)
        with _stage_failures():
            core.check_output()
            core.commit()
    except BaseException as error:
        core.abandon()
        report.extend(core.publish_report)
        if not isinstance(error, BuildFailed) or error.checked:
            raise
        checked = core.collection is not None  # past the content check: its report counts
        raise BuildFailed(
            f"{error}\n{KEEPS_SITE}" if checked else str(error),
            max(error.exit_code, report.exit_code()) if checked else error.exit_code,
            checked=checked,
        ) from None
    report.extend(core.publish_report)
    assert core.output is not None
    return core.output.target


@contextlib.contextmanager
def _stage_failures() -> Iterator[None]:
    """A stage's failure in the words of the renderer's own (generator/render/mkdocs_build.py)."""
    try:
        yield
    except BuildFailed as failure:
        raise BuildFailed(f"生成失败：{failure}", failure.exit_code) from None
    except OSError as error:
        raise BuildFailed(f"读写文件失败：{error}", 1) from None


class Build:
    """The stages of one build and what they hand each other."""

    def __init__(self, options: BuildOptions, report: Report | None = None) -> None:
        self.options = options
        self.timings = options.timings
        self.report = report if report is not None else Report()  # the content's diagnostics
        self.publish_report = Report()  # findings of rendering and the steps after it
        self.lock_file = BuildLock(options.site_dir)
        self.collection: Collection | None = None
        self.model: SiteModel | None = None
        self.identity: SiteIdentity | None = None
        self.views: dict[str, PageView] = {}
        self.output: AtomicOutput | None = None  # the staging folder and the swap into site/
        self.generating: ChildProcesses | None = None  # feeds, open data, CSV being written
        # Incremental rebuilds (generator/publish/incremental.py).
        self.site_fingerprint = ""
        self.page_fingerprints: ForkedValue[dict[str, str]] | dict[str, str] | None = None
        self.published_listing: ForkedValue[dict[str, tuple[int, int] | None]] | None = None
        self.fingerprints: dict[str, str] = {}
        self.published_files: dict[str, tuple[int, int] | None] | None = None  # site/, listed
        self.outputs: dict[str, str] = {}  # source URI → output file, relative to site/
        self.rebuild = RebuildPlan()
        self.rendered_to = Path(".")
        self._states: dict[str, object] = {}  # what each publish step keeps for the next build
        self._kept: frozenset[str] = frozenset()  # files of site/ an incremental build keeps

    @property
    def publishes(self) -> bool:
        """Whether this build replaces site/ (a preview renders elsewhere and publishes nothing)."""
        return self.options.command == "build"

    # Lock, load, plan ---------------------------------------------------------------------------

    def lock(self, output_dir: Path | None) -> str | None:
        """Wait for any other build of the site and keep the lock to the end of this one;
        refuse an output folder a build may not replace, and complete or undo what an
        interrupted build left (generator/publish/atomic.py). Returns what `site/` now is when
        that was needed."""
        if output_dir is None:
            return None  # mkdocs.yml does not load: reported after the content check
        reason = unsafe_output(self.options.site_dir, output_dir)
        if reason is not None:
            raise BuildFailed(f"mkdocs.yml 配置错误：{reason}；请改回 site_dir: site。", 2)
        try:
            self.lock_file.acquire()
        except LockBusy as busy:
            raise BuildFailed(str(busy), 2) from None
        recovered = recover(output_dir)
        if self._incremental(output_dir.resolve()):
            # The files of site/, listed by a child while the content is checked on one core.
            self.published_listing = ForkedValue(functools.partial(file_stats, output_dir))
        return recovered

    def load(self) -> bool:
        """Read and validate content/ against columns.yml; False when the site has errors."""
        options = self.options
        with self.timings.stage("validate"):
            self.collection = check_site(options.site_dir, options.as_of, self.report)
        return self.collection is not None and not self.report.has_errors()

    def plan(self, settings: SiteSettings) -> None:
        """The site model and every page's view; for a build that publishes, also the staging
        folder (under the lock), the generated files (written by a child process meanwhile)
        and what the last build published, to take unchanged pages over from it."""
        assert self.collection is not None
        options = self.options
        self.timings.start("model")
        self.model = build_site_model(self.collection, options.as_of, settings.content_dir)
        self.identity = settings.identity
        self.views = plan_pages(self.model, settings.identity, staff=settings.staff_pages)
        if not self.publishes:
            self.timings.stop("model")
            return
        try:
            self.output = AtomicOutput(settings.output_dir, self.lock_file)
        except LockBusy as busy:
            raise BuildFailed(str(busy), 2) from None
        sources = source_hashes(self.collection, settings.content_dir)
        # Planned: no body is read any more. Before the children are forked, which would each
        # copy every item's memory when the build then changed it.
        self.collection.release_bodies(options.site_dir)
        scratch = self.output.scratch()  # MkDocs empties the staging folder before it renders
        self.generating = ChildProcesses(
            [functools.partial(write_generated_files, self.model, settings.identity, scratch)]
        )
        self.site_fingerprint = site_fingerprint(
            options.site_dir, settings.config_file, settings.theme_dirs, options.as_of
        )
        # The page fingerprints: in a child while the renderer collects its files when this
        # build is likely incremental (on the core the rebuild leaves idle); here when it is
        # full anyway (on a large site a second process would copy memory the render needs).
        compute = functools.partial(page_fingerprints, self.views, self.model, sources)
        incremental = self._incremental(self.output.target)
        self.page_fingerprints = ForkedValue(compute) if incremental else compute()
        if incremental and self.published_listing is None:  # `mkdocs build`: no lock() before
            self.published_listing = ForkedValue(functools.partial(file_stats, self.output.target))
        self.timings.stop("model")

    def _incremental(self, published: Path) -> bool:
        """Whether this build may take pages over from the last one, published at ``published``."""
        return (
            self.publishes
            and not self.options.full
            and BuildManifest.path(self.options.site_dir).is_file()
            and published.is_dir()
        )

    # Render -------------------------------------------------------------------------------------

    def take_over(self, outputs: dict[str, str]) -> RebuildPlan:
        """Which pages (source URI → output file) are taken over unchanged from `site/`."""
        assert self.output is not None
        self.outputs = outputs
        manifest = None if self.options.full else BuildManifest.load(self.options.site_dir)
        fingerprints = self.page_fingerprints
        if isinstance(fingerprints, ForkedValue):
            fingerprints = fingerprints.get()
        assert fingerprints is not None
        listing = self.published_listing
        self.page_fingerprints = self.published_listing = None
        states = PageStates(fingerprints, listing.get() if listing is not None else {})
        self.fingerprints = states.fingerprints
        self.published_files = states.published_files or None
        self.rebuild = plan_rebuild(
            manifest, self.site_fingerprint, states, outputs, self.output.target
        )
        return self.rebuild

    def rendered(self, folder: Path) -> None:
        """The pages are in ``folder``: add the generated files beside them — from the child
        that wrote them, else written now (a preview runs no child processes)."""
        if self.generating is None:
            assert self.model is not None and self.identity is not None
            write_generated_files(self.model, self.identity, folder)
        elif not self.generating.wait():
            raise BuildFailed("生成订阅源、数据开放和检索文件时出错（见上方信息），未更新网站。", 1)
        elif self.output is not None:
            self.output.take_scratch()
        self.timings.stop("render")
        self.views = {}  # rendering is over: the page views are not needed any more
        self.rendered_to = folder

    # Search index, link check, commit -------------------------------------------------------------

    def check_output(self) -> None:
        """The search index and the link check of the rendered site
        (generator/publish/pipeline.py); their findings go to ``publish_report``."""
        assert self.model is not None
        report = Report()
        publication = Publication(
            self.rendered_to, self.model, report, external=self.options.external
        )
        if self.rebuild.incremental:
            publication.previous_site = self.rebuild.previous_site
            publication.previous_states = self.rebuild.previous_steps
            publication.unchanged = frozenset(self.rebuild.reused.values())
            publication.rendered = frozenset(set(self.outputs) - set(self.rebuild.reused))
        self._states = run_publish_steps(publication, self.timings)
        self._kept = publication.unchanged | publication.kept
        self.publish_report.extend(report)

    def commit(self) -> None:
        """Publish into `site/`: the whole staging folder, or an incremental build's new files
        in place; then remember what was published for the next build."""
        report = self.publish_report
        if report.has_errors():
            raise BuildFailed(f"发布前检查未通过，未更新网站。{summary_line(report)}", 1)
        if self.output is None:
            return
        published = published_pages(
            self.fingerprints, self.outputs, self.output.staging, self.rebuild
        )
        site_dir = self.options.site_dir
        BuildManifest.forget(site_dir)  # site/ is about to change
        with self.timings.stage("commit"):
            if self.rebuild.incremental:  # only what is new: applied to site/ in place
                self.output.apply(self._kept, self.published_files)
            else:
                self.output.commit()
        BuildManifest(self.site_fingerprint, published, self._states).save(site_dir)

    def abandon(self) -> None:
        """Stop what runs beside the build and delete the staging folder; `site/` stays."""
        for child in (self.page_fingerprints, self.published_listing):
            if isinstance(child, ForkedValue):
                child.stop()
        self.page_fingerprints = self.published_listing = None
        if self.generating is not None:
            self.generating.stop()
            self.generating = None
        if self.output is not None:
            self.output.abandon()
            self.output = None
        self.lock_file.release()
