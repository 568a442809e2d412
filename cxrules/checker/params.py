"""Checking stage, parameters: `--set name=value` read as a value of the parameter's own kind."""

from __future__ import annotations

import math
import re

from cxrules.checker.shared import MAX_DAYS, MAX_DIGITS
from cxrules.language import ast
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
            raise ParamError(
                "business durations cannot be overridden yet", "change the policy file instead"
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
    return ast.LiteralExpr(span=span, value=text, type="string", text=f'"{text}"')


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
