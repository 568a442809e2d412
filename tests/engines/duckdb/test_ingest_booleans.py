"""The mapping's `booleans` read by DuckDB's native routes exactly as the Python readers read
them: each value a boolean, or the record left to the Python readers (spaces around, a letter
outside ASCII) or rejected alike (E406)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxrules.engines.duckdb.csvfile import CsvPlan
from cxrules.engines.duckdb.parquetfile import ParquetPlan
from cxrules.engines.duckdb.verify import differences, duckdb_read, python_read
from cxrules.logs import LogSet, mapping_from_dict, open_log

pytestmark = pytest.mark.engines("duckdb")

VALUES = ["true", "FALSE", "Yes", "nO", "1", "0", " true", "?", "", "maybe", "falſe", "İ", "2"]


def compare(path: Path, table: dict):
    def make() -> LogSet:
        return LogSet([open_log(str(path), mapping_from_dict(table))])

    expected = python_read(make)
    got = duckdb_read(make)
    assert differences(expected, got) == []
    return expected, got


def csv_log(path: Path, values: list[str]) -> Path:
    rows = [f"2026-03-02T10:{i:02d}:00Z,a,{v},{v}" for i, v in enumerate(values)]
    path.write_text("time,type,ok,gone\n" + "\n".join(rows) + "\n", "utf-8")
    return path


@pytest.mark.parametrize(
    "table",
    [
        {"booleans": ["ok"], "missing": ["?", ""]},
        {"booleans": ["ok", "gone"], "drop": ["gone"], "rename": {"ok": "met"}},
        {"booleans": ["ok"], "duplicate_key": ["ok", "time"]},  # a key: the Python readers
    ],
)
def test_csv_booleans_read_natively_as_by_python(tmp_path, table):
    expected, got = compare(csv_log(tmp_path / "t.csv", VALUES), table)
    native = "duplicate_key" not in table
    assert got.routes == ["csv:duckdb" if native else "python"]
    # true, FALSE, Yes, nO, 1, 0, " true": booleans; "maybe", "falſe", "İ", "2": E406 (and
    # "?", "" too unless they are missing values)
    kept = {"true": True, "FALSE": False, "Yes": True, "nO": False, "1": True, "0": False}
    name = table.get("rename", {}).get("ok", "ok")
    values = [e[6].get(name) for e in expected.events]
    assert values[:7] == [*kept.values(), True]
    assert {r.code for r in expected.rejected} == {"E406"}


def test_a_booleans_column_that_is_the_type_is_read_by_python(tmp_path):
    path = csv_log(tmp_path / "t.csv", ["true"])
    assert CsvPlan.of(open_log(str(path), mapping_from_dict({"booleans": ["type"]}))) is None
    _, got = compare(path, {"booleans": ["type"]})
    assert got.routes == ["python"] and [r.code for r in got.rejected] == ["E406"]


def parquet_log(path: Path, columns: dict) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = len(next(iter(columns.values())))
    times = [f"2026-03-02T10:{i:02d}:00Z" for i in range(n)]
    pq.write_table(pa.table({"time": times, "type": ["a"] * n, **columns}), path)
    return path


def test_parquet_text_and_boolean_columns_read_natively(tmp_path):
    import pyarrow as pa

    good = ["true", "NO", "1", None, "?"]
    path = parquet_log(
        tmp_path / "t.parquet",
        {"s": good, "b": [True, False, None, True, False], "z": pa.nulls(5)},
    )
    table = {"booleans": ["s", "b", "z"], "missing": ["?"]}
    expected, got = compare(path, table)
    assert got.routes == ["parquet:duckdb"]
    assert [e[6].get("s", "absent") for e in expected.events] == [
        True,
        False,
        True,
        None,
        "absent",
    ]
    # a text spelling no boolean: the whole file goes to the Python readers, which reject it
    path = parquet_log(tmp_path / "u.parquet", {"s": ["true", "maybe"]})
    expected, got = compare(path, table | {"booleans": ["s"]})
    assert got.routes == ["python"] and [r.line for r in expected.rejected] == [2]
    # so does a dropped column's bad value, as the Python readers parse it before dropping it
    expected, got = compare(path, {"booleans": ["s"], "drop": ["s"]})
    assert [r.code for r in expected.rejected] == ["E406"]


def test_parquet_integer_booleans_are_read_by_python(tmp_path):
    path = parquet_log(tmp_path / "t.parquet", {"n": [1, 0, 2]})
    log = open_log(str(path), mapping_from_dict({"booleans": ["n"]}))
    assert ParquetPlan.of(log) is None
    expected, got = compare(path, {"booleans": ["n"]})
    assert [e[6]["n"] for e in expected.events] == [True, False]
    assert got.routes == ["python"] and [r.code for r in got.rejected] == ["E406"]


def test_jsonl_booleans_are_read_by_python(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"time": "2026-03-02T10:00:00Z", "type": "a", "ok": "False"}\n')
    expected, got = compare(path, {"booleans": ["ok"]})
    assert got.routes == ["python"] and expected.events[0][6]["ok"] is False


@settings(deadline=None)
@given(values=st.lists(st.one_of(st.sampled_from(VALUES), st.text(max_size=6)), max_size=8))
def test_generated_csv_booleans_agree(tmp_path_factory, values):
    cells = [re.sub('[,"\r\n]', "", v) for v in values]
    path = csv_log(tmp_path_factory.mktemp("gen") / "g.csv", cells)
    compare(path, {"booleans": ["ok"], "missing": ["?"]})
