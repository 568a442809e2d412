"""Spark engine: the SQL plans (`cxrules/engines/sql/`) run on Apache Spark.

The plans and the driver are the duckdb engine's; this module is Spark's backend. Every
statement is rendered from DuckDB's dialect to Spark SQL (`dialect.to_spark`); a plan's stages
are temporary views, cached when read more than once; violation records are cached per policy
and read back ordered by (start, policy) through `toLocalIterator` (never all collected at
once). Events are read by the Python readers and handed to Spark as Arrow batches, typed while
loading (the same typing as the plans' JSON typing: `engines.sql.catalog`).
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from cxrules import ir
from cxrules.diagnostics import Diagnostic
from cxrules.engines.base import (
    Engine,
    EngineError,
    EventList,
    RunOptions,
    Source,
    cannot_run,
)
from cxrules.engines.spark.dialect import DialectError, to_spark
from cxrules.engines.spark.load import events_frame, staged_events
from cxrules.engines.sql.catalog import Catalog
from cxrules.engines.sql.compiler import compile_policy
from cxrules.engines.sql.driver import Backend, SqlRun, limits_env, stage_uses
from cxrules.engines.sql.exprs import CompileError, NoEngineError
from cxrules.engines.sql.listing import listing
from cxrules.engines.sql.plan import PolicyPlan, Table
from cxrules.findings.assemble import Outcome, Reading
from cxrules.findings.model import Cited
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
            except NoEngineError as exc:
                reason = f"{exc} is not supported by any engine"
                problems.append(cannot_run(self.name, policy, reason, everywhere=True))
            except (CompileError, DialectError, CalendarError) as exc:
                problems.append(cannot_run(self.name, policy, f"{exc} cannot be run yet"))
        return problems

    def listing(self, policy_set: ir.PolicySet, zone: str, horizon_us: int | None) -> str:
        def render(sql: str) -> str:
            try:
                return to_spark(sql)
            except DialectError as exc:
                return f"-- not rendered for Spark: {exc}"

        return listing(
            policy_set,
            zone,
            horizon_us,
            dialect="spark",
            render=render,
            pretyped=True,
            settings=PINNED,
        )

    def run(self, policy_set: ir.PolicySet, source: Source, options: RunOptions) -> Outcome:
        try:
            zone(options.zone)
        except CalendarError as exc:
            raise EngineError(str(exc)) from exc
        from cxrules.engines.spark.session import StartError, check_master, reason, session

        master = options.settings.get("spark_master") or DEFAULT_MASTER
        try:
            check_master(master)
            spark = session(master)
        except StartError as exc:
            raise EngineError(str(exc)) from None
        except Exception as exc:  # noqa: BLE001 - Java missing, a master that does not answer…
            raise EngineError(f"Spark could not start on {master}: {started(exc)}") from None
        backend = SparkBackend(spark, policy_set)
        try:
            backend.pin()
            outcome = SqlRun(backend, policy_set, source, options).outcome()
        except BaseException as exc:  # Ctrl-C too: the staged events' folder is removed
            backend.close(failed=True)
            if not isinstance(exc, Exception):
                raise
            if isinstance(exc, EngineError | DialectError):
                raise EngineError(str(exc)) from exc
            if type(exc).__module__.startswith(("pyspark", "py4j")):
                raise EngineError(f"Spark could not run the plans: {reason(exc)}") from None
            raise
        # called from the audit's `finally`: after Ctrl-C or a failure too
        outcome.close = lambda: backend.close(failed=sys.exc_info()[0] is not None)
        return outcome


def started(exc: BaseException) -> str:
    """Why Spark did not start, in one line, with what to check."""
    from cxrules.engines.spark.session import reason

    said = reason(exc)
    if "stopped SparkContext" in said:  # the context stopped itself while starting
        return f"{said} (a master that does not answer, or no executor it could start)"
    if "JAVA_GATEWAY_EXITED" in said:
        return f"{said} (Java 17 or later must be installed: java on the PATH, or JAVA_HOME)"
    return said


#: Events from which Spark compiles each stage's rows loop to Java (whole-stage code
#: generation, Spark's default); a smaller log is interpreted (`SparkBackend.interpret`).
COMPILED_FROM = int(os.environ.get("CXRULES_SPARK_COMPILED_FROM", "200000"))
WHOLE_STAGE = "spark.sql.codegen.wholeStage"
#: What the plans need of the session, whatever its owner set (a notebook's session, or one a
#: user changed between audits): ANSI mode off (Spark 4's default is on, under which a cast the
#: plans allow to saturate, a double past BIGINT, stops the statement with ARITHMETIC_OVERFLOW),
#: the session zone UTC, string literals read with their escapes. Set for each audit and given
#: back when it ends (`SparkBackend.pin`).
PINNED = {
    "spark.sql.ansi.enabled": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parser.escapedStringLiterals": "false",
}


def free_java() -> None:
    """Let the JVM free what this process no longer uses of it. Each DataFrame the backend made
    holds, in the JVM, its statement's plans (analysed, optimized, physical: megabytes for the
    largest policies), kept alive by py4j until the Python object is collected; and py4j's
    objects are reference cycles (an object and its methods), so only the cyclic garbage
    collector frees them — rarely in a large process, never while an audit has it off
    (`audit.open_audit`). Without this, the driver's heap filled up: one audit of the seed
    library on 400 events, or about a hundred Gherkin scenarios in one pytest session."""
    gc.collect()


class SparkBackend(Backend):
    """The plans' database: temporary views of one Spark session."""

    pretyped = True

    def __init__(self, spark: Any, policy_set: ir.PolicySet) -> None:
        self.spark = spark
        self.catalog = Catalog.of(policy_set)
        self.views: list[str] = []
        self.records: list[str] = []
        # the checkpointed RDD behind each view that has one: released with the view (dropping
        # a view does not release its checkpoint's blocks; they would stay until the JVM's
        # garbage collector lets Spark's cleaner see them)
        self.checkpoints: dict[str, Any] = {}
        self.folder: str | None = None  # the staged events' Parquet file (see `load`)
        # the session's whole-stage codegen setting while this audit turned it off (None: it
        # had none), False while the audit has not changed it
        self.codegen: str | None | bool = False
        self.pinned: dict[str, str | None] = {}  # `PINNED`'s settings as the session had them

    def pin(self) -> None:
        """Set `PINNED` for this audit, keeping the session's own values for `give_back`."""
        conf = self.spark.conf
        for key, value in PINNED.items():
            self.pinned[key] = conf.get(key, None)
            conf.set(key, value)

    def sql(self, sql: str) -> Any:
        return self.spark.sql(to_spark(sql))

    def view(self, name: str, select: str, cache: bool) -> None:
        """A temporary view; with `cache`, computed once and kept (a local checkpoint, so
        that it no longer depends on the views it was made from).

        Even on a log of a few events, a stage read more than once is checkpointed: a Spark job
        costs a fraction of a second, while a statement that inlines a chain of stages can cost
        Spark tens of seconds to optimize. Its optimizer pushes each filter of a later stage
        (`records`' `ob_kind = 'late'`) down through the projections below it, writing out
        every column the filter names in terms of the columns it was computed from; a chain
        of stages that each read the previous one's column twice (a deadline read from an
        attribute, business time) grows that filter exponentially (measured: 45 s for one
        scenario with a one-event log, 2.5 s with its shared stages checkpointed)."""
        frame = self.sql(select)
        if cache:
            frame = self.checkpoint(name, frame)
        frame.createOrReplaceTempView(name)
        self.views.append(name)

    def checkpoint(self, name: str, frame: Any) -> Any:
        """`frame` computed now and kept (a local checkpoint) for the view `name`."""
        frame = frame.localCheckpoint(eager=True)
        self.release(name)  # a view of that name made earlier in this audit
        self.checkpoints[name] = frame._jdf.logicalPlan().rdd()  # a LogicalRDD's RDD
        return frame

    def release(self, name: str) -> None:
        """Drop the view `name` and free the blocks of its checkpoint, if any."""
        self.spark.catalog.dropTempView(name)
        rdd = self.checkpoints.pop(name, None)
        if rdd is not None:
            rdd.unpersist(False)

    def load(self, source: Source, options: RunOptions) -> Reading | None:
        if isinstance(source, EventList):
            events = sorted(source.events, key=lambda e: e.time)
            frame = events_frame(self.spark, events, self.catalog)
            reading = None
        else:
            # the files are read by the duckdb engine's ingestion, out of core, into one typed
            # Parquet file: read by Spark itself in local mode, shipped as Arrow otherwise
            self.folder = tempfile.mkdtemp(prefix="cxrules-spark-")
            path, reading = staged_events(source, options, self.catalog, self.folder)
            if self.spark.sparkContext.master.startswith("local"):
                frame = self.spark.read.parquet(path)
            else:
                frame = self.spark.createDataFrame(pq.read_table(path))
        frame = self.checkpoint("events", frame)
        frame.createOrReplaceTempView("events")
        self.views.append("events")
        if frame.count() < COMPILED_FROM:
            self.interpret()
        return reading

    def interpret(self) -> None:
        """Run this audit's statements without whole-stage code generation (given back by
        `close`): compiling a stage's generated Java costs a second or more per statement,
        more than a small log's rows cost to interpret."""
        conf = self.spark.conf
        self.codegen = conf.get(WHOLE_STAGE, None)
        conf.set(WHOLE_STAGE, "false")

    def attribute_kinds(self, catalog: Catalog) -> dict[str, frozenset[int]]:
        """The kinds of every path's values, from the typed `aj_k` columns (one job): the plans
        leave out the comparisons of other kinds, and Spark plans shorter statements."""
        paths = list(catalog.paths.items())
        if not paths:
            return {}
        sets = ", ".join(f"collect_set(coalesce({p}_k, 0)) AS {p}" for _, p in paths)
        row = self.spark.sql(f"SELECT {sets} FROM events").collect()[0]
        return {path: frozenset(int(k) for k in row[p]) for path, p in paths}

    def make_ev(self, catalog: Catalog, where: str) -> None:
        # the events were typed while loading: `ev` is `events` up to the horizon
        self.view("ev", f"SELECT * FROM events WHERE {where}", cache=False)

    def execute(self, sql: str) -> None:
        self.sql(sql)

    def one(self, sql: str) -> tuple[Any, ...]:
        rows = self.sql(sql).collect()
        return tuple(rows[0])

    def rows(self, sql: str) -> Iterator[dict[str, Any]]:
        """A query's rows through Arrow in one go: a plan's open obligations and metric cells
        (kept whole by the driver anyway); violations stream (`kept_records`)."""
        frame = self.sql(sql)
        try:
            table = frame.toArrow()
        except pa.ArrowInvalid:  # pyspark cannot make an Arrow table of no rows
            return
        for batch in table.to_batches():
            yield from batch.to_pylist()

    def streamed(self, sql: str) -> Iterator[dict[str, Any]]:
        """A query's rows a partition at a time (never the whole result in the driver)."""
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
                self.release(name)
            free_java()

    def create_table(self, table: Table) -> None:
        """A temporary view of the rows (a local checkpoint: Python is not asked again)."""
        from pyspark.sql.types import BooleanType, LongType, StringType, StructField, StructType

        kinds = {"BIGINT": LongType(), "BOOLEAN": BooleanType(), "VARCHAR": StringType()}
        schema = StructType([StructField(n, kinds[k], True) for n, k in table.columns])
        frame = self.checkpoint(table.name, self.spark.createDataFrame(table.rows, schema))
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
        return self.streamed(f"SELECT * FROM ({union}) ORDER BY start_us, policy")

    def lookup(self, ords: set[int]) -> dict[int, Cited]:
        if not ords:
            return {}
        if len(ords) <= 1000:  # a literal list: no DataFrame to ship
            listed = ", ".join(str(int(o)) for o in sorted(ords))
            query = f"SELECT ord, id, type, ts, file, line FROM events WHERE ord IN ({listed})"
            found = self.sql(query).collect()
        else:
            wanted = self.spark.createDataFrame([(o,) for o in sorted(ords)], "o long")
            events = self.spark.table("events")
            found = (
                events.join(wanted, on=events["ord"] == wanted["o"])
                .select("ord", "id", "type", "ts", "file", "line")
                .collect()
            )
        return {r[0]: Cited(r[1], r[2], r[3], r[4], r[5]) for r in found}

    def close(self, failed: bool = False) -> None:
        """Remove the staged events, give the session its setting back, drop the views and
        free their checkpoints. After a failure (`failed`) the JVM may be gone (Ctrl-C stops it
        too): the folder is removed all the same, and the session is not asked again."""
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
        try:
            self.give_back()
        except Exception:
            if not failed:
                raise

    def give_back(self) -> None:
        for key, value in self.pinned.items():
            if value is None:
                self.spark.conf.unset(key)
            else:
                self.spark.conf.set(key, value)
        self.pinned = {}
        if self.codegen is not False:
            if self.codegen is None:
                self.spark.conf.unset(WHOLE_STAGE)
            else:
                self.spark.conf.set(WHOLE_STAGE, self.codegen)
            self.codegen = False
        for name in [*self.views, *self.checkpoints]:
            self.release(name)
        self.views, self.records = [], []
        free_java()
