"""docs/report.md names every kind a report holds: each rule kind of `policies[].kind` and each
violation kind of `violations[].kind` (hunt65 finding-K: a policy of several `expect` clauses is
kind `expectations` and its breach kind `unmet`, and the page named neither)."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from cxrules.ir.model import Rule
from cxrules.reports.model import Violation

DOC = (Path(__file__).resolve().parents[1] / "docs" / "report.md").read_text("utf-8")


def _row(start: str) -> str:
    """The one line of docs/report.md that starts so."""
    [row] = [line for line in DOC.splitlines() if line.startswith(start)]
    return row


def test_the_policy_kind_row_names_every_rule_kind() -> None:
    union = typing.get_args(Rule)[0]
    kinds = {typing.get_args(c.model_fields["kind"].annotation)[0] for c in typing.get_args(union)}
    assert len(kinds) == 9
    named = set(re.findall(r"`([a-z_]+)`", _row("| `kind` | The kind of rule:")))
    assert kinds - named == set()


def test_every_violation_kind_is_explained_in_the_kinds_table() -> None:
    kinds = set(typing.get_args(Violation.model_fields["kind"].annotation))
    assert "unmet" in kinds
    table = DOC.split("| kind | meaning |\n|---|---|\n")[1].split("\n\n")[0]
    named = {
        k for line in table.splitlines() for k in re.findall(r"`([a-z_]+)`", line.split(" | ")[0])
    }
    assert kinds - named == set()
