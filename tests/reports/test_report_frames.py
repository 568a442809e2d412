"""A report's violations and policies as Arrow tables and pandas DataFrames (for notebooks).
Expected values are read off the hand-built sample report in conftest.py."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest

from cxrules.reports.frames import (
    policies_table,
    violations_frame,
    violations_table,
)
from cxrules.reports.model import Report


def test_violations_table(report: Report) -> None:
    table = violations_table(report)
    assert table.num_rows == 5
    assert table.column_names == [
        "id",
        "policy",
        "kind",
        "severity",
        "scope",
        "start",
        "end",
        "duration_seconds",
        "fulfilled_at",
        "trigger",
        "trigger_type",
        "trigger_file",
        "trigger_line",
        "evidence",
        "sentence",
    ]
    assert table.schema.field("start").type == pa.timestamp("us", tz="Europe/Istanbul")
    rows = table.to_pylist()
    first = rows[0]
    assert first["id"] == "v-oct-1"
    assert first["scope"] == "visit=v-1007"
    # 10:05:00 at +03:00 is 07:05:00 UTC; the gap lasted 2m12s
    assert first["start"] == datetime(2026, 3, 2, 7, 5, tzinfo=UTC)
    assert first["end"] - first["start"] == timedelta(minutes=2, seconds=12)
    assert first["duration_seconds"] == 132.0
    assert (first["trigger"], first["trigger_type"], first["trigger_line"]) == (
        "e-17",
        "arm.disconnected",
        17,
    )
    assert first["evidence"] == ["e-17", "e-18"]
    assert first["fulfilled_at"] is None
    assert [r["scope"] for r in rows] == [
        "visit=v-1007",
        "visit=v-1011",
        "",
        "queue=billing",
        "queue=sales",
    ]
    assert rows[3]["trigger"] is None and rows[3]["evidence"] == []


def test_policies_table(report: Report) -> None:
    rows = policies_table(report).to_pylist()
    assert [(r["id"], r["violated"], r["compliance"]) for r in rows] == [
        ("restaurant.wording", 1, 0.75),
        ("complaints.escalate-repeat", 0, 1.0),
        ("octopus.always-connected", 2, 1 / 3),
        ("callcenter.service-level", 1, None),
    ]
    assert rows[1]["out_of_scope"] == 1 and rows[3]["warnings"] == 1


def test_pandas_frame(report: Report) -> None:
    pandas = pytest.importorskip("pandas")
    frame = violations_frame(report)
    assert frame.shape == (5, 15)
    assert frame.loc[0, "start"] == pandas.Timestamp("2026-03-02T10:05:00+03:00")
    assert frame.groupby("policy").size().to_dict() == {
        "callcenter.service-level": 2,
        "octopus.always-connected": 2,
        "restaurant.wording": 1,
    }


def test_without_pandas_the_error_says_what_to_install(
    report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError) as caught:
        violations_frame(report)
    assert str(caught.value) == (
        "a pandas DataFrame needs pandas, which is not installed: pip install pandas "
        "(or use the Arrow table: violations_table(report))"
    )
