"""DuckDB engine: what it refuses before reading any event, with the reason."""

from __future__ import annotations

import pytest
from engine_builders import dur, lit, op, pat, policy

from cxrules import ir
from cxrules.engines.base import NO_ENGINE_HINT

pytest.importorskip("duckdb")

# What only the duckdb engine has: runs when it is one of the engines tested.
pytestmark = pytest.mark.engines("duckdb")

from cxrules.engines.duckdb import DuckDBEngine  # noqa: E402 - only with duckdb installed

OFFICE = ir.Calendar(
    name="office",
    zone="Europe/Istanbul",
    hours=tuple(ir.WeekHours(weekday=d, ranges=(("09:00", "17:00"),)) for d in range(5)),
)


def test_invariant_graces_and_state_limits_on_business_time_run_as_sql() -> None:
    # they used to be refused (E302); the plan now reads the calendars' lookup tables
    opened = ir.State(name="open", start=pat("desk.opened"), end=pat("desk.closed"))
    staffed = ir.State(name="staffed", start=pat("agent.in"), end=pat("agent.out"), by="agent")
    rule = ir.Invariant(
        during="open",
        condition=op(">=", ir.StateRef(name="staffed", fn="count"), lit(1)),
        grace=dur("1h", business="office"),
    )
    limit = ir.Invariant(
        during="open", condition=lit(False, "bool"), grace=dur("8h", business="office"), limit=True
    )
    policy_set = ir.PolicySet(
        policies=(
            policy(rule, states=(opened, staffed), pid="desk.business"),
            policy(limit, states=(opened,), pid="desk.open-hours"),
        ),
        calendars={"office": OFFICE},
    )
    assert DuckDBEngine().limits(policy_set) == []


def test_a_share_window_on_business_time_is_refused() -> None:
    agg = ir.Aggregate(
        fn="share",
        pattern=pat("call.answered"),
        of=pat("call.queued"),
        within=dur("1h", business="office"),
    )
    rule = ir.MetricCheck(
        metric=ir.Metric(name="sl", aggregate=agg), require=ir.Threshold(op=">=", value=0.8)
    )
    policy_set = ir.PolicySet(policies=(policy(rule, pid="sl"),), calendars={"office": OFFICE})
    (problem,) = DuckDBEngine().limits(policy_set)
    assert problem.message.endswith(
        "a share window on business time is not supported by any engine"
    )
    assert problem.hint == NO_ENGINE_HINT  # not "run it on another engine": none runs it


def test_a_nearest_rank_percentile_with_too_many_decimals_is_refused() -> None:
    # 99.9999 is 999999/1000000 of the values: its rank is computed exactly; 99.99999 needs a
    # denominator of 10^7, past what the SQL plans compute in 64-bit integers
    def p90(q: float, pid: str) -> ir.Policy:
        agg = ir.Aggregate(
            fn="percentile", pattern=pat("x"), value=ir.Attr(path="v"), q=q, method="nearest_rank"
        )
        rule = ir.MetricCheck(
            metric=ir.Metric(name="p", aggregate=agg), require=ir.Threshold(op="<=", value=1)
        )
        return policy(rule, pid=pid)

    policy_set = ir.PolicySet(policies=(p90(99.9999, "fine"), p90(99.99999, "fussy")))
    (problem,) = DuckDBEngine().limits(policy_set)
    assert problem.code == "E302"
    assert problem.message == (
        "policy fussy (:0) cannot run on the duckdb engine: a nearest-rank percentile with "
        "more decimals than 1/1000000 cannot be run as SQL yet"
    )
