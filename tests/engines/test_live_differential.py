"""The python engine following a stream (`cxrules watch`) against the same engine auditing the
whole log: on the generated logs and policies of the engines' differential tests (response
rules with every window, pause and scope end; invariants and metrics on keyed states), the
report at the end of a followed stream is the audit's, and the alerts said on the way agree
with it:

- every `violation` alert is a violation of the report (same record), said once, and every
  violation of the report was said;
- every `overdue` alert names an obligation that the report holds as `missing` or `late` (the
  same policy, scope and trigger): an obligation said overdue is never met in time, cancelled or
  left pending;
- every `gap` alert names a gap the report holds as a violation from the same start.
"""

from __future__ import annotations

import importlib.util
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_differential_obligations import OFFICE, ZONE, cases

from cxrules import engines, ir
from cxrules.audit import audit_events
from cxrules.engines.base import RunOptions
from cxrules.findings.alerts import Alert
from cxrules.findings.assemble import ReportHeader, build_report
from cxrules.logs.event import Event
from cxrules.reports.as_json import render_json

_spec = importlib.util.spec_from_file_location(
    "live_metrics_invariants",
    Path(__file__).parent / "duckdb" / "test_differential_metrics_invariants.py",
)
assert _spec is not None and _spec.loader is not None
invariants = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(invariants)


def _plain(report: Any) -> dict[str, Any]:
    plain: dict[str, Any] = json.loads(render_json(report))
    return plain


def _followed(
    policy_set: ir.PolicySet, events: list[Event], zone: str, as_of: datetime | None
) -> tuple[dict[str, Any], list[Alert]]:
    said: list[Alert] = []
    ordered = sorted(events, key=lambda e: e.time)  # stable: equal times keep input order
    engine = engines.get("python")
    outcome = engine.follow(
        policy_set, ordered, RunOptions(as_of=as_of, zone=zone), said.append, {}
    )
    header = ReportHeader(engine="python", zone=zone, policy_files=[])
    return _plain(build_report(policy_set, outcome, header)), said


def _check(
    policy_set: ir.PolicySet, events: list[Event], zone: str, as_of: datetime | None
) -> None:
    expected = _plain(audit_events(policy_set, events, engine="python", as_of=as_of, zone=zone))
    report, said = _followed(policy_set, events, zone, as_of)
    assert report == expected
    violations = report["violations"]
    records = violations
    # every record is told once: a metric warning as a `warning` alert, the others as violations
    told = [a.violation.model_dump(mode="json") for a in said if a.kind in ("violation", "warning")]
    assert sorted(told, key=lambda v: v["id"]) == sorted(records, key=lambda v: v["id"])
    for alert in said:
        if alert.kind in ("violation", "warning"):
            assert alert.violation is not None
            warned = alert.violation.kind == "metric_warning"
            assert (alert.kind == "warning") == warned, (alert.kind, alert.violation.kind)

    def key(v: dict[str, Any]) -> tuple[Any, ...]:
        trigger = v["trigger"]["id"] if v["trigger"] else None
        return v["policy"], json.dumps(v["scope"], sort_keys=True), trigger

    decided = {key(v): v for v in records}
    for alert in said:
        assert alert.violation is not None
        v = alert.violation.model_dump(mode="json")
        if alert.kind == "overdue":
            assert decided[key(v)]["kind"] in ("missing", "late"), v
            assert decided[key(v)]["start"] == v["start"]
        elif alert.kind == "gap":
            assert decided[key(v)]["kind"] in ("gap", "too_long"), v
            assert decided[key(v)]["start"] == v["start"]


@pytest.mark.engines("python")
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(cases())
def test_a_followed_stream_of_obligations_reports_what_its_audit_reports(
    case: tuple[ir.Policy, list[Event], datetime | None],
) -> None:
    policy, events, as_of = case
    policy_set = ir.PolicySet(policies=(policy,), calendars={"office": OFFICE})
    _check(policy_set, events, ZONE, as_of)


@pytest.mark.engines("python")
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    invariants.records,
    st.sampled_from(invariants.EDGES),
    st.lists(st.sampled_from(invariants.BUCKETS), min_size=4, max_size=4),
    st.sampled_from(["0s", "2min", "4min", "30min"]),
)
# two calls queued in one bucket: a metric warning, which `watch` tells as a warning alert
@example(
    items=[(0, 0, "call.queued", None, "q1", None, None)] * 2,
    edge=("Europe/Bucharest", datetime(2026, 3, 29, 0, 0, tzinfo=UTC)),
    buckets=[None] * 4,
    grace="0s",
)
def test_a_followed_stream_of_invariants_and_metrics_reports_what_its_audit_reports(
    items: list[Any], edge: tuple[str, datetime], buckets: list[str | None], grace: str
) -> None:
    zone, instant = edge
    policy_set = ir.PolicySet(
        policies=tuple(invariants.policies(buckets, zone, 90, grace)),
        calendars=invariants.CALENDARS,
    )
    _check(policy_set, invariants.build(instant, items), zone, None)


@pytest.mark.engines("python")
def test_an_alert_said_overdue_is_the_missing_violation_it_becomes() -> None:
    """By hand: `when q expect a within 10min`; q at 10:00, an unrelated event at 10:20 (past the
    deadline: overdue), the end of the stream (missing, 10:00 to 10:10)."""
    from engine_builders import T0, after, pat, policy, trig

    rule = ir.Response(trigger=trig(pat("q")), expect=pat("a"), window=after("10min"))
    policy_set = ir.PolicySet(policies=(policy(rule, pid="p.ten"),))
    later = T0 + timedelta(minutes=20)
    events = [Event(T0, "q", "1", {}), Event(later, "x", "2", {})]
    report, said = _followed(policy_set, events, "UTC", None)
    noticed = later.astimezone(UTC).isoformat()
    assert [(a.kind, a.noticed) for a in said] == [("overdue", noticed), ("violation", noticed)]
    assert said[0].violation == said[1].violation  # the same record
    (missing,) = report["violations"]
    assert missing["kind"] == "missing"
    assert missing["start"] == T0.astimezone(UTC).isoformat()
    assert missing["end"] == (T0 + timedelta(minutes=10)).astimezone(UTC).isoformat()
