"""No broken layout (issue 26): every page type of the reference site, in Chromium at a desktop
width (1280 px) and a phone width (390 px), each also in 长者模式.

On every view the document is no wider than the window (a wide table scrolls in its own box), and
文号, 索引号, dates, phone numbers and 备案 numbers are never broken across lines where the theme
prints them. A title or the clerk's own text (``.dp-body``) flows as text: a 文号 quoted inside a
title may break like the rest of it. On a desktop window in standard type the tables are whole
(the 12-month table is not cut at its sixth month; in 长者模式 a wide table scrolls in its box),
list titles have room for a readable line in every view, and a phone's list shows each item's
文号 as the desktop's does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import QuietHandler, serve
from playwright.sync_api import Browser, Page
from sites import build, copy_reference_site, set_plugin_options

PAGE_TYPES = {
    "home": "",
    "column": "fdzdgknr/zcwj/",
    "column, later page": "fdzdgknr/zcwj/page/2/",
    "item with 文号": "fdzdgknr/zcwj/20261016-dongchunji-qunuan-buzhu-fangan/",
    "item with a table": "fdzdgknr/ghjh/20260212-shiwuwu-guihua-gangyao/",
    "guide page": "zhinan/",
    "解读": "fdzdgknr/zcjd/20181214-tujie-jiaqiang-zhengwu-gongkai/",
    "年报 list": "nianbao/",
    "年报": "nianbao/20260128-huangyuan-2025-nianbao/",
    "browse": "browse/",
    "browse page": "browse/year/2026/",
    "现行有效": "xianxing/",
    "统计": "tongji/",
    "数据开放": "data/",
    "staff report": "report/",
    "search": "search/?q=政务公开",
    "404": "fdzdgknr/zcwj/no-such-item/",
}
LIST_PAGES = ("column", "column, later page", "browse page", "现行有效")
WIDTHS = {"desktop": 1280, "phone": 390}
MODES = {"standard": False, "长者模式": True}
# Fewer items to a page than the reference site has, so that a column has a second page.
PAGE_SIZE = 5

# The view's problems, found in the page itself: a list of sentences, empty when all is well.
LAYOUT_PROBLEMS = r"""
(wholeTables) => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth) {
    problems.push(`页面宽 ${root.scrollWidth}px，超出窗口 ${window.innerWidth}px`);
  }

  // Identifiers: 文号, 索引号, dates and months, phone numbers, ICP and 公安 备案 numbers.
  const IDENTIFIER = new RegExp([
    "[\\u4e00-\\u9fff]{1,6}〔\\d{4}〕\\d+号",
    "[0-9A-Z]{9}(?:[0-9A-Z]{9})?/\\d{4}-\\d{5}",
    "(?<![\\d/])\\d{4}-\\d{2}(?:-\\d{2}(?: \\d{2}:\\d{2})?)?(?!\\d)",
    "(?<!\\d)0\\d{2,3}-\\d{7,8}(?!\\d)",
    "[\\u4e00-\\u9fff]ICP备\\d+号(?:-\\d+)?",
    "[\\u4e00-\\u9fff]公网安备\\s*\\d+号",
  ].join("|"), "g");
  const FLOWING = "script, style, template, noscript, svg, .dp-visually-hidden, .dp-body, "
    + "h1, .md-header, .dp-result__title, table.dp-list tbody a, .dp-newest a, .dp-children a";
  // An identifier may span text nodes (a <mark> in a search result): the text of each block is
  // searched as one string.
  const blocks = new Map();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => node.parentElement.closest(FLOWING)
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    let block = node.parentElement;
    while (getComputedStyle(block).display.startsWith("inline")) block = block.parentElement;
    if (!blocks.has(block)) blocks.set(block, []);
    blocks.get(block).push(node);
  }
  const position = (nodes, offset) => {
    for (const node of nodes) {
      if (offset <= node.data.length) return [node, offset];
      offset -= node.data.length;
    }
  };
  let identifiers = 0;
  for (const [block, nodes] of blocks) {
    const text = nodes.map((node) => node.data).join("");
    for (const match of text.matchAll(IDENTIFIER)) {
      const range = document.createRange();
      range.setStart(...position(nodes, match.index));
      range.setEnd(...position(nodes, match.index + match[0].length));
      const boxes = [...range.getClientRects()].filter((box) => box.width > 0 && box.height > 0);
      if (!boxes.length) continue;  // not shown in this view
      identifiers++;
      const middles = boxes.map((box) => box.top + box.height / 2);
      const lineHeight = Math.min(...boxes.map((box) => box.height));
      if (Math.max(...middles) - Math.min(...middles) > lineHeight / 2) {
        problems.push(`“${match[0]}”折成了两行（${block.tagName.toLowerCase()}.${block.className}）`);
      }
    }
  }

  // A list title has room for at least ten characters a line.
  for (const link of document.querySelectorAll("table.dp-list tbody tr a")) {
    const cell = link.closest("td");
    const style = getComputedStyle(cell);
    const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const characters = room / parseFloat(getComputedStyle(link).fontSize);
    if (characters < 10) {
      problems.push(`列表标题每行只容 ${characters.toFixed(1)} 个字：${link.textContent.slice(0, 12)}…`);
    }
  }

  // On a desktop window in standard type, a table in a scrolling box is whole.
  if (wholeTables) {
    for (const box of document.querySelectorAll(".dp-scroll, .dp-annual-table")) {
      if (box.scrollWidth > box.clientWidth) {
        problems.push(`表格被截断：宽 ${box.scrollWidth}px，只显示 ${box.clientWidth}px（${box.textContent.trim().slice(0, 20)}…）`);
      }
    }
  }
  return {problems, identifiers};
}
"""

DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,6}〔\d{4}〕\d+号")
# The header cells a list shows, then the number of cells each of its rows shows.
CELLS_SHOWN = """() => {
  const table = document.querySelector("table.dp-list");
  const shown = (cell) => getComputedStyle(cell).display !== "none";
  const header = [...table.tHead.rows[0].cells].filter(shown).map((cell) => cell.textContent);
  return [header, ...[...table.tBodies[0].rows].map((row) => [...row.cells].filter(shown).length)];
}"""


class NotFoundPage(QuietHandler):
    """Answers a missing address with the site's 404.html, as nginx's error_page does."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404:
            super().send_error(code, message, explain)
            return
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = copy_reference_site(tmp_path_factory.mktemp("layout"))
    catalog = site / "columns.yml"
    text, count = re.subn(
        r"(?m)^page_size: *\d+", f"page_size: {PAGE_SIZE}", catalog.read_text("utf-8")
    )
    assert count == 1
    catalog.write_text(text, encoding="utf-8")
    # A staff build: the public pages are the same, and the staff report is laid out too.
    set_plugin_options(site, "staff_pages: true")
    result = build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    with serve(site / "site", NotFoundPage) as url:
        yield url


def open_view(browser: Browser, base_url: str, page_type: str, width: int, elder: bool) -> Page:
    """The page in a new tab of the given width, in 长者模式 when ``elder`` (the site's own
    switch: assets/elder.js reads the choice from localStorage before the first paint)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    if elder:
        context.add_init_script("window.localStorage.setItem('dp-elder', '1')")
    tab = context.new_page()
    tab.goto(base_url + PAGE_TYPES[page_type])
    if page_type == "search":
        tab.wait_for_selector("li.dp-result")
    tab.evaluate("document.fonts.ready")
    assert tab.evaluate("document.documentElement.classList.contains('dp-elder')") == elder
    return tab


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_no_broken_layout(
    browser: Browser, base_url: str, page_type: str, width: str, mode: str
) -> None:
    tab = open_view(browser, base_url, page_type, WIDTHS[width], MODES[mode])
    try:
        found = tab.evaluate(LAYOUT_PROBLEMS, width == "desktop" and not MODES[mode])
    finally:
        tab.context.close()
    assert found["problems"] == []
    if page_type != "404":  # every other page shows at least a date or the footer's numbers
        assert found["identifiers"] > 0


@pytest.mark.parametrize("page_type", LIST_PAGES)
def test_a_phone_list_shows_each_doc_number(
    browser: Browser, base_url: str, page_type: str
) -> None:
    """The phone's list shows the desktop's 文号, and a screen reader still names each shown
    cell by its column (a cell left out goes with its header)."""
    shown = {}
    for view, width, elder in (
        ("desktop", 1280, False),
        ("phone", 390, False),
        ("phone 长者", 390, True),
    ):
        tab = open_view(browser, base_url, page_type, width, elder)
        try:
            text = tab.evaluate(
                "[...document.querySelectorAll('table.dp-list')].map(t => t.innerText).join('\\n')"
            )
            shown_cells = tab.evaluate(CELLS_SHOWN)
        finally:
            tab.context.close()
        shown[view] = DOC_NUMBER.findall(text)
        header, *rows = shown_cells
        assert rows and all(row == len(header) for row in rows), (view, header, rows)
    assert shown["desktop"], "the list has items with a 文号"
    assert shown["phone"] == shown["desktop"]
    assert shown["phone 长者"] == shown["desktop"]
