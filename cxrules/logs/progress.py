"""Log stage: how a long audit says how far it is — its phase, bytes read, events audited.

Readers and engines report to a `Progress`; the command line draws it as a bar with a
percentage and an ETA on a terminal, and shows nothing otherwise. The base class does nothing,
so a caller never checks whether anyone is listening.

Who calls what:

- `LogSet.events(progress=...)` (the python engine's reading) announces the phases — `auditing`
  while it streams; `reading to sort`, `sorting`, then `auditing` with the number of events when
  a log is not in time order — and reports `read(done, total)` about every thousand records,
  in bytes of the files as stored (compressed bytes for gzip; for Parquet, rows read as a share
  of the file), and once more when every input is read;
- an engine reports `events(count)` as it audits;
- an engine that reads the files itself (the coming DuckDB engine: `read_csv`, `read_json`)
  announces its own phases (`loading`, `auditing`) and calls `read(done, total)` itself, with
  `LogSet.total_bytes` as the total — from DuckDB's `query_progress()` as a share of it, say;
- `run_audit` announces `writing the report` once the engine is done.
"""

from __future__ import annotations

import sys
from typing import Any


class Progress:
    """Receives progress reports; every method does nothing here. Subclass to show them.

    >>> p = Progress()
    >>> p.phase("auditing"), p.read(10, 100), p.events(5)
    (None, None, None)
    """

    def phase(self, name: str, total: int | None = None) -> None:
        """A phase begins: `name` as a user reads it ('auditing', 'sorting'); `total` is the
        number of events it will go through when known (after a sort), else None."""

    def read(self, done: int, total: int) -> None:
        """`done` bytes of the inputs' `total` have been read."""

    def events(self, count: int) -> None:
        """`count` events have been audited so far."""


#: The progress of a run nobody watches.
NO_PROGRESS = Progress()


class ProgressBar(Progress):
    """An audit's progress drawn with rich on one line: the phase, a bar, the percentage, how
    much of how much (bytes while reading, events while auditing sorted events), the events
    audited and the ETA. A phase without a known total (sorting) pulses, with no percentage."""

    def __init__(self, console: Any = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, SpinnerColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as Bar

        self.bar = Bar(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(bar_width=24),
            TextColumn("{task.fields[percent]:>4} {task.fields[amount]}"),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console or Console(stderr=True),
            transient=True,
        )
        self.task = self.bar.add_task("preparing", total=None, percent="", amount="")
        self.unit = ""  # what the bar counts in this phase: "bytes", "events" or nothing
        self.count = 0  # events audited so far
        self.done, self.total = 0, 0

    def start(self) -> None:
        self.bar.start()

    def stop(self) -> None:
        self.bar.stop()

    def phase(self, name: str, total: int | None = None) -> None:
        self.unit = "events" if total is not None else ""
        self.done, self.total = 0, total or 0
        percent, amount = self._texts()
        self.bar.reset(
            self.task, total=total, completed=0, description=name, percent=percent, amount=amount
        )

    def read(self, done: int, total: int) -> None:
        if self.unit == "events":
            return  # this phase counts events, not bytes
        self.unit, self.done, self.total = "bytes", done, total
        percent, amount = self._texts()
        self.bar.update(self.task, completed=done, total=total, percent=percent, amount=amount)

    def events(self, count: int) -> None:
        self.count = count
        if self.unit == "events":
            self.done = count
        percent, amount = self._texts()
        self.bar.update(self.task, completed=self.done, percent=percent, amount=amount)

    def _texts(self) -> tuple[str, str]:
        """The percentage and the amount of the current phase.

        >>> bar = ProgressBar()
        >>> bar.read(1_500_000, 6_000_000); bar._texts()
        ('25%', '1.5 MB of 6.0 MB')
        >>> bar.events(20_000); bar._texts()
        ('25%', '1.5 MB of 6.0 MB · 20,000 events')
        >>> bar.phase("auditing", 80_000); bar.events(60_000); bar._texts()
        ('75%', '60,000 of 80,000 events')
        >>> bar.phase("sorting"); bar._texts()
        ('', '60,000 events')
        """
        share = f"{self.done / self.total:.0%}" if self.total else ""
        audited = f"{self.count:,} events" if self.count else ""
        if self.unit == "events":
            return share, f"{self.count:,} of {self.total:,} events"
        if self.unit == "bytes":
            read = f"{byte_size(self.done)} of {byte_size(self.total)}"
            return share, f"{read} · {audited}" if audited else read
        return "", audited


def byte_size(count: int) -> str:
    """A byte count for people: '512 B', '3.4 MB'.

    >>> byte_size(512), byte_size(3_400_000), byte_size(2_500_000_000)
    ('512 B', '3.4 MB', '2.5 GB')
    """
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} B"


class ProgressDisplay:
    """A progress bar on stderr while an audit runs; nothing at all when stderr is not a
    terminal (piped, redirected, in CI)."""

    def __enter__(self) -> Progress:
        if not sys.stderr.isatty():
            return NO_PROGRESS
        self.bar = ProgressBar()
        self.bar.start()
        return self.bar

    def __exit__(self, *exc: object) -> None:
        if hasattr(self, "bar"):
            self.bar.stop()
