"""Reference engine, following a live stream: alerts as the audit goes (`cxrules watch`).

`Watcher` listens to the runners of an `Audit`: the violations they record (said at once), the
obligations response rules open (said `overdue` once an event after their deadline has been
read and none met them), the gaps invariants open (said `gap` once longer than their grace)
and the cells metrics open per calendar bucket (said as a `violation` once an event after the
bucket, and after the window of a `share` member in it, has been read: the cell's value can no
longer change). Existence rules (`at least`, judged per scope at the end) and metrics without a
bucket say nothing before the stream ends; their violations come with the final report.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cxrules import ir
from cxrules.engines.python.invariant import GapData, InvariantRunner
from cxrules.engines.python.metrics import CellKey, MetricRunner
from cxrules.engines.python.obligations import Obligation
from cxrules.engines.python.response import ResponseRunner
from cxrules.engines.python.scopes import RuleRunner, Scope, cite
from cxrules.findings.alerts import KINDS, Alert, Heard, decided
from cxrules.findings.assemble import Assembler
from cxrules.findings.model import Finding
from cxrules.findings.text import iso
from cxrules.reports.model import Violation
from cxrules.time.calendars import bucket_span
from cxrules.time.instants import to_us


@dataclass(order=True)
class _Due:
    at: int  # µs: when it is overdue, once an event after it has been read
    seq: int
    runner: RuleRunner = field(compare=False)
    scope: Scope | None = field(compare=False)
    item: Any = field(compare=False)  # an Obligation, (GapData, gap start), or a cell's key


class Watcher:
    """Listens to the runners of an `Audit` (the violations they record, the obligations and
    gaps they open) and calls `say` with each alert; `counts` the alerts said, by kind."""

    def __init__(
        self,
        runners: Sequence[RuleRunner],
        policy_set: ir.PolicySet,
        zone: str,
        say: Callable[[Alert], None],
        counts: dict[str, int],
    ) -> None:
        self.asm = Assembler(policy_set, zone)
        self.zone, self.say = zone, say
        self.findings: deque[Finding] = deque()
        self.due: list[_Due] = []
        self.paused: list[_Due] = []
        self.seq = itertools.count()
        self.now: int | None = None
        self.counts = counts
        self.metric_ids: set[str] = set()  # the metric violations said: not said again
        self.metrics = [r for r in runners if isinstance(r, MetricRunner)]
        for kind in KINDS:
            counts.setdefault(kind, 0)
        for runner in runners:
            runner.found.violations = Heard(self.findings)
            if isinstance(runner, ResponseRunner) and runner.window.direction == "after":
                runner.on_due = self._obligation_opened(runner)
            elif isinstance(runner, InvariantRunner):
                runner.on_due = self._gap_opened(runner)
            elif isinstance(runner, MetricRunner) and _settles(runner):
                runner.on_due = self._cell_opened(runner)

    # ----------------------------------------------------------------- hearing

    def _obligation_opened(self, runner: RuleRunner) -> Callable[[Scope | None, Any], None]:
        def opened(scope: Scope | None, ob: Obligation) -> None:
            due = _Due(ob.deadline or 0, next(self.seq), runner, scope, ob)
            if ob.deadline is None:
                if ob.remaining is not None:  # a paused clock: looked at again when it runs
                    self.paused.append(due)
                return
            heapq.heappush(self.due, due)

        return opened

    def _gap_opened(self, runner: InvariantRunner) -> Callable[[Scope | None, Any], None]:
        def opened(scope: Scope | None, d: GapData) -> None:
            start = d.bad_since
            assert start is not None
            at = runner.env.clock.add(start, runner.rule.grace)
            heapq.heappush(self.due, _Due(at, next(self.seq), runner, scope, (d, start)))

        return opened

    def _cell_opened(self, runner: MetricRunner) -> Callable[[Scope | None, Any], None]:
        bucket, zone = runner.metric.bucket, runner.zone
        assert bucket is not None

        def opened(scope: Scope | None, item: tuple[CellKey, Any]) -> None:
            key, first = item
            # the cell's last event is before the bucket's end (a share's members may still
            # wait: looked at again then)
            at = to_us(bucket_span(first, bucket, zone)[1]) - 1
            heapq.heappush(self.due, _Due(at, next(self.seq), runner, None, key))

        return opened

    # ----------------------------------------------------------------- time

    def after(self, ts: int) -> None:
        """An event at `ts` (µs) was audited: say what it decided and what is now overdue."""
        if self.now is not None and ts <= self.now:
            self.flush()
            return
        self.now = ts
        self.flush()
        if self.paused:
            waiting = []
            for due in self.paused:
                ob = due.item
                if ob.deadline is not None:
                    due.at = ob.deadline
                    heapq.heappush(self.due, due)
                elif _still_open(due.scope, ob):
                    waiting.append(due)
            self.paused = waiting
        while self.due and self.due[0].at < ts:
            due = heapq.heappop(self.due)
            if isinstance(due.item, Obligation):
                self._overdue(due, ts)
            elif isinstance(due.runner, MetricRunner):
                self._cell_closed(due, ts)
            else:
                self._long_gap(due, ts)

    def _overdue(self, due: _Due, now: int) -> None:
        ob = due.item
        if not _still_open(due.scope, ob):
            return  # met or cancelled
        if ob.deadline is None:  # paused since it was due
            self.paused.append(due)
            return
        if ob.deadline != due.at:  # paused and resumed: a later deadline
            due.at = ob.deadline
            heapq.heappush(self.due, due)
            return
        runner = due.runner
        finding = Finding(
            policy=runner.policy.id,
            kind="missing",
            scope=runner.scope_values(_scope(due)),
            start=ob.ts,
            end=ob.deadline,
            trigger=cite(ob.trigger),
            evidence=(cite(ob.trigger),),
            deadline=ob.deadline,
            count=ob.count,
            reported=ob.reported,
        )
        self._say("overdue", finding, now)

    def _cell_closed(self, due: _Due, now: int) -> None:
        """A metric cell whose bucket (and every share window in it) is over: its value is
        final; a breach or a warning is said as the violation the report will hold."""
        runner = due.runner
        assert isinstance(runner, MetricRunner)
        runner.settle(now)
        cell = runner.cells.get(due.item)
        if cell is None:
            return
        waiting = [w.deadline for w in runner.waiting() if w.cell is cell]
        if waiting:  # share members of the bucket whose window is still open
            due.at = max(d for d in waiting if d is not None)
            heapq.heappush(self.due, due)
            return
        _, ranked = self.asm.metric(runner.policy, runner.found_cell(due.item, cell))
        if ranked is not None:
            self.said_metric(ranked[1], iso(now, self.zone))

    def finish(self, horizon: int | None) -> None:
        """After the engine's `finish`: say what it decided then, and the metric violations
        not said yet (buckets still open, metrics without a bucket, shares without a window)."""
        self.flush()
        noticed = iso(horizon, self.zone) if horizon is not None else None
        for runner in self.metrics:
            for key, cell in runner.cells.items():
                _, ranked = self.asm.metric(runner.policy, runner.found_cell(key, cell))
                if ranked is not None:
                    self.said_metric(ranked[1], noticed)

    def said_metric(self, violation: Violation, noticed: str | None) -> None:
        """Say a metric's violation once (the end of the stream says the rest)."""
        if violation.id in self.metric_ids:
            return
        self.metric_ids.add(violation.id)
        kind = decided(violation)
        self.counts[kind] += 1
        self.say(Alert(kind, noticed, violation=violation))

    def _long_gap(self, due: _Due, now: int) -> None:
        d, start = due.item
        runner = due.runner
        assert isinstance(runner, InvariantRunner)
        if d.bad_since != start or d.close_at is not None or d.bad_event is None:
            return  # ended within its grace (or ended: its violation comes with the next event)
        if not runner.env.clock.longer(start, now, runner.rule.grace):
            due.at = now
            heapq.heappush(self.due, due)
            return
        finding = Finding(
            policy=runner.policy.id,
            kind="too_long" if runner.rule.limit else "gap",
            scope=runner.scope_values(_scope(due)),
            start=start,
            end=now,
            trigger=cite(d.bad_event),
            evidence=(cite(d.bad_event),),
            still_open=True,
            said_open=True,
        )
        self._say("gap", finding, now)

    def flush(self) -> None:
        """Say the violations decided since the last call."""
        while self.findings:
            finding = self.findings.popleft()
            self._say("", finding, self.now if self.now is not None else finding.end)

    def _say(self, kind: str, finding: Finding, now: int) -> None:
        """Say a finding as an alert of `kind` ('': as the violation it is decided to be)."""
        violation = self.asm.violation(finding)
        kind = kind or decided(violation)
        self.counts[kind] += 1
        self.say(Alert(kind, iso(now, self.zone), violation=violation))


def _still_open(scope: Scope | None, ob: Obligation) -> bool:
    assert scope is not None  # an obligation's scope
    data = scope.data
    return any(o is ob for o in data.open) or any(o is ob for o in data.missed)


def _settles(runner: MetricRunner) -> bool:
    """Whether a metric's cells are final before the end: per calendar bucket, and for a
    `share`, with a window (without one a member may be met at any later time)."""
    return runner.metric.bucket is not None and (
        runner.agg.fn != "share" or runner.within is not None
    )


def _scope(due: _Due) -> Scope:
    assert due.scope is not None  # an obligation's or a gap's
    return due.scope
