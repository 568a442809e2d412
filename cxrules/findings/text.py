"""Findings, text: instants, spans and values as report sentences write them.

One format everywhere: an instant is written in the sentence's zone (the policy's zone when it
sets one, else the log's) as `2026-03-02 10:05:00+03:00`; a later instant of the same sentence
on the same local date (and at the same offset) as the last one written in full is the clock
alone, `10:07:12`. Fractions of a second are written when there are any (`10:07:12.5`).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from cxrules.ir.text import number
from cxrules.language.fmt import quote
from cxrules.time.instants import from_us
from cxrules.time.zones import zone as zone_info


def _dt(t: datetime | int) -> datetime:
    return from_us(t) if isinstance(t, int) else t


def _clock(local: datetime) -> str:
    text = f"{local.hour:02d}:{local.minute:02d}:{local.second:02d}"
    if local.microsecond:
        text += "." + f"{local.microsecond:06d}".rstrip("0")
    return text


def _offset(local: datetime) -> str:
    """The UTC offset as ISO times write it (`isoformat`): `+03:00`, and with its seconds when
    it has some, as local mean times and Monrovia until 1972 do (`-00:44:30`), never cut to
    the minute."""
    delta = local.utcoffset() or timedelta(0)
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else "+"
    minutes, rest = divmod(abs(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{rest:02d}" if rest else "")


class Times:
    """The instants of one sentence, in one zone: the first in full, a later one on the same
    local date and offset as the clock alone, with its offset when the clock shows that time
    twice (the hour repeated when the clocks go back).

    >>> t = Times("Europe/Istanbul")
    >>> t(1_772_434_800_000_000), t(1_772_434_800_000_000 + 132_500_000)
    ('2026-03-02 10:00:00+03:00', '10:02:12.5')
    >>> t(1_772_434_800_000_000 + 86_400_000_000)
    '2026-03-03 10:00:00+03:00'

    Bucharest, 25 October 2026: 03:10 EEST (00:10 UTC), then 03:10 EET an hour later, which
    the clock alone would not tell from the first:

    >>> t = Times("Europe/Bucharest")
    >>> t(1_792_887_000_000_000), t(1_792_890_600_000_000), t(1_792_894_200_000_000)
    ('2026-10-25 03:10:00+03:00', '2026-10-25 03:10:00+02:00', '04:10:00')
    >>> t(1_792_890_600_000_000)
    '03:10:00+02:00'
    """

    def __init__(self, zone: str) -> None:
        self.zone = zone
        self.tz = zone_info(zone)
        self.last: tuple[Any, Any] | None = None

    def __call__(self, t: datetime | int) -> str:
        local = _dt(t).astimezone(self.tz)
        day = (local.date(), local.utcoffset())
        if day == self.last:
            if local.replace(fold=1 - local.fold).utcoffset() != day[1]:
                return _clock(local) + _offset(local)  # a clock time the day shows twice
            return _clock(local)
        self.last = day
        return f"{local.date().isoformat()} {_clock(local)}{_offset(local)}"


def when(t: datetime | int, zone: str) -> str:
    """One instant in full, for a sentence of its own: '2026-03-02 10:00:00+03:00'.

    >>> when(1_772_434_800_000_000, "Europe/Istanbul")
    '2026-03-02 10:00:00+03:00'
    """
    return Times(zone)(t)


@lru_cache(maxsize=4096)
def iso(t: int, zone: str) -> str:
    """An instant for a report field: ISO 8601 in `zone`, microseconds only when set
    (`format_instant`). Remembered: a record writes its trigger's instant two or three times
    (its start, the trigger, the evidence), and neighbouring records share events.

    >>> iso(1_772_434_800_000_000, "Europe/Istanbul"), iso(1_500_000, "UTC")
    ('2026-03-02T10:00:00+03:00', '1970-01-01T00:00:01.500000+00:00')
    """
    instant = from_us(t)
    try:
        local = instant.astimezone(zone_info(zone))
    except OverflowError:  # the zone cannot show it (the year 10000 east of UTC): in UTC
        local = instant
    return local.isoformat(timespec="microseconds" if local.microsecond else "seconds")


def value_text(v: Any, times: Times) -> str:
    """A value read from the log or computed, for a sentence: a list or an object in JSON
    notation (as the log and the JSON report write it), an instant inside it in full as a
    text, whichever engine read it.

    >>> from datetime import UTC
    >>> t = Times("UTC")
    >>> value_text({"a": 1, "ok": True, "tags": ["x", None]}, t)
    '{"a": 1, "ok": true, "tags": ["x", null]}'
    >>> value_text([datetime(2026, 3, 2, 7, tzinfo=UTC), "ş"], t)
    '["2026-03-02 07:00:00+00:00", "ş"]'
    """
    if isinstance(v, datetime):
        return times(v)
    if isinstance(v, str):
        return quote(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return number(v)
    if isinstance(v, list | tuple | dict):

        def inside(x: Any) -> Any:
            return when(x, times.zone) if isinstance(x, datetime) else str(x)

        return json.dumps(v, ensure_ascii=False, default=inside)
    if v is None:
        return "null"
    return str(v)
