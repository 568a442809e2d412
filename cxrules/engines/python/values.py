"""Reference engine, values: the missing marker, instant parsing and the comparison rules."""

from __future__ import annotations

import json
import operator
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from cxrules.ir.reading import read_instant, read_number
from cxrules.ir.tolerance import holds
from cxrules.time.instants import in_range
from cxrules.time.zones import localize
from cxrules.time.zones import zone as lookup


class _Missing:
    """The value of anything absent, null or not computable; `is missing` is true for it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


@lru_cache(maxsize=4096)
def parse_instant(text: str, zone: str) -> datetime | None:
    """An ISO 8601 string as an aware instant (naive text takes `zone`), or None if it does not
    read as one (`cxrules.ir.reading`).

    >>> parse_instant("2026-03-02T10:00:00+03:00", "UTC").isoformat()
    '2026-03-02T10:00:00+03:00'
    >>> parse_instant("2026-03-02 10:00", "Europe/Istanbul").utcoffset().total_seconds()
    10800.0
    >>> parse_instant("soon", "UTC") is None
    True
    """
    return read_instant(text, lookup(zone))


def as_instant(value: Any, zone: str) -> datetime | None:
    """A datetime or an ISO string as an instant; None otherwise (a number is no time: a log's
    epoch seconds are read as times by the mapping's `times`), and None outside the instants
    every zone can show (`cxrules.time.instants.in_range`)."""
    t: datetime | None = None
    if isinstance(value, datetime):
        t = value if value.tzinfo is not None else localize(value, lookup(zone))
    elif isinstance(value, str):
        t = parse_instant(value, zone)
    return t if t is not None and in_range(t) else None


def _number(text: str) -> float | None:
    return read_number(text)


_INCOMPARABLE = object()
_NUMBERS = (int, float)
_NESTED = (list, dict)


def coerce_pair(a: Any, b: Any, zone: str) -> tuple[Any, Any]:
    """Bring two present values to comparable types: an instant against an ISO string parses the
    string; a number against a numeric string converts the string. Incomparable pairs give a
    marker that makes `==` false and `!=` true."""
    ta, tb = type(a), type(b)
    if ta is datetime and tb is datetime:
        # on the time line: two datetimes of one zone compare by their wall clocks in Python
        return _utc(a), _utc(b)
    if ta is tb or (ta in (int, float) and tb in (int, float)):
        return a, b
    if isinstance(a, datetime) or isinstance(b, datetime):
        pa, pb = as_instant(a, zone), as_instant(b, zone)
        if pa is None or pb is None or isinstance(a, int | float) or isinstance(b, int | float):
            return _INCOMPARABLE, b
        return _utc(pa), _utc(pb)
    if isinstance(a, str) and isinstance(b, int | float) and not isinstance(b, bool):
        na = _number(a)
        return (na, b) if na is not None else (_INCOMPARABLE, b)
    if isinstance(b, str) and isinstance(a, int | float) and not isinstance(a, bool):
        nb = _number(b)
        return (a, nb) if nb is not None else (_INCOMPARABLE, b)
    return a, b


ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def compare(op: str, a: Any, b: Any, zone: str) -> bool:
    """`a op b` under cxrules rules: anything missing is false; incomparable types are unequal.

    >>> compare("<", "2026-03-02T10:00:00+03:00", datetime(2026, 3, 2, 8, tzinfo=UTC), "UTC")
    True
    >>> compare("==", "9", 9, "UTC"), compare(">", MISSING, 1, "UTC"), compare("!=", "a", 1, "UTC")
    (True, False, True)
    """
    if a is MISSING or b is MISSING:
        return False
    a, b = coerce_pair(a, b, zone)
    if a is _INCOMPARABLE:
        return op == "!="
    ta, tb = a.__class__, b.__class__
    if ta in _NESTED or tb in _NESTED:
        # a list or an object is equal to another when their JSON texts are (as scope keys and
        # group labels read them); they have no order
        if op in ("==", "!=") and ta is tb:
            return (text_of(a) == text_of(b)) == (op == "==")
        return op == "!="
    if (ta is float and tb in _NUMBERS) or (tb is float and ta in _NUMBERS):
        try:
            return holds(op, a, b)  # one tolerance for every comparison of non-whole numbers
        except OverflowError:  # an integer beyond any float: no tolerance can make them equal
            pass
    try:
        return bool(ORDER[op](a, b))
    except TypeError:
        return op == "!="


def arithmetic(op: str, a: Any, b: Any, zone: str) -> Any:
    """`a op b` for + - * /: instants minus instants give seconds, instants plus seconds give
    instants; anything missing, incompatible or a division by zero gives MISSING.

    >>> t = datetime(2026, 3, 2, 10, tzinfo=UTC)
    >>> arithmetic("-", t, "2026-03-02T09:58:00+00:00", "UTC")
    120.0
    >>> arithmetic("+", t, 60, "UTC").isoformat(), arithmetic("/", 1, 0, "UTC")
    ('2026-03-02T10:01:00+00:00', MISSING)
    """
    if a is MISSING or b is MISSING or isinstance(a, bool) or isinstance(b, bool):
        return MISSING
    try:
        if isinstance(a, datetime) or isinstance(b, datetime):
            return _instant_arithmetic(op, a, b, zone)
        return _number_arithmetic(op, a, b)
    except (OverflowError, ValueError):  # out of range for an instant or a float
        return MISSING


def _number_arithmetic(op: str, a: Any, b: Any) -> Any:
    # a text reads as a number for + as for - * / (a CSV column's "60" + "30" is 90): texts are
    # never joined, a policy cannot calculate with a text it writes (E208)
    if isinstance(a, str):
        a = _number(a)
    if isinstance(b, str):
        b = _number(b)
    if not isinstance(a, int | float) or not isinstance(b, int | float):
        return MISSING
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0:
        return MISSING
    return a / b


def _instant_arithmetic(op: str, a: Any, b: Any, zone: str) -> Any:
    if op == "-":
        pa = as_instant(a, zone) if not isinstance(a, int | float) else None
        pb = as_instant(b, zone) if not isinstance(b, int | float) else None
        if pa is not None and pb is not None:
            return (_utc(pa) - _utc(pb)).total_seconds()
        if pa is not None and isinstance(b, int | float):
            return _shifted(pa, -b)
        return MISSING
    if op == "+":
        if isinstance(a, datetime) and isinstance(b, int | float):
            return _shifted(a, b)
        if isinstance(b, datetime) and isinstance(a, int | float):
            return _shifted(b, a)
    return MISSING


def _utc(t: datetime) -> datetime:
    """The instant in UTC: Python subtracts, adds to and compares two datetimes of one zone by
    their wall clocks (a day across a DST change would be 24 hours); on the time line they
    are elapsed time (docs/semantics.md)."""
    return t.astimezone(UTC) if t.tzinfo is not None else t


def _shifted(t: datetime, seconds: float) -> datetime:
    """`t` plus elapsed seconds, shown in t's zone."""
    return (_utc(t) + timedelta(seconds=seconds)).astimezone(t.tzinfo)


def contains(a: Any, b: Any) -> bool:
    """`a contains b`: substring for strings, membership for lists; false when missing."""
    if a is MISSING or b is MISSING:
        return False
    if isinstance(a, str):
        return isinstance(b, str) and b in a
    if isinstance(a, list | tuple):
        return b in a
    return False


def same_value(a: Any, b: Any) -> bool:
    """Whether two present values are one value for `changes`: lists and objects by their JSON
    text (`compare`), a text that reads as a number as that number (`"7" == 7`, as `==` reads
    it), the others as Python's `==` (so 1, 1.0 and true are one value; a text is never a
    boolean)."""
    if a.__class__ in _NESTED or b.__class__ in _NESTED:
        return a.__class__ is b.__class__ and text_of(a) == text_of(b)
    if isinstance(a, str) and b.__class__ in _NUMBERS:
        return read_number(a) == b
    if isinstance(b, str) and a.__class__ in _NUMBERS:
        return read_number(b) == a
    return bool(a == b)


def text_of(value: Any) -> str:
    """A value as it appears in scope labels and group keys (JSON-like for non-strings: a list
    or an object as compact JSON, as the SQL engines read it from the log).

    >>> text_of("c-1"), text_of(3), text_of(2.0), text_of(True), text_of(None)
    ('c-1', '3', '2', 'true', 'null')

    A whole float of 10^38 or more in magnitude is written with its exponent, as the SQL
    engines write a double (their integers stop there), not with its 39 digits or more:

    >>> text_of(1.5e300), text_of(-1e38), text_of(1e37)
    ('1.5e+300', '-1e+38', '9999999999999999538762658202121142272')
    >>> text_of(["vip", "gold"]), text_of({"tier": "ş"})
    ('["vip","gold"]', '{"tier":"ş"}')

    An instant (an XES date, a Parquet timestamp with a zone) is its ISO 8601 text in UTC, as
    the SQL engines can write it from the µs they hold (the same instant, however written, is
    one key):

    >>> from datetime import timezone
    >>> text_of(datetime(2011, 10, 3, 22, 2, 40, tzinfo=timezone(timedelta(hours=2))))
    '2011-10-03T20:02:40+00:00'
    """
    if isinstance(value, str):
        return value
    if value is None or value is MISSING:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e38:
        return str(int(value))
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_key_default)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).isoformat()
    return str(value)


def _key_default(value: Any) -> Any:
    """A value inside a list or an object that JSON has no notation for, as its key reads it:
    an instant as its ISO 8601 text in UTC (as `text_of` writes one standing alone), another
    time as its ISO text (as the SQL engines' staging JSON holds it), the rest as `str()`.

    >>> from datetime import timezone
    >>> text_of([datetime(2011, 10, 3, 22, 2, 40, tzinfo=timezone(timedelta(hours=2))), 3])
    '["2011-10-03T20:02:40+00:00",3]'
    """
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).isoformat()
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)
