"""A scope of several keys is named key by key in sentences and human reports: 'customer c-1,
topic no respect/not taken seriously'. It was 'customer c-1/no respect/not taken seriously',
the values joined with '/', which BPIC 2016's topics hold themselves (hunt22). A value with a
comma is quoted among several keys; JSON keeps the scope structured, and ids do not change."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cxrules.cli import main
from cxrules.reports.as_text import render_text
from cxrules.reports.schema import load_report

POLICY = """\
policy complaints.repeat "At most 1 complaint per customer and topic within 30 days"
  severity high
  per customer, topic
  at most 1 complaint.filed within 30d

policy complaints.share "Complaints answered, per customer and topic"
  severity medium
  metric answered_share = ratio(complaint.filed where answered == true, complaint.filed)
    by customer, topic
  require answered_share >= 50%
"""

TOPICS = ["no respect/not taken seriously", "Payment, late"]


def _log() -> str:
    lines = []
    for n, topic in enumerate(TOPICS):
        for k in range(2):
            lines.append(
                {
                    "time": f"2026-03-0{2 + k}T10:0{n}:00Z",
                    "type": "complaint.filed",
                    "id": f"e{n}{k}",
                    "customer": "c-1",
                    "topic": topic,
                    "answered": False,
                }
            )
    return "".join(json.dumps(line) + "\n" for line in lines)


def test_a_scope_of_several_keys_names_each_key(tmp_path: Path, audit_engine: str) -> None:
    (tmp_path / "p.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "log.jsonl").write_text(_log(), "utf-8")
    args = ["audit", "--policies", str(tmp_path / "p.cxr"), "--log", str(tmp_path / "log.jsonl")]
    result = CliRunner().invoke(main, [*args, "--engine", audit_engine, "--format", "json"])
    assert result.exit_code == 1, result.output
    report = load_report(result.stdout)
    sentences = sorted(v.sentence for v in report.violations)
    assert [v.scope for v in report.violations if v.policy == "complaints.repeat"] == [
        {"customer": "c-1", "topic": topic} for topic in TOPICS
    ]
    assert sentences[0].startswith(
        '2 complaint.filed for customer c-1, topic "Payment, late" within 30d (at most 1 allowed)'
    )
    assert sentences[1].startswith(
        "2 complaint.filed for customer c-1, topic no respect/not taken seriously within 30d"
    )
    assert sentences[2].startswith(
        'answered_share for customer=c-1, topic="Payment, late" was 0.0% ((0 complaint.filed'
    )
    assert sentences[3].startswith(
        "answered_share for customer=c-1, topic=no respect/not taken seriously was 0.0%"
    )
    text = render_text(report, color=False, width=200)
    assert 'answered_share, customer=c-1, topic="Payment, late": 0.0% (n=2) violated' in text
