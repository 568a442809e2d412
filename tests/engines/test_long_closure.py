"""A business calendar closed for longer than the search for opening hours gives up (3 x 366
days in a row): the python engine's Clock.add took the CalendarError for 'past the year 9999'
and the deadline for never reached, so a reply years late passed, while duckdb reported it late
(hunt62 finding-K). Expected values by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from engine_builders import Log, after, dur, pat, policy, run, trig

from cxrules import ir
from cxrules.time.calendars import CalendarError
from cxrules.time.clock import Clock

WEEKDAYS = tuple(ir.WeekHours(weekday=d, ranges=(("09:00", "18:00"),)) for d in range(5))


def closed_desk(days: int) -> ir.Calendar:
    """Istanbul, Monday to Friday 09:00-18:00, closed for `days` days from 2026-03-02 on."""
    closed = tuple(str(date(2026, 3, 2) + timedelta(days=i)) for i in range(days))
    return ir.Calendar(name="desk", zone="Europe/Istanbul", hours=WEEKDAYS, closed_dates=closed)


def test_a_deadline_after_a_closure_of_1200_days_is_reached() -> None:
    # closed 2026-03-02 (a Monday) to 2029-06-13: 1200 days later is 2029-06-14 (365 + 366 +
    # 365 days to 2029-03-02, then 31 + 30 + 31 + 12), a Thursday (171 weeks and 3 days); 2
    # business hours from the trigger at 10:00 run from its opening, 09:00, to 11:00.
    rule = ir.Response(
        trigger=trig(pat("ticket.opened")),
        expect=pat("ticket.answered"),
        window=after().model_copy(update={"max": dur("2h", business="desk")}),
    )
    log = Log()
    log.add("+0s", "ticket.opened", ticket="t1")
    log.add("+4000d", "ticket.answered", ticket="t1")
    report = run(policy(rule, scope=("ticket",)), log, calendars={"desk": closed_desk(1200)})
    assert [v.kind for v in report.violations] == ["late"]
    assert (
        "after the deadline 2029-06-14 11:00:00+03:00 (within 2h)" in report.violations[0].sentence
    )


@pytest.mark.engines("python")
def test_clock_add_lets_a_calendar_error_through() -> None:
    # 1.5 business days is no deadline at all (business days are whole): an error, not 'never'
    clock = Clock({"desk": closed_desk(0)})
    days = ir.Duration(seconds=1.5 * 86400, calendar="desk", unit="days", amount=1.5)
    with pytest.raises(CalendarError, match="whole"):
        clock.add(0, days)
