"""SQL plans, counted triggers: which events activate a rule (`when 3rd P within 30d`).

A plain trigger fires at every event matching its pattern. A counted one counts the matching
events of the scope in the sliding window [t - within, t] (processing order; without `within`,
the scope's whole history) and fires at the event that makes the count reach N — and, with
`or later`, at every one while it stays at N or more. The python engine's disarm and re-arm
comes to the same thing: the count grows by one event at a time, so without `or later` it fires
exactly when the count equals N (docs/semantics.md, "Counting triggers").
"""

from __future__ import annotations

from cxrules import ir
from cxrules.engines.sql.exprs import NoEngineError, condition
from cxrules.engines.sql.plan import PolicyPlan
from cxrules.engines.sql.stream import RowFrame, Stream, type_match
from cxrules.engines.sql.text import all_of
from cxrules.time.instants import seconds_to_us

TO_HERE = "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"


def trigger_match(st: Stream, trigger: ir.Trigger) -> str:
    """SQL: the row matches the trigger's pattern (its `where` reads the row as the trigger)."""
    frame = RowFrame(st, trigger="self", prev=st.previous)
    return all_of(type_match(trigger.pattern.types), condition(trigger.pattern.where, frame))


def window_count(
    st: Stream, flag: str, within: ir.Duration | None, what: str = "a counting window"
) -> str:
    """SQL: how many rows with `flag` the scope has in [ts - within, ts] up to this row in
    processing order (the whole history up to it without `within`). A window on business time
    is refused (NoEngineError, naming it as `what`): it would count fixed time."""
    running = f"sum(CASE WHEN {flag} THEN 1 ELSE 0 END) OVER ({st.over} ORDER BY ord {TO_HERE})"
    if within is None:
        return running
    if within.calendar is not None:
        raise NoEngineError(f"{what} on business time")
    window = seconds_to_us(within.seconds)
    older = (
        f"coalesce(sum(CASE WHEN {flag} THEN 1 ELSE 0 END) OVER ({st.over} ORDER BY ts RANGE "
        f"BETWEEN UNBOUNDED PRECEDING AND {window + 1} PRECEDING), 0)"
    )
    return f"({running} - {older})"


def add_gate(plan: PolicyPlan, trigger: ir.Trigger, source: str = "stream") -> str:
    """Add the stages `tmatch` and `gated` on `source`: columns `tm` (matches the trigger
    pattern), `fires` (activates the rule) and `cnt` (what a counted trigger reached, 1 for a
    plain one). Returns the last stage's name."""
    st = plan.stream
    plan.add("tmatch", f"SELECT *, {trigger_match(st, trigger)} AS tm FROM {source}")
    if trigger.nth is None:
        plan.add("gated", "SELECT *, tm AS fires, 1 AS cnt FROM tmatch")
        return "gated"
    count = window_count(st, "tm", trigger.within)
    plan.add("counted", f"SELECT *, CASE WHEN tm THEN {count} END AS gcount FROM tmatch")
    nth = trigger.nth
    if trigger.or_later:
        fires, cnt = f"(tm AND gcount >= {nth})", "gcount"
    else:
        fires, cnt = f"(tm AND gcount = {nth})", str(nth)
    plan.add("gated", f"SELECT *, coalesce({fires}, FALSE) AS fires, {cnt} AS cnt FROM counted")
    return "gated"
