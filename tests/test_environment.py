"""Configuration comes from mkdocs.yml, columns.yml and command options (issue #24); the few
environment variables generator/ still reads are listed in the README, found here with ``ast``:
``os.environ.get(NAME)``, ``os.environ[NAME]``, ``os.environ.setdefault(NAME, …)`` (the
person's own value wins) and ``os.getenv(NAME)``, NAME a string or a module's string constant."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
READ_METHODS = {"get", "setdefault", "pop"}


def _constants(tree: ast.Module) -> dict[str, str]:
    """The module-level ``NAME = "text"`` assignments."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    found[target.id] = node.value.value
    return found


def _is_environ(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def variables_read(source: str) -> set[str]:
    tree = ast.parse(source)
    constants = _constants(tree)

    def name_of(node: ast.expr) -> str:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name) and node.id in constants:
            return constants[node.id]
        return f"<{ast.unparse(node)}>"  # a name this test cannot resolve: listed as such

    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            method, owner = node.func.attr, node.func.value
            if (method in READ_METHODS and _is_environ(owner)) or method == "getenv":
                found.add(name_of(node.args[0]))
        elif isinstance(node, ast.Subscript) and _is_environ(node.value):
            found.add(name_of(node.slice))
    return found


def generator_variables() -> dict[str, list[str]]:
    """Each variable read in generator/, with the modules that read it."""
    found: dict[str, list[str]] = {}
    for path in sorted((REPO / "generator").rglob("*.py")):
        for name in variables_read(path.read_text(encoding="utf-8")):
            found.setdefault(name, []).append(str(path.relative_to(REPO)))
    return found


def test_every_environment_variable_the_generator_reads_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^- `([A-Z0-9_]+)`：", readme, flags=re.MULTILINE))
    undocumented = {
        name: modules for name, modules in generator_variables().items() if name not in documented
    }
    assert undocumented == {}, "环境变量须在 README.md 的“命令”一节列出：" + repr(undocumented)


def test_no_option_travels_through_the_environment() -> None:
    """`--external` and `--as-of` reach the build as options, not as variables."""
    names = generator_variables()
    assert not {"DISCLOSURE_EXTERNAL_LINKS", "DISCLOSURE_AS_OF"} & set(names)
    assert set(names) <= {"DISCLOSURE_LOCK_TIMEOUT", "SOURCE_DATE_EPOCH", "NO_MKDOCS_2_WARNING"}


def test_reads_are_found_in_each_form() -> None:
    source = (
        'import os\nLIMIT = "A_LIMIT"\n'
        'os.environ.get(LIMIT)\nos.environ["B"]\nos.environ.setdefault("C", "1")\n'
        'os.getenv("D")\nos.environ.get(name)\n'
    )
    assert variables_read(source) == {"A_LIMIT", "B", "C", "D", "<name>"}
