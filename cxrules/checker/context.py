"""Checking stage, context: what every checking module shares — the workspace, the outcome,
the definitions used so far, and how a problem is reported (with its line and a caret)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cxrules.checker.symbols import PolicyNames, Symbols
from cxrules.diagnostics import Diagnostic, error, warning
from cxrules.language import ast
from cxrules.language.workspace import Workspace
from cxrules.source import Span

FUNCTIONS: dict[str, tuple[int, int]] = {  # name → (min args, max args)
    "clamp": (3, 3),
    "min": (2, 99),
    "max": (2, 99),
    "abs": (1, 1),
    "round": (1, 2),
    "lower": (1, 1),
    "upper": (1, 1),
    "trim": (1, 1),
    "length": (1, 1),
}
AGGREGATES = ("avg", "sum", "min", "max", "percentile", "nps", "csat", "ces")
#: A percentile's method as written, and its compiled name (`ir.Aggregate.method`).
PERCENTILE_METHODS = {"linear": "linear", "nearest rank": "nearest_rank"}
# Kinds of value, for unit checks. "any" is an event attribute: its type is only known at run time.
NUMERIC = {"number", "percent", "duration", "any"}


@dataclass
class Checked:
    """The outcome of checking: problems, and the names each file and policy can see."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    symbols: dict[str, Symbols] = field(default_factory=dict)  # file → visible definitions
    policies: dict[str, PolicyNames] = field(default_factory=dict)  # policy id → its names
    overrides: dict[str, ast.LiteralExpr | ast.DurationExpr] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(d.level == "error" for d in self.diagnostics)


class Context:
    """The state of one check run, shared by the checking modules: they report through it."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.out = Checked()
        self.used: set[tuple[str, str]] = set()  # (kind, name) of shared definitions used

    def line(self, span: Span | None) -> str:
        if span is None or span.file not in self.ws.sources:
            return ""
        return self.ws.sources[span.file].line_text(span.line)

    def word_span(self, span: Span, word: str) -> Span:
        """The span of the first whole `word` written at or after the start of `span`, on its
        first line (nodes that keep no span of their own names: `while S`, dates, ordinals);
        `span` itself when the word is not found there."""
        text = self.line(span)
        match = re.compile(rf"(?<![\w.-]){re.escape(word)}(?![\w-])").search(text, span.column - 1)
        if match is None:
            return span
        return span.model_copy(
            update={
                "column": match.start() + 1,
                "end_line": span.line,
                "end_column": match.end() + 1,
            }
        )

    def err(self, code: str, message: str, span: Span | None, hint: str = "") -> None:
        self.out.diagnostics.append(error(code, message, span, hint, self.line(span)))

    def warn(self, code: str, message: str, span: Span | None, hint: str = "") -> None:
        self.out.diagnostics.append(warning(code, message, span, hint, self.line(span)))
