"""Parser stage, a newcomer's ways of saying a count or a deadline that the language says
otherwise, with the line to write instead of a list of tokens: a counted trigger said the way
one speaks (`when complaint.filed 3 times within 30d`: the language writes `when 3rd
complaint.filed within 30d`), a count of expected events without `at least` (`expect 2
followup.sent …`), and the end of a day, week or month said in Turkish or Romanian (`by gün
sonu`, `by sfârșitul zilei`: `by end of day`)."""

from __future__ import annotations

import re

from cxrules.diagnostics import Diagnostic, error
from cxrules.language.definition_slips import definition_after_policy
from cxrules.language.english_slips import am_pm, english_slip
from cxrules.language.literals import ordinal_suffix
from cxrules.source import Source, Span

__all__ = ["am_pm", "newcomer_slip"]

#: The longest line whose slips are looked for (the patterns backtrack).
MAX_LINE = 2_000
_WHEN_TYPE = re.compile(r"\bwhen[ \t]+(\S+)[ \t]+$")
_TIMES_AFTER = re.compile(r"[ \t]+times?\b")
_EXPECT_BEFORE = re.compile(r"\bexpect[ \t]+$")
_COUNTED_REST = re.compile(r"[ \t]+(\S+)[ \t]*(.*?)[ \t]*$")
_BY = re.compile(r"\bby[ \t]+", re.IGNORECASE)
#: An event pattern's clause up to an `or`: its keyword, its (single) event type, the rest.
#: The type is cut at its first dot or star, and `mid` ends at a character that is no blank:
#: a type that could be cut at any of its dots, before a lazy `mid`, backtracked in time cubic
#: in the line's length when it did not end in a blank (`b \f` before `or`: 9 s for a line of
#: 2,000 characters, each policy of a check; hunt66 finding-K).
_CLAUSE_TYPE = re.compile(
    r"^[ \t]*(?P<keyword>when|expect(?:[ \t]+each)?|forbid|unless)[ \t]+"
    r"(?P<first>[^\s\[\],()\".*]*+[.*][^\s\[\],()\"]*+|\"[^\"]*\")(?P<mid>(?:.*[^ \t])?)[ \t]+$"
)
#: After the `or`: another event type (dotted, wildcard or quoted), then what follows it.
_OTHER_TYPE = re.compile(
    r"[ \t]+(?P<second>[^\s\[\],()\"=<>!]*[.*][^\s\[\],()\"=<>!]*|\"[^\"]*\")(?P<rest>.*)$"
)
_WINDOW_OR_END = re.compile(r"(within|after|before|at|between|by|where)\b")
#: Letters of Turkish and Romanian that a phrase is matched without (either spelling is read).
_PLAIN = str.maketrans("şșţțâîăüğıöçŞȘŢȚÂÎĂÜĞİÖÇ", "ssttaiaugiocSSTTAIAUGIOC")
#: The end of a period said in Turkish or Romanian (without their letters), longest first, and
#: how the language writes it after `by`.
_END_OF: tuple[tuple[str, str], ...] = (
    (r"is[ \t]+gunu(?:nun)?[ \t]+sonu", "end of business day"),
    (r"sfarsitul[ \t]+zilei[ \t]+lucratoare", "end of business day"),
    (r"gun(?:un)?[ \t]+sonu", "end of day"),
    (r"ay(?:in)?[ \t]+sonu", "end of month"),
    (r"(?:sfarsitul|finalul)[ \t]+zilei", "end of day"),
    (r"(?:sfarsitul|finalul)[ \t]+saptamanii", "end of week"),
    (r"(?:sfarsitul|finalul)[ \t]+lunii", "end of month"),
)


def newcomer_slip(
    source: Source, word: str, kind: str, expected: set[str], span: Span, line_text: str
) -> Diagnostic | None:
    """The slip the unexpected token `word` (of terminal `kind`) shows, or None."""
    if len(line_text) > MAX_LINE:
        return None
    before = line_text[: span.column - 1]
    if kind in ("INT", "NUMBER"):
        return _times(word, before, line_text, span) or _expect_count(
            word, expected, before, line_text, span
        )
    return (
        english_slip(word, expected, span, line_text)
        or _either_event(kind, before, line_text, span)
        or _end_of(source, line_text, span)
        or definition_after_policy(source, kind, expected, span, line_text)
    )


def _times(word: str, before: str, line_text: str, span: Span) -> Diagnostic | None:
    """`when complaint.filed 3 times within 30d`: a count of triggers said as in speech."""
    trigger = _WHEN_TYPE.search(before)
    times = _TIMES_AFTER.match(line_text, span.end_column - 1)
    if trigger is None or times is None or not word.isdecimal() or int(word) < 1:
        return None
    n = int(word)
    ordinal = f"{n}{ordinal_suffix(n)}"
    rest = line_text[times.end() :].strip()
    said = " ".join(line_text[span.column - 1 : times.end()].split())
    return error(
        "E100",
        f"a count of events is written as an ordinal before the event, not '{said}' after it",
        span.model_copy(update={"end_column": times.end() + 1}),
        f"write: when {ordinal} {trigger.group(1)} {rest}".rstrip(),
        line_text,
    )


def _expect_count(
    word: str, expected: set[str], before: str, line_text: str, span: Span
) -> Diagnostic | None:
    """`expect 2 followup.sent within 7d`: a count of expected events without `at least`."""
    if "_AT_LEAST" not in expected or _EXPECT_BEFORE.search(before) is None:
        return None
    counted = _COUNTED_REST.match(line_text, span.end_column - 1)
    what = counted.group(1) if counted else "…"
    window = counted.group(2) if counted else ""
    fixed = f"expect at least {word} {what}"
    if re.search(r"\bbefore\b", window):
        hint = f"write: {fixed} {window}"
    else:  # a count is judged at the trigger, on the events before it (E226)
        one = f"expect {what} {window or 'within 7d'}"
        back = (
            f"{window} before" if re.fullmatch(r"within[ \t]+\S+", window) else "within 7d before"
        )
        hint = (
            f"write '{fixed} {back}' (a count is of the events before the trigger); "
            f"for one event after it: '{one}'"
        )
    return error(
        "E100",
        f"a count of expected events is written 'at least {word}' or 'at most {word}'",
        span,
        hint,
        line_text,
    )


def _either_event(kind: str, before: str, line_text: str, span: Span) -> Diagnostic | None:
    """`expect ticket.closed within 2d or ticket.cancelled`, `when a.opened or a.reopened`: two
    event types joined by `or`, which joins conditions; a list is either type. (The hint for an
    `or` where `where` is awaited, 'write where', made `where ticket.cancelled`: a condition on
    an attribute that no event has, accepted without a word.)"""
    if kind != "OR":
        return None
    clause = _CLAUSE_TYPE.match(before)
    other = _OTHER_TYPE.match(line_text, span.end_column - 1)
    if clause is None or other is None:
        return None
    first, second, rest = clause["first"], other["second"], other["rest"].strip()
    if rest and not _WINDOW_OR_END.match(rest):
        return None  # `or address.city == "x"`: a condition, whose `where` the usual hint says
    keyword = clause["keyword"]
    listed = f"{keyword} [{first}, {second}]{clause['mid']}" + (f" {rest}" if rest else "")
    cancels = ""
    if keyword.startswith("expect"):
        cancels = f"; if {second} cancels it instead: unless {second}"
    return error(
        "E100",
        f"'or' joins conditions, not the event types {first} and {second}",
        span,
        f"either type is a list: {listed}{cancels}",
        line_text,
    )


def _end_of(source: Source, line_text: str, span: Span) -> Diagnostic | None:
    """`by gün sonu`, `by sfârșitul zilei`: the end of a period said in Turkish or Romanian."""
    plain = line_text.translate(_PLAIN)
    for by in _BY.finditer(plain, 0, span.column - 1):
        for pattern, meant in _END_OF:
            said = re.compile(pattern, re.IGNORECASE).match(plain, by.end())
            if said is not None and by.end() < span.column <= said.end() + 1:
                written = line_text[by.end() : said.end()]
                return error(
                    "E100",
                    f"'by {written}' is not a deadline the language reads",
                    source.span_at(span.line, by.end() + 1, said.end() - by.end()),
                    f"write 'by {meant}'",
                    line_text,
                )
    return None
