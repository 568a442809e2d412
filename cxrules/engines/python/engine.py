"""Reference engine, driver: reads events in time order, dispatches them to policy runners, and
collects summaries, violations and pending obligations at the evaluation horizon."""

from __future__ import annotations

import gc
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cxrules import ir
from cxrules.engines.python.clock import Clock
from cxrules.engines.python.counting import RateLimitRunner
from cxrules.engines.python.evaluate import EngineError
from cxrules.engines.python.existence import AbsenceRunner, ExistenceRunner
from cxrules.engines.python.forbid_after import ForbidAfterRunner
from cxrules.engines.python.invariant import InvariantRunner
from cxrules.engines.python.metrics import MetricRunner
from cxrules.engines.python.response import ResponseRunner
from cxrules.engines.python.scopes import LINGER, KeyFn, RuleRunner, RunEnv
from cxrules.engines.python.sentences import when
from cxrules.engines.python.value_check import ValueCheckRunner
from cxrules.logs.event import Event
from cxrules.reports.model import PendingObligation, PolicySummary, Violation

RUNNERS: dict[str, type[RuleRunner]] = {
    "existence": ExistenceRunner,
    "absence": AbsenceRunner,
    "response": ResponseRunner,
    "forbid_after": ForbidAfterRunner,
    "rate_limit": RateLimitRunner,
    "value_check": ValueCheckRunner,
    "invariant": InvariantRunner,
    "metric_check": MetricRunner,
}


@dataclass(slots=True)
class EngineResult:
    """What a run found: one summary per policy (by id), violations (by start, policy, id) and
    pending obligations (by deadline, policy), plus how many events were audited and how many
    were ignored for being later than `as_of`."""

    policies: list[PolicySummary]
    violations: list[Violation]
    pending: list[PendingObligation]
    events: int = 0
    after_as_of: int = 0
    as_of: datetime | None = None


Route = tuple[str | None, KeyFn, list[RuleRunner], list[RuleRunner]]


class Dispatch:
    """Event type → the runners that read it, grouped by scope paths so that the scope key is
    read once per event and group: (the path when it is one flat attribute, key reader, runners,
    runners that count an event without the key as out of scope). Resolved once per distinct
    type, then a lookup."""

    def __init__(self, runners: list[RuleRunner]) -> None:
        self.runners = runners
        self.by_type: dict[str, list[Route]] = {}

    def resolve(self, event_type: str) -> list[Route]:
        groups: dict[tuple[str, ...], Route] = {}
        for r in self.runners:
            relevant = r.relevant(event_type)
            if not (r.wants_all or relevant):
                continue
            group = groups.get(r.scope_paths)
            if group is None:
                paths = r.scope_paths
                flat = paths[0] if len(paths) == 1 and "." not in paths[0] else None
                group = groups[paths] = (flat, r.read_key, [], [])
            group[2].append(r)
            if relevant:
                group[3].append(r)
        found = list(groups.values())
        self.by_type[event_type] = found
        return found


class Audit:
    """One run in progress: feed events (in time order) as they come, then `finish` once.

    This is what `PythonEngine.run` drives; a live stream can drive it event by event.
    `runners` are exposed for inspection (memory bounds in tests). `linger`: seconds of log time
    a quiet scope is kept after its last event before it may be retired (docs/semantics.md,
    "Scope retirement"); every `linger / 2` of log time the runners sweep their scopes."""

    def __init__(
        self,
        policy_set: ir.PolicySet,
        *,
        as_of: datetime | None = None,
        zone: str = "UTC",
        linger: float = LINGER,
    ) -> None:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise EngineError(f"unknown time zone {zone!r}") from exc
        if as_of is not None and as_of.tzinfo is None:
            raise EngineError("as_of must carry a time zone (e.g. 2026-03-02T18:00:00+03:00)")
        self.zone, self.as_of = zone, as_of
        if not linger > 0 or math.isinf(linger):
            raise EngineError(f"linger must be a positive number of seconds, not {linger!r}")
        env = RunEnv(zone, Clock(policy_set.calendars), float(linger))
        self.sweep_every = env.linger / 2
        self.next_sweep = -math.inf
        self.runners = [build_runner(p, env) for p in policy_set.policies]
        self.dispatch = Dispatch(self.runners)
        self.limit = as_of.timestamp() if as_of is not None else None
        self.last: float | None = None
        self.last_event: Event | None = None
        self.audited = 0
        self.ignored = 0

    def feed(self, events: Iterable[Event]) -> None:
        """Audit more events; they must continue the time order (equal times keep input order).
        Events later than `as_of` are ignored and counted."""
        by_type, resolve = self.dispatch.by_type, self.dispatch.resolve
        limit = self.limit if self.limit is not None else math.inf
        last = self.last if self.last is not None else -math.inf
        last_event = self.last_event
        next_sweep = self.next_sweep
        audited = ignored = 0
        # The engine makes no reference cycles: the cyclic collector would only walk the
        # long-lived scopes again and again (about 40% of the run), so it pauses while feeding.
        collecting = gc.isenabled()
        gc.disable()
        try:
            for event in events:
                ts = event.time.timestamp()
                if ts > limit:
                    ignored += 1
                    continue
                if ts < last:
                    self.last_event = last_event
                    self.out_of_order(event)
                if ts >= next_sweep:
                    self.sweep(ts)
                    next_sweep = ts + self.sweep_every
                last, last_event = ts, event
                audited += 1
                routes = by_type.get(event.type)
                if routes is None:
                    routes = resolve(event.type)
                for flat, read_key, runners, counted in routes:
                    if flat is not None:  # one flat attribute: a text value is the key itself
                        key = event.attrs.get(flat)
                        if key is not None and key.__class__ is not str:
                            key = read_key(event)
                    else:
                        key = read_key(event)
                    if key is None:
                        for runner in counted:
                            runner.out_of_scope += 1
                        continue
                    for runner in runners:
                        runner.route(event, ts, key)
        finally:
            if collecting:
                gc.enable()
            self.next_sweep = next_sweep
            self.last = last if last_event is not None else None
            self.last_event = last_event
            self.audited += audited
            self.ignored += ignored

    def sweep(self, now: float) -> int:
        """Retire the quiet scopes of every runner (see `RuleRunner.sweep`); how many."""
        return sum(runner.sweep(now) for runner in self.runners)

    def out_of_order(self, event: Event) -> None:
        previous, zone = self.last_event, self.zone
        assert previous is not None
        raise EngineError(
            f"{event.file}:{event.line}: event {event.id!r} at {when(event.time, zone)} comes "
            f"after a later event ({previous.id!r} at {when(previous.time, zone)}); events must "
            "be sorted by time"
        )

    def finish(self) -> EngineResult:
        """Judge everything open at the horizon (`as_of`, else the last event's time)."""
        horizon = self.limit if self.limit is not None else self.last
        for runner in self.runners:
            runner.finish(horizon if horizon is not None else 0.0)
        seen_until = self.last_event.time if self.last_event is not None else None
        return collect(self.runners, self.audited, self.ignored, self.as_of or seen_until)


class PythonEngine:
    """The reference engine: the executable definition of the semantics (docs/semantics.md)."""

    name = "python"

    def run(
        self,
        policy_set: ir.PolicySet,
        events: Iterable[Event],
        *,
        as_of: datetime | None = None,
        zone: str = "UTC",
        linger: float = LINGER,
    ) -> EngineResult:
        """Audit events, given in (time, input order), against every policy of the set.

        `as_of` is the evaluation horizon (default: the last event's time); later events are
        ignored and counted. `zone` is the log's zone, for sentences and calendar rules.
        `linger`: seconds of log time a quiet scope is kept before it may be retired."""
        audit = Audit(policy_set, as_of=as_of, zone=zone, linger=linger)
        audit.feed(events)
        return audit.finish()


def build_runner(policy: ir.Policy, env: RunEnv) -> RuleRunner:
    """The runner of one policy; EngineError naming the policy when it cannot run."""
    try:
        return RUNNERS[policy.rule.kind](policy, env)
    except EngineError as exc:
        raise EngineError(f"policy {policy.id} ({policy.file}:{policy.line}): {exc}") from exc


def collect(
    runners: list[RuleRunner], audited: int, ignored: int, as_of: datetime | None
) -> EngineResult:
    violations = [item for r in runners for item in r.found.violations]
    violations.sort(key=lambda item: (item[0], item[1].policy, item[1].id))
    pending = [item for r in runners for item in r.found.pending]
    pending.sort(
        key=lambda item: (item[0], item[1].policy, item[1].trigger.time, item[1].trigger.id)
    )
    return EngineResult(
        policies=sorted((r.summary() for r in runners), key=lambda s: s.id),
        violations=[v for _, v in violations],
        pending=[p for _, p in pending],
        events=audited,
        after_as_of=ignored,
        as_of=as_of,
    )


def audit_events(
    policy_set: ir.PolicySet,
    events: Iterable[Event],
    as_of: datetime | None = None,
    zone: str = "UTC",
) -> EngineResult:
    """Stable-sort events by time (equal times keep input order), then run the python engine."""
    ordered = sorted(events, key=lambda e: e.time)
    return PythonEngine().run(policy_set, ordered, as_of=as_of, zone=zone)
