"""SQL plans, the driver: one audit on any database that runs the plans (DuckDB, Spark).

A `Backend` says how to load the events, run a statement, read rows and stage a plan; the
driver does the rest the same way everywhere: the horizon and the time range, the plans, the
typed events table `ev`, each plan's tally and open obligations, and the violation records kept
in the database and read back in report order as the report is written.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from cxrules import ir
from cxrules.engines.base import EngineError, RunOptions, Source
from cxrules.engines.sql import collect
from cxrules.engines.sql.calendars import CalendarTables
from cxrules.engines.sql.catalog import Catalog
from cxrules.engines.sql.compiler import compile_policy
from cxrules.engines.sql.exprs import CompileError
from cxrules.engines.sql.plan import (
    CELL_COLUMNS,
    RECORD_COLUMNS,
    WAITING_COLUMNS,
    PolicyPlan,
    Step,
    Table,
)
from cxrules.engines.sql.stream import Env
from cxrules.engines.sql.text import identifiers, lit, words
from cxrules.engines.sql.zones import ZoneTables
from cxrules.findings.assemble import Outcome, Reading
from cxrules.findings.model import Cited, Finding, Pending, Tally
from cxrules.time.calendars import CalendarError
from cxrules.time.instants import to_us

VALUE = "STRUCT(k INTEGER, s VARCHAR, n DOUBLE, b BOOLEAN, t BIGINT)"
BATCH = 4096


def column_type(kind: str) -> str:
    """The SQL type of a record column (value structs spelled out)."""
    return {"STRUCT": VALUE, "STRUCT[]": VALUE + "[]"}.get(kind, kind)


#: The columns of the table every plan's violation records go to.
RECORDS_COLUMNS = "policy_index INTEGER, policy VARCHAR, " + ", ".join(
    f"{name} {column_type(kind)}" for name, kind, _ in RECORD_COLUMNS
)


#: The kinds (bit k: `aj_k` code k) of a raw JSON value `{j}` (`Catalog.extract_sql`), OR-ed
#: over the events: absent or null is missing (0); a text 1; a number an int or a float (2, 3:
#: a float may be a whole number beyond 64 bits); a boolean 4; a list 5; an object 6 or an
#: instant 7; any other first character, every kind.
_KIND_MASK = (
    "bit_or(CASE WHEN {j} IS NULL THEN 1 ELSE CASE ascii(CAST({j} AS VARCHAR)) "
    "WHEN 34 THEN 2 WHEN 110 THEN 1 WHEN 116 THEN 16 WHEN 102 THEN 16 WHEN 91 THEN 32 "
    "WHEN 123 THEN 192 WHEN 45 THEN 12 ELSE CASE WHEN ascii(CAST({j} AS VARCHAR)) "
    "BETWEEN 48 AND 57 THEN 12 ELSE 255 END END END)"
)


class Backend(ABC):
    """What the driver needs of a database. SQL given to a backend is in DuckDB's dialect; a
    backend for another database renders it (`engines.spark` through SQLGlot)."""

    #: True when the backend's `ev` already holds the attributes' typed columns (made while
    #: loading), so that the plans do not type them from JSON.
    pretyped = False
    #: How many plans may run at once, each on a backend of its own (`fork`).
    workers = 1

    def fork(self) -> Backend:
        """A backend over the same database with a connection of its own, for running a plan
        beside others (`workers` > 1); closed with `close`."""
        raise NotImplementedError("this backend runs one plan at a time")

    def interrupt(self) -> None:  # noqa: B027 (optional)
        """Stop the statement running on this backend (another plan failed)."""

    def close(self) -> None:  # noqa: B027 (optional)
        """Release what `fork` made."""

    @abstractmethod
    def load(self, source: Source, options: RunOptions) -> Reading | None:
        """Make the table `events` (ord, ts, seq, type, id, file, line, attrs JSON) in
        processing order; the readers' counts when the source is a set of log files."""

    @abstractmethod
    def execute(self, sql: str) -> None:
        """Run a statement."""

    @abstractmethod
    def one(self, sql: str) -> tuple[Any, ...]:
        """The single row of a query."""

    @abstractmethod
    def rows(self, sql: str) -> Iterator[dict[str, Any]]:
        """The rows of a query, read in batches (never all at once for a large result)."""

    @abstractmethod
    def stage(self, plan: PolicyPlan, index: int) -> AbstractContextManager[None]:
        """Make the plan's stages, each computed once, for its final queries inside the block;
        drop them after."""

    @abstractmethod
    def lookup(self, ords: set[int]) -> dict[int, Cited]:
        """The events with these `ord`s, as cited events."""

    @abstractmethod
    def create_table(self, table: Table) -> None:
        """Make a table of rows computed in Python: a calendar's lookups before the plans run
        (kept for the run), a step's answer while a plan's stages are made (dropped with them)."""

    def run_step(self, step: Step) -> None:
        """A plan's sequential step, inside `stage` before the stages that read its table: its
        query's rows streamed through its function, the rows it gives back made a table."""
        self.create_table(Table(step.table, step.columns, list(step.run(self.rows(step.sql)))))

    def define_functions(self, plans: list[PolicyPlan]) -> None:  # noqa: B027 (optional)
        """Define the SQL functions of ours that the plans call (`casing.macros`) where the
        database lacks them (a dialect may render them as its own instead)."""

    def table(self, name: str, select: str) -> None:
        """Create (or replace) a table from a query."""
        self.execute(f"CREATE OR REPLACE TABLE {name} AS {select}")

    def side_by_side(self, plans: int) -> AbstractContextManager[None]:
        """The block in which `plans` plans run side by side, one per worker (a backend may
        give each a share of the database's threads)."""
        return nullcontext()

    def share(self, plans: list[PolicyPlan]) -> None:  # noqa: B027 (optional)
        """Get ready to make the stages several plans have once (`sharing.py`), for a backend
        that can; the others make every plan's stages."""

    def attribute_kinds(self, catalog: Catalog) -> dict[str, frozenset[int]]:
        """Path → the kinds (`aj_k` codes; 0: missing) of its values in `ev` (made by
        `make_ev`; a superset will do), for the paths whose kinds the backend can tell."""
        if catalog.pretyped or not catalog.paths:
            return {}
        # a JSON value's first character tells its kind: one pass, no JSON parsed
        masks = ", ".join(f"{_KIND_MASK.format(j=p + '_j')} AS {p}" for p in catalog.paths.values())
        row = self.one(f"SELECT {masks} FROM ev")
        return {
            path: frozenset(k for k in range(8) if (mask or 0) >> k & 1)
            for (path, _), mask in zip(catalog.paths.items(), row, strict=True)
        }

    def make_ev(self, catalog: Catalog, where: str) -> None:
        """Make `ev`, the events the plans read (`Catalog.extract_sql`), from `events`."""
        self.table("ev", catalog.extract_sql(where=where))

    def open_records(self) -> None:
        """Prepare to keep violation records (`keep_records`)."""
        self.execute(f"CREATE OR REPLACE TABLE _cx_records ({RECORDS_COLUMNS})")

    def keep_records(self, index: int, policy: str) -> None:
        """Keep a staged plan's violation records (its stage `records`) for `kept_records`."""
        self.execute(
            f"INSERT INTO _cx_records SELECT {index} AS policy_index, {lit(policy)} AS policy, "
            "* FROM records"
        )

    def kept_records(self) -> Iterator[dict[str, Any]]:
        """Every kept record, ordered by (start, policy)."""
        return self.rows("SELECT * FROM _cx_records ORDER BY start_us, policy")


def plan_texts(plan: PolicyPlan) -> list[str]:
    """Every piece of SQL a plan runs: its stages, its steps' queries, its final queries."""
    steps = [step.sql for step in plan.steps]
    return [sql for _, sql in plan.ctes] + steps + list(plan.finals().values())


def named_later(plan: PolicyPlan) -> list[set[str]]:
    """Per stage, the words (lower case) of the SQL that runs after it — the later stages, the
    steps after it, the final queries — and the columns the final queries give: a column of a
    stage that none of these names is never read (every stage reads columns by name, `*` only
    passing them on; the records, open obligations and cells give their columns in order), so a
    backend may leave it out of the stage it materializes."""
    finals = {name for name, _, _ in RECORD_COLUMNS} | {n for n, _, _ in WAITING_COLUMNS}
    finals |= set(CELL_COLUMNS)
    named = {word.lower() for text in plan.finals().values() for word in identifiers(text)}
    named |= finals
    found: list[set[str]] = []
    for n in range(len(plan.ctes) - 1, -1, -1):
        for text in [step.sql for step in plan.steps if step.after == n + 1]:
            named |= {word.lower() for word in identifiers(text)}
        found.append(set(named))
        named |= {word.lower() for word in identifiers(plan.ctes[n][1])}
    return found[::-1]


def stage_uses(plan: PolicyPlan) -> list[tuple[str, str, int]]:
    """(name, SQL, how many times later stages, steps and the final queries read it) per stage:
    a backend materializes a stage read more than once, and keeps the others as views."""
    texts = [words(sql) for _, sql in plan.ctes] + [words(f) for f in plan.finals().values()]
    steps = [(step.after, words(step.sql)) for step in plan.steps]
    found = []
    for n, (name, sql) in enumerate(plan.ctes):
        later = texts[n + 1 :] + [counted for after, counted in steps if after > n]
        found.append((name, sql, sum(counted[name] for counted in later)))
    return found


def limits_env(policy_set: ir.PolicySet, catalog: Catalog) -> Env:
    """The environment an engine's `limits` compiles the plans in (no events: a time range
    around 1970, in UTC)."""
    zones = ZoneTables.around(0, 0)
    return Env(catalog, "UTC", zones, calendars=CalendarTables.around(policy_set, zones, 0, 0))


def compile_plans(
    policy_set: ir.PolicySet,
    catalog: Catalog,
    log_zone: str,
    instants: tuple[int | None, int | None, int | None] = (None, None, None),
    horizon_query: str | None = None,
    *,
    zone_wide: bool = False,
) -> tuple[list[PolicyPlan], CalendarTables]:
    """Every policy's plan for a log whose (first, last, horizon) instants are given (the zone
    ladders and the calendars' lookup tables cover them; None: unknown), and the calendar
    tables the plans read. Marks the catalog's paths read as instants. `horizon_query`: SQL
    that gives the horizon when it is not known yet (a listing). `zone_wide`: the calendar
    tables cover all the zone ladders cover (a listing, for a log it does not know), not only
    the instants. Raises CompileError or CalendarError."""
    horizon = instants[2]
    ends = [x for x in instants if x is not None]
    low, high = (min(ends), max(ends)) if ends else (None, None)
    zones = ZoneTables.around(low, high)
    if zone_wide:
        low, high = zones.start_us, zones.end_us
    calendars = CalendarTables.around(policy_set, zones, low, high)
    env = Env(catalog, log_zone, zones, horizon if horizon is not None else 0, calendars=calendars)
    env.horizon_query = horizon_query
    plans = [compile_policy(p, env) for p in policy_set.policies]
    # read texts as instants only where a plan needs it (outside the typing stage)
    text = "\n".join(sql for plan in plans for name, sql in plan.ctes if name != "base")
    text += "\n".join(f for plan in plans for f in plan.finals().values())
    text += "\n".join(step.sql for plan in plans for step in plan.steps)
    named = identifiers(text)
    catalog.instants = {p for p in catalog.paths.values() if {f"{p}_i", f"p_{p}_i"} & named}
    return [compile_policy(p, env) for p in policy_set.policies], calendars


class SqlRun:
    """One audit of a policy set over a source, on a backend."""

    def __init__(
        self, backend: Backend, policy_set: ir.PolicySet, source: Source, options: RunOptions
    ) -> None:
        self.db, self.policy_set, self.source, self.options = backend, policy_set, source, options
        self.catalog = Catalog.of(policy_set)
        self.catalog.pretyped = backend.pretyped

    def outcome(self) -> Outcome:
        db, options = self.db, self.options
        reading = db.load(self.source, options)
        limit = to_us(options.as_of) if options.as_of is not None else None
        first, last, total = db.one("SELECT min(ts), max(ts), count(*) FROM events")
        ignored = 0
        horizon = last
        if limit is not None:
            (ignored,) = db.one(f"SELECT count(*) FROM events WHERE ts > {limit}")
            horizon = limit
        where = f"ts <= {limit}" if limit is not None else "TRUE"
        db.make_ev(self.catalog, where)
        self.catalog.kinds = db.attribute_kinds(self.catalog)
        plans, calendars = self.plans(first, last, horizon)
        db.define_functions(plans)
        for table in calendars.tables():
            db.create_table(table)
        db.share(plans)
        audited = total - ignored
        options.progress.phase("auditing", audited)
        db.open_records()
        results = self.run_plans(plans, lambda done: audited * done // len(plans))
        tallies = [tally for tally, _ in results]
        pending = [p for _, waiting in results for p in waiting]
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

    def plans(
        self, first: int | None, last: int | None, horizon: int | None
    ) -> tuple[list[PolicyPlan], CalendarTables]:
        """Every policy's plan, once the time range is known, and the calendar tables the plans
        read (`compile_plans`)."""
        try:
            return compile_plans(
                self.policy_set, self.catalog, self.options.zone, (first, last, horizon)
            )
        except (CompileError, CalendarError) as exc:
            raise EngineError(str(exc)) from exc

    def run_plans(
        self, plans: list[PolicyPlan], audited: Callable[[int], int]
    ) -> list[tuple[Tally, list[Pending]]]:
        """Each plan's tally and open obligations, in the plans' order. With several workers
        (`Backend.workers`) the plans run side by side, each on a forked backend: the largest
        first, so that the last to finish is a small one. `audited(k)`: the events to report
        as audited once k plans are done."""
        results: dict[int, tuple[Tally, list[Pending]]] = {}
        workers = min(self.db.workers, len(plans))
        if workers <= 1:
            for n, plan in enumerate(plans):
                results[n] = self.staged(self.db, plan, n)
                self.options.progress.events(audited(n + 1))
            return [results[n] for n in range(len(plans))]
        local = threading.local()
        forks: list[Backend] = []
        lock = threading.Lock()

        def run(n: int) -> tuple[Tally, list[Pending]]:
            db = getattr(local, "db", None)
            if db is None:
                with lock:
                    db = local.db = self.db.fork()
                    forks.append(db)
            return self.staged(db, plans[n], n)

        pool = ThreadPoolExecutor(workers, thread_name_prefix="cxrules-plan")
        with self.db.side_by_side(len(plans)):
            try:
                futures = {
                    pool.submit(run, n): n
                    for n in sorted(range(len(plans)), key=lambda n: -plans[n].weight())
                }
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    self.options.progress.events(audited(len(results)))
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                with lock:
                    for db in forks:
                        db.interrupt()
                raise
            finally:
                pool.shutdown(wait=True)
                for db in forks:
                    db.close()
        return [results[n] for n in range(len(plans))]

    def staged(self, db: Backend, plan: PolicyPlan, index: int) -> tuple[Tally, list[Pending]]:
        """The plan staged on `db`, its tally and open obligations (`run_plan`)."""
        with db.stage(plan, index):
            return self.run_plan(plan, index, db)

    def run_plan(
        self, plan: PolicyPlan, index: int, db: Backend | None = None
    ) -> tuple[Tally, list[Pending]]:
        """A staged plan's tally and open obligations; its violation records go to the table
        `_cx_records`, read in report order once every plan has run."""
        db, pid = db or self.db, plan.policy.id
        finals = plan.finals()
        scopes, vacuous, out, activations, satisfied, violated, pending, cancelled = db.one(
            finals["tally"]
        )
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
            tally.cells = collect.cells(list(db.rows(finals["cells"])), db.lookup)
        db.keep_records(index, pid)
        waiting = collect.pendings(pid, list(db.rows(finals["waiting"])), db.lookup)
        return tally, waiting

    def violations(self, plans: list[PolicyPlan]) -> Iterator[Finding]:
        """Every plan's violation records, ordered by (start, policy), in batches (cited
        events looked up once per batch)."""
        batch: list[dict[str, Any]] = []
        for row in self.db.kept_records():
            batch.append(row)
            if len(batch) >= BATCH:
                yield from self._findings(plans, batch)
                batch = []
        yield from self._findings(plans, batch)

    def _findings(self, plans: list[PolicyPlan], rows: list[dict[str, Any]]) -> Iterator[Finding]:
        cited = self.db.lookup(collect.cited_in(rows))
        for row in rows:
            plan = plans[row["policy_index"]]
            reported = tuple(r.name for r in plan.policy.report)
            yield collect.finding(plan.policy.id, row, plan.leaves, cited, reported)
