"""Checking stage, rules: each rule kind's own requirements (counts, bounds, metrics, states)."""

from __future__ import annotations

import re
from typing import Any

from cxrules.checker.context import Context
from cxrules.checker.exprs import check_pattern, describe_type, expr_type
from cxrules.checker.shared import (
    MAX_COUNT,
    business_time,
    check_count,
    check_duration,
    no_business_bounds,
    no_business_window,
    undefined_calendar,
)
from cxrules.checker.symbols import PolicyNames, meaning
from cxrules.diagnostics import did_you_mean
from cxrules.language import ast
from cxrules.time.format import UNITS
from cxrules.time.text import parse_clock

COMPARISONS = ("<", "<=", ">", ">=", "==", "!=")
# The unit of each metric formula's value.
METRIC_UNITS = {
    "count": "number",
    "ratio": "percent",
    "share": "percent",
    "csat": "percent",
    "nps": "number",
    "ces": "number",
    "avg": "any",
    "sum": "any",
    "min": "any",
    "max": "any",
    "percentile": "any",
}


def metric_unit(metric: ast.MetricDef) -> str:
    return METRIC_UNITS.get(metric.aggregate.fn, "any")


def is_metric_requirement(rule: ast.RequireRule) -> bool:
    """`require <name> <op> <value>`: a comparison whose left side is a single name."""
    s = rule.subject
    return (
        isinstance(s, ast.BinaryExpr)
        and s.op in COMPARISONS
        and isinstance(s.left, ast.NameExpr)
        and len(s.left.parts) == 1
    )


def pattern_of(subject: Any) -> ast.Pattern | None:
    """The event pattern a `require` names (a type, a quoted type, or a list of them)."""
    items = subject.items if isinstance(subject, ast.ListExpr) else (subject,)
    names: list[ast.TypeName] = []
    for item in items:
        if isinstance(item, ast.NameExpr):
            names.append(ast.TypeName(span=item.span, name=item.text))
        elif isinstance(item, ast.LiteralExpr) and item.type == "string":
            names.append(ast.TypeName(span=item.span, name=str(item.value), quoted=True))
        else:
            return None
    if not names:
        return None
    return ast.Pattern(
        span=subject.span, types=tuple(names), bracketed=isinstance(subject, ast.ListExpr)
    )


def check_rule(chk: Context, policy: ast.Policy, rule: Any, names: PolicyNames) -> None:
    """Check a policy's rule against its kind's requirements."""
    if isinstance(rule, ast.RequireRule):
        _require(chk, rule, names)
        if is_metric_requirement(rule) and not any(
            isinstance(c, ast.ScopeClause) and c.keys for c in policy.clauses
        ):
            _unpaired_share(chk, rule, names)
    elif isinstance(rule, ast.ForbidRule):
        check_pattern(chk, rule.pattern, names)
    elif isinstance(rule, ast.ResponseRule | ast.ForbidAfterRule):
        _trigger(chk, rule.trigger, names)
        pattern = rule.expect if isinstance(rule, ast.ResponseRule) else rule.pattern
        check_pattern(chk, pattern, names, "expect")
        _timing(chk, rule.timing, names, isinstance(rule, ast.ForbidAfterRule))
        if rule.unless is not None:
            check_pattern(chk, rule.unless, names, "expect")
        if isinstance(rule, ast.ResponseRule) and rule.trigger_counts:
            _trigger_counts(chk, rule.timing)
    elif isinstance(rule, ast.ExpectationsRule):
        _expectations(chk, rule, names)
        if rule.trigger_counts:
            _trigger_counts(chk, rule.expects[-1].timing)
    elif isinstance(rule, ast.ValueRule):
        _trigger(chk, rule.trigger, names)
        kind = expr_type(chk, rule.condition, names, "condition")
        if kind not in ("bool", "any"):
            chk.err(
                "E208",
                f"'require' needs a condition, found {describe_type(kind)}",
                rule.condition.span,
                "compare it, e.g. require battery >= 90%",
            )
    elif isinstance(rule, ast.RateRule):
        never = ("'at most 0' means never", "write 'forbid …' instead")
        check_count(chk, rule.at_most, names, "the limit", minimum=1, zero=never)
        check_pattern(chk, rule.pattern, names)
        check_duration(chk, rule.within, names)
        no_business_window(chk, rule.within, "a rate-limit window", names)
    elif isinstance(rule, ast.InvariantRule):
        _invariant(chk, rule, names)


def _require(chk: Context, rule: ast.RequireRule, names: PolicyNames) -> None:
    if is_metric_requirement(rule):
        _metric_requirement(chk, rule, names)
        return
    pattern = pattern_of(rule.subject)
    if pattern is None:
        chk.err(
            "E100",
            "'require' needs an event, or a metric compared with a threshold",
            rule.subject.span,
            "e.g. require staff.greeted, or require service_level >= 80%, or start with "
            "'when …' to check a condition at an event",
        )
        return
    if rule.warn is not None or rule.min_sample is not None:
        chk.err(
            "E214",
            "'warn' and 'minimum sample' belong to metric requirements",
            (rule.warn.span if rule.warn is not None else rule.min_sample.span),  # type: ignore[union-attr]
        )
    if rule.where is not None:
        check_pattern(chk, pattern.model_copy(update={"where": rule.where}), names)
    low = check_count(chk, rule.at_least, names, "'at least'") if rule.at_least else 0
    high = check_count(chk, rule.at_most, names, "'at most'") if rule.at_most else None
    if low is not None and high is not None and high < low:
        chk.err(
            "E223",
            f"'at most {high}' is less than 'at least {low}'",
            rule.at_most.span if rule.at_most else rule.span,
            "the smaller number goes after 'at least'",
        )


def _metric_requirement(chk: Context, rule: ast.RequireRule, names: PolicyNames) -> None:
    subject = rule.subject
    assert isinstance(subject, ast.BinaryExpr) and isinstance(subject.left, ast.NameExpr)
    word = subject.left.parts[0]
    metric = names.metric(word)
    if metric is None:
        chk.err(
            "E203",
            f"no metric named '{word}'",
            subject.left.span,
            did_you_mean(word, names.all_metrics()) or f"define it first: metric {word} = …",
        )
        return
    if word not in names.metrics:
        chk.used.add(("metric", word))
    for extra, what in (
        (rule.where, "where"),
        (rule.at_least, "at least"),
        (rule.at_most, "at most"),
    ):
        if extra is not None:
            chk.err("E214", f"'{what}' does not apply to a metric requirement", extra.span)
    unit = metric_unit(metric)
    fn = metric.aggregate.fn
    _threshold(chk, subject.right, unit, word, names, fn)
    if rule.warn is not None:
        _threshold(chk, rule.warn.value, unit, word, names, fn)
        _warn_side(chk, subject.op, subject.right, rule.warn, names)
    if rule.min_sample is not None:
        check_count(chk, rule.min_sample, names, "the minimum sample", minimum=1)


def _unpaired_share(chk: Context, rule: ast.RequireRule, names: PolicyNames) -> None:
    """W204: share(A within D of B) pairs A with B inside a scope; without one, any A in the
    whole log meets every B."""
    subject = rule.subject
    assert isinstance(subject, ast.BinaryExpr) and isinstance(subject.left, ast.NameExpr)
    metric = names.metric(subject.left.parts[0])
    if metric is not None and metric.aggregate.fn == "share":
        chk.warn(
            "W204",
            f"'{metric.name}' pairs events across the whole log",
            metric.name_span,
            "add the policy's scope before the metric, e.g. 'per call', so each answer "
            "meets its own call",
        )


def _threshold(
    chk: Context, value: Any, unit: str, metric: str, names: PolicyNames, fn: str = "share"
) -> None:
    # A share (and CSAT) is a part of its population, 0% to 100%; a ratio of two counts is not
    # (1.5 reassignments per opened incident is 150%), so only its sign is bounded.
    ratio = fn == "ratio"
    kind = expr_type(chk, value, names, "condition")
    if unit == "percent" and kind == "number" and fn == "csat" and _score_like(value):
        # 'csat >= 4' means a mean score of 4 out of 5, not a share of 4%
        chk.err(
            "E208",
            f"'{metric}' is a CSAT, the share of answers of 4 or 5, so its threshold is a "
            "percentage",
            value.span,
            f"write e.g. 80% (4 in 5 satisfied); for a mean score of {value.value:g} out of 5, "
            "write avg(…) instead of csat(…)",
        )
    elif unit == "percent" and kind == "number":
        chk.err(
            "E208",
            f"'{metric}' is a {'ratio' if ratio else 'share'}, so its threshold is a percentage",
            value.span,
            f"write it with %, e.g. {_as_percent(value, ratio)}",
        )
    elif unit == "number" and kind == "percent":
        chk.err(
            "E208",
            f"'{metric}' is a number, not a percentage",
            value.span,
            "write the number without %",
        )
    elif unit in ("number", "percent") and kind not in ("number", "percent", "any"):
        chk.err(
            "E208",
            f"'{metric}' is compared with {describe_type(kind)}",
            value.span,
            "write a number or a percentage",
        )
    constant = isinstance(value, ast.LiteralExpr | ast.DurationExpr) or (
        isinstance(value, ast.NameExpr) and meaning(value, names) == "param"
    )
    if not constant and kind == "any":
        params = list(names.shared.params)
        chk.err(
            "E208",
            f"'{metric}' is compared with '{_text(chk, value)}', which is not a constant",
            value.span,
            did_you_mean(_text(chk, value), params)
            or "a threshold is a number, a percentage, a duration or a parameter "
            "(param name = value)",
        )
        return
    # A parameter's value, from the file or from --set, is held to the same range.
    written, source = _in_this_run(chk, value, names)
    if isinstance(written, ast.LiteralExpr) and written.type == "percent":
        number = float(written.value)  # type: ignore[arg-type]
        if ratio and number < 0:
            chk.err(
                "E209",
                f"{written.text}{source} is a negative percentage",
                value.span,
                "a ratio of two counts is 0% or more (150% is 1.5 times as many)",
            )
        elif not ratio and not 0 <= number <= 100:
            chk.err(
                "E209",
                f"{written.text}{source} is not a percentage between 0% and 100%",
                value.span,
                "a share can only be from 0% to 100%",
            )


def _text(chk: Context, node: Any) -> str:
    """An expression as written (one line), else its name."""
    span = node.span
    if span.line == span.end_line:
        return chk.line(span)[span.column - 1 : span.end_column - 1]
    return getattr(node, "text", "the value")


def _score_like(value: Any) -> bool:
    """A number written as a CSAT threshold that reads as a score of its 1-5 scale (4, 4.5)."""
    return (
        isinstance(value, ast.LiteralExpr)
        and isinstance(value.value, int | float)
        and not isinstance(value.value, bool)
        and 1 < value.value <= 5
    )


def _as_percent(value: Any, ratio: bool = False) -> str:
    """The percentage a number written for a share or ratio stands for: a fraction (0.8) is
    80%, a larger number (80) already counts percent; a ratio's number is how many times, so
    1.5 is 150% (a ratio's 80 reads as 80 times: both readings are given)."""
    if isinstance(value, ast.LiteralExpr) and isinstance(value.value, int | float):
        times = f"{value.value * 100:g}%"
        if value.value <= 1:
            return times
        if ratio:
            return f"{times} ({value.text} times as many), or {value.value:g}%"
        return f"{value.value:g}%"
    return "80%"


def _warn_side(chk: Context, op: str, required: Any, warn: ast.Warn, names: PolicyNames) -> None:
    expected = "below" if op in (">", ">=") else "above" if op in ("<", "<=") else None
    if expected is None:
        chk.err("E214", "'warn' needs a requirement with <, <=, > or >=", warn.span)
        return
    if warn.side != expected:
        chk.warn(
            "W203",
            f"'warn {warn.side}' with a requirement '{op}' flags the values that meet the "
            "requirement with room to spare, not those nearing its limit",
            warn.span,
            f"write 'warn {expected} …'",
        )
        return
    a, b = _level(chk, required, names), _level(chk, warn.value, names)
    if a is None or b is None or a[2] != b[2]:  # a unit slip is E208's
        return
    if b[0] <= a[0] if expected == "below" else b[0] >= a[0]:
        chk.warn(
            "W203",
            f"the warning level {b[1]} is not stricter than the requirement {a[1]}",
            warn.span,
            "a warning comes before the failure: "
            + ("warn below a higher value" if expected == "below" else "warn above a lower value"),
        )


def _in_this_run(chk: Context, value: Any, names: PolicyNames) -> tuple[Any, str]:
    """A threshold as this run reads it: a parameter's value (from --set, else the file's) and
    the words that name where it came from (' (--set sl_target=90%)', ' (parameter aht_max)');
    anything else as written, with no words."""
    if not (isinstance(value, ast.NameExpr) and meaning(value, names) == "param"):
        return value, ""
    word = value.parts[0]
    written = chk.out.overrides.get(word, names.shared.params[word].value)
    if word in chk.out.overrides:
        return written, f" (--set {word}={written.text})"
    return written, f" (parameter {word})"


def _level(chk: Context, value: Any, names: PolicyNames) -> tuple[float, str, str] | None:
    """A threshold's constant (a duration in seconds), its text, a parameter's value in this
    run named with it ('90% (--set sl_target=90%)', '5min (parameter aht_max)'), and its kind
    (number, percent, duration); None for anything else (business time, which counts another
    clock, or an error reported already)."""
    written, source = _in_this_run(chk, value, names)
    number: Any
    kind: str
    if isinstance(written, ast.LiteralExpr) and written.type in ("number", "percent"):
        number, kind = written.value, written.type
    elif isinstance(written, ast.DurationExpr) and not written.business:
        number, kind = written.amount * UNITS[written.unit], "duration"
    else:
        return None
    if not isinstance(number, int | float):
        return None
    return float(number), f"{written.text}{source}", kind


def _trigger(chk: Context, trigger: ast.Trigger, names: PolicyNames) -> None:
    check_pattern(chk, trigger.pattern, names)
    no_business_window(chk, trigger.within, "a counting window", names)
    if trigger.nth is not None and not 1 <= trigger.nth <= MAX_COUNT:
        ordinal = re.match(r"\d+\w\w", chk.line(trigger.span)[trigger.span.column - 1 :])
        span = trigger.span
        if ordinal is not None:
            span = chk.word_span(trigger.span, ordinal.group(0))
        if trigger.nth < 1:
            chk.err("E210", "the count starts at the 1st event", span, "write '1st' or more")
        else:
            chk.err(
                "E210",
                f"the count must be at most {MAX_COUNT}",
                span,
                "no scope holds that many events",
            )
    if trigger.within is not None:
        check_duration(chk, trigger.within, names)


def _expectations(chk: Context, rule: ast.ExpectationsRule, names: PolicyNames) -> None:
    """Several expectations at one trigger (or one with a count): each judged at the trigger,
    so each window is `before` it (E226), with no `each`; no `unless` (nothing stays open)."""
    _trigger(chk, rule.trigger, names)
    hint = "an expectation after the trigger needs a policy of its own"
    for e in rule.expects:
        check_pattern(chk, e.pattern, names, "expect")
        _timing(chk, e.timing, names, False)
        if e.timing.direction != "before":
            chk.err(
                "E226",
                "with several expectations (or a count) each is judged at the trigger: "
                "its window must be before it",
                e.timing.span,
                hint + "; or write the window before it, e.g. 'within 30d before'",
            )
        if e.each:
            chk.err(
                "E226",
                "'each' pairs events with open obligations; expectations judged at the "
                "trigger have none",
                chk.word_span(e.span, "each"),
                "remove 'each'",
            )
        if e.at_least is not None:
            check_count(chk, e.at_least, names, "the count", minimum=1)
        if e.at_most is not None:
            check_count(chk, e.at_most, names, "the count", minimum=0)
    if rule.unless is not None:
        chk.err(
            "E226",
            "'unless' cancels an open obligation; expectations judged at the trigger leave none",
            rule.unless.span,
            "remove 'unless', or state the exception in a 'where' of the trigger",
        )


def _timing(chk: Context, timing: ast.Timing, names: PolicyNames, forbid: bool) -> None:
    bounds = [b for b in (timing.first, timing.second) if b is not None]
    for bound in bounds:
        check_duration(chk, bound, names)
    if timing.direction == "before":
        no_business_bounds(chk, bounds, "a 'before' window", names)
        if forbid:  # ir.validate's E303 otherwise, with no line to point at
            chk.err(
                "E223",
                "'when … forbid' looks for the forbidden event after the trigger, not before it",
                timing.span,
                "turn the rule round: 'when A forbid B within D before' is "
                "'when B forbid A within D'",
            )
    if timing.paused_while is not None:
        if names.state(timing.paused_while) is None:
            chk.err(
                "E202",
                f"no state named '{timing.paused_while}'",
                timing.paused_span,
                did_you_mean(timing.paused_while, names.all_states())
                or names.missing_state_hint(timing.paused_while),
            )
        elif timing.paused_while not in names.states:
            chk.used.add(("state", timing.paused_while))
        if timing.direction == "before":
            chk.err("E223", "only a clock that runs after the trigger can pause", timing.span)
        for d in (timing.first, timing.second):
            if d is not None and _business_days(chk, d, names):
                _, source = _in_this_run(chk, d, names)
                source = source if source.startswith(" (--set") else ""  # the file's: as written
                chk.err(
                    "E223",
                    f"a clock counted in business days{source} cannot pause",
                    d.span,
                    "write the duration in business hours (one open day of the calendar is "
                    "its opening hours: e.g. 8 business hours for 09:00-17:00)",
                )
        end = timing.deadline
        if isinstance(end, ast.CalendarEnd) and end.period == "business day":
            chk.err(
                "E223",
                "a clock that runs to the end of a business day cannot pause",
                end.span,
                "its deadline is a closing time, with no opening time to stop: write the time "
                f"in business hours instead ('within N business hours paused while "
                f"{timing.paused_while}')",
            )
    deadline = timing.deadline
    if isinstance(deadline, ast.CalendarEnd):
        if deadline.calendar is not None:
            if deadline.calendar not in names.shared.calendars:
                undefined_calendar(chk, deadline.calendar, deadline.span, names)
            else:
                chk.used.add(("calendar", deadline.calendar))
        elif deadline.period == "business day" and names.calendar is None:
            calendars = sorted(names.shared.calendars)
            if len(calendars) != 1:
                chk.err(
                    "E205",
                    "'end of business day' needs a calendar",
                    deadline.span,
                    "write 'end of business day on <calendar>'",
                )
    elif deadline is not None:
        kind = expr_type(chk, deadline, names, "deadline")
        if kind not in ("instant", "time_of_day", "any", "string", "date"):
            chk.err(
                "E208",
                f"a deadline is a moment, not {describe_type(kind)}",
                deadline.span,
                "e.g. by last(appointment.booked).window_end, by end of day, by 18:00",
            )
        elif (clock := _midnight(chk, deadline, names)) is not None:
            # 24:00 closes a calendar's day; as a deadline it is no moment of the trigger's day.
            # 00:00 starts it: a trigger at 00:00 exactly would be due at its own instant.
            why = (
                "24:00 is only a calendar's closing time"
                if parse_clock(clock)
                else "00:00 starts a day: a trigger at 00:00 exactly would be due that instant"
            )
            chk.err(
                "E213",
                f"'{clock}' is not a time of day for a deadline",
                deadline.span,
                f"{why}; for midnight at the end of the trigger's day write: by end of day",
            )


def _midnight(chk: Context, e: Any, names: PolicyNames) -> str | None:
    """The time as written when a deadline is midnight — 24:00 or 00:00 (with or without
    seconds) — itself or through the parameter it names; None for any other deadline."""
    if isinstance(e, ast.NameExpr) and meaning(e, names) == "param":
        e = chk.out.overrides.get(e.parts[0], names.shared.params[e.parts[0]].value)
    if isinstance(e, ast.LiteralExpr) and e.type == "time_of_day":
        return e.text if parse_clock(str(e.value)) in (0, 86_400) else None
    return None


def _trigger_counts(chk: Context, timing: ast.Timing) -> None:
    """`trigger counts` needs a window the trigger itself falls in: one that starts at it."""
    if timing.direction == "before" or timing.form in ("at_least", "between"):
        chk.err(
            "E227",
            "'trigger counts' needs a window that starts at the trigger",
            timing.span,
            "the trigger is 0s after itself: use 'within D', 'at most D after', 'after' or "
            "'by …', or leave out 'trigger counts'",
        )


def _invariant(chk: Context, rule: ast.InvariantRule, names: PolicyNames) -> None:
    if rule.state is not None:
        if names.state(rule.state) is None:
            chk.err(
                "E202",
                f"no state named '{rule.state}'",
                chk.word_span(rule.span, rule.state),
                did_you_mean(rule.state, names.all_states())
                or names.missing_state_hint(rule.state),
            )
        elif rule.state not in names.states:
            chk.used.add(("state", rule.state))
    else:
        assert rule.start is not None and rule.end is not None
        check_pattern(chk, rule.start, names)
        check_pattern(chk, rule.end, names)
    if rule.limit is not None:
        check_duration(chk, rule.limit, names)
        return
    assert rule.condition is not None
    kind = expr_type(chk, rule.condition, names, "invariant")
    if kind not in ("bool", "any"):
        chk.err(
            "E208",
            f"'always' needs a condition, found {describe_type(kind)}",
            rule.condition.span,
            "e.g. always count(connection) >= 1",
        )
    if rule.grace is not None:
        check_duration(chk, rule.grace, names)


def _business_days(chk: Context, d: Any, names: PolicyNames) -> bool:
    """A duration counted in whole open days (`2 business days`, or a parameter holding one in
    this run)."""
    found = business_time(chk, d, names)
    return found is not None and found.unit != "h"
