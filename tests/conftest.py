"""Shared fixtures: ``make_site`` builds a small, valid disclosure site in a temporary folder.

The site has three units, a single-page column (政府信息公开指南) and a section (法定主动公开内容)
with two list columns: 政策文件 (``required: [doc_no, validity]``) and 政策解读
(``required: [interprets]``), each holding one published item. ``disclosure check`` on it at
:data:`AS_OF` reports nothing. Tests then write their own files into it.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser import BROWSER_TEMP_PREFIX, launch_chromium
from playwright.sync_api import Browser

AS_OF = "2019-03-01"

COLUMNS_YML = """\
# 测试站点的栏目目录（SPEC §5）
units:
  - name: 湟源县人民政府办公室
    code: "015180001"
    aliases: [县政府办, 县政府办公室]
  - name: 湟源县财政局
    code: "015180012"
    aliases: [县财政局]
  - name: 湟源县教育局
    code: "12630123015180025X"
    aliases: [县教育局]
topics: national
columns:
  - id: zhinan
    name: 政府信息公开指南
    type: 信息公开指南
    kind: page
  - id: fdzdgknr
    name: 法定主动公开内容
    type: 信息公开目录
    children:
      - id: zcwj
        name: 政策文件
        type: 政策文件
        required: [doc_no, validity]
        update_within: 6mo
        units: [湟源县人民政府办公室, 县财政局]
      - id: zcjd
        name: 政策解读
        type: 政策解读
        required: [interprets]
"""

# The fields of a valid 政策文件 item, in the order they are written.
POLICY = {
    "title": "湟源县人民政府办公室关于进一步加强政务公开工作的通知",
    "index_no": "015180001/2018-00051",
    "publisher": "湟源县人民政府办公室",
    "doc_no": "源政办〔2018〕51号",
    "topic": "综合政务/政务公开",
    "disclosure": "主动公开",
    "written": "2018-05-10",
    "published": "2018-12-14",
    "genre": "通知",
    "keywords": "[政务公开, 信息公开, 政策解读]",
    "summary": "部署进一步加强全县政务公开工作，明确审核发布程序、政策解读和舆情回应责任。",
    "validity": "现行有效",
}
POLICY_BODY = (
    "各乡镇人民政府，县政府各部门、垂管有关单位：\n\n"
    "为进一步做好我县政务公开工作，现将有关事项通知如下：\n"
)

# A valid 政策解读 item that interprets the policy above.
INTERPRETATION = {
    "title": "《关于进一步加强政务公开工作的通知》政策解读",
    "index_no": "015180001/2018-00052",
    "publisher": "县政府办",
    "topic": "综合政务/政务公开",
    "disclosure": "主动公开",
    "published": "2018-12-14",
    "genre": "其他",
    "interprets": "015180001/2018-00051",
}


def front_matter(fields: dict[str, str | None], body: str = POLICY_BODY) -> str:
    """``key: value`` lines between ``---`` fences; values are written verbatim, None omits."""
    lines = [f"{key}: {value}" for key, value in fields.items() if value is not None]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body


class Site:
    """A site directory on disk, with helpers to write files and run the checker on it."""

    policy = POLICY  # the fields of the site's 政策文件, to base new items on
    interpretation = INTERPRETATION  # the fields of its 政策解读

    def __init__(self, root: Path) -> None:
        self.root = root
        self.content = root / "content"
        self._serials = itertools.count(101)

    def write(self, rel: str, data: str | bytes) -> Path:
        """Write a file relative to the site root (text as UTF-8, exactly as given)."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_bytes(data.encode("utf-8"))
        return path

    def item(
        self, rel: str, base: dict[str, str | None] | None = None, **fields: str | None
    ) -> str:
        """Write a valid 政策文件 item (fresh 索引号 and 文号) with ``fields`` changed; returns its text.

        ``rel`` is relative to content/. A field set to None is left out; new keys are appended.
        """
        values = dict(base if base is not None else POLICY)
        serial = next(self._serials)
        values["index_no"] = f"015180001/2018-{serial:05d}"
        if values.get("doc_no"):  # a 文号 of its own too: two public items may not share one
            values["doc_no"] = f"源政办〔2018〕{serial}号"
        values.update(fields)
        text = front_matter(values)
        self.write(f"content/{rel}", text)
        return text

    def check(self, as_of: str = AS_OF) -> list:
        """Run the checker in-process (``check_site``); the sorted list of diagnostics."""
        from generator.content.dates import AsOf
        from generator.diagnostics import Report
        from generator.site.check import check_site

        report = Report()
        check_site(self.root, AsOf.parse(as_of), report)
        return list(report)

    def cli(
        self, *args: str, as_of: str | None = AS_OF, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run ``disclosure`` as a real subprocess on this site, e.g. ``site.cli("check")``;
        ``env``: another environment (tests/platforms.py)."""
        command = [sys.executable, "-m", "generator.cli", *args, "--site", str(self.root)]
        if as_of is not None:
            command += ["--as-of", as_of]
        env = (env or os.environ) | {"PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}
        return subprocess.run(
            command, capture_output=True, text=True, encoding="utf-8", env=env, timeout=300
        )


def build_site(root: Path) -> Site:
    site = Site(root)
    site.write("columns.yml", COLUMNS_YML)
    site.write("content/index.md", "---\ntitle: 湟源县政府信息公开\n---\n\n欢迎访问。\n")
    site.write(
        "content/zhinan/index.md",
        "---\ntitle: 政府信息公开指南\n---\n\n公民、法人和其他组织可以通过以下方式获取政府信息。\n",
    )
    site.write(
        "content/fdzdgknr/index.md", "---\ntitle: 法定主动公开内容\n---\n\n按条例第二十条公开。\n"
    )
    site.write("content/fdzdgknr/zcwj/20181214-jiaqiang-zhengwu-gongkai.md", front_matter(POLICY))
    site.write(
        "content/fdzdgknr/zcjd/20181214-jiaqiang-zhengwu-gongkai-jiedu.md",
        front_matter(INTERPRETATION, "一、出台背景\n\n为贯彻落实政府信息公开条例……\n"),
    )
    return site


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Site]:
    """Factory: ``make_site()`` gives a fresh valid site; ``make_site("b")`` another one."""

    def make(name: str = "site") -> Site:
        return build_site(tmp_path / name)

    return make


@pytest.fixture
def site(make_site: Callable[..., Site]) -> Site:
    """A fresh valid site (see :func:`build_site`)."""
    return make_site()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Under CI (``CI`` set) a skipped test fails: a missing browser or library must not pass
    silently. Expected failures (xfail) are not skips and stay as they are."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"CI 中不允许跳过测试：{reason}"


@pytest.fixture(scope="session", autouse=True)
def private_temp_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The commands the tests run write their temporary files in a folder of this session's
    (TMPDIR, inherited by every subprocess), which must be empty after every test: nothing of
    ours may be left in the system's temporary folder. A second copy of the suite running at
    the same time has its own."""
    folder = tmp_path_factory.mktemp("system-temp")
    previous = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = None  # asked again, with TMPDIR
    yield folder
    left = sorted(path.name for path in folder.iterdir())
    assert left == [], f"留在临时文件夹中的文件：{left}"
    folder.rmdir()
    if previous is None:
        del os.environ["TMPDIR"]
    else:
        os.environ["TMPDIR"] = previous
    tempfile.tempdir = None


@pytest.fixture(autouse=True)
def nothing_left_in_temp(private_temp_dir: Path) -> Iterator[None]:
    yield
    left = sorted(
        path.name
        for path in private_temp_dir.iterdir()
        if not path.name.startswith(BROWSER_TEMP_PREFIX)  # the browser of a module's tests
    )
    for name in left:
        shutil.rmtree(private_temp_dir / name, ignore_errors=True)
    assert left == [], f"留在临时文件夹中的文件：{left}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Debian Chromium for a test module's pages (tests/browser.py)."""
    with launch_chromium() as chromium:
        yield chromium
