"""Reference engine, several expectations at one trigger: `when T expect … expect …`, one
verdict judged at the trigger from the scope's earlier events (docs/semantics.md, "Several
expectations")."""

from __future__ import annotations

from collections import deque
from typing import Any

from cxrules import ir
from cxrules.engines.python.counting import GateState, TriggerGate
from cxrules.engines.python.evaluate import Matcher
from cxrules.engines.python.scopes import RuleRunner, RunEnv, Scope
from cxrules.logs.event import Event
from cxrules.time.instants import seconds_to_us


class ExData:
    """Per scope: the trigger gate and, per expectation, the earlier matching events its
    window may still hold ((instant, event), the event kept only when its `where` reads the
    trigger) and how many have left an unbounded window's reach for good (`older`)."""

    __slots__ = ("gate", "past", "older")

    def __init__(self, gate: GateState | None, n: int) -> None:
        self.gate = gate
        self.past: list[deque[tuple[int, Event | None]]] = [deque() for _ in range(n)]
        self.older = [0] * n


class ExpectationsRunner(RuleRunner):
    """Runs an `Expectations` rule. At each event of a scope: a trigger is judged first (so it
    never counts itself; an earlier event at the same instant does), then the event is
    remembered by every expectation it matches. A trigger counts, per expectation, the
    remembered events in [t − max, t − min]; any count outside [at_least, at_most] makes the
    activation one `unmet` violation with every count, else it is satisfied."""

    kind = "expectations"

    def __init__(self, policy: ir.Policy, env: RunEnv) -> None:
        super().__init__(policy, env)
        rule = policy.rule
        assert isinstance(rule, ir.Expectations)
        self.rule = rule
        self.gate = TriggerGate(rule.trigger, self.layout)
        self.matchers = [Matcher(e.pattern, self.layout) for e in rule.expects]
        # fixed durations only: business-time windows are refused by PythonEngine.limits
        self.lookback = [
            seconds_to_us(e.window.max.seconds) if e.window.max else None for e in rule.expects
        ]
        self.min_back = [
            seconds_to_us(e.window.min.seconds) if e.window.min else 0 for e in rule.expects
        ]
        self.track(rule.trigger.pattern, *(e.pattern for e in rule.expects))
        if self.gate.unbounded:
            self.retires = False  # the count runs over the scope's whole history
        self.seal()

    def new_data(self) -> Any:
        return ExData(self.gate.fresh(), len(self.matchers))

    def handle(self, scope: Scope, event: Event, ts: int, changed: int) -> None:
        data: ExData = scope.data
        etype = event.type
        if self.gate.matcher.type_ok(etype):
            ctx = self.ctx
            ctx.event, ctx.trigger = event, event
            count = self.gate.fires(data.gate, ctx, ts)
            if count:
                self.counts.activations += 1
                scope.activated = True
                self.judge(scope, data, event, ts, count)
        for i, matcher in enumerate(self.matchers):
            if matcher.type_ok(etype):
                self.remember(i, matcher, data, event, ts)

    def remember(self, i: int, matcher: Matcher, data: ExData, event: Event, ts: int) -> None:
        """Keep an event an expectation matches (its `where`, unless it reads the trigger)."""
        if matcher.uses_trigger:
            data.past[i].append((ts, event))
            return
        ctx = self.ctx
        ctx.event, ctx.trigger = event, None
        if matcher.where_ok(ctx):
            data.past[i].append((ts, None))

    def judge(self, scope: Scope, data: ExData, event: Event, ts: int, count: int) -> None:
        counts = tuple(self.count(i, data, event, ts) for i in range(len(self.matchers)))
        expects = self.rule.expects
        if all(e.met(c) for e, c in zip(expects, counts, strict=True)):
            self.counts.satisfied += 1
            return
        # the span of the failed expectations' windows ([t − max, t − min]; without an earliest
        # bound, the instant t − min): the earliest start, the latest end
        failed = [i for i, (e, c) in enumerate(zip(expects, counts, strict=True)) if not e.met(c)]
        start = min(ts - (self.lookback[i] or self.min_back[i]) for i in failed)
        end = max(ts - self.min_back[i] for i in failed)
        self.violate(
            scope,
            "unmet",
            start,
            end,
            trigger=event,
            evidence=[event],
            count=count,
            counts=counts,
            reported=self.reported(event),
        )

    def count(self, i: int, data: ExData, trigger: Event, ts: int) -> int:
        """Events of expectation i in [ts − max, ts − min], strictly before the trigger."""
        past, lookback, hi = data.past[i], self.lookback[i], ts - self.min_back[i]
        matcher = self.matchers[i]
        if lookback is not None:
            lo = ts - lookback
            while past and past[0][0] < lo:  # later triggers' windows start later still
                past.popleft()
        elif not matcher.uses_trigger:
            while past and past[0][0] <= hi:  # inside every later trigger's window too
                past.popleft()
                data.older[i] += 1
        found = data.older[i]
        ctx = self.ctx
        for ets, candidate in past:
            if ets > hi:
                break
            if candidate is not None:
                ctx.event, ctx.trigger = candidate, trigger
                if not matcher.where_ok(ctx):
                    continue
            found += 1
        return found

    def kept_for_good(self, scope: Scope) -> bool:
        # an unbounded window counts every earlier event for every later trigger
        data: ExData = scope.data
        return any(
            lb is None and (data.older[i] or data.past[i]) for i, lb in enumerate(self.lookback)
        )

    def quiet(self, scope: Scope, now: int) -> bool:
        data: ExData = scope.data
        if not self.gate.done(data.gate, now):
            return False
        for i, lookback in enumerate(self.lookback):
            past = data.past[i]
            if lookback is None:
                if past or data.older[i]:
                    return False
            elif past and past[-1][0] >= now - lookback:
                return False
        return True
