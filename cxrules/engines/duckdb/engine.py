"""DuckDB engine, driver: events into DuckDB, one SQL plan per policy, findings out.

The plans (`cxrules/engines/sql/`) are the same for every SQL engine; this module only runs
them: it loads the events (`events` table), reads the horizon and the time range, makes the
typed `ev` table the plans read, runs each plan's four queries and turns their rows into
neutral findings. DuckDB's `memory_limit` and `temp_directory` bound the memory of an audit;
sorts and windows spill to disk beyond them.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from typing import Any

import duckdb
import pyarrow as pa

from cxrules import ir
from cxrules.diagnostics import Diagnostic
from cxrules.engines.base import Engine, EngineError, EventList, RunOptions, Source, cannot_run
from cxrules.engines.duckdb.load import load_events
from cxrules.engines.sql import collect
from cxrules.engines.sql.catalog import Catalog
from cxrules.engines.sql.compiler import compile_policy
from cxrules.engines.sql.exprs import CompileError
from cxrules.engines.sql.plan import RECORD_COLUMNS, PolicyPlan
from cxrules.engines.sql.stream import Env
from cxrules.engines.sql.text import lit
from cxrules.engines.sql.zones import ZoneTables
from cxrules.findings.assemble import Outcome
from cxrules.findings.model import Cited, Finding, Pending, Tally
from cxrules.time.calendars import CalendarError
from cxrules.time.instants import to_us
from cxrules.time.zones import zone

VALUE = "STRUCT(k INTEGER, s VARCHAR, n DOUBLE, b BOOLEAN, t BIGINT)"


def _column_type(kind: str) -> str:
    return {"STRUCT": VALUE, "STRUCT[]": VALUE + "[]"}.get(kind, kind)


#: Every plan's violation records, with the index and id of their policy.
RECORDS_DDL = (
    "CREATE OR REPLACE TABLE _cx_records (policy_index INTEGER, policy VARCHAR, "
    + ", ".join(f"{name} {_column_type(kind)}" for name, kind, _ in RECORD_COLUMNS)
    + ")"
)

#: Settings an audit may give (`RunOptions.settings`), with DuckDB's defaults when absent.
SETTINGS = ("memory_limit", "temp_directory", "threads")


class DuckDBEngine(Engine):
    """The default engine for audits: the same semantics as the python engine, as SQL."""

    name = "duckdb"
    summary = "the default: policies as SQL plans in embedded DuckDB, out of core"

    def limits(self, policy_set: ir.PolicySet) -> list[Diagnostic]:
        """The policies whose constructs the SQL plans cannot express yet."""
        env = Env(Catalog.of(policy_set), "UTC", ZoneTables.around(0, 0))
        problems = []
        for policy in policy_set.policies:
            try:
                compile_policy(policy, env)
            except CompileError as exc:
                problems.append(cannot_run(self.name, policy, f"{exc} cannot be run as SQL yet"))
        return problems

    def run(self, policy_set: ir.PolicySet, source: Source, options: RunOptions) -> Outcome:
        try:
            zone(options.zone)
        except CalendarError as exc:
            raise EngineError(str(exc)) from exc
        con = connect(options.settings)
        try:
            outcome = Run(con, policy_set, source, options).outcome()
        except duckdb.Error as exc:
            con.close()
            raise EngineError(f"DuckDB could not run the plans: {exc}") from exc
        except BaseException:
            con.close()
            raise
        outcome.close = con.close  # the violations are read from the database as they are written
        return outcome


def connect(settings: dict[str, str]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the audit's limits (a temporary folder of its own by default)."""
    config: dict[str, Any] = {"preserve_insertion_order": False}
    if settings.get("memory_limit"):
        config["memory_limit"] = settings["memory_limit"]
    if settings.get("threads"):
        config["threads"] = int(settings["threads"])
    config["temp_directory"] = settings.get("temp_directory") or tempfile.gettempdir()
    return duckdb.connect(":memory:", config=config)


class Run:
    """One audit on one connection."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        policy_set: ir.PolicySet,
        source: Source,
        options: RunOptions,
    ) -> None:
        self.con, self.policy_set, self.source, self.options = con, policy_set, source, options

    def outcome(self) -> Outcome:
        con, options = self.con, self.options
        reading = load_events(con, self.source, options)
        limit = to_us(options.as_of) if options.as_of is not None else None
        first, last, total = self.one("SELECT min(ts), max(ts), count(*) FROM events")
        ignored = 0
        if limit is not None:
            (ignored,) = self.one(f"SELECT count(*) FROM events WHERE ts > {limit}")
            horizon = limit
        else:
            horizon = last
        try:
            zones = ZoneTables.around(
                first,
                max(x for x in (last, horizon, first) if x is not None)
                if first is not None
                else horizon,
            )
            catalog = Catalog.of(self.policy_set)
            env = Env(catalog, options.zone, zones, horizon if horizon is not None else 0)
            plans = [compile_policy(p, env) for p in self.policy_set.policies]
        except (CompileError, CalendarError) as exc:
            raise EngineError(str(exc)) from exc
        # which texts the plans read as instants (outside the stage that selects the columns)
        text = "\n".join(sql for plan in plans for name, sql in plan.ctes if name != "base")
        text += "\n".join(plan.tally_sql().split("\n", 1)[0] for plan in plans)
        instants = {p for p in catalog.paths.values() if re.search(rf"\b(p_)?{p}_i\b", text)}
        catalog.instants = instants
        plans = [compile_policy(p, env) for p in self.policy_set.policies]
        where = f"ts <= {limit}" if limit is not None else "TRUE"
        con.execute("CREATE OR REPLACE TABLE ev AS " + catalog.extract_sql(where=where))
        audited = total - ignored
        options.progress.phase("auditing", audited)
        con.execute(RECORDS_DDL)
        tallies, pending = [], []
        for n, plan in enumerate(plans):
            tally, waiting = self.run_plan(plan, n)
            options.progress.events(audited * (n + 1) // len(plans))
            tallies.append(tally)
            pending.extend(waiting)
        return Outcome(
            tallies=tallies,
            violations=self.violations(plans),
            ordered=True,
            pending=pending,
            audited=audited,
            after_as_of=ignored,
            horizon=horizon if audited or limit is not None else None,
            reading=reading,
        )

    def run_plan(self, plan: PolicyPlan, index: int) -> tuple[Tally, list[Pending]]:
        """Run one plan: its tally and open obligations now; its violation records go to the
        table `_cx_records`, read in report order once every plan has run.

        The plan's stages are made in a schema of their own, each once: a stage that later
        stages or the final queries read more than once is a table, the others views."""
        schema = f"p{index}"
        self.stage(plan, schema)
        try:
            return self._run_plan(plan, index)
        finally:
            self.con.execute(f"SET search_path = 'main'; DROP SCHEMA {schema} CASCADE")

    def stage(self, plan: PolicyPlan, schema: str) -> None:
        con = self.con
        con.execute(f"CREATE SCHEMA {schema}; SET search_path = '{schema},main'")
        texts = [sql for _, sql in plan.ctes] + list(plan.finals().values())
        for n, (name, sql) in enumerate(plan.ctes):
            later = texts[n + 1 :]
            uses = sum(len(re.findall(rf"\b{re.escape(name)}\b", t)) for t in later)
            kind = "TABLE" if uses > 1 else "VIEW"
            con.execute(f"CREATE {kind} {schema}.{name} AS {sql}")

    def _run_plan(self, plan: PolicyPlan, index: int) -> tuple[Tally, list[Pending]]:
        pid = plan.policy.id
        finals = plan.finals()
        row = self.one(finals["tally"])
        scopes, vacuous, out, activations, satisfied, violated, pending, cancelled = row
        tally = Tally(
            policy=pid,
            scopes=scopes,
            out_of_scope=out,
            vacuous=vacuous,
            activations=activations,
            satisfied=satisfied,
            violated=violated,
            pending=pending,
            cancelled=cancelled,
        )
        if plan.metric:
            tally.cells = collect.cells(self.rows(finals["cells"]), self.lookup)
        self.con.execute(
            f"INSERT INTO main._cx_records SELECT {index} AS policy_index, {lit(pid)} AS policy, "
            "* FROM records"
        )
        waiting = collect.pendings(pid, self.rows(finals["waiting"]), self.lookup)
        return tally, waiting

    def violations(self, plans: list[PolicyPlan]) -> Iterator[Finding]:
        """Every plan's violation records, ordered by (start, policy), in batches."""
        rows = self.stream_rows("SELECT * FROM main._cx_records ORDER BY start_us, policy")
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= 4096:
                yield from self._findings(plans, batch)
                batch = []
        yield from self._findings(plans, batch)

    def _findings(self, plans: list[PolicyPlan], rows: list[dict[str, Any]]) -> Iterator[Finding]:
        for row in rows:
            plan = plans[row["policy_index"]]
            yield from collect.findings(plan.policy.id, [row], plan.leaves, self.lookup)

    def one(self, sql: str) -> tuple[Any, ...]:
        row = self.con.execute(sql).fetchone()
        assert row is not None
        return tuple(row)

    def rows(self, sql: str) -> list[dict[str, Any]]:
        return list(self.stream_rows(sql))

    def stream_rows(self, sql: str) -> Iterator[dict[str, Any]]:
        # a cursor of its own (the same search path): lookups run while these rows are read
        cursor = self.con.cursor()
        path = self.con.execute("SELECT current_setting('search_path')").fetchone()
        if path and path[0]:
            cursor.execute(f"SET search_path = '{path[0]}'")
        reader: Any = cursor.sql(sql).to_arrow_reader(8192)
        for batch in reader:
            yield from batch.to_pylist()

    def lookup(self, ords: set[int]) -> dict[int, Cited]:
        if not ords:
            return {}
        table = pa.table({"o": pa.array(sorted(ords), pa.int64())})
        cursor = self.con.cursor()
        cursor.register("_cx_wanted", table)
        rows = cursor.execute(
            "SELECT ord, id, type, ts, file, line FROM main.events JOIN _cx_wanted ON ord = o"
        ).fetchall()
        cursor.close()
        return {o: Cited(i, t, ts, f, ln) for o, i, t, ts, f, ln in rows}


__all__ = ["DuckDBEngine", "EventList"]
