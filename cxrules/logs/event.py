"""Log stage: the event every reader produces and every engine consumes, and rejected records."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

_MISSING = object()


@dataclass(slots=True, eq=False)
class Event:
    """One interaction event: a time point with a type and attributes.

    Treat it as immutable. It is not a frozen dataclass only because a frozen one costs about a
    microsecond more to build, a quarter of a reader's time per event; events compare and hash by
    identity (two reads of one record are two events).

    `time` is timezone-aware (any zone; engines compare instants). `seq` is the input order used to
    break ties between equal times. `file` and `line` point at the record the event came from, for
    evidence in reports (for a row that yields several events, they share file and line).
    """

    time: datetime
    type: str
    id: str
    attrs: dict[str, Any]
    file: str = ""
    line: int = 0
    seq: int = 0

    def get(self, path: str, default: Any = None) -> Any:
        """An attribute by name or dotted path: the flat key first, then nested objects.

        >>> from datetime import UTC
        >>> attrs = {"org:group": "G1", "a": {"b": 2}}
        >>> e = Event(datetime(2026, 3, 2, tzinfo=UTC), "x", "1", attrs)
        >>> e.get("org:group"), e.get("a.b"), e.get("nope", "-")
        ('G1', 2, '-')
        """
        value = self.attrs.get(path, _MISSING)
        if value is not _MISSING:
            return value
        if "." not in path:
            return default
        node: Any = self.attrs
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def has(self, path: str) -> bool:
        """True when the attribute is present and not null."""
        return self.get(path) is not None


@dataclass(slots=True, frozen=True)
class Rejected:
    """A record that could not become an event, with where it was and why (a diagnostic code)."""

    file: str
    line: int
    code: str
    reason: str
    sample: str = field(default="")

    @property
    def lost_lines(self) -> tuple[int, int] | None:
        """The first and last line of a quoted CSV field left open, which took the lines after
        it into this one record (E402 to the end of the file, E408 to the record limit): those
        lines' records were never audited. None for any other rejection."""
        return lost_lines(self.code, self.reason)

    @property
    def always_listed(self) -> bool:
        """Shown whatever the cap of listed rejections: a gzip file cut short (E415), and a
        quote left open that took lines after it (the records lost with it)."""
        return self.code == "E415" or self.lost_lines is not None


_SWALLOWED = re.compile(r"so lines (\d+) to (\d+) were read as one record")


def lost_lines(code: str, reason: str) -> tuple[int, int] | None:
    """`Rejected.lost_lines` of a rejection's code and reason (also a report's record)."""
    found = _SWALLOWED.search(reason) if code in ("E402", "E408") else None
    return (int(found[1]), int(found[2])) if found else None
