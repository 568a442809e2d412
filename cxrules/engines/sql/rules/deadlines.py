"""SQL plans, deadlines: an obligation's window — its earliest time, its deadline (a duration on
fixed or business time, an expression, a calendar point) and a clock that pauses while a state
holds — as `cxrules/engines/python/obligations.py` sets them (docs/semantics.md, "Response").

**Paused clocks** (`paused while S`). The python engine stops every open clock of a scope when S
becomes active (it keeps the clock time left) and restarts it when S ends (deadline = the restart
plus the time left); a clock whose deadline has passed when S starts is missed then. Here a
*clock reading* `B` turns instants into clock time: the instant itself on fixed time, the opening
time so far on business time (`calendars.CalendarTables.clock`). Then the time left is a
difference of readings, and after pauses `a … j-1` the deadline's reading is

    β_j = β_a + Σ_{a≤i<j} (B(r_i) − B(p_i))      (p_i, r_i: the pause's start and end)

a prefix sum over the scope's pauses. The clock is missed at the first pause j with p_j > D_j
(D_j the instant of reading β_j, not before the segment's start). With the order-preserving
reading `B⁺ = 2B + [closed after a closing]` that is `B⁺(p_j) − 2·PB(j−1) > 2·β_a − 2·PB(a−1)`:
a per-pause value Q_j against a per-obligation value K, Q never decreasing along the pauses
where the test can hold; so the first such pause is one sorted lookup (a window over the union
of pauses and obligations ordered by value), not a join of every obligation with every pause.
"""

from __future__ import annotations

from cxrules import ir
from cxrules.engines.sql.calendars import CalendarTables, fixed_us
from cxrules.engines.sql.exprs import compile_expr
from cxrules.engines.sql.plan import PolicyPlan, struct_of
from cxrules.engines.sql.stream import Env, RowFrame
from cxrules.engines.sql.text import floor_div
from cxrules.engines.sql.values import INSTANT, MAX_US, MIN_US, STR, V


def keys_equal(plan: PolicyPlan, a: str, b: str) -> str:
    """SQL: rows `a` and `b` are in the same scope (TRUE for the global scope)."""
    keys = plan.stream.keys
    return " AND ".join(f"{a}.{k} = {b}.{k}" for k in keys) if keys else "TRUE"


def key_list(plan: PolicyPlan, alias: str = "") -> str:
    """The scope columns, comma separated with a trailing comma (empty for the global scope)."""
    dot = f"{alias}." if alias else ""
    return "".join(f"{dot}{k}, " for k in plan.stream.keys)


def pause_slot(plan: PolicyPlan, window: ir.Window) -> int | None:
    """The stream's state column index of the pausing state, when the clock can pause."""
    if window.paused_while is None or (window.max is None and window.deadline is None):
        return None
    return plan.stream.states[window.paused_while]


def pause_marks(plan: PolicyPlan, window: ir.Window) -> list[str]:
    """Columns of every row for paused clocks: `ob_act` (the pausing state is active after the
    event) and `ob_began` (a pause begins at the event)."""
    i = pause_slot(plan, window)
    if i is None:
        return []
    over = plan.stream.over
    return [
        f"st{i} > 0 AS ob_act",
        f"(st{i} > 0 AND NOT coalesce(lag(st{i} > 0) OVER ({over} ORDER BY ord), FALSE)) "
        "AS ob_began",
    ]


def pause_columns(plan: PolicyPlan, window: ir.Window) -> list[str]:
    """Window columns over the marked rows: `ob_jb` (pauses begun up to the event) and
    `ob_npz` (the scope's pauses)."""
    if pause_slot(plan, window) is None:
        return []
    over = plan.stream.over
    return [
        f"count(CASE WHEN ob_began THEN 1 END) OVER ({over} ORDER BY ord ROWS BETWEEN UNBOUNDED "
        "PRECEDING AND CURRENT ROW) AS ob_jb",
        f"count(CASE WHEN ob_began THEN 1 END) OVER ({over}) AS ob_npz",
    ]


# --------------------------------------------------------------------------- the window


def add_deadlines(plan: PolicyPlan, env: Env, window: ir.Window, source: str) -> str:
    """Stages over `source` (one row per activation, the trigger's stream columns) adding
    `ob_lo` (earliest meeting time), `ob_dl` (the deadline, NULL: none or paused at the
    horizon), `ob_rem` (clock time left when paused at the horizon), `ob_bad` (the deadline
    cannot be read) and `ob_badv` (its value then). Returns the last stage's name."""
    cal: CalendarTables = env.calendars
    st = plan.stream
    frame = RowFrame(st, trigger="self", prev=st.previous)
    cols = ["*"]
    bad, badv = "FALSE", "CAST(NULL AS BIGINT)"
    deadline = window.deadline
    if deadline is not None and not isinstance(deadline, ir.CalendarPoint):
        source = _read_instant(plan, env, compile_expr(deadline, frame), source)
        d0, bad, badv = "ob_dx", "ob_dx IS NULL", "ob_v0"
    elif deadline is None and window.max is not None and window.max.calendar is None:
        d0 = f"ts + {fixed_us(window.max)}"
    elif deadline is None and window.max is None:
        d0 = "CAST(NULL AS BIGINT)"
    else:
        d0 = "ob_dl0"  # a calendar point or a business duration: a lookup below
    stage = f"SELECT {', '.join(cols)} FROM {source}"
    if isinstance(deadline, ir.CalendarPoint):
        stage = cal.point(deadline, st.zone, stage, "ts", "ob_dl0")
    elif deadline is None and window.max is not None and window.max.calendar is not None:
        stage = cal.add_duration(window.max, stage, "ts", "ob_dl0")
    if window.min is not None:
        stage = cal.add_duration(window.min, stage, "ts", "ob_lo")
    else:
        stage = f"SELECT *, ts AS ob_lo FROM ({stage})"
    plan.add(
        "ob_win1", f"SELECT *, {d0} AS ob_d0, {bad} AS ob_bad, {badv} AS ob_badv FROM ({stage})"
    )
    if pause_slot(plan, window) is None:
        plan.add("ob_win", "SELECT *, ob_d0 AS ob_dl, CAST(NULL AS BIGINT) AS ob_rem FROM ob_win1")
        return "ob_win"
    return _paused(plan, env, window, "ob_win1")


def _read_instant(plan: PolicyPlan, env: Env, v: V, source: str) -> str:
    """Stages over `source` adding `ob_v0` (the deadline's value, a struct) and `ob_dx` (it as
    an instant, `values.as_instant`): an instant, or an ISO text (naive in the log's zone);
    anything else (a number too), or out of range, is NULL. Each step is a column of its own,
    so that no SQL expression repeats another."""
    plan.add(
        "ob_val",
        f"SELECT *, {struct_of(v)} AS ob_v0, CAST({v.s} AS VARCHAR) AS ob_vs FROM {source}",
    )
    step = "SELECT * FROM ob_val"
    for level in env.zones.instant_levels("ob_vs", "ob_vi", env.log_zone):
        step = f"SELECT *, {', '.join(level)} FROM ({step})"
    moment = f"CASE ob_v0.k WHEN {INSTANT} THEN ob_v0.t WHEN {STR} THEN ob_vi END"
    plan.add("ob_inst", f"SELECT *, {moment} AS ob_dm FROM ({step})")
    plan.add(
        "ob_dead",
        f"SELECT *, CASE WHEN ob_dm BETWEEN {MIN_US} AND {MAX_US} THEN ob_dm END AS ob_dx "
        "FROM ob_inst",
    )
    return "ob_dead"


# --------------------------------------------------------------------------- paused clocks


def _reading(
    cal: CalendarTables, window: ir.Window, source: str, at: str, out: str, plus: bool = False
) -> str:
    """`source` with the clock reading of instant column `at` (see the module docstring)."""
    d = window.max
    if d is None or d.calendar is None or window.deadline is not None:
        factor = "2 * " if plus else ""
        return f"SELECT *, {factor}{at} AS {out} FROM ({source})"
    return cal.clock(d.calendar, source, at, out, plus=plus)


def _business(window: ir.Window) -> str | None:
    d = window.max
    if d is None or d.calendar is None or window.deadline is not None:
        return None
    return d.calendar


def _paused(plan: PolicyPlan, env: Env, window: ir.Window, source: str) -> str:
    """`ob_dl` and `ob_rem` of clocks that pause while the window's state holds."""
    cal: CalendarTables = env.calendars
    st = plan.stream
    i = pause_slot(plan, window)
    over = st.over
    keys = key_list(plan)
    business = _business(window)
    # the scope's pauses: p (start), r (end, NULL while still paused), j (1, 2, … per scope)
    plan.add(
        "pz_toggle",
        f"SELECT {keys}ord, ts, act FROM (SELECT *, st{i} > 0 AS act, coalesce(lag(st{i} > 0) "
        f"OVER ({over} ORDER BY ord), FALSE) AS was FROM stream) WHERE act <> was",
    )
    plan.add(
        "pz_spans",
        f"SELECT {keys}ts AS p, r, row_number() OVER ({over} ORDER BY ord) AS j FROM "
        f"(SELECT *, lead(ts) OVER ({over} ORDER BY ord) AS r FROM pz_toggle) WHERE act",
    )
    step = _reading(cal, window, "SELECT * FROM pz_spans", "p", "z_pp", plus=True)
    step = _reading(cal, window, step, "r", "z_br")
    plan.add("pz_read", step)
    w = f"({over} ORDER BY j ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"
    prev_r = f"lag(r) OVER ({over} ORDER BY j)"
    elig = f"({prev_r} IS NULL OR p > {prev_r})" if business else "TRUE"
    plan.add(
        "pz_sum",
        f"SELECT *, {floor_div('z_pp', '2')} AS z_bp, {prev_r} AS z_rprev, "
        f"CAST(coalesce(sum(z_br - {floor_div('z_pp', '2')}) OVER {w}, 0) AS BIGINT) AS z_pbprev, "
        f"{elig} AS z_elig FROM pz_read",
    )
    plan.add(
        "pauses",
        f"SELECT *, z_pbprev + (z_br - z_bp) AS z_pb, z_pp - 2 * z_pbprev AS z_q, "
        f"min(CASE WHEN z_elig THEN j END) OVER ({over} ORDER BY j ROWS BETWEEN 1 FOLLOWING "
        "AND UNBOUNDED FOLLOWING) AS z_enext FROM pz_sum",
    )
    # per obligation: its readings at the trigger and the first deadline, and the pauses
    # around it (jb: the last one begun at the trigger, a = jb + 1, the scope's last one)
    step = _reading(cal, window, f"SELECT * FROM {source}", "ts", "ob_bt")
    step = _reading(cal, window, step, "ob_d0", "ob_bd0")
    plan.add("ob_read", step)
    same = keys_equal(plan, "o", "{x}")
    plan.add(
        "ob_around",
        "SELECT o.*, pb.r AS ob_rjb, pb.z_br AS ob_brjb, coalesce(pb.z_pb, 0) AS ob_pbjb, "
        "pa.p AS ob_pa, pa.z_pp AS ob_qa, pa.z_enext AS ob_enext, pl.r AS ob_rm, "
        "pl.z_bp AS ob_bpm, pl.z_pbprev AS ob_pbprevm, pl.z_pb AS ob_pbm "
        "FROM ob_read o "
        f"LEFT JOIN pauses pb ON {same.format(x='pb')} AND pb.j = o.ob_jb "
        f"LEFT JOIN pauses pa ON {same.format(x='pa')} AND pa.j = o.ob_jb + 1 "
        f"LEFT JOIN pauses pl ON {same.format(x='pl')} AND pl.j = o.ob_npz",
    )
    # β0: the reading of the deadline once the clock runs (at the trigger, or when the pause
    # holding the trigger ends); s0: when it starts running
    beta0 = "(ob_bd0 + CASE WHEN ob_act THEN ob_brjb - ob_bt ELSE 0 END)"
    s0 = "CASE WHEN ob_act THEN ob_rjb ELSE ts END"
    guard = f"ob_pa > {s0} AND " if business else ""
    plan.add(
        "ob_beta",
        f"SELECT *, {beta0} AS ob_b0, {s0} AS ob_s0, 2 * {beta0} - 2 * ob_pbjb AS ob_k, "
        f"coalesce(ob_pa IS NOT NULL AND {guard}ob_qa > 2 * {beta0}, FALSE) AS ob_xa "
        "FROM ob_around",
    )
    # the first pause after a where the clock is missed: the first eligible pause with
    # Q > K, at or after the first eligible pause after a
    look = (
        f"SELECT {keys}z_q AS v, 0 AS prio, j, CAST(NULL AS BIGINT) AS oid FROM pauses "
        f"WHERE z_elig UNION ALL SELECT {keys}ob_k AS v, 1 AS prio, CAST(NULL AS BIGINT) AS j, "
        "ord AS oid FROM ob_beta WHERE ob_d0 IS NOT NULL AND NOT ob_xa AND ob_npz > ob_jb + 1"
    )
    plan.add(
        "ob_first",
        f"SELECT oid, min(j) OVER ({over} ORDER BY v, prio ROWS BETWEEN 1 FOLLOWING AND "
        f"UNBOUNDED FOLLOWING) AS j0 FROM ({look})",
    )
    plan.add(
        "ob_star",
        "SELECT b.*, CASE WHEN f.j0 IS NOT NULL AND b.ob_enext IS NOT NULL THEN "
        "greatest(f.j0, b.ob_enext) END AS ob_jstar FROM ob_beta b "
        "LEFT JOIN (SELECT oid, j0 FROM ob_first WHERE oid IS NOT NULL) f ON f.oid = b.ord",
    )
    plan.add(
        "ob_final",
        "SELECT o.*, "
        "CASE WHEN o.ob_d0 IS NULL THEN NULL "
        "WHEN o.ob_xa THEN o.ob_b0 "
        "WHEN o.ob_jstar IS NOT NULL THEN o.ob_b0 + ps.z_pbprev - o.ob_pbjb "
        "WHEN o.ob_npz <= o.ob_jb AND NOT (o.ob_act AND o.ob_rjb IS NULL) THEN o.ob_b0 "
        "WHEN o.ob_npz > o.ob_jb AND o.ob_rm IS NOT NULL THEN o.ob_b0 + o.ob_pbm - o.ob_pbjb "
        "END AS ob_fb, "
        "CASE WHEN o.ob_xa THEN o.ob_s0 WHEN o.ob_jstar IS NOT NULL THEN ps.z_rprev "
        "WHEN o.ob_npz <= o.ob_jb THEN o.ob_s0 ELSE o.ob_rm END AS ob_fs, "
        "CASE WHEN o.ob_d0 IS NULL OR o.ob_xa OR o.ob_jstar IS NOT NULL THEN NULL "
        "WHEN o.ob_act AND o.ob_rjb IS NULL THEN o.ob_bd0 - o.ob_bt "
        "WHEN o.ob_npz > o.ob_jb AND o.ob_rm IS NULL "
        "THEN o.ob_b0 + o.ob_pbprevm - o.ob_pbjb - o.ob_bpm END AS ob_rem "
        "FROM ob_star o "
        f"LEFT JOIN pauses ps ON {keys_equal(plan, 'o', 'ps')} AND ps.j = o.ob_jstar",
    )
    if business is None:
        plan.add("ob_win", "SELECT *, ob_fb AS ob_dl FROM ob_final")
        return "ob_win"
    step = cal.instant_at(business, "SELECT * FROM ob_final", "ob_fb", "ob_fi")
    plan.add(
        "ob_win",
        "SELECT *, CASE WHEN ob_fb IS NOT NULL THEN greatest(ob_fs, ob_fi) END AS ob_dl "
        f"FROM ({step})",
    )
    return "ob_win"
