"""Reference engine, clock: durations, deadlines and paused clocks on fixed or business time."""

# Instants inside the engine are POSIX seconds (floats, UTC); datetimes are made only where a
# calendar or a report needs one.

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from cxrules import ir
from cxrules.engines.python.evaluate import EngineError
from cxrules.time import calendars as cal


def to_dt(ts: float) -> datetime:
    """POSIX seconds as an aware UTC datetime."""
    return datetime.fromtimestamp(ts, UTC)


class Clock:
    """Duration arithmetic for one run, on fixed time or on the run's business calendars."""

    def __init__(self, calendars: Mapping[str, ir.Calendar]) -> None:
        self.calendars: dict[str, cal.BusinessCalendar] = {}
        for name, spec in calendars.items():
            try:
                self.calendars[name] = cal.BusinessCalendar(spec)
            except ValueError as exc:
                raise EngineError(f"calendar {name!r}: {exc}") from exc

    def business(self, d: ir.Duration) -> cal.BusinessCalendar | None:
        """The calendar a duration is counted on, or None for fixed time."""
        if d.calendar is None:
            return None
        found = self.calendars.get(d.calendar)
        if found is None:
            what = d.text or d.seconds
            raise EngineError(f"duration {what!r} uses unknown calendar {d.calendar!r}")
        return found

    def add(self, ts: float, d: ir.Duration) -> float:
        """`ts + d` (business durations count opening time only)."""
        if d.calendar is None:
            return ts + d.seconds
        self.business(d)
        return cal.add_duration(to_dt(ts), d, self.calendars).timestamp()

    def elapsed(self, a: float, b: float, d: ir.Duration) -> float:
        """Seconds from a to b on the clock `d` is counted on (opening time for business time)."""
        calendar = self.business(d)
        if calendar is None:
            return b - a
        return calendar.business_seconds(to_dt(a), to_dt(b))

    def longer(self, a: float, b: float, d: ir.Duration) -> bool:
        """True when the interval [a, b] is longer than `d` (a gap equal to `d` is not)."""
        if d.calendar is not None and d.unit == "days":
            return b > self.add(a, d)
        return self.elapsed(a, b, d) > d.seconds

    def point(self, ts: float, point: ir.CalendarPoint, zone: str) -> float:
        """A calendar deadline (end of day, 17:00, end of business day…) after `ts` in `zone`."""
        if point.calendar is not None and point.calendar not in self.calendars:
            raise EngineError(f"calendar point uses unknown calendar {point.calendar!r}")
        return cal.calendar_point(to_dt(ts), point, zone, self.calendars).timestamp()

    def remaining(self, now: float, deadline: float, d: ir.Duration | None) -> float:
        """Clock time left until the deadline (opening time when `d` is business time)."""
        if d is not None and d.calendar is not None:
            return self.elapsed(now, deadline, d)
        return deadline - now

    def resume(self, now: float, remaining: float, d: ir.Duration | None) -> float:
        """The deadline of a clock restarted at `now` with `remaining` time left."""
        if d is not None and d.calendar is not None:
            hours = ir.Duration(seconds=remaining, calendar=d.calendar, unit="hours")
            return self.add(now, hours)
        return now + remaining


def fixed_seconds(d: ir.Duration, what: str) -> float:
    """The seconds of a fixed duration; EngineError for business time where it is unsupported."""
    if d.calendar is not None:
        raise EngineError(
            f"{what} on business time ({d.text or d.calendar}) is not supported by the python "
            "engine; use a fixed duration"
        )
    return d.seconds
