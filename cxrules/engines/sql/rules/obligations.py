"""SQL plans, obligations: response (`when T expect P <window> [unless U] [each]`) and forbid
after (`when T forbid P within D [unless U]`), point for point `engines/python/response.py`,
`obligations.py` and `forbid_after.py` (docs/semantics.md, "Response", "Forbid after").

After a trigger, an obligation's fate is decided by two events of its scope: the first event
after it that meets it (or, for forbid after, breaks it) — at or after its earliest time `lo`,
`where` true — and the first `unless` event after it. Their times against the deadline (final,
after any pauses: `deadlines.py`) and against each other give the outcome, as the python engine
reaches it event by event: an event meets before it cancels, a deadline not passed at an event
is still open there, a deadline at or before the horizon is decided. Both events are window
functions over the scope (the next matching row after the trigger) when `where` does not read
the trigger; when it does, a join of each trigger with the later rows of its scope.

`each` (one event meets one obligation, the oldest unfulfilled one it matches, overdue included)
is a queue: the i-th obligation is met by the c_i-th expected event of its scope with
c_i = i + max(0, max_{k≤i}(g_k − k)), g_k the first expected event obligation k may take — a
running maximum. With `unless`, or a `where` reading the trigger, it is the sequential step of
`each_queue.py`.

`before` windows are judged at the trigger: an expected event of the scope earlier in processing
order, in [t − max, t − min].
"""

from __future__ import annotations

from cxrules import ir
from cxrules.engines.sql import each_queue
from cxrules.engines.sql.calendars import fixed_us
from cxrules.engines.sql.exprs import NoEngineError, condition
from cxrules.engines.sql.plan import PolicyPlan, select_record, select_waiting
from cxrules.engines.sql.rules.deadlines import (
    add_deadlines,
    key_list,
    keys_equal,
    pause_columns,
    pause_marks,
)
from cxrules.engines.sql.rules.gate import add_gate
from cxrules.engines.sql.stream import Env, RowFrame, Stream, type_match
from cxrules.engines.sql.text import all_of
from cxrules.engines.sql.values import V
from cxrules.ir.walk import uses_trigger

TO_HERE = "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
BEFORE_HERE = "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING"
AFTER_HERE = "ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING"
FROM_HERE = "ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING"


def response(plan: PolicyPlan, env: Env) -> None:
    """`when T expect P <window> [unless U] [each]` (docs/semantics.md, "Response")."""
    rule = plan.policy.rule
    assert isinstance(rule, ir.Response)
    _no_business_counting(rule.trigger)
    if rule.window.direction == "before":
        _before(plan, rule)
        return
    rules = _After(plan, env, rule.trigger, rule.expect, rule.window, rule.unless, rule.each)
    rules.counts = rule.trigger_counts
    rules.build("response")


def forbid_after(plan: PolicyPlan, env: Env) -> None:
    """`when T forbid P within D [unless U]` (docs/semantics.md, "Forbid after")."""
    rule = plan.policy.rule
    assert isinstance(rule, ir.ForbidAfter)
    _no_business_counting(rule.trigger)
    _After(plan, env, rule.trigger, rule.pattern, rule.window, rule.unless, False).build(
        "forbid_after"
    )


def _no_business_counting(trigger: ir.Trigger) -> None:
    if trigger.within is not None and trigger.within.calendar is not None:
        raise NoEngineError("a counting window on business time")


def _zero(d: ir.Duration | None) -> bool:
    """True for no duration or one that adds nothing (`Clock.add(t, d) == t`)."""
    if d is None:
        return True
    if d.calendar is None:
        return fixed_us(d) == 0
    if d.unit == "days":
        return d.amount == 0
    return d.seconds == 0


class _After:
    """The stages of an `after` window: marks, next events, deadlines, matching, outcomes."""

    def __init__(
        self,
        plan: PolicyPlan,
        env: Env,
        trigger: ir.Trigger,
        target: ir.Pattern,
        window: ir.Window,
        unless: ir.Pattern | None,
        each: bool,
    ) -> None:
        self.plan, self.env, self.st = plan, env, plan.stream
        self.trigger, self.target, self.window, self.unless, self.each = (
            trigger,
            target,
            window,
            unless,
            each,
        )
        self.shared = not uses_trigger(target.where)  # `where` the same for every obligation
        self.unless_shared = unless is None or not uses_trigger(unless.where)
        self.no_min = _zero(window.min)
        w = window.min
        self.fixed_min = fixed_us(w) if w is not None and w.calendar is None else None
        if self.no_min:
            self.fixed_min = None
        self.queue = each and (unless is not None or not self.shared)
        self.keys = key_list(plan)
        self.over = self.st.over
        # `trigger counts`: a trigger that is also an expected event may meet its own
        # obligation (the checker allows it only for windows starting at the trigger)
        self.counts = False

    @property
    def later(self) -> str:
        """Which rows of the scope may meet an obligation: after its trigger, or from it."""
        return "e.ord >= w.ord" if self.counts else "e.ord > w.ord"

    # ----------------------------------------------------------------- stages

    def build(self, kind: str) -> None:
        plan, st = self.plan, self.st
        gated = add_gate(plan, self.trigger)
        frame = RowFrame(st, prev=st.previous)
        target = type_match(self.target.types)
        pm = all_of(target, condition(self.target.where, frame)) if self.shared else target
        um = "FALSE"
        if self.unless is not None:
            um = type_match(self.unless.types)
            if self.unless_shared:
                um = all_of(um, condition(self.unless.where, frame))
        marks = [f"{pm} AS ob_pm", f"{um} AS ob_um", *pause_marks(plan, self.window)]
        plan.add("ob_marked", f"SELECT *, {', '.join(marks)} FROM {gated}")
        plan.add("ob_next", f"SELECT *, {', '.join(self.next_columns())} FROM ob_marked")
        plan.add("ob_trig", "SELECT * FROM ob_next WHERE fires")
        add_deadlines(plan, self.env, self.window, "ob_trig")
        if self.queue:
            self.queued()
        else:
            self.first_target()
            self.first_unless()
        if kind == "response":
            self.judge_response()
        else:
            self.judge_forbid()
        self.outputs(kind)

    def next_columns(self) -> list[str]:
        """Window columns over every row: the next target and unless events after it, the
        target events counted so far (ranks), the first target at or after t + a fixed min."""
        over = self.over
        after = f"({over} ORDER BY ord {AFTER_HERE})"
        cols = []
        if self.shared:
            cols += [
                f"min(CASE WHEN ob_pm THEN ord END) OVER {after} AS ob_np_ord",
                f"min(CASE WHEN ob_pm THEN ts END) OVER {after} AS ob_np_ts",
                f"count(CASE WHEN ob_pm THEN 1 END) OVER ({over} ORDER BY ord {TO_HERE}) AS ob_pc",
            ]
            if self.fixed_min is not None:
                lo = f"({over} ORDER BY ts RANGE BETWEEN {self.fixed_min} FOLLOWING AND "
                cols += [
                    f"min(CASE WHEN ob_pm THEN ord END) OVER {lo}UNBOUNDED FOLLOWING) AS ob_lp_ord",
                    f"min(CASE WHEN ob_pm THEN ts END) OVER {lo}UNBOUNDED FOLLOWING) AS ob_lp_ts",
                    f"coalesce(count(CASE WHEN ob_pm THEN 1 END) OVER ({over} ORDER BY ts "
                    f"RANGE BETWEEN UNBOUNDED PRECEDING AND {self.fixed_min - 1} FOLLOWING), 0) "
                    "AS ob_pclo",
                ]
        if self.unless is not None and self.unless_shared:
            cols += [
                f"min(CASE WHEN ob_um THEN ord END) OVER {after} AS ob_nu_ord",
                f"min(CASE WHEN ob_um THEN ts END) OVER {after} AS ob_nu_ts",
            ]
        cols += pause_columns(self.plan, self.window)
        return cols or ["NULL AS ob_none"]

    def first_target(self) -> None:
        """`ob_f_ord`, `ob_f_ts`: the event that meets (or breaks) the obligation — for `each`
        the one the queue gives it, else the first target event after the trigger with ts >= lo
        and `where` true."""
        plan = self.plan
        if not self.shared:
            self.pairs("ob_pf", "ob_pm", self.target.where, with_lo=not self.no_min)
            plan.add(
                "ob_f",
                "SELECT w.*, f.f_ord AS ob_f_ord, f.f_ts AS ob_f_ts FROM ob_win w "
                "LEFT JOIN ob_pf f ON f.o = w.ord",
            )
            return
        if self.each:
            self.each_ranks()
            return
        if self.no_min and self.counts:
            plan.add(
                "ob_f",
                "SELECT *, CASE WHEN ob_pm THEN ord ELSE ob_np_ord END AS ob_f_ord, "
                "CASE WHEN ob_pm THEN ts ELSE ob_np_ts END AS ob_f_ts FROM ob_win",
            )
        elif self.no_min:
            plan.add("ob_f", "SELECT *, ob_np_ord AS ob_f_ord, ob_np_ts AS ob_f_ts FROM ob_win")
        elif self.fixed_min is not None:
            # ts >= t + min > t: such an event is after the trigger
            plan.add("ob_f", "SELECT *, ob_lp_ord AS ob_f_ord, ob_lp_ts AS ob_f_ts FROM ob_win")
        else:
            self.first_from_lo()

    def first_from_lo(self) -> None:
        """The first target event at or after a business-time `lo` (a sorted lookup: the
        union of obligations and target events ordered by time, lookups first at a tie)."""
        keys, over = self.keys, self.over
        union = (
            f"SELECT {keys}ob_lo AS v, 0 AS prio, ord AS oid, CAST(NULL AS BIGINT) AS e_ord, "
            "CAST(NULL AS BIGINT) AS e_ts FROM ob_win UNION ALL "
            f"SELECT {keys}ts AS v, 1 AS prio, CAST(NULL AS BIGINT) AS oid, ord AS e_ord, "
            "ts AS e_ts FROM ob_next WHERE ob_pm"
        )
        w = f"({over} ORDER BY v, prio {FROM_HERE})"
        self.plan.add(
            "ob_lp",
            f"SELECT oid, min(e_ord) OVER {w} AS lp_ord, min(e_ts) OVER {w} AS lp_ts "
            f"FROM ({union})",
        )
        # lo == t: the next event after the trigger (ts >= t = lo); lo > t: the first at lo
        self.plan.add(
            "ob_f",
            "SELECT w.*, CASE WHEN w.ob_lo = w.ts THEN w.ob_np_ord ELSE l.lp_ord END AS ob_f_ord, "
            "CASE WHEN w.ob_lo = w.ts THEN w.ob_np_ts ELSE l.lp_ts END AS ob_f_ts FROM ob_win w "
            "LEFT JOIN (SELECT * FROM ob_lp WHERE oid IS NOT NULL) l ON l.oid = w.ord",
        )

    def each_ranks(self) -> None:
        """`each` without `unless`, `where` not reading the trigger: obligation i (in trigger
        order) is met by the c_i-th target event of its scope (see the module docstring)."""
        plan, over, keys = self.plan, self.over, self.keys
        if self.no_min and self.counts:
            g = "ob_pc + CASE WHEN ob_pm THEN 0 ELSE 1 END"  # its own event, if it is one
        elif self.no_min:
            g = "ob_pc + 1"
        elif self.fixed_min is not None:
            g = "greatest(ob_pc, ob_pclo) + 1"
        else:
            union = (
                f"SELECT {keys}ob_lo AS v, 0 AS prio, ord AS oid FROM ob_win UNION ALL "
                f"SELECT {keys}ts AS v, 1 AS prio, CAST(NULL AS BIGINT) AS oid FROM ob_next "
                "WHERE ob_pm"
            )
            plan.add(
                "ob_lc",
                f"SELECT oid, count(CASE WHEN prio = 1 THEN 1 END) OVER ({over} ORDER BY v, prio "
                f"{BEFORE_HERE}) "
                f"AS lc FROM ({union})",
            )
            plan.add(
                "ob_wl",
                "SELECT w.*, l.lc AS ob_pclo FROM ob_win w "
                "LEFT JOIN (SELECT * FROM ob_lc WHERE oid IS NOT NULL) l ON l.oid = w.ord",
            )
            g = "greatest(ob_pc, ob_pclo) + 1"
        source = "ob_wl" if not self.no_min and self.fixed_min is None else "ob_win"
        good = "CASE WHEN NOT ob_bad THEN 1 END"
        plan.add(
            "ob_seq",
            f"SELECT *, count({good}) OVER ({over} ORDER BY ord {TO_HERE}) AS ob_i, {g} AS ob_g "
            f"FROM {source}",
        )
        plan.add(
            "ob_cons",
            "SELECT *, CASE WHEN NOT ob_bad THEN ob_i + greatest(0, max(CASE WHEN NOT ob_bad "
            f"THEN ob_g - ob_i END) OVER ({over} ORDER BY ord {TO_HERE})) END AS ob_c FROM ob_seq",
        )
        plan.add(
            "ob_f",
            f"SELECT o.*, e.ord AS ob_f_ord, e.ts AS ob_f_ts FROM ob_cons o LEFT JOIN "
            f"(SELECT {keys}ord, ts, ob_pc FROM ob_next WHERE ob_pm) e "
            f"ON {keys_equal(self.plan, 'o', 'e')} AND e.ob_pc = o.ob_c",
        )

    def first_unless(self) -> None:
        """`ob_c_ord`, `ob_c_ts`: the first `unless` event after the trigger it matches."""
        plan = self.plan
        if self.unless is None:
            plan.add(
                "ob_fc",
                "SELECT *, CAST(NULL AS BIGINT) AS ob_c_ord, CAST(NULL AS BIGINT) AS ob_c_ts "
                "FROM ob_f",
            )
        elif self.unless_shared:
            plan.add("ob_fc", "SELECT *, ob_nu_ord AS ob_c_ord, ob_nu_ts AS ob_c_ts FROM ob_f")
        else:
            self.pairs("ob_pu", "ob_um", self.unless.where, with_lo=False)
            plan.add(
                "ob_fc",
                "SELECT w.*, u.f_ord AS ob_c_ord, u.f_ts AS ob_c_ts FROM ob_f w "
                "LEFT JOIN ob_pu u ON u.o = w.ord",
            )

    def pairs(self, name: str, flag: str, where: ir.Expr | None, with_lo: bool) -> None:
        """Stage `name` (o, f_ord, f_ts): per obligation the first later row of its scope with
        `flag` whose `where` holds with the obligation's trigger (a join per scope)."""
        frame = RowFrame(self.st, alias="e", trigger="w", prev=self.st.previous)
        cond = all_of(
            keys_equal(self.plan, "w", "e"),
            self.later if flag == "ob_pm" else "e.ord > w.ord",
            f"e.{flag}",
            "e.ts >= w.ob_lo" if with_lo else "TRUE",
            condition(where, frame),
        )
        self.plan.add(
            name,
            "SELECT w.ord AS o, min(e.ord) AS f_ord, min(e.ts) AS f_ts FROM ob_win w "
            f"JOIN ob_next e ON {cond} WHERE NOT w.ob_bad GROUP BY w.ord",
        )

    def pair_rows(
        self, flag: str, where: ir.Expr | None, kind: int, with_lo: bool, same: bool = False
    ) -> str:
        """SELECT of step rows pairing each obligation with every later row it may take (with
        `same`, with its own trigger row)."""
        frame = RowFrame(self.st, alias="e", trigger="w", prev=self.st.previous)
        cond = all_of(
            keys_equal(self.plan, "w", "e"),
            "e.ord = w.ord" if same else "e.ord > w.ord",
            f"e.{flag}",
            "e.ts >= w.ob_lo" if with_lo else "TRUE",
            condition(where, frame),
        )
        return (
            f"SELECT {key_list(self.plan, 'e')}e.ord AS ord, e.ts AS ts, {kind} AS kind, "
            "w.ord AS ref, CAST(NULL AS BIGINT) AS lo, CAST(NULL AS BIGINT) AS dl "
            f"FROM ob_win w JOIN ob_next e ON {cond} WHERE NOT w.ob_bad"
        )

    def queued(self) -> None:
        """`each` with `unless` or a `where` reading the trigger: the sequential step."""
        plan, keys = self.plan, self.keys
        none = "CAST(NULL AS BIGINT)"
        parts = [
            f"SELECT {keys}ord, ts, {each_queue.OBLIGATION} AS kind, {none} AS ref, ob_lo AS lo, "
            "ob_dl AS dl FROM ob_win WHERE NOT ob_bad"
        ]
        if self.shared:
            parts.append(
                f"SELECT {keys}ord, ts, {each_queue.EXPECTED} AS kind, {none} AS ref, "
                f"{none} AS lo, {none} AS dl FROM ob_next WHERE ob_pm"
            )
        else:
            parts.append(
                self.pair_rows("ob_pm", self.target.where, each_queue.EXPECTED_ONE, not self.no_min)
            )
        if self.counts and self.shared:
            parts.append(
                f"SELECT {keys}ord, ts, {each_queue.OWN} AS kind, {none} AS ref, "
                f"{none} AS lo, {none} AS dl FROM ob_win WHERE NOT ob_bad AND ob_pm"
            )
        elif self.counts:
            parts.append(
                self.pair_rows("ob_pm", self.target.where, each_queue.OWN, False, same=True)
            )
        if self.unless is not None:
            if self.unless_shared:
                parts.append(
                    f"SELECT {keys}ord, ts, {each_queue.UNLESS} AS kind, {none} AS ref, "
                    f"{none} AS lo, {none} AS dl FROM ob_next WHERE ob_um"
                )
            else:
                parts.append(
                    self.pair_rows("ob_um", self.unless.where, each_queue.UNLESS_ONE, False)
                )
        order = ", ".join([*self.st.keys, "ord", "kind"])
        sql = f"SELECT * FROM ({' UNION ALL '.join(parts)}) ORDER BY {order}"
        table = "ob_queue"
        scope = list(self.st.keys)
        plan.add_step(
            table, sql, lambda rows: each_queue.match_sorted(rows, scope), each_queue.COLUMNS
        )
        plan.add(
            "ob_fc",
            "SELECT w.*, m.by_ord AS ob_f_ord, m.by_ts AS ob_f_ts, c.by_ord AS ob_c_ord, "
            f"c.by_ts AS ob_c_ts FROM ob_win w "
            f"LEFT JOIN (SELECT * FROM {table} WHERE how = 'met') m ON m.o = w.ord "
            f"LEFT JOIN (SELECT * FROM {table} WHERE how = 'cancelled') c ON c.o = w.ord",
        )

    # ----------------------------------------------------------------- outcomes

    def judge_response(self) -> None:
        horizon = self.env.horizon
        cancel = (
            "(ob_c_ord IS NOT NULL AND (ob_dl IS NULL OR ob_c_ts <= ob_dl) "
            "AND (ob_f_ord IS NULL OR ob_c_ord < ob_f_ord))"
        )
        self.plan.add(
            "ob_judged",
            "SELECT *, CASE WHEN ob_bad THEN 'condition_false' "
            f"WHEN {cancel} THEN NULL "
            "WHEN ob_f_ord IS NOT NULL AND ob_dl IS NOT NULL AND ob_f_ts > ob_dl THEN 'late' "
            "WHEN ob_f_ord IS NOT NULL THEN NULL "
            f"WHEN ob_dl IS NOT NULL AND ob_dl <= {horizon} THEN 'missing' END AS ob_kind, "
            "CASE WHEN ob_bad THEN 'violated' "
            f"WHEN {cancel} THEN 'cancelled' "
            "WHEN ob_f_ord IS NOT NULL AND ob_dl IS NOT NULL AND ob_f_ts > ob_dl THEN 'violated' "
            "WHEN ob_f_ord IS NOT NULL THEN 'satisfied' "
            f"WHEN ob_dl IS NOT NULL AND ob_dl <= {horizon} THEN 'violated' "
            "ELSE 'pending' END AS outcome FROM ob_fc",
        )

    def judge_forbid(self) -> None:
        horizon = self.env.horizon
        broken = "(ob_f_ord IS NOT NULL AND (ob_dl IS NULL OR ob_f_ts <= ob_dl))"
        cancel = "(ob_c_ord IS NOT NULL AND (ob_dl IS NULL OR ob_c_ts <= ob_dl))"
        breach = f"({broken} AND NOT ({cancel} AND ob_c_ord < ob_f_ord))"
        self.plan.add(
            "ob_judged",
            "SELECT *, CASE WHEN ob_bad THEN 'condition_false' "
            f"WHEN {breach} THEN 'forbidden' END AS ob_kind, "
            "CASE WHEN ob_bad THEN 'violated' "
            f"WHEN {breach} THEN 'violated' "
            f"WHEN {cancel} THEN 'cancelled' "
            f"WHEN ob_dl IS NOT NULL AND ob_dl <= {horizon} THEN 'satisfied' "
            "ELSE 'pending' END AS outcome FROM ob_fc",
        )

    def outputs(self, kind: str) -> None:
        plan, st = self.plan, self.st
        plan.add("outcomes", f"SELECT {self.keys}outcome FROM ob_judged")
        scope = st.scope_list
        bad = select_record(
            scope=scope,
            kind="'condition_false'",
            start_us="ts",
            end_us="ts",
            trig="ord",
            evidence="[ord]",
            cnt="cnt",
            bad_deadline="TRUE",
            bad_value="ob_badv" if self.has_bad_value() else "NULL",
        )
        parts = [f"SELECT {bad} FROM ob_judged WHERE ob_kind = 'condition_false'"]
        if kind == "response":
            late = select_record(
                scope=scope,
                kind="'late'",
                start_us="ts",
                end_us="ob_f_ts",
                trig="ord",
                evidence="[ord, ob_f_ord]",
                cnt="cnt",
                deadline="ob_dl",
                fulfilled="ob_f_ts",
            )
            missing = select_record(
                scope=scope,
                kind="'missing'",
                start_us="ts",
                end_us="ob_dl",
                trig="ord",
                evidence="[ord]",
                cnt="cnt",
                deadline="ob_dl",
            )
            parts.append(f"SELECT {late} FROM ob_judged WHERE ob_kind = 'late'")
            parts.append(f"SELECT {missing} FROM ob_judged WHERE ob_kind = 'missing'")
        else:
            forbidden = select_record(
                scope=scope,
                kind="'forbidden'",
                start_us="ts",
                end_us="ob_f_ts",
                trig="ord",
                evidence="[ord, ob_f_ord]",
                cnt="cnt",
            )
            parts.append(f"SELECT {forbidden} FROM ob_judged WHERE ob_kind = 'forbidden'")
        plan.add("records", " UNION ALL ".join(parts))
        waiting = select_waiting(
            scope=scope, trig="ord", deadline="ob_dl", cnt="cnt", remaining="ob_rem"
        )
        plan.add("waiting", f"SELECT {waiting} FROM ob_judged WHERE outcome = 'pending'")

    def has_bad_value(self) -> bool:
        d = self.window.deadline
        return d is not None and not isinstance(d, ir.CalendarPoint)


# --------------------------------------------------------------------------- before windows


class AtTrigger(RowFrame):
    """A `before` window's frame for a `where` reading the trigger: the candidate event's own
    attributes, time and local readings, but the scope as it stands at the trigger (history,
    changes, states, previous event), as the python engine judges the trigger."""

    def _col(self, name: str, of: str = "event") -> str:
        if of == "previous":
            return f"{self.trigger}.p_{name}"
        return super()._col(name, of)

    def history(self, node: ir.History) -> V:
        # read at the trigger (`include_current`, a metric group's reading, never reaches a
        # `before` window: the frame of the trigger's row would read the trigger itself)
        return RowFrame(self.st, alias=str(self.trigger), prev=self.prev).history(node)

    def changes(self, path: str) -> V:
        return RowFrame(self.st, alias=str(self.trigger)).changes(path)

    def state(self, name: str, fn: str) -> V:
        return RowFrame(self.st, alias=str(self.trigger)).state(name, fn)


def _before(plan: PolicyPlan, rule: ir.Response) -> None:
    """A `before` window, judged at the trigger from the scope's earlier expected events in
    [t − max, t − min] (same-time events earlier in processing order count; the trigger never
    does). `unless` has nothing to cancel: no obligation stays open."""
    st: Stream = plan.stream
    w = rule.window
    for d in (w.min, w.max):
        if d is not None and d.calendar is not None:
            raise NoEngineError("a 'before' window on business time")
    lo_back = fixed_us(w.max) if w.max is not None else None
    hi_back = fixed_us(w.min) if w.min is not None else 0
    gated = add_gate(plan, rule.trigger)
    over = st.over
    target = type_match(rule.expect.types)
    if not uses_trigger(rule.expect.where):
        frame = RowFrame(st, prev=st.previous)
        pm = all_of(target, condition(rule.expect.where, frame))
        plan.add("ob_marked", f"SELECT *, {pm} AS ob_pm FROM {gated}")
        if hi_back > 0:  # ts <= t - min < t: earlier in processing order
            frame_sql = f"ORDER BY ts RANGE BETWEEN UNBOUNDED PRECEDING AND {hi_back} PRECEDING"
        else:
            frame_sql = f"ORDER BY ord {BEFORE_HERE}"
        plan.add(
            "ob_back",
            f"SELECT *, max(CASE WHEN ob_pm THEN ts END) OVER ({over} {frame_sql}) AS ob_b_ts "
            "FROM ob_marked",
        )
        found = "ob_b_ts IS NOT NULL" + (
            f" AND ob_b_ts >= ts - {lo_back}" if lo_back is not None else ""
        )
        plan.add("ob_judged", f"SELECT *, {found} AS ob_found FROM ob_back WHERE fires")
    else:
        plan.add("ob_marked", f"SELECT *, {target} AS ob_pm FROM {gated}")
        plan.add("ob_trig", "SELECT * FROM ob_marked WHERE fires")
        frame = AtTrigger(st, alias="e", trigger="w", prev=st.previous)
        cond = all_of(
            keys_equal(plan, "w", "e"),
            "e.ob_pm",
            "e.ord < w.ord",
            f"e.ts <= w.ts - {hi_back}",
            f"e.ts >= w.ts - {lo_back}" if lo_back is not None else "TRUE",
            condition(rule.expect.where, frame),
        )
        plan.add(
            "ob_hits",
            f"SELECT DISTINCT w.ord AS o FROM ob_trig w JOIN ob_marked e ON {cond}",
        )
        plan.add(
            "ob_judged",
            "SELECT w.*, h.o IS NOT NULL AS ob_found FROM ob_trig w "
            "LEFT JOIN ob_hits h ON h.o = w.ord",
        )
    keys = key_list(plan)
    plan.add(
        "outcomes",
        f"SELECT {keys}CASE WHEN ob_found THEN 'satisfied' ELSE 'violated' END AS outcome "
        "FROM ob_judged",
    )
    start = f"ts - {lo_back}" if lo_back is not None else "ts"
    record = select_record(
        scope=st.scope_list,
        kind="'missing'",
        start_us=start,
        end_us="ts",
        trig="ord",
        evidence="[ord]",
        cnt="cnt",
    )
    plan.add("records", f"SELECT {record} FROM ob_judged WHERE NOT ob_found")
    plan.add(
        "waiting",
        f"SELECT {select_waiting(scope=st.scope_list, trig='ord')} FROM stream WHERE FALSE",
    )


__all__ = ["AtTrigger", "forbid_after", "response"]
