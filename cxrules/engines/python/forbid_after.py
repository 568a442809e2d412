"""Reference engine, forbid after: `when T forbid P within D` — no matching event in the window."""

from __future__ import annotations

from cxrules import ir
from cxrules.engines.python.evaluate import Matcher
from cxrules.engines.python.obligations import (
    ObData,
    Obligation,
    ObligationRunner,
)
from cxrules.engines.python.scopes import RunEnv, Scope
from cxrules.logs.event import Event


class ForbidAfterRunner(ObligationRunner):
    """Runs a `ForbidAfter` rule: each trigger opens a window [t + min, deadline]; the first
    forbidden event inside it is one `forbidden` violation of that obligation (one event breaks
    every open obligation of its scope); a window that closes clean is satisfied; a window still
    open at the horizon is pending. The trigger never breaks its own window."""

    kind = "forbid_after"

    def __init__(self, policy: ir.Policy, env: RunEnv) -> None:
        super().__init__(policy, env)
        rule = policy.rule
        assert isinstance(rule, ir.ForbidAfter)
        self.rule = rule
        self.forbidden = Matcher(rule.pattern, self.layout)
        self.setup(rule.trigger, rule.window, rule.unless)
        self.track(rule.pattern)
        self.seal()

    def handle(self, scope: Scope, event: Event, ts: int, changed: int) -> None:
        data: ObData = scope.data
        if changed & self.pause_bit:
            self.toggle_pause(scope, data, ts)
        etype = event.type
        if data.open and self.forbidden.type_ok(etype):
            self.breach(scope, data, event, ts)
        if self.unless is not None and data.open and self.unless.type_ok(etype):
            self.cancel(scope, data, event, ts)
        if self.gate.matcher.type_ok(etype):
            ctx = self.ctx
            ctx.event, ctx.trigger = event, event
            count = self.gate.fires(data.gate, ctx, ts)
            if count:
                self.counts.activations += 1
                scope.activated = True
                self.open_obligation(scope, data, event, ts, count)

    def breach(self, scope: Scope, data: ObData, event: Event, ts: int) -> None:
        self.expire(scope, data, ts)
        ctx, forbidden = self.ctx, self.forbidden
        ctx.event = event
        shared = None if forbidden.uses_trigger else forbidden.where_ok(ctx)
        if shared is False:
            return
        still = []
        for ob in data.open:
            hit = ts >= ob.lo
            if hit and shared is None:
                ctx.trigger = ob.trigger
                hit = forbidden.where_ok(ctx)
            if hit:
                self.report(scope, ob, event, ts)
            else:
                still.append(ob)
        data.open = still

    def report(self, scope: Scope, ob: Obligation, event: Event, ts: int) -> None:
        self.violate(
            scope,
            "forbidden",
            ob.ts,
            ts,
            trigger=ob.trigger,
            evidence=[ob.trigger, event],
            count=ob.count,
            reported=ob.reported,
        )

    def expired(self, scope: Scope, data: ObData, ob: Obligation) -> None:
        self.counts.satisfied += 1

    def finish(self, horizon: int) -> None:
        for scope in self.scopes.values():
            data: ObData = scope.data
            self.expire(scope, data, horizon + 1)  # a deadline at the horizon is decided
            self.finish_open(scope, data, horizon)
