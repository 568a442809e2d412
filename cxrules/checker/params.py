"""Checking stage, parameters: `--set name=value` read as a value of the parameter's own kind."""

from __future__ import annotations

import math
import re
from typing import Literal

from cxrules.checker.shared import MAX_BUSINESS, MAX_DAYS, MAX_DIGITS, whole_days_hint
from cxrules.language import ast
from cxrules.language.fmt import quote
from cxrules.language.literals import SHORT_UNITS, UNIT_WORDS
from cxrules.time.format import DurationTextError, parse_duration_text
from cxrules.time.text import parse_clock, parse_date


class ParamError(ValueError):
    """An override that is not a value of the parameter's kind."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


def split_assignment(text: str) -> tuple[str, str]:
    """`name=value` → (name, value).

    >>> split_assignment("max_wait=3min")
    ('max_wait', '3min')
    """
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise ParamError(f"'{text}' is not name=value", "write e.g. --set max_wait=3min")
    return name.strip(), value.strip()


def parse_override(param: ast.ParamDef, text: str) -> ast.LiteralExpr | ast.DurationExpr:
    """Read `text` as a value of the same kind as the parameter's default.

    >>> from cxrules.source import Span
    >>> s = Span(file="f", line=1, column=1, end_line=1, end_column=2)
    >>> d = ast.DurationExpr(span=s, amount=2, unit="min", text="2min")
    >>> p = ast.ParamDef(span=s, name="max_wait", name_span=s, value=d)
    >>> parse_override(p, "3min").amount
    180.0
    """
    default = param.value
    span = param.span
    if isinstance(default, ast.DurationExpr):
        if default.business:
            return _business(param, default, text)
        if _BUSINESS_WORD.search(text):
            raise ParamError(
                f"{param.name} is a fixed duration ({default.text}), not business time",
                "write a fixed duration such as 2h; to count opening hours only, declare the "
                f"parameter so in the policy (param {param.name} = 8 business hours), where the "
                "rules that use it name their calendar",
            )
        try:
            seconds = parse_duration_text(text)
        except DurationTextError as exc:
            raise ParamError(f"not a duration ({exc})", "e.g. 30s, 5min, 2h, 1d") from exc
        if not _AS_WRITTEN.fullmatch(text.strip()):
            # the language's own spelling, one number and one unit, as a policy would show it
            raise ParamError("not a duration as a policy writes it", f"write {_one_unit(seconds)}")
        if not seconds <= MAX_DAYS * 86_400:
            raise ParamError("longer than the longest duration", f"durations go up to {MAX_DAYS}d")
        return ast.DurationExpr(span=span, amount=seconds, unit="s", text=text)
    kind = default.type
    if kind == "percent":
        match = re.fullmatch(r"(\d+(?:\.\d+)?)%", text)
        if not match:
            first = re.fullmatch(r"%(\d+(?:\.\d+)?)", text.strip())  # as Turkish writes it
            raise ParamError("not a percentage", f"write {first[1]}%" if first else "e.g. 85%")
        return ast.LiteralExpr(span=span, value=_num(match[1]), type="percent", text=text)
    if kind == "number":
        try:
            value = _num(text)
        except ValueError as exc:
            raise ParamError("not a number", "e.g. 3 or 2.5") from exc
        return ast.LiteralExpr(span=span, value=value, type="number", text=text)
    if kind == "bool":
        if text not in ("true", "false"):
            raise ParamError("not true or false")
        return ast.LiteralExpr(span=span, value=text == "true", type="bool", text=text)
    if kind == "time_of_day":
        if not re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", text) or parse_clock(text) is None:
            raise ParamError("not a time of day", "times run from 00:00 to 23:59, e.g. 12:00")
        return ast.LiteralExpr(span=span, value=text, type="time_of_day", text=text)
    if kind == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) or parse_date(text) is None:
            raise ParamError("not a date", "there is no such day in the calendar, e.g. 2026-12-31")
        return ast.LiteralExpr(span=span, value=text, type="date", text=text)
    control = next((c for c in text if (c < " " and c != "\t") or c == "\x7f"), None)
    if control is not None:
        # as in a policy file's text (E107); a NUL cannot be written in the SQL engines' plans
        raise ParamError(
            f"the control character U+{ord(control):04X} is in the text",
            "delete it: a text given here is taken as it is, and holds no control character "
            "but a tab",
        )
    return ast.LiteralExpr(span=span, value=text, type="string", text=quote(text))


#: Business time as the language writes it: '12 business hours', '2 business days on desk',
#: '30 business minutes'.
_BUSINESS = re.compile(r"(\d+(?:\.\d+)?)\s+business\s+(hours?|minutes?|days?)(?:\s+on\s+(\w+))?")
_BUSINESS_WORD = re.compile(r"\bbusiness\b", re.IGNORECASE)


def _business(param: ast.ParamDef, default: ast.DurationExpr, text: str) -> ast.DurationExpr:
    """`text` as business time for a parameter declared in business time: a number of business
    minutes, hours or days, counted on the same calendar as the parameter's (its `on` calendar,
    else the calendar of each policy that uses it); hours may become days or minutes and back.

    >>> from cxrules.source import Span
    >>> s = Span(file="f", line=1, column=1, end_line=1, end_column=2)
    >>> d = ast.DurationExpr(span=s, amount=8, unit="h", business=True, text="8 business hours")
    >>> p = ast.ParamDef(span=s, name="pickup", name_span=s, value=d)
    >>> o = _business(p, d, "12 business hours")
    >>> o.amount, o.unit, o.business, o.text
    (12.0, 'h', True, '12 business hours')
    """
    name, calendar = param.name, default.calendar
    match = _BUSINESS.fullmatch(text.strip())
    if match is None:
        try:
            seconds = parse_duration_text(text)
        except DurationTextError:
            seconds = None
        if seconds is not None:
            days = re.search(r"(d|days?)$", text.strip()) is not None
            same = f"{seconds / 86_400:g} business days" if days else None
            if same is None and re.search(r"(min|minutes?)$", text.strip()) is not None:
                same = f"{seconds / 60:g} business minutes"
            if same is None and re.search(r"(w|weeks?)$", text.strip()) is None:
                same = f"{seconds / 3600:g} business hours"
            raise ParamError(
                f"{name} counts business time ({default.text}), not a fixed duration",
                f"write {same or 'business days (5 business days for a working week)'}: only "
                "the calendar's opening hours count, where a fixed duration would count nights, "
                "weekends and holidays too",
            )
        spelt = _BUSINESS.fullmatch(" ".join(text.lower().split()))
        raise ParamError(
            "not business time as a policy writes it",
            f"write {spelt[0]}"
            if spelt
            else "e.g. 12 business hours, 2 business days, 30 business minutes",
        )
    number, unit_word, named = match[1], match[2], match[3]
    if named is not None and named != calendar:
        counted = f"on {calendar}" if calendar else "on the calendar of each policy that uses it"
        raise ParamError(
            f"the calendar stays the parameter's: {name} counts {counted}",
            f"write {number} business {unit_word} (a calendar of its own is the policy's to name)",
        )
    units: dict[str, Literal["d", "h", "min"]] = {"d": "d", "h": "h", "m": "min"}
    unit = units[unit_word[0]]
    amount = float(number)
    if sum(ch.isdigit() for ch in number) > MAX_DIGITS or amount > MAX_BUSINESS[unit]:
        raise ParamError(
            "longer than the longest business time",
            f"business time goes up to {MAX_BUSINESS['d']} business days or "
            f"{MAX_BUSINESS['h']} business hours",
        )
    if unit == "d" and not amount.is_integer():
        raise ParamError("business days are whole open days", whole_days_hint(amount))
    written = f"{number} business {unit_word}" + (f" on {calendar}" if calendar else "")
    return ast.DurationExpr(
        span=param.span, amount=amount, unit=unit, business=True, calendar=calendar, text=written
    )


#: A duration as the language writes one: '30min', '2h', '1.5d', or '30 minutes'.
_WORDS = "|".join(sorted((w for w in UNIT_WORDS if w not in SHORT_UNITS), key=len, reverse=True))
_AS_WRITTEN = re.compile(rf"\d+(?:\.\d+)?(?:{'|'.join(SHORT_UNITS)}|[ ]+(?:{_WORDS}))")


def _one_unit(seconds: float) -> str:
    """A duration in the largest unit that holds it whole: 5400 → '90min', 10800 → '3h'.

    >>> _one_unit(5400), _one_unit(10800), _one_unit(1.5)
    ('90min', '3h', '1500ms')
    """
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("min", 60), ("s", 1)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{round(seconds * 1000)}ms"


def _num(text: str) -> int | float:
    """A number as written on the command line: finite, at most `MAX_DIGITS` digits.

    >>> _num("3"), _num("2.5"), _num("-1")
    (3, 2.5, -1)
    """
    if sum(ch.isdigit() for ch in text) > MAX_DIGITS:
        raise ValueError(f"more than {MAX_DIGITS} digits")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return int(value) if value.is_integer() and "." not in text else value
