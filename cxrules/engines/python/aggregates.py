"""Reference engine, aggregates: one metric cell (group × bucket) and the formulas read from it."""

from __future__ import annotations

import math
from typing import Any

from cxrules import ir
from cxrules.ir.ranks import fraction, nearest_rank
from cxrules.ir.sums import ExactSum
from cxrules.logs.event import Event

#: The scale each CX formula reads; scores outside it are not answers on that scale.
SCALES = {"nps": (0.0, 10.0), "csat": (1.0, 5.0), "ces": (1.0, 7.0)}


class Cell:
    """Running totals of one group and bucket: population, hits (count, ratio numerator, share
    successes, promoters, satisfied answers), detractors, the exact sum (`cxrules.ir.sums`: the
    order of additions never changes it), min, max, kept values (only for percentiles), and the
    first and last population events as evidence."""

    __slots__ = (
        "population",
        "hits",
        "low",
        "total",
        "least",
        "most",
        "values",
        "first",
        "last",
        "order",
    )

    def __init__(self) -> None:
        self.population = 0
        self.hits = 0
        self.low = 0
        self.total = ExactSum()
        self.least = math.inf
        self.most = -math.inf
        self.values: list[float] = []
        self.first: Event | None = None
        self.last: Event | None = None
        self.order: tuple[tuple[int, int], tuple[int, int]] | None = None

    def seen(self, event: Event) -> None:
        if self.first is None:
            self.first = event
        self.last = event

    def judged(self, event: Event, ts: int) -> None:
        """A population event counted out of processing order (a `share` member, counted when
        it is met, failed or expires): first and last stay the earliest and latest in (time,
        input order), as the SQL plans take them."""
        key = (ts, event.seq)
        if self.order is None:
            self.first, self.last, self.order = event, event, (key, key)
            return
        lo, hi = self.order
        if key < lo:
            self.first, lo = event, key
        if key > hi:
            self.last, hi = event, key
        self.order = (lo, hi)


def add_value(cell: Cell, fn: str, value: Any) -> bool:
    """Add one value to a cell for value aggregates; False when it is not a usable number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        v = float(value)
    except OverflowError:
        return False
    if math.isnan(v) or math.isinf(v):
        return False
    scale = SCALES.get(fn)
    if scale is not None and not scale[0] <= v <= scale[1]:
        return False
    cell.population += 1
    cell.total.add(v)
    cell.least = min(cell.least, v)
    cell.most = max(cell.most, v)
    if fn == "percentile":
        cell.values.append(v)
    elif fn == "nps":
        cell.hits += v >= 9
        cell.low += v <= 6
    elif fn == "csat":
        cell.hits += v >= 4
    return True


def percentile(values: list[float], q: float, method: str = "linear") -> float:
    """`linear`: interpolation between closest ranks (numpy's default): rank q·(n−1), 0-based.
    `nearest_rank`: the value at rank ceil(q·n), 1-based (`cxrules.ir.ranks.nearest_rank`).

    >>> percentile([1.0, 2.0, 3.0, 4.0], 0.5), percentile([10.0, 20.0], 90)
    (2.5, 19.0)
    >>> [percentile(v, 50, "nearest_rank") for v in ([1.0, 2.0, 3.0, 4.0], [10.0, 20.0])]
    [2.0, 10.0]
    """
    ordered = sorted(values)
    if method == "nearest_rank":
        return ordered[nearest_rank(q, len(ordered)) - 1]
    pos = fraction(q) * (len(ordered) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    x_lo, x_hi, t = ordered[lo], ordered[hi], pos - lo
    if math.isinf(x_hi - x_lo):  # two values near the largest double, of opposite signs
        return x_lo * (1.0 - t) + x_hi * t
    return x_lo + (x_hi - x_lo) * t


def value_of(agg: ir.Aggregate, cell: Cell) -> float | None:
    """The aggregate's value in a cell; None when the population is empty."""
    n, fn = cell.population, agg.fn
    if n == 0:
        return None
    if fn == "count":
        return float(cell.hits)
    if fn in ("ratio", "share", "csat"):
        return cell.hits / n
    if fn in ("avg", "ces"):
        return cell.total.value(n)
    if fn == "sum":
        return cell.total.value()
    if fn == "min":
        return cell.least
    if fn == "max":
        return cell.most
    if fn == "percentile":
        assert agg.q is not None
        return percentile(cell.values, agg.q, agg.method)
    if fn == "nps":
        return 100.0 * (cell.hits - cell.low) / n
    raise ValueError(f"aggregate {fn!r} is not supported")
