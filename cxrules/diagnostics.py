"""Diagnostics stage: the problems every stage reports, their stable codes, and their rendering."""

from __future__ import annotations

import difflib
import heapq
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from cxrules.source import Span, excerpt, printable


class Level(StrEnum):
    """How serious a diagnostic is: errors stop a run, warnings fail only with --strict."""

    ERROR = "error"
    WARNING = "warning"


#: Every stable code, with a one-line title. docs/diagnostics.md documents each with an example
#: and its fix; tests/checker/test_diagnostics_docs.py keeps the two in step.
CODES: dict[str, str] = {
    # E1xx: syntax
    "E100": "unexpected text",
    "E101": "unclosed string",
    "E102": "duration without a unit",
    "E103": "'=' used to compare",
    "E104": "unknown or misspelt keyword",
    "E105": "'when' without 'expect', 'require' or 'forbid'",
    "E106": "file ends in the middle of a policy",
    "E107": "character not allowed here",
    "E108": "policy without a title",
    "E109": "nested too deeply",
    # E2xx: checking
    "E201": "duplicate policy id",
    "E202": "undefined state",
    "E203": "undefined metric",
    "E204": "undefined name",
    "E205": "undefined calendar",
    "E206": "used file not found",
    "E207": "'use' cycle",
    "E208": "wrong unit",
    "E209": "percentage out of range",
    "E210": "count out of range",
    "E211": "invalid regular expression",
    "E212": "unknown severity",
    "E213": "invalid time of day",
    "E214": "metric or state used in the wrong place",
    "E215": "duplicate definition",
    "E216": "unknown time zone",
    "E217": "policy without a rule, or with more than one",
    "E218": "invalid date",
    "E219": "path outside the project",
    "E220": "unknown holiday country",
    "E221": "unknown function or wrong number of arguments",
    "E222": "invalid parameter override",
    "E223": "invalid bounds",
    "E224": "number or duration too large",
    "E225": "'report' on a rule without a trigger",
    "E226": "expectation not judged at the trigger",
    "E227": "a trigger that cannot meet its own obligation",
    "E228": "window no engine counts in business time",
    "E229": "no policy files found",
    "E230": "'previous' or 'trigger' without an attribute",
    "W201": "policy without owner or description",
    "W202": "defined but never used",
    "W203": "warning level on the wrong side of the requirement",
    "W204": "share metric without a scope to pair its events",
    "W205": "look-alike name",
    "W206": "percentile 1 read as a fraction",
    "W207": "case-mapped text compared with a Turkish i it cannot match",
    # E3xx: evaluation
    "E301": "expression could not be evaluated on an event",
    "E302": "policy cannot run on the chosen engine",
    "E303": "invalid compiled policy",
    # E4xx: input (logs and mappings)
    "E401": "log file cannot be read",
    "E402": "record does not parse in the format of its log",
    "E403": "record has no time",
    "E404": "time cannot be parsed",
    "E405": "record has no type",
    "E406": "field has the wrong type",
    "E407": "bytes are not valid UTF-8",
    "E408": "record too long",
    "E409": "duplicate event id",
    "E410": "invalid log mapping",
    "E411": "record is not an object",
    "E412": "invalid project settings",
    "E413": "time out of range",
    "E414": "event later than the allowed lateness",
    "E415": "gzip file cut short",
    "W401": "event type no event in the log has",
    "W402": "attribute no event in the log has",
    "W403": "local time without a zone, in a log with offsets",
    "W404": "records of a sample log rejected",
    "W405": "metric values written as text",
    "W406": "log times without an offset read as UTC",
    "W407": "booleans written as text",
    "W408": "metric values that are true or false",
    "W409": "a rule without 'per' over events that name their subject",
}


class Diagnostic(BaseModel):
    """One problem found in a policy file, a mapping or a log, at a position when there is one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    level: Level
    message: str
    span: Span | None = None
    hint: str = ""
    source_line: str = ""

    def render(self) -> str:
        """`path:line:col: error[CODE]: message`, then the line with carets and the hint."""
        where = f"{self.span}: " if self.span else ""
        # names from logs and mappings (a CSV header, a TOML key) are quoted as they are
        # spelt, control characters made visible (the quoted line and the label are, too)
        head = printable(f"{where}{self.level.value}[{self.code}]: {self.message}")
        if self.span is None or not self.source_line:
            return head + (f"\n  = hint: {printable(self.hint)}" if self.hint else "")
        end = self.span.end_column if self.span.end_line == self.span.line else 10**6
        end = min(end, len(self.source_line) + 1)
        return (
            head
            + "\n"
            + excerpt(self.source_line, self.span.line, self.span.column, end, self.hint)
        )


def error(
    code: str, message: str, span: Span | None = None, hint: str = "", line: str = ""
) -> Diagnostic:
    """Build an error diagnostic; `code` must be a documented code."""
    assert code in CODES, code
    return Diagnostic(
        code=code, level=Level.ERROR, message=message, span=span, hint=hint, source_line=line
    )


def warning(
    code: str, message: str, span: Span | None = None, hint: str = "", line: str = ""
) -> Diagnostic:
    """Build a warning diagnostic; `code` must be a documented code."""
    assert code in CODES, code
    return Diagnostic(
        code=code, level=Level.WARNING, message=message, span=span, hint=hint, source_line=line
    )


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    """Order diagnostics by file, position, then code."""
    if d.span is None:
        return ("", 0, 0, d.code)
    return (d.span.file, d.span.line, d.span.column, d.code)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest choice, or '' when nothing is close. A name typed without its
    Turkish or Romanian marks is close to the one with them:

    >>> did_you_mean("hgh", ["info", "low", "medium", "high", "critical"])
    "did you mean 'high'?"
    >>> did_you_mean("sikayet.acildi", ["şikayet.açıldı"]), did_you_mean("musteri", ["müşteri"])
    ("did you mean 'şikayet.açıldı'?", "did you mean 'müşteri'?")
    >>> did_you_mean("pre", ["per", "policy"])
    "did you mean 'per'?"
    """
    if len(word) > _LONGEST:
        return ""
    names = [name for name in choices if len(name) <= _LONGEST]
    close = difflib.get_close_matches(word, _shortlist(word, names), n=1, cutoff=0.72)
    if not close and len(word) >= 3:  # two letters swapped: 'pre' is 67% like 'per' to difflib
        swapped = [n for n in names if n != word and sorted(n) == sorted(word)]
        close = swapped[:1] if len(swapped) == 1 else []
    if not close:
        folded: dict[str, str] = {}
        for name in names:
            folded.setdefault(unmarked(name), name)
        plain = unmarked(word)
        found = difflib.get_close_matches(plain, _shortlist(plain, list(folded)), n=1, cutoff=0.72)
        close = [folded[found[0]]] if found else []
    return f"did you mean '{close[0]}'?" if close else ""


#: Names from logs and policies are untrusted: difflib's ratio takes time growing with the
#: product of two names' lengths, so a log of thousands of long types, each of the letters of
#: the policy's one, kept `did_you_mean` busy for minutes. No typo is that long: longer names get
#: no suggestion, and at most `_COMPARED` names, the closest by the cheap measures, the full one.
_LONGEST = 200
_COMPARED = 100


def _shortlist(word: str, names: list[str]) -> list[str]:
    """The names `get_close_matches` would compare fully with `word` (both bounds at 0.72),
    at most `_COMPARED` of them, the highest by `quick_ratio`; all of them when they are fewer."""
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    passed: list[tuple[float, str]] = []
    for name in names:
        matcher.set_seq1(name)
        if matcher.real_quick_ratio() >= 0.72 and (quick := matcher.quick_ratio()) >= 0.72:
            passed.append((quick, name))
    if len(passed) <= _COMPARED:
        return [name for _, name in passed]
    return [name for _, name in heapq.nlargest(_COMPARED, passed)]


def unmarked(word: str) -> str:
    """The word with the marks off its letters, as it is typed on a keyboard without them.

    >>> unmarked("müşteri"), unmarked("çağrı"), unmarked("București")
    ('musteri', 'cagri', 'Bucuresti')
    """
    parts = unicodedata.normalize("NFKD", word.replace("ı", "i"))
    return "".join(c for c in parts if not unicodedata.combining(c))


def has_errors(diagnostics: Sequence[Diagnostic]) -> bool:
    """True when any diagnostic is an error."""
    return any(d.level is Level.ERROR for d in diagnostics)


def render_text(diagnostics: Sequence[Diagnostic]) -> str:
    """All diagnostics as text, sorted, followed by a one-line count."""
    parts = [d.render() for d in sorted(diagnostics, key=sort_key)]
    errors = sum(d.level is Level.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    parts.append(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")
    return "\n".join(parts)


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    """All diagnostics as a JSON array, sorted, one object each."""
    items = [d.model_dump(mode="json") for d in sorted(diagnostics, key=sort_key)]
    return json.dumps(items, ensure_ascii=False, indent=2)


def toml_error(code: str, message: str, exc: Exception, text: str, file: str) -> Diagnostic:
    """The error for a TOML file that does not parse (`exc`, tomllib's, says 'at line L, column
    C'): the message, the place and its line, and a hint when the place is a bare key or table
    name with a letter TOML does not allow there ('çağrı = …', which TOML writes '"çağrı" = …')."""
    found = re.search(r"at line (\d+), column (\d+)", str(exc))
    if not found:
        return error(code, message)
    number, column = int(found.group(1)), int(found.group(2))
    lines = text.splitlines()
    line = lines[number - 1] if 0 < number <= len(lines) else ""
    span = Span(file=file, line=number, column=column, end_line=number, end_column=column + 1)
    return error(code, message, span, _toml_key_hint(line, column - 1), line)


_TOML_KEY = "a TOML key with letters outside A-Z, a-z, 0-9, _ and - is written in quotes: "


def _toml_key_hint(line: str, index: int) -> str:
    """The hint for a bare key (or table name) at `index` of the line holding a letter outside
    A–Z, a–z, 0–9, '_' and '-' ('' for any other mistake).

    >>> _toml_key_hint('attrs = { çağrı = "{call}" }', 10)
    'a TOML key with letters outside A-Z, a-z, 0-9, _ and - is written in quotes: "çağrı" = …'
    >>> _toml_key_hint("[müşteri]", 2)
    'a TOML key with letters outside A-Z, a-z, 0-9, _ and - is written in quotes: ["müşteri"]'
    >>> _toml_key_hint("zone = Europe/Istanbul", 7)
    ''
    """
    for word in re.finditer(r"[\w-]+", line):
        if not word.start() <= index < word.end() or word.group().isascii():
            continue
        after = line[word.end() :].lstrip()[:1]
        before = line[: word.start()].rstrip()[-1:]
        quoted = f'"{word.group()}"'
        if before == "[" and after in ("]", "."):
            shown = f"[{quoted}]"
        elif after in ("=", "."):
            shown = f"{quoted} = …"
        else:
            return ""
        return _TOML_KEY + shown
    return ""
