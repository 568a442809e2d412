"""Log stage: the XES reader, streaming with expat (no tree is ever built), typed values.

ElementTree's iterparse gives no line numbers, and evidence needs them, so this reader drives
the same expat parser directly, in chunks: memory holds one chunk's events at a time. Trace
attributes are inherited by the trace's events (the trace's `concept:name` as `case`); nested
attributes are flattened as `key.child`; lists become Python lists. XES `<global>` defaults are
not applied: an event without `time:timestamp` is rejected, not given 1970.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any
from xml.parsers import expat

from cxrules.ir.reading import BLANKS, NUMBER_TEXT
from cxrules.logs.event import Rejected
from cxrules.logs.files import cut_record, is_cut
from cxrules.logs.readers import Item

_CHUNK = 1 << 16
_INT = re.compile(f"{BLANKS}*[+-]?[0-9]+{BLANKS}*")
_NUMBER = re.compile(NUMBER_TEXT)
ATTRIBUTE_TAGS = frozenset({"string", "date", "int", "float", "boolean", "id", "list", "container"})


# Where attribute elements at one depth go: (dict, key prefix, None), or (None, "", list) inside
# a list; None for elements whose content is ignored (log metadata, globals, extensions).
_Frame = tuple[dict[str, Any] | None, str, list[Any] | None]


def _typed(tag: str, key: str, value: str | None) -> tuple[Any, str | None]:
    """A typed value and, when it does not parse, the reason."""
    if value is None:
        return None, f"attribute '{key}' has no value"
    try:
        # ASCII digits only, as a CSV `numbers` column and the rule comparisons read a number
        # (`ir.reading`): Python's int() and float() would also take '1_000' and '١٢'
        if tag == "int":
            if _INT.fullmatch(value) is None:
                raise ValueError(value)
            return int(value), None
        if tag == "float":
            if _NUMBER.match(value) is None:
                raise ValueError(value)
            return float(value), None
        if tag == "boolean":  # xs:boolean: true, false, 1 or 0
            lowered = value.strip().lower()
            if lowered not in ("true", "false", "1", "0"):
                return value, f"attribute '{key}' is not a boolean: {value!r}"
            return lowered in ("true", "1"), None
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
        frames = self.frames
        parent = frames[-1] if frames else None
        tag = name if ":" not in name else name.rsplit(":", 1)[1]
        if tag == "string" and parent is not None and parent[0] is not None:
            target, prefix = parent[0], parent[1]
            full = prefix + attrs.get("key", "")
            value = attrs.get("value")
            if value is None:
                self._problem(f"attribute '{full}' has no value")
            else:
                target[full] = value
            frames.append((target, full + ".", None))
        elif tag == "trace" and self.event is None and len(frames) == 1:
            self.trace = {}
            self.trace_problem = None
            frames.append((self.trace, "", None))
        elif tag == "event" and self.event is None and len(frames) <= 2:
            self.event = {}
            self.event_line = self.parser.CurrentLineNumber
            self.problem = None
            frames.append((self.event, "", None))
        elif tag in ATTRIBUTE_TAGS and parent is not None:
            frames.append(self._attribute(tag, attrs, parent))
        elif tag == "values" and parent is not None and parent[2] is not None:
            frames.append(parent)
        else:
            frames.append(None)

    def _problem(self, problem: str) -> None:
        if self.event is not None:
            self.problem = self.problem or problem
        else:
            self.trace_problem = self.trace_problem or problem

    def _attribute(self, tag: str, attrs: dict[str, str], parent: _Frame) -> _Frame:
        target, prefix, parent_items = parent
        key = attrs.get("key", "")
        if tag in ("list", "container"):
            value, problem = None, None
        else:
            value, problem = _typed(tag, key, attrs.get("value"))
        if problem and not (tag == "date" and prefix + key == self.time_key):
            self._problem(problem)
        items: list[Any] | None = None
        if tag == "list":
            items = []
            value = items
        elif tag == "container":
            value = None
        if target is None:
            if parent_items is not None and value is not None:
                parent_items.append(value)
            return (None, "", None)
        full = prefix + key
        if value is not None:
            target[full] = value
        if items is not None:
            return (None, "", items)
        return (target, full + ".", None)

    def end(self, name: str) -> None:
        frames = self.frames
        frames.pop()
        if name == "string":
            return
        tag = name if ":" not in name else name.rsplit(":", 1)[1]
        if tag == "event" and self.event is not None and len(self.frames) <= 2:
            self._finish_event()
        elif tag == "trace" and len(frames) == 1:
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
    declared: list[str | None] = []
    parser.XmlDeclHandler = lambda _version, encoding, _standalone: declared.append(encoding)
    start = 0  # the offset of the chunk in the file
    while True:
        chunk = stream.read(_CHUNK)
        try:
            parser.Parse(chunk, not chunk)
        except (LookupError, ValueError) as exc:
            # expat asks Python for the codec its declaration names, and takes single-byte ones
            # only: 'Shift_JIS' (multi-byte), 'rot13' (no text encoding), 'idna' raise here
            if not declared or not declared[0] or handler.frames:
                raise
            reason = (
                f"not valid XES: its XML declaration's encoding '{declared[0]}' cannot be read "
                f"({exc}); an XES file is read in UTF-8, UTF-16 or an encoding of one byte a "
                "character (ISO-8859-1, windows-1252…): recode it, e.g. to UTF-8"
            )
            yield Rejected(label, parser.CurrentLineNumber, "E402", reason, "")
            return
        except expat.ExpatError as exc:
            yield from handler.done
            if not chunk and is_cut(stream):  # the XML ends early: at the cut of a gzip file
                yield cut_record(label, exc.lineno, partial=True)
                return
            reason = (
                "not valid XES: the XML is not well-formed: "
                f"{expat.errors.messages[exc.code]} at column {exc.offset + 1}; the rest of the "
                "file is not read"
            )
            if _not_utf8(chunk[max(0, parser.ErrorByteIndex - start) :]):
                reason += (
                    "; its bytes are not UTF-8: give the file's encoding in its XML declaration,"
                    ' e.g. <?xml version="1.0" encoding="ISO-8859-1"?>'
                )
            yield Rejected(label, exc.lineno, "E402", reason, "")
            return
        yield from handler.done
        handler.done = []
        if not chunk:
            return
        start += len(chunk)


def _not_utf8(data: bytes) -> bool:
    """Whether `data` starts with bytes that are no UTF-8 character (a Latin-1 'é' in a file
    that does not declare its encoding, read as UTF-8)."""
    try:
        data[:4].decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start == 0
    return False
