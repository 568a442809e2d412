"""Syntax tree stage, literals: the values of tokens as written — texts with their escapes,
numbers however long, ordinals and units of time."""

from __future__ import annotations

UNIT_WORDS = {
    "ms": "ms",
    "s": "s",
    "sec": "s",
    "second": "s",
    "seconds": "s",
    "min": "min",
    "minute": "min",
    "minutes": "min",
    "h": "h",
    "hour": "h",
    "hours": "h",
    "d": "d",
    "day": "d",
    "days": "d",
    "w": "w",
    "week": "w",
    "weeks": "w",
}
SHORT_UNITS = ("ms", "sec", "min", "s", "h", "d", "w")


#: What follows a backslash in a text: a quote, a backslash, a line break, a tab.
TEXT_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}


def unquote(text: str) -> str:
    """The value of a double-quoted string token, with its escapes resolved.

    >>> unquote('"say \\\\"hi\\\\""')
    'say "hi"'
    """
    body = text[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append(TEXT_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


#: Digits a number may have before it is not converted exactly (the checker refuses more than
#: 100: E224); Python refuses to convert more than 4300.
MAX_DIGITS = 120


def number_value(text: str) -> float | int:
    """A number token's value; a number too long to convert is infinite (the checker reports it).

    >>> number_value("12"), number_value("2.5"), number_value("9" * 5000)
    (12, 2.5, inf)
    """
    if len(text) > MAX_DIGITS:
        return float("inf")
    return int(text) if text.isdigit() else float(text)


def whole_number(text: str) -> int:
    """A whole-number token's value; one too long to convert is 10**MAX_DIGITS (the checker
    reports it as out of range)."""
    return int(text) if len(text) <= MAX_DIGITS else 10**MAX_DIGITS


def ordinal_suffix(n: int) -> str:
    """'st', 'nd', 'rd' or 'th' for a whole number.

    >>> [ordinal_suffix(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 103)]
    ['st', 'nd', 'rd', 'th', 'th', 'th', 'th', 'st', 'nd', 'rd']
    """
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
