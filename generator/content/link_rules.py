"""Link rules before rendering: every link a Markdown source writes must reach a published file.

Checked for items and column pages (index.md), at the link's line and column:

- a link to a file that does not exist under content/ (E-LINK-MISSING), with the likely fix
  (wrong case, ``\\`` instead of ``/``, a near file name);
- a link from a published page to an item that will not be published at the as-of moment —
  依申请公开, 不予公开, a draft, or scheduled after the as-of date — which would 404 or leak
  (E-LINK-NOT-PUBLIC);
- a link that leaves content/: ``../`` past the root, ``/`` absolute paths, ``C:\\…``,
  ``file:`` and ``\\\\server`` paths from the clerk's computer (E-LINK-OUTSIDE).

Links without a file extension (``../zcjd/``) and ``#anchors`` are not files: MkDocs leaves them
as written, and the link check of the rendered site (:mod:`generator.publish.linkcheck`) checks
them against the real output and reports them here, at the same line.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from generator.content.attachments import SIDECAR_SUFFIX
from generator.content.dates import AsOf
from generator.content.links import Link, attachment_type, resolve
from generator.content.markdown_html import to_html
from generator.content.model import Collection, ColumnPage, Item
from generator.content.nesting import convertible
from generator.diagnostics import Report

_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")  # C:\Users\… or C:/Users/…
_NAME_RUN = re.compile(r"[^\s()<>\[\]\"'|*]+")  # text that may hold a file's name
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,5})(?![A-Za-z0-9])")


@dataclass(frozen=True)
class MarkdownSource:
    """A Markdown file whose links are checked: an item or a column page. Its body is read only
    where a check needs it (an item's may still be on disk: model.LazyText)."""

    document: Item | ColumnPage
    published: bool  # ends up on the public site at the as-of moment

    @property
    def source(self) -> str:
        return self.document.source  # content/…, for diagnostics

    @property
    def src_uri(self) -> str:
        return self.document.src_uri  # relative to content/

    @property
    def body(self) -> str:
        return self.document.body

    @property
    def body_line(self) -> int:
        return self.document.body_line

    def links(self) -> list[Link]:
        return self.document.links


def markdown_sources(collection: Collection, as_of: AsOf) -> list[MarkdownSource]:
    """Every item and column page; column pages are always published."""
    return [MarkdownSource(item, item.is_public(as_of)) for item in collection.items] + [
        MarkdownSource(page, True) for page in collection.pages
    ]


def local_file_path(target: str) -> bool:
    """A path on the clerk's computer: ``C:\\…``, ``file:…`` or ``\\\\server\\share``."""
    return (
        bool(_DRIVE.match(target))
        or target.lower().startswith("file:")
        or target.startswith("\\\\")
    )


def is_file_link(path: str) -> bool:
    """Whether a link path names a file (has an extension), as MkDocs decides it."""
    return bool(posixpath.splitext(path.rstrip("/"))[1]) and not path.endswith("/")


def withheld_files(collection: Collection, as_of: AsOf) -> dict[str, Item]:
    """The attachments that an item withheld at ``as_of`` (依申请公开, 不予公开, a draft, or
    scheduled later) uses, with the first such item: never published, even where a public page
    links them too, since the file is part of what is withheld.

    "Uses": links to or embeds — and, to be safe whatever Markdown makes of an odd link
    (``[名 [单] 表](名单.pdf)``), names anywhere in its body."""
    known = collection.withheld.get(as_of.moment)
    if known is not None:
        return known
    files = set(collection.attachments)
    extensions = {posixpath.splitext(path)[1][1:] for path in files}
    used: dict[str, Item] = {}
    for item in collection.items:
        if item.is_public(as_of) or not item.body:
            continue
        targets = [resolve(item.src_uri, link) for link in item.links]
        targets += _files_named(item.body, posixpath.dirname(item.src_uri), files, extensions)
        for target in targets:
            if target in files:
                used.setdefault(target, item)
    collection.withheld[as_of.moment] = used
    return used


def _files_named(body: str, folder: str, files: set[str], extensions: set[str]) -> list[str]:
    """The files of ``files`` that ``body`` names, relative to ``folder``. Chinese prose runs
    into a name (见附件名单.pdf、表.xls): before each extension of an attachment, the longest
    ending that is a file."""
    named = []
    for run in _NAME_RUN.findall(body):
        for ending in _EXTENSION.finditer(run):
            if ending[1] not in extensions:
                continue  # 1.5亿, v2.0: not the extension of any attachment
            written = run[: ending.end()]
            for start in range(len(written)):
                path = posixpath.normpath(posixpath.join(folder, unquote(written[start:])))
                if path in files:
                    named.append(path)
                    break
    return named


class LinkRules:
    def __init__(self, collection: Collection, as_of: AsOf, report: Report) -> None:
        self.as_of = as_of
        self.report = report
        self.items: dict[str, Item] = {item.src_uri: item for item in collection.items}
        self.documents: dict[str, Item | ColumnPage] = {
            **self.items,
            **{page.src_uri: page for page in collection.pages},
        }
        self.withheld_files = withheld_files(collection, as_of)
        # A column's index.md exists on the site even without a source file: the renderer
        # generates the listing or section page (and the home page) in its place.
        generated = {"index.md"} | {f"{c.path}/index.md" for c in collection.catalog.walk()}
        self.files: set[str] = set(self.documents) | set(collection.attachments) | generated
        self.by_lower: dict[str, str] = {uri.lower(): uri for uri in self.files}
        self.linked: set[str] = set()  # the files some Markdown source links to
        self.list_columns = sorted(
            (c.path for c in collection.catalog.walk() if c.is_list), key=len, reverse=True
        )
        self.page_addresses = {item.url.rstrip("/") for item in collection.items} | {
            c.path for c in collection.catalog.walk()
        }
        self.anchors: dict[str, frozenset[str] | None] = {}  # by source, once asked
        self.reported_anchors: set[tuple[str, str, str]] = set()

    def problem(self, code: str, source: MarkdownSource, link: Link, message: str) -> None:
        self.report.add(code, source.source, link.line, message, column=link.column)

    def check_link(self, source: MarkdownSource, link: Link) -> None:
        target = link.target.strip()
        if local_file_path(target):
            self.problem(
                "E-LINK-OUTSIDE",
                source,
                link,
                f"链接“{target}”是本机电脑上的文件路径，网站上打不开；"
                "请把文件复制到本条目所在的文件夹，再用文件名链接，如 附件1.pdf。",
            )
            return
        if target.startswith("#"):
            self.check_anchor(source, link, source.src_uri, source.document)
            return
        if not target or link.is_external:
            return  # external links are checked with --external
        path = unquote(urlsplit(target).path)
        if path.startswith(("/", "\\")):
            self.problem(
                "E-LINK-OUTSIDE",
                source,
                link,
                f"链接“{target}”以“/”开头，是绝对路径，网站部署在子目录时会失效；"
                "请改为相对于本文件的路径（同一文件夹中的附件直接写文件名）。",
            )
            return
        # MkDocs rewrites a Markdown link to a file from the source's folder; a raw HTML link and
        # a folder address stay as written, so the browser reads them from the page's address.
        page_relative = link.in_html or not is_file_link(path)
        folder = page_folder(source.src_uri) if page_relative else posixpath.dirname(source.src_uri)
        resolved = posixpath.normpath(posixpath.join(folder, path.replace("\\", "/")))
        if resolved == ".." or resolved.startswith("../"):
            self.problem(
                "E-LINK-OUTSIDE",
                source,
                link,
                f"链接“{target}”指向 content/ 以外（“../”过多），生成的网站中没有这个文件；"
                "请把文件放进 content/ 中，并按本文件所在位置写相对路径。",
            )
            return
        if not path or not is_file_link(path):
            self.check_page_address(source, link, resolved)
            return
        if "\\" not in path and resolved in self.files:
            self.linked.add(resolved)
            self.check_anchor(source, link, resolved, self.documents.get(resolved))
            item = self.items.get(resolved)
            if item is not None and source.published and not item.is_public(self.as_of):
                self.problem(
                    "E-LINK-NOT-PUBLIC",
                    source,
                    link,
                    f"链接“{target}”指向的“{item.title}”{self.why_not_public(item)}，"
                    "公开页面上的这个链接会失效或泄露不公开的信息；"
                    "请删除该链接，或在被链接的条目发布后再添加。",
                )
            withheld = self.withheld_files.get(resolved)
            if withheld is not None and source.published and resolved != source.src_uri:
                self.problem(
                    "E-LINK-NOT-PUBLIC",
                    source,
                    link,
                    f"附件“{target}”也是“{withheld.title}”（{withheld.source}）所用的附件，"
                    f"而该条目{self.why_not_public(withheld)}；不公开条目的附件一律不发布，"
                    "公开页面上的这个链接会失效或泄露不公开的信息。请删除该链接；"
                    "确需公开的材料请另存一份副本（另起文件名）供本条目链接。",
                )
            return
        self.problem(
            "E-LINK-MISSING",
            source,
            link,
            f"链接的{_what(resolved)}“{target}”不存在（应在 content/{resolved}）。"
            + (
                HTML_ADDRESS_HINT
                if link.in_html and folder != posixpath.dirname(source.src_uri)
                else ""
            )
            + self.hint(path, resolved, folder),
        )

    def check_page_address(self, source: MarkdownSource, link: Link, resolved: str) -> None:
        """A folder address (``../zcjd/``, ``某条目/``) inside a list column must be a page the
        site has: the column's listing, one of its pages, or an item. Addresses elsewhere are
        generated pages (分类浏览, 检索…) that the link check of the built site checks."""
        column = self.column_holding(resolved)
        if column is None or resolved in self.page_addresses:
            return
        rest = resolved.removeprefix(column + "/")
        if rest.startswith("page/") and rest.removeprefix("page/").isdigit():
            return  # a later page of the listing
        self.problem(
            "E-LINK-MISSING",
            source,
            link,
            f"链接“{link.target}”的页面 {resolved}/ 不存在：文件夹形式的地址从本页的网址"
            f"（{page_folder(source.src_uri)}/）算起。链接条目请写它的文件名，如"
            " [标题](../zcjd/某条目.md)，生成网站时会换成正确的地址。",
        )

    def column_holding(self, resolved: str) -> str | None:
        """The list column whose folder holds ``resolved`` (not the column itself)."""
        for column in self.list_columns:
            if resolved.startswith(column + "/"):
                return column
        return None

    def check_anchor(
        self, source: MarkdownSource, link: Link, target: str, document: Item | ColumnPage | None
    ) -> None:
        """``#anchor``: an id the target's Markdown gives its page (a heading's slug, an
        ``{#id}``), as the rendered page will have it."""
        fragment = unquote(link.fragment)
        if not fragment or document is None:  # no anchor, or not a page of ours read here
            return
        if target not in self.anchors:
            self.anchors[target] = anchors_of(document.body)
        anchors = self.anchors[target]
        if anchors is None or fragment in anchors:
            return
        if (source.src_uri, target, fragment) in self.reported_anchors:
            return  # one finding for the same missing anchor of a page
        self.reported_anchors.add((source.src_uri, target, fragment))
        page = "本页" if target == source.src_uri else f"“{link.target.split('#')[0]}”"
        listed = "、".join(f"#{anchor}" for anchor in sorted(anchors)[:20])
        self.problem(
            "E-LINK-ANCHOR",
            source,
            link,
            f"链接“{link.target}”的锚点 #{fragment} 在{page}中不存在。"
            + (
                f"该页面的锚点有：{listed}。"
                if listed
                else "该页面没有标题锚点；请删除 # 及其后的部分。"
            ),
        )

    def why_not_public(self, item: Item) -> str:
        if item.draft:
            return "是草稿，不会发布"
        if item.disclosure and item.disclosure != "主动公开":
            return f"的公开属性是“{item.disclosure}”，不在网站上公开"
        if item.is_scheduled(self.as_of):
            return f"定于 {item.published_text} 发布，晚于本次生成的截至时间 {self.as_of}"
        return "未通过校验（公开属性或发布日期有误），不会发布"

    def hint(self, path: str, resolved: str, folder: str) -> str:
        """The likely fix: the separator, the letter case, or a near name in the folder."""
        if resolved in self.files:  # only the backslashes were wrong
            return (
                f"路径分隔符应为“/”，应写为 {_relative(resolved, folder)}"
                "（disclosure fix 可自动改正）。"
            )
        for moved in (
            resolved.removesuffix(".md") + "/index.md",
            resolved.removesuffix("/index.md") + ".md",
        ):
            if moved != resolved and moved in self.files:  # an item moved into or out of a folder
                return f"该条目的文件在 content/{moved}，应写为 {_relative(moved, folder)}。"
        same_but_case = self.by_lower.get(resolved.lower())
        if same_but_case:
            return f"文件名大小写不一致（网站服务器区分大小写），应写为 {_relative(same_but_case, folder)}。"
        target_folder = posixpath.dirname(resolved)
        is_page = resolved.endswith(".md")
        neighbours = [
            f
            for f in self.files
            if posixpath.dirname(f) == target_folder and f.endswith(".md") == is_page
        ]
        close = difflib.get_close_matches(resolved, neighbours, n=1, cutoff=0.6)
        if close:
            return f"是不是 {_relative(close[0], folder)}？"
        return "请核对文件名和路径；附件要放在条目所在的文件夹中。"


def _what(resolved: str) -> str:
    if resolved.endswith(".md"):
        return "页面"
    kind = attachment_type(resolved)
    return "图片" if kind == "图片" else f"附件（{kind}）" if kind != "文件" else "文件"


def _relative(uri: str, folder: str) -> str:
    return posixpath.relpath(uri, folder or ".")


MAX_ANCHORED_BODY = 500_000  # characters: a longer body's anchors are left to the build's check


def anchors_of(body: str) -> frozenset[str] | None:
    """The ids a Markdown body gives its page, converted as the build converts it (the toc
    extension's slugs of the headings, attr_list's ``{#id}``, raw HTML ids); None for a body
    that Markdown cannot convert in bounded time (check_nesting reports it)."""
    if len(body) > MAX_ANCHORED_BODY or not convertible(body):
        return None
    try:
        html = to_html(body)
    except RecursionError:  # nesting too deep for Markdown: reported by its own check
        return frozenset()
    collector = _Ids()
    collector.feed(html)
    return frozenset(collector.ids)


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name == "id" or (tag == "a" and name == "name")):
                self.ids.add(value)


HTML_ADDRESS_HINT = (
    "原始 HTML 标签中的相对地址不会被换算，浏览器从网页的地址算起（条目“名称.md”的网页在“名称/”）："
    "请改用 Markdown 写法 ![说明](图.png) 或 [名称](附件.pdf)，或把条目放进条目文件夹。"
)


def page_folder(src_uri: str) -> str:
    """The folder of a source's page address: ``a/b.md`` → ``a/b``, ``a/b/index.md`` → ``a/b``."""
    if posixpath.basename(src_uri) == "index.md":
        return posixpath.dirname(src_uri)
    return src_uri.removesuffix(".md")


def check_links(collection: Collection, as_of: AsOf, report: Report) -> None:
    """Check every link of every item and column page (see the module docstring)."""
    rules = LinkRules(collection, as_of, report)
    for source in markdown_sources(collection, as_of):
        for link in source.links():
            rules.check_link(source, link)
    for orphan in sorted(set(collection.attachments) - rules.linked):
        if not orphan.endswith(SIDECAR_SUFFIX):  # an annual report's tables, read beside it
            report.add(
                "W-FILE-ORPHAN",
                f"content/{orphan}",
                1,
                f"content/{orphan} 没有被任何条目链接，不会发布。要发布它，请在条目正文中用"
                f"[附件名称]({posixpath.basename(orphan)}) 链接；不需要的文件请删除。",
            )
