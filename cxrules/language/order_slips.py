"""Parser stage, clauses out of order: a newcomer writes the expectation before its trigger
(`expect …` above `when …`), `unless` above the rule, or the trigger after a requirement on one
line (`require battery >= 90% when customer.left`). The parser saw an unexpected keyword and
listed every clause."""

from __future__ import annotations

from lark import Token

from cxrules.diagnostics import Diagnostic, error
from cxrules.source import Span

_FOLLOWERS = ("EXPECT", "UNLESS")


def order_slip(token: Token, expected: set[str], span: Span, line_text: str) -> Diagnostic | None:
    """The diagnostic for a clause written before the clause it belongs to, or None."""
    kind = token.type
    if kind in _FOLLOWERS and "WHEN" in expected:
        if kind == "EXPECT":
            message = "'expect' comes after its 'when'"
            hint = "write the 'when …' line first, then this line under it"
        else:
            message = "'unless' comes after the rule it cancels"
            hint = "move this line below the rule's 'expect …' (or 'forbid …') line"
        return error("E100", message, span, hint, line_text)
    before = line_text[: span.column - 1].strip()
    if kind == "WHEN" and before.split(" ", 1)[0] == "require" and "WHEN" not in expected:
        trigger = line_text[span.column - 1 :].strip()
        return error(
            "E100",
            "the trigger comes before the requirement",
            span,
            f"write '{trigger}' on its own line, then '{before}'",
            line_text,
        )
    return None
