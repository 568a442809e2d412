"""Parser stage, an event type written with a space: an export's activity names ('In Progress',
'Status Change') give types such as `Accepted.In Progress`, which a policy writes in quotes (or,
with the mapping's `type_values = "slug"`, as `accepted.in_progress`); written bare, the parser
reads the type up to the space and stumbles on the next word (a small word such as 'in' that is
also a keyword included: `ticket.take in charge`). Two such words are no type: a window said
with 'in' (`complaint.filed in 30d`) and a share's window after its 'of' (`share(A of B within
20s)`)."""

from __future__ import annotations

import re

from lark import Token

from cxrules.diagnostics import Diagnostic, error
from cxrules.source import Source, Span

#: What stands before a pattern: 'when', 'expect', 'forbid', 'unless', 'until', 'of', a count,
#: '=' (a state's definition), '[', ',' or '('.
_PATTERN_BEFORE = re.compile(
    r"(?:\b(?:when|expect|forbid|require|unless|until|of|each|later|\d+(?:st|nd|rd|th)"
    r"|most[ \t]+\w+|least[ \t]+\w+)|(?<![=!<>])=|[\[,(])[ \t]*$"
)
#: Small words of activity names ('Take in charge', 'Wait for customer') that are also keywords:
#: read as a type's next word when they are where the parser stopped and a word follows.
_SMALL_WORDS = frozenset({"in", "on", "of", "to", "for", "from", "with"})
#: `share(A of B within 20s)`: what follows 'of', the event counted on and the window.
_SHARE_OF = re.compile(
    r"[ \t]+([\w.*:-]+(?:[ \t]+where[ \t]+[^()]+?)?)[ \t]+(within[ \t]+[^()]+?)[ \t]*\)"
)
_SHARE_BEFORE = re.compile(r"\bshare\([ \t]*$")
#: What follows 'in' in a window said aloud: `in 30d`, `in 90 days`, `in the last 30 days`.
_WINDOW_AFTER_IN = re.compile(r"[ \t]+(?:the[ \t]+)?(?:(?:last|past)[ \t]+)?(?=\d)")
#: The characters that end an unquoted event type.
_TYPE_END = re.compile(r"[\s\[\],()\"`=]")
#: A word of a type written with spaces: it stops at a keyword, an operator, a bracket, a comma
#: or a quote.
_TYPE_WORD = re.compile(r"[ \t]*([\w:.&'/-]+)(?=[\s\[\],]|$)")


def spaced_type(
    source: Source, token: Token, span: Span, line_text: str, keyword_texts: dict[str, str]
) -> Diagnostic | None:
    """An event type whose value has a space ('Accepted.In Progress', from an export's
    activity names): the parser reads the type up to the space, then a stray word."""
    first = str(token)
    if token.type not in ("NAME", "DOTTED") and first not in _SMALL_WORDS:
        return None
    before = line_text[: span.column - 1]
    typed = before.rstrip(" \t")
    if typed == before:
        return None  # no space before the word
    start = max((m.end() for m in _TYPE_END.finditer(typed)), default=0)
    if "." not in typed[start:] or not _PATTERN_BEFORE.search(typed[max(0, start - 40) : start]):
        return None
    keywords = set(keyword_texts.values())
    words, at = [typed[start:]], span.column - 1
    while (word := _TYPE_WORD.match(line_text, at)) is not None:
        small = len(words) == 1 and word.group(1) in _SMALL_WORDS  # 'take in charge'
        if (word.group(1).lower() in keywords and not small) or not word.group(1)[0].isalnum():
            break
        words.append(word.group(1))
        at = word.end()
    share = (
        _SHARE_OF.match(line_text, span.column + 1)
        if first == "of" and len(line_text) <= 2_000  # the pattern backtracks
        else None
    )
    if share is not None and _SHARE_BEFORE.search(typed[:start]):
        # `share(call.answered of call.queued within 20s)`: the window comes before 'of'
        return error(
            "E100",
            "a share names its window before 'of'",
            span,
            f"write: share({typed[start:]} {share.group(2)} of {share.group(1)})",
            line_text,
        )
    window = _WINDOW_AFTER_IN.match(line_text, span.column + 1) if first == "in" else None
    if window is not None:
        # `when 3rd complaint.filed in 30d`, `… in the last 30 days`: a window, not a type
        fixed = line_text[: span.column - 1] + "within " + line_text[window.end() :]
        return error(
            "E100",
            "a window is written with 'within', not 'in'",
            span,
            f"write: {fixed.strip()}",
            line_text,
        )
    if len(words) == 2 and words[1] in _SMALL_WORDS:
        return None  # a keyword the rule cannot have there, and no word of a type after it
    whole = " ".join(words)
    slugged = ".".join(re.sub(r"[\W_]+", "_", p.lower()).strip("_") for p in whole.split("."))
    return error(
        "E100",
        "an event type with a space is written in quotes",
        source.span_at(span.line, start + 1, at - start),
        f'write "{whole}", or give the log mapping type_values = "slug" and write {slugged}',
        line_text,
    )


#: A dotted word: a policy id, an event type or an attribute path.
_DOTTED_WORD = re.compile(r"[\w*:-]+(?:\.[\w*:-]+)+")
_POLICY_BEFORE = re.compile(r"^[ \t]*policy[ \t]+$")


def digit_part(source: Source, line: int, column: int) -> Diagnostic | None:
    """A part of a dotted name that starts with a digit (`ro.24h`, `sms.2fa_sent`, `24h.reply`):
    the lexer reads `24h` as a duration, `2` as a number, and the parser stumbles on the '.'
    or on the digit, with a list of what it expected that never says why."""
    line_text = source.line_text(line)
    word = next(
        (m for m in _DOTTED_WORD.finditer(line_text) if m.start() < column <= m.end()), None
    )
    if word is None:
        return None
    parts = word.group().split(".")
    first = parts[0]
    if first[0].isdigit():  # a number, a date or a time ('2.5', '10:30') is no name
        if not any(c.isalpha() or c == "_" for c in first):
            return None
        index = 0
    else:
        index = next((i for i, p in enumerate(parts) if p[0].isdigit()), -1)
        if index < 0:
            return None
    part = parts[index]
    at = word.start() + sum(len(p) + 1 for p in parts[:index])
    span = source.span_at(line, at + 1, len(part))
    before = line_text[: word.start()]
    whole = word.group()
    if _POLICY_BEFORE.match(before):
        if index:
            joined = ".".join(
                parts[: index - 1] + [f"{parts[index - 1]}-{part}"] + parts[index + 1 :]
            )
        else:
            joined = "-".join(parts[1:] + [part])
        return error(
            "E100",
            f"a part of a policy id cannot start with a digit: '{part}' in '{whole}'",
            span,
            f"begin each part with a letter, e.g. '{joined}' (a part that starts with a digit"
            " reads as a number, a duration or a count)",
            line_text,
        )
    if _PATTERN_BEFORE.search(before[-40:]):
        return error(
            "E100",
            f"a part of an event type written bare cannot start with a digit: '{part}'",
            span,
            f'write the type in quotes: "{whole}"',
            line_text,
        )
    return error(
        "E100",
        f"a part of a name written bare cannot start with a digit: '{part}'",
        span,
        f"write the name in backticks: `{whole}`",
        line_text,
    )
