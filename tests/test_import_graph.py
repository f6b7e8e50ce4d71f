"""The floors of the house (docs/architecture.md): what each package may import, and no import
cycle, counting every executed import statement (module-level and function-level alike; imports
for type annotations only, under ``if TYPE_CHECKING:``, are not executed and do not count)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("qca", "sim", "experiments", "qcasim")

#: package -> the packages of this distribution it may import (the floors, bottom up).
MAY_IMPORT = {"qca": set(), "sim": {"qca"}, "experiments": {"qca", "sim"},
              "qcasim": {"qca", "sim", "experiments"}}

ALLOWED_CYCLES = [
    # Mesa's model creates its agents and each agent refers to its model (Mesa's design).
    {"sim.agents", "sim.model"},
]


def _modules() -> dict[str, Path]:
    mods = {}
    for pkg in PACKAGES:
        for p in (ROOT / pkg).rglob("*.py"):
            if "tutorials" in p.parts:
                continue
            parts = list(p.relative_to(ROOT).with_suffix("").parts)
            mods[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = p
    return mods


def _imports(mod: str, path: Path, mods: dict[str, Path]) -> set[str]:
    """Modules of this distribution that ``mod`` imports anywhere in its text."""
    found = set()
    package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # Imports under ``if TYPE_CHECKING:`` exist for annotations only: they are never executed.
    type_only = {id(n) for block in ast.walk(tree)
                 if isinstance(block, ast.If) and ast.unparse(block.test).endswith("TYPE_CHECKING")
                 for stmt in block.body for n in ast.walk(stmt)}
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(parts + ([base] if base else []))
            found |= {f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base
                      for a in node.names}
    out = set()
    for name in found:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        if name and name != mod:
            out.add(name)
    return out


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    return {m: _imports(m, p, mods) for m, p in mods.items()}


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle_outside_the_allowed_ones():
    cycles = _cycles(_graph())
    assert [c for c in cycles if c not in ALLOWED_CYCLES] == []


def test_each_package_imports_only_the_floors_below_it():
    bad = sorted(f"{m} imports {t}" for m, targets in _graph().items() for t in targets
                 if t.split(".")[0] != m.split(".")[0]
                 and t.split(".")[0] not in MAY_IMPORT[m.split(".")[0]])
    assert bad == []


def test_the_cycle_check_can_fail():
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [{"a", "b"}]
