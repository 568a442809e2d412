"""Findings, model: the neutral facts every engine produces, before any sentence is written.

An engine says *what* happened — which policy, which scope, which trigger, at which instants
(integer microseconds, UTC), which events are evidence, which values a condition read. The
shared layer (`findings.sentences`, `findings.assemble`) says it in words and builds the report,
so every engine's report reads the same, byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Cited:
    """An event cited as evidence or as a trigger: id, type, instant (µs), file and line."""

    id: str
    type: str
    us: int
    file: str
    line: int


@dataclass(slots=True)
class Finding:
    """One violation, in neutral terms.

    `scope` holds the scope values in the order of `Policy.scope`. `count` is what a counted
    trigger reached (1 for a plain trigger). `number` is a count the rule found (events in a
    rate window, matches of an existence rule). `read` holds the values a condition read, as
    (text, value) pairs in the order the condition reads them, and `missing` the texts of those
    that were missing. `value` is a deadline that could not be read as a time. `reported`
    holds the policy's `report` values at the trigger, (name, value) in the order written
    (`MISSING` values as None). `counts` holds, for an `unmet` violation of several
    expectations, how many events each expectation found in its window, in the rule's order.
    """

    policy: str
    kind: str
    scope: tuple[str, ...]
    start: int
    end: int
    trigger: Cited | None = None
    evidence: tuple[Cited, ...] = ()
    count: int = 1
    deadline: int | None = None
    fulfilled: int | None = None
    number: int | None = None
    read: tuple[tuple[str, Any], ...] = ()
    missing: tuple[str, ...] = ()
    still_open: bool = False
    said_open: bool = False  # a gap said while the log is followed (`cxrules watch`): open now
    value: Any = None
    bad_deadline: bool = False  # a `condition_false` because the deadline could not be read
    reported: tuple[tuple[str, Any], ...] = ()
    counts: tuple[int, ...] = ()  # `unmet`: each expectation's count at the trigger, in order


@dataclass(slots=True)
class Pending:
    """An obligation still open at the horizon: its deadline (None: no limit, or a clock paused
    with `remaining` µs of clock time left), or, for an invariant, the gap open `since`."""

    policy: str
    scope: tuple[str, ...]
    trigger: Cited
    deadline: int | None
    count: int = 1
    remaining: int | None = None
    since: int | None = None


@dataclass(slots=True)
class Cell:
    """A metric's value in one group and bucket: the population, the value (None when the
    population is empty) and the first and last population events (evidence).

    `hits` is the numerator over `population` where the formula has one: matching events
    (`count`, `ratio`), successes (`share`), 4-5 answers (`csat`), promoters (`nps`); `low` the
    detractors of `nps`. None for the other formulas. The report names them in a breach."""

    group: tuple[str, ...]
    bucket: str | None
    value: float | None
    population: int
    first: Cited | None = None
    last: Cited | None = None
    hits: int | None = None
    low: int | None = None


@dataclass(slots=True)
class Tally:
    """A policy's counts over the whole run (see `PolicySummary`); metric policies give their
    cells instead, and the shared layer derives their counts from the cells' statuses."""

    policy: str
    scopes: int = 0
    out_of_scope: int = 0
    vacuous: int = 0
    activations: int = 0
    satisfied: int = 0
    violated: int = 0
    pending: int = 0
    cancelled: int = 0
    cells: list[Cell] = field(default_factory=list)
