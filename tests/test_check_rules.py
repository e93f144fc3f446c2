"""Every validation rule of an item (SPEC §2–4, §6), one real file and one real check each.

``site.item(rel, **fields)`` (tests/conftest.py) writes a valid 政策文件 with a fresh 索引号
and the given fields changed (None leaves a field out); the test then asserts the code, the
file, the line of the offending key and the words of the message that name the fix.
"""

from __future__ import annotations

import pytest

ZCWJ = "fdzdgknr/zcwj"
ZCJD = "fdzdgknr/zcjd"
POLICY_FILE = "content/fdzdgknr/zcwj/20181214-jiaqiang-zhengwu-gongkai.md"  # 015180001/2018-00051
NEW = f"{ZCWJ}/20181220-tongzhi.md"


def line_of(text: str, prefix: str) -> int:
    """The 1-based line of ``text`` starting with ``prefix``."""
    return next(n for n, line in enumerate(text.split("\n"), 1) if line.startswith(prefix))


def problems(site, rel: str = NEW, as_of: str = "2019-03-01"):
    """Diagnostics of the file content/``rel``."""
    return [d for d in site.check(as_of) if d.file == f"content/{rel}"]


def only(diagnostics, code):
    assert [d.code for d in diagnostics] == [code], [d.as_text() for d in diagnostics]
    return diagnostics[0]


def test_the_site_and_a_new_item_are_valid(site):
    site.item(NEW)
    assert [d.as_text() for d in site.check()] == []


# --- required fields -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("title", "标题"),
        ("index_no", "索引号"),
        ("publisher", "发布机构"),
        ("topic", "主题分类"),
        ("disclosure", "公开属性"),
        ("published", "发布日期"),
    ],
)
def test_required_field_missing(site, key, label):
    site.item(NEW, **{key: None})
    problem = next(d for d in problems(site) if d.code == "E-REQUIRED")
    assert problem.line == 1
    assert f"缺少“{label}”（{key}）" in problem.message and "必须填写" in problem.message


def test_required_field_empty_is_reported_on_its_line(site):
    text = site.item(NEW, title="")
    problem = only(problems(site), "E-REQUIRED")
    assert problem.line == line_of(text, "title:") == 2


def test_policy_column_requires_doc_no_and_validity(site):
    site.item(NEW, doc_no=None, validity=None)
    found = [d for d in problems(site) if d.code == "E-REQUIRED"]
    assert len(found) == 2
    assert all("栏目“政策文件”要求填写" in d.message for d in found)
    assert any("“文号”（doc_no）" in d.message for d in found)
    assert any("“有效性”（validity）" in d.message for d in found)


def test_interpretation_column_requires_interprets(site):
    rel = f"{ZCJD}/20181220-jiedu.md"
    site.item(rel, base=site.interpretation, interprets=None)
    problem = only(problems(site, rel), "E-REQUIRED")
    assert "栏目“政策解读”要求填写" in problem.message and "解读对象" in problem.message


def test_column_requirements_do_not_apply_elsewhere(site):
    # The interpretation has neither 文号 nor 有效性: fine outside 政策文件.
    site.item(f"{ZCJD}/20181220-jiedu.md", base=site.interpretation)
    assert site.check() == []


# --- 索引号 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("015180001-2018-00101", "例如 015180001/2024-00012"),
        ("015180001/2018-101", "例如 015180001/2024-00012"),
        ("015180001／2018－00101", "应写为 015180001/2018-00101"),
    ],
)
def test_index_no_format(site, value, hint):
    text = site.item(NEW, index_no=value)
    problem = only(problems(site), "E-INDEX-FORMAT")
    assert problem.line == line_of(text, "index_no:") == 3
    assert f"索引号“{value}”格式不对" in problem.message and hint in problem.message


def test_index_no_must_carry_the_publishers_code(site):
    site.item(NEW, index_no="015180012/2018-00101")  # the 财政局's code, published by 县政府办
    problem = only(problems(site), "E-INDEX-UNIT")
    assert problem.line == 3
    assert "015180012" in problem.message and "应以 015180001/ 开头" in problem.message


def test_index_no_year_must_be_the_publication_year(site):
    site.item(NEW, index_no="015180001/2017-00101")
    problem = only(problems(site), "E-INDEX-YEAR")
    assert problem.line == 3 and "2017" in problem.message and "应为 2018" in problem.message


def test_index_no_duplicate_is_reported_on_both_files(site):
    site.item(NEW, index_no="015180001/2018-00051")
    found = [d for d in site.check() if d.code == "E-INDEX-DUP"]
    assert sorted((d.file, d.line) for d in found) == [
        (POLICY_FILE, 3),
        (f"content/{NEW}", 3),
    ]
    for problem in found:
        other = POLICY_FILE if problem.file != POLICY_FILE else f"content/{NEW}"
        assert "015180001/2018-00051" in problem.message
        assert f"{other}:3" in problem.message and "流水号" in problem.message


# --- 文号 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["源政办[2018]51号", "源政办【2018】51号", "源政办(2018)51号",
                                     "源政办（2018）51号", "源政办 [2018] 51号"])  # fmt: skip
def test_doc_no_brackets_are_corrected(site, written):
    text = site.item(NEW, doc_no=written)
    problem = only(problems(site), "E-DOCNO-BRACKET")
    assert problem.line == line_of(text, "doc_no:") == 5
    assert "六角括号" in problem.message and "应写为“源政办〔2018〕51号”" in problem.message


@pytest.mark.parametrize("written", ["源政办〔2018〕051号", "源政办〔2018〕第51号"])
def test_doc_no_serial_without_zeros_or_di(site, written):
    site.item(NEW, doc_no=written)
    problem = only(problems(site), "E-DOCNO-ZERO")
    assert problem.line == 5 and "应写为“源政办〔2018〕51号”" in problem.message


@pytest.mark.parametrize("written", ["源政办2018年51号", "51号", "源政办〔2018〕"])
def test_doc_no_format(site, written):
    site.item(NEW, doc_no=written)
    problem = only(problems(site), "E-DOCNO-FORMAT")
    assert problem.line == 5 and "源政办〔2018〕51号" in problem.message  # the example


def test_doc_no_year_not_after_written_year(site):
    site.item(NEW, doc_no="源政办〔2019〕3号")  # written 2018-05-10, published 2018-12-14
    problem = only(problems(site), "E-DOCNO-YEAR")
    assert problem.line == 5 and "2019" in problem.message and "2018" in problem.message


def test_doc_no_year_is_compared_with_the_later_of_written_and_published(site):
    # Written in 2018, published in 2019: a 2019 文号 is possible, a 2020 one is not.
    dates = {"published": "2019-01-08", "written": "2018-12-20"}
    site.item(NEW, doc_no="源政办〔2019〕3号", index_no="015180001/2019-00901", **dates)
    assert problems(site) == []
    site.item(NEW, doc_no="源政办〔2020〕3号", index_no="015180001/2019-00901", **dates)
    problem = only(problems(site), "E-DOCNO-YEAR")
    assert "2020" in problem.message and "最晚 2019 年" in problem.message


def test_doc_no_of_an_earlier_year_is_fine(site):
    site.item(NEW, doc_no="源政办〔2017〕120号")
    assert problems(site) == []


# --- vocabularies ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("综合政务/政务信息", "可能是：综合政务"),
        ("综合政务\\政务公开", "用“/”分隔"),
        ("政务公开", "可能是：综合政务/政务公开"),
    ],
)
def test_topic_unknown(site, value, hint):
    text = site.item(NEW, topic=value)
    problem = only(problems(site), "E-TOPIC-UNKNOWN")
    assert problem.line == line_of(text, "topic:") == 6
    assert hint in problem.message


def test_topic_first_level_only_is_fine(site):
    site.item(NEW, topic="综合政务")
    assert problems(site) == []


def test_disclosure_value(site):
    site.item(NEW, disclosure="公开")
    problem = only(problems(site), "E-DISCLOSURE-VALUE")
    assert problem.line == 7 and "主动公开" in problem.message


def test_genre_unknown(site):
    text = site.item(NEW, genre="文件")
    problem = only(problems(site), "E-GENRE-UNKNOWN")
    assert problem.line == line_of(text, "genre:") == 10
    assert "“文件”" in problem.message and "通知" in problem.message and "其他" in problem.message


def test_validity_value(site):
    text = site.item(NEW, validity="有效")
    problem = only(problems(site), "E-VALIDITY-VALUE")
    assert problem.line == line_of(text, "validity:") == 13
    assert "是不是“现行有效”" in problem.message


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "line"), [("published", 9), ("written", 8)])
def test_date_that_does_not_exist(site, key, line):
    site.item(NEW, **{key: "2018-02-30"})
    problem = only(problems(site), "E-DATE-INVALID")
    assert (
        problem.line == line
        and "2018-02-30" in problem.message
        and "不是存在的日期" in problem.message
    )


@pytest.mark.parametrize(
    ("key", "value", "corrected"),
    [
        ("published", "2018/12/14", "2018-12-14"),
        ("published", "2018.12.14", "2018-12-14"),
        ("written", "2018年5月10日", "2018-05-10"),
        ("written", "２０１８－０５－１０", "2018-05-10"),
    ],
)
def test_date_format_shows_the_corrected_form(site, key, value, corrected):
    text = site.item(NEW, **{key: value})
    problem = only(problems(site), "E-DATE-FORMAT")
    assert problem.line == line_of(text, f"{key}:")
    assert f"应写为 {corrected}" in problem.message


def test_date_format_without_a_guess(site):
    site.item(NEW, published="十二月十四日")
    problem = only(problems(site), "E-DATE-FORMAT")
    assert "YYYY-MM-DD" in problem.message


def test_published_with_time_is_fine(site):
    site.item(NEW, published="2018-12-14 09:30")
    assert problems(site) == []


def test_written_after_published(site):
    text = site.item(NEW, written="2018-12-20")
    problem = only(problems(site), "E-DATE-ORDER")
    assert problem.line == line_of(text, "written:") == 8
    assert "2018-12-20" in problem.message and "2018-12-14" in problem.message


def test_scheduled_item_is_not_an_error(site):
    # Published after the as-of date: 定时发布, validated but kept out of the site.
    rel = f"{ZCWJ}/20190601-tongzhi.md"
    site.item(
        rel, index_no="015180001/2019-00020", doc_no="源政办〔2019〕20号",
        written="2019-05-20", published="2019-06-01 08:00",
    )  # fmt: skip
    assert site.check("2019-03-01") == []
    from generator.content.dates import AsOf
    from generator.diagnostics import Report
    from generator.site.check import check_site

    as_of = AsOf.parse("2019-03-01")
    collection = check_site(site.root, as_of, Report())
    item = next(i for i in collection.items if i.src_uri == rel)
    assert item.is_scheduled(as_of) and not item.is_public(as_of)
    assert item.is_public(AsOf.parse("2019-06-01 08:00"))


# --- publisher -------------------------------------------------------------------------------


def test_publisher_unknown_with_suggestion(site):
    text = site.item(NEW, publisher="县政府")
    problem = only(problems(site), "E-PUBLISHER-UNKNOWN")
    assert problem.line == line_of(text, "publisher:") == 4
    assert "“县政府”" in problem.message and "是不是“县政府办”" in problem.message


def test_publisher_alias_resolves_to_the_unit(site):
    site.item(NEW, publisher="县财政局", index_no="015180012/2018-00101")
    assert problems(site) == []  # the 索引号 carries the 财政局's code: the alias resolved


def test_publisher_not_allowed_in_the_column(site):
    site.item(NEW, publisher="湟源县教育局", index_no="12630123015180025X/2018-00101")
    problem = only(problems(site), "E-PUBLISHER-NOT-ALLOWED")
    assert problem.line == 4
    assert "“湟源县教育局”不能在栏目“政策文件”发布" in problem.message
    assert "湟源县人民政府办公室、湟源县财政局" in problem.message


def test_publisher_allowed_in_a_column_without_a_unit_list(site):
    site.item(
        f"{ZCJD}/20181220-jiedu.md", base=site.interpretation,
        publisher="湟源县教育局", index_no="12630123015180025X/2018-00101",
    )  # fmt: skip
    assert site.check() == []


# --- references ------------------------------------------------------------------------------


def test_superseded_by_requires_revised_or_repealed(site):
    text = site.item(NEW, superseded_by="015180001/2018-00051")  # validity: 现行有效
    problem = only(problems(site), "E-SUPERSEDED-VALIDITY")
    assert problem.line == line_of(text, "validity:")
    assert "现行有效" in problem.message and "已修订" in problem.message


def test_superseded_by_without_any_validity(site):
    rel = f"{ZCJD}/20181220-jiedu.md"
    text = site.item(rel, base=site.interpretation, superseded_by="015180001/2018-00052")
    problem = only(problems(site, rel), "E-SUPERSEDED-VALIDITY")
    assert problem.line == line_of(text, "superseded_by:")
    assert "没有填写有效性" in problem.message


@pytest.mark.parametrize("validity", ["已修订", "已废止"])
def test_superseded_item_is_fine(site, validity):
    site.item(NEW, validity=validity, superseded_by="015180001/2018-00051")
    assert site.check() == []


def test_superseded_by_unknown_index_no(site):
    text = site.item(NEW, validity="已废止", superseded_by="015180001/2018-09999")
    problem = only(problems(site), "E-REF-MISSING")
    assert problem.line == line_of(text, "superseded_by:")
    assert "替代文件" in problem.message and "015180001/2018-09999" in problem.message


def test_interprets_unknown_index_no(site):
    rel = f"{ZCJD}/20181220-jiedu.md"
    text = site.item(rel, base=site.interpretation, interprets="015180001/2018-00050")
    problem = only(problems(site, rel), "E-REF-MISSING")
    assert problem.line == line_of(text, "interprets:")
    assert "解读对象" in problem.message and "015180001/2018-00050" in problem.message


@pytest.mark.parametrize(
    "target",
    [{"draft": "true"}, {"disclosure": "依申请公开"}, {"disclosure": "不予公开"},
     {"index_no": "015180001/2019-00009", "published": "2019-05-01",
      "written": "2019-04-20", "doc_no": "源政办〔2019〕9号"}],
    ids=["draft", "on-request", "not-disclosed", "scheduled"],
)  # fmt: skip
def test_public_item_must_not_refer_to_an_unpublished_one(site, target):
    site.item(f"{ZCWJ}/target.md", **{"index_no": "015180001/2018-00090", **target})
    number = target.get("index_no", "015180001/2018-00090")
    rel = f"{ZCJD}/20181220-jiedu.md"
    text = site.item(rel, base=site.interpretation, interprets=number)
    problem = only(problems(site, rel), "E-REF-NOT-PUBLIC")
    assert problem.line == line_of(text, "interprets:")
    assert "content/fdzdgknr/zcwj/target.md" in problem.message and "链接会失效" in problem.message


def test_unpublished_item_may_refer_to_an_unpublished_one(site):
    site.item(f"{ZCWJ}/target.md", index_no="015180001/2018-00090", draft="true")
    site.item(f"{ZCWJ}/other.md", draft="true", validity="已修订",
              superseded_by="015180001/2018-00090")  # fmt: skip
    assert site.check() == []


def test_supersession_cycle(site):
    a = site.item(f"{ZCWJ}/a.md", index_no="015180001/2018-00101", validity="已修订",
                  superseded_by="015180001/2018-00102")  # fmt: skip
    site.item(f"{ZCWJ}/b.md", index_no="015180001/2018-00102", validity="已修订",
              superseded_by="015180001/2018-00101")  # fmt: skip
    found = [d for d in site.check() if d.code == "E-SUPERSEDE-CYCLE"]
    assert [(d.file, d.line) for d in found] == [
        ("content/fdzdgknr/zcwj/a.md", line_of(a, "superseded_by:"))
    ]
    assert "015180001/2018-00101 → 015180001/2018-00102 → 015180001/2018-00101" in found[0].message


def test_item_superseding_itself(site):
    site.item(NEW, index_no="015180001/2018-00101", validity="已废止",
              superseded_by="015180001/2018-00101")  # fmt: skip
    assert only(problems(site), "E-SUPERSEDE-CYCLE")


# --- other fields ----------------------------------------------------------------------------


def test_summary_of_101_characters_is_too_long(site):
    text = site.item(NEW, summary="政" * 101)
    problem = only(problems(site), "E-SUMMARY-LONG")
    assert problem.line == line_of(text, "summary:") and "101" in problem.message


def test_summary_of_100_characters_is_fine(site):
    site.item(NEW, summary="政" * 100)
    assert problems(site) == []


@pytest.mark.parametrize("value", ["maybe", "是的", "1"])
def test_draft_value(site, value):
    text = site.item(NEW, draft=value)
    problem = only(problems(site), "E-DRAFT-VALUE")
    assert problem.line == line_of(text, "draft:") and "true 或 false" in problem.message


@pytest.mark.parametrize("value", ["true", "false", "是", "否"])
def test_draft_values_accepted(site, value):
    site.item(NEW, draft=value)
    assert problems(site) == []


def test_title_on_two_lines(site):
    site.item(NEW, title="|\n  湟源县人民政府办公室关于\n  进一步加强政务公开工作的通知")
    problem = only(problems(site), "E-TITLE-MULTILINE")
    assert problem.line == 2 and "一行" in problem.message


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("title", "[湟源县, 通知]", "不能是列表"),
        ("publisher", "{name: 县政府办}", "不能是列表或映射"),
        ("keywords", "{政务公开: 1}", "关键词应为列表"),
        ("extra", "来源县政府办", "extra 下面"),
    ],
)
def test_field_type(site, key, value, words):
    text = site.item(NEW, **{key: value})
    problem = next(d for d in problems(site) if d.code == "E-FIELD-TYPE")
    assert problem.line == line_of(text, f"{key}:") and words in problem.message


def test_approval_required_by_the_site(site):
    site.write("columns.yml", (site.root / "columns.yml").read_text() + "require_approval: true\n")
    site.item(NEW, reviewer="李文华", approver="孟宗勇")
    site.item(f"{ZCWJ}/draft.md", draft="true")  # a draft is not published: no approval yet
    site.item(f"{ZCWJ}/on-request.md", disclosure="依申请公开")
    found = [d for d in site.check() if d.code == "E-APPROVAL-MISSING"]
    # Only the two items of the site's base content lack reviewer and approver.
    assert sorted({d.file for d in found}) == [
        "content/fdzdgknr/zcjd/20181214-jiaqiang-zhengwu-gongkai-jiedu.md",
        POLICY_FILE,
    ]
    assert len(found) == 4
    assert any("审核人" in d.message for d in found) and any("签发人" in d.message for d in found)
    assert all("未经审核" in d.message for d in found)


def test_approval_not_required_by_default(site):
    site.item(NEW)  # no reviewer, no approver
    assert problems(site) == []


@pytest.mark.parametrize(
    ("rel", "where"),
    [
        ("zhinan/shenqing.md", "栏目“政府信息公开指南”"),
        ("fdzdgknr/tongzhi.md", "栏目“法定主动公开内容”"),
        ("tongzhi.md", "content/ 根目录"),
    ],
    ids=["page-column", "section", "content-root"],
)
def test_markdown_file_outside_a_list_column(site, rel, where):
    site.item(rel)
    problem = only(problems(site, rel), "E-ITEM-PLACE")
    assert problem.line == 1 and where in problem.message and "列表栏目" in problem.message


def test_an_item_without_body_or_attachment_is_an_error(site):
    text = site.item(NEW)
    site.write(f"content/{NEW}", text.replace(text.split("---\n\n", 1)[1], "\n  \n"))
    problem = only(problems(site), "E-ITEM-EMPTY")
    assert problem.line == line_of(text, "validity") + 2  # where the body begins
    assert "正文" in problem.message and "附件" in problem.message


def test_an_empty_draft_is_work_in_progress(site):
    text = site.item(NEW, draft="true")
    site.write(f"content/{NEW}", text.split("---\n\n", 1)[0] + "---\n")
    assert problems(site) == []


def test_two_published_items_with_one_doc_number(site):
    site.item(NEW, doc_no="源政办〔2018〕51号")  # the policy file's
    problem = only(problems(site), "E-DOCNO-DUP")
    assert problem.line == 5 and POLICY_FILE in problem.message and "替代文件" in problem.message
    assert "E-DOCNO-DUP" in [d.code for d in problems(site, POLICY_FILE.removeprefix("content/"))]


def test_a_revision_may_keep_the_doc_number_of_the_file_it_replaces(site):
    # The old file names the new one as its replacement: the same 文号 is expected.
    site.item(NEW, doc_no="源政办〔2018〕51号")
    old = site.root / POLICY_FILE
    index_no = next(line for line in (site.content / NEW).read_text().splitlines()
                    if line.startswith("index_no")).split(": ")[1]  # fmt: skip
    old.write_text(
        old.read_text(encoding="utf-8").replace(
            "validity: 现行有效", f"validity: 已修订\nsuperseded_by: {index_no}"
        ),
        encoding="utf-8",
    )
    assert [d for d in site.check() if d.code == "E-DOCNO-DUP"] == []


def test_a_withheld_item_may_share_a_doc_number(site):
    site.item(NEW, doc_no="源政办〔2018〕51号", disclosure="依申请公开")
    assert problems(site) == []


def test_a_file_no_item_links_to_is_named(site):
    site.write(f"content/{ZCWJ}/遗漏的附件.pdf", b"%PDF-1.4\n")
    site.write(f"content/{ZCWJ}/linked.pdf", b"%PDF-1.4\n")
    site.item(NEW, summary="见附件")
    item = site.content / NEW
    item.write_text(item.read_text(encoding="utf-8") + "\n[附件](linked.pdf)\n", encoding="utf-8")
    orphans = [d for d in site.check() if d.code == "W-FILE-ORPHAN"]
    assert [d.file for d in orphans] == [f"content/{ZCWJ}/遗漏的附件.pdf"]
    assert orphans[0].severity == "warning" and "[附件名称](遗漏的附件.pdf)" in orphans[0].message


GUIDE_PAGE = "zhinan/index.md"  # a page column's page


def write_guide(site, **fields: str) -> None:
    lines = ["title: 政府信息公开指南", *(f"{key}: {value}" for key, value in fields.items())]
    site.write(f"content/{GUIDE_PAGE}", "---\n" + "\n".join(lines) + "\n---\n\n获取政府信息的方式。\n")


def test_a_page_column_page_may_be_written_as_a_document(site):
    write_guide(site, 发布机构="县政府办", 发布日期="2018-12-20", 成文日期="2018-12-18",
                索引号="015180001/2018-00300", 主题分类="综合政务/政务公开", 公开属性="主动公开")  # fmt: skip
    assert site.check() == []


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"发布机构": "县农业局"}, "E-PUBLISHER-UNKNOWN"),
        ({"发布日期": "2018-13-01"}, "E-DATE-INVALID"),
        ({"发布机构": "县政府办", "索引号": "015180012/2018-00300"}, "E-INDEX-UNIT"),
        ({"索引号": "015180001/2018-00051"}, "E-INDEX-DUP"),  # the policy file's
        ({"文号": "源政办〔2018〕3号"}, "E-KEY-UNKNOWN"),
    ],
)
def test_a_page_column_page_is_validated_as_an_item(site, fields, code):
    write_guide(site, **fields)
    assert code in [d.code for d in problems(site, GUIDE_PAGE)]


def test_a_list_column_introduction_is_no_document(site):
    site.write("content/fdzdgknr/index.md", "---\ntitle: 法定主动公开内容\n发布机构: 县政府办\n---\n\n正文。\n")
    problem = only(problems(site, "fdzdgknr/index.md"), "E-KEY-UNKNOWN")
    assert "标题、内容概述和关键词" in problem.message and "发布机构" in problem.message
