"""Link check of the rendered site, the last gate before publishing (死链、断链).

Every HTML page of the staging folder is read with lexbor (selectolax), and every internal link,
``#anchor``, image, stylesheet, script and attachment is resolved against the files of the
build: in the Markdown body, and in what the templates generate around it (listings, browse
pages, pagers, breadcrumbs, navigation, footer). Pages are read in parallel, one process per core.

A broken target is reported where it can be fixed: at the line of the Markdown source when the
link was written there (the page is mapped back to its item or column page through the site
model), otherwise at the generated page, once per broken target with the number of pages that
carry it. Any finding is an error, so the previous ``site/`` stays in place (SPEC §7).

External links are collected here and checked only on request (:mod:`.external_links`).
"""

from __future__ import annotations

import gc
import html
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cached_property, partial
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from generator.capabilities import can_fork, usable_cores
from generator.content.link_rules import MarkdownSource, markdown_sources, page_folder
from generator.content.links import Link, attachment_type
from generator.diagnostics import Report
from generator.publish.atomic import files_under, overlay_path
from generator.publish.external_links import (
    CACHE_DIR,
    ExternalLinkChecker,
    ExternalMode,
    ExternalResult,
    unreachable_message,
)
from generator.site.model import SiteModel

# Which attributes of which elements load or link to a URL.
LINK_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "script": ("src",),
    "iframe": ("src",),
    "embed": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "object": ("data",),
    "input": ("src",),
}
_ORIGIN_ONLY_RELS = {"preconnect", "dns-prefetch"}  # <link rel> that names a host, not a file
_NOT_CHECKED_SCHEMES = {"mailto", "tel", "javascript", "data", "about", "sms", "blob"}
_LANDMARKS = {"footer": "页脚", "nav": "导航", "header": "页眉", "aside": "侧栏", "table": "表格"}
_STAGING = re.compile(r"^\.(?P<name>.+)-staging-\d+$")  # generator.publish.atomic's folder name
PARALLEL_FROM_PAGES = 300  # below this, starting processes costs more than it saves


@dataclass(frozen=True)
class HtmlLink:
    """One URL in a page, as written, and where: line, element, landmark (页脚, 导航…)."""

    url: str
    tag: str
    attribute: str
    line: int
    landmark: str = ""

    @property
    def what(self) -> str:
        if self.tag in ("img", "source", "video") or self.attribute == "poster":
            return "图片"
        if self.tag == "link":
            return "样式表或图标"
        if self.tag == "script":
            return "脚本"
        return "链接"


@dataclass(frozen=True)
class Problem:
    page: str  # the HTML file, relative to the output folder
    link: HtmlLink
    kind: str  # "dead", "outside" or "anchor"
    target: str  # resolved path in the output ("" when outside)
    fragment: str = ""


@dataclass
class PageScan:
    """What one page holds: its anchors, its broken links, and what only the whole site can tell."""

    page: str
    anchors: frozenset[str]
    problems: list[Problem] = field(default_factory=list)
    foreign_anchors: list[Problem] = field(default_factory=list)  # #x in another page, unchecked
    external: list[tuple[str, HtmlLink]] = field(default_factory=list)
    targets: set[str] = field(default_factory=set)  # the files of the build it links to


@dataclass
class LinkState:
    """What a passed link check knows of each page, kept for the next (incremental) build.

    A page that the next build takes over unchanged needs no second reading: its links are
    still sound if every file it links to is still there and the anchors it expects in other
    pages are still in them (pages that changed are read again, so their anchors are known).
    Most pages link to the same files (the navigation, the assets): equal lists of files are
    one tuple, shared, and stored once.
    """

    targets: dict[str, tuple[str, ...]]  # page → the files it links to, sorted
    anchors: dict[str, list[tuple[str, str]]]  # page → (other page, fragment) it links to

    @classmethod
    def of(cls, scans: Iterable[PageScan]) -> LinkState:
        state = cls({}, {})
        shared: dict[tuple[str, ...], tuple[str, ...]] = {}
        for scan in scans:
            targets = tuple(sorted(scan.targets))
            state.targets[scan.page] = shared.setdefault(targets, targets)
            state.anchors[scan.page] = sorted(
                {(p.target, p.fragment) for p in scan.foreign_anchors}
            )
        return state

    def to_json(self) -> dict[str, object]:
        lists: dict[tuple[str, ...], int] = {}
        pages = {
            page: lists.setdefault(targets, len(lists)) for page, targets in self.targets.items()
        }
        files = sorted({target for targets in lists for target in targets})
        number = {file: n for n, file in enumerate(files)}
        return {
            "files": files,
            "lists": [list(map(number.__getitem__, targets)) for targets in lists],
            "targets": pages,
            "anchors": {
                page: [list(pair) for pair in pairs]
                for page, pairs in self.anchors.items()
                if pairs
            },
        }

    @classmethod
    def from_json(cls, data: object) -> LinkState | None:
        try:
            assert isinstance(data, dict)
            files = [str(file) for file in data["files"]]
            lists = [tuple(map(files.__getitem__, ns)) for ns in data["lists"]]
            targets = {str(page): lists[n] for page, n in data["targets"].items()}
            anchors = {
                str(page): [(str(target), str(fragment)) for target, fragment in pairs]
                for page, pairs in data["anchors"].items()
            }
            return cls(targets, anchors)
        except (AssertionError, KeyError, TypeError, ValueError, IndexError, AttributeError):
            return None


# Reading one page ---------------------------------------------------------------------------


Locator = Callable[[], HtmlLink]  # where a URL sits: asked only for the URLs that are broken

# Every element that may hold an anchor or a URL, and the templates whose content holds more,
# in one query: lexbor answers it in document order.
_QUERY = "[id], a[name], template, " + ", ".join(
    sorted({f"[{name}]" for names in LINK_ATTRIBUTES.values() for name in names})
)


def read_page(data: bytes) -> tuple[set[str], dict[str, Locator]]:
    """Anchors (``id``, ``<a name>``) and URLs of one HTML page, each URL once, in the order
    they first appear; where a URL sits is only worked out when asked (for the broken ones)."""
    anchors: set[str] = set()
    urls: dict[str, Locator] = {}
    _read_elements(LexborHTMLParser(data).css(_QUERY), data, anchors, urls, "")
    return anchors, urls


def _read_elements(
    elements: list[LexborNode],
    data: bytes,
    anchors: set[str],
    urls: dict[str, Locator],
    outer_landmark: str,
) -> None:
    for element in elements:
        tag, attributes = element.tag or "", element.attributes
        anchor = attributes.get("id")
        if anchor:
            anchors.add(anchor)
        if tag == "template":  # its content is a fragment of its own, outside the tree
            landmark = _landmark(element, outer_landmark)
            for content in element.template_fragments():
                _read_elements(content.css(_QUERY), data, anchors, urls, landmark)
            continue
        names = LINK_ATTRIBUTES.get(tag)
        if names is None:
            continue
        if tag == "a":
            anchor = attributes.get("name")
            if anchor:
                anchors.add(anchor)
        if _names_a_host(tag, attributes.get("rel")):
            continue
        for name in names:
            for url in _urls(name, attributes.get(name) or ""):
                if url not in urls:
                    urls[url] = partial(_locate, data, element, name, url, outer_landmark)


def _locate(
    data: bytes, element: LexborNode, attribute: str, url: str, outer_landmark: str
) -> HtmlLink:
    tag = element.tag or ""
    return HtmlLink(
        url, tag, attribute, _line_of(data, tag, attribute, url), _landmark(element, outer_landmark)
    )


def _landmark(element: LexborNode, outer_landmark: str) -> str:
    """The nearest landmark around ``element`` (footer, navigation, table…), described."""
    parent = element.parent
    while parent is not None:
        if parent.tag in _LANDMARKS:
            return _describe(parent.tag, parent.attributes)
        parent = parent.parent
    return outer_landmark


_VALUE_ENDS = (b'"', b"'", b">", b" ", b"\t", b"\n", b"\r", b"\f")  # after an attribute value


def _line_of(data: bytes, tag: str, attribute: str, url: str) -> int:
    """The line of the first ``<tag …>`` whose ``attribute`` holds ``url``, found in the page's
    bytes: lexbor keeps no positions. The URL is looked for as written and with its characters
    escaped; line 1 if it is written another way still (character references)."""
    opening, name = f"<{tag}".encode(), attribute.encode()
    ends = (*_VALUE_ENDS, b",") if attribute == "srcset" else _VALUE_ENDS
    for written in dict.fromkeys((url, html.escape(url, quote=False), html.escape(url))):
        needle = written.encode()
        found = data.find(needle)
        while found >= 0:
            start = data.rfind(b"<", 0, found)  # the tag it is in, if it is in one
            in_tag = data[start:found]
            if (
                in_tag[: len(opening)].lower() == opening
                and in_tag[len(opening) : len(opening) + 1].isspace()
                and b">" not in in_tag
                and data[found + len(needle) : found + len(needle) + 1] in ends
                and _value_begins(in_tag, name)
            ):
                return data.count(b"\n", 0, start) + 1
            found = data.find(needle, found + 1)
    return 1


def _value_begins(in_tag: bytes, attribute: bytes) -> bool:
    """Whether a start tag read up to here ends where a value of ``attribute`` begins (or,
    in a ``srcset``, one of its candidates): ``<a class="x" href="`` for ``href``."""
    before = in_tag.removesuffix(b'"').removesuffix(b"'").rstrip()
    if attribute == b"srcset" and before.endswith(b","):
        return True
    name = before.removesuffix(b"=").rstrip().lower()
    return (
        before.endswith(b"=")
        and name.endswith(attribute)
        and name[-len(attribute) - 1 : -len(attribute)].isspace()
    )


def _describe(tag: str, attributes: dict[str, str | None]) -> str:
    """``导航 nav.dp-pager（分页）``: where on the page a link sits, for whoever edits templates."""
    classes = (attributes.get("class") or "").split()
    label = attributes.get("aria-label") or ""
    text = f"{_LANDMARKS[tag]} {tag}" + (f".{classes[0]}" if classes else "")
    return text + (f"（{label}）" if label else "")


def _names_a_host(tag: str, rel: str | None) -> bool:
    """A ``<link rel="preconnect">`` or ``dns-prefetch``: its URL is a host, not a file."""
    return (
        tag == "link" and rel is not None and not _ORIGIN_ONLY_RELS.isdisjoint(rel.lower().split())
    )


def _urls(attribute: str, value: str) -> list[str]:
    """The URLs of one attribute value: one, or the candidates of a ``srcset``."""
    if attribute == "srcset":
        return [part.split()[0] for part in value.split(",") if part.strip()]
    value = value.strip()
    return [value] if value else []


# Resolving URLs against the output ------------------------------------------------------------


@dataclass(frozen=True)
class OutputFiles:
    """The files of the build, and the address the site is served at (for absolute links).

    An incremental build's output folder holds only what is new; the other files are those of
    the ``published`` site (generator/publish/atomic.py), where :meth:`read` finds them.
    """

    root: Path
    files: frozenset[str]  # relative paths with /
    origin: str = ""  # https://www.example.gov.cn
    base_path: str = "/"  # /xxgk/
    external: bool = False  # collect external URLs
    published: Path | None = None

    def read(self, page: str) -> bytes:
        return overlay_path(self.root, self.published, page).read_bytes()

    def page_file(self, path: str, folder: bool) -> str | None:
        """The file a resolved path is served from: the file itself or the folder's index.html."""
        if path in ("", "."):
            return "index.html" if "index.html" in self.files else None
        if not folder and path in self.files:
            return path
        index = f"{path}/index.html"
        return index if index in self.files else None

    @property
    def host(self) -> str:
        return urlsplit(self.origin).netloc.lower()

    def local_path(self, url: str, folder: str) -> tuple[str, bool] | None:
        """(site-relative path, names a folder) of an internal URL; None if it is external.

        ``folder`` is the linking page's folder. Absolute URLs and ``/paths`` are internal when
        they fall under the site's own address (the home page's canonical link).
        """
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            if not self.host or parts.netloc.lower() != self.host:
                return None
            rooted: str | None = parts.path or "/"
        else:
            rooted = parts.path if parts.path.startswith("/") else None
        if rooted is not None:
            if rooted == self.base_path.rstrip("/"):
                rooted = self.base_path
            if not rooted.startswith(self.base_path):
                return None  # elsewhere on the server: cannot be checked offline
            decoded = unquote(rooted[len(self.base_path) :])
            return posixpath.normpath(decoded or "."), decoded.endswith("/") or not decoded
        decoded = unquote(parts.path)
        return posixpath.normpath(posixpath.join(folder, decoded)), decoded.endswith("/")

    def resolve(self, url: str, folder: str) -> Resolution:
        """What a URL (with a path) on a page in ``folder`` leads to; the fragment is apart."""
        scheme = urlsplit(url).scheme.lower()
        if scheme in _NOT_CHECKED_SCHEMES:
            return Resolution("skip")
        local = self.local_path(url, folder)
        if local is None:
            return Resolution("external", _absolute(url, self.origin))
        path, is_folder = local
        if path == ".." or path.startswith("../"):
            return Resolution("outside")
        target = self.page_file(path, is_folder)
        if target is None:
            return Resolution("dead", path + ("/" if is_folder and path != "." else ""))
        return Resolution("found", target)


@dataclass(frozen=True)
class Resolution:
    verdict: str  # skip, external, outside, dead, found
    target: str = ""  # found: the file; dead: the missing path; external: the absolute URL


def _absolute(url: str, origin: str) -> str:
    """The address to request: scheme and host added, the fragment (never sent) dropped."""
    url = urldefrag(url).url
    if url.startswith("//"):
        return "https:" + url
    if url.startswith("/") and origin:
        return origin + url
    return url


def _cache_key(folder: str, url: str) -> tuple[str, str] | None:
    """Pages deep in different folders share their navigation links: ``../../x/`` from any
    folder two levels below ``a`` means ``a/x/``. The key is (that ancestor, the rest)."""
    rest, up = url, 0
    while rest.startswith("../"):
        rest, up = rest[3:], up + 1
    if rest.startswith(("/", "#", "?")) or "://" in rest:
        return ("", url)
    parts = folder.split("/") if folder else []
    if up > len(parts):
        return None
    return ("/".join(parts[: len(parts) - up]), rest)


_STATE: OutputFiles | None = None  # the worker processes' copy


_RESOLVED: dict[tuple[str, str], Resolution] = {}  # per process: (folder key, URL) → verdict


def _start_worker(state: OutputFiles | None) -> None:
    global _STATE
    _STATE = state
    _RESOLVED.clear()


def scan_page(page: str) -> PageScan:
    """Read one page and check what it alone can tell (the worker's task)."""
    state = _STATE
    assert state is not None
    anchors, urls = read_page(state.read(page))
    scan = PageScan(page, frozenset(anchors))
    folder = posixpath.dirname(page)
    for url, locate in urls.items():
        if url.startswith(("#", "?")):
            resolution = Resolution("found", page)
        else:
            key = _cache_key(folder, url)
            resolution = _RESOLVED.get(key) if key else None
            if resolution is None:
                resolution = state.resolve(url, folder)
                if key:
                    _RESOLVED[key] = resolution
        verdict, target = resolution.verdict, resolution.target
        if verdict == "skip":
            continue
        if verdict == "external":
            if state.external:
                scan.external.append((target, locate()))
            continue
        if verdict in ("outside", "dead"):
            scan.problems.append(Problem(page, locate(), verdict, target))
            continue
        if target != page:
            scan.targets.add(target)
        fragment = unquote(urlsplit(url).fragment)
        if not fragment or fragment == "top" or not target.endswith(".html"):
            continue
        if target == page:
            if fragment not in anchors:
                scan.problems.append(Problem(page, locate(), "anchor", target, fragment))
        else:
            scan.foreign_anchors.append(Problem(page, locate(), "anchor", target, fragment))
    return scan


def site_address(root: Path, published: Path | None = None) -> tuple[str, str]:
    """(origin, base path) the site is served at, as the home page's canonical link declares."""
    home = overlay_path(root, published, "index.html")
    if not home.is_file():
        return "", "/"
    canonical = LexborHTMLParser(home.read_bytes()).css('link[rel~="canonical"][href]')
    parts = urlsplit(next((href for link in canonical if (href := link.attributes["href"])), ""))
    if not parts.scheme or not parts.netloc:
        return "", "/"
    path = parts.path if parts.path.endswith("/") else posixpath.dirname(parts.path) + "/"
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}", path


# Top-level folders the check never reads: the search bundles, which no page links to and which
# are written while the check runs (generator/publish/pipeline.py).
UNCHECKED_FOLDERS = frozenset({"search-index"})


def all_files(root: Path) -> frozenset[str]:
    return frozenset(files_under(root, UNCHECKED_FOLDERS))


def scan_site(
    state: OutputFiles,
    workers: int | None = None,
    parallel_from: int = PARALLEL_FROM_PAGES,
) -> list[PageScan]:
    """Scan every page, in parallel where it pays; then check anchors across pages."""
    pages = sorted(file for file in state.files if file.endswith(".html"))
    scans = scan_pages(state, pages, workers, parallel_from)
    anchors = {scan.page: scan.anchors for scan in scans}
    check_foreign_anchors(scans, lambda page: anchors.get(page, frozenset()))
    return scans


def check_foreign_anchors(
    scans: Iterable[PageScan], anchors_of: Callable[[str], frozenset[str]]
) -> None:
    """Report the links to ``page#fragment`` whose page has no such anchor."""
    for scan in scans:
        scan.problems.extend(
            problem
            for problem in scan.foreign_anchors
            if problem.fragment not in anchors_of(problem.target)
        )


def scan_pages(
    state: OutputFiles,
    pages: list[str],
    workers: int | None = None,
    parallel_from: int = PARALLEL_FROM_PAGES,
) -> list[PageScan]:
    """Read these pages, in parallel where it pays (anchors across pages are left to check)."""
    workers = workers or len(usable_cores())
    if workers > 1 and len(pages) >= parallel_from and can_fork():
        chunk = max(1, len(pages) // (workers * 8))
        # The workers are forked: with what is alive frozen, their collections leave the
        # build's objects alone instead of copying every memory page they sit on.
        gc.freeze()
        try:
            with ProcessPoolExecutor(
                workers,
                mp_context=get_context("fork"),
                initializer=_start_worker,
                initargs=(state,),
            ) as pool:
                return list(pool.map(scan_page, pages, chunksize=chunk))
        except BrokenProcessPool:  # a worker was killed (out of memory…): do it here, slower
            pass
    _start_worker(state)
    try:
        return [scan_page(page) for page in pages]
    finally:
        _start_worker(None)  # the resolutions of a large site take memory: let them go


def scan_changed_pages(
    state: OutputFiles,
    previous: LinkState,
    unchanged: frozenset[str],
    workers: int | None = None,
) -> tuple[list[PageScan], LinkState]:
    """An incremental link check: read the pages that changed, and any unchanged page whose
    links may have broken (a file it links to is gone, or an anchor it expects in a changed
    page is missing); take over what the previous check knew of the others.

    Returns the scans of the pages read (with their problems) and the state of the whole site.
    """
    pages = [file for file in state.files if file.endswith(".html")]  # no second walk
    lists = {id(targets): targets for targets in previous.targets.values()}  # shared tuples
    complete = {key for key, targets in lists.items() if state.files.issuperset(targets)}
    kept = {
        page for page in pages if page in unchanged and id(previous.targets.get(page)) in complete
    }
    changed = sorted(page for page in pages if page not in kept)
    scans = scan_pages(state, changed, workers)
    anchors = {scan.page: scan.anchors for scan in scans}
    broken = {
        page
        for page in kept
        for target, fragment in previous.anchors.get(page, [])
        if target in anchors and fragment not in anchors[target]
    }
    if broken:  # read them to report each broken link where it is
        scans += scan_pages(state, sorted(broken), workers)
        anchors.update((scan.page, scan.anchors) for scan in scans)
        kept -= broken

    def anchors_of(page: str) -> frozenset[str]:
        if page not in anchors:
            try:
                anchors[page] = frozenset(read_page(state.read(page))[0])
            except OSError:
                anchors[page] = frozenset()
        return anchors[page]

    check_foreign_anchors(scans, anchors_of)
    site = LinkState.of(scans)
    for page in kept:
        site.targets[page] = previous.targets[page]
        site.anchors[page] = previous.anchors.get(page, [])
    return scans, site


# Back to the sources ------------------------------------------------------------------------


def output_page(src_uri: str) -> str:
    """The HTML file a Markdown source becomes (directory URLs, as the site model assumes)."""
    folder = page_folder(src_uri)
    return f"{folder}/index.html" if folder else "index.html"


class SourceMap:
    """From a generated page back to the Markdown file, line and column a link was written at."""

    def __init__(self, model: SiteModel) -> None:
        self.model = model
        self._links: dict[str, list[Link]] = {}

    @cached_property
    def _by_page(self) -> dict[str, MarkdownSource]:  # made when a link is broken
        return {
            output_page(source.src_uri): source
            for source in markdown_sources(self.model.collection, self.model.as_of)
            if source.published
        }

    def source(self, page: str) -> MarkdownSource | None:
        """The Markdown source of ``page`` (its body read again from the file if released:
        Collection.release_bodies)."""
        return self._by_page.get(page)

    def locate(
        self, page: str, link: HtmlLink, target: str = "", fragment: str = ""
    ) -> tuple[MarkdownSource, Link] | None:
        """The Markdown link behind ``link`` of ``page`` (resolved to ``target#fragment``)."""
        source = self.source(page)
        if source is None:
            return None
        written = self._links.get(page)
        if written is None:  # once a page: a released body is read again from its file
            written = self._links[page] = source.links()
        # 1. A link to a file that MkDocs rewrote: another text, the same destination.
        destination = (target, fragment)
        for candidate in written:
            if candidate.target != link.url and _renders_to(source, candidate) == destination:
                return source, candidate
        # 2. Raw HTML in the Markdown: kept as written, attribute and all.
        for quote in "\"'":
            found = self._find(source, f"{link.attribute}={quote}{link.url}{quote}")
            if found is not None:
                line, column = found
                return source, Link(link.url, "", line, column + len(link.attribute) + 2)
        # 3. A Markdown link MkDocs left as written: a folder, an anchor, an external address.
        for candidate in written:
            if candidate.target == link.url:
                return source, candidate
        # 4. The brute way: the URL anywhere in the body.
        for needle in dict.fromkeys((link.url, unquote(link.url))):
            found = self._find(source, needle)
            if found is not None:
                return source, Link(link.url, "", *found)
        return None

    @staticmethod
    def _find(source: MarkdownSource, needle: str) -> tuple[int, int] | None:
        for offset, text in enumerate(source.body.split("\n")):
            column = text.find(needle)
            if column >= 0:
                return source.body_line + offset, column + 1
        return None


def _renders_to(source: MarkdownSource, link: Link) -> tuple[str, str] | None:
    """Where MkDocs sends a Markdown link to a file: (output file, fragment)."""
    if link.is_external or not link.path or link.path.startswith("/"):
        return None
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source.src_uri), link.path))
    if resolved.endswith(".md"):
        return output_page(resolved), link.fragment
    return resolved, link.fragment


# Reporting ----------------------------------------------------------------------------------


def _reason(problem: Problem) -> str:
    link = problem.link
    if problem.kind == "outside":
        return f"{link.what}“{link.url}”指向网站目录之外"
    if problem.kind == "anchor":
        page_url = _page_url(problem.target)
        return f"锚点“#{problem.fragment}”在页面 {page_url or '首页'} 中不存在"
    kind = attachment_type(problem.target)
    what = link.what if kind in ("文件", "图片") else f"附件（{kind}）"
    return f"{what}“{link.url}”的目标 {problem.target} 不存在"


def _page_url(page: str) -> str:
    return page.removesuffix("index.html")


def _code(problem: Problem) -> str:
    return "E-LINK-ANCHOR" if problem.kind == "anchor" else "E-LINK-DEAD"


def report_problems(
    scans: Iterable[PageScan], sources: SourceMap, shown_root: str, report: Report
) -> None:
    generated: dict[tuple[str, str, str], list[Problem]] = defaultdict(list)
    reported_in_source: set[tuple[str, int, int, str]] = set()
    for scan in scans:
        for problem in scan.problems:
            found = sources.locate(problem.page, problem.link, problem.target, problem.fragment)
            if found is None:
                key = (_code(problem), problem.target or problem.link.url, problem.fragment)
                generated[key].append(problem)
                continue
            source, link = found
            key2 = (source.source, link.line, link.column, problem.link.url)
            if key2 in reported_in_source:
                continue
            reported_in_source.add(key2)
            fix = (
                "请改为目标页面中存在的标题锚点，或删除 # 之后的部分。"
                if problem.kind == "anchor"
                else "请链接到 Markdown 源文件（如 ../zcjd/index.md、同一文件夹的 附件1.pdf），"
                "并核对文件名。"
            )
            report.add(
                _code(problem),
                source.source,
                link.line,
                f"生成的页面 {_page_url(problem.page)} 中，{_reason(problem)}。{fix}",
                column=link.column,
            )
    for (code, *_), problems in sorted(generated.items(), key=lambda pair: pair[1][0].page):
        pages = sorted({p.page for p in problems}, key=lambda page: (page != "index.html", page))
        first = next(p for p in problems if p.page == pages[0])  # the home page where it has it
        where = f"，位于{first.link.landmark}" if first.link.landmark else ""
        count = (
            f"共 {len(pages)} 个页面有此链接（如 {'、'.join(pages[:3])}）" if len(pages) > 1 else ""
        )
        report.add(
            code,
            f"{shown_root}/{first.page}",
            first.link.line,
            f"{_reason(first)}{where}。{count}{'；' if count else ''}"
            "这个链接不是 Markdown 中写的，而是模板生成的（列表、分页、面包屑、导航或页脚）："
            "请修正 theme/ 中的模板覆盖或 columns.yml/mkdocs.yml 中的配置。",
        )


def report_external(
    found: Iterable[tuple[str, str, HtmlLink]],
    results: dict[str, ExternalResult],
    sources: SourceMap,
    mode: ExternalMode,
    shown_root: str,
    report: Report,
) -> None:
    """``found``: (page, absolute URL, link) for every external link of the site."""
    by_url: dict[str, list[tuple[str, HtmlLink]]] = defaultdict(list)
    for page, url, link in found:
        by_url[url].append((page, link))
    for url, places in sorted(by_url.items()):
        result = results.get(url)
        if result is None or result.ok:
            continue
        located = set()
        generated = set()
        for page, link in places:
            hit = sources.locate(page, link)
            if hit is None:
                generated.add(page)
            else:
                located.add((hit[0].source, hit[1].line, hit[1].column))
        message = unreachable_message(result)
        for file, line, column in sorted(located):
            report.add(
                "W-LINK-EXTERNAL", file, line, message, column=column, severity=mode.severity
            )
        if generated:
            pages = sorted(generated)
            report.add(
                "W-LINK-EXTERNAL",
                f"{shown_root}/{pages[0]}",
                next(link.line for page, link in places if page == pages[0]),
                f"{message}（来自模板，共 {len(pages)} 个页面）",
                severity=mode.severity,
            )


# The publish step ---------------------------------------------------------------------------


def shown_name(output: Path) -> str:
    """The name the output folder will have after the swap (``site``), for diagnostics."""
    match = _STAGING.match(output.name)
    return match["name"] if match else output.name


def check_output_links(
    output: Path,
    model: SiteModel,
    report: Report,
    previous: LinkState | None = None,
    unchanged: frozenset[str] = frozenset(),
    workers: int | None = None,
    published: Path | None = None,
    external: ExternalMode = ExternalMode.OFF,
) -> LinkState:
    """Publish step: check every link of the rendered site in ``output``.

    With the ``previous`` state of the published site and the ``unchanged`` pages (output
    paths) that this build took over from it byte for byte, only what may have changed is read
    again (see scan_changed_pages); external links always need every page. ``workers``: the
    processes that read pages (default: one a core). With ``published``, ``output`` holds
    only the files written anew and the unchanged pages are in the published site.
    ``external``: whether links to other sites are checked too, and how their failures count.
    """
    origin, base_path = site_address(output, published)
    files = all_files(output)
    if published is not None:  # an incremental build: what is new, and the unchanged pages
        files |= unchanged
    state = OutputFiles(
        output, files, origin, base_path, external is not ExternalMode.OFF, published=published
    )
    if previous is not None and external is ExternalMode.OFF:
        scans, site = scan_changed_pages(state, previous, unchanged, workers)
    else:
        scans = scan_site(state, workers)
        site = LinkState.of(scans)
    sources = SourceMap(model)
    shown = shown_name(output)
    report_problems(scans, sources, shown, report)
    if external is ExternalMode.OFF:
        return site
    found = [(scan.page, url, link) for scan in scans for url, link in scan.external]
    results = ExternalLinkChecker(output.parent / CACHE_DIR).check(url for _, url, _ in found)
    report_external(found, results, sources, external, shown, report)
    return site
