"""DuckDB engine, ingestion: JSON Lines read natively by DuckDB, the rest left to Python.

DuckDB judges each line with its JSON functions and accepts it only when the Python readers
would accept it and read it the same way:

- the line is valid UTF-8, at most `max_record` bytes, valid JSON for DuckDB, an object, and
  free of what DuckDB's lenient parser takes but orjson refuses or reads differently: a comma
  before `]` or `}`, NaN or Infinity, an exponent of three digits, a run of 19 digits (a number
  beyond 64 bits), a second `{` (a nested object, whose duplicate keys DuckDB would keep);
- no key repeats (orjson keeps the last value, DuckDB the first);
- the time is a JSON string `YYYY-MM-DD[T ]hh:mm:ss[.f{1,6}][Z|±hh:mm]` with hours below 24
  and minutes and seconds below 60, whose date DuckDB accepts (so does Python's
  `fromisoformat`), between about 1685 and 2255 (so that the float sort key is exact);
- the type is a non-empty string; the id is absent, null, a non-empty string or an integer;
- duplicate-key fields are strings, integers, booleans or null.

Every other line (blank lines too) is handed back and judged by `read_jsonl` and `Builder`. A
naive time takes its zone's offset from the zone table (see zones.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from cxrules.engines.duckdb.lines import Chunk, FileBytes, Prefetch, split_lines
from cxrules.engines.duckdb.pyroute import Judge, Sink, jsonl_item
from cxrules.engines.duckdb.sql import (
    SAFE_US,
    STAGE,
    STAGE_SCHEMA,
    ZONES,
    hour_of,
    literal,
    pointer,
    text_list,
)
from cxrules.engines.duckdb.zones import IrregularZone, hour_offsets
from cxrules.logs.logset import SEQ_SHIFT, LogInput
from cxrules.logs.mapping import LogMapping
from cxrules.logs.timeparse import zone

if TYPE_CHECKING:
    import duckdb

#: Lines handed to DuckDB per query.
BATCH_LINES = 1 << 19

_WS = r"[ \t\r\n]"
_SHAPE = rf"^{_WS}*\{{"
_UNSAFE = [
    rf",{_WS}*[\]}}]",  # a trailing comma
    rf"[:,\[]{_WS}*[-+]?(?:[nN][aA]|[iI][nN])",  # NaN, Infinity
    r"[eE][-+]?[0-9]{3}",  # an exponent that may overflow
    r"[0-9]{19}",  # an integer beyond 64 bits (or a long float)
    r"\{.*\{",  # a nested object
]
_ISO = (
    r'^"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]((?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]'
    r'(?:\.[0-9]{1,6})?)(Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?"$'
)


class Fallback(Exception):
    """The file cannot be read natively after all; read it with the Python readers."""


@dataclass(frozen=True)
class JsonlPlan:
    """What the native reading of one JSONL input needs from its mapping."""

    time: str
    type: str
    id: str | None
    zone: str
    utc: bool
    ignore_offset: bool
    key_fields: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, mapping: LogMapping, fmt: str) -> JsonlPlan | None:
        """The plan, or None when the mapping needs the Python readers (a template or slug
        type, missing values, numbers, drop, rename, several events per record, a date column,
        a time format other than ISO)."""
        plain = (
            fmt == "jsonl"
            and not (mapping.events or mapping.missing or mapping.missing_in)
            and not (mapping.numbers or mapping.drop or mapping.rename or mapping.date)
            and mapping.time_format == "iso"
            and mapping.type_values == "verbatim"
        )
        time_column, type_column = mapping.time_column(fmt), mapping.type_column(fmt)
        names = [time_column, type_column] + ([mapping.id] if mapping.id else [])
        if not plain or "{" in type_column or len(set(names)) != len(names):
            return None
        return cls(
            time=time_column,
            type=type_column,
            id=mapping.id,
            zone=mapping.zone,
            utc=mapping.zone == "UTC",
            ignore_offset=mapping.ignore_offset,
            key_fields=list(mapping.duplicate_key),
        )

    def popped(self) -> set[str]:
        """The columns that do not stay attributes."""
        return {self.time, self.type} | ({self.id} if self.id else set())

    def attr_parts(self) -> list[str]:
        """Duplicate-key fields read from the record's attributes."""
        special = {"time", "type", "id"}
        return [n for n in self.key_fields if n not in special and n not in self.popped()]


def parse_sql(plan: JsonlPlan) -> str:
    """The query that judges and reads a batch `_cx_in(line, raw)` into `_cx_b`."""
    pointers = [plan.time, plan.type] + ([plan.id] if plan.id else []) + plan.attr_parts()
    first_part = 4 if plan.id else 3
    unsafe = " OR ".join(f"regexp_matches(text, {literal(p)})" for p in _UNSAFE)
    patch = "{" + ",".join(f"{_json_text(n)}:null" for n in sorted(plan.popped())) + "}"
    ok = [
        "v",
        "tm.d <> ''",
        "local_us IS NOT NULL",
        f"local_us BETWEEN -{SAFE_US} AND {SAFE_US}",
        "starts_with(e[2], '\"')",
        "e[2] <> '\"\"'",
        "list_unique(k) = len(k)",
    ]
    if plan.id:
        ok.append(
            "(e[3] IS NULL OR e[3] = 'null' OR (starts_with(e[3], '\"') AND e[3] <> '\"\"')"
            " OR json_type(e[3]) IN ('BIGINT', 'UBIGINT'))"
        )
        ident = (
            "CASE WHEN e[3] IS NULL OR e[3] = 'null' THEN NULL"
            " WHEN starts_with(e[3], '\"') THEN json_extract_string(e[3], '$')"
            " ELSE CAST(CAST(CAST(e[3] AS VARCHAR) AS HUGEINT) AS VARCHAR) END"
        )
    else:
        ident = "NULL"
    for position in range(len(plan.attr_parts())):
        x = f"e[{first_part + position}]"
        kinds = "'NULL', 'BOOLEAN', 'VARCHAR', 'BIGINT', 'UBIGINT'"
        ok.append(f"({x} IS NULL OR json_type({x}) IN ({kinds}))")
    if plan.ignore_offset:
        offset = "NULL"
    else:
        offset = (
            "CASE WHEN tm.z = '' THEN NULL WHEN tm.z = 'Z' THEN 0"
            " ELSE (CASE WHEN tm.z[1] = '-' THEN -1 ELSE 1 END)"
            " * (CAST(tm.z[2:3] AS BIGINT) * 3600 + CAST(tm.z[5:6] AS BIGINT) * 60) * 1000000 END"
        )
    parts = f"e[{first_part}:]" if plan.attr_parts() else "NULL"
    return f"""
CREATE OR REPLACE TEMP TABLE _cx_b AS
SELECT line, ok,
  CASE WHEN ok THEN local_us END AS local_us,
  CASE WHEN ok THEN {offset} END AS off_us,
  CASE WHEN ok THEN json_extract_string(e[2], '$') END AS type,
  CASE WHEN ok THEN {ident} END AS id,
  CASE WHEN ok THEN json_merge_patch(text, {literal(patch)}::JSON)::VARCHAR END AS attrs,
  CASE WHEN ok THEN tm.d || 'T' || tm.c || tm.z END AS ttext,
  CASE WHEN ok THEN {parts} END AS parts,
  CASE WHEN NOT ok THEN raw END AS raw
FROM (
  SELECT *, coalesce({" AND ".join(ok)}, false) AS ok
  FROM (
    SELECT *, epoch_us(TRY_CAST(tm.d || ' ' || tm.c AS TIMESTAMP)) AS local_us
    FROM (
      SELECT *, regexp_extract(e[1], {literal(_ISO)}, ['d', 'c', 'z']) AS tm
      FROM (
        SELECT line, raw, text, v,
          CASE WHEN v THEN json_extract(text, {text_list([pointer(p) for p in pointers])}) END
            AS e,
          CASE WHEN v THEN json_keys(text) END AS k
        FROM (
          SELECT line, raw, text,
            coalesce(regexp_matches(text, {literal(_SHAPE)}) AND json_valid(text)
              AND NOT ({unsafe}), false) AS v
          FROM (SELECT line, raw, TRY(decode(raw)) AS text FROM _cx_in)
        )
      )
    )
  )
)"""


def _json_text(name: str) -> str:
    import orjson

    return orjson.dumps(name).decode()


def insert_sql(plan: JsonlPlan, gaps: bool) -> str:
    """The query that moves the accepted rows of `_cx_b` to the staging table; parameters:
    input index, seq base of the batch's first line, the first line, the file label."""
    if plan.utc:
        ts = "b.local_us - coalesce(b.off_us, 0)"
        wall = "NULL"
        join = ""
    else:
        ts = (
            "b.local_us - coalesce(b.off_us, CASE WHEN z.boundary IS NULL"
            " OR b.local_us < z.boundary THEN z.off0 ELSE z.off1 END)"
        )
        wall = "CASE WHEN b.off_us IS NULL THEN b.local_us END"
        join = (
            f"LEFT JOIN {ZONES} z ON b.off_us IS NULL AND z.zone = {literal(plan.zone)}"
            f" AND z.hour = {hour_of('b.local_us')}"
        )
    label_id = "coalesce(b.id, $label || ':' || b.line)"
    if plan.key_fields:
        keys, shows = [], []
        attr_index = 0
        for name in plan.key_fields:
            if name == "time":
                keys.append("'u' || CAST(ts AS VARCHAR)")
                shows.append("chr(0) || ttext")
            elif name in ("type", "id"):
                value = "type" if name == "type" else "id"
                keys.append(f"'s' || {value}")
                shows.append(value)
            elif name in plan.popped():
                keys.append("'z'")
                shows.append("'None'")
            else:
                attr_index += 1
                x = f"parts[{attr_index}]"
                number = f"CAST(CAST(CAST({x} AS VARCHAR) AS HUGEINT) AS VARCHAR)"
                text = f"json_extract_string({x}, '$')"
                keys.append(
                    f"CASE WHEN {x} IS NULL OR {x} = 'null' THEN 'z' WHEN {x} = 'true' THEN 'n1'"
                    f" WHEN {x} = 'false' THEN 'n0' WHEN starts_with({x}, '\"') THEN 's' || {text}"
                    f" ELSE 'n' || {number} END"
                )
                shows.append(
                    f"CASE WHEN {x} IS NULL OR {x} = 'null' THEN 'None' WHEN {x} = 'true'"
                    f" THEN 'True' WHEN {x} = 'false' THEN 'False' WHEN starts_with({x}, '\"')"
                    f" THEN {text} ELSE {number} END"
                )
        dkey = "['k', " + ", ".join(keys) + "]"
        dshow = "[" + ", ".join(shows) + "]"
    elif plan.id:
        dkey = "CASE WHEN explicit THEN ['id', id] END"
        dshow = "NULL"
    else:
        dkey = dshow = "NULL"
    gap_join = "ASOF LEFT JOIN _cx_gaps g ON b.line >= g.line" if gaps else ""
    gap = "coalesce(g.n, 0)" if gaps else "0"
    return f"""
INSERT INTO {STAGE}
SELECT $input, line, seq, ts / 1000000.0, ts, wall, false, type, id, attrs,
  {dkey}, {dshow}
FROM (
  SELECT b.line, $base + (b.line - $first) - {gap} AS seq, {ts} AS ts, {wall} AS wall,
    b.type, {label_id} AS id, b.id IS NOT NULL AS explicit, b.attrs, b.ttext, b.parts
  FROM _cx_b b {join} {gap_join}
  WHERE b.ok
)"""


@dataclass
class _Batch:
    first: int
    count: int
    arrays: list[pa.Array]
    long: dict[int, Any]


def _batches(source: FileBytes, limit: int) -> Any:
    """Chunks of lines gathered into batches of about BATCH_LINES lines."""
    pending: list[Chunk] = []
    size = 0
    for chunk in split_lines(source, limit):
        pending.append(chunk)
        size += len(chunk.raw)
        if size >= BATCH_LINES:
            yield _gather(pending)
            pending, size = [], 0
    if pending:
        yield _gather(pending)


def _gather(chunks: list[Chunk]) -> _Batch:
    long: dict[int, Any] = {}
    for chunk in chunks:
        long.update(chunk.long)
    count = sum(len(chunk.raw) for chunk in chunks)
    return _Batch(chunks[0].first, count, [chunk.raw for chunk in chunks], long)


def read_native(
    con: duckdb.DuckDBPyConnection, log: LogInput, index: int, plan: JsonlPlan, sink: Sink
) -> tuple[str, int]:
    """Read one JSONL input into the staging table; returns its SHA-256 and the number of
    records DuckDB accepted itself. Raises Fallback."""
    judge = Judge(log, index, sink)
    parse = parse_sql(plan)
    tz = zone(plan.zone)
    limit = log.max_record
    label = log.label
    base = index << SEQ_SHIFT
    position = 0  # events of this file so far
    native = 0
    source = FileBytes(log.file, label)
    reader = Prefetch(lambda: _batches(source, limit))
    try:
        for batch in reader:
            for number, long in batch.long.items():
                if long.truncated and len(long.head.rstrip(b"\r\n")) <= limit:
                    # read_jsonl would read the line's head as a record and the rest of the
                    # line as further lines: leave the whole file to it
                    raise Fallback(f"line {number} is cut by the record limit mid-way")
            lines = pa.array(range(batch.first, batch.first + batch.count), pa.int64())
            raw = pa.chunked_array(batch.arrays, pa.large_binary())
            table = pa.table({"line": lines, "raw": raw})
            con.register("_cx_in", table)
            con.execute(parse)
            con.unregister("_cx_in")
            if not plan.utc:
                try:
                    _zone_hours(con, plan, tz)
                except IrregularZone as exc:
                    raise Fallback(str(exc)) from None
            slow = con.execute("SELECT line, raw FROM _cx_b WHERE NOT ok ORDER BY line").fetchall()
            gaps: list[int] = []
            made = 0
            for number, data in slow:
                long = batch.long.get(number)
                item = jsonl_item(long.head if long else data, number, limit, label)
                at = position + (number - batch.first) - len(gaps)
                count = 0 if item is None else judge.item(item, at)
                if count == 0:
                    gaps.append(number)
                made += count
            fast = batch.count - len(slow)
            native += fast
            log.read += fast
            log.accepted += fast
            if len(judge.rows):
                con.register("_cx_py", judge.rows.batch())
                con.execute(f"INSERT INTO {STAGE} SELECT * FROM _cx_py")
                con.unregister("_cx_py")
            if gaps:
                cumulative = pa.table(
                    {"line": pa.array(gaps, pa.int64()), "n": pa.array(range(1, len(gaps) + 1))}
                )
                con.register("_cx_gaps", cumulative)
            params = {"input": index, "base": base + position, "first": batch.first}
            con.execute(insert_sql(plan, bool(gaps)), params | {"label": label})
            if gaps:
                con.unregister("_cx_gaps")
            position += fast + made
        return source.sha256(), native
    finally:
        reader.close()
        source.close()
        con.execute("DROP TABLE IF EXISTS _cx_b")


def _zone_hours(con: duckdb.DuckDBPyConnection, plan: JsonlPlan, tz: Any) -> None:
    """Add the zone table's rows for the local hours of this batch it does not have yet."""
    found = con.execute(
        f"""SELECT DISTINCT {hour_of("local_us")} AS hour FROM _cx_b WHERE ok AND off_us IS NULL
        EXCEPT SELECT hour FROM {ZONES} WHERE zone = $zone""",
        {"zone": plan.zone},
    ).fetchall()
    new = sorted(hour for (hour,) in found)
    if not new:
        return
    rows = [hour_offsets(tz, hour) for hour in new]
    table = pa.table(
        {
            "zone": pa.array([plan.zone] * len(rows), pa.string()),
            "hour": pa.array([r[0] for r in rows], pa.int64()),
            "off0": pa.array([r[1] for r in rows], pa.int64()),
            "boundary": pa.array([r[2] for r in rows], pa.int64()),
            "off1": pa.array([r[3] for r in rows], pa.int64()),
        }
    )
    con.register("_cx_new_hours", table)
    con.execute(f"INSERT INTO {ZONES} SELECT * FROM _cx_new_hours")
    con.unregister("_cx_new_hours")


__all__ = ["STAGE_SCHEMA", "Fallback", "JsonlPlan", "read_native"]
