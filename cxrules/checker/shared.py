"""Checking stage, shared checks: durations, counts, zones and calendar names, wherever they
are written (a window, a grace, a counting trigger, a metric)."""

from __future__ import annotations

import math
import re
from typing import Any

from cxrules.checker.context import Context
from cxrules.checker.symbols import PolicyNames
from cxrules.diagnostics import did_you_mean
from cxrules.language import ast
from cxrules.source import Span, make_span
from cxrules.time.format import UNITS
from cxrules.time.zones import zone as lookup

#: The limits of values written in a policy (docs/language.md, "Limits").
MAX_DIGITS = 100
MAX_DAYS = 1_000_000
MAX_BUSINESS = {"d": 1_000, "h": 10_000, "min": 600_000}
MAX_COUNT = 1_000_000_000


def undefined_calendar(ctx: Context, name: str, span: Span, names: PolicyNames) -> None:
    known = sorted(names.shared.calendars)
    ctx.err(
        "E205",
        f"no calendar named '{name}'",
        span,
        did_you_mean(name, known)
        or (
            "calendars: " + ", ".join(known)
            if known
            else "define it first: calendar " + name + ' zone "…" hours mon-fri 09:00-18:00'
        ),
    )


def business_time(ctx: Context, d: Any, names: PolicyNames) -> ast.DurationExpr | None:
    """The duration `d` when it is counted in business time (`2 business hours`, or a parameter
    holding one, its `--set` value in this run), else None."""
    if isinstance(d, ast.NameExpr) and len(d.parts) == 1:
        param = names.shared.params.get(d.parts[0])
        d = ctx.out.overrides.get(d.parts[0], param.value) if param is not None else None
    return d if isinstance(d, ast.DurationExpr) and d.business else None


def no_business_window(ctx: Context, d: Any, what: str, names: PolicyNames) -> None:
    """E228 when `d`, the length of a sliding window (`what`: a counting, rate-limit, share or
    'before' window), is business time: no engine counts such a window (each refuses it at
    audit time, E302), so the check says so where the window is written."""
    no_business_bounds(ctx, [d], what, names)


def no_business_bounds(ctx: Context, bounds: list[Any], what: str, names: PolicyNames) -> None:
    """One E228 for a window whose bounds (`between D1 and D2 before`: two) are in business
    time, one or both: the clause is one mistake, said once, underlined from the first such
    bound to the last."""
    found = [(d, b) for d in bounds if (b := business_time(ctx, d, names)) is not None]
    if not found:
        return
    written = " and ".join(b.text for _, b in found)
    fixed = " and ".join(f"{b.amount:g}{'h' if b.unit == 'h' else 'd'}" for _, b in found)
    first, last = found[0][0].span, found[-1][0].span
    span = first
    if last.file == first.file and (last.line, last.column) > (first.line, first.column):
        span = make_span(first.file, first.line, first.column, last.end_line, last.end_column)
    ctx.err(
        "E228",
        f"{what} in business time ({written}) is not supported by any engine",
        span,
        f"write {'them as fixed durations' if len(found) > 1 else 'it as a fixed duration'}, "
        f"e.g. {fixed} instead of {written}",
    )


def _duration_param_hint(word: str, value: Any) -> str:
    """How to define a parameter used as a duration: `param wait = "3h"`, a text, was told "a
    duration needs a unit, such as '30s'", which it has (hunt69 finding-13)."""
    if isinstance(value, ast.LiteralExpr) and value.type == "string":
        inner = str(value.value).strip()
        if re.fullmatch(r"[0-9]{1,9}(?:\.[0-9]{1,9})?(?:ms|s|min|h|d|w)", inner):
            return f"a duration is written without quotes: param {word} = {inner}"
    if isinstance(value, ast.LiteralExpr) and value.type == "number":
        return f"a duration has a unit: param {word} = {value.text}min (or s, h, d…)"
    return "a duration needs a unit, such as '30s' or '2h'"


def check_duration(ctx: Context, d: Any, names: PolicyNames) -> None:
    if isinstance(d, ast.NameExpr):
        word = d.parts[0]
        param = names.shared.params.get(word) if len(d.parts) == 1 else None
        if param is None:
            ctx.err(
                "E204",
                f"'{d.text}' is not a duration or a parameter",
                d.span,
                did_you_mean(word, names.shared.params)
                or f"write a duration such as '30min', or define: param {word} = 30min",
            )
            return
        ctx.used.add(("param", word))
        if not isinstance(param.value, ast.DurationExpr):
            ctx.err(
                "E208",
                f"parameter '{word}' is {param.value.text}, not a duration",
                d.span,
                _duration_param_hint(word, param.value),
            )
        return
    if d.amount < 0:
        ctx.err("E223", "a duration cannot be negative", d.span)
    if not check_size(ctx, d):
        return
    if d.business:
        if d.unit not in ("min", "h", "d"):
            ctx.err("E208", "business time is counted in minutes, hours or days", d.span)
        calendar = d.calendar or names.calendar
        if calendar is None:
            calendars = sorted(names.shared.calendars)
            if len(calendars) == 1:
                calendar = calendars[0]
            else:
                ctx.err(
                    "E205",
                    "business time needs a calendar",
                    d.span,
                    (
                        f"write '{d.text} on <calendar>' or add 'calendar <name>' to the "
                        f"policy (calendars: {', '.join(calendars)})"
                    )
                    if calendars
                    else 'no calendar is defined: add one (calendar <name> zone "…" hours '
                    "mon-fri 09:00-18:00) and name it in the policy with 'calendar <name>'",
                )
                return
        if calendar not in names.shared.calendars:
            undefined_calendar(ctx, calendar, d.span, names)
        else:
            ctx.used.add(("calendar", calendar))


def check_size(ctx: Context, e: ast.DurationExpr | ast.LiteralExpr) -> bool:
    """E224 for a number with more than `MAX_DIGITS` digits or a duration longer than the
    longest (`MAX_DAYS`, business time `MAX_BUSINESS`); True when the value is within them."""
    if isinstance(e, ast.LiteralExpr):
        if e.type not in ("number", "percent") or digits(e.text) <= MAX_DIGITS:
            return True
        ctx.err(
            "E224",
            f"the number {shorten(e.text)} has too many digits",
            e.span,
            f"numbers have at most {MAX_DIGITS} digits",
        )
        return False
    if digits(e.text) > MAX_DIGITS:
        too_long = True
    elif e.business and e.unit == "d" and not e.amount.is_integer():
        ctx.err(
            "E210",
            f"business days are whole open days, not {e.amount:g}",
            e.span,
            whole_days_hint(e.amount),
        )
        return False
    elif e.business:
        too_long = e.unit in MAX_BUSINESS and e.amount > MAX_BUSINESS[e.unit]
    else:
        seconds = e.amount * UNITS[e.unit]
        too_long = not math.isfinite(seconds) or seconds > MAX_DAYS * 86_400
    if not too_long:
        return True
    ctx.err(
        "E224",
        f"the duration {shorten(e.text)} is too long",
        e.span,
        (
            f"business time goes up to {MAX_BUSINESS['d']} business days or "
            f"{MAX_BUSINESS['h']} business hours"
        )
        if e.business
        else f"the longest duration is {MAX_DAYS}d (about 2,700 years)",
    )
    return False


def whole_days_hint(amount: float) -> str:
    """What to write for a fractional number of business days.

    >>> whole_days_hint(1.5)[:26], whole_days_hint(0.5)[:21]
    ('write 1 or 2 business days', 'write 1 business day,')
    """
    low, high = math.floor(amount), math.ceil(amount)
    days = f"{low} or {high} business days" if low else "1 business day"
    return (
        f"write {days}, or the time in business hours (one open day is the calendar's opening "
        "hours: e.g. 12 business hours)"
    )


def digits(text: str) -> int:
    """How many digits a number is written with.

    >>> digits("1.25"), digits("-30min")
    (3, 2)
    """
    return sum(ch.isdigit() for ch in text)


def shorten(text: str) -> str:
    """A value as a message quotes it: whole when short, else its start and its length.

    >>> shorten("24h"), shorten("9" * 5000)
    ("'24h'", "'99999999999999999999…' (5000 characters)")
    """
    if len(text) <= 30:
        return f"'{text}'"
    return f"'{text[:20]}…' ({len(text)} characters)"


def check_count(
    ctx: Context,
    c: Any,
    names: PolicyNames,
    what: str,
    minimum: int = 0,
    zero: tuple[str, str] | None = None,
) -> int | None:
    """The whole number `c` (written, or the parameter it names, --set included), within
    `minimum` and `MAX_COUNT`; None after an E210. `zero` is the message and hint for a 0 below
    `minimum` that means something else ('at most 0' means never)."""
    if isinstance(c, ast.NameExpr):
        param = names.shared.params.get(c.parts[0])
        if param is None:
            ctx.err(
                "E204",
                f"'{c.text}' is not a number or a parameter",
                c.span,
                did_you_mean(c.parts[0], names.shared.params) or "write a whole number",
            )
            return None
        ctx.used.add(("param", c.parts[0]))
        value = ctx.out.overrides.get(c.parts[0], param.value)
        if not isinstance(value, ast.LiteralExpr) or not isinstance(value.value, int):
            ctx.err("E208", f"parameter '{c.parts[0]}' is not a whole number", c.span)
            return None
        number = value.value
    else:
        number = c.value
        if not isinstance(number, int):
            ctx.err("E210", f"{what} must be a whole number", c.span)
            return None
        if number > MAX_COUNT:
            ctx.err("E210", f"{what} must be at most {MAX_COUNT}, not {shorten(c.text)}", c.span)
            return None
    if number == 0 < minimum and zero is not None:
        ctx.err("E210", zero[0], c.span, zero[1])
        return None
    if number < minimum:
        ctx.err("E210", f"{what} must be at least {minimum}, not {number}", c.span)
        return None
    if number > MAX_COUNT:
        ctx.err("E210", f"{what} must be at most {MAX_COUNT}, not {number}", c.span)
        return None
    return int(number)


def check_zone(ctx: Context, zone: str, span: Span) -> None:
    try:
        lookup(zone)
    except ValueError:
        from cxrules.time.zone_hints import zone_hint

        hint = zone_hint(zone) or 'use an IANA name such as "Europe/Bucharest"'
        ctx.err("E216", f"unknown time zone '{zone}'", span, hint)
