"""The package's import graph: no cycles, and a core that never imports a framework.

Every import statement counts, also those inside functions (a deferred import is still a
dependency); ``from pkg import name`` is an edge to ``pkg.name`` where that is a module."""

from __future__ import annotations

import ast
from pathlib import Path

from cifar_fixtures import REPO_ROOT

SRC = REPO_ROOT / "src"
FRAMEWORKS = ("torch", "torchvision", "tensorflow", "keras")


def modules(root: Path) -> dict[str, Path]:
    out = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the package modules it imports (and framework top-level names it imports)."""
    mods = modules(root)
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [
                    f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names
                ]
            else:
                continue
            for target in targets:
                top = target.split(".")[0]
                if target in mods:
                    graph[name].add(target)
                elif top in FRAMEWORKS:
                    graph[name].add(top)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (or a module importing itself)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1 or v in graph.get(v, ()):
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_package_has_no_import_cycle():
    assert cycles(import_graph(SRC)) == []


def test_the_checker_finds_a_cycle(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from .a import x\n")
    (pkg / "a.py").write_text("def f():\n    from .sub import b\nx = 1\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "b.py").write_text("from .. import a\n")
    assert cycles(import_graph(tmp_path)) == [["pkg.a", "pkg.sub.b"]]


def test_the_core_imports_no_framework():
    """Only the backends import torch or tensorflow (and backends/__init__.py, which imports
    torch before TensorFlow on purpose); everything else reaches them through get_backend."""
    graph = import_graph(SRC)
    for name, targets in graph.items():
        if name.startswith("alexnet_cifar.backends"):
            continue
        assert not set(targets) & set(FRAMEWORKS), name
