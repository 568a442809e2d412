"""SQL plans, invariants: `while S: always C, grace G` — gaps longer than the grace (fixed or
business time, read from the calendars' lookup tables), the python
engine's `invariant.py` as window functions over each scope (docs/semantics.md, "Invariant").
`while S: at most D` is the same plan (condition false, grace D) reporting `too_long`.

After each event of a scope (its states already updated) a row is *bad* when `during` is active
and the condition is not exactly true. Runs of equal `bad` rows alternate; a bad run starts a new
gap unless the good run before it began at the very instant the bad run begins and a bad row
came before it — a gap that ends and resumes at the same instant is one gap. A gap's end is the
first row of the good run after its last bad run; with none it is still open at the horizon.

Each interval of `during` (a row where it becomes active) is an activation. A gap's violation
counts for the interval current when the python engine judges it: the last one begun at or
before the gap's end (it judges a gap at the first event after the end's instant), or the last
one of the scope for a gap still open at the horizon.
"""

from __future__ import annotations

from cxrules import ir
from cxrules.engines.sql.calendars import CalendarTables
from cxrules.engines.sql.exprs import condition
from cxrules.engines.sql.plan import PolicyPlan, select_record, select_waiting
from cxrules.engines.sql.stream import Env, RowFrame
from cxrules.time.instants import seconds_to_us

TO_HERE = "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
BEFORE = "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING"
FROM_HERE = "ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING"


def invariant(plan: PolicyPlan, env: Env) -> None:
    """Stages `gapped` (rows with gap ids), `gaps` (one row per gap), `judged`, `broken`
    (violated intervals), then `outcomes`, `records` and `waiting`."""
    rule = plan.policy.rule
    assert isinstance(rule, ir.Invariant)
    kind = "'too_long'" if rule.limit else "'gap'"
    st = plan.stream
    frame = RowFrame(st, prev=st.previous)
    during = condition(ir.StateRef(name=rule.during, fn="active"), frame)
    holds = condition(rule.condition, frame)
    keys = list(st.keys)
    head = "".join(f"{k}, " for k in keys)
    part = f"PARTITION BY {', '.join(keys)} " if keys else ""
    w = f"({part}ORDER BY ord"
    plan.add("watched", f"SELECT *, {during} AS dur, ({during} AND NOT {holds}) AS bad FROM stream")
    plan.add(
        "flipped",
        "SELECT *, "
        f"CASE WHEN dur AND NOT coalesce(lag(dur) OVER {w}), FALSE) THEN 1 ELSE 0 END AS istart, "
        f"CASE WHEN lag(bad) OVER {w}) IS NULL OR lag(bad) OVER {w}) <> bad THEN 1 ELSE 0 END "
        "AS flip FROM watched",
    )
    # good_ts: when the latest good run before the row began; bad_before: a bad row before it
    # ival: intervals begun so far; at_end: the last row of its instant
    plan.add(
        "runs",
        f"SELECT *, sum(istart) OVER {w} {TO_HERE}) AS ival, "
        f"coalesce(lead(ts) OVER {w}) <> ts, TRUE) AS at_end, "
        f"max(CASE WHEN flip = 1 AND NOT bad THEN ts END) OVER {w} {BEFORE}) AS good_ts, "
        f"max(CASE WHEN bad THEN 1 ELSE 0 END) OVER {w} {BEFORE}) AS bad_before FROM flipped",
    )
    resumes = "(coalesce(bad_before, 0) = 1 AND good_ts = ts)"
    # ival_t: intervals begun at or before this row's instant, `ival` on the instant's last row
    # (`ts` never decreases along `ord`): the windows of one sort, none ordered by `ts`
    plan.add(
        "gapped",
        f"SELECT {head}ord, ts, bad, flip, istart, ival, "
        f"first_value(CASE WHEN at_end THEN ival END IGNORE NULLS) OVER {w} {FROM_HERE}) "
        "AS ival_t, "
        f"sum(CASE WHEN bad AND flip = 1 AND NOT {resumes} THEN 1 ELSE 0 END) "
        f"OVER {w} {TO_HERE}) AS gid FROM runs",
    )
    # a gap ends at the last good-run start of its id after its last bad row; the rows of a
    # gap still open run to the end of the scope, so their largest `ival` is its last interval
    ends = "flip = 1 AND NOT bad"
    plan.add(
        "gaps",
        f"SELECT {head}gid, min(CASE WHEN bad THEN ord END) AS start_ord, "
        "min(CASE WHEN bad THEN ts END) AS start_us, max(CASE WHEN bad THEN ord END) AS last_bad, "
        f"max(CASE WHEN {ends} THEN ord END) AS close_ord, "
        f"max(CASE WHEN {ends} THEN ts END) AS close_us, "
        f"max(CASE WHEN {ends} THEN ival_t END) AS close_ival, max(ival) AS ival_n "
        f"FROM gapped WHERE gid > 0 GROUP BY {head}gid",
    )
    closed = "coalesce(close_ord > last_bad, FALSE)"
    source, long_closed, long_open, deadline = _grace(env, rule.grace)
    plan.add(
        "judged",
        f"SELECT *, {closed} AS closed, CASE WHEN {closed} THEN close_ival ELSE ival_n END AS gi, "
        f"CASE WHEN {closed} THEN {long_closed} ELSE {long_open} END AS long FROM {source}",
    )
    plan.add("broken", f"SELECT DISTINCT {head}gi FROM judged WHERE long")
    # an open gap within grace is pending; it counts unless its interval is already violated
    plan.add(
        "held",
        f"SELECT j.*, b.gi IS NULL AS counted FROM judged j "
        f"LEFT JOIN broken b ON {_same(keys, 'j', 'b')}b.gi = j.gi "
        "WHERE NOT j.closed AND NOT j.long",
    )
    plan.add(
        "outcomes",
        f"SELECT {''.join(f'i.{k}, ' for k in keys)}CASE WHEN b.gi IS NOT NULL THEN 'violated' "
        "WHEN h.gi IS NOT NULL THEN 'pending' ELSE 'satisfied' END AS outcome "
        "FROM (SELECT * FROM gapped WHERE istart = 1) i "
        f"LEFT JOIN broken b ON {_same(keys, 'i', 'b')}b.gi = i.ival "
        f"LEFT JOIN (SELECT * FROM held WHERE counted) h ON {_same(keys, 'i', 'h')}h.gi = i.ival",
    )
    scope = st.scope_list
    ended = select_record(
        scope=scope,
        kind=kind,
        start_us="start_us",
        end_us="close_us",
        trig="start_ord",
        evidence="[start_ord, close_ord]",
    )
    still = select_record(
        scope=scope,
        kind=kind,
        start_us="start_us",
        end_us="horizon_us",
        trig="start_ord",
        evidence="[start_ord]",
        still_open="TRUE",
    )
    plan.add(
        "records",
        f"SELECT {ended} FROM judged WHERE long AND closed "
        f"UNION ALL SELECT {still} FROM judged WHERE long AND NOT closed",
    )
    waiting = select_waiting(
        scope=scope,
        trig="start_ord",
        deadline=deadline,
        since="start_us",
        counted="counted",
    )
    plan.add("waiting", f"SELECT {waiting} FROM held")


def _grace(env: Env, d: ir.Duration) -> tuple[str, str, str, str]:
    """How a gap is judged against the grace `d`, as `Clock.longer` and `Clock.add` do: the
    source of the `judged` stage (`gaps` with the horizon, and for business time the readings
    it needs), SQL for "a closed gap is longer", "an open gap is longer at the horizon", and the
    instant the grace runs out (NULL past the calendar tables: no deadline). Business hours
    compare the opening time of the gap; business days, its end with `start + d`."""
    if d.calendar is None:
        grace = seconds_to_us(d.seconds)
        return (
            "gaps, horizon",
            f"close_us - start_us > {grace}",
            f"horizon_us - start_us > {grace}",
            f"start_us + {grace}",
        )
    cal: CalendarTables = env.calendars
    stage = cal.add_duration(d, "SELECT * FROM gaps, horizon", "start_us", "iv_lim")
    if d.unit == "days":
        return (
            f"({stage})",
            "coalesce(close_us > iv_lim, FALSE)",
            "coalesce(horizon_us > iv_lim, FALSE)",
            "iv_lim",
        )
    stage = cal.between(d.calendar, stage, "start_us", "close_us", "iv_el")
    stage = cal.between(d.calendar, stage, "start_us", "horizon_us", "iv_eh")
    grace = seconds_to_us(d.seconds)  # `Clock.longer`: opening time against the grace's µs
    return f"({stage})", f"iv_el > {grace}", f"iv_eh > {grace}", "iv_lim"


def _same(keys: list[str], a: str, b: str) -> str:
    """`a.k0 = b.k0 AND … AND ` (the same scope partition), empty for the global scope."""
    return "".join(f"{a}.{k} = {b}.{k} AND " for k in keys)
