"""Reference engine, evaluation: IR expressions and patterns compiled once into Python closures."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from cxrules import ir
from cxrules.engines.base import EngineError
from cxrules.engines.python.values import (
    MISSING,
    ORDER,
    arithmetic,
    compare,
    contains,
)
from cxrules.ir.regex import Regex, RegexError, compile_regex
from cxrules.ir.walk import uses_trigger
from cxrules.logs.event import Event
from cxrules.time.zones import in_zone
from cxrules.time.zones import zone as lookup


class Ctx:
    """What an expression sees: the event being matched, the rule's trigger, the scope's previous
    event and the scope itself (its history, changes and states)."""

    __slots__ = ("event", "trigger", "previous", "scope")

    def __init__(self) -> None:
        self.event: Any = None
        self.trigger: Any = None
        self.previous: Any = None
        self.scope: Any = None


Fn = Callable[[Ctx], Any]


class TypeMatcher:
    """Event types matching exact names or `*` globs, with a per-type cache."""

    __slots__ = ("types", "_exact", "_globs", "_cache")

    def __init__(self, types: tuple[str, ...]) -> None:
        self.types = types
        self._exact = frozenset(t for t in types if "*" not in t)
        self._globs = [glob_regex(t) for t in types if "*" in t]
        self._cache: dict[str, bool] = {}

    @property
    def exact_only(self) -> bool:
        """True when no type is a glob."""
        return not self._globs

    def __call__(self, event_type: str) -> bool:
        hit = self._cache.get(event_type)
        if hit is None:
            hit = event_type in self._exact or any(g.search(event_type) for g in self._globs)
            self._cache[event_type] = hit
        return hit


def glob_regex(pattern: str) -> Regex:
    """A type pattern with `*` wildcards (matching anything, dots included) as a linear-time
    regex that must match the whole type (so `*a*a*a*b` cannot backtrack on a long type).

    >>> glob_regex("complaint.*").search("complaint.filed"), glob_regex("a*").search("ba")
    (True, False)
    """
    body = ".*".join(re.escape(part) for part in pattern.split("*"))
    return Regex(f"(?s)^(?:{body})$")


class Matcher:
    """A compiled `Pattern`: type test first, then the `where` condition (true only if True)."""

    __slots__ = ("pattern", "type_ok", "where", "uses_trigger")

    def __init__(self, pattern: ir.Pattern, layout: Layout) -> None:
        self.pattern = pattern
        types = TypeMatcher(pattern.types)
        # exact names only (the common case): a set membership test, no Python-level call
        self.type_ok: Callable[[str], bool] = (
            frozenset(pattern.types).__contains__ if types.exact_only else types
        )
        self.where: Fn | None = compile_expr(pattern.where, layout) if pattern.where else None
        self.uses_trigger = uses_trigger(pattern.where)

    def __call__(self, ctx: Ctx) -> bool:
        if not self.type_ok(ctx.event.type):
            return False
        return self.where is None or self.where(ctx) is True

    def where_ok(self, ctx: Ctx) -> bool:
        """The `where` condition alone (the type is already known to match)."""
        return self.where is None or self.where(ctx) is True


class Layout:
    """What a policy's scopes must remember, gathered while compiling its expressions: history
    slots (one per distinct pattern), changes slots, states, and whether `previous` is read.
    `zone` is the calendar zone (local readings); `log_zone` reads naive ISO text in values."""

    def __init__(
        self, zone: str, state_names: tuple[str, ...] = (), log_zone: str | None = None
    ) -> None:
        self.zone = zone
        self.log_zone = log_zone or zone
        try:
            self.tz = lookup(zone)
        except ValueError as exc:
            raise EngineError(f"unknown time zone {zone!r}") from exc
        self.history: list[Matcher] = []
        # per history slot: whether `first` / `last` read it (else the events are not kept)
        self.reads_first: list[bool] = []
        self.reads_last: list[bool] = []
        self._history_keys: dict[str, int] = {}
        self.changes: list[str] = []
        self.states = {name: i for i, name in enumerate(state_names)}
        self.needs_previous = False

    def history_slot(self, pattern: ir.Pattern) -> int:
        key = pattern.model_dump_json()
        slot = self._history_keys.get(key)
        if slot is None:
            slot = len(self.history)
            self._history_keys[key] = slot
            self.history.append(Matcher(pattern, self))
            self.reads_first.append(False)
            self.reads_last.append(False)
        return slot

    def changes_slot(self, path: str) -> int:
        if path not in self.changes:
            self.changes.append(path)
        return self.changes.index(path)

    def history_types(self) -> tuple[str, ...]:
        return tuple(t for m in self.history for t in m.pattern.types)


# --------------------------------------------------------------------------- compilation


def compile_expr(expr: Any, layout: Layout) -> Fn:
    """Compile an IR expression into a closure over a `Ctx` (no eval, no exec)."""
    compiler = _COMPILERS.get(type(expr))
    if compiler is None:
        raise EngineError(f"the python engine cannot evaluate a {type(expr).__name__} expression")
    return compiler(expr, layout)


def _lit(expr: ir.Lit, layout: Layout) -> Fn:
    value: Any = expr.value
    if value is None:
        value = MISSING
    elif expr.type == "time_of_day" and isinstance(value, str):
        value = clock_seconds(value)
    return lambda c: value


def clock_seconds(text: str) -> float:
    """'HH:MM[:SS]' as seconds since midnight; EngineError when malformed.

    >>> clock_seconds("12:00"), clock_seconds("09:30:15")
    (43200.0, 34215.0)
    """
    parts = text.split(":")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) not in (2, 3) or not 0 <= numbers[0] < 24 or not 0 <= numbers[1] < 60:
        raise EngineError(f"invalid time of day {text!r}: expected HH:MM or HH:MM:SS")
    seconds = numbers[2] if len(numbers) == 3 else 0
    return float(numbers[0] * 3600 + numbers[1] * 60 + seconds)


def _which(of: str) -> Callable[[Ctx], Event | None]:
    if of == "event":
        return lambda c: c.event
    if of == "trigger":
        return lambda c: c.trigger
    return lambda c: c.previous


def _attr(expr: ir.Attr, layout: Layout) -> Fn:
    path = expr.path
    if expr.of == "previous":
        layout.needs_previous = True
    if expr.of == "event" and "." not in path:  # a flat key: one dict lookup

        def flat_attr(c: Ctx) -> Any:
            v = c.event.attrs.get(path)
            return MISSING if v is None else v

        return flat_attr
    if expr.of == "event":

        def event_attr(c: Ctx) -> Any:
            v = c.event.get(path)
            return MISSING if v is None else v

        return event_attr
    which = _which(expr.of)

    def other_attr(c: Ctx) -> Any:
        e = which(c)
        if e is None:
            return MISSING
        v = e.get(path)
        return MISSING if v is None else v

    return other_attr


def _time(expr: ir.Time, layout: Layout) -> Fn:
    if expr.of == "previous":
        layout.needs_previous = True
    which = _which(expr.of)

    def instant(c: Ctx) -> Any:
        e = which(c)
        return MISSING if e is None else e.time

    return instant


def _local(expr: ir.Local, layout: Layout) -> Fn:
    if expr.of == "previous":
        layout.needs_previous = True
    which, tz, part = _which(expr.of), layout.tz, expr.part

    def local(c: Ctx) -> Any:
        e = which(c)
        if e is None:
            return MISSING
        t: datetime = in_zone(e.time, tz)
        if part == "time_of_day":
            return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6
        if part == "date":
            return t.date().isoformat()  # four digits: strftime writes the year 999 '999'
        if part == "weekday":
            return t.isoweekday()
        return t.hour

    return local


def _history(expr: ir.History, layout: Layout) -> Fn:
    slot = layout.history_slot(expr.pattern)
    matcher = layout.history[slot]
    fn, field, current = expr.fn, expr.field, expr.include_current
    if fn == "first":
        layout.reads_first[slot] = True
    elif fn == "last":
        layout.reads_last[slot] = True

    def count(c: Ctx) -> Any:
        n = c.scope.hist[slot][0]
        return n + 1 if current and matcher(c) else n

    def pick(c: Ctx) -> Any:
        entry = c.scope.hist[slot]
        e = entry[2] if fn == "last" else entry[1]
        if current and matcher(c) and (fn == "last" or e is None):
            e = c.event
        if e is None:
            return MISSING
        if field is None:
            return e.time
        v = e.get(field)
        return MISSING if v is None else v

    return count if fn == "count" else pick


def _changes(expr: ir.Changes, layout: Layout) -> Fn:
    slot = layout.changes_slot(expr.path)
    return lambda c: c.scope.changes[slot][1]


def _state(expr: ir.StateRef, layout: Layout) -> Fn:
    if expr.name not in layout.states:
        raise EngineError(f"state {expr.name!r} is used but not defined in the policy")
    slot = layout.states[expr.name]
    if expr.fn == "count":
        return lambda c: len(c.scope.states[slot])
    return lambda c: len(c.scope.states[slot]) > 0


def _unary(expr: ir.Unary, layout: Layout) -> Fn:
    operand = compile_expr(expr.operand, layout)
    if expr.op == "not":

        def negation(c: Ctx) -> Any:
            v = operand(c)
            return MISSING if v is MISSING else v is not True

        return negation

    def minus(c: Ctx) -> Any:
        v = operand(c)
        if isinstance(v, int | float) and not isinstance(v, bool):
            return -v
        return MISSING

    return minus


def _binary(expr: ir.Binary, layout: Layout) -> Fn:
    left, right, op, zone = (
        compile_expr(expr.left, layout),
        compile_expr(expr.right, layout),
        expr.op,
        layout.log_zone,
    )
    if op == "and":

        def both(c: Ctx) -> Any:
            a = left(c)
            if a is False:
                return False
            b = right(c)
            if b is False:
                return False
            return True if a is True and b is True else MISSING

        return both
    if op == "or":

        def either(c: Ctx) -> Any:
            a = left(c)
            if a is True:
                return True
            b = right(c)
            if b is True:
                return True
            return False if a is False and b is False else MISSING

        return either
    if op in ("+", "-", "*", "/"):
        return lambda c: arithmetic(op, left(c), right(c), zone)
    if op == "contains":
        return lambda c: contains(left(c), right(c))
    if op == "matches":
        return _matches(expr, left, right)
    direct = ORDER[op]
    if isinstance(expr.right, ir.Lit):
        constant = right(Ctx())  # a literal reads nothing from the context
        if constant.__class__ in _PLAIN:
            plain = constant.__class__

            def against_literal(c: Ctx) -> Any:
                a = left(c)
                if a.__class__ is plain:  # same plain type: compare directly
                    return direct(a, constant)
                return compare(op, a, constant, zone)

            return against_literal

    def comparison(c: Ctx) -> Any:
        a, b = left(c), right(c)
        kind = a.__class__
        if kind is b.__class__ and kind in _PLAIN:  # same plain type: compare directly
            return direct(a, b)
        return compare(op, a, b, zone)

    return comparison


_PLAIN = (int, str)  # floats compare with the tolerance (cxrules.ir.tolerance)


def _matches(expr: ir.Binary, left: Fn, right: Fn) -> Fn:
    """`matches`: a linear-time RE2 search (`cxrules.ir.regex`), never a backtracking one."""
    if isinstance(expr.right, ir.Lit) and isinstance(expr.right.value, str):
        try:
            found = compile_regex(expr.right.value).search
        except RegexError as exc:
            raise EngineError(
                f"invalid regular expression {expr.right.value!r}: {exc.reason}"
            ) from exc

        def search(c: Ctx) -> Any:
            v = left(c)
            return isinstance(v, str) and found(v)

        return search

    def dynamic(c: Ctx) -> Any:
        v, p = left(c), right(c)
        if not isinstance(v, str) or not isinstance(p, str):
            return False
        try:
            return compile_regex(p).search(v)  # a bounded cache of compiled patterns
        except RegexError:
            return False

    return dynamic


def _between(expr: ir.Between, layout: Layout) -> Fn:
    value, low, high = (compile_expr(e, layout) for e in (expr.value, expr.low, expr.high))
    zone = layout.log_zone

    def between(c: Ctx) -> Any:
        v = value(c)
        return compare(">=", v, low(c), zone) and compare("<=", v, high(c), zone)

    return between


def _missing(expr: ir.Missing, layout: Layout) -> Fn:
    value, negated = compile_expr(expr.value, layout), expr.negated
    return lambda c: (value(c) is MISSING) != negated


def _in(expr: ir.In, layout: Layout) -> Fn:
    value = compile_expr(expr.value, layout)
    options = [compile_expr(o, layout) for o in expr.options]
    negated, zone = expr.negated, layout.log_zone

    def member(c: Ctx) -> Any:
        v = value(c)
        if v is MISSING:
            return False
        found = any(compare("==", v, o(c), zone) for o in options)
        return found != negated

    return member


def _number_or_missing(v: Any) -> Any:
    if isinstance(v, int | float) and not isinstance(v, bool):
        return v
    return MISSING


def _call(expr: ir.Call, layout: Layout) -> Fn:
    args = [compile_expr(a, layout) for a in expr.args]
    fn = expr.fn
    arity = {"clamp": (3, 3), "abs": (1, 1), "round": (1, 2), "lower": (1, 1), "upper": (1, 1)}
    arity["trim"] = (1, 1)
    lo, hi = arity.get(fn, (1, 1 if fn == "length" else 99))
    if not lo <= len(args) <= hi:
        raise EngineError(f"{fn}() takes {lo}..{hi} arguments, got {len(args)}")

    def call(c: Ctx) -> Any:
        try:
            return apply([a(c) for a in args])
        except (ValueError, OverflowError, TypeError):  # e.g. round(inf): not computable
            return MISSING

    def apply(values: list[Any]) -> Any:
        if any(v is MISSING for v in values):
            return MISSING
        if fn in ("lower", "upper"):
            v = values[0]
            return (v.lower() if fn == "lower" else v.upper()) if isinstance(v, str) else MISSING
        if fn == "trim":  # Python's whitespace (str.isspace), as the SQL engines strip it
            v = values[0]
            return v.strip() if isinstance(v, str) else MISSING
        if fn == "length":
            v = values[0]
            return len(v) if isinstance(v, str | list | tuple) else MISSING
        nums = [_number_or_missing(v) for v in values]
        if any(n is MISSING for n in nums):
            return MISSING
        if fn == "clamp":
            return min(max(nums[0], nums[1]), nums[2])
        if fn == "min":
            return min(nums)
        if fn == "max":
            return max(nums)
        if fn == "abs":
            return abs(nums[0])
        if len(nums) == 1:
            return round(nums[0])
        digits = int(nums[1])
        if not -20 <= digits <= 20:  # round(5, -10**9) on an int would compute 10**(10**9)
            return MISSING
        return round(nums[0], digits)

    return call


_COMPILERS: dict[type, Callable[[Any, Layout], Fn]] = {
    ir.Lit: _lit,
    ir.Attr: _attr,
    ir.Time: _time,
    ir.Local: _local,
    ir.History: _history,
    ir.Changes: _changes,
    ir.StateRef: _state,
    ir.Unary: _unary,
    ir.Binary: _binary,
    ir.Between: _between,
    ir.Missing: _missing,
    ir.In: _in,
    ir.Call: _call,
}
