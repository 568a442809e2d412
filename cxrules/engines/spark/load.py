"""Spark engine, loading: events into a Spark DataFrame, their attributes typed as they come.

The DuckDB backend types an attribute in SQL from its JSON (`engines.sql.catalog`); Spark has
no JSON typing functions, so the values are typed here, from the events the readers built, into
the same columns: for attribute path j, `aj_k` (kind: 1 text, 2 int, 3 float, 4 bool, 5 list,
6 object, 7 instant; NULL when absent or null), `aj_s`, `aj_n`, `aj_b`, `aj_t` and `aj_x` (the
value as a scope key reads it: the python engine's `text_of`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import orjson
import pyarrow as pa

from cxrules.engines.python.values import text_of
from cxrules.engines.sql.catalog import INSTANT_KEY, Catalog
from cxrules.engines.sql.text import lit
from cxrules.logs.event import Event
from cxrules.time.instants import to_us

BATCH = 65_536
_BASE = [
    ("ord", pa.int64()),
    ("ts", pa.int64()),
    ("seq", pa.int64()),
    ("type", pa.string()),
    ("id", pa.string()),
    ("file", pa.string()),
    ("line", pa.int64()),
]
_TYPED = [
    ("k", pa.int32()),
    ("s", pa.string()),
    ("n", pa.float64()),
    ("b", pa.bool_()),
    ("t", pa.int64()),
    ("x", pa.string()),
    ("l", pa.list_(pa.struct([("k", pa.int32()), ("s", pa.string()), ("n", pa.float64())]))),
]


def schema(catalog: Catalog) -> pa.Schema:
    fields = list(_BASE)
    for prefix in catalog.paths.values():
        fields += [(f"{prefix}_{suffix}", kind) for suffix, kind in _TYPED]
    return pa.schema(fields)


def typed(value: Any) -> tuple[Any, ...]:
    """(k, s, n, b, t, x, l) of an attribute value.

    >>> typed("a")[:6], typed(3)[:6], typed(True)[:6], typed(None)[0], typed([1, "b"])[6]
    ((1, 'a', None, None, None, 'a'), (2, '3', 3.0, None, None, '3'), \
(4, None, None, True, None, 'true'), None, [(2, '1', 1.0), (1, 'b', None)])
    """
    if value is None:
        return (None, None, None, None, None, None, None)
    if isinstance(value, str):
        return (1, value, None, None, None, value, None)
    if isinstance(value, bool):
        return (4, None, None, value, None, "true" if value else "false", None)
    if isinstance(value, int):
        return (2, str(value), float(value), None, None, str(value), None)
    if isinstance(value, float):
        return (3, None, value, None, None, text_of(value), None)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return (7, None, None, None, to_us(value), value.astimezone(UTC).isoformat(), None)
    if isinstance(value, list | tuple):
        text = _staged(list(value))
        return (5, text, None, None, None, _key_json(value), [_element(v) for v in value])
    if isinstance(value, dict):
        text = _staged(value)
        return (6, text, None, None, None, _key_json(value), None)
    return (1, str(value), None, None, None, str(value), None)


def _staged(value: Any) -> str:
    """A list or an object as its JSON text, an instant inside as the DuckDB engine's staging
    JSON writes it (`{"$cxrules.instant": µs}`, read back as an instant by
    `sql.collect.value_of`).

    >>> _staged([datetime(2011, 10, 3, 20, 2, 40, tzinfo=UTC), "a"])
    '[{"$cxrules.instant":1317672160000000},"a"]'
    """
    return orjson.dumps(
        value, default=_staged_default, option=orjson.OPT_PASSTHROUGH_DATETIME
    ).decode()


def _staged_default(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return {INSTANT_KEY: to_us(value)}
    return str(value)


def _key_json(value: Any) -> str:
    """A list or an object as a scope key or group reads it: compact JSON, an instant inside
    as its ISO 8601 text in UTC (`text_of`)."""
    return text_of(value)


def _element(value: Any) -> tuple[Any, ...]:
    """(k, s, n) of a list element, as membership reads it (booleans as 1 and 0)."""
    k, s, n, b, *_ = typed(value)
    if k == 4:
        return (4, "true" if b else "false", 1.0 if b else 0.0)
    if k in (2, 3):
        return (k, orjson.dumps(value).decode(), n)
    return (k, s if s is not None else orjson.dumps(value, default=str).decode(), None)


def batches(events: Iterable[Event], catalog: Catalog) -> Iterator[pa.RecordBatch]:
    """The events, numbered in their (processing) order, as Arrow batches."""
    sch = schema(catalog)
    paths = list(catalog.paths)
    columns: list[list[Any]] = [[] for _ in sch]
    n_batches = 0
    for n, e in enumerate(events):
        row: list[Any] = [n, to_us(e.time), e.seq, e.type, e.id, e.file, e.line]
        for path in paths:
            row.extend(typed(e.get(path)))
        for column, value in zip(columns, row, strict=True):
            column.append(value)
        if len(columns[0]) >= BATCH:
            yield pa.record_batch(columns, schema=sch)
            n_batches += 1
            columns = [[] for _ in sch]
    if columns[0] or not n_batches:
        # an empty log is one empty batch: Spark cannot make a frame of a table without chunks
        yield pa.record_batch(columns, schema=sch)


def events_frame(spark: Any, events: Iterable[Event], catalog: Catalog) -> Any:
    """A Spark DataFrame of the events (typed attributes included)."""
    table = pa.Table.from_batches(list(batches(events, catalog)), schema=schema(catalog))
    if table.num_rows == 0:  # pyspark makes no frame of an empty Arrow table
        from pyspark.sql.pandas.types import from_arrow_schema

        return spark.createDataFrame([], from_arrow_schema(table.schema))
    return spark.createDataFrame(table)


def staged_events(source: Any, options: Any, catalog: Catalog, folder: str) -> tuple[str, Any]:
    """The log files read by the duckdb engine's ingestion (the same events, rejections and
    order as every engine, out of core: DuckDB spills beyond its memory limit), typed by the
    catalog's SQL and written as one Parquet file in `folder`, for Spark to read. Returns the
    file's path and the readers' counts (`Reading`)."""
    from cxrules.engines.duckdb.engine import connect
    from cxrules.engines.duckdb.load import load_events

    path = f"{folder}/events.parquet"
    con = connect(_duckdb_settings(options.settings))
    try:
        reading = load_events(con, source, options)
        typed = [c for p in catalog.paths for c in _typed_sql(catalog, p)]
        select = ", ".join(["ord", "ts", "seq", "type", "id", "file", "line", *typed])
        con.execute(
            f"COPY (SELECT {select} FROM ({catalog.extract_sql()}) ORDER BY ord) "
            f"TO {lit(path)} (FORMAT parquet)"
        )
    finally:
        con.close()
    return path, reading


def _typed_sql(catalog: Catalog, path: str) -> list[str]:
    pretyped, catalog.pretyped = catalog.pretyped, False
    try:
        return catalog.typed_columns(path)
    finally:
        catalog.pretyped = pretyped


def _duckdb_settings(settings: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in settings.items() if k in ("memory_limit", "temp_directory")}
