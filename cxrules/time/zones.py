"""Time, zones: the one lookup of an IANA zone name, and the error every time module raises."""

from __future__ import annotations

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
