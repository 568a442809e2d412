"""Time, instants: integer microseconds since 1970-01-01 UTC — the one clock every engine uses.

Instants are compared as integers, so a deadline exactly at an event's time is met in every
engine alike (floating-point seconds lose microseconds far from 1970). Durations written in
policies become whole microseconds the same way (`seconds_to_us`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_US = timedelta(microseconds=1)
#: The instants a datetime can hold: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z.
MIN_US = (datetime(1, 1, 1, tzinfo=UTC) - EPOCH) // ONE_US
MAX_US = (datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC) - EPOCH) // ONE_US
DAY_US = 86_400_000_000
#: The instants every time zone can show (a zone's offset is under a day): 0001-01-02T00:00Z to
#: 9999-12-30T23:59:59.999999Z. A log time outside is rejected (E413); a deadline after the last
#: is never reached.
FIRST_US = MIN_US + DAY_US
LAST_US = MAX_US - DAY_US
#: A deadline past `LAST_US`: the obligation stays open, with no deadline ("never").
NEVER = LAST_US + 1


def to_us(t: datetime) -> int:
    """An aware datetime as microseconds since the epoch, exactly.

    >>> to_us(datetime(1970, 1, 1, 0, 0, 1, 5, tzinfo=UTC))
    1000005
    """
    delta = t - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_us(us: int) -> datetime:
    """Microseconds since the epoch as an aware UTC datetime; OverflowError outside 1–9999.

    >>> from_us(1_000_005).isoformat()
    '1970-01-01T00:00:01.000005+00:00'
    """
    if not MIN_US <= us <= MAX_US:
        raise OverflowError(f"instant {us} µs is outside the years 1 to 9999")
    return EPOCH + timedelta(microseconds=us)


def in_range(t: datetime) -> bool:
    """True when an aware instant lies in `FIRST_US`..`LAST_US` (so every zone can show it).

    >>> from datetime import timezone
    >>> in_range(datetime(2026, 3, 2, tzinfo=UTC)), in_range(datetime(1, 1, 1, tzinfo=UTC))
    (True, False)
    >>> in_range(datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-5))))
    False
    """
    if 1 < t.year < 9999:  # a zone moves the year by a day at most
        return True
    return FIRST_US <= to_us(t) <= LAST_US


def never_after(deadline: int | None) -> int | None:
    """A deadline as findings report it: None ("never") when it lies past `LAST_US`.

    >>> never_after(0), never_after(NEVER)
    (0, None)
    """
    return None if deadline is not None and deadline > LAST_US else deadline


def seconds_to_us(seconds: float) -> int:
    """A duration in seconds (as the IR writes it) as whole microseconds, rounded to nearest.

    >>> seconds_to_us(0.001), seconds_to_us(86400.0), seconds_to_us(1e-7)
    (1000, 86400000000, 0)
    """
    return round(seconds * 1_000_000)
