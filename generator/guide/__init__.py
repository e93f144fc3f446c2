"""The clerk's guide (信息员指南): hand-written text plus tables generated from the registries.

The field table comes from :data:`generator.content.fields.FIELDS` and the code table from
:data:`generator.diagnostics.CODES`, so the guide cannot drift from what the checker does. The
guide is committed as ``generator/guide/README.md``, printed by ``disclosure guide`` and, in a staff
build only (mkdocs.yml ``staff_pages: true``), rendered as the page ``guide/``.
"""

from __future__ import annotations

from pathlib import Path

from generator.content.fields import FIELDS
from generator.diagnostics import CODES, Severity

SOURCE = Path(__file__).with_name("guide.md")
RENDERED = Path(__file__).with_name("README.md")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def fields_table() -> str:
    rows = ["| 键（中文） | 键（英文） | 必填 | 怎么写 |", "|---|---|---|---|"]
    for field in FIELDS:
        required = (
            "是"
            if field.required
            else "按栏目要求"
            if field.key in ("doc_no", "validity", "interprets")
            else ""
        )
        rows.append(f"| {field.alias} | `{field.key}` | {required} | {_cell(field.help)} |")
    return "\n".join(rows)


def codes_table() -> str:
    rows = ["| 代码 | 级别 | 含义 | 怎么改 |", "|---|---|---|---|"]
    for code in CODES.values():
        level = "错误" if code.severity is Severity.ERROR else "警告"
        rows.append(f"| `{code.id}` | {level} | {_cell(code.meaning)} | {_cell(code.fix)} |")
    return "\n".join(rows)


def render_guide() -> str:
    text = SOURCE.read_text(encoding="utf-8")
    return text.replace("{{FIELDS_TABLE}}", fields_table()).replace(
        "{{CODES_TABLE}}", codes_table()
    )


GENERATED_NOTE = "<!-- 由 generator/guide/guide.md 和诊断代码注册表生成，请勿直接修改：disclosure guide --write -->\n"


def committed_guide() -> str:
    """The text of the committed copy (README.md): the guide with a note on how it is made."""
    return GENERATED_NOTE + render_guide()
