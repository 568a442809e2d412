"""Compiled stage, walks: reading the IR's expressions — their nodes, the values a condition
reads (for sentences), and whether a pattern reads the trigger."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cxrules import ir
from cxrules.ir.text import describe

#: The nodes whose values a sentence names: attributes, times, local readings, history queries,
#: changes and states.
LEAVES = (ir.Attr, ir.Time, ir.Local, ir.History, ir.Changes, ir.StateRef)


def iter_nodes(expr: Any) -> Iterator[Any]:
    """Every sub-expression of `expr`, itself first (not entering history patterns)."""
    yield expr
    if isinstance(expr, ir.Unary):
        yield from iter_nodes(expr.operand)
    elif isinstance(expr, ir.Binary):
        yield from iter_nodes(expr.left)
        yield from iter_nodes(expr.right)
    elif isinstance(expr, ir.Between):
        for part in (expr.value, expr.low, expr.high):
            yield from iter_nodes(part)
    elif isinstance(expr, ir.Missing):
        yield from iter_nodes(expr.value)
    elif isinstance(expr, ir.In):
        yield from iter_nodes(expr.value)
        for option in expr.options:
            yield from iter_nodes(option)
    elif isinstance(expr, ir.Call):
        for arg in expr.args:
            yield from iter_nodes(arg)


def uses_trigger(expr: Any) -> bool:
    """True when the expression reads the rule's trigger event."""
    if expr is None:
        return False
    return any(getattr(n, "of", None) == "trigger" for n in iter_nodes(expr))


def leaves(expr: Any) -> list[tuple[str, Any]]:
    """The values a condition reads, each once, as (text, node) in reading order: what a
    violation's sentence names ("battery = 60%; count(arm.connected) = 1").

    >>> e = ir.Binary(op=">=", left=ir.Attr(path="score"), right=ir.Lit(value=9, type="number"))
    >>> [text for text, _ in leaves(e)]
    ['score']
    """
    seen: dict[str, Any] = {}
    for node in iter_nodes(expr):
        if isinstance(node, LEAVES):
            seen.setdefault(describe(node), node)
    return list(seen.items())


def value_reads(rule: ir.ValueCheck) -> list[tuple[str, Any]]:
    """What a value check's violation names, as (text, node) in order: its `shown` values (lets
    by name, computed operands), then the values its condition reads (`leaves`), each text once.
    Every engine evaluates these at the trigger and reports them in `Finding.read`/`missing`.

    >>> battery = ir.Call(fn="clamp", args=(ir.Attr(path="charge"), ir.Lit(value=0, type="percent"),
    ...     ir.Lit(value=1, type="percent")))
    >>> rule = ir.ValueCheck(trigger=ir.Trigger(pattern=ir.Pattern(types=("a.b",))),
    ...     condition=ir.Binary(op=">=", left=battery, right=ir.Lit(value=0.9, type="percent")),
    ...     shown=(ir.Shown(text="battery", value=battery, unit="percent"),))
    >>> [text for text, _ in value_reads(rule)]
    ['battery', 'charge']
    """
    seen: dict[str, Any] = {s.text: s.value for s in rule.shown}
    for text, node in leaves(rule.condition):
        seen.setdefault(text, node)
    return list(seen.items())


_UNITS = {"number": "number", "percent": "percent", "duration": "duration"}
_UNITS |= {"time_of_day": "time_of_day"}


def unit_of(e: Any) -> str:
    """The kind of value an expression yields, as a sentence writes it: "number", "percent",
    "duration", "instant", "time_of_day" (seconds since local midnight, written 08:15:30) or
    "any" (an attribute: only the log can tell).

    >>> pct = ir.Lit(value=0.5, type="percent")
    >>> unit_of(ir.Binary(op="*", left=pct, right=ir.Changes(path="team")))
    'percent'
    >>> unit_of(ir.Binary(op="-", left=ir.Time(), right=ir.Time(of="trigger")))
    'duration'
    >>> unit_of(ir.Binary(op="-", left=ir.Attr(path="slot_start"), right=ir.Time()))
    'duration'
    """
    if isinstance(e, ir.Lit):
        return _UNITS.get(e.type, "any")
    if isinstance(e, ir.Local):
        return "time_of_day" if e.part == "time_of_day" else "number" if e.part != "date" else "any"
    if isinstance(e, ir.Time) or (isinstance(e, ir.History) and e.fn != "count" and not e.field):
        return "instant"
    if isinstance(e, ir.History | ir.Changes) or (isinstance(e, ir.StateRef) and e.fn == "count"):
        return "number"
    if isinstance(e, ir.Unary) and e.op == "neg":
        return unit_of(e.operand)
    if isinstance(e, ir.Call):
        if e.fn == "length":
            return "number"
        known = [u for u in map(unit_of, e.args) if u != "any"]
        return known[0] if known and e.fn not in ("lower", "upper", "trim") else "any"
    if isinstance(e, ir.Binary) and e.op in ("+", "-", "*", "/"):
        return _arith_unit(e.op, unit_of(e.left), unit_of(e.right))
    return "any"


def _arith_unit(op: str, left: str, right: str) -> str:
    if op in ("+", "-"):
        if left == right == "instant":
            return "duration" if op == "-" else "any"
        if op == "-" and right == "instant":  # only an instant less an instant is a value
            return "duration"
        if "instant" in (left, right):
            return "instant"
        if "any" in (left, right):
            return left if right == "any" else right
        return left if left == right else "number"
    if left == right:
        return "number" if op == "/" else left
    if "number" in (left, right):
        other = left if right == "number" else right
        return other if other in ("percent", "duration") else "any"
    return "any"


def models(value: Any) -> Iterator[Any]:
    """Every IR model inside `value`, depth first (a policy's rule, patterns, expressions,
    durations; the patterns of history queries and their conditions included)."""
    if isinstance(value, ir.IR):
        yield value
        for name in type(value).model_fields:
            yield from models(getattr(value, name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from models(item)


def rule_patterns(policy: ir.Policy) -> list[ir.Pattern]:
    """The patterns whose events a policy's rule reads (trigger, expected, unless, forbidden,
    metric patterns), its states' starts and ends, and its scope's end."""
    rule = policy.rule
    found: list[ir.Pattern | None] = []
    if isinstance(rule, ir.Existence | ir.Absence | ir.RateLimit):
        found.append(rule.pattern)
    elif isinstance(rule, ir.Response):
        found += [rule.trigger.pattern, rule.expect, rule.unless]
    elif isinstance(rule, ir.Expectations):
        found += [rule.trigger.pattern, *(e.pattern for e in rule.expects)]
    elif isinstance(rule, ir.ForbidAfter):
        found += [rule.trigger.pattern, rule.pattern, rule.unless]
    elif isinstance(rule, ir.ValueCheck):
        found.append(rule.trigger.pattern)
    elif isinstance(rule, ir.MetricCheck):
        agg = rule.metric.aggregate
        found += [agg.pattern, agg.of, agg.unless]
    for state in policy.states:
        found += [state.start, state.end]
    found.append(policy.scope_end)
    return [p for p in found if p is not None]


def read_types(policy: ir.Policy) -> tuple[str, ...]:
    """The event types (exact names or `*` globs) a policy reads: those of its rule, states and
    scope end, and of every history query in its expressions (docs/semantics.md, "Scopes and
    relevance")."""
    types = [t for p in rule_patterns(policy) for t in p.types]
    types += [
        t for node in models(policy) if isinstance(node, ir.History) for t in node.pattern.types
    ]
    return tuple(dict.fromkeys(types))


def sees_every_event(policy: ir.Policy) -> bool:
    """True when every event with the scope's keys reaches the policy: existence rules (a scope
    with no match is still known), and policies reading `previous` or `changes(…)`."""
    if isinstance(policy.rule, ir.Existence):
        return True
    for node in models(policy):
        if isinstance(node, ir.Changes):
            return True
        if isinstance(node, ir.Attr | ir.Time | ir.Local) and node.of == "previous":
            return True
    return False


def attribute_paths(policy: ir.Policy) -> list[str]:
    """Every attribute path the policy reads: scope keys, expressions (of the event, the
    trigger or the previous event), history fields, changes, state keys, metric groups."""
    paths = list(policy.scope)
    for node in models(policy):
        if isinstance(node, ir.Attr):
            paths.append(node.path)
        elif isinstance(node, ir.History) and node.field is not None:
            paths.append(node.field)
        elif isinstance(node, ir.Changes):
            paths.append(node.path)
        elif isinstance(node, ir.State) and node.by is not None:
            paths.append(node.by)
        elif isinstance(node, ir.Metric):
            lets = {let.name for let in node.lets}  # (the attributes they read are walked)
            paths.extend(k for k in node.group_by if k not in lets)
    return list(dict.fromkeys(paths))


def uses_local_time(policy: ir.Policy) -> bool:
    """True when the policy reads local time in the policy's zone, else the log's: a time of
    day, date, weekday or hour, a calendar bucket of a metric, or a deadline at the end of a day
    (week, month) or at a clock time. Business calendars carry their own zone."""
    for node in models(policy):
        if isinstance(node, ir.Local):
            return True
        if isinstance(node, ir.Metric) and node.bucket is not None:
            return True
        if isinstance(node, ir.CalendarPoint) and node.calendar is None:
            return True
    return False
