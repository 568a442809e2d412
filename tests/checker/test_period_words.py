"""`per weekly` in a metric policy (hunt49 finding-K): read as a scope key, it was refused with
"group the metric with 'by weekly'", which does not mean a week at all; the error now names the
period keyword (broken corpus 136 shows the rendering)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.checker.test_checker import OWNER, diagnose

METRIC = "  metric n = count(call.answered)\n"
LEAD = "is not a metric's period: periods are hour, day, week, month, quarter and year"


@pytest.mark.parametrize(
    ("word", "period"),
    [("weekly", "week"), ("Daily", "day"), ("gün", "day"), ("lunar", "month"), ("yıllık", "year")],
)
def test_a_period_word_names_the_keyword(tmp_path: Path, word: str, period: str) -> None:
    after = f'policy k.x "t"\n{OWNER}{METRIC}  per {word}\n  require n >= 1\n'
    before = f'policy k.x "t"\n{OWNER}  per {word}\n{METRIC}  require n >= 1\n'
    message = f"'per {word}' {LEAD}"
    assert diagnose(tmp_path, after) == [("E214", 5, 3, message, f"write 'per {period}'")]
    assert diagnose(tmp_path, before) == [("E214", 4, 3, message, f"write 'per {period}'")]


def test_a_scope_key_is_still_a_scope_key(tmp_path: Path) -> None:
    text = f'policy k.x "t"\n{OWNER}{METRIC}  per store\n  require n >= 1\n'
    assert [d[0] for d in diagnose(tmp_path, text)] == ["E214"]
    assert "by store" in diagnose(tmp_path, text)[0][4]


@pytest.mark.parametrize(
    ("word", "period"), [("wek", "week"), ("mounth", "month"), ("quater", "quarter")]
)
def test_a_misspelt_period_names_the_keyword(tmp_path: Path, word: str, period: str) -> None:
    # `per wek` was "'per wek' after metric 'n' is the policy's scope, not the metric's group",
    # hint "group the metric with 'by wek'" (hunt58 finding-C)
    after = f'policy k.x "t"\n{OWNER}{METRIC}  per {word}\n  require n >= 1\n'
    before = f'policy k.x "t"\n{OWNER}  per {word}\n{METRIC}  require n >= 1\n'
    message = f"'per {word}' {LEAD}"
    assert diagnose(tmp_path, after) == [("E214", 5, 3, message, f"write 'per {period}'")]
    assert diagnose(tmp_path, before) == [("E214", 4, 3, message, f"write 'per {period}'")]


def test_a_backticked_key_close_to_a_period_is_an_attribute(tmp_path: Path) -> None:
    text = f'policy k.x "t"\n{OWNER}{METRIC}  per `wek`\n  require n >= 1\n'
    assert diagnose(tmp_path, text) == [
        (
            "E214",
            5,
            3,
            "'per wek' after metric 'n' is the policy's scope, not the metric's group",
            "group the metric with 'by wek'; to scope the policy, write 'per wek' before the "
            "metric",
        )
    ]
