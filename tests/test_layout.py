"""The package layout follows the flow: each stage imports only from itself and earlier stages.

DESIGN.md's flow is inputs -> statistics -> chapters -> pack, with the members' workflows and the
command line on top. If a module reaches forward (the store importing the build, say) or two
modules import each other, the folder no longer tells a newcomer the order things happen in.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import ROOT

SRC = ROOT / "src" / "helpers"

#: The stage of each top-level name under helpers, in the order of the flow.
STAGES: dict[str, int] = {
    # small shared helpers
    "__init__": 0,
    "paths": 0,
    "periods": 0,
    "numbers": 0,
    "formatting": 0,
    "files": 0,
    # 1 reading and storing the inputs
    "inputs": 1,
    # 2 the pure statistical engines
    "spc": 2,
    "stats": 2,
    # 3 the month's analysis and verdicts
    "analysis": 3,
    # 4 what chapters print
    "charts": 4,
    "report": 4,
    # 5 building and publishing the pack
    "pack": 5,
    # 6 members' and analysts' workflows; the pack reaching members (web folder, email)
    "workflows": 6,
    "delivery": 6,
    # 7 the command line
    "cli": 7,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _helpers_imports(path: Path) -> set[str]:
    """Every helpers.* module this file imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("helpers")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "helpers" or node.module.startswith("helpers."):
                # `from helpers.x import y` may name a submodule y: count it as x.y when it is one.
                for alias in node.names:
                    candidate = f"{node.module}.{alias.name}"
                    found.add(candidate if _is_module(candidate) else node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import; use the full helpers.* name")
    return found


def _is_module(name: str) -> bool:
    rel = Path(*name.split("."))
    return (SRC.parent / rel).with_suffix(".py").exists() or (SRC.parent / rel).is_dir()


def _stage(module: str) -> int:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    if top not in STAGES:
        raise AssertionError(f"{module}: not placed in a stage; add it to STAGES in this test")
    return STAGES[top]


MODULES = {_module_name(p): p for p in sorted(SRC.rglob("*.py"))}
GRAPH = {name: _helpers_imports(path) - {name} for name, path in MODULES.items()}


def test_every_top_level_name_has_a_stage() -> None:
    tops = {p.stem if p.is_file() else p.name for p in SRC.iterdir() if p.suffix in ("", ".py")}
    tops -= {"__pycache__"}
    assert tops <= set(STAGES), f"place these in a stage: {sorted(tops - set(STAGES))}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_import_from_a_later_stage(module: str) -> None:
    here = _stage(module)
    later = sorted(m for m in GRAPH[module] if _stage(m) > here)
    assert not later, f"{module} (stage {here}) imports later stages: {later}"


def test_no_import_circles() -> None:
    """A depth-first walk over the helpers import graph finds no cycle."""
    state: dict[str, int] = {}  # 1 visiting, 2 done
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(GRAPH.get(node, ())):
            if nxt not in MODULES:
                continue
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(MODULES):
        if start not in state:
            visit(start, [start])
    assert not cycles, f"import circles: {cycles}"


def test_the_graph_is_not_empty() -> None:
    """Guards the two tests above against a parser that finds nothing."""
    assert "helpers.inputs.store" in GRAPH["helpers.pack.build"]
    assert "helpers.spc" in GRAPH["helpers.analysis.verdict"]


def test_tests_follow_the_code() -> None:
    """Each tests/<folder> is named after a helpers package (or the data scripts it tests)."""
    folders = {p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and p.name[0] not in "._"}
    packages = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    extra = folders - packages - {"data", "scripts"}
    assert not extra, f"test folders with no matching package: {sorted(extra)}"
