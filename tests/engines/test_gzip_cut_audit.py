"""An audit of a gzip log cut short (hunt46 finding-K): the records before the cut are audited,
the cut is one rejected record (E415), and the audit warns on standard error, the same on
every engine. The whole file was refused (E401) and every record in it lost."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from click.testing import CliRunner

from cxrules.audit import AuditRequest, run_audit
from cxrules.cli import main
from cxrules.logs.files import CUT

POLICY = """\
policy shop.no-x "No x"
  owner "CX"
  description "Every x is a breach."
  forbid x
"""

# 6 records: x on lines 2, 4 and 5; the cut falls inside line 5, so 2 breaches are audited
TYPES = ["a", "x", "a", "x", "x", "a"]
LINES = [
    f'{{"time": "2026-03-02T10:0{n}:00Z", "type": "{kind}", "n": {n}}}\n'
    for n, kind in enumerate(TYPES)
]


def cut_log(tmp_path: Path) -> Path:
    content = "".join(LINES).encode()
    keep = 15 + len("".join(LINES[:4])) + 10  # gzip header + stored block header + 4 lines + 10
    log = tmp_path / "shop.jsonl.gz"
    log.write_bytes(gzip.compress(content, compresslevel=0, mtime=0)[:keep])
    return log


def test_the_records_before_the_cut_are_audited(tmp_path: Path, engine: str) -> None:
    log = cut_log(tmp_path)
    policies = tmp_path / "p.cxr"
    policies.write_text(POLICY, encoding="utf-8")
    request = AuditRequest(policies=[str(policies)], logs=[str(log)], engine=engine)
    report, _ = run_audit(request)
    [summary] = report.inputs
    assert (summary.read, summary.accepted, summary.rejected, summary.events) == (5, 4, 1, 4)
    assert sorted(v.trigger.line for v in report.violations) == [2, 4]
    [cut] = report.rejected
    assert (cut.line, cut.code, cut.sample) == (5, "E415", LINES[4][:10])
    assert cut.reason == f"{CUT}: this record is cut off, and whatever followed it is lost"
    assert report.rejected_by_code == {"E415": 1}


def test_the_command_line_warns_of_the_cut(tmp_path: Path, engine: str) -> None:
    log = cut_log(tmp_path)
    policies = tmp_path / "p.cxr"
    policies.write_text(POLICY, encoding="utf-8")
    args = ["audit", "--policies", str(policies), "--log", str(log), "--format", "json"]
    result = CliRunner().invoke(main, [*args, "--engine", engine])
    assert result.exit_code == 1, result.output  # violations of a medium policy
    report = json.loads(result.stdout)
    assert [(r["line"], r["code"]) for r in report["rejected"]] == [(5, "E415")]
    assert (
        f"cxrules audit: warning: {log} ends mid-stream (its gzip data is cut short at line 5): "
        "the records before the cut are audited, the rest is lost (E415)"
    ) in result.stderr
    assert "Traceback" not in result.output
