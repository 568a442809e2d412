"""DuckDB engine, ingestion: log inputs read into a DuckDB table of events, in processing order.

`ingest(con, logs)` creates the table `events` (ord, ts, seq, type, id, file, line, attrs) that
holds exactly what `logs.events(sorted=True)` yields, and returns what a Python read leaves in
`LogInput.summary()`, `LogSet.rejected` and `LogSet.duplicate_samples`:

    con = duckdb.connect()
    done = ingest(con, LogSet([open_log("week.jsonl.gz", mapping)]), memory_limit="1GB")
    done.summaries, done.rejected, done.rejected_by_code, done.duplicate_samples

Each input takes one route (`Ingested.routes`): `jsonl:duckdb` and `csv:duckdb` read the lines
in DuckDB and hand the records DuckDB cannot judge exactly to the Python readers (jsonl.py,
csvfile.py, native.py); `parquet:duckdb` reads a Parquet file with `read_parquet`
(parquetfile.py); `python` reads the whole file with the Python readers (`LogInput.entries`) and
hands the events to DuckDB as Arrow batches (pyroute.py). Rows meet in a staging table; DuckDB
then drops the duplicates (the first in processing order is kept) and numbers the events in
(time, file order, position in the file) order, without a sort when they arrived in that order.
docs/duckdb-ingest.md describes the contract and where ingest and the Python readers differ.

Table `events`: `ord` BIGINT 0..n-1; `ts` BIGINT, µs since 1970-01-01 UTC; `seq` BIGINT,
`Event.seq`; `type`, `id`, `file` VARCHAR; `line` BIGINT; `attrs` JSON, `Event.attrs` as an
object (how non-JSON values are written: see pyroute.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from cxrules.engines.duckdb.csvfile import CsvPlan, CsvRoute
from cxrules.engines.duckdb.jsonl import JsonlPlan, JsonlRoute
from cxrules.engines.duckdb.native import Fallback, read
from cxrules.engines.duckdb.parquetfile import ParquetPlan, read_parquet_native
from cxrules.engines.duckdb.pyroute import (
    EPOCH,
    NAIVE_EPOCH,
    Sink,
    show_time,
    whole_file,
)
from cxrules.engines.duckdb.sql import (
    EVENT_COLUMNS,
    HELPER_COLUMNS,
    STAGE,
    ZONES,
    ident,
    literal,
    stage_ddl,
    zones_ddl,
)
from cxrules.engines.sql.catalog import INSTANT_KEY
from cxrules.logs.event import Rejected
from cxrules.logs.logset import LogInput, LogSet
from cxrules.logs.profile import LogProfile
from cxrules.logs.progress import NO_PROGRESS, Progress
from cxrules.reports.model import InputSummary
from cxrules.time.parse import make_parser
from cxrules.time.zones import zone

if TYPE_CHECKING:
    import duckdb

Route = Literal["jsonl:duckdb", "csv:duckdb", "parquet:duckdb", "python"]


@dataclass
class Ingested:
    """What reading the inputs left besides the events table (the Python readers' counts)."""

    events: int
    summaries: list[InputSummary]
    rejected: list[Rejected]
    rejected_total: int
    rejected_by_code: dict[str, int]
    duplicate_samples: list[Rejected]
    duplicates_total: int
    routes: list[Route] = field(default_factory=list)
    native: list[int] = field(default_factory=list)  # records DuckDB accepted itself, per input


def ingest(
    con: duckdb.DuckDBPyConnection,
    logs: LogSet,
    *,
    max_rejected: int | None = None,
    duplicates: Literal["log", "instant"] | None = None,
    memory_limit: str | None = None,
    temp_directory: str | None = None,
    threads: int | None = None,
    table: str = "events",
    native: bool = True,
    progress: Progress = NO_PROGRESS,
) -> Ingested:
    """Read every input of `logs` into the table `table` (replaced if it exists).

    `max_rejected` (default: the LogSet's) caps the rejected records kept per input and the
    duplicate samples kept in all; every one is counted. `duplicates` (default: the LogSet's)
    says where duplicates are looked for: the whole log, or one instant. `memory_limit`,
    `temp_directory` and `threads` are DuckDB settings ('1GB', a folder to spill to).
    `native=False` reads every input with the Python readers (for comparisons). `progress`
    hears the phase 'reading' and the bytes read as the files are read.

    The inputs' counters (`LogInput.read`, ..., `first`, `last`) and the LogSet's `rejected`
    and `duplicate_samples` are left as a sorted Python read leaves them. The connection's
    `preserve_insertion_order` is set while reading (the staging table keeps the order rows
    arrive in) and given back its former value after: the plans order every window and query
    they need ordered, and run faster without it (the engine connects without it).
    """
    cap = logs.max_rejected if max_rejected is None else max_rejected
    scope = duplicates or logs.duplicate_scope
    ordered = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
    _configure(con, memory_limit, temp_directory, threads)
    con.execute(stage_ddl())
    con.execute(zones_ddl())
    sinks: list[Sink] = []
    routes: list[Route] = []
    native_counts: list[int] = []
    hashes: list[str | None] = []
    total, before = logs.total_bytes, 0
    progress.phase("reading")

    def on_bytes(position: int) -> None:
        progress.read(min(before + position, total), total)

    try:
        offset = 0
        for index, log in enumerate(logs.inputs):
            log.index = index
            sink = Sink(cap)
            route, sha, count = _read(con, log, index, offset, sink, native, on_bytes)
            before += log.size
            progress.read(min(before, total), total)
            events, keyed = _count(con, index, len(log.mapping.duplicate_key))
            if route != "python" and log.accepted and not keyed:
                _no_such_field(log)
            offset += events
            native_counts.append(count)
            sinks.append(sink)
            routes.append(route)
            hashes.append(sha)
        result = _finish(con, logs, table, cap, scope, sinks, hashes)
    finally:
        for name in (STAGE, ZONES, "_cx_dup", "_cx_sorted"):
            con.execute(f"DROP TABLE IF EXISTS {name}")
        if ordered is not None:
            con.execute(f"SET preserve_insertion_order = {'true' if ordered[0] else 'false'}")
    result.routes = routes
    result.native = native_counts
    return result


def _configure(
    con: duckdb.DuckDBPyConnection,
    memory_limit: str | None,
    temp_directory: str | None,
    threads: int | None,
) -> None:
    con.execute("SET preserve_insertion_order = true")
    if memory_limit is not None:
        con.execute(f"SET memory_limit = {literal(memory_limit)}")
    if temp_directory is not None:
        con.execute(f"SET temp_directory = {literal(temp_directory)}")
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")


def _count(con: duckdb.DuckDBPyConnection, index: int, parts: int) -> tuple[int, bool]:
    """The events of input `index` in the staging table, and whether every part of its
    `duplicate_key` (`parts` of them) has a value in some event ('z' marks a missing one)."""
    seen = "".join(f", bool_or(dkey[{n + 2}] <> 'z')" for n in range(parts))
    [(found, *keyed)] = con.execute(
        f"SELECT count(*){seen} FROM {STAGE} WHERE input = ?", [index]
    ).fetchall()
    return int(found), all(keyed)


def _no_such_field(log: LogInput) -> None:
    """A `duplicate_key` name no event of a natively read input has a value for: the Python
    readers raise E410 for it after reading the input (with a did-you-mean drawn from the
    events' fields); read the input again with them, so that the error is theirs, word for
    word. (Had they found every name after all, their read leaves the same counters.)"""
    for _entry in log.entries([], 0):
        pass


def _read(
    con: duckdb.DuckDBPyConnection,
    log: LogInput,
    index: int,
    offset: int,
    sink: Sink,
    native: bool,
    on_bytes: Callable[[int], None] | None = None,
) -> tuple[Route, str | None, int]:
    log.reset()
    routes: list[tuple[Route, Callable[[], Any]]] = []
    if native and log.format == "jsonl":
        jsonl = JsonlPlan.of(log.mapping, log.format)
        if jsonl is not None:
            routes.append(("jsonl:duckdb", lambda: JsonlRoute(log, index, offset, sink, jsonl)))
    elif native and log.format == "csv":
        csv = CsvPlan.of(log)
        if csv is not None:
            routes.append(("csv:duckdb", lambda: CsvRoute(log, index, offset, sink, csv)))
    elif native and log.format == "parquet":
        parquet = ParquetPlan.of(log)
        if parquet is not None:
            try:
                count = read_parquet_native(con, log, index, offset, parquet)
                return "parquet:duckdb", None, count
            except Fallback:
                log.reset()
                sink.reset()
    for name, make in routes:
        try:
            sha, count = read(con, make(), on_bytes)
            return name, sha, count
        except Fallback:
            con.execute(f"DELETE FROM {STAGE} WHERE input = ?", [index])
            log.reset()
            sink.reset()
    for batch in whole_file(log, index, offset, sink):
        con.register("_cx_py", batch)
        con.execute(f"INSERT INTO {STAGE} SELECT * FROM _cx_py")
        con.unregister("_cx_py")
    return "python", None, 0


_IN_ORDER = f"""
SELECT count(*) FROM (
  SELECT ord, key, lag(ord) OVER () AS before_ord, lag(key) OVER () AS before_key FROM {STAGE}
)
WHERE CASE WHEN before_ord IS NULL THEN ord <> 0
  ELSE ord <> before_ord + 1 OR key < before_key END"""

_POINTS = "arg_min({{'ts': ts, 'wall': wall, 'fold': fold}}, {by}), " + (
    "arg_max({{'ts': ts, 'wall': wall, 'fold': fold}}, {by})"
)


def _finish(
    con: duckdb.DuckDBPyConnection,
    logs: LogSet,
    table: str,
    cap: int,
    scope: str,
    sinks: list[Sink],
    hashes: list[str | None],
) -> Ingested:
    inputs = logs.inputs
    partition = "key, dkey" if scope == "instant" else "dkey"
    # 'z' marks a part of the key the event lacks: such an event is never a duplicate
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _cx_dup AS
        SELECT input, line, seq, key, id, dshow FROM (
          SELECT input, line, seq, key, id, dshow,
            row_number() OVER (PARTITION BY {partition} ORDER BY key, seq) AS rank
          FROM {STAGE} WHERE dkey IS NOT NULL AND NOT list_contains(dkey, 'z'))
        WHERE rank > 1"""
    )
    dropped = dict(con.execute("SELECT input, count(*) FROM _cx_dup GROUP BY input").fetchall())
    in_order = not dropped and con.execute(_IN_ORDER).fetchall() == [(0,)]
    con.execute(f"DROP TABLE IF EXISTS {ident(table)}")
    if in_order:
        # the rows arrived in processing order: the staging table is the events table
        points = _POINTS.format(by="ord")
        query = f"SELECT input, count(*), {points} FROM {STAGE} GROUP BY input"
        stats = {row[0]: row[1:] for row in con.execute(query).fetchall()}
        for name in HELPER_COLUMNS:
            con.execute(f"ALTER TABLE {STAGE} DROP COLUMN {name}")
        con.execute(f"ALTER TABLE {STAGE} RENAME TO {ident(table)}")
    else:
        # one sort, into a table whose rows keep the sorted order: rowid is the position
        keep = "WHERE seq NOT IN (SELECT seq FROM _cx_dup)" if dropped else ""
        columns = ", ".join(EVENT_COLUMNS[1:])
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _cx_sorted AS
            SELECT {columns}, input, wall, fold FROM {STAGE} {keep} ORDER BY key, seq"""
        )
        points = _POINTS.format(by="rowid")
        query = f"SELECT input, count(*), {points} FROM _cx_sorted GROUP BY input"
        stats = {row[0]: row[1:] for row in con.execute(query).fetchall()}
        con.execute(
            f"CREATE TABLE {ident(table)} AS SELECT rowid AS ord, {columns} FROM _cx_sorted"
        )
    samples = con.execute(
        "SELECT input, line, id, dshow FROM _cx_dup ORDER BY key, seq LIMIT ?", [cap]
    ).fetchall()
    summaries = []
    for index, log in enumerate(inputs):
        count, first, last = stats.get(index, (0, None, None))
        log.events = count
        log.duplicates = dropped.get(index, 0)
        tz = zone(log.mapping.zone)
        log.first, log.last = _instant(first, tz), _instant(last, tz)
        summary = InputSummary(
            path=log.path,
            sha256=hashes[index] or log.sha256,
            format=log.format + (".gz" if log.compressed else ""),
            read=log.read,
            accepted=log.accepted,
            rejected=log.rejected,
            duplicates=log.duplicates,
            events=log.events,
            first_time=_show(first, tz),
            last_time=_show(last, tz),
        )
        summaries.append(summary)
    duplicate_samples = [
        Rejected(
            inputs[index].label,
            line,
            "E409",
            f"duplicate event {_reason(inputs[index], ident_, shown)}, dropped",
            "",
        )
        for index, line, ident_, shown in samples
    ]
    rejected = [item for sink in sinks for item in sink]
    codes: dict[str, int] = {}
    for sink in sinks:
        for code, number in sink.codes.items():
            codes[code] = codes.get(code, 0) + number
    logs.rejected = rejected
    logs.duplicate_samples = duplicate_samples
    logs.profile = profile(con, table)
    return Ingested(
        events=sum(log.events for log in inputs),
        summaries=summaries,
        rejected=rejected,
        rejected_total=sum(log.rejected for log in inputs),
        rejected_by_code=dict(sorted(codes.items())),
        duplicate_samples=duplicate_samples,
        duplicates_total=sum(dropped.values()),
    )


def profile(con: duckdb.DuckDBPyConnection, table: str = "events") -> LogProfile:
    """The event types and attribute paths of the table's events, as `LogSet.events` counts
    them (`LogProfile.add`): the top-level keys, then, one query per object found, the keys
    inside it as dotted paths. Objects are reached by JSON pointer (`/a/b`), which takes any
    key as written."""
    found = LogProfile()
    name = ident(table)
    found.types.update(t for (t,) in con.execute(f"SELECT DISTINCT type FROM {name}").fetchall())
    step = "'/' || replace(replace(k, '~', '~0'), '/', '~1')"
    objects: list[tuple[str, str]] = [("", "")]  # (JSON pointer, dotted prefix); "": attrs
    while objects:
        pointer, prefix = objects.pop()
        node = f"json_extract(attrs, {literal(pointer)})" if pointer else "attrs"
        objects_sql = f"SELECT node FROM (SELECT {node} AS node FROM {name})"
        if pointer:  # `attrs` itself is an object: every route writes one
            objects_sql += " WHERE json_type(node) = 'OBJECT'"
        # the keys of every object (one list per distinct list), and which keys hold an object:
        # looked for only in the objects with a second '{' (most logs have flat records)
        rows = con.execute(
            f"""WITH objects AS ({objects_sql})
            SELECT k, bool_or(nested) FROM (
              SELECT unnest(ks) AS k, FALSE AS nested
              FROM (SELECT DISTINCT json_keys(node) AS ks FROM objects)
              UNION ALL
              SELECT k, json_type(node, {step}) = 'OBJECT' AS nested
              FROM (SELECT node, unnest(json_keys(node)) AS k FROM objects
                    WHERE contains(substr(CAST(node AS VARCHAR), 2), '{{'))
            )
            GROUP BY k"""
        ).fetchall()
        for key, nested in rows:
            if prefix and key == INSTANT_KEY:  # an instant (pyroute.py): a value to Python
                continue
            path = prefix + key
            found.paths.add(path)
            if nested:
                objects.append(
                    (pointer + "/" + key.replace("~", "~0").replace("/", "~1"), path + ".")
                )
    return found


def _show(point: dict[str, Any] | None, tz: Any) -> str | None:
    if point is None:
        return None
    return show_time(point["ts"], point["wall"], bool(point["fold"]), tz)


def _instant(point: dict[str, Any] | None, tz: Any) -> datetime | None:
    """A datetime that `LogInput.summary()` shows as the Python read would."""
    if point is None:
        return None
    try:
        if point["wall"] is not None:
            local = NAIVE_EPOCH + timedelta(microseconds=point["wall"])
            wall = local.replace(tzinfo=tz, fold=int(bool(point["fold"])))
            return wall.astimezone(UTC).astimezone(tz)  # a gap's wall clock as the clock shows it
        return EPOCH + timedelta(microseconds=point["ts"])
    except OverflowError:
        return None


def _reason(log: LogInput, event_id: str, shown: list[str] | None) -> str:
    """The duplicate's key as the Python readers show it: `id 'x'` or `(a, b, ...)`."""
    if shown is None:
        return f"id '{event_id}'"
    mapping = log.mapping
    parse = make_parser(mapping.time_format, zone(mapping.zone), mapping.ignore_offset)
    parts = [str(parse(part[1:])) if part.startswith("\0") else part for part in shown]
    return "(" + ", ".join(parts) + ")"
