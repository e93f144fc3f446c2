"""The inspection report (issue #4): `disclosure check --report` in text and JSON, the thresholds
of columns.yml ``inspection:``, and the severities they give the site-wide findings (SPEC §7)."""

from __future__ import annotations

import json

import pytest
from conftest import INTERPRETATION, POLICY, front_matter

ZCWJ = "fdzdgknr/zcwj"


def add_catalog(site, text: str) -> None:
    path = site.root / "columns.yml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def add_policy(site, name: str, serial: int, **fields: str | None) -> None:
    """A valid 政策文件 with ``fields`` changed; its 索引号 follows the publication year."""
    year = (fields.get("published") or POLICY["published"])[:4]
    values = dict(POLICY, index_no=f"015180001/{year}-{serial:05d}", doc_no=f"源政办〔{year}〕{serial}号")
    values |= fields
    site.write(f"content/{ZCWJ}/{name}", front_matter(values))


def report_json(site, *args: str, as_of: str = "2019-03-01"):
    result = site.cli("check", "--report", "--format", "json", *args, as_of=as_of)
    return result, json.loads(result.stdout)


def test_defaults_only_report(site):
    add_policy(site, "20181220-tongzhi.md", 90)  # 1 of 2 policies interpreted: 50 %
    result, document = report_json(site)
    assert result.returncode == 0 and document["diagnostics"] == []
    coverage = document["report"]["interpretation"]
    assert (coverage["policies"], coverage["interpreted"], coverage["ratio"]) == (2, 1, 0.5)
    assert coverage["minimum"] is None and coverage["below_minimum"] is False
    assert [p["file"] for p in coverage["without_interpretation"]] == [
        f"content/{ZCWJ}/20181220-tongzhi.md"
    ]


def test_report_lists_scheduled_and_undated_items(site):
    add_policy(site, "20190501-dingshi.md", 91, published="2019-05-01 09:30")
    add_policy(site, "20181230-wuriqi.md", 92, published=None)
    result, document = report_json(site)
    report = document["report"]
    assert [i["file"] for i in report["scheduled_items"]] == [f"content/{ZCWJ}/20190501-dingshi.md"]
    assert report["scheduled_items"][0]["published"] == "2019-05-01 09:30"
    assert [i["file"] for i in report["undated_items"]] == [f"content/{ZCWJ}/20181230-wuriqi.md"]
    # the missing date itself is an item problem: an error, reported in the same run
    assert result.returncode == 1
    assert [d["code"] for d in document["diagnostics"]] == ["E-REQUIRED"]


def test_report_counts_items_per_unit_and_month(site):
    add_policy(site, "20190105-a.md", 93, published="2019-01-05")
    add_policy(
        site,
        "20190220-b.md",
        94,
        published="2019-02-20",
        index_no="015180012/2019-00001",
        publisher="县财政局",
        doc_no="源财〔2019〕3号",
    )
    _, document = report_json(site)
    assert document["report"]["monthly"] == {
        "湟源县人民政府办公室": {"2018-12": 2, "2019-01": 1},
        "湟源县财政局": {"2019-02": 1},
        "湟源县教育局": {},
    }


def test_text_report_has_the_four_sections(site):
    add_policy(site, "20190501-dingshi.md", 91, published="2019-05-01")
    (site.content / "fdzdgknr/zcjd/20181214-jiaqiang-zhengwu-gongkai-jiedu.md").unlink()
    result = site.cli("check", "--report")
    assert result.returncode == 0, result.stdout + result.stderr
    text = result.stdout
    assert "warning W-COLUMN-EMPTY" in text  # the diagnostics come first
    for words in (
        "政府信息公开专栏检查报告（截至 2019-03-01 23:59，北京时间）",
        "空白栏目 1 个（警告）",
        "[空白栏目] 法定主动公开内容/政策解读（content/fdzdgknr/zcjd）：已发布 0 条",
        "[正常] 法定主动公开内容/政策文件（content/fdzdgknr/zcwj）：已发布 1 条，最近发布 2018-12-14，要求 6个月内更新",
        "定时发布（发布日期晚于截至时间）的条目 1 条",
        f"- 2019-05-01 {POLICY['title']}（content/{ZCWJ}/20190501-dingshi.md）",
        "三、政策解读：解读比例 0%（0/1）",
        "四、各发布机构每月发布数量（2018-04 至 2019-03）",
        "湟源县人民政府办公室 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 1 | 0 | 0 | 0 | 1",
    ):
        assert words in text, words


# --- thresholds: columns.yml inspection: -----------------------------------------------------


def test_interpretation_ratio_below_minimum_is_a_warning(site):
    add_catalog(site, "inspection:\n  interpretation_ratio_min: 0.8\n")
    add_policy(site, "20181220-tongzhi.md", 90)
    result, document = report_json(site)
    (finding,) = document["diagnostics"]
    assert (finding["code"], finding["severity"], finding["file"]) == (
        "W-INTERPRETATION-RATIO",
        "warning",
        "columns.yml",
    )
    assert finding["line"] == len((site.root / "columns.yml").read_text().splitlines())
    assert "解读比例 50%（1/2），低于 inspection 要求的 80%" in finding["message"]
    assert f"“{POLICY['title']}”" in finding["message"]
    assert result.returncode == 0


@pytest.mark.parametrize(
    ("setting", "code"),
    [
        ("empty_columns: error", "W-COLUMN-EMPTY"),
        ("stale_columns: error", "W-COLUMN-STALE"),
        ("interpretation_ratio: error\n  interpretation_ratio_min: 1", "W-INTERPRETATION-RATIO"),
    ],
)
def test_configuration_raises_a_finding_to_an_error(site, setting, code):
    add_catalog(site, f"inspection:\n  {setting}\n")
    (site.content / "fdzdgknr/zcjd/20181214-jiaqiang-zhengwu-gongkai-jiedu.md").unlink()
    result, document = report_json(site, as_of="2019-07-01")  # 政策文件 stale, 政策解读 empty
    found = {d["code"]: d["severity"] for d in document["diagnostics"]}
    assert found[code] == "error"
    assert all(severity == "warning" for c, severity in found.items() if c != code)
    assert result.returncode == 1
    assert "错误（阻止发布）" in site.cli("check", "--report", as_of="2019-07-01").stdout


def test_error_severity_stops_the_build_before_rendering(site):
    add_catalog(site, "inspection:\n  empty_columns: error\n")
    (site.content / "fdzdgknr/zcjd/20181214-jiaqiang-zhengwu-gongkai-jiedu.md").unlink()
    result = site.cli("build")
    assert result.returncode == 1
    assert "error W-COLUMN-EMPTY" in result.stdout and not (site.root / "site").exists()


@pytest.mark.parametrize(
    ("setting", "code", "words"),
    [
        ("empty_columns: fatal", "E-CATALOG-VALUE", "只能是 warning（警告）或 error（阻止发布）"),
        ("interpretation_ratio_min: 80", "E-CATALOG-VALUE", "写 0 到 1 之间的小数"),
        ("interpretation_ratio_min: yes", "E-CATALOG-VALUE", "写 0 到 1 之间的小数"),
        ("empty_column: error", "E-CATALOG-KEY", "未知的键“empty_column”"),
    ],
)
def test_bad_inspection_settings_are_configuration_errors(site, setting, code, words):
    add_catalog(site, f"inspection:\n  {setting}\n")
    result = site.cli("check", "--format", "json")
    assert result.returncode == 2
    problems = [d for d in json.loads(result.stdout) if d["code"] == code]
    assert len(problems) == 1 and words in problems[0]["message"]


def test_interpretation_in_another_column_counts(site):
    # 解读 may sit in any column; only 政策文件 columns count as policies.
    add_policy(site, "20181220-tongzhi.md", 90)
    site.write(
        "content/fdzdgknr/zcjd/20181221-jiedu2.md",
        front_matter(
            dict(INTERPRETATION, index_no="015180001/2018-00095", interprets="015180001/2018-00090")
        ),
    )
    _, document = report_json(site)
    assert document["report"]["interpretation"]["ratio"] == 1.0


# --- the staff page report/ of a staff build --------------------------------------------------


def test_the_built_site_has_the_report_page(site):
    from bs4 import BeautifulSoup
    from linksite import buildable, run
    from sites import set_plugin_options

    buildable(site)
    set_plugin_options(site.root, "staff_pages: true")  # the report is not in the public site
    add_catalog(site, "inspection:\n  interpretation_ratio_min: 0.8\n")
    add_policy(site, "20181220-tongzhi.md", 90, title="关于开展政务公开专项检查的通知")
    add_policy(site, "20190501-dingshi.md", 91, published="2019-05-01", title="定时发布的秘密标题")
    result = run(site, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning W-INTERPRETATION-RATIO" in result.stdout
    output = site.root / "site"
    page = BeautifulSoup((output / "report/index.html").read_text("utf-8"), "html.parser")
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex, nofollow"
    text = page.get_text(" ", strip=True)
    for words in (
        "截至 2019-03-01 23:59",
        "解读比例 50%（1/2），要求不低于 80%（警告）",
        "二、政策解读",
        "关于开展政务公开专项检查的通知",
    ):
        assert words in text, words
    # a scheduled item is not published: the public page neither names nor counts it (SPEC §6,
    # issue #23); `disclosure check --report` does
    assert "定时发布" not in text and "缺少发布日期" not in text
    assert not any("定时发布的秘密标题" in p.read_text("utf-8") for p in output.rglob("*.html"))
    staff = run(site, "check", "--report")
    assert "定时发布（发布日期晚于截至时间）的条目 1 条" in staff.stdout
    links = {a["href"] for a in page.select("table a")}
    assert "../fdzdgknr/zcwj/20181220-tongzhi/" in links
    # present, but not in the public navigation
    home = (output / "index.html").read_text("utf-8")
    assert 'href="report/"' not in home
