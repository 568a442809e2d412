"""Log stage: inputs opened with their mapping, read and merged into one stream in time order.

Events come out ordered by (time, file order, input order). `Event.seq` is
`file index * 2**40 + position in the file`, so sorting by (time, seq) gives the same order.
"""

from __future__ import annotations

import heapq
import weakref
import zlib
from bisect import insort
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, Literal

from cxrules.diagnostics import did_you_mean, error
from cxrules.logs.build import Bad, Builder
from cxrules.logs.column_hints import time_column_hint
from cxrules.logs.errors import LogError, MappingError, OutOfOrder
from cxrules.logs.event import Event, Rejected
from cxrules.logs.files import (
    FORMATS,
    check_readable,
    cut_record,
    decompress_to_temporary,
    detect_format,
    is_cut,
    is_gzip,
    open_binary,
    open_counted,
    sample_text,
    sha256,
    spool_stdin,
)
from cxrules.logs.mapping import LogMapping
from cxrules.logs.profile import LogProfile
from cxrules.logs.progress import NO_PROGRESS, Progress
from cxrules.logs.readers import (
    Item,
    csv_header,
    parquet_columns,
    parquet_rows,
    read_csv,
    read_jsonl,
    read_parquet,
)
from cxrules.logs.xes import read_xes
from cxrules.reports.model import InputSummary
from cxrules.time.zones import zone

SEQ_SHIFT = 40
REPORT_EVERY = 1024  # records between two reports of the bytes read
# (instant as POSIX seconds, seq, event, duplicate key or None). The float key orders instants
# exactly (distinct microseconds stay distinct until far beyond year 2200) and compares much
# faster than aware datetimes with different tzinfo objects.
Entry = tuple[float, int, Event, Any]


class LogInput:
    """One log file with its mapping; every read starts afresh and recounts."""

    def __init__(
        self,
        path: str,
        mapping: LogMapping,
        *,
        fmt: str | None = None,
        max_record: int | None = None,
    ) -> None:
        self.path = path
        self.mapping = mapping
        self._temporary: list[Path] = []
        weakref.finalize(self, _remove, self._temporary)
        self.file = spool_stdin() if path == "-" else Path(path)
        if path == "-":
            self._temporary.append(self.file)
        label = "<stdin>" if path == "-" else path
        self.label = label
        check_readable(self.file, label)
        name = "" if path == "-" else path
        self.format = fmt or mapping.format or detect_format(name, self.file, label)
        if self.format not in FORMATS:
            raise LogError(label, f"unknown format '{self.format}' (use {', '.join(FORMATS)})")
        self.compressed = is_gzip(self.file)
        self.table = self.file  # what the Parquet reader opens: it needs an uncompressed file
        if self.format == "parquet" and self.compressed:
            self.table = decompress_to_temporary(self.file, label)
            self._temporary.append(self.table)
        self.max_record = max_record or mapping.max_record
        self.size = self.file.stat().st_size  # bytes as stored: what progress counts
        self._stored: IO[bytes] | None = None  # the stored file while it is being read
        self._rows = 0  # a Parquet file's rows, for its progress
        self._consumed = 0
        self.index = 0
        self.delimiter = mapping.delimiter or ("\t" if _stem(name).endswith(".tsv") else ",")
        self._sha: str | None = None
        self.reset()
        self._check_columns()

    def reset(self) -> None:
        """Zero the counters before a read."""
        self.read = self.accepted = self.rejected = self.duplicates = self.events = 0
        self.codes: Counter[str] = Counter()  # rejected records by code, every one counted
        self.first: datetime | None = None
        self.last: datetime | None = None
        self._consumed = 0

    def position(self) -> int:
        """Bytes of the file as stored read so far in this read (compressed bytes for gzip;
        for Parquet, the share of its rows read); the whole size once the read is done."""
        if self.format == "parquet" and self._rows:
            return min(self.size, self.size * self.read // self._rows)
        stored = self._stored
        if stored is None:
            return self._consumed
        try:
            return min(self.size, stored.tell())
        except (OSError, ValueError):
            return self._consumed

    @property
    def sha256(self) -> str:
        """SHA-256 of the file's bytes as given (the compressed bytes for a gzip file)."""
        if self._sha is None:
            self._sha = sha256(self.file)
        return self._sha

    def _check_columns(self, head: IO[bytes] | None = None) -> None:
        """The mapping's columns must be in the header (E410): of the file, or of `head` (the
        first lines of a CSV log read elsewhere)."""
        clashes = self.mapping.condition_clashes(self.format)
        if clashes:
            raise MappingError(clashes)
        if self.format not in ("csv", "parquet"):
            return
        builder = Builder(self.mapping, self.format, self.label)
        rows: list[list[str]] = []  # the first rows, for a hint at the time column
        if self.format == "csv":
            encoding = self.mapping.encoding
            if head is not None:
                header = csv_header(head, self.delimiter, encoding, self.label, rows)
            else:
                with open_binary(self.file, self.label) as stream:
                    header = csv_header(stream, self.delimiter, encoding, self.label, rows)
            if not header:
                return
        else:
            header = parquet_columns(self.table, self.label)
        absent = [c for c in builder.columns() if c not in header]
        if absent:
            # NUL bytes between the letters: UTF-16 read as UTF-8 (no byte order mark)
            wide = any("\x00" in name for name in header)
            # one column holding another separator: a ';' export (Excel where ',' is decimal)
            split = next((d for d in ";\t|," if len(header) == 1 and d in header[0]), "")
            names = [repr(n) if wide else n for n in header[:20]]
            shown = ", ".join(names) + (", ..." if len(header) > 20 else "")
            problems = []
            for c in absent:
                span, line = self.mapping.locate_column(c)
                hint = did_you_mean(c, header) or "name a column of the header"
                if c == "time" and self.mapping.time is None and not did_you_mean(c, header):
                    hint = time_column_hint(header, rows) or hint
                if c == self.mapping.id and not did_you_mean(c, header):
                    hint = (
                        'name a column of the header, or write id = "" when no column identifies'
                        " a record (each event's id is then its file:line)"
                    )
                if c == self.mapping.type and not did_you_mean(c, header):
                    hint = (
                        "'type' is the column that holds each row's type; one type for every"
                        f' row is a [[log.events]] entry: type = "{c}" with its time column'
                    )
                if wide:
                    hint = 'the file looks UTF-16: give the mapping encoding = "utf-16-le"'
                elif split:
                    hint = _delimiter_hint(split)
                problems.append(
                    error(
                        "E410",
                        f"the mapping names column '{c}', which the header of {self.label} does "
                        f"not have (columns: {shown})",
                        span,
                        hint,
                        line,
                    )
                )
            raise MappingError(problems)
        fields = builder.fields(header)
        unknown = [
            name
            for name in self.mapping.duplicate_key
            if name not in fields and name.split(".")[0] not in fields
        ]
        if unknown:
            raise MappingError([self._no_such_field(name, fields) for name in unknown])

    def _roles(self) -> dict[str, str]:
        """The columns that become an event's time, type and id, by name."""
        mapping = self.mapping
        columns = {
            mapping.time_column(self.format): "time",
            mapping.type_column(self.format): "type",
        }
        if mapping.id:
            columns[mapping.id] = "id"
        for spec in mapping.events:
            columns.setdefault(spec.time, "time")
        return columns

    def _no_such_field(self, name: str, fields: list[str]) -> Any:
        """E410 for a `duplicate_key` name that no event has, pointing at the mapping's line."""
        mapping = self.mapping
        if name in mapping.rename:
            hint = f"'{name}' is renamed '{mapping.rename[name]}': write '{mapping.rename[name]}'"
        elif name in (roles := self._roles()) and name not in fields:
            hint = f"column '{name}' is the event's {roles[name]}: write '{roles[name]}'"
        else:
            hint = did_you_mean(name, fields) or (
                "the names are the event's fields: " + ", ".join(fields[:12])
            )
        span, line = mapping.locate("duplicate_key")
        return error(
            "E410",
            f"{self.label}: duplicate_key names '{name}', which no event has (it names the "
            "event's fields: time, type, id and attributes after rename)",
            span,
            hint,
            line,
        )

    def items(self) -> Iterator[Item]:
        """The raw rows and rejected records of this file, in file order."""
        try:
            if self.format == "parquet":
                self._rows = parquet_rows(self.table, self.label)
                yield from read_parquet(self.table, self.label)
            else:
                yield from self._text_items()
        finally:
            self._stored = None
            self._consumed = self.size

    def _text_items(self) -> Iterator[Item]:
        with open_counted(self.file, self.label) as (stream, stored):
            self._stored = stored
            try:
                cut = False  # the readers' E415 for a gzip file cut short
                for item in self._reader(stream):
                    cut = cut or (type(item) is Rejected and item.code == "E415")
                    yield item
                if not cut and is_cut(stream):  # cut at a line end: no record is cut off
                    yield cut_record(self.label, getattr(stream, "newlines_read", 0) + 1)
            except (EOFError, OSError, zlib.error) as exc:
                raise LogError(self.label, f"the file is truncated or corrupt: {exc}") from None

    def _reader(self, stream: IO[bytes]) -> Iterator[Item]:
        if self.format == "jsonl":
            encoding = self.mapping.encoding
            return read_jsonl(stream, self.max_record, self.label, encoding)
        if self.format == "csv":
            encoding = self.mapping.encoding
            return read_csv(stream, self.max_record, self.label, self.delimiter, encoding)
        if self.format == "xes":
            return read_xes(stream, self.label, self.mapping.time_column("xes"))
        raise LogError(self.label, f"unsupported format '{self.format}'")

    def entries(
        self, sink: list[Rejected], cap: int, on_read: Callable[[], None] | None = None
    ) -> Iterator[Entry]:
        """(time, seq, event, duplicate key) for each event, in file order; rejections go to
        `sink` (at most `cap` kept, all counted); `on_read` is called every `REPORT_EVERY`
        records."""
        self.reset()
        builder = Builder(self.mapping, self.format, self.label)
        key_fields = self.mapping.duplicate_key
        unseen = set(key_fields)  # duplicate_key names no event has had yet
        names: set[str] = set()  # the fields of the first events, for a did-you-mean
        id_column = self.mapping.id
        builder.seq = self.index << SEQ_SHIFT
        kept = 0
        for item in self.items():
            self.read += 1
            if on_read is not None and not self.read % REPORT_EVERY:
                on_read()
            if type(item) is Rejected:
                self.rejected += 1
                self.codes[item.code] += 1
                if kept < cap or item.always_listed:  # a file cut short, lines lost
                    sink.append(item)
                    kept += 1
                continue
            line, row, raw = item  # type: ignore[misc]
            explicit = id_column is not None and row.get(id_column) is not None
            try:
                events = builder.build(row, line)
            except Bad as bad:
                self.rejected += 1
                self.codes[bad.code] += 1
                if kept < cap:
                    sink.append(Rejected(self.label, line, bad.code, bad.reason, sample_text(raw)))
                    kept += 1
                continue
            self.accepted += 1
            for event in events:
                if key_fields:
                    key: Any = tuple(duplicate_part(event, name) for name in key_fields)
                    if None in key:  # a key with a part missing is no key: never a duplicate
                        if unseen:
                            unseen.difference_update(
                                n for n, v in zip(key_fields, key, strict=True) if v is not None
                            )
                        key = None
                    else:
                        unseen.clear()
                    if unseen and len(names) < 1000:
                        names.update(event.attrs)
                else:
                    key = event.id if explicit else None
                yield event.time.timestamp(), event.seq, event, key
        if unseen and self.accepted:
            fields = ["time", "type", "id", *sorted(names)]
            raise MappingError(
                [self._no_such_field(name, fields) for name in key_fields if name in unseen]
            )

    def summary(self) -> InputSummary:
        """Counts of the last read, for the report."""
        tz = zone(self.mapping.zone)
        return InputSummary(
            path=self.path,
            sha256=self.sha256,
            format=self.format + (".gz" if self.compressed else ""),
            read=self.read,
            accepted=self.accepted,
            rejected=self.rejected,
            duplicates=self.duplicates,
            events=self.events,
            first_time=self.first.astimezone(tz).isoformat() if self.first else None,
            last_time=self.last.astimezone(tz).isoformat() if self.last else None,
        )

    def close(self) -> None:
        """Remove temporary files (spooled standard input, decompressed Parquet); also done
        when the input is garbage-collected."""
        _remove(self._temporary)


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
    paths.clear()


def _stem(name: str) -> str:
    lowered = name.lower()
    return lowered[:-3] if lowered.endswith(".gz") else lowered


def duplicate_part(event: Event, name: str) -> Any:
    """One part of an event's duplicate key (`duplicate_key` names a field of the event)."""
    if name == "time":
        return event.time
    if name == "type":
        return event.type
    if name == "id":
        return event.id
    value = event.get(name)
    return repr(value) if isinstance(value, dict | list) else value


def open_log(
    path: str,
    mapping: LogMapping | None = None,
    *,
    fmt: str | None = None,
    max_record: int | None = None,
) -> LogInput:
    """Open one log ('-' is standard input); raises LogError or MappingError.

    The format comes from `fmt`, else the mapping, else the extension (.gz or not), else the
    content.
    """
    return LogInput(path, mapping or LogMapping(), fmt=fmt, max_record=max_record)


class LogSet:
    """Several inputs read as one stream of events ordered by (time, file order, input order)."""

    def __init__(
        self,
        inputs: Sequence[LogInput],
        *,
        reorder: int = 1024,
        max_rejected: int = 1000,
        duplicates: Literal["log", "instant"] = "log",
    ) -> None:
        self.inputs = list(inputs)
        for index, log in enumerate(self.inputs):
            log.index = index
        self.reorder = reorder
        self.max_rejected = max_rejected
        self.duplicate_scope = duplicates
        self.rejected: list[Rejected] = []
        self.duplicate_samples: list[Rejected] = []
        self.profile = LogProfile()  # the types and attribute paths of the last read's events

    @property
    def total_bytes(self) -> int:
        """The size of every input as stored: the total of progress reports in bytes."""
        return sum(log.size for log in self.inputs)

    def bytes_read(self) -> int:
        """Bytes of the inputs as stored read so far in the current read."""
        return sum(log.position() for log in self.inputs)

    @property
    def rejected_total(self) -> int:
        """Rejected records of the last read, including those beyond the kept list."""
        return sum(log.rejected for log in self.inputs)

    @property
    def rejected_by_code(self) -> dict[str, int]:
        """Rejected records of the last read by code, every one counted (sorted by code)."""
        total: Counter[str] = Counter()
        for log in self.inputs:
            total.update(log.codes)
        return dict(sorted(total.items()))

    def events(self, sorted: bool = False, progress: Progress = NO_PROGRESS) -> Iterator[Event]:
        """All events in (time, file order, input order).

        Streaming (`sorted=False`) keeps memory flat and tolerates disorder within `reorder`
        events; beyond that it raises OutOfOrder, and the caller reads again with `sorted=True`,
        which holds every event in memory and sorts stably. `progress` hears the phases and the
        bytes read (see `cxrules.logs.progress`).
        """
        self.rejected = []
        self.duplicate_samples = []
        self.profile = LogProfile()
        total = self.total_bytes
        on_read = None
        if progress is not NO_PROGRESS:

            def on_read() -> None:
                progress.read(self.bytes_read(), total)

        if sorted:
            merged: Iterator[Entry] = self._sorted(progress, on_read)
        else:
            progress.phase("auditing")
            streams = [self._stream(log, on_read) for log in self.inputs]
            merged = streams[0] if len(streams) == 1 else heapq.merge(*streams)
        return self.deliver(merged, on_read)

    def _sorted(self, progress: Progress, on_read: Callable[[], None] | None) -> Iterator[Entry]:
        progress.phase("reading to sort")
        everything: list[Entry] = []
        for log in self.inputs:
            everything.extend(log.entries(self.rejected, self.max_rejected, on_read))
        if on_read is not None:
            on_read()
        progress.phase("sorting")
        everything.sort(key=_order)
        progress.phase("auditing", len(everything))
        return iter(everything)

    def _stream(self, log: LogInput, on_read: Callable[[], None] | None) -> Iterator[Entry]:
        buffer: deque[Entry] = deque()
        append, popleft = buffer.append, buffer.popleft
        size = self.reorder
        last = float("-inf")
        for entry in log.entries(self.rejected, self.max_rejected, on_read):
            if buffer and entry[0] < buffer[-1][0]:
                if entry[0] < last:
                    event = entry[2]
                    emitted = datetime.fromtimestamp(last, event.time.tzinfo).isoformat()
                    raise OutOfOrder(log.label, event.line, event.time.isoformat(), emitted)
                insort(buffer, entry)
            else:
                append(entry)
            if len(buffer) > size:
                first = popleft()
                last = first[0]
                yield first
        yield from buffer

    def deliver(
        self,
        merged: Iterator[Entry],
        on_read: Callable[[], None] | None = None,
        forget: float | None = None,
    ) -> Iterator[Event]:
        """The events of entries in order, duplicates dropped (counted, E409 samples kept),
        the inputs' counts and the profile kept up to date. `forget`: seconds of log time
        after which a duplicate key is forgotten (a followed stream's memory stays bounded);
        None: every key is remembered to the end."""
        seen: set[Any] = set()
        instant = self.duplicate_scope == "instant"
        current: float | None = None
        inputs = self.inputs
        profile = self.profile.add
        remembered: deque[tuple[float, Any]] = deque()
        for when, seq, event, key in merged:
            log = inputs[seq >> SEQ_SHIFT]
            if key is not None:
                if instant and when != current:
                    seen.clear()
                    current = when
                if forget is not None:
                    while remembered and remembered[0][0] < when - forget:
                        seen.discard(remembered.popleft()[1])
                    if key not in seen:
                        remembered.append((when, key))
                if key in seen:
                    log.duplicates += 1
                    if len(self.duplicate_samples) < self.max_rejected:
                        self.duplicate_samples.append(
                            Rejected(
                                log.label,
                                event.line,
                                "E409",
                                f"duplicate event {_show_key(key)}, dropped",
                                "",
                            )
                        )
                    continue
                seen.add(key)
            log.events += 1
            if log.first is None:
                log.first = event.time
            log.last = event.time
            profile(event.type, event.attrs)
            yield event
        if on_read is not None:
            on_read()  # every input read: done == total

    def first_events(self, limit: int = 1000) -> Iterator[Event]:
        """The first `limit` events of each input, in file order: a look at the log before it
        is audited, the same whatever the engine. The next read zeroes the counters it
        leaves."""
        for log in self.inputs:
            for number, (_, _, event, _) in enumerate(log.entries([], 0), 1):
                yield event
                if number >= limit:
                    break

    def naive_times(self, limit: int = 200) -> bool:
        """True when the first `limit` events of some input have times without an offset (read
        in the mapping's zone): found by reading them in a zone no log is in (+14:00)."""
        for log in self.inputs:
            mapping = log.mapping
            log.mapping = mapping.model_copy(update={"zone": _PROBE_ZONE})
            try:
                for number, (_, _, event, _) in enumerate(log.entries([], 0), 1):
                    if event.time.utcoffset() == _PROBE_OFFSET:
                        return True
                    if number >= limit:
                        break
            finally:
                log.mapping = mapping
        return False

    def sample_offsets(self, limit: int = 1000) -> list[int]:
        """The UTC offsets (seconds) of the first `limit` events of each input, sorted."""
        seen: set[int] = set()
        for event in self.first_events(limit):
            offset = event.time.utcoffset()
            seen.add(int(offset.total_seconds()) if offset is not None else 0)
        return sorted(seen)

    def summaries(self) -> list[InputSummary]:
        """One summary per input, for the last read."""
        return [log.summary() for log in self.inputs]

    def close(self) -> None:
        """Release temporary files (the spooled standard input)."""
        for log in self.inputs:
            log.close()


#: A zone no log is in (the Line Islands' +14:00), for telling times without an offset.
_PROBE_ZONE, _PROBE_OFFSET = "Etc/GMT-14", timedelta(hours=14)


def _order(entry: Entry) -> tuple[float, int]:
    return entry[0], entry[1]


def _show_key(key: Any) -> str:
    if isinstance(key, tuple):
        return "(" + ", ".join(str(part) for part in key) + ")"
    return f"id '{key}'"


def _delimiter_hint(char: str) -> str:
    """The hint for a CSV header read as one column that holds another separator.

    >>> print(_delimiter_hint(";"))
    the header is one column holding ';': give the mapping delimiter = ";"
    >>> print(_delimiter_hint(chr(9)))
    the header is one column holding tabs: give the mapping delimiter = "\\t"
    """
    if char == "\t":
        return 'the header is one column holding tabs: give the mapping delimiter = "\\t"'
    return f"the header is one column holding '{char}': give the mapping delimiter = \"{char}\""
