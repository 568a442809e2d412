"""Python engine, driver: bounded memory, order checks, feeding a live run in pieces."""

from __future__ import annotations

from collections import deque
from typing import Any

import pytest
from engine_builders import ZONE, Log, after, assembled, pat, policy, trig
from generated import merge_sorted, typical_policies

from cxrules import ir
from cxrules.engines.base import EngineError, EventList, RunOptions
from cxrules.engines.python import Audit, PythonEngine
from cxrules.engines.python.aggregates import Cell
from cxrules.engines.python.existence import Tally
from cxrules.engines.python.invariant import GapData
from cxrules.engines.python.obligations import ObData


def retained(data: Any) -> int:
    """How many objects one scope's rule memory holds (lists, windows, kept events)."""
    if isinstance(data, ObData):
        gate = len(data.gate.times) if data.gate is not None else 0
        return len(data.open) + len(data.missed) + len(data.past) + gate
    if isinstance(data, deque | list):
        return len(data)
    if isinstance(data, Tally):
        return len(data.kept)
    if data is None or isinstance(data, GapData):
        return 0
    raise AssertionError(f"unexpected scope memory {type(data).__name__}")


def test_memory_follows_open_scopes_not_log_length() -> None:
    events = merge_sorted(200_000, visits=500)  # 20,000 visit cycles over 500 visit ids
    audit = Audit(ir.PolicySet(policies=tuple(typical_policies())), zone=ZONE)
    audit.feed(events)
    worst = {}
    for runner in audit.runners:
        assert len(runner.scopes) <= 500, runner.policy.id
        worst[runner.policy.id] = max(
            (retained(s.data) + sum(len(k) for k in s.states) for s in runner.scopes.values()),
            default=0,
        )
        if hasattr(runner, "cells"):
            assert all(isinstance(c, Cell) and not c.values for c in runner.cells.values())
    # each visit id recurs every 6,500 s, after its previous cycle ended: nothing piles up;
    # the repeat policy keeps at most nth = 3 times per scope, sms at most one hour of events;
    # quiet's last window per visit stays until the visit's next event of its types expires it
    assert worst == {
        "octopus": 0,
        "escalate": 0,
        "repeat": 3,
        "sms": 1,
        "wording": 0,
        "battery": 0,
        "quiet": 1,
        "kpi": 0,
    }
    outcome = audit.finish()
    assert outcome.audited == 200_000
    result = assembled(ir.PolicySet(policies=tuple(typical_policies())), outcome)
    assert result.violations == []
    by_id = {p.id: p for p in result.policies}
    assert by_id["escalate"].activations == by_id["escalate"].satisfied == 20_000
    assert by_id["octopus"].activations == by_id["octopus"].satisfied == 20_000
    assert by_id["quiet"].satisfied == 20_000 - 1  # the last window is still open
    assert by_id["quiet"].pending == 1


def escalate() -> ir.Policy:
    rule = ir.Response(
        trigger=trig(pat("complaint.filed")), expect=pat("case.escalated"), window=after("1h")
    )
    return policy(rule, scope=("customer",))


def test_events_out_of_time_order_are_refused_with_their_position() -> None:
    log = Log()
    log.add("+1h", "complaint.filed", customer="c-1")
    log.add("+0s", "case.escalated", customer="c-1")
    audit = Audit(ir.PolicySet(policies=(escalate(),)), zone=ZONE)
    with pytest.raises(EngineError) as info:
        audit.feed(log.events)
    assert str(info.value) == (
        "log.jsonl:2: event 'e2' at 2026-03-02 10:00:00+03:00 comes after a later event "
        "('e1' at 2026-03-02 11:00:00+03:00); events must be sorted by time"
    )


def test_feeding_in_pieces_equals_one_run() -> None:
    log = Log()
    for c, offset in (("c-1", "+0s"), ("c-2", "+10min"), ("c-3", "+2h")):
        log.add(offset, "complaint.filed", customer=c)
    log.add("+30min", "case.escalated", customer="c-2")
    events = sorted(log.events, key=lambda e: e.time)
    ps = ir.PolicySet(policies=(escalate(),))
    audit = Audit(ps, zone=ZONE)
    audit.feed(events[:2])
    audit.feed(events[2:])
    whole = PythonEngine().run(ps, EventList(events), RunOptions(zone=ZONE))
    assert assembled(ps, audit.finish()) == assembled(ps, whole)
    late = Audit(ps, zone=ZONE)
    late.feed(events[2:])
    with pytest.raises(EngineError, match="events must be sorted by time"):
        late.feed(events[:1])


def test_business_time_sliding_windows_are_refused_before_reading_events() -> None:
    office = ir.Calendar(
        name="office",
        zone=ZONE,
        hours=(ir.WeekHours(weekday=0, ranges=(("09:00", "17:00"),)),),
    )
    rule = ir.RateLimit(
        pattern=pat("a"),
        at_most=1,
        within=ir.Duration(seconds=3600, calendar="office", unit="hours", text="1 bh"),
    )
    ps = ir.PolicySet(policies=(policy(rule),), calendars={"office": office})
    [problem] = PythonEngine().limits(ps)
    assert (problem.code, problem.message) == (
        "E302",
        "policy p.test (:0) cannot run on the python engine: a rate-limit window on business "
        "time (1 bh) is not supported; use a fixed duration",
    )
    assert problem.hint == (
        "no engine runs it (cxrules check reports it, E228): rewrite the construct as the message "
        "says"
    )
