"""The layers of generator/ import one way (issue #24), read from the source with ``ast``.

From the bottom up:

- **base**: ``diagnostics``, ``capabilities``, ``timings``, ``children`` — anyone may import them;
- **content**: load and validate the clerk's files (``content/``, and ``guide/``, which is written
  from the field and diagnostic registries); no MkDocs;
- **site**: the site model, listings, reports and the page plan (``site/``); no MkDocs;
- **publish**: what becomes of the rendered pages — search index, link verdicts, feeds and the
  other generated files, the build manifest, the lock and the swap into ``site/``
  (``publish/``); it never needs the renderer;
- **build**: the build core (``build.py``): lock → load and validate → plan → render → search →
  links → commit. It is handed its render step, so it imports no renderer;
- **render**: the MkDocs adapter and the theme (``render/``): the plugin's hooks drive the core's
  stages when MkDocs runs it, and ``disclosure build`` hands the core the MkDocs render step;
- **top**: the command line, deploy and the clerk's workflow commands (``cli.py``,
  ``click_chinese.py``, ``deploy.py``, ``workflow/``).

A module may import its own layer and those below, never one above; and no import cycle between
modules, whatever their layers. Every import counts: at module level, inside a function, or
under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator"
LAYERS = ("base", "content", "site", "publish", "build", "render", "top")
# Longest prefix wins; every module of generator/ must match one.
PLACES = {
    "generator.diagnostics": "base",
    "generator.capabilities": "base",
    "generator.timings": "base",
    "generator.children": "base",
    "generator.content": "content",
    "generator.guide": "content",
    "generator.site": "site",
    "generator.publish": "publish",
    "generator.build": "build",
    "generator.render": "render",
    "generator.cli": "top",
    "generator.click_chinese": "top",
    "generator.deploy": "top",
    "generator.workflow": "top",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> str | None:
    matches = [prefix for prefix in PLACES if module == prefix or module.startswith(prefix + ".")]
    return PLACES[max(matches, key=len)] if matches else None


def imports_of(module: str, path: Path, known: set[str]) -> list[tuple[int, str]]:
    """(line, imported module of generator/) for every import in the module's source."""
    found: list[tuple[int, str]] = []
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.append((node.lineno, submodule if submodule in known else base))
    unique = dict.fromkeys(found)  # `from m import a, b`: one import of m
    return [(line, name) for line, name in unique if name.split(".")[0] == "generator"]


def import_graph() -> dict[str, list[tuple[int, str]]]:
    modules = all_modules()
    known = set(modules)
    return {module: imports_of(module, path, known) for module, path in modules.items()}


def cycles(graph: dict[str, list[tuple[int, str]]]) -> list[list[str]]:
    """Each import cycle once, as the modules along it (depth-first search)."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for _, imported in graph.get(module, []):
            if state.get(imported) == 1:
                found.append([*path[path.index(imported) :], imported])
            elif imported not in state:
                visit(imported)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return found


def test_every_module_has_a_layer() -> None:
    unplaced = [
        module for module in all_modules() if module != "generator" and not layer_of(module)
    ]
    assert unplaced == [], (
        f"模块不属于任何一层，请在 tests/test_layers.py 的 PLACES 中归层：{unplaced}"
    )


def test_no_import_goes_up_a_layer() -> None:
    modules = all_modules()
    against = []
    for module, imported in import_graph().items():
        own = layer_of(module)
        for line, name in imported:
            target = layer_of(name)
            if own and target and LAYERS.index(target) > LAYERS.index(own):
                source = modules[module].relative_to(PACKAGE.parent)
                against.append(f"{source}:{line} imports {name} ({own} → {target})")
    assert against == [], "imports against the layer order:\n" + "\n".join(against)


def test_no_import_cycle() -> None:
    found = cycles(import_graph())
    assert found == [], "import cycles:\n" + "\n".join(" → ".join(cycle) for cycle in found)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from generator.site.model import SiteModel\n", "content → site"),
        ("def later():\n    import generator.render.plugin\n", "content → render"),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
         "    from generator.publish import search\n", "content → publish"),
    ],
)  # fmt: skip
def test_an_upward_import_is_named(tmp_path: Path, source: str, expected: str) -> None:
    """The check reads real source: an import written anywhere in a content module is found."""
    path = tmp_path / "generator" / "content" / "upward.py"
    path.parent.mkdir(parents=True)
    path.write_text(source, encoding="utf-8")
    known = set(all_modules())
    imported = imports_of("generator.content.upward", path, known)
    assert len(imported) == 1
    line, name = imported[0]
    assert f"{layer_of('generator.content.upward')} → {layer_of(name)}" == expected
    assert line == source.count("\n", 0, source.index("generator.")) + 1


def test_a_cycle_is_named() -> None:
    graph = {
        "generator.site.a": [(3, "generator.site.b")],
        "generator.site.b": [(5, "generator.site.a")],
    }
    assert cycles(graph) == [["generator.site.a", "generator.site.b", "generator.site.a"]]
