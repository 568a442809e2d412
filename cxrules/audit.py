"""Audit stage: policies × logs → the report, on a chosen engine (the pipeline's top level)."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from cxrules import ir
from cxrules.diagnostics import Diagnostic, error
from cxrules.logs import LogSet, OutOfOrder, load_mapping, open_log
from cxrules.logs.event import Event
from cxrules.policyset import load_policies
from cxrules.reports.model import (
    SEVERITY_ORDER,
    RejectedRecord,
    Report,
    Violation,
)
from cxrules.time.format import format_instant

if TYPE_CHECKING:
    from cxrules.engines.python.engine import EngineResult
    from cxrules.policyset import Loaded

ENGINES = ("python",)


class AuditError(Exception):
    """An audit that cannot run: invalid policies or usage (exit 2) or unreadable input (exit 3).
    `diagnostics` hold the details when there are any."""

    def __init__(self, message: str, exit_code: int, diagnostics: list[Diagnostic] | None = None):
        super().__init__(message)
        self.exit_code = exit_code
        self.diagnostics = diagnostics or []


@dataclass
class AuditRequest:
    """Everything an audit needs, as given on the command line."""

    policies: list[str]
    logs: list[str]
    mapping: str | None = None
    as_of: str | None = None
    overrides: dict[str, str] = field(default_factory=dict)
    engine: str = "python"
    project_dir: Path = field(default_factory=Path.cwd)
    log_format: str | None = None
    max_rejected: int = 1000


def run_audit(
    request: AuditRequest, progress: Callable[[int], None] | None = None
) -> tuple[Report, list[Diagnostic]]:
    """Run an audit; returns the report and the policy warnings. Raises AuditError."""
    if request.engine not in ENGINES:
        raise AuditError(
            f"engine '{request.engine}' is not available yet; available: {', '.join(ENGINES)}", 2
        )
    loaded = load_policies(request.policies, request.overrides)
    if loaded.policy_set is None:
        reason = "no policy files found" if not loaded.workspace.sources else "invalid policies"
        raise AuditError(reason, 2, loaded.diagnostics)
    from cxrules.logs.errors import LogError, MappingError

    try:
        mapping = load_mapping(request.mapping, request.project_dir)
    except MappingError as exc:
        raise AuditError("invalid log mapping", 2, exc.diagnostics) from exc
    zone = mapping.zone or "UTC"
    as_of = parse_as_of(request.as_of, zone) if request.as_of else None
    try:
        inputs = [open_log(path, mapping, fmt=request.log_format) for path in request.logs]
    except LogError as exc:
        raise AuditError("a log cannot be read", 3, [_unreadable(exc)]) from exc
    except MappingError as exc:
        raise AuditError("invalid log mapping", 2, exc.diagnostics) from exc
    logs = LogSet(inputs, max_rejected=request.max_rejected)
    from cxrules.engines.python.evaluate import EngineError

    try:
        result = _run_engine(loaded.policy_set, logs, as_of, zone, progress)
        report = build_report(loaded.policy_set, logs, result, request, zone, as_of, loaded)
    except LogError as exc:
        raise AuditError("a log cannot be read", 3, [_unreadable(exc)]) from exc
    except EngineError as exc:
        raise AuditError(
            f"the policies cannot run on the {request.engine} engine: {exc}", 2
        ) from exc
    finally:
        logs.close()
    return report, loaded.diagnostics


def parse_as_of(text: str, zone: str) -> datetime:
    """The evaluation horizon: an ISO 8601 time; a naive one is in the log's zone.

    >>> parse_as_of("2026-03-02T18:00", "Europe/Istanbul").isoformat()
    '2026-03-02T18:00:00+03:00'
    """
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise AuditError(
            f"--as-of '{text}' is not a time; write e.g. 2026-03-02T18:00:00+03:00", 2
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment


def _run_engine(
    policy_set: ir.PolicySet,
    logs: LogSet,
    as_of: datetime | None,
    zone: str,
    progress: Callable[[int], None] | None,
) -> EngineResult:
    from cxrules.engines.python.engine import Audit

    # The reader and the engine make millions of short-lived objects and no reference cycles:
    # the cyclic garbage collector only costs time here (about 40% of an audit), so it is off
    # for the run and back on afterwards.
    collecting = gc.isenabled()
    gc.disable()
    try:
        try:
            audit = Audit(policy_set, as_of=as_of, zone=zone)
            audit.feed(_counted(logs.events(), progress))
        except OutOfOrder:
            # The log is not in time order: read it again, sorted (held in memory).
            audit = Audit(policy_set, as_of=as_of, zone=zone)
            audit.feed(_counted(logs.events(sorted=True), progress))
        return audit.finish()
    finally:
        if collecting:
            gc.enable()


def _counted(events: Iterable[Event], progress: Callable[[int], None] | None) -> Iterator[Event]:
    if progress is None:
        yield from events
        return
    count = 0
    for event in events:
        yield event
        count += 1
        if count % 50_000 == 0:
            progress(count)
    progress(count)


def build_report(
    policy_set: ir.PolicySet,
    logs: LogSet,
    result: EngineResult,
    request: AuditRequest,
    zone: str,
    as_of: datetime | None,
    loaded: Loaded,
) -> Report:
    """Assemble the report from the engine's findings and the readers' counts."""
    rejected = [
        RejectedRecord(file=r.file, line=r.line, code=r.code, reason=r.reason, sample=r.sample)
        for r in sorted(logs.rejected, key=lambda r: (r.file, r.line))
    ]
    by_code = Counter(r.code for r in logs.rejected)
    horizon = result.as_of
    return Report(
        engine=request.engine,
        zone=zone,
        as_of=format_instant(horizon, zone) if horizon is not None else None,
        policy_files=sorted(loaded.workspace.sources),
        revision=policy_set.revision,
        parameters=dict(sorted(policy_set.parameters.items())),
        inputs=logs.summaries(),
        policies=result.policies,
        violations=result.violations,
        pending=result.pending,
        rejected=rejected,
        rejected_total=logs.rejected_total,
        ignored_after_as_of=result.after_as_of,
        rejected_by_code=dict(sorted(by_code.items()))
        if logs.rejected_total == len(rejected)
        else {},
    )


def failing(report: Report, fail_on: str) -> list[Violation]:
    """Violations at or above the severity `fail_on` (metric warnings never fail)."""
    floor = SEVERITY_ORDER[fail_on]
    return [
        v
        for v in report.violations
        if v.kind != "metric_warning" and SEVERITY_ORDER[v.severity] >= floor
    ]


def _unreadable(exc: Exception) -> Diagnostic:
    path = getattr(exc, "path", "")
    reason = getattr(exc, "reason", str(exc))
    return error(
        "E401",
        f"cannot read the log '{path}': {reason}",
        hint="check the path and the file's permissions; re-export a corrupt file",
    )


def usage_error(message: str) -> AuditError:
    return AuditError(message, 2, [error("E222", message)])
