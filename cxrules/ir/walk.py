"""Compiled stage, walks: reading the IR's expressions — their nodes, the values a condition
reads (for sentences), and whether a pattern reads the trigger."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cxrules import ir
from cxrules.ir.text import describe

#: The nodes whose values a sentence names: attributes, times, local readings, history queries,
#: changes and states.
LEAVES = (ir.Attr, ir.Time, ir.Local, ir.History, ir.Changes, ir.StateRef)


def iter_nodes(expr: Any) -> Iterator[Any]:
    """Every sub-expression of `expr`, itself first (not entering history patterns)."""
    yield expr
    if isinstance(expr, ir.Unary):
        yield from iter_nodes(expr.operand)
    elif isinstance(expr, ir.Binary):
        yield from iter_nodes(expr.left)
        yield from iter_nodes(expr.right)
    elif isinstance(expr, ir.Between):
        for part in (expr.value, expr.low, expr.high):
            yield from iter_nodes(part)
    elif isinstance(expr, ir.Missing):
        yield from iter_nodes(expr.value)
    elif isinstance(expr, ir.In):
        yield from iter_nodes(expr.value)
        for option in expr.options:
            yield from iter_nodes(option)
    elif isinstance(expr, ir.Call):
        for arg in expr.args:
            yield from iter_nodes(arg)


def uses_trigger(expr: Any) -> bool:
    """True when the expression reads the rule's trigger event."""
    if expr is None:
        return False
    return any(getattr(n, "of", None) == "trigger" for n in iter_nodes(expr))


def leaves(expr: Any) -> list[tuple[str, Any]]:
    """The values a condition reads, each once, as (text, node) in reading order: what a
    violation's sentence names ("battery = 60%; count(arm.connected) = 1").

    >>> e = ir.Binary(op=">=", left=ir.Attr(path="score"), right=ir.Lit(value=9, type="number"))
    >>> [text for text, _ in leaves(e)]
    ['score']
    """
    seen: dict[str, Any] = {}
    for node in iter_nodes(expr):
        if isinstance(node, LEAVES):
            seen.setdefault(describe(node), node)
    return list(seen.items())
