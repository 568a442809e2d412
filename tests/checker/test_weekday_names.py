"""`weekday == "Sunday"` (hunt49 finding-K): E208 said "compare values of the same kind" and never
that weekday is a number; a newcomer writing the day's name (in English, Turkish or Romanian)
is now told its number."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.checker.test_checker import OWNER, diagnose


@pytest.mark.parametrize(
    ("condition", "column", "message", "fix"),
    [
        ('weekday == "Sunday"', 31, "compares a number with a text", "weekday == 7"),
        ('"Pazartesi" != weekday', 31, "compares a text with a number", "weekday != 1"),
        ('weekday >= "sâmbătă"', 31, "compares a number with a text", "weekday >= 6"),
        ('"cuma" > weekday', 31, "compares a text with a number", "weekday < 5"),
    ],
)
def test_a_day_name_compared_with_weekday(
    tmp_path: Path, condition: str, column: int, message: str, fix: str
) -> None:
    text = f'policy k.x "t"\n{OWNER}  forbid marketing.sent where {condition}\n'
    hint = f"weekday is a number, 1 = Monday to 7 = Sunday: write {fix}"
    assert diagnose(tmp_path, text) == [("E208", 4, column, message, hint)]


def test_another_text_keeps_the_general_hint(tmp_path: Path) -> None:
    text = f'policy k.x "t"\n{OWNER}  forbid marketing.sent where weekday == "weekend"\n'
    assert [d[4] for d in diagnose(tmp_path, text)] == ["compare values of the same kind"]
