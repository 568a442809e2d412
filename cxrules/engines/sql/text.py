"""SQL plans, text: the one function that quotes values into SQL, identifiers, and small pieces
of SQL every plan uses."""

from __future__ import annotations

import math
import re
from collections import Counter

#: Microseconds per second and per day.
US = 1_000_000
DAY_US = 86_400 * US


def lit(value: object) -> str:
    """A constant as SQL: strings quoted (quotes doubled), numbers typed so that the engine does
    the same arithmetic as Python (a double is written as a cast of its exact repr), booleans,
    NULL.

    >>> lit("it's"), lit(3), lit(0.1), lit(True), lit(None), lit(float("inf"))
    ("'it''s'", '3', "CAST('0.1' AS DOUBLE)", 'TRUE', 'NULL', "CAST('inf' AS DOUBLE)")
    """
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            return f"CAST({lit(repr(float(value)))} AS DOUBLE)"
        return str(value)
    if isinstance(value, float):
        text = "nan" if math.isnan(value) else repr(value)
        return f"CAST({lit(text)} AS DOUBLE)"
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("a text with a NUL character cannot be written in SQL")
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for {type(value).__name__}")


def to_end(pattern: str) -> str:
    """A pattern that must match a whole text (`^…$`) as SQL's regexes read it alike: `$` as
    `\\z`. RE2's `$` (DuckDB) is the end of the text; Java's (Spark) is also the place before
    a final line terminator, U+0085, U+2028 and U+2029 among them, which no blank takes.

    >>> to_end("^[0-9]+$")
    '^[0-9]+\\\\z'
    """
    if not (pattern.startswith("^") and pattern.endswith("$")):
        raise ValueError(f"not a pattern of a whole text: {pattern!r}")
    return pattern[:-1] + "\\z"


def ident(name: str) -> str:
    """An identifier, quoted.

    >>> ident("ev"), ident('a"b')
    ('"ev"', '"a""b"')
    """
    return '"' + name.replace('"', '""') + '"'


def str_list(items: list[str]) -> str:
    """A SQL list of string literals: ['a', 'b']."""
    return "[" + ", ".join(lit(i) for i in items) + "]"


def any_of(*conditions: str) -> str:
    """`(a OR b …)`, FALSE for none."""
    parts = [c for c in conditions if c != "FALSE"]
    if not parts:
        return "FALSE"
    if "TRUE" in parts:
        return "TRUE"
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def all_of(*conditions: str) -> str:
    """`(a AND b …)`, TRUE for none."""
    parts = [c for c in conditions if c != "TRUE"]
    if not parts:
        return "TRUE"
    if "FALSE" in parts:
        return "FALSE"
    return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"


def floor_mod(a: str, b: str) -> str:
    """The remainder of integer floor division (Python's %, never negative for b > 0)."""
    return f"((({a}) % ({b}) + ({b})) % ({b}))"


def floor_div(a: str, b: str) -> str:
    """Floor division of integers (Python's //) for b > 0, exact for any BIGINT."""
    return f"((({a}) - {floor_mod(a, b)}) // ({b}))"


def with_ctes(ctes: list[tuple[str, str]], final: str) -> str:
    """`WITH a AS (…), b AS (…) final`, one named stage per line for a reader."""
    if not ctes:
        return final
    body = ",\n".join(f"{ident(name)} AS (\n{_indent(sql)}\n)" for name, sql in ctes)
    return f"WITH\n{body}\n{final}"


def _indent(sql: str) -> str:
    return "\n".join("  " + line for line in sql.splitlines())


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: A word of SQL text: a longest run of word characters (`words`).
_WORD = re.compile(r"\w+")


def words(sql: str) -> Counter[str]:
    """How many times each word (a longest run of word characters) stands in the SQL: a
    stage's name is counted where a regex of it between word boundaries would find it.

    >>> counted = words("SELECT a.x FROM ob_next, 'ob_next' WHERE y = ob_next_ts OR z = éob_next")
    >>> counted["ob_next"], counted["ob_next_ts"], counted["éob_next"]
    (2, 1, 1)
    """
    return Counter(_WORD.findall(sql))


def identifiers(sql: str) -> set[str]:
    """The words of SQL text (names, keywords, and words inside literals alike): whether a
    column is named anywhere, in one pass over the text."""
    return set(_IDENTIFIER.findall(sql))
