"""Compiled stage, validation: what a compiled policy set must satisfy before any engine runs
it — defined states and calendars, well-formed windows, aggregates and literals.

The checker reports these problems on policy text (E2xx); a policy set built another way (by
hand, from JSON, by a tool) is held to the same rules here, once, so that engines only keep
their real capability limits (`Engine.limits`). Each problem is an E303 diagnostic.
"""

from __future__ import annotations

from typing import Any

from cxrules import ir
from cxrules.diagnostics import Diagnostic, error
from cxrules.ir.regex import RegexError, compile_regex
from cxrules.time.calendars import BusinessCalendar, CalendarError, zone
from cxrules.time.text import parse_clock

#: built-in function → (fewest, most) arguments
ARITY = {
    "clamp": (3, 3),
    "abs": (1, 1),
    "round": (1, 2),
    "lower": (1, 1),
    "upper": (1, 1),
    "trim": (1, 1),
    "length": (1, 1),
    "min": (1, 99),
    "max": (1, 99),
}
#: A clock counted in business days has no opening time to stop: docs/time.md, "Clocks that pause".
PAUSED_DAYS = (
    "a clock counted in business days cannot pause; write the duration in business hours to "
    "use 'paused while'"
)
#: The end of a business day is a closing time, with no opening time left to keep while paused.
PAUSED_END = (
    "a clock that runs to the end of a business day cannot pause; write the time in business "
    "hours to use 'paused while'"
)
VALUE_AGGREGATES = ("avg", "sum", "min", "max", "percentile", "nps", "csat", "ces")


def validate(policy_set: ir.PolicySet) -> list[Diagnostic]:
    """Every problem of the set, as E303 diagnostics naming the policy (empty: valid)."""
    problems: list[Diagnostic] = []
    for name, spec in policy_set.calendars.items():
        try:
            BusinessCalendar(spec)
        except (CalendarError, ValueError) as exc:
            # most of the calendar's own messages name it already
            said = str(exc)
            named = said if said.startswith(f"calendar {name!r}") else f"calendar {name!r}: {said}"
            problems.append(error("E303", named))
    for policy in policy_set.policies:
        for reason in _policy(policy, policy_set.calendars):
            problems.append(
                error("E303", f"policy {policy.id} ({policy.file}:{policy.line}): {reason}")
            )
    return problems


def _policy(p: ir.Policy, calendars: dict[str, ir.Calendar]) -> list[str]:
    found: list[str] = []
    states = {s.name for s in p.states}
    if p.zone is not None:
        try:
            zone(p.zone)
        except CalendarError as exc:
            found.append(str(exc))
    for node in _nodes(p):
        if isinstance(node, ir.Duration) and node.calendar is not None:
            if node.calendar not in calendars:
                what = node.text or node.seconds
                found.append(f"duration {what!r} uses unknown calendar {node.calendar!r}")
            if node.unit == "days" and not (node.amount >= 0 and float(node.amount).is_integer()):
                # the python engine's clock would never reach such a deadline, SQL refuses it
                found.append(f"business days are whole open days, not {node.amount:g}")
        elif isinstance(node, ir.CalendarPoint):
            if node.calendar is not None and node.calendar not in calendars:
                found.append(f"calendar point uses unknown calendar {node.calendar!r}")
            # 24:00 only closes a calendar's day: as a deadline it is no moment (end_of_day is).
            if node.point == "time_of_day" and parse_clock(node.time or "") in (None, 86_400):
                found.append(f"invalid time of day {node.time!r}")
        elif isinstance(node, ir.StateRef) and node.name not in states:
            found.append(f"state {node.name!r} is used but not defined in the policy")
        elif isinstance(node, ir.Lit) and node.type == "time_of_day":
            if isinstance(node.value, str) and parse_clock(node.value) is None:
                found.append(f"invalid time of day {node.value!r}")
        elif isinstance(node, ir.Binary) and node.op == "matches":
            if isinstance(node.right, ir.Lit) and isinstance(node.right.value, str):
                try:
                    compile_regex(node.right.value)
                except RegexError as exc:
                    found.append(f"invalid regular expression {node.right.value!r}: {exc.reason}")
        elif isinstance(node, ir.Call):
            lo, hi = ARITY[node.fn]
            if not lo <= len(node.args) <= hi:
                found.append(f"{node.fn}() takes {lo}..{hi} arguments, got {len(node.args)}")
        elif isinstance(node, ir.Trigger) and node.nth is not None and node.nth < 1:
            found.append(f"a counted trigger needs a count of at least 1, not {node.nth}")
    rule = p.rule
    window = getattr(rule, "window", None)
    if isinstance(window, ir.Window):
        if window.direction == "before" and (window.deadline is not None or window.paused_while):
            found.append("a 'before' window cannot have a deadline or a paused clock")
        if window.paused_while is not None and window.paused_while not in states:
            found.append(
                f"the clock pauses while state {window.paused_while!r}, "
                "which the policy does not define"
            )
        if window.paused_while is not None and any(
            d is not None and d.unit == "days" for d in (window.min, window.max)
        ):
            found.append(PAUSED_DAYS)
        point = window.deadline
        if (
            window.paused_while is not None
            and isinstance(point, ir.CalendarPoint)
            and point.point == "end_of_business_day"
        ):
            found.append(PAUSED_END)
    if isinstance(rule, ir.Expectations):
        if not rule.expects:
            found.append("several expectations need at least one")
        for e in rule.expects:
            w = e.window
            if w.direction != "before" or w.deadline is not None or w.paused_while:
                found.append(f"the expectation '{e.text}' is not judged at the trigger")
            if e.at_least < 0 or (e.at_most is not None and e.at_most < e.at_least):
                found.append(f"the expectation '{e.text}' has bounds that cannot hold")
    if isinstance(rule, ir.Response) and rule.trigger_counts:
        w = rule.window
        if w.direction != "after" or (w.min is not None and w.min.seconds != 0):
            found.append("'trigger counts' needs a window that starts at the trigger")
    if isinstance(rule, ir.ForbidAfter) and rule.window.direction != "after":
        found.append("'forbid' after a trigger needs a window after it")
    if isinstance(rule, ir.Invariant) and rule.during not in states:
        found.append(f"'while {rule.during}' names a state the policy does not define")
    if isinstance(rule, ir.MetricCheck):
        found.extend(_aggregate(rule.metric.aggregate))
        for let in rule.metric.lets:
            if let.name not in rule.metric.group_by:
                found.append(f"metric group let {let.name!r} is not one of the metric's groups")
    if p.report and not isinstance(
        rule, ir.Response | ir.Expectations | ir.ForbidAfter | ir.ValueCheck
    ):
        found.append(f"a {rule.kind} rule has no trigger to report values at")
    names = [r.name for r in p.report]
    if len(set(names)) != len(names):
        found.append("a reported value is named twice")
    return found


def _aggregate(agg: ir.Aggregate) -> list[str]:
    found = []
    if agg.variant != "standard":
        found.append(f"{agg.fn} variant {agg.variant!r} is not supported (only 'standard')")
    if agg.fn in ("ratio", "share") and agg.of is None:
        found.append(f"{agg.fn}() needs the population pattern ('of')")
    if agg.fn in VALUE_AGGREGATES and agg.value is None:
        found.append(f"{agg.fn}() needs a value to aggregate")
    if agg.fn == "percentile" and (agg.q is None or not 0 <= agg.q <= 100):
        found.append(f"percentile needs q between 0 and 1 (or 0 and 100), got {agg.q}")
    return found


def _nodes(value: Any) -> Any:
    """Every IR model inside `value` (policies, rules, patterns, expressions, durations)."""
    if isinstance(value, ir.IR):
        yield value
        for name in type(value).model_fields:
            yield from _nodes(getattr(value, name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _nodes(item)
