"""Several expectations at one trigger, one verdict (issue 12, point 18), on every engine.
Expected values by hand (T0 = 2026-03-02 10:00 +03:00)."""

from __future__ import annotations

from pathlib import Path

import engine_builders
from engine_builders import Log, counts, run, tally

from cxrules import ir

HEAD = """policy p.test "Test policy"
  owner "Finance"
  description "Issue 12, point 18"
"""
REFUNDS = """  per customer
  when refund.issued
  expect return.received within 30d before
  expect at most 1 refund.issued within 30d before
"""


def compiled(tmp_path: Path, body: str) -> ir.Policy:
    return engine_builders.compiled(tmp_path, body, HEAD)


def refunds_log() -> Log:
    log = Log()
    log.add("+0s", "return.received", customer="c1")  # e1
    log.add("+1d", "refund.issued", customer="c1")  # e2: return 1d before, no refund: met
    log.add("+2d", "refund.issued", customer="c1")  # e3: return, 1 refund before: met
    log.add("+3d", "refund.issued", customer="c1")  # e4: 2 refunds before: unmet
    log.add("+3d1h", "refund.issued", customer="c2")  # e5: no return: unmet
    log.add("+4d", "refund.issued", customer="c2")  # e6: no return, 1 refund: unmet
    log.add("+5d", "refund.issued", customer="c2")  # e7: no return and 2 refunds: both
    log.add("+10d", "return.received", customer="c3")  # e8
    log.add("+40d", "refund.issued", customer="c1")  # e9: return 40d before, refunds 37d+
    log.add("+40d", "refund.issued", customer="c3")  # e10: return exactly 30d before: met
    log.add("+50d", "refund.issued", customer="c4")  # e11: the return comes after it
    log.add("+50d", "return.received", customer="c4")  # e12: same instant, later line
    return log


def test_one_verdict_names_every_failed_expectation(tmp_path: Path) -> None:
    result = run(compiled(tmp_path, REFUNDS), refunds_log())
    got = [(v.kind, v.trigger and v.trigger.id, v.start, v.end) for v in result.violations]
    # each failed window is [t − 30d, t]
    assert got == [
        ("unmet", "e4", "2026-02-03T10:00:00+03:00", "2026-03-05T10:00:00+03:00"),
        ("unmet", "e5", "2026-02-03T11:00:00+03:00", "2026-03-05T11:00:00+03:00"),
        ("unmet", "e6", "2026-02-04T10:00:00+03:00", "2026-03-06T10:00:00+03:00"),
        ("unmet", "e7", "2026-02-05T10:00:00+03:00", "2026-03-07T10:00:00+03:00"),
        ("unmet", "e9", "2026-03-12T10:00:00+03:00", "2026-04-11T10:00:00+03:00"),
        ("unmet", "e11", "2026-03-22T10:00:00+03:00", "2026-04-21T10:00:00+03:00"),
    ]
    no_return = "no return.received within 30d before"
    too_many = "2 refund.issued within 30d before (at most 1 allowed)"
    sentences = [v.sentence for v in result.violations]
    assert sentences[0] == f"refund.issued of customer c1 at 2026-03-05 10:00:00+03:00: {too_many}"
    assert sentences[1] == f"refund.issued of customer c2 at 2026-03-05 11:00:00+03:00: {no_return}"
    assert sentences[3] == (
        f"refund.issued of customer c2 at 2026-03-07 10:00:00+03:00: {no_return}; {too_many}"
    )
    assert result.violations[3].details == {
        "failed": [
            {"expect": "return.received within 30d before", "count": 0, "reason": no_return},
            {
                "expect": "at most 1 refund.issued within 30d before",
                "count": 2,
                "reason": too_many,
            },
        ]
    }
    assert result.violations[2].details == {
        "failed": [{"expect": "return.received within 30d before", "count": 0, "reason": no_return}]
    }
    assert [v.evidence[0].id for v in result.violations] == ["e4", "e5", "e6", "e7", "e9", "e11"]
    # met: e2, e3, e10; nothing stays open: a verdict at every trigger
    assert counts(result) == tally(scopes=4, activations=9, satisfied=3, violated=6)
    assert result.pending == []


def test_windows_of_their_own_and_a_where_reading_the_trigger(tmp_path: Path) -> None:
    body = (
        "  per ticket\n"
        "  when ticket.closed\n"
        "  expect at least 2 agent.replied before\n"
        "  expect survey.offered within 1h before where channel == trigger.channel\n"
    )
    log = Log()
    log.add("+0s", "agent.replied", ticket="t1")  # e1
    log.add("+0s", "agent.replied", ticket="t2")  # e2
    log.add("+1h", "agent.replied", ticket="t1")  # e3
    log.add("+1h", "survey.offered", ticket="t2", channel="sms")  # e4: 2h before, not email
    log.add("+2h", "survey.offered", ticket="t1", channel="email")  # e5
    log.add("+2h30min", "ticket.closed", ticket="t1", channel="email")  # e6: 2 replies: met
    log.add("+3h", "ticket.closed", ticket="t2", channel="email")  # e7: 1 reply, no survey
    result = run(compiled(tmp_path, body), log)
    (v,) = result.violations
    assert (v.kind, v.trigger and v.trigger.id) == ("unmet", "e7")
    # the span of the failed windows: 'before it' is the instant t, 'within 1h' is [t − 1h, t]
    assert (v.start, v.end) == ("2026-03-02T12:00:00+03:00", "2026-03-02T13:00:00+03:00")
    assert v.sentence == (
        "ticket.closed of ticket t2 at 2026-03-02 13:00:00+03:00: 1 agent.replied before it "
        "(at least 2 required); no survey.offered where channel == trigger.channel within 1h "
        "before"
    )
    assert [f["count"] for f in v.details["failed"]] == [1, 0]
    assert counts(result) == tally(scopes=2, activations=2, satisfied=1, violated=1)


def test_a_where_without_the_trigger_reads_the_history_of_the_event_itself(
    tmp_path: Path,
) -> None:
    """Found by the differential test: an expected event's `where` that does not read the
    trigger is judged at that event, with the scope's history up to it (as for a response's
    `before` window), not as the scope stands at the trigger."""
    body = """  per customer
  when refund.issued
  expect return.received within 30d before
    where count(note.added) >= 1
  expect at most 5 refund.issued within 30d before
"""
    log = Log()
    log.add("+0s", "refund.issued", customer="c1")  # e1: no return before: unmet
    log.add("+0s", "return.received", customer="c1")  # e2: no note before it: not counted
    log.add("+0s", "note.added", customer="c1")  # e3
    log.add("+0s", "refund.issued", customer="c1")  # e4: e2 had no note before: unmet
    log.add("+1h", "return.received", customer="c1")  # e5: e3 before it: counted
    log.add("+2h", "refund.issued", customer="c1")  # e6: e5 counts: met
    result = run(compiled(tmp_path, body), log)
    assert sorted((v.kind, v.trigger and v.trigger.id) for v in result.violations) == [
        ("unmet", "e1"),
        ("unmet", "e4"),
    ]
