"""The registry of diagnostic codes, and the core's independence from MkDocs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import generator
from generator.diagnostics import CODES, Category, Report, Severity

PACKAGE = Path(generator.__file__).parent
CODE_LITERAL = re.compile(r"""["']([EW]-[A-Z0-9]+(?:-[A-Z0-9]+)*)["']""")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def codes_used_in_source() -> dict[str, list[str]]:
    used: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix not in (".py", ".html", ".js") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            for code in CODE_LITERAL.findall(line):
                used.setdefault(code, []).append(f"{path.relative_to(PACKAGE)}:{number}")
    return used


def test_the_scan_finds_codes():
    used = codes_used_in_source()
    assert {"E-INDEX-DUP", "E-FM-TAB", "W-COLUMN-STALE", "E-CATALOG-MISSING"} <= set(used)


def test_every_code_used_in_the_generator_is_registered():
    unregistered = {
        code: places for code, places in codes_used_in_source().items() if code not in CODES
    }
    assert unregistered == {}


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_has_a_chinese_meaning_and_fix(code):
    entry = CODES[code]
    assert entry.id == code
    assert CHINESE.search(entry.meaning), code
    assert CHINESE.search(entry.fix), code
    assert entry.meaning.strip() != entry.fix.strip()
    expected = Severity.WARNING if code.startswith("W-") else Severity.ERROR
    assert entry.severity is expected
    if code.startswith("E-CATALOG-"):
        assert entry.category is Category.CONFIG


def test_report_refuses_unregistered_codes():
    with pytest.raises(KeyError):
        Report().add("E-NO-SUCH-CODE", "content/x.md", 1, "……")


def test_core_does_not_import_mkdocs():
    program = (
        "import importlib, pkgutil, sys\n"
        "import generator.content, generator.diagnostics\n"
        "for module in pkgutil.iter_modules(generator.content.__path__):\n"
        "    importlib.import_module('generator.content.' + module.name)\n"
        "import generator.content.collection\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material'))\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
