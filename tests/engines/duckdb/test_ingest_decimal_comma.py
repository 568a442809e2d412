"""The mapping's `decimal = ","` read by DuckDB's native CSV route exactly as the Python readers
read it (a `;` export from a spreadsheet set to a European locale: `2,5` is two and a half);
Parquet texts with a decimal comma are left to the Python readers."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxrules.engines.duckdb.verify import differences, duckdb_read, python_read
from cxrules.logs import LogSet, mapping_from_dict, open_log

pytestmark = pytest.mark.engines("duckdb")

VALUES = ["2,5", "12", "-0,75", "1.234,5", "1,2,3", "2.5", "", ",5"]


def compare(path: Path, table: dict):
    def make() -> LogSet:
        return LogSet([open_log(str(path), mapping_from_dict(table))])

    expected = python_read(make)
    got = duckdb_read(make)
    assert differences(expected, got) == []
    return expected, got


def test_csv_decimal_comma_read_natively_as_by_python(tmp_path):
    rows = [f"2026-03-02T10:{i:02d}:00Z;a;{v}" for i, v in enumerate(VALUES)]
    path = tmp_path / "t.csv"
    path.write_text("time;type;wait\n" + "\n".join(rows) + "\n", "utf-8")
    table = {"delimiter": ";", "numbers": ["wait"], "decimal": ","}
    expected, got = compare(path, table)
    assert got.routes == ["csv:duckdb"]
    # 2,5 → 2.5, 12 → 12, -0,75 → -0.75, "" → missing, ,5 → 0.5; a point is no decimal mark
    # here (1.234,5 and 2.5) and 1,2,3 has two commas: E406 on lines 5, 6 and 7
    values = [e[6].get("wait") for e in expected.events]
    assert values == [2.5, 12, -0.75, None, 0.5]
    assert [(r.line, r.code) for r in expected.rejected] == [(5, "E406"), (6, "E406"), (7, "E406")]


def test_parquet_texts_with_a_decimal_comma_read_by_python(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "t.parquet"
    times = [f"2026-03-02T10:0{i}:00Z" for i in range(3)]
    pq.write_table(pa.table({"time": times, "type": ["a"] * 3, "wait": ["2,5", "3", "4.5"]}), path)
    expected, got = compare(path, {"numbers": ["wait"], "decimal": ","})
    assert [e[6]["wait"] for e in expected.events] == [2.5, 3]
    assert [(r.line, r.code) for r in expected.rejected] == [(3, "E406")]
