"""SQL plans, obligations: what the duckdb and spark engines refuse before reading any event (E302,
with the reason), and what they accept — every response and forbid-after policy of policies/."""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_builders import dur, pat, policy

from cxrules import ir
from cxrules.engines.base import NO_ENGINE_HINT
from cxrules.policyset import load_policies

pytest.importorskip("duckdb")
pytest.importorskip("sqlglot")

from cxrules.engines.duckdb import DuckDBEngine  # noqa: E402 - only with duckdb installed
from cxrules.engines.spark import SparkEngine  # noqa: E402 - limits need no Spark session

# Compiling plans only, whatever engine the suite runs: once is enough.
pytestmark = pytest.mark.engines("python")

ROOT = Path(__file__).resolve().parents[3]
OFFICE = ir.Calendar(
    name="office",
    zone="Europe/Istanbul",
    hours=tuple(ir.WeekHours(weekday=d, ranges=(("09:00", "17:00"),)) for d in range(5)),
)
ENGINES = [DuckDBEngine, SparkEngine]


def refusals(engine: type, rule: ir.Rule) -> list[str]:
    """The messages of the E302s of the rule; each of a construct no engine runs (the callers'
    windows on business time) sends nobody to another engine."""
    policy_set = ir.PolicySet(policies=(policy(rule, pid="p.x"),), calendars={"office": OFFICE})
    found = engine().limits(policy_set)
    assert all(d.code == "E302" and d.hint == NO_ENGINE_HINT for d in found)
    return [d.message for d in found]


@pytest.mark.parametrize("sql_engine", ENGINES, ids=["duckdb", "spark"])
def test_a_before_window_on_business_time_is_refused(sql_engine: type) -> None:
    rule = ir.Response(
        trigger=ir.Trigger(pattern=pat("visit.started")),
        expect=pat("call.made"),
        window=ir.Window(direction="before", max=dur("2h", business="office")),
    )
    (message,) = refusals(sql_engine, rule)
    assert message.startswith("policy p.x (:0) cannot run on the ")
    assert "a 'before' window on business time is not supported by any engine" in message


@pytest.mark.parametrize("sql_engine", ENGINES, ids=["duckdb", "spark"])
def test_a_counting_window_on_business_time_is_refused(sql_engine: type) -> None:
    trigger = ir.Trigger(pattern=pat("complaint.filed"), nth=3, within=dur("8h", "office"))
    window = ir.Window(direction="after", max=dur("1d"))
    rule = ir.ForbidAfter(trigger=trigger, pattern=pat("promo.sent"), window=window)
    (message,) = refusals(sql_engine, rule)
    assert "a counting window on business time is not supported by any engine" in message


@pytest.mark.parametrize("sql_engine", ENGINES, ids=["duckdb", "spark"])
def test_counting_and_rate_windows_on_business_time_are_refused_in_every_rule(
    sql_engine: type,
) -> None:
    # `when 3rd complaint.filed within 8 business hours require …` and `at most 3 call.made
    # within 8 business hours` ran, counting 8 fixed hours: on a Friday-to-Monday log, a third
    # complaint 3h30m of opening time after the first was not counted (the python engine
    # refuses both).
    eight = dur("8h", "office")
    counted = ir.Trigger(pattern=pat("complaint.filed"), nth=3, within=eight)
    check = ir.ValueCheck(trigger=counted, condition=ir.Lit(value=True, type="bool"))
    (message,) = refusals(sql_engine, check)
    assert "a counting window on business time is not supported by any engine" in message
    rate = ir.RateLimit(pattern=pat("call.made"), at_most=3, within=eight)
    (message,) = refusals(sql_engine, rate)
    assert "a rate-limit window on business time is not supported by any engine" in message


@pytest.mark.parametrize("sql_engine", ENGINES, ids=["duckdb", "spark"])
def test_every_seed_obligation_policy_runs_as_sql(sql_engine: type) -> None:
    loaded = load_policies([str(ROOT / "policies")])
    assert loaded.policy_set is not None
    chosen = tuple(
        p for p in loaded.policy_set.policies if p.rule.kind in ("response", "forbid_after")
    )
    assert len(chosen) >= 10
    policy_set = loaded.policy_set.model_copy(update={"policies": chosen})
    assert sql_engine().limits(policy_set) == []
