"""Reference engine, sentences: plain-language text, evidence and stable ids of findings."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cxrules import ir
from cxrules.engines.python.clock import to_dt
from cxrules.logs.event import Event
from cxrules.reports.model import EventRef
from cxrules.time.format import format_clock, format_duration, format_instant


def when(t: datetime | float, zone: str) -> str:
    """An instant for a sentence: '2026-03-02 10:00:00+03:00' in the log's zone. The last
    instant of a calendar period (end of day: next midnight less a microsecond) reads as its whole
    second, '23:59:59'; the report's data fields keep the exact instant."""
    dt = to_dt(t) if isinstance(t, float | int) else t
    if dt.microsecond == 999_999:
        dt = dt.replace(microsecond=0)
    return format_instant(dt, zone).replace("T", " ", 1)


def clock(t: datetime | float, zone: str) -> str:
    """The local clock time of an instant: '10:05:00' (with fractions when present)."""
    return format_clock(to_dt(t) if isinstance(t, float | int) else t, zone)


def day(t: datetime | float, zone: str) -> str:
    return when(t, zone)[:10]


def span_text(a: float, b: float, zone: str) -> str:
    """'from 10:05:00 to 10:07:12 on 2026-03-02 (+03:00)' or both full instants across days."""
    if day(a, zone) == day(b, zone):
        return f"from {clock(a, zone)} to {clock(b, zone)} on {day(a, zone)}"
    return f"from {when(a, zone)} to {when(b, zone)}"


def duration_text(d: ir.Duration | None) -> str:
    """A duration as written in the policy, else formatted from its seconds."""
    if d is None:
        return "no limit"
    return d.text or format_duration(d.seconds)


def event_ref(e: Event, zone: str) -> EventRef:
    """An event cited as evidence."""
    return EventRef(
        id=e.id, type=e.type, time=format_instant(e.time, zone), file=e.file, line=e.line
    )


def violation_id(policy: str, scope: Sequence[str], trigger: str, kind: str) -> str:
    """A stable id: the first 16 hex digits of sha256 over policy, scope, trigger and kind.

    >>> violation_id("p", ["c-1"], "e1", "missing") == violation_id("p", ["c-1"], "e1", "missing")
    True
    >>> len(violation_id("p", [], "", "gap"))
    16
    """
    text = "\x1f".join([policy, "\x1e".join(scope), trigger, kind])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st…

    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd']
    """
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }".replace(" ", "")


def pattern_text(p: ir.Pattern) -> str:
    """A pattern as written (its condition added when the text lacks it), else its types.

    >>> pattern_text(ir.Pattern(types=("a.b",), text="a.b",
    ...     where=ir.Binary(op="==", left=ir.Attr(path="x"), right=ir.Lit(value=1, type="number"))))
    'a.b where x == 1'
    """
    head = p.text or " or ".join(p.types)
    if p.where is not None and " where " not in f" {head} ":
        return f"{head} where {describe(p.where)}"
    return head


def percent(value: float) -> str:
    """A fraction as a percentage: 0.8 → '80%', 0.8125 → '81.25%'.

    >>> percent(0.8), percent(0.8125), percent(1/3)
    ('80%', '81.25%', '33.33%')
    """
    text = f"{value * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def number(value: float) -> str:
    """A number without trailing zeros; integers as they are.

    >>> number(40.0), number(2.5), number(1 / 3), number(10**30), number(float("inf"))
    ('40', '2.5', '0.3333', '1000000000000000000000000000000', 'inf')
    """
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError:  # more digits than Python prints (sys.set_int_max_str_digits)
            return f"a {value.bit_length()}-bit integer"
    if not math.isfinite(value):
        return str(value)
    if value.is_integer():
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _lit_text(e: ir.Lit) -> str:
    v = e.value
    if e.type == "percent" and isinstance(v, int | float):
        return percent(float(v))
    if e.type == "duration" and isinstance(v, int | float):
        return format_duration(float(v))
    if e.type == "time_of_day" and isinstance(v, int | float):
        h, rest = divmod(int(v), 3600)
        m, s = divmod(rest, 60)
        return f"{h:02d}:{m:02d}" + (f":{s:02d}" if s else "")
    if e.type in ("string", "date"):
        return '"' + str(v).replace('"', '\\"') + '"'
    if e.type == "bool":
        return "true" if v else "false"
    if v is None:
        return "null"
    return number(v) if isinstance(v, int | float) else str(v)


_PREFIX = {"event": "", "trigger": "trigger.", "previous": "previous."}
_LOCAL = {"time_of_day": "local_time", "date": "date", "weekday": "weekday", "hour": "hour"}


def describe(e: Any) -> str:
    """An IR expression as readable text, close to how a policy writes it.

    >>> describe(ir.Binary(op=">=", left=ir.StateRef(name="connection", fn="count"),
    ...                    right=ir.Lit(value=1, type="number")))
    'count(connection) >= 1'
    """
    if isinstance(e, ir.Lit):
        return _lit_text(e)
    if isinstance(e, ir.Attr):
        return _PREFIX[e.of] + e.path
    if isinstance(e, ir.Time):
        return _PREFIX[e.of] + "time"
    if isinstance(e, ir.Local):
        return _PREFIX[e.of] + _LOCAL[e.part]
    if isinstance(e, ir.History):
        inner = pattern_text(e.pattern)
        return f"{e.fn}({inner})" + (f".{e.field}" if e.field else "")
    if isinstance(e, ir.Changes):
        return f"changes({e.path})"
    if isinstance(e, ir.StateRef):
        return f"count({e.name})" if e.fn == "count" else e.name
    if isinstance(e, ir.Unary):
        return f"not {_wrap(e.operand)}" if e.op == "not" else f"-{_wrap(e.operand)}"
    if isinstance(e, ir.Binary):
        return f"{_wrap(e.left)} {e.op} {_wrap(e.right)}"
    if isinstance(e, ir.Between):
        return f"{describe(e.value)} between {describe(e.low)} and {describe(e.high)}"
    if isinstance(e, ir.Missing):
        return f"{describe(e.value)} is {'not ' if e.negated else ''}missing"
    if isinstance(e, ir.In):
        options = ", ".join(describe(o) for o in e.options)
        return f"{describe(e.value)} {'not in' if e.negated else 'in'} [{options}]"
    if isinstance(e, ir.Call):
        return f"{e.fn}({', '.join(describe(a) for a in e.args)})"
    return str(e)


def _wrap(e: Any) -> str:
    text = describe(e)
    return f"({text})" if isinstance(e, ir.Binary | ir.Between) else text


def value_text(v: Any, zone: str) -> str:
    """A runtime value for a sentence."""
    if isinstance(v, datetime):
        return when(v, zone)
    if isinstance(v, str):
        return '"' + v + '"'
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return number(v)
    return str(v)
