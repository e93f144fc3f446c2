"""One real build shared by the tests of issue 8 (年报, 现行有效, 统计, feeds, 数据开放).

The reference site plus:
- four items that must never be published, each carrying a marker word in its title, summary
  and body: a 依申请公开 and a 不予公开 政策文件 marked 现行有效 (they would enter the 现行有效 list,
  the feeds and the exports if a filter failed), a draft 政策解读 of a public policy, and a
  scheduled 年报 with its own statistical tables;
- :data:`EXTRA_ITEMS` public items in 其他法定公开信息, so that the site has more than the 50
  items an Atom feed holds;
- a 政策文件 of 2023 marked 已修订, replaced by the reference site's 2024 one;
- ``page_size: 3``, so that the 现行有效 list has several pages.

Built once per test session with the real ``disclosure build --as-of 2026-11-20`` (about five
seconds); the tests only read the output.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sites import build, copy_reference_site, write_item

MARKERS = {
    "依申请公开": "QZAPPLYMARK",
    "不予公开": "QZWITHHELDMARK",
    "draft": "QZDRAFTMARK",
    "scheduled": "QZSCHEDULEDMARK",
}
MARKER_INDEX_NOS = (
    "015180001/2026-90001",
    "015180001/2026-90002",
    "015180001/2026-90003",
    "015180001/2027-90004",
)
EXTRA_ITEMS = 8
PAGE_SIZE = 3

SCHEDULED_TABLES = """\
年度: 2026
主动公开:
  规章: [0, 0, 0]
  # 县政府办 2026 年的公开文件：制发 1 件（源政办〔2026〕58号），年末现行有效 3 件；
  # 不公开的标记条目不计入，否则会报 W-REPORT-DOCS
  行政规范性文件: [1, 0, 3]
  行政许可: 0
  行政处罚: 0
  行政强制: 0
  行政事业性收费: 0
申请办理:
  本年新收: [0, 0, 0, 0, 0, 0, 0]
  上年结转: [0, 0, 0, 0, 0, 0, 0]
  予以公开: [0, 0, 0, 0, 0, 0, 0]
  部分公开: [0, 0, 0, 0, 0, 0, 0]
  不予公开:
    属于国家秘密: [0, 0, 0, 0, 0, 0, 0]
    其他法律行政法规禁止公开: [0, 0, 0, 0, 0, 0, 0]
    危及三安全一稳定: [0, 0, 0, 0, 0, 0, 0]
    保护第三方合法权益: [0, 0, 0, 0, 0, 0, 0]
    属于三类内部事务信息: [0, 0, 0, 0, 0, 0, 0]
    属于四类过程性信息: [0, 0, 0, 0, 0, 0, 0]
    属于行政执法案卷: [0, 0, 0, 0, 0, 0, 0]
    属于行政查询事项: [0, 0, 0, 0, 0, 0, 0]
  无法提供:
    本机关不掌握相关政府信息: [0, 0, 0, 0, 0, 0, 0]
    没有现成信息需要另行制作: [0, 0, 0, 0, 0, 0, 0]
    补正后申请内容仍不明确: [0, 0, 0, 0, 0, 0, 0]
  不予处理:
    信访举报投诉类申请: [0, 0, 0, 0, 0, 0, 0]
    重复申请: [0, 0, 0, 0, 0, 0, 0]
    要求提供公开出版物: [0, 0, 0, 0, 0, 0, 0]
    无正当理由大量反复申请: [0, 0, 0, 0, 0, 0, 0]
    要求行政机关确认或重新出具已获取信息: [0, 0, 0, 0, 0, 0, 0]
  其他处理:
    逾期不补正: [0, 0, 0, 0, 0, 0, 0]
    逾期未缴费: [0, 0, 0, 0, 0, 0, 0]
    其他: [0, 0, 0, 0, 0, 0, 0]
  总计: [0, 0, 0, 0, 0, 0, 0]
  结转下年度: [0, 0, 0, 0, 0, 0, 0]
复议诉讼:
  行政复议: [0, 0, 0, 0, 0]
  未经复议直接起诉: [0, 0, 0, 0, 0]
  复议后起诉: [0, 0, 0, 0, 0]
"""


def _policy(marker: str, serial: str, **changes: str) -> dict[str, str]:
    fields = {
        "title": f"湟源县人民政府办公室关于{marker}事项的通知",
        "index_no": serial,
        "publisher": "湟源县人民政府办公室",
        "doc_no": f"源政办〔2026〕{900 + int(serial[-1])}号",
        "topic": "综合政务/政务公开",
        "disclosure": "主动公开",
        "written": "2026-05-20",
        "published": "2026-06-01",
        "genre": "通知",
        "keywords": f"[{marker}, 政务公开]",
        "summary": f"内容概述{marker}",
        "validity": "现行有效",
    }
    fields.update(changes)
    return fields


def populate(site: Path) -> Path:
    """Add the marker items, the extra public items and the small page size to a site copy."""
    body = "各乡镇人民政府，县政府各部门：\n\n关于{marker}的具体事项通知如下。\n"
    write_item(
        site,
        "fdzdgknr/zcwj",
        "20260601-apply.md",
        _policy(MARKERS["依申请公开"], MARKER_INDEX_NOS[0], disclosure="依申请公开"),
        body.format(marker=MARKERS["依申请公开"]),
    )
    write_item(
        site,
        "fdzdgknr/zcwj",
        "20260601-withheld.md",
        _policy(MARKERS["不予公开"], MARKER_INDEX_NOS[1], disclosure="不予公开"),
        body.format(marker=MARKERS["不予公开"]),
    )
    draft = _policy(MARKERS["draft"], MARKER_INDEX_NOS[2], draft="true")
    del draft["doc_no"], draft["validity"]
    draft["interprets"] = "015180001/2025-00027"  # a public policy: it must not list the draft
    draft["title"] = f"《湟源县临时救助实施办法》政策解读{MARKERS['draft']}"
    write_item(
        site, "fdzdgknr/zcjd", "20260601-draft.md", draft, body.format(marker=MARKERS["draft"])
    )
    scheduled = _policy(MARKERS["scheduled"], MARKER_INDEX_NOS[3], published="2027-01-20")
    del scheduled["doc_no"], scheduled["validity"]
    scheduled.update(
        title=f"湟源县2026年政府信息公开工作年度报告{MARKERS['scheduled']}", genre="报告"
    )
    scheduled["written"] = "2027-01-15"
    write_item(
        site,
        "nianbao",
        "20270120-huangyuan-2026-nianbao.md",
        scheduled,
        "## 一、总体情况\n\n{marker}\n\n## 二、主动公开政府信息情况\n".format(
            marker=MARKERS["scheduled"]
        ),
    )
    (site / "content" / "nianbao" / "20270120-huangyuan-2026-nianbao.tables.yml").write_text(
        SCHEDULED_TABLES, encoding="utf-8"
    )
    revised = _policy("", "015180012/2023-00009", publisher="县财政局", validity="已修订")
    revised.update(
        title="湟源县财政局关于印发《湟源县县级财政专项资金管理暂行办法》的通知",
        doc_no="源财〔2023〕9号",
        written="2023-02-25",
        published="2023-03-01",
        keywords="[财政专项资金]",
        summary="规范县级财政专项资金管理。已由2024年印发的管理办法修订。",
        superseded_by="015180012/2024-00021",
    )
    write_item(site, "fdzdgknr/zcwj", "20230301-zijin-guanli-2023.md", revised, "各单位：\n")
    for day in range(1, EXTRA_ITEMS + 1):
        write_item(
            site,
            "fdzdgknr/qtxx",
            f"202611{day:02d}-extra.md",
            {
                "title": f"湟源县2026年11月第{day}期政务信息",
                "index_no": f"015180001/2026-{80000 + day:05d}",
                "publisher": "县政府办",
                "topic": "综合政务/政务公开",
                "disclosure": "主动公开",
                "published": f"2026-11-{day:02d}",
                "genre": "其他",
                "summary": f"第{day}期政务信息。",
            },
            f"第{day}期政务信息正文。\n",
        )
    catalog = site / "columns.yml"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace("page_size: 20", f"page_size: {PAGE_SIZE}"), encoding="utf-8")
    return site


_BUILT: dict[str, Path] = {}


def marker_site(factory: pytest.TempPathFactory) -> Path:
    """The populated site, built once per session; its output is in ``site/``."""
    if "site" not in _BUILT:
        site = populate(copy_reference_site(factory.mktemp("issue8-site")))
        result = build(site)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "W-REPORT-DOCS" not in result.stdout + result.stderr, result.stdout
        _BUILT["site"] = site
    return _BUILT["site"]
