"""Report stage: the audit report as data — the versioned contract (`cxrules.report/1`).

Every rendering (text, JSON, JUnit, Markdown, CSV, HTML) is made from these models. Same inputs,
same report: lists are sorted, ids are content hashes, and no wall-clock time appears unless asked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

SCHEMA_ID: Final = "cxrules.report/1"

Severity = Literal["info", "low", "medium", "high", "critical"]
SEVERITY_ORDER: dict[str, int] = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EventRef(Model):
    """An event cited as evidence: its id, type, time (ISO 8601 in the log's zone), and origin."""

    id: str
    type: str
    time: str
    file: str
    line: int


class InputSummary(Model):
    """One log file read for the audit, with its checksum and how its records fared.

    `read == accepted + rejected`; `duplicates` are accepted records dropped as repeated ids
    (counted within `accepted`, not audited); `events` is the number of events it gave (a row
    may yield several events, or none), those after the horizon included (the report's
    `ignored_after_as_of`: read, not audited)."""

    path: str
    sha256: str
    format: str
    read: int
    accepted: int
    rejected: int
    duplicates: int
    events: int
    first_time: str | None = None
    last_time: str | None = None


class MetricValue(Model):
    """A metric's value in one group and bucket, and its status against the thresholds."""

    metric: str
    group: dict[str, str]
    bucket: str | None  # e.g. '2026-03-02' for days, '2026-03' for months, None for no bucket
    value: int | float | None  # an integer for a `count` metric
    population: int
    status: Literal["ok", "warn", "violated", "not_applicable", "insufficient"]
    threshold: str  # e.g. '>= 80%'
    warn: str | None = None
    unit: Literal["number", "percent", "duration"] = "number"


class PendingObligation(Model):
    """An obligation still open at the evaluation horizon: not a violation, reported with its
    deadline; `at_risk` when the deadline is within the policy's warning lead."""

    policy: str
    scope: dict[str, str]
    trigger: EventRef
    deadline: str | None
    at_risk: bool = False
    sentence: str


class PolicySummary(Model):
    """One policy's outcome over the whole audit."""

    id: str
    title: str
    severity: Severity
    owner: str
    kind: str  # the rule kind, e.g. 'response'
    file: str
    line: int
    scopes: int  # distinct scope values seen
    out_of_scope: int  # relevant events lacking a scope key
    vacuous: int  # scopes seen with no activation
    activations: int
    satisfied: int
    violated: int
    pending: int
    cancelled: int = 0
    warnings: int = 0
    compliance: float | None  # satisfied / (satisfied + violated); None when nothing was judged
    metrics: list[MetricValue] = []


class Violation(Model):
    """One breach: one per obligation instance (policy, scope, trigger), with its evidence."""

    id: str  # stable: a hash of policy, scope, trigger and kind
    policy: str
    kind: Literal[
        "missing",
        "late",
        "forbidden",
        "too_few",
        "too_many",
        "rate_exceeded",
        "gap",
        "too_long",
        "condition_false",
        "unmet",
        "metric",
        "metric_warning",
    ]
    severity: Severity
    scope: dict[str, str]
    start: str  # ISO 8601 in the log's zone
    end: str
    duration_seconds: float | None = None
    trigger: EventRef | None = None
    evidence: list[EventRef] = []
    fulfilled_at: str | None = None  # for 'late'
    sentence: str
    details: dict[str, Any] = {}


class RejectedRecord(Model):
    """A record that did not become an event, with where it was and why."""

    file: str
    line: int
    code: str
    reason: str
    sample: str = ""


class Report(Model):
    """The whole audit: what was read, against which policies, and what was found."""

    schema_: Literal["cxrules.report/1"] = Field(default=SCHEMA_ID, alias="schema")
    engine: str
    zone: str
    as_of: str | None
    policy_files: list[str]
    revision: str
    parameters: dict[str, Any] = {}
    # why the log files gave no event to judge (the verdict NOTHING AUDITED); None when the
    # audit judged some, or read no file (`reports.common.nothing_audited`)
    nothing_audited: str | None = None
    inputs: list[InputSummary]
    policies: list[PolicySummary]
    violations: list[Violation]
    pending: list[PendingObligation] = []
    rejected: list[RejectedRecord] = []
    rejected_total: int = 0  # may exceed len(rejected) when the list is capped
    rejected_by_code: dict[str, int] = {}  # complete counts, even when `rejected` is capped
    ignored_after_as_of: int = 0  # events later than the horizon, read but not audited

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    # the names of the policies' `report` values (not part of the JSON: a report read back
    # from JSON finds them in its violations' `details.report`)
    _reported: tuple[str, ...] = PrivateAttr(default=())

    def with_reported(self, names: Iterable[str]) -> Report:
        """The report, knowing the names its policies report (`reported_names`)."""
        self._reported = tuple(sorted(set(names)))
        return self

    def reported_names(self) -> tuple[str, ...]:
        """The names of the values the policies report (`report` clauses), sorted: those given
        by `with_reported`, else those in the violations' `details.report`."""
        if self._reported:
            return self._reported
        found: set[str] = set()
        for v in self.violations:
            found.update((v.details or {}).get("report") or {})
        return tuple(sorted(found))
