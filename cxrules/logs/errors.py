"""Log stage: the exceptions readers raise (unreadable input, out-of-order input, bad mapping)."""

from __future__ import annotations

from collections.abc import Sequence

from cxrules.diagnostics import Diagnostic, render_text


class LogError(Exception):
    """A log file that cannot be read at all (missing, unreadable, corrupt); the CLI exits 3."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: cannot read log: {reason}")
        self.path = path
        self.reason = reason


class OutOfOrder(Exception):
    """Raised by a streaming read when an event is earlier than one already emitted.

    The caller re-reads the inputs with `LogSet.events(sorted=True)`.
    """

    def __init__(self, file: str, line: int, time: str, after: str) -> None:
        super().__init__(
            f"{file}:{line}: event at {time} is earlier than {after}, already emitted; "
            "read the input in sorted mode"
        )
        self.file = file
        self.line = line


class MappingError(Exception):
    """An invalid log mapping, carrying E410 diagnostics that name the key and the value."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        super().__init__(render_text(self.diagnostics))
