"""One stray opening quote in a CSV export (a truncated or hand-edited line) takes every line
after it into one quoted field: 2,901 of a 3,001-line helpdesk export became one rejected record,
and the audit said '1 rejected record' (hunt68 finding-4). The lines lost are now said on
standard error, with their count, and the record is listed whatever the cap of listed
rejections (as a gzip file cut short is), on every engine."""

from __future__ import annotations

from pathlib import Path

from cxrules.audit import AuditRequest, copies, run_audit

POLICY = """\
policy t.none "Nothing forbidden"
  owner "CX"
  description "A policy for the log to be read."
  forbid nothing
"""


def test_the_lines_a_quote_left_open_took_are_told(tmp_path: Path, audit_engine: str) -> None:
    rows = ["time,type,note"]
    rows += ["yesterday,a,x"]  # line 2: E404, fills the list of one
    rows += [f"2026-03-02T10:0{n}:00Z,a,ok" for n in range(3)]  # lines 3 to 5
    rows += ['2026-03-02T10:05:00Z,a,"open']  # line 6: the quote is never closed
    rows += [f"2026-03-02T10:1{n}:00Z,a,lost" for n in range(4)]  # lines 7 to 10
    log = tmp_path / "t.csv"
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "p.cxr").write_text(POLICY, encoding="utf-8")
    request = AuditRequest(
        policies=[str(tmp_path / "p.cxr")], logs=[str(log)], engine=audit_engine, max_rejected=1
    )
    report, _ = run_audit(request)
    [summary] = report.inputs
    # 3 records accepted; line 2 and the record of lines 6 to 10 rejected
    assert (summary.read, summary.accepted, summary.rejected) == (5, 3, 2)
    assert [(r.line, r.code) for r in report.rejected] == [(2, "E404"), (6, "E402")]
    assert copies(report) == [
        f"{log}: a quoted field opened on line 6 is not closed, so lines 6 to 10 (5 lines) are"
        " one rejected record (E402): the records on them are not audited"
    ]


def test_a_quoted_field_closed_on_its_own_line_says_nothing(tmp_path: Path) -> None:
    log = tmp_path / "t.csv"
    log.write_text('time,type,note\n2026-03-02T10:00:00Z,a,"x"y\n', encoding="utf-8")
    (tmp_path / "p.cxr").write_text(POLICY, encoding="utf-8")
    report, _ = run_audit(AuditRequest(policies=[str(tmp_path / "p.cxr")], logs=[str(log)]))
    assert [r.code for r in report.rejected] == ["E402"] and copies(report) == []
