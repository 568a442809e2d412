"""Reference engine, value checks: `when T require C` — a condition judged at each trigger."""

from __future__ import annotations

from typing import Any

from cxrules import ir
from cxrules.engines.python.counting import TriggerGate
from cxrules.engines.python.evaluate import Fn, compile_expr, iter_nodes
from cxrules.engines.python.scopes import RuleRunner, RunEnv, Scope
from cxrules.engines.python.sentences import describe, value_text, when
from cxrules.engines.python.values import MISSING
from cxrules.logs.event import Event

_LEAVES = (ir.Attr, ir.Time, ir.Local, ir.History, ir.Changes, ir.StateRef)


def leaf_readers(expr: Any, layout: Any) -> list[tuple[str, Fn]]:
    """The values a condition reads (attributes, times, history, states), each compiled once,
    so a sentence can say what they were."""
    seen: dict[str, Fn] = {}
    for node in iter_nodes(expr):
        if isinstance(node, _LEAVES) and describe(node) not in seen:
            seen[describe(node)] = compile_expr(node, layout)
    return list(seen.items())


def read_leaves(leaves: list[tuple[str, Fn]], ctx: Any, zone: str) -> tuple[list[str], list[str]]:
    """('name = value' for each value read, names of the missing ones); `time` is left out."""
    read, missing = [], []
    for text, fn in leaves:
        value = fn(ctx)
        if value is MISSING:
            missing.append(text)
        elif text != "time":
            read.append(f"{text} = {value_text(value, zone)}")
    return read, missing


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
        self.leaves = leaf_readers(rule.condition, self.layout)
        self.track(rule.trigger.pattern)
        if self.gate.unbounded:
            self.retires = False  # the count runs over the scope's whole history
        self.seal()

    def new_data(self) -> Any:
        return self.gate.fresh()

    def quiet(self, scope: Scope, now: float) -> bool:
        return self.gate.done(scope.data, now)

    def handle(self, scope: Scope, event: Event, ts: float, changed: int) -> None:
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
        label = self.scope_label(scope)
        about = self.gate.about(count, event.type) + (f" of {label}" if label else "")
        read, missing = read_leaves(self.leaves, ctx, self.log_zone)
        reason = f"{describe(self.rule.condition)} is false"
        if missing:
            names = ", ".join(missing)
            reason = f"{describe(self.rule.condition)} cannot be judged: {names} missing"
        if read:
            reason += f" ({'; '.join(read[:4])})"
        sentence = f"{about} at {when(event.time, self.log_zone)}: {reason}"
        self.violate(
            scope,
            "condition_false",
            ts,
            ts,
            sentence,
            trigger=event,
            evidence=[event],
            details={"missing": missing} if missing else {},
        )
