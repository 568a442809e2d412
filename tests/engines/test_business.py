"""Reference engine: business-time windows, paused business clocks and graces, by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_builders import Log, counts, dur, kinds, lit, op, pat, policy, run, tally, trig

from cxrules import ir
from cxrules.engines.base import EngineError
from cxrules.policyset import load_policies

# Mon-Fri 09:00-17:00 in Istanbul; T0 is Monday 2026-03-02 10:00
OFFICE = ir.Calendar(
    name="office",
    zone="Europe/Istanbul",
    hours=tuple(ir.WeekHours(weekday=d, ranges=(("09:00", "17:00"),)) for d in range(5)),
)


def escalate(window: ir.Window, states: tuple[ir.State, ...] = ()) -> ir.Policy:
    rule = ir.Response(
        trigger=trig(pat("complaint.filed")), expect=pat("case.escalated"), window=window
    )
    return policy(rule, scope=("customer",), states=states)


def business(text: str) -> ir.Duration:
    return dur(text, business="office")


def test_business_hours_skip_the_weekend() -> None:
    window = ir.Window(direction="after", max=business("8h"))
    log = Log()
    log.add("+4d5h", "complaint.filed", customer="c-1")  # Friday 15:00
    log.add("+7d5h", "case.escalated", customer="c-1")  # Monday 15:00: exactly 8 opening hours
    log.add("+4d5h", "complaint.filed", customer="c-2")
    log.add("+7d18001s", "case.escalated", customer="c-2")  # Monday 15:00:01: late
    result = run(escalate(window), log, calendars={"office": OFFICE})
    assert kinds(result) == [("late", "e3")]
    assert result.violations[0].details["deadline"] == "2026-03-09T15:00:00+03:00"
    assert counts(result) == tally(scopes=2, activations=2, satisfied=1, violated=1)


def test_paused_business_clock_keeps_the_opening_time_left() -> None:
    on_hold = ir.State(name="on_hold", start=pat("case.on_hold"), end=pat("case.resumed"))
    window = ir.Window(direction="after", max=business("2h"), paused_while="on_hold")
    log = Log()
    log.add("+0s", "complaint.filed", customer="c-1")  # Monday 10:00, deadline 12:00
    log.add("+1h", "case.on_hold", customer="c-1")  # 11:00: 1 opening hour left
    log.add("+1d", "case.resumed", customer="c-1")  # Tuesday 10:00: deadline 11:00
    log.add("+1d1h", "case.escalated", customer="c-1")  # exactly then
    log.add("+0s", "complaint.filed", customer="c-2")
    log.add("+1h", "case.on_hold", customer="c-2")
    log.add("+1d", "case.resumed", customer="c-2")
    log.add("+1d2h", "case.escalated", customer="c-2")  # Tuesday 12:00: an hour late
    result = run(escalate(window, (on_hold,)), log, calendars={"office": OFFICE})
    assert kinds(result) == [("late", "e5")]
    assert result.violations[0].details["deadline"] == "2026-03-03T11:00:00+03:00"
    assert counts(result) == tally(scopes=2, activations=2, satisfied=1, violated=1)


def test_invariant_grace_on_business_time() -> None:
    open_state = ir.State(name="open", start=pat("desk.opened"), end=pat("desk.closed"))
    staffed = ir.State(name="staffed", start=pat("agent.in"), end=pat("agent.out"), by="agent")
    rule = ir.Invariant(
        during="open",
        condition=op(">=", ir.StateRef(name="staffed", fn="count"), lit(1)),
        grace=business("1h"),
    )
    p = policy(rule, states=(open_state, staffed))
    log = Log()
    log.add("+6h", "desk.opened")  # Monday 16:00, nobody in
    log.add("+23h30min", "agent.in", agent="a")  # Tuesday 09:30: 1h30 wall... 1h30 opening
    log.add("+1d6h", "desk.closed")
    result = run(p, log, calendars={"office": OFFICE})
    assert kinds(result) == [("gap", "e1")]  # 16:00-17:00 + 09:00-09:30 = 1h30 > 1h
    assert result.violations[0].sentence == (
        "the log: count(staffed) >= 1 did not hold while open from 2026-03-02 16:00:00+03:00 "
        "to 2026-03-03 09:30:00+03:00 (1h30m of business hours, 17h30m in all; grace 1h; "
        "over the grace from 2026-03-02 17:00:00+03:00)"  # 16:00 + 1 opening hour
    )
    assert result.violations[0].details == {
        "grace_seconds": 3600,
        "still_open": False,
        "over_from": "2026-03-02T17:00:00+03:00",
        "business_seconds": 5400,
    }
    log2 = Log()
    log2.add("+6h", "desk.opened")
    log2.add("+23h", "agent.in", agent="a")  # Tuesday 09:00: exactly 1 opening hour
    log2.add("+1d6h", "desk.closed")
    assert counts(run(p, log2, calendars={"office": OFFICE})) == tally(activations=1, satisfied=1)


def test_an_unknown_calendar_is_a_clear_error() -> None:
    window = ir.Window(direction="after", max=dur("8h", business="shop"))
    log = Log()
    log.add("+0s", "complaint.filed", customer="c-1")
    with pytest.raises(EngineError, match="duration '8h' uses unknown calendar 'shop'"):
        run(escalate(window), log, calendars={"office": OFFICE})


def test_fractional_business_days_are_refused_on_every_engine() -> None:
    """1.5 business days passed `check`; the python engine's clock caught the calendar's error
    as 'never', so no deadline came and a late escalation was in time (100% compliance), while
    duckdb refused the policy: the checker now says E210, and a compiled set is refused before
    any event is read (hunt42 finding-2)."""
    days = ir.Duration(seconds=1.5 * 86400, calendar="office", unit="days", amount=1.5)
    log = Log()
    log.add("+0s", "complaint.filed", customer="c-1")
    log.add("+9d", "case.escalated", customer="c-1")  # a week and more later
    with pytest.raises(EngineError, match="business days are whole open days, not 1.5"):
        run(escalate(ir.Window(direction="after", max=days)), log, calendars={"office": OFFICE})


def test_a_paused_business_clock_reports_opening_hours_left() -> None:
    on_hold = ir.State(name="on_hold", start=pat("case.on_hold"), end=pat("case.resumed"))
    window = ir.Window(direction="after", max=business("16h"), paused_while="on_hold")
    log = Log()
    log.add("+0s", "complaint.filed", customer="c-1")  # Monday 10:00
    log.add("+5h", "case.on_hold", customer="c-1")  # 15:00: 5 opening hours used, 11 left
    log.add("+3d", "note.added", customer="c-1")  # Thursday: still on hold, no deadline
    result = run(escalate(window, (on_hold,)), log, calendars={"office": OFFICE})
    (pending,) = result.pending
    assert pending.deadline is None
    # 11 opening hours, not "11h" of the day: 16h - (10:00 to 15:00).
    assert "clock paused with 11h of business hours left" in pending.sentence


def test_a_paused_business_clock_writes_what_is_left_as_a_duration() -> None:
    # 39h50m of opening time: not '39.83 business hours', nor '1d15h50m', which reads as a
    # day and more (hunt37 finding-4)
    on_hold = ir.State(name="on_hold", start=pat("case.on_hold"), end=pat("case.resumed"))
    window = ir.Window(direction="after", max=business("40h"), paused_while="on_hold")
    log = Log()
    log.add("+0s", "complaint.filed", customer="c-1")  # Monday 10:00
    log.add("+10min", "case.on_hold", customer="c-1")  # 10 opening minutes used
    result = run(escalate(window, (on_hold,)), log, calendars={"office": OFFICE})
    (pending,) = result.pending
    assert pending.sentence.endswith("(clock paused with 39h50m of business hours left)")


def test_a_gap_of_more_than_a_day_of_opening_time_is_said_in_hours() -> None:
    # Over 24 opening hours, the opening time of a gap is said in hours, never '1d…', which
    # reads as a day (hunt37 finding-4)
    open_state = ir.State(name="open", start=pat("desk.opened"), end=pat("desk.closed"))
    staffed = ir.State(name="staffed", start=pat("agent.in"), end=pat("agent.out"), by="agent")
    rule = ir.Invariant(
        during="open",
        condition=op(">=", ir.StateRef(name="staffed", fn="count"), lit(1)),
        grace=business("1h"),
    )
    log = Log()
    log.add("+6h", "desk.opened")  # Monday 16:00, nobody in
    log.add("+4d30min", "agent.in", agent="a")  # Friday 10:30: 1h + 3 × 8h + 1h30m = 26h30m
    log.add("+4d6h", "desk.closed")
    result = run(policy(rule, states=(open_state, staffed)), log, calendars={"office": OFFICE})
    assert result.violations[0].sentence.endswith(
        "(26h30m of business hours, 3d18h30m in all; grace 1h; over the grace from "
        "2026-03-02 17:00:00+03:00)"
    )


def test_ten_thousand_business_hours_end_years_later() -> None:
    # 10000 business hours (the longest docs/language.md allows) at 40 opening hours a week are
    # 250 weeks: from Monday 10:00 to Monday 2030-12-16 10:00 (2026-03-02 + 1750 days). The
    # python engine used to stop counting after 3 years of days and call it "no deadline".
    window = ir.Window(direction="after", max=business("10000h"))
    log = Log()
    log.add("+0s", "complaint.filed", customer="c-1")
    (pending,) = run(escalate(window), log, calendars={"office": OFFICE}).pending
    assert pending.deadline == "2030-12-16T10:00:00+03:00"


def test_business_days_years_ahead_keep_the_local_clock_across_dst() -> None:
    # A London desk, Mon-Fri 09:00-17:00. The trigger, Monday 2026-03-02 10:00 in Istanbul, is
    # 07:00 in London, before opening: the deadline is the 700th open day's closing time. 700
    # open days are 140 weeks: Monday 2028-11-06 (2026-03-02 + 980 days), 17:00 GMT = 17:00 UTC
    # (London is back on GMT in November). The SQL engines read the London offset from a table
    # that reached 800 days past the log only, and took BST's: 16:00 UTC.
    london = OFFICE.model_copy(update={"name": "london", "zone": "Europe/London"})
    days = ir.Duration(seconds=700 * 86400, calendar="london", unit="days", amount=700)
    window = ir.Window(direction="after", max=days)
    log = Log()
    log.add("+0s", "complaint.filed", customer="c-1")
    (pending,) = run(escalate(window), log, calendars={"london": london}).pending
    assert pending.deadline == "2028-11-06T20:00:00+03:00"  # 17:00 UTC in the log's zone


PICKUP = """calendar office "Office"
  zone "Europe/Istanbul"
  hours mon-fri 09:00-17:00

param pickup = 8 business hours

policy p.test "Test policy"
  owner "Desk"
  description "Complaints are escalated in time."
  calendar office
  per customer
  when complaint.filed
  expect case.escalated within pickup
"""


@pytest.mark.parametrize(
    ("value", "late", "deadline"),
    [
        # Friday 15:00 + 8 opening hours: 2 on Friday, 6 on Monday
        (None, ["e1", "e3"], "2026-03-09T15:00:00+03:00"),
        # + 12: 2 on Friday, 8 on Monday, 2 on Tuesday; c-2 escalated at 12:00, an hour late
        ("12 business hours", ["e3"], "2026-03-10T11:00:00+03:00"),
        # + 2 open days after Friday: Tuesday at the start's clock time, 15:00
        ("2 business days", [], None),
    ],
)
def test_set_overrides_a_business_duration_on_the_same_calendar(
    tmp_path: Path, value: str | None, late: list[str], deadline: str | None
) -> None:
    """`--set pickup=12 business hours` was refused ('business durations cannot be overridden
    yet'): a what-if on a business-time SLA needed the policy file edited (hunt42 finding-1)."""
    path = tmp_path / "p.cxr"
    path.write_text(PICKUP, encoding="utf-8")
    loaded = load_policies([str(path)], {"pickup": value} if value else {})
    assert loaded.policy_set is not None, loaded.diagnostics
    ps = loaded.policy_set
    assert ps.parameters == {"pickup": value or "8 business hours"}
    log = Log()
    for customer, escalated in (("c-1", "+8d"), ("c-2", "+8d2h")):  # Tuesday 10:00, 12:00
        log.add("+4d5h", "complaint.filed", customer=customer)  # Friday 15:00
        log.add(escalated, "case.escalated", customer=customer)
    result = run(list(ps.policies), log, calendars=dict(ps.calendars))
    assert kinds(result) == [("late", e) for e in late]
    assert [v.details["deadline"] for v in result.violations] == [deadline] * len(late)
    if value == "12 business hours":
        assert result.violations[0].sentence.endswith("(within 12 business hours)")
    assert counts(result) == tally(
        scopes=2, activations=2, satisfied=2 - len(late), violated=len(late)
    )
