"""DuckDB engine, ingestion: the differential check, the events table against a Python read.

    python_side = python_read(lambda: LogSet([open_log(path, mapping)]))
    duckdb_side = duckdb_read(lambda: LogSet([open_log(path, mapping)]))
    assert differences(python_side, duckdb_side) == []

Events are compared field by field; attributes after a JSON round trip, strictly (an int is
not a float, True is not 1), with datetimes as their ISO text.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import duckdb

from cxrules.engines.duckdb.ingest import ingest
from cxrules.engines.duckdb.pyroute import EPOCH, US
from cxrules.engines.sql.catalog import INSTANT_KEY
from cxrules.logs.event import Rejected
from cxrules.logs.logset import LogSet
from cxrules.logs.profile import LogProfile
from cxrules.time.instants import to_us

EventRow = tuple[int, int, str, str, str, int, Any]


@dataclass
class Snapshot:
    """Everything a read produces that the engine relies on."""

    events: list[EventRow]
    summaries: list[dict[str, Any]]
    rejected: list[Rejected]
    rejected_total: int
    duplicate_samples: list[Rejected]
    routes: list[str] = field(default_factory=list)
    profile: LogProfile | None = None


def _plain(value: Any) -> Any:
    """A Python attribute value as it reads back from the JSON of the events table."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return {INSTANT_KEY: to_us(value)}
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def python_read(make_logs: Callable[[], LogSet]) -> Snapshot:
    """The reference: `LogSet.events(sorted=True)` and the counts it leaves."""
    logs = make_logs()
    events = [
        (
            (event.time - EPOCH) // US,
            event.seq,
            event.type,
            event.id,
            event.file,
            event.line,
            _plain(event.attrs),
        )
        for event in logs.events(sorted=True)
    ]
    return Snapshot(
        events,
        [s.model_dump() for s in logs.summaries()],
        list(logs.rejected),
        logs.rejected_total,
        list(logs.duplicate_samples),
        profile=logs.profile,
    )


def duckdb_read(
    make_logs: Callable[[], LogSet],
    con: duckdb.DuckDBPyConnection | None = None,
    **options: Any,
) -> Snapshot:
    """The events table made by `ingest`, and what it returned."""
    con = con or duckdb.connect()
    logs = make_logs()
    done = ingest(con, logs, **options)
    rows = con.execute(
        "SELECT ord, ts, seq, type, id, file, line, attrs FROM events ORDER BY ord"
    ).fetchall()
    if [row[0] for row in rows] != list(range(len(rows))):
        raise AssertionError("ord is not 0..n-1")
    events = [(*row[1:7], json.loads(row[7])) for row in rows]
    return Snapshot(
        events,
        [s.model_dump() for s in done.summaries],
        done.rejected,
        done.rejected_total,
        done.duplicate_samples,
        list(done.routes),
        profile=logs.profile,
    )


def same(a: Any, b: Any) -> bool:
    """Strict equality: same types, same values (floats by value, NaN equal to NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (
            a == b and math.copysign(1, a) == math.copysign(1, b)
        )
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def differences(expected: Snapshot, got: Snapshot, limit: int = 10) -> list[str]:
    """What differs between two reads (empty when they agree)."""
    found: list[str] = []
    if len(expected.events) != len(got.events):
        found.append(f"{len(expected.events)} events expected, {len(got.events)} in the table")
    for number, (want, have) in enumerate(zip(expected.events, got.events, strict=False)):
        if not same(want, have):
            found.append(f"event {number}: expected {want!r}, got {have!r}")
            if len(found) >= limit:
                return found
    for name in ("summaries", "rejected", "rejected_total", "duplicate_samples", "profile"):
        want, have = getattr(expected, name), getattr(got, name)
        if want != have:
            found.append(f"{name}: expected {want!r}, got {have!r}")
    return found
