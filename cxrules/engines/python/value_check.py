"""Reference engine, value checks: `when T require C` — a condition judged at each trigger."""

from __future__ import annotations

from typing import Any

from cxrules import ir
from cxrules.engines.python.counting import TriggerGate
from cxrules.engines.python.evaluate import Fn, compile_expr
from cxrules.engines.python.scopes import RuleRunner, RunEnv, Scope
from cxrules.engines.python.values import MISSING
from cxrules.ir.walk import leaves, value_reads
from cxrules.logs.event import Event


def leaf_readers(expr: Any, layout: Any) -> list[tuple[str, Fn]]:
    """The values a condition reads (`ir.walk.leaves`), each compiled once, so a violation can
    say what they were."""
    return [(text, compile_expr(node, layout)) for text, node in leaves(expr)]


def read_leaves(
    leaves: list[tuple[str, Fn]], ctx: Any
) -> tuple[tuple[tuple[str, Any], ...], tuple[str, ...]]:
    """((text, value) for each value read, texts of the missing ones), in reading order."""
    read, missing = [], []
    for text, fn in leaves:
        value = fn(ctx)
        if value is MISSING:
            missing.append(text)
        else:
            read.append((text, value))
    return tuple(read), tuple(missing)


class ValueCheckRunner(RuleRunner):
    """Runs a `ValueCheck`: at each activation the condition must be exactly true. False, or not
    computable because a value is missing, is one `condition_false` violation whose sentence
    names the values read (and which of them were missing)."""

    kind = "value_check"

    def __init__(self, policy: ir.Policy, env: RunEnv) -> None:
        super().__init__(policy, env)
        rule = policy.rule
        assert isinstance(rule, ir.ValueCheck)
        self.rule = rule
        self.gate = TriggerGate(rule.trigger, self.layout)
        self.condition = compile_expr(rule.condition, self.layout)
        self.leaves = [(text, compile_expr(node, self.layout)) for text, node in value_reads(rule)]
        self.track(rule.trigger.pattern)
        if self.gate.unbounded:
            self.retires = False  # the count runs over the scope's whole history
        self.seal()

    def new_data(self) -> Any:
        return self.gate.fresh()

    def quiet(self, scope: Scope, now: int) -> bool:
        return self.gate.done(scope.data, now)

    def handle(self, scope: Scope, event: Event, ts: int, changed: int) -> None:
        if not self.gate.matcher.type_ok(event.type):
            return
        ctx = self.ctx
        ctx.trigger = event
        count = self.gate.fires(scope.data, ctx, ts)
        if not count:
            return
        self.counts.activations += 1
        scope.activated = True
        if self.condition(ctx) is True:
            self.counts.satisfied += 1
            return
        read, missing = read_leaves(self.leaves, ctx)
        reported = self.reported(event)
        self.violate(
            scope,
            "condition_false",
            ts,
            ts,
            trigger=event,
            evidence=[event],
            count=count,
            read=read,
            missing=missing,
            reported=reported,
        )
