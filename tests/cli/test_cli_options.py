"""Options given empty on the command line (a CI variable that is not set) are said, never taken
as if they had not been given."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cxrules.cli import main

POLICY = """policy calls.answered "Calls are answered within 2 minutes"
  severity high
  owner "Contact centre"
  description "D"
  per call
  when call.queued
  expect call.answered within 2min
"""

LOG = '{"time": "2026-03-02T09:00:00Z", "type": "call.queued", "call": "c-1"}\n'


def test_an_empty_as_of_is_not_a_time(tmp_path: Path) -> None:
    """hunt20 finding-5: `--as-of "$CUTOFF"` with CUTOFF unset audited up to the last event
    (exit 0: the call still open at 09:00 is no breach), as if no --as-of had been given;
    `compile --as-of ""` likewise wrote plans with no horizon."""
    (tmp_path / "p.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "log.jsonl").write_text(LOG, "utf-8")
    args = ["--policies", str(tmp_path / "p.cxr"), "--log", str(tmp_path / "log.jsonl")]
    audit = CliRunner().invoke(main, ["audit", *args, "--as-of", ""])
    assert audit.exit_code == 2, audit.output
    assert (
        "cxrules audit: --as-of '' is not a time; write e.g. 2026-03-02T18:00:00+03:00"
        in audit.output
    )
    compiled = CliRunner().invoke(main, ["compile", str(tmp_path / "p.cxr"), "--as-of", ""])
    assert compiled.exit_code == 2
    assert "Error: --as-of '' is not a time" in compiled.output
