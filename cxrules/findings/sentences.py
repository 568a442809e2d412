"""Findings, sentences: every violation and pending sentence, written once for every engine.

Each function reads the compiled policy (for its patterns, windows and thresholds) and a neutral
finding (for the instants and values), and returns the sentence and the `details` of the report
record. Sentences write instants in the sentence's zone (`Times`: the policy's zone when it sets
one, else the log's), durations exactly (`format_duration`) and measured percentages as tables do
(`measured`). `span_of` says which interval a violation reports.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from cxrules import ir
from cxrules.findings.model import Cell, Finding, Pending
from cxrules.findings.text import Times, iso, value_text
from cxrules.ir.phrases import compact_duration
from cxrules.ir.ranks import METHOD_NAMES
from cxrules.ir.reading import read_instant
from cxrules.ir.text import (
    before_text,
    describe,
    duration_text,
    figure,
    key_text,
    measured,
    number,
    ordinal,
    pattern_text,
    percent,
    percentile_name,
    scope_words,
    warns_text,
    window_text,
)
from cxrules.ir.walk import iter_nodes, leaves, unit_of
from cxrules.time.clock import Clock
from cxrules.time.format import format_duration
from cxrules.time.instants import NEVER, from_us, seconds_to_us
from cxrules.time.zones import zone as zone_info

Details = dict[str, Any]

#: Calendar deadlines that end a period: engines hold the period's last microsecond, the report
#: shows the next period's first instant (its midnight), which the period excludes.
PERIOD_ENDS = {"end_of_day": "day", "end_of_week": "week", "end_of_month": "month"}


def scope_label(policy: ir.Policy, scope: tuple[str, ...]) -> str:
    """'visit v-1007', 'customer c-1, topic billing' (`scope_words`); '' for the global
    scope."""
    if not policy.scope:
        return ""
    return scope_words(policy.scope, scope)


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


def period_end(policy: ir.Policy) -> str | None:
    """'day', 'week' or 'month' when the rule's deadline is the end of that period."""
    window = getattr(policy.rule, "window", None)
    if window is not None and isinstance(window.deadline, ir.CalendarPoint):
        return PERIOD_ENDS.get(window.deadline.point)
    return None


def shown_deadline(policy: ir.Policy, deadline: int, zone: str) -> int:
    """A deadline as the report shows it: the end of a day (week, month) is the next local
    midnight, never 23:59:59.999999 (an event at that midnight is already too late); where the
    clocks skip midnight (Havana on 8 March 2026), the new day's first instant, 01:00."""
    if period_end(policy) is None:
        return deadline
    tz = zone_info(policy.zone or zone)
    next_day = (
        from_us(deadline + 1).astimezone(tz).date() != from_us(deadline).astimezone(tz).date()
    )
    return deadline + 1 if next_day else deadline


def span_of(policy: ir.Policy, f: Finding, zone: str) -> tuple[int, int]:
    """The interval a violation reports (µs): from the trigger to the deadline for a response
    (`late` too: its fulfilment is `fulfilled_at`); the window itself for a `before` window
    ([t − max, t − min]; without an earliest bound, the instant t − min); for several
    expectations, from the earliest to the latest bound of the failed ones' windows; else the
    finding's."""
    rule = policy.rule
    if isinstance(rule, ir.Expectations) and f.trigger is not None:
        spans = [window_span(e.window, f.trigger.us) for e, _ in failed_expectations(rule, f)]
        return min(a for a, _ in spans), max(b for _, b in spans)
    if isinstance(rule, ir.Response) and f.trigger is not None and not f.bad_deadline:
        w = rule.window
        if w.direction == "before":
            return window_span(w, f.trigger.us)
        if f.deadline is not None:
            return f.start, shown_deadline(policy, f.deadline, zone)
    return f.start, f.end


def _read(
    f: Finding,
    times: Times,
    units: dict[str, str],
    timed: frozenset[str] = frozenset(),
    zone: str = "UTC",
    against: tuple[float, ...] = (),
) -> list[str]:
    """'name = value' for each value a condition read (the event's own time left out); a value
    compared with a time that is no time says so ('resolved_at = "29/2/2016", not a time'); a
    number near a constant of the condition (`against`) with the decimals that keep it apart."""
    said = []
    for text, v in f.read:
        if text == "time":
            continue
        shown = f"{text} = {_value(v, units.get(text, 'any'), times, against)}"
        if text in timed and not isinstance(v, datetime) and _no_time(v, zone):
            shown += ", not a time"
        said.append(shown)
    return said


_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})


def _timed(condition: Any) -> frozenset[str]:
    """The texts of the values a condition compares with a time (`time <= promised_at`)."""
    found: set[str] = set()
    for node in iter_nodes(condition):
        sides: tuple[Any, ...] = ()
        if isinstance(node, ir.Binary) and node.op in _COMPARISONS:
            sides = (node.left, node.right)
        elif isinstance(node, ir.Between):
            sides = (node.value, node.low, node.high)
        if any(unit_of(side) == "instant" for side in sides):
            found.update(describe(side) for side in sides if _from_the_log(side))
    return frozenset(found)


def _from_the_log(node: Any) -> bool:
    """Whether an expression is a value of the log: an attribute, or a field of a history."""
    return isinstance(node, ir.Attr) or (isinstance(node, ir.History) and bool(node.field))


def _no_time(value: Any, zone: str) -> bool:
    """Whether a value read from the log is no time (as the engines read one: an ISO text)."""
    if isinstance(value, str):
        return read_instant(value, zone_info(zone)) is None
    return value is not None


def _value(v: Any, unit: str, times: Times, against: tuple[float, ...] = ()) -> str:
    """A value for a sentence; a number or percentage with the decimals that keep it on its side
    of each constant in `against` ('score >= 4.5 is false (score = 4.49999)', never 'score =
    4.5'; 'rate = 66.667%' against 66.67%)."""
    if unit == "date" and isinstance(v, str):
        return v  # `local_date = 2026-03-20`, as a policy writes a date: not a quoted text
    if isinstance(v, int | float) and not isinstance(v, bool):
        if unit == "percent":
            return measured(v, against)
        if unit == "duration":
            return format_duration(v)
        if unit == "time_of_day" and 0 <= v < 86400:
            return clock_text(v)
        if isinstance(v, float) and against:
            return figure(v, "number", against)
    return value_text(v, times)


def _unit(node: Any) -> str:
    """`unit_of`, with `local_date` a date (a sentence writes it as a policy does)."""
    if isinstance(node, ir.Local) and node.part == "date":
        return "date"
    return unit_of(node)


def _constants(condition: Any) -> tuple[float, ...]:
    """The numbers and percentages a condition writes (`>= 4.5`, `66.67%`: a fraction)."""
    return tuple(
        float(n.value)
        for n in iter_nodes(condition)
        if isinstance(n, ir.Lit)
        and n.type in ("number", "percent")
        and isinstance(n.value, int | float)
        and not isinstance(n.value, bool)
    )


def clock_text(seconds: float) -> str:
    """Seconds since local midnight as a clock reading: 29730 → '08:15:30', 30600 → '08:30'
    (fractions of a second after a dot).

    >>> clock_text(29730), clock_text(30600), clock_text(29730.25)
    ('08:15:30', '08:30', '08:15:30.25')
    """
    whole = int(seconds)
    h, m, s = whole // 3600, whole // 60 % 60, whole % 60
    text = f"{h:02d}:{m:02d}" + (f":{s:02d}" if s or seconds != whole else "")
    if seconds != whole:
        text += f"{seconds - whole:.6f}"[1:].rstrip("0")
    return text


def _jsonable(v: Any, zone: str) -> Any:
    """A value for `details`: instants as ISO text in the log's zone, other values as read."""
    if isinstance(v, datetime):
        return iso(int(round(v.timestamp() * 1_000_000)), zone)
    if isinstance(v, dict):
        return {str(k): _jsonable(x, zone) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_jsonable(x, zone) for x in v]
    if isinstance(v, float) and v != v:  # NaN: not JSON
        return None
    if isinstance(v, float) and v in (math.inf, -math.inf):  # not JSON either: as written
        return "inf" if v > 0 else "-inf"
    return unsigned_zero(v)


def unsigned_zero(v: Any) -> Any:
    """`v`, a negative zero (`-0.0`: the minimum of -0.0 and 0.0, `x * -1` of 0) as 0.0. The two
    are equal, so which one an engine keeps of equal values is no finding; a report writes 0."""
    return 0.0 if isinstance(v, float) and v == 0 else v


# --------------------------------------------------------------------------- violations


def violation_text(
    policy: ir.Policy, f: Finding, zone: str, clock: Clock | None = None
) -> tuple[str, Details]:
    """The sentence and details of one violation of `policy`; `zone` is the log's (the report's
    data fields), sentences use the policy's zone when it sets one. A policy with `report`
    values ends the sentence with them, '(host: Ayşe; party: 4)', and gives them in
    `details.report` (a missing value: 'missing' in the sentence, null in the details).
    `clock` (the run's calendars) measures a gap or stretch judged in business hours."""
    sentence, details = _violation_text(policy, f, zone, clock)
    if not policy.report:
        return sentence, details
    t = Times(policy.zone or zone)
    values = dict(f.reported)
    shown = []
    report: Details = {}
    for r in policy.report:
        v = values.get(r.name)
        shown.append(f"{r.name}: {_reported_text(v, r.unit, t)}")
        report[r.name] = None if v is None else _jsonable(v, zone)
    return f"{sentence} ({'; '.join(shown)})", {**details, "report": report}


def _reported_text(v: Any, unit: str, t: Times) -> str:
    """A reported value in a sentence: text as it is (quoted only when empty), 'missing'."""
    if v is None:
        return "missing"
    if isinstance(v, str) and v:
        return v
    return _value(v, unit, t)


def _still_open(f: Finding) -> str:
    """How a gap still open ends its sentence: at the horizon of an audit, or 'still open' when
    a watch says it while the log is followed (its end is the time it is said)."""
    if not f.still_open:
        return ""
    return "; still open" if f.said_open else "; still open at the horizon"


def _lasted(f: Finding, limit: ir.Duration, clock: Clock | None, aside: str = ", ") -> str:
    """How long a gap or stretch lasted: against a limit in business hours, its opening time
    first, so that it reads on the limit's clock: '4h30m of business hours, 5h30m in all'
    (`aside` "(": '4h30m of business hours (5h30m in all)')."""
    lasted = format_duration(_seconds(f.end - f.start))
    if clock is None or limit.calendar is None or limit.unit != "hours":
        return lasted
    opening = format_duration(_seconds(clock.elapsed(f.start, f.end, limit)), days=False)
    close = ")" if aside.endswith("(") else ""
    return f"{opening} of business hours{aside}{lasted} in all{close}"


def _past_limit(
    f: Finding, limit: ir.Duration, clock: Clock | None, t: Times, zone: str
) -> tuple[str, Details]:
    """Against a limit (or grace) on business time, when the stretch went past it, which
    neither its start and end nor the limit's seconds tell: a sentence's part ('; over the
    limit from 2026-03-04 10:00:00+03:00') and the details: `over_from` (an instant) and,
    for business hours, `business_seconds` (the stretch's opening time, as the sentence says
    it). Nothing for a limit on the wall clock (its end is the start plus the limit)."""
    if clock is None or limit.calendar is None:
        return "", {}
    over = clock.add(f.start, limit)
    if over >= NEVER:
        return "", {}
    details: Details = {"over_from": iso(over, zone)}
    if limit.unit == "hours":
        details["business_seconds"] = _seconds(clock.elapsed(f.start, f.end, limit))
    return f"; over the limit from {t(over)}", details


def _violation_text(
    policy: ir.Policy, f: Finding, zone: str, clock: Clock | None
) -> tuple[str, Details]:
    rule = policy.rule
    t = Times(policy.zone or zone)
    if f.bad_deadline:
        return _bad_deadline(policy, f, t), {}
    if isinstance(rule, ir.Response):
        return _response(policy, rule, f, t, zone)
    if isinstance(rule, ir.Expectations):
        return _expectations(policy, rule, f, t, zone)
    if isinstance(rule, ir.ForbidAfter):
        assert f.trigger is not None
        head = about(policy, f.scope, f.trigger.type, f.count)
        # `unless`: a cancelling event before the forbidden one would have closed the window
        spared = f", with no {pattern_text(rule.unless)} before it" if rule.unless else ""
        return (
            f"{head} at {t(f.start)}: forbidden {pattern_text(rule.pattern)} "
            f"at {t(f.end)} ({_forbid_window_text(rule.window)}){spared}"
        ), {}
    if isinstance(rule, ir.RateLimit):
        label = scope_label(policy, f.scope)
        where = f" for {label}" if label else ""
        return (
            f"{f.number} {pattern_text(rule.pattern)}{where} within "
            f"{duration_text(rule.within)} (at most {rule.at_most} allowed): from "
            f"{t(f.start)} to {t(f.end)}"
        ), {"count": f.number, "at_most": rule.at_most}
    if isinstance(rule, ir.Existence):
        return _existence(policy, rule, f, t)
    if isinstance(rule, ir.Absence):
        assert f.trigger is not None
        label = scope_label(policy, f.scope)
        where = f" in {label}" if label else ""
        at = t(f.start)
        where_condition = rule.pattern.where
        units = {} if where_condition is None else {x: _unit(n) for x, n in leaves(where_condition)}
        timed = frozenset() if where_condition is None else _timed(where_condition)
        constants = () if where_condition is None else _constants(where_condition)
        read = _read(f, t, units, timed, zone, constants)
        values = f": {'; '.join(read[:4])}" if read else ""
        return (
            f"forbidden {f.trigger.type}{where} at {at}{values} "
            f"(rule: forbid {pattern_text(rule.pattern)})"
        ), {}
    if isinstance(rule, ir.ValueCheck):
        return _value_check(policy, rule, f, t, zone)
    if isinstance(rule, ir.Invariant) and rule.limit:
        label = scope_label(policy, f.scope) or "the log"
        tail = _still_open(f)
        lasted = _seconds(f.end - f.start)
        length = _lasted(f, rule.grace, clock, aside=" (")
        span = f"from {t(f.start)} to {t(f.end)}{tail}"
        over, more = _past_limit(f, rule.grace, clock, t, zone)
        return (
            f"{label}: {rule.during} for {length}, more than "
            f"{duration_text(rule.grace)} ({span}{over})"
        ), {
            "limit_seconds": rule.grace.seconds,
            "stretch_seconds": lasted,
            "still_open": f.still_open,
        } | more
    if isinstance(rule, ir.Invariant):
        label = scope_label(policy, f.scope) or "the log"
        tail = _still_open(f)
        # `always not parked`: 'parked held while open', not 'not parked did not hold while …'
        condition = rule.condition
        if isinstance(condition, ir.Unary) and condition.op == "not":
            broke = f"{describe(condition.operand)} held"
        else:
            broke = f"{describe(condition)} did not hold"
        span = f"from {t(f.start)} to {t(f.end)}"
        over, more = _past_limit(f, rule.grace, clock, t, zone)
        over = over.replace("the limit", "the grace")
        return (
            f"{label}: {broke} while {rule.during} {span} ({_lasted(f, rule.grace, clock)}; "
            f"grace {duration_text(rule.grace)}{tail}{over})"
        ), {"grace_seconds": rule.grace.seconds, "still_open": f.still_open} | more
    raise ValueError(f"no sentence for a {f.kind} violation of a {rule.kind} rule")


def _response(
    policy: ir.Policy, rule: ir.Response, f: Finding, t: Times, zone: str
) -> tuple[str, Details]:
    assert f.trigger is not None
    head = about(policy, f.scope, f.trigger.type, f.count)
    expect = pattern_text(rule.expect)
    w = rule.window
    if w.direction == "before":
        start, end = span_of(policy, f, zone)
        at = t(f.trigger.us)
        if start == end == f.trigger.us:
            return f"{head} at {at}: no {expect} {before_text(w)}", {}
        if start == end:
            return f"{head} at {at}: no {expect} {before_text(w)} (by {t(end)})", {}
        return f"{head} at {at}: no {expect} {before_text(w)} (from {t(start)} to {t(end)})", {}
    assert f.deadline is not None
    deadline = shown_deadline(policy, f.deadline, zone)
    details = {"deadline": iso(deadline, zone)}
    period = period_end(policy) if deadline != f.deadline else None
    if f.kind == "late":
        assert f.fulfilled is not None
        at, came = t(f.start), t(f.fulfilled)
        late = f.fulfilled - deadline
        what = f"the {period} ended at" if period else "the deadline"
        if late:  # 'after the day ended at 00:00:00': not 'the end of the day 00:00:00'
            by = f"{format_duration(_seconds(late))} after {what} {t(deadline)}"
        else:  # exactly at the next period's midnight, which the period excludes
            by = f"when the {period} had ended"
        return f"{head} at {at}: {expect} only at {came}, {by} ({window_text(w)})", details
    # `each`: an event in the window may have gone to an older obligation, so 'no X within 1d'
    # alone would deny an X the log shows
    older = f.trigger.type if len(rule.trigger.pattern.types) == 1 else "trigger"
    used = f" not already used by an older {older}" if rule.each else ""
    # `unless`: a cancelling event up to the deadline would have spared it
    spared = f", and no {pattern_text(rule.unless)} by then" if rule.unless else ""
    return (
        f"{head} at {t(f.start)}: no {expect} {window_text(w)}{used} "
        f"(deadline {t(deadline)}){spared}"
    ), details


def failed_expectations(rule: ir.Expectations, f: Finding) -> list[tuple[ir.Expectation, int]]:
    """The expectations an `unmet` violation failed, with their counts, in the rule's order."""
    return [(e, c) for e, c in zip(rule.expects, f.counts, strict=True) if not e.met(c)]


def expectation_reason(e: ir.Expectation, count: int) -> str:
    """Why an expectation failed: 'no return.received within 30d before', '2 refund.issued
    within 30d before (at most 1 allowed)', '1 visit.logged before it (at least 2 required)'."""
    where = f"{pattern_text(e.pattern)} {before_text(e.window)}"
    if count == 0 and e.at_least == 1 and e.at_most is None:
        return f"no {where}"
    if e.at_most is not None and count > e.at_most:
        return f"{count} {where} (at most {e.at_most} allowed)"
    return f"{count} {where} (at least {e.at_least} required)"


def window_span(w: ir.Window, t: int) -> tuple[int, int]:
    """A `before` window around the trigger instant t (µs): [t − max, t − min]; without an
    earliest bound, the instant t − min (the latest the event could have come)."""
    end = t - (seconds_to_us(w.min.seconds) if w.min else 0)
    start = t - seconds_to_us(w.max.seconds) if w.max else end
    return start, end


def _expectations(
    policy: ir.Policy, rule: ir.Expectations, f: Finding, t: Times, zone: str
) -> tuple[str, Details]:
    """'refund.issued of customer c-1 at …: no return.received within 30d before; 2
    refund.issued within 30d before (at most 1 allowed)': every failed expectation, in order."""
    assert f.trigger is not None
    head = about(policy, f.scope, f.trigger.type, f.count)
    failed = failed_expectations(rule, f)
    reasons = [expectation_reason(e, c) for e, c in failed]
    details: Details = {
        "failed": [
            {"expect": e.text, "count": c, "reason": r}
            for (e, c), r in zip(failed, reasons, strict=True)
        ]
    }
    return f"{head} at {t(f.trigger.us)}: {'; '.join(reasons)}", details


def _bad_deadline(policy: ir.Policy, f: Finding, t: Times) -> str:
    window = getattr(policy.rule, "window", None)
    assert f.trigger is not None and window is not None and window.deadline is not None
    what = describe(window.deadline)
    head = about(policy, f.scope, f.trigger.type, f.count)
    at = t(f.trigger.us)
    if f.value is None:
        reason = f"its deadline {what} is missing"
        shifted = _shifted_attribute(window.deadline)
        if shifted is not None:  # the likely cause: a text, which is no time to shift
            name, field = shifted
            reason += (
                f" ({name} is missing, or a text: a time shifted by a duration must be read "
                f'as a time by the log\'s mapping, times = {{ {field} = "iso" }})'
            )
    else:
        reason = f"its deadline {what} = {value_text(f.value, t)} is not a time"
    return f"{head} at {at}: {reason}"


def _shifted_attribute(deadline: ir.Expr) -> tuple[str, str] | None:
    """`(written name, attribute)` of a deadline that shifts an attribute by a duration
    (`promised + 4h`, `last(x).promised - 30min`): a text there is missing, not a time."""
    if not isinstance(deadline, ir.Binary) or deadline.op not in ("+", "-"):
        return None
    for side, other in ((deadline.left, deadline.right), (deadline.right, deadline.left)):
        if not (isinstance(other, ir.Lit) and other.type == "duration"):
            continue
        if isinstance(side, ir.Attr):
            return describe(side), side.path
        if isinstance(side, ir.History) and side.fn != "count" and side.field is not None:
            return describe(side), side.field
    return None


def _existence(policy: ir.Policy, rule: ir.Existence, f: Finding, t: Times) -> tuple[str, Details]:
    label = scope_label(policy, f.scope) or "the log"
    what = pattern_text(rule.pattern)
    if f.kind == "too_few":
        return (
            f"{label} had {f.number} {what} from {t(f.start)} to {t(f.end)} "
            f"(at least {rule.at_least} required)"
        ), {"count": f.number, "at_least": rule.at_least}
    assert rule.at_most is not None
    return (
        f"{label} had {f.number} {what} (at most {rule.at_most} allowed; the "
        f"{ordinal(rule.at_most + 1)} at {t(f.end)})"
    ), {"count": f.number, "at_most": rule.at_most}


def _value_check(
    policy: ir.Policy, rule: ir.ValueCheck, f: Finding, t: Times, zone: str
) -> tuple[str, Details]:
    """'… at 10:00:00: battery >= 90% is false (battery = 60.0%; count(arm.connected) = 3)':
    the condition as written, then the values of its lets, computed operands and reads."""
    assert f.trigger is not None
    head = about(policy, f.scope, f.trigger.type, f.count)
    at = t(f.trigger.us)
    condition = rule.text or describe(rule.condition)
    reason = f"{condition} is false"
    if f.missing:
        reason = f"{condition} cannot be judged: {', '.join(f.missing)} missing"
    units: dict[str, str] = {text: _unit(node) for text, node in leaves(rule.condition)}
    units |= {s.text: s.unit for s in rule.shown}
    read = _read(f, t, units, _timed(rule.condition), zone, _constants(rule.condition))
    if read:
        reason += f" ({'; '.join(read[:6])})"
    details: Details = {
        "values": {text: _jsonable(v, zone) for text, v in f.read if text != "time"}
    }
    if f.missing:
        details["missing"] = list(f.missing)
    return f"{head} at {at}: {reason}", details


# --------------------------------------------------------------------------- metrics


def show(metric: ir.Metric, value: float) -> str:
    """A threshold in the metric's unit, as the policy writes it: '80%', '47s', '1min', '40'
    (never '1m', a spelling the language refuses and a reader may take for a month).

    >>> m = ir.Metric.model_construct(unit="duration")
    >>> show(m, 60), show(m, 90), show(m, 7200)
    ('1min', '90s', '2h')
    """
    if metric.unit == "percent":
        return percent(value)
    if metric.unit == "duration":
        return compact_duration(value)
    return number(value)


def threshold_text(metric: ir.Metric, t: ir.Threshold) -> str:
    return f"{t.op} {show(metric, t.value)}"


def metric_figure(rule: ir.MetricCheck, value: float) -> str:
    """A metric value as tables write it (`figure`), kept apart from its thresholds (whatever
    its unit: a mean wait of 30.00025s is not '30s' against `<= 30s`)."""
    against = tuple(t.value for t in (rule.require, rule.warn) if t is not None)
    return figure(value, rule.metric.unit, against)


def cell_place(metric: ir.Metric, cell: Cell) -> str:
    """' for queue=q1 in day 2026-03-02' (the group and the bucket of a cell; a value with a
    comma quoted in a group of several keys, `scope_words`)."""
    where = scope_words(metric.group_by, cell.group, "=")
    return (f" for {where}" if where else "") + (
        f" in {metric.bucket} {cell.bucket}" if cell.bucket else ""
    )


def cell_key(metric: ir.Metric, cell: Cell) -> str:
    """The cell's place as violation ids are made from it: `cell_place` as it was written
    before a comma in a value was quoted, so that the ids of metric breaches stay as they
    were."""
    where = ", ".join(
        f"{k}={key_text(v)}" for k, v in zip(metric.group_by, cell.group, strict=True)
    )
    return (f" for {where}" if where else "") + (
        f" in {metric.bucket} {cell.bucket}" if cell.bucket else ""
    )


def _side(count: int, what: str) -> str:
    """One side of a ratio: '10 order.placed', '(6 call.abandoned where q_time >= 5)'."""
    return f"({count} {what})" if " where " in what else f"{count} {what}"


def _population(rule: ir.MetricCheck, cell: Cell) -> tuple[str, Details]:
    """How the value was computed, in words and as numbers: '15 of 20 call.queued followed by
    call.answered within 20s', {"numerator": 15, "denominator": 20}."""
    agg = rule.metric.aggregate
    n, hits = cell.population, cell.hits
    what = pattern_text(agg.pattern)
    if agg.fn == "share" and hits is not None:
        assert agg.of is not None
        within = f" within {duration_text(agg.within)}" if agg.within else ""
        # an `unless` event first fails a member (docs/semantics.md, share): said, so that a
        # hang-up before the answer reads as the miss it is
        unless = f" before any {pattern_text(agg.unless)}" if agg.unless else ""
        words = f"{hits} of {n} {pattern_text(agg.of)} followed by {what}{within}{unless}"
        return words, {"numerator": hits, "denominator": n}
    if agg.fn == "ratio" and hits is not None:
        assert agg.of is not None
        # a side with a condition in parentheses: '… made_sla == true / 268 …' would read as
        # 'true / 268'
        words = f"{_side(hits, what)} / {_side(n, pattern_text(agg.of))}"
        return words, {"numerator": hits, "denominator": n}
    if agg.fn == "csat" and hits is not None:
        return f"{hits} of {_count(n, 'answer')} 4-5", {"numerator": hits, "denominator": n}
    if agg.fn == "nps" and hits is not None and cell.low is not None:
        words = (
            f"{_count(hits, 'promoter')} and {_count(cell.low, 'detractor')} of "
            f"{_count(n, 'answer')}"
        )
        return words, {"promoters": hits, "detractors": cell.low, "denominator": n}
    if agg.fn in ("count", "share", "ratio"):  # (an engine that gave no numerator)
        return f"{n} {pattern_text(agg.of or agg.pattern)}", {}
    head = {
        "avg": "mean",
        "ces": "mean",
        "sum": "sum",
        "min": "least",
        "max": "largest",
    }.get(agg.fn)
    if agg.fn == "percentile" and agg.q is not None:
        # the method is named: nearest rank and linear interpolation differ on the same values
        method = METHOD_NAMES[agg.method]
        head = percentile_name(agg.q)
        return f"{head} by {method} of {n} {what}", {"method": method}
    of = f"{head} of " if head else ""
    return f"{of}{n} {what}", {}


def metric_text(rule: ir.MetricCheck, cell: Cell, status: str) -> tuple[str, Details]:
    """The sentence and details of a metric cell that broke its requirement (or its warning
    level): the cell, the value, how it was computed, and the threshold."""
    metric = rule.metric
    assert cell.value is not None
    broken = rule.require if status == "violated" else rule.warn
    assert broken is not None
    # a warning says when the metric warns, as the policy writes it ('warns above 20s'), not
    # the level a value keeps to not warn ('<= 20s')
    level = threshold_text(metric, broken)
    need = f"required {level}" if status == "violated" else warns_text(level)
    words, numbers = _population(rule, cell)
    sentence = (
        f"{metric.name}{cell_place(metric, cell)} was {metric_figure(rule, cell.value)} "
        f"({words}; {need})"
    )
    details: Details = {
        "metric": metric.name,
        "bucket": cell.bucket,
        "value": _jsonable(cell.value, "UTC"),  # a sum beyond every double: "inf"
        "population": cell.population,
        **numbers,
        "threshold": threshold_text(metric, broken),
    }
    return sentence, details


# --------------------------------------------------------------------------- pending


def pending_text(policy: ir.Policy, p: Pending, zone: str) -> str:
    """The sentence of an obligation still open at the horizon."""
    rule = policy.rule
    t = Times(policy.zone or zone)
    if isinstance(rule, ir.Invariant):
        assert p.since is not None
        # A grace that would end after the last instant every zone can show never ends.
        ends = "never ends" if p.deadline is None else f"ends {t(p.deadline)}"
        if rule.limit:
            return (
                f"{scope_label(policy, p.scope) or 'the log'}: {rule.during} since "
                f"{t(p.since)} (at most {duration_text(rule.grace)}: the limit {ends})"
            )
        return (
            f"{scope_label(policy, p.scope) or 'the log'}: {describe(rule.condition)} "
            f"has not held since {t(p.since)} (grace {duration_text(rule.grace)} {ends})"
        )
    if isinstance(rule, ir.MetricCheck):
        agg = rule.metric.aggregate
        label = scope_label(policy, p.scope)
        head = f"{p.trigger.type} of {label}" if label else p.trigger.type
        window = f"within {duration_text(agg.within)}" if agg.within else "at any time"
        return (
            f"{head} at {t(p.trigger.us)}: waiting for {pattern_text(agg.pattern)} "
            f"{window} (not yet counted in {rule.metric.name})"
        )
    head = f"{about(policy, p.scope, p.trigger.type, p.count)} at {t(p.trigger.us)}"
    if isinstance(rule, ir.Response):
        return (
            f"{head}: waiting for {pattern_text(rule.expect)} {window_text(rule.window)} "
            f"({_deadline_text(policy, rule.window, p, t, zone)})"
        )
    if isinstance(rule, ir.ForbidAfter):
        if _endless(rule.window):
            # never satisfied, so open at every horizon: not an obligation with a deadline to
            # chase, but a ban kept so far ('no marketing.sent after it so far'); the sentence
            # names its deadline, so that renderings do not add '(no deadline)' again
            return (
                f"{head}: no {pattern_text(rule.pattern)} {_forbid_window_text(rule.window)} "
                "so far (a ban with no end: no deadline, open at every horizon)"
            )
        return (
            f"{head}: no {pattern_text(rule.pattern)} allowed {window_text(rule.window)} "
            f"({_deadline_text(policy, rule.window, p, t, zone)})"
        )
    raise ValueError(f"no pending sentence for a {rule.kind} rule")


def _endless(w: ir.Window) -> bool:
    """Whether a window has no end (`forbid B after`, `at least 1d after`)."""
    return w.max is None and w.deadline is None


def _forbid_window_text(w: ir.Window) -> str:
    """A `forbid` window in words, one with no end said after what: 'after it', 'at least 1d
    after it' (its 'at any time' would read as a ban before the trigger too)."""
    if not _endless(w):
        return window_text(w)
    text = window_text(w)
    return "after it" if text == "at any time" else f"{text} it"


def _deadline_text(policy: ir.Policy, w: ir.Window, p: Pending, t: Times, zone: str) -> str:
    if p.deadline is not None:
        return f"deadline {t(shown_deadline(policy, p.deadline, zone))}"
    if p.remaining is None:
        return "no deadline"
    left = _seconds(p.remaining)
    if w.max is not None and w.max.unit == "hours":
        # Business time: hours of opening time, not hours of the day, written as a stretch's
        # ('7h50m of business hours', '84h08m50s …'), not '7.83 business hours' nor '3d12h…'
        return f"clock paused with {format_duration(left, days=False)} of business hours left"
    return f"clock paused with {format_duration(left)} left"


def _count(n: int, noun: str) -> str:
    """'1 answer', '2 answers'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
