"""Calendar stage: time zones, business calendars, business durations, calendar points and buckets.

Conventions held by every function here (docs/time.md explains them for users):

- Instants are timezone-aware datetimes and are compared and added in UTC; fixed durations are
  elapsed time (`start + 24h` across a DST change is 24 real hours, not "same clock time").
- A local clock time is turned into an instant with zoneinfo's `fold=0` rule: a time in a DST
  *gap* (02:30 on a spring-forward day in Bucharest) is shifted forward by the gap length (03:30);
  a time in a DST *fold* (01:30 on a fall-back day in New York) is its *first* occurrence.
- Days are local calendar days: a 23- or 25-hour day still ends at the next local midnight.
- Results are returned in the zone that defines them (the calendar's or the given zone).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import NamedTuple

import holidays

from cxrules import ir
from cxrules.time.zones import CalendarError, in_zone, zone

__all__ = [
    "BUCKETS",
    "BusinessCalendar",
    "CalendarError",
    "LocalParts",
    "add_duration",
    "add_duration_paused",
    "bucket_key",
    "calendar_point",
    "local_part",
    "local_parts",
    "to_instant",
    "zone",
]

#: Metric bucket names, in increasing size.
BUCKETS = ("hour", "day", "week", "month", "quarter", "year")

#: How far `add` looks for opening hours before deciding a calendar never opens.
_SEARCH_DAYS = 3 * 366

_ONE_US = timedelta(microseconds=1)
_DAY_SECONDS = 86_400
_Intervals = tuple[tuple[datetime, datetime], ...]
#: A time of day as the grammar writes it: one or two digits of hours (`9:00` as `09:00`).
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


# --------------------------------------------------------------------------- zones and local time


def _aware(t: datetime, what: str = "time") -> datetime:
    if t.tzinfo is None or t.utcoffset() is None:
        raise CalendarError(f"{what} {t.isoformat()} has no time zone; instants must be aware")
    return t


def to_instant(day: date, clock_seconds: int, tz: tzinfo) -> datetime:
    """The UTC instant of local clock time `clock_seconds` (0…86400) on `day` in zone `tz`.

    86400 is the next local midnight. Gap times move forward by the gap; fold times are the first.

    >>> bucharest = zone("Europe/Bucharest")  # spring forward 2026-03-29 03:00 -> 04:00
    >>> to_instant(date(2026, 3, 29), 3 * 3600 + 1800, bucharest).astimezone(bucharest).isoformat()
    '2026-03-29T04:30:00+03:00'
    """
    if clock_seconds >= _DAY_SECONDS:
        day, clock_seconds = day + timedelta(days=1), clock_seconds - _DAY_SECONDS
    hours, rest = divmod(clock_seconds, 3600)
    local = datetime.combine(day, time(hours, rest // 60, rest % 60), tzinfo=tz)
    return local.astimezone(UTC)


def _parse_clock(text: str, allow_24: bool = False) -> int:
    """'HH:MM[:SS]' (or 'H:MM') as seconds since local midnight ('24:00' when `allow_24`)."""
    match = _CLOCK.match(text) if isinstance(text, str) else None
    if match is None:
        raise CalendarError(
            f"invalid time of day {text!r}; write it as HH:MM, e.g. '09:00'", "E213"
        )
    hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
    if allow_24 and (hours, minutes, seconds) == (24, 0, 0):
        return _DAY_SECONDS
    if hours > 23 or minutes > 59 or seconds > 59:
        raise CalendarError(f"invalid time of day {text!r}; hours go 00-23, minutes 00-59", "E213")
    return hours * 3600 + minutes * 60 + seconds


def _parse_date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise CalendarError(f"invalid {what} {text!r}; write it as YYYY-MM-DD", "E218") from None


class LocalParts(NamedTuple):
    """Calendar readings of an instant in a zone, as conditions use them (`ir.Local`)."""

    date: str  # 'YYYY-MM-DD'
    time_of_day: float  # the local clock reading in seconds since 00:00 (not elapsed time)
    weekday: int  # 1 = Monday … 7 = Sunday
    hour: int


def local_parts(t: datetime, zone_name: str) -> LocalParts:
    """The local date, clock reading, ISO weekday and hour of instant `t` in `zone_name`.

    >>> t = datetime(2026, 3, 2, 7, 5, tzinfo=UTC)
    >>> local_parts(t, "Europe/Istanbul")
    LocalParts(date='2026-03-02', time_of_day=36300.0, weekday=1, hour=10)
    """
    local = in_zone(_aware(t), zone(zone_name))
    clock = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
    return LocalParts(local.date().isoformat(), clock, local.isoweekday(), local.hour)


def local_part(t: datetime, part: str, zone_name: str) -> str | float | int:
    """One field of `local_parts` by its `ir.Local.part` name."""
    if part not in LocalParts._fields:
        raise CalendarError(f"unknown local part {part!r}; expected one of {LocalParts._fields}")
    value: str | float | int = getattr(local_parts(t, zone_name), part)
    return value


# --------------------------------------------------------------------------- business calendars


class BusinessCalendar:
    """Opening hours, holidays and extra closed/open dates of an `ir.Calendar`, made computable.

    A day is *open* when it has opening hours for its weekday and is not closed: a date in
    `open_dates` is open (with its weekday's hours) even on a holiday; otherwise a date in
    `closed_dates` or a public holiday of `holiday_country` (and subdivision) is closed.
    Opening ranges are local `[open, close)` clock times; '24:00' closes at the next midnight.

    >>> cal = BusinessCalendar(ir.Calendar(name="office", zone="Europe/Istanbul", hours=(
    ...     ir.WeekHours(weekday=0, ranges=(("09:00", "17:00"),)),)))
    >>> cal.is_open(datetime(2026, 3, 2, 9, 0, tzinfo=cal.tz))  # a Monday
    True
    """

    def __init__(self, calendar: ir.Calendar) -> None:
        self.name = calendar.name
        self.tz = zone(calendar.zone)
        self._week: list[tuple[tuple[int, int], ...]] = [() for _ in range(7)]
        seen: set[int] = set()
        for week_hours in calendar.hours:
            day = week_hours.weekday
            if not isinstance(day, int) or not 0 <= day <= 6:
                raise CalendarError(
                    f"calendar {self.name!r}: weekday {day!r} is not 0 (Monday) to 6 (Sunday)"
                )
            if day in seen:
                raise CalendarError(f"calendar {self.name!r}: weekday {day} is given twice")
            seen.add(day)
            self._week[day] = self._ranges(day, week_hours.ranges)
        if not any(self._week):
            raise CalendarError(f"calendar {self.name!r} has no opening hours on any weekday")
        self._country = calendar.holiday_country
        self._subdivision = calendar.holiday_subdivision
        if calendar.holiday_country is not None:
            try:
                holidays.country_holidays(
                    calendar.holiday_country, subdiv=calendar.holiday_subdivision
                )
            except NotImplementedError as exc:
                raise CalendarError(
                    f"calendar {self.name!r}: unknown holiday country or subdivision "
                    f"{calendar.holiday_country!r}"
                    + (f"/{calendar.holiday_subdivision!r}" if calendar.holiday_subdivision else "")
                    + f" ({exc}); use an ISO 3166 code such as 'TR' or 'RO'",
                    "E220",
                ) from None
        elif calendar.holiday_subdivision is not None:
            raise CalendarError(
                f"calendar {self.name!r}: a holiday subdivision needs a holiday country", "E220"
            )
        self._closed = frozenset(_parse_date(d, "closed date") for d in calendar.closed_dates)
        self._last_closed = max(self._closed, default=date.min)
        self._open = frozenset(_parse_date(d, "open date") for d in calendar.open_dates)
        self._holiday_years: dict[int, frozenset[date]] = {}
        self._day_cache: dict[date, _Intervals] = {}

    def _ranges(self, day: int, ranges: Sequence[tuple[str, str]]) -> tuple[tuple[int, int], ...]:
        parsed = sorted((_parse_clock(a), _parse_clock(b, allow_24=True)) for a, b in ranges)
        for (start, end), (a, b) in zip(parsed, ranges, strict=True):
            if start >= end:
                raise CalendarError(
                    f"calendar {self.name!r}: opening range {a}-{b} on weekday {day} "
                    "closes before it opens",
                    "E213",
                )
        for (_, end), (start, _) in zip(parsed, parsed[1:], strict=False):
            if start < end:
                raise CalendarError(
                    f"calendar {self.name!r}: opening ranges on weekday {day} overlap", "E213"
                )
        return tuple(parsed)

    # ----------------------------------------------------------------- days

    def is_holiday(self, day: date) -> bool:
        """True when `day` is a public holiday of the calendar's country (cached per year)."""
        if self._country is None:
            return False
        year_days = self._holiday_years.get(day.year)
        if year_days is None:
            year_days = frozenset(
                holidays.country_holidays(self._country, subdiv=self._subdivision, years=day.year)
            )
            self._holiday_years[day.year] = year_days
        return day in year_days

    def is_open_day(self, day: date) -> bool:
        """True when local date `day` has opening hours (see the class docstring)."""
        if not self._week[day.weekday()]:
            return False
        if day in self._open:
            return True
        return day not in self._closed and not self.is_holiday(day)

    def opening(self, day: date) -> _Intervals:
        """The UTC [open, close) intervals of local date `day`, disjoint and in order; empty on
        a closed day.

        A closing time inside a DST gap moves forward by the gap and can pass the next range's
        opening (New York, 8 March 2026: 00:00-02:30 and 03:00-09:00 are 05:00Z-07:30Z and
        07:00Z-13:00Z); such ranges are merged, so that no opening time counts twice."""
        cached = self._day_cache.get(day)
        if cached is None:
            merged: list[tuple[datetime, datetime]] = []
            if self.is_open_day(day):
                for start, end in sorted(
                    (to_instant(day, a, self.tz), to_instant(day, b, self.tz))
                    for a, b in self._week[day.weekday()]
                ):
                    if start >= end:  # a range inside a DST gap
                        continue
                    if merged and start < merged[-1][1]:
                        merged[-1] = (merged[-1][0], max(merged[-1][1], end))
                    else:
                        merged.append((start, end))
            cached = tuple(merged)
            self._day_cache[day] = cached
        return cached

    def _days_from(self, t: datetime) -> Iterator[tuple[date, _Intervals]]:
        """Local dates from `t`'s on, with their opening intervals, for as long as the caller
        asks (years of them for a long business duration), until `_SEARCH_DAYS` days in a row
        have no opening hours: then CalendarError."""
        day = t.astimezone(self.tz).date()
        closed = 0
        while closed < _SEARCH_DAYS:
            intervals = self.opening(day)
            # the weekly hours come back after the last closed date, however long the closure
            closed = 0 if intervals or day <= self._last_closed else closed + 1
            yield day, intervals
            day += timedelta(days=1)
        raise CalendarError(
            f"calendar {self.name!r} has no opening hours in the {_SEARCH_DAYS} days after "
            f"{t.isoformat()}"
        )

    # ----------------------------------------------------------------- questions

    def is_open(self, t: datetime) -> bool:
        """True when instant `t` falls inside opening hours ([open, close))."""
        u = _aware(t).astimezone(UTC)
        return any(a <= u < b for a, b in self.opening(u.astimezone(self.tz).date()))

    def next_open(self, t: datetime) -> datetime:
        """`t` itself when open, else the next opening instant (in the calendar's zone)."""
        u = _aware(t).astimezone(UTC)
        for _, intervals in self._days_from(u):
            for a, b in intervals:
                if u < b:
                    return max(a, u).astimezone(self.tz)
        raise AssertionError("unreachable")  # pragma: no cover

    def business_seconds(self, a: datetime, b: datetime) -> float:
        """Opening time between instants `a` and `b`, in seconds; negative when `b < a`."""
        ua, ub = _aware(a).astimezone(UTC), _aware(b).astimezone(UTC)
        if ub < ua:
            return -self.business_seconds(b, a)
        total = timedelta()
        day = ua.astimezone(self.tz).date()
        last = ub.astimezone(self.tz).date()
        while day <= last:
            for start, end in self.opening(day):
                lo, hi = max(start, ua), min(end, ub)
                if lo < hi:
                    total += hi - lo
            day += timedelta(days=1)
        return total.total_seconds()

    def add(self, start: datetime, d: ir.Duration) -> datetime:
        """The deadline `start + d` on this calendar, in the calendar's zone.

        `unit == "hours"`: counts `d.seconds` of opening time only; a start outside hours starts
        counting at the next opening; a deadline that lands exactly on a closing time is that
        closing time. Zero business hours is `start` itself.
        `unit == "days"`: `d.amount` whole open days after the start's local date (the start's own
        day never counts); the deadline is the start's clock time on that day when it falls inside
        one of its opening ranges (closing time included), else that day's last closing time.
        `unit == "fixed"`: elapsed time, `start + d.seconds`.
        """
        u = _aware(start, "start").astimezone(UTC)
        if d.unit == "fixed":
            return (u + timedelta(seconds=d.seconds)).astimezone(self.tz)
        if d.unit == "days":
            return self._add_days(u, d.amount)
        return self._add_hours(u, d.seconds)

    def _add_hours(self, u: datetime, seconds: float) -> datetime:
        if seconds < 0:
            raise CalendarError(f"business time cannot be negative ({seconds:g} s)")
        if seconds == 0:
            return u.astimezone(self.tz)
        remaining = timedelta(seconds=seconds)
        for _, intervals in self._days_from(u):
            for a, b in intervals:
                if u >= b:
                    continue
                begin = max(a, u)
                if remaining <= b - begin:
                    return (begin + remaining).astimezone(self.tz)
                remaining -= b - begin
        raise AssertionError("unreachable")  # pragma: no cover

    def _add_days(self, u: datetime, amount: float) -> datetime:
        if amount < 0 or amount != int(amount):
            raise CalendarError(
                f"business days must be a whole, non-negative number, not {amount:g}"
            )
        if amount == 0:
            return u.astimezone(self.tz)
        local = u.astimezone(self.tz)
        clock = local.hour * 3600 + local.minute * 60 + local.second
        wanted, found = int(amount), 0
        day = local.date()
        for _ in range(_SEARCH_DAYS * max(1, wanted) + len(self._closed)):
            day += timedelta(days=1)
            if not self.is_open_day(day):
                continue
            found += 1
            if found == wanted:
                ranges = self._week[day.weekday()]
                exact = clock + local.microsecond / 1e6
                if any(a <= exact <= b for a, b in ranges):
                    target = to_instant(day, clock, self.tz) + timedelta(
                        microseconds=local.microsecond
                    )
                else:
                    target = to_instant(day, ranges[-1][1], self.tz)
                return target.astimezone(self.tz)
        raise CalendarError(
            f"calendar {self.name!r} has too few open days after {local.isoformat()}"
        )

    def add_paused(
        self,
        start: datetime,
        d: ir.Duration,
        pauses: Sequence[tuple[datetime, datetime | None]],
    ) -> datetime | None:
        """The deadline of a clock that runs `d` from `start` but stops during `pauses`.

        `pauses` are [begin, end) intervals of the pausing state (end None: still active at the
        end of the log), in any order, possibly overlapping or beginning before `start`. The clock
        counts elapsed time (`fixed`) or opening time (`hours`) outside the pauses. The result is
        the instant where it reaches `d`: when it does so exactly as a pause begins, that instant.
        None when an unended pause begins before the clock has run out (the deadline is unknown
        until the pause ends). Business days cannot pause: CalendarError.
        """
        if d.unit == "days":
            raise CalendarError(
                "a clock counted in business days cannot pause; write the duration in "
                "business hours to use 'paused while'"
            )
        if d.seconds < 0:
            raise CalendarError(f"a paused clock cannot run a negative duration ({d.seconds:g} s)")
        fixed = d.unit == "fixed"
        t = _aware(start, "start").astimezone(UTC)
        remaining = d.seconds
        for begin, end in _merge_pauses(pauses):
            if end is not None and end <= t:
                continue
            if begin > t:
                deadline = self._advance(t, remaining, fixed)
                if deadline <= begin:
                    return deadline.astimezone(self.tz)
                used = (begin - t).total_seconds() if fixed else self.business_seconds(t, begin)
                remaining -= used
                t = begin
            if end is None:
                return None
            t = end
        return self._advance(t, remaining, fixed).astimezone(self.tz)

    def _advance(self, u: datetime, seconds: float, fixed: bool) -> datetime:
        if fixed:
            return u + timedelta(seconds=seconds)
        return self._add_hours(u, seconds).astimezone(UTC)


def _merge_pauses(
    pauses: Sequence[tuple[datetime, datetime | None]],
) -> list[tuple[datetime, datetime | None]]:
    """Pauses as sorted, disjoint UTC intervals; an unended pause absorbs every later one."""
    normal: list[tuple[datetime, datetime | None]] = []
    for begin, end in pauses:
        b = _aware(begin, "pause start").astimezone(UTC)
        e = None if end is None else _aware(end, "pause end").astimezone(UTC)
        if e is not None and e < b:
            raise CalendarError(f"pause ends ({e.isoformat()}) before it begins ({b.isoformat()})")
        normal.append((b, e))
    normal.sort(key=lambda p: p[0])
    merged: list[tuple[datetime, datetime | None]] = []
    for b, e in normal:
        if merged:
            last_b, last_e = merged[-1]
            if last_e is None:
                break
            if b <= last_e:
                merged[-1] = (last_b, None if e is None else max(last_e, e))
                continue
        merged.append((b, e))
    return merged


# --------------------------------------------------------------------------- durations


def _calendar_for(d: ir.Duration, calendars: Mapping[str, BusinessCalendar]) -> BusinessCalendar:
    if d.calendar is None:
        raise CalendarError(f"business duration {d.text or d.seconds!r} names no calendar", "E205")
    found = calendars.get(d.calendar)
    if found is None:
        raise CalendarError(f"undefined calendar {d.calendar!r}", "E205")
    return found


def add_duration(
    start: datetime, d: ir.Duration, calendars: Mapping[str, BusinessCalendar]
) -> datetime:
    """`start + d`: elapsed seconds for a fixed duration, else business time on `d.calendar`.

    >>> start = datetime(2026, 3, 28, 12, 0, tzinfo=zone("Europe/Bucharest"))
    >>> add_duration(start, ir.Duration(seconds=86400), {}).isoformat()  # DST: 24 real hours
    '2026-03-29T13:00:00+03:00'
    """
    _aware(start, "start")
    if d.unit == "fixed":
        return (start.astimezone(UTC) + timedelta(seconds=d.seconds)).astimezone(start.tzinfo)
    return _calendar_for(d, calendars).add(start, d)


def add_duration_paused(
    start: datetime,
    d: ir.Duration,
    pauses: Sequence[tuple[datetime, datetime | None]],
    calendars: Mapping[str, BusinessCalendar],
) -> datetime | None:
    """`add_duration` with a clock that stops during `pauses` (see `BusinessCalendar.add_paused`).

    >>> t0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    >>> pause = (t0 + timedelta(minutes=10), t0 + timedelta(minutes=40))
    >>> add_duration_paused(t0, ir.Duration(seconds=3600), [pause], {}).isoformat()
    '2026-03-02T11:30:00+00:00'
    """
    _aware(start, "start")
    if d.unit != "fixed":
        return _calendar_for(d, calendars).add_paused(start, d, pauses)
    if d.seconds < 0:
        raise CalendarError(f"a paused clock cannot run a negative duration ({d.seconds:g} s)")
    t = start.astimezone(UTC)
    remaining = timedelta(seconds=d.seconds)
    for begin, end in _merge_pauses(pauses):
        if end is not None and end <= t:
            continue
        if begin > t:
            if t + remaining <= begin:
                return (t + remaining).astimezone(start.tzinfo)
            remaining -= begin - t
        if end is None:
            return None
        t = max(t, end)
    return (t + remaining).astimezone(start.tzinfo)


# --------------------------------------------------------------------------- calendar points


def calendar_point(
    t: datetime,
    point: ir.CalendarPoint,
    zone_name: str,
    calendars: Mapping[str, BusinessCalendar],
) -> datetime:
    """The deadline `point` for trigger time `t`, in `zone_name` (the calendar's zone for
    `end_of_business_day`).

    end_of_day / end_of_week (ISO, weeks start on Monday) / end_of_month: the last instant of the
    period, i.e. the next period's local midnight minus one microsecond (so an event at exactly
    midnight belongs to the next period). time_of_day: that local clock time on `t`'s day, or the
    next day's when it is earlier than `t`. end_of_business_day: the last closing time of the
    calendar's first open day whose hours have not ended at `t` (today's if still open or not yet
    open, else the next open day's; at the closing instant itself the hours have ended, as they
    are `[open, close)`: the next open day's).

    >>> t = datetime(2026, 3, 28, 22, 0, tzinfo=UTC)  # Sunday 2026-03-29 00:00 in Bucharest
    >>> point = ir.CalendarPoint(point="end_of_day")
    >>> calendar_point(t, point, "Europe/Bucharest", {}).isoformat()  # a 23-hour day
    '2026-03-29T23:59:59.999999+03:00'
    """
    tz = zone(zone_name)
    u = _aware(t).astimezone(UTC)
    local_day = u.astimezone(tz).date()
    kind = point.point
    if kind in ("end_of_day", "end_of_week", "end_of_month"):
        if kind == "end_of_day":
            nxt = local_day + timedelta(days=1)
        elif kind == "end_of_week":
            nxt = local_day + timedelta(days=7 - local_day.weekday())
        else:
            nxt = date(local_day.year + local_day.month // 12, local_day.month % 12 + 1, 1)
        return (to_instant(nxt, 0, tz) - _ONE_US).astimezone(tz)
    if kind == "time_of_day":
        if point.time is None:
            raise CalendarError("a time_of_day calendar point needs a time such as '12:00'", "E213")
        clock = _parse_clock(point.time)
        target = to_instant(local_day, clock, tz)
        if target < u:
            target = to_instant(local_day + timedelta(days=1), clock, tz)
        return target.astimezone(tz)
    if kind == "end_of_business_day":
        if point.calendar is None:
            raise CalendarError("'end of business day' needs a calendar", "E205")
        cal = calendars.get(point.calendar)
        if cal is None:
            raise CalendarError(f"undefined calendar {point.calendar!r}", "E205")
        for _, intervals in cal._days_from(u):
            if intervals and u < intervals[-1][1]:
                return intervals[-1][1].astimezone(cal.tz)
        raise AssertionError("unreachable")  # pragma: no cover
    raise CalendarError(f"unsupported calendar point {kind!r}")


# --------------------------------------------------------------------------- buckets


def bucket_key(t: datetime, bucket: str | None, zone_name: str) -> str | None:
    """The label of the local calendar bucket holding `t` (None for no bucket).

    hour 'YYYY-MM-DDTHH', day 'YYYY-MM-DD', week 'YYYY-Www' (ISO year and week), month 'YYYY-MM',
    quarter 'YYYY-Qn', year 'YYYY'. Labels follow the local clock: both passes through a repeated
    (fold) hour share one hour bucket, and a skipped (gap) hour has none.

    >>> bucket_key(datetime(2027, 1, 1, 12, tzinfo=UTC), "week", "UTC")
    '2026-W53'
    """
    if bucket is None:
        return None
    local = in_zone(_aware(t), zone(zone_name))
    if bucket == "hour":
        return f"{local.date().isoformat()}T{local.hour:02d}"
    if bucket == "day":
        return local.date().isoformat()
    if bucket == "week":
        iso = local.isocalendar()
        return f"{iso.year:04d}-W{iso.week:02d}"
    if bucket == "month":
        return f"{local.year:04d}-{local.month:02d}"
    if bucket == "quarter":
        return f"{local.year:04d}-Q{(local.month - 1) // 3 + 1}"
    if bucket == "year":
        return f"{local.year:04d}"
    raise CalendarError(f"unknown bucket {bucket!r}; expected one of {', '.join(BUCKETS)}")


def bucket_span(t: datetime, bucket: str, zone_name: str) -> tuple[datetime, datetime]:
    """The local calendar bucket holding `t` as [start, end) in UTC: local midnight (the hour's
    start for `hour`) to the next bucket's, so a day bucket spans 00:00 to 00:00 of the next day
    in `zone_name` (23 or 25 hours on DST days). A bucket that would end after the year 9999 ends
    at the last instant a datetime holds (`END_OF_TIME`); one that would start before the year 1
    (January of the year 1 east of UTC) starts at the first (`START_OF_TIME`).

    >>> start, end = bucket_span(datetime(2026, 3, 29, 12, tzinfo=UTC), "day", "Europe/Bucharest")
    >>> start.isoformat(), end.isoformat()
    ('2026-03-28T22:00:00+00:00', '2026-03-29T21:00:00+00:00')
    >>> quarter = bucket_span(datetime(2026, 5, 20, tzinfo=UTC), "quarter", "UTC")
    >>> [t.isoformat()[:10] for t in quarter]
    ['2026-04-01', '2026-07-01']
    >>> bucket_span(datetime(9999, 12, 30, 23, tzinfo=UTC), "month", "UTC")[1].isoformat()
    '9999-12-31T23:59:59.999999+00:00'
    >>> bucket_span(datetime(1, 1, 2, tzinfo=UTC), "month", "Europe/Bucharest")[0].isoformat()
    '0001-01-01T00:00:00+00:00'
    """
    tz = zone(zone_name)
    return _bucket_span(_aware(t).astimezone(tz), bucket, tz)


#: The first and the last instant a datetime holds: the start of a bucket that would start
#: before the year 1, the end of one that would end after the year 9999.
START_OF_TIME = datetime.min.replace(tzinfo=UTC)
END_OF_TIME = datetime.max.replace(tzinfo=UTC)


def _bucket_span(local: datetime, bucket: str, tz: tzinfo) -> tuple[datetime, datetime]:
    """`bucket_span` of a local time."""
    day = local.date()
    if bucket == "hour":
        start = _instant_or(day, local.hour * 3600, tz, START_OF_TIME)
        return start, _instant_or(day, (local.hour + 1) * 3600, tz, END_OF_TIME)
    if bucket == "day":
        first = day
        days = 1
    elif bucket == "week":
        first = day - timedelta(days=day.weekday())
        days = 7
    elif bucket in ("month", "quarter", "year"):
        months = {"month": 1, "quarter": 3, "year": 12}[bucket]
        start_month = (day.month - 1) // months * months + 1
        first = date(day.year, start_month, 1)
        after = start_month - 1 + months
        days = 0
    else:
        raise CalendarError(f"unknown bucket {bucket!r}; expected one of {', '.join(BUCKETS)}")
    start = _instant_or(first, 0, tz, START_OF_TIME)
    try:
        if days:
            nxt = first + timedelta(days=days)
        else:
            nxt = date(day.year + after // 12, after % 12 + 1, 1)
    except (OverflowError, ValueError):  # the next bucket starts after the year 9999
        return start, END_OF_TIME
    return start, _instant_or(nxt, 0, tz, END_OF_TIME)


def _instant_or(day: date, clock_seconds: int, tz: tzinfo, beyond: datetime) -> datetime:
    """`to_instant`, or `beyond` when the instant lies outside what a datetime holds."""
    try:
        return to_instant(day, clock_seconds, tz)
    except (OverflowError, ValueError):
        return beyond
