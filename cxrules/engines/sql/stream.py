"""SQL plans, streams: the events one policy sees, by scope, with what its expressions read.

A policy sees the events of the types it reads (every event, for an existence rule or a policy
reading `previous` or `changes`) that carry its scope keys; the others of its types are counted
out of scope. Each scope is a partition `(k0, k1, …, life)`: the key texts and, for a policy whose
scope ends at an event (`per visit until customer.left`), the lifetime number. In each partition,
in processing order (`ord`), window functions give what the python engine keeps per scope
(docs/semantics.md, "Scopes and relevance"): the previous event, changes counted including the
event, states after the event, history strictly before the event (`include_current` adds it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cxrules import ir
from cxrules.engines.sql.catalog import Catalog, float_text
from cxrules.engines.sql.exprs import CompileError, compile_expr, condition
from cxrules.engines.sql.text import (
    DAY_US,
    all_of,
    any_of,
    floor_div,
    floor_mod,
    identifiers,
    lit,
)
from cxrules.engines.sql.values import (
    BOOL,
    INSTANT,
    INT,
    MISSING,
    STR,
    V,
    boolean,
    columns,
    instant,
    missing,
    number,
    parse_number,
    string,
)
from cxrules.ir.reading import read_instant
from cxrules.ir.walk import models, read_types, sees_every_event
from cxrules.time.instants import to_us
from cxrules.time.zones import zone as zone_info

WINDOW_BEFORE = "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING"
WINDOW_TO_HERE = "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"


def type_match(types: tuple[str, ...], column: str = "type") -> str:
    """SQL: the event type is one of `types` (exact names, or globs where `*` matches any text,
    dots included)."""
    exact = [t for t in types if "*" not in t]
    globs = [t for t in types if "*" in t]
    parts = []
    if exact:
        parts.append(f"{column} IN ({', '.join(lit(t) for t in exact)})")
    for g in globs:
        escaped = g.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace("*", "%")
        parts.append(f"{column} LIKE {lit(escaped)} ESCAPE '\\'")
    return any_of(*parts) if parts else "FALSE"


@dataclass
class Env:
    """What every plan of a run shares: the log's zone, the zone tables (`zones.ZoneTables`),
    the catalog of attribute columns and the business calendars' lookup tables
    (`calendars.CalendarTables`, which the driver makes before running the plans)."""

    catalog: Catalog
    log_zone: str
    zones: Any  # cxrules.engines.sql.zones.ZoneTables
    horizon_us: int = 0  # as_of, else the last event's time
    calendars: Any = None  # cxrules.engines.sql.calendars.CalendarTables
    #: SQL for the horizon where it is not known when compiling (a listing without --as-of)
    horizon_query: str | None = None

    @property
    def horizon(self) -> str:
        """SQL BIGINT: the horizon, µs since 1970."""
        return self.horizon_query or str(self.horizon_us)

    def parse_instant(self, s: str) -> str:
        return self.zones.parse_instant(s, self.log_zone)

    def literal_instant(self, text: str) -> str:
        """SQL: a text constant read as an instant here, once (NULL when it is none)."""
        moment = read_instant(text, zone_info(self.log_zone))
        return "NULL" if moment is None else str(to_us(moment))


@dataclass
class Stream:
    """The CTEs of one policy's stream and the column names they provide."""

    policy: ir.Policy
    env: Env
    ctes: list[tuple[str, str]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # k0, k1, … (and life when the scope ends)
    history: dict[str, str] = field(default_factory=dict)  # node json → column prefix
    changes: dict[str, str] = field(default_factory=dict)  # path → column
    states: dict[str, int] = field(default_factory=dict)  # state name → index
    previous: bool = False
    zone: str = "UTC"
    local: bool = False  # the stream carries `off`, the UTC offset of each event in `zone`
    #: the stream carries `ltod`, each event's local time of day (seconds, a DOUBLE) in `zone`
    tod: bool = False
    attr_columns: list[str] = field(default_factory=list)  # the typed columns `base` carries
    base_of: Callable[[list[str]], str] | None = None  # `base` carrying only these of them

    @property
    def over(self) -> str:
        """`PARTITION BY` the scope's columns (nothing for the global scope)."""
        return "PARTITION BY " + ", ".join(self.keys) if self.keys else ""

    @property
    def scope_list(self) -> str:
        """SQL VARCHAR[]: the scope values of a row, in `Policy.scope` order."""
        ks = [k for k in self.keys if k != "life"]
        return "[" + ", ".join(ks) + "]" if ks else "CAST([] AS VARCHAR[])"


def build_stream(policy: ir.Policy, env: Env) -> Stream:
    """The stream CTEs of `policy`: `base` (its events with key texts), `scoped` (keyed, with
    lifetimes and the previous event), then `stream` (history, changes, states)."""
    st = Stream(policy=policy, env=env, zone=policy.zone or env.log_zone)
    catalog = env.catalog
    every = sees_every_event(policy)
    relevant = type_match(read_types(policy))
    st.local = any(
        isinstance(n, ir.Local | ir.CalendarPoint) for n in models(policy)
    ) or isinstance(policy.rule, ir.MetricCheck)
    st.tod = st.local and any(
        isinstance(n, ir.Local) and n.part == "time_of_day" and n.of != "previous"
        for n in models(policy)
    )
    st.previous = any(
        isinstance(n, ir.Attr | ir.Time | ir.Local) and n.of == "previous" for n in models(policy)
    )
    paths = list(dict.fromkeys(p for p in _policy_paths(policy)))
    attr_cols = [c for path in paths for c in catalog.columns(path)]
    key_cols = []
    for i, path in enumerate(policy.scope):
        key_cols.append(f"{catalog.prefix(path)}_x AS k{i}")
        st.keys.append(f"k{i}")
    where = "TRUE" if every else relevant
    # the policy's rows, their attributes typed (only the paths it reads, only on its rows)
    raw = ", ".join(c for path in paths for c in catalog.raw_columns(path))
    typed = [c for path in paths for c in catalog.typed_columns(path)]
    rows = f"SELECT ord, ts, type{', ' + raw if raw else ''} FROM ev"
    if where != "TRUE":
        rows += f" WHERE {where}"
    if typed:
        rows = f"SELECT ord, ts, type, {', '.join(typed)} FROM ({rows})"
    for path in paths:
        prefix = catalog.prefix(path)
        if catalog.reads_instant(prefix) and env.zones is not None:
            for level in env.zones.instant_levels(f"{prefix}_s", f"{prefix}_i", env.log_zone):
                rows = f"SELECT *, {', '.join(level)} FROM ({rows})"

    def base_of(kept: list[str]) -> str:
        select = ["ord", "ts", "type", f"{relevant} AS rel", *kept, *key_cols]
        base = f"SELECT {', '.join(select)} FROM ({rows})"
        if not st.local:
            return base
        base = env.zones.with_offset(base, st.zone)
        return f"SELECT *, {time_of_day('ts', 'off')} AS ltod FROM ({base})" if st.tod else base

    st.attr_columns, st.base_of = attr_cols, base_of
    base = base_of(attr_cols)
    st.ctes.append(("horizon", f"SELECT CAST({env.horizon} AS BIGINT) AS horizon_us"))
    st.ctes.append(("base", base))
    keyed = all_of(*(f"k{i} IS NOT NULL" for i in range(len(policy.scope))))
    scoped_from = "base" if keyed == "TRUE" else f"base WHERE {keyed}"
    cols = ["*"]
    if policy.scope_end is not None:
        frame = RowFrame(st, prev=False)
        ends = all_of(type_match(policy.scope_end.types), condition(policy.scope_end.where, frame))
        by = ", ".join(f"k{i}" for i in range(len(policy.scope)))
        over = f"PARTITION BY {by} " if by else ""
        cols.append(
            f"coalesce(sum(CASE WHEN {ends} THEN 1 ELSE 0 END) OVER "
            f"({over}ORDER BY ord {WINDOW_BEFORE}), 0) AS life"
        )
        st.keys.append("life")
        st.ctes.append(("lives", f"SELECT {', '.join(cols)} FROM {scoped_from}"))
        scoped_from = "lives"
        cols = ["*"]
    if st.previous:
        for c in ["ts", "off"] * 1 + attr_cols:
            if c == "off" and not st.local:
                continue
            name = c.split(" AS ")[0]
            cols.append(f"lag({name}) OVER ({st.over} ORDER BY ord) AS p_{name}")
        cols.append(f"lag(ord) OVER ({st.over} ORDER BY ord) AS p_ord")
    st.ctes.append(("scoped", f"SELECT {', '.join(cols)} FROM {scoped_from}"))
    _add_state_and_history(st)
    return st


def prune_base(st: Stream, later: list[str]) -> None:
    """Make `base` carry only the typed attribute columns that the SQL after it (`later`: the
    later stages, steps and final queries) names: every stage after `base` reads its columns by
    name (`*` only passes them on), and a column carried through a materialized stage costs
    its copy even when nothing reads it."""
    if st.base_of is None:
        return
    named = identifiers("\n".join(later))
    kept = [c for c in st.attr_columns if c in named]
    if kept == st.attr_columns:
        return
    st.ctes = [(n, st.base_of(kept) if n == "base" else sql) for n, sql in st.ctes]


def _policy_paths(policy: ir.Policy) -> list[str]:
    from cxrules.ir.walk import attribute_paths

    return attribute_paths(policy)


def _add_state_and_history(st: Stream) -> None:
    """`stream`: changes, history level 1, states, history level 2, on top of `scoped`."""
    policy = st.policy
    cols = ["*"]
    # changes(path): value changes along the scope's events, the event included
    for node in models(policy):
        if isinstance(node, ir.Changes) and node.path not in st.changes:
            name = f"ch{len(st.changes)}"
            st.changes[node.path] = name
            p = st.env.catalog.prefix(node.path)
            before = (
                f"last_value(CASE WHEN {p}_k IS NOT NULL THEN struct_pack(k := {p}_k, s := {p}_s, "
                f"n := {p}_n, b := {p}_b, t := {p}_t) END IGNORE NULLS) OVER "
                f"({st.over} ORDER BY ord {WINDOW_BEFORE})"
            )
            cols.append(f"{before} AS {name}_prev")
    if len(cols) > 1:
        st.ctes.append(("changed", f"SELECT {', '.join(cols)} FROM scoped"))
        counted = ["*"]
        for path, name in st.changes.items():
            p = st.env.catalog.prefix(path)
            differs = _raw_differs(f"{p}", f"{name}_prev")
            counted.append(
                f"sum(CASE WHEN {p}_k IS NOT NULL AND {name}_prev IS NOT NULL AND {differs} "
                f"THEN 1 ELSE 0 END) OVER ({st.over} ORDER BY ord {WINDOW_TO_HERE}) "
                f"AS {name}"
            )
        st.ctes.append(("changes", f"SELECT {', '.join(counted)} FROM changed"))
        source = "changes"
    else:
        source = "scoped"
    nodes = [n for n in models(policy) if isinstance(n, ir.History)]
    unique: dict[str, ir.History] = {}
    for n in nodes:
        unique.setdefault(_hkey(n), n)
    plain = {k: n for k, n in unique.items() if not _reads_state(n.pattern.where)}
    later = {k: n for k, n in unique.items() if k not in plain}
    if plain:
        st.ctes.append(("hist1", _history_select(st, plain, source)))
        source = "hist1"
    if policy.states:
        source = _add_states(st, source)
    if later:
        st.ctes.append(("hist2", _history_select(st, later, source)))
        source = "hist2"
    st.ctes.append(("stream", f"SELECT * FROM {source}"))


def _reads_state(e: Any) -> bool:
    return e is not None and any(isinstance(n, ir.StateRef | ir.History) for n in models(e))


def _hkey(n: ir.History) -> str:
    return n.model_dump_json()


def _history_select(st: Stream, nodes: dict[str, ir.History], source: str) -> str:
    cols = ["*"]
    frame = RowFrame(st, prev=st.previous)
    for key, node in nodes.items():
        name = f"h{len(st.history)}"
        st.history[key] = name
        match = all_of(type_match(node.pattern.types), condition(node.pattern.where, frame))
        cols.append(f"{match} AS {name}_m")
        w = f"({st.over} ORDER BY ord {WINDOW_BEFORE})"
        if node.fn == "count":
            cols.append(f"coalesce(sum(CASE WHEN {match} THEN 1 ELSE 0 END) OVER {w}, 0) AS {name}")
        else:
            payload = _payload(st, node.field)
            pick = "last_value" if node.fn == "last" else "first_value"
            cols.append(
                f"{pick}(CASE WHEN {match} THEN {payload} END IGNORE NULLS) OVER {w} AS {name}"
            )
            cols.append(f"{payload} AS {name}_here")
    return f"SELECT {', '.join(cols)} FROM {source}"


def _payload(st: Stream, path: str | None) -> str:
    """A struct of what `last(P).field` (or `.time` when no field) reads of an event."""
    if path is None:
        return (
            "struct_pack(k := 7, s := CAST(NULL AS VARCHAR), n := CAST(NULL AS DOUBLE), "
            "b := CAST(NULL AS BOOLEAN), t := ts, "
            "l := CAST(NULL AS STRUCT(k INTEGER, s VARCHAR, n DOUBLE)[]))"
        )
    p = st.env.catalog.prefix(path)
    return f"struct_pack(k := {p}_k, s := {p}_s, n := {p}_n, b := {p}_b, t := {p}_t, l := {p}_l)"


def _raw_differs(p: str, prev: str) -> str:
    """SQL: the attribute value differs from the struct `prev` as values.same_value says (1 ==
    1.0 == True; a text that reads as a number is that number, "7" == 7; a text is never a
    boolean). NaN equals nothing, as in Python: DuckDB and Spark hold NaN = NaN, so a NaN
    on either side is a change."""
    nb = f"CASE WHEN {p}_k = 4 THEN CASE WHEN {p}_b THEN 1.0 ELSE 0.0 END ELSE {p}_n END"
    pb = f"CASE WHEN {prev}.k = 4 THEN CASE WHEN {prev}.b THEN 1.0 ELSE 0.0 END ELSE {prev}.n END"
    return (
        f"CASE WHEN {p}_k IN (2, 3, 4) AND {prev}.k IN (2, 3, 4) "
        f"THEN NOT ({nb} = {pb} AND NOT isnan({pb})) "
        f"WHEN {p}_k = 1 AND {prev}.k IN (2, 3) "
        f"THEN {parse_number(f'{p}_s')} IS DISTINCT FROM {prev}.n OR isnan({prev}.n) "
        f"WHEN {p}_k IN (2, 3) AND {prev}.k = 1 "
        f"THEN {parse_number(f'{prev}.s')} IS DISTINCT FROM {p}_n OR isnan({p}_n) "
        f"WHEN {p}_k = {prev}.k AND {p}_k = 7 THEN {p}_t <> {prev}.t "
        f"WHEN {p}_k = {prev}.k THEN {p}_s IS DISTINCT FROM {prev}.s ELSE TRUE END"
    )


def _add_states(st: Stream, source: str) -> str:
    """Each state's open keys after every event, per scope (docs/semantics.md, "States"): an
    event matching only the start opens its key, only the end closes it, both toggle it; so a
    key is open after an event when the last event that only started or only ended it started
    it, flipped once per event since that did both."""
    frame = RowFrame(st, prev=st.previous)
    keys = list(st.keys)
    selects = []
    for i, state in enumerate(st.policy.states):
        st.states[state.name] = i
        start = all_of(type_match(state.start.types), condition(state.start.where, frame))
        end = all_of(type_match(state.end.types), condition(state.end.where, frame))
        if state.by is None:
            key, keyed = "'-'", "TRUE"
        else:
            p = st.env.catalog.prefix(state.by)
            # Python keeps keys in a set: 1, 1.0 and true are one key, and an int is exact (its
            # digits: 2**53 and 2**53 + 1 are two keys, which their DOUBLE would make one)
            digits = f"coalesce(CAST(TRY_CAST({p}_s AS HUGEINT) AS VARCHAR), {p}_s)"
            key = (
                f"CASE {p}_k WHEN 2 THEN 'n:' || {digits} "
                f"WHEN 3 THEN 'n:' || {float_text(p + '_n')} "
                f"WHEN 4 THEN CASE WHEN {p}_b THEN 'n:1' ELSE 'n:0' END "
                f"ELSE 's:' || {p}_x END"
            )
            keyed = f"{p}_k IS NOT NULL"
        head = ", ".join(["ord", *keys, f"{i} AS state", f"{key} AS skey"])
        selects.append(
            f"SELECT {head}, CASE WHEN ({start}) AND ({end}) THEN 'B' WHEN ({start}) THEN 'S' "
            f"ELSE 'E' END AS how FROM {source} WHERE ({keyed}) AND (({start}) OR ({end}))"
        )
    parts = ", ".join([*keys, "state", "skey"])
    st.ctes.append(("touch", " UNION ALL ".join(selects)))
    if not any(_may_toggle(state) for state in st.policy.states):
        # no event can match both a start and an end: each event leaves its key as it says
        st.ctes.append(
            ("opened", "SELECT *, CASE WHEN how = 'S' THEN 1 ELSE 0 END AS open_after FROM touch")
        )
    else:
        _add_toggles(st, parts)
    st.ctes.append(
        (
            "deltas",
            f"SELECT ord, state, open_after - coalesce(lag(open_after) OVER (PARTITION BY {parts} "
            f"ORDER BY ord), 0) AS delta FROM opened",
        )
    )
    cols = ["s.*"]
    joins = []
    for i in st.states.values():
        cols.append(
            f"coalesce(sum(coalesce(d{i}.delta, 0)) OVER ({_over(st, 's')} ORDER BY s.ord "
            f"{WINDOW_TO_HERE}), 0) AS st{i}"
        )
        joins.append(
            f"LEFT JOIN (SELECT ord, delta FROM deltas WHERE state = {i}) d{i} ON d{i}.ord = s.ord"
        )
    st.ctes.append(("stated", f"SELECT {', '.join(cols)} FROM {source} s {' '.join(joins)}"))
    return "stated"


def _may_toggle(state: ir.State) -> bool:
    """True unless no event type can match both the start and the end (exact names only)."""
    types = state.start.types + state.end.types
    if any("*" in t for t in types):
        return True
    return bool(set(state.start.types) & set(state.end.types))


def _add_toggles(st: Stream, parts: str) -> None:
    """`opened` when an event may match both a start and an end (and so toggle its key)."""
    st.ctes.append(
        (
            "toggled",
            f"SELECT *, sum(CASE WHEN how <> 'B' THEN 1 ELSE 0 END) OVER "
            f"(PARTITION BY {parts} ORDER BY ord {WINDOW_TO_HERE}) AS grp FROM touch",
        )
    )
    st.ctes.append(
        (
            "opened",
            f"SELECT *, CASE WHEN (grp > 0 AND first_value(how) OVER g = 'S') "
            f"<> (sum(CASE WHEN how = 'B' THEN 1 ELSE 0 END) OVER g % 2 = 1) THEN 1 ELSE 0 END "
            f"AS open_after FROM toggled WINDOW g AS (PARTITION BY {parts}, grp ORDER BY ord "
            f"{WINDOW_TO_HERE})",
        )
    )


def _over(st: Stream, alias: str = "") -> str:
    """`PARTITION BY` the scope's columns (nothing for the global scope)."""
    if not st.keys:
        return ""
    dot = f"{alias}." if alias else ""
    return "PARTITION BY " + ", ".join(f"{dot}{k}" for k in st.keys)


def time_of_day(ts: str, off: str) -> str:
    """SQL DOUBLE: the seconds since local midnight of the instant `ts` at UTC offset `off`."""
    day_us = floor_mod(f"({ts} + {off})", str(DAY_US))
    return (
        f"(CAST({floor_div(day_us, '1000000')} AS DOUBLE) + "
        f"CAST({floor_mod(day_us, '1000000')} AS DOUBLE) / 1000000.0)"
    )


# --------------------------------------------------------------------------- frames


class RowFrame:
    """Expressions read the stream row as the event; `trigger` is another row alias (a joined
    trigger), the row itself (`"self"`), or none (trigger fields are missing)."""

    def __init__(
        self,
        st: Stream,
        *,
        alias: str = "",
        trigger: str | None = None,
        prev: bool = False,
    ) -> None:
        self.st, self.alias, self.trigger, self.prev = st, alias, trigger, prev
        # expressions a stage before computed as columns (`remember`): read, not written again
        self.named: dict[Any, V] = {}

    def known(self, e: Any) -> V | None:
        if not self.named:
            return None
        try:
            return self.named.get(e)
        except TypeError:  # a literal list or object: never a stage's column
            return None

    def remember(self, e: Any, value: V) -> None:
        """From now on `e` reads as `value` (columns of a stage before this frame's)."""
        self.named[e] = value

    def _col(self, name: str, of: str = "event") -> str:
        if of == "trigger":
            assert self.trigger is not None
            if self.trigger == "self":
                return f"{self.alias}.{name}" if self.alias else name
            return f"{self.trigger}.{name}"
        if of == "previous":
            name = f"p_{name}"
        return f"{self.alias}.{name}" if self.alias else name

    def _no_trigger(self, of: str) -> bool:
        return of == "trigger" and self.trigger is None

    def attr(self, of: str, path: str) -> V:
        if self._no_trigger(of) or (of == "previous" and not self.prev):
            return missing()
        p = self.st.env.catalog.prefix(path)
        catalog = self.st.env.catalog
        return columns(self._col(p, of), catalog.reads_instant(p), catalog.kinds_of(p))

    def time(self, of: str) -> V:
        if self._no_trigger(of) or (of == "previous" and not self.prev):
            return missing()
        return instant(self._col("ts", of), nullable=of == "previous")

    def local(self, of: str, part: str) -> V:
        if self._no_trigger(of) or (of == "previous" and not self.prev):
            return missing()
        if not self.st.local:
            raise CompileError("a local time reading without the zone offset")
        wall = f"({self._col('ts', of)} + {self._col('off', of)})"
        day_us = floor_mod(wall, str(DAY_US))
        nullable = of == "previous"
        if part == "time_of_day":
            if self.st.tod and of != "previous":
                # computed once per row in `base`: a tolerant comparison repeats its operands
                return number(self._col("ltod", of), whole=False, nullable=False)
            sql = time_of_day(self._col("ts", of), self._col("off", of))
            return number(sql, whole=False, nullable=nullable)
        days = floor_div(wall, str(DAY_US))
        date = f"(DATE '1970-01-01' + CAST({days} AS INTEGER))"
        if part == "date":
            return string(f"strftime({date}, '%Y-%m-%d')", nullable=nullable)
        if part == "weekday":
            # ISO weekday (Monday 1) from the day number: 1970-01-01 was a Thursday (written
            # out: SQLGlot renders DuckDB's isodow as Spark's dayofweek, which starts on Sunday)
            iso = f"({floor_mod(f'({days} + 3)', '7')} + 1)"
            return number(f"CAST({iso} AS DOUBLE)", whole=True, nullable=nullable)
        return number(
            f"CAST({floor_div(day_us, '3600000000')} AS DOUBLE)", whole=True, nullable=nullable
        )

    def history(self, node: ir.History) -> V:
        name = self.st.history.get(_hkey(node))
        if name is None:
            raise CompileError("a history query the stream does not compute")
        col = self._col(name)
        if node.fn == "count":
            n = col
            if node.include_current:
                n = f"({col} + CASE WHEN {self._col(name + '_m')} THEN 1 ELSE 0 END)"
            return number(f"CAST({n} AS DOUBLE)", whole=True, nullable=False)
        here = self._col(name + "_here")
        matched = self._col(name + "_m")
        s = col
        if node.include_current:
            if node.fn == "last":
                s = f"CASE WHEN {matched} THEN {here} ELSE {col} END"
            else:
                s = f"CASE WHEN {col} IS NULL AND {matched} THEN {here} ELSE {col} END"
        if node.field is None:
            return instant(f"({s}).t")
        return V(
            k=f"({s}).k",
            s=f"({s}).s",
            n=f"({s}).n",
            b=f"({s}).b",
            t=f"({s}).t",
            elements=f"({s}).l",
            z=f"TRY_CAST(({s}).s AS HUGEINT)",  # an int's text is its digits (catalog)
        )

    def changes(self, path: str) -> V:
        return number(f"CAST({self._col(self.st.changes[path])} AS DOUBLE)", True, False)

    def state(self, name: str, fn: str) -> V:
        i = self.st.states.get(name)
        if i is None:
            raise CompileError(f"state {name!r} is not defined in the policy")
        col = self._col(f"st{i}")
        if fn == "count":
            return number(f"CAST({col} AS DOUBLE)", whole=True, nullable=False)
        return boolean(f"({col} > 0)", nullable=False)

    def parse_instant(self, s: str) -> str:
        return self.st.env.parse_instant(s)

    def literal_instant(self, text: str) -> str:
        return self.st.env.literal_instant(text)


__all__ = [
    "BOOL",
    "INSTANT",
    "INT",
    "MISSING",
    "STR",
    "Env",
    "RowFrame",
    "Stream",
    "build_stream",
    "compile_expr",
    "type_match",
]
