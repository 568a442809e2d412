"""The single entry point, and every format against hostile text."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxrules.reports.as_csv import guard, render_csv
from cxrules.reports.as_html import render_html
from cxrules.reports.as_json import render_json
from cxrules.reports.as_junit import render_junit
from cxrules.reports.as_markdown import render_markdown
from cxrules.reports.as_text import render_text
from cxrules.reports.common import visible
from cxrules.reports.model import Report
from cxrules.reports.render import FORMATS, options_of, render


def test_formats() -> None:
    assert FORMATS == ("text", "json", "junit", "markdown", "csv", "html")


def test_dispatch(report: Report) -> None:
    assert render(report, "json") == render_json(report)
    assert render(report, "csv", guard_formulas=False) == render_csv(report, guard_formulas=False)
    assert render(report, "junit", fail_on="high") == render_junit(report, fail_on="high")
    assert render(report, "markdown", max_violations=1) == render_markdown(report, max_violations=1)
    assert render(report, "html") == render_html(report)
    assert render(report, "text", color=False) == render_text(report, color=False)


def test_options_of() -> None:
    assert options_of("text") == (
        "max_violations", "max_rejected", "max_pending", "fail_on", "color", "width", "strict",
    )  # fmt: skip
    assert options_of("html") == (
        "fail_on", "max_violations", "max_pending", "explanations", "strict",
    )  # fmt: skip
    assert options_of("csv") == ("guard_formulas",)


def test_unknown_format(report: Report) -> None:
    with pytest.raises(ValueError) as caught:
        render(report, "pdf")
    assert str(caught.value) == (
        "unknown report format 'pdf' (choose one of text, json, junit, markdown, csv, html)"
    )


def test_unknown_option(report: Report) -> None:
    with pytest.raises(ValueError) as caught:
        render(report, "json", color=True)
    assert str(caught.value) == "the json format has no option 'color' (its options: none)"
    with pytest.raises(ValueError) as caught:
        render(report, "junit", fail_on="low", max_violations=2)
    assert str(caught.value) == (
        "the junit format has no option 'max_violations' (its options: fail_on, strict)"
    )


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # the report is only read
)
@given(text=st.text(max_size=40))
def test_any_text_renders_safely(report: Report, text: str) -> None:
    policy = report.policies[2].model_copy(update={"title": text, "owner": text})
    violation = report.violations[0].model_copy(
        update={"sentence": text, "scope": {"visit": text}, "details": {"v": text}}
    )
    odd = report.model_copy(
        update={
            "policies": [*report.policies[:2], policy, report.policies[3]],
            "violations": [violation, *report.violations[1:]],
        }
    )
    assert Report.model_validate(json.loads(render(odd, "json"))) == odd
    junit = ET.fromstring(render(odd, "junit"))
    (octopus,) = [c for c in junit.iter("testcase") if c.get("name") == "octopus.always-connected"]
    failure = octopus.findtext("failure") or ""
    # one line per sentence: newlines and bidi overrides, as XML's unsayable characters, escaped
    assert failure.startswith(f"high: {visible(text)} [logs/visits.jsonl:17]\n")
    header, row, *_ = csv.reader(io.StringIO(render(odd, "csv"), newline=""))
    assert row[header.index("sentence")] == guard(text)
    page = render(odd, "html")
    assert "<script" not in page.lower() and "\u202e" not in page
    for fmt in ("text", "markdown"):
        out = render(odd, fmt)
        assert "\x1b" not in out and "\x00" not in out and "\u202e" not in out
