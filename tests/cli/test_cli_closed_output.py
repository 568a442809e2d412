"""A command whose standard output is closed by its reader (`cxrules audit | head -1`) ends
with exit 141 and a line on standard error, never click's silent exit 1 ("violations")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

POLICY = """
policy calls.answer "Calls are answered within 2 minutes"
  severity high
  per call
  when call.queued
  expect call.answered within 2min
"""


def test_an_audit_whose_reader_leaves_exits_141(tmp_path: Path) -> None:
    (tmp_path / "p.cxr").write_text(POLICY, "utf-8")
    queued = [
        json.dumps(
            {"time": f"2026-03-02T10:{i // 60:02d}:{i % 60:02d}Z", "type": "call.queued"}
            | {"call": f"c{i}"}
        )
        for i in range(3000)
    ]
    (tmp_path / "log.jsonl").write_text("\n".join(queued) + "\n", "utf-8")
    # JSON is streamed as the violations come: the pipe closes while it is written
    process = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "cxrules", "audit", "--policies", "p.cxr", "--log", "log.jsonl"]
        + ["--format", "json"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.read(1)
    if first != b"{":  # what the command said instead, for the failure to name
        process.wait(timeout=120)
        pytest.fail(f"no JSON on stdout (exit {process.returncode}): {process.stderr.read()!r}")
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141, err
    assert err.endswith(
        "cxrules audit: standard output was closed by the program reading it; the output was "
        "cut short\n"
    ), err
