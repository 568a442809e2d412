"""Spark engine: the SQL plans (`cxrules/engines/sql/`) run on Apache Spark.

The plans and the driver are the duckdb engine's; this module is Spark's backend. Every
statement is rendered from DuckDB's dialect to Spark SQL (`dialect.to_spark`); a plan's stages
are temporary views, cached when read more than once; violation records are cached per policy
and read back ordered by (start, policy) through `toLocalIterator` (never all collected at
once). Events are read by the Python readers and handed to Spark as Arrow batches, typed while
loading (the same typing as the plans' JSON typing: `engines.sql.catalog`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cxrules import ir
from cxrules.diagnostics import Diagnostic
from cxrules.engines.base import (
    Engine,
    EngineError,
    EventList,
    RunOptions,
    Source,
    cannot_run,
    reading_of,
)
from cxrules.engines.spark.dialect import DialectError, to_spark
from cxrules.engines.spark.load import events_frame
from cxrules.engines.sql.catalog import Catalog
from cxrules.engines.sql.compiler import compile_policy
from cxrules.engines.sql.driver import Backend, SqlRun, limits_env, stage_uses
from cxrules.engines.sql.exprs import CompileError
from cxrules.engines.sql.plan import PolicyPlan, Table
from cxrules.findings.assemble import Outcome, Reading
from cxrules.findings.model import Cited
from cxrules.logs import LogSet
from cxrules.time.calendars import CalendarError
from cxrules.time.zones import zone

#: Settings an audit may give (`RunOptions.settings`).
SETTINGS = ("spark_master",)
DEFAULT_MASTER = "local[2]"


class SparkEngine(Engine):
    """The same plans as the duckdb engine, on Spark (local by default, or any master URL)."""

    name = "spark"
    summary = "the duckdb engine's plans on Apache Spark, for logs beyond one machine"

    def limits(self, policy_set: ir.PolicySet) -> list[Diagnostic]:
        """The policies whose plans cannot be written as SQL, or not as Spark SQL, yet."""
        catalog = Catalog.of(policy_set)
        catalog.pretyped = True
        problems = []
        try:
            env = limits_env(policy_set, catalog)
        except CalendarError:
            return []  # the run says what is wrong with the calendar
        for policy in policy_set.policies:
            try:
                plan = compile_policy(policy, env)
                for _, sql, _ in stage_uses(plan):
                    to_spark(sql)
                for sql in [*plan.finals().values(), *(step.sql for step in plan.steps)]:
                    to_spark(sql)
            except (CompileError, DialectError, CalendarError) as exc:
                problems.append(cannot_run(self.name, policy, f"{exc} cannot be run yet"))
        return problems

    def run(self, policy_set: ir.PolicySet, source: Source, options: RunOptions) -> Outcome:
        try:
            zone(options.zone)
        except CalendarError as exc:
            raise EngineError(str(exc)) from exc
        from cxrules.engines.spark.session import session

        try:
            spark = session(options.settings.get("spark_master") or DEFAULT_MASTER)
        except Exception as exc:  # noqa: BLE001 - Java missing, a bad master URL…
            raise EngineError(f"Spark could not start: {exc}") from exc
        backend = SparkBackend(spark, policy_set)
        try:
            outcome = SqlRun(backend, policy_set, source, options).outcome()
        except Exception as exc:
            backend.close()
            if isinstance(exc, EngineError | DialectError):
                raise EngineError(str(exc)) from exc
            if type(exc).__module__.startswith(("pyspark", "py4j")):
                raise EngineError(f"Spark could not run the plans: {exc}") from exc
            raise
        outcome.close = backend.close
        return outcome


class SparkBackend(Backend):
    """The plans' database: temporary views of one Spark session."""

    pretyped = True

    def __init__(self, spark: Any, policy_set: ir.PolicySet) -> None:
        self.spark = spark
        self.catalog = Catalog.of(policy_set)
        self.views: list[str] = []
        self.records: list[str] = []

    def sql(self, sql: str) -> Any:
        return self.spark.sql(to_spark(sql))

    def view(self, name: str, select: str, cache: bool) -> None:
        """A temporary view; with `cache`, computed once and kept (a local checkpoint, so
        that it no longer depends on the views it was made from)."""
        frame = self.sql(select)
        if cache:
            frame = frame.localCheckpoint(eager=True)
        frame.createOrReplaceTempView(name)
        self.views.append(name)

    def load(self, source: Source, options: RunOptions) -> Reading | None:
        if isinstance(source, EventList):
            events = sorted(source.events, key=lambda e: e.time)
            reading = None
        else:
            logs: LogSet = source
            events = logs.events(sorted=True, progress=options.progress)  # type: ignore[assignment]
            reading = None
        frame = events_frame(self.spark, events, self.catalog).localCheckpoint(eager=True)
        frame.createOrReplaceTempView("events")
        self.views.append("events")
        if not isinstance(source, EventList):
            reading = reading_of(source)
        return reading

    def make_ev(self, catalog: Catalog, where: str) -> None:
        # the events were typed while loading: `ev` is `events` up to the horizon
        self.view("ev", f"SELECT * FROM events WHERE {where}", cache=False)

    def execute(self, sql: str) -> None:
        self.sql(sql)

    def one(self, sql: str) -> tuple[Any, ...]:
        rows = self.sql(sql).collect()
        return tuple(rows[0])

    def rows(self, sql: str) -> Iterator[dict[str, Any]]:
        for row in self.sql(sql).toLocalIterator():
            yield row.asDict(recursive=True)

    @contextmanager
    def stage(self, plan: PolicyPlan, index: int) -> Iterator[None]:
        made: list[str] = []
        try:
            for n, (name, sql, uses) in enumerate(stage_uses(plan)):
                for step in plan.steps_at(n):
                    self.run_step(step)
                    made.append(step.table)
                self.view(name, sql, cache=uses > 1)
                made.append(name)
            yield
        finally:
            for name in reversed(made):
                self.spark.catalog.dropTempView(name)

    def create_table(self, table: Table) -> None:
        """A temporary view of the rows (a local checkpoint: Python is not asked again)."""
        from pyspark.sql.types import BooleanType, LongType, StringType, StructField, StructType

        kinds = {"BIGINT": LongType(), "BOOLEAN": BooleanType(), "VARCHAR": StringType()}
        schema = StructType([StructField(n, kinds[k], True) for n, k in table.columns])
        frame = self.spark.createDataFrame(table.rows, schema).localCheckpoint(eager=True)
        frame.createOrReplaceTempView(table.name)
        if table.name not in self.views:
            self.views.append(table.name)

    def open_records(self) -> None:
        self.records = []

    def keep_records(self, index: int, policy: str) -> None:
        name = f"_cx_records_{index}"
        from cxrules.engines.sql.text import lit

        self.view(
            name,
            f"SELECT {index} AS policy_index, {lit(policy)} AS policy, * FROM records",
            cache=True,
        )
        self.records.append(name)

    def kept_records(self) -> Iterator[dict[str, Any]]:
        if not self.records:
            return iter(())
        union = " UNION ALL ".join(f"SELECT * FROM {name}" for name in self.records)
        return self.rows(f"SELECT * FROM ({union}) ORDER BY start_us, policy")

    def lookup(self, ords: set[int]) -> dict[int, Cited]:
        if not ords:
            return {}
        wanted = self.spark.createDataFrame([(o,) for o in sorted(ords)], "o long")
        found = (
            self.spark.table("events")
            .join(wanted, on=self.spark.table("events")["ord"] == wanted["o"])
            .select("ord", "id", "type", "ts", "file", "line")
            .collect()
        )
        return {r[0]: Cited(r[1], r[2], r[3], r[4], r[5]) for r in found}

    def close(self) -> None:
        for name in self.views:
            self.spark.catalog.dropTempView(name)
        self.views, self.records = [], []
