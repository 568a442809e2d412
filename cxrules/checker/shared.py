"""Checking stage, shared checks: durations, counts, zones and calendar names, wherever they
are written (a window, a grace, a counting trigger, a metric)."""

from __future__ import annotations

from typing import Any

from cxrules.checker.context import Context
from cxrules.checker.symbols import PolicyNames
from cxrules.diagnostics import did_you_mean
from cxrules.language import ast
from cxrules.source import Span
from cxrules.time.zones import zone as lookup


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
                "a duration needs a unit, such as '30s' or '2h'",
            )
        return
    if d.amount < 0:
        ctx.err("E223", "a duration cannot be negative", d.span)
    if d.business:
        if d.unit not in ("h", "d"):
            ctx.err("E208", "business time is counted in hours or days", d.span)
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


def check_count(
    ctx: Context, c: Any, names: PolicyNames, what: str, minimum: int = 0
) -> int | None:
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
    if number < minimum:
        ctx.err("E210", f"{what} must be at least {minimum}, not {number}", c.span)
        return None
    return int(number)


def check_zone(ctx: Context, zone: str, span: Span) -> None:
    try:
        lookup(zone)
    except ValueError:
        from zoneinfo import available_timezones

        ctx.err(
            "E216",
            f"unknown time zone '{zone}'",
            span,
            did_you_mean(zone, available_timezones())
            or 'use an IANA name such as "Europe/Bucharest"',
        )
