"""A ban with no end (`forbid B after`) kept at the horizon is said as kept so far, not as an
obligation 'allowed at any time' waiting on a deadline; its breach says the ban is after the
trigger (hunt59 finding-K). Sentences written by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxrules.cli import main

POLICY = """policy privacy.no-marketing "No marketing after an opt-out"
  owner "Privacy"
  description "Once a customer opts out, never again."
  per customer
  when consent.withdrawn
  forbid marketing.sent after
"""

EVENTS = [
    ("2026-03-02T10:00:00Z", "consent.withdrawn", "c1"),
    ("2026-03-03T10:00:00Z", "consent.withdrawn", "c2"),
    ("2026-03-04T10:00:00Z", "marketing.sent", "c2"),
    ("2026-03-05T10:00:00Z", "marketing.sent", "c3"),
]


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_a_ban_with_no_end_is_kept_so_far(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    (tmp_path / "p.cxr").write_text(POLICY, encoding="utf-8")
    lines = [json.dumps({"time": t, "type": k, "customer": c}) for t, k, c in EVENTS]
    (tmp_path / "log.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    audit = ["audit", "--policies", "p.cxr", "--log", "log.jsonl", "--engine", engine]
    result = CliRunner().invoke(main, [*audit, "--format", "json", "-o", "r.json"])
    assert result.exit_code == 1, result.output
    report = json.loads(Path("r.json").read_text("utf-8"))
    [broken] = report["violations"]
    assert broken["sentence"] == (
        "consent.withdrawn of customer c2 at 2026-03-03 10:00:00+00:00: forbidden "
        "marketing.sent at 2026-03-04 10:00:00+00:00 (after it)"
    )
    [kept] = report["pending"]
    assert kept["deadline"] is None
    assert kept["sentence"] == (
        "consent.withdrawn of customer c1 at 2026-03-02 10:00:00+00:00: no marketing.sent "
        "after it so far (a ban with no end: no deadline, open at every horizon)"
    )
    text = " ".join(CliRunner().invoke(main, audit).output.split())  # lines unwrapped
    assert "open at every horizon) FAIL" in text  # no '(no deadline)' added after it
