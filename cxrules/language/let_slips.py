"""Parser stage, a `let` written after `when`: a policy's named values come before its rule
(`let moves = changes(group)` then `when incident.closed require moves <= 3`). Written between
the `when` line and its `require`, the parser stumbled on `let` where the rule's second half
was due, and E105 said the `when` needed an 'expect' it already had below."""

from __future__ import annotations

import re

from lark import Token

from cxrules.diagnostics import Diagnostic, error
from cxrules.source import Source, Span

_WHEN = re.compile(r"[ \t]*when\b")


def let_after_when(
    source: Source, first_line: int, token: Token, span: Span, line_text: str
) -> Diagnostic | None:
    """E100 at a `let` that follows the policy's `when` (from `first_line`, the policy's
    first line, to the `let`): write it before the `when` line."""
    if token.type != "LET":
        return None
    when = next(
        (n for n in range(span.line, first_line - 1, -1) if _WHEN.match(source.line_text(n))),
        None,
    )
    if when is None:
        return None
    written = line_text[span.column - 1 :].strip()
    where = (
        "on a line of its own above 'when'" if when == span.line else f"above 'when' (line {when})"
    )
    return error(
        "E100",
        "a 'let' comes before the policy's 'when', not after it",
        span,
        f"write it {where}: {written}",
        line_text,
    )
