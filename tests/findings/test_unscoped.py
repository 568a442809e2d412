"""W409: a `when … expect` or `when … forbid` rule without `per`, over a log whose events carry
the thing they are about, judges every event in one scope: one `order.delivered` meets every
order waiting. The audit warns, with the `per` to write."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cxrules.audit import AuditRequest, run_audit
from cxrules.cli import main
from cxrules.findings.unscoped import unscoped
from cxrules.logs.profile import LogProfile
from cxrules.policyset import load_policies

POLICIES = """\
policy delivery.on-time "Orders are delivered within two days"
  owner "Logistics"
  description "Every order placed is delivered within two days."
  when order.placed
  expect order.delivered within 2d

policy delivery.per-order "Each order is delivered within two days"
  owner "Logistics"
  description "The same rule, judged per order."
  per order
  when order.placed
  expect order.delivered within 2d

policy delivery.no-call-after "No sales call after a complaint"
  owner "Logistics"
  description "Forbid after, without per."
  when complaint.filed
  forbid sales.call within 7d

policy delivery.every-hour "A status report every hour"
  owner "Logistics"
  description "Types that name no attribute: nothing to say."
  when shift.started
  expect status.reported within 1h
"""

LOG = """\
{"time": "2026-03-02T10:00:00Z", "type": "order.placed", "order": "o-1"}
{"time": "2026-03-02T11:00:00Z", "type": "order.placed", "order": "o-2"}
{"time": "2026-03-02T12:00:00Z", "type": "order.delivered", "order": "o-1"}
{"time": "2026-03-02T13:00:00Z", "type": "complaint.filed", "Complaint ID": 7}
{"time": "2026-03-06T12:00:00Z", "type": "shift.started", "crew": "c-1"}
"""


def _policies(tmp_path: Path) -> Path:
    path = tmp_path / "p.cxr"
    path.write_text(POLICIES, encoding="utf-8")
    return path


def test_rules_without_per_over_events_naming_their_subject_are_warned(tmp_path: Path) -> None:
    loaded = load_policies([str(_policies(tmp_path))])
    assert loaded.policy_set is not None, loaded.diagnostics
    profile = LogProfile(
        types={"order.placed", "order.delivered", "complaint.filed", "shift.started"},
        paths={"order", "Complaint ID", "crew"},
    )
    found = unscoped(loaded.policy_set, profile)  # the policies in the order of their ids
    assert [(d.code, d.span.line, d.message, d.hint) for d in found] == [
        (
            "W409",
            14,
            "policy delivery.no-call-after has no 'per': every event is in one scope, so any "
            "sales.call after a complaint.filed breaks it, whatever its Complaint ID",
            # a name with a blank is written in backticks
            "to judge each Complaint ID on its own, write under the title: per `Complaint ID`",
        ),
        (
            "W409",
            1,  # no sources: the policy's line
            "policy delivery.on-time has no 'per': every event is in one scope, so one "
            "order.delivered meets every order.placed waiting, whatever its order",
            "to judge each order on its own, write under the title: per order",
        ),
    ]


def test_no_attribute_named_after_the_subject_no_warning(tmp_path: Path) -> None:
    loaded = load_policies([str(_policies(tmp_path))])
    assert loaded.policy_set is not None
    assert unscoped(loaded.policy_set, LogProfile(types={"order.placed"}, paths={"id"})) == []


def test_the_audit_warns_at_the_trigger_on_every_engine(tmp_path: Path, audit_engine: str) -> None:
    log = tmp_path / "orders.jsonl"
    log.write_text(LOG, encoding="utf-8")
    request = AuditRequest(
        policies=[str(_policies(tmp_path))], logs=[str(log)], engine=audit_engine
    )
    report, diagnostics = run_audit(request)
    warned = [(d.span.line, d.span.column) for d in diagnostics if d.code == "W409"]
    # the `when` lines of the two rules without per (column 8: the trigger's type)
    assert warned == [(17, 8), (4, 8)]  # delivery.no-call-after, delivery.on-time
    # the trap the warning is about: o-2 was never delivered, yet without per nothing breaks
    by_id = {p.id: p for p in report.policies}
    assert by_id["delivery.on-time"].violated == 0
    assert by_id["delivery.per-order"].violated == 1


def test_strict_does_not_fail_on_it(tmp_path: Path) -> None:
    log = tmp_path / "orders.jsonl"
    log.write_text(LOG, encoding="utf-8")
    policy = tmp_path / "on-time.cxr"
    policy.write_text(POLICIES.split("\n\n")[0] + "\n", encoding="utf-8")  # delivery.on-time
    args = ["audit", "--policies", str(policy), "--log", str(log), "--strict"]
    result = CliRunner().invoke(main, args)
    # warned, and the verdict is the audit's: no violation (exit 0), not --strict's exit 2
    assert "warning[W409]" in result.output and "(--strict)" not in result.output
    assert result.exit_code == 0
