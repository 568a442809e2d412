"""DuckDB engine, ingestion: JSON Lines read natively by DuckDB, the rest left to Python.

A line is read by DuckDB only when the Python readers would accept it and read it the same way:

- it is valid UTF-8 (Arrow validates), at most `max_record` bytes, not line 1 with a BOM;
- it has none of what DuckDB's lenient JSON parser takes but orjson refuses or reads otherwise
  (a regular expression, run by Arrow while the file is read): a comma before `]` or `}`,
  NaN or Infinity, an exponent of three digits, a run of 19 digits (a number beyond 64 bits),
  a second `{` (a nested object, whose repeated keys DuckDB would keep);
- DuckDB finds it valid JSON, an object, with no key repeated (checked once per distinct list
  of keys in a batch; orjson keeps a repeated key's last value, DuckDB its first);
- the time is a JSON string `YYYY-MM-DD[T ]hh:mm:ss[.f{1,6}][Z|±hh:mm]` with hours below 24,
  minutes and seconds below 60, an offset below 24 hours, whose date DuckDB accepts (so does
  `fromisoformat`), between about 1685 and 2255 (so that the float sort key is exact);
- the type is a non-empty string; the id is absent, null, a non-empty string or an integer;
- duplicate-key fields are strings, integers, booleans or null.

Every other line (blank lines too) is handed back and judged by `read_jsonl` and `Builder`.
A naive time takes its zone's offset from the zone table (zones.py): a batch is read as if its
times were all aware, and the lines left with a naive time are read again once the table has
their hours (after the first such batch, the table is filled before each batch is read).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc

from cxrules.engines.duckdb.lines import Batch, Flags
from cxrules.engines.duckdb.native import Fallback, Route, zone_hour_numbers, zone_hours
from cxrules.engines.duckdb.pyroute import Sink, jsonl_item
from cxrules.engines.duckdb.sql import (
    SAFE_US,
    STAGE,
    ZONES,
    hour_of,
    literal,
    pointer,
    stage_insert,
    text_list,
)
from cxrules.engines.sql.exprs import stripped
from cxrules.logs.logset import LogInput
from cxrules.logs.mapping import LogMapping
from cxrules.logs.readers import MAX_DEPTH, Item
from cxrules.time.zones import zone

if TYPE_CHECKING:
    import duckdb

_WS = r"[ \t\r\n]"
UNSAFE = "|".join(
    [
        rf",{_WS}*[\]}}]",  # a trailing comma
        rf"[:,\[]{_WS}*[-+]?(?:[nN][aA]|[iI][nN])",  # NaN, Infinity
        r"[eE][-+]?[0-9]{3}",  # an exponent that may overflow
        r"[0-9]{19}",  # an integer beyond 64 bits (or a long float)
        r"\{.*\{",  # a nested object
    ]
)
_CLOCK = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?"
_OFFSET = r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
ISO = rf'"[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}[T ]{_CLOCK}{_OFFSET}?"'
_PLAIN_KEY = re.compile(r'[^"\\\x00-\x1f]+')


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
        type, missing values, numbers, booleans, drop, rename, several events per record, a
        date column, a time format other than ISO, attribute columns read as times, an
        encoding other than UTF-8)."""
        plain = (
            fmt == "jsonl"
            and not (mapping.events or mapping.missing or mapping.missing_in)
            and not (mapping.numbers or mapping.drop or mapping.rename or mapping.date)
            and not mapping.booleans
            and not mapping.times
            and mapping.time_format == "iso"
            and mapping.type_values == "verbatim"
            and codecs.lookup(mapping.encoding).name == "utf-8"
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


#: The query that lists a batch's distinct key lists (to find repeated keys).
KEYS = """SELECT DISTINCT array_to_string(json_keys(text), chr(0))
FROM _cx_in WHERE NOT unsafe AND json_valid(text)"""


def hours_sql(plan: JsonlPlan) -> str:
    """The query that lists the local hours ('YYYY-MM-DD?HH') a batch's naive times start with
    (every time's, when the offsets are ignored), for the zone table."""
    time = f"json_extract_string(text, {literal(pointer(plan.time))})"
    aware = "ends_with(t, 'Z') OR substr(t, length(t) - 5, 1) IN ('+', '-')"
    hour = "substr(t, 1, 13)"
    if not plan.ignore_offset:
        hour = f"CASE WHEN NOT ({aware}) THEN {hour} END"
    return f"""
SELECT DISTINCT {hour} FROM (
  SELECT {time} AS t FROM _cx_in WHERE NOT unsafe AND json_valid(text)
)"""


def insert_sql(plan: JsonlPlan, repeated: bool, naive: bool, source: str = "_cx_in") -> str:
    """The query that reads a batch `source(line, raw, text, unsafe)` into the staging table:
    an event for each line DuckDB accepts, the bytes of every other line. Parameters: input
    index, seq and ord of the batch's first line, the first line, the file label, and (when
    `repeated`) the key lists with a repeated key. `naive`: the
    batch has naive times, which take their offsets from the zone table (a join, after which
    the rows are put back in line order); without it, a naive time's line is left with its
    wall clock in `wall` (`JsonlRoute.insert` reads it again)."""
    pointers = [plan.time, plan.type] + ([plan.id] if plan.id else []) + plan.attr_parts()
    first_part = 4 if plan.id else 3
    popped = {name: None for name in sorted(plan.popped())}
    patch = orjson.dumps(popped).decode()
    ok = [
        "v",
        "ts IS NOT NULL",
        f"coalesce(instant, local_us) BETWEEN -{SAFE_US} AND {SAFE_US}",
        "starts_with(e[2], '\"')",
        f"{_kind()} <> ''",
    ]
    if plan.id:
        x = "e[3]"
        ok.append(
            f"({x} IS NULL OR {x} = 'null' OR (starts_with({x}, '\"') AND {x} <> '\"\"')"
            f" OR json_type({x}) IN ('BIGINT', 'UBIGINT'))"
        )
        ident = (
            f"CASE WHEN {x} IS NULL OR {x} = 'null' THEN NULL"
            f" WHEN starts_with({x}, '\"') THEN json_extract_string({x}, '$')"
            f" ELSE CAST(CAST(CAST({x} AS VARCHAR) AS HUGEINT) AS VARCHAR) END"
        )
    else:
        ident = "NULL"
    for position in range(len(plan.attr_parts())):
        x = f"e[{first_part + position}]"
        kinds = "'NULL', 'BOOLEAN', 'VARCHAR', 'BIGINT', 'UBIGINT'"
        ok.append(f"({x} IS NULL OR json_type({x}) IN ({kinds}))")
    iso = literal(ISO)
    paths = text_list([pointer(p) for p in pointers])
    # a valid time ends with its offset (Z or ±hh:mm) or with a digit; DuckDB reads the wall
    # clock (a TIMESTAMP) and the offset is subtracted here
    tail = "substr(e[1], length(e[1]) - 6, 1)"
    offset_length = (
        f"CASE WHEN ends_with(e[1], 'Z\"') THEN 1 WHEN {tail} IN ('+', '-') THEN 6 ELSE 0 END"
    )
    offset_seconds = (
        f"CASE WHEN tzl = 6 THEN (CASE WHEN {tail} = '-' THEN -1 ELSE 1 END)"
        " * (TRY_CAST(substr(e[1], length(e[1]) - 5, 2) AS BIGINT) * 3600"
        " + TRY_CAST(substr(e[1], length(e[1]) - 2, 2) AS BIGINT) * 60) ELSE 0 END"
    )
    clock = (
        f"CASE WHEN regexp_full_match(e[1], {iso})"
        " THEN epoch_us(TRY_CAST(substr(e[1], 2, length(e[1]) - 2 - tzl) AS TIMESTAMP)) END"
    )
    if plan.ignore_offset:
        instant = "NULL::BIGINT"
        local = "clock"
    else:
        instant = (
            f"CASE WHEN tzl > 0 AND clock IS NOT NULL THEN clock - ({offset_seconds}) * 1000000 END"
        )
        local = "CASE WHEN tzl = 0 THEN clock END"
    order = ""
    left = "NULL"  # the `wall` of a line left to Python
    if plan.utc:
        ts = "coalesce(p.instant, p.local_us)"
        wall = "NULL::BIGINT"
        join = ""
    elif not naive:
        ts = "p.instant"
        wall = "NULL::BIGINT"
        join = ""
        left = "local_us"
    else:
        order = "ORDER BY line"
        offset = (
            "CASE WHEN z.boundary IS NULL OR p.local_us < z.boundary THEN z.off0 ELSE z.off1 END"
        )
        ts = f"coalesce(p.instant, p.local_us - {offset})"
        wall = "p.local_us"
        join = (
            f"LEFT JOIN {ZONES} z ON p.local_us IS NOT NULL AND z.zone = {literal(plan.zone)}"
            f" AND z.hour = {hour_of('p.local_us')}"
        )
    if plan.key_fields:
        dkey, dshow = _key_sql(plan, first_part)
    elif plan.id:
        dkey = "CASE WHEN idv IS NOT NULL THEN ['id', idv] END"
        dshow = "NULL::VARCHAR[]"
    else:
        dkey = dshow = "NULL::VARCHAR[]"
    kind = _kind()
    valid = "json_valid(text)"
    if repeated:
        keys = "array_to_string(json_keys(text), chr(0))"
        valid = f"CASE WHEN json_valid(text) THEN NOT list_contains($repeated, {keys}) END"
    attrs = f"json_merge_patch(text, {literal(patch)}::JSON)"
    head = stage_insert(kind, attrs, f"CASE WHEN ok THEN wall ELSE {left} END", dkey, dshow)
    return f"""{head}
FROM (
  SELECT *, CASE WHEN ok THEN {ident} END AS idv
  FROM (
    SELECT *, coalesce({" AND ".join(ok)}, false) AS ok
    FROM (
      SELECT p.*, {ts} AS ts, {wall} AS wall
      FROM (
        SELECT *, {instant} AS instant, {local} AS local_us
        FROM (
          SELECT *, {clock} AS clock
          FROM (
          SELECT *, {offset_length} AS tzl, {stripped("_cx_type")} AS _cx_kind
          FROM (
          SELECT *, json_extract_string(e[2], '$') AS _cx_type
          FROM (
          SELECT *, CASE WHEN v THEN json_extract(text, {paths}) END AS e
          FROM (
            SELECT line, raw, text,
              coalesce(NOT unsafe AND {valid}, false) AS v
            FROM {source}
          )
          )
          )
          )
        )
      ) p {join}
    )
  )
) {order}"""


def _key_sql(plan: JsonlPlan, first_part: int) -> tuple[str, str]:
    """SQL for the duplicate key of `duplicate_key` fields and the texts of its parts."""
    keys, shows = [], []
    attr_index = first_part - 1
    for name in plan.key_fields:
        if name == "time":
            keys.append("'u' || CAST(ts AS VARCHAR)")
            shows.append("chr(0) || trim(e[1], '\"')")
        elif name == "type":
            keys.append(f"'s' || {_kind()}")
            shows.append(_kind())
        elif name == "id":
            keys.append("'s' || coalesce(idv, $label || ':' || line)")
            shows.append("coalesce(idv, $label || ':' || line)")
        elif name in plan.popped():
            keys.append("'z'")
            shows.append("'None'")
        else:
            attr_index += 1
            x = f"e[{attr_index}]"
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
    return "['k', " + ", ".join(keys) + "]", "[" + ", ".join(shows) + "]"


def _kind() -> str:
    """The type: blanks at its ends dropped, as `Builder._type` drops them (a column of the
    query `insert_sql` writes, computed once a line)."""
    return "_cx_kind"


class JsonlRoute(Route):
    """JSON Lines read by DuckDB (see the module docstring)."""

    def __init__(self, log: LogInput, index: int, offset: int, sink: Sink, plan: JsonlPlan):
        super().__init__(log, index, offset, sink)
        self.plan = plan
        self.hours = None if plan.utc else hours_sql(plan)
        self.inserts = {
            (repeated, naive): insert_sql(plan, repeated, naive)
            for repeated in (False, True)
            for naive in (False, True)
        }
        self.again = {
            repeated: insert_sql(plan, repeated, True, source="_cx_naive")
            for repeated in (False, True)
        }
        self.tz = zone(plan.zone)
        #: the file has naive times: the zone table is filled before each batch is read
        self.naive = plan.ignore_offset

    def flags(self) -> Flags:
        return _unsafe

    def table(self, batch: Batch) -> pa.Table:
        """The lines' text typed JSON (Arrow's `arrow.json`, pyarrow 19 and later): DuckDB's
        JSON functions read it as it is, where a text is first cast to JSON, a parse more (the
        attributes' `json_merge_patch`: a fifth of its time). Only a line DuckDB found valid
        JSON is read so."""
        json_type = getattr(pa, "json_", None)
        if json_type is None:
            return batch.table
        index = batch.table.schema.get_field_index("text")
        kind = json_type(pa.large_string())
        text = pa.chunked_array(
            [pa.ExtensionArray.from_storage(kind, c) for c in batch.table.column(index).chunks],
            kind,
        )
        return batch.table.set_column(index, "text", text)

    def check(self, batch: Batch) -> None:
        limit = self.log.max_record
        for number, kept in batch.held.items():
            if kept.truncated and len(kept.head.rstrip(b"\r\n")) <= limit:
                # read_jsonl would read the line's head as a record and the rest of the line
                # as further lines: leave the whole file to it
                raise Fallback(f"line {number} is cut by the record limit mid-way")

    def insert(self, con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> None:
        """Most files have no naive time (or no zone): the batch is read as if it had none,
        and only when some line was left with a wall clock is the zone table filled and those
        lines read again. Once a batch had one, the next batches fill the table first."""
        repeated = [ks for (ks,) in con.execute(KEYS).fetchall() if _repeats(ks)]
        if repeated:
            params = params | {"repeated": repeated}
        if self.hours is not None and self.naive:
            hours = {hour for (hour,) in con.execute(self.hours).fetchall() if hour}
            if hours:
                zone_hours(con, self.plan.zone, self.tz, hours)
                con.execute(self.inserts[bool(repeated), True], params)
                return
        con.execute(self.inserts[bool(repeated), False], params)
        if self.hours is not None:
            self._read_naive_again(con, params, bool(repeated))

    def _read_naive_again(
        self, con: duckdb.DuckDBPyConnection, params: dict[str, Any], repeated: bool
    ) -> None:
        """The batch's lines left with a naive time's wall clock, read with their offsets."""
        where = "input = $input AND raw IS NOT NULL AND wall IS NOT NULL AND line >= $first"
        span = {"input": params["input"], "first": params["first"]}
        hours = con.execute(f"SELECT DISTINCT {hour_of('wall')} FROM {STAGE} WHERE {where}", span)
        found = {hour for (hour,) in hours.fetchall()}
        if not found:
            return
        self.naive = True
        zone_hour_numbers(con, self.plan.zone, self.tz, found)
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _cx_naive AS SELECT * FROM _cx_in
            WHERE line IN (SELECT line FROM {STAGE} WHERE {where})""",
            span,
        )
        try:
            con.execute(f"DELETE FROM {STAGE} WHERE {where}", span)
            con.execute(self.again[repeated], params)
        finally:
            con.execute("DROP TABLE _cx_naive")

    def item(self, data: bytes, number: int) -> Item | None:
        return jsonl_item(data, number, self.log.max_record, self.log.label)


#: read_jsonl refuses a record nested more than MAX_DEPTH levels deep (the record is one level;
#: DuckDB has no such limit): a line with this many `[` may be one (a second `{` is unsafe anyway).
DEEP = MAX_DEPTH


def _unsafe(raw: pa.ChunkedArray, first: int) -> tuple[pa.Array, list[int]]:
    """Lines DuckDB must not judge: the lenient parser's extras; line 1 with a BOM (only there
    does read_jsonl drop one); a line that may nest arrays deeper than read_jsonl reads (DEEP
    `[` or more: most lines are longer than DEEP bytes, so every line's are counted, in place)."""
    unsafe = pc.match_substring_regex(raw, UNSAFE)
    more = set()
    if first == 1 and len(raw) and raw[0].as_py().startswith(b"\xef\xbb\xbf"):
        more.add(1)
    deep = pc.indices_nonzero(pc.greater_equal(pc.count_substring(raw, "["), DEEP))
    more.update(first + index for index in deep.to_pylist())
    return unsafe, sorted(more)


def _repeats(keys: str) -> bool:
    """True when a list of keys (joined by NUL) holds a key twice (or may: a key holding NUL
    counts as its pieces)."""
    names = keys.split("\0")
    return len(set(names)) < len(names)
