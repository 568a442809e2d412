"""Parser stage, a shared definition written after a policy: calendars, states and metrics are
defined before a file's first policy. After one, `calendar office "Office hours"` reads as the
policy's `calendar office` and stumbles on its title ("unexpected text in double quotes"), its
`hours …` line on `hours`, and a `state` or `metric` after a `param` between policies on the
keyword: the slip is named, with the line to move it above."""

from __future__ import annotations

import re

from cxrules.diagnostics import Diagnostic, error
from cxrules.source import Source, Span

_POLICY = re.compile(r"[ \t]*policy\b")
_CALENDAR = re.compile(r"[ \t]*calendar[ \t]+(\S+)")
#: The keywords that open a line of a calendar's definition and of no policy clause.
_CALENDAR_BODY = {"HOURS", "HOLIDAYS", "CLOSED", "OPEN"}
_DEFINITIONS = {"CALENDAR": "calendar", "STATE": "state", "METRIC": "metric"}


def definition_after_policy(
    source: Source, kind: str, expected: set[str], span: Span, line_text: str
) -> Diagnostic | None:
    """E100 at a calendar, state or metric definition written below the file's first policy,
    or None."""
    first = next((n for n in range(1, span.line) if _POLICY.match(source.line_text(n))), None)
    if first is None:
        return None
    if kind in _DEFINITIONS and "POLICY" in expected:
        # at the top level, after a policy ended by a `param` or `use`
        what = _DEFINITIONS[kind]
        named = line_text[span.column - 1 :].split()[1:2]
        why = "between policies only 'param' and 'use' lines may stand"
        return _move(what, named, span, line_text, first, why)
    if "POLICY" in expected and kind in _CLAUSES:
        orphan = _after_param(source, first, span, line_text)
        if orphan is not None:
            return orphan
    calendar = _calendar_line(source, first, span)
    if calendar is None or kind in expected:
        return None
    line, name = calendar
    if (kind == "STRING" and line == span.line) or kind in _CALENDAR_BODY:
        why = f"below a policy, 'calendar {name}' is read as that policy's calendar"
        if line != span.line:
            why = f"{why} (line {line})"
        return _move("calendar", [name], span, line_text, first, why)
    return None


#: The keywords that open a policy's clause lines.
_CLAUSES = {
    "PER",
    "WHEN",
    "EXPECT",
    "FORBID",
    "REQUIRE",
    "UNLESS",
    "OWNER",
    "DESCRIPTION",
    "SEVERITY",
    "SOURCE",
    "TAGS",
    "ZONE",
    "LET",
    "REPORT",
    "WHILE",
    "_AT_MOST",
}
_PARAM_OR_USE = re.compile(r"[ \t]*(param|use)\b")


def _after_param(source: Source, first: int, span: Span, line_text: str) -> Diagnostic | None:
    """A policy's clause below a `param` (or `use`) line written inside the policy: that line
    ended the policy, and the clause was read at the top level, "unexpected keyword 'per'",
    with a list of what may stand between policies (hunt69 finding-12)."""
    for n in range(span.line - 1, first - 1, -1):
        text = source.line_text(n)
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        found = _PARAM_OR_USE.match(text)
        if found is None:
            return None
        policy = next(m for m in range(n - 1, first - 1, -1) if _POLICY.match(source.line_text(m)))
        return error(
            "E100",
            f"this line has no policy: the '{found.group(1)}' line above it (line {n}) ended "
            f"the policy of line {policy}",
            span,
            f"move '{stripped}' above the policy (line {policy}): a {found.group(1)} line "
            "stands between policies, never inside one",
            line_text,
        )
    return None


def _calendar_line(source: Source, first: int, span: Span) -> tuple[int, str] | None:
    """The nearest `calendar NAME` line at or above the error, in the policy it stands in."""
    for n in range(span.line, first - 1, -1):
        text = source.line_text(n)
        if _POLICY.match(text):
            return None
        found = _CALENDAR.match(text)
        if found is not None:
            return n, found.group(1)
    return None


def _move(
    what: str, name: list[str], span: Span, line_text: str, first: int, why: str
) -> Diagnostic:
    named = f"{what} {name[0]}" if name else what
    return error(
        "E100",
        f"a {what} is defined before the first policy of the file, not after it",
        span,
        f"move the {named} above the first policy (line {first}): {why}",
        line_text,
    )
