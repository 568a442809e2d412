"""The followed log as events: the mapping's reader over a `Followed` stream, then the events
in time order within an allowed lateness (docs/live.md).

An event is held until an event at least `lateness` later has been read (or the stream ends),
so events that arrive a little out of order are audited in time order. One that arrives after
events later than it have been audited cannot be audited any more: it is rejected as E414 with
its line and reason, counted with the other rejected records, never dropped unsaid.
"""

from __future__ import annotations

import heapq
import io
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

from cxrules.live.follow import Followed
from cxrules.logs.errors import LogError
from cxrules.logs.event import Rejected
from cxrules.logs.logset import Entry, LogInput, LogSet
from cxrules.logs.mapping import LogMapping
from cxrules.logs.readers import Item, read_csv, read_jsonl
from cxrules.time.format import format_duration
from cxrules.time.zones import zone

#: What `watch` can follow: formats read line by line as they are written.
LIVE_FORMATS = ("jsonl", "csv")


class LiveInput(LogInput):
    """One followed log (a file, or standard input as '-') read with its mapping, once."""

    def __init__(self, path: str, mapping: LogMapping, stream: Followed, fmt: str) -> None:
        # not LogInput.__init__: that opens, sniffs and measures a file that is complete
        self.path = path
        self.mapping = mapping
        self._temporary = []
        self.label = "<stdin>" if path == "-" else path
        self.format = fmt
        self.compressed = False
        self.max_record = mapping.max_record
        self.size = 0
        self._stored = None
        self._rows = 0
        self._consumed = 0
        self.index = 0
        self.delimiter = mapping.delimiter or ("\t" if path.lower().endswith(".tsv") else ",")
        self._sha = None
        self.stream = stream
        self.reset()

    @property
    def sha256(self) -> str:
        """SHA-256 of the bytes read (a followed file may have grown since)."""
        return self.stream.sha.hexdigest()

    def position(self) -> int:
        return self.stream.consumed

    def _text_items(self) -> Iterator[Item]:
        """The items of each file the stream reads in turn (a truncated file written again, a
        rotated one): each read from its first line, header and byte order mark included; the
        line numbers go on counting from the first file."""
        stream, before = self.stream, 0
        while True:
            buffered = io.BufferedReader(stream)
            items = self._file_items(buffered, first=not before)
            yield from items if not before else (_shifted(item, before) for item in items)
            if not stream.restarted:
                return
            buffered.detach()  # its end is not the stream's: `stream` stays open
            before += stream.lines_read()
            stream.restart()

    def _file_items(self, buffered: io.BufferedReader[Any], first: bool) -> Iterator[Item]:
        encoding = self.mapping.encoding
        try:
            if self.format == "jsonl":
                yield from read_jsonl(buffered, self.max_record, self.label, encoding)
                return
            head = b""
            while not head.strip(b"\xef\xbb\xbf \t\r\n"):  # blank lines, then the header
                line = buffered.readline(self.max_record + 2)
                if not line:
                    break
                head += line
            if first:
                # the first file's header, once whole (a header arriving later, or written in
                # two parts, is checked then): the mapping's columns must be in it (E410)
                self._check_columns(io.BytesIO(head))
            rest = io.BufferedReader(_Replayed(head, buffered))
            yield from read_csv(rest, self.max_record, self.label, self.delimiter, encoding)
        except OSError as exc:
            raise LogError(self.label, f"the log cannot be read any more: {exc}") from None


class _Replayed(io.RawIOBase):
    """The bytes `head`, then the rest of `stream` (a read gives what is there, never waits
    for more to fill the buffer)."""

    def __init__(self, head: bytes, stream: io.BufferedReader[Any]) -> None:
        super().__init__()
        self.head, self.stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.head:
            count = min(len(buffer), len(self.head))
            buffer[:count] = self.head[:count]
            self.head = self.head[count:]
            return count
        return self.stream.readinto1(buffer)


class Gate:
    """Releases the entries of one input in (time, input order), holding each until an entry
    `lateness` µs later has come; later arrivals behind what was released are rejected."""

    def __init__(
        self,
        logs: LogSet,
        log: LiveInput,
        lateness: int,
        also: Callable[[Rejected], None] = lambda rejected: None,
    ) -> None:
        self.logs, self.log, self.lateness = logs, log, lateness
        self.also = also  # says a late event that the report does not list
        self._late_line = -1  # the line of the last record rejected as late
        self.held: list[tuple[float, int, Entry]] = []
        self.released: float | None = None  # POSIX seconds of the last entry released
        self.newest = float("-inf")
        self.late = 0

    def entries(self) -> Iterator[Entry]:
        held, lateness_s = self.held, self.lateness / 1_000_000
        # every rejected record is said; `logs.rejected` keeps the first few for the report
        for entry in self.log.entries(self.logs.rejected, sys.maxsize):
            when = entry[0]
            if self.released is not None and when < self.released:
                self.reject_late(entry)
                continue
            heapq.heappush(held, _ordered(entry))
            if when > self.newest:
                self.newest = when
            while held and held[0][0] <= self.newest - lateness_s:
                yield self._release()
        while held:
            yield self._release()

    def _release(self) -> Entry:
        when, _, entry = heapq.heappop(self.held)
        self.released = when
        return entry

    def reject_late(self, entry: Entry) -> None:
        """A late event is said (a `rejected` alert); its record is counted rejected once,
        whatever the number of its events that come late (a CSV row may make several), so that
        read = accepted + rejected still holds."""
        when, _, event, _ = entry
        log, logs = self.log, self.logs
        tz = zone(log.mapping.zone)
        shown = datetime.fromtimestamp(self.released or 0, tz).isoformat()
        reason = (
            f"late event: its time {event.time.astimezone(tz).isoformat()} is before "
            f"{shown}, up to which the log was already audited (allowed lateness "
            f"{_seconds(self.lateness)}); not audited"
        )
        rejected = Rejected(log.label, event.line, "E414", reason, "")
        if event.line == self._late_line:  # another event of a record already rejected
            self.also(rejected)
            return
        self._late_line = event.line
        self.late += 1
        log.accepted -= 1
        log.rejected += 1
        log.codes["E414"] += 1
        logs.rejected.append(rejected)


def _shifted(item: Item, lines: int) -> Item:
    """An item of a later file, numbered after the `lines` of the files before it."""
    if type(item) is Rejected:
        return replace(item, line=item.line + lines)
    line, row, raw = item  # type: ignore[misc]
    return line + lines, row, raw


def _ordered(entry: Entry) -> tuple[float, int, Entry]:
    # (time, seq): seq is the input order, never equal for two events, so entries themselves
    # are never compared
    return entry[0], entry[1], entry


def _seconds(us: int) -> str:
    return format_duration(us / 1_000_000) if us else "0s"
