"""The JSON rendering is the contract: complete, deterministic, and safe to read back."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from cxrules.reports.as_json import render_json
from cxrules.reports.model import Report


def test_two_renders_of_equal_reports_are_identical(make_report: Callable[[], Report]) -> None:
    first, second = make_report(), make_report()
    assert first is not second
    assert render_json(first).encode() == render_json(second).encode()


def test_map_order_does_not_matter(report: Report) -> None:
    swapped = report.model_copy(update={"parameters": {"grace": "30s", "max_wait": "3min"}})
    assert list(report.parameters) == ["max_wait", "grace"]
    assert render_json(swapped) == render_json(report)


def test_layout(report: Report) -> None:
    text = render_json(report)
    lines = text.splitlines()
    assert text.endswith("}\n")
    assert lines[:4] == [
        "{",
        '  "schema": "cxrules.report/1",',
        '  "engine": "python",',
        '  "zone": "Europe/Istanbul",',
    ]
    # parameters: sorted keys, 4-space indent inside the top-level object
    start = lines.index('  "parameters": {')
    assert lines[start + 1 : start + 3] == ['    "grace": "30s",', '    "max_wait": "3min"']
    # details of the restaurant violation: given as text, arm; written arm, text
    assert '"details": {\n        "arm": "ayse",\n        "text": "no problem, sir"\n' in text


def test_every_field_is_written_and_reads_back(report: Report) -> None:
    data = json.loads(render_json(report))
    assert data == report.model_dump(mode="json", by_alias=True)
    assert data["pending"][0]["at_risk"] is False
    assert data["violations"][3]["trigger"] is None
    assert data["policies"][3]["compliance"] is None
    assert Report.model_validate(data) == report


def test_unicode_is_written_as_is(report: Report) -> None:
    turkish = report.model_copy(update={"zone": "Europe/Istanbul", "revision": "şikayet.açıldı"})
    assert '"revision": "şikayet.açıldı"' in render_json(turkish)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (float("nan"), "report field report.violations[2].details.x is nan"),
        (float("inf"), "report field report.violations[2].details.x is inf"),
        ({1, 2}, "report field report.violations[2].details.x holds a set"),
    ],
)
def test_values_json_cannot_hold_are_errors(report: Report, value: object, message: str) -> None:
    broken = report.violations[2].model_copy(update={"details": {"x": value}})
    violations = [*report.violations[:2], broken, *report.violations[3:]]
    with pytest.raises(ValueError, match="^" + message.replace("[", r"\[").replace("]", r"\]")):
        render_json(report.model_copy(update={"violations": violations}))
