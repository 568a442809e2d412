"""Parser stage, a rule said in English words where the language has its own, with the line to
write instead. Each of these got a hint that led elsewhere (hunt69 finding-2): a clause begun
with the word one says (`then`/`must` for `expect`: "add 'expect' before 'then'"; `if` for
`when`, `except` for `unless`, `never` for `forbid`, `for each` for `per`), a window said with
a qualifier (`in less than 2 hours`, `in under 2h`: "an event type with a space is written in
quotes, write \"comanda.livrată in less than 2\""; `within less than 2 hours`, `no later than
2 hours`, `within 90 minutes or less`: "write 'where' instead of 'or'"), the same day (`within
the same day`), a number in words (`within two hours`), a time of day with am/pm (`by 12pm`:
"'pm' is not a unit of time, units are ms, s, …") and a trigger said as a sentence (`when an
order is placed`: "add 'expect' before 'order'"). Later hunts added: a compared number with a
word after it (`<= 3 calls`, finding-5), a policy line or clause written as YAML (`owner:`,
`policy "a.b" "T"`, finding-6), a word in a condition where an operator belongs (`adn`, `și`,
`equals`, `before 12:00`, `12:00 PM`, finding-11), a scope said in words (`per a and b`, `per
each a`) and an `or` line under an `expect` (finding-17)."""

from __future__ import annotations

import re
from typing import Any

from cxrules.diagnostics import Diagnostic, did_you_mean, error
from cxrules.language.habits import UNIT_ALIASES
from cxrules.source import Span

#: The longest line whose slips are looked for (the patterns backtrack).
MAX_LINE = 2_000
#: A clause's first word said in English, and the keyword (terminal) it stands for.
_CLAUSE_WORDS = {
    "then": "EXPECT",
    "must": "EXPECT",
    "should": "EXPECT",
    "shall": "EXPECT",
    "if": "WHEN",
    "whenever": "WHEN",
    "except": "UNLESS",
    "excluding": "UNLESS",
    "never": "FORBID",
    "import": "USE",
    "include": "USE",
}
#: A trigger's line up to the word after its event pattern (no condition: `where` has words).
_WHEN_TRIGGER = re.compile(r"^[ \t]*when[ \t]+(?!.*\bwhere\b)\S.*?[ \t]+$")
_PER_LINE = re.compile(r"^[ \t]*(per)[ \t]+(.*?)[ \t]*(?:#.*)?$")
_FOR_EACH = re.compile(r"^([ \t]*)for[ \t]+(?:(?:each|every|all)[ \t]+)?(\S.*?)[ \t]*$")
#: A window said with a qualifier 'within' already says: what to replace by 'within'.
_QUALIFIED = re.compile(
    r"\b(?:(?:with)?in[ \t]+(?:less[ \t]+than|under|(?:no|not)[ \t]+more[ \t]+than|at[ \t]+most"
    r"|max(?:imum)?)|(?:no|not)[ \t]+later[ \t]+than|at[ \t]+the[ \t]+latest[ \t]+in)[ \t]+(?=\d)"
)
_OR_LESS = re.compile(r"[ \t]+or[ \t]+(?:less|sooner|earlier|fewer|before)\b")
_SAME_DAY = re.compile(r"\b(?:within|on|in)[ \t]+(?:the[ \t]+)?same[ \t]+day\b")
_NUMBERS = {
    word: n
    for n, word in enumerate(
        ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"], start=1
    )
}
_NUMBERS.update(
    {
        "eleven": 11,
        "twelve": 12,
        "fifteen": 15,
        "twenty": 20,
        "thirty": 30,
        "forty": 40,
        "sixty": 60,
    }
)
_IN_WORDS = re.compile(
    r"\b(" + "|".join(_NUMBERS) + r")[ \t]+(minutes?|hours?|days?|weeks?)\b", re.IGNORECASE
)
_AM_PM = re.compile(r"(\d{1,2})(?::(\d{2}))?[ \t]*([ap])\.?m\.?(?!\w)", re.IGNORECASE)
_WORD_AFTER = re.compile(r"(\d+(?:\.\d+)?)[ \t]+([^\W\d_]+)(?!\w)")
#: What stands before a compared number: an operator, `between` or its `and`.
_COMPARED = re.compile(r"(?:[<>=]|\bbetween|\band)[ \t]*$")
#: `when an order is placed`: an article, a subject, a verb said as a sentence.
_SENTENCE = re.compile(
    r"^[ \t]*(when|expect|forbid|unless)[ \t]+(?:(?:a|an|the|every|each|any)[ \t]+)?"
    r"([^\W\d]\w*)[ \t]+(?:is|are|was|were|gets|got|has[ \t]+been|have[ \t]+been|be)[ \t]+"
    r"([^\W\d]\w*)"
)


def english_slip(word: str, expected: set[str], span: Span, line_text: str) -> Diagnostic | None:
    """The slip the unexpected token `word` shows, or None."""
    if len(line_text) > MAX_LINE:
        return None
    return (
        _colon(word, span, line_text)
        or _policy_line(word, span, line_text)
        or _sentence(span, line_text)
        or _condition_word(word, span, line_text)
        or _scope_words(word, span, line_text)
        or _or_line(word, span, line_text)
        or _clause_word(word, expected, span, line_text)
        or _window(span, line_text)
    )


_CLAUSE_BEFORE = re.compile(
    r"^[ \t]*(owner|description|severity|source|zone|tags|calendar|per|when|expect|forbid"
    r"|unless|require|let|param|at[ \t]+risk)[ \t]*$"
)
_POLICY_TITLED = re.compile(r'^[ \t]*policy[ \t]+\S+[ \t]+"(?:[^"\\]|\\.)*"[ \t]*$')
_POLICY_ID = re.compile(r"^([ \t]*policy[ \t]+)([^\s\"]+(?:[ \t]+[^\s\"]+)+)[ \t]+(?=\")")


def _colon(word: str, span: Span, line_text: str) -> Diagnostic | None:
    """`owner: "CX"`, `policy a.b "Title":`: a colon as YAML or a form writes it."""
    if word != ":":
        return None
    before = line_text[: span.column - 1]
    fixed = _replaced(line_text, span.column - 1, span.column, "")
    clause = _CLAUSE_BEFORE.match(before)
    if clause is not None:
        return error(
            "E100",
            f"'{clause.group(1)}' takes what follows it without a ':'",
            span,
            f"write: {fixed}",
            line_text,
        )
    if _POLICY_TITLED.match(before):
        return error(
            "E100",
            "a policy's first line ends with its title, without a ':'",
            span,
            f"write: {fixed}",
            line_text,
        )
    return None


def _policy_line(word: str, span: Span, line_text: str) -> Diagnostic | None:
    """`policy "a.b" "Title"` (an id in quotes), `policy a b "Title"` (an id with a space)."""
    before = line_text[: span.column - 1]
    if word.startswith('"') and re.fullmatch(r"[ \t]*policy[ \t]+", before):
        bare = re.sub(r"\s+", "-", word[1:-1].strip())
        rest = line_text[span.end_column - 1 :].strip()
        if not rest:  # `policy "Complaints are answered"`: a title without an id
            return error(
                "E100",
                "a policy starts with its id, then its title in quotes",
                span,
                f"write e.g.: policy theme.rule-name {word}",
                line_text,
            )
        return error(
            "E100",
            "a policy id is written without quotes (its title is the text after it)",
            span,
            f"write: policy {bare} {rest}".rstrip(),
            line_text,
        )
    spaced = _POLICY_ID.match(line_text)
    if spaced is None or not spaced.start(2) < span.column <= spaced.end(2):
        return None
    words = spaced.group(2).split()
    joined = ".".join(words[:2]) + "".join("-" + w for w in words[2:])
    return error(
        "E100",
        "a policy id is one word: its parts are joined by '.' or '-'",
        span.model_copy(update={"column": spaced.start(2) + 1, "end_column": spaced.end(2) + 1}),
        f"write e.g.: policy {joined} {line_text[spaced.end() :].strip()}",
        line_text,
    )


def _replaced(line_text: str, start: int, end: int, new: str) -> str:
    return " ".join((line_text[:start] + new + line_text[end:]).split())


def _wide(span: Span, start: int, end: int) -> Span:
    """`span` widened to the 0-based columns `start` to `end` of its line."""
    return span.model_copy(update={"column": start + 1, "end_column": end + 1})


def _scope_words(word: str, span: Span, line_text: str) -> Diagnostic | None:
    """`per order and city` (the scope's attributes are a list), `per each order`."""
    found = _PER_LINE.match(line_text)
    if found is None or span.column - 1 < found.end(1):
        return None
    if word.lower() == "and":
        names = [n.strip() for n in re.split(r"\band\b|,", found.group(2)) if n.strip()]
        return error(
            "E100",
            "a scope's attributes are listed with commas, not 'and'",
            span,
            f"write: per {', '.join(names)}",
            line_text,
        )
    each = re.match(r"(?:each|every|all)[ \t]+(.+)$", found.group(2))
    if each is not None and span.column - 1 >= found.start(2):
        return error(
            "E100",
            "'per' alone says 'for each'",
            span,
            f"write: per {each.group(1)}",
            line_text,
        )
    return None


def _or_line(word: str, span: Span, line_text: str) -> Diagnostic | None:
    """`expect order.delivered within 1d` then a line `or order.cancelled`: told "write 'where'
    instead of 'or'", which makes a condition on an attribute no event has."""
    if word.lower() != "or" or line_text[: span.column - 1].strip():
        return None
    other = re.match(r"[ \t]*or[ \t]+([^\s\[\],()\"]*\.[^\s\[\],()\"]*)[ \t]*(?:#.*)?$", line_text)
    if other is None:
        return None
    second = other.group(1)
    return error(
        "E100",
        f"'or' joins conditions, not an event type on a line of its own ({second})",
        span,
        f"if {second} cancels the obligation: unless {second}; for either event, a list: "
        f"expect [first.type, {second}] within …",
        line_text,
    )


def then_on_when_line(said: str, span: Span, line_text: str) -> Diagnostic | None:
    """`when order.placed then order.delivered within 2h` (or `=>`, `->`): the expected event
    said on the trigger's line, which was told to quote "order.placed then order.delivered" as
    one type with a space, and `=>` to write '>=' (hunt69 finding-20)."""
    at = span.column - 1
    trigger = _WHEN_TRIGGER.match(line_text[:at])
    if trigger is None:
        return None
    rest = line_text[at + len(said) :].strip()
    if not rest or rest.startswith("#"):
        return None
    return error(
        "E100",
        f"'{said}' does not join a trigger and what it expects: the expected event has a line "
        "of its own",
        _wide(span, at, at + len(said)),
        f"write '{line_text[:at].strip()}' and under it 'expect {rest}'",
        line_text,
    )


def _clause_word(word: str, expected: set[str], span: Span, line_text: str) -> Diagnostic | None:
    """`then comanda.livrată within 2h`, `if …`, `except …`, `never …`, `for each comanda`."""
    if _CLAUSE_WORDS.get(word.lower()) == "EXPECT" and line_text[: span.column - 1].strip():
        return then_on_when_line(word, span, line_text)
    if line_text[: span.column - 1].strip():
        return None
    lowered = word.lower()
    if lowered == "for" and "PER" in expected:
        found = _FOR_EACH.match(line_text)
        if found is None:
            return None
        return error(
            "E100",
            "a policy's scope is written 'per …'",
            span.model_copy(update={"end_column": len(line_text.rstrip()) + 1}),
            f"write: per {found.group(2)}",
            line_text,
        )
    meant = _CLAUSE_WORDS.get(lowered)
    if meant is None or meant not in expected:
        return None
    keyword = meant.lower()
    what = "line" if meant == "USE" else "clause"
    return error(
        "E100",
        f"'{word}' is not a keyword: this {what} starts with '{keyword}'",
        span,
        "write: " + _replaced(line_text, span.column - 1, span.end_column - 1, keyword),
        line_text,
    )


def _window(span: Span, line_text: str) -> Diagnostic | None:
    """A window or deadline said in English words, around the token at `span`."""
    at = span.column - 1
    for found in _QUALIFIED.finditer(line_text):
        if found.start() <= at < found.end():
            rest = line_text[found.end() :]
            new = "by " if re.match(r"\d{1,2}:\d{2}", rest) else "within "
            said = " ".join(found.group().split())
            return error(
                "E100",
                f"'{said}' is said by '{new.strip()}' alone (its bound is included)",
                _wide(span, found.start(), found.end() - 1),
                "write: " + _replaced(line_text, found.start(), found.end(), new),
                line_text,
            )
    for found in _OR_LESS.finditer(line_text):
        if found.start() <= at < found.end() and re.search(r"\bwithin\b", line_text[:at]):
            said = " ".join(found.group().split())
            return error(
                "E100",
                f"'{said}' is already said by 'within' (at most that long, the bound included)",
                _wide(span, found.start() + 1, found.end()),
                "write: " + _replaced(line_text, found.start(), found.end(), ""),
                line_text,
            )
    for found in _SAME_DAY.finditer(line_text):
        if found.start() <= at < found.end():
            return error(
                "E100",
                "the same day is written 'by end of day'",
                _wide(span, found.start(), found.end()),
                "write: "
                + _replaced(line_text, found.start(), found.end(), "by end of day")
                + " (within 1d is 24 hours, whatever the day)",
                line_text,
            )
    for found in _IN_WORDS.finditer(line_text):
        if found.start() <= at < found.end():
            number = _NUMBERS[found.group(1).lower()]
            return error(
                "E100",
                f"a number is written in digits, not '{found.group(1)}'",
                _wide(span, found.start(), found.end()),
                f"write '{number} {found.group(2)}'",
                line_text,
            )
    return None


def am_pm(line_text: str, column: int, span_at: Any, line: int) -> Diagnostic | None:
    """`by 12pm`, `by 5 pm`: a time of day is written on the 24-hour clock, `by 12:00`."""
    found = _AM_PM.match(line_text, column - 1)
    if found is None:
        return None
    hour, minute, half = int(found.group(1)), int(found.group(2) or 0), found.group(3).lower()
    if not 1 <= hour <= 12 or minute > 59:
        return None
    hour = hour % 12 + (12 if half == "p" else 0)
    written = f"{hour:02}:{minute:02}" if hour or minute else "end of day"
    return error(
        "E100",
        "a time of day is written on the 24-hour clock, without am or pm",
        span_at(line, column, found.end() - found.start()),
        f"write '{written}'" + (" (midnight ends the day)" if written == "end of day" else ""),
        line_text,
    )


def word_after_number(line_text: str, column: int, span_at: Any, line: int) -> Diagnostic | None:
    """`require count(call.made) <= 3 calls`, `nps >= 40 points`, `avg >= 4.5 stars`: a word
    said after a compared number, which was told "the duration '3' has no unit"."""
    found = _WORD_AFTER.match(line_text, column - 1)
    if found is None or not _COMPARED.search(line_text[: column - 1]):
        return None
    number, word = found.groups()
    if word.lower() in UNIT_ALIASES:
        return None
    rest = line_text[found.end() :].strip()
    if rest and not rest.startswith("#"):  # `a == 1 adn b == 2`: the word joins conditions
        at = found.start(2)
        return _condition_word(word, span_at(line, at + 1, len(word)), line_text)
    fixed = _replaced(line_text, found.end(1), found.end(), "")
    return error(
        "E100",
        f"'{number} {word}': a compared number is written alone, without a word after it",
        span_at(line, column, found.end() - found.start()),
        f"write: {fixed} (a duration glues its unit: 5min)",
        line_text,
    )


#: Words that join or compare conditions, said in English, Romanian or Turkish, and the
#: operator the language writes.
_CONDITION_WORDS = {
    "si": "and",
    "și": "and",
    "ve": "and",
    "sau": "or",
    "veya": "or",
    "equals": "==",
    "equal": "==",
    "eq": "==",
    "ne": "!=",
    "before": "<",
    "after": ">",
}
#: A line on which a condition is being written.
_IN_CONDITION = re.compile(r"\bwhere\b|^[ \t]*(?:require|let|report)\b|\balways\b")
_CLOCK_BEFORE = re.compile(r"\b([0-9]{1,2}):([0-9]{2})[ \t]*$")


def _condition_word(word: str, span: Span, line_text: str) -> Diagnostic | None:
    """`where city == "X" adn …`, `… și …`, `where city equals "X"`, `local_time before 12:00`,
    `local_time < 12:00 PM`: a word in a condition where the language has an operator. They
    were told "add 'expect' before 'adn'" (hunt69 finding-11)."""
    before = line_text[: span.column - 1]
    if not _IN_CONDITION.search(before):
        return None
    lowered = word.lower()
    clock = _CLOCK_BEFORE.search(before)
    if lowered in ("am", "pm") and clock is not None:
        hour, minute = int(clock[1]) % 12 + (12 if lowered == "pm" else 0), clock[2]
        at = clock.start()
        return error(
            "E100",
            "a time of day is written on the 24-hour clock, without am or pm",
            _wide(span, at, span.end_column - 1),
            f"write '{hour:02}:{minute}'",
            line_text,
        )
    meant = _CONDITION_WORDS.get(lowered)
    if (
        meant is None
        and lowered != "and"
        and (sorted(lowered) == ["a", "d", "n"] or did_you_mean(lowered, ["and"]))
    ):
        meant = "and"
    if meant is None:
        return None
    joins = meant in ("and", "or")
    return error(
        "E100",
        f"'{word}' is not a keyword: conditions are joined with '{meant}'"
        if joins
        else f"values are compared with '{meant}', not '{word}'",
        span,
        "write: " + _replaced(line_text, span.column - 1, span.end_column - 1, meant),
        line_text,
    )


def _sentence(span: Span, line_text: str) -> Diagnostic | None:
    """`when an order is placed`: an event is named by its type as the log writes it."""
    found = _SENTENCE.match(line_text)
    if found is None or span.column - 1 > found.end():
        return None
    keyword, subject, verb = found.groups()
    return error(
        "E100",
        f"'{keyword}' names an event by its type as the log writes it, not in a sentence",
        span.model_copy(update={"column": found.end(1) + 2, "end_column": found.end() + 1}),
        f"write the type as the log names it, e.g. '{keyword} {subject.lower()}.{verb.lower()}'",
        line_text,
    )
