"""Parser stage, syntax errors in a CX manager's words: the parser's expectations named as
a reader knows them, and for the usual slips (a unit written apart, `is null`, `<>`, a keyword
in capitals, a `when` line gone wrong…) the fix to write instead of a list of tokens."""

from __future__ import annotations

import re
from functools import cache
from typing import Any, NamedTuple

from lark import Lark, Token, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from cxrules.diagnostics import Diagnostic, did_you_mean, error
from cxrules.language import tables
from cxrules.language.english_slips import word_after_number
from cxrules.language.habits import UNIT_ALIASES as _UNIT_ALIASES
from cxrules.language.habits import (
    business_words,
    comment_slip,
    decimal_comma,
    local_clock_or_date,
)
from cxrules.language.let_slips import let_after_when
from cxrules.language.literals import ordinal_suffix
from cxrules.language.operator_slips import single_equals
from cxrules.language.order_slips import order_slip
from cxrules.language.syntax_hints_newcomer import am_pm, newcomer_slip
from cxrules.language.type_slips import digit_part, spaced_type
from cxrules.language.window_slips import window_slip
from cxrules.source import Source, Span

# What a CX manager should read instead of a grammar's terminal names.
_FRIENDLY: dict[str, str] = {
    "NAME": "a name",
    "DOTTED": "an event type such as 'call.answered'",
    "QUOTED_NAME": "a `quoted name`",
    "STRING": 'a text in double quotes, such as "Store operations"',
    "NUMBER": "a number",
    "INT": "a whole number",
    "PERCENT": "a percentage such as '80%'",
    "DURATION": "a duration such as '30s', '5min' or '2h'",
    "ORDINAL": "an ordinal such as '3rd'",
    "TIME": "a time of day such as '12:00'",
    "DATE": "a date such as '2026-12-31'",
    "_AT_LEAST": "'at least'",
    "_AT_MOST": "'at most'",
    "_AT_RISK": "'at risk'",
    "_TRIGGER_COUNTS": "'trigger counts'",
    "$END": "the end of the file",
    "EQUAL": "'='",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COMMA": "','",
    "COLON": "':'",
    "DOT": "'.'",
}

# Clause keywords that may start a rule; used to recognise a second rule in one policy.
_RULE_STARTS = {"WHEN", "REQUIRE", "FORBID", "WHILE", "_AT_MOST"}


@cache
def lark_parser() -> Lark:
    return tables.load()  # the grammar's parser, from its kept tables when they are current


@cache
def keyword_texts() -> dict[str, str]:
    """Terminal name → its keyword text, for every plain-word terminal of the grammar."""
    out: dict[str, str] = {}
    for term in lark_parser().terminals:
        value = term.pattern.value
        if term.pattern.type == "str" and re.fullmatch(r"[a-z_]+", value):
            out[term.name] = value
        elif term.name.startswith("_AT_"):
            out[term.name] = "at " + term.name[4:].lower()
        elif term.name == "_TRIGGER_COUNTS":
            out[term.name] = "trigger counts"
    return out


def describe(terminal: str) -> str:
    """A terminal's name in a CX manager's words.

    >>> describe("DURATION")
    "a duration such as '30s', '5min' or '2h'"
    >>> describe("EXPECT")
    "'expect'"
    """
    if terminal in _FRIENDLY:
        return _FRIENDLY[terminal]
    keyword = keyword_texts().get(terminal)
    if keyword:
        return f"'{keyword}'"
    for term in lark_parser().terminals:
        if term.name == terminal and term.pattern.type == "str":
            return f"'{term.pattern.value}'"
    return terminal.lower()


class Part(NamedTuple):
    """A piece of a file parsed on its own: the text before the first policy, or one policy with
    what follows it up to the next line starting with `policy`."""

    first_line: int  # the 1-based line of the file where the piece starts
    text: str
    last: bool  # the file's last piece


def syntax_diagnostic(exc: UnexpectedInput, source: Source, part: Part) -> Diagnostic:
    token = getattr(exc, "token", None)
    line, column = (token.line, token.column) if token is not None else (exc.line, exc.column)
    if line and column and line > 0:  # habits of SQL, C and of locales with a decimal comma
        habit = (
            comment_slip(source, line, column)
            or decimal_comma(source, line, column)
            or digit_part(source, line, column)
        )
        if habit is not None:
            return habit
    if isinstance(exc, UnexpectedCharacters):
        return _bad_character(exc, source)
    assert isinstance(exc, UnexpectedToken)
    if line and column and line > 0:  # '09.00', '24.12.2026'
        local = local_clock_or_date(source, line, column, _expected(exc, set(exc.expected or ())))
        if local is not None:
            return local
    return _bad_token(exc, source, part)


def _bad_character(exc: UnexpectedCharacters, source: Source) -> Diagnostic:
    line, column = exc.line, exc.column
    line_text = source.line_text(line)
    char = line_text[column - 1] if 0 < column <= len(line_text) else ""
    span = source.span_at(line, column)
    if char == '"':
        rest = len(line_text) - column + 1
        hint = 'add a closing " at the end of the text'
        if line_text.rstrip().endswith('\\"'):  # "C:\Exports\": the last quote is escaped
            hint = '\\" is a quote inside the text; to end a text with a backslash, write \\\\"'
        return error(
            "E101",
            "this text has no closing quote",
            source.span_at(line, column, rest),
            hint,
            line_text,
        )
    if char == "'":
        return error(
            "E107",
            "texts are written in double quotes",
            span,
            "use \"double quotes\" instead of 'single quotes'",
            line_text,
        )
    allowed = _expected(exc, set(exc.allowed or ()))
    if char == "=" or (char == "!" and line_text[column:].lstrip(" \t")[:1] == "="):
        return single_equals(line_text, span)
    unit = _unknown_unit(line_text, column, source.span_at, line) if "DURATION" in allowed else None
    if unit is not None:
        return unit
    if char in _CHARACTER_HINTS:
        message, hint = _CHARACTER_HINTS[char]
        return error("E107", message, span, hint, line_text)
    apart = re.search(r"(\d+(?:\.\d+)?)[ \t]+$", line_text[: column - 1])
    if char == "%" and apart is not None:
        return error(
            "E107",
            "a percentage is written without a space before '%'",
            source.span_at(line, apart.start(1) + 1, column - apart.start(1)),
            f"write '{apart.group(1)}%'",
            line_text,
        )
    first = re.match(r"%(\d+(?:[.,]\d+)?)", line_text[column - 1 :])
    if first is not None and not re.search(r"[\w)%]$", line_text[: column - 1].rstrip()):
        # Turkish writes the sign first: %80
        written = first.group(1).replace(",", ".")
        return error(
            "E107",
            "a percentage is written with '%' after its number",
            source.span_at(line, column, len(first.group())),
            f"write '{written}%'",
            line_text,
        )
    shown = repr(char) if char else "this character"
    expected = sorted({describe(t) for t in allowed})
    hint = f"expected {_one_of(expected)}" if expected else ""
    return error("E107", f"{shown} is not allowed here", span, hint, line_text)


def _bad_token(exc: UnexpectedToken, source: Source, part: Part) -> Diagnostic:
    token: Token = exc.token
    expected = _expected(exc, set(exc.expected or ()))
    kind = token.type
    if {"BUSINESS", "MINUTES"} <= expected:
        unitless = _after_number(source, part, token) or _number_before(source, part, token)
        if unitless is not None:
            return unitless
    if kind == "$END":
        # lines end at '\n' only, as everywhere else (splitlines also breaks at '\r', U+2028…)
        lines = [text.removesuffix("\r") for text in source.text.rstrip().split("\n")]
        last = len(lines)
        # The caret stands just after the last character written: that is where text is missing.
        span = source.span_at(last, len(lines[-1]) + 1, 1)
        what = _one_of(sorted({describe(t) for t in expected}))
        return error(
            "E106",
            "the file ends in the middle of a policy",
            span,
            f"expected {what}",
            lines[-1],
        )
    line = token.line or 1
    column = token.column or 1
    line_text = source.line_text(line)
    span = Span(
        file=source.name,
        line=line,
        column=column,
        end_line=line,
        end_column=column + max(1, len(str(token))),
    )
    found = f"'{token}'"
    if kind in ("NUMBER", "INT") and "DURATION" in expected:
        return error(
            "E102",
            f"the duration {found} has no unit",
            span,
            f"a duration needs a unit, such as '{token}s', '{token}min' or '{token}h'",
            line_text,
        )
    if kind == "EQUAL":
        return single_equals(line_text, span)
    slip = (
        _slip(source, part, token, expected, span, line_text)
        or window_slip(str(token), line_text[: column - 1], _before(part, token), line_text, span)
        or newcomer_slip(source, str(token), kind, expected, span, line_text)
    )
    if slip is not None:
        return slip
    capital = _capital_keyword(token, span, line_text) or order_slip(
        token, expected, span, line_text
    )
    if capital is not None:
        return capital
    keywords = {keyword_texts()[t]: t for t in expected if t in keyword_texts()}
    if kind in ("NAME", "DOTTED") and keywords:
        suggestion = did_you_mean(str(token), keywords)
        if suggestion:
            return error("E104", f"unknown word {found}", span, suggestion, line_text)
    if kind in ("INT", "NUMBER") and "ORDINAL" in expected:
        ordinal = f"{token}{ordinal_suffix(int(float(str(token))))}"
        return error(
            "E100",
            f"a count of events is written as an ordinal, not {found}",
            span,
            f"write '{ordinal}', as in: when {ordinal} complaint.filed within 30d",
            line_text,
        )
    if kind in ("AND", "OR") and "WHERE" in expected:
        return error(
            "E100",
            f"a condition on an event starts with 'where', not {found}",
            span,
            f"write 'where' instead of '{token}'",
            line_text,
        )
    if kind == "WHERE" and "EXPECT" in expected and _after_counted_trigger(part, token):
        return error(
            "E100",
            "the condition of a counted event comes before 'within'",
            span,
            "write: when 3rd complaint.filed where … within 30d",
            line_text,
        )
    if kind == "WHERE" and "WITHIN" in expected and "WHERE" not in expected:
        moved = _WHERE_BEFORE_WINDOW.match(line_text)
        order = " ".join(moved.group(1, 3, 2)) + moved.group(4) if moved else "… within 3d where …"
        return error(
            "E100",
            "the event's condition comes after its window",
            span,
            f"write: {order}",
            line_text,
        )
    comma = _trailing_comma(source, part, token)
    if comma is not None:
        return comma
    if kind == "COMMA" and _TRIGGER_COUNTS_AFTER.match(line_text, column):
        return error(
            "E100",
            "', trigger counts' only follows an 'expect' (the trigger may meet its own obligation)",
            span,
            "remove it here; it ends an expectation, as in 'when * where count(*) == 0 "
            "expect ticket.taken within 16 business hours, trigger counts'",
            line_text,
        )
    if {"EXPECT", "REQUIRE", "FORBID"} <= expected and kind not in expected:
        broken = _broken_when(source, part, token, span, line_text)
        if broken is not None:
            return broken
        spaced = spaced_type(source, token, span, line_text, keyword_texts())
        if spaced is not None:
            return spaced
        if (let := let_after_when(source, part.first_line, token, span, line_text)) is not None:
            return let
        return error(
            "E105",
            f"'when' needs 'expect', 'require' or 'forbid' before {found}",
            span,
            f"add 'expect' before {found}"
            if kind in ("NAME", "DOTTED")
            else "say what must follow, e.g. 'expect case.escalated within 24h'",
            line_text,
        )
    if kind in _RULE_STARTS and kind not in expected and _inside_policy(expected):
        return error(
            "E217",
            "a policy has exactly one rule, and this one already has its rule",
            span,
            'start a new policy for this rule: policy <id> "<title>"',
            line_text,
        )
    spaced = spaced_type(source, token, span, line_text, keyword_texts())
    if spaced is not None:
        return spaced
    names = sorted({describe(t) for t in expected})
    return error(
        "E100",
        f"unexpected {_describe_token(token)}",
        span,
        f"expected {_one_of(names)}",
        line_text,
    )


def _slip(
    source: Source, part: Part, token: Token, expected: set[str], span: Span, line_text: str
) -> Diagnostic | None:
    """Habits from spreadsheets, SQL and Python that the language writes otherwise."""
    word, column = str(token), span.column
    before = line_text[: column - 1]
    if word == "grace":
        return _grace(span, line_text)
    if {"MISSING", "NOT"} >= expected and expected:  # after 'is' or 'is not'
        subject = re.search(r"(\S+)[ \t]+is([ \t]+not)?[ \t]*$", before)
        name = subject.group(1) if subject else "x"
        negated = bool(subject and subject.group(2))
        if word.lower() in ("null", "none", "nil"):
            hint = f"write '{name} is {'not ' if negated else ''}missing' (absent or null)"
        else:
            hint = f"to compare, write {name} {'!=' if negated else '=='} {word}"
        return error(
            "E100",
            "'is' only asks 'is missing' or 'is not missing'",
            span,
            hint,
            line_text,
        )
    if word == ">" and before.endswith("<"):
        return error(
            "E100",
            "'<>' is not an operator here",
            source.span_at(span.line, column - 1, 2),
            "write '!=' for 'is not equal to'",
            line_text,
        )
    if word == "(" and expected == {"LSQB"}:
        listed = re.match(r"\(([^()\n]*)\)", line_text[column - 1 :])
        items = listed.group(1) if listed else "…"
        return error(
            "E100",
            "a list is written in square brackets",
            span,
            f"write {before.strip()} [{items}]",
            line_text,
        )
    if word == ":" and before.rstrip().endswith("while"):
        return error(
            "E100",
            "'while' needs a state, or when it starts and ends",
            span,
            "write e.g. 'while customer.entered until customer.left:' or 'while waiting:'",
            line_text,
        )
    if expected == {"STRING"} and token.type in ("NAME", "DOTTED"):
        rest = line_text[column - 1 :].strip()
        return error(
            "E100",
            "this text is not in double quotes",
            source.span_at(span.line, column, len(rest)),
            f'write {before.strip()} "{rest}"',
            line_text,
        )
    if "COLON" in expected and token.type != "$END" and before.strip() == "":
        # the line before ends where its ':' is missing
        previous = (token.line or 1) - 1
        while previous > part.first_line and not source.line_text(previous).strip():
            previous -= 1
        above = source.line_text(previous)
        if above.strip():
            return error(
                "E100",
                "this line ends without its ':'",
                source.span_at(previous, len(above.rstrip()) + 1),
                f"write: {above.strip()}:",
                above,
            )
    return None


#: Ordinals written as words, as a newcomer writes a counted trigger ('when third …').
_ORDINAL_WORDS = {
    word: n
    for n, word in enumerate(
        ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"],
        start=1,
    )
}
_ORDINAL_WORDS["tenth"] = 10
#: A `when` with nothing after it, and the keyword of the next line read as its event type.
_EMPTY_WHEN = re.compile(r"\bwhen[ \t]*\n[ \t]*(?:expect|require|forbid)[ \t]+\S*$")


def _broken_when(
    source: Source, part: Part, token: Token, span: Span, line_text: str
) -> Diagnostic | None:
    """A mistake in the `when` line itself, which E105's 'add expect' would not fix: `if` for
    `where`, an ordinal in words, nothing after `when`."""
    before = _before(part, token)
    empty = _EMPTY_WHEN.search(before)
    if empty is not None:
        at = part.first_line + before.count("\n", 0, empty.start())
        when_line = source.line_text(at)
        return error(
            "E100",
            "'when' needs an event type",
            source.span_at(at, len(when_line.rstrip()) + 1),
            "name the event that starts the rule, e.g. 'when call.queued'",
            when_line,
        )
    word = str(token)
    if word == "if":
        fixed = line_text[: span.column - 1] + "where" + line_text[span.column + 1 :]
        return error(
            "E104",
            "unknown word 'if'",
            span,
            f"a condition on the event is written with 'where': {fixed.strip()}",
            line_text,
        )
    counted = re.search(r"\bwhen[ \t]+(\w+)[ \t]+$", line_text[: span.column - 1])
    if counted is not None and counted.group(1).lower() in _ORDINAL_WORDS:
        n = _ORDINAL_WORDS[counted.group(1).lower()]
        ordinal = f"{n}{ordinal_suffix(n)}"
        return error(
            "E100",
            f"'{counted.group(1)}' is not a count of events",
            source.span_at(span.line, counted.start(1) + 1, len(counted.group(1))),
            f"write '{ordinal}', as in: when {ordinal} {word} within 30d",
            line_text,
        )
    return None


#: A line with a `where` before its window (`forbid P where C within 3d`): (the start, `where
#: C`, `within 3d…`, `, trigger counts` or ''), to show it in order.
_WHERE_BEFORE_WINDOW = re.compile(
    r"[ \t]*((?:expect|forbid)\b.*?)[ \t]+(where\b.*?)[ \t]+((?:within|after|before|between|by"
    r"|at least|at most)\b.*?)[ \t]*((?:,[ \t]*trigger[ \t]+counts)?)[ \t]*$"
)
#: ', trigger counts' at a column (0-based: just after the comma's 1-based column).
_TRIGGER_COUNTS_AFTER = re.compile(r"[ \t]*trigger[ \t]+counts\b")

# Characters a CX manager types from habit, with what to write instead.
_CHARACTER_HINTS: dict[str, tuple[str, str]] = {
    ";": ("';' is not needed", "clauses end at the end of the line: remove the ';'"),
    "&": ("'&' is not an operator here", "write 'and'"),
    "|": ("'|' is not an operator here", "write 'or'"),
    "\u201c": ("curly quotes are not allowed", 'use straight double quotes: "…"'),
    "\u201d": ("curly quotes are not allowed", 'use straight double quotes: "…"'),
    "\u2018": ("curly quotes are not allowed", 'use straight double quotes: "…"'),
    "\u2019": ("curly quotes are not allowed", 'use straight double quotes: "…"'),
    # Romanian (and German) quotes open low: „…”
    "\u201e": ("curly quotes are not allowed", 'use straight double quotes: "…"'),
    "\u201a": ("curly quotes are not allowed", 'use straight double quotes: "…"'),
    "\u00ab": ("guillemets are not allowed", 'use straight double quotes: "…"'),
    "\u00bb": ("guillemets are not allowed", 'use straight double quotes: "…"'),
    "\u00a0": (
        "a non-breaking space (U+00A0) is not allowed here",
        "replace it with an ordinary space (pasting from a document or a spreadsheet brings it)",
    ),
    "\u202f": (
        "a narrow non-breaking space (U+202F) is not allowed here",
        "replace it with an ordinary space",
    ),
    "\u2009": ("a thin space (U+2009) is not allowed here", "replace it with an ordinary space"),
}


def _expected(exc: UnexpectedInput, fallback: set[str]) -> set[str]:
    """The terminals the parser accepts at the error: exact (tried one by one) when Lark gives us
    the parser's state, else Lark's own estimate."""
    interactive = getattr(exc, "interactive_parser", None)
    if interactive is None:
        return fallback
    return set(interactive.accepts())


def _unknown_unit(line_text: str, column: int, span_at: Any, line: int) -> Diagnostic | None:
    """E102 for a number glued to a word that is not a unit of time ('24hrs', '5mins'); E100 for
    a time of day with am or pm ('12pm')."""
    at = (line_text, column, span_at, line)
    if (found := _exponent(*at) or _compound_duration(*at) or am_pm(*at)) is not None:
        return found
    match = re.match(r"(\d+(?:\.\d+)?)([^\W\d_]+)", line_text[column - 1 :])
    if match is None:
        return None
    number, unit = match.groups()
    short = _UNIT_ALIASES.get(unit.lower())
    hint = f"write '{number}{short}'" if short else "units are ms, s, min, h, d and w, e.g. '30min'"
    return error(
        "E102",
        f"'{unit}' is not a unit of time",
        span_at(line, column, len(match.group(0))),
        hint,
        line_text,
    )


_UNIT_SECONDS = {"ms": 0.001, "s": 1, "min": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION_PART = re.compile(r"(\d{1,9})(ms|min|s|h|d|w)")


def _compound_duration(line_text: str, column: int, span_at: Any, line: int) -> Diagnostic | None:
    """E102 for durations glued together ('1h30min'): one number and one unit make a duration;
    the hint gives the total in the smallest unit written."""
    text, parts, at = line_text[column - 1 :], [], 0
    while (found := _DURATION_PART.match(text, at)) is not None:
        parts.append((int(found.group(1)), found.group(2)))
        at = found.end()
    if len(parts) < 2 or (at < len(text) and (text[at].isalnum() or text[at] == "_")):
        return None
    smallest = min((u for _, u in parts), key=_UNIT_SECONDS.__getitem__)
    total = sum(n * _UNIT_SECONDS[u] for n, u in parts) / _UNIT_SECONDS[smallest]
    return error(
        "E102",
        f"'{text[:at]}' joins several durations: a duration is one number and one unit",
        span_at(line, column, at),
        f"write '{round(total)}{smallest}'",
        line_text,
    )


def _before(part: Part, token: Token) -> str:
    """The piece's text before a token (whose line counts from the start of the file)."""
    offset = 0
    for _ in range((token.line or 1) - part.first_line):
        found = part.text.find("\n", offset)
        if found < 0:
            return part.text
        offset = found + 1
    return part.text[: offset + (token.column or 1) - 1]


def _after_counted_trigger(part: Part, token: Token) -> bool:
    """True when the last 'when' before the token starts a counted trigger ('when 3rd …')."""
    whens = list(re.finditer(r"\bwhen\s+(\S+)", _before(part, token)))
    return bool(whens) and re.fullmatch(r"\d+(?:st|nd|rd|th)", whens[-1].group(1)) is not None


def _trailing_comma(source: Source, part: Part, token: Token) -> Diagnostic | None:
    """A list (tags, per) ending with ',': the next line's keyword was read as one more item, so
    the error shows up one word later. Point at the comma instead."""
    before = _before(part, token).rstrip()
    end = len(before)
    word = end
    while word > 0 and (before[word - 1].isalnum() or before[word - 1] == "_"):
        word -= 1
    gap = word
    while gap > 0 and before[gap - 1].isspace():
        gap -= 1
    keyword = before[word:end]
    if not keyword or gap == 0 or before[gap - 1] != ",":
        return None
    if keyword not in keyword_texts().values() or "\n" not in before[gap:word]:
        return None
    start = gap - 1
    line = part.first_line + before.count("\n", 0, start)
    column = start - (before.rfind("\n", 0, start) + 1) + 1
    return error(
        "E100",
        "this list ends with ','",
        source.span_at(line, column),
        f"remove the ',' (the next line starts with '{keyword}')",
        source.line_text(line),
    )


def _after_number(source: Source, part: Part, token: Token) -> Diagnostic | None:
    """A word after a number that tells what was meant: a unit written apart ('30 mins'), a
    keyword in capitals ('1 AND'), a grace without its comma ('>= 1 grace 30s')."""
    if token.type == "$END" or not token.line or not token.column:
        return None
    word, line, column = str(token), token.line, token.column
    line_text = source.line_text(line)
    span = source.span_at(line, column, len(word))
    if word == "grace":
        return _grace(span, line_text)
    # 'is gunu' starts with the keyword 'is': business words are looked for before the type
    business = business_words(line_text[column - 1 :])
    if token.type != "NAME" and business is None:
        return None
    if business is not None or word.lower() in _UNIT_ALIASES or word in _UNIT_SECONDS:
        start = _trailing_number(line_text[: column - 1].rstrip())
        if start is None:
            return None
        number = line_text[start : column - 1].rstrip()
        if business is not None:  # 'iş günü', 'zile lucrătoare'
            said, meant = business
            return error(
                "E102",
                f"'{number} {said}' is not how a duration is written",
                source.span_at(line, start + 1, column - 1 - start + len(said)),
                f"write '{number} {meant}' (with the policy's calendar)",
                line_text,
            )
        short = _UNIT_ALIASES.get(word.lower(), word)
        return error(
            "E102",
            f"'{number} {word}' is not how a duration is written",
            source.span_at(line, start + 1, column - 1 - start + len(word)),
            f"write '{number}{short}' (one number and a short unit, no space)",
            line_text,
        )
    return _capital_keyword(token, span, line_text)


def _grace(span: Span, line_text: str) -> Diagnostic:
    """A grace without its comma (inside `always`), or where the language has none."""
    column = span.column
    if re.search(r"\balways\b", line_text[: column - 1]):  # 'while S: always C grace G' too
        fixed = line_text[: column - 1].rstrip() + ", " + line_text[column - 1 :]
        return error(
            "E100",
            "a grace follows the condition after a comma",
            span,
            f"write: {fixed.strip()}",
            line_text,
        )
    return error(
        "E100",
        "only an 'always' condition has a grace",
        span,
        "remove the grace here; a state held for too long is written "
        "'while …: always …, grace 30s'",
        line_text,
    )


def _capital_keyword(token: Token, span: Span, line_text: str) -> Diagnostic | None:
    """E104 for a keyword written in capitals ('AND', 'Where'): keywords are lower case."""
    word = str(token)
    if token.type != "NAME" or word == word.lower() or word.lower() not in _KEYWORD_WORDS():
        return None
    return error(
        "E104",
        f"unknown word '{word}': keywords are written in lower case",
        span,
        f"write '{word.lower()}'",
        line_text,
    )


@cache
def _KEYWORD_WORDS() -> frozenset[str]:  # noqa: N802 (a constant, computed once)
    return frozenset(keyword_texts().values())


#: A date written day first (`02.03.2026`, `2/3/2026`), which the language writes year first.
_DAY_FIRST = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})\b")


def _number_before(source: Source, part: Part, token: Token) -> Diagnostic | None:
    """E102 for a number left without its unit, found just before the unexpected token."""
    if token.type == "$END":
        before, first_line = source.text.rstrip(), 1
    else:
        before, first_line = _before(part, token).rstrip(), part.first_line
    start = _trailing_number(before)
    if start is None:
        return None
    line = first_line + before.count("\n", 0, start)
    column = start - (before.rfind("\n", 0, start) + 1) + 1
    number = before[start:]
    line_text = source.line_text(line)
    day_first = _DAY_FIRST.match(line_text, column - 1)
    if day_first is not None:
        day, month, year = day_first.groups()
        return error(
            "E218",
            f"'{day_first.group(0)}' is not a date the language reads",
            source.span_at(line, column, len(day_first.group(0))),
            f"a date is written year-month-day: {year}-{int(month):02d}-{int(day):02d}"
            " (if the day comes first)",
            line_text,
        )
    at = (line_text, column, source.span_at, line)
    if (glued := _unknown_unit(*at) or word_after_number(*at)) is not None:  # '2.5e3', '3 calls'
        return glued
    return error(
        "E102",
        f"the duration '{number}' has no unit",
        source.span_at(line, column, len(number)),
        f"a duration needs a unit, such as '{number}s', '{number}min' or '{number}h'",
        source.line_text(line),
    )


_EXPONENT = re.compile(r"\d+(?:\.\d+)?[eE][+-]?\d+")


def _exponent(line_text: str, column: int, span_at: Any, line: int) -> Diagnostic | None:
    """E100 for a number in exponent notation at `column` (`2.5e3`), read whole, rather than
    'the duration '2' has no unit' or ''e' is not a unit of time'."""
    exponent = _EXPONENT.match(line_text, column - 1)
    if exponent is None:
        return None
    from decimal import Decimal

    text = exponent.group(0)
    value = Decimal(text)
    written = f"{value:f}" if abs(value.adjusted()) <= 30 else ""
    return error(
        "E100",
        f"'{text}' is written with an exponent, which the language does not read",
        span_at(line, column, len(text)),
        f"write the number out: {written}" if written else "write the number out",
        line_text,
    )


def _trailing_number(text: str) -> int | None:
    """Where the number that ends `text` starts (digits, optionally with one fraction), read
    backwards: no regex search, so a long run of digits costs its length once.

    >>> _trailing_number("within 24"), _trailing_number("a 1.5"), _trailing_number("x")
    (7, 2, None)
    """
    end = start = len(text)
    while start > 0 and text[start - 1].isdecimal():
        start -= 1
    if start == end:
        return None
    if start > 1 and text[start - 1] == "." and text[start - 2].isdecimal():
        start -= 1
        while start > 0 and text[start - 1].isdecimal():
            start -= 1
    return start


def _inside_policy(expected: set[str]) -> bool:
    return "SEVERITY" in expected or "OWNER" in expected


def _describe_token(token: Token) -> str:
    kind = token.type
    if kind in ("NAME", "DOTTED"):
        return f"'{token}'"
    if kind in keyword_texts():
        return f"keyword '{token}'"
    if kind in _FRIENDLY and not describe(kind).startswith("'"):
        what = describe(kind).split(" such as")[0].removeprefix("a ").removeprefix("an ")
        return f"{what} '{token}'"
    return f"'{token}'"


def _one_of(items: list[str]) -> str:
    """Join choices in words.

    >>> _one_of(["'a'", "'b'", "'c'"])
    "'a', 'b' or 'c'"
    """
    if len(items) > 8:
        items = items[:8] + ["…"]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]
