"""有效性 and 政策解读 (issue 8): the generated 现行有效 list, notices on revised and repealed
documents, supersession cycles, and interpretations linked both ways."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import POLICY, front_matter
from marker_site import MARKERS, PAGE_SIZE, marker_site
from sites import REFERENCE_AS_OF, html, run_cli

from generator.content.dates import AsOf
from generator.diagnostics import Report
from generator.site.check import check_site

ZCWJ = "fdzdgknr/zcwj"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return marker_site(tmp_path_factory)


def page(built: Path, url: str):
    return html(built / "site" / url / "index.html")


def public_items(built: Path):
    report = Report()
    collection = check_site(built, AsOf.parse(REFERENCE_AS_OF), report)
    assert collection is not None and not report.has_errors()
    as_of = AsOf.parse(REFERENCE_AS_OF)
    return collection, [item for item in collection.items if item.is_public(as_of)]


def listed_rows(built: Path, base: str) -> list[tuple[str, str]]:
    """(标题, 发文字号) of a paginated listing, all pages in order."""
    first = page(built, base)
    pager = first.select_one(".dp-pager")
    count = int(pager.get_text().split("/")[1].split(" ")[0]) if pager else 1
    rows = []
    for number in range(1, count + 1):
        listing = first if number == 1 else page(built, f"{base}/page/{number}")
        for row in listing.select(".dp-list tbody tr"):
            cells = row.find_all("td")
            rows.append((cells[1].a.get_text(strip=True), cells[2].get_text(strip=True)))
    return rows


def test_the_valid_list_holds_the_documents_in_force_newest_first(built: Path):
    _, items = public_items(built)
    expected = [
        (item.title, str(item.doc_no))
        for item in sorted(items, key=lambda i: i.sort_key, reverse=True)
        if item.column.type == "政策文件" and item.validity == "现行有效"
    ]
    assert len(expected) > 2 * PAGE_SIZE  # so that the list has several pages
    rows = listed_rows(built, "xianxing")
    assert rows == expected
    doc_numbers = [doc_no for _, doc_no in rows]
    assert "源政办〔2019〕45号" not in doc_numbers  # 已废止
    assert "源财〔2023〕9号" not in doc_numbers  # 已修订
    assert all(marker not in str(rows) for marker in MARKERS.values())
    first = page(built, "xianxing")
    assert first.h1.get_text(strip=True) == "现行有效文件"
    assert f"共 {len(expected)} 件" in first.select_one(".dp-description").get_text()
    assert first.select_one(".dp-pager a[rel=next]")  # paginated like the column listings


def test_the_valid_list_is_linked_from_the_policy_column_and_the_home_page(built: Path):
    for url in (ZCWJ, ""):
        links = {
            a.get_text(strip=True): a["href"]
            for a in page(built, url).select(".dp-related-links a")
        }
        assert "现行有效文件" in links, url
        assert (built / "site" / url / links["现行有效文件"] / "index.html").resolve().is_file()
    other = page(built, "fdzdgknr/zcjd").select(".dp-related-links a")
    assert "现行有效文件" not in [a.get_text(strip=True) for a in other]


def test_a_repealed_document_shows_a_notice_linking_its_replacement(built: Path):
    old = page(built, f"{ZCWJ}/20190820-linshi-jiuzhu-banfa-2019")
    notice = old.select_one(".dp-notice")
    assert "本文件已废止" in notice.get_text()
    link = notice.a
    assert (
        link.get_text(strip=True) == "湟源县人民政府办公室关于印发《湟源县临时救助实施办法》的通知"
    )
    assert "源政办〔2025〕27号" in notice.get_text()
    target = (built / "site" / ZCWJ / "20190820-linshi-jiuzhu-banfa-2019" / link["href"]).resolve()
    assert target == (built / "site" / ZCWJ / "20250610-linshi-jiuzhu-banfa").resolve()
    assert page(built, f"{ZCWJ}/20250610-linshi-jiuzhu-banfa").select_one(".dp-notice") is None


def test_a_revised_document_shows_a_notice_linking_its_replacement(built: Path):
    notice = page(built, f"{ZCWJ}/20230301-zijin-guanli-2023").select_one(".dp-notice")
    assert "本文件已修订" in notice.get_text()
    assert (
        notice.a.get_text(strip=True)
        == "湟源县财政局关于印发《湟源县县级财政专项资金管理办法》的通知"
    )
    assert "源财〔2024〕21号" in notice.get_text()


def test_supersession_cycles_are_errors(site):
    first = dict(POLICY, validity="已修订", superseded_by="015180001/2018-00201")
    site.write(f"content/{ZCWJ}/20181214-jiaqiang-zhengwu-gongkai.md", front_matter(first))
    second = dict(
        POLICY,
        index_no="015180001/2018-00201",
        doc_no="源政办〔2018〕60号",
        validity="已废止",
        superseded_by="015180001/2018-00051",
    )
    site.write(f"content/{ZCWJ}/20181220-b.md", front_matter(second))
    cycles = [d for d in site.check() if d.code == "E-SUPERSEDE-CYCLE"]
    assert len(cycles) == 1
    assert "015180001/2018-00051 → 015180001/2018-00201 → 015180001/2018-00051" in cycles[0].message
    assert cycles[0].line == 14  # the superseded_by line of the file that starts the chain


# 政策解读 ----------------------------------------------------------------------------------


def test_interpretation_and_policy_link_each_other(built: Path):
    reading = page(built, "fdzdgknr/zcjd/20250610-jiedu-linshi-jiuzhu-banfa")
    policy_link = reading.select_one("#dp-policy-title").find_next("a")
    assert (
        policy_link.get_text(strip=True)
        == "湟源县人民政府办公室关于印发《湟源县临时救助实施办法》的通知"
    )
    policy = page(built, f"{ZCWJ}/20250610-linshi-jiuzhu-banfa")
    readings = [
        a.get_text(strip=True)
        for a in policy.select_one("#dp-interpretations-title").find_parent("section").select("a")
    ]
    # the draft interpretation of the same policy is not listed: it is not published
    assert readings == ["《湟源县临时救助实施办法》政策解读"]


def test_policies_without_interpretation_are_in_the_site_model_and_the_report(built: Path):
    from generator.site.model import build_site_model

    collection, _ = public_items(built)
    model = build_site_model(collection, AsOf.parse(REFERENCE_AS_OF), built / "content")
    policies = [i for i in model.items if i.column.type == "政策文件"]
    interpreted = {p.source for p in policies if model.interpretations.get(str(p.index_no))}
    assert f"content/{ZCWJ}/20181214-jiaqiang-zhengwu-gongkai.md" in interpreted
    assert all(MARKERS["draft"] not in r.title for rs in model.interpretations.values() for r in rs)
    result = run_cli(
        "check", "--site", str(built), "--as-of", REFERENCE_AS_OF, "--report", "--format", "json"
    )
    missing = json.loads(result.stdout)["report"]["interpretation"]["without_interpretation"]
    expected = sorted(p.source for p in policies if p.source not in interpreted)
    assert sorted(entry["file"] for entry in missing) == expected
    assert f"content/{ZCWJ}/20240516-caizheng-zhuanxiang-zijin-guanli.md" in expected


def test_every_listing_shows_each_policys_validity(built) -> None:
    """A repealed file never looks current where it is listed: column lists and browse lists
    carry its 有效性 beside the title (the home page's newest items use the same partial)."""
    shown = [
        badge.get_text()
        for url in (ZCWJ, *(f"{ZCWJ}/page/{n}" for n in range(2, 30)))
        if (built / "site" / url / "index.html").is_file()
        for badge in page(built, url).select("table.dp-list .dp-validity")
    ]
    assert "现行有效" in shown and "已废止" in shown
    repealed = page(built, "browse/year/2019").select(".dp-validity--ended")
    assert [badge.get_text() for badge in repealed] and all(
        badge.get_text() in ("已修订", "已废止", "失效") for badge in repealed
    )
