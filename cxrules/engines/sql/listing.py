"""SQL plans, the listing: a policy set's plans as one SQL script a user can read and run
(`cxrules compile --engine duckdb|spark`).

Where SQL cannot say a rule (`each`: the queue that meets the oldest obligation), the plan holds
a sequential step run in Python between its stages: the script shows the step's query and the
table it makes, and cannot be run by hand past it.

The script is what an audit runs, in the order it runs it: `ev` read from the events table
(up to the horizon, as an audit reads it), then each policy's stages (a table where later
queries read it twice, a view otherwise) and its final queries: `tally`, `records`
(violations), `waiting` (open obligations), `cells` (metrics). What an audit learns from the
log is given or assumed: the horizon (`as_of`, else read from the events as an audit takes it:
the last event's time) and the range the zone ladders and calendar tables cover (about two
years around `as_of`, else around today; an audit covers the log's own range). The header
says both.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from cxrules import ir
from cxrules.engines.sql.casing import macros, uses_casing
from cxrules.engines.sql.catalog import Catalog
from cxrules.engines.sql.driver import compile_plans, plan_texts, stage_uses
from cxrules.engines.sql.exprs import CompileError
from cxrules.engines.sql.plan import Step, Table
from cxrules.engines.sql.text import lit
from cxrules.engines.sql.zones import ZoneTables
from cxrules.time.instants import to_us

HEADER = """\
-- cxrules plans ({dialect}): {count} policies, log zone {zone}, horizon {horizon}
-- Input: a table `events` (ord BIGINT, ts BIGINT: µs since 1970 UTC, seq BIGINT, type VARCHAR,
--   id VARCHAR, file VARCHAR, line BIGINT, attrs JSON), one row per event in processing order.
-- Local times and calendars are right for events from {low} to {high}: for a log outside
--   them, give --as-of near its end.
"""

#: The horizon of a listing written without one: the last event's, as an audit takes it.
LAST_EVENT = "(SELECT coalesce(max(ts), 0) FROM ev)"


def listing(
    policy_set: ir.PolicySet,
    log_zone: str,
    horizon_us: int | None = None,
    *,
    dialect: str = "duckdb",
    render: Callable[[str], str] = lambda sql: sql,
    pretyped: bool = False,
) -> str:
    """The SQL script of every policy's plan (each in a schema of its own in DuckDB, temporary
    views replaced policy by policy in Spark); a policy that cannot be compiled is a comment
    that says why. `render` turns DuckDB SQL into the dialect's."""
    catalog = Catalog.of(policy_set)
    catalog.pretyped = pretyped
    around = horizon_us if horizon_us is not None else _today()
    instants = (around, around, horizon_us)
    query = LAST_EVENT if horizon_us is None else None
    reasons: dict[str, str] = {}
    for policy in policy_set.policies:
        try:
            single = ir.PolicySet(policies=(policy,), calendars=policy_set.calendars)
            compile_plans(single, Catalog.of(policy_set), log_zone)
        except CompileError as exc:
            reasons[policy.id] = f"not compiled: {exc} cannot be run as SQL yet"
    kept = tuple(p for p in policy_set.policies if p.id not in reasons)
    subset = ir.PolicySet(policies=kept, calendars=policy_set.calendars)
    plans, calendars = compile_plans(subset, catalog, log_zone, instants, query)
    by_id = {plan.policy.id: plan for plan in plans}
    count = len(policy_set.policies)
    horizon = (
        f"{horizon_us} µs ({_iso(horizon_us)}), later events left out as an audit leaves them"
        if horizon_us is not None
        else "the last event's time (as an audit takes it; --as-of sets it)"
    )
    low, high = _covered(around)
    header = HEADER.format(
        dialect=dialect, count=count, zone=log_zone, horizon=horizon, low=low, high=high
    )
    out = [header]
    if dialect == "duckdb" and any(uses_casing(t) for plan in plans for t in plan_texts(plan)):
        out.append("-- lower and upper as Python maps case (engines/sql/casing.py)")
        out.extend(f"{statement};" for statement in macros())
    if pretyped:
        out.append("-- `ev`: the events with their attributes typed while loading\n")
    else:
        where = f"ts <= {horizon_us}" if horizon_us is not None else "TRUE"
        out.append(f"CREATE TABLE ev AS\n{render(catalog.extract_sql(where=where))};\n")
    for table in calendars.tables():
        out.append(_table(table))
    for n, policy in enumerate(policy_set.policies):
        out.append(f"-- policy {policy.id} ({policy.rule.kind})")
        plan = by_id.get(policy.id)
        if plan is None:
            out.append(f"-- {reasons[policy.id]}\n")
            continue
        if dialect == "duckdb":
            out.append(f"CREATE SCHEMA p{n};\nSET search_path = 'p{n},main';")
        for n_stage, (name, sql, uses) in enumerate(stage_uses(plan)):
            for step in plan.steps_at(n_stage):
                out.append(_step(step, render))
            if dialect == "duckdb":
                head = f"CREATE {'TABLE' if uses > 1 else 'VIEW'} {name} AS"
            else:
                head = f"CREATE OR REPLACE TEMPORARY VIEW {name} AS"
            out.append(f"{head}\n{render(sql)};")
        for name, sql in plan.finals().items():
            out.append(f"-- {name}\n{render(sql)};")
        out.append("")
    if dialect == "duckdb":
        out.append("SET search_path = 'main';")
    return "\n".join(out)


def _today() -> int:
    """Today's midnight UTC, µs: what the zone tables of a listing without --as-of are around."""
    now = datetime.now(UTC)
    return to_us(datetime(now.year, now.month, now.day, tzinfo=UTC))


def _iso(us: int) -> str:
    return (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=us)).isoformat()


def _covered(around: int) -> tuple[str, str]:
    """The dates the zone tables of a listing cover (`ZoneTables.around` one instant)."""
    zones = ZoneTables.around(around, around)
    return _iso(zones.start_us)[:10], _iso(zones.end_us)[:10]


def _table(table: Table) -> str:
    """A table of rows computed in Python (a calendar's lookups), as SQL."""
    columns = ", ".join(f"{name} {kind}" for name, kind in table.columns)
    head = f"CREATE TABLE {table.name} ({columns});"
    if not table.rows:
        return head
    rows = ",\n  ".join("(" + ", ".join(_value(v) for v in row) + ")" for row in table.rows)
    return f"{head}\nINSERT INTO {table.name} VALUES\n  {rows};"


def _value(v: object) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    return lit(str(v))


def _step(step: Step, render: Callable[[str], str]) -> str:
    """A sequential step: SQL cannot say it, so the script shows its query and the table it
    makes; an audit runs the step's Python function between the two."""
    columns = ", ".join(f"{name} {kind}" for name, kind in step.columns)
    query = "\n".join(f"--   {line}" for line in render(step.sql).splitlines())
    return (
        f"-- step (Python, between the stages): the rows of\n{query}\n"
        f"-- read in order become the table {step.table} ({columns})"
    )
