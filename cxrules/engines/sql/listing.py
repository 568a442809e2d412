"""SQL plans, the listing: a policy set's plans as one SQL script a user can read and run
(`cxrules compile --engine duckdb|spark`).

The script is what an audit runs, in the order it runs it: `ev` read from the events table,
then each policy's stages (a table where later queries read it twice, a view otherwise) and its
final queries: `tally`, `records` (violations), `waiting` (open obligations), `cells`
(metrics). What an audit learns from the log is given or assumed: the horizon (`as_of`, else
0: an audit takes the last event's time) and the range the zone ladders cover (a year around
the horizon; an audit covers the log's own range).
"""

from __future__ import annotations

from collections.abc import Callable

from cxrules import ir
from cxrules.engines.sql.catalog import Catalog
from cxrules.engines.sql.driver import compile_plans, stage_uses
from cxrules.engines.sql.exprs import CompileError

HEADER = """\
-- cxrules plans ({dialect}): {count} policies, log zone {zone}, horizon {horizon} µs
-- Input: a table `events` (ord BIGINT, ts BIGINT: µs since 1970 UTC, seq BIGINT, type VARCHAR,
--   id VARCHAR, file VARCHAR, line BIGINT, attrs JSON), one row per event in processing order.
"""


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
    instants = (horizon_us, horizon_us, horizon_us)
    reasons: dict[str, str] = {}
    for policy in policy_set.policies:
        try:
            compile_plans(ir.PolicySet(policies=(policy,)), Catalog.of(policy_set), log_zone)
        except CompileError as exc:
            reasons[policy.id] = f"not compiled: {exc} cannot be run as SQL yet"
    kept = tuple(p for p in policy_set.policies if p.id not in reasons)
    plans = compile_plans(ir.PolicySet(policies=kept), catalog, log_zone, instants)
    by_id = {plan.policy.id: plan for plan in plans}
    count = len(policy_set.policies)
    out = [HEADER.format(dialect=dialect, count=count, zone=log_zone, horizon=horizon_us or 0)]
    if pretyped:
        out.append("-- `ev`: the events with their attributes typed while loading\n")
    else:
        out.append(f"CREATE TABLE ev AS\n{render(catalog.extract_sql())};\n")
    for n, policy in enumerate(policy_set.policies):
        out.append(f"-- policy {policy.id} ({policy.rule.kind})")
        plan = by_id.get(policy.id)
        if plan is None:
            out.append(f"-- {reasons[policy.id]}\n")
            continue
        if dialect == "duckdb":
            out.append(f"CREATE SCHEMA p{n};\nSET search_path = 'p{n},main';")
        for name, sql, uses in stage_uses(plan):
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
