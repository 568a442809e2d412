"""Parser stage, a comparison operator mistyped: '=' where '==' compares, '=>' and '=<' written
backwards, and an operator split by a space (`> =`, `< =`, `! =`, `= >`), whose '=' the parser
stops at. The split one was told "write '==' to compare", which makes `> ==` (hunt69
finding-5)."""

from __future__ import annotations

import re

from cxrules.diagnostics import Diagnostic, error
from cxrules.language.english_slips import then_on_when_line
from cxrules.source import Span

#: An operator's first character, then blanks, just before the '=' the parser stopped at.
_SPLIT_BEFORE = re.compile(r"([<>!])[ \t]+$")
#: After the '=': blanks, then '<' or '>' (`= >`: a '>=' written backwards and apart).
_SPLIT_AFTER = re.compile(r"[ \t]+([<>])(?![=<>])")


def single_equals(line_text: str, span: Span) -> Diagnostic:
    """E103 for '=' where a comparison belongs; '=>' and '=<' are reversed operators, `> =` and
    `= >` operators split by a space."""
    at = span.column - 1
    if line_text[at] == "!":  # `! =`, which the lexer stops at before its '='
        said = line_text[at : line_text.index("=", at) + 1]
        wide = span.model_copy(update={"end_column": span.column + len(said)})
        return error(
            "E103",
            f"'{said}' is an operator split by a space",
            wide,
            "write '!=' (no space inside an operator)",
            line_text,
        )
    after = line_text[at + 1 : at + 2]
    if after == ">" and (arrow := then_on_when_line("=>", span, line_text)) is not None:
        return arrow  # `when order.placed => order.delivered within 2h`
    if after in (">", "<"):
        wide = span.model_copy(update={"end_column": span.column + 2})
        return error("E103", f"'={after}' is not an operator", wide, f"write '{after}='", line_text)
    split = _SPLIT_BEFORE.search(line_text[:at])
    if split is not None:
        said = line_text[split.start() : at + 1]
        wide = span.model_copy(update={"column": split.start() + 1})
        return error(
            "E103",
            f"'{said}' is an operator split by a space",
            wide,
            f"write '{split.group(1)}=' (no space inside an operator)",
            line_text,
        )
    split = _SPLIT_AFTER.match(line_text, at + 1)
    if split is not None:
        said = line_text[at : split.end()]
        wide = span.model_copy(update={"end_column": split.end() + 1})
        return error(
            "E103",
            f"'{said}' is not an operator",
            wide,
            f"write '{split.group(1)}=' (no space inside an operator)",
            line_text,
        )
    return error("E103", "'=' cannot compare values", span, "write '==' to compare", line_text)
