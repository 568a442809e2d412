"""Progress of reading: phases, and bytes read of the total, for every format and gzip."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from cxrules.audit import AuditRequest, run_audit
from cxrules.logs import LogSet, open_log
from cxrules.logs.progress import Progress

ROWS = 5000


class Recorder(Progress):
    """Every report, in order: ('phase', name, total), ('read', done, total), ('events', n)."""

    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []

    def phase(self, name: str, total: int | None = None) -> None:
        self.calls.append(("phase", name, total))

    def read(self, done: int, total: int) -> None:
        self.calls.append(("read", done, total))

    def events(self, count: int) -> None:
        self.calls.append(("events", count))

    def of(self, kind: str) -> list[tuple[object, ...]]:
        return [call[1:] for call in self.calls if call[0] == kind]


def lines(shuffled: bool = False) -> list[str]:
    """ROWS JSON lines, one a second; random ids so that gzip cannot squeeze them to nothing."""
    rng = random.Random(7)
    seconds = list(range(ROWS))
    if shuffled:
        rng.shuffle(seconds)
    return [
        f'{{"time": "2026-03-02T{10 + s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}Z", '
        f'"type": "call.queued", "caller": "{rng.getrandbits(64):016x}"}}\n'
        for s in seconds
    ]


def read_all(path: Path, sort: bool = False) -> tuple[Recorder, int]:
    recorder = Recorder()
    logs = LogSet([open_log(str(path))])
    count = sum(1 for _ in logs.events(sorted=sort, progress=recorder))
    return recorder, count


def assert_bytes_climb_to_the_size(recorder: Recorder, size: int) -> list[int]:
    reads = recorder.of("read")
    done = [int(d) for d, _ in reads]
    assert {total for _, total in reads} == {size}
    assert done == sorted(done) and done[-1] == size
    assert len(done) >= ROWS // 1024  # about every thousand records, and once at the end
    return done


def test_streaming_reports_the_bytes_read_of_a_plain_file(tmp_path: Path) -> None:
    path = tmp_path / "calls.jsonl"
    path.write_text("".join(lines()))
    recorder, count = read_all(path)
    assert count == ROWS
    assert recorder.of("phase") == [("auditing", None)]
    done = assert_bytes_climb_to_the_size(recorder, path.stat().st_size)
    assert 0 < done[0] < done[-2] < done[-1]  # it moves while reading, not only at the end


def test_a_gzip_file_counts_its_compressed_bytes(tmp_path: Path) -> None:
    path = tmp_path / "calls.jsonl.gz"
    path.write_bytes(gzip.compress("".join(lines()).encode(), mtime=0))
    recorder, count = read_all(path)
    assert count == ROWS
    done = assert_bytes_climb_to_the_size(recorder, path.stat().st_size)
    assert done[0] < done[-1]


def test_a_log_out_of_order_is_read_then_sorted_then_audited(tmp_path: Path) -> None:
    path = tmp_path / "calls.jsonl"
    path.write_text("".join(lines(shuffled=True)))
    recorder, count = read_all(path, sort=True)
    assert count == ROWS
    assert recorder.of("phase") == [
        ("reading to sort", None),
        ("sorting", None),
        ("auditing", ROWS),  # after the sort the number of events is known
    ]
    # every byte is read before the sort begins
    sorting = recorder.calls.index(("phase", "sorting", None))
    assert recorder.calls[sorting - 1] == ("read", path.stat().st_size, path.stat().st_size)
    assert_bytes_climb_to_the_size(recorder, path.stat().st_size)


def test_parquet_progress_is_the_share_of_rows_read(tmp_path: Path) -> None:
    path = tmp_path / "calls.parquet"
    times = [line.split('"')[3] for line in lines()]
    pq.write_table(pa.table({"time": times, "type": ["call.queued"] * ROWS}), path)
    recorder, count = read_all(path)
    assert count == ROWS
    size = path.stat().st_size
    done = assert_bytes_climb_to_the_size(recorder, size)
    assert done[0] == size * 1024 // ROWS


def test_several_inputs_add_up(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text("".join(lines()[: ROWS // 2]))
    second.write_text("".join(lines()[ROWS // 2 :]))
    recorder = Recorder()
    logs = LogSet([open_log(str(first)), open_log(str(second))])
    assert logs.total_bytes == first.stat().st_size + second.stat().st_size
    assert sum(1 for _ in logs.events(progress=recorder)) == ROWS
    assert_bytes_climb_to_the_size(recorder, logs.total_bytes)


def test_an_audit_reports_its_phases_and_the_events_audited(tmp_path: Path) -> None:
    path = tmp_path / "calls.jsonl"
    path.write_text("".join(lines()))
    policy = tmp_path / "p.cxr"
    policy.write_text(
        'policy calls.none "No call waits"\n  severity low\n  forbid call.queued\n', "utf-8"
    )
    size = path.stat().st_size
    # the python engine audits as it reads; the duckdb engine reads the file, then audits
    for engine, phases in (
        ("python", ["auditing", "writing the report"]),
        ("duckdb", ["reading", "auditing", "writing the report"]),
    ):
        recorder = Recorder()
        request = AuditRequest(policies=[str(policy)], logs=[str(path)], engine=engine)
        report, _ = run_audit(request, recorder)
        assert report.inputs[0].events == ROWS
        assert [name for name, _ in recorder.of("phase")] == phases
        assert recorder.of("events")[-1] == (ROWS,)
        assert recorder.of("read")[-1] == (size, size)
        done = [d for d, _ in recorder.of("read")]
        assert done == sorted(done)
