"""Reference engine: response rules (`when T expect P within D`), every expected value by hand."""

from __future__ import annotations

from pathlib import Path

from engine_builders import (
    Log,
    after,
    attr,
    compiled,
    counts,
    dur,
    kinds,
    op,
    pat,
    policy,
    run,
    tally,
    trig,
)

from cxrules import ir


def escalate(**kw: object) -> ir.Policy:
    """complaint.filed per customer expects case.escalated within 24h."""
    rule = ir.Response(
        trigger=trig(pat("complaint.filed")),
        expect=pat("case.escalated"),
        window=after("24h"),
        **kw,  # type: ignore[arg-type]
    )
    return policy(rule, scope=("customer",))


def test_satisfied_within_the_window() -> None:
    log = Log()
    log.add("+0s", "complaint.filed", customer="c-1")
    log.add("+2h", "case.escalated", customer="c-1")
    result = run(escalate(), log)
    assert result.violations == [] and result.pending == []
    assert counts(result) == tally(activations=1, satisfied=1)


def test_missing_after_the_deadline_names_times() -> None:
    log = Log()
    log.add("+0s", "complaint.filed", customer="c-1")
    log.add("+25h", "call.started", customer="c-1")  # not read: the horizon is the last event
    log.add("+25h", "case.escalated", customer="c-2")
    result = run(escalate(), log)
    assert kinds(result) == [("missing", "e1")]
    v = result.violations[0]
    assert v.sentence == (
        "complaint.filed of customer c-1 at 2026-03-02 10:00:00+03:00: no case.escalated "
        "within 24h (deadline 2026-03-03 10:00:00+03:00)"
    )
    assert (v.start, v.end) == ("2026-03-02T10:00:00+03:00", "2026-03-03T10:00:00+03:00")
    assert v.scope == {"customer": "c-1"} and v.duration_seconds == 86400
    assert [(e.id, e.line, e.file) for e in v.evidence] == [("e1", 1, "log.jsonl")]
    # c-2 is a scope with no activation: vacuous
    assert counts(result) == tally(scopes=2, vacuous=1, activations=1, violated=1)


def test_exactly_at_the_deadline_is_in_time() -> None:
    log = Log()
    log.add("+0s", "complaint.filed", customer="c-1")
    log.add("+24h", "case.escalated", customer="c-1")
    assert counts(run(escalate(), log)) == tally(activations=1, satisfied=1)


def test_one_second_after_the_deadline_is_late() -> None:
    log = Log()
    log.add("+0s", "complaint.filed", customer="c-1")
    log.add("+86401s", "case.escalated", customer="c-1")
    result = run(escalate(), log)
    assert kinds(result) == [("late", "e1")]
    v = result.violations[0]
    # Issue 12, point 6: a late violation spans the trigger to the deadline; `fulfilled_at`
    # says when the expected event finally came.
    assert (v.start, v.end, v.duration_seconds) == (
        "2026-03-02T10:00:00+03:00",
        "2026-03-03T10:00:00+03:00",
        86400,
    )
    assert v.fulfilled_at == "2026-03-03T10:00:01+03:00"
    assert v.details == {"deadline": "2026-03-03T10:00:00+03:00"}
    assert [e.id for e in v.evidence] == ["e1", "e2"]
    assert v.sentence == (
        "complaint.filed of customer c-1 at 2026-03-02 10:00:00+03:00: case.escalated only at "
        "2026-03-03 10:00:01+03:00, 1s after the deadline 10:00:00 (within 24h)"
    )


def test_pending_at_the_horizon_with_risk() -> None:
    log = Log()
    log.add("+0s", "complaint.filed", customer="c-1")
    log.add("+20h", "complaint.filed", customer="c-9")
    p = escalate().model_copy(update={"warning_lead": dur("2h")})
    result = run(p, log, as_of="+23h")
    assert result.violations == []
    assert [(o.trigger.id, o.deadline, o.at_risk) for o in result.pending] == [
        ("e1", "2026-03-03T10:00:00+03:00", True),  # 1h left <= 2h lead
        ("e2", "2026-03-04T06:00:00+03:00", False),  # 21h left
    ]
    assert result.pending[0].sentence == (
        "complaint.filed of customer c-1 at 2026-03-02 10:00:00+03:00: waiting for "
        "case.escalated within 24h (deadline 2026-03-03 10:00:00+03:00)"
    )
    assert counts(result) == tally(scopes=2, activations=2, pending=2)


def test_events_after_as_of_are_ignored_and_counted() -> None:
    log = Log()
    log.add("+0s", "complaint.filed", customer="c-1")
    log.add("+2h", "case.escalated", customer="c-1")
    result = run(escalate(), log, as_of="+1h")
    assert result.ignored_after_as_of == 1
    assert counts(result) == tally(activations=1, pending=1)


def test_events_without_the_scope_key_are_out_of_scope() -> None:
    log = Log()
    log.add("+0s", "complaint.filed", topic="billing")  # no customer
    log.add("+1s", "case.escalated")  # no customer
    log.add("+2s", "page.viewed")  # not a type the policy reads: not counted
    assert counts(run(escalate(), log)) == tally(scopes=0, out_of_scope=2)


def test_equal_times_follow_input_order() -> None:
    log = Log()
    log.add("+0s", "case.escalated", customer="c-1")  # before the trigger in input order
    log.add("+0s", "complaint.filed", customer="c-1")
    log.add("+0s", "complaint.filed", customer="c-2")
    log.add("+0s", "case.escalated", customer="c-2")  # after it: meets it
    result = run(escalate(), log)
    assert [o.trigger.id for o in result.pending] == ["e2"]
    assert counts(result) == tally(scopes=2, activations=2, satisfied=1, pending=1)


def test_a_trigger_does_not_meet_its_own_obligation() -> None:
    rule = ir.Response(trigger=trig(pat("ping")), expect=pat("ping"), window=after("1h"))
    log = Log()
    log.add("+0s", "ping")
    log.add("+30min", "ping")
    result = run(policy(rule), log)
    assert [o.trigger.id for o in result.pending] == ["e2"]
    assert counts(result) == tally(activations=2, satisfied=1, pending=1)


def test_one_event_meets_every_open_obligation_unless_each() -> None:
    log = Log()
    log.add("+0s", "complaint.filed", customer="c-1")
    log.add("+1h", "complaint.filed", customer="c-1")
    log.add("+2h", "case.escalated", customer="c-1")
    assert counts(run(escalate(), log)) == tally(activations=2, satisfied=2)
    result = run(escalate(each=True), log)
    assert counts(result) == tally(activations=2, satisfied=1, pending=1)
    assert [o.trigger.id for o in result.pending] == ["e2"]  # the oldest was met


def test_each_gives_an_event_to_the_oldest_obligation_even_when_overdue() -> None:
    # issue 12, point 17: with each, an event meets the oldest unfulfilled obligation it
    # matches, overdue included (then late), as a late event does without each
    log = Log()
    log.add("+0s", "complaint.filed", customer="c-1")  # deadline +24h
    log.add("+10h", "complaint.filed", customer="c-1")  # deadline +34h
    log.add("+25h", "case.escalated", customer="c-1")  # the oldest, overdue: late
    log.add("+26h", "case.escalated", customer="c-1")  # the second, in time
    result = run(escalate(each=True), log)
    assert kinds(result) == [("late", "e1")]
    assert result.violations[0].fulfilled_at == "2026-03-03T11:00:00+03:00"
    assert counts(result) == tally(activations=2, satisfied=1, violated=1)


def test_each_with_one_late_event_leaves_the_younger_obligation_missing() -> None:
    log = Log()
    log.add("+0s", "complaint.filed", customer="c-1")  # deadline +24h
    log.add("+10h", "complaint.filed", customer="c-1")  # deadline +34h
    log.add("+25h", "case.escalated", customer="c-1")  # goes to e1 (late), not to e2
    log.add("+40h", "tick", customer="c-1")
    result = run(escalate(each=True), log, as_of="+40h")
    assert sorted(kinds(result)) == [("late", "e1"), ("missing", "e2")]
    assert counts(result) == tally(activations=2, violated=2)
    # the escalation at +25h is in e2's window: its sentence says it went to the older one
    # (hunt37 finding-5)
    (missing,) = [v for v in result.violations if v.kind == "missing"]
    assert missing.sentence == (
        "complaint.filed of customer c-1 at 2026-03-02 20:00:00+03:00: no case.escalated within "
        "24h not already used by an older complaint.filed (deadline 2026-03-03 20:00:00+03:00)"
    )


def test_unless_cancels_an_open_obligation_but_not_a_missed_one() -> None:
    log = Log()
    log.add("+0s", "complaint.filed", customer="c-1")
    log.add("+1h", "complaint.withdrawn", customer="c-1")
    log.add("+0s", "complaint.filed", customer="c-2")
    log.add("+25h", "complaint.withdrawn", customer="c-2")  # too late to cancel
    result = run(escalate(unless=pat("complaint.withdrawn")), log)
    assert kinds(result) == [("missing", "e3")]
    # the withdrawal at +25h came after the deadline: the sentence says none came by then
    # (hunt37 finding-6)
    assert result.violations[0].sentence == (
        "complaint.filed of customer c-2 at 2026-03-02 10:00:00+03:00: no case.escalated within "
        "24h (deadline 2026-03-03 10:00:00+03:00), and no complaint.withdrawn by then"
    )
    assert counts(result) == tally(scopes=2, activations=2, violated=1, cancelled=1)


def test_expected_where_may_read_the_trigger() -> None:
    rule = ir.Response(
        trigger=trig(pat("appointment.booked")),
        expect=pat(
            "notification.sent",
            where=op("==", attr("channel"), attr("notify_channel", of="trigger")),
        ),
        window=after("2h"),
    )
    log = Log()
    log.add("+0s", "appointment.booked", appointment="a-1", notify_channel="sms")
    log.add("+10min", "notification.sent", appointment="a-1", channel="voice")
    log.add("+0s", "appointment.booked", appointment="a-2", notify_channel="sms")
    log.add("+20min", "notification.sent", appointment="a-2", channel="sms")
    log.add("+3h", "tick", appointment="a-3")
    result = run(policy(rule, scope=("appointment",)), log)
    assert kinds(result) == [("missing", "e1")]
    assert counts(result) == tally(scopes=2, activations=2, satisfied=1, violated=1)


def test_min_bound_ignores_too_early_events() -> None:
    rule = ir.Response(
        trigger=trig(pat("order.placed")),
        expect=pat("survey.sent"),
        window=after("2d", min_="1d"),
    )
    log = Log()
    log.add("+0s", "order.placed")
    log.add("+1h", "survey.sent")  # too early: ignored
    log.add("+1d", "survey.sent")  # exactly at the lower bound: meets it
    assert counts(run(policy(rule), log)) == tally(activations=1, satisfied=1)


def test_counted_trigger_fires_at_the_nth_and_rearms() -> None:
    rule = ir.Response(
        trigger=trig(pat("complaint.filed"), nth=3, within="30d"),
        expect=pat("case.escalated"),
        window=after("24h"),
    )
    log = Log()
    for day in (0, 1, 2, 3):  # 3rd on day 2 fires; 4th does not (count stays >= 3)
        log.add(f"+{day}d", "complaint.filed", customer="c-1")
    log.add("+40d", "complaint.filed", customer="c-1")  # window now holds 1: re-armed
    log.add("+41d", "complaint.filed", customer="c-1")
    log.add("+42d", "complaint.filed", customer="c-1")  # 3 within 30d again: fires
    log.add("+42d", "case.escalated", customer="c-1")  # meets e7, and e3 late
    result = run(policy(rule, scope=("customer",)), log)
    assert kinds(result) == [("late", "e3")]
    assert result.violations[0].sentence == (
        "3rd complaint.filed within 30d of customer c-1 at 2026-03-04 10:00:00+03:00: "
        "case.escalated only at 2026-04-13 10:00:00+03:00, 39d after the deadline "
        "2026-03-05 10:00:00+03:00 (within 24h)"
    )
    assert counts(result) == tally(activations=2, satisfied=1, violated=1)


def test_counted_trigger_or_later_fires_on_every_further_event() -> None:
    rule = ir.Response(
        trigger=trig(pat("complaint.filed"), nth=2, within="1d", or_later=True),
        expect=pat("case.escalated"),
        window=after("1h"),
    )
    log = Log()
    for minute in (0, 10, 20):
        log.add(f"+{minute}min", "complaint.filed")
    log.add("+30min", "case.escalated")
    assert counts(run(policy(rule), log)) == tally(activations=2, satisfied=2)


def test_deadline_from_an_attribute_and_a_missing_one() -> None:
    window_end = ir.History(fn="last", pattern=pat("appointment.booked"), field="window_end")
    rule = ir.Response(
        trigger=trig(pat("technician.dispatched")),
        expect=pat("technician.arrived"),
        window=ir.Window(direction="after", deadline=window_end),
    )
    log = Log()
    log.add("+0s", "appointment.booked", appointment="a-1", window_end="2026-03-02T12:00:00+03:00")
    log.add("+1h", "technician.dispatched", appointment="a-1")
    log.add("+2h", "technician.arrived", appointment="a-1")  # 12:00 exactly: in time
    log.add("+1h", "technician.dispatched", appointment="a-2")  # never booked
    log.add("+0s", "appointment.booked", appointment="a-3", window_end="noon")
    log.add("+1h", "technician.dispatched", appointment="a-3")
    result = run(policy(rule, scope=("appointment",)), log)
    # equal starts are ordered by violation id, a hash: compare as sets
    assert sorted(kinds(result)) == [("condition_false", "e4"), ("condition_false", "e6")]
    by_trigger = {v.trigger.id: v for v in result.violations if v.trigger}
    assert by_trigger["e4"].sentence == (
        "technician.dispatched of appointment a-2 at 2026-03-02 11:00:00+03:00: its deadline "
        "last(appointment.booked).window_end is missing"
    )
    assert by_trigger["e6"].sentence.endswith('window_end = "noon" is not a time')
    assert counts(result) == tally(scopes=3, activations=3, satisfied=1, violated=2)


def test_a_text_shifted_by_a_duration_is_no_deadline_and_the_sentence_says_why() -> None:
    """`by promised_at + 1h` with promised_at a text (a log whose mapping has no `times` for it):
    the text cannot be shifted, so the deadline is missing (docs/language.md), while the
    attribute is right there in the log. The sentence says the likely cause and the mapping
    line that reads it as a time (hunt45); a missing attribute reads the same."""
    shifted = ir.Binary(op="+", left=attr("promised_at"), right=ir.Lit(value=3600, type="duration"))
    rule = ir.Response(
        trigger=trig(pat("ticket.opened")),
        expect=pat("ticket.answered"),
        window=ir.Window(direction="after", deadline=shifted),
    )
    log = Log()
    log.add("+0s", "ticket.opened", ticket="k-1", promised_at="2026-03-02T12:00:00+03:00")
    log.add("+1h", "ticket.answered", ticket="k-1")
    result = run(policy(rule, scope=("ticket",)), log)
    assert [v.sentence for v in result.violations] == [
        "ticket.opened of ticket k-1 at 2026-03-02 10:00:00+03:00: its deadline promised_at + "
        "1h is missing (promised_at is missing, or a text: a time shifted by a duration must "
        'be read as a time by the log\'s mapping, times = { promised_at = "iso" })'
    ]
    assert counts(result) == tally(scopes=1, activations=1, violated=1)


def test_a_number_is_no_deadline_not_even_zero() -> None:
    """An export's 0 for "not promised" is not a deadline in 1970 (a late fulfilment 56 years
    on), and epoch seconds are no time either: as in comparisons, a number is not a time."""
    rule = ir.Response(
        trigger=trig(pat("ticket.opened")),
        expect=pat("ticket.answered"),
        window=ir.Window(direction="after", deadline=attr("promised_at")),
    )
    log = Log()
    log.add("+0s", "ticket.opened", ticket="k-0", promised_at=0)
    log.add("+0s", "ticket.opened", ticket="k-1", promised_at=1772535600)
    log.add("+0s", "ticket.opened", ticket="k-2", promised_at="2026-03-02T12:00:00+03:00")
    log.add("+1h", "ticket.answered", ticket="k-0")
    log.add("+0s", "ticket.answered", ticket="k-1")
    log.add("+0s", "ticket.answered", ticket="k-2")
    result = run(policy(rule, scope=("ticket",)), log)
    assert sorted(kinds(result)) == [("condition_false", "e1"), ("condition_false", "e2")]
    sentences = sorted(v.sentence for v in result.violations)
    assert sentences[0].endswith("its deadline promised_at = 0 is not a time")
    assert sentences[1].endswith("promised_at = 1772535600 is not a time")
    assert counts(result) == tally(scopes=3, activations=3, satisfied=1, violated=2)


def test_end_of_day_deadline_excludes_midnight() -> None:
    rule = ir.Response(
        trigger=trig(pat("order.placed")),
        expect=pat("order.delivered"),
        window=ir.Window(direction="after", deadline=ir.CalendarPoint(point="end_of_day")),
    )
    log = Log()
    log.add("+0s", "order.placed", order="o-1")
    log.add("+50399s", "order.delivered", order="o-1")  # 23:59:59 local
    log.add("+0s", "order.placed", order="o-2")
    log.add("+14h", "order.delivered", order="o-2")  # 00:00 next day: late
    result = run(policy(rule, scope=("order",)), log)
    assert kinds(result) == [("late", "e3")]
    # Issue 12, point 6: the end of the day is shown as the next midnight, which the day
    # excludes: a delivery exactly then is late, and its sentence says so without "0s after".
    v = result.violations[0]
    assert v.details["deadline"] == "2026-03-03T00:00:00+03:00"
    assert (v.end, v.fulfilled_at) == ("2026-03-03T00:00:00+03:00", "2026-03-03T00:00:00+03:00")
    assert v.sentence == (
        "order.placed of order o-2 at 2026-03-02 10:00:00+03:00: order.delivered only at "
        "2026-03-03 00:00:00+03:00, when the day had ended (by end of day)"
    )
    assert counts(result) == tally(scopes=2, activations=2, satisfied=1, violated=1)


def test_end_of_day_deadlines_read_as_the_next_midnight() -> None:
    rule = ir.Response(
        trigger=trig(pat("order.placed")),
        expect=pat("order.delivered"),
        window=ir.Window(direction="after", deadline=ir.CalendarPoint(point="end_of_day")),
    )
    log = Log()
    log.add("+0s", "order.placed", order="o-1")
    log.add("+15h30min", "order.delivered", order="o-1")  # 01:30 the next day
    log.add("+0s", "order.placed", order="o-2")  # never delivered
    result = run(policy(rule, scope=("order",)), log)
    late, missing = sorted(result.violations, key=lambda v: v.kind)
    assert late.sentence == (
        "order.placed of order o-1 at 2026-03-02 10:00:00+03:00: order.delivered only at "
        "2026-03-03 01:30:00+03:00, 1h30m after the day ended at 00:00:00 (by end of day)"
    )
    assert (missing.end, missing.details["deadline"]) == (
        "2026-03-03T00:00:00+03:00",
        "2026-03-03T00:00:00+03:00",
    )
    assert missing.sentence == (
        "order.placed of order o-2 at 2026-03-02 10:00:00+03:00: no order.delivered by end of "
        "day (deadline 2026-03-03 00:00:00+03:00)"
    )
    log = Log()
    log.add("+0s", "order.placed", order="o-3")  # open at the horizon (as of 23:00)
    result = run(policy(rule, scope=("order",)), log, as_of="+13h")
    assert [o.deadline for o in result.pending] == ["2026-03-03T00:00:00+03:00"]
    assert result.pending[0].sentence == (
        "order.placed of order o-3 at 2026-03-02 10:00:00+03:00: waiting for order.delivered "
        "by end of day (deadline 2026-03-03 00:00:00+03:00)"
    )


def test_paused_clock_moves_the_deadline() -> None:
    waiting = ir.State(name="waiting", start=pat("ticket.on_hold"), end=pat("ticket.resumed"))
    rule = ir.Response(
        trigger=trig(pat("ticket.opened")),
        expect=pat("ticket.solved"),
        window=after("1h", paused_while="waiting"),
    )
    p = policy(rule, scope=("ticket",), states=(waiting,))
    log = Log()
    log.add("+0s", "ticket.opened", ticket="t-1")
    log.add("+10min", "ticket.on_hold", ticket="t-1")
    log.add("+40min", "ticket.resumed", ticket="t-1")  # 30 min paused: deadline +90min
    log.add("+90min", "ticket.solved", ticket="t-1")  # exactly at the moved deadline
    log.add("+0s", "ticket.opened", ticket="t-2")
    log.add("+10min", "ticket.on_hold", ticket="t-2")
    log.add("+40min", "ticket.resumed", ticket="t-2")
    log.add("+95min", "ticket.solved", ticket="t-2")  # 5 min late
    log.add("+0s", "ticket.opened", ticket="t-3")
    log.add("+30min", "ticket.on_hold", ticket="t-3")  # paused at the horizon, 30 min left
    result = run(p, log)
    assert kinds(result) == [("late", "e5")]
    assert result.violations[0].details["deadline"] == "2026-03-02T11:30:00+03:00"
    # the pause that moved the deadline is named (hunt37 finding-3)
    assert result.violations[0].sentence == (
        "ticket.opened of ticket t-2 at 2026-03-02 10:00:00+03:00: ticket.solved only at "
        "11:35:00, 5m after the deadline 11:30:00 (within 1h paused while waiting)"
    )
    assert [(o.trigger.id, o.deadline) for o in result.pending] == [("e9", None)]
    assert result.pending[0].sentence.endswith(
        ": waiting for ticket.solved within 1h paused while waiting (clock paused with 30m left)"
    )
    assert counts(result) == tally(scopes=3, activations=3, satisfied=1, violated=1, pending=1)


def before_rule(min_: str | None, max_: str | None) -> ir.Policy:
    rule = ir.Response(
        trigger=trig(pat("technician.arrived")),
        expect=pat("notification.sent"),
        window=ir.Window(
            direction="before",
            min=dur(min_) if min_ else None,
            max=dur(max_) if max_ else None,
        ),
    )
    return policy(rule, scope=("appointment",))


def test_before_window_bounds_are_inclusive() -> None:
    log = Log()
    for i, sent in enumerate(("+25min", "+24min", "+0s", "+59min")):
        a = f"a-{i}"
        log.add(sent, "notification.sent", appointment=a)
        log.add("+60min", "technician.arrived", appointment=a)
    # arrival at +60min: the window is [+25min, +35min]
    result = run(before_rule("25min", "35min"), log)
    assert sorted(kinds(result)) == [("missing", "e4"), ("missing", "e6"), ("missing", "e8")]
    by_trigger = {v.trigger.id: v for v in result.violations if v.trigger}
    # Issue 12, point 6: a `before` window's violation reports the window itself.
    assert by_trigger["e6"].sentence == (
        "technician.arrived of appointment a-2 at 2026-03-02 11:00:00+03:00: no "
        "notification.sent between 35min and 25min before (from 10:25:00 to 10:35:00)"
    )
    assert (by_trigger["e6"].start, by_trigger["e6"].end) == (
        "2026-03-02T10:25:00+03:00",
        "2026-03-02T10:35:00+03:00",
    )
    assert counts(result) == tally(scopes=4, activations=4, satisfied=1, violated=3)


def test_violations_are_ordered_by_the_start_they_report() -> None:
    """A `before` window's violation starts where its window starts, before its trigger: the
    report puts it before a violation whose trigger came earlier (the SQL engines give their
    findings ordered by trigger and reorder them as the report is written)."""
    answer = ir.Response(
        trigger=trig(pat("complaint.filed")), expect=pat("case.answered"), window=after("1min")
    )
    notify = before_rule("25min", None).model_copy(update={"id": "b.notify"})
    log = Log()
    log.add("+0s", "complaint.filed", customer="c-1")  # missing: starts at +0s
    log.add("+10min", "technician.arrived", appointment="a-1")  # reported at -15min
    log.add("+20min", "complaint.filed", customer="c-2")  # missing: starts at +20min
    log.add("+30min", "case.note", customer="c-2")
    result = run([policy(answer, scope=("customer",), pid="a.answer"), notify], log)
    assert [(v.policy, v.start) for v in result.violations] == [
        ("b.notify", "2026-03-02T09:45:00+03:00"),
        ("a.answer", "2026-03-02T10:00:00+03:00"),
        ("a.answer", "2026-03-02T10:20:00+03:00"),
    ]


def test_before_window_without_limit_and_equal_times() -> None:
    log = Log()
    log.add("+0s", "notification.sent", appointment="a-1")
    log.add("+0s", "technician.arrived", appointment="a-1")  # same time, after: counts
    log.add("+0s", "technician.arrived", appointment="a-2")
    log.add("+0s", "notification.sent", appointment="a-2")  # same time, after: too late
    result = run(before_rule(None, None), log)
    assert kinds(result) == [("missing", "e3")]
    v = result.violations[0]
    assert v.sentence.endswith("no notification.sent before it")
    assert v.start == v.end == "2026-03-02T10:00:00+03:00"  # no earliest bound: the trigger


def test_before_window_with_only_an_upper_or_a_lower_bound() -> None:
    log = Log()
    log.add("+0s", "technician.arrived", appointment="a-1")
    result = run(before_rule(None, "30d"), log)
    v = result.violations[0]
    # Issue 12, point 20: 'within 30d before', not 'between 30d and no limit before'
    assert v.sentence == (
        "technician.arrived of appointment a-1 at 2026-03-02 10:00:00+03:00: no "
        "notification.sent within 30d before (from 2026-01-31 10:00:00+03:00 to "
        "2026-03-02 10:00:00+03:00)"
    )
    assert (v.start, v.end) == ("2026-01-31T10:00:00+03:00", "2026-03-02T10:00:00+03:00")
    v = run(before_rule("15min", None), log).violations[0]
    assert v.sentence == (
        "technician.arrived of appointment a-1 at 2026-03-02 10:00:00+03:00: no "
        "notification.sent at least 15min before (by 09:45:00)"
    )
    assert v.start == v.end == "2026-03-02T09:45:00+03:00"


def test_an_unless_counted_only_within_a_day_of_the_trigger(tmp_path: Path) -> None:
    # 'unless' takes no window (E100 says so); the time limit the hint writes is a condition on
    # the unless event's time: o1 is cancelled after 26h (too late: still owed, then missed),
    # o2 after 2h (cancelled)
    rule = compiled(
        tmp_path,
        "  per order\n  when order.placed\n  expect order.delivered within 2d\n"
        "  unless order.cancelled where time <= trigger.time + 1d\n",
        'policy orders.delivered "Orders are delivered"\n  owner "L"\n  description "D"\n',
    )
    log = Log()
    log.add("+0s", "order.placed", order="o1")
    log.add("+0s", "order.placed", order="o2")
    log.add("+2h", "order.cancelled", order="o2")
    log.add("+26h", "order.cancelled", order="o1")
    log.add("+3d", "order.delivered", order="o3")
    result = run(rule, log)
    assert kinds(result) == [("missing", "e1")]
    # three orders seen; o3 was never placed: a vacuous scope
    assert counts(result, "orders.delivered") == tally(
        scopes=3, vacuous=1, activations=2, violated=1, cancelled=1
    )


def test_a_window_that_opens_after_the_trigger_is_named_whole(tmp_path: Path) -> None:
    # (+0s is 10:00 in Istanbul.) A callback 5 minutes after a voicemail is too early for
    # 'between 10min and 40min after', but the breach said 'no callback.made within 40min':
    # the log shows one. A window without an end, 'at least 1d after', was 'waiting for
    # survey.sent at any time' beside a survey an hour later; a forbid between 1h and 7d after
    # said '(within 7d)' (hunt25 finding-7).
    head = 'policy p.test "Test policy"\n  owner "Desk"\n  description "Hunt 25"\n  per customer\n'
    callback = compiled(
        tmp_path,
        "  when voicemail.left\n  expect callback.made between 10min and 40min after\n",
        head,
    )
    log = Log()
    log.add("+0s", "voicemail.left", customer="c-1")
    log.add("+5min", "callback.made", customer="c-1")
    log.add("+2h", "voicemail.left", customer="c-2")
    result = run(callback, log)
    assert [v.sentence.split(": ", 1)[1] for v in result.violations] == [
        "no callback.made between 10min and 40min after (deadline 10:40:00)"
    ]
    assert [p.sentence.split(": ", 1)[1] for p in result.pending] == [
        "waiting for callback.made between 10min and 40min after (deadline 12:40:00)"
    ]
    survey = compiled(
        tmp_path, "  when order.delivered\n  expect survey.sent at least 1d after\n", head
    )
    log = Log()
    log.add("+0s", "order.delivered", customer="c-3")
    log.add("+1h", "survey.sent", customer="c-3")
    (waiting,) = run(survey, log).pending
    assert (
        waiting.sentence.split(": ", 1)[1]
        == "waiting for survey.sent at least 1d after (no deadline)"
    )
    quiet = compiled(
        tmp_path, "  when complaint.filed\n  forbid sales.call between 1h and 7d after\n", head
    )
    log = Log()
    log.add("+0s", "complaint.filed", customer="c-2")
    log.add("+2h", "sales.call", customer="c-2")
    (breach,) = run(quiet, log).violations
    assert breach.sentence.endswith("forbidden sales.call at 12:00:00 (between 1h and 7d after)")


def test_the_end_of_a_day_whose_midnight_the_clocks_skip() -> None:
    # Havana goes from 23:59:59 on Saturday 7 March 2026 to 01:00 on Sunday: the day ends at
    # 01:00 -04:00 (05:00Z), the first instant of Sunday. An order at 20:00 -05:00 delivered at
    # 01:10 -04:00 is 10 minutes late; the report showed the deadline as 23:59:59.999999 and said
    # "10m00.000001s after the deadline", since only a local 00:00 was taken for a new day.
    rule = ir.Response(
        trigger=trig(pat("order.placed")),
        expect=pat("order.delivered"),
        window=ir.Window(direction="after", deadline=ir.CalendarPoint(point="end_of_day")),
    )
    log = Log()
    log.add("+5d18h", "order.placed", order="o-1")  # 2026-03-08T01:00Z, 20:00 in Havana
    log.add("+5d22h10min", "order.delivered", order="o-1")  # 05:10Z, 01:10 -04:00
    log.add("+5d18h", "order.placed", order="o-2")  # never delivered
    result = run(policy(rule, scope=("order",), zone="America/Havana"), log, as_of="+6d")
    late, missing = sorted(result.violations, key=lambda v: v.kind)
    assert late.end == "2026-03-08T08:00:00+03:00"  # 05:00Z, in the log's zone
    assert late.sentence == (
        "order.placed of order o-1 at 2026-03-07 20:00:00-05:00: order.delivered only at "
        "2026-03-08 01:10:00-04:00, 10m after the day ended at 01:00:00 (by end of day)"
    )
    assert (missing.end, missing.details["deadline"]) == (
        "2026-03-08T08:00:00+03:00",
        "2026-03-08T08:00:00+03:00",
    )
