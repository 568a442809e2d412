"""SQL plans, business calendars: the lookup tables and their SQL agree with `cxrules.time.clock`
— by hand on the cases that matter (a deadline landing on a closing time, zero durations,
business days, DST days, holidays), and with hypothesis on generated calendars and instants."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxrules import ir
from cxrules.engines.sql.calendars import CalendarTables
from cxrules.engines.sql.plan import Table
from cxrules.engines.sql.zones import ZoneTables
from cxrules.time.clock import Clock
from cxrules.time.instants import from_us, to_us

duckdb = pytest.importorskip("duckdb")
pa = pytest.importorskip("pyarrow")

# These tests call the SQL machinery directly, whatever engine the suite runs: once is enough.
pytestmark = pytest.mark.engines("python")

IST = ZoneInfo("Europe/Istanbul")
BUC = ZoneInfo("Europe/Bucharest")
OFFICE = ir.Calendar(  # Mon-Fri 09:00-17:00 in Istanbul (+03:00 all year)
    name="office",
    zone="Europe/Istanbul",
    hours=tuple(ir.WeekHours(weekday=d, ranges=(("09:00", "17:00"),)) for d in range(5)),
)
BUCHAREST = ir.Calendar(  # Romanian holidays; Sundays all day (29 March 2026 has 23 hours)
    name="bucharest",
    zone="Europe/Bucharest",
    hours=(
        *(
            ir.WeekHours(weekday=d, ranges=(("09:00", "12:00"), ("13:00", "17:00")))
            for d in range(5)
        ),
        ir.WeekHours(weekday=6, ranges=(("00:00", "24:00"),)),
    ),
    holiday_country="RO",
)


def hours(n: float, calendar: str) -> ir.Duration:
    return ir.Duration(seconds=n * 3600, calendar=calendar, unit="hours")


def days(n: int, calendar: str) -> ir.Duration:
    return ir.Duration(seconds=n * 86400, calendar=calendar, unit="days", amount=n)


class Lookups:
    """The calendar tables of some calendars in an in-memory DuckDB, and SQL run over a table
    `inp` of instants (columns a, b: instants in µs; amt: µs)."""

    def __init__(
        self,
        calendars: dict[str, ir.Calendar],
        first: int,
        last: int,
        durations: list[ir.Duration] = (),  # type: ignore[assignment]
    ) -> None:
        self.zones = ZoneTables.around(first, last)
        policy_set = ir.PolicySet(policies=(), calendars=calendars)
        self.tables = CalendarTables.around(policy_set, self.zones, first, last, durations)
        self.con = duckdb.connect()

    def run(self, rows: list[dict[str, int]], build: Any) -> list[dict[str, Any]]:
        sql = build(self.tables, "SELECT * FROM inp")
        for table in self.tables.tables():
            self.create(table)
        columns = {k: pa.array([r[k] for r in rows], pa.int64()) for k in rows[0]}
        self.con.register("inp", pa.table(columns))
        result = self.con.execute(sql)
        names = [d[0] for d in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]

    def create(self, table: Table) -> None:
        kinds = {"BIGINT": pa.int64(), "BOOLEAN": pa.bool_()}
        columns = {
            name: pa.array([row[i] for row in table.rows], kinds[kind])
            for i, (name, kind) in enumerate(table.columns)
        }
        self.con.register("_t", pa.table(columns))
        self.con.execute(f"CREATE OR REPLACE TABLE {table.name} AS SELECT * FROM _t")


def us(*args: int, tz: ZoneInfo = IST) -> int:
    return to_us(datetime(*args, tzinfo=tz))  # type: ignore[misc]


def one(calendars: dict[str, ir.Calendar], row: dict[str, int], build: Any) -> dict[str, Any]:
    values = [v for v in row.values()]
    lookups = Lookups(calendars, min(values), max(values))
    return lookups.run([row], build)[0]


# --------------------------------------------------------------------------- by hand


def test_business_hours_skip_the_weekend_and_land_on_the_closing_time() -> None:
    friday_15 = us(2026, 3, 6, 15, 0)
    monday_9 = us(2026, 3, 9, 9, 0)
    row = {"a": friday_15, "b": monday_9, "eight": 8 * 3600 * 10**6, "two": 2 * 3600 * 10**6}
    got = one(
        {"office": OFFICE},
        row,
        lambda t, s: t.add(
            "office",
            t.add("office", t.between("office", s, "a", "b", "el"), "a", "eight", "p8"),
            "a",
            "two",
            "p2",
        ),
    )
    assert got["el"] == 2 * 3600 * 10**6  # Friday 15:00-17:00
    assert got["p8"] == us(2026, 3, 9, 15, 0)  # 2h on Friday, 6h on Monday
    # Friday 15:00 + 2 business hours is the closing time itself, not Monday 09:00
    assert got["p2"] == us(2026, 3, 6, 17, 0)


def test_zero_business_time_is_the_start_even_when_closed() -> None:
    saturday_noon = us(2026, 3, 7, 12, 0)
    got = one(
        {"office": OFFICE},
        {"a": saturday_noon, "zero": 0},
        lambda t, s: t.add("office", s, "a", "zero", "p"),
    )
    assert got["p"] == saturday_noon


def test_holidays_are_closed_and_business_days_skip_them() -> None:
    # Thursday 9 April 2026, 16:00; Good Friday (10 April) and Easter Monday (13 April) are
    # Romanian holidays, so the next open weekday is Tuesday 14 April.
    thursday_16 = us(2026, 4, 9, 16, 0, tz=BUC)
    two = 2 * 3600 * 10**6

    def build(t: CalendarTables, s: str) -> str:
        s = t.add("bucharest", s, "a", "two", "p2")
        s = t.add_days("bucharest", s, "a", 1, "d1")
        return t.end_of_business_day("bucharest", s, "a", "eob")

    got = one({"bucharest": BUCHAREST}, {"a": thursday_16, "two": two}, build)
    # 16:00-17:00 on Thursday; Easter Sunday is a holiday too, so the Sunday hours do not count
    assert got["p2"] == us(2026, 4, 14, 10, 0, tz=BUC)
    assert got["d1"] == us(2026, 4, 14, 16, 0, tz=BUC)  # same clock time, next open day
    assert got["eob"] == us(2026, 4, 9, 17, 0, tz=BUC)  # still open today


def test_a_business_day_after_hours_ends_at_the_closing_time() -> None:
    friday_18 = us(2026, 3, 6, 18, 0)
    got = one(
        {"office": OFFICE}, {"a": friday_18}, lambda t, s: t.add_days("office", s, "a", 1, "d")
    )
    assert got["d"] == us(2026, 3, 9, 17, 0)  # Monday's closing: 18:00 is outside its hours


def test_a_sunday_of_23_hours_counts_23_hours() -> None:
    # Bucharest springs forward on Sunday 29 March 2026 at 03:00 (to 04:00).
    start, end = us(2026, 3, 29, 0, 0, tz=BUC), us(2026, 3, 30, 0, 0, tz=BUC)
    got = one(
        {"bucharest": BUCHAREST},
        {"a": start, "b": end},
        lambda t, s: t.between("bucharest", s, "a", "b", "el"),
    )
    assert got["el"] == 23 * 3600 * 10**6


def test_calendar_points_in_a_zone() -> None:
    t = us(2026, 3, 31, 23, 30, tz=BUC)  # the last half hour of March

    def build(tables: CalendarTables, s: str) -> str:
        for point in ("end_of_day", "end_of_week", "end_of_month"):
            s = tables.point(ir.CalendarPoint(point=point), "Europe/Bucharest", s, "a", point)  # type: ignore[arg-type]
        noon = ir.CalendarPoint(point="time_of_day", time="12:00")
        return tables.point(noon, "Europe/Bucharest", s, "a", "noon")

    got = one({"office": OFFICE}, {"a": t}, build)
    last = timedelta(microseconds=1)
    assert from_us(got["end_of_day"]) == datetime(2026, 4, 1, tzinfo=BUC) - last
    assert from_us(got["end_of_week"]) == datetime(2026, 4, 6, tzinfo=BUC) - last  # Monday 6th
    assert from_us(got["end_of_month"]) == datetime(2026, 4, 1, tzinfo=BUC) - last
    assert got["noon"] == us(2026, 4, 1, 12, 0, tz=BUC)  # today's noon has passed


# --------------------------------------------------------------------------- generated

ZONES = ["Europe/Bucharest", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]
CLOCKS = ["00:00", "01:30", "02:00", "02:30", "03:00", "09:00", "12:00", "13:00", "17:00", "24:00"]


@st.composite
def calendars(draw: Any) -> ir.Calendar:
    week = []
    for day in range(7):
        ends = sorted(draw(st.sets(st.sampled_from(CLOCKS), max_size=4)))
        ranges = tuple((a, b) for a, b in zip(ends[::2], ends[1::2], strict=False) if a < b)
        if ranges:
            week.append(ir.WeekHours(weekday=day, ranges=ranges))
    if not week:
        week.append(ir.WeekHours(weekday=0, ranges=(("09:00", "17:00"),)))
    return ir.Calendar(
        name="c",
        zone=draw(st.sampled_from(ZONES)),
        hours=tuple(week),
        holiday_country=draw(st.sampled_from([None, "RO", "US"])),
        closed_dates=tuple(draw(st.sets(st.sampled_from(["2026-03-09", "2026-03-30"])))),
        open_dates=tuple(draw(st.sets(st.sampled_from(["2026-04-13", "2026-03-08"])))),
    )


#: Around DST changes (New York 8 March, Bucharest 29 March, Lord Howe 5 April 2026) and
#: the Easter holidays.
STARTS = [
    datetime(2026, 3, 7, 20, 0, tzinfo=ZoneInfo("UTC")),
    datetime(2026, 3, 28, 20, 0, tzinfo=ZoneInfo("UTC")),
    datetime(2026, 4, 4, 12, 0, tzinfo=ZoneInfo("UTC")),
    datetime(2026, 4, 9, 10, 0, tzinfo=ZoneInfo("UTC")),
]
INSTANTS = st.builds(
    lambda base, minutes, micro: to_us(base) + minutes * 60 * 10**6 + micro,
    st.sampled_from(STARTS),
    st.integers(0, 6 * 24 * 60),
    st.sampled_from([0, 0, 1, 999_999]),
)
AMOUNTS = st.one_of(
    st.sampled_from([0, 1, 3600 * 10**6, 8 * 3600 * 10**6]),
    st.integers(0, 40 * 3600 * 10**6),
)


def test_end_of_business_day_at_the_closing_instant_is_the_next_open_days() -> None:
    # hours are [open, close): Thursday 9 April 2026 at 17:00 sharp the office is closed, and
    # Good Friday and Easter Monday are holidays, so the day to end is Tuesday 14 April
    def build(t: CalendarTables, s: str) -> str:
        return t.end_of_business_day("bucharest", s, "a", "eob")

    closing = us(2026, 4, 9, 17, 0, tz=BUC)
    assert one({"bucharest": BUCHAREST}, {"a": closing}, build)["eob"] == us(
        2026, 4, 14, 17, 0, tz=BUC
    )
    before = closing - 1
    assert one({"bucharest": BUCHAREST}, {"a": before}, build)["eob"] == closing


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendars(), st.lists(st.tuples(INSTANTS, INSTANTS, AMOUNTS), min_size=1, max_size=12))
def test_lookups_agree_with_the_clock(calendar: ir.Calendar, cases: list[Any]) -> None:
    clock = Clock({"c": calendar})
    rows = [{"a": a, "b": b, "amt": amt} for a, b, amt in cases]
    everything = [v for a, b, _ in cases for v in (a, b)]
    longest = max(amt for _, _, amt in cases) / 1e6
    needed = [hours(longest / 3600, "c"), days(3, "c")]
    lookups = Lookups({"c": calendar}, min(everything), max(everything), needed)

    def build(t: CalendarTables, s: str) -> str:
        s = t.between("c", s, "a", "b", "el")
        s = t.add("c", s, "a", "amt", "ad")
        for n in (1, 3):
            s = t.add_days("c", s, "a", n, f"d{n}")
        s = t.end_of_business_day("c", s, "a", "eob")
        s = t.clock("c", s, "a", "pa", plus=True)
        return t.clock("c", s, "b", "pb", plus=True)

    got = lookups.run(rows, build)
    eob = ir.CalendarPoint(point="end_of_business_day", calendar="c")
    for row in got:
        a, b, amt = row["a"], row["b"], row["amt"]
        assert row["el"] == clock.elapsed(a, b, hours(1, "c"))
        assert row["ad"] == clock.add(a, ir.Duration(seconds=amt / 1e6, calendar="c", unit="hours"))
        assert row["d1"] == clock.add(a, days(1, "c"))
        assert row["d3"] == clock.add(a, days(3, "c"))
        assert row["eob"] == clock.point(a, eob, "UTC")
        # the order-preserving reading orders instants as time does, and halves to the clock
        assert (row["pa"] < row["pb"]) <= (a < b) and (a < b) <= (row["pa"] <= row["pb"])
        assert row["pa"] // 2 - row["pb"] // 2 == -clock.elapsed(a, b, hours(1, "c"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(ZONES),
    st.lists(INSTANTS, min_size=1, max_size=12),
    st.sampled_from(CLOCKS[:-1]),
)
def test_calendar_points_agree_with_the_clock(zone: str, instants: list[int], at: str) -> None:
    clock = Clock({})
    lookups = Lookups({}, min(instants), max(instants))
    points = [
        ir.CalendarPoint(point="end_of_day"),
        ir.CalendarPoint(point="end_of_week"),
        ir.CalendarPoint(point="end_of_month"),
        ir.CalendarPoint(point="time_of_day", time=at),
    ]

    def build(t: CalendarTables, s: str) -> str:
        for i, point in enumerate(points):
            s = t.point(point, zone, s, "a", f"p{i}")
        return s

    for row in lookups.run([{"a": a} for a in instants], build):
        for i, point in enumerate(points):
            assert row[f"p{i}"] == clock.point(row["a"], point, zone), point
