"""`disclosure check` predicts `disclosure build`: for every item-level problem, both report the
same (file, line, code), so a passing pre-commit check means a passing CI build. Each hostile
item goes into a real copy of the reference site; check and build run as the clerk runs them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sites import REFERENCE_AS_OF, copy_reference_site, run_cli

ITEM = "content/fdzdgknr/zcwj/20261120-jiancha.md"
WITHHELD = "content/fdzdgknr/zcwj/20181214-jiaqiang-zhengwu-gongkai.md"
EMPTY = "content/fdzdgknr/zcwj/20261119-kongbai.md"  # the front matter alone: an empty body
FRONT = """---
title: 关于开展政务公开专项检查的通知
index_no: 015180001/2026-00901
publisher: 县政府办
doc_no: 源政办〔2026〕901号
topic: 综合政务/政务公开
disclosure: 主动公开
written: 2026-11-10
published: 2026-11-12
genre: 通知
validity: 现行有效
---

## 一、检查范围

全县各乡镇、各部门。

## 二、工作要求 {#gongzuo-yaoqiu}

"""

CASES: dict[str, str | None] = {
    "anchor on the page": "见[工作要求](#gongzuo-yaoqiu)和[检查时间](#jiancha-shijian)。\n",
    "anchor on another page": "见[解读](../zcjd/20181214-tujie-jiaqiang-zhengwu-gongkai.md#meiyou)。\n",
    "missing attachment": "见[附件1](附件1.pdf)。\n",
    "missing page": "见[通知](20990101-meiyou.md)。\n",
    "folder address": "返回[政策解读栏目](../zcjd/)。\n",  # read from the page: zcwj/zcjd/
    "raw html from the page": '<img src="20181214-jiaqiang-zhengwu-gongkai-附件1.csv">\n',
    "outside content": "见[附件](../../../../mima.txt)。\n",
    "script": "<script>alert(1)</script>\n",
    "handler": "![图](a.png){: onerror=\"alert(1)\" }\n",
    "javascript link": "[点击](javascript:alert(1))\n",
    "identity number": "联系人身份证号 110101199003071233。\n",
    "mobile": "联系电话 13912345678。\n",
    "not public": "见[原通知](20181214-jiaqiang-zhengwu-gongkai.md)。\n",
    "anchor on a page without text": f"见[空白通知]({EMPTY.rsplit('/', 1)[1]}#meiyou)。\n",
    "empty": None,  # the front matter alone
}


def findings(result_stdout: str) -> set[tuple[str, int, str]]:
    return {
        (d["file"], d["line"], d["code"])
        for d in json.loads(result_stdout)
        if d["severity"] == "error"
    }


@pytest.mark.parametrize("case", list(CASES))
def test_check_and_build_report_the_same_problems(tmp_path: Path, case: str) -> None:
    site = copy_reference_site(tmp_path / "site")
    body = CASES[case]
    text = FRONT + body if body is not None else FRONT.split("## ")[0]
    (site / ITEM).write_text(text, encoding="utf-8")
    if case == "anchor on a page without text":
        empty = FRONT.split("## ")[0].replace("2026-00901", "2026-00902").replace("901号", "902号")
        (site / EMPTY).write_text(empty, encoding="utf-8")
    if case == "not public":
        withheld = site / WITHHELD
        withheld.write_text(
            withheld.read_text("utf-8").replace("disclosure: 主动公开", "disclosure: 依申请公开"),
            encoding="utf-8",
        )
    arguments = ["--site", str(site), "--as-of", REFERENCE_AS_OF, "--format", "json"]
    checked = run_cli("check", *arguments)
    built = run_cli("build", *arguments)
    assert checked.returncode == built.returncode == 1, checked.stdout + built.stderr
    expected = findings(checked.stdout)
    assert expected, checked.stdout
    assert any(file == ITEM for file, _, _ in expected)
    assert findings(built.stdout) == expected
    assert not (site / "site").exists()  # nothing published from a failed build


def test_an_anchor_error_lists_the_anchors_the_page_has(tmp_path: Path) -> None:
    site = copy_reference_site(tmp_path / "site")
    (site / ITEM).write_text(FRONT + CASES["anchor on the page"], encoding="utf-8")
    checked = run_cli("check", "--site", str(site), "--as-of", REFERENCE_AS_OF, "--format", "json")
    (problem,) = [d for d in json.loads(checked.stdout) if d["code"] == "E-LINK-ANCHOR"]
    assert problem["line"] == FRONT.count("\n") + 1
    assert "#jiancha-shijian" in problem["message"] and "#gongzuo-yaoqiu" in problem["message"]


def test_anchors_that_exist_pass_check_and_build(tmp_path: Path) -> None:
    """The same slugs as the rendered page: a heading's, attr_list's {#id}, a raw HTML id."""
    site = copy_reference_site(tmp_path / "site")
    body = (
        '<p id="fujian">附件说明。</p>\n\n## Work plan\n\n'
        "见[工作要求](#gongzuo-yaoqiu)、[计划](#work-plan)、[附件说明](#fujian)和[范围](#_1)。\n"
    )
    (site / ITEM).write_text(FRONT + body, encoding="utf-8")
    arguments = ["--site", str(site), "--as-of", REFERENCE_AS_OF]
    checked = run_cli("check", *arguments)
    assert checked.returncode == 0, checked.stdout
    built = run_cli("build", *arguments)
    assert built.returncode == 0, built.stdout + built.stderr
    page = (site / "site/fdzdgknr/zcwj/20261120-jiancha/index.html").read_text("utf-8")
    for anchor in ("gongzuo-yaoqiu", "work-plan", "fujian", "_1"):
        assert f'id="{anchor}"' in page
