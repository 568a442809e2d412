"""Engines, the seam: what an engine is, what it reads, and what it gives back.

An engine runs a compiled policy set (`cxrules.ir`) over a source of events and returns neutral
findings (`cxrules.findings.assemble.Outcome`); it never writes a sentence or a report record.
Before reading any event it says which policies it cannot run (`limits`), as diagnostics, so a
construct an engine does not support is refused up front, never answered differently.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from cxrules import ir
from cxrules.diagnostics import Diagnostic, error
from cxrules.findings.alerts import Alert
from cxrules.findings.assemble import Outcome, Reading
from cxrules.logs import LogSet
from cxrules.logs.event import Event
from cxrules.logs.progress import NO_PROGRESS, Progress


class EngineError(Exception):
    """A run that cannot go on: a policy the engine cannot run, or events out of time order.
    The message says what and where."""


class OutOfMemory(EngineError):
    """The engine's database ran out of the memory the audit gave it (`--memory-limit`)."""


@dataclass(frozen=True)
class EventList:
    """Events already in memory (a Gherkin scenario, a test, a live feed), in any order: the
    engine stable-sorts them by time (equal times keep their order)."""

    events: Sequence[Event]


#: What an engine reads: log files opened with their mapping (`LogSet`: the engine may read the
#: files itself), or events already in memory.
Source = LogSet | EventList


#: The memory an audit may take, unless it says otherwise (`RunOptions.settings["memory_limit"]`,
#: `cxrules audit --memory-limit`): an engine's database holds what the program and its report
#: leave of it (`database_memory`), and spills the rest to disk.
DEFAULT_MEMORY_LIMIT = "1GB"
#: What the program takes beside its database's limit: the interpreter and the policies (about
#: 130 MB), one batch of violations being written, and what DuckDB holds outside its limit while
#: it reads and hands rows over (up to about 250 MB measured: bench/bench_memory.py).
PROGRAM_MEMORY = 384 * 10**6

_SIZE = re.compile(r"(\d{1,6}(?:\.\d{1,3})?)\s?([KMGT]?)(i?)B", re.IGNORECASE)


def memory_bytes(size: str) -> int:
    """Bytes in an amount written as DuckDB reads it: 500MB, 2GB (powers of 1000), 1.5GiB
    (powers of 1024)."""
    found = _SIZE.fullmatch(size.strip())
    if found is None:
        raise ValueError(f"{size!r} is not an amount of memory: write e.g. 500MB or 2GB")
    number, unit, binary = found.groups()
    power = "KMGT".find(unit.upper()) + 1 if unit else 0
    return int(Decimal(number) * (1024 if binary else 1000) ** power)


def database_memory(settings: dict[str, str]) -> str:
    """The memory limit of the audit's database: the audit's budget less what the program
    takes (`PROGRAM_MEMORY`), and at least half the budget; in whole megabytes."""
    budget = memory_bytes(settings.get("memory_limit") or DEFAULT_MEMORY_LIMIT)
    share = max(budget - PROGRAM_MEMORY, budget // 2)
    return f"{max(share // 10**6, 1)}MB"


@dataclass
class RunOptions:
    """How to run: the horizon (`as_of`, else the last event's time), the log's zone (naive
    times, calendar rules without a policy zone), where to report progress, and engine
    settings (memory limit, temporary folder, threads) that an engine may ignore.

    `progress` (`cxrules.logs.progress.Progress`; it ignores everything unless the command line
    shows a bar) is the hook for long audits: `phase(name, total)` when a phase begins,
    `read(done, total)` with bytes of the inputs read of `LogSet.total_bytes`, and
    `events(count)` with events audited. An engine that reads through `LogSet.events` passes it
    on (`logs.events(progress=options.progress)`) and gets the phases and bytes for free; one
    that reads the files itself (DuckDB) calls `phase` and `read` itself as it loads them."""

    as_of: datetime | None = None
    zone: str = "UTC"
    progress: Progress = NO_PROGRESS
    settings: dict[str, str] = field(default_factory=dict)


class Engine(ABC):
    """One way of running compiled policies. Subclasses are registered in `cxrules.engines`."""

    name: ClassVar[str]
    summary: ClassVar[str]

    @abstractmethod
    def limits(self, policy_set: ir.PolicySet) -> list[Diagnostic]:
        """The policies of the set this engine cannot run, as E302 diagnostics (empty: all)."""

    @abstractmethod
    def run(self, policy_set: ir.PolicySet, source: Source, options: RunOptions) -> Outcome:
        """Audit the source against every policy; EngineError when it cannot."""

    def follow(
        self,
        policy_set: ir.PolicySet,
        events: Iterable[Event],
        options: RunOptions,
        say: Callable[[Alert], None],
        counts: dict[str, int],
    ) -> Outcome:
        """Audit events as they come, in time order, saying alerts (`cxrules watch`); at their
        end, judge what is open. Only the reference engine follows a live stream."""
        raise EngineError(
            f"the {self.name} engine audits logs that are complete; the python engine follows "
            "a live stream"
        )

    def listing(self, policy_set: ir.PolicySet, zone: str, horizon_us: int | None) -> str | None:
        """The engine's own compiled form of the set as text (`cxrules compile --engine`): SQL
        for the SQL engines. None: the engine runs the engine-neutral form itself."""
        return None


#: The hint of E302 for a construct no engine runs: another engine is no way out.
NO_ENGINE_HINT = (
    "no engine runs it (cxrules check reports it, E228): rewrite the construct as the message says"
)


def cannot_run(engine: str, policy: ir.Policy, reason: str, everywhere: bool = False) -> Diagnostic:
    """The E302 diagnostic of a policy an engine cannot run, naming the policy and its file;
    `everywhere`: no engine runs the construct either (a window on business time)."""
    return error(
        "E302",
        f"policy {policy.id} ({policy.file}:{policy.line}) cannot run on the {engine} engine: "
        f"{reason}",
        hint=NO_ENGINE_HINT
        if everywhere
        else "run it on another engine (--engine), or rewrite the construct as the message says",
    )


def reading_of(logs: LogSet) -> Reading:
    """What the readers counted during the last read of `logs`, for the report."""
    from cxrules.reports.model import RejectedRecord

    rejected = [
        RejectedRecord(file=r.file, line=r.line, code=r.code, reason=r.reason, sample=r.sample)
        for r in sorted(logs.rejected, key=lambda r: (r.file, r.line))
    ]
    by_code = logs.rejected_by_code  # every rejected record, also beyond the kept list
    return Reading(
        inputs=logs.summaries(),
        rejected=rejected,
        rejected_total=logs.rejected_total,
        rejected_by_code=by_code if sum(by_code.values()) == logs.rejected_total else {},
    )
