"""`--log-format` names the format of every log given, whatever the files' names say: its help
and docs/mapping.md said 'when its name does not tell' and `--format` (the report's option)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cxrules.cli import main

ROOT = Path(__file__).resolve().parents[2]
POLICY = 'policy t.none "No refunds"\n  owner "CX"\n  description "d"\n  forbid refund\n'


def test_log_format_applies_to_every_log_whatever_its_name(tmp_path: Path) -> None:
    (tmp_path / "p.cxr").write_text(POLICY, encoding="utf-8")
    event = '{"time": "2026-03-01T09:00:00Z", "type": "refund"}\n'
    (tmp_path / "a.jsonl").write_text(event, encoding="utf-8")
    (tmp_path / "b.csv").write_text(event, encoding="utf-8")  # JSON Lines, named .csv
    args = ["audit", "--policies", str(tmp_path / "p.cxr"), "--format", "json"]
    logs = ["--log", str(tmp_path / "a.jsonl"), "--log", str(tmp_path / "b.csv")]
    result = CliRunner().invoke(main, [*args, *logs, "--log-format", "jsonl"])
    report = json.loads(result.stdout)
    # both read as JSON Lines: one refund each, two violations, nothing rejected
    assert [(i["format"], i["events"]) for i in report["inputs"]] == [("jsonl", 1), ("jsonl", 1)]
    assert len(report["violations"]) == 2
    help_text = " ".join(CliRunner().invoke(main, ["audit", "--help"]).stdout.split())
    assert "--log-format [jsonl|csv|parquet|xes] every log's format, whatever its name says" in (
        help_text
    )
    assert "when its name does not tell" not in help_text
    mapping = " ".join((ROOT / "docs" / "mapping.md").read_text(encoding="utf-8").split())
    assert "The format comes from `--log-format` (for every log given), else" in mapping
