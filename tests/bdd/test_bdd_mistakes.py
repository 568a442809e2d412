"""Gherkin mistakes said in words: a table's cell count, an unknown step's nearest match."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("pytest_bdd")

from pytest_bdd.steps import step_function_context_registry  # noqa: E402

import cxrules.bdd.steps  # noqa: E402, F401 - registers the steps
from cxrules.bdd.mistakes import KNOWN_STEPS, syntax_errors, unknown_step  # noqa: E402

SAMPLE = {"<group>": "queue=q1", "<value>": "75%"}


@pytest.mark.parametrize("known", KNOWN_STEPS)
def test_every_step_suggested_is_one_cxrules_offers(known: str) -> None:
    keyword, name = known.split(" ", 1)
    name = re.sub(r"<\w+>", lambda m: SAMPLE.get(m[0], "x"), name)
    ours = [
        c
        for c in step_function_context_registry.values()
        if c.step_func.__module__ == "cxrules.bdd.steps" and c.type == keyword.lower()
    ]
    assert any(c.parser.is_matching(name) for c in ours), known


def test_a_row_short_of_a_cell_names_both_counts_and_the_header() -> None:
    text = "Feature: f\n  Scenario: s\n    When these events happen:\n"
    text += "      | time | type | call |\n      | +0s  | a    | c-1  |\n      | +1s  | b |\n"
    found = syntax_errors("f.feature", text, ["(6:7): inconsistent cell count within the table"])
    assert found == (
        "f.feature:6:7: error: this row has 2 cells, the table's header has 3 (time | type | "
        "call)\n"
        "   |\n"
        " 6 |       | +1s  | b |\n"
        "   |       ^^^^^^^^^^^^\n"
    ).rstrip("\n")


def test_an_unknown_step_far_from_every_step_names_the_docs() -> None:
    assert unknown_step("f.feature:3", "Given", "given", "a cucumber") == (
        "f.feature:3: unknown step 'Given a cucumber'\n  = hint: the steps are in docs/gherkin.md"
    )
