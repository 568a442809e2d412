"""Reference engine, existence and absence: `require P [at least N] [at most M]` and `forbid P`."""

from __future__ import annotations

from typing import Any

from cxrules import ir
from cxrules.engines.python.evaluate import Matcher
from cxrules.engines.python.scopes import RuleRunner, RunEnv, Scope
from cxrules.engines.python.value_check import leaf_readers, read_leaves
from cxrules.logs.event import Event
from cxrules.time.instants import to_us


class Tally:
    """Per scope: matching events counted, the first few kept as evidence, first and last event."""

    __slots__ = ("count", "kept", "first", "last")

    def __init__(self) -> None:
        self.count = 0
        self.kept: list[Event] = []
        self.first: Event | None = None
        self.last: Event | None = None


class ExistenceRunner(RuleRunner):
    """Runs an `Existence` rule. Every event carrying the scope keys makes its scope known (so a
    visit with no greeting is found); each known scope is one activation, judged at the horizon:
    fewer than `at_least` matches is `too_few`, more than `at_most` is `too_many`."""

    kind = "existence"
    wants_all = True
    retires = False  # every scope is judged at the horizon on all its events

    def __init__(self, policy: ir.Policy, env: RunEnv) -> None:
        super().__init__(policy, env)
        rule = policy.rule
        assert isinstance(rule, ir.Existence)
        self.rule = rule
        self.matcher = Matcher(rule.pattern, self.layout)
        self.keep = max(rule.at_least, (rule.at_most or 0) + 1)
        self.track(rule.pattern)
        self.seal()

    def new_data(self) -> Any:
        return Tally()

    def handle(self, scope: Scope, event: Event, ts: int, changed: int) -> None:
        tally: Tally = scope.data
        if tally.first is None:
            tally.first = event
        tally.last = event
        if self.matcher.type_ok(event.type) and self.matcher.where_ok(self.ctx):
            tally.count += 1
            if len(tally.kept) < self.keep:
                tally.kept.append(event)

    def finish(self, horizon: int) -> None:
        rule = self.rule
        for scope in self.scopes.values():
            tally: Tally = scope.data
            assert tally.first is not None and tally.last is not None
            scope.activated = True
            self.counts.activations += 1
            if tally.count < rule.at_least:
                self.violate(
                    scope,
                    "too_few",
                    to_us(tally.first.time),
                    horizon,
                    evidence=tally.kept,
                    number=tally.count,
                )
            elif rule.at_most is not None and tally.count > rule.at_most:
                over = tally.kept[rule.at_most]
                self.violate(
                    scope,
                    "too_many",
                    to_us(tally.kept[0].time),
                    to_us(over.time),
                    trigger=over,
                    evidence=tally.kept,
                    number=tally.count,
                )
            else:
                self.counts.satisfied += 1


class AbsenceRunner(RuleRunner):
    """Runs an `Absence` rule: each event of the pattern's types is an activation; when it also
    meets the `where` condition it is one `forbidden` violation, otherwise it is satisfied."""

    kind = "absence"

    def __init__(self, policy: ir.Policy, env: RunEnv) -> None:
        super().__init__(policy, env)
        rule = policy.rule
        assert isinstance(rule, ir.Absence)
        self.rule = rule
        self.matcher = Matcher(rule.pattern, self.layout)
        where = rule.pattern.where
        self.leaves = leaf_readers(where, self.layout) if where is not None else []
        self.track(rule.pattern)
        self.seal()

    def handle(self, scope: Scope, event: Event, ts: int, changed: int) -> None:
        if not self.matcher.type_ok(event.type):
            return
        self.counts.activations += 1
        scope.activated = True
        if not self.matcher.where_ok(self.ctx):
            self.counts.satisfied += 1
            return
        read, missing = read_leaves(self.leaves, self.ctx)
        self.violate(
            scope, "forbidden", ts, ts, trigger=event, evidence=[event], read=read, missing=missing
        )
