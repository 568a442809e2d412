"""Report stage helpers: durations and instants written for sentences, and durations read from text.

`format_duration` writes a duration exactly (to the microsecond, or the `digits` asked for): every
unit from the largest down to the last that is not zero ("30.5s", "2m12s", "1h05m", "1h05m30s",
"2d03h"), so a gap never reads as long as a grace it exceeds; `parse_duration_text` reads what
people type on the command line
(`--set max_wait=3min`). The two are not inverses: `m` is written but never read, because on input
it could mean minutes or months; write `min`.
"""

from __future__ import annotations

import math
import re
from datetime import datetime

from cxrules.diagnostics import did_you_mean
from cxrules.time.calendars import CalendarError, zone

__all__ = [
    "DURATION_TEXT",
    "DurationTextError",
    "read_report_duration",
    "UNITS",
    "format_clock",
    "format_duration",
    "format_instant",
    "parse_duration_text",
]

#: Units accepted by `parse_duration_text`, in seconds.
UNITS: dict[str, float] = {
    "ms": 0.001,
    "s": 1.0,
    "sec": 1.0,
    "secs": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "min": 60.0,
    "mins": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "h": 3600.0,
    "hr": 3600.0,
    "hrs": 3600.0,
    "hour": 3600.0,
    "hours": 3600.0,
    "d": 86400.0,
    "day": 86400.0,
    "days": 86400.0,
    "w": 604800.0,
    "week": 604800.0,
    "weeks": 604800.0,
}

_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([^\d\s.]*)")


class DurationTextError(ValueError):
    """A duration text that cannot be read; `column` (1-based) points at the problem."""

    def __init__(self, text: str, column: int, reason: str, hint: str = "") -> None:
        message = f"invalid duration {text!r} at column {column}: {reason}"
        super().__init__(message + (f" ({hint})" if hint else ""))
        self.text, self.column, self.reason, self.hint = text, column, reason, hint


def _half_up(x: float) -> int:
    return math.floor(x + 0.5)


def format_duration(seconds: float, digits: int = 6, *, days: bool = True) -> str:
    """A duration for a report sentence, exact to `digits` decimals of a second (half up): every
    unit from the largest down to the last one that is not zero, fractions on the seconds.
    `days=False` counts in hours at most, for opening time: 84 business hours are '84h', not
    '3d12h', which reads as three days.

    >>> [format_duration(s) for s in (0, 0.5, 30, 30.5, 132, 3900, 3930, 86400, 183600, -90)]
    ['0s', '0.5s', '30s', '30.5s', '2m12s', '1h05m', '1h05m30s', '1d', '2d03h', '-1m30s']
    >>> format_duration(183605.25), format_duration(47.3333333, digits=3)
    ('2d03h00m05.25s', '47.333s')
    >>> format_duration(302930, days=False), format_duration(1800, days=False)
    ('84h08m50s', '30m')
    """
    if not math.isfinite(seconds):
        raise ValueError(f"cannot format a duration of {seconds} seconds")
    sign = "-" if seconds < 0 else ""
    scale = 10**digits
    ticks = _half_up(abs(seconds) * scale)  # in units of 10**-digits s
    if ticks == 0:
        return "0s"
    whole_days, rest = divmod(ticks, 86_400 * scale) if days else (0, ticks)
    hours, rest = divmod(rest, 3_600 * scale)
    minutes, rest = divmod(rest, 60 * scale)
    values = (whole_days, hours, minutes, rest)
    first = next(i for i, v in enumerate(values) if v)
    last = max(i for i, v in enumerate(values) if v)
    parts = []
    for i in range(first, last + 1):
        if i < 3:
            text = str(values[i]) if i == first else f"{values[i]:02d}"
            parts.append(text + "dhm"[i])
            continue
        whole, fraction = divmod(rest, scale)
        text = str(whole) if i == first else f"{whole:02d}"
        if fraction:
            text += "." + f"{fraction:0{digits}d}".rstrip("0")
        parts.append(text + "s")
    return sign + "".join(parts)


#: A duration as `format_duration` writes it ("30.5s", "2m12s", "1h05m", "2d03h00m05s").
DURATION_TEXT = re.compile(r"-?(?=\d)(\d+d)?(\d+h)?(\d+m(?!i))?(\d+(\.\d+)?s)?")

_REPORT_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|min|w|d|h|m|s)")
_REPORT_UNITS = {"ms": 0.001, "s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


def read_report_duration(text: str) -> float | None:
    """Seconds of a duration a report wrote: measured ('2m12s', '2d03h', `format_duration`) or
    a threshold as the policy writes it ('1min', '90s', '1w'); None for any other text.

    >>> [read_report_duration(t) for t in ("1m30s", "1min", "2h", "1w", "-90s", "40", "1x")]
    [90.0, 60.0, 7200.0, 604800.0, -90.0, None, None]
    """
    body = text[1:] if text.startswith("-") else text
    parts = _REPORT_PART.findall(body)
    if not parts or "".join(n + u for n, u in parts) != body:
        return None
    size = sum(float(n) * _REPORT_UNITS[u] for n, u in parts)
    return -size if text.startswith("-") else size


def _local(t: datetime, zone_name: str) -> datetime:
    if t.tzinfo is None or t.utcoffset() is None:
        raise CalendarError(f"time {t.isoformat()} has no time zone; instants must be aware")
    return t.astimezone(zone(zone_name))


def format_instant(t: datetime, zone_name: str) -> str:
    """ISO 8601 with the offset of `zone_name`; seconds precision unless microseconds are set.

    >>> from datetime import UTC
    >>> format_instant(datetime(2026, 3, 2, 7, 5, tzinfo=UTC), "Europe/Istanbul")
    '2026-03-02T10:05:00+03:00'

    An instant the zone cannot show (the end of a metric bucket of December 9999 is in the year
    10000 east of UTC) is written in UTC:

    >>> format_instant(datetime.max.replace(tzinfo=UTC), "Europe/Istanbul")
    '9999-12-31T23:59:59.999999+00:00'
    """
    try:
        local = _local(t, zone_name)
    except OverflowError:
        local = _local(t, "UTC")
    return local.isoformat(timespec="microseconds" if local.microsecond else "seconds")


def format_clock(t: datetime, zone_name: str, same_day_as: datetime | None = None) -> str:
    """The local clock time 'HH:MM:SS' of `t`, with the date in front when `same_day_as` is given
    and falls on another local day. Microseconds are shown only when set.

    >>> from datetime import UTC
    >>> t = datetime(2026, 3, 2, 7, 5, tzinfo=UTC)
    >>> format_clock(t, "Europe/Istanbul"), format_clock(t, "UTC", datetime(2026, 3, 1, tzinfo=UTC))
    ('10:05:00', '2026-03-02 07:05:00')
    """
    local = _local(t, zone_name)
    clock = local.time().isoformat(timespec="microseconds" if local.microsecond else "seconds")
    if same_day_as is not None and _local(same_day_as, zone_name).date() != local.date():
        return f"{local.date().isoformat()} {clock}"
    return clock


def parse_duration_text(text: str) -> float:
    """Seconds in a duration such as '30s', '3min', '2h30min', '1.5 h', '1w 2d'.

    Units: ms; s, sec, second(s); min, minute(s); h, hr(s), hour(s); d, day(s); w, week(s).

    >>> parse_duration_text("2h30min"), parse_duration_text("500ms")
    (9000.0, 0.5)
    """
    if not isinstance(text, str) or not text.strip():
        raise DurationTextError(str(text), 1, "empty duration", "write e.g. '30s' or '5min'")
    total, pos = 0.0, 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _PART.match(text, pos)
        if match is None or match.end() == pos:
            column = pos + len(text[pos:]) - len(text[pos:].lstrip()) + 1
            raise DurationTextError(
                text, column, f"expected a number, found {text[column - 1]!r}", "write e.g. '5min'"
            )
        number, unit = match[1], match[2]
        unit_column = match.start(2) + 1
        if unit == "":
            raise DurationTextError(
                text,
                unit_column,
                f"'{number}' has no unit",
                f"write e.g. '{number}s' or '{number}min'",
            )
        if unit == "m":
            raise DurationTextError(
                text,
                unit_column,
                "'m' is ambiguous (minutes or months?)",
                f"write '{number}min' for minutes",
            )
        factor = UNITS.get(unit.lower())
        if factor is None:
            hint = did_you_mean(unit, UNITS) or "units are ms, s, min, h, d and w"
            if unit.lower() in ("business", "mo", "month", "months", "y", "year", "years"):
                hint = "business time and calendar months need a policy, not a plain duration"
            raise DurationTextError(text, unit_column, f"unknown unit {unit!r}", hint)
        total += float(number) * factor
        pos = match.end()
    return total
