"""Parser stage, habits of other languages and locales, said with what to write instead: a
comment begun as SQL (`--`) or C and JavaScript (`//`) begin one, where the language's comments
start with `#`; and a decimal comma (`80,5%`), as Turkish, Romanian and most of Europe write a
decimal, where the language writes a point; and units of time said in English words or in
Turkish and Romanian ('2 saat', '3 iş günü', '2 zile lucrătoare'); a time of day with a dot
(`09.00`, as Turkish writes it) and a date day first (`24.12.2026`, as both write it).

`--` before a word even parses, as two minus signs: `require wait <= 3` with `-- TODO` on the
next line would be `wait <= 3 - -TODO` (an expression runs on over lines). So the markers are
looked for both where the parser stops and, by the parser, in every policy it reads.
"""

from __future__ import annotations

import re

from cxrules.diagnostics import Diagnostic, error, unmarked
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


#: A percentage said in words ('80 percent', '80 pct', '80 per cent'); texts, quoted names and
#: comments are matched too, to be passed over (their group 1 is None).
_PERCENT_WORD = re.compile(
    r'"(?:[^"\\\n]|\\.)*"?|`[^`\n]*`?|#[^\n]*'
    r"|(?<![\w.])(\d+(?:\.\d+)?) ?(?:percent(?:age)?|per ?cent|pct)\b",
    re.IGNORECASE,
)


def percent_word(source: Source, text: str, first_line: int) -> Diagnostic | None:
    """E104 for a percentage written in words, where the language writes `80%`: `80 percent`
    read as the keyword `per` and a name `cent` (the hint was to write 'per cent'), `80pct` as a
    duration with an unknown unit, `80 pct` as a duration without one.

    >>> text = '  require s >= 80 percent  # "90 pct"'
    >>> d = percent_word(Source(name="p.cxr", text=text), text, 1)
    >>> d.message, d.hint, (d.span.column, d.span.end_column)
    ("'80 percent' is not how a percentage is written", "write '80%'", (16, 26))
    """
    for found in _PERCENT_WORD.finditer(text):
        if found.group(1) is None:
            continue
        line = first_line + text.count("\n", 0, found.start())
        column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
        written = found.group(0)
        return error(
            "E104",
            f"'{written}' is not how a percentage is written",
            source.span_at(line, column, len(written)),
            f"write '{found.group(1)}%'",
            source.line_text(line),
        )
    return None


#: Units people write, in English words or as Turkish and Romanian say them, with the
#: language's own short unit.
UNIT_ALIASES = {
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "hours": "h",
    "m": "min",
    "mn": "min",
    "mins": "min",
    "minute": "min",
    "minutes": "min",
    "sec": "s",
    "secs": "s",
    "second": "s",
    "seconds": "s",
    "day": "d",
    "days": "d",
    "dy": "d",
    "week": "w",
    "weeks": "w",
    "wk": "w",
    "wks": "w",
    # Turkish
    "saat": "h",
    "sa": "h",
    "dakika": "min",
    "dk": "min",
    "saniye": "s",
    "sn": "s",
    "gün": "d",
    "hafta": "w",
    # Romanian
    "oră": "h",
    "ore": "h",
    "minut": "min",
    "secundă": "s",
    "secunde": "s",
    "zi": "d",
    "zile": "d",
    "săptămână": "w",
    "săptămâni": "w",
}

#: Business time said in Turkish and Romanian (two words, lower case) and the words it is.
_BUSINESS = {
    ("iş", "günü"): "business days",
    ("iş", "saati"): "business hours",
    ("is", "gunu"): "business days",
    ("is", "saati"): "business hours",
    ("zile", "lucrătoare"): "business days",
    ("zi", "lucrătoare"): "business days",
    ("ore", "lucrătoare"): "business hours",
    ("oră", "lucrătoare"): "business hours",
    ("mesai", "saati"): "business hours",
    ("working", "hours"): "business hours",
    ("working", "days"): "business days",
    ("work", "hours"): "business hours",
    ("work", "days"): "business days",
    ("office", "hours"): "business hours",
    ("office", "days"): "business days",
}
#: The same words typed without their marks ('ore lucratoare', 'is gunu').
_BUSINESS_UNMARKED = {(unmarked(a), unmarked(b)): meant for (a, b), meant in _BUSINESS.items()}


def business_words(text: str) -> tuple[str, str] | None:
    """The Turkish, Romanian or English words for business time that `text` starts with, as
    written (with or without their marks), and what the language writes for them; None when it
    starts with none.

    >>> business_words("iş günü içinde"), business_words("zile lucrătoare")
    (('iş günü', 'business days'), ('zile lucrătoare', 'business days'))
    >>> business_words("ore lucratoare"), business_words("working hours")
    (('ore lucratoare', 'business hours'), ('working hours', 'business hours'))
    >>> business_words("saat") is None
    True
    """
    words = re.match(r"(\w+)[ \t]+(\w+)", text)
    if words is None:
        return None
    first, second = words[1].lower(), words[2].lower()
    meant = _BUSINESS.get((first, second)) or _BUSINESS_UNMARKED.get(
        (unmarked(first), unmarked(second))
    )
    return None if meant is None else (words.group(), meant)


_DOTTED_TIME = re.compile(r"([01]?\d|2[0-4])\.([0-5]\d)(?![\d.])")
_DAY_FIRST = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})(?!\d)")


def local_clock_or_date(
    source: Source, line: int, column: int, expected: set[str]
) -> Diagnostic | None:
    """E100 for a time of day written with a dot (`09.00`) where a time is expected, or a date
    written day first (`24.12.2026`) where a date is expected; None for anything else."""
    line_text = source.line_text(line)
    rest = line_text[column - 1 : MAX_LINE]
    time = _DOTTED_TIME.match(rest) if "TIME" in expected else None
    if time is not None:
        return error(
            "E100",
            "a time of day is written with a colon",
            source.span_at(line, column, len(time.group())),
            f"write '{int(time[1]):02d}:{time[2]}'",
            line_text,
        )
    date = _DAY_FIRST.match(rest) if "DATE" in expected else None
    if date is not None and 1 <= int(date[1]) <= 31 and 1 <= int(date[2]) <= 12:
        return error(
            "E100",
            "a date is written year first",
            source.span_at(line, column, len(date.group())),
            f"write '{date[3]}-{int(date[2]):02d}-{int(date[1]):02d}'",
            line_text,
        )
    return None
