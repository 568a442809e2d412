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


_HEX = frozenset("0123456789abcdefABCDEF")
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


def text_problem(text: str) -> tuple[int, int, str, str] | None:
    """What is wrong inside a double-quoted string token, as (position, length, message, hint):
    a backslash that is no escape (it would vanish: a written C:\\Users would read C:Users) or
    a control character; None when nothing is.

    >>> text_problem(r'"C:\\Users"')[:2], text_problem(r'"say \\"hi\\" \\\\ \\n"')
    ((3, 2), None)
    """
    i = 1
    while i < len(text) - 1:
        ch = text[i]
        if ch == "\\":
            nxt = text[i + 1]
            digits = {"u": 4, "U": 8, "x": 2}.get(nxt, 0)
            code = text[i + 2 : i + 2 + digits]
            if digits and len(code) == digits and all(c in _HEX for c in code):
                # \u0130: the language reads no code points; the text holds the character
                point = int(code, 16)
                shown = chr(point) if point <= 0x10FFFF and not 0xD800 <= point < 0xE000 else ""
                return (
                    i,
                    2,
                    f"'\\{nxt}' is not an escape in a text: its backslash would be lost",
                    f"write the character itself ({shown or 'a text is UTF-8'}), or "
                    f"'\\\\{nxt}' for a backslash followed by '{nxt}'",
                )
            if nxt not in TEXT_ESCAPES:
                return (
                    i,
                    2,
                    f"'\\{nxt}' is not an escape in a text: its backslash would be lost",
                    f"a text knows \\\" \\\\ \\n and \\t; write '\\\\{nxt}' for a backslash "
                    f"followed by '{nxt}'",
                )
            i += 2
            continue
        if (ch < " " and ch != "\t") or ch == "\x7f":
            return (
                i,
                1,
                f"the control character U+{ord(ch):04X} is inside a text",
                "delete it (write \\n or \\t for a line break or a tab)",
            )
        i += 1
    return None


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
