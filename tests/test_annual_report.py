"""Annual reports (issue 8): the statistical tables of <item>.tables.yml — read, checked to the
cell, compared with the site's own 政策文件, and rendered in the national layout."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from marker_site import marker_site
from sites import REFERENCE_AS_OF, REPO, build, html, run_cli

from generator.content.dates import AsOf
from generator.diagnostics import Report
from generator.site.annual_report import (
    ACTIVE,
    APPLICATIONS,
    REVIEWS,
    count_documents,
    with_tables,
)
from generator.site.check import check_site

HUANGYUAN = "content/nianbao/20260128-huangyuan-2025-nianbao"
YANCHI = "content/nianbao/20210128-yanchi-2020-nianbao"
DAHUA = "content/nianbao/20260126-dahua-2025-nianbao"
SIDECAR = f"{HUANGYUAN}.tables.yml"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A private copy of the reference site (no build): for checks that edit the tables."""
    target = tmp_path / "site"
    target.mkdir()
    for part in ("columns.yml", "mkdocs.yml", "content"):
        source = REPO / part
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, target / part)
    return target


def check_json(site: Path) -> tuple[int, list[dict]]:
    result = run_cli("check", "--site", str(site), "--as-of", REFERENCE_AS_OF, "--format", "json")
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


def edit(site: Path, rel: str, old: str, new: str) -> None:
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(site: Path, rel: str, text: str) -> tuple[int, int]:
    """(line, column) of the first occurrence of ``text`` in a file, 1-based."""
    for number, line in enumerate((site / rel).read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return number, line.index(text) + 1
    raise AssertionError(text)


def reference_collection():
    report = Report()
    collection = check_site(REPO, AsOf.parse(REFERENCE_AS_OF), report)
    assert collection is not None
    return collection, report


# The reference reports -----------------------------------------------------------------------


def test_reference_reports_carry_consistent_tables():
    collection, report = reference_collection()
    assert [d.as_text() for d in report] == []
    reports = {i.source: i.annual_report for i in collection.items if i.annual_report}
    assert set(reports) == {f"{HUANGYUAN}.md", f"{YANCHI}.md", f"{DAHUA}.md"}
    huangyuan = reports[f"{HUANGYUAN}.md"]
    assert huangyuan.year == 2025 and len(huangyuan.scope) == 6
    assert [n.value for n in huangyuan.row(APPLICATIONS, "总计").numbers] == [10, 2, 0, 0, 0, 0, 12]
    assert huangyuan.row(APPLICATIONS, "保护第三方合法权益", "不予公开").numbers[0].value == 1
    assert str(huangyuan.row(ACTIVE, "行政事业性收费").numbers[0].text) == "485.6"
    assert [n.value for n in huangyuan.row(REVIEWS, "行政复议").numbers] == [1, 0, 0, 0, 1]
    yanchi = reports[f"{YANCHI}.md"]
    assert yanchi.year == 2020 and yanchi.cross_check is False
    assert [n.value for n in yanchi.row(ACTIVE, "行政规范性文件").numbers] == [8, 3, 52]


def test_table_two_matches_the_sites_own_documents():
    """The 湟源 2025 report declares what the site's 政策文件 show: 制发 1, 废止 1, 现行有效 3."""
    collection, _ = reference_collection()
    tables = next(i.annual_report for i in collection.items if i.source == f"{HUANGYUAN}.md")
    counts = count_documents(collection, tables.scope, 2025, AsOf.parse(REFERENCE_AS_OF))
    assert [str(d.doc_no) for d in counts.made] == ["源政办〔2025〕27号"]
    assert [str(d.doc_no) for d in counts.repealed] == ["源政办〔2019〕45号"]  # replaced in 2025
    assert [str(d.doc_no) for d in counts.valid] == [
        "源政办〔2018〕51号",
        "源财〔2024〕21号",
        "源政办〔2025〕27号",
    ]


# Arithmetic: every wrong cell, with its line, column, expected sum and found value --------


def test_wrong_totals_are_reported_cell_by_cell(site: Path):
    edit(site, SIDECAR, "本年新收: [9, 2, 0, 0, 0, 0, 11]", "本年新收: [9, 2, 0, 0, 0, 0, 13]")
    edit(
        site, SIDECAR, "    重复申请: [1, 0, 0, 0, 0, 0, 1]", "    重复申请: [2, 0, 0, 0, 0, 0, 2]"
    )
    edit(site, SIDECAR, "行政复议: [1, 0, 0, 0, 1]", "行政复议: [1, 1, 0, 0, 1]")
    code, diagnostics = check_json(site)
    assert code == 1
    found = {(d["code"], d["line"], d["column"]): d["message"] for d in diagnostics}
    row_total = line_of(site, SIDECAR, "本年新收: ")[0], line_of(site, SIDECAR, "13]")[1]
    assert (
        "表三“一、本年新收政府信息公开申请数量”行“总计”列填写 13，应为 11"
        in found[("E-REPORT-TOTAL", *row_total)]
    )
    assert "自然人 9 + 商业企业 2" in found[("E-REPORT-TOTAL", *row_total)]
    total_line = line_of(site, SIDECAR, "  总计: [10, 2, 0, 0, 0, 0, 12]")[0]
    people = ("E-REPORT-TOTAL", total_line, line_of(site, SIDECAR, "  总计: [10")[1] + 7)
    assert "表三“（七）总计”行“自然人”列填写 10，应为 11" in found[people]
    assert "（五）不予处理 2.重复申请 2" in found[people]
    overall = ("E-REPORT-TOTAL", total_line, line_of(site, SIDECAR, "12]  # （七）")[1])
    assert "表三“（七）总计”行“总计”列填写 12，应为 13" in found[overall]
    review = line_of(site, SIDECAR, "行政复议: [1, 1, 0, 0, 1]")
    review_total = ("E-REPORT-TOTAL", review[0], review[1] + len("行政复议: [1, 1, 0, 0, "))
    assert (
        "表四“行政复议”的“总计”填写 1，应为 2（结果维持 1 + 结果纠正 1，其余为 0）"
        in found[review_total]
    )
    # 一 + 二 = 三（七） + 四 no longer holds in the 总计 column: 13 + 1 ≠ 12 + 0
    balance = [d for d in diagnostics if d["code"] == "E-REPORT-BALANCE"]
    assert len(balance) == 1 and "结转下年度应为 2" in balance[0]["message"]
    assert balance[0]["line"] == line_of(site, SIDECAR, "结转下年度: ")[0]
    assert all(d["file"] == SIDECAR for d in diagnostics)
    assert len(diagnostics) == 5


def test_wrong_totals_stop_the_build_and_keep_the_previous_site(site: Path):
    (site / "site").mkdir()
    (site / "site" / "index.html").write_text("previous", encoding="utf-8")
    edit(site, SIDECAR, "行政复议: [1, 0, 0, 0, 1]", "行政复议: [1, 0, 0, 0, 0]")
    result = build(site)
    assert result.returncode == 1
    assert f"{SIDECAR}:" in result.stdout and "E-REPORT-TOTAL" in result.stdout
    assert (site / "site" / "index.html").read_text(encoding="utf-8") == "previous"


def test_structure_and_value_problems_are_explained(site: Path):
    edit(site, SIDECAR, "  行政强制: 12\n", "  行政强制: １２\n  行政执法: 3\n")
    edit(site, SIDECAR, "    其他: [0, 0, 0, 0, 0, 0, 0]\n", "")
    edit(site, SIDECAR, "上年结转: [1, 0, 0, 0, 0, 0, 1]", "上年结转: [1, 0, 0, 0, 0, 1]")
    edit(
        site, SIDECAR, "    重复申请: [1, 0, 0, 0, 0, 0, 1]", "    重复申请: [1, 无, 0, 0, 0, 0, 1]"
    )
    code, diagnostics = check_json(site)
    assert code == 1
    messages = {(d["code"], d["line"]): d["message"] for d in diagnostics}
    assert "应写为 12（半角数字" in messages[("E-REPORT-VALUE", line_of(site, SIDECAR, "１２")[0])]
    unknown = messages[("E-REPORT-FORMAT", line_of(site, SIDECAR, "行政执法")[0])]
    assert "没有“行政执法”" in unknown and "是不是“行政许可”" in unknown
    missing = messages[("E-REPORT-FORMAT", line_of(site, SIDECAR, "其他处理:")[0])]
    assert "（六）其他处理" in missing and "缺少：其他" in missing
    count = messages[("E-REPORT-FORMAT", line_of(site, SIDECAR, "上年结转:")[0])]
    assert "有 6 个数字，应为 7 个" in count
    assert "“无”不是数字" in messages[("E-REPORT-VALUE", line_of(site, SIDECAR, "无, 0")[0])]
    # rows that could not be read leave the column sums unchecked rather than wrong
    assert {d["code"] for d in diagnostics} == {"E-REPORT-VALUE", "E-REPORT-FORMAT"}


def test_unreadable_misplaced_and_orphaned_tables(site: Path):
    (site / SIDECAR).write_text("年度: 2025\n主动公开: [1, 2\n", encoding="utf-8")
    orphan = "content/nianbao/20250101-no-such-report.tables.yml"
    (site / orphan).write_text("年度: 2025\n", encoding="utf-8")
    misplaced = "content/fdzdgknr/zcwj/20250610-linshi-jiuzhu-banfa.tables.yml"
    (site / misplaced).write_text("年度: 2025\n", encoding="utf-8")
    aliased = f"{DAHUA}.tables.yml"
    edit(site, aliased, "  本年新收: [1, 0, 0, 0, 0, 0, 1]", "  本年新收: &n [1, 0, 0, 0, 0, 0, 1]")
    edit(site, aliased, "  予以公开: [1, 0, 0, 0, 0, 0, 1]", "  予以公开: *n")
    code, diagnostics = check_json(site)
    assert code == 1
    by_file = {d["file"]: d for d in diagnostics}
    assert by_file[SIDECAR]["code"] == "E-REPORT-YAML"
    assert by_file[orphan]["code"] == "E-REPORT-PLACE"
    assert "20250101-no-such-report.md" in by_file[orphan]["message"]
    assert by_file[misplaced]["code"] == "E-REPORT-PLACE"
    assert by_file[aliased]["code"] == "E-REPORT-YAML"
    assert "锚点和别名" in by_file[aliased]["message"]


def test_declared_documents_that_differ_from_the_site_are_a_warning(site: Path):
    edit(site, SIDECAR, "行政规范性文件: [1, 1, 3]", "行政规范性文件: [6, 3, 41]")
    code, diagnostics = check_json(site)
    assert code == 0
    warnings = [d for d in diagnostics if d["code"] == "W-REPORT-DOCS"]
    assert [d["severity"] for d in warnings] == ["warning"] * 3
    made = next(d for d in warnings if "本年制发件数" in d["message"])
    assert "共 6 件" in made["message"] and "2025年制发（成文）的文件为 1 件" in made["message"]
    assert "源政办〔2025〕27号" in made["message"]
    assert (made["line"], made["column"]) == line_of(site, SIDECAR, "6, 3, 41")
    valid = next(d for d in warnings if "现行有效件数" in d["message"])
    assert "共 41 件" in valid["message"] and "年末现行有效的文件为 3 件" in valid["message"]


def test_a_new_document_changes_what_the_site_counts(site: Path):
    """Publishing a 2025 normative document on the site makes the declared 1 wrong."""
    source = site / "content/fdzdgknr/zcwj/20240516-caizheng-zhuanxiang-zijin-guanli.md"
    text = source.read_text(encoding="utf-8")
    for old, new in (
        ("015180012/2024-00021", "015180012/2025-00031"),
        ("源财〔2024〕21号", "源财〔2025〕31号"),
        ("2024-05-10", "2025-05-10"),
        ("2024-05-16", "2025-05-16"),
    ):
        text = text.replace(old, new)
    (source.parent / "20250516-zijin-guanli.md").write_text(text, encoding="utf-8")
    code, diagnostics = check_json(site)
    assert code == 0
    assert sorted(
        re.search(r"的文件为 (\d+) 件", d["message"])[1]
        for d in diagnostics
        if d["code"] == "W-REPORT-DOCS"
    ) == ["2", "4"]  # 制发 2 (declared 1), 现行有效 4 (declared 3); 废止 still 1


# Rendering -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return marker_site(tmp_path_factory)


def report_page(built: Path, stem: str = "20260128-huangyuan-2025-nianbao"):
    return html(built / "site" / "nianbao" / stem / "index.html")


def test_tables_are_rendered_inside_their_sections(built: Path):
    body = report_page(built).select_one(".dp-body")
    sequence = [
        (el.name, el.get_text(strip=True)[:2] if el.name == "h2" else el.get("class", [""])[-1])
        for el in body.find_all(["h2", "div"], recursive=False)
    ]
    assert sequence == [
        ("h2", "一、"),
        ("h2", "二、"),
        ("div", "dp-t2"),
        ("h2", "三、"),
        ("div", "dp-t3"),
        ("h2", "四、"),
        ("div", "dp-t4"),
        ("h2", "五、"),
        ("h2", "六、"),
    ]


def test_table_three_has_the_national_layout(built: Path):
    table = report_page(built).select_one(".dp-t3 table")
    head = table.thead.find_all("tr")
    corner = head[0].find("th")
    assert "勾稽关系" in corner.get_text()
    assert (corner["rowspan"], corner["colspan"]) == ("3", "3")
    legal = head[1].find("th", string="法人或其他组织")
    assert legal["colspan"] == "5"
    assert [th.get_text() for th in head[2].find_all("th")] == [
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    rows = table.tbody.find_all("tr")
    assert len(rows) == 25
    results = rows[2].find("th")
    assert results.get_text() == "三、本年度办理结果" and results["rowspan"] == "22"
    withheld = rows[4].find_all("th")
    assert withheld[0].get_text() == "（三）不予公开" and withheld[0]["rowspan"] == "8"
    total = rows[-2]
    assert total.th.get_text() == "（七）总计" and total.th["colspan"] == "2"
    assert [td.get_text() for td in total.find_all("td")] == ["10", "2", "0", "0", "0", "0", "12"]
    # every figure names its row and column headers for screen readers
    first = rows[0].find("td")
    ids = set(first["headers"])
    assert {"dp-t3-r1", "dp-t3-c1"} <= ids
    assert all(table.find(id=i) is not None for i in ids)


def test_tables_two_and_four_have_the_national_layout(built: Path):
    page = report_page(built)
    two = page.select_one(".dp-t2 table")
    sections = [th.get_text() for th in two.find_all("th", colspan="4")]
    assert sections == [
        "第二十条第（一）项",
        "第二十条第（五）项",
        "第二十条第（六）项",
        "第二十条第（八）项",
    ]
    normative = two.find("th", string="行政规范性文件").parent
    assert [td.get_text() for td in normative.find_all("td")] == ["1", "1", "3"]
    fees = two.find("th", string="行政事业性收费").parent.td
    assert (fees.get_text(), fees["colspan"]) == ("485.6", "3")
    four = page.select_one(".dp-t4 table")
    top = four.thead.tr.find_all("th")
    assert [(th.get_text(), th["colspan"]) for th in top] == [("行政复议", "5"), ("行政诉讼", "10")]
    assert len(four.tbody.find_all("td")) == 15
    assert four.tbody.td.get_text() == "1"


def test_tables_without_their_section_heading_are_appended_under_it():
    collection, _ = reference_collection()
    item = next(i for i in collection.items if i.source == f"{DAHUA}.md")
    markdown = "## 一、总体情况\n\n正文\n\n## 五、问题\n"
    placed = with_tables(markdown, item.annual_report, lambda table: f"<{table.number}>")
    # sections missing from the text get their national heading at the end, in order
    assert placed.index("## 五、") < placed.index("## 二、主动公开政府信息情况\n\n<二>")
    assert placed.index("<二>") < placed.index("<三>") < placed.index("<四>")
