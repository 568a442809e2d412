"""Findings, assembly: an engine's neutral outcome becomes the report — ids, sentences, policy
summaries, metric values, pending obligations — the same way for every engine."""

from __future__ import annotations

import hashlib
import heapq
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from cxrules import ir
from cxrules.findings.model import Cell, Cited, Finding, Pending, Tally
from cxrules.findings.sentences import (
    cell_key,
    metric_text,
    pending_text,
    shown_deadline,
    span_of,
    threshold_text,
    unsigned_zero,
    violation_text,
)
from cxrules.findings.text import iso
from cxrules.ir.tolerance import holds
from cxrules.reports.common import nothing_audited
from cxrules.reports.model import (
    EventRef,
    InputSummary,
    MetricValue,
    PendingObligation,
    PolicySummary,
    RejectedRecord,
    Report,
    Violation,
)
from cxrules.time.calendars import bucket_span
from cxrules.time.clock import Clock
from cxrules.time.instants import from_us, seconds_to_us, to_us


@dataclass(slots=True)
class Outcome:
    """What an engine found over one run: a tally per policy (in the policy set's order), the
    violations and pending obligations (any order), how many events were audited and how many
    were left out for being later than `as_of`, and the horizon (µs; None for an empty log)."""

    tallies: list[Tally]
    violations: Iterable[Finding]
    pending: Iterable[Pending]
    audited: int = 0
    after_as_of: int = 0
    horizon: int | None = None
    reading: Reading | None = None
    ordered: bool = False  # violations come ordered by (start, policy): they can be streamed
    close: Callable[[], None] | None = None  # releases what the iterators still read from


@dataclass(slots=True)
class Reading:
    """How the inputs fared: one summary per log file, the rejected records kept (sorted by
    file and line), how many were rejected in all, and per code when every one was kept."""

    inputs: list[InputSummary] = field(default_factory=list)
    rejected: list[RejectedRecord] = field(default_factory=list)
    rejected_total: int = 0
    rejected_by_code: dict[str, int] = field(default_factory=dict)


def violation_id(policy: str, scope: Sequence[str], trigger: str, kind: str) -> str:
    """A stable id: the first 16 hex digits of sha256 over policy, scope, trigger and kind.

    >>> violation_id("p", ["c-1"], "e1", "missing") == violation_id("p", ["c-1"], "e1", "missing")
    True
    >>> len(violation_id("p", [], "", "gap"))
    16
    """
    text = "\x1f".join([policy, "\x1e".join(scope), trigger, kind])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def event_ref(c: Cited, zone: str) -> EventRef:
    """An event cited as evidence."""
    return EventRef(id=c.id, type=c.type, time=iso(c.us, zone), file=c.file, line=c.line)


class Assembler:
    """Writes report records for one policy set in one zone (the log's)."""

    def __init__(self, policy_set: ir.PolicySet, zone: str) -> None:
        self.policies = {p.id: p for p in policy_set.policies}
        self.zone = zone
        self.clock = Clock(policy_set.calendars)

    def violation(self, f: Finding) -> Violation:
        return self.ranked(f)[1]

    def ranked(self, f: Finding) -> tuple[int, Violation]:
        """A violation's record and the start (µs) it is ranked by."""
        policy, zone = self.policies[f.policy], self.zone
        sentence, details = violation_text(policy, f, zone, self.clock)
        scope = dict(zip(policy.scope, f.scope, strict=True))
        start, end = span_of(policy, f, zone)
        # without a trigger (an existence rule's `too_few`), the instant the scope's lifetime
        # began: a scope ended by `until` and seen again has one such breach per lifetime
        trigger = f.trigger.id if f.trigger else f"@{f.start}"
        return start, Violation(
            id=violation_id(f.policy, list(f.scope), trigger, f.kind),
            policy=f.policy,
            kind=f.kind,  # type: ignore[arg-type]
            severity=policy.severity,
            scope=scope,
            start=iso(start, zone),
            end=iso(end, zone),
            duration_seconds=round((end - start) / 1_000_000, 6),
            trigger=event_ref(f.trigger, zone) if f.trigger else None,
            evidence=[event_ref(c, zone) for c in f.evidence],
            fulfilled_at=iso(f.fulfilled, zone) if f.fulfilled is not None else None,
            sentence=sentence,
            details=details,
        )

    def pending(self, p: Pending, horizon: int) -> PendingObligation:
        policy, zone = self.policies[p.policy], self.zone
        lead = policy.warning_lead
        return PendingObligation(
            policy=p.policy,
            scope=dict(zip(policy.scope, p.scope, strict=True)),
            trigger=event_ref(p.trigger, zone),
            deadline=(
                iso(shown_deadline(policy, p.deadline, zone), zone)
                if p.deadline is not None
                else None
            ),
            at_risk=self.clock.at_risk(horizon, p.deadline, lead),
            sentence=pending_text(policy, p, zone),
        )

    def metric(
        self, policy: ir.Policy, cell: Cell
    ) -> tuple[MetricValue, tuple[int, Violation] | None]:
        """A metric cell's value and status, and its violation or warning (with the start it is
        ranked by) when it has one. A breach's scope names the cell's group and bucket
        (`{"queue": "q1", "day": "2026-03-02"}`) and spans the bucket itself, from its first
        instant to the next bucket's in the policy's zone."""
        rule = policy.rule
        assert isinstance(rule, ir.MetricCheck)
        metric = rule.metric
        cell = replace(cell, value=_whole(metric, unsigned_zero(cell.value)))
        status = cell_status(rule, cell)
        labels = dict(zip(metric.group_by, cell.group, strict=True))
        value = MetricValue(
            metric=metric.name,
            group=labels,
            bucket=cell.bucket,
            # a sum beyond the largest double is an infinity: judged as one, said 'inf' in the
            # sentence and `details`, and no value here, which JSON has no number for and a
            # chart no place (docs/semantics.md, "Metrics")
            value=cell.value if cell.value is None or math.isfinite(cell.value) else None,
            population=cell.population,
            status=status,  # type: ignore[arg-type]
            threshold=threshold_text(metric, rule.require),
            warn=threshold_text(metric, rule.warn) if rule.warn else None,
            unit=metric.unit,
        )
        if status not in ("violated", "warn"):
            return value, None
        assert cell.first is not None and cell.last is not None
        sentence, details = metric_text(rule, cell, status)
        kind = "metric" if status == "violated" else "metric_warning"
        where = cell_key(metric, cell)
        zone = self.zone
        first, last = cell.first, cell.last
        evidence = [first, last] if last != first else [first]
        start, end = first.us, last.us
        scope = dict(labels)
        if metric.bucket is not None and cell.bucket is not None:
            a, b = bucket_span(from_us(first.us), metric.bucket, policy.zone or zone)
            start, end = to_us(a), to_us(b)
            scope[metric.bucket if metric.bucket not in scope else "bucket"] = cell.bucket
        violation = Violation(
            id=violation_id(policy.id, list(cell.group), f"{metric.name}\x1f{where}", kind),
            policy=policy.id,
            kind=kind,  # type: ignore[arg-type]
            severity=policy.severity,
            scope=scope,
            start=iso(start, zone),
            end=iso(end, zone),
            duration_seconds=round((end - start) / 1_000_000, 6),
            trigger=None,
            evidence=[event_ref(c, zone) for c in evidence],
            sentence=sentence,
            details=details,
        )
        return value, (start, violation)

    def summary(self, tally: Tally, metrics: list[MetricValue]) -> PolicySummary:
        p = self.policies[tally.policy]
        if isinstance(p.rule, ir.MetricCheck):
            statuses = [m.status for m in metrics]
            judged = sum(s in ("ok", "warn", "violated") for s in statuses)
            ok = sum(s in ("ok", "warn") for s in statuses)
            counts = {
                "scopes": len(statuses),
                "vacuous": len(statuses) - judged,
                "activations": judged,
                "satisfied": ok,
                "violated": sum(s == "violated" for s in statuses),
                "warnings": sum(s == "warn" for s in statuses),
                "pending": 0,  # waiting share members are obligations, not activations
            }
        else:
            counts = {
                "scopes": tally.scopes,
                "vacuous": tally.vacuous,
                "activations": tally.activations,
                "satisfied": tally.satisfied,
                "violated": tally.violated,
                "warnings": 0,
                "pending": tally.pending,
            }
        judged = counts["satisfied"] + counts["violated"]
        return PolicySummary(
            id=p.id,
            title=p.title,
            severity=p.severity,
            owner=p.owner,
            kind=p.rule.kind,
            file=p.file,
            line=p.line,
            out_of_scope=tally.out_of_scope,
            cancelled=tally.cancelled,
            compliance=(counts["satisfied"] / judged) if judged else None,
            metrics=metrics,
            **counts,
        )


def cell_status(rule: ir.MetricCheck, cell: Cell) -> str:
    """ok, warn, violated, not_applicable (no population) or insufficient (below the minimum
    sample)."""
    if cell.value is None:
        return "not_applicable"
    metric = rule.metric
    if metric.min_sample is not None and cell.population < metric.min_sample:
        return "insufficient"
    if not holds(rule.require.op, cell.value, rule.require.value):
        return "violated"
    if rule.warn is not None and not holds(rule.warn.op, cell.value, rule.warn.value):
        return "warn"
    return "ok"


@dataclass
class ReportHeader:
    """What the report says besides the findings: engine, zone and the policy files."""

    engine: str
    zone: str
    policy_files: list[str] = field(default_factory=list)


@dataclass
class Assembled:
    """The report with its two long lists still to come: `report` holds everything else (its
    `violations` and `pending` are empty), `violations` and `pending` yield the records in report
    order. Writers stream them (`reports.as_json.write_json`); `materialize` holds them all."""

    report: Report
    violations: Iterator[Violation]
    pending: Iterator[PendingObligation]

    def materialize(self) -> Report:
        return self.report.model_copy(
            update={"violations": list(self.violations), "pending": list(self.pending)}
        )


def build_report(policy_set: ir.PolicySet, outcome: Outcome, header: ReportHeader) -> Report:
    """The whole report, in memory (see `assemble`)."""
    return assemble(policy_set, outcome, header).materialize()


def assemble(policy_set: ir.PolicySet, outcome: Outcome, header: ReportHeader) -> Assembled:
    """The report of an engine's outcome: violations by (start, policy, id), pending
    obligations by (deadline, policy, trigger time, trigger id), policy summaries by id.

    When the engine gives its violations ordered by their findings' start (`Outcome.ordered`),
    they are streamed: only the violations whose reported start lies within `reported_lead` of
    the stream are held at a time (one instant's when no policy has a `before` window)."""
    asm = Assembler(policy_set, header.zone)
    horizon = outcome.horizon
    reading = outcome.reading or Reading()
    metric_values: dict[str, list[MetricValue]] = {}
    metric_violations: list[tuple[int, str, str, Violation]] = []
    for tally in outcome.tallies:
        policy = asm.policies[tally.policy]
        values = []
        for cell in sorted(tally.cells, key=lambda c: (c.group, c.bucket or "")):
            value, breach = asm.metric(policy, cell)
            values.append(value)
            if breach is not None:
                start, violation = breach
                metric_violations.append((start, policy.id, violation.id, violation))
        metric_values[tally.policy] = values
    metric_violations.sort(key=lambda item: item[:3])
    if outcome.ordered:
        found = _reordered(
            (
                (f.start, start, f.policy, v)
                for f in outcome.violations
                for start, v in (asm.ranked(f),)
            ),
            reported_lead(policy_set),
        )
    else:
        found = iter(
            sorted(
                (
                    (start, f.policy, v.id, v)
                    for f in outcome.violations
                    for start, v in (asm.ranked(f),)
                ),
                key=lambda item: item[:3],
            )
        )
    ranked = heapq.merge(found, iter(metric_violations), key=lambda item: item[:3])
    summaries = sorted(
        (asm.summary(t, metric_values[t.policy]) for t in outcome.tallies), key=lambda s: s.id
    )
    report = Report(
        engine=header.engine,
        zone=header.zone,
        as_of=iso(horizon, header.zone) if horizon is not None else None,
        policy_files=header.policy_files,
        revision=policy_set.revision,
        parameters=dict(sorted(policy_set.parameters.items())),
        inputs=reading.inputs,
        policies=summaries,
        violations=[],
        pending=[],
        rejected=reading.rejected,
        rejected_total=reading.rejected_total,
        ignored_after_as_of=outcome.after_as_of,
        rejected_by_code=reading.rejected_by_code,
    )
    report = report.model_copy(update={"nothing_audited": nothing_audited(report) or None})
    report.with_reported(r.name for p in policy_set.policies for r in p.report)
    return Assembled(
        report=report,
        violations=(item[3] for item in ranked),
        pending=_pending(asm, outcome, horizon),
    )


def _reordered(
    items: Iterable[tuple[int, int, str, Violation]], lead: int
) -> Iterator[tuple[int, str, str, Violation]]:
    """Violations by (start, policy, id) from findings that come ordered by their own start
    (item: finding start, reported start, policy, violation). A reported start is at most
    `lead` µs before its finding's (`reported_lead`), so a violation is handed on once the
    findings have moved more than `lead` past its start: only those still within `lead` of
    the stream are held."""
    held: list[tuple[int, str, str, Violation]] = []
    for at, start, policy, v in items:
        heapq.heappush(held, (start, policy, v.id, v))
        while held and held[0][0] < at - lead:
            yield heapq.heappop(held)
    while held:
        yield heapq.heappop(held)


def reported_lead(policy_set: ir.PolicySet) -> int:
    """How far (µs) a violation's reported start may lie before its finding's start: a
    `before` window reports the window itself (`span_of`), up to its longest bound before the
    trigger; every other violation starts at its finding's start."""
    lead = 0
    for policy in policy_set.policies:
        rule = policy.rule
        windows = []
        if isinstance(rule, ir.Expectations):
            windows = [e.window for e in rule.expects]
        elif isinstance(rule, ir.Response):
            windows = [rule.window]
        for w in windows:
            if w.direction == "before":
                bounds = [b.seconds for b in (w.max, w.min) if b is not None]
                lead = max([lead] + [seconds_to_us(b) for b in bounds])
    return lead


def _pending(asm: Assembler, outcome: Outcome, horizon: int | None) -> Iterator[PendingObligation]:
    ranked = []
    for p in outcome.pending:
        record = asm.pending(p, horizon if horizon is not None else 0)
        due = float(p.deadline) if p.deadline is not None else float("inf")
        ranked.append((due, record.policy, p.trigger.us, record.trigger.id, record))
    ranked.sort(key=lambda item: item[:4])
    return (item[4] for item in ranked)


def _whole(metric: ir.Metric, value: float | None) -> float | None:
    """A `count` metric's value as the integer it is (`2`, not `2.0`, in the JSON report and a
    breach's `details.value`), whatever number type the engine computed it in."""
    if metric.aggregate.fn == "count" and value is not None:
        return int(value)
    return value
