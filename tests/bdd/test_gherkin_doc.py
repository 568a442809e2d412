"""Docs check: docs/gherkin.md's opening example is a scenario the feature suite runs, and its
failure message writes offsets as a failure does (the example once expected a late breach to
end at the greeting, where it ends at the deadline, and wrote offsets as '+5m00s')."""

from __future__ import annotations

import re
import textwrap
from datetime import datetime
from pathlib import Path

from cxrules.bdd.expect import offset_text
from cxrules.bdd.tables import offset_seconds

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "gherkin.md").read_text(encoding="utf-8")


def _block(after: str, fence: str) -> str:
    """The first fenced block opened by `fence` after the text `after`."""
    start = DOC.index(fence, DOC.index(after)) + len(fence)
    return DOC[start : DOC.index("\n```", start)]


def _lines_in(part: str, text: str) -> bool:
    """Whether the dedented lines of `part` are consecutive lines of `text`, dedented alike."""
    want = textwrap.dedent(part).strip("\n").splitlines()
    lines = text.splitlines()
    for i in range(len(lines) - len(want) + 1):
        if textwrap.dedent("\n".join(lines[i : i + len(want)])).splitlines() == want:
            return True
    return False


def test_the_opening_example_is_a_scenario_of_the_restaurant_feature() -> None:
    example = _block("cxrules ships the steps", "```gherkin\n")
    background, scenario = example.split("\n\n  Scenario:")
    feature = (ROOT / "features" / "restaurant.feature").read_text(encoding="utf-8")
    assert _lines_in(background.split("\n\n", 1)[1], feature)
    assert _lines_in("  Scenario:" + scenario, feature)


def test_the_failure_example_writes_each_offset_as_a_failure_does() -> None:
    example = _block("## When a scenario fails", "```\n")
    base = datetime.fromisoformat("2026-03-02T10:00:00+03:00")  # features/octopus.feature
    found = re.findall(r"(\d{4}-\d\d-\d\dT[\d:]+[+-]\d\d:\d\d) \(([+-][^)]*)\)", example)
    assert len(found) == 5
    for instant, offset in found:
        seconds = (datetime.fromisoformat(instant) - base).total_seconds()
        assert offset == offset_text(seconds), (instant, offset)
        assert offset_seconds(offset) == seconds


class _NoEngineGiven:
    """A pytest config whose command line gives no --cxrules-engine."""

    def getoption(self, name: str, default: object = None) -> object:
        return default


def test_the_running_section_says_which_engines_each_command_uses() -> None:
    """A newcomer's plain `pytest` ran every scenario three times, Spark included, where
    `cxrules test` ran it once: the page says which engines each runs by default."""
    from cxrules import engines
    from cxrules.bdd.plugin import chosen_engines

    running = DOC[DOC.index("## Running") : DOC.index("### Plain pytest")]
    assert chosen_engines(_NoEngineGiven()) == engines.available()  # type: ignore[arg-type]
    assert "runs each scenario on every installed\nengine" in running
    for name in engines.names():
        assert f"`{name}`" in running
    assert f"project's `engine` (else `{engines.DEFAULT}`)" in running
    assert "`pytest --cxrules-engine\nduckdb`" in running
