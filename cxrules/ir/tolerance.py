"""Compiled stage, tolerance: how two computed numbers compare, the same way in every engine."""

from __future__ import annotations

import math


def holds(op: str, value: float, threshold: float) -> bool:
    """`value op threshold` with a tolerance of 1e-9 for equality (fractions like 0.8).

    >>> holds(">=", 0.8000000000000002, 0.8), holds("<", 0.8, 0.8)
    (True, False)
    """
    close = math.isclose(value, threshold, rel_tol=1e-9, abs_tol=1e-12)
    if op == "==":
        return close
    if op == "!=":
        return not close
    if op == ">=":
        return value > threshold or close
    if op == "<=":
        return value < threshold or close
    if op == ">":
        return value > threshold and not close
    return value < threshold and not close
