"""Compiled stage, sums: how a metric adds numbers up, the same way in every engine — exactly,
rounded once at the end (the result `math.fsum` gives), so that the order in which an engine
happens to add the values (log order, or in parallel) never changes a metric's value.

A finite double is an integer times a power of two. `split` writes it as `c × 2**(32·k)`: a
*limb* `k` and an integer `c` below 2**85 in magnitude. An exact sum keeps one integer per limb
(values of one metric cell span few limbs, so that is a handful of integers whatever the count),
and `rounded` turns the limbs into the nearest double, ties to even. The SQL plans compute the
same (`k`, `c`) per value and add the `c` of each limb as 38-digit decimals — exact for up to
2**41 values per limb — so both engines round the same exact number.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

#: Bits per limb.
LIMB = 32
#: Integers below this (in magnitude) are exact doubles: they go to limb 0 as they are.
WHOLE = 2**53


def split(v: float) -> tuple[int, int]:
    """A finite double as (k, c) with v = c × 2**(32·k) exactly and |c| < 2**85.

    >>> split(3.0), split(0.5) == (-2, 2**63)
    ((0, 3), True)
    >>> k, c = split(0.1); c * 2.0 ** (LIMB * k) == 0.1
    True
    """
    if v.is_integer() and -WHOLE < v < WHOLE:
        return 0, int(v)
    _, e = math.frexp(v)
    q = max(e - 53, -1074)  # the weight of the last bit of the mantissa
    k, r = divmod(q, LIMB)
    return k, int(math.ldexp(v, -q)) << r


def rounded(limbs: Iterable[tuple[int, int]], divisor: int = 1) -> float:
    """The sum of `c × 2**(32·k)` over the limbs, rounded once to the nearest double (ties to
    even; ±inf beyond the largest double), then divided by `divisor` (a mean's population).
    A sum beyond the largest double is divided exactly before it is rounded, so the mean of
    values near the largest double is still a number.

    >>> rounded([split(0.1), split(0.2), split(-0.3)]) == math.fsum([0.1, 0.2, -0.3])
    True
    >>> rounded([split(1e308), split(1e308), split(-1e308)])
    1e+308
    >>> rounded([split(1.7e308), split(1.7e308)]), rounded([split(1.7e308), split(1.7e308)], 2)
    (inf, 1.7e+308)
    """
    items = [(k, c) for k, c in limbs if c]
    if not items:
        return 0.0
    low = min(k for k, _ in items)
    total = sum(c << (LIMB * (k - low)) for k, c in items)
    if total == 0:
        return 0.0
    shift = LIMB * low
    try:
        if shift >= 0:
            return float(total << shift) / divisor
        return total / (1 << -shift) / divisor  # int / int is correctly rounded
    except OverflowError:
        pass
    num, den = (total << shift, divisor) if shift >= 0 else (total, divisor << -shift)
    try:  # a total beyond the largest double: divided exactly, then rounded once
        return num / den
    except OverflowError:
        return math.inf if total > 0 else -math.inf


class ExactSum:
    """A running exact sum of doubles: whole numbers below 2**53 in one integer, the others
    in one integer per limb (`split`, inlined: this is a hot path of the python engine).

    >>> s = ExactSum()
    >>> for v in (0.1, 0.2, 0.3, -0.6, 1e16, 1.0, -1e16):
    ...     s.add(v)
    >>> s.value(), sum((0.1, 0.2, 0.3, -0.6, 1e16, 1.0, -1e16))
    (1.0, 0.0)
    """

    __slots__ = ("whole", "limbs")

    def __init__(self) -> None:
        self.whole = 0
        self.limbs: dict[int, int] = {}

    def add(self, v: float) -> None:
        if v.is_integer() and -WHOLE < v < WHOLE:
            self.whole += int(v)
            return
        e = _frexp(v)[1]
        q = e - 53 if e > -1021 else -1074
        k, r = divmod(q, LIMB)
        limbs = self.limbs
        limbs[k] = limbs.get(k, 0) + (int(_ldexp(v, -q)) << r)

    def value(self, divisor: int = 1) -> float:
        return rounded([(0, self.whole), *self.limbs.items()], divisor)


_frexp, _ldexp = math.frexp, math.ldexp
