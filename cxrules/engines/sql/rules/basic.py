"""SQL plans, rules judged at an event or per scope: absence (`forbid P`), existence (`require P
at least N times`), value checks (`when T require C`) and rate limits (`at most N P within D`)."""

from __future__ import annotations

from cxrules import ir
from cxrules.engines.sql.exprs import compile_expr, condition, stored
from cxrules.engines.sql.plan import (
    PolicyPlan,
    leaves_list,
    reads_list,
    select_record,
    select_waiting,
)
from cxrules.engines.sql.rules.gate import add_gate, window_count
from cxrules.engines.sql.stream import Env, RowFrame, type_match
from cxrules.engines.sql.text import all_of
from cxrules.ir.walk import iter_nodes, value_reads

NO_WAITING = "SELECT {cols} FROM stream WHERE FALSE"


def _keys(plan: PolicyPlan) -> str:
    keys = [k for k in plan.stream.keys]
    return ", ".join(keys) + ", " if keys else ""


def _no_waiting(plan: PolicyPlan) -> None:
    plan.add(
        "waiting",
        f"SELECT {select_waiting(scope=plan.stream.scope_list, trig='ord')} "
        "FROM stream WHERE FALSE",
    )


def absence(plan: PolicyPlan, env: Env) -> None:
    """Each event of the pattern's types is an activation; when its `where` holds it is one
    `forbidden` violation, otherwise it is satisfied (docs/semantics.md, "Absence")."""
    rule = plan.policy.rule
    assert isinstance(rule, ir.Absence)
    st = plan.stream
    frame = RowFrame(st, prev=st.previous)
    bad = condition(rule.pattern.where, frame)
    texts, values = leaves_list(rule.pattern.where, frame)
    plan.leaves = texts
    plan.add(
        "judged",
        f"SELECT *, {bad} AS bad FROM stream WHERE {type_match(rule.pattern.types)}",
    )
    plan.add(
        "outcomes",
        f"SELECT {_keys(plan)}CASE WHEN bad THEN 'violated' ELSE 'satisfied' END AS outcome "
        "FROM judged",
    )
    record = select_record(
        scope=st.scope_list,
        kind="'forbidden'",
        start_us="ts",
        end_us="ts",
        trig="ord",
        evidence="[ord]",
        leaves=values,
    )
    plan.add("records", f"SELECT {record} FROM judged WHERE bad")
    _no_waiting(plan)


def existence(plan: PolicyPlan, env: Env) -> None:
    """Every scope lifetime the policy learns of is one activation, judged at the horizon: fewer
    than `at_least` matches is `too_few`, more than `at_most` is `too_many`."""
    rule = plan.policy.rule
    assert isinstance(rule, ir.Existence)
    st = plan.stream
    frame = RowFrame(st, prev=st.previous)
    match = all_of(type_match(rule.pattern.types), condition(rule.pattern.where, frame))
    keep = max(rule.at_least, (rule.at_most or 0) + 1)
    over = f"({st.over} ORDER BY ord ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
    plan.add("matched", f"SELECT *, {match} AS m FROM stream")
    plan.add(
        "ranked",
        f"SELECT *, CASE WHEN m THEN sum(CASE WHEN m THEN 1 ELSE 0 END) OVER {over} END AS rk "
        "FROM matched",
    )
    keys = [k for k in st.keys]
    group = ", ".join(keys) if keys else "NULL"
    plan.add(
        "scopes",
        f"SELECT {_keys(plan)}min(ts) AS first_ts, count(rk) AS n, "
        f"list(ord ORDER BY ord) FILTER (WHERE rk <= {keep}) AS kept, "
        f"min(ts) FILTER (WHERE rk = 1) AS first_match, "
        f"min(ord) FILTER (WHERE rk = {(rule.at_most or 0) + 1}) AS over_ord, "
        f"min(ts) FILTER (WHERE rk = {(rule.at_most or 0) + 1}) AS over_ts "
        f"FROM ranked GROUP BY {group}",
    )
    too_few = f"n < {rule.at_least}"
    too_many = f"n > {rule.at_most}" if rule.at_most is not None else "FALSE"
    plan.add(
        "outcomes",
        f"SELECT {_keys(plan)}CASE WHEN {too_few} OR {too_many} THEN 'violated' "
        "ELSE 'satisfied' END AS outcome FROM scopes",
    )
    scope = st.scope_list
    few = select_record(
        scope=scope,
        kind="'too_few'",
        start_us="first_ts",
        end_us="horizon_us",
        evidence="coalesce(kept, CAST([] AS BIGINT[]))",
        number="n",
    )
    many = select_record(
        scope=scope,
        kind="'too_many'",
        start_us="first_match",
        end_us="over_ts",
        trig="over_ord",
        evidence="kept",
        number="n",
    )
    plan.add(
        "records",
        f"SELECT {few} FROM scopes, horizon WHERE {too_few} "
        f"UNION ALL SELECT {many} FROM scopes WHERE NOT ({too_few}) AND {too_many}",
    )
    _no_waiting(plan)


def value_check(plan: PolicyPlan, env: Env) -> None:
    """At each activation the condition must be exactly true; false, or missing because a value
    is missing, is one `condition_false` violation naming the values read."""
    rule = plan.policy.rule
    assert isinstance(rule, ir.ValueCheck)
    st = plan.stream
    gated = add_gate(plan, rule.trigger)
    frame = RowFrame(st, trigger="self", prev=st.previous)
    source = _named_values(plan, rule, frame, gated)
    ok = condition(rule.condition, frame)
    # the lets and computed operands it shows, then the values it reads (`ir.walk.value_reads`)
    texts, values = reads_list(value_reads(rule), frame)
    plan.leaves = texts
    fires = " WHERE fires" if source == gated else ""
    plan.add("judged", f"SELECT *, {ok} AS ok FROM {source}{fires}")
    plan.add(
        "outcomes",
        f"SELECT {_keys(plan)}CASE WHEN ok THEN 'satisfied' ELSE 'violated' END AS outcome "
        "FROM judged",
    )
    record = select_record(
        scope=st.scope_list,
        kind="'condition_false'",
        start_us="ts",
        end_us="ts",
        trig="ord",
        evidence="[ord]",
        cnt="cnt",
        leaves=values,
    )
    plan.add("records", f"SELECT {record} FROM judged WHERE NOT ok")
    _no_waiting(plan)


def _named_values(plan: PolicyPlan, rule: ir.ValueCheck, frame: RowFrame, gated: str) -> str:
    """The stage the judging reads: `gated`, or stages after it that keep each long `let` the
    violation shows as a column, innermost first, so that the condition and the values shown
    read it by name (a `let` is inlined at each use: `let handle = ivr + queue + … + wrap`
    used in the condition and shown was written out twice, a let using it once more)."""
    source = gated
    # a let inside another is a sub-expression of it, so fewer nodes: kept first, then read
    inner_first = sorted(rule.shown, key=lambda shown: sum(1 for _ in iter_nodes(shown.value)))
    for n, shown in enumerate(inner_first, start=1):
        column = f"_cx_let{n}"
        kept = stored(compile_expr(shown.value, frame), column)
        if kept is None:
            continue
        sql, value = kept
        fires = " WHERE fires" if source == gated else ""
        plan.add(f"let{n}", f"SELECT *, {sql} AS {column} FROM {source}{fires}")
        source = f"let{n}"
        frame.remember(shown.value, value)
    return source


def rate_limit(plan: PolicyPlan, env: Env) -> None:
    """Each matching event is an activation; when the window [t - D, t] then holds more than N
    matching events it is one `rate_exceeded` violation from the first of them to it, with the
    last N + 1 as evidence (docs/semantics.md, "Rate limits")."""
    rule = plan.policy.rule
    assert isinstance(rule, ir.RateLimit)
    st = plan.stream
    frame = RowFrame(st, prev=st.previous)
    match = all_of(type_match(rule.pattern.types), condition(rule.pattern.where, frame))
    from cxrules.time.instants import seconds_to_us

    inwin = window_count(st, "TRUE", rule.within, "a rate-limit window")  # refuses business time
    window = seconds_to_us(rule.within.seconds)
    n = rule.at_most
    plan.add("matched", f"SELECT * FROM stream WHERE {match}")
    last = f"({st.over} ORDER BY ord ROWS BETWEEN {n} PRECEDING AND CURRENT ROW)"
    first = f"({st.over} ORDER BY ts RANGE BETWEEN {window} PRECEDING AND CURRENT ROW)"
    plan.add(
        "windowed",
        f"SELECT *, {inwin} AS inwin, "
        f"list(ord) OVER {last} AS recent, min(ts) OVER {first} AS first_ts FROM matched",
    )
    plan.add(
        "outcomes",
        f"SELECT {_keys(plan)}CASE WHEN inwin > {n} THEN 'violated' ELSE 'satisfied' END "
        "AS outcome FROM windowed",
    )
    record = select_record(
        scope=st.scope_list,
        kind="'rate_exceeded'",
        start_us="first_ts",
        end_us="ts",
        trig="ord",
        evidence="recent",
        number="inwin",
    )
    plan.add("records", f"SELECT {record} FROM windowed WHERE inwin > {n}")
    _no_waiting(plan)
