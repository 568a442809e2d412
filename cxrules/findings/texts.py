"""Audit stage, numbers written as text: a metric that averages, sums, ranks or scores an
attribute the log holds only as text ("45" from a CSV column the mapping does not list in
`numbers`) finds no number — a text is not part of a value aggregate's population
(docs/semantics.md, Metrics) — so its cells are not applicable, and an audit passes without
having measured anything. Looked for in a sample of the log, the same whatever the engine.
An attribute the log holds only as true or false (a mapping's `booleans`: `made_sla`) is no
number either, so `avg(made_sla of incident.closed)`, a manager's "share of SLAs met", finds no
value as well: W408, with the ratio that counts them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cxrules import ir
from cxrules.diagnostics import Diagnostic, warning
from cxrules.findings.unseen import first_use
from cxrules.ir.reading import read_number
from cxrules.language.fmt import type_text
from cxrules.logs.event import Event
from cxrules.logs.mapping import LogMapping
from cxrules.source import Source

CODE = "W405"
#: The warning for values held only as true or false.
FLAGS_CODE = "W408"
#: The aggregates that read their events' values as numbers.
VALUE_FNS = frozenset({"avg", "sum", "min", "max", "percentile", "nps", "csat", "ces"})


@dataclass
class _Read:
    """One metric's value attribute, and what the sample holds in it."""

    policy: ir.Policy
    fn: str
    path: str
    types: tuple[str, ...]
    numbers: int = 0
    texts: int = 0
    flags: int = 0
    example: str = ""

    def matches(self, type_: str) -> bool:
        return any(t == type_ or ("*" in t and _glob(t, type_)) for t in self.types)


def _glob(pattern: str, text: str) -> bool:
    """`*` stands for any run of characters (an event type glob), without regular expressions."""
    parts = pattern.split("*")
    if not text.startswith(parts[0]) or not text.endswith(parts[-1]):
        return False
    at = len(parts[0])
    for part in parts[1:-1]:
        found = text.find(part, at)
        if found < 0:
            return False
        at = found + len(part)
    return at <= len(text) - len(parts[-1])


class NumbersAsText:
    """Looks at events one at a time (`see`) for the metrics whose value attribute holds
    numbers written as text and never a number (`warnings`)."""

    def __init__(
        self,
        policy_set: ir.PolicySet,
        mapping: LogMapping | None = None,
        sources: Mapping[str, Source] | None = None,
    ) -> None:
        self.mapping, self.sources = mapping, sources
        self.reads = [
            _Read(policy, rule.metric.aggregate.fn, value.path, rule.metric.aggregate.pattern.types)
            for policy in policy_set.policies
            if isinstance(rule := policy.rule, ir.MetricCheck)
            and rule.metric.aggregate.fn in VALUE_FNS
            and isinstance(value := rule.metric.aggregate.value, ir.Attr)
            and value.of == "event"
        ]

    def see(self, event: Event) -> None:
        for read in self.reads:
            if not read.matches(event.type):
                continue
            value = event.get(read.path)
            if isinstance(value, bool):
                read.flags += 1
            elif isinstance(value, int | float):
                read.numbers += 1
            elif isinstance(value, str) and read_number(value) is not None:
                read.texts += 1
                read.example = read.example or value

    def warnings(self) -> list[Diagnostic]:
        """A W405 for each metric that met numbers written as text and no number; `mapping`
        names the column to list in `numbers` (the name before a rename). A W408 for each
        that met true or false and neither."""
        return [
            _warning(read, self.mapping, self.sources)
            if read.texts
            else _flags_warning(read, self.sources)
            for read in self.reads
            if (read.texts or read.flags) and not read.numbers
        ]


def numbers_as_text(
    policy_set: ir.PolicySet,
    events: Iterable[Event],
    mapping: LogMapping | None = None,
    sources: Mapping[str, Source] | None = None,
) -> list[Diagnostic]:
    """The W405 warnings of `events` (`NumbersAsText`)."""
    looker = NumbersAsText(policy_set, mapping, sources)
    if looker.reads:
        for event in events:
            looker.see(event)
    return looker.warnings()


def _warning(
    read: _Read, mapping: LogMapping | None, sources: Mapping[str, Source] | None
) -> Diagnostic:
    policy = read.policy
    span, line = first_use(policy, read.path, (sources or {}).get(policy.file))
    renamed = {new: old for old, new in (mapping.rename if mapping else {}).items()}
    column = renamed.get(read.path, read.path)
    return warning(
        CODE,
        f"policy {policy.id}: {read.fn}() reads numbers, but the log holds '{read.path}' as text "
        f'("{read.example}"), so the metric finds no value',
        span,
        f'list the column in the log mapping: numbers = ["{column}"] (docs/mapping.md)',
        line,
    )


def _flags_warning(read: _Read, sources: Mapping[str, Source] | None) -> Diagnostic:
    policy = read.policy
    span, line = first_use(policy, read.path, (sources or {}).get(policy.file))
    # a glob (`call.*`) is written bare as a policy writes it, the rest as `type_text` does
    named = [
        t if type_text(t.replace("*", "x")) == t.replace("*", "x") else type_text(t)
        for t in read.types
    ]
    types = named[0] if len(named) == 1 else f"[{', '.join(named)}]"
    return warning(
        FLAGS_CODE,
        f"policy {policy.id}: {read.fn}() reads numbers, but the log holds '{read.path}' as "
        "true or false, so the metric finds no value",
        span,
        f"for the share of true, count them: ratio({types} where {read.path} == true, {types})",
        line,
    )
