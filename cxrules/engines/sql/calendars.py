"""SQL plans, business calendars: opening hours as lookup tables computed once in Python, and the
SQL that reads them — business time between two instants, an instant plus business time, whole
business days, and calendar points — agreeing with `cxrules/time/clock.py` to the microsecond.

The plans never do calendar logic. For every calendar a run uses, `BusinessCalendar` (zoneinfo,
holidays) lists the opening intervals over the run's time range, and four small tables hold them:

- `cal<i>_day`, one row per UTC day (`day` = µs // 86 400 000 000): `cum`, the *business clock*
  at the day's start (µs of opening time since the table's origin), and the day's opening
  intervals clipped to it (`o0, c0, o1, c1, …`, padded with empty ones), so that the clock at any
  instant is `cum` plus the open time before it that day (`clock`); `cont` tells that an interval
  runs through the day's first instant;
- `cal<i>_inv`, one row per bucket of `width` µs of business clock: the intervals (`b<k>` clock
  at opening, `o<k>` opening instant, `l<k>` length) whose clock range meets the bucket, so that
  the earliest instant where the clock reads a value is one equi-join away (`instant_at`);
- `cal<i>_lday`, one row per local date of the calendar's zone (`lday`, days since 1970-01-01):
  `nopen` (open dates up to it), `last_close` (its last closing instant, NULL without hours),
  `next_close` (the last closing instant of the first later date with hours);
- `cal<i>_open`, one row per open date in order (`n` = its `nopen`): its `lday` and weekday.

Every lookup is an equi-join with a small table (a broadcast join on Spark). Time zones come from
`zones.ZoneTables`. Zero-length business durations are the start itself, a deadline that lands on
a closing time is that closing time, business days follow `BusinessCalendar.add`.

>>> from cxrules.engines.sql.zones import ZoneTables
>>> office = ir.Calendar(name="office", zone="UTC", hours=(ir.WeekHours(weekday=0, ranges=(("09:00",
...     "17:00"),)),))
>>> tables = CalendarTables({"office": office}, ZoneTables.around(0, 0), 0, 0)
>>> tables.table_names("office")
['cal0_day', 'cal0_inv', 'cal0_lday', 'cal0_open']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from cxrules import ir
from cxrules.engines.sql.plan import Table
from cxrules.engines.sql.text import DAY_US, floor_div, floor_mod
from cxrules.ir.walk import models
from cxrules.time.calendars import BusinessCalendar, CalendarError
from cxrules.time.clock import Clock
from cxrules.time.instants import MAX_US, MIN_US, from_us, to_us
from cxrules.time.text import parse_clock

#: µs per second.
US = 1_000_000
#: The business clock buckets of `cal<i>_inv` are at least this long (µs).
MIN_WIDTH = 60 * US
#: How far past the last instant a run needs the tables reach when nothing says more (µs).
MARGIN_US = 8 * DAY_US
#: How far a calendar is searched for opening hours (as `BusinessCalendar` does).
SEARCH_US = 3 * 366 * DAY_US
_EPOCH_DATE = date(1970, 1, 1)


@dataclass
class _Built:
    """One calendar's tables (made on first use)."""

    index: int
    intervals: list[tuple[int, int]]  # UTC [open, close) in µs, in order
    pieces: int  # opening pieces per UTC day (columns o/c of `cal<i>_day`)
    per_bucket: int  # intervals per bucket (columns b/o/l of `cal<i>_inv`)
    width: int  # µs of business clock per bucket
    tables: list[Table] = field(default_factory=list)


class CalendarTables:
    """The business calendars of one run as lookup tables over [start_us, end_us], and the SQL
    that reads them. Tables are built on first use; `tables()` lists those the plans read."""

    def __init__(
        self,
        calendars: Mapping[str, ir.Calendar],
        zones: Any,  # zones.ZoneTables
        start_us: int,
        end_us: int,
    ) -> None:
        self.specs = dict(calendars)
        self.zones = zones
        self.start_us, self.end_us = start_us, max(start_us, end_us)
        self.index = {name: i for i, name in enumerate(sorted(self.specs))}
        self.built: dict[str, _Built] = {}

    @classmethod
    def around(
        cls,
        policy_set: ir.PolicySet,
        zones: Any,
        first_us: int | None,
        last_us: int | None,
        durations: Iterable[ir.Duration] = (),
    ) -> CalendarTables:
        """Tables reaching from a day before the first event to past every deadline the run's
        business durations (the policies', and `durations`) and calendar points can set from
        its last instant (or horizon): a deadline is always set at or before the horizon (at a
        trigger, or when a paused clock restarts), so none can fall outside the tables."""
        first = first_us if first_us is not None else 0
        last = max(first, last_us if last_us is not None else first)
        end = last + MARGIN_US
        if policy_set.calendars:
            clock = Clock(policy_set.calendars)
            for node in [*models(policy_set.policies), *durations]:
                try:
                    if isinstance(node, ir.Duration) and node.calendar in policy_set.calendars:
                        end = max(end, clock.add(last, node) + MARGIN_US)
                    elif isinstance(node, ir.CalendarPoint) and node.calendar is not None:
                        end = max(end, clock.point(last, node, "UTC") + MARGIN_US)
                except (CalendarError, OverflowError):
                    end = max(end, last + SEARCH_US)
        # within the instants a datetime holds, with room for a local date two days either side
        low, high = MIN_US + 3 * DAY_US, MAX_US - 3 * DAY_US
        end = min(end, high)
        zones.reach(end)  # business days turn far local dates into instants with the zones
        return cls(policy_set.calendars, zones, max(first - DAY_US, low), end)

    # ----------------------------------------------------------------- tables

    def table_names(self, calendar: str) -> list[str]:
        """The names of the calendar's tables (day, inv, lday, open)."""
        i = self._index(calendar)
        return [f"cal{i}_{part}" for part in ("day", "inv", "lday", "open")]

    def _names(self, calendar: str) -> list[str]:
        """The calendar's table names, the tables built (and so listed by `tables()`)."""
        self._built(calendar)
        return self.table_names(calendar)

    def tables(self) -> list[Table]:
        """The tables of every calendar a plan has read so far."""
        return [t for built in self.built.values() for t in built.tables]

    def _index(self, calendar: str) -> int:
        if calendar not in self.index:
            raise CalendarError(f"undefined calendar {calendar!r}", "E205")
        return self.index[calendar]

    def _built(self, calendar: str) -> _Built:
        found = self.built.get(calendar)
        if found is None:
            found = self.built[calendar] = self._build(calendar)
        return found

    def _build(self, calendar: str) -> _Built:
        cal = BusinessCalendar(self.specs[calendar])
        i = self._index(calendar)
        # two days either side, within the dates Python holds (a day's opening may reach the next)
        first_day = max(_local_date(self.start_us, cal), date(1, 1, 5)) - timedelta(days=2)
        last_day = min(_local_date(self.end_us, cal), date(9999, 12, 26)) + timedelta(days=2)
        days = list(_dates(first_day, last_day))
        intervals = [(to_us(a), to_us(b)) for day in days for a, b in cal.opening(day)]
        for (_, close), (opening, _) in zip(intervals, intervals[1:], strict=False):
            if opening < close:  # local ranges never overlap; a DST rule would have to
                raise CalendarError(f"calendar {calendar!r} has overlapping opening hours")
        day_rows, pieces = _day_rows(intervals, self.start_us, self.end_us)
        inv_rows, per_bucket, width = _inv_rows(intervals)
        lday_rows, open_rows = _local_rows(cal, days)
        built = _Built(i, intervals, pieces, per_bucket, width)
        names = self.table_names(calendar)
        day_cols = [("day", "BIGINT"), ("cum", "BIGINT"), ("cont", "BOOLEAN")]
        day_cols += [(f"{x}{k}", "BIGINT") for k in range(pieces) for x in "oc"]
        inv_cols = [("bucket", "BIGINT")]
        inv_cols += [(f"{x}{k}", "BIGINT") for k in range(per_bucket) for x in "bol"]
        built.tables = [
            Table(names[0], tuple(day_cols), day_rows),
            Table(names[1], tuple(inv_cols), inv_rows),
            Table(
                names[2],
                (
                    ("lday", "BIGINT"),
                    ("nopen", "BIGINT"),
                    ("last_close", "BIGINT"),
                    ("next_close", "BIGINT"),
                ),
                lday_rows,
            ),
            Table(names[3], (("n", "BIGINT"), ("lday", "BIGINT"), ("wd", "BIGINT")), open_rows),
        ]
        return built

    # ----------------------------------------------------------------- the business clock

    def clock(self, calendar: str, source: str, at: str, out: str, plus: bool = False) -> str:
        """`source` (a SELECT) with column `out`: the business clock at instant column `at` — µs
        of opening time from the tables' origin to it, so that the opening time between two
        instants is the difference of their clocks (`Clock.elapsed`). With `plus`, twice the
        clock, plus one when `at` is not the first instant with that reading (it lies in closed
        time after a closing): an order on instants that tells apart the instants of one closed
        stretch, for comparisons with `2 * clock` (see `instant_at`)."""
        b = self._built(calendar)
        day = self._names(calendar)[0]
        x = f"s.{at}"
        terms = " + ".join(f"greatest(0, least({x}, c.c{k}) - c.o{k})" for k in range(b.pieces))
        reading = f"(c.cum + {terms})" if terms else "c.cum"
        if plus:
            inside = " OR ".join(f"({x} > c.o{k} AND {x} <= c.c{k})" for k in range(b.pieces))
            starts = f"({x} = c.day * {DAY_US} AND c.cont)"
            opened = f"({inside} OR {starts})" if inside else starts
            reading = f"(2 * {reading} + CASE WHEN {opened} THEN 0 ELSE 1 END)"
        return (
            f"SELECT s.*, {reading} AS {out} FROM ({source}) s "
            f"LEFT JOIN {day} c ON c.day = {floor_div(x, str(DAY_US))}"
        )

    def instant_at(self, calendar: str, source: str, reading: str, out: str) -> str:
        """`source` with column `out`: the earliest instant where the business clock reads the
        value of column `reading` (a closing time rather than the closed stretch after it)."""
        b = self._built(calendar)
        inv = self._names(calendar)[1]
        v = f"s.{reading}"
        cases = " ".join(
            f"WHEN {v} > c.b{k} AND {v} <= c.b{k} + c.l{k} THEN c.o{k} + ({v} - c.b{k})"
            for k in range(b.per_bucket)
        )
        value = f"CASE {cases} END" if cases else "CAST(NULL AS BIGINT)"
        return (
            f"SELECT s.*, {value} AS {out} FROM ({source}) s "
            f"LEFT JOIN {inv} c ON c.bucket = {floor_div(v, str(b.width))}"
        )

    def between(self, calendar: str, source: str, a: str, b: str, out: str) -> str:
        """`source` with column `out`: the opening time (µs) from instant column `a` to `b`,
        negative when `b` is earlier (`Clock.elapsed` on business time)."""
        step = self.clock(calendar, source, a, f"{out}_a")
        step = self.clock(calendar, step, b, f"{out}_b")
        return f"SELECT *, {out}_b - {out}_a AS {out} FROM ({step})"

    def add(self, calendar: str, source: str, at: str, amount: str, out: str) -> str:
        """`source` with column `out`: instant column `at` plus `amount` µs (a SQL expression
        over the row, never negative) of opening time (`Clock.add`, business hours): zero is
        `at` itself; otherwise the earliest instant with that much opening time since `at`."""
        step = self.clock(calendar, source, at, f"{out}_c")
        step = f"SELECT *, {out}_c + ({amount}) AS {out}_r FROM ({step})"
        step = self.instant_at(calendar, step, f"{out}_r", f"{out}_i")
        return (
            f"SELECT *, CASE WHEN ({amount}) = 0 THEN {at} ELSE {out}_i END AS {out} FROM ({step})"
        )

    def add_days(self, calendar: str, source: str, at: str, days: int, out: str) -> str:
        """`source` with column `out`: `days` whole open days after the local date of instant
        column `at` (`Clock.add` with unit "days"): the same clock time that day when it falls
        inside one of its opening ranges (closing time included), else its last closing time."""
        if days == 0:
            return f"SELECT *, {at} AS {out} FROM ({source})"
        spec = self.specs[calendar]
        tz = spec.zone
        lday, opened = self._names(calendar)[2:]
        local = self._local(source, at, tz, f"{out}_d", f"{out}_w")
        found = (
            f"SELECT s.*, o.lday AS {out}_t, o.wd AS {out}_wd, {floor_div(f'{out}_w', str(US))} "
            f"AS {out}_cs, {floor_mod(f'{out}_w', str(US))} AS {out}_us FROM ({local}) s "
            f"LEFT JOIN {lday} l ON l.lday = s.{out}_d "
            f"LEFT JOIN {opened} o ON o.n = l.nopen + {int(days)}"
        )
        clock_s, micro = f"{out}_cs", f"{out}_us"
        inside, last = [], []
        for weekday, ranges in sorted(_week(spec).items()):
            test = " OR ".join(f"({out}_w BETWEEN {a * US} AND {b * US})" for a, b in ranges)
            inside.append(f"WHEN {out}_wd = {weekday} THEN ({test})")
            last.append(f"WHEN {out}_wd = {weekday} THEN {ranges[-1][1] * US}")
        same = f"{out}_t * {DAY_US} + {clock_s} * {US}"
        close = f"{out}_t * {DAY_US} + CASE {' '.join(last)} END"
        walls = (
            f"SELECT *, CASE WHEN CASE {' '.join(inside)} ELSE FALSE END THEN {same} END "
            f"AS {out}_ws, CASE WHEN {out}_t IS NOT NULL THEN {close} END AS {out}_wc "
            f"FROM ({found})"
        )
        value = (
            f"CASE WHEN {out}_ws IS NOT NULL THEN {self.zones.wall_to_utc(f'{out}_ws', tz)} + "
            f"{micro} WHEN {out}_wc IS NOT NULL THEN {self.zones.wall_to_utc(f'{out}_wc', tz)} END"
        )
        return f"SELECT *, {value} AS {out} FROM ({walls})"

    def add_duration(self, d: ir.Duration, source: str, at: str, out: str) -> str:
        """`source` with column `out`: instant column `at` plus the duration (`Clock.add`)."""
        if d.calendar is None:
            return f"SELECT *, {at} + {fixed_us(d)} AS {out} FROM ({source})"
        if d.unit == "days":
            if d.amount < 0 or d.amount != int(d.amount):
                raise CalendarError(
                    f"business days must be a whole, non-negative number, not {d.amount:g}"
                )
            return self.add_days(d.calendar, source, at, int(d.amount), out)
        return self.add(d.calendar, source, at, str(business_us(d)), out)

    # ----------------------------------------------------------------- calendar points

    def end_of_business_day(self, calendar: str, source: str, at: str, out: str) -> str:
        """`source` with column `out`: the last closing time of the calendar's first local date,
        from `at`'s own, with opening hours that have not ended at `at` (at the closing instant
        itself they have: hours are `[open, close)`)."""
        tz = self.specs[calendar].zone
        lday = self._names(calendar)[2]
        local = self._local(source, at, tz, f"{out}_d", f"{out}_w")
        value = (
            f"CASE WHEN l.last_close IS NOT NULL AND s.{at} < l.last_close THEN l.last_close "
            f"ELSE l.next_close END"
        )
        return (
            f"SELECT s.*, {value} AS {out} FROM ({local}) s "
            f"LEFT JOIN {lday} l ON l.lday = s.{out}_d"
        )

    def _local(self, source: str, at: str, zone: str, day: str, clock: str) -> str:
        """`source` with the local date (`day`, days since 1970-01-01) and wall clock (`clock`,
        µs since local midnight) of instant column `at` in `zone`."""
        wall = f"{day}_wall"
        step = f"SELECT *, {at} + {self.zones.offset(at, zone)} AS {wall} FROM ({source})"
        return (
            f"SELECT *, {floor_div(wall, str(DAY_US))} AS {day}, {floor_mod(wall, str(DAY_US))} "
            f"AS {clock} FROM ({step})"
        )

    def point(self, point: ir.CalendarPoint, zone: str, source: str, at: str, out: str) -> str:
        """`source` with column `out`: the calendar deadline `point` after instant column `at`
        in `zone` (`Clock.point`): end of day, week or month (the next period's local midnight
        minus 1 µs), a local clock time (today's, else tomorrow's), end of business day."""
        if point.point == "end_of_business_day":
            if point.calendar is None:
                raise CalendarError("'end of business day' needs a calendar", "E205")
            return self.end_of_business_day(point.calendar, source, at, out)
        day = f"{out}_d"
        source = self._local(source, at, zone, day, f"{out}_w")
        if point.point == "time_of_day":
            clock = parse_clock(point.time or "")
            if clock is None or clock >= 86_400:
                raise CalendarError(f"invalid time of day {point.time!r}", "E213")
            today = self.zones.wall_to_utc(f"{out}_wt", zone)
            tomorrow = self.zones.wall_to_utc(f"({out}_wt + {DAY_US})", zone)
            step = f"SELECT *, {day} * {DAY_US} + {clock * US} AS {out}_wt FROM ({source})"
            step = f"SELECT *, {today} AS {out}_t FROM ({step})"
            return (
                f"SELECT *, CASE WHEN {out}_t < {at} THEN {tomorrow} ELSE {out}_t END AS {out} "
                f"FROM ({step})"
            )
        if point.point == "end_of_day":
            nxt = f"({day} + 1)"
        elif point.point == "end_of_week":  # 1970-01-01 was a Thursday (weekday 3)
            nxt = f"({day} + 7 - {floor_mod(f'{day} + 3', '7')})"
        elif point.point == "end_of_month":
            for level in next_month_start(day, f"{out}_m"):
                source = f"SELECT *, {', '.join(level)} FROM ({source})"
            nxt = f"{out}_m"
        else:
            raise CalendarError(f"unsupported calendar point {point.point!r}")
        step = f"SELECT *, {nxt} * {DAY_US} AS {out}_wm FROM ({source})"
        midnight = self.zones.wall_to_utc(f"{out}_wm", zone)
        return f"SELECT *, {midnight} - 1 AS {out} FROM ({step})"


# --------------------------------------------------------------------------- durations


def fixed_us(d: ir.Duration) -> int:
    """A fixed duration in µs, as `Clock.add` adds it."""
    return timedelta(seconds=d.seconds) // timedelta(microseconds=1)


def business_us(d: ir.Duration) -> int:
    """The opening time (µs) a business-hours duration counts, as `BusinessCalendar.add` does."""
    if d.seconds < 0:
        raise CalendarError(f"business time cannot be negative ({d.seconds:g} s)")
    return timedelta(seconds=d.seconds) // timedelta(microseconds=1)


def next_month_start(day: str, out: str) -> list[list[str]]:
    """The columns of successive SELECT levels giving `out`: the first day of the month after
    the one holding column `day` (days since 1970-01-01), by integer civil-calendar arithmetic
    (H. Hinnant's algorithms, on years that start in March), each step a column of its own."""
    z, era, doe, yoe, mp = (f"{out}_{x}" for x in ("z", "era", "doe", "yoe", "mp"))
    y2, m2, era2, yoe2 = (f"{out}_{x}" for x in ("y2", "m2", "era2", "yoe2"))
    return [
        [f"{day} + 719468 AS {z}"],
        [f"{floor_div(z, '146097')} AS {era}"],
        [f"{z} - {era} * 146097 AS {doe}"],
        [f"({doe} - {doe} // 1460 + {doe} // 36524 - {doe} // 146096) // 365 AS {yoe}"],
        # the month, March = 0 … February = 11
        [f"(5 * ({doe} - (365 * {yoe} + {yoe} // 4 - {yoe} // 100)) + 2) // 153 AS {mp}"],
        # the next month: February's is March of the next (March-based) year
        [
            f"{yoe} + {era} * 400 + CASE WHEN {mp} = 11 THEN 1 ELSE 0 END AS {y2}",
            f"CASE WHEN {mp} = 11 THEN 0 ELSE {mp} + 1 END AS {m2}",
        ],
        [f"{floor_div(y2, '400')} AS {era2}"],
        [f"{y2} - {era2} * 400 AS {yoe2}"],
        [
            f"{era2} * 146097 + {yoe2} * 365 + {yoe2} // 4 - {yoe2} // 100 "
            f"+ (153 * {m2} + 2) // 5 - 719468 AS {out}"
        ],
    ]


# --------------------------------------------------------------------------- building


def _local_date(us: int, cal: BusinessCalendar) -> date:
    return from_us(us).astimezone(cal.tz).date()


def _dates(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _day_rows(
    intervals: list[tuple[int, int]], start_us: int, end_us: int
) -> tuple[list[tuple[Any, ...]], int]:
    """`cal<i>_day` rows: per UTC day from before `start_us` to after `end_us`, its clock at the
    start (0 before the first interval), whether an interval runs through its first instant,
    and its intervals clipped to it; and the number of piece columns."""
    first = min([start_us, *(a for a, _ in intervals[:1])]) // DAY_US - 1
    last = max([end_us, *(b for _, b in intervals[-1:])]) // DAY_US + 1
    per_day: dict[int, list[tuple[int, int]]] = {}
    cont: set[int] = set()
    for a, b in intervals:
        d = a // DAY_US
        while d * DAY_US < b:
            lo, hi = max(a, d * DAY_US), min(b, (d + 1) * DAY_US)
            if lo < hi:
                per_day.setdefault(d, []).append((lo, hi))
            if a < d * DAY_US <= b:
                cont.add(d)
            d += 1
        if b % DAY_US == 0 and a < b:
            cont.add(b // DAY_US)  # the interval ends exactly at that day's first instant
    pieces = max((len(v) for v in per_day.values()), default=0)
    rows: list[tuple[Any, ...]] = []
    cum = 0
    for d in range(first, last + 1):
        start = d * DAY_US
        day_pieces = per_day.get(d, [])
        flat: list[int] = []
        for lo, hi in day_pieces:
            flat += [lo, hi]
        flat += [start, start] * (pieces - len(day_pieces))
        rows.append((d, cum, d in cont, *flat))
        cum += sum(hi - lo for lo, hi in day_pieces)
    return rows, pieces


def _inv_rows(intervals: list[tuple[int, int]]) -> tuple[list[tuple[Any, ...]], int, int]:
    """`cal<i>_inv` rows: per bucket of business clock, the intervals whose clock range (b, b+l]
    meets it; the number of interval columns; the bucket width (µs)."""
    if not intervals:
        return [], 0, MIN_WIDTH
    # the clock at each interval's opening, counted from the first UTC day's start (as
    # `_day_rows` counts it: nothing is open before the first interval)
    clocks, cum = [], 0
    for a, b in intervals:
        clocks.append(cum)
        cum += b - a
    total = cum
    width = max(MIN_WIDTH, total // max(1, len(intervals)))
    buckets: dict[int, list[tuple[int, int, int]]] = {}
    for (a, b), c in zip(intervals, clocks, strict=True):
        # the clock readings this interval gives: (c, c + (b - a)]; its buckets
        for k in range(c // width, (c + (b - a)) // width + 1):
            buckets.setdefault(k, []).append((c, a, b - a))
    per = max(len(v) for v in buckets.values())
    rows = []
    for k in sorted(buckets):
        flat: list[Any] = []
        for c, a, length in buckets[k]:
            flat += [c, a, length]
        flat += [None, None, None] * (per - len(buckets[k]))
        rows.append((k, *flat))
    return rows, per, width


def _local_rows(
    cal: BusinessCalendar, days: list[date]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """`cal<i>_lday` and `cal<i>_open` rows over local dates (see the module docstring)."""
    lday_rows: list[tuple[Any, ...]] = []
    open_rows: list[tuple[Any, ...]] = []
    closes: list[int | None] = []
    nopen = 0
    for day in days:
        if cal.is_open_day(day):
            nopen += 1
            open_rows.append((nopen, (day - _EPOCH_DATE).days, day.weekday()))
        opening = cal.opening(day)
        closes.append(to_us(opening[-1][1]) if opening else None)
        lday_rows.append(((day - _EPOCH_DATE).days, nopen, closes[-1]))
    later: int | None = None
    out: list[tuple[Any, ...]] = []
    for row, close in zip(reversed(lday_rows), reversed(closes), strict=True):
        out.append((*row, later))
        if close is not None:
            later = close
    out.reverse()
    return out, open_rows


def _week(spec: ir.Calendar) -> dict[int, list[tuple[int, int]]]:
    """Opening ranges (seconds since local midnight) per weekday (0 = Monday), sorted."""
    week: dict[int, list[tuple[int, int]]] = {}
    for wh in spec.hours:
        parsed = []
        for a, b in wh.ranges:
            pa, pb = parse_clock(a), parse_clock(b)
            if pa is None or pb is None:
                raise CalendarError(f"calendar {spec.name!r}: invalid opening range {a}-{b}")
            parsed.append((pa, pb))
        if parsed:
            week[wh.weekday] = sorted(parsed)
    return week


__all__ = [
    "CalendarTables",
    "business_us",
    "fixed_us",
    "next_month_start",
]
