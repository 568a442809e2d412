"""Compiled stage, text: the IR read back as the words a policy writes — patterns, conditions,
durations, numbers and percentages — for sentences, explanations and messages."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from cxrules import ir
from cxrules.language.fmt import PRECEDENCE, quote
from cxrules.time.format import format_duration


def duration_text(d: ir.Duration | None) -> str:
    """A duration as written in the policy, else formatted from its seconds."""
    if d is None:
        return "no limit"
    return d.text or format_duration(d.seconds)


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st…

    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd']
    """
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }".replace(" ", "")


def percentile_name(q: float) -> str:
    """The percentile a q names (a q of at most 1 is a fraction: docs/semantics.md).

    >>> [percentile_name(q) for q in (90, 0.9, 1)]
    ['90th percentile', '90th percentile', '100th percentile']
    >>> [percentile_name(q) for q in (99.9, 0.999, 50.5)]
    ['99.9th percentile', '99.9th percentile', '50.5th percentile']
    """
    rank = round(q * 100, 9) if q <= 1 else q
    if float(rank).is_integer():
        return f"{ordinal(int(rank))} percentile"
    return f"{rank:g}th percentile"


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


def measured(value: float, against: tuple[float, ...] = ()) -> str:
    """A measured fraction (a compliance rate, a metric value) as a percentage, the one way
    sentences and tables write it: one decimal, more when one would round it onto 0%, 100% or a
    threshold it does not reach (79.96% against 80% is '79.96%', never '80.0%').

    >>> measured(0.8333), measured(0.78), measured(1.0), measured(0.99954), measured(0.0004)
    ('83.3%', '78.0%', '100.0%', '99.95%', '0.04%')
    >>> measured(0.7996, (0.8,)), measured(0.8, (0.8,)), measured(0.305)
    ('79.96%', '80.0%', '30.5%')
    """
    bounds = (0.0, 1.0, *against)
    digits = 1
    while True:
        shown = round(value * 100, digits)
        if digits >= 6 or all(_side(value * 100, b * 100) == _side(shown, b * 100) for b in bounds):
            return f"{shown:.{digits}f}%"
        digits += 1


def figure(value: float, unit: str, against: tuple[float, ...] = ()) -> str:
    """A metric value in its unit, as sentences and tables both write it: a percentage
    (`measured`), a duration to the millisecond, or a number to four decimals; each with more
    decimals when fewer would round it onto a threshold of `against` it does not reach (in the
    metric's own unit: fractions for a percentage, seconds for a duration), so a mean wait of
    30.00025s against `<= 30s` is '30.0003s', never '30s'.

    >>> figure(0.7996, "percent", (0.8,)), figure(47.3333333, "duration"), figure(31.25, "number")
    ('79.96%', '47.333s', '31.25')
    >>> figure(30.00025, "duration", (30.0,)), figure(4.00002, "number", (4.0,))
    ('30.0003s', '4.00002')
    >>> figure(30.0, "duration", (30.0,)), figure(39.99999, "number", (40.0, 50.0))
    ('30s', '39.99999')
    """
    if unit == "percent":
        return measured(value, against)
    if unit == "duration":
        return format_duration(value, digits=_apart(value, against, 3))
    return number(value, _apart(value, against, 4))


def _apart(value: float, against: tuple[float, ...], digits: int) -> int:
    """The fewest decimals, from `digits` up to 12, that leave `value` rounded on the same side
    of every threshold in `against` as the value itself (within the tolerance of comparisons)."""
    if not math.isfinite(value):
        return digits
    while digits < 12 and any(
        _side(value, b) != _side(round(value, digits), b) for b in against if math.isfinite(b)
    ):
        digits += 1
    return digits


def _side(a: float, b: float) -> int:
    """-1, 0 or 1 as `a` is below, at or above `b` (within the rounding error of a percentage)."""
    if math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12):
        return 0
    return -1 if a < b else 1


def number(value: float, digits: int = 4) -> str:
    """A number to `digits` decimals without trailing zeros; integers as they are.

    >>> number(40.0), number(2.5), number(1 / 3), number(10**30), number(float("inf"))
    ('40', '2.5', '0.3333', '1000000000000000000000000000000', 'inf')

    A float from 10**16 up, where its digits stop counting, or too small for `digits`
    decimals, is written as the JSON report writes it, not 309 digits, nor 0 (an int is
    exact: its digits, all of them):

    >>> number(1.7e308), number(2.0**61 + 512), number(-1e-20), number(0.00004), number(-0.0)
    ('1.7e+308', '2.3058430092136945e+18', '-1e-20', '4e-05', '0')
    """
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError:  # more digits than Python prints (sys.set_int_max_str_digits)
            return f"a {value.bit_length()}-bit integer"
    if not math.isfinite(value):
        return str(value)
    if abs(value) >= 1e16:  # a float's digits past the 17th say nothing: as JSON writes it
        return repr(value)
    if value.is_integer():
        return str(int(value))
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    # a value too small for `digits` decimals is not 0 (nor '-0'): as JSON writes it
    return repr(value) if text in ("0", "-0") else text


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
    if e.type == "date":  # as the language writes a date: 2026-12-31, not a text
        return str(v)
    if e.type == "string":
        return quote(str(v))
    if e.type == "bool":
        return "true" if v else "false"
    if v is None:
        return "null"
    return number(v) if isinstance(v, int | float) else str(v)


_PREFIX = {"event": "", "trigger": "trigger.", "previous": "previous."}
_LOCAL = {
    "time_of_day": "local_time",
    "date": "local_date",
    "weekday": "weekday",
    "hour": "local_hour",
}


def describe(e: Any) -> str:
    """An IR expression as readable text, laid out as `cxrules fmt` writes a condition: an
    operand in parentheses only where the operators' binding strength needs them
    (`cxrules.language.fmt.PRECEDENCE`).

    >>> describe(ir.Binary(op=">=", left=ir.StateRef(name="connection", fn="count"),
    ...                    right=ir.Lit(value=1, type="number")))
    'count(connection) >= 1'
    >>> a, b = ir.Attr(of="event", path="a"), ir.Attr(of="event", path="b")
    >>> one = ir.Lit(value=1, type="number")
    >>> describe(ir.Binary(op="or", left=ir.Binary(op="==", left=a, right=one),
    ...                    right=ir.Binary(op="and", left=ir.Binary(op="==", left=b, right=one),
    ...                                    right=ir.Binary(op="==", left=a, right=b))))
    'a == 1 or b == 1 and a == b'
    >>> describe(ir.Binary(op="*", left=ir.Binary(op="+", left=a, right=b), right=one))
    '(a + b) * 1'
    """
    return _laid_out(e)[0]


_ATOM = 9


def _within(e: Any, need: int) -> str:
    text, strength = _laid_out(e)
    return f"({text})" if strength < need else text


def _laid_out(e: Any) -> tuple[str, int]:  # noqa: C901 - one branch per node kind
    """The text of `e` and how strongly it binds (`PRECEDENCE`; atoms bind most)."""
    compare = PRECEDENCE["compare"]
    if isinstance(e, ir.Lit):
        return _lit_text(e), _ATOM
    if isinstance(e, ir.Attr):
        return _PREFIX[e.of] + e.path, _ATOM
    if isinstance(e, ir.Time):
        return _PREFIX[e.of] + "time", _ATOM
    if isinstance(e, ir.Local):
        return _PREFIX[e.of] + _LOCAL[e.part], _ATOM
    if isinstance(e, ir.History):
        inner = pattern_text(e.pattern)
        field = e.field or ("time" if e.dot_time else None)
        return f"{e.fn}({inner})" + (f".{field}" if field else ""), _ATOM
    if isinstance(e, ir.Changes):
        return f"changes({e.path})", _ATOM
    if isinstance(e, ir.StateRef):
        return (f"count({e.name})" if e.fn == "count" else e.name), _ATOM
    if isinstance(e, ir.Unary):
        op = "not" if e.op == "not" else "neg"
        word = "not " if e.op == "not" else "-"
        return word + _within(e.operand, PRECEDENCE[op]), PRECEDENCE[op]
    if isinstance(e, ir.Binary):
        if e.op in ("and", "or", "+", "-", "*", "/"):
            level = PRECEDENCE[e.op]
            return f"{_within(e.left, level)} {e.op} {_within(e.right, level + 1)}", level
        return f"{_within(e.left, compare + 1)} {e.op} {_within(e.right, compare + 1)}", compare
    if isinstance(e, ir.Between):
        bounds = f"{_within(e.low, compare + 1)} and {_within(e.high, compare + 1)}"
        return f"{_within(e.value, compare + 1)} between {bounds}", compare
    if isinstance(e, ir.Missing):
        return f"{_within(e.value, compare + 1)} is {'not ' if e.negated else ''}missing", compare
    if isinstance(e, ir.In):
        options = ", ".join(describe(o) for o in e.options)
        word = "not in" if e.negated else "in"
        return f"{_within(e.value, compare + 1)} {word} [{options}]", compare
    if isinstance(e, ir.Call):
        return f"{e.fn}({', '.join(describe(a) for a in e.args)})", _ATOM
    return str(e), _ATOM


def window_text(w: ir.Window) -> str:
    """'within 24h', 'by end of day', 'by 17:00', 'by last(appointment.booked).window_end',
    'between 10min and 40min after', 'at least 1d after'; a clock that pauses says so, as the
    policy writes it, since its deadline lies later than the window alone would put it.

    >>> d = lambda s, t: ir.Duration(seconds=s, text=t)
    >>> window_text(ir.Window(direction="after", max=d(60, "1min")))
    'within 1min'
    >>> window_text(ir.Window(direction="after", min=d(600, "10min"), max=d(2400, "40min")))
    'between 10min and 40min after'
    >>> window_text(ir.Window(direction="after", max=d(3600, "1h"), paused_while="waiting"))
    'within 1h paused while waiting'
    """
    limited = w.max is not None or w.deadline is not None
    paused = f" paused while {w.paused_while}" if w.paused_while and limited else ""
    return _window_text(w) + paused


def _window_text(w: ir.Window) -> str:
    if isinstance(w.deadline, ir.CalendarPoint):
        p = w.deadline
        return f"by {p.time}" if p.point == "time_of_day" else f"by {p.point.replace('_', ' ')}"
    if w.deadline is not None:
        return f"by {describe(w.deadline)}"
    # a window that opens later than the trigger says so: 'no callback.made within 40min' of a
    # callback at +5min under 'between 10min and 40min after' read as if the log lacked it
    late = w.min is not None and w.min.seconds > 0
    if w.max is None:
        return f"at least {duration_text(w.min)} after" if late else "at any time"
    if late:
        return f"between {duration_text(w.min)} and {duration_text(w.max)} after"
    return f"within {duration_text(w.max)}"


def before_text(w: ir.Window) -> str:
    """A `before` window in words: 'before it', 'at least 15min before', 'within 30d before',
    'between 35min and 25min before'.

    >>> d = lambda s, t: ir.Duration(seconds=s, text=t)
    >>> before_text(ir.Window(direction="before", max=d(2592000, "30d")))
    'within 30d before'
    """
    if w.max is None:
        return f"at least {duration_text(w.min)} before" if w.min else "before it"
    if w.min is None or w.min.seconds == 0:
        return f"within {duration_text(w.max)} before"
    return f"between {duration_text(w.max)} and {duration_text(w.min)} before"


def expect_window_text(w: ir.Window) -> str:
    """Where an expectation's event must fall, as written: a `before` window in words
    (`before_text`), else as `window_text` says it ('within 2h')."""
    return before_text(w) if w.direction == "before" else window_text(w)


def key_text(v: str) -> str:
    """A scope or group value as a sentence names it: as it is, or quoted when it would not
    show — empty, with spaces at either end, or holding a character that does not print —
    so that "FATURA " and "FATURA", or an empty value, never read alike.

    >>> [key_text(v) for v in ("m-1", "Sorun değil", "FATURA ", "")]
    ['m-1', 'Sorun değil', '"FATURA "', '""']
    """
    if v and v == v.strip() and v.isprintable():
        return v
    return quote(v)


def part_text(v: str) -> str:
    """A value of a scope or group of several keys, which a label lists as 'key value, key
    value': as `key_text` shows it, and quoted too when it holds a comma, so that a value never
    reads as two ('topic "Payment, late"'); a slash is no separator and stays as it is.

    >>> [part_text(v) for v in ("c-1", "Payment/Late", "Payment, late", "FATURA ")]
    ['c-1', 'Payment/Late', '"Payment, late"', '"FATURA "']
    """
    shown = key_text(v)
    return quote(v) if shown == v and "," in v else shown


def scope_words(keys: Sequence[str], values: Sequence[str], between: str = " ") -> str:
    """A scope or a group as a sentence names it: 'visit v-1007' for one key; for several,
    each key with its value, 'customer c-1, topic Payment/Late', a value with a comma quoted
    (`part_text`). `between` joins a key and its value ('queue=q1' with '=').

    >>> scope_words(["customer", "topic"], ["c-1", "Betalen/Termijn, laat"])
    'customer c-1, topic "Betalen/Termijn, laat"'
    >>> scope_words(["visit"], ["v, 1"]), scope_words(["queue"], ["q1"], "=")
    ('visit v, 1', 'queue=q1')
    """
    shown = key_text if len(values) == 1 else part_text
    return ", ".join(f"{k}{between}{shown(v)}" for k, v in zip(keys, values, strict=True))


def warns_text(level: str) -> str:
    """A metric's warning level as reports keep it (the side a value must stay on not to warn,
    '>= 85%') as the condition that warns, the way the policy writes it ('warns below 85%').

    >>> warns_text(">= 85%"), warns_text("<= 20s"), warns_text("85%")
    ('warns below 85%', 'warns above 20s', 'warning level 85%')
    """
    op, _, value = level.strip().partition(" ")
    side = {">=": "below", ">": "at or below", "<=": "above", "<": "at or above"}.get(op)
    return f"warns {side} {value.strip()}" if side and value.strip() else f"warning level {level}"
