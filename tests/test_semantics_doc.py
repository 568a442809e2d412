"""Docs check: every Gherkin scenario in docs/semantics.md is one the feature suite runs."""

from __future__ import annotations

import re
import textwrap
import typing
from dataclasses import dataclass
from pathlib import Path

import pytest

from cxrules import ir

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "semantics.md"
FEATURES = ROOT / "features"

# The section of docs/semantics.md that states each rule kind of `cxrules.ir.Rule`.
RULE_SECTIONS = {
    "response": "Response",
    "expectations": "Several expectations",
    "forbid_after": "Forbid after",
    "rate_limit": "Rate limits",
    "existence": "Existence",
    "absence": "Absence",
    "value_check": "Value check",
    "invariant": "Invariant",
    "metric_check": "Metrics",
}
# Sections that are not a rule kind of their own but whose point a scenario shows.
OTHER_SECTIONS = (
    "Events, time and the horizon",
    "Scopes and relevance",
    "Scope retirement",
    "Expressions",
    "States",
    "Counting triggers",
    "Reported values",
)

FENCE = re.compile(r"^```gherkin\n(.*?)^```$", re.M | re.S)
FEATURE_PATH = re.compile(r"features/[\w.-]+\.feature")


@dataclass(frozen=True)
class Block:
    """One ```gherkin block: its section, the paragraph before it and its text, dedented."""

    section: str
    intro: str
    text: str
    line: int


def section_name(heading: str) -> str:
    """The name of a `## ` heading without its module note.

    >>> section_name("Response (`response.py`, `obligations.py`)")
    'Response'
    >>> section_name("Events, time and the horizon")
    'Events, time and the horizon'
    """
    return re.sub(r"\s*\(`.*\)$", "", heading).strip()


def sections(doc: str) -> dict[str, str]:
    """The body of each `## ` section of a markdown text, by section name."""
    found: dict[str, str] = {}
    for part in re.split(r"(?m)^(?=## )", doc):
        if part.startswith("## "):
            heading, _, body = part.partition("\n")
            found[section_name(heading[3:])] = body
    return found


def blocks(doc: str) -> list[Block]:
    """Every ```gherkin block of a markdown text, with its section and preceding paragraph."""
    found: list[Block] = []
    section = ""
    for match in re.finditer(r"^## ([^\n]*)$|" + FENCE.pattern, doc, re.M | re.S):
        if match.group(1) is not None:
            section = section_name(match.group(1))
            continue
        before = doc[: match.start()].rstrip("\n")
        intro = before.rsplit("\n\n", 1)[-1]
        line = doc.count("\n", 0, match.start()) + 1
        found.append(Block(section, intro, textwrap.dedent(match.group(2)).rstrip("\n"), line))
    return found


def scenario_in(block: str, feature: str) -> bool:
    """Whether `block` is a whole scenario of `feature`, line for line up to leading indentation.

    The lines must be consecutive in the file and the scenario must end where the block ends
    (a blank line, the file's end or the next scenario follows).

    >>> feature = "Feature: f\\n\\n  Scenario: a\\n    Given x\\n    Then y\\n\\n  Scenario: b\\n"
    >>> scenario_in("Scenario: a\\n  Given x\\n  Then y", feature)
    True
    >>> scenario_in("Scenario: a\\n  Given x", feature)
    False
    """
    want = textwrap.dedent(block).splitlines()
    lines = feature.splitlines()
    for i in range(len(lines) - len(want) + 1):
        window = lines[i : i + len(want)]
        if textwrap.dedent("\n".join(window)) != "\n".join(want):
            continue
        after = lines[i + len(want)] if i + len(want) < len(lines) else ""
        if not after.strip() or after.lstrip().startswith("Scenario"):
            return True
    return False


DOC_TEXT = DOC.read_text(encoding="utf-8")
BLOCKS = blocks(DOC_TEXT)


def test_the_doc_has_a_block_for_each_section_that_needs_one() -> None:
    # 9 rule kinds, plus 7 other sections: 16 blocks, one per section.
    assert len(BLOCKS) == 16
    assert sorted(b.section for b in BLOCKS) == sorted([*RULE_SECTIONS.values(), *OTHER_SECTIONS])


def test_every_rule_kind_of_the_ir_has_a_section() -> None:
    union = typing.get_args(ir.Rule)[0]
    kinds = {
        typing.get_args(cls.model_fields["kind"].annotation)[0] for cls in typing.get_args(union)
    }
    assert kinds == set(RULE_SECTIONS)
    assert set(RULE_SECTIONS.values()) <= set(sections(DOC_TEXT))


@pytest.mark.parametrize("name", [*RULE_SECTIONS.values(), *OTHER_SECTIONS])
def test_each_section_shows_a_scenario(name: str) -> None:
    assert FENCE.search(sections(DOC_TEXT)[name]), f"section {name!r} has no ```gherkin block"


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.section)
def test_the_block_is_one_scenario_of_the_feature_file_it_names(block: Block) -> None:
    first, *rest = block.text.splitlines()
    assert first.startswith("Scenario: "), f"docs/semantics.md:{block.line}: {first!r}"
    assert not any(line.lstrip().startswith("Scenario") for line in rest)
    named = FEATURE_PATH.findall(block.intro)
    assert named, f"docs/semantics.md:{block.line}: the sentence before names no feature file"
    path = ROOT / named[0]
    assert path.is_file(), f"{named[0]} does not exist"
    assert scenario_in(block.text, path.read_text(encoding="utf-8")), (
        f"docs/semantics.md:{block.line}: {first!r} is not, verbatim, a scenario of {named[0]}"
    )


def test_no_scenario_is_documented_twice() -> None:
    titles = [b.text.splitlines()[0] for b in BLOCKS]
    assert len(titles) == len(set(titles)) == 16


FEATURE = """Feature: f

  Background:
    Given the time is "2026-03-02T10:00:00"

  Scenario: a
    Given the policy:
      \"\"\"
      policy p "P"
        forbid x
      \"\"\"
    Then there are no violations

  Scenario: b
    Then there is 1 violation
"""


def test_scenario_in_accepts_the_scenario_at_any_indentation() -> None:
    block = textwrap.dedent(FEATURE.split("\n\n")[2])
    assert block.splitlines()[0] == "Scenario: a"
    assert scenario_in(block, FEATURE)
    assert scenario_in(textwrap.indent(block, "    "), FEATURE)
    assert scenario_in("Scenario: b\n  Then there is 1 violation", FEATURE)


def test_scenario_in_refuses_changed_partial_or_reindented_lines() -> None:
    block = textwrap.dedent(FEATURE.split("\n\n")[2])
    assert not scenario_in(block.replace("forbid x", "forbid y"), FEATURE)
    assert not scenario_in("\n".join(block.splitlines()[:-1]), FEATURE)  # cut short
    # The policy's own indentation inside the doc string is part of the text.
    assert not scenario_in(block.replace("    forbid x", "  forbid x"), FEATURE)
    assert not scenario_in("Scenario: c\n  Then there is 1 violation", FEATURE)


def test_blocks_reads_section_intro_and_text() -> None:
    doc = (
        "# T\n\n## Response (`response.py`)\n\nProse.\n\nFrom `features/a.feature`: why.\n\n"
        "```gherkin\n  Scenario: s\n    Then x\n```\n\n## Absence\n\nNo block.\n"
    )
    assert blocks(doc) == [
        Block("Response", "From `features/a.feature`: why.", "Scenario: s\n  Then x", 9)
    ]
    assert set(sections(doc)) == {"Response", "Absence"}
