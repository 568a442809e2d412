"""Parser stage, slips in the words around a rule's window and a metric's thresholds, with the
line to write instead of a list of the clauses that could come next: a `warn` after `minimum
sample` on a metric's `require` line, a `warn` on a check that is not a metric's,
`before within 30d`, `forbid P within D after Q` (a window after an event needs `when`), a
comma before `paused while`, `expect P within D each` (`each` comes after `expect`), `unless P
within D` (an unless event has no window: a condition on its time), and two
metric formulas written the way a spreadsheet would: `avg(v, P)` and `count(P) / count(Q)`;
`per business day` under a metric (its periods are calendar ones); `by store` under a metric's
`per day` (the groups come first); `count(P within 30d)` (a history count has no window);
`expect A within D or B` (either event is a list of types); `within the last 30d` (a window
always ends at the event)."""

from __future__ import annotations

import re

from cxrules.diagnostics import Diagnostic, error
from cxrules.language.literals import ordinal_suffix
from cxrules.source import Span

#: The longest line whose slips are looked for.
MAX_LINE = 2_000
_SAMPLE_THEN_WARN = re.compile(r"^(\s*require\b.*?)\s+(minimum\s+sample\s+\S+)\s*$")
_BEFORE_WITHIN = re.compile(r"\bbefore\s+$")
_COMMA_END = re.compile(r",\s*$")
_EXPECT_LINE = re.compile(r"^\s*expect\s+(?!each\b)(\S.*?)\s*$")
# the groups take the blanks around a name (stripped where read): `\s*([^,()]+?)\s*` backtracked
# in time cubic in a line of blanks, 3 s for each policy of a check (hunt66 finding-K)
_VALUE_COMMA = re.compile(r"\b(avg|sum|min|max)\(([^,()]+),\s*$")
_COUNT_THEN = re.compile(r"\bcount\(([^()]+)\)\s*$")
_SLASH_COUNT = re.compile(r"^/\s*count\(([^()]+)\)")
_UNLESS = re.compile(r"\bunless\s+(\S(?:(?!\bwithin\b).)*?)\s*$")
_PER_BUSINESS = re.compile(r"\bper\s+business\s+$")
_COUNT_OPEN = re.compile(r"\bcount\(\s*([^()\s]+)[^()]*$")
_PERIOD_BEFORE = re.compile(r"\bper\s+(hour|day|week|month|quarter|year)\s*$")
_COUNT_WINDOW = re.compile(r"within\s+([^()\s]+)\s*\)\s*(?:(<=|<|>=|>)\s*(\d+)\b)?")
_EXPECT_WINDOW = re.compile(
    r"^\s*((?:expect|forbid)(?:\s+each)?)\s+([\w.*:-]+)\s+((?:within|at|by|between|after)\b.*?)\s*$"
)
_OTHER_TYPE = re.compile(r"\s*([\w*:-]+\.[\w.*:-]+)(?:\s+(?:within|at|by|between|after)\b.*)?\s*$")
#: `within the last 30d`, `within past 30 days`: the words between 'within' and the duration
_WITHIN_LAST = re.compile(r"\bwithin\s+((?:the\s+)?(?:last|past)\s+)\d")
_WHEN_EACH = re.compile(r"^\s*when\s+(each)\s+$")
#: A `when` line with no rule after it yet: the last line of the text is a 'when …' line
_WHEN_LAST = re.compile(r"(?:^|\n)[ \t]*when\b[^\n]*\n(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*$")
#: The last line of the text ends with ', trigger counts' (comments and blank lines after it)
_COUNTS_LAST = re.compile(
    r",[ \t]*trigger[ \t]+counts[ \t]*(?:#[^\n]*)?\n(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*$"
)
_AND_WARN = re.compile(r"\s+and\s+warn\s+$")
# `\s++`: blanks after forbid given back to the lazy type backtracked in cubic time (hunt66)
_FORBID_AFTER = re.compile(r"^\s*forbid\s++(.+?)\s+within\s+(\S+)\s+after\s+(.+?)\s*$")


def window_slip(
    word: str, before: str, policy_so_far: str, line_text: str, span: Span
) -> Diagnostic | None:
    """The slip a token shows, or None. `before` is the line's text before the token,
    `policy_so_far` the policy's text before it. Lines longer than any a person writes are
    left alone: the patterns here backtrack (quadratic in the line's length)."""
    if len(line_text) > MAX_LINE:
        return None
    if word == "warn":
        moved = _SAMPLE_THEN_WARN.match(before)
        if moved is not None:
            rest = line_text[span.column - 1 :].strip()
            return error(
                "E100",
                "'warn' comes before 'minimum sample'",
                span,
                f"write: {moved.group(1).strip()} {rest} {moved.group(2)}",
                line_text,
            )
        if not re.search(r"\brequire\b", before) or re.search(r"\bmetric\b", policy_so_far):
            return None
        return error(
            "E100",
            "only a metric's 'require' has a warning level",
            span,
            "remove 'warn …' here; a 'warn' level is for metrics, as in "
            "'require service_level >= 80% warn below 85%'",
            line_text,
        )
    if word == "within" and _BEFORE_WITHIN.search(before):
        length = re.match(r"within\s+\S+", line_text[span.column - 1 :])
        window = length.group(0) if length else "within 30d"
        return error(
            "E100",
            "'before' comes after the window's length",
            span,
            f"write '{window} before'",
            line_text,
        )
    if word == "paused" and _COMMA_END.search(before):
        return error(
            "E100",
            "no comma before 'paused while'",
            span,
            f"write: {_COMMA_END.sub('', before).strip()} {line_text[span.column - 1 :].strip()}",
            line_text,
        )
    if word == "each":
        expect = _EXPECT_LINE.match(before)
        if expect is not None:
            return error(
                "E100",
                "'each' comes right after 'expect'",
                span,
                f"write: expect each {expect.group(1)}",
                line_text,
            )
    if word in ("day", "days") and _PER_BUSINESS.search(before) and "metric" in policy_so_far:
        return error(
            "E100",
            "a metric's period is a calendar one: hour, day, week, month, quarter or year",
            span,
            "write 'per day' (local days in the policy's zone); business days are for "
            "deadlines: 'within 2 business days'",
            line_text,
        )
    counted = _COUNT_OPEN.search(before) if word == "within" else None
    if counted is not None:
        what = counted.group(1)
        if re.search(r"\bmetric\b", before):
            return error(
                "E100",
                "a metric's count has no window: it counts per calendar period",
                span,
                f"write count({what}) and a period under the metric: per hour, day, week…",
                line_text,
            )
        return error(
            "E100",
            "count(…) counts the scope's whole history: it has no window",
            span,
            f"to count within a window, write the rule as {_window_count(what, line_text, span)}",
            line_text,
        )
    last = _WITHIN_LAST.search(line_text)
    if last is not None and last.start(1) <= span.column - 1 <= last.end(1):
        fixed = line_text[: last.start(1)] + line_text[last.end(1) :]
        return error(
            "E100",
            "a window is written 'within' and its length: it always ends at the event",
            span,
            f"write: {fixed.strip()}",
            line_text,
        )
    placed = _misplaced(word, before, policy_so_far, line_text, span)
    if placed is not None:
        return placed
    if word == "or":
        either = _either(before, line_text[span.column + 1 :], span, line_text)
        if either is not None:
            return either
    if word == "by" and "metric" in policy_so_far:
        period = _PERIOD_BEFORE.search(policy_so_far)
        if period is not None:
            groups = line_text[span.column - 1 :].strip()
            return error(
                "E100",
                "a metric's groups ('by …') come before its period",
                span,
                f"write '{groups}' before 'per {period.group(1)}'",
                line_text,
            )
    formula = _metric_formula(word, before, line_text[span.column - 1 :], span, line_text)
    if formula is not None:
        return formula
    unless = _UNLESS.search(before) if word == "within" else None
    if unless is not None and "share(" not in before:
        return _unless_window(unless.group(1), line_text[span.column - 1 :], span, line_text)
    forbid = _FORBID_AFTER.match(line_text) if word == "within" else None
    if forbid is not None:
        pattern, span_of, trigger = forbid.groups()
        return error(
            "E100",
            "a window after an event starts with 'when'",
            span,
            f"write two lines: 'when {trigger}' then 'forbid {pattern} within {span_of}'",
            line_text,
        )
    return None


def _misplaced(
    word: str, before: str, policy_so_far: str, line_text: str, span: Span
) -> Diagnostic | None:
    """Words a newcomer puts on the wrong line or clause: `when each P` ('each' goes with the
    expectation), an `unless` line between the `when` and its `expect` or after an expect line
    ending with `, trigger counts` (which ends the rule), `… and warn below 85%` (a warning
    level follows the threshold with no 'and')."""
    each = _WHEN_EACH.match(before)
    if each is not None:
        return error(
            "E100",
            "'each' goes with the expectation, not the trigger",
            _each_span(span, each),
            f"write 'when {line_text[span.column - 1 :].strip()}', then 'expect each …' under it",
            line_text,
        )
    earlier = policy_so_far[: len(policy_so_far) - len(before)]
    if word == "unless" and _COUNTS_LAST.search(earlier):
        return error(
            "E100",
            "', trigger counts' ends the rule: it comes after the 'unless'",
            span,
            f"end the expect line at its window, and write: {line_text.strip()}, trigger counts",
            line_text,
        )
    if word == "unless" and _WHEN_LAST.search(earlier):
        return error(
            "E100",
            "'unless' comes after the rule it cancels",
            span,
            "move this line below the rule's 'expect …' (or 'forbid …') line",
            line_text,
        )
    if word in ("above", "below") and _AND_WARN.search(before):
        fixed = _AND_WARN.sub(" warn ", before) + line_text[span.column - 1 :]
        return error(
            "E100",
            "a warning level follows the requirement with no 'and'",
            span,
            f"write: {fixed.strip()}",
            line_text,
        )
    return None


def _each_span(span: Span, each: re.Match[str]) -> Span:
    """The span of the word 'each' of `when each P` (on the token's line)."""
    return Span(
        file=span.file,
        line=span.line,
        column=each.start(1) + 1,
        end_line=span.line,
        end_column=each.end(1) + 1,
    )


def _either(before: str, rest: str, span: Span, line_text: str) -> Diagnostic | None:
    """`expect case.escalated within 24h or case.resolved within 24h`: one of two events is a
    list, `expect [case.escalated, case.resolved] within 24h` (an 'or' after the window was
    told to be a 'where')."""
    head = _EXPECT_WINDOW.match(before)
    other = _OTHER_TYPE.match(rest)
    if head is None or other is None:
        return None
    verb, first, window = head.groups()
    second = other.group(1)
    cancels = ""
    if verb.startswith("expect"):  # or the other event ends the wait without meeting it
        cancels = f"; if {second} cancels it instead: unless {second}"
    return error(
        "E100",
        "one of several events is a list of their types, not an 'or'",
        span,
        f"write: {verb} [{first}, {second}] {window}{cancels}",
        line_text,
    )


def _window_count(what: str, line_text: str, span: Span) -> str:
    """The counting rule for `count(P within D) <= N` and the like, with the window and the
    count as written: `<= 5` is 'at most 5 P within D', `>= 2` is 'when 2nd P within D'; any
    other comparison gets both forms."""
    written = _COUNT_WINDOW.match(line_text[span.column - 1 :])
    size = written.group(1) if written else "30d"
    op, number = (written.group(2), written.group(3)) if written else (None, None)
    n = int(number) if number is not None and len(number) <= 9 else 0
    limit = {"<=": n, "<": n - 1}.get(op or "", 0)
    nth = {">=": n, ">": n + 1}.get(op or "", 0)
    if limit >= 1:
        return f"'at most {limit} {what} within {size}'"
    if nth >= 1:
        return f"'when {nth}{ordinal_suffix(nth)} {what} within {size}'"
    return f"'when 3rd {what} within {size}' or 'at most 2 {what} within {size}'"


def _unless_window(pattern: str, rest: str, span: Span, line_text: str) -> Diagnostic:
    """`unless order.cancelled within 1d`: an unless event has no window of its own (it cancels
    an obligation whenever it comes before the obligation is met); a time limit on it is a
    condition on its time, counted from the trigger's."""
    length = re.match(r"within\s+(\S+)", rest)
    size = length.group(1) if length else "1d"
    where = re.search(r"\bwhere\b", pattern)
    joined = " where "
    if where is not None:
        joined = " and "
        condition = pattern[where.end() :].strip()
        if re.search(r"\bor\b", condition):  # 'and' would bind before the 'or'
            pattern = f"{pattern[: where.start()].strip()} where ({condition})"
    return error(
        "E100",
        "'unless' takes no window",
        span,
        "an unless event cancels the obligation whenever it comes before the obligation is met; "
        f"to count it only within {size} of the trigger, write: "
        f"unless {pattern}{joined}time <= trigger.time + {size}",
        line_text,
    )


def _metric_formula(
    word: str, before: str, rest: str, span: Span, line_text: str
) -> Diagnostic | None:
    """`avg(wait, call.answered)` (the events come after `of`) and `count(A) / count(B)` (a
    share of two counts is `ratio(A, B)`)."""
    value = _VALUE_COMMA.search(before)
    if value is not None and value.group(2).strip():
        fn, of = value.group(1), value.group(2).strip()
        pattern = rest.split(")", 1)[0].strip() or word
        return error(
            "E100",
            f"'{fn}' reads a value 'of' its events",
            span,
            f"write: {fn}({of} of {pattern})",
            line_text,
        )
    if word != "/":
        return None
    first, second = _COUNT_THEN.search(before), _SLASH_COUNT.match(rest)
    if first is None or second is None or not first.group(1).strip():
        return None
    if not second.group(1).strip():
        return None
    return error(
        "E100",
        "a metric divides two counts with 'ratio'",
        span,
        f"write: ratio({first.group(1).strip()}, {second.group(1).strip()})",
        line_text,
    )
