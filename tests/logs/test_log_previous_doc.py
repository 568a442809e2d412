"""docs/mapping.md, '`previous` sees the row's other events': the documented mapping and the two
policies behave as the doc says, on every engine under test."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from cxrules.cli import main

ROOT = Path(__file__).resolve().parents[2]
HEADING = "#### `previous` sees the row's other events"

# Customer k1 called twice: ann answered the first call, bob the second.
CALLS = """call,customer,agent,q_start,ser_start
c1,k1,ann,2026-03-02T10:00:00Z,2026-03-02T10:01:00Z
c2,k1,bob,2026-03-03T10:00:00Z,2026-03-03T10:02:00Z
"""


def blocks() -> tuple[str, str, str]:
    """The section's mapping and its two policies (as written, then as meant)."""
    text = (ROOT / "docs" / "mapping.md").read_text("utf-8")
    assert HEADING in text
    section = text.split(HEADING, 1)[1].split("\n#", 1)[0]
    [mapping] = re.findall(r"```toml\n(.*?)```", section, re.S)
    written, meant = re.findall(r"```cxr\n(.*?)```", section, re.S)
    return mapping, written, meant


def violations(tmp_path: Path, engine: str, policy: str) -> list[tuple[str, str]]:
    mapping, _, _ = blocks()
    (tmp_path / "cxrules.toml").write_text(mapping, "utf-8")
    (tmp_path / "calls.csv").write_text(CALLS, "utf-8")
    (tmp_path / "policies.cxr").write_text(policy, "utf-8")
    args = ["audit", "--policies", str(tmp_path / "policies.cxr"), "--log"]
    args += [str(tmp_path / "calls.csv"), "--mapping", str(tmp_path / "cxrules.toml")]
    result = CliRunner().invoke(main, [*args, "--engine", engine, "--format", "json"])
    report = json.loads(result.output)
    return [(v["trigger"]["type"], v["trigger"]["time"]) for v in report["violations"]]


def test_previous_at_a_rows_second_event_is_that_rows_first(
    tmp_path: Path, audit_engine: str
) -> None:
    _, written, _ = blocks()
    assert violations(tmp_path, audit_engine, written) == []  # never a breach, as the doc warns


def test_last_of_the_type_meant_compares_with_the_earlier_call(
    tmp_path: Path, audit_engine: str
) -> None:
    _, _, meant = blocks()
    # bob answered the second call, ann the first: one breach, at the second call.answered
    assert violations(tmp_path, audit_engine, meant) == [
        ("call.answered", "2026-03-03T10:02:00+00:00")
    ]
