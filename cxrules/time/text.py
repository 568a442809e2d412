"""Time texts a policy writes: clock times, dates and weekday ranges, read once for every stage."""

from __future__ import annotations

import difflib
import re
from datetime import date

from cxrules.time.weekday_words import english_weekday

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def weekday_hint(spec: str) -> str:
    """Suggest the spec with each misspelt weekday corrected ('mon-fir' → 'mon-fri').

    >>> weekday_hint("mon-fir"), weekday_hint("xyz")
    ("did you mean 'mon-fri'?", "write a weekday such as 'mon' or a range such as 'mon-fri'")
    >>> weekday_hint("pzt-cum")
    "weekdays are written in English: write 'mon-fri' ('pzt' is 'mon', 'cum' is 'fri')"
    """
    fixed, local = [], []
    for part in spec.lower().split("-"):
        english = english_weekday(part)  # before the look-alikes: 'sal' (Tuesday) is not 'sat'
        if english is not None:
            fixed.append(english)
            local.append(f"'{part}' is '{english}'")
            continue
        close = part if part in WEEKDAYS else difflib.get_close_matches(part, WEEKDAYS, 1, 0.6)
        if not close:
            return "write a weekday such as 'mon' or a range such as 'mon-fri'"
        fixed.append(close if isinstance(close, str) else close[0])
    if local:
        return f"weekdays are written in English: write '{'-'.join(fixed)}' ({', '.join(local)})"
    return f"did you mean '{'-'.join(fixed)}'?"


def parse_weekdays(spec: str) -> list[int] | None:
    """Weekday numbers (0 = Monday) of 'mon', 'mon-fri' or 'sat-sun'; None when not valid.

    >>> [parse_weekdays(s) for s in ("mon-fri", "sat", "fri-mon", "mo")]
    [[0, 1, 2, 3, 4], [5], [4, 5, 6, 0], None]
    """
    parts = spec.lower().split("-")
    if len(parts) > 2 or any(p not in WEEKDAYS for p in parts):
        return None
    first = WEEKDAYS.index(parts[0])
    last = WEEKDAYS.index(parts[-1])
    days = [first]
    while days[-1] != last:
        days.append((days[-1] + 1) % 7)
    return days


def parse_clock(text: str) -> int | None:
    """Seconds since midnight of 'HH:MM[:SS]' (24:00 allowed as a closing time), else None."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", text)
    if not match:
        return None
    h, m, s = int(match[1]), int(match[2]), int(match[3] or 0)
    if m > 59 or s > 59 or h > 24 or (h == 24 and (m or s)):
        return None
    return h * 3600 + m * 60 + s


def parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
