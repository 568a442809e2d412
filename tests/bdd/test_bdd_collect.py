"""A team's `.feature` files run under plain pytest through the plugin: no Python file, test ids
and JUnit classnames name the feature file, one test per scenario and engine, never twice."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from cxrules import engines

ROOT = Path(__file__).resolve().parents[2]

POLICY = """policy shop.greet "Guests are greeted within a minute"
  severity medium
  owner "Floor"
  description "D"
  per table
  when guest.arrived
  expect staff.greeted within 1min
"""

FEATURE = """Feature: Greeting
  Background:
    Given the project policies
    And the time is "2026-03-02T19:00:00"

  Scenario: Greeted in time
    When these events happen:
      | time | type          | table |
      | +0s  | guest.arrived | t-1   |
      | +40s | staff.greeted | t-1   |
    Then there are no violations

  Scenario: Greeted late, after two minutes
    When these events happen:
      | time  | type          | table |
      | +0s   | guest.arrived | t-1   |
      | +2min | staff.greeted | t-1   |
    Then the violations are:
      | policy     | kind | scope     | start | end   | fulfilled_at |
      | shop.greet | late | table=t-1 | +0s   | +1min | +2min        |
"""

FOREIGN = """Feature: Someone else's steps
  Scenario: A cucumber
    Given a cucumber
    Then it is green
"""


def pytest_in(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )


def project(tmp_path: Path) -> Path:
    (tmp_path / "cxrules.toml").write_text('policies = ["rules"]\n', "utf-8")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "shop.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "shop.feature").write_text(FEATURE, "utf-8")
    (tmp_path / "specs" / "other.feature").write_text(FOREIGN, "utf-8")
    return tmp_path


def test_plain_pytest_runs_a_feature_file_with_no_python_file(tmp_path: Path) -> None:
    folder = project(tmp_path)
    done = pytest_in(folder, "-v", "--junitxml=junit.xml")
    assert done.returncode == 0, done.stdout + done.stderr
    ids = re.findall(r"^(\S+::\S+) PASSED", done.stdout, flags=re.MULTILINE)
    assert ids == [
        f"specs/shop.feature::test_greeted_in_time[{name}]" for name in engines.names()
    ] + [
        f"specs/shop.feature::test_greeted_late_after_two_minutes[{name}]"
        for name in engines.names()
    ]
    cases = ET.parse(folder / "junit.xml").getroot().iter("testcase")
    assert {(c.get("classname"), c.get("name")) for c in cases} == {
        ("specs.shop.feature", f"{test}[{name}]")
        for test in ("test_greeted_in_time", "test_greeted_late_after_two_minutes")
        for name in engines.names()
    }


def test_a_failing_scenario_names_its_feature_file(tmp_path: Path) -> None:
    folder = project(tmp_path)
    text = FEATURE.replace("| +40s | staff.greeted |", "| +90s | staff.greeted |")
    (folder / "specs" / "shop.feature").write_text(text, "utf-8")
    done = pytest_in(folder, "-q", "--cxrules-engine", "python")
    assert done.returncode == 1
    assert "FAILED specs/shop.feature::test_greeted_in_time[python]" in done.stdout
    assert "1 failed, 1 passed" in done.stdout


def test_a_scenario_bound_in_python_too_runs_once(tmp_path: Path) -> None:
    folder = project(tmp_path)
    (folder / "specs" / "test_bound.py").write_text(
        "from pytest_bdd import scenarios\n\nscenarios('shop.feature')\n", "utf-8"
    )
    done = pytest_in(folder, "--collect-only", "-q", "--cxrules-engine", "python")
    collected = [line for line in done.stdout.splitlines() if "::" in line]
    assert collected == [
        "specs/test_bound.py::test_greeted_in_time[python]",
        "specs/test_bound.py::test_greeted_late_after_two_minutes[python]",
    ]


def test_our_own_features_are_collected_once(tmp_path: Path) -> None:
    done = pytest_in(ROOT, "--collect-only", "-q", "features", "-o", "addopts=")
    collected = [line for line in done.stdout.splitlines() if "::" in line]
    scenarios = sum(
        len(re.findall(r"^\s*Scenario:", f.read_text("utf-8"), flags=re.MULTILINE))
        for f in (ROOT / "features").glob("*.feature")
    )
    assert len(collected) == len(set(collected)) == scenarios * len(engines.names())
    assert all(re.fullmatch(r"features/[\w-]+\.feature::test_\w+\[\w+\]", c) for c in collected)
    assert not list((ROOT / "features").glob("*.py"))


def test_without_pytest_bdd_the_plugin_stays_out_of_the_way(tmp_path: Path) -> None:
    """cxrules installed without [bdd] where pytest is: another project's tests still run."""
    folder = project(tmp_path)
    (folder / "test_plain.py").write_text("def test_one():\n    assert 1 + 1 == 2\n", "utf-8")
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'pytest_bdd':\n"
        "            raise ModuleNotFoundError(name, name=name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import pytest\n"
        "sys.exit(pytest.main(['-v', '-p', 'no:cacheprovider', '-p', 'cxrules.bdd.plugin']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.findall(r"^(\S+::\S+) PASSED", done.stdout, flags=re.MULTILINE) == [
        "test_plain.py::test_one"
    ]


def test_gherkin_tags_are_marks_pytest_knows(tmp_path: Path) -> None:
    """`@octopus` on a feature warned "PytestUnknownMarkWarning: Unknown pytest.mark.octopus -
    is this a typo?" from pytest-bdd's code, and with --strict-markers (common in CI) every
    tagged scenario was an error; tags of features, rules, scenarios and examples are now
    registered marks, and `-m` selects by them (hunt28 finding-3)."""
    folder = project(tmp_path)
    tagged = FEATURE.replace("Feature: Greeting", "@floor\nFeature: Greeting").replace(
        "  Scenario: Greeted late", "  @late @çağrı\n  Scenario: Greeted late"
    )
    (folder / "specs" / "shop.feature").write_text(tagged, "utf-8")
    args = ("-q", "-p", "no:randomly", "--cxrules-engine", "python", "--strict-markers")
    done = pytest_in(folder, *args, "-W", "error::pytest.PytestUnknownMarkWarning")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout and "warning" not in done.stdout
    chosen = pytest_in(folder, *args, "-m", "late")
    assert chosen.returncode == 0, chosen.stdout + chosen.stderr
    assert "1 passed, 1 deselected" in chosen.stdout
