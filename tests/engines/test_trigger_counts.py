"""Engines: a trigger that meets its own obligation (`when T expect P …, trigger counts`), every
expected value by hand. Off (the default), the trigger never meets its own obligation
(tests/engines/test_response.py, `test_a_trigger_does_not_meet_its_own_obligation`). Times are
relative to Monday 2026-03-02 10:00 in Istanbul (+03:00)."""

from __future__ import annotations

from engine_builders import Log, after, attr, counts, kinds, op, pat, policy, run, tally, trig

from cxrules import ir


def pickup(trigger: ir.Pattern, expect: ir.Pattern, **kw: object) -> ir.Policy:
    """Per case: the trigger expects `expect` within 1h, the trigger counting."""
    rule = ir.Response(
        trigger=trig(trigger),
        expect=expect,
        window=after("1h"),
        trigger_counts=True,
        **kw,  # type: ignore[arg-type]
    )
    return policy(rule, scope=("case",))


def test_a_trigger_meets_its_own_obligation() -> None:
    log = Log()
    log.add("+0s", "ping", case="c-1")  # meets its own
    log.add("+30min", "ping", case="c-1")  # nothing else open: meets its own too
    result = run(pickup(pat("ping"), pat("ping")), log)
    assert result.violations == [] and result.pending == []
    assert counts(result) == tally(activations=2, satisfied=2)
    # the default, for comparison: e2 meets e1's obligation, e2's own stays open
    strict = ir.Response(trigger=trig(pat("ping")), expect=pat("ping"), window=after("1h"))
    result = run(policy(strict, scope=("case",)), log)
    assert [o.trigger.id for o in result.pending] == ["e2"]
    assert counts(result) == tally(activations=2, satisfied=1, pending=1)


def test_one_event_meets_older_obligations_and_its_own() -> None:
    # Declare: an event meets every open obligation it matches, its own included
    log = Log()
    log.add("+0s", "case.opened", case="c-1")  # obligation 1
    log.add("+10min", "case.taken", case="c-1")  # meets 1; triggers 2 and meets it
    log.add("+20min", "case.taken", case="c-1")  # triggers 3 and meets it
    result = run(pickup(pat("case.opened", "case.taken"), pat("case.taken")), log)
    assert result.violations == [] and result.pending == []
    assert counts(result) == tally(activations=3, satisfied=3)


def test_with_each_the_trigger_meets_its_own_only_if_it_met_no_older_one() -> None:
    log = Log()
    log.add("+0s", "case.opened", case="c-1")  # obligation 1
    log.add("+10min", "case.taken", case="c-1")  # meets 1 (the oldest); 2 stays open
    log.add("+20min", "case.taken", case="c-1")  # meets 2; 3 stays open
    log.add("+0s", "case.taken", case="c-2")  # nothing older: meets its own
    result = run(pickup(pat("case.opened", "case.taken"), pat("case.taken"), each=True), log)
    assert kinds(result) == []
    assert [(o.trigger.id, o.deadline) for o in result.pending] == [
        ("e3", "2026-03-02T11:20:00+03:00")
    ]
    assert counts(result) == tally(scopes=2, activations=4, satisfied=3, pending=1)


def test_with_each_and_unless() -> None:
    # the same as above, then a withdrawal cancels obligation 3 (the sequential step on SQL)
    log = Log()
    log.add("+0s", "case.opened", case="c-1")
    log.add("+10min", "case.taken", case="c-1")
    log.add("+20min", "case.taken", case="c-1")
    log.add("+30min", "case.withdrawn", case="c-1")
    log.add("+0s", "case.taken", case="c-2")  # meets its own: nothing left to cancel
    log.add("+5min", "case.withdrawn", case="c-2")
    p = pickup(
        pat("case.opened", "case.taken"),
        pat("case.taken"),
        each=True,
        unless=pat("case.withdrawn"),
    )
    result = run(p, log)
    assert kinds(result) == [] and result.pending == []
    assert counts(result) == tally(scopes=2, activations=4, satisfied=3, cancelled=1)


def test_the_trigger_counts_only_when_where_holds_for_it() -> None:
    # `where` reads the trigger: a note meets an obligation when its `ok` is the trigger's `want`
    expect = pat("note", where=op("==", attr("ok"), attr("want", of="trigger")))
    log = Log()
    log.add("+0s", "note", case="c-1", ok=1, want=1)  # meets its own (1 == 1)
    log.add("+10min", "note", case="c-1", ok=2, want=3)  # not its own (2 != 3)
    log.add("+30min", "note", case="c-1", ok=3, want=9)  # meets e2's (3 == 3), not its own
    for each in (False, True):
        result = run(pickup(pat("note"), expect, each=each), log)
        assert kinds(result) == [], each
        assert [o.trigger.id for o in result.pending] == ["e3"], each
        assert counts(result) == tally(activations=3, satisfied=2, pending=1), each


def test_a_trigger_after_its_own_deadline_is_late() -> None:
    # a deadline read from the trigger that is already past: the trigger meets it, late
    rule = ir.Response(
        trigger=trig(pat("ping")),
        expect=pat("ping"),
        window=ir.Window(direction="after", deadline=attr("due")),
        trigger_counts=True,
    )
    log = Log()
    log.add("+1h", "ping", case="c-1", due="2026-03-02T10:30:00+03:00")
    log.add("+2h", "ping", case="c-1", due="2026-03-02T13:00:00+03:00")  # in time: met
    result = run(policy(rule, scope=("case",)), log)
    assert kinds(result) == [("late", "e1")]
    v = result.violations[0]
    assert v.fulfilled_at == "2026-03-02T11:00:00+03:00"
    assert [e.id for e in v.evidence] == ["e1", "e1"]
    assert counts(result) == tally(activations=2, satisfied=1, violated=1)
