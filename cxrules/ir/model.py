"""Compiled stage: the engine-neutral representation of checked policies that every engine reads.

Nothing here depends on the syntax. Durations are seconds (or business time on a named calendar),
percentages are fractions, parameters are substituted, `let` bindings are inlined, names are
resolved to what they denote (attribute, state, history query). Engines read only these models.

Times: every instant is compared in UTC. Calendar rules (time of day, buckets, end of day) use
`Policy.zone` (an IANA name), else the run's zone (the log's), else UTC.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class IR(BaseModel):
    """Base of every compiled model: frozen, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def model_post_init(self, context: Any, /) -> None:
        # Which fields were given is never asked of a compiled model: one shared set per class
        # instead of one per node (model_copy copies it before changing it).
        shared = _FIELDS.get(type(self))
        if shared is None:
            shared = _FIELDS[type(self)] = set(type(self).model_fields)
        object.__setattr__(self, "__pydantic_fields_set__", shared)


_FIELDS: dict[type, set[str]] = {}


# --------------------------------------------------------------------------- time


class Duration(IR):
    """An amount of time. Fixed (`seconds`) or business time counted on `calendar`.

    Business time: `unit == "hours"` counts `seconds` of opening time only; `unit == "days"`
    counts `amount` whole opening days (the deadline is the same clock time on the Nth following
    open day, or the close of that day when the time is outside its hours). `paused` is applied by
    the rule that owns the duration, not here.
    """

    seconds: float
    calendar: str | None = None
    unit: Literal["fixed", "hours", "days"] = "fixed"
    amount: float = 0.0
    text: str = ""  # as written, for report sentences ("2 business hours", "30min")


class WeekHours(IR):
    """Opening hours of one weekday (0 = Monday): list of [open, close) local times 'HH:MM'."""

    weekday: int
    ranges: tuple[tuple[str, str], ...]


class Calendar(IR):
    """A named business calendar: zone, opening hours per weekday, public and extra holidays."""

    name: str
    zone: str
    hours: tuple[WeekHours, ...]
    holiday_country: str | None = None  # ISO code for the `holidays` package, e.g. "TR", "RO"
    holiday_subdivision: str | None = None
    closed_dates: tuple[str, ...] = ()  # extra closed dates, 'YYYY-MM-DD'
    open_dates: tuple[str, ...] = ()  # dates open despite a holiday


class CalendarPoint(IR):
    """A deadline on the calendar relative to the trigger's local time.

    `end_of_day|end_of_week|end_of_month`: the last instant of that period (the start of the next
    period is *excluded*, so an event at exactly midnight is the next day). `time_of_day`: the given
    local clock time on the trigger's day (the next day if that time has passed).
    `end_of_business_day`: closing time of the calendar's current (or next) open day.
    """

    point: Literal[
        "end_of_day", "end_of_week", "end_of_month", "time_of_day", "end_of_business_day"
    ]
    time: str | None = None  # 'HH:MM' for time_of_day
    calendar: str | None = None


# --------------------------------------------------------------------------- expressions

ExprKind = Literal[
    "lit",
    "attr",
    "time",
    "local",
    "history",
    "changes",
    "state",
    "unary",
    "binary",
    "between",
    "missing",
    "in",
    "call",
]


class Lit(IR):
    """A constant. `type` tells how it was written: numbers, percentages (as fractions),
    durations (seconds), times of day ('HH:MM[:SS]' as seconds since midnight), dates
    ('YYYY-MM-DD' strings), strings, booleans, null."""

    kind: Literal["lit"] = "lit"
    value: str | float | int | bool | None
    type: Literal["number", "percent", "duration", "time_of_day", "date", "string", "bool", "null"]


class Attr(IR):
    """An attribute of an event. `of`: the event being matched ("event"), the rule's trigger event
    ("trigger"), or the previous event of the scope ("previous"). `path` is the attribute name as
    written (dots reach into nested objects; a flat key with that exact name wins)."""

    kind: Literal["attr"] = "attr"
    path: str
    of: Literal["event", "trigger", "previous"] = "event"


class Time(IR):
    """The instant of an event (`event`, `trigger` or `previous`)."""

    kind: Literal["time"] = "time"
    of: Literal["event", "trigger", "previous"] = "event"


class Local(IR):
    """A calendar reading of an event's time in the policy zone: `time_of_day` (seconds since local
    midnight), `date` ('YYYY-MM-DD'), `weekday` (1 = Monday … 7 = Sunday), `hour`."""

    kind: Literal["local"] = "local"
    part: Literal["time_of_day", "date", "weekday", "hour"]
    of: Literal["event", "trigger", "previous"] = "event"


class History(IR):
    """A question about the scope's history strictly before the event being evaluated (the
    trigger, for conditions at a trigger): `count` of events matching `pattern`; `last`/`first`
    matching event's `field` (None: the event's time); missing when there is no such event."""

    kind: Literal["history"] = "history"
    fn: Literal["count", "last", "first"]
    pattern: Pattern
    field: str | None = None
    include_current: bool = False  # count/last including the evaluated event itself
    # written `last(x).time`, the same as `last(x)`: only its text (`ir.text.describe`) says it
    dot_time: bool = False


class Changes(IR):
    """How many times attribute `path` changed value along the scope's events so far (events
    without the attribute are skipped): A, A, B, B, C, A → 3."""

    kind: Literal["changes"] = "changes"
    path: str


class StateRef(IR):
    """A state's value at the current instant: `count` of open keyed intervals, or `active`."""

    kind: Literal["state"] = "state"
    name: str
    fn: Literal["count", "active"] = "active"


class Unary(IR):
    kind: Literal["unary"] = "unary"
    op: Literal["not", "neg"]
    operand: Expr


class Binary(IR):
    """Arithmetic, comparison and boolean operators. `contains` is substring (strings) or
    membership (lists); `matches` is a linear-time regular-expression search (the syntax of
    `cxrules.ir.regex`: RE2, run with `regex.translate`) whose right side is always a string `Lit`
    from the policy, never a value from the log."""

    kind: Literal["binary"] = "binary"
    op: Literal[
        "and", "or", "+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "contains", "matches"
    ]
    left: Expr
    right: Expr


class Between(IR):
    """`value between low and high`, both bounds inclusive."""

    kind: Literal["between"] = "between"
    value: Expr
    low: Expr
    high: Expr


class Missing(IR):
    """`value is missing` (absent or null); `negated` for `is not missing`."""

    kind: Literal["missing"] = "missing"
    value: Expr
    negated: bool = False


class In(IR):
    """`value in [a, b, …]`; `negated` for `not in`."""

    kind: Literal["in"] = "in"
    value: Expr
    options: tuple[Expr, ...]
    negated: bool = False


class Call(IR):
    """A built-in function: clamp(x, lo, hi), min, max, abs, round, lower, upper, length."""

    kind: Literal["call"] = "call"
    fn: Literal["clamp", "min", "max", "abs", "round", "lower", "upper", "trim", "length"]
    args: tuple[Expr, ...]


Expr = Annotated[
    Lit
    | Attr
    | Time
    | Local
    | History
    | Changes
    | StateRef
    | Unary
    | Binary
    | Between
    | Missing
    | In
    | Call,
    Field(discriminator="kind"),
]


# --------------------------------------------------------------------------- patterns and states


class Pattern(IR):
    """Events whose type matches one of `types` (exact, or glob with `*`) and `where` holds."""

    types: tuple[str, ...]
    where: Expr | None = None
    text: str = ""  # as written, for report sentences


class State(IR):
    """An interval from a `start` event to an `end` event in a scope, keyed by attribute `by`
    (one interval per key value, e.g. per arm). A second start while open is ignored; an end
    without a start is ignored; `end` closes the key of that end event (or the only interval)."""

    name: str
    start: Pattern
    end: Pattern
    by: str | None = None


class Trigger(IR):
    """What activates an obligation. Plain: every event matching `pattern`. Counted: the event that
    makes the number of matching events in the scope within the sliding window `within` (inclusive,
    [t - within, t]) reach `nth`; with `or_later`, every further event while the count stays ≥ nth.
    Without `or_later` the trigger re-arms once the count has dropped below nth."""

    pattern: Pattern
    nth: int | None = None
    within: Duration | None = None
    or_later: bool = False


class Window(IR):
    """Where the expected event must fall, relative to the trigger time t, bounds inclusive.

    direction "after": [t + min, t + max] (max None: no limit, judged at the horizon);
    direction "before": [t - max, t - min] (max None: any time before).
    `deadline` (after only): an absolute deadline instead of `max` — an expression yielding an
    instant (e.g. last(appointment.booked).window_end) or a calendar point.
    `paused_while`: a state name; the clock stops while it is active in the scope (after only)."""

    direction: Literal["after", "before"]
    min: Duration | None = None
    max: Duration | None = None
    deadline: Expr | CalendarPoint | None = None
    paused_while: str | None = None


# --------------------------------------------------------------------------- rules


class Existence(IR):
    """`require P [at least N times] [at most M times]`: per scope, judged at the horizon."""

    kind: Literal["existence"] = "existence"
    pattern: Pattern
    at_least: int = 1
    at_most: int | None = None


class Absence(IR):
    """`forbid P`: every matching event is a violation."""

    kind: Literal["absence"] = "absence"
    pattern: Pattern


class Response(IR):
    """`when T expect P <window> [unless U] [each]`: each activation must be met by a matching
    event in the window. One event meets every open obligation of its scope (Declare) unless
    `each`, where it meets only the oldest. `unless`: an event matching U in the scope after the
    trigger and before fulfilment cancels the obligation (counted as cancelled, not violated)."""

    kind: Literal["response"] = "response"
    trigger: Trigger
    expect: Pattern
    window: Window
    unless: Pattern | None = None
    each: bool = False
    # `trigger counts`: a trigger that also matches `expect` meets its own obligation (after
    # meeting older ones it matches; with `each`, only if it met none). Off: it never does.
    trigger_counts: bool = False


class Expectation(IR):
    """One expectation of an `Expectations` rule: between `at_least` and `at_most` (None: no
    limit) events matching `pattern` in the `before` window of the trigger. `text` is the
    expectation as written after `expect` ("at most 1 refund.issued within 30d before")."""

    pattern: Pattern
    window: Window
    at_least: int = 1
    at_most: int | None = None
    text: str = ""

    def met(self, count: int) -> bool:
        """The expectation holds when its window held between `at_least` and `at_most` events."""
        return count >= self.at_least and (self.at_most is None or count <= self.at_most)


class Expectations(IR):
    """`when T expect … expect …`: several expectations at one trigger, one verdict, judged at
    the trigger from the scope's earlier events (every window is `before` it): violated when any
    expectation fails (one `unmet` violation naming each failed one), else satisfied."""

    kind: Literal["expectations"] = "expectations"
    trigger: Trigger
    expects: tuple[Expectation, ...]


class ForbidAfter(IR):
    """`when T forbid P within D [unless U]`: no event matching P in the window after a trigger."""

    kind: Literal["forbid_after"] = "forbid_after"
    trigger: Trigger
    pattern: Pattern
    window: Window
    unless: Pattern | None = None


class RateLimit(IR):
    """`at most N P within D`: in a scope, more than N matching events within any window of length
    D (inclusive) is a violation; the violating event is the (N+1)th and each one after it while
    the count stays above N."""

    kind: Literal["rate_limit"] = "rate_limit"
    pattern: Pattern
    at_most: int
    within: Duration


class Shown(IR):
    """A value a value check's violation names besides the values its condition reads: a `let`
    the condition uses (by its name; lets are inlined in `condition`) or a computed operand of
    one of its comparisons (by its text). `unit` says how a sentence writes it."""

    text: str
    value: Expr
    unit: Literal["number", "percent", "duration", "instant", "time_of_day", "any"] = "any"


class ValueCheck(IR):
    """`when T require C`: C, evaluated at each trigger, must be true. A condition that cannot be
    evaluated (a missing value) is a violation whose sentence says which value was missing.

    A violation reports the values of `shown` first, then those the condition reads
    (`cxrules.ir.walk.value_reads`); `text` is the condition as written ("battery >= 90%")."""

    kind: Literal["value_check"] = "value_check"
    trigger: Trigger
    condition: Expr
    text: str = ""
    shown: tuple[Shown, ...] = ()


class Invariant(IR):
    """`while S: always C, grace G`: whenever interval state S is active in a scope, C must hold;
    maximal intervals where it does not, longer than G, are violations (a gap equal to G is not)."""

    kind: Literal["invariant"] = "invariant"
    during: str  # a state name (inline `while A until B` is compiled to a state)
    condition: Expr
    grace: Duration
    # `while S: at most D` is compiled to condition `false`, grace D: each stretch of S is one
    # gap, reported as `too_long` (a stretch longer than D) rather than `gap`.
    limit: bool = False


class Aggregate(IR):
    """A metric's formula over the events of one group and bucket.

    count: events matching `pattern`.
    ratio: count(`pattern`) / count(`of`).
    share: of the events matching `of` (the population, grouped by their own attributes), the
      fraction followed in the scope by `pattern` within `within` (and not by `unless` first).
    avg, sum, min, max, percentile(q, method): over `value` evaluated on events matching `pattern`.
    nps, csat, ces: the CX formulas on `value` (a score) of events matching `pattern`; `variant`
      names the formula ("standard": NPS 9–10 vs 0–6 on 0–10, ×100; CSAT share of 4–5 on 1–5;
      CES mean on 1–7).
    """

    fn: Literal[
        "count", "ratio", "share", "avg", "sum", "min", "max", "percentile", "nps", "csat", "ces"
    ]
    pattern: Pattern
    of: Pattern | None = None
    within: Duration | None = None
    unless: Pattern | None = None
    value: Expr | None = None
    q: float | None = None  # the percentile as written: 90 means the 90th (0 < q <= 100)
    # how a percentile is read from the sorted values (`cxrules.ir.ranks`): linear interpolation
    # between the closest ranks, or the value at the nearest rank ceil(q/100 × n)
    method: Literal["linear", "nearest_rank"] = "linear"
    variant: str = "standard"


class GroupLet(IR):
    """A metric group that is a `let` of the policy (`let q = first(call.queued).queue` and
    `by q`): its name (the report's label) and its value, evaluated at each population event with
    the scope's history up to and including that event (its history queries `include_current`)."""

    name: str
    value: Expr


class Metric(IR):
    """A named aggregate per group and calendar bucket (in the policy zone). Each `group_by` name
    is an attribute path of the population event, or a `let` when `lets` holds it."""

    name: str
    aggregate: Aggregate
    group_by: tuple[str, ...] = ()
    lets: tuple[GroupLet, ...] = ()
    bucket: Literal["hour", "day", "week", "month", "quarter", "year"] | None = None
    min_sample: int | None = None  # buckets with a smaller population are 'insufficient'
    unit: Literal["number", "percent", "duration"] = "number"


class Threshold(IR):
    """`metric <op> value`; `value` in the metric's unit (fractions for percent)."""

    op: Literal["<", "<=", ">", ">=", "==", "!="]
    value: float


class MetricCheck(IR):
    """`require m >= X [warn below Y]`: each bucket whose value breaks `require` is a violation;
    one that meets it but breaks `warn` is a warning; empty buckets are not applicable."""

    kind: Literal["metric_check"] = "metric_check"
    metric: Metric
    require: Threshold
    warn: Threshold | None = None


Rule = Annotated[
    Existence
    | Absence
    | Response
    | Expectations
    | ForbidAfter
    | RateLimit
    | ValueCheck
    | Invariant
    | MetricCheck,
    Field(discriminator="kind"),
]


# --------------------------------------------------------------------------- policies


class Reported(IR):
    """A value a violation shows (`report name = value`): evaluated at the rule's trigger, as a
    value check's condition is (the trigger's attributes, the scope's history strictly before
    it). `unit` says how a sentence writes it."""

    name: str
    value: Expr
    unit: Literal["number", "percent", "duration", "instant", "time_of_day", "any"] = "any"


class Policy(IR):
    """One compiled policy: metadata, scope, the states it tracks and its single rule."""

    id: str
    title: str
    severity: Literal["info", "low", "medium", "high", "critical"] = "medium"
    owner: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    reference: str = ""  # the SOP or seed it comes from
    file: str = ""
    line: int = 0
    scope: tuple[str, ...] = ()  # attribute paths; events lacking one are out of scope
    # The event that ends a scope: after it, the scope's key starts a new scope, and the ended
    # one is retired once nothing in it is open (its history can no longer be read).
    scope_end: Pattern | None = None
    zone: str | None = None
    states: tuple[State, ...] = ()
    rule: Rule
    warning_lead: Duration | None = None  # open obligations this close to deadline are 'at risk'
    # values each violation shows (rules with a trigger only: response, forbid after, value
    # check), evaluated at the trigger
    report: tuple[Reported, ...] = ()


class PolicySet(IR):
    """Every compiled policy of a run, the calendars they use, and the revision of their sources."""

    policies: tuple[Policy, ...]
    calendars: dict[str, Calendar] = {}
    revision: str = ""  # sha256 over the policy files' bytes, in path order
    parameters: dict[str, Any] = {}  # the values in force, after --set


for _model in (
    History,
    Unary,
    Binary,
    Between,
    Missing,
    In,
    Call,
    Pattern,
    Window,
    Shown,
    Reported,
):
    _model.model_rebuild()
