"""The command line's choices are taken in any case: a CX manager writes `--format HTML`,
`--fail-on HIGH`, `--engine DuckDB` as the report and the docs show them; each was refused with
"'HTML' is not one of 'text', 'json', …" and no did-you-mean (hunt69)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cxrules.cli import main

POLICY = """\
policy calls.answered "Calls are answered within a minute"
  severity high
  per call
  when call.queued
  expect call.answered within 1min
"""
LOG = (
    '{"time": "2026-03-02T10:00:00Z", "type": "call.queued", "call": "c1"}\n'
    '{"time": "2026-03-02T10:05:00Z", "type": "call.answered", "call": "c1"}\n'
)


def test_format_fail_on_and_engine_in_capitals(tmp_path: Path) -> None:
    (tmp_path / "p.cxr").write_text(POLICY, encoding="utf-8")
    (tmp_path / "calls.jsonl").write_text(LOG, encoding="utf-8")
    out = tmp_path / "report.html"
    base = ["audit", "--policies", str(tmp_path / "p.cxr"), "--log", str(tmp_path / "calls.jsonl")]
    args = [*base, "--format", "HTML", "--fail-on", "HIGH", "--engine", "DuckDB", "-o", str(out)]
    result = CliRunner().invoke(main, args)
    # the call answered after five minutes breaks a high rule: --fail-on high fails (exit 1)
    assert result.exit_code == 1, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    low = CliRunner().invoke(main, [*base, "--fail-on", "CRITICAL", "--format", "Json"])
    assert low.exit_code == 0, low.output  # high is below critical: no failure
    assert '"engine": "python"' not in low.output and '"violations"' in low.output
