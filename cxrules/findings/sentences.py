"""Findings, sentences: every violation and pending sentence, written once for every engine.

Each function reads the compiled policy (for its patterns, windows and thresholds) and a neutral
finding (for the instants and values), and returns the sentence and the `details` of the report
record. The sentences name concrete times in the report's zone.
"""

from __future__ import annotations

from typing import Any

from cxrules import ir
from cxrules.findings.model import Cell, Finding, Pending
from cxrules.findings.text import iso, span_text, value_text, when
from cxrules.ir.text import (
    describe,
    duration_text,
    number,
    ordinal,
    pattern_text,
    percent,
    window_text,
)
from cxrules.time.format import format_duration

Details = dict[str, Any]


def scope_label(policy: ir.Policy, scope: tuple[str, ...]) -> str:
    """'visit v-1007', 'customer c-1/billing'; '' for the global scope."""
    if not policy.scope:
        return ""
    return f"{policy.scope[0]} {'/'.join(scope)}"


def trigger_of(rule: Any) -> ir.Trigger | None:
    return getattr(rule, "trigger", None)


def about(policy: ir.Policy, scope: tuple[str, ...], event_type: str, count: int) -> str:
    """'3rd complaint.filed within 30d of customer c-1' (no 'of …' for the global scope)."""
    trigger = trigger_of(policy.rule)
    head = event_type
    if trigger is not None and trigger.nth is not None:
        window = f" within {duration_text(trigger.within)}" if trigger.within else ""
        head = f"{ordinal(count)} {event_type}{window}"
    label = scope_label(policy, scope)
    return f"{head} of {label}" if label else head


def _seconds(us: int) -> float:
    return us / 1_000_000


def _read(f: Finding, zone: str) -> list[str]:
    """'name = value' for each value a condition read (the event's own time left out)."""
    return [f"{text} = {value_text(v, zone)}" for text, v in f.read if text != "time"]


# --------------------------------------------------------------------------- violations


def violation_text(policy: ir.Policy, f: Finding, zone: str) -> tuple[str, Details]:
    """The sentence and details of one violation of `policy`."""
    rule = policy.rule
    if f.bad_deadline:
        return _bad_deadline(policy, f, zone), {}
    if isinstance(rule, ir.Response):
        return _response(policy, rule, f, zone)
    if isinstance(rule, ir.ForbidAfter):
        assert f.trigger is not None
        head = about(policy, f.scope, f.trigger.type, f.count)
        return (
            f"{head} at {when(f.start, zone)}: forbidden {pattern_text(rule.pattern)} "
            f"at {when(f.end, zone)} ({window_text(rule.window)})"
        ), {}
    if isinstance(rule, ir.RateLimit):
        label = scope_label(policy, f.scope)
        where = f" for {label}" if label else ""
        return (
            f"{f.number} {pattern_text(rule.pattern)}{where} within "
            f"{duration_text(rule.within)} (at most {rule.at_most} allowed): from "
            f"{when(f.start, zone)} to {when(f.end, zone)}"
        ), {"count": f.number, "at_most": rule.at_most}
    if isinstance(rule, ir.Existence):
        return _existence(policy, rule, f, zone)
    if isinstance(rule, ir.Absence):
        assert f.trigger is not None
        label = scope_label(policy, f.scope)
        where = f" in {label}" if label else ""
        read = _read(f, zone)
        values = f": {'; '.join(read[:4])}" if read else ""
        return (
            f"forbidden {f.trigger.type}{where} at {when(f.start, zone)}{values} "
            f"(rule: forbid {pattern_text(rule.pattern)})"
        ), {}
    if isinstance(rule, ir.ValueCheck):
        return _value_check(policy, rule, f, zone)
    if isinstance(rule, ir.Invariant):
        label = scope_label(policy, f.scope) or "the log"
        tail = "; still open at the horizon" if f.still_open else ""
        return (
            f"{label}: {describe(rule.condition)} did not hold while {rule.during} "
            f"{span_text(f.start, f.end, zone)} ({format_duration(_seconds(f.end - f.start))}; "
            f"grace {duration_text(rule.grace)}{tail})"
        ), {"grace_seconds": rule.grace.seconds, "still_open": f.still_open}
    raise ValueError(f"no sentence for a {f.kind} violation of a {rule.kind} rule")


def _response(policy: ir.Policy, rule: ir.Response, f: Finding, zone: str) -> tuple[str, Details]:
    assert f.trigger is not None
    head = about(policy, f.scope, f.trigger.type, f.count)
    expect = pattern_text(rule.expect)
    w = rule.window
    if w.direction == "before":
        if w.max is None:
            span = f"at least {duration_text(w.min)} before" if w.min else "before it"
        else:
            span = f"between {duration_text(w.max)} and {duration_text(w.min)} before"
        return f"{head} at {when(f.trigger.us, zone)}: no {expect} {span}", {}
    assert f.deadline is not None
    details = {"deadline": iso(f.deadline, zone)}
    if f.kind == "late":
        assert f.fulfilled is not None
        return (
            f"{head} at {when(f.start, zone)}: {expect} only at {when(f.fulfilled, zone)}, "
            f"{format_duration(_seconds(f.fulfilled - f.deadline))} after the deadline "
            f"{when(f.deadline, zone)} ({window_text(w)})"
        ), details
    return (
        f"{head} at {when(f.start, zone)}: no {expect} {window_text(w)} "
        f"(deadline {when(f.deadline, zone)})"
    ), details


def _bad_deadline(policy: ir.Policy, f: Finding, zone: str) -> str:
    window = getattr(policy.rule, "window", None)
    assert f.trigger is not None and window is not None and window.deadline is not None
    what = describe(window.deadline)
    if f.value is None:
        reason = f"its deadline {what} is missing"
    else:
        reason = f"its deadline {what} = {value_text(f.value, zone)} is not a time"
    head = about(policy, f.scope, f.trigger.type, f.count)
    return f"{head} at {when(f.trigger.us, zone)}: {reason}"


def _existence(policy: ir.Policy, rule: ir.Existence, f: Finding, zone: str) -> tuple[str, Details]:
    label = scope_label(policy, f.scope) or "the log"
    what = pattern_text(rule.pattern)
    if f.kind == "too_few":
        return (
            f"{label} had {f.number} {what} from {when(f.start, zone)} to {when(f.end, zone)} "
            f"(at least {rule.at_least} required)"
        ), {"count": f.number, "at_least": rule.at_least}
    assert rule.at_most is not None
    return (
        f"{label} had {f.number} {what} (at most {rule.at_most} allowed; the "
        f"{ordinal(rule.at_most + 1)} at {when(f.end, zone)})"
    ), {"count": f.number, "at_most": rule.at_most}


def _value_check(
    policy: ir.Policy, rule: ir.ValueCheck, f: Finding, zone: str
) -> tuple[str, Details]:
    assert f.trigger is not None
    head = about(policy, f.scope, f.trigger.type, f.count)
    condition = describe(rule.condition)
    reason = f"{condition} is false"
    if f.missing:
        reason = f"{condition} cannot be judged: {', '.join(f.missing)} missing"
    read = _read(f, zone)
    if read:
        reason += f" ({'; '.join(read[:4])})"
    details: Details = {"missing": list(f.missing)} if f.missing else {}
    return f"{head} at {when(f.trigger.us, zone)}: {reason}", details


# --------------------------------------------------------------------------- metrics


def show(metric: ir.Metric, value: float) -> str:
    """A metric value in its unit: '80%', '47s', '40'."""
    if metric.unit == "percent":
        return percent(value)
    if metric.unit == "duration":
        return format_duration(value)
    return number(value)


def threshold_text(metric: ir.Metric, t: ir.Threshold) -> str:
    return f"{t.op} {show(metric, t.value)}"


def cell_place(metric: ir.Metric, cell: Cell) -> str:
    """' for queue=q1 in day 2026-03-02' (the group and the bucket of a cell)."""
    where = ", ".join(f"{k}={v}" for k, v in zip(metric.group_by, cell.group, strict=True))
    return (f" for {where}" if where else "") + (
        f" in {metric.bucket} {cell.bucket}" if cell.bucket else ""
    )


def metric_text(rule: ir.MetricCheck, cell: Cell, status: str) -> tuple[str, Details]:
    """The sentence of a metric cell that broke its requirement (or its warning level)."""
    metric = rule.metric
    assert cell.value is not None
    broken = rule.require if status == "violated" else rule.warn
    assert broken is not None
    need = "required" if status == "violated" else "warning level"
    population = pattern_text(metric.aggregate.of or metric.aggregate.pattern)
    sentence = (
        f"{metric.name}{cell_place(metric, cell)} was {show(metric, cell.value)} "
        f"({need} {threshold_text(metric, broken)}; {cell.population} {population})"
    )
    return sentence, {"metric": metric.name, "bucket": cell.bucket, "value": cell.value}


# --------------------------------------------------------------------------- pending


def pending_text(policy: ir.Policy, p: Pending, zone: str) -> str:
    """The sentence of an obligation still open at the horizon."""
    rule = policy.rule
    if isinstance(rule, ir.Invariant):
        assert p.since is not None
        # A grace that would end after the last instant every zone can show never ends.
        ends = "never ends" if p.deadline is None else f"ends {when(p.deadline, zone)}"
        return (
            f"{scope_label(policy, p.scope) or 'the log'}: {describe(rule.condition)} "
            f"has not held since {when(p.since, zone)} (grace {duration_text(rule.grace)} "
            f"{ends})"
        )
    if isinstance(rule, ir.MetricCheck):
        agg = rule.metric.aggregate
        label = scope_label(policy, p.scope)
        head = f"{p.trigger.type} of {label}" if label else p.trigger.type
        window = f"within {duration_text(agg.within)}" if agg.within else "at any time"
        return (
            f"{head} at {when(p.trigger.us, zone)}: waiting for {pattern_text(agg.pattern)} "
            f"{window} (not yet counted in {rule.metric.name})"
        )
    head = f"{about(policy, p.scope, p.trigger.type, p.count)} at {when(p.trigger.us, zone)}"
    if isinstance(rule, ir.Response):
        return (
            f"{head}: waiting for {pattern_text(rule.expect)} {window_text(rule.window)} "
            f"({_deadline_text(rule.window, p, zone)})"
        )
    if isinstance(rule, ir.ForbidAfter):
        return (
            f"{head}: no {pattern_text(rule.pattern)} allowed {window_text(rule.window)} "
            f"({_deadline_text(rule.window, p, zone)})"
        )
    raise ValueError(f"no pending sentence for a {rule.kind} rule")


def _deadline_text(w: ir.Window, p: Pending, zone: str) -> str:
    if p.deadline is not None:
        return f"deadline {when(p.deadline, zone)}"
    if p.remaining is None:
        return "no deadline"
    left = _seconds(p.remaining)
    if w.max is not None and w.max.unit == "hours":
        # Business time: hours of opening time, not hours of the day.
        return f"clock paused with {round(left / 3600, 2):g} business hours left"
    return f"clock paused with {format_duration(left)} left"
