"""Time, clocks: duration arithmetic on fixed or business time, in integer microseconds.

Every engine counts durations here (or from tables this module computes), so "within 16
business hours, paused while waiting" means the same instant everywhere. A result past the last
instant every zone can show is `NEVER` (the deadline is never reached), and a clock at `NEVER`
stays there, so no arithmetic here can overflow.
"""

from __future__ import annotations

from collections.abc import Mapping

from cxrules import ir
from cxrules.time import calendars as cal
from cxrules.time.calendars import CalendarError
from cxrules.time.instants import LAST_US, NEVER, from_us, seconds_to_us, to_us


class Clock:
    """Duration arithmetic for one run, on fixed time or on the run's business calendars.

    Instants and results are microseconds since the epoch (UTC). CalendarError when a duration
    names a calendar the run does not define."""

    def __init__(self, calendars: Mapping[str, ir.Calendar]) -> None:
        self.calendars: dict[str, cal.BusinessCalendar] = {}
        for name, spec in calendars.items():
            try:
                self.calendars[name] = cal.BusinessCalendar(spec)
            except ValueError as exc:
                raise CalendarError(f"calendar {name!r}: {exc}") from exc

    def business(self, d: ir.Duration) -> cal.BusinessCalendar | None:
        """The calendar a duration is counted on, or None for fixed time."""
        if d.calendar is None:
            return None
        found = self.calendars.get(d.calendar)
        if found is None:
            what = d.text or d.seconds
            raise CalendarError(f"duration {what!r} uses unknown calendar {d.calendar!r}", "E205")
        return found

    def add(self, t: int, d: ir.Duration) -> int:
        """`t + d` (business durations count opening time only).

        >>> Clock({}).add(0, ir.Duration(seconds=1.5))
        1500000
        """
        if t >= NEVER:
            return NEVER
        if d.calendar is None:
            return _capped(t + seconds_to_us(d.seconds))
        self.business(d)
        try:
            return _capped(to_us(cal.add_duration(from_us(t), d, self.calendars)))
        except CalendarError:
            raise  # a ValueError too, yet no year 9999: never a deadline that is never reached
        except (OverflowError, ValueError):  # past the year 9999
            return NEVER

    def elapsed(self, a: int, b: int, d: ir.Duration) -> int:
        """Microseconds from a to b on the clock `d` is counted on (opening time for business
        time)."""
        calendar = self.business(d)
        if calendar is None:
            return b - a
        if b >= NEVER:
            return NEVER
        return seconds_to_us(calendar.business_seconds(from_us(a), from_us(b)))

    def longer(self, a: int, b: int, d: ir.Duration) -> bool:
        """True when the interval [a, b] is longer than `d` (a gap equal to `d` is not)."""
        if d.calendar is not None and d.unit == "days":
            return b > self.add(a, d)
        return self.elapsed(a, b, d) > seconds_to_us(d.seconds)

    def point(self, t: int, point: ir.CalendarPoint, zone: str) -> int:
        """A calendar deadline (end of day, 17:00, end of business day…) after `t` in `zone`."""
        if point.calendar is not None and point.calendar not in self.calendars:
            raise CalendarError(f"calendar point uses unknown calendar {point.calendar!r}", "E205")
        if t >= NEVER:
            return NEVER
        try:
            return _capped(to_us(cal.calendar_point(from_us(t), point, zone, self.calendars)))
        except CalendarError:
            raise  # a ValueError too, yet no year 9999: never a deadline that is never reached
        except (OverflowError, ValueError):  # the end of the year 9999
            return NEVER

    def remaining(self, now: int, deadline: int, d: ir.Duration | None) -> int:
        """Clock time left until the deadline (opening time when `d` is business time)."""
        if deadline >= NEVER:
            return NEVER
        if d is not None and d.calendar is not None:
            return self.elapsed(now, deadline, d)
        return deadline - now

    def resume(self, now: int, remaining: int, d: ir.Duration | None) -> int:
        """The deadline of a clock restarted at `now` with `remaining` time left."""
        if remaining >= NEVER:
            return NEVER
        if d is not None and d.calendar is not None:
            hours = ir.Duration(seconds=remaining / 1_000_000, calendar=d.calendar, unit="hours")
            return self.add(now, hours)
        return _capped(now + remaining)

    def at_risk(self, horizon: int, deadline: int | None, lead: ir.Duration | None) -> bool:
        """True when an open deadline is within `lead` of the horizon (on the lead's clock)."""
        if lead is None or deadline is None or deadline >= NEVER:
            return False
        return self.elapsed(horizon, deadline, lead) <= seconds_to_us(lead.seconds)


def _capped(t: int) -> int:
    """An instant, or `NEVER` when it lies past the last one every zone can show."""
    return t if t <= LAST_US else NEVER
