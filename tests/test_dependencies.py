"""generator/ imports the standard library, itself and the runtime dependencies that
pyproject.toml declares — never a package that is only there because a dependency needs it
(lxml came with python-docx: importing it would tie the project to a choice of python-docx)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

from sites import REPO


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {_normalized(re.match(r"[A-Za-z0-9._-]+", spec)[0]) for spec in project["dependencies"]}


def _imported() -> dict[str, str]:
    """Top-level module → the first file of generator/ that imports it."""
    found: dict[str, str] = {}
    for path in sorted((REPO / "generator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.partition(".")[0], str(path.relative_to(REPO)))
    return found


def test_generator_imports_only_declared_dependencies() -> None:
    distributions = packages_distributions()
    declared = _declared()
    undeclared = {
        module: file
        for module, file in _imported().items()
        if module not in sys.stdlib_module_names
        and module != "generator"
        and not declared & {_normalized(d) for d in distributions.get(module, [module])}
    }
    assert undeclared == {}
    assert "lxml" not in _imported()  # python-docx's dependency, not ours
