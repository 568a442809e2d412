"""Audit stage: policies × logs → the report, on a chosen engine (the pipeline's top level)."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cxrules import engines, ir
from cxrules.diagnostics import Diagnostic, error, warning
from cxrules.engines.base import EngineError, EventList, OutOfMemory, RunOptions
from cxrules.findings.assemble import Assembled, ReportHeader, assemble, build_report
from cxrules.findings.booleans import BooleansAsText
from cxrules.findings.texts import NumbersAsText
from cxrules.findings.unscoped import unscoped
from cxrules.findings.unseen import unseen, zoneless
from cxrules.ir.validate import validate
from cxrules.ir.walk import uses_local_time
from cxrules.logs import LogSet, load_mapping, open_log
from cxrules.logs.errors import LogError, MappingError, OutOfOrder
from cxrules.logs.event import Event, lost_lines
from cxrules.logs.files import NO_MATCH, URL_REASON, log_files
from cxrules.logs.mapping import LogMapping
from cxrules.logs.progress import NO_PROGRESS, Progress
from cxrules.policyset import load_policies
from cxrules.reports.model import InputSummary, Report
from cxrules.source import Source
from cxrules.time.instants import in_range
from cxrules.time.zones import zone as lookup


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
    engine: str = engines.DEFAULT
    project_dir: Path = field(default_factory=Path.cwd)
    log_format: str | None = None
    max_rejected: int = 1000
    settings: dict[str, str] = field(default_factory=dict)  # engine settings (memory limit…)


def run_audit(
    request: AuditRequest, progress: Progress = NO_PROGRESS
) -> tuple[Report, list[Diagnostic]]:
    """Run an audit; returns the report and the policy warnings. Raises AuditError.

    `progress` hears how far the audit is (`cxrules.logs.progress`): the command line draws it
    as a bar on a terminal."""
    with open_audit(request, progress) as (assembled, diagnostics):
        return assembled.materialize(), diagnostics


@contextmanager
def open_audit(
    request: AuditRequest, progress: Progress = NO_PROGRESS
) -> Iterator[tuple[Assembled, list[Diagnostic]]]:
    """Run an audit and give its report with the violations and pending obligations still to
    come (`Assembled`), to be written as they come, and the warnings: the policies' own, then
    the names they read that no event of the log has (`cxrules.findings.unseen`: W401, W402,
    the same whatever the engine). The engine's resources (a DuckDB database) are released
    when the block ends. Raises AuditError."""
    try:
        engine = engines.get(request.engine)
    except KeyError as exc:
        raise AuditError(exc.args[0], 2) from None
    paths = _log_paths(request.logs)
    given_once(paths)
    loaded = load_policies(request.policies, request.overrides)
    if loaded.policy_set is None:
        reason = "no policy files found" if not loaded.workspace.sources else "invalid policies"
        raise AuditError(reason, 2, loaded.diagnostics)
    policy_set = loaded.policy_set
    limits = engine.limits(policy_set)
    if limits:
        raise AuditError(f"the policies cannot run on the {engine.name} engine", 2, limits)
    try:
        mapping = load_mapping(request.mapping, request.project_dir)
    except MappingError as exc:
        raise AuditError("invalid log mapping", 2, exc.diagnostics) from exc
    zone = mapping.zone or "UTC"
    as_of = parse_as_of(request.as_of, zone) if request.as_of is not None else None
    try:
        inputs = [open_log(path, mapping, fmt=request.log_format) for path in paths]
    except LogError as exc:
        raise AuditError("a log cannot be read", 3, [unreadable(exc)]) from exc
    except MappingError as exc:
        raise AuditError("invalid log mapping", 2, exc.diagnostics) from exc
    logs = LogSet(inputs, max_rejected=request.max_rejected)
    zones: list[Diagnostic] = []
    if "zone" not in mapping.model_fields_set:  # no zone set: the log's times read in UTC
        zones = _zone_warnings(policy_set, logs)
    zones += _text_warnings(policy_set, logs, mapping, loaded.workspace.sources)
    options = RunOptions(as_of=as_of, zone=zone, progress=progress, settings=request.settings)
    header = ReportHeader(
        engine=engine.name, zone=zone, policy_files=sorted(loaded.workspace.sources)
    )
    # The readers and engines make millions of short-lived objects and no reference cycles:
    # the cyclic garbage collector only costs time there, so it is off while the engine runs;
    # on again while the report is written (the JSON encoder's closures are cycles: with the
    # collector off, 435,000 violations streamed from DuckDB kept a gigabyte alive).
    collecting = gc.isenabled()
    gc.disable()
    outcome = None
    try:
        try:
            outcome = engine.run(policy_set, logs, options)
            progress.phase("writing the report")
            assembled = assemble(policy_set, outcome, header)
        except LogError as exc:
            raise AuditError("a log cannot be read", 3, [unreadable(exc)]) from exc
        except MappingError as exc:  # found while reading: a duplicate_key no event has
            raise AuditError("invalid log mapping", 2, exc.diagnostics) from exc
        except EngineError as exc:
            raise _engine_failed(engine.name, exc, "the policies cannot run") from exc
        if collecting:
            gc.enable()
        try:
            sources = loaded.workspace.sources
            names = unseen(policy_set, logs.profile, sources)
            names += unscoped(policy_set, logs.profile, sources)
            yield assembled, loaded.diagnostics + names + zones
        except EngineError as exc:  # while the violations were read for the report
            raise _engine_failed(engine.name, exc, "the report could not be finished") from exc
    finally:
        if collecting:
            gc.enable()
        if outcome is not None and outcome.close is not None:
            outcome.close()
        logs.close()


def given_once(logs: Sequence[str]) -> None:
    """Refuse a log given twice — the same file however spelt (log.jsonl, ./log.jsonl, a link to
    it, symbolic or hard, a glob overlapping a name) or standard input twice: its events would
    be audited twice, every breach counted double. AuditError, exit 2.

    >>> given_once(["a.jsonl", "b.jsonl"])
    >>> given_once(["a.jsonl", "a.jsonl"])
    Traceback (most recent call last):
    ...
    cxrules.audit.AuditError: the log 'a.jsonl' is given twice: its events would be audited twice
    >>> given_once(["a.jsonl", "./a.jsonl"])
    Traceback (most recent call last):
    ...
    cxrules.audit.AuditError: the log 'a.jsonl' is given twice (as 'a.jsonl' and './a.jsonl'): \
its events would be audited twice
    """
    seen: dict[object, str] = {}
    for path in logs:
        key = "-" if path == "-" else _identity(Path(path))
        if key not in seen:
            seen[key] = path
            continue
        first = seen[key]
        if path == "-":
            raise AuditError("'-' is given twice: standard input can be read once", 2)
        spellings = "" if first == path else f" (as '{first}' and '{path}')"
        raise AuditError(
            f"the log '{first}' is given twice{spellings}: its events would be audited twice", 2
        )


def _identity(path: Path) -> object:
    """What makes two names one file: its device and inode when it exists (a hard link is the
    same file under another name, as a symbolic link is), else the path resolved."""
    try:
        found = path.stat()
    except OSError:
        return path.resolve()
    return (found.st_dev, found.st_ino)


def copies(report: Report) -> list[str]:
    """The warnings about the log files that are no rejected record: two different files with
    the same records (a copy, a backup), each said once — their events were audited twice; not
    refused, two days can hold the same lines, but worth a word (empty files are alike and say
    nothing) — and a gzip file cut short (E415, always listed), audited up to its cut."""
    found = _copies(report.inputs)
    for record in report.rejected:
        if record.code == "E415":
            found.append(
                f"{record.file} ends mid-stream (its gzip data is cut short at line "
                f"{record.line}): the records before the cut are audited, the rest is lost (E415)"
            )
        lost = lost_lines(record.code, record.reason)
        if lost is not None and lost[1] > lost[0]:
            found.append(
                f"{record.file}: a quoted field opened on line {lost[0]} is not closed, so lines"
                f" {lost[0]} to {lost[1]} ({lost[1] - lost[0] + 1:,} lines) are one rejected"
                f" record ({record.code}): the records on them are not audited"
            )
    return found


def _copies(inputs: Sequence[InputSummary]) -> list[str]:
    first: dict[str, str] = {}
    found = []
    for log in inputs:
        if not log.read:
            continue
        earlier = first.setdefault(log.sha256, log.path)
        if earlier != log.path:
            found.append(
                f"{earlier} and {log.path} have the same content (sha256 {log.sha256[:8]}…): "
                "their events are counted twice"
            )
    return found


def _engine_failed(engine: str, exc: EngineError, what: str) -> AuditError:
    """The usage error for an engine's failure: memory running out, or `what` went wrong."""
    if isinstance(exc, OutOfMemory):
        return AuditError(f"the {engine} engine ran out of memory: {exc}", 2)
    return AuditError(f"{what} on the {engine} engine: {exc}", 2)


def check_against_logs(
    policy_set: ir.PolicySet,
    logs: Sequence[str],
    mapping: str | None = None,
    project_dir: Path | None = None,
    log_format: str | None = None,
    sources: Mapping[str, Source] | None = None,
) -> list[Diagnostic]:
    """The W401, W402 and W403 warnings of the policies against sample logs, read but not audited
    (`cxrules check --log`), at the names' first uses in `sources`. Raises AuditError when a log
    or the mapping cannot be read, or a log is given twice (its records would count twice)."""
    paths = _log_paths(logs)
    given_once(paths)
    try:
        log_mapping = load_mapping(mapping, project_dir or Path.cwd())
        inputs = [open_log(path, log_mapping, fmt=log_format) for path in paths]
    except LogError as exc:
        raise AuditError("a log cannot be read", 3, [unreadable(exc)]) from exc
    except MappingError as exc:
        raise AuditError("invalid log mapping", 2, exc.diagnostics) from exc
    sample = LogSet(inputs)
    texts = NumbersAsText(policy_set, log_mapping, sources)
    flags = BooleansAsText(policy_set, log_mapping, sources)
    try:
        try:
            for event in sample.events():
                texts.see(event)
                flags.see(event)
        except OutOfOrder:  # the order does not matter here: read it all, sorted
            texts = NumbersAsText(policy_set, log_mapping, sources)
            flags = BooleansAsText(policy_set, log_mapping, sources)
            for event in sample.events(sorted=True):
                texts.see(event)
                flags.see(event)
    except LogError as exc:
        raise AuditError("a log cannot be read", 3, [unreadable(exc)]) from exc
    except MappingError as exc:
        raise AuditError("invalid log mapping", 2, exc.diagnostics) from exc
    finally:
        sample.close()
    found = unseen(policy_set, sample.profile, sources)
    found += unscoped(policy_set, sample.profile, sources) + texts.warnings() + flags.warnings()
    if sample.rejected_total or not sample.profile.types:
        found.append(_rejected_in_sample(sample))
    if "zone" not in log_mapping.model_fields_set:
        found += _zone_warnings(policy_set, sample)
    return found


def _rejected_in_sample(sample: LogSet) -> Diagnostic:
    """W404: the records of a sample log that are no events, counted by code, the first shown
    (an audit would leave them out; the W401/W402 warnings know only the events)."""
    read = sum(log.read for log in sample.inputs)
    if not sample.rejected:  # nothing rejected, and no event either: an empty sample
        return warning(
            "W404",
            "the sample log holds no record: the names the policies read cannot be checked",
            hint="check against a log with events (an export that wrote nothing, the wrong file?)",
        )
    codes = sample.rejected_by_code  # every one counted, also beyond the kept list
    by_code = ", ".join(f"{n} × {code}" for code, n in codes.items())
    first = min(sample.rejected, key=lambda r: (r.file, r.line))
    return warning(
        "W404",
        f"{sample.rejected_total} of {read} records of the sample log were rejected ({by_code}); "
        f"the first: {first.file}:{first.line} {first.code} {first.reason}",
        hint="an audit leaves them out: fix the export or the log mapping (docs/mapping.md)",
    )


def audit_events(
    policy_set: ir.PolicySet,
    events: Sequence[Event],
    *,
    engine: str = engines.DEFAULT,
    as_of: datetime | None = None,
    zone: str = "UTC",
    policy_files: Sequence[str] = (),
) -> Report:
    """Audit events held in memory (any order: they are stable-sorted by time) against compiled
    policies on an engine, and return the report. EngineError when the engine cannot run them.

    This is what a Gherkin scenario, a test or a notebook calls; `run_audit` reads log files.
    """
    runner = engines.get(engine)
    limits = validate(policy_set) or runner.limits(policy_set)
    if limits:
        raise EngineError("; ".join(d.message for d in limits))
    outcome = runner.run(policy_set, EventList(events), RunOptions(as_of=as_of, zone=zone))
    header = ReportHeader(engine=runner.name, zone=zone, policy_files=list(policy_files))
    try:
        return build_report(policy_set, outcome, header)
    finally:
        if outcome.close is not None:
            outcome.close()


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
        moment = moment.replace(tzinfo=lookup(zone))
    if not in_range(moment):
        raise AuditError(
            f"--as-of '{text}' is outside the times cxrules can represent "
            "(0001-01-02 to 9999-12-30 UTC)",
            2,
        )
    return moment


def _zone_warnings(policy_set: ir.PolicySet, logs: LogSet) -> list[Diagnostic]:
    """For a mapping that sets no zone: W403 for the policies reading local time in UTC, from
    the offsets of the first events of each log; W406 when those times have no offset (read
    as UTC) while the policies or calendars name another zone. Nothing when a log cannot be
    read (the audit says why)."""
    named = sorted(
        {p.zone for p in policy_set.policies if p.zone}
        | {c.zone for c in policy_set.calendars.values()} - {"UTC", "Etc/UTC"}
    )
    local = any(p.zone is None and uses_local_time(p) for p in policy_set.policies)
    found: list[Diagnostic] = []
    try:
        if local:
            found += zoneless(policy_set, logs.sample_offsets())
        if named and logs.naive_times():
            found.append(
                warning(
                    "W406",
                    "the log's times have no offset and the mapping names no zone, so they are "
                    f"read as UTC; the policies are in {', '.join(named)}",
                    hint=f'set the zone the times are local to: [log] zone = "{named[0]}" in the '
                    'log mapping, or zone = "UTC" if they are UTC (docs/mapping.md)',
                )
            )
    except (LogError, MappingError):
        return found
    return found


def _text_warnings(
    policy_set: ir.PolicySet, logs: LogSet, mapping: LogMapping, sources: Mapping[str, Source]
) -> list[Diagnostic]:
    """W405 (W408) for the metrics whose values the first events of each log hold as text (as
    true or false) only, W407 for the attributes compared with a boolean that they hold as text
    only; nothing when a log cannot be read (the audit says why)."""
    numbers = NumbersAsText(policy_set, mapping, sources)
    flags = BooleansAsText(policy_set, mapping, sources)
    if not numbers.reads and not flags.reads:
        return []
    try:
        for event in logs.first_events():
            numbers.see(event)
            flags.see(event)
    except (LogError, MappingError):
        return []
    return numbers.warnings() + flags.warnings()


def _log_paths(logs: Sequence[str]) -> list[str]:
    """The log files given, a folder standing for the log files in it (`log_files`)."""
    try:
        return log_files(logs)
    except LogError as exc:
        raise AuditError("a log cannot be read", 3, [unreadable(exc)]) from exc


def unreadable(exc: Exception) -> Diagnostic:
    """E401 for a log that cannot be read, with a hint for the usual causes."""
    path = getattr(exc, "path", "")
    reason = getattr(exc, "reason", str(exc))
    hint = "check the path and the file's permissions; re-export a corrupt file"
    if "cannot tell the format" in reason:
        hint = "name the format: --log-format csv (or jsonl, parquet, xes)"
    if reason.startswith(NO_MATCH):
        hint = "`*`, `?` and `[…]` are wildcards: check the pattern against the folder's names"
    if "the header cannot be read" in reason:
        hint = "give the file's encoding in the mapping's [log] table (encoding = ...)"
    if reason == URL_REASON:
        hint = "copy the files to this machine, or give the path of a mount (e.g. /dbfs/...)"
    if "the folder holds no log file" in reason:
        hint = "name the log files, or give their names a log format's extension"
    return error("E401", f"cannot read the log '{path}': {reason}", hint=hint)


def usage_error(message: str) -> AuditError:
    return AuditError(message, 2, [error("E222", message)])
