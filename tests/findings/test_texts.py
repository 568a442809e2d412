"""W405: a metric whose value attribute the log holds as text only finds no value."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cxrules import ir
from cxrules.findings.texts import numbers_as_text
from cxrules.logs.event import Event
from cxrules.logs.mapping import LogMapping
from cxrules.policyset import load_policies

POLICY = """\
policy calls.avg-wait "Average wait of at most a minute"
  owner "CX"
  description "The mean wait per queue and day."
  metric avg_wait = avg(wait of call.*) by queue per day
  require avg_wait <= 60

policy calls.answered "Most calls answered"
  owner "CX"
  description "A count reads no value."
  metric answered = count(call.answered) per day
  require answered >= 1
"""


def _events(*waits: Any, type_: str = "call.answered") -> list[Event]:
    at = datetime(2026, 3, 2, 10, tzinfo=UTC)
    return [Event(at, type_, str(n), {"queue": "q", "wait": w}) for n, w in enumerate(waits)]


@pytest.fixture(name="policy_set")
def _policy_set(tmp_path: Path) -> ir.PolicySet:
    path = tmp_path / "p.cxr"
    path.write_text(POLICY, encoding="utf-8")
    loaded = load_policies([str(path)])
    assert loaded.policy_set is not None, loaded.diagnostics
    return loaded.policy_set


def _codes(
    policy_set: ir.PolicySet, events: list[Event], mapping: LogMapping | None = None
) -> list[tuple[str, str, str]]:
    return [(d.code, d.message, d.hint) for d in numbers_as_text(policy_set, events, mapping)]


def test_numbers_written_as_text_only_are_a_warning_with_the_column_to_map(
    policy_set: ir.PolicySet,
) -> None:
    [(code, message, hint)] = _codes(policy_set, _events("45", " 80", None))
    assert code == "W405"
    assert message == (
        "policy calls.avg-wait: avg() reads numbers, but the log holds 'wait' as text (\"45\"), "
        "so the metric finds no value"
    )
    assert hint == 'list the column in the log mapping: numbers = ["wait"] (docs/mapping.md)'


def test_the_hint_names_the_column_before_its_rename(policy_set: ir.PolicySet) -> None:
    mapping = LogMapping(rename={"Wait Time": "wait"})
    [(_, _, hint)] = _codes(policy_set, _events("45"), mapping)
    assert 'numbers = ["Wait Time"]' in hint


def test_no_warning_when_a_number_is_there_or_the_texts_are_no_numbers(
    policy_set: ir.PolicySet,
) -> None:
    assert _codes(policy_set, _events("45", 30)) == []  # one number: the metric has values
    assert _codes(policy_set, _events("n/a", "-")) == []  # not numbers at all: nothing to map
    assert _codes(policy_set, _events("45", type_="chat.answered")) == []  # not the metric's events
    assert _codes(policy_set, []) == []


def test_true_or_false_only_is_a_warning_with_the_ratio_to_write(
    policy_set: ir.PolicySet,
) -> None:
    # avg(wait) over waits the log holds as true/false only (a mapping's `booleans`): a boolean
    # is no number for a value aggregate, so every cell was not applicable and the audit passed
    # with nothing measured and no word (hunt41 finding-2)
    [(code, message, hint)] = _codes(policy_set, _events(True, False, None))
    assert code == "W408"
    assert message == (
        "policy calls.avg-wait: avg() reads numbers, but the log holds 'wait' as true or false, "
        "so the metric finds no value"
    )
    assert hint == "for the share of true, count them: ratio(call.* where wait == true, call.*)"


def test_true_or_false_beside_a_number_or_a_number_as_text_is_not_w408(
    policy_set: ir.PolicySet,
) -> None:
    assert _codes(policy_set, _events(True, 30)) == []  # one number: the metric has values
    [(code, _, _)] = _codes(policy_set, _events(True, "45"))  # the text is the one to map
    assert code == "W405"
