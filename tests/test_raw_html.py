"""Raw HTML in content (issue #6): what would run, embed, restyle or redirect is an error at its
line and column, never silently stripped; ordinary HTML passes.

Most tests write a real item into the small test site and run the real checker; one builds the
site to show that a rejected page never reaches ``site/``.
"""

from __future__ import annotations

import pytest
from conftest import POLICY, front_matter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from linksite import buildable, run

from generator.content.raw_html import find_unsafe_html

ITEM = "content/fdzdgknr/zcwj/20181220-tongzhi.md"


def write(site, body: str, **fields: str | None) -> list[str]:
    """Write the item; returns the file's lines."""
    values = dict(POLICY, index_no="015180001/2018-00120", doc_no="源政办〔2018〕120号")
    values.update(fields)
    site.write(ITEM, front_matter(values, body))
    return (site.root / ITEM).read_text(encoding="utf-8").split("\n")


def html_problems(site) -> list:
    return [d for d in site.check() if d.code.startswith("E-HTML")]


def position(lines: list[str], needle: str) -> tuple[int, int]:
    row = next(n for n, line in enumerate(lines, 1) if needle in line)
    return row, lines[row - 1].index(needle) + 1


@pytest.mark.parametrize(
    ("markup", "words"),
    [
        ("<script>alert(1)</script>", "<script>"),
        ('<script src="https://example.com/x.js"></script>', "<script>"),
        ('<iframe src="https://example.com/"></iframe>', "<iframe>"),
        ('<object data="x.swf"></object>', "<object>"),
        ('<embed src="x.swf">', "<embed>"),
        ('<form action="https://example.com/"><input name="q"></form>', "<form>"),
        ("<style>body { display: none }</style>", "<style>"),
        ('<link rel="stylesheet" href="https://example.com/x.css">', "<link>"),
        ('<meta http-equiv="refresh" content="0; url=https://example.com/">', "自动跳转"),
        ('<base href="https://example.com/">', "<base>"),
        ("<SCRIPT>alert(1)</SCRIPT>", "<script>"),
    ],
)
def test_forbidden_elements_are_errors_at_their_line_and_column(site, markup, words) -> None:
    lines = write(site, f"各单位：\n\n请见下文。\n\n<div>\n  {markup}\n</div>\n")
    problems = html_problems(site)
    assert problems and problems[0].code == "E-HTML-TAG", [d.as_text() for d in problems]
    assert (problems[0].file, problems[0].line, problems[0].column) == (
        ITEM,
        *position(lines, markup[:7]),
    )
    assert words in problems[0].message and "本站不会替您删除" in problems[0].message


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="x.png" onerror="alert(1)">',
        '<a href="#" ONCLICK="alert(1)">点这里</a>',
        '<div onmouseover="x()">悬停</div>',
        '<span style="width: expression(alert(1))">x</span>',
        "<p style=\"background: url('javascript:alert(1)')\">x</p>",
    ],
)
def test_event_handlers_and_script_styles_are_errors(site, markup) -> None:
    lines = write(site, f"正文第一段。\n\n{markup}\n")
    (problem,) = html_problems(site)
    assert problem.code == "E-HTML-ATTR"
    assert (problem.line, problem.column) == position(lines, markup[:5])


@pytest.mark.parametrize(
    "link",
    [
        '<a href="javascript:alert(1)">点这里</a>',
        '<a href="  JaVaScRiPt:alert(1)">点这里</a>',
        '<a href="jav&#x09;ascript:alert(1)">点这里</a>',
        '<a href="&#106;avascript:alert(1)">点这里</a>',
        '<a href="vbscript:msgbox(1)">点这里</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">点这里</a>',
        '<iframe srcdoc="x"></iframe>',
        "[点这里](javascript:alert(1))",
        "[点这里](jav&#x61;script:alert(1))",
        "[点这里][1]\n\n[1]: javascript:alert(1)",
        "![图](data:text/html,<script>alert(1)</script>)",
    ],
)
def test_script_addresses_are_errors_in_html_and_in_markdown_links(site, link) -> None:
    write(site, f"正文。\n\n{link}\n")
    assert {"E-HTML-URL", "E-HTML-TAG"} & {d.code for d in html_problems(site)}


def test_a_multi_line_tag_is_reported_where_it_starts(site) -> None:
    lines = write(site, '正文。\n\n<img\n  src="x.png"\n  onerror="alert(1)">\n')
    (problem,) = html_problems(site)
    assert (problem.code, problem.line, problem.column) == ("E-HTML-ATTR", *position(lines, "<img"))


def test_markup_hidden_in_a_comment_is_found(site) -> None:
    # Browsers end "<!-->" at once; Python's parser would read on to "-->".
    write(site, "正文。\n\n<!--> <script>alert(1)</script> -->\n")
    assert [d.code for d in html_problems(site)] == ["E-HTML-TAG"]
    assert "注释" in html_problems(site)[0].message


def test_markup_in_the_front_matter_is_checked_too(site) -> None:
    lines = write(site, "正文。\n", title="关于<script>alert(1)</script>的通知")
    (problem,) = html_problems(site)
    assert (problem.code, problem.line) == ("E-HTML-TAG", position(lines, "title:")[0])
    assert "元数据“title”中" in problem.message


def test_ordinary_html_passes(site) -> None:
    write(
        site,
        "各单位：\n\n"
        '<div class="admonition note">\n<p>第一段<br>第二行，<span>重点</span>，'
        "H<sub>2</sub>O，10<sup>3</sup></p>\n</div>\n\n"
        '!!! warning "注意"\n    本通知自发布之日起施行。\n\n'
        "| 项目 | 金额 |\n|:--|--:|\n| 办公经费 | 12.5 |\n\n"
        "重要段落\n{: #zhongyao }\n\n"
        '<table>\n<thead><tr><th scope="col">项目</th><th>金额（万元）</th></tr></thead>\n'
        '<tbody><tr><td colspan="1">办公经费</td><td style="text-align: right">12.5</td></tr></tbody>\n'
        "</table>\n\n"
        '<img src="tu1.png" alt="示意图" width="300">\n\n'
        '<a href="https://www.gov.cn/" title="中国政府网">中国政府网</a>，'
        '<a href="mailto:hyzfbgs@163.com">hyzfbgs@163.com</a>，[电话](tel:0971-2432774)\n\n'
        "<!-- 本段由县政府办审核 -->\n\n"
        "在正文中不要使用 `<script>` 标签，也不要写 ``<iframe src=x>``。\n\n"
        "收入 <5000 元的家庭，a < b 且 b > c。\n",
    )
    assert html_problems(site) == []


def test_a_page_with_unsafe_html_is_not_published(site) -> None:
    buildable(site)
    lines = write(site, '正文。\n\n<script src="https://example.com/x.js"></script>\n')
    result = run(site, "build")
    assert result.returncode == 1
    row, column = position(lines, "<script")
    assert f"{ITEM}:{row}:{column}: error E-HTML-TAG" in result.stdout
    assert not (site.root / "site").exists()


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("<>!-/ =\"'`&#;:\nabcijoprstvx[]()"), max_size=200)
    | st.text(max_size=200)
)
def test_the_scan_never_fails_and_reports_positions_inside_the_text(text: str) -> None:
    lines = text.split("\n")
    for problem in find_unsafe_html(text):
        assert 1 <= problem.line <= len(lines)
        assert 1 <= problem.column <= len(lines[problem.line - 1]) + 1


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.text(
        alphabet=st.sampled_from('<>!-/ ="`&#:\nabcijoprstvx[]()13897012345X手机'), max_size=300
    )
)
def test_the_new_scans_of_a_whole_item_never_fail_and_stay_inside_the_file(site, body) -> None:
    lines = write(site, body, summary=body[:90].replace("\n", " ") or None)
    for problem in site.check():
        if problem.code.startswith(("E-HTML", "E-PRIVACY")):
            assert problem.file == ITEM
            assert 1 <= problem.line <= len(lines) and problem.column >= 1, problem


def test_an_element_the_parser_reopens_is_reported_once(site) -> None:
    # Backticks hide the handler from the source scan; the unclosed <b> that carries it is
    # reopened in the next paragraph by the HTML parser, which reads the handler again.
    lines = write(site, '正文。\n\n<b title="`" onclick="x()" title="`">加粗\n\n下一段。\n')
    problems = html_problems(site)
    assert [(p.code, p.line) for p in problems] == [("E-HTML-ATTR", position(lines, "onclick")[0])]


def test_what_the_source_scan_and_the_conversion_find_is_reported_in_one_run(site) -> None:
    lines = write(
        site,
        '正文。\n\n<span onclick="x()">一</span>\n\n'
        '二\n{: onmouseover="x()" }\n\n[三 [四] 五](javascript:x())\n',
    )
    found = [(p.code, p.line) for p in html_problems(site)]
    assert found == [
        ("E-HTML-ATTR", position(lines, "onclick")[0]),
        ("E-HTML-ATTR", position(lines, "onmouseover")[0]),
        ("E-HTML-URL", position(lines, "javascript")[0]),
    ]
