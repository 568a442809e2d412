"""DuckDB engine, ingestion: a file's lines as `split_lines` hands them on, numbered as the
Python readers number them (split on b"\\n" only, each line with its b"\\n")."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from cxrules.engines.duckdb.jsonl import JsonlPlan, JsonlRoute
from cxrules.engines.duckdb.lines import FileBytes, batches, split_lines
from cxrules.engines.duckdb.pyroute import Sink
from cxrules.logs import mapping_from_dict, open_log

# What only the duckdb engine has: runs when it is one of the engines tested.
pytestmark = pytest.mark.engines("duckdb")


def _lines(tmp_path: Path, data: bytes, limit: int, block: int) -> list[tuple[int, bytes]]:
    path = tmp_path / "log.jsonl"
    path.write_bytes(data)
    source = FileBytes(path, "log.jsonl")
    try:
        found = []
        for chunk in split_lines(source, limit, block):
            for n, value in enumerate(chunk.raw.to_pylist()):
                number = chunk.first + n
                found.append((number, chunk.held[number].head if number in chunk.held else value))
        return found
    finally:
        source.close()


def test_lines_keep_their_newline_blank_lines_and_carriage_returns(tmp_path: Path) -> None:
    data = b'{"a":1}\n\n{"b":"\xc3\xa9"}\r\nx\ry\n\n'
    # blocks of 5 bytes: every line but the blank ones crosses a block boundary
    for block in (5, 1 << 20):
        assert _lines(tmp_path, data, 100, block) == [
            (1, b'{"a":1}\n'),
            (2, b"\n"),
            (3, b'{"b":"\xc3\xa9"}\r\n'),
            (4, b"x\ry\n"),
            (5, b"\n"),
        ]


def test_a_last_line_without_newline_and_a_line_beyond_the_limit(tmp_path: Path) -> None:
    data = b"ab\n" + b"c" * 9 + b"\nlast"
    # the long line (9 bytes, limit 4) is held with its first limit + 2 bytes
    assert _lines(tmp_path, data, 4, 1 << 20) == [(1, b"ab\n"), (2, b"cccccc"), (3, b"last")]


def test_jsonl_lines_reach_duckdb_as_json(tmp_path: Path) -> None:
    """A JSON Lines batch's text is typed JSON (`arrow.json`): DuckDB's JSON functions then
    read it without a cast, which parses every line once more."""
    if getattr(pa, "json_", None) is None:
        pytest.skip("pyarrow before 19 has no JSON type: the text is cast")
    path = tmp_path / "log.jsonl"
    path.write_bytes(b'{"time":"2026-03-02T10:00:00Z","type":"a","k":1}\nnot json\n')
    log = open_log(str(path), mapping_from_dict({"time": "time", "type": "type"}))
    plan = JsonlPlan.of(log.mapping, "jsonl")
    assert plan is not None
    route = JsonlRoute(log, 0, 0, Sink(10), plan)
    source = FileBytes(path, "log.jsonl")
    try:
        (batch,) = batches(source, log.max_record, route.flags())
    finally:
        source.close()
    con = duckdb.connect()
    con.register("_cx_in", route.table(batch))
    rows = con.execute(
        "SELECT typeof(text), json_valid(text), CASE WHEN json_valid(text) THEN "
        'json_merge_patch(text, \'{"time":null,"type":null}\') END FROM _cx_in ORDER BY line'
    ).fetchall()
    assert rows == [("JSON", True, '{"k":1}'), ("JSON", False, None)]
