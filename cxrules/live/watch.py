"""`cxrules watch`: the reference engine following a log as it is written (docs/live.md).

`watch_log` opens everything as `cxrules.audit.open_audit` does (policies, mapping, the log),
drives the reference engine's `follow` one event at a time through the lateness gate, says
alerts as they come (`cxrules.findings.alerts`), and,
once the stream ends (its end when not following; Ctrl-C, SIGTERM or the end of standard input
when following), judges what is open at the last event's time and gives the report of
everything read — the report `cxrules audit --engine python` gives for the same events.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cxrules import engines
from cxrules.audit import AuditError, unreadable
from cxrules.diagnostics import Diagnostic
from cxrules.engines.base import EngineError, RunOptions, reading_of
from cxrules.findings.alerts import Alert, Heard
from cxrules.findings.assemble import ReportHeader, assemble
from cxrules.live.follow import Followed
from cxrules.live.source import LIVE_FORMATS, Gate, LiveInput
from cxrules.logs import LogSet, load_mapping
from cxrules.logs.errors import LogError, MappingError
from cxrules.logs.event import Event, Rejected
from cxrules.logs.files import EXTENSIONS, check_readable
from cxrules.policyset import load_policies
from cxrules.reports.model import Report
from cxrules.time.format import DurationTextError, parse_duration_text
from cxrules.time.instants import seconds_to_us

#: Seconds of log time a followed stream remembers an event's duplicate key (`id`,
#: `duplicate_key`): a repeat within it is dropped as in an audit, and the memory of a watch of
#: weeks stays bounded.
REMEMBER_IDS = 86_400.0


@dataclass
class WatchRequest:
    """Everything a watch needs, as given on the command line."""

    policies: list[str]
    log: str  # a file, or '-': standard input
    mapping: str | None = None
    overrides: dict[str, str] = field(default_factory=dict)
    project_dir: Path = field(default_factory=Path.cwd)
    log_format: str | None = None
    lateness: str = "0s"
    follow: bool = True
    max_rejected: int = 1000


@dataclass
class Watched:
    """How the watch went: events audited, alerts said by kind, late events rejected."""

    events: int = 0
    alerts: dict[str, int] = field(default_factory=dict)
    late: int = 0


def watch_log(
    request: WatchRequest,
    say: Callable[[Alert], None],
    stop: threading.Event,
    notice: Callable[[str], None] = lambda message: None,
) -> tuple[Report, list[Diagnostic], Watched]:
    """Follow the log, saying alerts, until it ends or `stop` is set; then give the report of
    everything read. Raises AuditError (exit 2: policies or usage; 3: the log)."""
    lateness = _lateness(request.lateness)
    loaded = load_policies(request.policies, request.overrides)
    if loaded.policy_set is None:
        reason = "no policy files found" if not loaded.workspace.sources else "invalid policies"
        raise AuditError(reason, 2, loaded.diagnostics)
    policy_set = loaded.policy_set
    engine = engines.get("python")
    limits = engine.limits(policy_set)
    if limits:
        raise AuditError("the policies cannot run on the python engine", 2, limits)
    try:
        mapping = load_mapping(request.mapping, request.project_dir)
    except MappingError as exc:
        raise AuditError("invalid log mapping", 2, exc.diagnostics) from exc
    zone = mapping.zone or "UTC"
    fmt = _format(request.log, request.log_format or mapping.format)
    path = None if request.log == "-" else request.log
    try:
        if path is not None:
            check_readable(Path(path), path)
        stream = Followed(path, follow=request.follow, stop=stop, notice=notice)
    except (LogError, OSError) as exc:
        error = exc if isinstance(exc, LogError) else LogError(request.log, str(exc))
        raise AuditError("the log cannot be read", 3, [unreadable(error)]) from exc
    if request.follow:
        notice(f"following {path or 'standard input'}; Ctrl-C ends the watch")
    try:
        log = LiveInput(request.log, mapping, stream, fmt)
    except MappingError as exc:
        stream.close()
        raise AuditError("invalid log mapping", 2, exc.diagnostics) from exc
    logs = LogSet([log], max_rejected=request.max_rejected)
    rejections: deque[Rejected] = deque()
    logs.rejected = Heard(rejections, keep=request.max_rejected)
    gate = Gate(logs, log, lateness, also=rejections.append)
    watched = Watched()
    counts = watched.alerts

    def say_rejected() -> None:
        while rejections:
            counts["rejected"] = counts.get("rejected", 0) + 1
            say(Alert("rejected", None, rejected=rejections.popleft()))

    def events() -> Iterator[Event]:
        for event in logs.deliver(gate.entries(), forget=REMEMBER_IDS + lateness / 1e6):
            say_rejected()
            watched.events += 1
            yield event
        say_rejected()

    try:
        outcome = engine.follow(policy_set, events(), RunOptions(zone=zone), say, counts)
    except LogError as exc:
        raise AuditError("the log cannot be read", 3, [unreadable(exc)]) from exc
    except MappingError as exc:
        raise AuditError("invalid log mapping", 2, exc.diagnostics) from exc
    except EngineError as exc:
        raise AuditError(f"the policies cannot run: {exc}", 2) from exc
    finally:
        stream.close()
    outcome.reading = reading_of(logs)
    watched.late = gate.late
    files = sorted(loaded.workspace.sources)
    header = ReportHeader(engine=engine.name, zone=zone, policy_files=files)
    report = assemble(policy_set, outcome, header).materialize()
    return report, loaded.diagnostics, watched


def _lateness(text: str) -> int:
    try:
        seconds = parse_duration_text(text)
    except DurationTextError as exc:
        raise _usage(f"--lateness: {exc}") from None
    if seconds < 0:
        raise _usage(f"--lateness must not be negative, not {text!r}")
    return seconds_to_us(seconds)


def _format(log: str, given: str | None) -> str:
    """The followed log's format: given, else its name's extension; JSON Lines for stdin."""
    if given is None:
        if log == "-":
            return "jsonl"
        name = log.lower()
        if name.endswith(".gz"):
            raise _usage(
                f"{log}: a gzip file is complete when it can be read; audit it with "
                "'cxrules audit' (watch follows JSON Lines or CSV as they are written)"
            )
        given = EXTENSIONS.get(Path(name).suffix)
        if given is None:
            raise _usage(f"{log}: the name does not say the format; give --log-format jsonl or csv")
    if given not in LIVE_FORMATS:
        raise _usage(
            f"{log}: watch follows JSON Lines or CSV as they are written, not {given}; a "
            f"{given} file is audited whole with 'cxrules audit'"
        )
    return given


def _usage(message: str) -> AuditError:
    return AuditError(message, 2)
