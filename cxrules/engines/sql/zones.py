"""SQL plans, zones: local time in SQL as lookups computed once from the zone database.

The plans never call a database's time-zone functions (their tz data and DST rules may differ from
Python's zoneinfo, and Spark's session zone must not matter). Instead, for every zone a run uses,
the UTC offset transitions over the run's time range are read from zoneinfo here and written
into the SQL as a ladder of CASE branches: the offset at an instant, and the instant of a local
wall clock time with Python's `fold=0` rule (a wall time in the DST gap takes the offset before
the change; a repeated hour is its first pass).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from cxrules.engines.sql.text import DAY_US, lit, to_end
from cxrules.ir.reading import INSTANT_TEXT
from cxrules.time.instants import FIRST_US, LAST_US, MAX_US, MIN_US, from_us, to_us
from cxrules.time.zones import zone as lookup

US = 1_000_000
#: How far around the events' time range transitions are looked up (deadlines, end of month…).
MARGIN = timedelta(days=800)


@dataclass(frozen=True)
class Transitions:
    """A zone's UTC offsets over a range: `offsets[0]` before `instants[0]`, `offsets[i + 1]`
    from `instants[i]` on (instants and offsets in µs)."""

    instants: tuple[int, ...]
    offsets: tuple[int, ...]


@lru_cache(maxsize=128)
def transitions(zone: str, start_us: int, end_us: int) -> Transitions:
    """The offset changes of `zone` between two instants (found day by day, then to the
    second by bisection). Remembered: the runs of one process (a Gherkin suite's scenarios)
    mostly ask for the same zone over the same range."""
    tz = lookup(zone)
    start = max(from_us(start_us), datetime(1, 1, 3, tzinfo=UTC))
    end = min(from_us(end_us), datetime(9999, 12, 29, tzinfo=UTC))

    def offset(t: datetime) -> int:
        delta = t.astimezone(tz).utcoffset()
        assert delta is not None
        return delta // timedelta(microseconds=1)

    instants: list[int] = []
    offsets = [offset(start)]
    day = timedelta(days=1)
    t = start
    while t < end:
        nxt = min(t + day, end)
        if offset(nxt) != offsets[-1]:
            lo, hi = t, nxt  # offset(lo) is the old one, offset(hi) the new
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                mid = mid.replace(microsecond=0)
                if mid <= lo:
                    mid = lo + timedelta(seconds=1)
                if offset(mid) == offsets[-1]:
                    lo = mid
                else:
                    hi = mid
            instants.append(to_us(hi))
            offsets.append(offset(hi))
        t = nxt
    return Transitions(tuple(instants), tuple(offsets))


@dataclass
class ZoneTables:
    """The zones of one run over its time range (µs), rendered as SQL on demand."""

    start_us: int
    end_us: int
    cache: dict[str, Transitions] = field(default_factory=dict)

    @classmethod
    def around(cls, first_us: int | None, last_us: int | None) -> ZoneTables:
        now = to_us(datetime(2000, 1, 1, tzinfo=UTC))
        first = first_us if first_us is not None else now
        last = last_us if last_us is not None else first
        margin = MARGIN // timedelta(microseconds=1)
        # within the instants a datetime holds (a log at the end of time has no margin past it)
        return cls(max(first - margin, MIN_US), min(last + margin, MAX_US))

    def reach(self, end_us: int) -> None:
        """Cover the range up to `end_us` too (a deadline set years after the log: `700 business
        days` turns a local clock time of that far date into an instant)."""
        end = min(end_us + 3 * DAY_US, MAX_US)
        if end > self.end_us:
            self.end_us = end
            self.cache.clear()

    def of(self, zone: str) -> Transitions:
        found = self.cache.get(zone)
        if found is None:
            found = self.cache[zone] = transitions(zone, self.start_us, self.end_us)
        return found

    def offset(self, ts: str, zone: str) -> str:
        """SQL BIGINT: the UTC offset (µs) of `zone` at the instant `ts`."""
        tr = self.of(zone)
        if not tr.instants:
            return str(tr.offsets[0])
        branches = " ".join(
            f"WHEN {ts} < {at} THEN {off}" for at, off in zip(tr.instants, tr.offsets, strict=False)
        )
        return f"(CASE {branches} ELSE {tr.offsets[-1]} END)"

    def with_offset(self, select: str, zone: str) -> str:
        """The SELECT with a column `off`: the offset at each row's `ts` in `zone`."""
        return f"SELECT *, {self.offset('ts', zone)} AS off FROM ({select})"

    def wall_to_utc(self, wall: str, zone: str) -> str:
        """SQL BIGINT: the instant of the local wall clock `wall` (µs since 1970 as if UTC) in
        `zone`, by Python's fold=0 rule."""
        tr = self.of(zone)
        if not tr.instants:
            return f"({wall} - {tr.offsets[0]})"
        branches = []
        for i, at in enumerate(tr.instants):
            before, after = tr.offsets[i], tr.offsets[i + 1]
            boundary = at + max(before, after)
            branches.append(f"WHEN {wall} < {boundary} THEN {wall} - {before}")
        return f"(CASE {' '.join(branches)} ELSE {wall} - {tr.offsets[-1]} END)"

    def instant_levels(self, s: str, out: str, zone: str) -> list[list[str]]:
        """The columns of successive SELECT levels that read the text column `s` as an instant
        into column `out` (`values.INSTANT_TEXT`; naive text is a wall clock in `zone`; an
        impossible date or time is NULL), in integer arithmetic every SQL dialect has: each
        level keeps the columns of the one below (`*`) and adds these."""
        rx = lit(to_end(INSTANT_TEXT))
        pre = f"_{out}"

        def g(n: int) -> str:
            return f"{pre}_g{n}"

        def number(n: int, default: str = "0") -> str:
            return f"CAST(coalesce(nullif({g(n)}, ''), '{default}') AS BIGINT)"

        # the groups are extracted only from a text that matches (most texts read as instants
        # are no time at all: names, ids); a group of a text that does not is NULL
        matches = [f"coalesce(regexp_matches({s}, {rx}), FALSE) AS {pre}_ok"]
        groups = [
            f"CASE WHEN {pre}_ok THEN regexp_extract({s}, {rx}, {n}) END AS {pre}_g{n}"
            for n in range(1, 9)
        ]
        parts = [
            f"{number(1)} AS {pre}_y",
            f"{number(2)} AS {pre}_m",
            f"{number(3)} AS {pre}_d",
            f"{number(4)} * 3600 + {number(5)} * 60 + {number(6)} AS {pre}_sec",
            f"{number(4)} < 24 AND {number(6)} < 60 AS {pre}_clock_ok",
            f"CASE WHEN {g(7)} = '' THEN 0 ELSE CAST(rpad({g(7)}, 6, '0') AS BIGINT) END "
            f"AS {pre}_us",
            f"CASE WHEN {g(8)} = '' THEN NULL WHEN {g(8)} = 'Z' THEN 0 ELSE "
            f"(CASE WHEN substr({g(8)}, 1, 1) = '-' THEN -1 ELSE 1 END) * "
            f"(CAST(substr({g(8)}, 2, 2) AS BIGINT) * 3600 + CAST(substr({g(8)}, 5, 2) AS BIGINT) "
            f"* 60) * {US} END AS {pre}_o",
        ]
        y, m, d = f"{pre}_y", f"{pre}_m", f"{pre}_d"
        leap = f"(({y} % 4 = 0 AND {y} % 100 <> 0) OR {y} % 400 = 0)"
        month_days = (
            f"CASE WHEN {m} = 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END "
            f"WHEN {m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END"
        )
        valid = (
            f"{pre}_ok AND {pre}_clock_ok AND {y} >= 1 AND {m} BETWEEN 1 AND 12 "
            f"AND {d} BETWEEN 1 AND {month_days}"
        )
        # days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil), years 1 to 9999
        yy = f"({y} - CASE WHEN {m} <= 2 THEN 1 ELSE 0 END)"
        doy = f"((153 * ({m} + CASE WHEN {m} > 2 THEN -3 ELSE 9 END) + 2) // 5 + {d} - 1)"
        yoe = f"({yy} % 400)"
        doe = f"({yoe} * 365 + {yoe} // 4 - {yoe} // 100 + {doy})"
        days = f"(({yy} // 400) * 146097 + {doe} - 719468)"
        wall = [
            f"CASE WHEN {valid} THEN ({days} * 86400 + {pre}_sec) * {US} + {pre}_us END AS {pre}_w"
        ]
        utc = (
            f"CASE WHEN {pre}_w IS NULL THEN NULL WHEN {pre}_o IS NULL THEN "
            f"{self.wall_to_utc(pre + '_w', zone)} ELSE {pre}_w - {pre}_o END"
        )
        # an instant outside the range every zone can show is no time (values.read_instant)
        result = [f"CASE WHEN ({utc}) BETWEEN {FIRST_US} AND {LAST_US} THEN ({utc}) END AS {out}"]
        return [matches, groups, parts, wall, result]

    def parse_instant(self, s: str, zone: str) -> str:
        """SQL BIGINT µs or NULL: a text (any expression) as an instant, by the rules of
        `instant_levels`, in one expression (used only where a text is computed, not read from
        an attribute: the expression repeats its input)."""
        levels = self.instant_levels("_text", "_parsed", zone)
        sql = f"SELECT {s} AS _text"
        for level in levels:
            sql = f"SELECT *, {', '.join(level)} FROM ({sql})"
        return f"(SELECT _parsed FROM ({sql}))"
