"""Findings, alerts: what `cxrules watch` says while a log is read (docs/live.md).

- `violation`: a violation an engine has decided, the record the final report will hold (same
  id, same sentence) — at the event that decided it, or when the stream ends;
- `warning`: the same, for a metric's warning (`warn below`), which fails no audit;
- `overdue`: an obligation of a response rule whose deadline has passed (an event later than it
  has been read) with no event meeting it — written as the `missing` violation it will be unless
  a late event meets it (then a `late` violation follows);
- `gap`: an invariant's gap open for longer than its grace — written as the gap so far;
- `rejected`: a record of the log that was not audited (a bad line, a late event: E414).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

import orjson

from cxrules.logs.event import Rejected
from cxrules.reports.common import WARNING_KINDS, visible
from cxrules.reports.model import Violation

#: The kinds of alert, in the order a summary names them.
KINDS = ("violation", "warning", "overdue", "gap", "rejected")


def decided(violation: Violation) -> str:
    """The alert of a violation the engine decided: `warning` for a metric's warning (it fails
    no audit, and the report counts it apart), else `violation`."""
    return "warning" if violation.kind in WARNING_KINDS else "violation"


@dataclass(frozen=True)
class Alert:
    """One thing to say now: `kind` (violation, overdue, gap, rejected), the log time when it
    was noticed (ISO, the log's zone; None for a rejected record), and the record."""

    kind: str
    noticed: str | None
    violation: Violation | None = None
    rejected: Rejected | None = None

    def as_text(self) -> str:
        """One line for people: the time noticed, the kind, the severity, the policy, the
        sentence (control characters of log values shown escaped)."""
        if self.rejected is not None:
            r = self.rejected
            return visible(f"REJECTED  {r.file}:{r.line}: {r.code} {r.reason}")
        v = self.violation
        assert v is not None
        return visible(
            f"{self.noticed}  {self.kind.upper():<9} {v.severity:<8} {v.policy}: {v.sentence}"
        )

    def as_json(self) -> bytes:
        """One JSON object (a line of `--alerts jsonl`)."""
        body: dict[str, Any] = {"alert": self.kind, "noticed": self.noticed}
        if self.violation is not None:
            body["violation"] = self.violation.model_dump(mode="json")
        if self.rejected is not None:
            r = self.rejected
            body["rejected"] = {"file": r.file, "line": r.line, "code": r.code, "reason": r.reason}
        return orjson.dumps(body)


class Heard(list[Any]):
    """A list that also queues what is appended: how alerts hear the engine's violations and
    the readers' rejected records the moment they are written (the engine appends only). With
    `keep`, only the first `keep` items stay in the list (the report's capped list of rejected
    records); every item is queued."""

    def __init__(self, queue: deque[Any], keep: int | None = None) -> None:
        super().__init__()
        self.queue = queue
        self.keep = keep

    def append(self, item: Any) -> None:
        if self.keep is None or len(self) < self.keep:
            super().append(item)
        self.queue.append(item)
