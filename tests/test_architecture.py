"""The layout shows the pipeline: rules about what may import what, checked on the source.

Every `import` of a cxrules module is read from the syntax tree of every module (imports inside
functions and under TYPE_CHECKING included), so a cycle cannot hide in a function body.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "cxrules"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path, known: set[str]) -> list[tuple[str, list[str], int]]:
    """(imported module, names imported from it, line) for every cxrules import in the file."""
    tree = ast.parse(path.read_text("utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("cxrules"):
                    found.append((alias.name, [], node.lineno))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cxrules"):
            names = [a.name for a in node.names]
            # `from cxrules.ir import compile` imports a module, not a name
            for name in names:
                sub = f"{node.module}.{name}"
                if sub in known:
                    found.append((sub, [], node.lineno))
            found.append(
                (node.module, [n for n in names if f"{node.module}.{n}" not in known], node.lineno)
            )
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        for target, _, _ in imports(path, known):
            if target in known and target != name:
                edges[name].add(target)
    return edges


def test_the_import_graph_has_no_cycle() -> None:
    edges = graph()
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    # a package's __init__ importing its own modules is not a cycle of the pipeline
    assert cycles == []


def test_nothing_outside_the_engines_imports_the_python_engine() -> None:
    mods = modules()
    offenders = [
        f"{name}:{line} imports {target}"
        for name, path in mods.items()
        if not name.startswith("cxrules.engines")
        for target, _, line in imports(path, set(mods))
        if target.startswith("cxrules.engines.python")
    ]
    assert offenders == []


def test_no_private_name_crosses_a_module() -> None:
    mods = modules()
    offenders = [
        f"{name}:{line} imports {n} from {target}"
        for name, path in mods.items()
        for target, names, line in imports(path, set(mods))
        for n in names
        if n.startswith("_") and not n.endswith("__")
    ]
    assert offenders == []


def test_no_module_is_over_800_lines() -> None:
    long = {
        name: n
        for name, path in modules().items()
        if (n := len(path.read_text("utf-8").splitlines())) > 800
    }
    assert long == {}


def test_at_most_eight_modules_sit_directly_in_the_package() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 8, top
