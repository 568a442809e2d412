"""Reference engine, driver: reads events in time order, dispatches them to policy runners, and
collects neutral findings at the evaluation horizon."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from cxrules import ir
from cxrules.diagnostics import Diagnostic
from cxrules.engines.base import (
    Engine,
    EngineError,
    EventList,
    RunOptions,
    Source,
    cannot_run,
    reading_of,
)
from cxrules.engines.python.counting import RateLimitRunner
from cxrules.engines.python.existence import AbsenceRunner, ExistenceRunner
from cxrules.engines.python.expectations import ExpectationsRunner
from cxrules.engines.python.forbid_after import ForbidAfterRunner
from cxrules.engines.python.invariant import InvariantRunner
from cxrules.engines.python.live import Watcher
from cxrules.engines.python.metrics import MetricRunner
from cxrules.engines.python.response import ResponseRunner
from cxrules.engines.python.scopes import KeyFn, RuleRunner, RunEnv
from cxrules.engines.python.value_check import ValueCheckRunner
from cxrules.findings.alerts import Alert
from cxrules.findings.assemble import Outcome
from cxrules.findings.text import when
from cxrules.logs import OutOfOrder
from cxrules.logs.event import Event
from cxrules.logs.progress import NO_PROGRESS, Progress
from cxrules.time.calendars import CalendarError, zone
from cxrules.time.clock import Clock
from cxrules.time.instants import seconds_to_us, to_us

#: How long (seconds of log time) a quiet scope is kept after its last event by default.
LINGER_SECONDS = 86_400.0

RUNNERS: dict[str, type[RuleRunner]] = {
    "existence": ExistenceRunner,
    "absence": AbsenceRunner,
    "response": ResponseRunner,
    "expectations": ExpectationsRunner,
    "forbid_after": ForbidAfterRunner,
    "rate_limit": RateLimitRunner,
    "value_check": ValueCheckRunner,
    "invariant": InvariantRunner,
    "metric_check": MetricRunner,
}


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
    `runners` are exposed for inspection (memory bounds in tests). `linger`: µs of log time a
    quiet scope is kept after its last event before it may be retired (docs/semantics.md,
    "Scope retirement"; None: never retire); every `linger / 2` of log time the runners sweep
    their scopes. `linger` is in seconds."""

    def __init__(
        self,
        policy_set: ir.PolicySet,
        *,
        as_of: datetime | None = None,
        zone: str = "UTC",
        linger: float | None = LINGER_SECONDS,
    ) -> None:
        try:
            _zone(zone)
            clock = Clock(policy_set.calendars)
        except CalendarError as exc:
            raise EngineError(str(exc)) from exc
        if as_of is not None and as_of.tzinfo is None:
            raise EngineError("as_of must carry a time zone (e.g. 2026-03-02T18:00:00+03:00)")
        if linger is not None and not 0 < linger < 1e12:
            raise EngineError(f"linger must be a positive number of seconds, not {linger!r}")
        self.zone, self.as_of = zone, as_of
        linger_us = seconds_to_us(linger) if linger is not None else None
        env = RunEnv(zone, clock, linger_us)
        self.sweep_every = max(1, linger_us // 2) if linger_us is not None else None
        self.next_sweep: int | None = None
        self.runners = [build_runner(p, env) for p in policy_set.policies]
        self.dispatch = Dispatch(self.runners)
        self.limit = to_us(as_of) if as_of is not None else None
        self.last: int | None = None
        self.last_event: Event | None = None
        self.audited = 0
        self.ignored = 0

    def feed(self, events: Iterable[Event]) -> None:
        """Audit more events; they must continue the time order (equal times keep input order).
        Events later than `as_of` are ignored and counted."""
        by_type, resolve = self.dispatch.by_type, self.dispatch.resolve
        limit = self.limit
        last = self.last
        last_event = self.last_event
        next_sweep = self.next_sweep
        every = self.sweep_every
        audited = ignored = 0
        # The engine makes no reference cycles: the cyclic collector would only walk the
        # long-lived scopes again and again (about 40% of the run), so it pauses while feeding.
        collecting = gc.isenabled()
        gc.disable()
        try:
            for event in events:
                ts = to_us(event.time)
                if limit is not None and ts > limit:
                    ignored += 1
                    continue
                if last is not None and ts < last:
                    self.last_event = last_event
                    self.out_of_order(event)
                if every is not None and (next_sweep is None or ts >= next_sweep):
                    self.sweep(ts)
                    next_sweep = ts + every
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
            self.last = last
            self.last_event = last_event
            self.audited += audited
            self.ignored += ignored

    def sweep(self, now: int) -> int:
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

    def finish(self) -> Outcome:
        """Judge everything open at the horizon (`as_of`, else the last event's time)."""
        horizon = self.limit if self.limit is not None else self.last
        for runner in self.runners:
            runner.finish(horizon if horizon is not None else 0)
        found = [r.found for r in self.runners]
        return Outcome(
            tallies=[r.tally() for r in self.runners],
            violations=[f for each in found for f in each.violations],
            pending=[p for each in found for p in each.pending],
            audited=self.audited,
            after_as_of=self.ignored,
            horizon=horizon,
        )


def _zone(name: str) -> None:
    zone(name)


class PythonEngine(Engine):
    """The reference engine: the executable definition of the semantics (docs/semantics.md).
    Event by event, in time order; it can also follow a live stream (`Audit`)."""

    name = "python"
    summary = "the reference: event by event, in Python; follows live streams"

    def __init__(self, linger: float | None = LINGER_SECONDS) -> None:
        self.linger = linger  # seconds of log time; None: never retire a scope

    def limits(self, policy_set: ir.PolicySet) -> list[Diagnostic]:
        """Business-time windows where the engine keeps a sliding window of fixed length."""
        problems = []
        for p in policy_set.policies:
            for what, d in sliding_windows(p):
                if d is not None and d.calendar is not None:
                    reason = (
                        f"{what} on business time ({d.text or d.calendar}) is not supported; "
                        "use a fixed duration"
                    )
                    problems.append(cannot_run(self.name, p, reason, everywhere=True))
        return problems

    def run(self, policy_set: ir.PolicySet, source: Source, options: RunOptions) -> Outcome:
        """Audit the source, in (time, input order), against every policy of the set."""
        if isinstance(source, EventList):
            ordered = sorted(source.events, key=lambda e: e.time)
            return self._run(policy_set, lambda: iter(ordered), options)
        logs, progress = source, options.progress
        try:
            outcome = self._run(policy_set, lambda: logs.events(progress=progress), options)
        except OutOfOrder:
            # The log is not in time order: read it again, sorted (held in memory).
            outcome = self._run(
                policy_set, lambda: logs.events(sorted=True, progress=progress), options
            )
        outcome.reading = reading_of(logs)
        return outcome

    def follow(
        self,
        policy_set: ir.PolicySet,
        events: Iterable[Event],
        options: RunOptions,
        say: Callable[[Alert], None],
        counts: dict[str, int],
    ) -> Outcome:
        """Audit events as they come (in time order, one at a time), saying alerts as they are
        certain (`cxrules.engines.python.live`); at their end, judge what is open at the last
        event's time. `counts`: the alerts said, by kind."""
        audit = Audit(policy_set, as_of=options.as_of, zone=options.zone, linger=self.linger)
        watcher = Watcher(audit.runners, policy_set, options.zone, say, counts)
        limit = audit.limit
        # as `Audit.feed` does for a whole log: the cyclic collector paused while events come
        # (fed one at a time, `feed` would let it walk the long-lived scopes between any two)
        collecting = gc.isenabled()
        gc.disable()
        try:
            for event in events:
                audit.feed((event,))
                ts = to_us(event.time)
                if limit is None or ts <= limit:  # one after `as_of` is not audited: no alert
                    watcher.after(ts)
        finally:
            if collecting:
                gc.enable()
        watcher.flush()
        outcome = audit.finish()
        watcher.finish(outcome.horizon)
        return outcome

    def _run(
        self,
        policy_set: ir.PolicySet,
        events: Callable[[], Iterator[Event]],
        options: RunOptions,
    ) -> Outcome:
        linger = self.linger
        given = options.settings.get("linger")
        if given is not None:  # seconds, or "none": never retire (the same report, more memory)
            try:
                linger = None if given == "none" else float(given)
            except ValueError:
                raise EngineError(f"linger must be seconds or 'none', not {given!r}") from None
        audit = Audit(policy_set, as_of=options.as_of, zone=options.zone, linger=linger)
        audit.feed(_counted(events(), options.progress))
        return audit.finish()


def sliding_windows(p: ir.Policy) -> list[tuple[str, ir.Duration | None]]:
    """The durations of a policy that the python engine keeps as sliding windows."""
    rule = p.rule
    found: list[tuple[str, ir.Duration | None]] = []
    trigger = getattr(rule, "trigger", None)
    if trigger is not None:
        found.append(("a counting window", trigger.within))
    if isinstance(rule, ir.RateLimit):
        found.append(("a rate-limit window", rule.within))
    if isinstance(rule, ir.MetricCheck):
        found.append(("a share window", rule.metric.aggregate.within))
    if isinstance(rule, ir.Response) and rule.window.direction == "before":
        found.append(("a 'before' window", rule.window.max))
        found.append(("a 'before' window", rule.window.min))
    if isinstance(rule, ir.Expectations):
        for e in rule.expects:
            found.append(("a 'before' window", e.window.max))
            found.append(("a 'before' window", e.window.min))
    return found


def _counted(events: Iterator[Event], progress: Progress) -> Iterator[Event]:
    """The events, telling `progress` how many were audited every 10,000 and at the end."""
    if progress is NO_PROGRESS:
        yield from events
        return
    count = 0
    for event in events:
        yield event
        count += 1
        if count % 10_000 == 0:
            progress.events(count)
    progress.events(count)


def build_runner(policy: ir.Policy, env: RunEnv) -> RuleRunner:
    """The runner of one policy; EngineError naming the policy when it cannot run."""
    try:
        return RUNNERS[policy.rule.kind](policy, env)
    except (EngineError, CalendarError) as exc:
        raise EngineError(f"policy {policy.id} ({policy.file}:{policy.line}): {exc}") from exc
