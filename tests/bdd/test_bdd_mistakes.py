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
        "   |       ^^^^^^^^^^^^ every row has a cell per column: an empty cell is written |  |"
    )


def test_an_unknown_step_far_from_every_step_names_the_docs() -> None:
    assert unknown_step("f.feature:3", "Given", "given", "a cucumber") == (
        "f.feature:3: unknown step 'Given a cucumber'\n  = hint: the steps are in docs/gherkin.md"
    )


def test_a_line_before_the_feature_line_is_said_once_in_words() -> None:
    # hunt9 finding-3: the parser's 'expected: #EOF, #Language, #TagLine, #FeatureLine,
    # #Comment, #Empty, got ...' was shown as it is, once for every line of the file.
    text = "Scenario: no feature\n  Given the project policies\n  Then there are no violations\n"
    messages = [
        f"({n}:{c}): expected: #EOF, #Language, #TagLine, #FeatureLine, #Comment, #Empty, "
        f"got '{text.splitlines()[n - 1].strip()}'"
        for n, c in ((1, 1), (2, 3), (3, 3))
    ]
    assert syntax_errors("f.feature", text, messages) == (
        "f.feature:1:1: error: 'Scenario: no feature' comes before the file's 'Feature:' line\n"
        "   |\n"
        " 1 | Scenario: no feature\n"
        "   | ^^^^^^^^^^^^^^^^^^^^ a feature file starts with 'Feature: <what it specifies>', "
        "the scenarios under it"
    )


def test_a_block_never_closed_is_shown_where_it_opens() -> None:
    # hunt9 finding-3: 'f.feature:6:0: error: unexpected end of file, expected:
    # #DocStringSeparator, #Other', at column 0 of a line past the end of the file.
    text = 'Feature: f\n  Scenario: s\n    Given the policy:\n      """\n      policy a.b "T"\n'
    message = "(6:0): unexpected end of file, expected: #DocStringSeparator, #Other"
    assert syntax_errors("f.feature", text, [message]) == (
        'f.feature:4:7: error: this """ block is never closed: the file ends inside it\n'
        "   |\n"
        ' 4 |       """\n'
        '   |       ^^^ end the block with a line holding only """'
    )


def test_a_misspelt_keyword_gets_the_keyword() -> None:
    text = "Feature: f\n  Scenario: s\n    Given x\n    | a |\n    Thn y\n"
    message = (
        "(5:5): expected: #EOF, #TableRow, #DocStringSeparator, #StepLine, #TagLine, "
        "#ExamplesLine, #ScenarioLine, #RuleLine, #Comment, #Empty, got 'Thn y'"
    )
    assert syntax_errors("f.feature", text, [message]) == (
        "f.feature:5:5: error: 'Thn y' is not Gherkin here\n"
        "   |\n"
        " 5 |     Thn y\n"
        "   |     ^^^^^ did you mean 'Then'?"
    )


@pytest.mark.parametrize(
    ("written", "suggested"),
    [
        ("there is no violation", "Then there are no violations"),
        ("there is no pending obligation", "Then there are no pending obligations"),
        ("there is a violation", "Then there is 1 violation"),
    ],
)
def test_the_step_suggested_says_the_same_thing_not_its_opposite(
    written: str, suggested: str
) -> None:
    # hunt48 finding-2: 'Then there is no violation' was told "did you mean 'Then there is 1
    # violation'?", the opposite expectation, one edit away from what was meant.
    assert unknown_step("f.feature:7", "Then", "then", written) == (
        f"f.feature:7: unknown step 'Then {written}'\n"
        f"  = hint: did you mean '{suggested}'? (the steps: docs/gherkin.md)"
    )


@pytest.mark.parametrize(
    ("kind", "written", "quoted"),
    [
        ("given", "the log zone is Europe/Bucharest", 'Given the log zone is "Europe/Bucharest"'),
        (
            "given",
            "the policy livrare.nps from policies/",
            'Given the policy "livrare.nps" from "policies/"',
        ),
        ("then", "a violation sentence contains nps", 'Then a violation sentence contains "nps"'),
    ],
)
def test_a_step_with_its_values_bare_says_to_quote_them(
    kind: str, written: str, quoted: str
) -> None:
    # 'Given the log zone is Europe/Bucharest' was told only "the steps are in
    # docs/gherkin.md" (hunt69 finding-19)
    keyword = kind.title()
    assert unknown_step("f.feature:4", keyword, kind, written) == (
        f"f.feature:4: unknown step '{keyword} {written}'\n"
        f"  = hint: a step's values are written in double quotes: '{quoted}'"
    )
