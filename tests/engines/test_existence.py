"""Reference engine: existence, absence, forbid-after and rate limits, expected values by hand."""

from __future__ import annotations

from engine_builders import Log, after, attr, counts, kinds, op, pat, policy, run, s, tally, trig

from cxrules import ir


def greeted(at_least: int = 1, at_most: int | None = None) -> ir.Policy:
    rule = ir.Existence(pattern=pat("customer.greeted"), at_least=at_least, at_most=at_most)
    return policy(rule, scope=("visit",))


def test_existence_per_scope_at_the_horizon() -> None:
    log = Log()
    log.add("+0s", "customer.entered", visit="v-1")
    log.add("+1min", "customer.greeted", visit="v-1")
    log.add("+0s", "customer.entered", visit="v-2")  # never greeted
    log.add("+5min", "customer.left", visit="v-2")
    log.add("+6min", "customer.left")  # no visit: not a type the rule counts
    log.add("+6min", "customer.greeted")  # no visit: out of scope
    result = run(greeted(), log)
    assert kinds(result) == [("too_few", None)]
    v = result.violations[0]
    assert v.scope == {"visit": "v-2"}
    assert v.sentence == (
        "visit v-2 had 0 customer.greeted from 2026-03-02 10:00:00+03:00 to 10:06:00 "
        "(at least 1 required)"
    )
    assert counts(result) == tally(scopes=2, out_of_scope=1, activations=2, satisfied=1, violated=1)


def test_existence_bounds_are_inclusive() -> None:
    log = Log()
    for visit, n in (("v-2", 2), ("v-3", 3), ("v-4", 4)):
        for i in range(n):
            log.add(f"+{i}min", "customer.greeted", visit=visit)
    result = run(greeted(at_least=3, at_most=3), log)
    assert sorted(v.kind for v in result.violations) == ["too_few", "too_many"]
    many = next(v for v in result.violations if v.kind == "too_many")
    assert many.trigger is not None and many.trigger.id == "e9"  # the 4th of v-4
    assert many.sentence == (
        "visit v-4 had 4 customer.greeted (at most 3 allowed; the 4th at 2026-03-02 10:03:00+03:00)"
    )
    assert counts(result) == tally(scopes=3, activations=3, satisfied=1, violated=2)


def test_absence_each_matching_event_is_one_violation() -> None:
    rule = ir.Absence(
        pattern=pat("staff.said", where=op("contains", attr("text"), s("no problem")))
    )
    log = Log()
    log.add("+0s", "staff.said", text="my pleasure")
    log.add("+1min", "staff.said", text="sure, no problem!")
    log.add("+1min", "staff.said", text="No Problem")  # case-sensitive: fine
    result = run(policy(rule), log)
    assert kinds(result) == [("forbidden", "e2")]
    assert result.violations[0].sentence == (
        'forbidden staff.said at 2026-03-02 10:01:00+03:00: text = "sure, no problem!" '
        '(rule: forbid staff.said where text contains "no problem")'
    )
    assert counts(result) == tally(activations=3, satisfied=2, violated=1)


def forbid_after(**kw: object) -> ir.Policy:
    rule = ir.ForbidAfter(
        trigger=trig(pat("order.cancelled")),
        pattern=pat("payment.charged"),
        window=after("1h"),
        **kw,  # type: ignore[arg-type]
    )
    return policy(rule, scope=("order",))


def test_forbid_after_window_is_inclusive_and_clean_windows_are_satisfied() -> None:
    log = Log()
    log.add("+0s", "order.cancelled", order="o-1")
    log.add("+1h", "payment.charged", order="o-1")  # exactly at the end: forbidden
    log.add("+0s", "order.cancelled", order="o-2")
    log.add("+3601s", "payment.charged", order="o-2")  # after the window: fine
    log.add("+0s", "payment.charged", order="o-3")  # before any trigger: fine
    log.add("+0s", "order.cancelled", order="o-3")
    log.add("+3h", "tick", order="o-4")
    result = run(forbid_after(), log)
    assert kinds(result) == [("forbidden", "e1")]
    assert result.violations[0].sentence == (
        "order.cancelled of order o-1 at 2026-03-02 10:00:00+03:00: forbidden "
        "payment.charged at 11:00:00 (within 1h)"
    )
    assert counts(result) == tally(scopes=3, activations=3, satisfied=2, violated=1)


def test_forbid_after_pending_and_unless() -> None:
    log = Log()
    log.add("+0s", "order.cancelled", order="o-1")  # open at the horizon
    log.add("+0s", "order.cancelled", order="o-2")
    log.add("+10min", "order.reinstated", order="o-2")  # cancels the obligation
    log.add("+20min", "payment.charged", order="o-2")
    result = run(forbid_after(unless=pat("order.reinstated")), log, as_of="+30min")
    assert result.violations == []
    assert [(o.trigger.id, o.deadline) for o in result.pending] == [
        ("e1", "2026-03-02T11:00:00+03:00")
    ]
    assert counts(result) == tally(scopes=2, activations=2, pending=1, cancelled=1)


def test_forbid_after_with_unless_says_none_came_first() -> None:
    # the reinstatement came after the charge: too late to close the window (hunt37 finding-6)
    log = Log()
    log.add("+0s", "order.cancelled", order="o-1")
    log.add("+20min", "payment.charged", order="o-1")
    log.add("+30min", "order.reinstated", order="o-1")
    result = run(forbid_after(unless=pat("order.reinstated")), log)
    assert result.violations[0].sentence == (
        "order.cancelled of order o-1 at 2026-03-02 10:00:00+03:00: forbidden "
        "payment.charged at 10:20:00 (within 1h), with no order.reinstated before it"
    )


def sms_limit() -> ir.Policy:
    rule = ir.RateLimit(pattern=pat("sms.sent"), at_most=2, within=ir.Duration(seconds=3600))
    return policy(rule, scope=("customer",))


def test_rate_limit_window_is_inclusive() -> None:
    log = Log()
    log.add("+0s", "sms.sent", customer="c-1")
    log.add("+30min", "sms.sent", customer="c-1")
    log.add("+1h", "sms.sent", customer="c-1")  # 3 within [+0, +1h]: exceeded
    log.add("+1h", "sms.sent", customer="c-1")  # still 4 > 2: exceeded again
    log.add("+150min", "sms.sent", customer="c-1")  # window [+90min, +150min]: 1
    log.add("+0s", "sms.sent", customer="c-2")
    log.add("+3601s", "sms.sent", customer="c-2")
    log.add("+7202s", "sms.sent", customer="c-2")  # never 3 within an hour
    log.add("+0s", "sms.sent")  # out of scope
    result = run(sms_limit(), log)
    # both windows start at +0s; equal starts are ordered by violation id
    assert sorted(kinds(result)) == [("rate_exceeded", "e3"), ("rate_exceeded", "e4")]
    by_trigger = {v.trigger.id: v for v in result.violations if v.trigger}
    v = by_trigger["e3"]
    assert v.sentence == (
        "3 sms.sent for customer c-1 within 1h (at most 2 allowed): from "
        "2026-03-02 10:00:00+03:00 to 11:00:00"
    )
    assert [e.id for e in v.evidence] == ["e1", "e2", "e3"]
    assert [e.id for e in by_trigger["e4"].evidence] == ["e2", "e3", "e4"]
    assert by_trigger["e4"].sentence.startswith("4 sms.sent for customer c-1")
    assert counts(result) == tally(scopes=2, out_of_scope=1, activations=8, satisfied=6, violated=2)


def test_forbid_after_out_of_scope_and_equal_times() -> None:
    log = Log()
    log.add("+0s", "order.cancelled")  # no order: out of scope
    log.add("+0s", "order.cancelled", order="o-1")
    log.add("+0s", "payment.charged", order="o-1")  # same instant, after the trigger: forbidden
    log.add("+5min", "payment.charged")  # no order: out of scope
    result = run(forbid_after(), log, as_of="+2h")
    assert kinds(result) == [("forbidden", "e2")]
    assert counts(result) == tally(scopes=1, out_of_scope=2, activations=1, violated=1)


def test_absence_per_scope_counts_events_without_the_key() -> None:
    rule = ir.Absence(pattern=pat("call.dropped"))
    log = Log()
    log.add("+0s", "call.dropped", queue="q1")
    log.add("+0s", "call.dropped")  # no queue
    log.add("+1s", "call.answered", queue="q2")  # not read by the policy
    result = run(policy(rule, scope=("queue",)), log)
    assert kinds(result) == [("forbidden", "e1")]
    assert result.violations[0].scope == {"queue": "q1"}
    assert result.violations[0].sentence == (
        "forbidden call.dropped in queue q1 at 2026-03-02 10:00:00+03:00 "
        "(rule: forbid call.dropped)"
    )
    assert counts(result) == tally(scopes=1, out_of_scope=1, activations=1, violated=1)


def test_each_lifetime_of_an_ended_scope_has_its_own_too_few_id() -> None:
    # `per visit until customer.left`: v-1 is visited three times. The first and the third stay
    # are never greeted: two `too_few` violations of one scope value. A violation id tracks one
    # breach between reports (`cxrules diff` matches by it), so the two need two ids; both used
    # to hash (policy, scope, no trigger, kind) alike, and diff took two identical reports for
    # a changed breach.
    rule = ir.Existence(pattern=pat("customer.greeted"), at_least=1)
    p = policy(rule, scope=("visit",), scope_end=pat("customer.left"))
    log = Log()
    log.add("+0s", "customer.entered", visit="v-1")
    log.add("+2min", "customer.left", visit="v-1")
    log.add("+3min", "customer.entered", visit="v-1")
    log.add("+4min", "customer.greeted", visit="v-1")
    log.add("+6min", "customer.left", visit="v-1")
    log.add("+7min", "customer.entered", visit="v-1")
    log.add("+8min", "customer.left", visit="v-1")
    result = run(p, log)
    few = [(v.kind, v.start) for v in result.violations]
    assert few == [
        ("too_few", "2026-03-02T10:00:00+03:00"),
        ("too_few", "2026-03-02T10:07:00+03:00"),
    ]
    assert len({v.id for v in result.violations}) == 2
    assert counts(result) == tally(scopes=1, activations=3, satisfied=1, violated=2)
