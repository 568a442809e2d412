"""SQL plans, the listing: a policy set's plans as one SQL script a user can read and run
(`cxrules compile --engine duckdb|spark`).

Where SQL cannot say a rule (`each`: the queue that meets the oldest obligation), the plan holds
a sequential step run in Python between its stages: the script shows the step's query and the
table it makes, and cannot be run by hand past it.

The script is what an audit runs, in the order it runs it: `ev` read from the events table
(up to the horizon, as an audit reads it), then each policy's stages (where later queries read
it twice a table, or in Spark a cached temporary view; a view otherwise) and its final
queries: `tally`, `records` (violations), `waiting` (open obligations), `cells` (metrics).
What an audit learns from the log is given or assumed: the horizon (`as_of`, else read from
the events as an audit takes it: the last event's time) and the range the zone ladders and
calendar tables cover (about two years around `as_of`, else around today; an audit covers the
log's own range). The header says both.

DuckDB's script reads `events` with the attributes as JSON and types them itself. Spark's reads
`events` with the attributes typed already, as the spark engine stages them while loading
(`engines.spark.load`), which Spark SQL cannot do alike: `get_json_object` reads the text "3"
and the number 3 as one text, and Spark 4's VARIANT sorts an object's keys (a scope key of
`{"b":1,"a":2}` would read `{"a":2,"b":1}`). Its header names the columns and the attribute
path of each prefix; it sets the session settings the plans need, and makes every table a
temporary view.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
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
{input}
-- Local times and calendars are right for events from {low} to {high}: for a log outside
--   them, give --as-of near its end.
"""
#: The input of a script that types the attributes itself (DuckDB's).
JSON_INPUT = """\
-- Input: a table `events` (ord BIGINT, ts BIGINT: µs since 1970 UTC, seq BIGINT, type VARCHAR,
--   id VARCHAR, file VARCHAR, line BIGINT, attrs JSON), one row per event in processing order."""
#: The input of a script that reads the attributes typed (Spark's): `engines.spark.load`.
TYPED_INPUT = """\
-- Input: a table or temporary view `events`, one row per event in processing order, each
--   attribute a policy reads typed as the spark engine types it while loading (docs/spark.md,
--   "The listing": how to stage a log so): ord BIGINT, ts BIGINT (µs since 1970 UTC),
--   seq BIGINT, type STRING, id STRING, file STRING, line BIGINT, and for each prefix aN below
--   aN_k INT (NULL: absent or null, 1 text, 2 int, 3 float, 4 bool, 5 list, 6 object,
--   7 instant), aN_s STRING (a text, an int's digits, a list's or an object's JSON),
--   aN_n DOUBLE (a number), aN_b BOOLEAN, aN_t BIGINT (an instant, µs), aN_x STRING (the value
--   as a scope key or group reads it), aN_l ARRAY<STRUCT<k: INT, s: STRING, n: DOUBLE>> (a
--   list's elements: kind, text, number)."""

#: Spark's names of the SQL types of `Table` columns.
SPARK_TYPES = {"VARCHAR": "STRING"}
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
    settings: Mapping[str, str] | None = None,
) -> str:
    """The SQL script of every policy's plan (each in a schema of its own in DuckDB, temporary
    views replaced policy by policy in Spark, a stage read more than once cached as an audit
    checkpoints it); a policy that cannot be compiled is a comment that says why. `render`
    turns DuckDB SQL into the dialect's; `pretyped`: the events table holds the typed
    attribute columns (Spark's); `settings`: the session settings the plans need (`SET`
    statements first)."""
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
    # the calendars cover the years the zone ladders cover, as the header says: an audit's
    # cover the log's own range, which a listing does not know
    plans, calendars = compile_plans(subset, catalog, log_zone, instants, query, zone_wide=True)
    by_id = {plan.policy.id: plan for plan in plans}
    count = len(policy_set.policies)
    horizon = (
        f"{horizon_us} µs ({_iso(horizon_us)}), later events left out as an audit leaves them"
        if horizon_us is not None
        else "the last event's time (as an audit takes it; --as-of sets it)"
    )
    low, high = _covered(around)
    header = HEADER.format(
        dialect=dialect,
        count=count,
        zone=log_zone,
        horizon=horizon,
        input=_typed_input(catalog) if pretyped else JSON_INPUT,
        low=low,
        high=high,
    )
    out = [header]
    if settings:
        out.append("-- the session settings the plans need (an audit sets them for its own)")
        out.extend(f"SET {key}={value};" for key, value in settings.items())
        out.append("")
    if dialect == "duckdb" and any(uses_casing(t) for plan in plans for t in plan_texts(plan)):
        out.append("-- lower and upper as Python maps case (engines/sql/casing.py)")
        out.extend(f"{statement};" for statement in macros())
    where = f"ts <= {horizon_us}" if horizon_us is not None else "TRUE"
    if pretyped:
        select = render(f"SELECT * FROM events WHERE {where}")
    else:
        select = render(catalog.extract_sql(where=where))
    out.append(f"{_create(dialect, 'ev', True)}\n{select};\n")
    tables = calendars.tables()
    for table in tables:
        out.append(_table(table) if dialect == "duckdb" else _view(table, render))
    if tables:
        out.append("")
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
            out.append(f"{_create(dialect, name, uses > 1)}\n{render(sql)};")
            if dialect != "duckdb" and uses > 1:
                out.append(f"CACHE TABLE {name};")
        for name, sql in plan.finals().items():
            out.append(f"-- {name}\n{render(sql)};")
        out.append("")
    if dialect == "duckdb":
        out.append("SET search_path = 'main';")
    return "\n".join(out)


def _create(dialect: str, name: str, shared: bool) -> str:
    """The head of the statement that makes a stage: a table where later queries read it more
    than once, a view otherwise (DuckDB); a temporary view, replaced by the next policy's
    stage of that name (Spark: `CACHE TABLE` follows where later queries read it more than
    once, as an audit checkpoints it, and replacing the view uncaches it)."""
    if dialect == "duckdb":
        return f"CREATE {'TABLE' if shared else 'VIEW'} {name} AS"
    return f"CREATE OR REPLACE TEMPORARY VIEW {name} AS"


def _typed_input(catalog: Catalog) -> str:
    """`TYPED_INPUT` and the attribute path of each prefix, as the policies write it (a dotted
    path: the flat key if the event has one, else the path through nested objects)."""
    if not catalog.paths:
        return TYPED_INPUT + "\n--   No policy reads an attribute: no aN columns."
    named = [
        f"--   {p}: {json.dumps(path, ensure_ascii=False)}" for path, p in catalog.paths.items()
    ]
    return "\n".join([TYPED_INPUT, *named])


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


def _view(table: Table, render: Callable[[str], str]) -> str:
    """A table of rows computed in Python as a temporary view of its rows, one row a line
    (Spark: a table would be kept in the session's warehouse, as an audit's views are not),
    cached as an audit checkpoints it: a view of a VALUES list is parsed again wherever a
    statement reads it (two years of days: half a second each time)."""
    names = ", ".join(f"`{name}`" for name, _ in table.columns)
    typed = ", ".join(
        f"CAST(`{name}` AS {SPARK_TYPES.get(kind, kind)}) AS `{name}`"
        for name, kind in table.columns
    )
    head = f"CREATE OR REPLACE TEMPORARY VIEW {table.name} AS\nSELECT {typed} FROM VALUES"
    if not table.rows:
        nulls = ", ".join("NULL" for _ in table.columns)
        return f"{head} ({nulls}) AS t({names})\nWHERE FALSE;"

    def value(v: object) -> str:  # a text as Spark reads it (its escapes): SQLGlot's
        if isinstance(v, str):
            return render(f"SELECT {lit(v)}").removeprefix("SELECT ")
        return _value(v)

    rows = ",\n  ".join("(" + ", ".join(value(v) for v in row) + ")" for row in table.rows)
    return f"{head}\n  {rows}\n  AS t({names});\nCACHE TABLE {table.name};"


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
