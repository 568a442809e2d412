"""`cxrules test --coverage`: which of the project's policies the scenarios audit, breach and
keep — the rules whose meaning no example pins down are named. Counts by hand from the
feature below."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

POLICIES = """policy shop.greet "Guests are greeted within a minute"
  severity medium
  per table
  when guest.arrived
  expect staff.greeted within 1min

policy shop.wording "Never 'no problem'"
  severity low
  forbid staff.said where lower(text) contains "no problem"

policy shop.water "Water within five minutes"
  severity low
  per table
  when guest.seated
  expect water.served within 5min
"""

FEATURE = """Feature: The floor
  Background:
    Given the time is "2026-03-02T19:00:00"

  Scenario: Greeted in time
    Given the project policies
    When these events happen:
      | time | type          | table |
      | +0s  | guest.arrived | t-1   |
      | +40s | staff.greeted | t-1   |
    Then there are no violations

  Scenario: Greeted late
    Given the policy "shop.greet" from "policies/"
    When these events happen:
      | time  | type          | table |
      | +0s   | guest.arrived | t-1   |
      | +2min | staff.greeted | t-1   |
    Then there is 1 violation

  Scenario: Water in time
    Given the policy "shop.water" from "policies/"
    When these events happen:
      | time  | type         | table |
      | +0s   | guest.seated | t-1   |
      | +3min | water.served | t-1   |
    Then there are no violations

  Scenario: An inline policy of the same id is not the project's
    Given the policy:
      \"\"\"
      policy shop.wording "Never 'no problem'"
        forbid staff.said where text contains "no problem"
      \"\"\"
    When these events happen:
      | time | type       | text       |
      | +0s  | staff.said | no problem |
    Then there is 1 violation
"""


def _test(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cxrules", "test", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_coverage_names_the_policies_no_scenario_breaches_or_audits(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "shop.cxr").write_text(POLICIES, "utf-8")
    (tmp_path / "features").mkdir()
    (tmp_path / "features" / "floor.feature").write_text(FEATURE, "utf-8")
    done = _test(tmp_path, "--coverage", "--engine", "python")
    assert done.returncode == 0, done.stdout + done.stderr
    rows = done.stdout.splitlines()
    start = rows.index(next(r for r in rows if r.startswith("cxrules coverage of policies")))
    # shop.greet: audited by "Greeted in time" (kept; the project policies also load the two
    # others, which it never triggers) and "Greeted late" (breached); shop.water: kept once;
    # shop.wording: only the inline policy of that id breaches it, which is not the project's
    assert rows[start : start + 5] == [  # in the order of their ids
        "cxrules coverage of policies: 2 of 3 policies audited by a scenario, 1 shown breached",
        "policy        scenarios  breached  kept",
        "shop.greet            2         1     1",
        "shop.water            1         0     1  never breached: no scenario shows what breaks it",
        "shop.wording          0         0     0  no scenario audits it",
    ]


def test_without_coverage_there_is_no_summary(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "shop.cxr").write_text(POLICIES, "utf-8")
    (tmp_path / "features").mkdir()
    (tmp_path / "features" / "floor.feature").write_text(FEATURE, "utf-8")
    done = _test(tmp_path, "--engine", "python")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout
    assert "cxrules coverage" not in done.stdout


def _summary(pid: str, **counts: object) -> dict[str, object]:
    zero: dict[str, object] = dict.fromkeys(["scopes", "out_of_scope", "vacuous", "activations"], 0)
    zero.update(satisfied=0, violated=0, pending=0, compliance=None)
    head = {"id": pid, "title": pid, "severity": "low", "owner": "", "kind": "metric"}
    return {**head, "file": "p.cxr", "line": 1, **zero, **counts}


def test_a_metric_cell_audits_its_policy_though_nothing_was_judged() -> None:
    # docs/gherkin.md: a scenario audits a policy when it judges it, "an activation, a metric
    # cell, a violation"; an NPS of 3 answers where 30 are needed is a cell (insufficient) with
    # no activation, and the policy was said never audited by the scenario that shows it
    from cxrules.bdd.coverage import Coverage
    from cxrules.reports.model import Report

    cell: dict[str, object] = {"metric": "nps", "group": {}, "bucket": "2026-03", "value": None}
    cell.update(population=3, status="insufficient", threshold=">= 40")
    report = Report.model_validate(
        {
            "engine": "python",
            "zone": "UTC",
            "as_of": None,
            "policy_files": ["p.cxr"],
            "revision": "r",
            "inputs": [],
            "policies": [_summary("kpi.nps", metrics=[cell]), _summary("kpi.idle")],
            "violations": [],
        }
    )
    coverage = Coverage()
    coverage.record("too few answers", report)
    assert coverage.audited == {"kpi.nps": {"too few answers"}}
    assert coverage.kept == {"kpi.nps": {"too few answers"}}
    assert coverage.breached == {}


def test_a_policy_breached_in_every_scenario_is_said_so() -> None:
    """hunt65 finding-K: `cxrules init`'s project, whose one scenario of shop.wording keeps it
    ("My pleasure!") and breaks it ("No problem"), read 'never kept: no scenario shows it met'.
    A scenario with a breach is counted breached, not kept: the note says that."""
    from cxrules.bdd.coverage import Coverage

    coverage = Coverage()
    coverage.audited = {"shop.wording": {"both"}}
    coverage.breached = {"shop.wording": {"both"}}
    assert coverage.lines(["shop.wording"], "policies")[2] == (
        "shop.wording          1         1     0  never kept: every scenario that audits it "
        "finds a breach"
    )


def test_coverage_not_measured_names_the_error(tmp_path: Path) -> None:
    # the policies do not load: the line said "…have errors:" and stopped, the error unnamed
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "shop.cxr").write_text(POLICIES, "utf-8")
    (tmp_path / "policies" / "zbad.cxr").write_text('policy bad.x "x"\n  when\n', "utf-8")
    (tmp_path / "features").mkdir()
    (tmp_path / "features" / "floor.feature").write_text(FEATURE, "utf-8")
    done = _test(tmp_path, "--coverage", "--engine", "python")
    line = next(r for r in done.stdout.splitlines() if r.startswith("cxrules coverage of"))
    head = "cxrules coverage of policies: not measured: the policies of policies have errors: "
    assert line.startswith(head + "policies/zbad.cxr:2:"), line
    assert "error[E" in line
