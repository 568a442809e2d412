"""SQL plans, metrics: KPI values per group and calendar bucket (`metric m = f(…) per g per
bucket; require m >= X warn below Y minimum sample N`), the python engine's `metrics.py` and
`aggregates.py` as relational stages (docs/semantics.md, "Metrics").

`mrows` gives every event of the stream its cell — the `group_by` texts `g0, g1, …` (a missing
one leaves the event `ungrouped`) and the bucket label of its time in the policy's zone, from
the stream's UTC offset `off` — and what it is to the metric. `cells` (CELL_COLUMNS) holds one
row per group and bucket; the shared layer judges them. Sums are exact (`cxrules.ir.sums`):
each value becomes a limb and an integer, the integers of a limb are added as 38-digit decimals
and Python rounds the limbs once (`collect.cell_value`), so the order of additions never shows.
"""

from __future__ import annotations

from cxrules import ir
from cxrules.engines.sql.exprs import CompileError, NoEngineError, compile_expr, condition
from cxrules.engines.sql.plan import PolicyPlan, select_record, select_waiting
from cxrules.engines.sql.stream import Env, RowFrame, type_match
from cxrules.engines.sql.text import DAY_US, all_of, floor_div, floor_mod, lit
from cxrules.engines.sql.values import BOOL, FLOAT, INT, STR, V, infinite, num_of
from cxrules.ir.ranks import MAX_DENOMINATOR, rank_fraction
from cxrules.ir.ranks import fraction as linear_fraction
from cxrules.ir.sums import LIMB, WHOLE
from cxrules.ir.walk import uses_trigger
from cxrules.time.instants import seconds_to_us

#: The scale each CX formula reads (aggregates.SCALES): other scores are not answers.
SCALES = {"nps": (0.0, 10.0), "csat": (1.0, 5.0), "ces": (1.0, 7.0)}
#: Aggregates whose value is a sum (divided by the population for a mean).
SUMS = ("avg", "sum", "ces")


def metric_check(plan: PolicyPlan, env: Env) -> None:
    """The stages of a metric: `mrows`, then the aggregate's, then `cells`, `ungrouped`,
    `waiting` (share members still waiting at the horizon) and an empty `records` (a metric's
    violations are its cells')."""
    rule = plan.policy.rule
    assert isinstance(rule, ir.MetricCheck)
    plan.metric = True
    metric, agg = rule.metric, rule.metric.aggregate
    st = plan.stream
    lets = {let.name: let.value for let in metric.lets}
    frame = RowFrame(st, prev=st.previous)
    groups = [
        group_text(compile_expr(lets[k], frame)) if k in lets else f"{env.catalog.prefix(k)}_x"
        for k in metric.group_by
    ]
    cell = Cell(len(groups))
    plan.add(
        "mlocal",
        f"SELECT *, {floor_div('ts + off', str(DAY_US))} AS lday, "
        f"{floor_div(floor_mod('ts + off', str(DAY_US)), '3600000000')} AS lhour FROM stream",
    )
    head = [f"{g} AS g{i}" for i, g in enumerate(groups)]
    head += [f"{bucket_label(metric.bucket)} AS bucket", f"{cell.grouped(groups)} AS grouped"]
    if agg.fn == "share":
        _share(plan, agg, head, cell)
    else:
        _tallied(plan, agg, head, cell)
    none = select_record(scope=st.scope_list, kind="'metric'", start_us="ts", end_us="ts")
    plan.add("records", f"SELECT {none} FROM stream WHERE FALSE")


def group_text(v: V) -> str:
    """SQL VARCHAR: a let's value as a metric group, python's `metrics.group_text`: a text, true
    or false, a whole number below 10^18 without its fraction; NULL otherwise (no group)."""
    n = num_of(v)
    whole = f"NOT isnan({n}) AND {n} = floor({n}) AND abs({n}) < 1e18"
    # only the kinds the value can have: a branch on a kind it never has would read a bare
    # NULL (`CASE WHEN NULL THEN 'true' …`), which Spark refuses (`lower(…)` is only a text)
    cases = []
    if v.can(STR):
        cases.append(f"WHEN {v.is_kind(STR)} THEN {v.s}")
    if v.can(INT, FLOAT) and n != "NULL":
        cases.append(
            f"WHEN {v.is_kind(INT, FLOAT)} AND {whole} THEN CAST(CAST({n} AS BIGINT) AS VARCHAR)"
        )
    if v.can(BOOL) and v.b != "NULL":
        cases.append(f"WHEN {v.is_kind(BOOL)} THEN CASE WHEN {v.b} THEN 'true' ELSE 'false' END")
    return f"CASE {' '.join(cases)} END" if cases else "CAST(NULL AS VARCHAR)"


class Cell:
    """The columns that name a cell (`g0, …, bucket`) and how to group and join by them."""

    def __init__(self, n: int) -> None:
        self.groups = [f"g{i}" for i in range(n)]

    @property
    def by(self) -> str:
        return ", ".join([*self.groups, "bucket"])

    @staticmethod
    def grouped(columns: list[str]) -> str:
        return all_of(*(f"{c} IS NOT NULL" for c in columns))

    def grp(self, alias: str = "") -> str:
        """SQL VARCHAR[]: the group texts in `group_by` order."""
        dot = f"{alias}." if alias else ""
        if not self.groups:
            return "CAST([] AS VARCHAR[])"
        return "[" + ", ".join(f"{dot}{g}" for g in self.groups) + "]"

    def join(self, a: str, b: str) -> str:
        """The ON condition of two stages' cells (a cell without a bucket has NULL there)."""
        parts = [f"{a}.{g} = {b}.{g}" for g in self.groups]
        parts.append(f"{a}.bucket IS NOT DISTINCT FROM {b}.bucket")
        return " AND ".join(parts)


def bucket_label(bucket: str | None) -> str:
    """SQL VARCHAR: `time/calendars.bucket_key` of a row from its local day number `lday` and
    hour `lhour` (its wall clock in the policy's zone, so both passes through a repeated hour
    share a label and a skipped hour has none); NULL without a bucket."""
    if bucket is None:
        return "CAST(NULL AS VARCHAR)"

    def day(n: str) -> str:
        return f"(DATE '1970-01-01' + CAST({n} AS INTEGER))"

    def pad(sql: str, width: int) -> str:
        return f"lpad(CAST({sql} AS VARCHAR), {width}, '0')"

    date = day("lday")
    year = pad(f"year({date})", 4)
    month = pad(f"month({date})", 2)
    ymd = f"{year} || '-' || {month} || '-' || {pad(f'dayofmonth({date})', 2)}"
    if bucket == "hour":
        return f"{ymd} || 'T' || {pad('lhour', 2)}"
    if bucket == "day":
        return ymd
    if bucket == "week":
        # ISO: the week's Thursday holds its year; weeks start on Monday (lday 0 is a Thursday)
        thursday = day(f"(lday - {floor_mod('lday + 3', '7')} + 3)")
        week = f"((dayofyear({thursday}) - 1) // 7 + 1)"
        return f"{pad(f'year({thursday})', 4)} || '-W' || {pad(week, 2)}"
    if bucket == "month":
        return f"{year} || '-' || {month}"
    if bucket == "quarter":
        return f"{year} || '-Q' || CAST(quarter({date}) AS VARCHAR)"
    if bucket == "year":
        return year
    raise CompileError(f"the bucket {bucket!r}")


# --------------------------------------------------------------------------- count, ratio, values


def _tallied(plan: PolicyPlan, agg: ir.Aggregate, head: list[str], cell: Cell) -> None:
    """count, ratio and the value aggregates: every event counts in its own cell."""
    st = plan.stream
    frame = RowFrame(st, prev=st.previous)
    fn = agg.fn
    main = all_of(type_match(agg.pattern.types), condition(agg.pattern.where, frame))
    of = "FALSE"
    if fn == "ratio":
        assert agg.of is not None
        of = all_of(type_match(agg.of.types), condition(agg.of.where, frame))
    x = "CAST(NULL AS DOUBLE)"
    if agg.value is not None and fn not in ("count", "ratio"):
        v = compile_expr(agg.value, frame)
        n = num_of(v)
        usable = [v.is_kind(INT, FLOAT), f"NOT isnan({n})", f"NOT {infinite(n)}"]
        if fn in SCALES:
            lowest, highest = SCALES[fn]
            usable.append(f"{n} BETWEEN {lit(lowest)} AND {lit(highest)}")
        x = f"CASE WHEN {all_of(main, *usable)} THEN {n} END"
    plan.add(
        "mrows",
        f"SELECT ord, {', '.join(head)}, {main} AS mm, {of} AS om, {x} AS x FROM mlocal",
    )
    # a population event lacking a group is counted once per role it has (python: cell_for)
    plan.add(
        "ungrouped",
        "SELECT ord FROM mrows WHERE mm AND NOT grouped"
        + (" UNION ALL SELECT ord FROM mrows WHERE om AND NOT grouped" if fn == "ratio" else ""),
    )
    counted = {"count": "mm", "ratio": "om"}.get(fn, "x IS NOT NULL")
    hits = {
        "count": "mm",
        "ratio": "mm",
        "nps": "x >= 9",
        "csat": "x >= 4",
    }.get(fn, "FALSE")
    low = "x <= 6" if fn == "nps" else "FALSE"
    plan.add(
        "mcells",
        f"SELECT {cell.by}, count(CASE WHEN {counted} THEN 1 END) AS population, "
        f"count(CASE WHEN {hits} THEN 1 END) AS hits, count(CASE WHEN {low} THEN 1 END) AS low, "
        f"min(x) AS least, max(x) AS most, min(CASE WHEN {counted} THEN ord END) AS first_ord, "
        f"max(CASE WHEN {counted} THEN ord END) AS last_ord "
        f"FROM mrows WHERE (mm OR om) AND grouped GROUP BY {cell.by}",
    )
    pop = "CAST(c.population AS DOUBLE)"
    value = {
        "count": "CAST(c.hits AS DOUBLE)",
        "ratio": f"CAST(c.hits AS DOUBLE) / {pop}",
        "csat": f"CAST(c.hits AS DOUBLE) / {pop}",
        "nps": f"100.0 * CAST(c.hits - c.low AS DOUBLE) / {pop}",
        "min": "c.least",
        "max": "c.most",
    }.get(fn, "CAST(NULL AS DOUBLE)")
    joins, limbs, divisor = [], "NULL", "CAST(NULL AS BIGINT)"
    if fn == "percentile":
        assert agg.q is not None
        if agg.method == "nearest_rank":
            _nearest_rank(plan, agg.q, cell)
            value = "p.x_at"
        else:
            _percentile(plan, agg.q, cell)
            # aggregates.percentile: weighted when the gap between the two ranks overflows
            t = "(p.pos - CAST(p.lo AS DOUBLE))"
            value = (
                f"CASE WHEN {infinite('p.x_hi - p.x_lo')} THEN p.x_lo * (1.0 - {t}) + p.x_hi * {t} "
                f"ELSE p.x_lo + (p.x_hi - p.x_lo) * {t} END"
            )
        joins.append(f"LEFT JOIN pct p ON {cell.join('c', 'p')}")
    if fn in SUMS:
        _exact_sums(plan, cell)
        joins.append(f"LEFT JOIN limbs l ON {cell.join('c', 'l')}")
        limbs = "l.limbs"
        divisor = "CAST(1 AS BIGINT)" if fn == "sum" else "c.population"
    # the numerator of the formulas that have one, the detractors of nps (python: NUMERATORS)
    numerator = "c.hits" if fn in ("count", "ratio", "csat", "nps") else "CAST(NULL AS BIGINT)"
    detractors = "c.low" if fn == "nps" else "CAST(NULL AS BIGINT)"
    plan.add(
        "cells",
        f"SELECT {cell.grp('c')} AS grp, c.bucket AS bucket, CASE WHEN c.population > 0 "
        f"THEN {value} END AS value, c.population AS population, {numerator} AS hits, "
        f"{detractors} AS low, c.first_ord AS first_ord, "
        f"c.last_ord AS last_ord, {limbs} AS limbs, {divisor} AS divisor "
        f"FROM mcells c {' '.join(joins)}",
    )
    plan.add(
        "waiting",
        f"SELECT {select_waiting(scope=st.scope_list, trig='ord')} FROM stream WHERE FALSE",
    )


def _percentile(plan: PolicyPlan, q: float, cell: Cell) -> None:
    """`pct`: per cell the two closest ranks of q·(n−1) among the sorted values (ties in log
    order, as Python's stable sort) and the position between them (aggregates.percentile)."""
    fraction = linear_fraction(q)
    _ranked(plan, cell)
    plan.add(
        "placed",
        f"SELECT *, {lit(fraction)} * CAST(n - 1 AS DOUBLE) AS pos, "
        f"CAST(floor({lit(fraction)} * CAST(n - 1 AS DOUBLE)) AS BIGINT) AS lo FROM ranked",
    )
    plan.add(
        "pct",
        f"SELECT {cell.by}, max(CASE WHEN rn = lo THEN x END) AS x_lo, "
        f"max(CASE WHEN rn = least(lo + 1, n - 1) THEN x END) AS x_hi, max(pos) AS pos, "
        f"max(lo) AS lo FROM placed GROUP BY {cell.by}",
    )


def _ranked(plan: PolicyPlan, cell: Cell) -> None:
    """`ranked`: each value of a cell with the cell's count `n` and its 0-based rank `rn` among
    the sorted values (ties in log order, as Python's stable sort)."""
    part = f"PARTITION BY {cell.by}"
    plan.add(
        "ranked",
        f"SELECT {cell.by}, x, count(*) OVER ({part}) AS n, "
        f"row_number() OVER ({part} ORDER BY x, ord) - 1 AS rn "
        "FROM mrows WHERE x IS NOT NULL AND grouped",
    )


def _nearest_rank(plan: PolicyPlan, q: float, cell: Cell) -> None:
    """`pct`: per cell the value at the nearest rank ceil(a·n / b), 1-based and at least 1,
    where a/b is the fraction as written (`cxrules.ir.ranks`), in exact integers."""
    a, b = rank_fraction(q)
    if b > MAX_DENOMINATOR:
        raise CompileError(f"a nearest-rank percentile with more decimals than 1/{MAX_DENOMINATOR}")
    _ranked(plan, cell)
    rank = f"greatest(CAST(1 AS BIGINT), {floor_div(f'{a} * n + {b - 1}', str(b))})"
    plan.add(
        "pct",
        f"SELECT {cell.by}, max(CASE WHEN rn = {rank} - 1 THEN x END) AS x_at "
        f"FROM ranked GROUP BY {cell.by}",
    )


def _exact_sums(plan: PolicyPlan, cell: Cell) -> None:
    """`limbs`: per cell, the exact sum of its values as (limb, integer) pairs
    (`cxrules.ir.sums.split`: v = c × 2**(32·k)); whole numbers below 2**53 go to limb 0 as
    they are, others by their binary exponent `e` (2**(e-1) <= |v| < 2**e, found from log2 and
    checked against exact powers of two)."""
    whole = f"(x = floor(x) AND abs(x) < {lit(float(WHOLE))})"
    plan.add(
        "summed",
        f"SELECT {cell.by}, x, {whole} AS whole, CAST(floor(log2(CASE WHEN {whole} THEN 1.0 "
        "ELSE abs(x) END)) AS INTEGER) + 1 AS e0 FROM mrows WHERE x IS NOT NULL AND grouped",
    )
    e = (
        "CASE WHEN abs(x) >= pow(2.0, e0) THEN e0 + 1 WHEN abs(x) < pow(2.0, e0 - 1) "
        "THEN e0 - 1 ELSE e0 END"
    )
    plan.add(
        "limbed",
        f"SELECT {cell.by}, x, whole, CASE WHEN whole THEN 0 ELSE CAST(floor(CAST(greatest("
        f"{e} - 53, -1074) AS DOUBLE) / {LIMB}.0) AS INTEGER) END AS k FROM summed",
    )
    # y = x × 2**(−32k), an integer below 2**85, multiplied in two exact steps (one power of
    # two alone can leave the double range)
    plan.add(
        "scaled",
        f"SELECT {cell.by}, k, CASE WHEN whole THEN x ELSE x * pow(2.0, -16 * k) "
        "* pow(2.0, -16 * k) END AS y FROM limbed",
    )
    # y as a decimal, exactly: its high and low 32 bits as BIGINTs (Spark casts a DOUBLE to a
    # DECIMAL through its shortest decimal text, 17 digits, which drops the low bits of an
    # integer above 2**53; DuckDB casts exactly: both now add the same integers)
    high = "floor(y / 4294967296.0)"
    c = (
        f"CAST(CAST({high} AS BIGINT) AS DECIMAL(38, 0)) * 4294967296 "
        f"+ CAST(CAST(y - {high} * 4294967296.0 AS BIGINT) AS DECIMAL(38, 0))"
    )
    plan.add(
        "limb_sums",
        f"SELECT {cell.by}, k, sum({c}) AS c FROM scaled GROUP BY {cell.by}, k",
    )
    plan.add(
        "limbs",
        f"SELECT {cell.by}, list(struct_pack(k := k, c := c)) AS limbs FROM limb_sums "
        f"GROUP BY {cell.by}",
    )


# --------------------------------------------------------------------------- share


def _share(plan: PolicyPlan, agg: ir.Aggregate, head: list[str], cell: Cell) -> None:
    """share(A within D of B): each B (its `where` reading the B itself as `trigger`) is a
    member of its cell, waiting in the policy scope; the first later A of the scope within D
    whose `where` holds for it (reading the member as `trigger`) is a success, an `unless` event
    first (A wins a tie: the python engine meets before it cancels) or D passing a failure. A
    deadline at the horizon is decided; members waiting past it are pending, not counted."""
    st = plan.stream
    assert agg.of is not None
    if agg.within is not None and agg.within.calendar is not None:
        raise NoEngineError("a share window on business time")
    within = seconds_to_us(agg.within.seconds) if agg.within is not None else None
    is_b = all_of(
        type_match(agg.of.types),
        condition(agg.of.where, RowFrame(st, trigger="self", prev=st.previous)),
    )
    unless = agg.unless
    pairwise = uses_trigger(agg.pattern.where) or (
        unless is not None and uses_trigger(unless.where)
    )
    plan.add("mrows", f"SELECT *, {', '.join(head)}, {is_b} AS bm FROM mlocal")
    plan.add("ungrouped", "SELECT ord FROM mrows WHERE bm AND NOT grouped")
    if pairwise:
        _share_pairs(plan, agg, within)
    else:
        _share_windows(plan, agg)
    deadline = f"ts + {within}" if within is not None else "CAST(NULL AS BIGINT)"
    first_a = "(a_ord IS NOT NULL AND (u_ord IS NULL OR a_ord <= u_ord))"
    first_ts = f"CASE WHEN {first_a} THEN a_ts ELSE u_ts END"
    in_time = f"({first_ts} IS NOT NULL AND (deadline IS NULL OR {first_ts} <= deadline))"
    plan.add(
        "judged",
        f"SELECT *, CASE WHEN {in_time} AND {first_a} THEN 'hit' WHEN {in_time} THEN 'miss' "
        "WHEN deadline <= horizon_us THEN 'miss' ELSE 'wait' END AS fate "
        f"FROM (SELECT *, {deadline} AS deadline FROM members) AS m, horizon",
    )
    plan.add(
        "cells",
        f"SELECT {cell.grp()} AS grp, bucket, CASE WHEN count(CASE WHEN fate <> 'wait' THEN 1 "
        "END) > 0 THEN CAST(count(CASE WHEN fate = 'hit' THEN 1 END) AS DOUBLE) / "
        "CAST(count(CASE WHEN fate <> 'wait' THEN 1 END) AS DOUBLE) END AS value, "
        "count(CASE WHEN fate <> 'wait' THEN 1 END) AS population, "
        "count(CASE WHEN fate = 'hit' THEN 1 END) AS hits, CAST(NULL AS BIGINT) AS low, "
        "min(CASE WHEN fate <> 'wait' THEN ord END) AS first_ord, "
        "max(CASE WHEN fate <> 'wait' THEN ord END) AS last_ord, NULL AS limbs, "
        f"CAST(NULL AS BIGINT) AS divisor FROM judged GROUP BY {cell.by}",
    )
    waiting = select_waiting(scope=st.scope_list, trig="ord", deadline="deadline", counted="FALSE")
    plan.add("waiting", f"SELECT {waiting} FROM judged WHERE fate = 'wait'")


def _share_windows(plan: PolicyPlan, agg: ir.Aggregate) -> None:
    """`members`: each grouped B with the first A and the first `unless` event after it in its
    scope (`a_ord`, `a_ts`, `u_ord`, `u_ts`), by window functions: their `where` does not read
    the member."""
    st = plan.stream
    frame = RowFrame(st, prev=st.previous)
    is_a = all_of(type_match(agg.pattern.types), condition(agg.pattern.where, frame))
    is_u = "FALSE"
    if agg.unless is not None:
        is_u = all_of(type_match(agg.unless.types), condition(agg.unless.where, frame))
    after = f"({st.over} ORDER BY ord ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)"
    plan.add("follow", f"SELECT *, {is_a} AS am, {is_u} AS um FROM mrows")
    plan.add(
        "members",
        "SELECT * FROM (SELECT *, "
        f"min(CASE WHEN am THEN ord END) OVER {after} AS a_ord, "
        f"min(CASE WHEN am THEN ts END) OVER {after} AS a_ts, "
        f"min(CASE WHEN um THEN ord END) OVER {after} AS u_ord, "
        f"min(CASE WHEN um THEN ts END) OVER {after} AS u_ts FROM follow) WHERE bm AND grouped",
    )


def _share_pairs(plan: PolicyPlan, agg: ir.Aggregate, within: int | None) -> None:
    """`members` when a `where` reads the member (`trigger`): each grouped B joined with the
    later A and `unless` events of its scope (within D), each `where` evaluated per pair."""
    st = plan.stream
    frame = RowFrame(st, alias="c", trigger="m", prev=st.previous)
    is_a = all_of(type_match(agg.pattern.types, "c.type"), condition(agg.pattern.where, frame))
    is_u = "FALSE"
    types = list(agg.pattern.types)
    if agg.unless is not None:
        is_u = all_of(type_match(agg.unless.types, "c.type"), condition(agg.unless.where, frame))
        types += agg.unless.types
    plan.add("waiters", "SELECT * FROM mrows WHERE bm AND grouped")
    plan.add("followers", f"SELECT * FROM mrows WHERE {type_match(tuple(types))}")
    on = [f"m.{k} = c.{k}" for k in st.keys] + ["c.ord > m.ord"]
    if within is not None:
        on.append(f"c.ts <= m.ts + {within}")
    plan.add(
        "pairs",
        f"SELECT m.ord AS m_ord, min(CASE WHEN {is_a} THEN c.ord END) AS a_ord, "
        f"min(CASE WHEN {is_a} THEN c.ts END) AS a_ts, "
        f"min(CASE WHEN {is_u} THEN c.ord END) AS u_ord, "
        f"min(CASE WHEN {is_u} THEN c.ts END) AS u_ts "
        f"FROM waiters m JOIN followers c ON {' AND '.join(on)} GROUP BY m.ord",
    )
    plan.add(
        "members",
        "SELECT w.*, p.a_ord, p.a_ts, p.u_ord, p.u_ts FROM waiters w "
        "LEFT JOIN pairs p ON p.m_ord = w.ord",
    )


__all__ = ["bucket_label", "metric_check"]
