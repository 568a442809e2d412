"""DuckDB engine, ingestion: the batch loop shared by the formats DuckDB reads itself.

A route (jsonl.py, csvfile.py) says how a batch of lines becomes staging rows in one INSERT:
an event for each line DuckDB can judge exactly, the bytes of every other line. This loop then
hands those lines, in file order, to the Python readers (through the route's `item`), lets the
events of the lines without one (blank or rejected) close ranks, and moves on.

`Event.seq` and the staging `ord` of a line's event are its file's base plus the number of
events before it in the file: DuckDB writes `base + (line - first)`, as if every line of the
batch made an event, and the few lines that make none are subtracted afterwards.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from cxrules.engines.duckdb.lines import Batch, FileBytes, Flags, Prefetch, batches
from cxrules.engines.duckdb.pyroute import NAIVE_EPOCH, Judge, Sink
from cxrules.engines.duckdb.sql import STAGE, ZONES
from cxrules.engines.duckdb.zones import IrregularZone, hour_offsets
from cxrules.logs.logset import SEQ_SHIFT, LogInput
from cxrules.logs.readers import Item

if TYPE_CHECKING:
    import duckdb


class Fallback(Exception):
    """The file cannot be read natively after all; read it with the Python readers."""


class Route(ABC):
    """How one input's batches are read natively."""

    #: lines at the start of the file that are no records (a CSV header)
    skip = 0

    def __init__(self, log: LogInput, index: int, offset: int, sink: Sink) -> None:
        self.log = log
        self.index = index
        self.offset = offset  # events of the inputs before
        self.judge = Judge(log, index, offset, sink)

    @abstractmethod
    def flags(self) -> Flags:
        """Which lines of a batch DuckDB must leave to the Python readers."""

    def check(self, batch: Batch) -> None:  # noqa: B027 (most routes need no check)
        """Raise Fallback when the batch shows the file cannot be read natively."""

    def table(self, batch: Batch) -> pa.Table:
        """The batch's table as DuckDB reads it (registered as `_cx_in`)."""
        return batch.table

    @abstractmethod
    def insert(self, con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> None:
        """Run the INSERT of the batch registered as `_cx_in` (and any query before it)."""

    @abstractmethod
    def item(self, data: bytes, number: int) -> Item | None:
        """What the Python reader makes of line `number` (bytes `data`); None: no record."""


def read(
    con: duckdb.DuckDBPyConnection,
    route: Route,
    on_bytes: Callable[[int], None] | None = None,
) -> tuple[str, int]:
    """Read one input through `route` into the staging table; returns its SHA-256 and the
    number of records DuckDB accepted itself. `on_bytes` hears, after each batch, how many
    bytes of the file as stored have been read. Raises Fallback."""
    log, index = route.log, route.index
    judge = route.judge
    base = index << SEQ_SHIFT
    position = 0  # events of this file so far
    native = 0
    source = FileBytes(log.file, log.label)
    flags = route.flags()
    reader = Prefetch(lambda: batches(source, log.max_record, flags), depth=1)
    try:
        for batch in reader:
            route.check(batch)
            skipped = max(0, min(route.skip - batch.first + 1, batch.count))
            first = batch.first + skipped  # the first line that may be a record
            last = batch.first + batch.count - 1
            params = {
                "input": index,
                "base": base + position,
                "ordbase": route.offset + position,
                "first": first,
                "label": log.label,
            }
            con.register("_cx_in", route.table(batch))
            route.insert(con, params)
            con.unregister("_cx_in")
            span = {"input": index, "first": first, "last": last}
            slow = con.execute(
                f"""SELECT line, raw FROM {STAGE} WHERE input = $input AND raw IS NOT NULL
                AND line BETWEEN $first AND $last ORDER BY line""",
                span,
            ).fetchall()
            if slow:
                con.execute(
                    f"DELETE FROM {STAGE} WHERE input = $input AND raw IS NOT NULL",
                    {"input": index},
                )
            gaps: list[int] = []
            made = 0
            for number, data in slow:
                held = batch.held.get(number)
                item = route.item(held.head if held else data, number)
                at = position + (number - first) - len(gaps)
                count = 0 if item is None else judge.item(item, at)
                if count == 0:
                    gaps.append(number)
                made += count
            if gaps:
                _close_gaps(con, index, gaps, last)
            fast = batch.count - skipped - len(slow)
            native += fast
            log.read += fast
            log.accepted += fast
            if len(judge.rows):
                con.register("_cx_py", judge.rows.batch())
                con.execute(f"INSERT INTO {STAGE} SELECT * FROM _cx_py")
                con.unregister("_cx_py")
            position += fast + made
            if on_bytes is not None:
                on_bytes(source.raw.handle.tell())
        if source.cut:  # the Python readers say what the cut loses, record by record
            raise Fallback("the gzip file ends mid-stream")
        return source.sha256(), native
    finally:
        reader.close()
        source.close()


def _close_gaps(con: duckdb.DuckDBPyConnection, index: int, gaps: list[int], last: int) -> None:
    """Lines without an event (blank or rejected) take no position: the events after them
    move up."""
    con.register("_cx_gaps", pa.table({"line": pa.array(gaps, pa.int64())}))
    con.execute(
        f"""UPDATE {STAGE} SET seq = s.seq - s.before, ord = s.ord - s.before
        FROM (
          SELECT st.line, st.seq, st.ord,
            (SELECT count(*) FROM _cx_gaps g WHERE g.line < st.line) AS before
          FROM {STAGE} st WHERE st.input = $input AND st.line > $gap AND st.line <= $last
        ) s
        WHERE {STAGE}.input = $input AND {STAGE}.line = s.line""",
        {"input": index, "gap": gaps[0], "last": last},
    )
    con.unregister("_cx_gaps")


def zone_hours(con: duckdb.DuckDBPyConnection, name: str, tz: tzinfo, prefixes: set[str]) -> None:
    """Add the zone table's rows for local hours ('YYYY-MM-DD?HH') it does not have yet."""
    hours = set()
    for prefix in prefixes:
        try:
            start = datetime(
                int(prefix[:4]), int(prefix[5:7]), int(prefix[8:10]), int(prefix[11:13])
            )
        except ValueError:
            continue  # not a time DuckDB will accept either
        hours.add((start - NAIVE_EPOCH) // timedelta(hours=1))
    zone_hour_numbers(con, name, tz, hours)


def zone_hour_numbers(
    con: duckdb.DuckDBPyConnection, name: str, tz: tzinfo, hours: set[int]
) -> None:
    """Add the zone table's rows for local hours (numbered from 1970-01-01T00) it lacks."""
    known = con.execute(f"SELECT hour FROM {ZONES} WHERE zone = $zone", {"zone": name}).fetchall()
    new = sorted(hours - {hour for (hour,) in known})
    if not new:
        return
    try:
        rows = [hour_offsets(tz, hour) for hour in new]
    except IrregularZone as exc:
        raise Fallback(str(exc)) from None
    table = pa.table(
        {
            "zone": pa.array([name] * len(rows), pa.string()),
            "hour": pa.array([r[0] for r in rows], pa.int64()),
            "off0": pa.array([r[1] for r in rows], pa.int64()),
            "boundary": pa.array([r[2] for r in rows], pa.int64()),
            "off1": pa.array([r[3] for r in rows], pa.int64()),
        }
    )
    con.register("_cx_new_hours", table)
    con.execute(f"INSERT INTO {ZONES} SELECT * FROM _cx_new_hours")
    con.unregister("_cx_new_hours")
