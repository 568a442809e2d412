"""DuckDB engine, ingestion: UTC offsets of wall-clock times in a zone, computed by Python.

A naive time read in the mapping's zone takes the offset Python gives it (`fold=0`: in the DST
gap the offset before the change, in the fold the first of the two instants). DuckDB gets those
offsets as a small table keyed by the local hour, so SQL does lookups and no calendar logic, and
no session time zone or ICU data can change a result.

Each hour is probed at five points with Python's own `utcoffset`; an hour whose offset is the
same at all five is taken as constant, one with a single change is bisected to the microsecond.
An hour with two changes (no zone in the tz database has one) is reported as irregular, and the
caller reads the file with the Python readers instead.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from cxrules.engines.duckdb.sql import HOUR_US

_NAIVE_EPOCH = datetime(1970, 1, 1)
_PROBES = (0, HOUR_US // 4, HOUR_US // 2, 3 * HOUR_US // 4, HOUR_US - 1)

#: (hour, offset from the hour's start, local µs where it changes or None, offset after it)
HourOffsets = tuple[int, int, int | None, int]


class IrregularZone(Exception):
    """An hour of a zone whose UTC offset changes more than once."""


def offset_us(tz: tzinfo, local_us: int) -> int:
    """The UTC offset in µs Python gives the wall clock `local_us` (µs since 1970) in `tz`.

    >>> from zoneinfo import ZoneInfo
    >>> gap = int((datetime(2026, 3, 29, 2, 30) - _NAIVE_EPOCH) / timedelta(microseconds=1))
    >>> offset_us(ZoneInfo("Europe/Amsterdam"), gap) // 3_600_000_000  # before the change
    1
    """
    wall = (_NAIVE_EPOCH + timedelta(microseconds=local_us)).replace(tzinfo=tz)
    offset = wall.utcoffset()
    assert offset is not None
    return offset // timedelta(microseconds=1)


def hour_offsets(tz: tzinfo, hour: int) -> HourOffsets:
    """The offsets of one local hour; raises IrregularZone for an hour with two changes."""
    start = hour * HOUR_US
    values = [offset_us(tz, start + probe) for probe in _PROBES]
    changes = [i for i in range(1, len(values)) if values[i] != values[i - 1]]
    if not changes:
        return hour, values[0], None, values[0]
    if len(changes) > 1 or values[0] == values[-1]:
        raise IrregularZone(f"the UTC offset changes more than once in hour {hour}")
    index = changes[0]
    low, high = start + _PROBES[index - 1], start + _PROBES[index]  # off(low) != off(high)
    first = values[index - 1]
    while high - low > 1:
        middle = (low + high) // 2
        if offset_us(tz, middle) == first:
            low = middle
        else:
            high = middle
    return hour, first, high, values[index]
