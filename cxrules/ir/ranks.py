"""Percentile methods, shared by every engine (docs/semantics.md, "Metrics"): which fraction of
the sorted values a percentile as written asks for, and the nearest rank in exact integers.

A percentile `q` as written is a fraction of the values: 90 is 0.9; a `q` of at most 1 is
already the fraction (the compiled form keeps what the policy wrote).
"""

from __future__ import annotations

from fractions import Fraction

#: How each method is named in reports and explanations.
METHOD_NAMES = {"linear": "linear interpolation", "nearest_rank": "nearest rank"}
#: The largest denominator of a nearest-rank fraction that SQL plans compute exactly (the rank
#: is ceil(a·n / b) in 64-bit integers: a percentile with more decimals is refused there).
MAX_DENOMINATOR = 10**6


def fraction(q: float) -> float:
    """The fraction of the values a percentile as written asks for (linear interpolation)."""
    return q / 100 if q > 1 else q


def rank_fraction(q: float) -> tuple[int, int]:
    """The fraction as written, exactly: (a, b) with q/100 = a/b in lowest terms (the shortest
    decimal that reads back as `q`, so 99.9 is 999/1000, not the binary double).

    >>> rank_fraction(90), rank_fraction(99.9), rank_fraction(0.5)
    ((9, 10), (999, 1000), (1, 2))
    """
    exact = Fraction(repr(float(q)))
    if q > 1:
        exact /= 100
    return exact.numerator, exact.denominator


def nearest_rank(q: float, n: int) -> int:
    """The 1-based rank of the nearest-rank percentile among n sorted values: ceil(q/100 × n),
    at least 1 (a 0th percentile is the least value).

    >>> [nearest_rank(90, n) for n in (1, 5, 10, 11)], nearest_rank(50, 4), nearest_rank(0, 3)
    ([1, 5, 9, 10], 2, 1)
    """
    a, b = rank_fraction(q)
    return max(1, (a * n + b - 1) // b)
