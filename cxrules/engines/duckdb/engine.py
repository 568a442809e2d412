"""DuckDB engine: the SQL plans (`cxrules/engines/sql/`) run in an embedded DuckDB.

The plans and the driver are shared with every SQL engine; this module is DuckDB's backend:
the connection (its `memory_limit`, the audit's budget less what the program takes, and its
`temp_directory` bound an audit's memory: sorts and windows spill to disk beyond them), loading
the events (`load.py`, `ingest.py`), and each plan's stages in a schema of their own.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb
import pyarrow as pa

from cxrules import ir
from cxrules.diagnostics import Diagnostic
from cxrules.engines.base import (
    DEFAULT_MEMORY_LIMIT,
    Engine,
    EngineError,
    EventList,
    OutOfMemory,
    RunOptions,
    Source,
    cannot_run,
    database_memory,
    memory_bytes,
)
from cxrules.engines.duckdb.load import load_events
from cxrules.engines.sql.casing import macros, uses_casing
from cxrules.engines.sql.catalog import Catalog
from cxrules.engines.sql.compiler import compile_policy
from cxrules.engines.sql.driver import (
    Backend,
    SqlRun,
    limits_env,
    named_later,
    plan_texts,
    stage_uses,
)
from cxrules.engines.sql.exprs import CompileError, NoEngineError
from cxrules.engines.sql.inline import Pending, inlined
from cxrules.engines.sql.listing import listing
from cxrules.engines.sql.plan import PolicyPlan, Table
from cxrules.engines.sql.sharing import SharedStages
from cxrules.engines.sql.text import ident, lit
from cxrules.findings.assemble import Outcome, Reading
from cxrules.findings.model import Cited
from cxrules.time.calendars import CalendarError
from cxrules.time.zones import zone

#: The Arrow type of each SQL type a `Table` column may have.
ARROW_TYPES = {"BIGINT": pa.int64(), "BOOLEAN": pa.bool_(), "VARCHAR": pa.string()}
#: Settings an audit may give (`RunOptions.settings`), with DuckDB's defaults when absent.
SETTINGS = ("memory_limit", "temp_directory", "threads")
#: A column name that is a plain word (`narrowed` keeps any other).
PLAIN_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class DuckDBEngine(Engine):
    """The default engine for audits: the same semantics as the python engine, as SQL."""

    name = "duckdb"
    summary = "the default: policies as SQL plans in embedded DuckDB, out of core"

    def limits(self, policy_set: ir.PolicySet) -> list[Diagnostic]:
        """The policies whose constructs the SQL plans cannot express yet."""
        problems = []
        try:
            env = limits_env(policy_set, Catalog.of(policy_set))
        except CalendarError:
            return []  # the run says what is wrong with the calendar
        for policy in policy_set.policies:
            try:
                compile_policy(policy, env)
            except NoEngineError as exc:
                reason = f"{exc} is not supported by any engine"
                problems.append(cannot_run(self.name, policy, reason, everywhere=True))
            except (CompileError, CalendarError) as exc:
                problems.append(cannot_run(self.name, policy, f"{exc} cannot be run as SQL yet"))
        return problems

    def listing(self, policy_set: ir.PolicySet, zone: str, horizon_us: int | None) -> str:
        return listing(policy_set, zone, horizon_us)

    def run(self, policy_set: ir.PolicySet, source: Source, options: RunOptions) -> Outcome:
        try:
            zone(options.zone)
        except CalendarError as exc:
            raise EngineError(str(exc)) from exc
        con = connect(options.settings)
        try:
            backend = DuckDBBackend(con, settings=options.settings)
            outcome = SqlRun(backend, policy_set, source, options).outcome()
        except duckdb.OutOfMemoryException as exc:
            con.close()
            raise out_of_memory(options.settings, exc) from exc
        except duckdb.Error as exc:
            con.close()
            raise EngineError(f"DuckDB could not run the plans: {exc}") from exc
        except BaseException:
            con.close()
            raise
        outcome.close = con.close  # the violations are read from the database as they are written
        return outcome


def out_of_memory(settings: dict[str, str], exc: Exception) -> OutOfMemory:
    """What to say when DuckDB ran out of the audit's memory (it spills sorts and joins to
    disk, but some steps must fit in memory)."""
    limit = settings.get("memory_limit") or DEFAULT_MEMORY_LIMIT
    first = str(exc).split("\n", 1)[0].removeprefix("Out of Memory Error: ")
    return OutOfMemory(
        f"the audit needs more memory than --memory-limit {limit} gives it ({first}); raise "
        "--memory-limit, or give --temp-dir a folder with free space"
    )


#: The share of the database's memory limit its tables may take, uncompressed, before `compact`
#: compresses them.
COMPACT_SHARE = 0.75


def compact(con: duckdb.DuckDBPyConnection) -> bool:
    """Compress the database's tables when they outgrow COMPACT_SHARE of its memory limit (in
    memory and spilled to the temporary folder); True when it did.

    An in-memory DuckDB keeps its tables uncompressed until a CHECKPOINT. A log bigger than the
    memory limit leaves `events` and `ev` mostly in the spill folder, and every plan reads `ev`
    back: the shop week's 10M events are 0.6 GB in memory and 2.3 GB spilled, 0.1 and 0.4 GB
    once compressed. The CHECKPOINT (18 s there) costs what the 32 seed plans then save: the
    same audit time on a quiet machine, 16% less CPU on a loaded one, a sixth of the spill
    folder for the rest of the audit, and more plans save more. Below the limit, compressing
    costs more than the plans gain (1M events: 1.3 s CPU, the audit +5%)."""
    ((used, limit),) = con.execute(
        "SELECT (SELECT sum(memory_usage_bytes + temporary_storage_bytes) FROM duckdb_memory()"
        " WHERE tag = 'IN_MEMORY_TABLE'), current_setting('memory_limit')"
    ).fetchall()
    if not used or used <= COMPACT_SHARE * memory_bytes(limit):
        return False
    con.execute("CHECKPOINT")
    return True


def connect(settings: dict[str, str]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the audit's limits (a temporary folder of its own by default)."""
    config: dict[str, Any] = {"preserve_insertion_order": False}
    config["memory_limit"] = database_memory(settings)
    if settings.get("threads"):
        config["threads"] = int(settings["threads"])
    config["temp_directory"] = settings.get("temp_directory") or tempfile.gettempdir()
    return duckdb.connect(":memory:", config=config)


class DuckDBBackend(Backend):
    """The plans' database: an in-memory DuckDB."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        workers: int | None = None,
        settings: dict[str, str] | None = None,
    ) -> None:
        self.con = con
        self.settings = settings or {}  # the audit's (for what to say when memory runs out)
        self.schema = "main"  # where `create_table` makes its tables
        if workers is None:
            ((threads,),) = con.execute("SELECT current_setting('threads')").fetchall()
            workers = int(threads)
        self.workers = workers
        self.shared = SharedStages()  # the stages several plans have (`share`)

    def fork(self) -> DuckDBBackend:
        """The same database through a connection of its own (DuckDB runs the queries of
        several connections at once, sharing its threads and its memory limit)."""
        forked = DuckDBBackend(self.con.cursor(), workers=1, settings=self.settings)
        forked.shared = self.shared
        return forked

    @contextmanager
    def side_by_side(self, plans: int) -> Iterator[None]:
        """With at least as many plans as workers, each plan's queries run on one thread, the
        workers' plans side by side on the others: DuckDB's threads inside one plan's small
        windows and joins mostly wait for each other (the seed library's 32 plans over a
        1M-event log took about a tenth more CPU time, two threads a query). Fewer plans keep
        every thread for each."""
        ((threads,),) = self.con.execute("SELECT current_setting('threads')").fetchall()
        if plans < self.workers or int(threads) <= 1:
            yield
            return
        self.con.execute("SET threads = 1")
        try:
            yield
        finally:
            self.con.execute(f"SET threads = {int(threads)}")

    def share(self, plans: list[PolicyPlan]) -> None:
        uses = [[u for _, _, u in stage_uses(plan)] for plan in plans]
        self.shared = SharedStages.of(plans, uses)

    def define_functions(self, plans: list[PolicyPlan]) -> None:
        if any(uses_casing(text) for plan in plans for text in plan_texts(plan)):
            for statement in macros():
                self.con.execute(statement)

    def interrupt(self) -> None:
        self.con.interrupt()

    def close(self) -> None:
        self.con.close()

    def load(self, source: Source, options: RunOptions) -> Reading | None:
        return load_events(self.con, source, options)

    def make_ev(self, catalog: Catalog, where: str) -> None:
        super().make_ev(catalog, where)
        compact(self.con)

    def execute(self, sql: str) -> None:
        self.con.execute(sql)

    def one(self, sql: str) -> tuple[Any, ...]:
        row = self.con.execute(sql).fetchone()
        assert row is not None
        return tuple(row)

    def rows(self, sql: str) -> Iterator[dict[str, Any]]:
        # a cursor of its own (the same search path): lookups run while these rows are read
        cursor = self.con.cursor()
        if self.schema != "main":  # inside a plan's `stage`
            cursor.execute(f"SET search_path = '{self.schema},main'")
        with self.reading():
            reader: Any = cursor.sql(sql).to_arrow_reader(8192)
            for batch in reader:
                yield from batch.to_pylist()

    @contextmanager
    def reading(self) -> Iterator[None]:
        """DuckDB's errors while the findings are read (the report being written): memory
        running out said as `run` says it, the others as an EngineError."""
        try:
            yield
        except duckdb.OutOfMemoryException as exc:
            raise out_of_memory(self.settings, exc) from exc
        except duckdb.Error as exc:
            raise EngineError(f"DuckDB could not read the findings: {exc}") from exc

    @contextmanager
    def stage(self, plan: PolicyPlan, index: int) -> Iterator[None]:
        """The plan's stages in a schema of their own: a table for each stage read more than
        once, a view for the others; the schema is dropped after."""
        con, schema = self.con, f"p{index}"
        con.execute(f"CREATE SCHEMA {schema}; SET search_path = '{schema},main'")
        self.schema = schema
        try:
            named = named_later(plan)
            stages = stage_uses(plan)
            inline, pending = inlined(stages), Pending()
            # a shared table is made from this plan's earlier stages, and read by plans that
            # name other columns of them: those stages keep every column (hunt63)
            shared_from = max(
                (n for n, (name, _, _) in enumerate(stages) if self.shared.table_of(index, name)),
                default=-1,
            )
            for n, (name, sql, uses) in enumerate(stages):
                for step in plan.steps_at(n):
                    self.run_step(step)
                kept = named[n] if n >= shared_from else None
                self.make_stage(plan, index, n, (name, sql, uses), kept, inline, pending)
            yield
        finally:
            self.schema = "main"
            con.execute(f"SET search_path = 'main'; DROP SCHEMA {schema} CASCADE")
            for table in self.shared.done(index):
                con.execute(f"DROP TABLE IF EXISTS main.{table}")

    def make_stage(
        self,
        plan: PolicyPlan,
        index: int,
        n: int,
        stage: tuple[str, str, int],
        named: set[str] | None,
        inline: set[str],
        pending: Pending,
    ) -> None:
        """Stage `n` of the plan (`driver.stage_uses`): a shared table, a table of its own when
        it is read more than once, a view when a step or a final query reads it, and otherwise
        a CTE of the stage that reads it (inline.py). `named`: the words later SQL names (a
        table keeps only the columns named), None when the table keeps every column."""
        con, schema = self.con, self.schema
        name, sql, uses = stage
        table = self.shared.table_of(index, name)
        if table is not None:
            self._make_shared(table, pending.into(sql))
            con.execute(f"CREATE VIEW {schema}.{name} AS SELECT * FROM main.{table}")
        elif uses > 1:
            self.create_stage_table(name, pending.into(sql), named)
        elif name in inline:
            pending.add(name, sql)
        else:
            con.execute(f"CREATE VIEW {schema}.{name} AS {pending.into(sql)}")

    def narrowed(self, sql: str, named: set[str]) -> str:
        """A stage to materialize, without the columns that no later SQL names (`named`:
        `driver.named_later`, lower case): DuckDB then leaves them out of the stage's windows,
        joins and copies too, where it would otherwise carry every column `*` passes on. The
        columns are chosen by a pattern of their names as the stage is bound (`COLUMNS`):
        asking DuckDB for them first (DESCRIBE) bound the stage, with every CTE it reads, a
        second time. A name that is no plain word is kept.

        >>> DuckDBBackend.narrowed(None, "SELECT * FROM t", {"ord", "k0"})
        "SELECT COLUMNS('(?i)^(?:k0|ord)$|[^A-Za-z0-9_]|^[0-9]') FROM (SELECT * FROM t)"
        """
        plain = sorted(word for word in named if PLAIN_WORD.fullmatch(word))
        pattern = "(?i)^(?:" + "|".join(plain) + ")$|[^A-Za-z0-9_]|^[0-9]"
        return f"SELECT COLUMNS({lit(pattern)}) FROM ({sql})"

    def create_stage_table(self, name: str, sql: str, named: set[str] | None) -> None:
        """The stage as a table of the plan's schema, narrowed to the columns later SQL names
        (all of them when `named` is None, or names none: no column matches the pattern)."""
        if named is None:
            self.con.execute(f"CREATE TABLE {self.schema}.{name} AS {sql}")
            return
        try:
            self.con.execute(f"CREATE TABLE {self.schema}.{name} AS {self.narrowed(sql, named)}")
        except duckdb.BinderException:
            self.con.execute(f"CREATE TABLE {self.schema}.{name} AS {sql}")

    def _make_shared(self, table: str, sql: str) -> bool:
        """The shared table, made by the first plan that reaches it (the plan's earlier stages,
        the same in every plan that reads it, are what its SQL reads); True when this call
        made it."""
        with self.shared.locks[table]:
            if table in self.shared.made:
                return False
            self.con.execute(f"CREATE TABLE main.{table} AS {sql}")
            self.shared.made.add(table)
            return True

    def create_table(self, table: Table) -> None:
        """The table in the current plan's schema (in `main` outside a plan), from Arrow."""
        columns = {
            name: pa.array([row[i] for row in table.rows], ARROW_TYPES[kind])
            for i, (name, kind) in enumerate(table.columns)
        }
        cursor = self.con.cursor()
        try:
            cursor.register("_cx_rows", pa.table(columns))
            cursor.execute(
                f"CREATE OR REPLACE TABLE {ident(self.schema)}.{ident(table.name)} AS "
                "SELECT * FROM _cx_rows"
            )
        finally:
            cursor.close()

    def lookup(self, ords: set[int]) -> dict[int, Cited]:
        if not ords:
            return {}
        table = pa.table({"o": pa.array(sorted(ords), pa.int64())})
        cursor = self.con.cursor()
        cursor.register("_cx_wanted", table)
        with self.reading():
            rows = cursor.execute(
                "SELECT ord, id, type, ts, file, line FROM main.events JOIN _cx_wanted ON ord = o"
            ).fetchall()
        cursor.close()
        return {o: Cited(i, t, ts, f, ln) for o, i, t, ts, f, ln in rows}


__all__ = ["DuckDBEngine", "EventList"]
