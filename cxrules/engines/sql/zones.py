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

from cxrules.engines.sql.text import lit
from cxrules.ir.reading import INSTANT_TEXT
from cxrules.time.instants import from_us, to_us
from cxrules.time.zones import zone as lookup

US = 1_000_000
#: How far around the events' time range transitions are looked up (deadlines, end of month…).
MARGIN = timedelta(days=800)


@dataclass
class Transitions:
    """A zone's UTC offsets over a range: `offsets[0]` before `instants[0]`, `offsets[i + 1]`
    from `instants[i]` on (instants and offsets in µs)."""

    instants: list[int]
    offsets: list[int]


def transitions(zone: str, start_us: int, end_us: int) -> Transitions:
    """The offset changes of `zone` between two instants (found day by day, then to the
    second by bisection)."""
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
    return Transitions(instants, offsets)


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
        return cls(first - margin, last + margin)

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
        into column `out` (as `parse_instant`, without repeating the text in one expression):
        each level keeps every column of the one below (`*`) and adds these."""
        rx = lit(INSTANT_TEXT)
        pre = f"_{out}"
        groups = [f"regexp_extract({s}, {rx}, {n}) AS {pre}_g{n}" for n in range(1, 9)] + [
            f"regexp_full_match({s}, {rx}) AS {pre}_ok"
        ]

        def g(n: int) -> str:
            return f"{pre}_g{n}"

        stamp = (
            f"TRY_CAST({g(1)} || '-' || {g(2)} || '-' || {g(3)} || ' ' || "
            f"coalesce(nullif({g(4)}, ''), '00') || ':' || coalesce(nullif({g(5)}, ''), '00') "
            f"|| ':' || coalesce(nullif({g(6)}, ''), '00') AS TIMESTAMP)"
        )
        valid = (
            f"({pre}_ok AND coalesce(nullif({g(4)}, ''), '00') < '24' AND "
            f"coalesce(nullif({g(6)}, ''), '00') < '60')"
        )
        wall = [
            f"CASE WHEN {valid} THEN epoch_us({stamp}) + CASE WHEN {g(7)} = '' THEN 0 ELSE "
            f"CAST(rpad({g(7)}, 6, '0') AS BIGINT) END END AS {pre}_w",
            f"CASE WHEN {g(8)} = '' THEN NULL WHEN {g(8)} = 'Z' THEN 0 ELSE "
            f"(CASE WHEN substr({g(8)}, 1, 1) = '-' THEN -1 ELSE 1 END) * "
            f"(CAST(substr({g(8)}, 2, 2) AS BIGINT) * 3600 + CAST(substr({g(8)}, 5, 2) AS BIGINT) "
            f"* 60) * {US} END AS {pre}_o",
        ]
        result = [
            f"CASE WHEN {pre}_w IS NULL THEN NULL WHEN {pre}_o IS NULL THEN "
            f"{self.wall_to_utc(pre + '_w', zone)} ELSE {pre}_w - {pre}_o END AS {out}"
        ]
        return [groups, wall, result]

    def parse_instant(self, s: str, zone: str) -> str:
        """SQL BIGINT µs or NULL: an ISO 8601 text as an instant (`values.INSTANT_TEXT`); a
        naive one is a wall clock in `zone`; an impossible date or time is NULL."""
        rx = lit(INSTANT_TEXT)

        def group(n: int) -> str:
            return f"regexp_extract({s}, {rx}, {n})"

        fraction = f"rpad({group(7)}, 6, '0')"
        stamp = (
            f"TRY_CAST(format('{{}}-{{}}-{{}} {{}}:{{}}:{{}}', {group(1)}, {group(2)}, {group(3)}, "
            f"coalesce(nullif({group(4)}, ''), '00'), coalesce(nullif({group(5)}, ''), '00'), "
            f"coalesce(nullif({group(6)}, ''), '00')) AS TIMESTAMP)"
        )
        wall = (
            f"(epoch_us({stamp}) + CASE WHEN {group(7)} = '' THEN 0 ELSE "
            f"CAST({fraction} AS BIGINT) END)"
        )
        zone_text = group(8)
        offset = (
            f"CASE WHEN {zone_text} = 'Z' THEN 0 ELSE (CASE WHEN substr({zone_text}, 1, 1) = '-' "
            f"THEN -1 ELSE 1 END) * (CAST(substr({zone_text}, 2, 2) AS BIGINT) * 3600 + "
            f"CAST(substr({zone_text}, 5, 2) AS BIGINT) * 60) * {US} END"
        )
        hours_ok = (
            f"(coalesce(nullif({group(4)}, ''), '00') < '24' AND "
            f"coalesce(nullif({group(6)}, ''), '00') < '60')"
        )
        return (
            f"(CASE WHEN regexp_full_match({s}, {rx}) AND {hours_ok} AND {stamp} IS NOT NULL "
            f"THEN CASE WHEN {zone_text} = '' THEN {self.wall_to_utc(wall, zone)} "
            f"ELSE {wall} - ({offset}) END END)"
        )
