"""Running MkDocs for `disclosure build` (the render step of generator/build.py), `serve` and
`deploy` (the adapter side of the command line)."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import logging
import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import yaml
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError, MkDocsException, PluginError

from generator.build import Build, BuildFailed, SiteSettings
from generator.content.dates import AsOf
from generator.render.mkdocs_config import SetupError, site_settings
from generator.render.mkdocs_preview import Preview
from generator.render.plugin import DisclosurePlugin

CONFIG_FILE = "mkdocs.yml"


# MkDocs' own words about mkdocs.yml, in the clerk's language; its message follows them.
_CONFIG_PROBLEMS = (
    ("Required configuration not provided", "缺少必填项"),
    ("plugin is not installed", "插件未安装，请检查名称或删除这一项"),
    ("isn't an existing directory", "文件夹不存在"),
    ("Unrecognised theme name", "主题名称不认识"),
    ("Expected type", "类型不对"),
)


class _ConfigProblems(logging.Handler):
    """Collects MkDocs' complaints about mkdocs.yml while it is loaded, instead of printing
    them in English: the build prints them once, in Chinese, with exit code 2."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        meaning = next((meaning for words, meaning in _CONFIG_PROBLEMS if words in text), None)
        self.found.append(f"{meaning}（{text}）" if meaning else text)


def load_site_config(config_file: Path) -> MkDocsConfig:
    """mkdocs.yml, read and validated by MkDocs; any problem is a BuildFailed with exit 2."""
    problems = _ConfigProblems()
    logger = logging.getLogger("mkdocs.config")
    propagates = logger.propagate
    logger.addHandler(problems)
    logger.propagate = False
    try:
        return load_config(str(config_file))
    except (Abort, ConfigurationError) as error:
        found = "；".join(problems.found) or str(error)
        raise BuildFailed(f"{config_file.name} 配置错误：{found}", 2) from None
    except yaml.YAMLError as error:
        raise BuildFailed(f"{config_file.name} 不是有效的 YAML：{error}", 2) from None
    except (ValueError, OverflowError, RecursionError) as error:
        # PyYAML builds a date of every unquoted YYYY-MM-DD: 2026-13-45 fails there.
        raise BuildFailed(
            f"{config_file.name} 中有无法读取的值（{error}）：日期写成 YYYY-MM-DD 且须是存在的日期，"
            "不确定时给值加上引号。",
            2,
        ) from None
    finally:
        logger.removeHandler(problems)
        logger.propagate = propagates


def _quiet_logging() -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.WARNING)


class MkDocsRenderer:
    """The render step of :func:`generator.build.build`: MkDocs with our plugin, on the site's
    mkdocs.yml. Its errors become BuildFailed, in Chinese, with MkDocs' own wording left out."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self.config: MkDocsConfig | None = None
        self.plugin: DisclosurePlugin | None = None

    def output_dir(self) -> Path | None:
        try:
            return publish_settings(self.site).output_dir
        except BuildFailed:
            return None

    def settings(self) -> SiteSettings:
        self.config, self.plugin = site_config(self.site)
        with self._failures():
            return site_settings(self.config, self.plugin.config)

    def render(self, build: Build) -> None:
        assert self.config is not None and self.plugin is not None
        self.plugin.render_for(build)
        with self._failures():
            mkdocs_build(self.config)
        if not build.rebuild.incremental:  # a rebuild renders a few pages: little to give back
            release_free_memory()  # MkDocs' files, pages and navigation, before publishing

    @contextlib.contextmanager
    def _failures(self) -> Iterator[None]:
        try:
            yield
        except ConfigurationError as error:
            raise BuildFailed(f"mkdocs.yml 配置错误：{error}", 2) from None
        except (Abort, MkDocsException) as error:
            assert self.plugin is not None  # loaded by settings(), before anything else
            failure = self.plugin.failure
            if not failure and isinstance(error, PluginError):  # raised before MkDocs ran
                logging.getLogger("mkdocs.commands.build").error(str(error))  # as MkDocs would
            setup = self.plugin.failure_exit_code == 2 if failure else isinstance(error, SetupError)
            raise BuildFailed(f"生成失败：{failure or error}", 2 if setup else 1) from None
        except jinja2.TemplateSyntaxError as error:
            raise BuildFailed(
                f"模板语法错误：{error.filename}:{error.lineno}: {error.message}", 1
            ) from None
        except jinja2.TemplateError as error:
            raise BuildFailed(f"模板错误：{error}", 1) from None
        except OSError as error:
            raise BuildFailed(f"读写文件失败：{error}", 1) from None


@dataclass(frozen=True)
class PublishSettings:
    """What `disclosure deploy` takes from mkdocs.yml."""

    output_dir: Path  # site_dir, resolved
    url_path: str  # the path of site_url, where the site is served ("/xxgk/")
    keep: int  # releases kept on the server (the plugin's deploy_keep)


def _config_file(site: Path) -> Path:
    """The site's mkdocs.yml; BuildFailed (exit 2) when there is none."""
    config_file = site / CONFIG_FILE
    if not config_file.is_file():
        raise BuildFailed(f"找不到 {config_file}：站点目录中需要 mkdocs.yml。", 2)
    return config_file


def site_config(site: Path) -> tuple[MkDocsConfig, DisclosurePlugin]:
    """The site's mkdocs.yml, loaded, and our plugin in it; BuildFailed (exit 2) otherwise."""
    _quiet_logging()
    config = load_site_config(_config_file(site))
    plugin = config.plugins.get("disclosure")
    if plugin is None:
        raise BuildFailed("mkdocs.yml 的 plugins 中缺少 disclosure，请加上“- disclosure”。", 2)
    return config, plugin


def publish_settings(site: Path) -> PublishSettings:
    config, plugin = site_config(site)
    url_path = urlsplit(config.site_url or "/").path or "/"
    return PublishSettings(Path(config.site_dir), url_path, plugin.config.deploy_keep)


def release_free_memory() -> None:
    """Collect garbage and hand freed memory back to the system (glibc's ``malloc_trim``).

    Python keeps the memory of freed objects for its next allocations; the build needs it
    given back while the publish steps run (the machine's memory budget, issue #9). Elsewhere than
    glibc only the collection happens.
    """
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)


def _interrupt(signum: int, frame: object) -> None:
    """A preview ended by SIGTERM (a process manager, a closed terminal) stops as Ctrl+C stops
    it, so MkDocs removes the temporary folder it builds the preview in."""
    raise KeyboardInterrupt


def serve_site(site: Path, as_of: AsOf | None, address: str) -> None:
    """The preview (generator/render/mkdocs_preview.py): content errors never end it."""
    _quiet_logging()
    _config_file(site)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        Preview(site, as_of, address).serve()
    except ConfigurationError as error:
        raise BuildFailed(f"mkdocs.yml 配置错误：{error}", 2) from None
    except OSError as error:
        raise BuildFailed(
            f"无法在 {address} 上预览：{error.strerror}（端口被占用时用 -a 换一个端口）。", 1
        ) from None
