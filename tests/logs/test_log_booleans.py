"""The mapping's `booleans`: columns whose texts spell booleans ("true", "FALSE", "yes", "0")
read as booleans, the same by every reading route and on every engine; a value that spells
none rejects its record (E406), as a `numbers` column's non-number does. Expected by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cxrules.audit import AuditRequest, run_audit
from cxrules.logs import LogSet, MappingError, load_mapping, mapping_from_dict, open_log

POLICY = """policy desk.sla "No closed ticket misses its SLA"
  owner "Service desk"
  description "made_sla is false at closure."
  forbid ticket.closed where made_sla == false
"""


def read(path: Path, table: dict) -> tuple[LogSet, list]:
    logs = LogSet([open_log(str(path), mapping_from_dict(table))])
    return logs, list(logs.events())


def test_csv_texts_spelling_booleans_in_any_case_are_booleans(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "time,type,made_sla\n"
        "2026-03-02T10:00:00Z,a,true\n"
        "2026-03-02T10:01:00Z,a,FALSE\n"
        "2026-03-02T10:02:00Z,a,Yes\n"
        "2026-03-02T10:03:00Z,a,no\n"
        "2026-03-02T10:04:00Z,a,1\n"
        "2026-03-02T10:05:00Z,a,0\n"
        "2026-03-02T10:06:00Z,a, True \n"
        "2026-03-02T10:07:00Z,a,?\n"
        "2026-03-02T10:08:00Z,a,\n"
    )
    _, events = read(path, {"booleans": ["made_sla"], "missing": ["?", ""]})
    values = [e.attrs.get("made_sla", "absent") for e in events]
    assert values == [True, False, True, False, True, False, True, "absent", "absent"]
    assert all(type(v) is bool for v in values[:7])


@pytest.mark.parametrize("text", ["maybe", "y", "t", "2", "1.0", "falſe", "ｔｒｕｅ", "true false"])
def test_a_text_that_spells_no_boolean_rejects_its_record(tmp_path, text):
    path = tmp_path / "t.csv"
    path.write_text(f"time,type,ok\n2026-03-02T10:00:00Z,a,{text}\n2026-03-02T10:01:00Z,b,no\n")
    logs, events = read(path, {"booleans": ["ok"]})
    assert [(e.type, e.attrs["ok"]) for e in events] == [("b", False)]
    [rejected] = logs.rejected
    assert (rejected.line, rejected.code) == (2, "E406")
    assert rejected.reason == (
        f"column 'ok' is not a boolean: {text!r} (true/false, yes/no or 1/0 are)"
    )


def test_json_booleans_stay_integers_1_and_0_read_and_other_values_reject(tmp_path):
    path = tmp_path / "t.jsonl"
    rows = [True, False, 1, 0, None, "No", 2, 1.0, [True]]
    path.write_text(
        "".join(
            json.dumps({"time": f"2026-03-02T10:0{i}:00Z", "type": "a", "ok": v}) + "\n"
            for i, v in enumerate(rows)
        )
    )
    logs, events = read(path, {"booleans": ["ok"]})
    assert [e.attrs["ok"] for e in events] == [True, False, True, False, None, False]
    assert [(r.line, r.code) for r in logs.rejected] == [(7, "E406"), (8, "E406"), (9, "E406")]


def test_a_column_in_both_numbers_and_booleans_is_an_e410_at_its_line(tmp_path):
    (tmp_path / "cxrules.toml").write_text('[log]\nnumbers = ["n"]\nbooleans = ["x", "n"]\n')
    with pytest.raises(MappingError) as caught:
        load_mapping(None, tmp_path)
    [d] = caught.value.diagnostics
    assert (d.code, d.span.line, d.span.column) == ("E410", 3, 1)
    assert "column 'n' is listed in both 'numbers' and 'booleans'" in d.message


def test_a_booleans_column_the_header_lacks_is_named(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("time,type,made_sla\n2026-03-02T10:00:00Z,a,true\n")
    with pytest.raises(MappingError) as caught:
        read(path, {"booleans": ["made_sl"]})
    [d] = caught.value.diagnostics
    assert "names column 'made_sl'" in d.message and d.hint == "did you mean 'made_sla'?"


# -- an audit on every engine, from CSV, JSON Lines and Parquet -----------------------------------

# five closed tickets; t2 (FALSE), t4 (no) and t5 (0) missed their SLA; t1 and t3 met it
TICKETS = [
    ("2026-03-02T10:00:00Z", "t1", "true"),
    ("2026-03-02T10:01:00Z", "t2", "FALSE"),
    ("2026-03-02T10:02:00Z", "t3", "Yes"),
    ("2026-03-02T10:03:00Z", "t4", "no"),
    ("2026-03-02T10:04:00Z", "t5", "0"),
]


def _log(tmp_path: Path, fmt: str) -> Path:
    if fmt == "csv":
        path = tmp_path / "t.csv"
        lines = [f"{t},ticket.closed,{i},{s}" for t, i, s in TICKETS]
        path.write_text("time,type,id,made_sla\n" + "\n".join(lines) + "\n")
    elif fmt == "jsonl":
        path = tmp_path / "t.jsonl"
        path.write_text(
            "".join(
                json.dumps({"time": t, "type": "ticket.closed", "id": i, "made_sla": s}) + "\n"
                for t, i, s in TICKETS
            )
        )
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = tmp_path / "t.parquet"
        columns = list(zip(*TICKETS, strict=True))
        table = pa.table(
            {
                "time": columns[0],
                "type": ["ticket.closed"] * 5,
                "id": columns[1],
                "made_sla": columns[2],
            }
        )
        pq.write_table(table, path)
    return path


def _audit(tmp_path: Path, fmt: str, engine: str, mapping: str) -> tuple[list[str], list]:
    policies = tmp_path / "p.cxr"
    policies.write_text(POLICY)
    toml = tmp_path / "m.toml"
    toml.write_text(mapping)
    request = AuditRequest(
        policies=[str(policies)],
        logs=[str(_log(tmp_path, fmt))],
        mapping=str(toml),
        engine=engine,
        project_dir=tmp_path,
    )
    report, warnings = run_audit(request)
    ids = sorted(v.trigger.id for v in report.violations if v.trigger)
    return ids, warnings


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_an_audit_finds_the_tickets_whose_sla_text_is_false(tmp_path, fmt, audit_engine):
    ids, warnings = _audit(tmp_path, fmt, audit_engine, '[log]\nbooleans = ["made_sla"]\n')
    assert ids == ["t2", "t4", "t5"]
    assert warnings == []


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_without_booleans_the_audit_warns_instead_of_passing_silently(tmp_path, fmt, audit_engine):
    ids, warnings = _audit(tmp_path, fmt, audit_engine, "[log]\n")
    assert ids == []  # a text is never equal to a boolean
    [w] = warnings
    # line 4 of p.cxr: "  forbid ticket.closed where " is 29 characters, made_sla at 30
    assert (w.code, w.span.line, w.span.column) == ("W407", 4, 30)
    assert w.message == (
        "policy desk.sla compares 'made_sla' with false, but the log holds it as text "
        '("FALSE"): a text is never equal to a boolean'
    )
    assert w.hint == (
        'read the column as booleans in the log mapping: booleans = ["made_sla"] '
        '(docs/mapping.md), or compare with the text: made_sla == "FALSE"'
    )


# -- the real ServiceNow export: made_sla holds "true" / "false" -----------------------------------

ROOT = Path(__file__).resolve().parents[2]
SERVICENOW = ROOT.parent / "shared" / "data" / "uci_servicenow_incident_log"
SLA_POLICY = """policy snow.no-sla-miss "No incident misses its SLA"
  owner "Service desk"
  description "made_sla is false at a Closed record."
  forbid incident.closed where made_sla == false
"""


def servicenow_sample(tmp_path: Path, rows: int = 5000) -> tuple[Path, list[dict[str, str]]]:
    """The export's first `rows` records, as a file and as the csv module reads them."""
    import csv
    import gzip
    import io

    with gzip.open(SERVICENOW / "incident_event_log.csv.gz", "rt", encoding="utf-8") as f:
        lines = [f.readline() for _ in range(rows + 1)]
    path = tmp_path / "sample.csv"
    path.write_text("".join(lines), "utf-8")
    return path, list(csv.DictReader(io.StringIO("".join(lines))))


@pytest.mark.skipif(not SERVICENOW.is_dir(), reason="the shared data folder is absent")
def test_servicenow_sla_misses_are_found_with_booleans(tmp_path, audit_engine):
    path, records = servicenow_sample(tmp_path)
    # counted here from the raw rows: Closed records whose made_sla is the text "false"
    missed = [
        line
        for line, r in enumerate(records, start=2)  # the header is line 1
        if r["incident_state"] == "Closed" and r["made_sla"] == "false"
    ]
    assert len(missed) == 309  # as `awk -F, '$2=="Closed" && $7=="false"'` counts them
    example = ROOT / "examples" / "uci_servicenow_incident_log" / "cxrules.toml"
    text = example.read_text("utf-8")
    assert 'booleans = ["made_sla"]\n' in text  # the example's mapping reads it so (hunt22)
    mapping = tmp_path / "cxrules.toml"
    mapping.write_text(text, "utf-8")
    policies = tmp_path / "p.cxr"
    policies.write_text(SLA_POLICY)
    request = AuditRequest(
        policies=[str(policies)],
        logs=[str(path)],
        mapping=str(mapping),
        engine=audit_engine,
        project_dir=tmp_path,
    )
    report, warnings = run_audit(request)
    assert warnings == []
    assert sorted(v.trigger.line for v in report.violations if v.trigger) == missed
    assert len(report.violations) == 309
    # without the mapping's `booleans`: no violation, and W407 says why
    mapping.write_text(text.replace('booleans = ["made_sla"]\n', ""), "utf-8")
    report, warnings = run_audit(request)
    assert report.violations == []
    assert [w.code for w in warnings] == ["W407"]
    assert 'booleans = ["made_sla"]' in warnings[0].hint
