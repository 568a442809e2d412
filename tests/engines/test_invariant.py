"""Engines: invariants (`while S: always C, grace G`), every expected value by hand."""

from __future__ import annotations

from engine_builders import Log, counts, dur, kinds, lit, op, pat, policy, run, tally

from cxrules import ir

CONNECTION = ir.State(
    name="connection", start=pat("arm.connected"), end=pat("arm.disconnected"), by="arm"
)
IN_SHOP = ir.State(name="in_shop", start=pat("customer.entered"), end=pat("customer.left"))


def octopus(grace: str = "30s") -> ir.Policy:
    """Per visit: while in the shop, at least one arm is connected, grace 30s."""
    rule = ir.Invariant(
        during="in_shop",
        condition=op(">=", ir.StateRef(name="connection", fn="count"), lit(1)),
        grace=dur(grace),
    )
    return policy(rule, scope=("visit",), states=(CONNECTION, IN_SHOP))


def test_gap_longer_than_grace_is_one_violation_with_its_whole_duration() -> None:
    log = Log()
    log.add("+0s", "customer.entered", visit="v-1007")
    log.add("+10s", "arm.connected", visit="v-1007", arm="ayse")  # 10s gap: fine
    log.add("+5min", "arm.disconnected", visit="v-1007", arm="ayse")
    log.add("+432s", "arm.connected", visit="v-1007", arm="bora")  # 10:07:12
    log.add("+10min", "customer.left", visit="v-1007")
    result = run(octopus(), log)
    assert kinds(result) == [("gap", "e3")]
    v = result.violations[0]
    assert v.sentence == (
        "visit v-1007: count(connection) >= 1 did not hold while in_shop from "
        "2026-03-02 10:05:00+03:00 to 10:07:12 (2m12s; grace 30s)"
    )
    assert (v.start, v.end, v.duration_seconds) == (
        "2026-03-02T10:05:00+03:00",
        "2026-03-02T10:07:12+03:00",
        132,
    )
    assert [e.id for e in v.evidence] == ["e3", "e4"]
    assert counts(result) == tally(activations=1, violated=1)


def test_gap_equal_to_grace_is_fine() -> None:
    log = Log()
    log.add("+0s", "customer.entered", visit="v-1")
    log.add("+30s", "arm.connected", visit="v-1", arm="ayse")  # exactly 30s
    log.add("+1min", "customer.left", visit="v-1")
    assert counts(run(octopus(), log)) == tally(activations=1, satisfied=1)
    log2 = Log()
    log2.add("+0s", "customer.entered", visit="v-1")
    log2.add("+31s", "arm.connected", visit="v-1", arm="ayse")  # 31s
    log2.add("+1min", "customer.left", visit="v-1")
    assert kinds(run(octopus(), log2)) == [("gap", "e1")]


def test_same_time_handover_and_keyed_arms() -> None:
    log = Log()
    log.add("+0s", "customer.entered", visit="v-1")
    log.add("+0s", "arm.connected", visit="v-1", arm="ayse")
    log.add("+1min", "arm.connected", visit="v-1", arm="bora")
    log.add("+2min", "arm.disconnected", visit="v-1", arm="ayse")  # bora still there
    log.add("+3min", "arm.disconnected", visit="v-1", arm="bora")
    log.add("+3min", "arm.connected", visit="v-1", arm="cem")  # same instant: no gap
    log.add("+4min", "arm.disconnected", visit="v-1", arm="nobody")  # unknown key: ignored
    log.add("+5min", "customer.left", visit="v-1")
    assert counts(run(octopus(), log)) == tally(activations=1, satisfied=1)


def test_state_keys_are_compared_as_values() -> None:
    """docs/semantics.md, "States": a text never closes a number's key, 1.0 and true close 1's,
    and ints are exact: the duckdb engine keyed numbers by their DOUBLE, so 2**53 closed
    2**53 + 1 (hunt35 finding-4)."""
    log = Log()
    for visit, opened, closed in [("v-1", 1, "1"), ("v-2", 2**53 + 1, 2**53), ("v-3", 1.0, True)]:
        log.add("+0s", "customer.entered", visit=visit)
        log.add("+0s", "arm.connected", visit=visit, arm=opened)
        log.add("+1min", "arm.disconnected", visit=visit, arm=closed)
        log.add("+2min", "customer.left", visit=visit)
    result = run(octopus(), log)
    # only v-3's key closes: a gap from its disconnection (e11, +1min) to its leaving (+2min)
    assert kinds(result) == [("gap", "e11")]
    assert result.violations[0].duration_seconds == 60
    assert counts(result) == tally(scopes=3, activations=3, satisfied=2, violated=1)


def test_a_gap_resuming_at_the_instant_it_ended_is_one_gap() -> None:
    log = Log()
    log.add("+0s", "customer.entered", visit="v-1")  # gap from 10:00:00
    log.add("+20s", "arm.connected", visit="v-1", arm="ayse")
    log.add("+20s", "arm.disconnected", visit="v-1", arm="ayse")  # same instant: resumes
    log.add("+60s", "arm.connected", visit="v-1", arm="bora")
    log.add("+2min", "customer.left", visit="v-1")
    result = run(octopus(), log)
    assert kinds(result) == [("gap", "e1")]
    assert result.violations[0].duration_seconds == 60


def test_gap_ends_when_the_customer_leaves() -> None:
    log = Log()
    log.add("+0s", "customer.entered", visit="v-1")
    log.add("+5s", "arm.connected", visit="v-1", arm="ayse")
    log.add("+1min", "arm.disconnected", visit="v-1", arm="ayse")
    log.add("+2min", "customer.left", visit="v-1")  # 60s gap, closed by leaving
    log.add("+3min", "arm.disconnected", visit="v-1", arm="bora")  # not in the shop
    result = run(octopus(), log)
    assert kinds(result) == [("gap", "e3")]
    assert [e.id for e in result.violations[0].evidence] == ["e3", "e4"]


def test_a_gap_half_a_second_over_the_grace_reads_as_it_is() -> None:
    # Issue 12, point 8: 30.5 s is written 30.5s (never rounded to 31s, nor to the grace's 30s),
    # and an instant with a fraction of a second keeps it.
    log = Log()
    log.add("+0s", "customer.entered", visit="v-1")
    log.add("+0s", "arm.connected", visit="v-1", arm="ayse")
    log.add("+5min", "arm.disconnected", visit="v-1", arm="ayse")
    log.add("+330.5s", "arm.connected", visit="v-1", arm="bora")
    log.add("+10min", "customer.left", visit="v-1")
    v = run(octopus(), log).violations[0]
    assert v.sentence == (
        "visit v-1: count(connection) >= 1 did not hold while in_shop from "
        "2026-03-02 10:05:00+03:00 to 10:05:30.5 (30.5s; grace 30s)"
    )
    assert (v.end, v.duration_seconds) == ("2026-03-02T10:05:30.500000+03:00", 30.5)


def test_open_gap_at_the_horizon_is_judged_up_to_it() -> None:
    log = Log()
    log.add("+0s", "customer.entered", visit="v-1")  # no arm for 2 min: still open
    log.add("+110s", "customer.entered", visit="v-2")  # 10s at the horizon: pending
    log.add("+2min", "tick", visit="v-3")
    result = run(octopus(), log, as_of="+2min")
    assert kinds(result) == [("gap", "e1")]
    v = result.violations[0]
    assert v.end == "2026-03-02T10:02:00+03:00" and v.details["still_open"] is True
    assert v.sentence.endswith("(2m; grace 30s; still open at the horizon)")
    assert [(o.trigger.id, o.deadline) for o in result.pending] == [
        ("e2", "2026-03-02T10:02:20+03:00")
    ]
    assert counts(result) == tally(scopes=2, activations=2, violated=1, pending=1)


def test_events_outside_the_scope_and_vacuous_scopes() -> None:
    log = Log()
    log.add("+0s", "arm.connected", arm="ayse")  # no visit: out of scope
    log.add("+1s", "arm.connected", visit="v-9", arm="ayse")  # never entered: vacuous
    result = run(octopus(), log)
    assert counts(result) == tally(scopes=1, out_of_scope=1, vacuous=1)


def test_an_open_gap_in_an_interval_already_violated_is_listed_but_not_counted() -> None:
    log = Log()
    log.add("+0s", "customer.entered", visit="v-1")  # no arm for 40s: a violation
    log.add("+40s", "arm.connected", visit="v-1", arm="ayse")
    log.add("+1min", "arm.disconnected", visit="v-1", arm="ayse")  # open, 10s at the horizon
    result = run(octopus(), log, as_of="+70s")
    assert kinds(result) == [("gap", "e1")]
    assert [(o.trigger.id, o.deadline) for o in result.pending] == [
        ("e3", "2026-03-02T10:01:30+03:00")
    ]
    assert counts(result) == tally(activations=1, violated=1)


def test_a_gap_as_long_as_the_grace_at_the_horizon_is_pending() -> None:
    log = Log()
    log.add("+0s", "customer.entered", visit="v-1")
    log.add("+0s", "customer.entered", visit="v-2")
    log.add("+0s", "arm.connected", visit="v-2", arm="ayse")  # v-2 has no gap
    result = run(octopus(), log, as_of="+30s")
    assert kinds(result) == []
    assert [(o.trigger.id, o.deadline) for o in result.pending] == [
        ("e1", "2026-03-02T10:00:30+03:00")
    ]
    assert "has not held since" in result.pending[0].sentence
    assert counts(result) == tally(scopes=2, activations=2, satisfied=1, pending=1)


def test_two_long_gaps_in_one_interval_are_one_violated_activation() -> None:
    log = Log()
    log.add("+0s", "customer.entered", visit="v-1")
    log.add("+1min", "arm.connected", visit="v-1", arm="ayse")  # gap 1: 60s
    log.add("+2min", "arm.disconnected", visit="v-1", arm="ayse")
    log.add("+3min", "arm.connected", visit="v-1", arm="bora")  # gap 2: 60s
    log.add("+4min", "arm.disconnected", visit="v-1", arm="bora")  # gap 3: 0s, fine
    log.add("+4min", "customer.left", visit="v-1")
    log.add("+5min", "customer.entered", visit="v-1")  # a second interval, unstaffed
    log.add("+5min20s", "customer.left", visit="v-1")  # for 20s: fine
    result = run(octopus(), log)
    assert kinds(result) == [("gap", "e1"), ("gap", "e3")]
    assert counts(result) == tally(activations=2, satisfied=1, violated=1)


def test_a_gap_ending_as_an_interval_begins_counts_for_that_interval() -> None:
    # gap 1 ends at +1min, where interval 1 ends and interval 2 begins (after it in the log):
    # it is judged at the first event after that instant, in interval 2, as gap 2 is
    log = Log()
    log.add("+0s", "customer.entered", visit="v-1")  # interval 1, unstaffed: gap 1
    log.add("+1min", "arm.connected", visit="v-1", arm="ayse")  # gap 1 ends: 60s
    log.add("+1min", "customer.left", visit="v-1")
    log.add("+1min", "customer.entered", visit="v-1")  # interval 2, staffed
    log.add("+2min", "arm.disconnected", visit="v-1", arm="ayse")  # gap 2
    log.add("+3min", "arm.connected", visit="v-1", arm="bora")  # gap 2 ends: 60s
    log.add("+4min", "customer.left", visit="v-1")
    result = run(octopus(), log)
    assert kinds(result) == [("gap", "e1"), ("gap", "e5")]
    assert counts(result) == tally(activations=2, satisfied=1, violated=1)


def test_a_negated_state_reads_as_the_state_that_held() -> None:
    # `while open_problem: always not parked, grace 1h`: the breach says the problem was parked,
    # not that 'not parked did not hold'
    opened = ir.State(name="open_problem", start=pat("problem.opened"), end=pat("problem.closed"))
    parked = ir.State(name="parked", start=pat("problem.parked"), end=pat("problem.resumed"))
    rule = ir.Invariant(
        during="open_problem",
        condition=ir.Unary(op="not", operand=ir.StateRef(name="parked", fn="active")),
        grace=dur("1h"),
    )
    log = Log()
    log.add("+0s", "problem.opened", problem="p1")
    log.add("+1h", "problem.parked", problem="p1")  # 11:00
    log.add("+4h", "problem.resumed", problem="p1")  # 14:00: parked 3h, over the 1h grace
    log.add("+5h", "problem.closed", problem="p1")
    result = run(policy(rule, scope=("problem",), states=(opened, parked)), log)
    assert [v.sentence for v in result.violations] == [
        "problem p1: parked held while open_problem from 2026-03-02 11:00:00+03:00 to 14:00:00 "
        "(3h; grace 1h)"
    ]
