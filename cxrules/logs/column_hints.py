"""Hints for a mapping that names a column the log lacks: which column was likely meant.

A mapping without a `time` key reads the time from a column named `time`; an export rarely has
one. The column likely meant is one whose first values look like times (a date, with or without
a clock), or whose name says so (`Created At`, `timestamp`, `Complete Timestamp`); one that is
both comes first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

#: A column name that says it holds a time.
TIME_NAME = re.compile(r"time|date|stamp|created|updated|opened|closed|(?:^|[\s_])at$", re.I)
#: A value that looks like a time: a date (year first or last), optionally a clock after it.
TIME_VALUE = re.compile(
    r"\s*(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?\s*"
)


def likely_time_columns(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """The columns that likely hold the time, the likeliest first: those whose name and first
    values both say so, then those whose values do, then those whose name does.

    >>> likely_time_columns(["id", "Created At", "status"], [["7", "2026-03-02 10:00", "open"]])
    ['Created At']
    >>> likely_time_columns(["case", "when", "date_closed"], [["c1", "02/03/2026 10:00", ""]])
    ['when', 'date_closed']
    >>> likely_time_columns(["id", "n"], [["1", "2"]])
    []
    """

    def looks_timed(index: int) -> bool:
        values = [r[index] for r in rows if index < len(r) and r[index].strip()]
        return bool(values) and all(TIME_VALUE.fullmatch(v) for v in values)

    by_value = [c for i, c in enumerate(header) if looks_timed(i)]
    by_name = [c for c in header if TIME_NAME.search(c)]
    both = [c for c in by_name if c in by_value]
    return both + [c for c in by_value if c not in both] + [c for c in by_name if c not in both]


def time_column_hint(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """The hint for a mapping without a `time` key over a log without a `time` column.

    >>> time_column_hint(["id", "Created At"], [["7", "2026-03-02 10:00"]]).split(": ")[-1]
    'name the time column, time = "Created At"'
    >>> time_column_hint(["id", "at"], [["7", "04/01/2016 12:09"]]).split("; ")[-1]
    "its first value '04/01/2016 12:09' is not ISO 8601: give its time_format too"
    >>> time_column_hint(["id"], [["7"]])
    ''
    """
    likely = likely_time_columns(header, rows)
    if not likely:
        return ""
    text = (
        "the mapping has no 'time' key, so the time is read from a column named 'time': "
        f'name the time column, time = "{likely[0]}"'
    )
    others = ", ".join(f"'{c}'" for c in likely[1:3])
    text += f" (or {others})" if others else ""
    index = list(header).index(likely[0])
    first = next((r[index].strip() for r in rows if index < len(r) and r[index].strip()), "")
    try:
        datetime.fromisoformat(first)
    except ValueError:
        if first:  # the next stumble would be E404 on every record: say it now
            text += f"; its first value '{first[:40]}' is not ISO 8601: give its time_format too"
    return text
