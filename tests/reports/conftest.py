"""Fixtures for the report renderings: a small audit report built by hand.

Four policies, five violations (one a metric warning), three metric values, one open obligation
and three rejected records. Every expected value in the tests is worked out from this file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from cxrules.reports.model import (
    EventRef,
    InputSummary,
    MetricValue,
    PendingObligation,
    PolicySummary,
    RejectedRecord,
    Report,
    Violation,
)

VISITS = "logs/visits.jsonl"


def ref(id_: str, type_: str, time: str, line: int, file: str = VISITS) -> EventRef:
    """An evidence event."""
    return EventRef(id=id_, type=type_, time=time, file=file, line=line)


def build_report() -> Report:
    """The sample report (see the module docstring)."""
    e17 = ref("e-17", "arm.disconnected", "2026-03-02T10:05:00+03:00", 17)
    e18 = ref("e-18", "arm.connected", "2026-03-02T10:07:12+03:00", 18)
    e40 = ref("e-40", "customer.entered", "2026-03-03T11:00:00+03:00", 40)
    e25 = ref("e-25", "staff.said", "2026-03-02T12:30:00+03:00", 25)
    e60 = ref("e-60", "complaint.filed", "2026-03-03T15:00:00+03:00", 60)
    policies = [
        PolicySummary(
            id="restaurant.wording",
            title="Say 'my pleasure', never 'no problem'",
            severity="low",
            owner="Restaurant",
            kind="absence",
            file="policies/restaurant.cxr",
            line=5,
            scopes=1,
            out_of_scope=0,
            vacuous=0,
            activations=4,
            satisfied=3,
            violated=1,
            pending=0,
            compliance=0.75,
        ),
        PolicySummary(
            id="complaints.escalate-repeat",
            title="Escalate after 3 identical complaints",
            severity="high",
            owner="Customer care",
            kind="response",
            file="policies/complaints.cxr",
            line=3,
            scopes=2,
            out_of_scope=1,
            vacuous=0,
            activations=2,
            satisfied=1,
            violated=0,
            pending=1,
            compliance=1.0,
        ),
        PolicySummary(
            id="octopus.always-connected",
            title="A customer in the shop is always connected to an arm",
            severity="high",
            owner="Store operations",
            kind="invariant",
            file="policies/octopus.cxr",
            line=2,
            scopes=4,
            out_of_scope=0,
            vacuous=1,
            activations=3,
            satisfied=1,
            violated=2,
            pending=0,
            compliance=1 / 3,
        ),
        PolicySummary(
            id="callcenter.service-level",
            title="80% of calls answered within 20 s, per queue and day",
            severity="medium",
            owner="Call center",
            kind="metric",
            file="policies/callcenter.cxr",
            line=1,
            scopes=2,
            out_of_scope=0,
            vacuous=0,
            activations=0,
            satisfied=0,
            violated=1,
            pending=0,
            warnings=1,
            compliance=None,
            metrics=[
                MetricValue(
                    metric="service_level",
                    group={"queue": "billing"},
                    bucket="2026-03-02",
                    value=0.75,
                    population=8,
                    status="violated",
                    threshold=">= 80%",
                    warn=">= 85%",
                ),
                MetricValue(
                    metric="service_level",
                    group={"queue": "sales"},
                    bucket="2026-03-02",
                    value=5 / 6,
                    population=6,
                    status="warn",
                    threshold=">= 80%",
                    warn=">= 85%",
                ),
                MetricValue(
                    metric="service_level",
                    group={"queue": "sales"},
                    bucket="2026-03-03",
                    value=None,
                    population=0,
                    status="not_applicable",
                    threshold=">= 80%",
                    warn=">= 85%",
                ),
            ],
        ),
    ]
    violations = [
        Violation(
            id="v-oct-1",
            policy="octopus.always-connected",
            kind="gap",
            severity="high",
            scope={"visit": "v-1007"},
            start="2026-03-02T10:05:00+03:00",
            end="2026-03-02T10:07:12+03:00",
            duration_seconds=132,
            trigger=e17,
            evidence=[e17, e18],
            sentence="visit v-1007 had no connected arm from 10:05:00 to 10:07:12 "
            "(2m12s; grace 30s)",
        ),
        Violation(
            id="v-oct-2",
            policy="octopus.always-connected",
            kind="gap",
            severity="high",
            scope={"visit": "v-1011"},
            start="2026-03-03T11:00:00+03:00",
            end="2026-03-03T11:01:00+03:00",
            duration_seconds=60,
            trigger=e40,
            evidence=[e40],
            sentence="visit v-1011 had no connected arm from 11:00:00 to 11:01:00 (1m; grace 30s)",
        ),
        Violation(
            id="v-rest-1",
            policy="restaurant.wording",
            kind="forbidden",
            severity="low",
            scope={},
            start="2026-03-02T12:30:00+03:00",
            end="2026-03-02T12:30:00+03:00",
            trigger=e25,
            evidence=[e25],
            sentence='staff said "no problem" at 12:30:00',
            details={"text": "no problem, sir", "arm": "ayse"},
        ),
        Violation(
            id="v-cc-1",
            policy="callcenter.service-level",
            kind="metric",
            severity="medium",
            scope={"queue": "billing"},
            start="2026-03-02T00:00:00+03:00",
            end="2026-03-02T23:59:59+03:00",
            sentence="service_level of queue billing on 2026-03-02 was 75.0%, below 80%",
        ),
        Violation(
            id="v-cc-2",
            policy="callcenter.service-level",
            kind="metric_warning",
            severity="medium",
            scope={"queue": "sales"},
            start="2026-03-02T00:00:00+03:00",
            end="2026-03-02T23:59:59+03:00",
            sentence="service_level of queue sales on 2026-03-02 was 83.3%, below the warning 85%",
        ),
    ]
    return Report(
        engine="python",
        zone="Europe/Istanbul",
        as_of="2026-03-03T19:00:00+03:00",
        policy_files=[
            "policies/callcenter.cxr",
            "policies/complaints.cxr",
            "policies/octopus.cxr",
            "policies/restaurant.cxr",
        ],
        revision="sha256:3f2a9c",
        parameters={"max_wait": "3min", "grace": "30s"},
        inputs=[
            InputSummary(
                path=VISITS,
                sha256="a" * 64,
                format="jsonl",
                read=12,
                accepted=10,
                rejected=2,
                duplicates=1,
                events=9,
                first_time="2026-03-02T09:00:00+03:00",
                last_time="2026-03-03T18:30:00+03:00",
            ),
            InputSummary(
                path="logs/calls.csv",
                sha256="b" * 64,
                format="csv",
                read=6,
                accepted=5,
                rejected=1,
                duplicates=0,
                events=5,
                first_time="2026-03-02T08:00:00+00:00",
                last_time="2026-03-03T16:00:00+00:00",
            ),
        ],
        policies=policies,
        violations=violations,
        pending=[
            PendingObligation(
                policy="complaints.escalate-repeat",
                scope={"customer": "c-9", "topic": "billing"},
                trigger=e60,
                deadline="2026-03-04T15:00:00+03:00",
                sentence="customer c-9, topic billing: complaint filed at 15:00:00 awaits "
                "case.escalated",
            )
        ],
        rejected=[
            RejectedRecord(
                file=VISITS, line=4, code="E404", reason="time cannot be parsed: '2026-13-02'"
            ),
            RejectedRecord(
                file=VISITS, line=9, code="E402", reason="record is not valid JSON: missing ','"
            ),
            RejectedRecord(file="logs/calls.csv", line=3, code="E404", reason="time is empty"),
        ],
        rejected_total=3,
    )


@pytest.fixture
def report() -> Report:
    """A fresh sample report."""
    return build_report()


@pytest.fixture
def make_report() -> Callable[[], Report]:
    """The builder itself, for tests that need two equal but separate reports."""
    return build_report


def judged_nothing(report: Report) -> Report:
    """The sample audit with its horizon before every event (the 9 + 5 events of its two
    logs): no policy judged, no violation, the verdict NOTHING AUDITED."""
    counts = ("scopes", "out_of_scope", "vacuous", "activations", "satisfied", "violated")
    zero = dict.fromkeys((*counts, "pending", "cancelled", "warnings"), 0)
    policies = [
        p.model_copy(update={**zero, "compliance": None, "metrics": []}) for p in report.policies
    ]
    return report.model_copy(
        update={
            "as_of": "2026-03-01T00:00:00+03:00",
            "nothing_audited": "all 14 events are after the horizon 2026-03-01T00:00:00+03:00 "
            "(--as-of)",
            "ignored_after_as_of": 14,
            "policies": policies,
            "violations": [],
            "pending": [],
        }
    )


@pytest.fixture
def unjudged() -> Report:
    """The sample audit that judged no event (`judged_nothing`)."""
    return judged_nothing(build_report())


def daily_metrics(report: Report, queues: tuple[str, ...] = ("billing",), days: int = 30) -> Report:
    """The sample report whose service-level policy has, for each queue, `days` daily values
    from 2026-01-01 that all fail: day d (1, 2, …) is (79 - d % 30)% against >= 80% (78%, 77%,
    …, 50%, 79%, …); and two warnings of queue sales, 81% on 2026-01-01 and 84% on 2026-01-02."""
    base = report.policies[3].metrics[0]
    start = date(2026, 1, 1)
    values = [
        base.model_copy(
            update={
                "group": {"queue": queue},
                "bucket": (start + timedelta(days=d - 1)).isoformat(),
                "value": (79 - d % 30) / 100,
            }
        )
        for queue in queues
        for d in range(1, days + 1)
    ]
    warn = report.policies[3].metrics[1]
    values += [
        warn.model_copy(update={"bucket": "2026-01-01", "value": 0.81}),
        warn.model_copy(update={"bucket": "2026-01-02", "value": 0.84}),
    ]
    policy = report.policies[3].model_copy(update={"metrics": values})
    return report.model_copy(update={"policies": [*report.policies[:3], policy]})


def in_thousands(report: Report) -> Report:
    """The sample report at the scale of a real export: its 5 violations (4 failing: 2 high,
    1 medium, 1 low; 1 metric warning) 500 times each, its open obligation 1,200 times, 1,800
    rejected records (1,500 E402, 300 E404), the first log read 141,712 records (141,700
    accepted, 12 rejected, 141,700 events) and restaurant.wording judged 90,971 times (90,651
    satisfied, 320 violated)."""
    log = report.inputs[0].model_copy(
        update={"read": 141712, "accepted": 141700, "rejected": 12, "events": 141700}
    )
    wording = report.policies[0].model_copy(
        update={"activations": 90971, "satisfied": 90651, "violated": 320}
    )
    return report.model_copy(
        update={
            "inputs": [log, *report.inputs[1:]],
            "policies": [wording, *report.policies[1:]],
            "violations": report.violations * 500,
            "pending": report.pending * 1200,
            "rejected_total": 1800,
            "rejected_by_code": {"E402": 1500, "E404": 300},
        }
    )


@pytest.fixture(name="daily_metrics")
def daily_metrics_fixture() -> Callable[..., Report]:
    """`daily_metrics` itself, for the tests of long metric listings."""
    return daily_metrics


@pytest.fixture
def thousands() -> Report:
    """The sample report at the scale of a real export (`in_thousands`)."""
    return in_thousands(build_report())


def by_deadline(report: Report) -> Report:
    """The sample report with five open obligations of complaints.escalate-repeat, listed by
    customer as an engine lists them (by policy and trigger), not by urgency:

    - c-a: deadline 2026-03-10 09:00 +03:00;
    - c-b: at risk, deadline 2026-03-05 01:00 +03:00 (2026-03-04 22:00 UTC);
    - c-c: at risk, deadline 2026-03-04 23:00 UTC, an hour after c-b's although its text sorts
      first;
    - c-d: no deadline;
    - c-e: deadline 2026-03-06 09:00 +03:00.

    The order a reader needs: c-b, c-c (at risk, the nearer first), c-e, c-a, c-d."""
    base = report.pending[0]
    rows = (
        ("c-a", False, "2026-03-10T09:00:00+03:00"),
        ("c-b", True, "2026-03-05T01:00:00+03:00"),
        ("c-c", True, "2026-03-04T23:00:00+00:00"),
        ("c-d", False, None),
        ("c-e", False, "2026-03-06T09:00:00+03:00"),
    )
    pending = [
        base.model_copy(
            update={
                "scope": {"customer": who},
                "at_risk": risk,
                "deadline": due,
                "sentence": f"customer {who}: awaits case.escalated",
            }
        )
        for who, risk, due in rows
    ]
    return report.model_copy(update={"pending": pending})


@pytest.fixture
def deadlines() -> Report:
    """The sample report with five open obligations in an engine's order (`by_deadline`)."""
    return by_deadline(build_report())
