"""Engines: metric values of numbers near the largest double, every expected value by hand."""

from __future__ import annotations

import json

import pytest
from engine_builders import Log, attr, pat, policy, run

from cxrules import ir
from cxrules.reports.as_json import render_json

BIG = 1.7e308  # below the largest double (1.797…e308); twice it is beyond


def one(fn: str, q: float | None = None) -> ir.Policy:
    agg = ir.Aggregate(fn=fn, pattern=pat("m.v"), value=attr("x"), q=q)  # type: ignore[arg-type]
    rule = ir.MetricCheck(
        metric=ir.Metric(name=fn, aggregate=agg, group_by=("g",)),
        require=ir.Threshold(op="<=", value=10),
    )
    return policy(rule)


@pytest.mark.parametrize(
    ("fn", "q", "xs", "expected"),
    [
        # the mean of two equal values is that value, though their sum is beyond every double
        ("avg", None, (BIG, BIG), BIG),
        ("avg", None, (-BIG, -BIG, -BIG), -BIG),
        # halfway between -BIG and BIG is 0, though the gap between them is beyond every double
        ("percentile", 50, (BIG, -BIG), 0.0),
        # a quarter of the way: -BIG + (2·BIG)/4 = -BIG/2
        ("percentile", 25, (BIG, -BIG), -BIG / 2),
        # rank 0.9·2 = 1.8 of (-BIG, 0, BIG): 0 + 0.8·BIG
        ("percentile", 90, (BIG, -BIG, 0.0), 0.8 * BIG),
    ],
)
def test_a_mean_or_percentile_of_values_near_the_largest_double_is_a_number(
    fn: str, q: float | None, xs: tuple[float, ...], expected: float
) -> None:
    # hunt50 finding-2: every engine wrote such a mean (the exact sum rounded to inf, then
    # divided) and percentile (x_lo + (x_hi - x_lo)·t with x_hi - x_lo inf) as inf, and the
    # JSON report stopped with 'internal error: … value is inf, which JSON cannot represent'
    log = Log()
    for i, x in enumerate(xs):
        log.add(f"+{i}s", "m.v", g="a", x=x)
    result = run(one(fn, q), log)
    (metric,) = result.policies[0].metrics
    assert metric.value == pytest.approx(expected, rel=1e-15)
    assert (metric.population, metric.status) == (len(xs), "violated" if expected > 10 else "ok")
    written = json.loads(render_json(result))["policies"][0]["metrics"][0]["value"]
    assert written == pytest.approx(expected, rel=1e-15)
