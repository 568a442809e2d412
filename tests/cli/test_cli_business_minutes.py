"""Business time in minutes: `within 30 business minutes` counts opening time as `0.5 business
hours` does, on every engine, and `--set pickup="45 business minutes"` overrides it (hunt59
finding-K: the grammar took hours and days only, and E100 listed them without saying so).
Expected deadlines by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxrules.cli import main

POLICY = """calendar desk "Desk"
  zone "Europe/Rome"
  hours mon-fri 09:00-18:00

param pickup = 30 business minutes

policy desk.pickup "Tickets are taken in charge in time"
  owner "Desk lead"
  description "Within the pickup time of the desk's opening hours."
  calendar desk
  per case
  when ticket.opened
  expect ticket.taken within pickup
"""

EVENTS = [
    # Friday 17:50 + 30 opening minutes = 10 on Friday + 20 on Monday: Monday 09:20 (45: 09:35)
    ("2026-03-06T17:50:00+01:00", "ticket.opened", "a"),
    ("2026-03-09T09:15:00+01:00", "ticket.taken", "a"),
    # Monday 08:00, before opening: counted from 09:00, due 09:30 (45: 09:45); taken 09:31
    ("2026-03-09T08:00:00+01:00", "ticket.opened", "b"),
    ("2026-03-09T09:31:00+01:00", "ticket.taken", "b"),
    # Monday 12:00, due 12:30, taken exactly then: in time
    ("2026-03-09T12:00:00+01:00", "ticket.opened", "c"),
    ("2026-03-09T12:30:00+01:00", "ticket.taken", "c"),
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    (tmp_path / "p.cxr").write_text(POLICY, encoding="utf-8")
    lines = [json.dumps({"time": t, "type": k, "case": c}) for t, k, c in EVENTS]
    (tmp_path / "log.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return ["audit", "--policies", "p.cxr", "--log", "log.jsonl", "--format", "json"]


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_business_minutes_count_opening_time(project: list[str], engine: str) -> None:
    result = CliRunner().invoke(main, [*project, "--engine", engine, "-o", "r.json"])
    assert result.exit_code == 1, result.output
    report = json.loads(Path("r.json").read_text("utf-8"))
    [late] = report["violations"]
    assert (late["kind"], late["scope"]) == ("late", {"case": "b"})
    assert late["details"]["deadline"] == "2026-03-09T08:30:00+00:00"  # 09:30 in Rome
    [summary] = report["policies"]
    assert (summary["satisfied"], summary["violated"]) == (2, 1)


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_set_takes_business_minutes(project: list[str], engine: str) -> None:
    audit = [*project, "--engine", engine, "-o", "r.json", "--set", "pickup=45 business minutes"]
    result = CliRunner().invoke(main, audit)
    assert result.exit_code == 0, result.output
    report = json.loads(Path("r.json").read_text("utf-8"))
    assert report["parameters"] == {"pickup": "45 business minutes"}
    assert report["violations"] == []
    [summary] = report["policies"]
    assert (summary["satisfied"], summary["violated"]) == (3, 0)


def test_a_fixed_duration_for_business_minutes_says_what_to_write(project: list[str]) -> None:
    result = CliRunner().invoke(main, [*project, "--set", "pickup=45min"])
    assert result.exit_code != 0
    assert "write 45 business minutes" in result.output


def test_business_minutes_go_up_to_ten_thousand_hours(tmp_path: Path) -> None:
    path = tmp_path / "long.cxr"
    path.write_text(POLICY.replace("30 business minutes", "600001 business minutes"), "utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert "E224" in result.output
    path.write_text(POLICY.replace("30 business minutes", "600000 business minutes"), "utf-8")
    assert CliRunner().invoke(main, ["check", str(path)]).exit_code == 0
