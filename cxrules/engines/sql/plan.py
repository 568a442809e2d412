"""SQL plans, one per policy: the stream's stages, then the rule's, then four small queries that
read them — the policy's tally, its violations, its open obligations and (metrics) its cells.

Every rule module (`cxrules/engines/sql/rules/`) adds to the stream three named stages with fixed
columns, so that collecting findings is the same for every rule kind:

- `outcomes` (one row per activation): the scope columns and `outcome`, one of 'satisfied',
  'violated', 'pending', 'cancelled';
- `records` (one row per violation): RECORD_COLUMNS;
- `waiting` (one row per obligation open at the horizon): WAITING_COLUMNS.

Metric rules add `cells` (CELL_COLUMNS) instead of `outcomes`.

Where SQL cannot say it, a plan may hold a sequential `Step`: a query over its stages so far gives
rows sorted by scope, a Python function turns them into a table that the later stages read (the
backend runs it while it makes the stages: `driver.Backend.run_step`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cxrules import ir
from cxrules.engines.sql.exprs import compile_expr
from cxrules.engines.sql.stream import Env, RowFrame, Stream, type_match
from cxrules.engines.sql.text import with_ctes
from cxrules.engines.sql.values import V
from cxrules.ir.walk import leaves

#: (name, SQL type, default) of a violation record.
RECORD_COLUMNS: list[tuple[str, str, str]] = [
    ("scope", "VARCHAR[]", ""),
    ("kind", "VARCHAR", ""),
    ("start_us", "BIGINT", ""),
    ("end_us", "BIGINT", ""),
    ("trig", "BIGINT", "CAST(NULL AS BIGINT)"),
    ("evidence", "BIGINT[]", "CAST([] AS BIGINT[])"),
    ("cnt", "BIGINT", "1"),
    ("deadline", "BIGINT", "CAST(NULL AS BIGINT)"),
    ("fulfilled", "BIGINT", "CAST(NULL AS BIGINT)"),
    ("number", "BIGINT", "CAST(NULL AS BIGINT)"),
    ("leaves", "STRUCT[]", "NULL"),
    ("still_open", "BOOLEAN", "FALSE"),
    ("bad_deadline", "BOOLEAN", "FALSE"),
    ("bad_value", "STRUCT", "NULL"),
    ("report", "STRUCT[]", "NULL"),
    ("counts", "BIGINT[]", "CAST([] AS BIGINT[])"),
]
WAITING_COLUMNS: list[tuple[str, str, str]] = [
    ("scope", "VARCHAR[]", ""),
    ("trig", "BIGINT", ""),
    ("deadline", "BIGINT", "CAST(NULL AS BIGINT)"),
    ("cnt", "BIGINT", "1"),
    ("remaining", "BIGINT", "CAST(NULL AS BIGINT)"),
    ("since", "BIGINT", "CAST(NULL AS BIGINT)"),
    ("counted", "BOOLEAN", "TRUE"),
]
#: A metric cell; `limbs` (LIST of STRUCT(k, c)) and `divisor`, when not NULL, give the value
#: as an exact sum (`cxrules.ir.sums`) divided by `divisor`, rounded in Python.
CELL_COLUMNS = [
    "grp",
    "bucket",
    "value",
    "population",
    "hits",
    "low",
    "first_ord",
    "last_ord",
    "limbs",
    "divisor",
]


def add_report(plan: PolicyPlan) -> None:
    """A policy's `report` values on its violation records: read on each trigger row of the
    stream (the trigger's attributes, the history strictly before it: as a value check's
    condition) and joined to the records by their trigger. The rule's own records become the
    stage `records_bare`."""
    policy = plan.policy
    trigger = getattr(policy.rule, "trigger", None)
    if not policy.report or trigger is None:
        return
    st = plan.stream
    frame = RowFrame(st, trigger="self", prev=st.previous)
    _, values = reads_list([(r.name, r.value) for r in policy.report], frame)
    ctes = st.ctes
    index = next(i for i, (name, _) in enumerate(ctes) if name == "records")
    ctes[index] = ("records_bare", ctes[index][1])
    plan.add(
        "reported",
        f"SELECT ord AS rep_ord, {values} AS rep_values FROM stream "
        f"WHERE {type_match(trigger.pattern.types)}",
    )
    kept = ", ".join(
        "r.rep_values AS report" if name == "report" else f"b.{name}"
        for name, _, _ in RECORD_COLUMNS
    )
    plan.add(
        "records",
        f"SELECT {kept} FROM records_bare b LEFT JOIN reported r ON b.trig = r.rep_ord",
    )


def select_record(**given: str) -> str:
    """The SELECT list of a violation record: the given columns, defaults for the others."""
    return _select(RECORD_COLUMNS, given)


def select_waiting(**given: str) -> str:
    return _select(WAITING_COLUMNS, given)


def _select(spec: list[tuple[str, str, str]], given: dict[str, str]) -> str:
    unknown = set(given) - {name for name, _, _ in spec}
    if unknown:
        raise ValueError(f"unknown columns {sorted(unknown)}")
    parts = []
    for name, _, default in spec:
        value = given.get(name, default)
        if not value:
            raise ValueError(f"the column {name} needs a value")
        parts.append(f"{value} AS {name}")
    return ", ".join(parts)


def struct_of(v: V) -> str:
    """A value as a struct (k, s, n, b, t) that `collect.value_of` turns back into Python."""
    return (
        f"struct_pack(k := CAST({v.k} AS INTEGER), s := CAST({v.s} AS VARCHAR), "
        f"n := CAST({v.n} AS DOUBLE), b := CAST({v.b} AS BOOLEAN), t := CAST({v.t} AS BIGINT))"
    )


def leaves_list(expr: object, frame: RowFrame) -> tuple[list[str], str]:
    """The texts of the values a condition reads (`ir.walk.leaves`) and SQL for their values
    on the row, as a list of structs in the same order."""
    return reads_list(leaves(expr) if expr is not None else [], frame)


def reads_list(found: list[tuple[str, Any]], frame: RowFrame) -> tuple[list[str], str]:
    """The texts of values read, (text, node) in order, and SQL for their values on the row,
    as a list of structs in the same order."""
    if not found:
        return [], "NULL"
    structs = [struct_of(compile_expr(node, frame)) for _, node in found]
    return [text for text, _ in found], "[" + ", ".join(structs) + "]"


@dataclass(frozen=True)
class Table:
    """A table a backend makes from rows computed in Python (a calendar's lookups, a step's
    answer): its name, its columns (name, SQL type: BIGINT, BOOLEAN or VARCHAR) and its rows."""

    name: str
    columns: tuple[tuple[str, str], ...]
    rows: list[tuple[Any, ...]]


@dataclass
class Step:
    """A sequential step of a plan: `sql` (a SELECT over the plan's first `after` stages) gives
    rows sorted as `run` wants them, as dicts; `run` turns them into the rows of table `table`
    (`columns`: name, SQL type), which the plan's later stages read."""

    table: str
    sql: str
    run: Callable[[Iterable[dict[str, Any]]], Iterator[tuple[Any, ...]]]
    columns: tuple[tuple[str, str], ...]
    after: int


@dataclass
class PolicyPlan:
    """The compiled SQL of one policy."""

    policy: ir.Policy
    stream: Stream
    leaves: list[str] = field(default_factory=list)
    metric: bool = False
    steps: list[Step] = field(default_factory=list)

    @property
    def ctes(self) -> list[tuple[str, str]]:
        return self.stream.ctes

    def add(self, name: str, sql: str) -> None:
        self.stream.ctes.append((name, sql))

    def add_step(
        self,
        table: str,
        sql: str,
        run: Callable[[Iterable[dict[str, Any]]], Iterator[tuple[Any, ...]]],
        columns: tuple[tuple[str, str], ...],
    ) -> None:
        """A sequential step over the stages so far (`Step`); later stages read `table`."""
        self.steps.append(Step(table, sql, run, columns, len(self.ctes)))

    def steps_at(self, n: int) -> list[Step]:
        """The steps to run before the plan's stage number `n` is made."""
        return [step for step in self.steps if step.after == n]

    def query(self, final: str) -> str:
        return with_ctes(self.ctes, final)

    def weight(self) -> int:
        """A guess at the plan's cost before it runs (the length of its stages' SQL): plans
        running side by side start with the heaviest."""
        return sum(len(sql) for _, sql in self.ctes) + sum(len(s.sql) for s in self.steps)

    def tally_sql(self) -> str:
        """One row: scopes, vacuous, out_of_scope, activations, satisfied, violated, pending,
        cancelled."""
        return self.query(self.tally_select())

    def finals(self) -> dict[str, str]:
        """The final SELECTs over the plan's stages (without them): tally, records, waiting and,
        for a metric, cells."""
        found = {
            "tally": self.tally_select(),
            "records": "SELECT * FROM records",
            "waiting": "SELECT * FROM waiting",
        }
        if self.metric:
            found["cells"] = f"SELECT {', '.join(CELL_COLUMNS)} FROM cells"
        return found

    def tally_select(self) -> str:
        """One row: scopes, vacuous, out_of_scope, activations, satisfied, violated, pending,
        cancelled — each table read once (the scopes and their activation in one join, the
        outcomes in one pass)."""
        st = self.stream
        keys = [k for k in st.keys if k != "life"]
        sources = []
        if self.metric:  # a metric's scopes are its cells (findings.assemble counts them)
            scopes = vacuous = "0"
        elif keys:
            distinct = f"SELECT DISTINCT {', '.join(keys)} FROM stream"
            activated = f"SELECT DISTINCT {', '.join(keys)} FROM outcomes"
            on = " AND ".join(f"d.{k} = a.{k}" for k in keys)
            sources.append(
                f"(SELECT count(*) AS n, count(CASE WHEN a.{keys[0]} IS NULL THEN 1 END) AS v "
                f"FROM ({distinct}) d LEFT JOIN ({activated}) a ON {on}) sc"
            )
            scopes, vacuous = "sc.n", "sc.v"
        else:
            scopes = "(SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM stream)"
            vacuous = (
                "(SELECT CASE WHEN count(*) > 0 AND (SELECT count(*) FROM outcomes) = 0 "
                "THEN 1 ELSE 0 END FROM stream)"
            )
        if self.metric:
            activations = "0, 0, 0, 0, 0"
        else:
            counts = ", ".join(
                f"count(CASE WHEN outcome = '{o}' THEN 1 END) AS {o}"
                for o in ("satisfied", "violated", "pending", "cancelled")
            )
            sources.append(f"(SELECT count(*) AS n, {counts} FROM outcomes) oc")
            activations = "oc.n, oc.satisfied, oc.violated, oc.pending, oc.cancelled"
        out = self.out_of_scope_sql()
        select = f"SELECT {scopes}, {vacuous}, {out}, {activations}"
        return select + (f" FROM {', '.join(sources)}" if sources else "")

    def out_of_scope_sql(self) -> str:
        """SQL BIGINT: events of the policy's types lacking a scope key (plus, for metrics,
        population events lacking a group attribute: `ungrouped`)."""
        keyed = " AND ".join(f"k{i} IS NOT NULL" for i in range(len(self.policy.scope)))
        base = "0" if not keyed else f"(SELECT count(*) FROM base WHERE rel AND NOT ({keyed}))"
        if self.metric:
            return f"({base} + (SELECT count(*) FROM ungrouped))"
        return base

    def violations_sql(self) -> str:
        return self.query("SELECT * FROM records")

    def waiting_sql(self) -> str:
        return self.query("SELECT * FROM waiting")

    def cells_sql(self) -> str:
        return self.query(f"SELECT {', '.join(CELL_COLUMNS)} FROM cells")


RuleCompiler = Callable[[PolicyPlan, Env], None]
