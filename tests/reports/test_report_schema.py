"""The exported JSON Schema is committed, current, and accepts the reports we render."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from cxrules.reports.as_json import render_json
from cxrules.reports.model import Report
from cxrules.reports.schema import load_report, main, report_schema, schema_text, write_schema

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "report.schema.json"


def test_committed_schema_matches_the_model() -> None:
    # A model change without `python -m cxrules.reports.schema docs/report.schema.json` fails here.
    assert COMMITTED.read_text(encoding="utf-8") == schema_text()


def test_schema_head() -> None:
    schema = report_schema()
    assert list(schema)[:3] == ["$schema", "$id", "title"]
    assert schema["$id"] == "https://cxrules.dev/schema/report/1"
    assert schema["title"] == "cxrules report (cxrules.report/1)"
    assert schema["properties"]["schema"]["const"] == "cxrules.report/1"
    assert "schema_" not in schema["properties"]
    jsonschema.Draft202012Validator.check_schema(schema)


def test_sample_report_validates(report: Report) -> None:
    validator = jsonschema.Draft202012Validator(report_schema())
    assert list(validator.iter_errors(json.loads(render_json(report)))) == []


def test_schema_rejects_what_the_model_rejects(report: Report) -> None:
    validator = jsonschema.Draft202012Validator(report_schema())
    data = json.loads(render_json(report))
    data["violations"][0]["severity"] = "severe"
    del data["engine"]
    data["surprise"] = 1
    messages = sorted(e.message for e in validator.iter_errors(data))
    assert messages == [
        "'engine' is a required property",
        "'severe' is not one of ['info', 'low', 'medium', 'high', 'critical']",
        "Additional properties are not allowed ('surprise' was unexpected)",
    ]


def test_write_schema_and_command(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    write_schema(target)
    assert target.read_text(encoding="utf-8") == schema_text()
    other = tmp_path / "cli.json"
    assert main([str(other)]) == 0
    assert other.read_text(encoding="utf-8") == schema_text()
    assert main([]) == 2


def test_load_report_round_trip(report: Report) -> None:
    assert load_report(render_json(report)) == report


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[]", "not a cxrules.report/1 report: at the top level: Input should be an object"),
        ("{", "not a cxrules.report/1 report: at the top level: Invalid JSON: EOF while parsing"),
    ],
)
def test_load_report_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        load_report(text)
    assert str(caught.value).startswith(message)


def test_load_report_names_the_field(report: Report) -> None:
    data = json.loads(render_json(report))
    data["policies"][1]["activations"] = "many"
    with pytest.raises(ValueError, match=r"at 'policies\.1\.activations': Input should be"):
        load_report(json.dumps(data))
