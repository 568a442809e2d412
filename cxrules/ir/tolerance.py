"""Compiled stage, tolerance: how two numbers compare, the same way in every engine.

Numbers are IEEE doubles in every engine; percentages and decimals written in a policy are not
exact in binary (10% is 0.1000000000000000055…), so `50% + 10% * 10 - 20% * 3` comes out as
0.8999999999999999, not 0.9. Every comparison of two numbers where one is not a whole number —
`require battery >= 90%`, `where score == 4.5`, a metric's threshold — therefore allows one
tolerance: they are equal when they differ by at most 1e-12 of the larger (or by 1e-12 near
zero). Whole numbers (counts) compare exactly.
"""

from __future__ import annotations

import math

#: relative and absolute tolerance of every numeric comparison (documented in docs/semantics.md)
REL_TOL = 1e-12
ABS_TOL = 1e-12


def close(a: float, b: float) -> bool:
    """True when `a` and `b` are equal within the tolerance.

    >>> close(0.5 + 0.1 * 10 - 0.2 * 3, 0.9), close(0.9, 0.9000001)
    (True, False)
    """
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def holds(op: str, value: float, threshold: float) -> bool:
    """`value op threshold` with equality within the tolerance.

    >>> holds(">=", 0.8999999999999999, 0.9), holds("<", 0.9, 0.9), holds("!=", 1.0, 1.0)
    (True, False, False)
    """
    near = close(value, threshold)
    if op == "==":
        return near
    if op == "!=":
        return not near
    if op == ">=":
        return value > threshold or near
    if op == "<=":
        return value < threshold or near
    if op == ">":
        return value > threshold and not near
    return value < threshold and not near
