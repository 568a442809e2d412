"""A moment minus a time the log writes as text, divided by a duration, is a number: the
checker read `(time - opened) / 1d` as a duration and refused `(time - opened) / 1d + 1` with
E208 "cannot combine a duration and a number with '+'" (hunt54 finding-K). The policy checks
and every engine audits it; expected values by hand."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cxrules.cli import main
from cxrules.policyset import load_policies

POLICY = """policy p.age "Cases are seen within a day"
  owner "Operations"
  description "hunt54"
  when a
  require (time - opened) / 1d * 2 + 1 <= 3
  report days = (time - opened) / 1d + 1
"""


def codes(tmp_path: Path, condition: str) -> list[tuple[str, str]]:
    path = tmp_path / "q.cxr"
    path.write_text(POLICY.replace("(time - opened) / 1d * 2 + 1 <= 3", condition), "utf-8")
    loaded = load_policies([str(path)], root=tmp_path)
    return [(d.code, d.message) for d in loaded.diagnostics]


def test_a_duration_per_duration_is_a_number(tmp_path: Path) -> None:
    assert codes(tmp_path, "(time - opened) / 1d * 2 + 1 <= 3") == []
    assert codes(tmp_path, "1 + (time - opened) / 1h < 5") == []
    assert codes(tmp_path, "(time - first(a).time) / 1d + 1 < 5") == []
    assert codes(tmp_path, "3 / 1h + 1 < 5") == []


def test_a_duration_plus_a_number_is_still_refused(tmp_path: Path) -> None:
    want = [("E208", "cannot combine a number and a duration with '+'")]
    assert codes(tmp_path, "(time - opened) / 1d + 1h < 5") == want
    assert codes(tmp_path, "(time - first(a).time) / 2 + 1 < 5") == [
        ("E208", "cannot combine a duration and a number with '+'")
    ]


def test_every_engine_audits_it(tmp_path: Path, audit_engine: str) -> None:
    # c1 opened 1.5 days before: 1.5 * 2 + 1 = 4 > 3, violated, days = 2.5;
    # c2 half a day before: 0.5 * 2 + 1 = 2, complies
    log = tmp_path / "log.jsonl"
    log.write_text(
        '{"case":"c1","type":"a","time":"2026-03-02T12:00:00Z","opened":"2026-03-01T00:00:00Z"}\n'
        '{"case":"c2","type":"a","time":"2026-03-02T12:00:00Z","opened":"2026-03-02T00:00:00Z"}\n',
        "utf-8",
    )
    policies = tmp_path / "p.cxr"
    policies.write_text(POLICY, "utf-8")
    result = CliRunner().invoke(
        main,
        ["audit", "--policies", str(policies), "--log", str(log)]
        + ["--engine", audit_engine, "--format", "json"],
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert [(p["satisfied"], p["violated"]) for p in report["policies"]] == [(1, 1)]
    [violation] = report["violations"]
    assert violation["trigger"]["line"] == 1
    assert violation["details"]["report"] == {"days": 2.5}
    assert violation["details"]["values"]["(time - opened) / 1d * 2 + 1"] == 4
