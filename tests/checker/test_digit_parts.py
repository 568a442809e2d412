"""A part of a dotted name that starts with a digit (hunt49 finding-K): `policy ro.24h` said
"unexpected '.'" with a list of clauses, since `24h` reads as a duration; the message now says
which part, and the hint what to write (broken corpus 126 and 135 show the whole rendering)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.checker.test_checker import OWNER, diagnose

LEAD = "a part of an event type written bare cannot start with a digit"


@pytest.mark.parametrize(
    ("head", "rule", "expected"),
    [
        (
            "policy 24h.reply",
            "  forbid x\n",
            (
                1,
                8,
                "a part of a policy id cannot start with a digit: '24h' in '24h.reply'",
                "begin each part with a letter, e.g. 'reply-24h' (a part that starts with a"
                " digit reads as a number, a duration or a count)",
            ),
        ),
        (
            "policy tr.sla.2nd-call",
            "  forbid x\n",
            (
                1,
                15,
                "a part of a policy id cannot start with a digit: '2nd-call' in 'tr.sla.2nd-call'",
                "begin each part with a letter, e.g. 'tr.sla-2nd-call' (a part that starts"
                " with a digit reads as a number, a duration or a count)",
            ),
        ),
        (
            "policy p.x",
            "  forbid 2fa.failed\n",
            (4, 10, f"{LEAD}: '2fa'", 'write the type in quotes: "2fa.failed"'),
        ),
        (
            "policy p.x",
            "  forbid [call.1st_try, call.queued]\n",
            (4, 16, f"{LEAD}: '1st_try'", 'write the type in quotes: "call.1st_try"'),
        ),
        (
            "policy p.x",
            "  forbid x where survey.5star == true\n",
            (
                4,
                25,
                "a part of a name written bare cannot start with a digit: '5star'",
                "write the name in backticks: `survey.5star`",
            ),
        ),
    ],
)
def test_a_part_that_starts_with_a_digit(
    tmp_path: Path, head: str, rule: str, expected: tuple[int, int, str, str]
) -> None:
    got = diagnose(tmp_path, f'{head} "t"\n{OWNER}{rule}')
    assert got == [("E100", *expected)]


@pytest.mark.parametrize(
    "rule", ["  forbid x where wait > 2.5h\n", "  forbid x where t > 10:30.5\n"]
)
def test_numbers_and_times_are_not_taken_for_names(tmp_path: Path, rule: str) -> None:
    """'2.5h' is a duration; '10:30.5' no valid time, but no name either: no 'part' message."""
    got = diagnose(tmp_path, f'policy p.x "t"\n{OWNER}{rule}')
    assert not any("cannot start with a digit" in d[3] for d in got)
