"""Reference engine, counting: counted triggers (`when 3rd P within 30d`) and rate limits."""

from __future__ import annotations

from collections import deque
from typing import Any

from cxrules import ir
from cxrules.engines.python.evaluate import Ctx, Layout, Matcher
from cxrules.engines.python.scopes import RuleRunner, RunEnv, Scope
from cxrules.logs.event import Event
from cxrules.time.instants import seconds_to_us


class GateState:
    """Per scope: the times of matching events inside the sliding window, and whether armed."""

    __slots__ = ("times", "armed", "total")

    def __init__(self) -> None:
        self.times: deque[int] = deque()
        self.armed = True
        self.total = 0


class TriggerGate:
    """A compiled `Trigger`: `fires` returns 0 when the event does not activate the rule, else
    the count it reached (1 for plain triggers).

    Counted: the window [t - within, t] is inclusive; without `within` the count runs over the
    whole scope history. Without `or_later` the gate fires once when the count reaches nth and
    re-arms when, at a later matching event, the count (before adding it) is below nth."""

    def __init__(self, trigger: ir.Trigger, layout: Layout) -> None:
        self.matcher = Matcher(trigger.pattern, layout)
        self.nth = trigger.nth
        self.or_later = trigger.or_later
        self.within = trigger.within
        # fixed durations only: business-time counting windows are refused by PythonEngine.limits
        self.window = seconds_to_us(trigger.within.seconds) if trigger.within else None

    def fresh(self) -> GateState | None:
        return None if self.nth is None else GateState()

    @property
    def unbounded(self) -> bool:
        """True for a counted trigger without `within`: it counts the scope's whole history."""
        return self.nth is not None and self.window is None

    def done(self, state: GateState | None, now: int) -> bool:
        """True when no time kept in `state` can still be in the window of an event at `now` or
        later (a fresh state would behave the same)."""
        if state is None:
            return True
        if self.window is None:
            return state.total == 0
        return not state.times or state.times[-1] < now - self.window

    def fires(self, state: GateState | None, ctx: Ctx, ts: int) -> int:
        """Whether the event in `ctx` (its type already matched) activates; see the class doc."""
        if not self.matcher.where_ok(ctx):
            return 0
        if state is None:
            return 1
        nth = self.nth
        assert nth is not None
        if self.window is None:
            state.total += 1
            count = state.total
            if count < nth:
                return 0
            if count == nth or self.or_later:
                return count
            return 0
        times, lower = state.times, ts - self.window
        while times and times[0] < lower:
            times.popleft()
        if len(times) < nth:
            state.armed = True
        times.append(ts)
        if len(times) > nth and not self.or_later:
            # only the last nth times matter to know when the count drops below nth again
            times.popleft()
        count = len(times)
        if count >= nth and (state.armed or self.or_later):
            state.armed = False
            return count
        return 0


class RateLimitRunner(RuleRunner):
    """`at most N P within D`: each matching event that makes the inclusive window [t - D, t]
    hold more than N matching events is one `rate_exceeded` violation; every other matching
    event is a satisfied activation."""

    kind = "rate_limit"

    def __init__(self, policy: ir.Policy, env: RunEnv) -> None:
        super().__init__(policy, env)
        rule = policy.rule
        assert isinstance(rule, ir.RateLimit)
        self.rule = rule
        self.matcher = Matcher(rule.pattern, self.layout)
        self.window = seconds_to_us(rule.within.seconds)
        self.track(rule.pattern)
        self.seal()

    def new_data(self) -> Any:
        return deque()

    def quiet(self, scope: Scope, now: int) -> bool:
        recent: deque[tuple[int, Event]] = scope.data
        return not recent or recent[-1][0] < now - self.window

    def handle(self, scope: Scope, event: Event, ts: int, changed: int) -> None:
        if not self.matcher(self.ctx):
            return
        recent: deque[tuple[int, Event]] = scope.data  # (instant, event)
        lower = ts - self.window
        while recent and recent[0][0] < lower:
            recent.popleft()
        recent.append((ts, event))
        self.counts.activations += 1
        scope.activated = True
        limit = self.rule.at_most
        if len(recent) <= limit:
            self.counts.satisfied += 1
            return
        self.violate(
            scope,
            "rate_exceeded",
            recent[0][0],
            ts,
            trigger=event,
            evidence=[e for _, e in list(recent)[-(limit + 1) :]],
            number=len(recent),
        )
