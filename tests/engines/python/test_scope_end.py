"""Scopes that end at an event (`per visit until customer.left`): new lifetimes, bounded memory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from engine_builders import assembled

from cxrules.engines.python import Audit
from cxrules.ir import PolicySet
from cxrules.logs.event import Event
from cxrules.policyset import load_policies

BATTERY = """
policy octopus.battery "Customers leave with at least 90% battery"
  owner "Store operations"
  description "50% to start, +10% per connection."
  per visit{end}
  let battery = 50% + 10% * count(arm.connected)
  when customer.left
  require battery >= 90%
"""
T0 = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def compiled(tmp_path: Path, end: str) -> PolicySet:
    folder = tmp_path / ("ended" if end else "kept")
    folder.mkdir(exist_ok=True)
    (folder / "p.cxr").write_text(BATTERY.format(end=end), encoding="utf-8")
    loaded = load_policies([str(folder / "p.cxr")], root=folder)
    assert loaded.policy_set is not None, loaded.diagnostics
    return loaded.policy_set


def visit(name: str, start: datetime, arms: int, seq: int) -> list[Event]:
    events = [Event(start, "customer.entered", f"{name}-in", {"visit": name}, "log", seq, seq)]
    for i in range(arms):
        at = start + timedelta(minutes=i + 1)
        events.append(Event(at, "arm.connected", f"{name}-a{i}", {"visit": name, "arm": str(i)}))
    left = start + timedelta(minutes=arms + 2)
    events.append(Event(left, "customer.left", f"{name}-out", {"visit": name}))
    return events


def test_a_key_after_its_end_starts_a_new_scope_with_no_history(tmp_path: Path) -> None:
    # v-1 comes twice: 4 connections on the first visit (90%), none on the second (50%): one
    # scope value (scopes counts values), two lifetimes of its memory, each judged on its own.
    events = visit("v-1", T0, 4, 0) + visit("v-1", T0 + timedelta(days=1), 0, 10)
    policy_set = compiled(tmp_path, " until customer.left")
    ended = Audit(policy_set)
    ended.feed(events)
    result = assembled(policy_set, ended.finish(), "UTC")
    (summary,) = result.policies
    assert (summary.scopes, summary.activations, summary.satisfied, summary.violated) == (
        1,
        2,
        1,
        1,
    )
    assert result.violations[0].start == "2026-03-03T07:02:00+00:00"
    # Without the end, the second visit still counts the first one's four connections.
    kept_set = compiled(tmp_path, "")
    kept = Audit(kept_set)
    kept.feed(events)
    (summary,) = assembled(kept_set, kept.finish()).policies
    assert (summary.scopes, summary.satisfied, summary.violated) == (1, 2, 0)


def test_ended_scopes_of_a_history_policy_are_retired(tmp_path: Path) -> None:
    # 2,000 visits with their own ids, one every 10 minutes over about two weeks.
    events: list[Event] = []
    for n in range(2000):
        events += visit(f"v-{n}", T0 + timedelta(minutes=10 * n), 5, n)
    for policy_end, bounded in ((" until customer.left", True), ("", False)):
        policy_set = compiled(tmp_path, policy_end)
        audit = Audit(policy_set)
        audit.feed(events)
        (runner,) = audit.runners
        live = len(runner.scopes)
        summary = assembled(policy_set, audit.finish()).policies[0]
        assert (summary.scopes, summary.activations, summary.satisfied) == (2000, 2000, 2000)
        if bounded:
            # a day and a half of ended visits at most (the linger is 24 h; sweeps every 12 h)
            assert live <= 6 * 36
        else:
            assert live == 2000  # count(arm.connected) keeps every visit's history to the end
