"""Reference engine, response: `when T expect P <window>`, obligations met, missed, late or open."""

from __future__ import annotations

from collections.abc import Callable

from cxrules import ir
from cxrules.engines.python.evaluate import Matcher
from cxrules.engines.python.obligations import (
    ObData,
    Obligation,
    ObligationRunner,
)
from cxrules.engines.python.scopes import RunEnv, Scope
from cxrules.logs.event import Event
from cxrules.time.instants import seconds_to_us


class ResponseRunner(ObligationRunner):
    """Runs a `Response` rule (see docs/semantics.md, "Response").

    At each event of a scope, in this order: the pausing state is applied; the event meets open
    obligations (every one it matches, or with `each` the oldest unfulfilled one it matches,
    overdue included); it cancels with `unless`; it may trigger a new obligation, which it meets
    itself only with `trigger counts` (with `each`, only if it met no older one); for `before`
    windows it is remembered as a past candidate."""

    kind = "response"

    def __init__(self, policy: ir.Policy, env: RunEnv) -> None:
        super().__init__(policy, env)
        rule = policy.rule
        assert isinstance(rule, ir.Response)
        self.rule = rule
        self.expect = Matcher(rule.expect, self.layout)
        self.setup(rule.trigger, rule.window, rule.unless)
        self.before = rule.window.direction == "before"
        w = rule.window
        # fixed durations only: business-time before windows are refused by PythonEngine.limits
        self.lookback = seconds_to_us(w.max.seconds) if self.before and w.max else None
        self.min_back = seconds_to_us(w.min.seconds) if self.before and w.min else 0
        self.track(rule.expect)
        self.seal()
        # the common case: no `each`, no lower bound, `where` not reading the trigger
        self.simple = not rule.each and w.min is None and not self.expect.uses_trigger
        self.roles: dict[str, int] = {}

    def role(self, etype: str) -> int:
        """Which parts of the rule an event type plays: 1 expected, 2 unless, 4 trigger."""
        found = (
            (1 if self.expect.type_ok(etype) else 0)
            | (2 if self.unless is not None and self.unless.type_ok(etype) else 0)
            | (4 if self.gate.matcher.type_ok(etype) else 0)
        )
        self.roles[etype] = found
        return found

    def handle(self, scope: Scope, event: Event, ts: int, changed: int) -> None:
        data: ObData = scope.data
        if changed & self.pause_bit:
            self.toggle_pause(scope, data, ts)
        etype = event.type
        role = self.roles.get(etype)
        if role is None:
            role = self.role(etype)
        expected = role & 1
        used = False  # `each`: the event has met an obligation
        if expected and (data.open or data.missed):
            if self.simple and not data.missed:
                self.fulfil_all(scope, data, event, ts)
            else:
                used = self.fulfil(scope, data, event, ts)
        if role & 2 and data.open:
            self.cancel(scope, data, event, ts)
        if role & 4:
            ctx = self.ctx
            ctx.event, ctx.trigger = event, event
            count = self.gate.fires(data.gate, ctx, ts)
            if count:
                self.counts.activations += 1
                scope.activated = True
                if self.before:
                    self.judge_before(scope, data, event, ts, count)
                else:
                    ob = self.open_obligation(scope, data, event, ts, count)
                    if ob is not None and expected and self.rule.trigger_counts and not used:
                        self.meet_own(scope, data, ob, event, ts)
        if self.before and expected:
            self.remember(data, event, ts)

    # ----------------------------------------------------------------- after windows

    def fulfil_all(self, scope: Scope, data: ObData, event: Event, ts: int) -> None:
        """The simple case of `fulfil`: the event meets every obligation still in time and
        makes every missed one late (nothing was missed before)."""
        if self.expect.where is not None:
            ctx = self.ctx
            ctx.event = event
            if self.expect.where(ctx) is not True:
                return
        met, late = 0, []
        for ob in data.open:
            deadline = ob.deadline
            if deadline is not None and ts > deadline:
                late.append(ob)
            else:
                met += 1
        data.open = []
        self.counts.satisfied += met
        for ob in late:
            self.report_late(scope, ob, event, ts)

    def meet_own(self, scope: Scope, data: ObData, ob: Obligation, event: Event, ts: int) -> None:
        """`trigger counts`: the trigger, also an expected event, meets the obligation it has
        just opened when `where` holds for it (the checker allows only windows starting at the
        trigger); a deadline already past (`by 18:00` after 18:00) makes it `late`."""
        ctx = self.ctx
        ctx.event, ctx.trigger = event, event
        if ts < ob.lo or not self.expect.where_ok(ctx):
            return
        data.open = [o for o in data.open if o is not ob]
        if ob.deadline is not None and ts > ob.deadline:
            self.report_late(scope, ob, event, ts)
        else:
            self.counts.satisfied += 1

    def fulfil(self, scope: Scope, data: ObData, event: Event, ts: int) -> bool:
        """Meet open obligations and turn missed ones into `late` violations: Declare, every
        one it matches; `each`, the oldest unfulfilled one it matches, missed or not. True when
        `each` met one."""
        self.expire(scope, data, ts)
        ctx, expect = self.ctx, self.expect
        ctx.event = event
        shared = None if expect.uses_trigger else expect.where_ok(ctx)
        if shared is False:
            return False

        def matches(ob: Obligation) -> bool:
            if ts < ob.lo:
                return False
            if shared is None:
                ctx.trigger = ob.trigger
                return expect.where_ok(ctx)
            return True

        if self.rule.each:
            return self.fulfil_oldest(scope, data, event, ts, matches)
        met = [ob for ob in data.open if matches(ob)]
        if met:
            gone = set(map(id, met))
            data.open = [ob for ob in data.open if id(ob) not in gone]
            self.counts.satisfied += len(met)
        late = [ob for ob in data.missed if matches(ob)]
        if late:
            gone = set(map(id, late))
            data.missed = [ob for ob in data.missed if id(ob) not in gone]
            for ob in late:
                self.report_late(scope, ob, event, ts)
        return False

    def fulfil_oldest(
        self,
        scope: Scope,
        data: ObData,
        event: Event,
        ts: int,
        matches: Callable[[Obligation], bool],
    ) -> bool:
        """`each`: the event meets the oldest unfulfilled obligation it matches (by trigger
        order), overdue included — then it is `late` (issue 12, point 17)."""
        oldest = next((ob for ob in data.open if matches(ob)), None)  # open: trigger order
        missed = False
        for ob in data.missed:  # missed: in the order their deadlines passed
            if (oldest is None or ob.seq < oldest.seq) and matches(ob):
                oldest, missed = ob, True
        if oldest is None:
            return False
        if missed:
            data.missed = [ob for ob in data.missed if ob is not oldest]
            self.report_late(scope, oldest, event, ts)
        else:
            data.open = [ob for ob in data.open if ob is not oldest]
            self.counts.satisfied += 1
        return True

    def expired(self, scope: Scope, data: ObData, ob: Obligation) -> None:
        if data.missed:
            data.missed.append(ob)  # type: ignore[union-attr]
        else:
            data.missed = [ob]

    def report_late(self, scope: Scope, ob: Obligation, event: Event, ts: int) -> None:
        assert ob.deadline is not None
        self.violate(
            scope,
            "late",
            ob.ts,
            ts,
            trigger=ob.trigger,
            evidence=[ob.trigger, event],
            fulfilled=ts,
            deadline=ob.deadline,
            count=ob.count,
            reported=ob.reported,
        )

    def report_missing(self, scope: Scope, ob: Obligation) -> None:
        assert ob.deadline is not None
        self.violate(
            scope,
            "missing",
            ob.ts,
            ob.deadline,
            trigger=ob.trigger,
            evidence=[ob.trigger],
            deadline=ob.deadline,
            count=ob.count,
            reported=ob.reported,
        )

    def finish(self, horizon: int) -> None:
        for scope in self.scopes.values():
            data: ObData = scope.data
            self.expire(scope, data, horizon + 1)  # a deadline at the horizon is decided
            for ob in data.missed:
                self.report_missing(scope, ob)
            data.missed = []
            self.finish_open(scope, data, horizon)

    def kept_for_good(self, scope: Scope) -> bool:
        # missed obligations wait for a late event to the end; without a lookback the earliest
        # expected event counts for every later trigger
        data: ObData = scope.data
        return bool(data.missed) or (bool(data.past) and self.lookback is None)

    def quiet(self, scope: Scope, now: int) -> bool:
        if not super().quiet(scope, now):
            return False
        past = scope.data.past
        if not past:
            return True
        # without a lookback the earliest expected event counts for every later trigger
        return self.lookback is not None and past[-1][0] < now - self.lookback

    # ----------------------------------------------------------------- before windows

    def remember(self, data: ObData, event: Event, ts: int) -> None:
        """Keep a past expected event while it can still fall in some trigger's window."""
        if not self.expect.uses_trigger:
            ctx = self.ctx
            ctx.event, ctx.trigger = event, None
            if not self.expect.where_ok(ctx):
                return
            if self.lookback is None:
                if not data.past:
                    data.past.append((ts, event))  # type: ignore[union-attr]
                return
        data.past.append((ts, event))  # type: ignore[union-attr]

    def judge_before(self, scope: Scope, data: ObData, event: Event, ts: int, count: int) -> None:
        """A `before` window is judged at the trigger from the remembered past events."""
        past, lo, hi = data.past, None, ts - self.min_back
        if self.lookback is not None:
            lo = ts - self.lookback
            while past and past[0][0] < lo:
                past.popleft()
        ctx, found = self.ctx, None
        for ets, candidate in past:
            if ets > hi:
                break
            if lo is not None and ets < lo:
                continue
            if self.expect.uses_trigger:
                ctx.event, ctx.trigger = candidate, event
                if not self.expect.where_ok(ctx):
                    continue
            found = candidate
        if found is not None:
            self.counts.satisfied += 1
            return
        start = ts - self.lookback if self.lookback is not None else ts
        self.violate(
            scope,
            "missing",
            start,
            ts,
            trigger=event,
            evidence=[event],
            count=count,
            reported=self.reported(event),
        )
