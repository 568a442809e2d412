"""Gherkin stage: a feature file's mistakes said as a policy's are — file, line, a caret, a hint.

pytest-bdd reports a Gherkin syntax error as a traceback and an unknown step as its own
exception; a CX manager writing specifications gets `file:line:column: error: …` instead, with
the nearest step cxrules offers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

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
    "When no events happen",
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
    and a caret with a hint.

    >>> text = "Feature: f\\n  Scenario: s\\n    | a | b |\\n    | 1 |\\n"
    >>> print(syntax_errors("f.feature", text, ["(4:5): inconsistent cell count within the table"]))
    f.feature:4:5: error: this row has 1 cell, the table's header has 2 (a | b)
       |
     4 |     | 1 |
       |     ^^^^^ every row has a cell per column: an empty cell is written |  |
    """
    lines = text.split("\n")
    out: list[str] = []
    for message in messages:
        found = _POSITION.match(message.strip())
        if found is None:
            out.append(f"{path}: error: {message.strip()}")
            continue
        line, column = int(found[1]), max(1, int(found[2]))
        said = _in_words(found[3], lines, line, column)
        if said is None:
            continue  # the same mistake again, on a later line: said once
        what, hint, line, column = said
        source = lines[line - 1] if 0 < line <= len(lines) else ""
        if source.strip().startswith("|"):
            end = len(source.rstrip()) + 1
        else:
            end = max(column + 1, len(source.rstrip()) + 1)
        out.append(
            f"{path}:{line}:{column}: error: {what}\n{excerpt(source, line, column, end, hint)}"
        )
    return "\n".join(out)


#: The Gherkin parser's names of what it expected, in words; None: nothing to suggest.
_TOKENS: dict[str, str | None] = {
    "#StepLine": "a step (Given, When, Then, And, But)",
    "#TableRow": "a table row (| … |)",
    "#DocStringSeparator": 'a """ block',
    "#ScenarioLine": "'Scenario:'",
    "#ExamplesLine": "'Examples:'",
    "#BackgroundLine": "'Background:'",
    "#RuleLine": "'Rule:'",
    "#FeatureLine": "'Feature:'",
    "#TagLine": "a tag (@…)",
}
_KEYWORDS = ("Given", "When", "Then", "And", "But", "Scenario:", "Examples:", "Background:")
_EXPECTED = re.compile(r"^expected: (.*), got '(.*)'$", re.DOTALL)


def _in_words(
    what: str, lines: list[str], line: int, column: int
) -> tuple[str, str, int, int] | None:
    """A parser error in words: (message, hint, line, column), or None when it repeats the
    error before it (every line before a missing `Feature:` is one)."""
    if what == "inconsistent cell count within the table":
        hint = "every row has a cell per column: an empty cell is written |  |"
        return _cell_count(lines, line), hint, line, column
    if what.startswith("unexpected end of file") and "#DocStringSeparator" in what:
        opening = [n for n, text in enumerate(lines, 1) if text.strip().startswith(('"""', "```"))]
        if opening:
            line = opening[-1]
            column = len(lines[line - 1]) - len(lines[line - 1].lstrip()) + 1
        quotes = lines[line - 1].strip()[:3] if opening else '"""'
        return (
            f"this {quotes} block is never closed: the file ends inside it",
            f"end the block with a line holding only {quotes}",
            line,
            column,
        )
    if what == "A tag may not contain whitespace":
        hint = "a tag is one word (@smoke), on a line of its own above what it tags"
        return "a tag with a space in it", hint, line, column
    expected = _EXPECTED.match(what)
    if expected is None:
        return what, "the Gherkin syntax: docs/gherkin.md", line, column
    tokens = [t.strip() for t in expected[1].split(",")]
    got = expected[2].strip()
    if "#FeatureLine" in tokens and "#StepLine" not in tokens:
        earlier = [t.strip() for t in lines[: line - 1]]
        if any(t and not t.startswith(("#", "@")) for t in earlier):
            return None  # an earlier line was already said to come before 'Feature:'
        return (
            f"'{got}' comes before the file's 'Feature:' line",
            "a feature file starts with 'Feature: <what it specifies>', the scenarios under it",
            line,
            column,
        )
    if got.startswith("Feature:"):
        hint = "a file holds one Feature: put this one in a file of its own"
        return "a second 'Feature:' in one file", hint, line, column
    if got.startswith("Background:"):
        hint = "write the Background before the first Scenario"
        return "a 'Background:' after a scenario", hint, line, column
    words = got.split()
    close = did_you_mean(words[0], _KEYWORDS) if words else ""
    if not close:
        offered = [w for w in (_TOKENS.get(t) for t in tokens) if w]
        close = "here comes " + ", ".join(offered[:-1]) + " or " + offered[-1]
    return f"'{got}' is not Gherkin here", close, line, column


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


def unknown_step(where: str, keyword: str, kind: str, name: str, kinds: Sequence[str] = ()) -> str:
    """An unknown step (`keyword` as written, `kind` given, when or then), named with its
    `where` (file:line), and the nearest step cxrules offers; `kinds`: those of the steps that
    match its text as another kind (an `And` after a `Then` is a Then step).

    >>> print(unknown_step("f.feature:12", "And", "then", "there are exactly no violations"))
    f.feature:12: unknown step 'And there are exactly no violations'
      = hint: did you mean 'Then there are no violations'? (the steps: docs/gherkin.md)
    >>> said = unknown_step("f:9", "And", "then", 'the audit is as of "+3h"', ["given", "when"])
    >>> for part in said.split(": "):
    ...     print(part)
    f:9
    unknown step 'And the audit is as of "+3h"'
      = hint
    this is a When step, and an 'And' after a Then step is a Then step
    write 'When the audit is as of "+3h"'
    """
    if kinds and kind not in kinds:
        word, said = kinds[-1].title(), keyword.strip()
        if said.lower() in ("and", "but"):
            why = f"an '{said}' after a {kind.title()} step is a {kind.title()} step"
        else:
            why = f"not a {kind.title()} step"
        hint = f"this is a {word} step, and {why}: write '{word} {name}'"
        return f"{where}: unknown step '{keyword.strip()} {name}'\n  = hint: {hint}"
    quoted = _unquoted(kind, name)
    if quoted is not None:
        hint = f"a step's values are written in double quotes: '{quoted}'"
        return f"{where}: unknown step '{keyword.strip()} {name}'\n  = hint: {hint}"
    hint = did_you_mean(f"{kind.title()} {name}", _same_sense(name))
    hint = f"{hint} (the steps: docs/gherkin.md)" if hint else "the steps are in docs/gherkin.md"
    return f"{where}: unknown step '{keyword.strip()} {name}'\n  = hint: {hint}"


def _unquoted(kind: str, name: str) -> str | None:
    """The step written with its values in double quotes, when `name` is a step cxrules offers
    with its values written bare (`the log zone is Europe/Bucharest`, `the policy x.y from
    policies/`): its hint was only "the steps are in docs/gherkin.md" (hunt69 finding-19)."""
    if '"' in name:
        return None
    for step in KNOWN_STEPS:
        word, _, text = step.partition(" ")
        if word.lower() != kind or '"' not in text:
            continue
        parts = re.split(r'"[^"]*"', text)
        pattern = r"(\S.*?)".join(re.escape(part) for part in parts)
        found = re.fullmatch(pattern, name.strip())
        if found is not None:
            values = [f'"{value}"' for value in found.groups()]
            filled = parts[0] + "".join(v + rest for v, rest in zip(values, parts[1:], strict=True))
            return f"{word} {filled}"
    return None


def _same_sense(name: str) -> list[str]:
    """The steps to suggest for the unknown step `name`: those that say 'no' when it does and
    those that do not when it does not, so that the hint never turns 'there is no violation'
    into 'there is 1 violation', the opposite expectation (every step when none is left)."""
    says_no = " no " in f" {name.lower()} "
    same = [step for step in KNOWN_STEPS if (" no " in f" {step.lower()} ") == says_no]
    return same or list(KNOWN_STEPS)


_STEP_WORDS = ("Given", "When", "Then", "And", "But")


def steps_read_as_text(path: str, text: str, is_step: Callable[[str], bool]) -> str:
    """A step Gherkin reads as description text, so that no scenario runs it: a step right
    under `Feature:` (outside any scenario), or the first step of a scenario or background
    whose keyword is misspelt (`Gven the log zone is "…"`). A description line counts when its
    first word is a step keyword, or close to one, and the rest is a step cxrules offers
    (`is_step`), so prose that starts with 'When' is left alone. '' when there is none.

    >>> text = 'Feature: f\\n  Scenario: s\\n    Gven the time is "09:00"\\n'
    >>> said = steps_read_as_text("f.feature", text, lambda rest: rest.startswith("the time"))
    >>> print(said.replace(": Gherkin", ":\\nGherkin"))
    f.feature:3:5: error: 'Gven the time is "09:00"' is not a step:
    Gherkin reads it as the scenario's description and runs no step for it
       |
     3 |     Gven the time is "09:00"
       |     ^^^^ did you mean 'Given'?
    """
    lines = text.split("\n")
    out: list[str] = []
    for node in _gherkin_nodes(text, ("background", "scenario", "rule")):
        said = _description_steps(node, lines, is_step)
        out.extend(f"{path}:{line}:{column}: error: {what}" for line, column, what in said)
    return "\n".join(out)


def _gherkin_nodes(text: str, kinds: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    """The feature of a Gherkin text and, breadth first, its children of `kinds` (background,
    scenario, rule), as the Gherkin parser gives them; none when the text does not parse (its
    syntax errors are said elsewhere)."""
    from gherkin.errors import CompositeParserException  # type: ignore[import-untyped]
    from gherkin.parser import Parser  # type: ignore[import-untyped]

    try:
        document: Any = Parser().parse(text)
    except CompositeParserException:
        return
    nodes = [document.get("feature") or {}]
    while nodes:
        node = nodes.pop(0)
        for child in node.get("children", []):
            nodes.extend(child[k] for k in kinds if k in child)
        yield node


def _description_steps(
    node: dict[str, Any], lines: list[str], is_step: Callable[[str], bool]
) -> list[tuple[int, int, str]]:
    found = []
    line = node.get("location", {}).get("line", 0)
    where = {"Feature": "the feature's", "Rule": "the rule's"}.get(node.get("keyword", ""), "")
    where = where or f"the {node.get('keyword', 'scenario').lower()}'s"
    for described in (node.get("description") or "").split("\n"):
        words = described.split(None, 1)
        if not words:
            continue
        while line < len(lines) and lines[line].strip() != described.strip():
            line += 1
        line += 1  # 1-based: the line of `described`
        word, rest = words[0], words[1] if len(words) > 1 else ""
        if word not in _STEP_WORDS and not did_you_mean(word, _STEP_WORDS):
            continue
        if not is_step(rest):
            continue
        column = len(described) - len(described.lstrip()) + 1
        if word in _STEP_WORDS:  # a step outside a scenario
            hint = "put it under 'Background:' (every scenario) or under a 'Scenario:'"
        else:
            hint = did_you_mean(word, _STEP_WORDS)
        what = (
            f"'{described.strip()}' is not a step: Gherkin reads it as {where} description "
            f"and runs no step for it\n"
            f"{excerpt(lines[line - 1], line, column, column + len(word), hint)}"
        )
        found.append((line, column, what))
    return found


PREFIX = "did you mean '"

#: A Scenario Outline's placeholder, as pytest-bdd finds it in steps, tables and blocks.
_PLACEHOLDER = re.compile(r"<(.+?)>")


def unknown_placeholders(path: str, text: str) -> str:
    """A placeholder of a Scenario Outline (`<wait>`) that no column of its Examples names:
    Gherkin leaves it as it is written, and the step then failed on '<wait>' as a time, a
    policy id or a step no step matches, never saying why. Each is an error at its line and
    column, with the columns there are; '' when there is none.

    >>> text = (
    ...     "Feature: f\\n  Scenario Outline: s\\n    Then there are <count> violations\\n"
    ...     "    Examples:\\n      | n |\\n      | 1 |\\n"
    ... )
    >>> print(unknown_placeholders("f.feature", text).replace(", so", ",\\nso"))
    f.feature:3:20: error: '<count>' is not a column of the scenario's Examples,
    so it is left as written
       |
     3 |     Then there are <count> violations
       |                    ^^^^^^^ the Examples' columns are: n
    """
    lines = text.split("\n")
    out: list[str] = []
    for node in _gherkin_nodes(text, ("scenario", "rule")):
        headers = [
            [cell["value"] for cell in examples["tableHeader"]["cells"]]
            for examples in node.get("examples") or ()
            if examples.get("tableHeader")
        ]
        if not headers:
            continue  # a plain scenario: `<…>` is text as written
        for line, said in _placeholder_lines(node.get("steps") or ()):
            source = lines[line - 1] if 0 < line <= len(lines) else ""
            for found in _PLACEHOLDER.finditer(said):
                missing = next((h for h in headers if found[1] not in h), None)
                if missing is None:
                    continue
                column = source.find(found[0]) + 1 or 1
                near = did_you_mean(found[1], missing)  # "did you mean 'kind'?"
                near = f"did you mean '<{near[len(PREFIX) : -2]}>'? " if near else ""
                hint = f"{near}the Examples' columns are: {', '.join(missing)}"
                out.append(
                    f"{path}:{line}:{column}: error: '{found[0]}' is not a column of the "
                    f"scenario's Examples, so it is left as written\n"
                    f"{excerpt(source, line, column, column + len(found[0]), hint)}"
                )
    return "\n".join(out)


def _placeholder_lines(steps: Iterable[dict[str, Any]]) -> Iterable[tuple[int, str]]:
    """(line, text) of what a Scenario Outline's Examples fill in: each step's text, each cell
    of its table, each line of its block."""
    for step in steps:
        yield step["location"]["line"], step.get("text", "")
        for row in (step.get("dataTable") or {}).get("rows", []):
            for cell in row["cells"]:
                yield cell["location"]["line"], cell["value"]
        block = step.get("docString")
        if block:
            first = block["location"]["line"] + 1
            for n, said in enumerate(block.get("content", "").split("\n")):
                yield first + n, said
