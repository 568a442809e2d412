"""Engines: how long a state may last (`while S: at most D`, compiled to an invariant whose
condition is `false` and whose grace is D), every expected value by hand. Times are relative to
Monday 2026-03-02 10:00 in Istanbul (+03:00)."""

from __future__ import annotations

from engine_builders import Log, counts, dur, kinds, lit, pat, policy, run, tally

from cxrules import ir

UNOWNED = ir.State(name="unowned", start=pat("ticket.queued"), end=pat("ticket.accepted"))
OFFICE = ir.Calendar(
    name="office",
    zone="Europe/Istanbul",
    hours=tuple(ir.WeekHours(weekday=d, ranges=(("09:00", "17:00"),)) for d in range(5)),
)


def queue_time(limit: ir.Duration | None = None) -> ir.Policy:
    """Per ticket: a ticket waits in the queue with no owner at most 24h."""
    rule = ir.Invariant(
        during="unowned",
        condition=lit(False, "bool"),
        grace=limit or dur("24h"),
        limit=True,
    )
    return policy(rule, scope=("ticket",), states=(UNOWNED,))


def test_a_stretch_longer_than_the_limit_is_one_violation_reported_whole() -> None:
    log = Log()
    log.add("+0s", "ticket.queued", ticket="t-1")
    log.add("+26h10min", "ticket.accepted", ticket="t-1")  # 26h10min = 94,200s
    result = run(queue_time(), log)
    assert kinds(result) == [("too_long", "e1")]
    v = result.violations[0]
    assert v.sentence == (
        "ticket t-1: unowned for 1d02h10m, more than 24h (from 2026-03-02 10:00:00+03:00 to "
        "2026-03-03 12:10:00+03:00)"
    )
    assert (v.start, v.end, v.duration_seconds) == (
        "2026-03-02T10:00:00+03:00",
        "2026-03-03T12:10:00+03:00",
        94200,
    )
    assert v.details == {"limit_seconds": 86400, "stretch_seconds": 94200, "still_open": False}
    assert [e.id for e in v.evidence] == ["e1", "e2"]
    assert counts(result) == tally(activations=1, violated=1)


def test_a_stretch_as_long_as_the_limit_is_fine() -> None:
    log = Log()
    log.add("+0s", "ticket.queued", ticket="t-1")
    log.add("+24h", "ticket.accepted", ticket="t-1")
    log.add("+1d1h", "ticket.queued", ticket="t-1")  # a second stretch, 1h at the horizon
    log.add("+1d2h", "ticket.note", ticket="t-1")
    result = run(queue_time(), log)
    assert kinds(result) == []
    assert [(o.trigger.id, o.deadline) for o in result.pending] == [
        ("e3", "2026-03-04T11:00:00+03:00")  # +1d1h + 24h
    ]
    assert result.pending[0].sentence == (
        "ticket t-1: unowned since 2026-03-03 11:00:00+03:00 (at most 24h: the limit ends "
        "2026-03-04 11:00:00+03:00)"
    )
    assert counts(result) == tally(activations=2, satisfied=1, pending=1)


def test_at_the_horizon_a_stretch_is_too_long_only_once_past_the_limit() -> None:
    log = Log()
    log.add("+0s", "ticket.queued", ticket="t-1")
    log.add("+1s", "ticket.queued", ticket="t-2")
    at_limit = run(queue_time(), log, as_of="+24h")  # t-1 exactly 24h: pending
    assert kinds(at_limit) == []
    assert [o.trigger.id for o in at_limit.pending] == ["e1", "e2"]
    assert counts(at_limit) == tally(scopes=2, activations=2, pending=2)
    past = run(queue_time(), log, as_of="+24h1s")  # t-1 24h1s: violated; t-2 24h: pending
    assert kinds(past) == [("too_long", "e1")]
    v = past.violations[0]
    assert (v.end, v.details["still_open"], v.details["stretch_seconds"]) == (
        "2026-03-03T10:00:01+03:00",
        True,
        86401,
    )
    assert v.sentence.endswith("; still open at the horizon)")
    assert [o.trigger.id for o in past.pending] == ["e2"]
    assert counts(past) == tally(scopes=2, activations=2, violated=1, pending=1)


def test_each_stretch_is_an_activation_and_judged_alone() -> None:
    log = Log()
    log.add("+0s", "ticket.queued", ticket="t-1")  # stretch 1: 1h, fine
    log.add("+1h", "ticket.accepted", ticket="t-1")
    log.add("+2h", "ticket.queued", ticket="t-1")  # stretch 2: 30h, too long
    log.add("+2h", "ticket.queued", ticket="t-1")  # already queued: nothing new
    log.add("+32h", "ticket.accepted", ticket="t-1")
    log.add("+33h", "ticket.queued", ticket="t-1")  # stretch 3: 25h, too long
    log.add("+58h", "ticket.accepted", ticket="t-1")
    result = run(queue_time(), log)
    assert kinds(result) == [("too_long", "e3"), ("too_long", "e6")]
    assert [v.duration_seconds for v in result.violations] == [108000, 90000]
    assert counts(result) == tally(activations=3, satisfied=1, violated=2)


def test_a_stretch_that_ends_and_starts_again_at_one_instant_is_one_stretch() -> None:
    # As an invariant's gap that ends and resumes at the same instant: accepted and queued
    # again at +20h is one stretch of 30h, counted for the interval current when it is judged
    # (the second); the first interval has no violation of its own.
    log = Log()
    log.add("+0s", "ticket.queued", ticket="t-1")
    log.add("+20h", "ticket.accepted", ticket="t-1")
    log.add("+20h", "ticket.queued", ticket="t-1")
    log.add("+30h", "ticket.accepted", ticket="t-1")
    result = run(queue_time(), log)
    assert kinds(result) == [("too_long", "e1")]
    assert result.violations[0].duration_seconds == 108000
    assert counts(result) == tally(activations=2, satisfied=1, violated=1)


def test_a_keyed_state_lasts_while_any_of_its_keys_is_open() -> None:
    # ayse 0-40min, can 30min-1h10min: connected from 0 to 1h10min, one stretch of 70min
    connection = ir.State(
        name="connection", start=pat("arm.connected"), end=pat("arm.disconnected"), by="arm"
    )
    rule = ir.Invariant(
        during="connection", condition=lit(False, "bool"), grace=dur("1h"), limit=True
    )
    log = Log()
    log.add("+0s", "arm.connected", visit="v-1", arm="ayse")
    log.add("+30min", "arm.connected", visit="v-1", arm="can")
    log.add("+40min", "arm.disconnected", visit="v-1", arm="ayse")
    log.add("+70min", "arm.disconnected", visit="v-1", arm="can")
    result = run(policy(rule, scope=("visit",), states=(connection,)), log)
    assert kinds(result) == [("too_long", "e1")]
    v = result.violations[0]
    assert (v.duration_seconds, [e.id for e in v.evidence]) == (4200, ["e1", "e4"])
    assert counts(result) == tally(activations=1, violated=1)


def test_a_scope_with_no_stretch_is_vacuous() -> None:
    log = Log()
    log.add("+0s", "ticket.accepted", ticket="t-1")  # an end without a start: ignored
    log.add("+1h", "ticket.note", ticket="t-1")
    assert counts(run(queue_time(), log)) == tally(vacuous=1)


def test_a_limit_in_business_hours_counts_opening_time() -> None:
    log = Log()
    log.add("+6h", "ticket.queued", ticket="t-1")  # Monday 16:00
    log.add("+23h30min", "ticket.accepted", ticket="t-1")  # Tuesday 09:30: 1h30 opening time
    log.add("+30h", "ticket.queued", ticket="t-2")  # Tuesday 16:00
    log.add("+47h", "ticket.accepted", ticket="t-2")  # Wednesday 09:00: 1h opening time
    limit = dur("1h", business="office")
    result = run(queue_time(limit), log, calendars={"office": OFFICE})
    assert kinds(result) == [("too_long", "e1")]
    assert counts(result) == tally(scopes=2, activations=2, satisfied=1, violated=1)
    # Said on the limit's clock first: 1h30m of opening time, not only the 17h30m of the night.
    assert result.violations[0].sentence == (
        "ticket t-1: unowned for 1h30m of business hours (17h30m in all), more than 1h (from"
        " 2026-03-02 16:00:00+03:00 to 2026-03-03 09:30:00+03:00; over the limit from"
        " 2026-03-02 17:00:00+03:00)"
    )
    # when it went past the limit (16:00 + 1 opening hour: 17:00, the close), and its opening
    # time: neither is in start, end or limit_seconds
    assert result.violations[0].details == {
        "limit_seconds": 3600,
        "stretch_seconds": 63000,  # 17h30m
        "still_open": False,
        "over_from": "2026-03-02T17:00:00+03:00",
        "business_seconds": 5400,  # 16:00-17:00 and 09:00-09:30
    }


def test_a_limit_in_business_days_says_when_it_ran_out() -> None:
    """`at most 2 business days` from Thursday 11:00: Friday 11:00 is one, Monday 11:00 two
    (the weekend is closed), so a stretch to Monday 12:00 is over it from Monday 11:00, which
    its 4d01h and the limit's seconds (two days of 24 hours, as written) do not tell."""
    log = Log()
    log.add("+3d1h", "ticket.queued", ticket="t-1")  # Thursday 2026-03-05 11:00
    log.add("+7d2h", "ticket.accepted", ticket="t-1")  # Monday 2026-03-09 12:00
    log.add("+9d", "ticket.queued", ticket="t-2")  # Wednesday 2026-03-11 10:00
    log.add("+11d", "ticket.accepted", ticket="t-2")  # Friday 10:00: exactly 2 business days
    limit = ir.Duration(
        seconds=172800, calendar="office", unit="days", amount=2, text="2 business days"
    )
    result = run(queue_time(limit), log, calendars={"office": OFFICE})
    assert kinds(result) == [("too_long", "e1")]
    v = result.violations[0]
    assert v.sentence == (
        "ticket t-1: unowned for 4d01h, more than 2 business days (from 2026-03-05 11:00:00+03:00"
        " to 2026-03-09 12:00:00+03:00; over the limit from 11:00:00)"
    )
    assert v.details == {
        "limit_seconds": 172800,
        "stretch_seconds": 349200,  # 4d01h
        "still_open": False,
        "over_from": "2026-03-09T11:00:00+03:00",
    }
