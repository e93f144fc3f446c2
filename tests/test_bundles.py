"""Item folders (page bundles): ``content/<column>/<slug>/index.md`` with its attachments beside
it, as Hugo's leaf bundles. Attachments keep their Chinese names without meeting another item's;
the URL stays ``<column>/<slug>/``; flat items keep working."""

from __future__ import annotations

from pathlib import Path

import pytest
from sites import REFERENCE_AS_OF, build, copy_reference_site, run_cli

COLUMN = "content/fdzdgknr/zcwj"
FRONT = """---
title: {title}
index_no: 015180001/2026-{serial:05d}
publisher: 县政府办
doc_no: 源政办〔2026〕{serial}号
topic: 综合政务/政务公开
disclosure: {disclosure}
written: 2026-11-10
published: 2026-11-12
genre: 通知
validity: 现行有效
---

现将有关事项通知如下。附件：[附件1：名单](附件1.csv)
"""


def bundle(site: Path, slug: str, serial: int, attachment: str, disclosure: str = "主动公开") -> Path:
    folder = site / COLUMN / slug
    folder.mkdir()
    text = FRONT.format(title=f"关于{slug}的通知", serial=serial, disclosure=disclosure)
    (folder / "index.md").write_text(text, encoding="utf-8")
    (folder / "附件1.csv").write_text(attachment, encoding="utf-8")
    return folder


def check(site: Path) -> tuple[int, str]:
    result = run_cli("check", "--site", str(site), "--as-of", REFERENCE_AS_OF)
    return result.returncode, result.stdout


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_reference_site(tmp_path / "site")


def test_two_items_with_an_attachment_of_the_same_name(site: Path) -> None:
    bundle(site, "20261112-jiancha", 901, "单位,人数\n县政府办,3\n")
    bundle(site, "20261112-peixun", 902, "单位,人数\n县财政局,5\n")
    result = build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    output = site / "site" / "fdzdgknr" / "zcwj"
    assert "县政府办" in (output / "20261112-jiancha" / "附件1.csv").read_text("utf-8")
    assert "县财政局" in (output / "20261112-peixun" / "附件1.csv").read_text("utf-8")
    page = (output / "20261112-jiancha" / "index.html").read_text("utf-8")
    assert 'href="附件1.csv"' in page
    # the flat items beside them are as they were
    assert (output / "20181214-jiaqiang-zhengwu-gongkai" / "index.html").is_file()


def test_new_makes_an_item_folder_that_checks_and_builds(site: Path) -> None:
    created = run_cli(
        "new", "--site", str(site), "--as-of", REFERENCE_AS_OF, "--column", "zcwj",
        "--publisher", "县政府办", "--title", "关于做好冬季供暖工作的通知", "--file", "gongnuan",
        "--doc-no", "源政办〔2026〕905号",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    item = site / COLUMN / "gongnuan" / "index.md"
    item.write_text(
        item.read_text("utf-8") + "请各单位做好供暖保障。附件：[联系人名单](附件1.csv)\n", "utf-8"
    )
    (item.parent / "附件1.csv").write_text("单位,联系人\n县住建局,张三\n", encoding="utf-8")
    assert check(site)[0] == 0
    assert build(site).returncode == 0
    assert (site / "site/fdzdgknr/zcwj/gongnuan/附件1.csv").is_file()


def test_a_withheld_item_folder_keeps_its_files_out(site: Path) -> None:
    bundle(site, "20261112-neibu", 903, "内部名单\n", disclosure="依申请公开")
    item = site / COLUMN / "20181214-jiaqiang-zhengwu-gongkai.md"
    item.write_text(item.read_text("utf-8") + "\n[名单](20261112-neibu/附件1.csv)\n", "utf-8")
    code, output = check(site)
    assert code == 1 and "E-LINK-NOT-PUBLIC" in output
    item.write_text(item.read_text("utf-8").replace("[名单](20261112-neibu/附件1.csv)", ""), "utf-8")
    assert build(site).returncode == 0
    assert not (site / "site/fdzdgknr/zcwj/20261112-neibu").exists()


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ("flat", "是同一个网址的页面"),
        ("markdown", "只能有 index.md"),
        ("folder", "不能再有文件夹"),
    ],
)
def test_what_an_item_folder_may_not_hold(site: Path, extra: str, words: str) -> None:
    folder = bundle(site, "20261112-jiancha", 901, "单位\n")
    if extra == "flat":
        (folder.parent / "20261112-jiancha.md").write_text(
            FRONT.format(title="同名", serial=904, disclosure="主动公开"), encoding="utf-8"
        )
    elif extra == "markdown":
        (folder / "another.md").write_text("# 另一个\n", encoding="utf-8")
    else:
        (folder / "fujian").mkdir()
        (folder / "fujian" / "a.csv").write_text("a\n", encoding="utf-8")
    code, output = check(site)
    assert code == 1
    assert any("E-ITEM-PLACE" in line and words in line for line in output.splitlines()), output


def test_a_link_to_an_item_moved_into_a_folder_names_the_new_path(site: Path) -> None:
    old = site / COLUMN / "20181214-jiaqiang-zhengwu-gongkai.md"
    folder = site / COLUMN / "20181214-jiaqiang-zhengwu-gongkai"
    folder.mkdir()
    text = old.read_text("utf-8").replace("](../zcjd/", "](../../zcjd/")
    (folder / "index.md").write_text(
        text.replace("20181214-jiaqiang-zhengwu-gongkai-附件1.csv", "附件1.csv"), "utf-8"
    )
    (site / COLUMN / "20181214-jiaqiang-zhengwu-gongkai-附件1.csv").rename(folder / "附件1.csv")
    old.unlink()
    code, output = check(site)
    assert code == 1
    assert "应写为 ../zcwj/20181214-jiaqiang-zhengwu-gongkai/index.md" in output
