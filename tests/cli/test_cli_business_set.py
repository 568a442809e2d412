"""What-if on a business-time SLA from the command line: `audit --set pickup="12 business
hours"` for `param pickup = 8 business hours`, and `diff` of the two audits (hunt42 finding-1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxrules.cli import main

POLICY = """calendar desk "Desk"
  zone "Europe/Rome"
  hours mon-fri 09:00-18:00

param pickup = 8 business hours

policy desk.pickup "Tickets are taken in charge in time"
  owner "Desk lead"
  description "Within the pickup time of the desk's opening hours."
  calendar desk
  per case
  when ticket.opened
  expect ticket.taken within pickup
"""

EVENTS = [
    # Friday 15:00 + 8 opening hours = Monday 14:00; taken at 13:00 either way
    ("2026-03-06T15:00:00+01:00", "ticket.opened", "a"),
    ("2026-03-09T13:00:00+01:00", "ticket.taken", "a"),
    # Monday 10:00: + 8 = Monday 18:00 (late at Tuesday 11:30); + 12 = Tuesday 13:00 (in time)
    ("2026-03-09T10:00:00+01:00", "ticket.opened", "b"),
    ("2026-03-10T11:30:00+01:00", "ticket.taken", "b"),
    # Monday 17:00: + 8 = Tuesday 16:00; + 12 = 1 + 9 + 2 = Wednesday 11:00; taken at 12:00
    ("2026-03-09T17:00:00+01:00", "ticket.opened", "d"),
    ("2026-03-11T12:00:00+01:00", "ticket.taken", "d"),
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    (tmp_path / "p.cxr").write_text(POLICY, encoding="utf-8")
    lines = [json.dumps({"time": t, "type": k, "case": c}) for t, k, c in EVENTS]
    (tmp_path / "log.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return ["audit", "--policies", "p.cxr", "--log", "log.jsonl", "--format", "json"]


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_diff_of_8_and_12_business_hours(project: list[str], engine: str) -> None:
    audit = [*project, "--engine", engine]
    assert CliRunner().invoke(main, [*audit, "-o", "before.json"]).exit_code == 1
    twelve = ["--set", "pickup=12 business hours", "-o", "a.json"]
    after = CliRunner().invoke(main, [*audit, *twelve])
    assert after.exit_code == 1, after.output
    report = json.loads(Path("a.json").read_text("utf-8"))
    assert report["parameters"] == {"pickup": "12 business hours"}
    [late] = report["violations"]
    assert late["scope"] == {"case": "d"}
    # Wednesday 11:00 in Rome; the report's time fields are in the log's zone, UTC here
    assert late["details"]["deadline"] == "2026-03-11T10:00:00+00:00"
    assert late["sentence"].endswith(
        "ticket.taken only at 2026-03-11 12:00:00+01:00, 1h after the deadline 11:00:00 "
        "(within 12 business hours)"
    )
    result = CliRunner().invoke(main, ["diff", "before.json", "a.json"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[1] == "Parameters: pickup 8 business hours -> 12 business hours"
    row = next(line for line in lines if line.startswith("desk.pickup"))
    assert row.split() == ["desk.pickup", "33.3%", "66.7%", "+33.3", "pts", "2", "1"]
    assert "Breaches: 0 appear, 1 disappear, 1 change, 0 unchanged." in lines


def test_a_fixed_duration_for_a_business_parameter_is_refused(project: list[str]) -> None:
    result = CliRunner().invoke(main, [*project, "--set", "pickup=12h"])
    assert result.exit_code == 2
    assert (
        "error[E222]: --set pickup=12h: pickup counts business time (8 business hours), "
        "not a fixed duration\n  = hint: write 12 business hours:"
    ) in result.stderr
