"""SQL plans, several expectations at one trigger (`when T expect … expect …`): each trigger
counts, per expectation, the scope's earlier matching events in its `before` window; one
verdict (docs/semantics.md, "Several expectations")."""

from __future__ import annotations

from cxrules import ir
from cxrules.engines.sql.calendars import fixed_us
from cxrules.engines.sql.exprs import NoEngineError, condition
from cxrules.engines.sql.plan import PolicyPlan, select_record, select_waiting
from cxrules.engines.sql.rules.deadlines import key_list, keys_equal
from cxrules.engines.sql.rules.gate import add_gate
from cxrules.engines.sql.rules.obligations import AtTrigger
from cxrules.engines.sql.stream import Env, RowFrame, type_match
from cxrules.engines.sql.text import all_of
from cxrules.ir.walk import uses_trigger


def _offsets(e: ir.Expectation) -> tuple[int | None, int]:
    """(µs back to the window's earliest instant or None, µs back to its latest)."""
    w = e.window
    for d in (w.min, w.max):
        if d is not None and d.calendar is not None:
            raise NoEngineError("a 'before' window on business time")
    return (fixed_us(w.max) if w.max is not None else None), (
        fixed_us(w.min) if w.min is not None else 0
    )


def expectations(plan: PolicyPlan, env: Env) -> None:
    """Per trigger and expectation i, `ex_n{i}`: the events of the scope matching it strictly
    before the trigger (in processing order) with an instant in [t − max, t − min]; the
    activation is satisfied when every count is within its bounds, else one `unmet` record
    with the counts, spanning the failed expectations' windows."""
    rule = plan.policy.rule
    assert isinstance(rule, ir.Expectations)
    st = plan.stream
    offsets = [_offsets(e) for e in rule.expects]
    gated = add_gate(plan, rule.trigger)
    # a `where` that does not read the trigger is judged at the event itself, with the scope's
    # history up to it (as the python engine remembers it); one that reads the trigger is
    # judged at the trigger, with the scope as it stands there (`AtTrigger`)
    own = RowFrame(st, prev=st.previous)
    marks = [
        all_of(
            type_match(e.pattern.types),
            "TRUE" if uses_trigger(e.pattern.where) else condition(e.pattern.where, own),
        )
        + f" AS ex_m{i}"
        for i, e in enumerate(rule.expects)
    ]
    plan.add("ex_marked", f"SELECT *, {', '.join(marks)} FROM {gated}")
    plan.add("ex_trig", "SELECT * FROM ex_marked WHERE fires")
    frame = AtTrigger(st, alias="e", trigger="w", prev=st.previous)
    joins, ns, oks = [], [], []
    for i, e in enumerate(rule.expects):
        lo, hi = offsets[i]
        cond = all_of(
            keys_equal(plan, "w", "e"),
            f"e.ex_m{i}",
            "e.ord < w.ord",
            f"e.ts <= w.ts - {hi}",
            f"e.ts >= w.ts - {lo}" if lo is not None else "TRUE",
            condition(e.pattern.where, frame) if uses_trigger(e.pattern.where) else "TRUE",
        )
        plan.add(
            f"ex_hits{i}",
            f"SELECT w.ord AS o, count(*) AS n FROM ex_trig w JOIN ex_marked e ON {cond} "
            "GROUP BY w.ord",
        )
        joins.append(f"LEFT JOIN ex_hits{i} x{i} ON x{i}.o = w.ord")
        ns.append(f"coalesce(x{i}.n, 0) AS ex_n{i}")
        upper = f" AND ex_n{i} <= {e.at_most}" if e.at_most is not None else ""
        oks.append(f"(ex_n{i} >= {e.at_least}{upper})")
    plan.add("ex_counted", f"SELECT w.*, {', '.join(ns)} FROM ex_trig w {' '.join(joins)}")
    plan.add("ex_judged", f"SELECT *, {' AND '.join(oks)} AS ex_ok FROM ex_counted")
    plan.add(
        "outcomes",
        f"SELECT {key_list(plan)}CASE WHEN ex_ok THEN 'satisfied' ELSE 'violated' END "
        "AS outcome FROM ex_judged",
    )
    # the span of the failed expectations' windows: the earliest start, the latest end
    failed = [f"NOT {ok}" for ok in oks]
    by_start = sorted(range(len(oks)), key=lambda i: -(offsets[i][0] or offsets[i][1]))
    by_end = sorted(range(len(oks)), key=lambda i: offsets[i][1])
    start = " ".join(
        f"WHEN {failed[i]} THEN ts - {offsets[i][0] or offsets[i][1]}" for i in by_start
    )
    end = " ".join(f"WHEN {failed[i]} THEN ts - {offsets[i][1]}" for i in by_end)
    counts = "[" + ", ".join(f"CAST(ex_n{i} AS BIGINT)" for i in range(len(oks))) + "]"
    record = select_record(
        scope=st.scope_list,
        kind="'unmet'",
        start_us=f"CASE {start} END",
        end_us=f"CASE {end} END",
        trig="ord",
        evidence="[ord]",
        cnt="cnt",
        counts=counts,
    )
    plan.add("records", f"SELECT {record} FROM ex_judged WHERE NOT ex_ok")
    plan.add(
        "waiting",
        f"SELECT {select_waiting(scope=st.scope_list, trig='ord')} FROM stream WHERE FALSE",
    )
