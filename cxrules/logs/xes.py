"""Log stage: the XES reader, streaming with expat (no tree is ever built), typed values.

ElementTree's iterparse gives no line numbers, and evidence needs them, so this reader drives
the same expat parser directly, in chunks: memory holds one chunk's events at a time. Trace
attributes are inherited by the trace's events (the trace's `concept:name` as `case`); nested
attributes are flattened as `key.child`; lists become Python lists. XES `<global>` defaults are
not applied: an event without `time:timestamp` is rejected, not given 1970.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any
from xml.parsers import expat

from cxrules.logs.event import Rejected
from cxrules.logs.readers import Item

_CHUNK = 1 << 16
ATTRIBUTE_TAGS = frozenset({"string", "date", "int", "float", "boolean", "id", "list", "container"})


class _Frame:
    """Where attribute elements at one depth go: a dict and a key prefix, or a list."""

    __slots__ = ("target", "prefix", "items")

    def __init__(self, target: dict[str, Any] | None, prefix: str = "", items: list | None = None):
        self.target = target
        self.prefix = prefix
        self.items = items


def _typed(tag: str, key: str, value: str | None) -> tuple[Any, str | None]:
    """A typed value and, when it does not parse, the reason."""
    if value is None:
        return None, f"attribute '{key}' has no value"
    try:
        if tag == "int":
            return int(value), None
        if tag == "float":
            return float(value), None
        if tag == "boolean":
            lowered = value.strip().lower()
            if lowered not in ("true", "false"):
                return value, f"attribute '{key}' is not a boolean: {value!r}"
            return lowered == "true", None
        if tag == "date":
            return datetime.fromisoformat(value.strip()), None
    except ValueError:
        return value, f"attribute '{key}' is not a valid {tag}: {value!r}"
    return value, None


class _Handler:
    """The expat callbacks: builds one dict per event, with trace attributes inherited."""

    def __init__(self, label: str, time_key: str, parser: Any) -> None:
        self.label = label
        self.time_key = time_key
        self.parser = parser
        self.frames: list[_Frame | None] = []
        self.trace: dict[str, Any] | None = None
        self.event: dict[str, Any] | None = None
        self.event_line = 0
        self.problem: str | None = None
        self.trace_problem: str | None = None
        self.done: list[Item] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = name.rsplit(":", 1)[-1]
        parent = self.frames[-1] if self.frames else None
        if tag == "trace" and self.event is None and len(self.frames) == 1:
            self.trace = {}
            self.trace_problem = None
            self.frames.append(_Frame(self.trace))
        elif tag == "event" and self.event is None and len(self.frames) <= 2:
            self.event = {}
            self.event_line = self.parser.CurrentLineNumber
            self.problem = None
            self.frames.append(_Frame(self.event))
        elif tag in ATTRIBUTE_TAGS and parent is not None:
            self.frames.append(self._attribute(tag, attrs, parent))
        elif tag == "values" and parent is not None and parent.items is not None:
            self.frames.append(parent)
        else:
            self.frames.append(None)

    def _attribute(self, tag: str, attrs: dict[str, str], parent: _Frame) -> _Frame:
        key = attrs.get("key", "")
        value, problem = _typed(tag, key, attrs.get("value"))
        if problem and not (tag == "date" and parent.prefix + key == self.time_key):
            if self.event is not None:
                self.problem = self.problem or problem
            else:
                self.trace_problem = self.trace_problem or problem
        if tag == "list":
            items: list[Any] = []
            value = items
        elif tag == "container":
            value = None
            items = []
        else:
            items = []
        if parent.target is None:
            if parent.items is not None and value is not None:
                parent.items.append(value)
            return _Frame(None)
        full = parent.prefix + key
        if value is not None:
            parent.target[full] = value
        if tag == "list":
            return _Frame(None, "", items)
        return _Frame(parent.target, full + ".")

    def end(self, name: str) -> None:
        self.frames.pop()
        tag = name.rsplit(":", 1)[-1]
        if tag == "event" and self.event is not None and len(self.frames) <= 2:
            self._finish_event()
        elif tag == "trace" and len(self.frames) == 1:
            self.trace = None

    def _finish_event(self) -> None:
        event, self.event = self.event, None
        assert event is not None
        problem = self.problem or (self.trace_problem if self.trace is not None else None)
        if problem:
            self.done.append(Rejected(self.label, self.event_line, "E406", problem, ""))
            return
        row: dict[str, Any] = {}
        if self.trace:
            for key, value in self.trace.items():
                row["case" if key == "concept:name" else key] = value
        row.update(event)
        self.done.append((self.event_line, row, ""))


def read_xes(stream: IO[bytes], label: str, time_key: str = "time:timestamp") -> Iterator[Item]:
    """Events of an XES stream as rows; malformed XML rejects the rest of the file (E402)."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    handler = _Handler(label, time_key, parser)
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    while True:
        chunk = stream.read(_CHUNK)
        try:
            parser.Parse(chunk, not chunk)
        except expat.ExpatError as exc:
            yield from handler.done
            reason = (
                f"XML is not well-formed: {expat.errors.messages[exc.code]} at column "
                f"{exc.offset + 1}; the rest of the file is not read"
            )
            yield Rejected(label, exc.lineno, "E402", reason, "")
            return
        yield from handler.done
        handler.done = []
        if not chunk:
            return
