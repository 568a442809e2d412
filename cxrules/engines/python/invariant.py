"""Reference engine, invariants: `while S: always C, grace G`, gaps longer than the grace; and
`while S: at most D`, compiled to `always false, grace D` (each stretch of S is one gap)."""

from __future__ import annotations

from typing import Any

from cxrules import ir
from cxrules.engines.python.evaluate import compile_expr
from cxrules.engines.python.scopes import RuleRunner, RunEnv, Scope
from cxrules.logs.event import Event


class GapData:
    """Per scope: whether the `during` state is active, the open gap (since when, which event),
    a gap end waiting to see whether the gap resumes at the same instant, and interval tallies."""

    __slots__ = (
        "during",
        "bad_since",
        "bad_event",
        "close_at",
        "close_event",
        "intervals",
        "violated_intervals",
        "last_violated",
    )

    def __init__(self) -> None:
        self.during = False
        self.bad_since: int | None = None
        self.bad_event: Event | None = None
        self.close_at: int | None = None
        self.close_event: Event | None = None
        self.intervals = 0
        self.violated_intervals = 0
        self.last_violated = 0


class InvariantRunner(RuleRunner):
    """Runs an `Invariant` (see docs/semantics.md, "Invariant").

    The condition is read after every event of the policy's states, once the event has changed
    them. A gap is a maximal interval where `during` is active and the condition is not true; a
    gap that ends and restarts at the same instant is one gap. Gaps longer than the grace are
    violations reporting the whole gap; a gap still open at the horizon is judged up to it."""

    kind = "invariant"

    def __init__(self, policy: ir.Policy, env: RunEnv) -> None:
        super().__init__(policy, env)
        rule = policy.rule
        assert isinstance(rule, ir.Invariant)
        self.rule = rule
        self.during_slot = self.layout.states[rule.during]
        self.condition = compile_expr(rule.condition, self.layout)
        self.seal()

    def new_data(self) -> Any:
        return GapData()

    def quiet(self, scope: Scope, now: int) -> bool:
        d: GapData = scope.data
        if d.close_at is not None and now > d.close_at:
            self.close_gap(scope, d)  # as the scope's next event (or the horizon) would
        return d.bad_since is None and d.close_at is None

    def fold(self, scope: Scope) -> None:
        d: GapData = scope.data
        self.counts.satisfied += d.intervals - d.violated_intervals

    def handle(self, scope: Scope, event: Event, ts: int, changed: int) -> None:
        d: GapData = scope.data
        if d.close_at is not None and ts > d.close_at:
            self.close_gap(scope, d)
        during = bool(scope.states[self.during_slot])
        if during and not d.during:
            d.intervals += 1
            self.counts.activations += 1
            scope.activated = True
        d.during = during
        bad = during and self.condition(self.ctx) is not True
        if bad:
            if d.close_at is not None:  # the gap resumes at the instant it ended: one gap
                d.close_at, d.close_event = None, None
            elif d.bad_since is None:
                d.bad_since, d.bad_event = ts, event
                if self.on_due is not None:
                    self.on_due(scope, d)
        elif d.bad_since is not None and d.close_at is None:
            d.close_at, d.close_event = ts, event

    def close_gap(self, scope: Scope, d: GapData) -> None:
        assert d.bad_since is not None and d.close_at is not None and d.bad_event is not None
        start, end = d.bad_since, d.close_at
        if self.env.clock.longer(start, end, self.rule.grace):
            evidence = [d.bad_event] + ([d.close_event] if d.close_event else [])
            self.report(scope, d, start, end, d.bad_event, evidence, still_open=False)
        d.bad_since = d.bad_event = d.close_at = d.close_event = None

    def report(
        self,
        scope: Scope,
        d: GapData,
        start: int,
        end: int,
        trigger: Event,
        evidence: list[Event],
        still_open: bool,
    ) -> None:
        """One gap violation; the interval counts as violated once, at its first such gap."""
        first = d.last_violated != d.intervals
        self.violate(
            scope,
            "too_long" if self.rule.limit else "gap",
            start,
            end,
            trigger=trigger,
            evidence=evidence,
            still_open=still_open,
            counted=first,
        )
        if first:
            d.last_violated = d.intervals
            d.violated_intervals += 1

    def finish(self, horizon: int) -> None:
        for scope in self.scopes.values():
            d: GapData = scope.data
            if d.close_at is not None:
                self.close_gap(scope, d)
            held = 0
            if d.bad_since is not None:
                assert d.bad_event is not None
                start = d.bad_since
                if self.env.clock.longer(start, horizon, self.rule.grace):
                    self.report(scope, d, start, horizon, d.bad_event, [d.bad_event], True)
                else:
                    deadline = self.env.clock.add(start, self.rule.grace)
                    # an interval already violated stays violated; its open gap is still listed
                    held = 0 if d.last_violated == d.intervals else 1
                    self.hold(scope, d.bad_event, deadline, counted=bool(held), since=start)
            self.counts.satisfied += d.intervals - d.violated_intervals - held
