"""Parser stage, habits of other languages and locales, said with what to write instead: a
comment begun as SQL (`--`) or C and JavaScript (`//`) begin one, where the language's comments
start with `#`; and a decimal comma (`80,5%`), as Turkish, Romanian and most of Europe write a
decimal, where the language writes a point.

`--` before a word even parses, as two minus signs: `require wait <= 3` with `-- TODO` on the
next line would be `wait <= 3 - -TODO` (an expression runs on over lines). So the markers are
looked for both where the parser stops and, by the parser, in every policy it reads.
"""

from __future__ import annotations

import re

from cxrules.diagnostics import Diagnostic, error
from cxrules.source import Source

#: The longest line scanned for a comment marker, as for the other slips.
MAX_LINE = 2_000
_DECIMAL_COMMA = re.compile(r"(?<![\w.])(\d+),(\d+)([a-z%]*)")


def marker_column(line_text: str, end: int) -> int | None:
    """The 0-based column of the first `--` or `//` in `line_text` that starts before `end`,
    stands after a space or at the start of the line (not inside a name like `a--b`) and is
    outside a text, a `quoted name` and a `#` comment; None when there is none.

    >>> marker_column('  require x <= 3  -- was 2', 30), marker_column('  owner "a -- b"', 20)
    (18, None)
    """
    closing = ""
    for i, char in enumerate(line_text[: min(end, MAX_LINE)]):
        if closing:
            if char == closing and line_text[i - 1] != "\\":
                closing = ""
        elif char in '"`':
            closing = char
        elif char == "#":
            return None
        elif line_text[i : i + 2] in ("--", "//") and (i == 0 or line_text[i - 1] in " \t"):
            return i
    return None


def comment_slip(source: Source, line: int, column: int) -> Diagnostic | None:
    """A syntax error at `line`:`column` (1-based) that follows a `--` or `//` on its line: the
    writer began a comment; None when no marker comes before the error."""
    line_text = source.line_text(line)
    at = marker_column(line_text, column + 1)
    if at is None:
        return None
    marker, said = line_text[at : at + 2], line_text[at + 2 :].strip()
    return error(
        "E100",
        f"a comment starts with '#', not '{marker}'",
        source.span_at(line, at + 1, 2),
        f"write '# {said}'" if said else "write '#'",
        line_text,
    )


def decimal_comma(source: Source, line: int, column: int) -> Diagnostic | None:
    """A syntax error at a number written with a decimal comma (`80,5%`, `1,5h`): None when the
    error is not inside one."""
    line_text = source.line_text(line)
    for found in _DECIMAL_COMMA.finditer(line_text[:MAX_LINE]):
        if found.start() < column <= found.end():
            whole, part, unit = found.groups()
            return error(
                "E100",
                "a decimal is written with a point, not a comma",
                source.span_at(line, found.start() + 1, len(found.group())),
                f"write '{whole}.{part}{unit}'",
                line_text,
            )
    return None
