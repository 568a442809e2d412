"""Compiled stage, reading texts: when a text counts as a number or as an instant, in every engine.

Comparisons and arithmetic read a text as a number against a number (`"9" == 9`) and as an
instant against an instant. Both readings are held to a precise rule, so that an engine reading
them in SQL agrees with the python engine: a number is ASCII digits with an optional sign,
fraction and exponent, or inf / infinity / nan, blanks around allowed; an instant is ISO 8601
`YYYY-MM-DD[(T| )HH:MM[:SS[.f…]]][Z|±HH:MM]` (naive: in the log's zone). The log mapping's
`booleans` columns read their texts as booleans by one rule too (`read_boolean`).
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

from cxrules.time.zones import localize

#: ASCII blanks allowed around a number or an instant. The vertical tab is written \x0b: in
#: Java's regex (Spark) \v is any vertical space, U+0085, U+2028 and U+2029 among them.
BLANKS = "[ \\t\\n\\r\\f\\x0b]"
NUMBER_TEXT = (
    rf"^{BLANKS}*[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
    rf"|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN]){BLANKS}*$"
)
INSTANT_TEXT = (
    rf"^{BLANKS}*([0-9]{{4}})-([0-9]{{2}})-([0-9]{{2}})"
    r"(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,6}))?)?)?"
    rf"(Z|[+-][0-9]{{2}}:[0-9]{{2}})?{BLANKS}*$"
)
_NUMBER = re.compile(NUMBER_TEXT)
_INSTANT = re.compile(INSTANT_TEXT)
#: The texts a `booleans` column of the log mapping reads as true and as false (in any case,
#: ASCII blanks around allowed; docs/mapping.md).
TRUE_TEXTS = ("true", "yes", "1")
FALSE_TEXTS = ("false", "no", "0")


def read_number(text: str) -> float | None:
    """The number a text reads as, or None.

    >>> read_number(" 9 "), read_number("1e3"), read_number("1_000"), read_number("٣")
    (9.0, 1000.0, None, None)
    """
    if _NUMBER.match(text) is None:
        return None
    return float(text)


def read_boolean(text: str) -> bool | None:
    """The boolean a text spells (`TRUE_TEXTS`, `FALSE_TEXTS`, in any case), or None.

    >>> read_boolean("FALSE"), read_boolean(" Yes "), read_boolean("1"), read_boolean("y")
    (False, True, True, None)
    >>> read_boolean("falſe") is None  # only ASCII: no other letter folds to one of these
    True
    """
    word = text.strip(" \t\n\r\f\v")
    if not word.isascii():
        return None
    word = word.lower()
    if word in TRUE_TEXTS:
        return True
    if word in FALSE_TEXTS:
        return False
    return None


def read_instant(text: str, tz: tzinfo) -> datetime | None:
    """The instant a text reads as (naive text in `tz`), or None.

    >>> from datetime import UTC
    >>> read_instant("2026-03-02T10:00:00+03:00", UTC).isoformat()
    '2026-03-02T10:00:00+03:00'
    >>> read_instant("2026-W10-1", UTC) is None, read_instant("2026-02-30", UTC) is None
    (True, True)
    """
    if _INSTANT.match(text) is None:
        return None
    try:
        t = datetime.fromisoformat(text.strip(" \t\n\r\f\v"))
    except ValueError:
        return None
    if t.tzinfo is None:
        t = localize(t, tz)
    return t
