"""Reference engine, scopes: routing events to per-scope memory; the base of every rule runner."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from heapq import heappop, heappush
from typing import Any

from cxrules import ir
from cxrules.engines.python.evaluate import Ctx, Layout, Matcher, TypeMatcher, compile_expr
from cxrules.engines.python.states import StateSet
from cxrules.engines.python.values import MISSING, same_value, text_of
from cxrules.findings.model import Cited, Finding, Pending, Tally
from cxrules.logs.event import Event
from cxrules.time.clock import Clock
from cxrules.time.instants import NEVER, never_after, to_us


def cite(e: Event) -> Cited:
    """An event as evidence."""
    return Cited(e.id, e.type, to_us(e.time), e.file, e.line)


@dataclass(slots=True)
class RunEnv:
    """What every runner of one run shares: the log's zone, the clock (calendars) and how long a
    quiet scope lingers after its last event before it is retired (docs/semantics.md, "Scope
    retirement")."""

    zone: str
    clock: Clock
    linger: int | None  # µs; None: never retire a scope


_NONE: list[Any] = []


KeyFn = Callable[[Event], Any]


def key_reader(paths: tuple[str, ...]) -> KeyFn:
    """The scope key of an event for these scope paths, None when a value is absent or null.

    One path: the value itself (as text); several: a tuple of texts; none: the global `()`.
    Runners with the same paths share one reader, so the key is read once per event.

    >>> from datetime import UTC, datetime
    >>> e = Event(datetime(2026, 3, 2, tzinfo=UTC), "x", "1", {"c": "c-1", "n": 3, "o": {"t": "b"}})
    >>> key_reader(("c",))(e), key_reader(("c", "n"))(e), key_reader(("o.t",))(e)
    ('c-1', ('c-1', '3'), 'b')
    >>> key_reader(("z",))(e) is None, key_reader(())(e)
    (True, ())
    """
    if not paths:
        return lambda event: ()
    if len(paths) == 1:
        path = paths[0]
        dotted = "." in path

        def one(event: Event) -> Any:
            v = event.attrs.get(path)
            if v is None and dotted:
                v = event.get(path)
            if v is None:
                return None
            return v if v.__class__ is str else text_of(v)

        return one
    flat = not any("." in p for p in paths)

    def several(event: Event) -> Any:
        get = event.attrs.get if flat else event.get
        values = []
        for path in paths:
            v = get(path)
            if v is None:
                return None
            values.append(v if v.__class__ is str else text_of(v))
        return tuple(values)

    return several


class Scope:
    """The memory of one scope of one policy: only what the policy's expressions need."""

    __slots__ = ("key", "hist", "changes", "states", "prev", "data", "activated", "last", "ended")

    def __init__(self, key: tuple[Any, ...], hist: int, changes: int, states: list[set[Any]]):
        self.key = key
        self.ended = False  # the policy's scope end was seen: no event reaches it any more
        # a policy without history or changes shares one empty list (never written)
        self.hist: list[list[Any]] = [[0, None, None] for _ in range(hist)] if hist else _NONE
        self.changes: list[list[Any]] = [[None, 0] for _ in range(changes)] if changes else _NONE
        self.states = states
        self.prev: Event | None = None
        self.data: Any = None
        self.activated = False
        self.last = 0  # the time (µs) of its latest event


@dataclass(slots=True)
class Counts:
    """A policy's tallies, in the meaning of `PolicySummary`."""

    activations: int = 0
    satisfied: int = 0
    violated: int = 0
    pending: int = 0
    cancelled: int = 0


@dataclass(slots=True)
class Findings:
    """Violations and pending obligations found by one runner, in neutral terms."""

    violations: list[Finding] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)


class RuleRunner:
    """Runs one policy: routes each event to its scope, keeps states and history, and hands the
    event to the rule (`handle`). Subclasses declare the types they read with `track`."""

    kind = "rule"
    wants_all = False  # see every event (scope discovery, `previous`, `changes`)
    retires = True  # quiet scopes may be retired (cleared in `seal` when the policy reads history)
    # `cxrules watch` listens here (engines/python/live.py): called with the scope and the
    # obligation a response rule opens, or the gap data when an invariant's gap starts; a
    # metric calls it with no scope and (cell key, the time of its first event) for a new cell
    on_due: Callable[[Scope | None, Any], None] | None = None

    def __init__(self, policy: ir.Policy, env: RunEnv) -> None:
        self.policy, self.env = policy, env
        self.zone = policy.zone or env.zone  # calendar zone
        self.log_zone = env.zone
        self.layout = Layout(self.zone, tuple(s.name for s in policy.states), env.zone)
        self.state_set = StateSet(policy.states, self.layout)
        self.scope_paths = policy.scope
        self.scopes: dict[Any, Scope] = {}
        self.retired = 0  # scope lifetimes retired (see `sweep`)
        # every scope value seen, and whether any of its lifetimes was activated: `scopes` and
        # `vacuous` count values, whatever retirement and scope ends did to their memory
        self.ever: dict[tuple[Any, ...], bool] = {}
        # a heap of the scopes to look at in sweeps: (since when, order of entry, lookup key,
        # scope); the order of entry breaks ties, so neither keys nor scopes are ever compared
        # (a key can be in the heap twice: a scope that ended and started again at one instant)
        self.queue: list[tuple[int, int, Any, Scope]] = []
        self._entries = itertools.count()
        self.out_of_scope = 0
        self.counts = Counts()
        self.found = Findings()
        self.ctx = Ctx()
        self._types: list[str] = list(self.state_set.types())
        # `per visit until customer.left`: the event that ends a scope lifetime
        self.end = Matcher(policy.scope_end, self.layout) if policy.scope_end else None
        self.ended = 0  # scope lifetimes ended by their end event
        if policy.scope_end is not None:
            self._types.extend(policy.scope_end.types)
        # `report` values, compiled before `seal` (their history queries are the scope's too)
        self.reporters = [(r.name, compile_expr(r.value, self.layout)) for r in policy.report]

    # ----------------------------------------------------------------- setup

    def track(self, *patterns: ir.Pattern | None) -> None:
        """Declare that the rule reads events of these patterns' types."""
        for p in patterns:
            if p is not None:
                self._types.extend(p.types)

    def seal(self) -> None:
        """Finish setup, once every expression is compiled (history types are known then)."""
        self._types.extend(self.layout.history_types())
        if self.layout.changes or self.layout.needs_previous:
            self.wants_all = True
        self.relevant = TypeMatcher(tuple(dict.fromkeys(self._types)))
        self._one_path = len(self.scope_paths) == 1
        self.read_key = key_reader(self.scope_paths)
        self._changes = bool(self.layout.changes)
        self._states = self.state_set if len(self.state_set) else None
        # (slot, matcher, keep the first event, keep the last event): a slot only counted
        # keeps no events alive
        layout = self.layout
        self._history = [
            (slot, matcher, layout.reads_first[slot], layout.reads_last[slot])
            for slot, matcher in enumerate(layout.history)
        ]
        self._previous = self.layout.needs_previous
        self._plain = not (self._changes or self._states or self._history or self._previous)
        if self._plain:  # no changes, states, history or previous: the short way
            self.route = self._route_plain  # type: ignore[method-assign]
        # history, changes and `previous` are the scope's memory of its whole past: never retired
        # unless the scope has ended (then no later event can read them); rules that judge every
        # scope at the horizon (existence) keep even ended scopes
        self._retire_ended = self.end is not None and type(self).retires
        self.retires = self.retires and not (self._changes or self._history or self._previous)
        if self.end is not None:
            self._plain = False
            self.route = self._route_ending  # type: ignore[method-assign]

    def types(self) -> tuple[str, ...]:
        """The event types (exact or globs) this runner must see."""
        return self.relevant.types

    # ----------------------------------------------------------------- per event

    def on_event(self, event: Event, ts: int) -> None:
        """Route one event to its scope and let the rule see it."""
        key = self.read_key(event)
        if key is None:
            if self.relevant(event.type):
                self.out_of_scope += 1
            return
        self.route(event, ts, key)

    def route(self, event: Event, ts: int, key: Any) -> None:
        """Let the rule see an event whose scope key (`read_key`) is known (the hot path: flat)."""
        scope = self.scopes.get(key)
        if scope is None:
            scope = self.new_scope(key, (key,) if self._one_path else key)
            if self.retires:
                heappush(self.queue, (ts, next(self._entries), key, scope))
        scope.last = ts
        ctx = self.ctx
        ctx.event, ctx.scope, ctx.previous, ctx.trigger = event, scope, scope.prev, None
        if self._changes:
            self.note_changes(scope, event)
        changed = self._states.update(ctx) if self._states is not None else 0
        self.handle(scope, event, ts, changed)
        if self._history:
            ctx.event, ctx.trigger = event, None
            for slot, matcher, first, last in self._history:
                if matcher(ctx):
                    entry = scope.hist[slot]
                    entry[0] += 1
                    if first and entry[1] is None:
                        entry[1] = event
                    if last:
                        entry[2] = event
        if self._previous:
            scope.prev = event

    def _route_ending(self, event: Event, ts: int, key: Any) -> None:
        """`route` for a policy whose scope ends at an event: after the end event the scope is
        set aside (still judged at the horizon) and its key starts a new scope lifetime."""
        RuleRunner.route(self, event, ts, key)
        assert self.end is not None
        ctx = self.ctx
        ctx.event, ctx.trigger = event, None
        if self.end.type_ok(event.type) and self.end.where_ok(ctx):
            scope = self.scopes.pop(key)
            scope.ended = True
            self.ended += 1
            # a key no event has, of the same type as the scope keys
            mark = f"\0ended#{self.ended}"
            lookup: Any = (mark,) if isinstance(key, tuple) else mark
            self.scopes[lookup] = scope
            if self._retire_ended:
                heappush(self.queue, (ts, next(self._entries), lookup, scope))

    def _route_plain(self, event: Event, ts: int, key: Any) -> None:
        """`route` for a policy without changes, states, history or `previous`."""
        scope = self.scopes.get(key)
        if scope is None:
            scope = self.new_scope(key, (key,) if self._one_path else key)
            if self.retires:
                heappush(self.queue, (ts, next(self._entries), key, scope))
        scope.last = ts
        ctx = self.ctx
        ctx.event, ctx.scope, ctx.trigger = event, scope, None
        self.handle(scope, event, ts, 0)

    def note_changes(self, scope: Scope, event: Event) -> None:
        """Count value changes of the attributes `changes(...)` reads (events without it skip)."""
        for slot, path in enumerate(self.layout.changes):
            v = event.get(path)
            if v is not None:
                entry = scope.changes[slot]
                if entry[0] is not None and not same_value(entry[0], v):
                    entry[1] += 1
                entry[0] = v

    def new_scope(self, lookup: Any, key: tuple[Any, ...]) -> Scope:
        """A new scope; `lookup` is its key in `scopes` (the value itself for one path)."""
        scope = Scope(
            key, len(self.layout.history), len(self.layout.changes), self.state_set.fresh()
        )
        scope.data = self.new_data()
        self.scopes[lookup] = scope
        self.ever.setdefault(key, False)
        return scope

    def new_data(self) -> Any:
        """The rule's own per-scope memory."""
        return None

    def handle(self, scope: Scope, event: Event, ts: int, changed: int) -> None:
        raise NotImplementedError

    def finish(self, horizon: int) -> None:
        """Judge what is still open at the evaluation horizon."""

    # ----------------------------------------------------------------- retirement

    def sweep(self, now: int) -> int:
        """Retire every scope quiet for longer than the linger that holds nothing a later event
        (at `now` or after) could still change: no open state, and `quiet` says the rule's own
        memory is done. Its tallies are folded into the policy's counters; a key that returns
        later starts a new scope lifetime. Returns how many scopes were retired.

        Each scope is looked at a linger after its birth, then a linger after its last event
        (or after the look) while it stays; one the rule keeps for good (`kept_for_good`) is
        not looked at again."""
        if not (self.retires or self._retire_ended):
            return 0
        if self.env.linger is None:
            return 0
        cutoff, quiet, queue, scopes = now - self.env.linger, self.quiet, self.queue, self.scopes
        again = []
        retired = 0
        folds = type(self).fold is not RuleRunner.fold
        while queue and queue[0][0] < cutoff:
            _, _, lookup, scope = heappop(queue)
            if scopes.get(lookup) is not scope:  # ended and set aside under another key
                continue
            if not scope.ended and not self.retires:
                continue
            if scope.last >= cutoff:  # active since: look again a linger after its last event
                again.append((scope.last, next(self._entries), lookup, scope))
                continue
            # an ended scope's states can no longer change: they hold nothing for later events
            if (not scope.ended and any(scope.states)) or not quiet(scope, now):
                if not self.kept_for_good(scope):
                    again.append((now, next(self._entries), lookup, scope))
                continue
            del scopes[lookup]
            retired += 1
            if scope.activated:
                self.ever[scope.key] = True
            if folds:
                self.fold(scope)
        for item in again:
            heappush(queue, item)
        self.retired += retired
        return retired

    def kept_for_good(self, scope: Scope) -> bool:
        """True when `scope` holds something that stays to the end of the run, whatever comes
        (so sweeps need not look at it again)."""
        return False

    def quiet(self, scope: Scope, now: int) -> bool:
        """True when the rule's memory of `scope` can no longer matter to an event at `now` or
        later (nothing open, no window entry a later event could see)."""
        return True

    def fold(self, scope: Scope) -> None:
        """Count what a retiring scope still holds in the policy's tallies (default: nothing)."""

    # ----------------------------------------------------------------- findings

    def scope_values(self, scope: Scope) -> tuple[str, ...]:
        return tuple(scope.key) if self.scope_paths else ()

    def reported(self, trigger: Event) -> tuple[tuple[str, Any], ...]:
        """The policy's `report` values at a trigger, while the rule handles it (its history is
        the scope's strictly before it): (name, value), a missing value as None."""
        if not self.reporters:
            return ()
        ctx = self.ctx
        ctx.event, ctx.trigger = trigger, trigger
        found = []
        for name, fn in self.reporters:
            value = fn(ctx)
            found.append((name, None if value is MISSING else value))
        return tuple(found)

    def violate(
        self,
        scope: Scope,
        kind: str,
        start: int,
        end: int,
        trigger: Event | None = None,
        evidence: Sequence[Event] = (),
        counted: bool = True,
        **facts: Any,
    ) -> None:
        """Record one violation (`facts`: the other fields of `Finding`), and count it as a
        violated activation unless `counted` is false (a second gap of one interval)."""
        self.found.violations.append(
            Finding(
                policy=self.policy.id,
                kind=kind,
                scope=self.scope_values(scope),
                start=start,
                end=end,
                trigger=cite(trigger) if trigger is not None else None,
                evidence=tuple(cite(e) for e in evidence),
                **facts,
            )
        )
        if counted:
            self.counts.violated += 1

    def hold(
        self,
        scope: Scope,
        trigger: Event,
        deadline: int | None,
        counted: bool = True,
        **facts: Any,
    ) -> None:
        """Record one obligation still open at the horizon (`counted`: as a pending activation;
        a deadline past the last instant every zone can show is never reached: none; so is a
        paused clock's)."""
        if (facts.get("remaining") or 0) >= NEVER:
            facts["remaining"] = None
        self.found.pending.append(
            Pending(
                policy=self.policy.id,
                scope=self.scope_values(scope),
                trigger=cite(trigger),
                deadline=never_after(deadline),
                **facts,
            )
        )
        if counted:
            self.counts.pending += 1

    def tally(self) -> Tally:
        """This policy's counts: `scopes` counts distinct scope values and `vacuous` those never
        activated in any of their lifetimes, whatever retirement did to their memory."""
        c = self.counts
        ever = self.ever
        for scope in self.scopes.values():
            if scope.activated:
                ever[scope.key] = True
        return Tally(
            policy=self.policy.id,
            scopes=len(ever),
            out_of_scope=self.out_of_scope,
            vacuous=sum(1 for activated in ever.values() if not activated),
            activations=c.activations,
            satisfied=c.satisfied,
            violated=c.violated,
            pending=c.pending,
            cancelled=c.cancelled,
        )
