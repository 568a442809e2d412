"""Log stage: the JSONL, CSV and Parquet readers, yielding raw rows or rejected records.

Each reader yields `(line, row, raw)` for a record that parsed (raw is its text, for samples) or
a `Rejected` for one that did not. Blank lines are not records.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import orjson

from cxrules.logs.errors import LogError
from cxrules.logs.event import Rejected
from cxrules.logs.files import (
    CUT,
    Cut,
    bounded_lines,
    cut_record,
    is_cut,
    sample_text,
)

Row = tuple[int, dict[str, Any], bytes | str]
Item = Row | Rejected
_CHUNK = 1 << 20


def read_jsonl(
    stream: IO[bytes], limit: int, label: str, encoding: str = "utf-8"
) -> Iterator[Item]:
    """Rows of a JSON Lines stream: one object per line, in `encoding` (a line not valid in it
    is rejected, E402; UTF-16 and UTF-32 files are recoded before their lines are split)."""
    loads = orjson.loads
    decode_error = orjson.JSONDecodeError
    codec = codecs.lookup(encoding).name
    if codec in _WIDE:
        stream = io.BufferedReader(_Recoded(stream, encoding, label))
        codec = "utf-8"
    readline = stream.readline
    number = 0
    while True:
        data = readline(limit + 2)
        if not data:
            return
        number += 1
        if len(data) > limit and len(data.rstrip(b"\r\n")) > limit:
            if not data.endswith(b"\n"):
                while True:
                    chunk = readline(_CHUNK)
                    if not chunk or chunk.endswith(b"\n"):
                        break
                if not chunk and is_cut(stream):  # the file's last line, cut off
                    yield cut_record(label, number, data[:200])
                    return
            yield _too_long(label, number, data, limit)
            continue
        if not data.endswith(b"\n") and is_cut(stream):  # the file's last line, cut off
            yield cut_record(label, number, data)
            return
        if number == 1 and data.startswith(b"\xef\xbb\xbf") and codec == "utf-8":
            data = data[3:]
        if codec != "utf-8":
            try:
                data = data.decode(encoding).encode("utf-8")
            except UnicodeDecodeError as bad:
                reason = f"bytes are not valid {encoding} at byte {bad.start + 1} of the line"
                yield Rejected(label, number, "E402", reason, sample_text(data))
                continue
        try:
            row = loads(data)
        except decode_error as exc:
            if data.isspace():
                continue
            yield _bad_json(label, number, data, exc)
            continue
        if type(row) is not dict:
            kind = type(row).__name__.replace("NoneType", "null")
            reason = f"a record must be a JSON object, got {kind}"
            yield Rejected(label, number, "E411", reason, sample_text(data))
            continue
        if data.count(b"[") + data.count(b"{") > MAX_DEPTH and too_deep(row):
            reason = f"not valid JSON: the record nests deeper than {MAX_DEPTH} levels"
            yield Rejected(label, number, "E402", reason, sample_text(data))
            continue
        yield number, row, data


#: How deep lists and objects of a record may nest, the record one level: orjson reads 1024,
#: but the reports' JSON and the rules' values recurse, and 500 levels ended every audit in an
#: internal RecursionError (hunt66 finding-K). No export nests anywhere near this.
MAX_DEPTH = 128


def too_deep(row: dict[str, Any]) -> bool:
    """Whether `row` nests deeper than MAX_DEPTH levels (without recursing itself)."""
    stack: list[tuple[Any, int]] = [(row, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if type(value) is dict:
            stack.extend((item, depth + 1) for item in value.values())
        elif type(value) is list:
            stack.extend((item, depth + 1) for item in value)
    return False


#: What to do with a line that is not UTF-8: most often the whole export is in a code page.
ENCODING_HINT = 'give the file\'s encoding in the mapping, e.g. encoding = "cp1252" or "latin-1"'


def _too_long(label: str, number: int, data: bytes, limit: int) -> Rejected:
    reason = f"record is longer than the maximum of {limit} bytes"
    return Rejected(label, number, "E408", reason, sample_text(data[:200]))


def _bad_json(label: str, number: int, data: bytes, exc: Exception) -> Rejected:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as bad:
        reason = f"bytes are not valid UTF-8 at byte {bad.start + 1} of the line; {ENCODING_HINT}"
        return Rejected(label, number, "E407", reason, sample_text(data))
    if not data.strip():
        return Rejected(label, number, "E402", "not valid JSON: the record is empty", "")
    try:  # again without the line end, so that the position is within the line
        orjson.loads(data.rstrip(b"\r\n"))
    except orjson.JSONDecodeError as again:
        exc = again
    message = getattr(exc, "msg", "") or "invalid JSON"
    where = f" at character {exc.pos + 1}" if isinstance(exc, orjson.JSONDecodeError) else ""
    return Rejected(label, number, "E402", f"not valid JSON: {message}{where}", sample_text(data))


class _Lines:
    """Decoded lines for the csv module; a bad line becomes '' and is flagged for rejection."""

    def __init__(self, stream: IO[bytes], limit: int, encoding: str, label: str) -> None:
        if codecs.lookup(encoding).name in _WIDE:  # b"\n" is no line end in UTF-16 or UTF-32
            stream = io.BufferedReader(_Recoded(stream, encoding, label))
            encoding = "utf-8"
        self.source = bounded_lines(stream, limit)
        self.decoder = codecs.getincrementaldecoder(encoding)
        self.encoding = encoding
        self.limit = limit
        self.label = label
        self.number = 0
        self.bad: Rejected | None = None
        self.wide = False  # the first bad line looks UTF-16 (a byte order mark, NUL bytes)

    def __iter__(self) -> Iterator[str]:
        for number, data, too_long in self.source:
            self.number = number
            if number == 1 and data.startswith(codecs.BOM_UTF8):
                data = data[3:]
            if too_long:
                self.bad = self.bad or _too_long(self.label, number, data, self.limit)
                yield "\n"
                continue
            try:
                yield data.decode(self.encoding)
            except UnicodeDecodeError as exc:
                utf8 = self.encoding.replace("-", "").lower() == "utf8"
                name = "UTF-8" if utf8 else self.encoding
                reason = f"bytes are not valid {name} at byte {exc.start + 1} of the line"
                if utf8 and number > 1:  # the header's own error says it (_check_header)
                    reason += f"; {ENCODING_HINT}"
                code = "E407" if utf8 else "E402"
                if self.bad is None:
                    self.bad = Rejected(self.label, number, code, reason, sample_text(data))
                    self.wide = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
                    self.wide = self.wide or b"\x00" in data
                yield "\n"


#: Codecs whose line ends are not the byte b"\n": the file is recoded to UTF-8 before its
#: lines are split (an Excel "Unicode Text" export is UTF-16).
_WIDE = {"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}


class _Recoded(io.RawIOBase):
    """A UTF-16 or UTF-32 byte stream as UTF-8 bytes; bytes that are not valid in its codec
    are a LogError (its lines cannot be told apart)."""

    def __init__(self, stream: IO[bytes], encoding: str, label: str) -> None:
        self.decoder = codecs.getincrementaldecoder(encoding)()
        self.stream, self.encoding, self.label = stream, encoding, label
        self.pending = b""
        self.done = False

    def readable(self) -> bool:
        return True

    @property
    def cut(self) -> bool:
        """Whether the file beneath is a gzip file cut short, read to its cut."""
        return is_cut(self.stream)

    def readinto(self, buffer: Any) -> int:
        while not self.pending and not self.done:
            chunk = self.stream.read(1 << 16)
            try:
                text = self.decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                reason = f"the file is not valid {self.encoding}: {exc.reason}"
                raise LogError(self.label, reason) from None
            except UnicodeError:  # "utf-16" and "utf-32" read a byte order mark first
                raise LogError(self.label, _no_bom(self.encoding, chunk)) from None
            self.pending = text.encode("utf-8", "surrogatepass")
            self.done = not chunk
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


def _no_bom(encoding: str, start: bytes) -> str:
    """Why a file read as "utf-16" or "utf-32" without a byte order mark cannot be read."""
    codec = codecs.lookup(encoding).name
    reason = f"the file is not valid {encoding}: it does not start with a byte order mark"
    if b"\x00" not in start[:4096]:
        return (
            f"{reason}, and it has no NUL byte, so it is likely not {codec.upper()} at all: "
            'leave encoding out (UTF-8) or give the one it is written in, e.g. "cp1252"'
        )
    return f'{reason}: give its byte order, encoding = "{codec}-le" or "{codec}-be"'


def csv_header(
    stream: IO[bytes],
    delimiter: str,
    encoding: str,
    label: str,
    sample: list[list[str]] | None = None,
) -> list[str]:
    """The header of a CSV stream (names made unique: a repeated name gets '.1', '.2', ...);
    with `sample`, the first few rows after it are put there (for hints, never for events)."""
    lines = _Lines(stream, 1 << 24, encoding, label)
    csv.field_size_limit(1 << 24)  # as the line: whatever limit the last read_csv set
    try:
        delimiter, rest, _ = _excel_sep(iter(lines), delimiter, label)
        reader = csv.reader(rest, delimiter=delimiter, strict=True)  # as read_csv reads it
        for fields in reader:
            _check_header(lines, label)
            if fields:
                if sample is not None:
                    _sample(reader, sample)
                return _unique(fields)
    except csv.Error as exc:
        reason = f"line {lines.number}: the header is not valid CSV: {_csv_error(exc)}"
        raise LogError(label, reason) from None
    except Cut as cut:
        raise LogError(label, f"line {cut.line}: the header cannot be read: {CUT}") from None
    return []


def _sample(reader: Iterator[list[str]], into: list[list[str]], rows: int = 5) -> None:
    """Up to `rows` non-empty rows from `reader`; a row that cannot be read ends the sample."""
    try:
        for row in reader:
            if row:
                into.append(row)
            if len(into) >= rows:
                return
    except (csv.Error, LogError, ValueError, Cut):
        return


def _check_header(lines: _Lines, label: str) -> None:
    """A header line that cannot be decoded (or is too long) is no header: the next line must
    not be taken for it (its values would be shown as the columns)."""
    bad = lines.bad
    if bad is None:
        return
    hint = ""
    if bad.code != "E408" and lines.wide:
        hint = '; the file looks UTF-16 (Excel\'s "Unicode Text"): encoding = "utf-16"'
    elif bad.code != "E408":
        hint = f"; {ENCODING_HINT}"
    raise LogError(label, f"line {bad.line}: the header cannot be read: {bad.reason}{hint}")


def _unique(names: list[str], strip: bool = True) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for index, raw in enumerate(names):
        name = (raw.strip() if strip else raw) or f"column{index + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


_EXCEL_SEP = re.compile(r"sep=(.)\r?\n?")


def _excel_sep(lines: Iterator[str], delimiter: str, label: str) -> tuple[str, Iterator[str], int]:
    """Excel's first line `sep=;` names the delimiter and is no header: the delimiter it names,
    the lines after it and 1 (the lines skipped); else `delimiter`, every line and 0."""
    try:
        first = next(lines, None)
    except Cut as cut:
        raise LogError(label, f"line {cut.line}: the header cannot be read: {CUT}") from None
    if first is None:
        return delimiter, iter(()), 0
    found = _EXCEL_SEP.fullmatch(first)
    if found:
        return found[1], lines, 1
    return delimiter, itertools.chain([first], lines), 0


def _csv_error(exc: csv.Error) -> str:
    """The csv module's error in an auditor's words, where it speaks of Python."""
    text = str(exc)
    if text.startswith("new-line character seen in unquoted field"):
        return (
            "a carriage return (CR) inside an unquoted field; a file whose lines all end with CR"
            " alone (an old Mac export) is read as one line: save it with LF or CRLF line ends"
        )
    if text.endswith("expected after '\"'"):
        return (
            f"{text}: a field with a quote in it is quoted whole, with the quote written"
            ' twice ("Ticket ""ID""")'
        )
    return text


def read_csv(
    stream: IO[bytes], limit: int, label: str, delimiter: str, encoding: str
) -> Iterator[Item]:
    """Rows of a CSV stream with a header row; quoted fields may span lines."""
    lines = _Lines(stream, limit, encoding, label)
    delimiter, rest, skipped = _excel_sep(iter(lines), delimiter, label)
    reader = csv.reader(rest, delimiter=delimiter, strict=True)
    header: list[str] | None = None
    while True:
        start = skipped + reader.line_num + 1  # lines.number is ahead of it before a read
        # csv's own field limit (128 KiB, for the whole process) is this input's record limit
        csv.field_size_limit(limit)
        try:
            fields = next(reader)
        except StopIteration:
            return
        except Cut as cut:  # the file's last line, cut off: the record started on `start`
            if header is None:
                reason = f"line {cut.line}: the header cannot be read: {CUT}"
                raise LogError(label, reason) from None
            if cut.line == start:
                yield cut_record(label, start, cut.data)
            else:  # a quoted field over several lines, its closing quote lost
                yield cut_record(label, start, partial=True)
            return
        except csv.Error as exc:
            lines.bad = None
            if header is None:  # the next row is no header: its values are no column names
                reason = f"line {start}: the header is not valid CSV: {_csv_error(exc)}"
                raise LogError(label, reason) from None
            reason = f"not valid CSV: {_csv_error(exc)}"
            if str(exc).startswith("field larger than field limit"):
                # a quote left open: lines were read into one field up to the record limit
                reason = (
                    f"record is longer than the maximum of {limit} bytes: a quoted field opened"
                    f" on line {start} is not closed by line {lines.number}, so lines {start} to"
                    f" {lines.number} were read as one record (a quote inside a quoted field is"
                    ' written twice: "")'
                )
                yield Rejected(label, start, "E408", reason, "")
                continue
            if str(exc) == "unexpected end of data" and is_cut(stream):
                # a quoted field over several lines, cut at a line end before its closing quote
                yield cut_record(label, start, partial=True)
                return
            if str(exc) == "unexpected end of data":
                # a quote left open: every line to the end was read into one field
                reason = f"not valid CSV: a quoted field opened on line {start} is never closed"
                if lines.number > start:
                    reason += f", so lines {start} to {lines.number} were read as one record"
                reason += ' (a quote inside a quoted field is written twice: "")'
            yield Rejected(label, start, "E402", reason, "")
            continue
        if lines.bad is not None:
            if header is None:
                _check_header(lines, label)
            yield lines.bad
            lines.bad = None
            continue
        if not fields or fields == [""]:
            continue
        if header is None:
            header = _unique(fields)
            continue
        raw = delimiter.join(fields)
        if len(fields) != len(header):
            count = f"{len(fields)} field{'s' if len(fields) != 1 else ''}"
            reason = f"not valid CSV: the row has {count}, the header has {len(header)}"
            yield Rejected(label, start, "E402", reason, sample_text(raw))
            continue
        yield start, dict(zip(header, fields, strict=True)), raw


def parquet_file(path: Path) -> Any:
    """A Parquet file for reading. An INT96 timestamp (Spark, Impala and Hive's older exports)
    is read in µs, as DuckDB reads it: pyarrow's nanoseconds hold only the years 1677 to 2262,
    and a `valid_to` of 9999-12-31 came out as 1816-03-29T05:56:08.066277 on every engine."""
    import pyarrow.parquet as pq

    return pq.ParquetFile(path, coerce_int96_timestamp_unit="us")


def parquet_columns(path: Path, label: str) -> list[str]:
    """The column names of a Parquet file, made unique as a CSV header's are (a repeated name
    gets '.1', '.2', ...; an empty one is `column<N>`), blanks kept."""
    try:
        return _unique(parquet_file(path).schema_arrow.names, strip=False)
    except Exception as exc:  # pyarrow raises several kinds for a corrupt file
        raise LogError(label, f"not a readable Parquet file: {exc}") from None


def parquet_rows(path: Path, label: str) -> int:
    """The number of rows of a Parquet file, from its metadata."""
    try:
        return int(parquet_file(path).metadata.num_rows)
    except Exception as exc:  # pyarrow raises several kinds for a corrupt file
        raise LogError(label, f"not a readable Parquet file: {exc}") from None


def read_parquet(path: Path, label: str, batch_size: int = 65536) -> Iterator[Item]:
    """Rows of a Parquet file, read in record batches; the line is the 1-based row number."""
    import pyarrow as pa

    try:
        parquet = parquet_file(path)
        names = _unique(parquet.schema_arrow.names, strip=False)  # a repeated one loses a column
        number = 0
        for batch in parquet.iter_batches(batch_size=batch_size):
            batch = batch.rename_columns(names)
            try:
                rows = batch.to_pylist()
            except (OverflowError, ValueError):  # a time out of range, a string not UTF-8
                yield from _parquet_rows(batch, number, label)
                number += batch.num_rows
                continue
            for row in rows:
                number += 1
                yield number, {k: _json_like(v) for k, v in row.items()}, ""
    except (OSError, pa.ArrowException) as exc:
        raise LogError(label, f"not a readable Parquet file: {exc}") from None


def bytes_text(value: bytes) -> str:
    """Bytes as an attribute's text: the text they hold when they are UTF-8, else their hex.

    >>> bytes_text(b"Ann"), bytes_text(b"\\xff\\x01")
    ('Ann', 'ff01')
    """
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.hex()


def _json_like(value: Any) -> Any:
    """A Parquet value JSON has no type for, as the duckdb engine's ingestion writes it
    (docs/duckdb-ingest.md, "Attribute values"): a decimal as the number its digits say (an int
    without a fraction part), bytes as their text when they are UTF-8 (a string column written
    as plain BINARY, as older Hive and Impala exports do), else as their hex text, a time of day
    as its ISO text, a duration as its seconds (durations are seconds, docs/semantics.md: an int
    when whole). Dates and datetimes stay (the mapping may read them as times); a timestamp in
    nanoseconds, which pyarrow gives as pandas' Timestamp, becomes a datetime at the microsecond
    below, as every engine holds times (a duration in nanoseconds likewise). Anything else (a
    UUID column, as DuckDB writes one) is its text."""
    if value is None or type(value) in _PLAIN:
        return value
    if isinstance(value, Decimal):
        whole = value.is_finite() and value == value.to_integral_value() and "." not in str(value)
        return int(value) if whole else float(value)
    if isinstance(value, bytes):
        return bytes_text(value)
    if isinstance(value, dt_time):
        return value.isoformat()
    if isinstance(value, list | tuple):  # a tuple: an entry of a map column
        return [_json_like(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_like(v) for k, v in value.items()}
    if isinstance(value, datetime) and type(value) is not datetime:
        return datetime(
            *(value.year, value.month, value.day, value.hour, value.minute, value.second),
            value.microsecond,
            value.tzinfo,
            fold=value.fold,
        )
    if isinstance(value, timedelta):
        micros = value // _MICROSECOND
        return micros // 1_000_000 if micros % 1_000_000 == 0 else micros / 1_000_000
    if isinstance(value, str | int | float | date):
        return value
    return str(value)


_MICROSECOND = timedelta(microseconds=1)
_PLAIN = frozenset({str, int, float, bool})


def _parquet_rows(batch: Any, number: int, label: str) -> Iterator[Item]:
    """A batch's rows one by one: a row holding a value outside the years 1 to 9999 is
    rejected (E413), one holding a string that is not UTF-8 (a writer may put any bytes in a
    string column) too (E407), and the others are read."""
    names = batch.schema.names
    for index in range(batch.num_rows):
        number += 1
        row: dict[str, Any] = {}
        for name, column in zip(names, batch.columns, strict=True):
            try:
                row[name] = column[index].as_py()
            except UnicodeDecodeError as exc:
                reason = (
                    f"column '{name}' holds a string whose bytes are not valid UTF-8 at byte "
                    f"{exc.start + 1}"
                )
                yield Rejected(label, number, "E407", reason, "")
                break
            except (OverflowError, ValueError):
                reason = f"column '{name}' holds a time outside the years 1 to 9999"
                yield Rejected(label, number, "E413", reason, "")
                break
        else:
            yield number, {k: _json_like(v) for k, v in row.items()}, ""
