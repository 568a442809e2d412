"""Rejected records counted by code, every one, also beyond the kept list (hunt7 finding-1):
1,006 rejections with 1,000 kept read '1000 × E404', and the JSON's rejected_by_code was {}."""

from __future__ import annotations

from pathlib import Path

from cxrules.audit import AuditRequest, run_audit
from cxrules.reports.as_text import render_text

POLICY = """\
policy calls.none "Nothing forbidden"
  owner "CX"
  description "A policy for the log to be read."
  forbid call.nothing
"""


def test_every_rejected_record_is_counted_by_code(tmp_path: Path, audit_engine: str) -> None:
    log = tmp_path / "calls.csv"
    rows = ["time,type,wait"]
    rows += [f"2026-03-02T10:0{n}:00Z,call.answered,{n}" for n in range(3)]
    rows += [f"02/03/2026 10:0{n},call.answered,{n}" for n in range(4)]  # E404 × 4
    rows += ["2026-03-02T11:00:00Z,,1"] * 2  # no type: E405 × 2
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    policies = tmp_path / "p.cxr"
    policies.write_text(POLICY, encoding="utf-8")
    request = AuditRequest(
        policies=[str(policies)], logs=[str(log)], engine=audit_engine, max_rejected=3
    )
    report, _ = run_audit(request)
    assert (report.rejected_total, len(report.rejected)) == (6, 3)
    assert report.rejected_by_code == {"E404": 4, "E405": 2}
    text = render_text(report)
    assert "  4 × E404" in text and "  2 × E405" in text
