"""The plugin's options in mkdocs.yml, and what the core takes from MkDocs' configuration."""

from __future__ import annotations

import html
from datetime import date, datetime
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as option
from mkdocs.config.base import Config, ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError, PluginError

from generator.build import SiteSettings
from generator.content.collection import CONTENT_DIR
from generator.content.sanitize import url_scheme
from generator.publish.atomic import unsafe_output
from generator.publish.external_links import ExternalMode
from generator.site.model import SiteIdentity, SiteModel

THEME_DIR = Path(__file__).parent / "theme"


class SetupError(PluginError):
    """A problem of the configuration or of how the build was started, not of the content: the
    plugin raises it, and the build exits with 2."""


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
    data_licence = option.Type(str, default="")  # terms of use shown on data/ (数据开放)
    workers = option.Type(int, default=0)  # processes that render pages; 0 = one per core
    reuse_navigation = option.Type(bool, default=True)  # see theme/partials/nav.html
    reuse_markdown = option.Type(bool, default=True)  # see generator/render/mkdocs_conversion.py
    # The clerk's guide (guide/) and the inspection report (report/) in the output: for a staff
    # build kept off the public server; the public site has neither (issue #26).
    staff_pages = option.Type(bool, default=False)
    deploy_keep = option.Type(int, default=5)  # releases `disclosure deploy` keeps on the server
    # The bound on one page's Markdown conversion (mkdocs_time_bound.py): well above
    # what the largest item allowed (5 MB of ordinary text) needs; see bench/README.md.
    markdown_seconds = option.Type((int, float), default=20)
    # Links to other sites in a plain `mkdocs build` (`disclosure build --external` says it there)
    external_links = option.Choice([mode.value for mode in ExternalMode], default="off")


def site_settings(config: MkDocsConfig, options: DisclosureConfig) -> SiteSettings:
    """What the core needs of mkdocs.yml, once it is known to be usable."""
    site_dir = Path(config.config_file_path or ".").resolve().parent
    if Path(config.docs_dir).resolve() != (site_dir / CONTENT_DIR).resolve():
        raise SetupError(
            f"mkdocs.yml 中的 docs_dir 必须是 {CONTENT_DIR}（当前为 {config.docs_dir}）。"
        )
    unsafe = unsafe_output(site_dir, Path(config.site_dir))
    if unsafe is not None:
        raise PluginError(f"mkdocs.yml 配置错误：{unsafe}；请改回 site_dir: site。")
    _refuse_markup_in_site_texts(config)
    identity = SiteIdentity(
        name=config.site_name,
        url=config.site_url or "",
        domain=options.site_domain,
        id_code=options.site_id_code,
        organizer=options.organizer,
        icp=options.icp,
        police_record=options.police_record,
        error_report_url=options.error_report_url,
        contact=options.contact,
        party_mark_url=options.party_mark_url,
        party_mark_image=options.party_mark_image,
        data_licence=options.data_licence,
    )
    return SiteSettings(
        identity=identity,
        staff_pages=options.staff_pages,
        content_dir=Path(config.docs_dir),
        output_dir=Path(config.site_dir),
        config_file=Path(config.config_file_path or "mkdocs.yml"),
        theme_dirs=tuple(theme_dirs(config)),
    )


def theme_dirs(config: MkDocsConfig) -> list[str]:
    """The theme's template folders with ours added: after the site's own theme/ overrides,
    before Material's."""
    dirs = list(config.theme.dirs)
    dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_DIR))
    return dirs


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


def navigation(model: SiteModel) -> list[Any]:
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
