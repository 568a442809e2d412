"""`--set` of a parameter declared in business time (`param pickup = 8 business hours`): the
same calendar, hours or days; a fixed duration for it, or business time for a fixed parameter,
is refused with what to write (hunt42 finding-1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxrules.policyset import load_policies

HEAD = """calendar desk "Desk"
  zone "Europe/Rome"
  hours mon-fri 09:00-18:00

calendar night "Night desk"
  zone "Europe/Rome"
  hours mon-fri 18:00-24:00

state waiting = ticket.wait until ticket.resume
"""
POLICY = """
policy desk.pickup "Tickets are taken in charge in time"
  owner "Desk lead"
  description "d"
  calendar desk
  per case
  when ticket.opened
  expect ticket.taken within pickup{paused}
"""


def diagnose(
    tmp_path: Path, param: str, value: str, paused: bool = False
) -> list[tuple[str, str, str]]:
    """(code, message, hint) of each diagnostic of `param pickup = <param>` set to `value`."""
    text = (
        HEAD
        + f"param pickup = {param}\n"
        + POLICY.format(paused=" paused while waiting" if paused else "")
    )
    if not paused:
        text += '\n# waiting is used\npolicy x.y "W"\n  owner "o"\n  description "d"\n'
        text += "  per case\n  while waiting: at most 30d\n"
    (tmp_path / "p.cxr").write_text(text, encoding="utf-8")
    loaded = load_policies([str(tmp_path / "p.cxr")], {"pickup": value}, root=tmp_path)
    return [(d.code, d.message, d.hint) for d in loaded.diagnostics]


@pytest.mark.parametrize(
    "value", ["12 business hours", "1 business hour", "2 business days", " 3  business  day "]
)
def test_business_time_is_accepted_in_the_policys_spellings(tmp_path: Path, value: str) -> None:
    assert diagnose(tmp_path, "8 business hours", value) == []


def test_the_parameters_own_calendar_may_be_named_again(tmp_path: Path) -> None:
    assert diagnose(tmp_path, "8 business hours on night", "12 business hours on night") == []


@pytest.mark.parametrize(
    ("param", "value", "message", "hint"),
    [
        (
            "8 business hours",
            "12h",
            "pickup counts business time (8 business hours), not a fixed duration",
            "write 12 business hours: only the calendar's opening hours count, where a fixed "
            "duration would count nights, weekends and holidays too",
        ),
        (
            "8 business hours",
            "2 days",
            "pickup counts business time (8 business hours), not a fixed duration",
            "write 2 business days: only the calendar's opening hours count, where a fixed "
            "duration would count nights, weekends and holidays too",
        ),
        (
            "8 business hours",
            "12 Business Hours",
            "not business time as a policy writes it",
            "write 12 business hours",
        ),
        (
            "8 business hours",
            "12bh",
            "not business time as a policy writes it",
            "e.g. 12 business hours, 2 business days, 30 business minutes",
        ),
        (
            "2 business days",
            "1.5 business days",
            "business days are whole open days",
            "write 1 or 2 business days, or the time in business hours (one open day is the "
            "calendar's opening hours: e.g. 12 business hours)",
        ),
        (
            "8 business hours",
            "10001 business hours",
            "longer than the longest business time",
            "business time goes up to 1000 business days or 10000 business hours",
        ),
        (
            "8 business hours",
            "12 business hours on night",
            "the calendar stays the parameter's: pickup counts on the calendar of each policy "
            "that uses it",
            "write 12 business hours (a calendar of its own is the policy's to name)",
        ),
        (
            "8 business hours on night",
            "12 business hours on desk",
            "the calendar stays the parameter's: pickup counts on night",
            "write 12 business hours (a calendar of its own is the policy's to name)",
        ),
        (
            "8h",
            "8 business hours",
            "pickup is a fixed duration (8h), not business time",
            "write a fixed duration such as 2h; to count opening hours only, declare the "
            "parameter so in the policy (param pickup = 8 business hours), where the rules "
            "that use it name their calendar",
        ),
    ],
)
def test_the_other_kind_of_duration_is_refused_with_what_to_write(
    tmp_path: Path, param: str, value: str, message: str, hint: str
) -> None:
    assert diagnose(tmp_path, param, value) == [("E222", f"--set pickup={value}: {message}", hint)]


def test_business_days_set_on_a_paused_clock_are_refused_where_it_pauses(
    tmp_path: Path,
) -> None:
    """8 business hours may pause; 2 business days may not (docs/time.md): the use is checked
    with the value of this run, not the file's."""
    assert diagnose(tmp_path, "8 business hours", "16 business hours", paused=True) == []
    found = diagnose(tmp_path, "8 business hours", "2 business days", paused=True)
    assert [(c, m) for c, m, _ in found] == [
        (
            "E223",
            "a clock counted in business days (--set pickup=2 business days) cannot pause",
        )
    ]
