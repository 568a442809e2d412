"""Reference engine, obligations: windows, deadlines, paused clocks and cancelling."""

from __future__ import annotations

from collections import deque
from typing import Any

from cxrules import ir
from cxrules.engines.python.counting import GateState, TriggerGate
from cxrules.engines.python.evaluate import EngineError, Fn, Matcher, compile_expr
from cxrules.engines.python.scopes import RuleRunner, Scope
from cxrules.engines.python.sentences import describe, duration_text, value_text, when
from cxrules.engines.python.values import MISSING, as_instant
from cxrules.logs.event import Event
from cxrules.time.format import format_duration


class Obligation:
    """One activation waiting for its window: trigger, earliest time, deadline (None: no limit, or
    paused with `remaining` clock time left)."""

    __slots__ = ("trigger", "ts", "lo", "deadline", "remaining", "count")

    def __init__(self, trigger: Event, ts: float, lo: float, deadline: float | None, count: int):
        self.trigger = trigger
        self.ts = ts
        self.lo = lo
        self.deadline = deadline
        self.remaining: float | None = None
        self.count = count  # what the counting gate reached (1 for plain triggers)


class ObData:
    """Per scope: open obligations, missed ones (kept for `late`), the trigger gate, and past
    expected events for `before` windows."""

    __slots__ = ("open", "missed", "gate", "past")

    def __init__(self, gate: GateState | None, before: bool = False) -> None:
        self.open: list[Obligation] = []
        self.missed: tuple[Obligation, ...] | list[Obligation] = ()  # a list once one is missed
        self.gate = gate
        self.past: deque[tuple[float, Event]] | tuple[()] = deque() if before else ()


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
        if window.direction == "before" and (window.deadline is not None or window.paused_while):
            raise EngineError("a 'before' window cannot have a deadline or a paused clock")
        fixed = window.deadline is None and window.max is not None and window.max.calendar is None
        self.fixed_max = window.max.seconds if fixed and window.max is not None else None
        self.pause_bit = 0
        self.pause_slot = -1
        if window.paused_while is not None:
            if window.paused_while not in self.layout.states:
                raise EngineError(
                    f"the clock pauses while state {window.paused_while!r}, "
                    "which the policy does not define"
                )
            self.pause_slot = self.layout.states[window.paused_while]
            self.pause_bit = 1 << self.pause_slot
        self.track(trigger.pattern, unless)
        if self.gate.unbounded:
            self.retires = False  # the count runs over the scope's whole history

    def new_data(self) -> Any:
        return ObData(self.gate.fresh(), self.window.direction == "before")

    def quiet(self, scope: Scope, now: float) -> bool:
        data: ObData = scope.data
        if data.open:
            self.expire(scope, data, now)  # as the scope's next event (or the horizon) would
        return not data.open and not data.missed and self.gate.done(data.gate, now)

    # ----------------------------------------------------------------- window

    def window_text(self) -> str:
        """'within 24h', 'by end of day', 'by last(appointment.booked).window_end'."""
        w = self.window
        if isinstance(w.deadline, ir.CalendarPoint):
            p = w.deadline
            return f"by {p.time}" if p.point == "time_of_day" else f"by {p.point.replace('_', ' ')}"
        if w.deadline is not None:
            return f"by {describe(w.deadline)}"
        if w.max is None:
            return "at any time"
        return f"within {duration_text(w.max)}"

    def open_obligation(
        self, scope: Scope, data: ObData, event: Event, ts: float, count: int
    ) -> None:
        """Open the obligation of a trigger (after windows only); a deadline that cannot be read
        is a `condition_false` violation instead."""
        w, clock = self.window, self.env.clock
        lo = clock.add(ts, w.min) if w.min is not None else ts
        deadline: float | None = None
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
                self._bad_deadline(scope, event, ts, value, count)
                return
            deadline = instant.timestamp()
        elif w.max is not None:
            deadline = clock.add(ts, w.max)
        ob = Obligation(event, ts, lo, deadline, count)
        if self.pause_bit and deadline is not None and scope.states[self.pause_slot]:
            ob.remaining = clock.remaining(ts, deadline, w.max)
            ob.deadline = None
        data.open.append(ob)

    def _bad_deadline(self, scope: Scope, event: Event, ts: float, value: Any, count: int) -> None:
        assert self.window.deadline is not None and not isinstance(
            self.window.deadline, ir.CalendarPoint
        )
        what = describe(self.window.deadline)
        if value is MISSING:
            reason = f"its deadline {what} is missing"
        else:
            reason = f"its deadline {what} = {value_text(value, self.log_zone)} is not a time"
        about = self.about(scope, event, count)
        sentence = f"{about} at {when(event.time, self.log_zone)}: {reason}"
        self.violate(scope, "condition_false", ts, ts, sentence, trigger=event, evidence=[event])

    # ----------------------------------------------------------------- clock

    def expire(self, scope: Scope, data: ObData, ts: float) -> None:
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

    def toggle_pause(self, scope: Scope, data: ObData, ts: float) -> None:
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

    def cancel(self, scope: Scope, data: ObData, event: Event, ts: float) -> None:
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

    def about(self, scope: Scope, trigger: Event, count: int) -> str:
        """'3rd complaint.filed within 30d of customer c-1' (no 'of …' for the global scope)."""
        head = self.gate.about(count, trigger.type)
        label = self.scope_label(scope)
        return f"{head} of {label}" if label else head

    def pending_sentence(self, scope: Scope, ob: Obligation) -> str:
        raise NotImplementedError

    def finish_open(self, scope: Scope, data: ObData, horizon: float) -> None:
        """Report obligations open at the horizon as pending (with deadline and risk)."""
        for ob in data.open:
            lead = self.at_risk(horizon, ob.deadline)
            self.hold(scope, ob.trigger, ob.deadline, self.pending_sentence(scope, ob), lead)
        data.open = []

    def deadline_text(self, ob: Obligation) -> str:
        if ob.deadline is None:
            if ob.remaining is not None:
                d = self.window.max
                if d is not None and d.unit == "hours":
                    # Business time: hours of opening time, not hours of the day.
                    hours = round(ob.remaining / 3600, 2)
                    return f"clock paused with {hours:g} business hours left"
                return f"clock paused with {format_duration(ob.remaining)} left"
            return "no deadline"
        return f"deadline {when(ob.deadline, self.log_zone)}"
