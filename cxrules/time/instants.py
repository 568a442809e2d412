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


def seconds_to_us(seconds: float) -> int:
    """A duration in seconds (as the IR writes it) as whole microseconds, rounded to nearest.

    >>> seconds_to_us(0.001), seconds_to_us(86400.0), seconds_to_us(1e-7)
    (1000, 86400000000, 0)
    """
    return round(seconds * 1_000_000)
