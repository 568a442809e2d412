"""A time written in its format that names no moment — 31 February, hour 24, a 60th second — was
rejected as 'does not match the format 'dd.mm.yyyy hh:mm:ss'' (or 'is not ISO 8601'), which
sends an auditor to a mapping that is right (hunt68 finding-2). The reason now says the time is
no real one and why, on every engine; a time of another shape still names the format."""

from __future__ import annotations

from pathlib import Path

from cxrules.audit import AuditRequest, run_audit

POLICY = """\
policy t.none "Nothing forbidden"
  owner "CX"
  description "A policy for the log to be read."
  forbid nothing
"""


def rejected(tmp_path: Path, engine: str, name: str, text: str, mapping: str) -> list:
    log = tmp_path / name
    log.write_text(text, encoding="utf-8")
    (tmp_path / "p.cxr").write_text(POLICY, encoding="utf-8")
    (tmp_path / "m.toml").write_text("[log]\n" + mapping, encoding="utf-8")
    request = AuditRequest(
        policies=[str(tmp_path / "p.cxr")],
        logs=[str(log)],
        mapping=str(tmp_path / "m.toml"),
        engine=engine,
    )
    report, _ = run_audit(request)
    return [(r.line, r.code, r.reason) for r in report.rejected]


def test_a_csv_time_of_its_format_naming_no_day(tmp_path: Path, audit_engine: str) -> None:
    text = "when;what\n28.02.2014 10:00:00;a\n31.02.2014 10:00:00;a\n13.13.2014 10:00:00;a\n"
    mapping = 'delimiter = ";"\ntime = "when"\ntype = "what"\ntime_format = "dd.mm.yyyy hh:mm:ss"\n'
    assert rejected(tmp_path, audit_engine, "t.csv", text, mapping) == [
        (
            3,
            "E404",
            "time '31.02.2014 10:00:00' in 'when' is written in its format but is no real time"
            " (day is out of range for month)",
        ),
        (
            4,
            "E404",
            "time '13.13.2014 10:00:00' in 'when' does not match the format 'dd.mm.yyyy hh:mm:ss'",
        ),
    ]


def test_an_iso_time_naming_no_moment(tmp_path: Path, audit_engine: str) -> None:
    text = (
        '{"time": "2014-10-26T24:00:00", "type": "a"}\n'
        '{"time": "2014-10-26T02:30:60", "type": "a"}\n'
        '{"time": "26/10/2014", "type": "a"}\n'
    )
    assert rejected(tmp_path, audit_engine, "t.jsonl", text, "") == [
        (
            1,
            "E404",
            "time '2014-10-26T24:00:00' in 'time' is written in its format but is no real time"
            " (hour must be in 0..23)",
        ),
        (
            2,
            "E404",
            "time '2014-10-26T02:30:60' in 'time' is written in its format but is no real time"
            " (second must be in 0..59)",
        ),
        # a date written day first is told its format (hunt69 finding-18): 26 is no month
        (
            3,
            "E404",
            "time '26/10/2014' in 'time' is not ISO 8601: it reads as time_format = \"dd/mm/yyyy\"",
        ),
    ]
