"""Time, zones: the one lookup of an IANA zone name, and the error every time module raises."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class CalendarError(ValueError):
    """A calendar, zone or calendar request that cannot be honoured; `code` is a diagnostic code.

    E216: unknown time zone; E220: unknown holiday country or subdivision; E213: invalid time of
    day; E218: invalid date; E205: undefined calendar; E208: a duration of the wrong kind.
    """

    def __init__(self, message: str, code: str = "E208") -> None:
        super().__init__(message)
        self.code = code


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`, or CalendarError (E216) naming it.

    >>> zone("Europe/Istanbul").key
    'Europe/Istanbul'
    """
    if not isinstance(name, str) or not name or name.startswith(("/", ".")) or ".." in name:
        raise CalendarError(f"unknown time zone {name!r}", "E216")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise CalendarError(
            f"unknown time zone {name!r}; use an IANA name such as 'Europe/Bucharest'", "E216"
        ) from None


def localize(wall: datetime, tz: tzinfo) -> datetime:
    """A wall clock (naive, or its zone to be replaced) in zone `tz`, as the instant it names: in
    an overlap the first of the two (fold 0), in a gap the wall clock read with the offset
    before the change (docs/mapping.md) — and then written as the clock shows that instant, so
    that its hour, date and weekday are the zone's (02:30 in Paris's spring gap is 03:30+02:00).

    >>> localize(datetime(2026, 3, 29, 2, 30), zone("Europe/Paris")).isoformat()
    '2026-03-29T03:30:00+02:00'
    """
    t = wall.replace(tzinfo=tz)
    if t.utcoffset() != t.replace(fold=1).utcoffset():  # a gap or an overlap: rare
        return t.astimezone(UTC).astimezone(tz)
    return t


def in_zone(t: datetime, tz: tzinfo) -> datetime:
    """The aware datetime `t` as zone `tz`'s clock shows it. Python's `astimezone` returns a
    datetime of that very zone unchanged, even a wall clock in a DST gap (an instant built by
    hand): such a one goes through `localize`."""
    return localize(t, tz) if t.tzinfo is tz else t.astimezone(tz)
