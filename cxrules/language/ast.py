"""Syntax tree stage: frozen pydantic models of a policy file, every node with its source span.

The tree says what was written, not what it means: names are unresolved (`Name`), a `require`
clause is not yet an existence rule or a metric requirement. The checker decides those.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from cxrules.source import Span


class Node(BaseModel):
    """Base of every syntax node: frozen, no unknown fields, a span."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    span: Span

    def model_post_init(self, context: Any, /) -> None:
        # Which fields were given is never asked of a syntax node: one shared set per class
        # instead of one per node keeps a policy's tree a third smaller (model_copy copies it).
        shared = _FIELDS.get(type(self))
        if shared is None:
            shared = _FIELDS[type(self)] = set(type(self).model_fields)
        object.__setattr__(self, "__pydantic_fields_set__", shared)


_FIELDS: dict[type, set[str]] = {}


# --------------------------------------------------------------------------- expressions


class LiteralExpr(Node):
    """A constant as written: numbers, percentages (value as written, e.g. 80), strings, times of
    day, dates, booleans, null."""

    kind: Literal["literal"] = "literal"
    value: str | float | int | bool | None
    type: Literal["number", "percent", "string", "time_of_day", "date", "bool", "null"]
    text: str


class DurationExpr(Node):
    """A duration literal: `30s`, `2 hours`, `48 business hours on support`."""

    kind: Literal["duration"] = "duration"
    amount: float
    unit: Literal["ms", "s", "min", "h", "d", "w"]
    business: bool = False
    calendar: str | None = None
    text: str


class NameExpr(Node):
    """A name or dotted path, unresolved: a parameter, a `let`, a state, a metric, a reserved
    name (`time`, `local_time`…) or an event attribute. `trigger.x` and `previous.x` start with
    their reference word."""

    kind: Literal["name"] = "name"
    parts: tuple[str, ...]

    @property
    def text(self) -> str:
        return ".".join(self.parts)


class ListExpr(Node):
    kind: Literal["list"] = "list"
    items: tuple[Expr, ...]


class HistoryExpr(Node):
    """`last(P).field`, `first(P)`, `count(P)` over the scope's history."""

    kind: Literal["history"] = "history"
    fn: Literal["last", "first", "count"]
    pattern: Pattern
    field: tuple[str, ...] | None = None


class ChangesExpr(Node):
    """`changes(path)`: how many times an attribute changed value along the scope's events."""

    kind: Literal["changes"] = "changes"
    path: NameExpr


class CallExpr(Node):
    kind: Literal["call"] = "call"
    fn: str
    fn_span: Span
    args: tuple[Expr, ...]


class UnaryExpr(Node):
    kind: Literal["unary"] = "unary"
    op: Literal["not", "neg"]
    operand: Expr


class BinaryExpr(Node):
    kind: Literal["binary"] = "binary"
    op: Literal["and", "or", "+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "contains"]
    left: Expr
    right: Expr


class MatchesExpr(Node):
    kind: Literal["matches"] = "matches"
    value: Expr
    regex: str
    regex_span: Span


class BetweenExpr(Node):
    kind: Literal["between"] = "between"
    value: Expr
    low: Expr
    high: Expr


class InExpr(Node):
    kind: Literal["in"] = "in"
    value: Expr
    options: ListExpr
    negated: bool = False


class MissingExpr(Node):
    kind: Literal["missing"] = "missing"
    value: Expr
    negated: bool = False


Expr = Annotated[
    LiteralExpr
    | DurationExpr
    | NameExpr
    | ListExpr
    | HistoryExpr
    | ChangesExpr
    | CallExpr
    | UnaryExpr
    | BinaryExpr
    | MatchesExpr
    | BetweenExpr
    | InExpr
    | MissingExpr,
    Field(discriminator="kind"),
]

# A duration position accepts a literal or a parameter name.
DurationRef = Annotated[DurationExpr | NameExpr, Field(discriminator="kind")]
# A count position accepts a whole number or a parameter name.
CountRef = Annotated[LiteralExpr | NameExpr, Field(discriminator="kind")]


# --------------------------------------------------------------------------- patterns


class TypeName(Node):
    """An event type as written: dotted (`call.*` may hold wildcards) or quoted."""

    name: str
    quoted: bool = False


class Pattern(Node):
    """Event types and an optional `where` condition."""

    kind: Literal["pattern"] = "pattern"
    types: tuple[TypeName, ...]
    bracketed: bool = False
    where: Expr | None = None


class Trigger(Node):
    """`when P` or `when 3rd [or later] P within D`."""

    pattern: Pattern
    nth: int | None = None
    or_later: bool = False
    within: DurationRef | None = None


class CalendarEnd(Node):
    """`end of day|week|month|business day [on calendar]`."""

    kind: Literal["calendar_end"] = "calendar_end"
    period: Literal["day", "week", "month", "business day"]
    calendar: str | None = None


class Timing(Node):
    """Where the expected event must fall: `within D [before|after]`, `before`, `after`,
    `at least D before|after`, `at most D before|after`, `between D1 and D2 before|after`,
    `by <deadline>`, each optionally `paused while <state>`."""

    form: Literal["within", "any", "at_least", "at_most", "between", "by"]
    direction: Literal["before", "after"] | None = None
    first: DurationRef | None = None
    second: DurationRef | None = None
    deadline: Annotated[CalendarEnd, Field(discriminator="kind")] | Expr | None = None
    paused_while: str | None = None
    paused_span: Span | None = None


# --------------------------------------------------------------------------- clauses


class MetaClause(Node):
    """severity, owner, description, tags, source, zone, calendar."""

    kind: Literal["meta"] = "meta"
    key: Literal["severity", "owner", "description", "tags", "source", "zone", "calendar"]
    values: tuple[str, ...]
    value_span: Span


class ScopeClause(Node):
    """`per a, b` (the policy's scope keys) or `per day` (the period of the policy's metric)."""

    kind: Literal["scope"] = "scope"
    keys: tuple[NameExpr, ...] = ()
    bucket: Literal["hour", "day", "week", "month", "quarter", "year"] | None = None
    until: Pattern | None = None  # the event that ends a scope


class StateDef(Node):
    kind: Literal["state"] = "state"
    name: str
    name_span: Span
    start: Pattern
    end: Pattern
    by: NameExpr | None = None


class PercentileMethod(Node):
    """The method of a percentile as written: `linear` or `nearest rank` (its words)."""

    words: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.words)


class Aggregate(Node):
    """A metric formula: count(P), ratio(P, Q), share(P within D of Q [unless U]),
    fn(value [of P] [, q [, method]]) for avg, sum, min, max, percentile, nps, csat, ces."""

    fn: str
    fn_span: Span
    pattern: Pattern | None = None
    of: Pattern | None = None
    within: DurationRef | None = None
    unless: Pattern | None = None
    value: Expr | None = None
    q: LiteralExpr | None = None
    method: PercentileMethod | None = None


class MetricDef(Node):
    """`metric m = <aggregate> by a, b` and its period (`per day`, wherever the policy writes
    it). `per` holds the period clause; after a shared metric it also keeps any other `per` line,
    which the checker refuses (a metric is grouped with `by`)."""

    kind: Literal["metric"] = "metric"
    name: str
    name_span: Span
    aggregate: Aggregate
    by: tuple[NameExpr, ...] = ()
    per: tuple[ScopeClause, ...] = ()


class LetDef(Node):
    kind: Literal["let"] = "let"
    name: str
    name_span: Span
    value: Expr


class AtRiskClause(Node):
    kind: Literal["at_risk"] = "at_risk"
    lead: DurationRef


class ReportField(Node):
    """`host = last(table.seated).host`: a named value a violation shows."""

    name: str
    name_span: Span
    value: Expr


class ReportClause(Node):
    """`report a = …, b = …`: the values a violation shows, evaluated at its trigger."""

    kind: Literal["report"] = "report"
    fields: tuple[ReportField, ...]


# --------------------------------------------------------------------------- rules


class Warn(Node):
    side: Literal["below", "above"]
    value: Expr


class RequireRule(Node):
    """`require X …` outside a `when`: an existence rule (X is an event pattern) or a metric
    requirement (X compares a metric); the checker decides."""

    kind: Literal["require"] = "require"
    subject: Expr
    where: Expr | None = None
    at_least: CountRef | None = None
    at_most: CountRef | None = None
    warn: Warn | None = None
    min_sample: CountRef | None = None


class ForbidRule(Node):
    kind: Literal["forbid"] = "forbid"
    pattern: Pattern


class ResponseRule(Node):
    kind: Literal["response"] = "response"
    trigger: Trigger
    each: bool = False
    expect: Pattern
    timing: Timing
    unless: Pattern | None = None
    trigger_counts: bool = False  # `, trigger counts`: the trigger may meet its own obligation


class ExpectClause(Node):
    """One `expect [each] [at least N | at most N] P <timing> [where C]` of a `when` rule."""

    kind: Literal["expect"] = "expect"
    each: bool = False
    at_least: CountRef | None = None
    at_most: CountRef | None = None
    pattern: Pattern
    timing: Timing


class ExpectationsRule(Node):
    """`when T expect … expect …`: several expectations (or one with a count) at one trigger,
    one verdict. The checker allows `before` windows only (judged at the trigger)."""

    kind: Literal["expectations"] = "expectations"
    trigger: Trigger
    expects: tuple[ExpectClause, ...]
    unless: Pattern | None = None
    trigger_counts: bool = False  # refused: every window is before the trigger (E227)


class ForbidAfterRule(Node):
    kind: Literal["forbid_after"] = "forbid_after"
    trigger: Trigger
    pattern: Pattern
    timing: Timing
    unless: Pattern | None = None


class ValueRule(Node):
    kind: Literal["value_check"] = "value_check"
    trigger: Trigger
    condition: Expr


class RateRule(Node):
    kind: Literal["rate"] = "rate"
    at_most: CountRef
    pattern: Pattern
    within: DurationRef


class InvariantRule(Node):
    """`while S: always C, grace G` — S a state name, or inline `A until B [, by k]`; or
    `while S: at most D` (`limit`, no condition): each stretch of S may last at most D."""

    kind: Literal["invariant"] = "invariant"
    state: str | None = None
    start: Pattern | None = None
    end: Pattern | None = None
    by: NameExpr | None = None
    condition: Expr | None = None
    grace: DurationRef | None = None
    limit: DurationRef | None = None


Rule = Annotated[
    RequireRule
    | ForbidRule
    | ResponseRule
    | ExpectationsRule
    | ForbidAfterRule
    | ValueRule
    | RateRule
    | InvariantRule,
    Field(discriminator="kind"),
]

Clause = Annotated[
    MetaClause | ScopeClause | StateDef | MetricDef | LetDef | AtRiskClause | ReportClause,
    Field(discriminator="kind"),
]


_META_ORDER = ("severity", "owner", "description", "tags", "source", "zone", "calendar")
_CLAUSE_ORDER = {
    "meta": 0,
    "at_risk": 1,
    "scope": 2,
    "state": 3,
    "let": 4,
    "metric": 5,
    "report": 6,
}


def canonical_clauses(clauses: list[Clause]) -> tuple[Clause, ...]:
    """Clauses in their canonical order — metadata (severity, owner, description, tags, source,
    zone, calendar), at risk, scope, states, lets, metrics, reports (the formatter writes them
    after the rule) — keeping source order within a kind.
    Clause order carries no meaning, so the tree and the formatter both use this order."""

    def key(item: tuple[int, Clause]) -> tuple[int, int, int]:
        index, clause = item
        meta = _META_ORDER.index(clause.key) if isinstance(clause, MetaClause) else 0
        return (_CLAUSE_ORDER[clause.kind], meta, index)

    return tuple(c for _, c in sorted(enumerate(clauses), key=key))


# --------------------------------------------------------------------------- top level


class Policy(Node):
    kind: Literal["policy"] = "policy"
    id: str
    id_span: Span
    title: str | None = None
    clauses: tuple[Clause, ...] = ()
    rule: Rule | None = None


class UseDef(Node):
    kind: Literal["use"] = "use"
    path: str


class ParamDef(Node):
    kind: Literal["param"] = "param"
    name: str
    name_span: Span
    value: Annotated[LiteralExpr | DurationExpr, Field(discriminator="kind")]
    description: str | None = None


class DayHours(Node):
    """`mon-fri 09:00-18:00 and …`: the day spec as written, and its opening ranges."""

    days: str
    ranges: tuple[tuple[str, str], ...]


class CalendarDef(Node):
    kind: Literal["calendar"] = "calendar"
    name: str
    name_span: Span
    title: str | None = None
    zone: str | None = None
    zone_span: Span | None = None
    hours: tuple[DayHours, ...] = ()
    holidays: tuple[str, ...] = ()
    holidays_span: Span | None = None
    closed: tuple[str, ...] = ()
    open: tuple[str, ...] = ()


Item = Annotated[
    Policy | UseDef | ParamDef | CalendarDef | StateDef | MetricDef, Field(discriminator="kind")
]


class Comment(Node):
    text: str


class PolicyFile(BaseModel):
    """One parsed policy file: its items in source order, and its comments (kept for fmt)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    items: tuple[Item, ...]
    comments: tuple[Comment, ...] = ()


for _model in (
    ListExpr,
    HistoryExpr,
    ChangesExpr,
    CallExpr,
    UnaryExpr,
    BinaryExpr,
    MatchesExpr,
    BetweenExpr,
    InExpr,
    MissingExpr,
    Pattern,
    Trigger,
    Timing,
):
    _model.model_rebuild()
