"""DuckDB engine, ingestion: events built by the Python readers, as Arrow batches of staging rows.

Whatever DuckDB cannot judge exactly goes through the existing readers and `Builder`: whole
files (XES, unusual mappings) and single records of a file read natively (bad JSON, odd times…),
so that reasons and codes are today's. This module turns their events into staging rows.

Attributes become JSON text: JSON values as they are; an aware datetime (an XES `date`) as an
object with the single key `$cxrules.instant` and the instant in µs (`engines.sql.catalog`
reads it as an instant); a naive datetime, a date or a time as the text of its `isoformat()`;
a Decimal as a JSON number with its
digits; an int beyond 64 bits as a JSON number; NaN and ±infinity as the literals NaN, Infinity,
-Infinity (DuckDB's JSON reads them as doubles); bytes as their hex text; anything else as the
text of `str()`.
"""

from __future__ import annotations

import io
import itertools
import json
import math
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Any

import orjson
import pyarrow as pa

from cxrules.engines.duckdb.sql import STAGE_SCHEMA
from cxrules.engines.sql.catalog import INSTANT_KEY
from cxrules.logs.build import Bad, Builder
from cxrules.logs.event import Event, Rejected
from cxrules.logs.files import sample_text
from cxrules.logs.logset import SEQ_SHIFT, LogInput, duplicate_part
from cxrules.logs.readers import Item, bytes_text, read_csv, read_jsonl
from cxrules.time.instants import to_us
from cxrules.time.zones import zone

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NAIVE_EPOCH = datetime(1970, 1, 1)
US = timedelta(microseconds=1)
BATCH = 65536
_NAN = itertools.count()


class Sink(list[Rejected]):
    """Rejected records: the first `cap` kept, every one counted per code."""

    def __init__(self, cap: int) -> None:
        super().__init__()
        self.cap = cap
        self.codes: Counter[str] = Counter()

    def append(self, item: Rejected) -> None:
        self.codes[item.code] += 1
        if len(self) < self.cap or item.always_listed:  # a file cut short, lines lost
            super().append(item)

    def reset(self) -> None:
        """Forget everything (a file read again by another route)."""
        self.clear()
        self.codes.clear()


def _default(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        # an instant (an XES date): tagged, so that the plans read it as an instant
        return {INSTANT_KEY: to_us(value)}
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return orjson.Fragment(str(value)) if value.is_finite() else str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes_text(bytes(value))
    return str(value)


#: Values with no float inside (`_finite`'s short way for the flat records most logs have).
_PLAIN = frozenset({str, int, bool, type(None)})


def _finite(value: Any) -> bool:
    """No NaN or infinity in the value, at any depth (walked without recursion: a JSON record
    may nest 1023 lists)."""
    if type(value) is dict:  # most records: flat, texts and numbers
        for item in value.values():
            kind = type(item)
            if kind is float:
                if not math.isfinite(item):
                    return False
            elif kind not in _PLAIN:
                break
        else:
            return True
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is float:
            if not math.isfinite(item):
                return False
        elif kind is dict:
            stack.extend(item.values())
        elif kind is list or kind is tuple:
            stack.extend(item)
    return True


class _Text(str):
    """JSON text that `_write` puts out as it is."""


def _write(value: Any) -> str:
    """JSON text of a value with non-finite floats (written as NaN, Infinity, -Infinity),
    written without recursion."""
    parts: list[str] = []
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if type(item) is _Text:
            parts.append(item)
        elif isinstance(item, float) and not math.isfinite(item):
            parts.append("NaN" if item != item else ("Infinity" if item > 0 else "-Infinity"))
        elif isinstance(item, dict):
            parts.append("{")
            stack.append(_Text("}"))
            entries = list(item.items())
            for index in range(len(entries) - 1, -1, -1):
                key, inner = entries[index]
                stack.append(inner)
                name = json.dumps(str(key), ensure_ascii=False)
                stack.append(_Text(f"{',' if index else ''}{name}:"))
        elif isinstance(item, list | tuple):
            parts.append("[")
            stack.append(_Text("]"))
            for index in range(len(item) - 1, -1, -1):
                stack.append(item[index])
                if index:
                    stack.append(_Text(","))
        elif isinstance(item, int) and not isinstance(item, bool):
            parts.append(str(item))  # also beyond 64 bits
        else:
            option = orjson.OPT_PASSTHROUGH_DATETIME
            parts.append(orjson.dumps(item, default=_default, option=option).decode())
    return "".join(parts)


def attrs_json(attrs: dict[str, Any]) -> str:
    """An event's attributes as JSON text (see the module docstring).

    >>> attrs_json({"n": 1, "x": 2.5, "due": datetime(2010, 4, 1, tzinfo=UTC), "q": None})
    '{"n":1,"x":2.5,"due":{"$cxrules.instant":1270080000000000},"q":null}'
    >>> attrs_json({"cost": float("nan"), "n": 2**70})
    '{"cost":NaN,"n":1180591620717411303424}'
    """
    if not _finite(attrs):
        return _write(attrs)
    try:
        return orjson.dumps(
            attrs, default=_default, option=orjson.OPT_PASSTHROUGH_DATETIME
        ).decode()
    except TypeError:  # an int beyond 64 bits
        return _write(attrs)


def encode(value: Any) -> str:
    """One part of a duplicate key as text: equal texts exactly when Python's `==` holds.

    Numbers compare by value whatever their type (True == 1 == 1.0); strings, datetimes (by
    instant when aware), dates and the rest keep their kinds apart. SQL writes the same texts.

    >>> [encode(v) for v in (True, 1.0, 1, 0.5, "1", None)]
    ['n1', 'n1', 'n1', 'q1/2', 's1', 'z']
    """
    if value is None:
        return "z"
    if isinstance(value, str):
        return "s" + value
    if isinstance(value, bool | int):
        return "n" + str(int(value))
    if isinstance(value, float | Decimal):
        if value != value:
            return f"x{next(_NAN)}"  # NaN equals nothing, not even itself
        if value in (math.inf, -math.inf):
            return "i" + ("+" if value > 0 else "-")
        if value == int(value):
            return "n" + str(int(value))
        numerator, denominator = value.as_integer_ratio()
        return f"q{numerator}/{denominator}"
    if isinstance(value, datetime):
        if value.utcoffset() is not None:
            return "u" + str((value - EPOCH) // US)
        return "w" + value.isoformat()
    if isinstance(value, date):
        return "d" + value.isoformat()
    return "r" + type(value).__qualname__ + ":" + repr(value)


def show_time(ts: int, wall: int | None, fold: bool, tz: tzinfo) -> str:
    """An event time as `LogInput.summary()` shows it: in the mapping's zone.

    An event whose time was a wall clock in that zone is shown as the clock shows its instant (a
    wall clock in a DST gap as the later hour: `cxrules.time.zones.localize`).
    """
    if wall is not None:
        local = (NAIVE_EPOCH + timedelta(microseconds=wall)).replace(tzinfo=tz, fold=int(fold))
        return local.astimezone(UTC).astimezone(tz).isoformat()
    try:
        return (EPOCH + timedelta(microseconds=ts)).astimezone(tz).isoformat()
    except OverflowError:  # the Python readers raise here; show the instant in UTC instead
        return _utc_text(ts)


def _utc_text(ts: int) -> str:
    """ISO text in UTC of an instant outside Python's datetime range (year 0 or 10000)."""
    days, rest = divmod(ts, 86_400_000_000)
    # days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days)
    shifted = days + 719_468
    era = shifted // 146_097
    day_of_era = shifted - era * 146_097
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36524 - day_of_era // 146_096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    month_index = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * month_index + 2) // 5 + 1
    month = month_index + 3 if month_index < 10 else month_index - 9
    year = year_of_era + era * 400 + (month <= 2)
    seconds, micros = divmod(rest, 1_000_000)
    clock = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    fraction = f".{micros:06d}" if micros else ""
    return f"{year:04d}-{month:02d}-{day:02d}T{clock}{fraction}+00:00"


class Rows:
    """Staging rows of one input, collected column by column, handed on as Arrow batches."""

    def __init__(self, index: int, log: LogInput, offset: int) -> None:
        self.index = index
        self.label = log.label
        self.offset = offset - (index << SEQ_SHIFT)  # ord = seq + offset
        tz = zone(log.mapping.zone)
        self.tz: tzinfo | None = None if tz is UTC else tz
        self.key_fields = log.mapping.duplicate_key
        self.rows: list[tuple[Any, ...]] = []

    def __len__(self) -> int:
        return len(self.rows)

    def add(self, event: Event, key: Any) -> None:
        """One event and its duplicate key (None, an id, or a tuple of fields)."""
        when = event.time
        wall = None
        fold = False
        if self.tz is not None and when.tzinfo is self.tz:
            wall = (when.replace(tzinfo=None) - NAIVE_EPOCH) // US
            fold = bool(when.fold)
        if key is None:
            dkey = dshow = None
        elif type(key) is tuple:
            dkey = ["k", *map(encode, key)]
            dshow = [str(part) for part in key]
        else:
            dkey, dshow = ["id", str(key)], None
        ts = (when - EPOCH) // US
        # `key` is `when.timestamp()`: µs over 10**6, rounded once, as `timestamp` computes it
        self.rows.append(
            (
                event.seq + self.offset,
                ts,
                event.seq,
                event.type,
                event.id,
                self.label,
                event.line,
                attrs_json(event.attrs),
                self.index,
                ts / 1_000_000,
                wall,
                fold,
                dkey,
                dshow,
                None,
            )
        )

    def batch(self) -> pa.RecordBatch:
        """The rows so far as one record batch (and forget them)."""
        columns = list(zip(*self.rows, strict=True)) or [() for _ in STAGE_SCHEMA]
        arrays = [
            pa.array(column, kind) for column, kind in zip(columns, STAGE_SCHEMA.types, strict=True)
        ]
        self.rows = []
        return pa.RecordBatch.from_arrays(arrays, schema=STAGE_SCHEMA)


def whole_file(log: LogInput, index: int, offset: int, sink: Sink) -> Iterator[pa.RecordBatch]:
    """Every event of one input read by the Python readers (`LogInput.entries`); `offset` is
    the number of events of the inputs before."""
    rows = Rows(index, log, offset)
    for _when, _seq, event, key in log.entries(sink, sys.maxsize):
        rows.add(event, key)
        if len(rows) >= BATCH:
            yield rows.batch()
    if len(rows):
        yield rows.batch()


class Judge:
    """Records of a natively read file that DuckDB handed back, judged one by one exactly as
    `LogInput.entries` judges them; counts go to the input's counters."""

    def __init__(self, log: LogInput, index: int, offset: int, sink: Sink) -> None:
        self.log = log
        self.sink = sink
        self.builder = Builder(log.mapping, log.format, log.label)
        self.id_column = log.mapping.id
        self.key_fields = log.mapping.duplicate_key
        self.rows = Rows(index, log, offset)
        self.base = index << SEQ_SHIFT

    def item(self, item: Item, position: int) -> int:
        """Judge one raw row or rejection; its events get positions from `position` on.
        Returns the number of events made."""
        log = self.log
        log.read += 1
        if type(item) is Rejected:
            log.rejected += 1
            self.sink.append(item)
            return 0
        line, row, raw = item  # type: ignore[misc]
        explicit = self.id_column is not None and row.get(self.id_column) is not None
        self.builder.seq = self.base + position
        try:
            events = self.builder.build(row, line)
        except Bad as bad:
            log.rejected += 1
            self.sink.append(Rejected(log.label, line, bad.code, bad.reason, sample_text(raw)))
            return 0
        log.accepted += 1
        for event in events:
            if self.key_fields:
                key: Any = tuple(duplicate_part(event, name) for name in self.key_fields)
            else:
                key = event.id if explicit else None
            self.rows.add(event, key)
        return len(events)


def jsonl_item(raw: bytes, number: int, limit: int, label: str) -> Item | None:
    """What `read_jsonl` makes of line `number` whose bytes (or first `limit + 2` bytes) are
    `raw`: a row, a rejection, or None for a blank line."""
    stream = io.BytesIO(raw if number == 1 else b"\n" + raw)  # only line 1 loses a BOM
    for item in read_jsonl(stream, limit, label):
        if type(item) is Rejected:
            return replace(item, line=number)
        _line, row, data = item  # type: ignore[misc]
        return number, row, data
    return None


def csv_item(
    header: bytes, raw: bytes, number: int, limit: int, label: str, delimiter: str, encoding: str
) -> Item | None:
    """What `read_csv` makes of line `number` (a record on one line, `raw` its bytes) after the
    header line: a row, a rejection, or None for a blank line."""
    stream = io.BytesIO(header + raw)
    for item in read_csv(stream, limit, label, delimiter, encoding):
        if type(item) is Rejected:
            return replace(item, line=number)
        _line, row, data = item  # type: ignore[misc]
        return number, row, data
    return None
