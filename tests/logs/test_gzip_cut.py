"""A gzip log cut short (a copy or export that did not finish) is read up to the cut: its whole
records are events, the cut is one rejected record (E415) at the line it falls in (hunt46
finding-K: the whole file was refused, E401, every record in it lost).

The files are gzip at level 0 (stored blocks: a 10-byte header, a 5-byte block header, then the
content as it is), so the content before a cut at byte `15 + k` is the first k bytes."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from cxrules.logs import LogError, LogSet, open_log
from cxrules.logs.files import CUT

HEAD = 15  # gzip header (10 bytes) + stored block header (5 bytes)


def stored(path: Path, content: bytes, keep: int) -> str:
    """Write `content` gzipped with stored blocks, cut after `keep` bytes of the gzip file."""
    path.write_bytes(gzip.compress(content, compresslevel=0, mtime=0)[:keep])
    return str(path)


def read(path: str) -> tuple[LogSet, list[int]]:
    logs = LogSet([open_log(path)])
    lines = [event.line for event in logs.events()]
    return logs, lines


JSONL = [b'{"time": "2026-03-02T10:0%d:00Z", "type": "a", "n": %d}\n' % (i, i) for i in range(4)]


def test_a_jsonl_cut_inside_a_record_keeps_the_records_before_and_rejects_the_cut_one(tmp_path):
    # 54 bytes a line: lines 1 and 2 whole, then 7 bytes of line 3: '{"time"'
    assert {len(line) for line in JSONL} == {54}
    path = stored(tmp_path / "a.jsonl.gz", b"".join(JSONL), HEAD + 2 * 54 + 7)
    logs, lines = read(path)
    assert lines == [1, 2]
    summary = logs.summaries()[0]
    assert (summary.read, summary.accepted, summary.rejected) == (3, 2, 1)
    [cut] = logs.rejected
    assert (cut.file, cut.line, cut.code, cut.sample) == (path, 3, "E415", '{"time"')
    assert cut.reason == f"{CUT}: this record is cut off, and whatever followed it is lost"


def test_a_jsonl_cut_at_a_line_end_says_what_follows_is_lost(tmp_path):
    path = stored(tmp_path / "a.jsonl.gz", b"".join(JSONL), HEAD + 2 * 54)
    logs, lines = read(path)
    assert lines == [1, 2]
    [cut] = logs.rejected
    assert (cut.line, cut.code, cut.sample) == (3, "E415", "")
    assert cut.reason == f"{CUT}: whatever followed line 2 is lost"
    assert logs.rejected_by_code == {"E415": 1}


def test_a_gzip_cut_in_its_trailer_keeps_every_record_and_says_it_is_cut(tmp_path):
    whole = gzip.compress(b"".join(JSONL), compresslevel=0, mtime=0)
    path = stored(tmp_path / "a.jsonl.gz", b"".join(JSONL), len(whole) - 4)  # CRC kept, no size
    logs, lines = read(path)
    assert lines == [1, 2, 3, 4]
    assert [(r.line, r.code) for r in logs.rejected] == [(5, "E415")]


def test_a_cut_record_that_would_still_parse_is_not_audited(tmp_path):
    # line 4 'x,2026-03-02T10:03:00Z,c323' cut to '...,c32': valid CSV, the wrong case
    rows = [b"type,time,case\n"] + [
        b"x,2026-03-02T10:0%d:00Z,c%d23\n" % (i, i) for i in range(1, 4)
    ]
    content = b"".join(rows)
    keep = HEAD + len(content) - 2  # '3\n' of the last row lost
    path = stored(tmp_path / "a.csv.gz", content, keep)
    logs, lines = read(path)
    assert lines == [2, 3]
    [cut] = logs.rejected
    assert (cut.line, cut.code, cut.sample) == (4, "E415", "x,2026-03-02T10:03:00Z,c32")


def test_a_csv_cut_at_a_line_end_inside_a_quoted_field_is_one_cut_record(tmp_path):
    # line 3 opens a quoted field over two lines; the cut falls after its first line: one
    # record cut off (E415 at line 3), not a quote "never closed" (E402) and a cut after it
    content = b'time,type\n2026-03-02T10:00:00Z,x\n2026-03-02T10:02:00Z,"x\nmore"\n'
    path = stored(tmp_path / "a.csv.gz", content, HEAD + len(content) - len(b'more"\n'))
    logs, lines = read(path)
    assert lines == [2]
    [cut] = logs.rejected
    assert (cut.line, cut.code, cut.sample) == (3, "E415", "")
    assert cut.reason == f"{CUT}: this record is cut off, and whatever followed it is lost"


def test_a_csv_cut_inside_its_header_is_refused(tmp_path):
    path = stored(tmp_path / "a.csv.gz", b"time,type,case\n2026-03-02T10:00:00Z,x,c1\n", HEAD + 9)
    with pytest.raises(LogError) as caught:
        open_log(path)
    assert caught.value.reason == f"line 1: the header cannot be read: {CUT}"


def test_an_xes_cut_inside_an_event_keeps_the_events_before(tmp_path):
    event = (
        '<event><string key="concept:name" value="a"/>'
        '<date key="time:timestamp" value="2026-03-02T10:0{}:00Z"/></event>\n'
    )
    content = (
        '<?xml version="1.0"?>\n<log>\n<trace><string key="concept:name" value="t1"/>\n'
        + event.format(0)
        + event.format(1)
        + "</trace>\n</log>\n"
    ).encode()
    cut_at = content.index(b"<event", content.index(b"10:00:00Z")) + 20  # inside event 2
    path = stored(tmp_path / "a.xes.gz", content, HEAD + cut_at)
    logs, lines = read(path)
    assert lines == [4]  # the first event, on line 4
    [cut] = logs.rejected
    # expat stops at the end of the content, on line 5, where event 2 was cut off
    assert (cut.line, cut.code) == (5, "E415")
    assert cut.reason == f"{CUT}: this record is cut off, and whatever followed it is lost"


def test_a_cut_parquet_cannot_be_read_in_part(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    plain = tmp_path / "p.parquet"
    table = pa.table({"time": ["2026-03-02T10:00:00Z"] * 50, "type": ["a"] * 50})
    pq.write_table(table, plain)
    path = stored(tmp_path / "p.parquet.gz", plain.read_bytes(), 200)
    with pytest.raises(LogError) as caught:
        open_log(path)
    assert caught.value.reason == f"{CUT}; a Parquet file cannot be read in part (re-export it)"


def test_corrupt_gzip_data_is_still_refused(tmp_path):
    whole = bytearray(gzip.compress(b"".join(JSONL), compresslevel=0, mtime=0))
    whole[-6] ^= 0xFF  # a byte of the CRC: the content no longer matches it
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(bytes(whole))
    logs = LogSet([open_log(str(path))])
    with pytest.raises(LogError) as caught:
        list(logs.events())
    assert caught.value.reason.startswith("the file is truncated or corrupt: CRC check failed")


def test_the_cut_is_listed_beyond_the_cap_of_rejected_records(tmp_path):
    bad = b'{"type": "a"}\n' * 3  # no time: E403 × 3
    content = bad + b"".join(JSONL)
    path = stored(tmp_path / "a.jsonl.gz", content, HEAD + len(bad) + 54 + 5)
    logs = LogSet([open_log(path)], max_rejected=2)
    assert len(list(logs.events())) == 1
    assert [(r.line, r.code) for r in logs.rejected] == [(1, "E403"), (2, "E403"), (5, "E415")]
    assert logs.rejected_by_code == {"E403": 3, "E415": 1}
