"""Reference engine, obligations: windows, deadlines, paused clocks and cancelling."""

from __future__ import annotations

from collections import deque
from typing import Any

from cxrules import ir
from cxrules.engines.python.counting import GateState, TriggerGate
from cxrules.engines.python.evaluate import Fn, Matcher, compile_expr
from cxrules.engines.python.scopes import RuleRunner, Scope
from cxrules.engines.python.values import MISSING, as_instant
from cxrules.logs.event import Event
from cxrules.time.instants import seconds_to_us, to_us


class Obligation:
    """One activation waiting for its window: trigger, earliest time, deadline (None: no limit, or
    paused with `remaining` clock time left). Instants in µs. `seq` numbers obligations in
    trigger order (the oldest has the smallest). `reported`: the policy's `report` values, read
    at the trigger."""

    __slots__ = ("trigger", "ts", "lo", "deadline", "remaining", "count", "seq", "reported")

    def __init__(
        self, trigger: Event, ts: int, lo: int, deadline: int | None, count: int, seq: int = 0
    ):
        self.trigger = trigger
        self.ts = ts
        self.lo = lo
        self.deadline = deadline
        self.remaining: int | None = None
        self.count = count  # what the counting gate reached (1 for plain triggers)
        self.seq = seq
        self.reported: tuple[tuple[str, Any], ...] = ()


class ObData:
    """Per scope: open obligations, missed ones (kept for `late`), the trigger gate, and past
    expected events for `before` windows."""

    __slots__ = ("open", "missed", "gate", "past")

    def __init__(self, gate: GateState | None, before: bool = False) -> None:
        self.open: list[Obligation] = []
        self.missed: tuple[Obligation, ...] | list[Obligation] = ()  # a list once one is missed
        self.gate = gate
        self.past: deque[tuple[int, Event]] | tuple[()] = deque() if before else ()


class ObligationRunner(RuleRunner):
    """Shared machinery of rules that open obligations at a trigger (response, forbid after)."""

    trigger_ir: ir.Trigger
    window: ir.Window

    def setup(self, trigger: ir.Trigger, window: ir.Window, unless: ir.Pattern | None) -> None:
        self.trigger_ir, self.window = trigger, window
        self.gate = TriggerGate(trigger, self.layout)
        self.unless = Matcher(unless, self.layout) if unless is not None else None
        self.deadline_fn: Fn | None = None
        if window.deadline is not None and not isinstance(window.deadline, ir.CalendarPoint):
            self.deadline_fn = compile_expr(window.deadline, self.layout)
        fixed = window.deadline is None and window.max is not None and window.max.calendar is None
        self.fixed_max = seconds_to_us(window.max.seconds) if fixed and window.max else None
        self.pause_bit = 0
        self.pause_slot = -1
        if window.paused_while is not None:
            # ir.validate guarantees the state is defined
            self.pause_slot = self.layout.states[window.paused_while]
            self.pause_bit = 1 << self.pause_slot
        self.track(trigger.pattern, unless)
        self.opened = 0  # obligations opened so far (their `seq`)
        if self.gate.unbounded:
            self.retires = False  # the count runs over the scope's whole history

    def new_data(self) -> Any:
        return ObData(self.gate.fresh(), self.window.direction == "before")

    def quiet(self, scope: Scope, now: int) -> bool:
        data: ObData = scope.data
        if data.open:
            self.expire(scope, data, now)  # as the scope's next event (or the horizon) would
        return not data.open and not data.missed and self.gate.done(data.gate, now)

    # ----------------------------------------------------------------- window

    def open_obligation(
        self, scope: Scope, data: ObData, event: Event, ts: int, count: int
    ) -> Obligation | None:
        """Open the obligation of a trigger (after windows only); a deadline that cannot be read
        is a `condition_false` violation instead (and None is returned)."""
        w, clock = self.window, self.env.clock
        lo = clock.add(ts, w.min) if w.min is not None else ts
        deadline: int | None = None
        if self.fixed_max is not None:
            deadline = ts + self.fixed_max
        elif isinstance(w.deadline, ir.CalendarPoint):
            deadline = clock.point(ts, w.deadline, self.zone)
        elif self.deadline_fn is not None:
            ctx = self.ctx
            ctx.event, ctx.trigger = event, event
            value = self.deadline_fn(ctx)
            instant = as_instant(value, self.log_zone) if value is not MISSING else None
            if instant is None:
                self.violate(
                    scope,
                    "condition_false",
                    ts,
                    ts,
                    trigger=event,
                    evidence=[event],
                    count=count,
                    bad_deadline=True,
                    value=None if value is MISSING else value,
                    reported=self.reported(event),
                )
                return None
            deadline = to_us(instant)
        elif w.max is not None:
            deadline = clock.add(ts, w.max)
        self.opened += 1
        ob = Obligation(event, ts, lo, deadline, count, self.opened)
        if self.reporters:
            ob.reported = self.reported(event)
        if self.pause_bit and deadline is not None and scope.states[self.pause_slot]:
            ob.remaining = clock.remaining(ts, deadline, w.max)
            ob.deadline = None
        data.open.append(ob)
        if self.on_due is not None:
            self.on_due(scope, ob)
        return ob

    # ----------------------------------------------------------------- clock

    def expire(self, scope: Scope, data: ObData, ts: int) -> None:
        """Hand every obligation whose deadline is before `ts` to `expired`."""
        still = []
        for ob in data.open:
            if ob.deadline is not None and ts > ob.deadline:
                self.expired(scope, data, ob)
            else:
                still.append(ob)
        data.open = still

    def expired(self, scope: Scope, data: ObData, ob: Obligation) -> None:
        raise NotImplementedError

    def toggle_pause(self, scope: Scope, data: ObData, ts: int) -> None:
        """The pausing state changed at `ts`: stop or restart every open clock of the scope."""
        self.expire(scope, data, ts)
        clock, d = self.env.clock, self.window.max
        if scope.states[self.pause_slot]:
            for ob in data.open:
                if ob.deadline is not None:
                    ob.remaining = clock.remaining(ts, ob.deadline, d)
                    ob.deadline = None
        else:
            for ob in data.open:
                if ob.remaining is not None:
                    ob.deadline = clock.resume(ts, ob.remaining, d)
                    ob.remaining = None

    def cancel(self, scope: Scope, data: ObData, event: Event, ts: int) -> None:
        """An `unless` event cancels every open obligation it matches (after its trigger)."""
        assert self.unless is not None
        self.expire(scope, data, ts)
        ctx, unless = self.ctx, self.unless
        ctx.event = event
        shared = None if unless.uses_trigger else unless.where_ok(ctx)
        still = []
        for ob in data.open:
            if shared is None:
                ctx.trigger = ob.trigger
                hit = unless.where_ok(ctx)
            else:
                hit = shared
            if hit:
                self.counts.cancelled += 1
            else:
                still.append(ob)
        data.open = still

    # ----------------------------------------------------------------- horizon

    def finish_open(self, scope: Scope, data: ObData, horizon: int) -> None:
        """Report obligations open at the horizon as pending (with their deadline)."""
        for ob in data.open:
            self.hold(scope, ob.trigger, ob.deadline, count=ob.count, remaining=ob.remaining)
        data.open = []
