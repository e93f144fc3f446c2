"""External links (``--external``): checked concurrently, with a timeout, and cached.

Off by default: CI has no network, and a build must not depend on someone else's server. When
asked, every distinct ``http(s)`` address is requested once (HEAD, then GET where the server
refuses HEAD), many at a time, and the answers are kept in
``.disclosure-cache/external-links.json`` with the time of the check. An address that answered
within :data:`CACHE_MAX_AGE` is not asked again; failures are always asked again, since they are
often passing. Unreachable addresses are warnings, errors with ``--external-strict``.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from urllib.parse import quote, urldefrag, urlsplit, urlunsplit

from generator.content.dates import AsOf
from generator.content.item_cache import replace_file
from generator.content.link_rules import markdown_sources
from generator.content.model import Collection
from generator.diagnostics import Report, Severity

CACHE_DIR = ".disclosure-cache"
CACHE_FILE = "external-links.json"
CACHE_MAX_AGE = timedelta(hours=24)
TIMEOUT_SECONDS = 10.0
MAX_CONCURRENT = 16
USER_AGENT = "disclosure-linkcheck/1.0"  # HTTP headers are Latin-1: no Chinese here
_RETRY_WITH_GET = {403, 405, 501}


class ExternalMode(StrEnum):
    OFF = "off"
    CHECK = "check"  # unreachable addresses are warnings
    STRICT = "strict"  # … errors

    @property
    def severity(self) -> Severity:
        return Severity.ERROR if self is ExternalMode.STRICT else Severity.WARNING


@dataclass(frozen=True)
class ExternalResult:
    url: str
    ok: bool
    status: int | None  # the HTTP status, None when no answer came
    reason: str  # in Chinese, for the message; empty when ok
    checked: str  # ISO time of the check (UTC)

    def fresh(self, now: datetime) -> bool:
        try:
            checked = datetime.fromisoformat(self.checked)
        except ValueError:
            return False
        return self.ok and now - checked < CACHE_MAX_AGE


def checkable(url: str) -> bool:
    return urlsplit(url).scheme.lower() in ("http", "https")


class ExternalLinkChecker:
    def __init__(self, cache_dir: Path | None) -> None:
        self.cache_path = cache_dir / CACHE_FILE if cache_dir else None

    def check(self, urls: Iterable[str]) -> dict[str, ExternalResult]:
        """The result of every checkable address; cached answers are reused while fresh."""
        now = datetime.now(UTC)
        cache = self._read_cache()
        wanted = sorted({url for url in urls if checkable(url)})
        results = {url: cache[url] for url in wanted if url in cache and cache[url].fresh(now)}
        to_ask = [url for url in wanted if url not in results]
        if to_ask:
            with ThreadPoolExecutor(max_workers=min(MAX_CONCURRENT, len(to_ask))) as pool:
                for result in pool.map(self._request, to_ask):
                    results[result.url] = result
        cache.update(results)
        self._write_cache(cache)
        return results

    def _request(self, url: str) -> ExternalResult:
        status, reason = self._ask(url, "HEAD")
        if status in _RETRY_WITH_GET:
            status, reason = self._ask(url, "GET")
        ok = status is not None and status < 400
        return ExternalResult(url, ok, status, "" if ok else reason, datetime.now(UTC).isoformat())

    def _ask(self, url: str, method: str) -> tuple[int | None, str]:
        try:
            request = urllib.request.Request(
                _ascii(url), method=method, headers={"User-Agent": USER_AGENT}
            )
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return response.status, ""
        except urllib.error.HTTPError as error:
            return error.code, f"服务器返回 HTTP {error.code}"
        except urllib.error.URLError as error:
            return None, f"无法连接（{_explain(error.reason)}）"
        except TimeoutError:
            return None, f"{TIMEOUT_SECONDS:g} 秒内没有响应"
        except (OSError, http.client.HTTPException, ValueError) as error:
            return None, f"无法连接（{_explain(error)}）"

    # The cache ----------------------------------------------------------------------------

    def _read_cache(self) -> dict[str, ExternalResult]:
        if self.cache_path is None or not self.cache_path.is_file():
            return {}
        try:
            data = json.loads(self.cache_path.read_text(encoding="utf-8"))
            return {url: ExternalResult(**entry) for url, entry in data["links"].items()}
        except (OSError, ValueError, KeyError, TypeError):
            return {}  # a damaged cache is only a cache: start afresh

    def _write_cache(self, cache: dict[str, ExternalResult]) -> None:
        if self.cache_path is None:
            return
        data = {"version": 1, "links": {url: asdict(r) for url, r in sorted(cache.items())}}
        try:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            text = json.dumps(data, ensure_ascii=False, indent=1)
            replace_file(self.cache_path, text.encode("utf-8"))
        except OSError:
            pass  # a cache we cannot write costs time, not correctness


def _ascii(url: str) -> str:
    """A URL as HTTP sends it: the host in IDNA (中文域名), the path and query percent-encoded."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = host.encode("idna").decode("ascii") if host and not host.isascii() else host
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    safe = "/%:@!$&'()*+,;=-._~?"
    return urlunsplit(
        (parts.scheme, netloc, quote(parts.path, safe=safe), quote(parts.query, safe=safe), "")
    )


def _explain(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return "超时"
    if isinstance(reason, ConnectionRefusedError):
        return "连接被拒绝"
    text = str(reason)
    if "Name or service not known" in text or "getaddrinfo" in text or "nodename" in text:
        return "域名无法解析"
    if "CERTIFICATE" in text.upper():
        return "HTTPS 证书无效"
    return text


def check_markdown_external(
    collection: Collection, as_of: AsOf, cache_dir: Path | None, mode: ExternalMode, report: Report
) -> None:
    """`disclosure check --external`: the external links written in published Markdown."""
    if mode is ExternalMode.OFF:
        return
    places: dict[str, list[tuple[str, int, int]]] = {}
    for source in markdown_sources(collection, as_of):
        if not source.published:
            continue
        for link in source.links():
            if link.is_external and checkable(link.target):
                url = urldefrag(link.target).url
                places.setdefault(url, []).append((source.source, link.line, link.column))
    results = ExternalLinkChecker(cache_dir).check(places)
    for url, where in sorted(places.items()):
        result = results.get(url)
        if result is None or result.ok:
            continue
        for file, line, column in where:
            report.add(
                "W-LINK-EXTERNAL",
                file,
                line,
                unreachable_message(result),
                column=column,
                severity=mode.severity,
            )


def unreachable_message(result: ExternalResult) -> str:
    return (
        f"外部链接“{result.url}”无法访问：{result.reason}。"
        "请核对网址；网站已迁移时改为新网址，已撤销时删除链接。"
    )
