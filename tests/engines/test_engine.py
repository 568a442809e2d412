"""Engines: determinism, the horizon, and clear errors for policies that cannot run."""

from __future__ import annotations

from typing import Any

import pytest
from engine_builders import ZONE, Log, after, at, counts, pat, policy, run, tally, trig

from cxrules import ir
from cxrules.engines.base import EngineError
from cxrules.findings.text import iso
from cxrules.time.instants import to_us


def escalate() -> ir.Policy:
    rule = ir.Response(
        trigger=trig(pat("complaint.filed")), expect=pat("case.escalated"), window=after("1h")
    )
    return policy(rule, scope=("customer",))


def test_same_input_same_result() -> None:
    log = Log()
    for c in ("c-2", "c-1", "c-3"):
        log.add("+0s", "complaint.filed", customer=c)
    log.add("+2h", "tick", customer="c-1")
    first, second = run(escalate(), log), run(escalate(), log)
    assert first == second
    assert len({v.id for v in first.violations}) == 3
    # one start, one policy: ordered by id
    assert [v.id for v in first.violations] == sorted(v.id for v in first.violations)


def test_horizon_defaults_to_the_last_event_and_can_be_set() -> None:
    log = Log()
    log.add("+0s", "complaint.filed", customer="c-1")
    log.add("+30min", "tick", customer="c-1")
    assert run(escalate(), log).as_of == iso(to_us(at("+30min")), ZONE)
    result = run(escalate(), log, as_of="+2h")  # later than the log: the deadline has passed
    assert counts(result) == tally(activations=1, violated=1)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            ir.Invariant(
                during="nowhere",
                condition=ir.Lit(value=True, type="bool"),
                grace=ir.Duration(seconds=0),
            ),
            "policy p.test (:0): 'while nowhere' names a state the policy does not define",
        ),
        (
            ir.MetricCheck(
                metric=ir.Metric(
                    name="m",
                    aggregate=ir.Aggregate(
                        fn="nps", pattern=pat("s"), value=ir.Attr(path="x"), variant="net-7"
                    ),
                ),
                require=ir.Threshold(op=">=", value=1),
            ),
            "policy p.test (:0): nps variant 'net-7' is not supported (only 'standard')",
        ),
    ],
)
def test_unsupported_policies_fail_with_a_clear_message(rule: Any, message: str) -> None:
    ps = ir.PolicySet(policies=(policy(rule),))
    with pytest.raises(EngineError) as info:
        run(ps.policies[0], Log())
    assert str(info.value) == message


def test_unknown_zone_is_a_clear_error(engine: str) -> None:
    from cxrules.audit import audit_events

    with pytest.raises(EngineError, match="unknown time zone 'Mars/Olympus'"):
        audit_events(ir.PolicySet(policies=()), [], engine=engine, zone="Mars/Olympus")


def test_unknown_policy_zone_is_a_clear_error() -> None:
    p = escalate().model_copy(update={"zone": "Europe/Atlantis"})
    with pytest.raises(EngineError) as info:
        run(p, Log())
    assert str(info.value).startswith("policy p.test (:0): unknown time zone 'Europe/Atlantis'")
