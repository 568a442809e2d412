"""A `;` export of a spreadsheet in a European locale writes `2,5` for two and a half (hunt68
finding-1): every row of a `numbers` column was rejected, E406 'is not a number: '2,5'', with no
way to read it. The mapping's `decimal = ","` reads it, and the rejection without it says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxrules.audit import AuditRequest, run_audit
from cxrules.logs import MappingError, load_mapping

POLICY = """\
policy calls.short "A call lasts under 3 minutes"
  owner "Call centre"
  description "ser_min in minutes."
  when call.answered
  require ser_min < 3
"""


def audit(tmp_path: Path, engine: str, mapping: str):
    log = tmp_path / "calls.csv"
    log.write_text(
        "time;type;ser_min\r\n"
        "2026-03-02T10:00:00Z;call.answered;2,5\r\n"
        "2026-03-02T10:05:00Z;call.answered;3,25\r\n"
        "2026-03-02T10:09:00Z;call.answered;1.234,5\r\n",
        encoding="utf-8",
    )
    (tmp_path / "p.cxr").write_text(POLICY, encoding="utf-8")
    (tmp_path / "m.toml").write_text('[log]\ndelimiter = ";"\nnumbers = ["ser_min"]\n' + mapping)
    request = AuditRequest(
        policies=[str(tmp_path / "p.cxr")],
        logs=[str(log)],
        mapping=str(tmp_path / "m.toml"),
        engine=engine,
    )
    report, _ = run_audit(request)
    return report


def test_decimal_comma_numbers_are_read(tmp_path: Path, audit_engine: str) -> None:
    report = audit(tmp_path, audit_engine, 'decimal = ","\n')
    # 2,5 < 3 holds, 3,25 is 3.25 ≥ 3: one breach; 1.234,5 has a point: E406 on line 4
    [policy] = report.policies
    assert (policy.activations, policy.violated) == (2, 1)
    assert [(r.line, r.code) for r in report.rejected] == [(4, "E406")]
    assert "no point" in report.rejected[0].reason


def test_without_decimal_the_rejection_names_it(tmp_path: Path, audit_engine: str) -> None:
    report = audit(tmp_path, audit_engine, "")
    assert [(r.line, r.code) for r in report.rejected] == [(2, "E406"), (3, "E406"), (4, "E406")]
    # 2,5 and 3,25 have one comma: a decimal comma; 1.234,5 is no number either way
    assert ['decimal = ","' in r.reason for r in report.rejected] == [True, True, False]


def test_decimal_is_a_point_or_a_comma(tmp_path: Path) -> None:
    (tmp_path / "cxrules.toml").write_text('[log]\nformat = "csv"\ndecimal = ";"\n')
    with pytest.raises(MappingError) as caught:
        load_mapping(None, tmp_path)
    [d] = caught.value.diagnostics
    assert d.code == "E410" and "decimal" in d.message and d.span.line == 3
