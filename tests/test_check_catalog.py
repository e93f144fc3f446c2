"""The column catalog (columns.yml, SPEC §5) and the whole-site findings (warnings).

Catalog problems are configuration errors: the report's exit code is 2. The test site's
columns.yml is in tests/conftest.py; line numbers below refer to it:

     2 units:                 14 - id: zhinan          22 - id: zcwj
     3   - name: 湟源县人民政府办公室   18 - id: fdzdgknr        28 - id: zcjd
     6   - name: 湟源县财政局
     9   - name: 湟源县教育局
"""

from __future__ import annotations

import shutil

import pytest

from generator.content.dates import AsOf
from generator.diagnostics import Report
from generator.site.check import check_site


def run(site, as_of: str = "2019-03-01") -> Report:
    report = Report()
    check_site(site.root, AsOf.parse(as_of), report)
    return report


def edit_catalog(site, old: str, new: str) -> None:
    path = site.root / "columns.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def the(report: Report, code: str):
    found = [d for d in report if d.code == code]
    assert len(found) == 1, [d.as_text() for d in report]
    return found[0]


def test_valid_catalog(site):
    report = run(site)
    assert list(report) == [] and report.exit_code() == 0


def test_catalog_missing(site):
    (site.root / "columns.yml").unlink()
    report = run(site)
    problem = the(report, "E-CATALOG-MISSING")
    assert (problem.file, problem.line) == ("columns.yml", 1)
    assert "--site" in problem.message
    assert report.exit_code() == 2


def test_catalog_yaml_syntax(site):
    edit_catalog(
        site,
        "        name: 政策文件\n",
        "        name: 政策文件\n        description: 规章: 规范性文件\n",
    )
    report = run(site)
    problem = the(report, "E-CATALOG-YAML")
    assert (problem.file, problem.line) == ("columns.yml", 24)
    assert problem.column == 24  # the second colon
    assert report.exit_code() == 2


def test_catalog_that_is_not_a_mapping(site):
    site.write("columns.yml", "- zhinan\n- fdzdgknr\n")
    report = run(site)
    assert "映射" in the(report, "E-CATALOG-YAML").message and report.exit_code() == 2


def test_catalog_nested_too_deep_is_an_error_not_a_crash(site):
    # Valid YAML, but the pure-Python loader recurses once per level: RecursionError.
    site.write("columns.yml", "units: " + "[" * 2000 + "]" * 2000)
    report = run(site)
    assert the(report, "E-CATALOG-YAML").line == 1 and report.exit_code() == 2


def test_catalog_not_utf8(site):
    site.write("columns.yml", (site.root / "columns.yml").read_text().encode("gbk"))
    report = run(site)
    assert "UTF-8" in the(report, "E-CATALOG-YAML").message and report.exit_code() == 2


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("    kind: page\n", "    kind: page\n    titel: 指南\n", 14, "未知的键“titel”"),
        ("topics: national\n", "topics: national\nunit: []\n", 2, "未知的键“unit”"),
    ],
    ids=["column", "top-level"],
)
def test_catalog_unknown_key(site, old, new, line, words):
    # Reported on the first line of the mapping that holds the key (the column's "- id:" line).
    edit_catalog(site, old, new)
    report = run(site)
    problem = the(report, "E-CATALOG-KEY")
    assert (problem.file, problem.line) == ("columns.yml", line) and words in problem.message
    assert report.exit_code() == 2


def test_catalog_without_units(site):
    text = (site.root / "columns.yml").read_text()
    site.write("columns.yml", text[text.index("topics:") :])
    report = run(site)
    assert any(d.code == "E-CATALOG-KEY" and "units" in d.message for d in report)
    assert report.exit_code() == 2


def test_catalog_duplicate_column_id(site):
    edit_catalog(site, "id: zcjd", "id: zcwj")
    report = run(site)
    problem = the(report, "E-CATALOG-COLUMN-DUP")
    assert problem.line == 28 and "“zcwj”重复" in problem.message
    assert report.exit_code() == 2


def test_catalog_unknown_column_type(site):
    edit_catalog(site, "type: 政策解读", "type: 解读")
    report = run(site)
    problem = the(report, "E-CATALOG-TYPE")
    assert problem.line == 28 and "“解读”" in problem.message and "政策解读" in problem.message
    assert report.exit_code() == 2


@pytest.mark.parametrize(
    ("old", "new", "label"),
    [
        ('code: "015180012"', 'code: "015180001"', "015180001"),
        ("aliases: [县财政局]", "aliases: [县政府办]", "县政府办"),
        ("name: 湟源县财政局", "name: 湟源县人民政府办公室", "湟源县人民政府办公室"),
    ],
    ids=["code", "alias", "name"],
)
def test_catalog_duplicate_unit(site, old, new, label):
    edit_catalog(site, old, new)
    report = run(site)
    problem = the(report, "E-CATALOG-UNIT-DUP")
    assert problem.line == 6 and f"“{label}”已在第 3 行登记过" in problem.message
    assert report.exit_code() == 2


@pytest.mark.parametrize(
    "code",
    ['"01518001-2"', '"15180012"', '"01518001x"', "01234567"],
    ids=["hyphen", "eight-digits", "lower-case", "unquoted-octal"],
)
def test_catalog_unit_code_format(site, code):
    edit_catalog(site, 'code: "015180012"', f"code: {code}")
    report = run(site)
    problem = the(report, "E-CATALOG-UNIT-CODE")
    assert problem.line == 6 and "9 位组织机构代码" in problem.message and "引号" in problem.message
    assert report.exit_code() == 2


def test_catalog_column_without_folder(site):
    shutil.rmtree(site.content / "fdzdgknr" / "zcjd")
    report = run(site)
    problem = the(report, "E-CATALOG-FOLDER-MISSING")
    assert (problem.file, problem.line) == ("columns.yml", 28)
    assert "content/fdzdgknr/zcjd/" in problem.message
    assert report.exit_code() == 2


def test_content_folder_missing(site):
    shutil.rmtree(site.content)
    report = run(site)
    assert any(d.code == "E-CATALOG-FOLDER-MISSING" and d.file == "content" for d in report)
    assert report.exit_code() == 2


def test_folder_that_is_no_column(site):
    site.item("xxgk/tongzhi.md")
    report = run(site)
    problem = the(report, "E-CATALOG-FOLDER-UNKNOWN")
    assert (problem.file, problem.line) == ("content/xxgk", 1)
    assert "columns.yml" in problem.message
    assert report.exit_code() == 2


def test_page_column_without_index(site):
    (site.content / "zhinan" / "index.md").unlink()
    report = run(site)
    problem = the(report, "E-CATALOG-PAGE-MISSING")
    assert problem.file == "content/zhinan" and "content/zhinan/index.md" in problem.message
    assert report.exit_code() == 2


@pytest.mark.parametrize("name", ['""', "", "'   '"])
def test_column_with_empty_name(site, name):
    edit_catalog(site, "name: 政策解读", f"name: {name}")
    report = run(site)
    problem = the(report, "E-CATALOG-VALUE")
    assert problem.line == 28 and "“zcjd”缺少名称 name" in problem.message
    assert report.exit_code() == 2


def test_column_units_must_be_registered(site):
    edit_catalog(
        site, "units: [湟源县人民政府办公室, 县财政局]", "units: [湟源县人民政府办公室, 县林业局]"
    )
    report = run(site)
    assert "“县林业局”不在机构名录中" in the(report, "E-CATALOG-VALUE").message


# --- whole-site findings: warnings, exit code 0 ----------------------------------------------


def test_empty_column_is_a_warning(site):
    (site.content / "fdzdgknr/zcjd/20181214-jiaqiang-zhengwu-gongkai-jiedu.md").unlink()
    report = run(site)
    problem = the(report, "W-COLUMN-EMPTY")
    assert (problem.file, str(problem.severity)) == ("content/fdzdgknr/zcjd", "warning")
    assert "“政策解读”" in problem.message and "2019-03-01" in problem.message
    assert report.exit_code() == 0


def test_column_with_only_unpublished_items_is_empty(site):
    site.item("fdzdgknr/zcwj/draft.md", draft="true")
    report = run(site, "2018-12-13")  # before the site's two items are published
    assert sorted(d.file for d in report if d.code == "W-COLUMN-EMPTY") == [
        "content/fdzdgknr/zcjd",
        "content/fdzdgknr/zcwj",
    ]
    assert [d.code for d in report] == ["W-COLUMN-EMPTY"] * 2 and report.exit_code() == 0


@pytest.mark.parametrize(("as_of", "stale"), [("2019-06-14", False), ("2019-06-15", True)])
def test_stale_column_is_a_warning(site, as_of, stale):
    # 政策文件: update_within 6mo, newest item 2018-12-14; 政策解读 has no update_within.
    report = run(site, as_of)
    found = [d for d in report if d.code == "W-COLUMN-STALE"]
    assert [d.file for d in found] == (["content/fdzdgknr/zcwj"] if stale else [])
    if stale:
        assert "2018-12-14" in found[0].message and "6个月" in found[0].message
        assert str(found[0].severity) == "warning"
    assert report.exit_code() == 0


def test_a_key_written_twice_in_columns_yml_is_reported_at_its_line(tmp_path) -> None:
    from generator.content.catalog import load_catalog
    from generator.diagnostics import Report

    (tmp_path / "columns.yml").write_text(
        "units:\n  - name: 湟源县人民政府办公室\n    code: \"015180001\"\n    code: \"015180002\"\ncolumns: []\n",
        encoding="utf-8",
    )
    report = Report()
    assert load_catalog(tmp_path, report) is None
    [problem] = list(report)
    assert problem.code == "E-CATALOG-YAML"
    assert problem.line == 4
    assert "code" in problem.message and "两次" in problem.message
