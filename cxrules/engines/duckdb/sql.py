"""DuckDB engine, ingestion: the one place that quotes text into SQL, and the staging tables.

Values that come from a log or a mapping (column names, JSON pointers, file labels) reach SQL
text only through `literal` and `ident`; everything else is a constant written here or a bound
parameter.
"""

from __future__ import annotations

import pyarrow as pa

#: Microseconds per hour: the zone table is keyed by the local hour.
HOUR_US = 3_600_000_000

#: Local times farther than this from 1970 (about the years 1685 to 2255) are left to Python: a
#: float of seconds (the Python readers' sort key) is exact for them, and so is `ts / 1e6`.
SAFE_US = 9_000_000_000_000_000

#: The staging table: one row per event, whichever route built it. Its first eight columns are
#: those of the events table: when the events arrive in processing order and none is a duplicate
#: (the common case), the staging table becomes the events table without a sort.
#: `ord` is the position the event would have if the inputs were in time order (the number of
#: events before it in its input and in the inputs before); `key` is the float sort key of the
#: Python readers (`Event.time.timestamp()`); `wall` and `fold` are set when the event's time is
#: a wall clock in the mapping's zone (they decide how the input summary shows it); `dkey` is
#: the duplicate key (NULL: never a duplicate) and `dshow` the parts of that key as the
#: duplicate's reason shows them. A row with `raw` set is no event: a line DuckDB left to the
#: Python readers, deleted once they have judged it.
STAGE_COLUMNS: list[tuple[str, str, pa.DataType]] = [
    ("ord", "BIGINT", pa.int64()),
    ("ts", "BIGINT", pa.int64()),
    ("seq", "BIGINT", pa.int64()),
    ("type", "VARCHAR", pa.string()),
    ("id", "VARCHAR", pa.string()),
    ("file", "VARCHAR", pa.string()),
    ("line", "BIGINT", pa.int64()),
    ("attrs", "JSON", pa.string()),
    ("input", "INTEGER", pa.int32()),
    ("key", "DOUBLE", pa.float64()),
    ("wall", "BIGINT", pa.int64()),
    ("fold", "BOOLEAN", pa.bool_()),
    ("dkey", "VARCHAR[]", pa.list_(pa.string())),
    ("dshow", "VARCHAR[]", pa.list_(pa.string())),
    ("raw", "BLOB", pa.large_binary()),
]
EVENT_COLUMNS = [name for name, _, _ in STAGE_COLUMNS[:8]]
HELPER_COLUMNS = [name for name, _, _ in STAGE_COLUMNS[8:]]
STAGE_SCHEMA = pa.schema([(name, kind) for name, _, kind in STAGE_COLUMNS])
STAGE = "_cx_stage"
ZONES = "_cx_zone"


def literal(text: str) -> str:
    """A SQL string literal.

    >>> literal("it's")
    "'it''s'"
    """
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A SQL identifier.

    >>> print(ident("events"), ident("my table"))
    "events" "my table"
    """
    return '"' + name.replace('"', '""') + '"'


def pointer(key: str) -> str:
    """The JSON pointer (RFC 6901) of a top-level key, as DuckDB's JSON functions read it.

    >>> pointer("org:group"), pointer("a/b~c")
    ('/org:group', '/a~1b~0c')
    """
    return "/" + key.replace("~", "~0").replace("/", "~1")


def text_list(items: list[str]) -> str:
    """A SQL list of string literals.

    >>> text_list(["/time", "/type"])
    "['/time', '/type']"
    """
    return "[" + ", ".join(literal(item) for item in items) + "]"


def stage_ddl() -> str:
    """The CREATE statement of the staging table."""
    columns = ", ".join(f"{name} {kind}" for name, kind, _ in STAGE_COLUMNS)
    return f"CREATE OR REPLACE TABLE {STAGE} ({columns})"


def stage_insert(kind: str, attrs: str, wall: str, dkey: str, dshow: str) -> str:
    """The head of a native route's INSERT of a batch into the staging table, over rows that
    say whether the line made an event (`ok`) and carry its `ts`, `idv` (the id, or NULL),
    `line` and `raw`: the event's columns for an accepted line, the bytes of every other line
    (which the Python readers judge). Parameters: $ordbase, $base, $first, $label, $input."""
    return f"""
INSERT INTO {STAGE}
SELECT
  CASE WHEN ok THEN $ordbase + (line - $first) END,
  CASE WHEN ok THEN ts END,
  CASE WHEN ok THEN $base + (line - $first) END,
  CASE WHEN ok THEN {kind} END,
  CASE WHEN ok THEN coalesce(idv, $label || ':' || line) END,
  $label,
  line,
  CASE WHEN ok THEN {attrs} END,
  $input,
  CASE WHEN ok THEN ts / 1000000.0 END,
  {wall},
  false,
  CASE WHEN ok THEN {dkey} END,
  CASE WHEN ok THEN {dshow} END,
  CASE WHEN NOT ok THEN raw END"""


def zones_ddl() -> str:
    """The zone table: per zone and local hour, the offset, and where it changes in that hour."""
    return (
        f"CREATE OR REPLACE TEMP TABLE {ZONES} "
        "(zone VARCHAR, hour BIGINT, off0 BIGINT, boundary BIGINT, off1 BIGINT)"
    )


def hour_of(column: str) -> str:
    """SQL for the local hour (floor division) of a microsecond column."""
    return f"(({column} - ((({column} % {HOUR_US}) + {HOUR_US}) % {HOUR_US})) // {HOUR_US})"
