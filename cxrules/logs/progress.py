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
