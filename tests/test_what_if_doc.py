"""docs/what-if.md shows real output: its explain and diff blocks are what the commands print
on the shop week (the audits run in-process, from the repository's root, as the page says)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxrules.audit import AuditRequest, run_audit
from cxrules.cli import main
from cxrules.reports.diff import diff_reports, render_diff_text

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "what-if.md").read_text("utf-8")
OUTPUTS = re.findall(r"```text\n(.*?)```", DOC, flags=re.S)


def test_explain_block(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    command = "explain policies/ --policy callcenter.max-wait --set max_wait=30s"
    assert f"cxrules {command}\n" in DOC
    result = CliRunner().invoke(main, command.split())
    assert (result.exit_code, result.output) == (0, OUTPUTS[0])


@pytest.mark.slow
def test_diff_block(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    reports = []
    for overrides in ({}, {"max_wait": "30s"}):
        request = AuditRequest(
            policies=["policies/"],
            logs=["examples/shop_week/week.jsonl.gz"],
            mapping="examples/shop_week/cxrules.toml",
            overrides=overrides,
        )
        reports.append(run_audit(request)[0])
    assert "cxrules diff before.json after.json --max 3\n" in DOC
    text = render_diff_text(diff_reports(*reports, "before.json", "after.json"), max_items=3)
    assert text == OUTPUTS[1]


@pytest.mark.slow
def test_nothing_audited_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """A horizon before every event: the diff compares no breach (docs/what-if.md, section 4)."""
    monkeypatch.chdir(ROOT)
    reports = []
    for as_of in (None, "2026-03-01"):
        request = AuditRequest(
            policies=["policies/"],
            logs=["examples/shop_week/week.jsonl.gz"],
            mapping="examples/shop_week/cxrules.toml",
            as_of=as_of,
        )
        reports.append(run_audit(request)[0])
    assert "--mapping examples/shop_week/cxrules.toml --as-of 2026-03-01 --format json" in DOC
    assert "cxrules diff before.json early.json\n" in DOC
    text = render_diff_text(diff_reports(*reports, "before.json", "early.json"))
    assert text == OUTPUTS[2]
