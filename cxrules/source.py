"""Source stage: a policy file's text, positions in it, and excerpts with carets for diagnostics."""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict


class Span(BaseModel):
    """A region of a source file; lines and columns are 1-based, the end column is exclusive."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


_SPAN_FIELDS = set(Span.model_fields)
_set = object.__setattr__


def make_span(file: str, line: int, column: int, end_line: int, end_column: int) -> Span:
    """A Span from positions the parser already holds as ints, built without validation: the
    parser makes a dozen per policy, and a validated Span costs twice the time and three times
    the memory (its own copy of the set of fields it was given).

    >>> make_span("a.cxr", 1, 2, 1, 5) == Span(
    ...     file="a.cxr", line=1, column=2, end_line=1, end_column=5
    ... )
    True
    """
    span = Span.__new__(Span)
    _set(
        span,
        "__dict__",
        {
            "file": file,
            "line": line,
            "column": column,
            "end_line": end_line,
            "end_column": end_column,
        },
    )
    _set(span, "__pydantic_fields_set__", _SPAN_FIELDS)  # shared: model_copy copies it first
    _set(span, "__pydantic_extra__", None)
    _set(span, "__pydantic_private__", None)
    return span


class Source(BaseModel):
    """The text of one policy file and the name it is reported under."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    text: str

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its newline ('' when out of range).

        >>> Source(name="a.cxr", text="one\\ntwo\\n").line_text(2)
        'two'
        """
        lines = _lines(self.text)
        return lines[line - 1].removesuffix("\r") if 0 < line <= len(lines) else ""

    def span_at(self, line: int, column: int, width: int = 1) -> Span:
        """A span of `width` characters starting at a position."""
        return make_span(self.name, line, column, line, column + width)


#: Lines longer than this are shown around the caret only, with '…' where they are cut.
_WIDE = 200
_BEFORE = 60


@lru_cache(maxsize=8)
def _lines(text: str) -> list[str]:
    """A text's lines, split where the parser counts lines (at '\n' only), kept for the next
    diagnostic (a file with thousands of problems is split once, not once per problem)."""
    return text.split("\n")


def excerpt(source_line: str, line: int, column: int, end_column: int, label: str = "") -> str:
    """Render a source line with carets under a column range, rustc style.

    >>> print(excerpt("  severity hgh", 3, 12, 15, "did you mean 'high'?"))
       |
     3 |   severity hgh
       |            ^^^ did you mean 'high'?

    A line longer than 200 characters is cut around the caret:

    >>> print(excerpt("x" * 300 + " hgh", 1, 302, 305, "here").splitlines()[1][-12:])
    xxxxxxxx hgh
    """
    gutter = len(str(line)) + 1
    width = max(1, end_column - column)
    shown, start, width = _escaped(source_line.expandtabs(1), column - 1, width)
    if len(shown) > _WIDE:  # a very long line: show the part around the caret
        low = max(0, min(start - _BEFORE, len(shown) - _WIDE))
        high = low + _WIDE
        cut = high < len(shown)
        shown = ("…" if low else "") + shown[low:high] + ("…" if cut else "")
        start = start - low + (1 if low else 0)
        width = min(width, len(shown) - start - (1 if cut else 0))
    caret_line = " " * start + "^" * min(width, max(1, len(shown) - start))
    pad = " " * gutter
    tail = f" {_escaped(label, 0, 0)[0]}" if label else ""
    return f"{pad} |\n{line:>{gutter}} | {shown}\n{pad} | {caret_line}{tail}"


def printable(text: str) -> str:
    r"""`text` with each control and bidirectional-override character written as an escape: a
    name from a log or a mapping quoted in a message ('\x1b]0;…' in a CSV header) cannot
    drive the terminal it is printed on.

    >>> printable("a\x1b[2Jb\nc")
    'a\\x1b[2Jb\\nc'
    """
    return _escaped(text, 0, 0)[0]


def _escaped(text: str, start: int, width: int) -> tuple[str, int, int]:
    r"""`text` with each control and bidirectional-override character written as an escape
    (`\u202e`), so that a line of a policy file cannot reorder or hide what the terminal shows
    (Trojan Source); `start` and `width` (a caret's columns, 0-based) moved to match.

    >>> _escaped("a\u202eb c", 2, 1)
    ('a\\u202eb c', 7, 1)
    """
    if text.isprintable():
        return text, start, width
    out: list[str] = []
    new_start, new_width = start, width
    for n, char in enumerate(text):
        shown = char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        out.append(shown)
        grown = len(shown) - 1
        if n < start:
            new_start += grown
        elif n < start + width:
            new_width += grown
    return "".join(out), new_start, new_width
