"""`Followed`: a file read as it is written, truncated or replaced (log rotation)."""

from __future__ import annotations

import hashlib
import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from cxrules.live.follow import Followed


def followed(path: Path, notes: list[str]) -> tuple[io.BufferedReader, threading.Event]:
    stop = threading.Event()
    stream = Followed(str(path), follow=True, stop=stop, poll=0.01, notice=notes.append)
    return io.BufferedReader(stream), stop


def test_lines_written_later_are_read_and_a_stop_ends_the_stream(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes(b"one\ntw")
    reader, stop = followed(path, [])
    assert reader.readline() == b"one\n"
    later = threading.Timer(0.1, lambda: path.open("ab").write(b"o\n"))
    later.start()
    assert reader.readline() == b"two\n"  # waited for the rest of the line
    threading.Timer(0.1, stop.set).start()
    assert reader.readline() == b""  # stopped: the end of the stream
    later.join()


def test_a_truncated_file_is_read_again_from_its_start(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes(b"first line\n")
    notes: list[str] = []
    reader, stop = followed(path, notes)
    assert reader.readline() == b"first line\n"
    path.write_bytes(b"new\n")  # shorter than what was read: truncated and written again
    assert reader.readline() == b""  # the end of the first file
    stream = reader.detach()
    assert isinstance(stream, Followed) and stream.restarted
    stream.restart()
    assert io.BufferedReader(stream).readline() == b"new\n"
    assert notes == [f"{path} was truncated: reading it again from its start"]
    stop.set()


def test_a_replaced_file_is_reopened(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes(b"old\n")
    notes: list[str] = []
    reader, stop = followed(path, notes)
    assert reader.readline() == b"old\n"
    fresh = tmp_path / "fresh"
    fresh.write_bytes(b"rotated\n")
    os.replace(fresh, path)
    assert reader.readline() == b""
    stream = reader.detach()
    assert isinstance(stream, Followed) and stream.restarted
    stream.restart()
    assert io.BufferedReader(stream).readline() == b"rotated\n"
    assert notes == [f"{path} was replaced (log rotation): reading the new file"]
    stop.set()


def test_what_the_old_file_still_held_is_read_before_the_new_one(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes(b"old\n")
    reader, stop = followed(path, [])
    assert reader.readline() == b"old\n"
    with path.open("ab") as old:  # written, then renamed before the watch read it
        old.write(b"last of the old\n")
    os.replace(path, tmp_path / "log.jsonl.1")
    path.write_bytes(b"new\n")
    assert reader.readline() == b"last of the old\n"
    assert reader.readline() == b""
    stop.set()


def _live(path: Path, stop: threading.Event) -> Iterator[tuple[int, object]]:
    """(line, row or code) of each item of a followed CSV log, with the default mapping."""
    from cxrules.live.source import LiveInput
    from cxrules.logs import load_mapping

    stream = Followed(str(path), follow=True, stop=stop, poll=0.01)
    log = LiveInput(str(path), load_mapping(None, path.parent), stream, "csv")
    for item in log.items():
        yield (item[0], item[1]) if isinstance(item, tuple) else (item.line, item.code)


def test_a_rotated_csv_log_is_read_from_its_header_its_lines_counted_on(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_bytes(b"time,type,call\n2026-03-02T10:00:00Z,call.queued,c1\n2026-03-02T10:01")
    stop = threading.Event()
    items = _live(path, stop)
    assert next(items) == (2, {"time": "2026-03-02T10:00:00Z", "type": "call.queued", "call": "c1"})
    fresh = tmp_path / "fresh"
    # the new file's columns in another order, after its byte order mark and its header; the
    # old file's last line was never ended: it is a line of its own (rejected: too few fields)
    fresh.write_bytes(b"\xef\xbb\xbfcall,type,time\r\nc2,call.queued,2026-03-02T10:02:00Z\r\n")
    os.replace(fresh, path)
    assert next(items) == (3, "E402")
    assert next(items) == (5, {"call": "c2", "type": "call.queued", "time": "2026-03-02T10:02:00Z"})
    threading.Timer(0.1, stop.set).start()
    assert list(items) == []


def test_without_following_the_end_of_the_file_ends_the_stream(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes(b"a\nb")
    stream = Followed(str(path), follow=False, stop=threading.Event())
    assert io.BufferedReader(stream).read() == b"a\nb"
    assert stream.sha.hexdigest() == hashlib.sha256(b"a\nb").hexdigest()  # what was read


def test_only_the_reference_engine_follows_a_live_stream() -> None:
    from cxrules import engines, ir
    from cxrules.engines.base import EngineError, RunOptions

    with pytest.raises(EngineError, match="the duckdb engine audits logs that are complete"):
        engines.get("duckdb").follow(ir.PolicySet(policies=[]), [], RunOptions(), print, {})


def test_the_cyclic_collector_stays_paused_while_a_stream_is_followed() -> None:
    # as in an audit of a whole log (Audit.feed): between two events of a followed stream it
    # would walk the long-lived scopes again and again (a watch took 1.7 times an audit's time)
    import gc
    from datetime import UTC, datetime

    from cxrules import engines, ir
    from cxrules.engines.base import RunOptions
    from cxrules.logs.event import Event

    enabled: list[bool] = []

    def events() -> Iterator[Event]:
        for minute in range(3):
            enabled.append(gc.isenabled())
            yield Event(datetime(2026, 3, 2, 10, minute, tzinfo=UTC), "x", str(minute), {})

    assert gc.isenabled()
    engines.get("python").follow(ir.PolicySet(policies=[]), events(), RunOptions(), print, {})
    assert enabled == [False, False, False]  # paused while the events are read
    assert gc.isenabled()  # and collecting again once the stream has ended


def test_a_csv_header_is_checked_once_whole_when_it_is_written(tmp_path: Path) -> None:
    from cxrules.logs.errors import MappingError

    path = tmp_path / "log.csv"
    path.write_bytes(b"time,ty")  # the watch starts while the header is being written
    stop = threading.Event()
    items = _live(path, stop)
    later = threading.Timer(0.1, lambda: path.open("ab").write(b"pe\n2026-03-02T10:00:00Z,x\n"))
    later.start()
    assert next(items) == (2, {"time": "2026-03-02T10:00:00Z", "type": "x"})
    stop.set()
    later.join()
    # a header written after the watch started, without the mapped 'time': refused (E410)
    path.write_bytes(b"")
    items = _live(path, threading.Event())
    later = threading.Timer(0.1, lambda: path.open("ab").write(b"when,type\n"))
    later.start()
    with pytest.raises(MappingError, match="names column 'time', which the header of"):
        next(items)
    later.join()
