"""Running MkDocs for the `disclosure build` and `serve` commands (the adapter side of the CLI)."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import logging
import os
from pathlib import Path

import jinja2
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.commands.serve import serve as mkdocs_serve
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError, MkDocsException

from generator.content.dates import AsOf
from generator.content.model import Collection
from generator.diagnostics import Report
from generator.timings import BuildTimings

CONFIG_FILE = "mkdocs.yml"
AS_OF_VARIABLE = "DISCLOSURE_AS_OF"  # how `disclosure serve` passes --as-of to the plugin


class BuildFailed(Exception):
    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _quiet_logging() -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.WARNING)


def build_site(
    site: Path,
    as_of: AsOf,
    collection: Collection,
    report: Report,
    timings: BuildTimings | None = None,
    *,
    full: bool = False,
) -> Path:
    """Render the validated site with MkDocs; returns the output folder. With ``timings``, the
    plugin records the seconds of its stages there. Unless ``full``, pages whose inputs did not
    change since the last build are taken over from it (generator/render/incremental.py)."""
    _quiet_logging()
    config_file = site / CONFIG_FILE
    if not config_file.is_file():
        raise BuildFailed(f"找不到 {config_file}：站点目录中需要 mkdocs.yml。", 2)
    plugin = None
    try:
        config = load_config(str(config_file))
        plugin = config.plugins.get("disclosure")
        if plugin is None:
            raise BuildFailed("mkdocs.yml 的 plugins 中缺少 disclosure，请加上“- disclosure”。", 2)
        plugin.as_of_override = as_of
        plugin.preloaded = (collection, report)
        plugin.command = "build"
        plugin.full_build = full
        plugin.publish_after_mkdocs = True
        if timings is not None:
            plugin.timings = timings
        mkdocs_build(config)
        release_free_memory()  # MkDocs' files, pages and navigation, before publishing
        plugin.publish()
        output = plugin.output.target if plugin.output else Path(config.site_dir)
    except ConfigurationError as error:
        raise BuildFailed(f"mkdocs.yml 配置错误：{error}", 2) from None
    except (Abort, MkDocsException) as error:
        reason = plugin.failure if plugin is not None and plugin.failure else str(error)
        raise BuildFailed(f"生成失败：{reason}", 1) from None
    except jinja2.TemplateSyntaxError as error:
        raise BuildFailed(
            f"模板语法错误：{error.filename}:{error.lineno}: {error.message}", 1
        ) from None
    except jinja2.TemplateError as error:
        raise BuildFailed(f"模板错误：{error}", 1) from None
    except OSError as error:
        raise BuildFailed(f"读写文件失败：{error}", 1) from None
    finally:
        if plugin is not None:
            report.extend(plugin.publish_report)
    return output


def release_free_memory() -> None:
    """Collect garbage and hand freed memory back to the system (glibc's ``malloc_trim``).

    Python keeps the memory of freed objects for its next allocations; the build needs it
    given back while the publish steps run (issue #9: 4 GB at 100,000 items). Elsewhere than
    glibc only the collection happens.
    """
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)


def serve_site(site: Path, as_of: AsOf | None, address: str) -> None:
    _quiet_logging()
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    if as_of is not None:
        os.environ[AS_OF_VARIABLE] = as_of.moment.strftime("%Y-%m-%d %H:%M")
    watch = [str(site / "columns.yml")]
    if (site / "theme").is_dir():
        watch.append(str(site / "theme"))
    try:
        mkdocs_serve(str(site / CONFIG_FILE), livereload=True, watch=watch, dev_addr=address)
    except OSError as error:
        raise BuildFailed(
            f"无法在 {address} 上预览：{error.strerror}（端口被占用时用 -a 换一个端口）。", 1
        ) from None
    except (Abort, MkDocsException) as error:
        raise BuildFailed(f"预览失败：{error}", 1) from None
