"""DuckDB engine, loading: events into the table `events` (ord, ts, seq, type, id, file, line,
attrs JSON), in processing order.

Events in memory (a Gherkin scenario, a test) and log files read by the Python readers arrive as
Arrow batches. An attribute holding an instant (an XES date) is written as a JSON object with the
single key `catalog.INSTANT_KEY` and the instant in µs, so that the plans read it as an instant.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa

from cxrules.engines.base import EventList, RunOptions, Source, database_memory
from cxrules.engines.duckdb.ingest import ingest
from cxrules.engines.duckdb.pyroute import attrs_json
from cxrules.findings.assemble import Reading
from cxrules.logs import LogSet
from cxrules.logs.event import Event
from cxrules.reports.model import RejectedRecord
from cxrules.time.instants import to_us

SCHEMA = pa.schema(
    [
        ("ord", pa.int64()),
        ("ts", pa.int64()),
        ("seq", pa.int64()),
        ("type", pa.string()),
        ("id", pa.string()),
        ("file", pa.string()),
        ("line", pa.int64()),
        ("attrs", pa.string()),
    ]
)
BATCH = 65_536


def load_events(con: Any, source: Source, options: RunOptions) -> Reading | None:
    """Create `events` from the source; the readers' counts when it is a set of log files."""
    if isinstance(source, EventList):
        ordered = sorted(source.events, key=lambda e: e.time)
        _load(con, ordered)
        return None
    logs: LogSet = source
    settings = options.settings
    done = ingest(
        con,
        logs,
        memory_limit=database_memory(settings),
        temp_directory=settings.get("temp_directory"),
        threads=int(settings["threads"]) if settings.get("threads") else None,
        progress=options.progress,
    )
    rejected = [
        RejectedRecord(file=r.file, line=r.line, code=r.code, reason=r.reason, sample=r.sample)
        for r in sorted(done.rejected, key=lambda r: (r.file, r.line))
    ]
    # every rejected record counted by code, also beyond the kept list
    complete = sum(done.rejected_by_code.values()) == done.rejected_total
    return Reading(
        inputs=done.summaries,
        rejected=rejected,
        rejected_total=done.rejected_total,
        rejected_by_code=dict(sorted(done.rejected_by_code.items())) if complete else {},
    )


def _load(con: Any, events: Iterable[Event]) -> None:
    reader = pa.RecordBatchReader.from_batches(SCHEMA, _batches(events))
    con.register("_cx_incoming", reader)
    try:
        con.execute(
            "CREATE OR REPLACE TABLE events AS SELECT ord, ts, seq, type, id, file, line, "
            "CAST(attrs AS JSON) AS attrs FROM _cx_incoming ORDER BY ord"
        )
    finally:
        con.unregister("_cx_incoming")


def _batches(events: Iterable[Event]) -> Iterator[pa.RecordBatch]:
    columns: list[list[Any]] = [[] for _ in SCHEMA]
    for n, e in enumerate(events):
        values = (n, to_us(e.time), e.seq, e.type, e.id, e.file, e.line, attrs_json(e.attrs))
        for column, value in zip(columns, values, strict=True):
            column.append(value)
        if len(columns[0]) >= BATCH:
            yield pa.record_batch(columns, schema=SCHEMA)
            columns = [[] for _ in SCHEMA]
    if columns[0]:
        yield pa.record_batch(columns, schema=SCHEMA)
