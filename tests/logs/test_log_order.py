"""Events come out in (time, file order, input order); disorder and duplicates are handled."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxrules.logs import LogSet, OutOfOrder, mapping_from_dict, open_log


def jsonl(path: Path, rows: list[tuple[str, str]], extra: str = "") -> str:
    text = "".join(f'{{"time": "2026-03-02T{t}Z", "type": "{k}"{extra}}}\n' for t, k in rows)
    path.write_text(text)
    return str(path)


def test_equal_times_keep_input_order(tmp_path):
    path = jsonl(tmp_path / "a.jsonl", [("10:00:00", "x"), ("10:00:00", "y"), ("10:00:00", "z")])
    logs = LogSet([open_log(path)])
    assert [e.type for e in logs.events()] == ["x", "y", "z"]


def test_small_disorder_is_repaired_by_the_reorder_buffer(tmp_path):
    rows = [("10:00:02", "b"), ("10:00:01", "a"), ("10:00:03", "c"), ("10:00:02", "b2")]
    logs = LogSet([open_log(jsonl(tmp_path / "a.jsonl", rows))], reorder=4)
    assert [e.type for e in logs.events()] == ["a", "b", "b2", "c"]


def test_disorder_beyond_the_buffer_raises_then_sorted_mode_orders(tmp_path):
    rows = [("10:00:05", "e"), ("10:00:06", "f"), ("10:00:07", "g"), ("10:00:01", "a")]
    path = jsonl(tmp_path / "a.jsonl", rows)
    logs = LogSet([open_log(path)], reorder=1)
    with pytest.raises(OutOfOrder) as caught:
        list(logs.events())
    assert caught.value.line == 4
    assert "10:00:01+00:00 is earlier than 2026-03-02T10:00:06+00:00" in str(caught.value)
    assert [e.type for e in logs.events(sorted=True)] == ["a", "e", "f", "g"]
    summary = logs.summaries()[0]
    assert (summary.read, summary.events) == (4, 4)  # counted once: the sorted read


def test_several_inputs_merge_by_time_then_file_order(tmp_path):
    one = jsonl(tmp_path / "one.jsonl", [("10:00:00", "1a"), ("10:00:02", "1b")])
    two = jsonl(tmp_path / "two.jsonl", [("10:00:00", "2a"), ("10:00:01", "2b")])
    for sorted_mode in (False, True):
        logs = LogSet([open_log(one), open_log(two)])
        events = list(logs.events(sorted=sorted_mode))
        assert [e.type for e in events] == ["1a", "2a", "2b", "1b"]
        assert [e.seq for e in events] == [0, 1 << 40, (1 << 40) + 1, 1]
        assert [s.events for s in logs.summaries()] == [2, 2]


def test_instants_compare_across_offsets(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(
        '{"time": "2026-03-02T12:00:00+03:00", "type": "later"}\n'  # 09:00Z
        '{"time": "2026-03-02T08:30:00Z", "type": "earlier"}\n'
    )
    logs = LogSet([open_log(str(path))])
    assert [e.type for e in logs.events()] == ["earlier", "later"]


def test_duplicate_ids_are_dropped_once_and_counted(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(
        '{"time": "2026-03-02T10:00:00Z", "type": "x", "id": "e1"}\n'
        '{"time": "2026-03-02T10:00:00Z", "type": "x", "id": "e1"}\n'
        '{"time": "2026-03-02T10:05:00Z", "type": "y", "id": "e2"}\n'
        '{"time": "2026-03-02T10:09:00Z", "type": "y", "id": "e1"}\n'
    )
    other = jsonl(tmp_path / "b.jsonl", [("10:01:00", "z")], ', "id": "e2"')
    logs = LogSet([open_log(str(path)), open_log(other)])
    # the earliest event of an id is kept: e2 of the other file (10:01) before line 3 (10:05)
    assert [(e.id, e.file, e.line) for e in logs.events()] == [
        ("e1", str(path), 1),
        ("e2", other, 1),
    ]
    first, second = logs.summaries()
    assert (first.read, first.accepted, first.duplicates, first.events) == (4, 4, 3, 1)
    assert (second.duplicates, second.events) == (0, 1)
    assert [(d.file, d.line, d.code) for d in logs.duplicate_samples] == [
        (str(path), 2, "E409"),
        (str(path), 3, "E409"),
        (str(path), 4, "E409"),
    ]
    assert logs.duplicate_samples[0].reason == "duplicate event id 'e1', dropped"
    # within one instant only: e2 at 10:05 and e1 at 10:09 are new again
    logs = LogSet([open_log(str(path)), open_log(other)], duplicates="instant")
    assert [e.line for e in logs.events()] == [1, 1, 3, 4]


def test_duplicate_key_of_fields(tmp_path):
    path = jsonl(
        tmp_path / "a.jsonl",
        [("10:00:00", "x"), ("10:00:00", "x"), ("10:00:00", "y")],
        ', "case": "c1"',
    )
    mapping = mapping_from_dict({"duplicate_key": ["case", "time", "type"]})
    logs = LogSet([open_log(path, mapping)])
    assert [e.type for e in logs.events()] == ["x", "y"]
    assert logs.summaries()[0].duplicates == 1


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=1, max_size=30), st.integers(1, 8))
def test_any_order_sorted_mode_is_a_stable_sort(tmp_path_factory, seconds, reorder):
    path = tmp_path_factory.mktemp("o") / "a.jsonl"
    rows = [(f"10:00:{s:02d}", f"k{i}") for i, s in enumerate(seconds)]
    logs = LogSet([open_log(jsonl(path, rows))], reorder=reorder)
    expected = [k for _, k in sorted(rows, key=lambda row: row[0])]
    assert [e.type for e in logs.events(sorted=True)] == expected
    try:
        streamed = [e.type for e in logs.events()]
    except OutOfOrder:
        return
    assert streamed == expected
