"""Gherkin stage: a feature file's mistakes said as a policy's are — file, line, a caret, a hint.

pytest-bdd reports a Gherkin syntax error as a traceback and an unknown step as its own
exception; a CX manager writing specifications gets `file:line:column: error: …` instead, with
the nearest step cxrules offers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from cxrules.diagnostics import did_you_mean
from cxrules.source import excerpt

#: The steps cxrules offers, as docs/gherkin.md writes them: what an unknown step is compared
#: with for a suggestion.
KNOWN_STEPS: tuple[str, ...] = (
    'Given the policies in "policies/"',
    "Given the project policies",
    'Given the policy "<id>" from "policies/"',
    "Given the policy:",
    'Given the parameter "<name>" is "<value>"',
    'Given the log zone is "<zone>"',
    'Given the time is "<time>"',
    'Given the audit is as of "<time>"',
    "When these events happen:",
    'When the audit is as of "<time>"',
    "Then there are no violations",
    "Then there is 1 violation",
    "Then there are 2 violations",
    "Then the violations are:",
    'Then policy "<id>" has 2 satisfied, 1 violated and 0 pending',
    'Then policy "<id>" is vacuously satisfied',
    'Then policy "<id>" has 2 events outside its scope',
    'Then there is 1 pending obligation with deadline "<time>"',
    "Then there is 1 pending obligation with no deadline",
    "Then there are no pending obligations",
    'Then the metric "<name>" for <group> on bucket "<bucket>" is <value> and "<status>"',
    'Then the metric "<name>" for <group> on bucket "<bucket>" is not applicable',
    'Then the violation sentence contains "<text>"',
    'Then a violation sentence contains "<text>"',
    'Then the violation sentence is "<text>"',
    "Then the violation details are:",
)

_POSITION = re.compile(r"^\((\d+):(\d+)\): (.*)$")


def syntax_errors(path: str, text: str, messages: Iterable[str]) -> str:
    """The Gherkin parser's errors (`(11:7): inconsistent cell count within the table`) as
    diagnostics of the file `path` whose text is `text`: position, message in words, the line
    and a caret.

    >>> text = "Feature: f\\n  Scenario: s\\n    | a | b |\\n    | 1 |\\n"
    >>> print(syntax_errors("f.feature", text, ["(4:5): inconsistent cell count within the table"]))
    f.feature:4:5: error: this row has 1 cell, the table's header has 2 (a | b)
       |
     4 |     | 1 |
       |     ^^^^^
    """
    lines = text.split("\n")
    out = []
    for message in messages:
        found = _POSITION.match(message.strip())
        if found is None:
            out.append(f"{path}: error: {message.strip()}")
            continue
        line, column, what = int(found[1]), int(found[2]), found[3]
        source = lines[line - 1] if 0 < line <= len(lines) else ""
        if what == "inconsistent cell count within the table":
            what = _cell_count(lines, line)
        end = len(source.rstrip()) + 1 if source.strip().startswith("|") else column + 1
        out.append(f"{path}:{line}:{column}: error: {what}\n{excerpt(source, line, column, end)}")
    return "\n".join(out)


def _cells(row: str) -> list[str]:
    """The cells of a table row, `\\|` being a bar inside a cell."""
    inner = row.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", inner)]


def _cell_count(lines: list[str], line: int) -> str:
    """'this row has 2 cells, the table's header has 3 (time | type | call)' for the row at
    `line` (1-based), whose table starts at the first row of its block of rows."""
    first = line
    while first > 1 and lines[first - 2].strip().startswith("|"):
        first -= 1
    header = _cells(lines[first - 1])
    row = _cells(lines[line - 1])
    cells = f"{len(row)} cell" + ("s" if len(row) != 1 else "")
    return f"this row has {cells}, the table's header has {len(header)} ({' | '.join(header)})"


def unknown_step(where: str, keyword: str, kind: str, name: str) -> str:
    """An unknown step (`keyword` as written, `kind` given, when or then), named with its
    `where` (file:line), and the nearest step cxrules offers.

    >>> print(unknown_step("f.feature:12", "And", "then", "there are exactly no violations"))
    f.feature:12: unknown step 'And there are exactly no violations'
      = hint: did you mean 'Then there are no violations'? (the steps: docs/gherkin.md)
    """
    hint = did_you_mean(f"{kind.title()} {name}", KNOWN_STEPS)
    hint = f"{hint} (the steps: docs/gherkin.md)" if hint else "the steps are in docs/gherkin.md"
    return f"{where}: unknown step '{keyword.strip()} {name}'\n  = hint: {hint}"
