"""Link rules before rendering (issue #4): every link in a Markdown source must reach a published
file. Real files in the small test site of conftest.py, checked by `check_site`; each test asserts
the code, the file, the line and column of the link, and the words of the fix."""

from __future__ import annotations

import pytest
from conftest import INTERPRETATION, POLICY, front_matter
from linksite import line_of

ZCWJ = "fdzdgknr/zcwj"
POLICY_SRC = f"{ZCWJ}/20181214-jiaqiang-zhengwu-gongkai.md"
NEW = f"{ZCWJ}/20181220-tongzhi.md"


def write_policy(site, body: str, rel: str = NEW, **fields: str | None) -> None:
    values = dict(POLICY, index_no="015180001/2018-00090", doc_no="源政办〔2018〕90号") | fields
    site.write(f"content/{rel}", front_matter(values, body))


def link_problems(site, as_of: str = "2019-03-01"):
    return [d for d in site.check(as_of) if d.code.startswith(("E-LINK", "W-LINK"))]


def one(problems, code: str):
    assert [d.code for d in problems] == [code], [d.as_text() for d in problems]
    return problems[0]


def test_valid_links_pass(site):
    site.write(f"content/{ZCWJ}/附件1.pdf", b"%PDF-1.4\n")
    site.write(f"content/{ZCWJ}/chart.png", b"\x89PNG\r\n")
    write_policy(
        site,
        "见[政策原文](20181214-jiaqiang-zhengwu-gongkai.md)和[解读](../zcjd/20181214-jiaqiang-zhengwu-gongkai-jiedu.md)。\n\n"
        "附件：[附件1](附件1.pdf)、[编码的名字](%E9%99%84%E4%BB%B61.pdf)\n\n"
        # raw HTML is read from the page's address (…/20181220-tongzhi/), not the file's
        '![图](chart.png)\n\n<img src="../chart.png" alt="图">\n\n'
        "[指南](../../zhinan/index.md)，[解读栏目](../zcjd/index.md)（生成的列表页），[国务院](https://www.gov.cn/)，[邮件](mailto:a@b.cn)\n\n"
        "```\n[代码块中的链接不算](missing.pdf)\n```\n",
    )
    assert link_problems(site) == []


def test_missing_attachment_at_its_line_and_column(site):
    write_policy(site, "正文。\n\n附件：[实施方案](shishi-fangan.pdf)\n")
    problem = one(link_problems(site), "E-LINK-MISSING")
    path = site.content / NEW
    assert (problem.file, (problem.line, problem.column)) == (
        f"content/{NEW}",
        line_of(path, "shishi-fangan.pdf"),
    )
    assert "附件（PDF）“shishi-fangan.pdf”不存在" in problem.message
    assert f"content/{ZCWJ}/shishi-fangan.pdf" in problem.message


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("FuJian.PDF", "大小写不一致（网站服务器区分大小写），应写为 fujian.pdf"),
        ("fujian.pfd", "是不是 fujian.pdf？"),
        ("..\\zcwj\\fujian.pdf", "路径分隔符应为“/”，应写为 fujian.pdf"),
    ],
)
def test_missing_file_names_the_likely_fix(site, written, hint):
    site.write(f"content/{ZCWJ}/fujian.pdf", b"%PDF-1.4\n")
    write_policy(site, f"[附件]({written})\n")
    assert hint in one(link_problems(site), "E-LINK-MISSING").message


def test_missing_page_and_image(site):
    write_policy(site, "[旧文件](20170101-jiu.md)\n\n![示意图](tu/shiyi.png)\n")
    problems = link_problems(site)
    assert [d.code for d in problems] == ["E-LINK-MISSING"] * 2
    assert "页面“20170101-jiu.md”不存在" in problems[0].message
    assert "图片“tu/shiyi.png”不存在" in problems[1].message


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"disclosure": "依申请公开"}, "公开属性是“依申请公开”，不在网站上公开"),
        ({"disclosure": "不予公开"}, "公开属性是“不予公开”"),
        ({"draft": "true"}, "是草稿，不会发布"),
        (
            {"published": "2019-05-01"},
            "定于 2019-05-01 发布，晚于本次生成的截至时间 2019-03-01 23:59",
        ),
    ],
)
def test_link_to_an_item_that_is_not_public(site, fields, reason):
    write_policy(site, "不公开的文件。\n", rel=f"{ZCWJ}/20181215-neibu.md", **fields)
    site.write(
        f"content/{POLICY_SRC}",
        front_matter(POLICY, "另见[内部文件](20181215-neibu.md)。\n"),
    )
    problem = one(link_problems(site), "E-LINK-NOT-PUBLIC")
    assert problem.file == f"content/{POLICY_SRC}"
    assert (problem.line, problem.column) == line_of(site.content / POLICY_SRC, "20181215-neibu.md")
    assert reason in problem.message and "请删除该链接" in problem.message


def test_scheduled_target_is_fine_once_published(site):
    write_policy(site, "定时发布。\n", rel=f"{ZCWJ}/20181215-neibu.md", published="2019-05-01")
    site.write(f"content/{POLICY_SRC}", front_matter(POLICY, "另见[文件](20181215-neibu.md)。\n"))
    assert link_problems(site, "2019-05-01") == []


def test_column_page_links_are_checked_too(site):
    write_policy(site, "依申请。\n", rel=f"{ZCWJ}/20181215-neibu.md", disclosure="依申请公开")
    site.write(
        "content/zhinan/index.md",
        "---\ntitle: 政府信息公开指南\n---\n\n"
        "[申请表](shenqingbiao.docx)\n\n[示例](../fdzdgknr/zcwj/20181215-neibu.md)\n",
    )
    problems = link_problems(site)
    assert [(d.code, d.file) for d in problems] == [
        ("E-LINK-MISSING", "content/zhinan/index.md"),
        ("E-LINK-NOT-PUBLIC", "content/zhinan/index.md"),
    ]
    assert "附件（Word）“shenqingbiao.docx”" in problems[0].message


def test_unpublished_page_may_link_to_unpublished_item(site):
    write_policy(site, "依申请。\n", rel=f"{ZCWJ}/20181215-neibu.md", disclosure="依申请公开")
    site.write(
        f"content/{ZCWJ}/20181216-caogao.md",
        front_matter(
            dict(POLICY, index_no="015180001/2018-00091", doc_no="源政办〔2018〕91号", draft="true"),
            "[内部](20181215-neibu.md)\n",
        ),
    )
    assert link_problems(site) == []


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("../../../../etc/passwd.txt", "指向 content/ 以外"),
        ("/xxgk/fujian.pdf", "以“/”开头，是绝对路径"),
        ("C:\\Users\\xxy\\Desktop\\方案.docx", "本机电脑上的文件路径"),
        ("file:///home/xxy/fangan.pdf", "本机电脑上的文件路径"),
        ("\\\\fileserver\\gongkai\\fangan.pdf", "本机电脑上的文件路径"),
    ],
)
def test_links_leaving_content(site, written, words):
    site.write(
        "content/fdzdgknr/zcjd/20181214-jiaqiang-zhengwu-gongkai-jiedu.md",
        front_matter(INTERPRETATION, f"正文。\n\n见 [方案]({written})。\n"),
    )
    rel = "fdzdgknr/zcjd/20181214-jiaqiang-zhengwu-gongkai-jiedu.md"
    problem = one(link_problems(site), "E-LINK-OUTSIDE")
    assert problem.file == f"content/{rel}"
    assert (problem.line, problem.column) == line_of(site.content / rel, written)
    assert words in problem.message


def test_every_problem_in_one_run_with_exit_code_1(site):
    write_policy(site, "[a](a.pdf)\n[b](/b.pdf)\n[c](../../../../c.pdf)\n")
    result = site.cli("check")
    assert result.returncode == 1
    codes = [line.split()[2] for line in result.stdout.splitlines()]
    assert codes == ["E-LINK-MISSING", "E-LINK-OUTSIDE", "E-LINK-OUTSIDE"]
