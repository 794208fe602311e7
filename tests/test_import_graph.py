"""The package's import graph has no circles, and no module is overlong.

A circle hidden behind a function-level import still couples the two modules
both ways, so every import counts here: top level and inside functions. Only
imports under ``if TYPE_CHECKING:`` are left out (they never run). The layers
(syntax -> analysis -> features -> server) stay a real order only while this
holds. Parent packages are not implicit edges: importing ``a.b.c`` runs
``a/__init__.py`` and ``a/b/__init__.py``, but a package re-exporting its own
submodules is the usual pattern, not a design circle; an explicit
``from csound_lsp.ai import X`` of a non-module name is an edge to the package.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = "csound_lsp"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE
MAX_LINES = 620


def module_name(path: Path) -> str:
    """Dotted name of a source file (``pkg/__init__.py`` is ``pkg``)."""
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> list[Path]:
    """Every Python module of the package."""
    return sorted(ROOT.rglob("*.py"))


MODULES: dict[str, Path] = {module_name(p): p for p in source_files()}


def is_type_checking(test: ast.expr) -> bool:
    """``TYPE_CHECKING`` or ``typing.TYPE_CHECKING`` as an ``if`` test."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    if isinstance(test, ast.Attribute):
        return test.attr == "TYPE_CHECKING"
    return False


def runtime_imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import that can run, at any depth, skipping ``if TYPE_CHECKING:`` bodies."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
            continue
        if isinstance(node, ast.If) and is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def resolve_base(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module a ``from ... import`` names, relative levels resolved."""
    if node.level == 0:
        return node.module or ""
    parts = module.split(".")
    # A module's own package is its parent; a package's own package is itself.
    anchor = parts if is_package else parts[:-1]
    if node.level > 1:
        anchor = anchor[: len(anchor) - (node.level - 1)]
    base = ".".join(anchor)
    if node.module:
        base = f"{base}.{node.module}" if base else node.module
    return base


def known(name: str) -> str | None:
    """The package module ``name`` refers to, or its nearest existing ancestor."""
    while name:
        if name in MODULES:
            return name
        if "." not in name:
            return None
        name = name.rsplit(".", 1)[0]
    return None


def imports_of(module: str, is_package: bool, source: str) -> set[str]:
    """The package modules ``module`` (with text ``source``) imports at run time."""
    tree = ast.parse(source, filename=module)
    found: set[str] = set()
    for node in runtime_imports(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                    target = known(alias.name)
                    if target:
                        found.add(target)
            continue
        base = resolve_base(module, is_package, node)
        if base != PACKAGE and not base.startswith(PACKAGE + "."):
            continue
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            target = sub if sub in MODULES else known(base)
            if target:
                found.add(target)
    found.discard(module)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports."""
    return {
        name: imports_of(name, path.name == "__init__.py", path.read_text(encoding="utf-8"))
        for name, path in MODULES.items()
    }


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components with more than one module (iterative: no recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def a_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """The shortest circle through the component's first module, to name in the failure."""
    members = set(component)
    start = component[0]
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for step in sorted(graph[node] & members):
                if step == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if step not in came_from:
                    came_from[step] = node
                    following.append(step)
        frontier = following
    raise AssertionError(f"not a strongly connected component: {component}")


def test_the_walker_sees_every_kind_of_import() -> None:
    """Function-level, relative and submodule imports count; TYPE_CHECKING ones do not."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "from . import model\n"
        "from .lines import LineIndex\n"
        "from csound_lsp.features import targets\n"
        "import csound_lsp.ai.stream\n"
        "if TYPE_CHECKING:\n"
        "    from csound_lsp.server import CsoundLanguageServer\n"
        "else:\n"
        "    from ..analysis import findings\n"
        "def later():\n"
        "    from csound_lsp.syntax.model_builder import build_model\n"
    )
    assert imports_of("csound_lsp.syntax.document", False, source) == {
        "csound_lsp.syntax.model",
        "csound_lsp.syntax.lines",
        "csound_lsp.features.targets",
        "csound_lsp.ai.stream",
        "csound_lsp.analysis.findings",
        "csound_lsp.syntax.model_builder",
    }
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert strongly_connected(graph) == [["a", "b", "c"]]
    assert a_cycle(graph, ["a", "b", "c"]) == ["a", "b", "c", "a"]
    two_ways = {"a": {"b", "c"}, "b": {"d"}, "c": {"a"}, "d": {"a"}}
    assert a_cycle(two_ways, ["a", "b", "c", "d"]) == ["a", "c", "a"]


def test_the_graph_is_not_empty() -> None:
    """A walker that found nothing would pass the circle test vacuously."""
    graph = import_graph()
    assert len(graph) > 50
    assert "csound_lsp.syntax.lines" in graph["csound_lsp.syntax.document"]
    assert sum(len(v) for v in graph.values()) > 200


def test_no_import_circles() -> None:
    """Imports that run (any depth) form a DAG over the package's modules."""
    graph = import_graph()
    circles = [
        f"{', '.join(c)}\n    e.g. {' -> '.join(a_cycle(graph, c))}" for c in strongly_connected(graph)
    ]
    if circles:
        heading = "modules that import each other (each group, and one circle in it):\n"
        pytest.fail(heading + "\n".join(circles))


def test_no_module_is_overlong() -> None:
    """The guide's ~600-line rule, with a little slack."""
    long = []
    for path in source_files():
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > MAX_LINES:
            long.append(f"{path.relative_to(ROOT.parent)}: {count} lines")
    assert not long, "modules over the line limit:\n" + "\n".join(long)
