"""DuckDB engine, loading: events into the table `events` (ord, ts, seq, type, id, file, line,
attrs JSON), in processing order.

Events in memory (a Gherkin scenario, a test) and log files read by the Python readers arrive as
Arrow batches. An attribute holding an instant (an XES date) is written as a JSON object with the
single key `catalog.INSTANT_KEY` and the instant in µs, so that the plans read it as an instant.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

import orjson
import pyarrow as pa

from cxrules.engines.base import EventList, RunOptions, Source, reading_of
from cxrules.engines.sql.catalog import INSTANT_KEY
from cxrules.findings.assemble import Reading
from cxrules.logs import LogSet
from cxrules.logs.event import Event
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
    _load(con, logs.events(sorted=True, progress=options.progress))
    return reading_of(logs)


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


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return {INSTANT_KEY: to_us(value)} if value.tzinfo is not None else value.isoformat()
    return str(value)


def attrs_json(attrs: dict[str, Any]) -> str:
    """An event's attributes as JSON text (instants tagged, non-finite floats as JSON's
    extensions NaN and Infinity, which DuckDB reads as doubles)."""
    try:
        return orjson.dumps(attrs, default=_default, option=orjson.OPT_PASSTHROUGH_DATETIME).decode(
            "utf-8"
        )
    except TypeError:  # keys that are not text, integers beyond 64 bits
        return json.dumps(attrs, default=_default, ensure_ascii=False)


def _has_special_float(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_has_special_float(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_special_float(v) for v in value)
    return False
