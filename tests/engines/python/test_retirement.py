"""Reference engine: quiet scopes are retired, so memory follows the open scopes, exactly."""

from __future__ import annotations

import pytest
from engine_builders import (
    ZONE,
    Log,
    after,
    assembled,
    attr,
    counts,
    dur,
    lit,
    op,
    pat,
    policy,
    s,
    tally,
    trig,
)
from generated import shop_log

from cxrules import ir
from cxrules.engines.base import EngineError
from cxrules.engines.python import Audit


def unique_id_policies() -> list[ir.Policy]:
    """One policy of each kind the seed library retires, none reading the scope's history."""
    connection = ir.State(
        name="connection", start=pat("arm.connected"), end=pat("arm.disconnected"), by="arm"
    )
    in_shop = ir.State(name="in_shop", start=pat("customer.entered"), end=pat("customer.left"))
    return [
        policy(
            ir.Response(
                trigger=trig(pat("complaint.filed")),
                expect=pat("case.escalated"),
                window=after("24h"),
            ),
            scope=("customer", "topic"),
            pid="response",
        ),
        policy(
            ir.ForbidAfter(
                trigger=trig(pat("customer.left")), pattern=pat("sms.sent"), window=after("5s")
            ),
            scope=("visit",),
            pid="forbid_after",
        ),
        policy(
            ir.Invariant(
                during="in_shop",
                condition=op(">=", ir.StateRef(name="connection", fn="count"), lit(1)),
                grace=dur("30s"),
            ),
            scope=("visit",),
            states=(connection, in_shop),
            pid="invariant",
        ),
        policy(
            ir.ValueCheck(
                trigger=trig(pat("staff.said")),
                condition=op("==", attr("text"), s("my pleasure")),
            ),
            scope=("visit",),
            pid="value_check",
        ),
        policy(
            ir.Absence(
                pattern=pat("staff.said", where=op("contains", attr("text"), s("no problem")))
            ),
            scope=("visit",),
            pid="absence",
        ),
        policy(
            ir.RateLimit(pattern=pat("sms.sent"), at_most=3, within=dur("1h")),
            scope=("customer",),
            pid="rate_limit",
        ),
        policy(
            ir.MetricCheck(
                metric=ir.Metric(
                    name="escalation_share",
                    aggregate=ir.Aggregate(
                        fn="share",
                        pattern=pat("case.escalated"),
                        of=pat("complaint.filed"),
                        within=dur("1h"),
                    ),
                    bucket="day",
                    unit="percent",
                ),
                require=ir.Threshold(op=">=", value=0.9),
            ),
            scope=("customer",),
            pid="share",
        ),
    ]


def test_live_scopes_stay_bounded_with_unique_ids_and_the_report_is_exact() -> None:
    # 6,000 visit cycles of 120 s starting 13 s apart (about 10 open at once), every visit and
    # customer id new, as in a real export: 60,000 events over 21.7 hours
    events = sorted(shop_log(60_000, visits=10**9), key=lambda e: e.time)
    policy_set = ir.PolicySet(policies=tuple(unique_id_policies()))
    audit = Audit(policy_set, zone=ZONE, linger=600)
    worst = dict.fromkeys((r.policy.id for r in audit.runners), 0)
    for start in range(0, len(events), 1_000):
        audit.feed(events[start : start + 1_000])
        for r in audit.runners:
            worst[r.policy.id] = max(worst[r.policy.id], len(r.scopes))
    # a scope lives for its cycle (120 s), the linger (600 s) and at most one sweep period
    # (300 s) after it: (120 + 600 + 300) / 13 + 1 = 79.5 cycles, whatever the log's length;
    # the rate limit keeps a scope until its last sms leaves the 1 h window as well (the
    # linger passes meanwhile): (120 + 3600 + 300) / 13 + 1 = 310.2
    assert worst.pop("rate_limit") <= 310
    assert max(worst.values()) <= 79
    assert all(r.retired + len(r.scopes) == 6_000 for r in audit.runners)
    retired = assembled(policy_set, audit.finish())
    # the default linger (one day) is longer than this log: nothing is retired, same report
    kept = Audit(policy_set, zone=ZONE)
    kept.feed(events)
    assert all(r.retired == 0 and len(r.scopes) == 6_000 for r in kept.runners)
    whole = assembled(policy_set, kept.finish())
    assert retired.policies == whole.policies
    assert retired.violations == whole.violations and retired.pending == whole.pending
    by_id = {p.id: p for p in retired.policies}
    # each cycle: one complaint escalated after 10 s, one visit with the arm handed over
    # (connected all along), one 'my pleasure', one sms per customer; the last customer.left's
    # 5 s window is still open at the horizon (its end)
    assert (by_id["response"].scopes, by_id["response"].satisfied) == (6_000, 6_000)
    assert (by_id["forbid_after"].satisfied, by_id["forbid_after"].pending) == (5_999, 1)
    assert (by_id["invariant"].activations, by_id["invariant"].satisfied) == (6_000, 6_000)
    assert (by_id["value_check"].satisfied, by_id["absence"].satisfied) == (6_000, 6_000)
    assert (by_id["rate_limit"].satisfied, by_id["rate_limit"].violated) == (6_000, 0)
    assert by_id["share"].metrics[0].value == 1.0 and by_id["share"].metrics[0].population > 0
    assert retired.violations == []


def absence_per_visit() -> ir.Policy:
    return policy(ir.Absence(pattern=pat("staff.said")), scope=("visit",))


def run_linger(p: ir.Policy, log: Log, linger: float | None) -> dict[str, object]:
    ps = ir.PolicySet(policies=(p,))
    audit = Audit(ps, zone=ZONE, linger=linger)
    audit.feed(log.events)
    return counts(assembled(ps, audit.finish()))


def test_a_key_returning_after_retirement_is_still_one_scope() -> None:
    log = Log()
    log.add("+0s", "staff.said", visit="v-1")
    log.add("+1h", "customer.left", visit="v-1")  # not of the policy's types: never reaches it
    log.add("+3h", "other.event", visit="v-2")
    log.add("+4h", "staff.said", visit="v-1")
    # linger 1 h: v-1 is quiet from +0s; the sweep at +3h retires it; +4h starts a new lifetime
    # of its memory, but it is the same scope value: one scope, as with no retirement at all
    expected = tally(scopes=1, activations=2, violated=2)
    assert run_linger(absence_per_visit(), log, 3600) == expected
    assert run_linger(absence_per_visit(), log, 86_400) == expected
    assert run_linger(absence_per_visit(), log, None) == expected


def test_a_vacuous_retired_lifetime_stays_counted_as_vacuous() -> None:
    p = policy(
        ir.Response(trigger=trig(pat("a")), expect=pat("b"), window=after("1min")), scope=("k",)
    )
    log = Log()
    log.add("+0s", "b", k="x")  # a lifetime with no activation
    log.add("+2h", "a", k="x")
    log.add("+2h30s", "b", k="x")
    # the lifetime retired before the trigger had no activation; the key's later one had:
    # the scope value is activated, not vacuous, exactly as without retirement
    expected = tally(scopes=1, vacuous=0, activations=1, satisfied=1)
    assert run_linger(p, log, 3600) == expected
    assert run_linger(p, log, None) == expected


def test_history_policies_keep_their_scopes() -> None:
    # count(a) reads the scope's whole past: a quiet scope is kept, so the count stays right
    counted = ir.History(fn="count", pattern=pat("a"))
    p = policy(
        ir.ValueCheck(trigger=trig(pat("check")), condition=op(">=", counted, lit(2))),
        scope=("k",),
    )
    log = Log()
    log.add("+0s", "a", k="x")
    log.add("+1min", "a", k="x")
    log.add("+5h", "other", k="y")
    log.add("+10h", "check", k="x")
    assert run_linger(p, log, 3600) == tally(scopes=1, activations=1, satisfied=1)


def test_open_obligations_and_missed_ones_keep_their_scope() -> None:
    p = policy(
        ir.Response(trigger=trig(pat("a")), expect=pat("b"), window=after("2h")), scope=("k",)
    )
    log = Log()
    log.add("+0s", "a", k="x")  # missed at +2h: kept, so the b at +5h makes it late
    log.add("+4h", "a", k="y")  # open at the sweeps of +4h and +5h: kept
    log.add("+5h", "b", k="x")
    log.add("+5h30min", "b", k="y")
    result_counts = run_linger(p, log, 600)
    assert result_counts == tally(scopes=2, activations=2, satisfied=1, violated=1)


def test_counting_windows_retire_once_passed_not_before() -> None:
    # at most 1 'a' within 2h: the a at +0s still counts for the a at +1h50min even after a
    # sweep at +1h40min (linger 1 h): the window, not the linger, keeps it
    p = policy(ir.RateLimit(pattern=pat("a"), at_most=1, within=dur("2h")), scope=("k",))
    log = Log()
    log.add("+0s", "a", k="x")
    log.add("+1h40min", "z", k="other")
    log.add("+1h50min", "a", k="x")
    # (the z event reaches no runner: the policy knows one scope; retired too early, the a at
    # +1h50min would start a second one and be satisfied)
    assert run_linger(p, log, 3600) == tally(scopes=1, activations=2, satisfied=1, violated=1)


def test_linger_must_be_positive() -> None:
    with pytest.raises(EngineError, match="linger must be a positive number of seconds"):
        Audit(ir.PolicySet(policies=()), linger=0)


RETIREMENT_CASES = {
    "shop_week": ("policies", "examples/shop_week/week.jsonl.gz", "examples/shop_week"),
    "helpdesk": (
        "examples/helpdesk_italian_software/policies.cxr",
        "../shared/data/helpdesk_italian_software/finale.csv.gz",
        "examples/helpdesk_italian_software",
    ),
    "bpic2013_incidents": (
        "examples/bpic2013_incidents/policies.cxr",
        "../shared/data/bpic2013_incidents/bpi_challenge_2013_incidents.xes.gz",
        "examples/bpic2013_incidents",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(RETIREMENT_CASES))
def test_retirement_never_changes_a_report(case: str) -> None:
    """Scopes retired to save memory change no figure: the same audit with retirement disabled
    gives a byte-identical report (scopes count values, not lifetimes of their memory)."""
    from pathlib import Path

    from cxrules.audit import AuditRequest, run_audit
    from cxrules.reports.as_json import render_json

    root = Path(__file__).resolve().parents[3]
    policies, log, example = RETIREMENT_CASES[case]
    if not (root / log).exists():
        pytest.skip(f"{log} is absent (the real logs live in ../shared/data)")
    reports = []
    # a linger of a minute retires nearly every scope as soon as it can; "none" retires nothing
    # (the default, a day, is held to the golden reports by tests/test_golden_reports.py)
    for linger in ("60", "none"):
        request = AuditRequest(
            policies=[str(root / policies)],
            logs=[str(root / log)],
            mapping=str(root / example / "cxrules.toml"),
            project_dir=root,
            engine="python",
            settings={"linger": linger},
        )
        report, _ = run_audit(request)
        reports.append(render_json(report))
    assert reports[0] == reports[1]
