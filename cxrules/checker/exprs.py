"""Checking stage, expressions: names, units and kinds of value inside conditions."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel

from cxrules.checker.casing import check_casing
from cxrules.checker.context import FUNCTIONS, Context
from cxrules.checker.shared import check_size
from cxrules.checker.symbols import RESERVED, PolicyNames, meaning, reference
from cxrules.diagnostics import did_you_mean
from cxrules.ir.regex import RegexError, compile_regex
from cxrules.language import ast
from cxrules.source import Span
from cxrules.time.format import UNITS
from cxrules.time.text import parse_clock, parse_date

# Values that may be compared with each other; "any" (an attribute) and "null" go with all.
_FAMILY = {
    "number": "number",
    "percent": "number",
    "duration": "duration",
    "time_of_day": "time_of_day",
    "date": "moment",
    "instant": "moment",
    "string": "text",
    "bool": "bool",
    "list": "list",
}
_RESERVED_TYPES = {
    "time": "instant",
    "local_time": "time_of_day",
    "local_date": "date",
    "weekday": "number",
    "local_hour": "number",
}
_ARTICLES = {
    "number": "a number",
    "percent": "a percentage",
    "duration": "a duration",
    "time_of_day": "a time of day",
    "date": "a date",
    "instant": "a moment in time",
    "string": "a text",
    "bool": "a true/false condition",
    "list": "a list",
}


def describe_type(kind: str) -> str:
    return _ARTICLES.get(kind, "a value")


def expr_type(chk: Context, e: Any, names: PolicyNames, context: str) -> str:
    """Check an expression and return the kind of value it yields ("any" when only the log can
    tell). `context` says where it stands: "pattern" (a where clause), "expect" (the expected
    event's where clause: `trigger.x` allowed), "condition" (a value check or let), "invariant"
    (an always condition: states and constants), "require" (a metric requirement), "deadline"."""
    return _Exprs(chk, names, context).visit(e)


def check_pattern(
    ctx: Context, pattern: ast.Pattern, names: PolicyNames, context: str = "pattern"
) -> None:
    for type_name in pattern.types:
        if not type_name.name.strip():
            ctx.err("E100", "an event type cannot be empty", type_name.span)
    if pattern.where is not None:
        kind = expr_type(ctx, pattern.where, names, context)
        if kind not in ("bool", "any"):
            ctx.err(
                "E208",
                "a 'where' condition must be true or false",
                pattern.where.span,
                'compare a value, e.g. where channel == "sms"',
            )


def check_literal(ctx: Context, e: ast.LiteralExpr) -> None:
    """The limits of a constant, in a condition or as a parameter's value: digits (E224), a
    time of day (E213), a date (E218)."""
    check_size(ctx, e)
    if e.type == "time_of_day" and parse_clock(str(e.value)) is None:
        ctx.err("E213", f"'{e.text}' is not a time of day", e.span, "times run from 00:00 to 23:59")
    if e.type == "date" and parse_date(str(e.value)) is None:
        ctx.err(
            "E218",
            f"'{e.text}' is not a date",
            e.span,
            "there is no such day in the calendar (dates are YYYY-MM-DD)",
        )


class _Exprs:
    def __init__(self, chk: Context, names: PolicyNames, context: str) -> None:
        self.chk, self.names, self.context = chk, names, context
        self.expanding: set[str] = set()
        # `attribute ± duration`: read as a duration (a time the log writes as text is not
        # shifted), which `_comparable` explains when it meets a moment in time
        self.shifted: dict[int, str] = {}

    def visit(self, e: Any) -> str:
        method = getattr(self, "_" + e.kind)
        return method(e)  # type: ignore[no-any-return]

    # ------------------------------------------------------------------ leaves
    def _literal(self, e: ast.LiteralExpr) -> str:
        check_literal(self.chk, e)
        return "null" if e.type == "null" else e.type

    def _duration(self, e: ast.DurationExpr) -> str:
        check_size(self.chk, e)
        if e.business:
            self.chk.err(
                "E208",
                "business time can only be a deadline or a window",
                e.span,
                "use it after 'within', e.g. within 8 business hours",
            )
        return "duration"

    def _list(self, e: ast.ListExpr) -> str:
        # `in [...]` reads its list itself (`_in`): a list anywhere else has no meaning.
        for item in e.items:
            self.visit(item)
        self.chk.err(
            "E208",
            "a list of values can only follow 'in'",
            e.span,
            'write: channel in ["sms", "email"]',
        )
        return "any"

    def _name(self, e: ast.NameExpr) -> str:
        if any("*" in part for part in e.parts):
            self.chk.err(
                "E100",
                f"'{e.text}' is not a name: '*' belongs only in event types",
                e.span,
                "to multiply, put spaces around '*': a * b",
            )
            return "any"
        if e.parts in (("previous",), ("trigger",)) and self._bare_event(e):
            return "any"
        ref, parts = reference(e)
        if ref == "trigger" and self.context not in ("expect", "condition", "deadline"):
            self.chk.err(
                "E204",
                "'trigger' means the event that started an obligation",
                e.span,
                "use trigger.<field> in the 'where' of 'expect', or in a 'require'",
            )
            return "any"
        if ref != "event":
            return "instant" if parts == ("time",) else "any"
        kind = meaning(e, self.names)
        word = e.parts[0]
        if kind == "let":
            if word in self.expanding:
                self.chk.err("E215", f"'{word}' is defined in terms of itself", e.span)
                return "any"
            self.expanding.add(word)
            result = self.visit(self.names.lets[word].value)
            self.expanding.discard(word)
            return result
        if kind == "param":
            self.chk.used.add(("param", word))
            value = self.chk.out.overrides.get(word, self.names.shared.params[word].value)
            if isinstance(value, ast.DurationExpr) and value.business:
                # as for '8 business hours' written here: compared, it would read as 8h
                self.chk.err(
                    "E208",
                    f"parameter '{word}' is business time ({value.text}), which can only be a "
                    "deadline or a window",
                    e.span,
                    f"use it after 'within', e.g. within {word}; to compare, declare a fixed "
                    "duration (param name = 8h)",
                )
            return "duration" if isinstance(value, ast.DurationExpr) else value.type
        if kind == "state":
            if self.context not in ("condition", "invariant"):
                self.chk.err(
                    "E214",
                    f"state '{word}' cannot be used here",
                    e.span,
                    "states are checked in 'while …: always' and 'when … require'",
                )
            return "bool"
        if kind == "metric":
            if self.context != "require":
                self.chk.err(
                    "E214",
                    f"metric '{word}' is a figure per group and period, not a value of one event",
                    e.span,
                    f"compare it in the policy's rule: require {word} >= …",
                )
            return "any"
        if kind == "reserved":
            if self.context == "invariant":
                self._no_event(e)
            return _RESERVED_TYPES[word]
        if self.context == "invariant":
            self._no_event(e)
        elif self.context == "require":
            self.chk.err(
                "E203",
                f"'{e.text}' is not a metric",
                e.span,
                did_you_mean(word, self.names.all_metrics())
                or f"define it first: metric {word} = …",
            )
        return "any"

    def _bare_event(self, e: ast.NameExpr) -> bool:
        """`previous is missing`, `trigger == …`: the word alone is no value (an attribute of
        that name, which events seldom have, unless written in backticks): E230."""
        word = e.parts[0]
        if self.chk.line(e.span)[e.span.column - 1 : e.span.column] == "`":
            return False  # `previous`: an attribute the log names so
        hint = (
            "write previous.<attribute> for a value of the scope's previous event, "
            "count(*) == 0 for the first event of the scope, or `previous` for an attribute "
            "named so"
            if word == "previous"
            else "write trigger.<attribute> for a value of the event that started the "
            "obligation, or `trigger` for an attribute named so"
        )
        self.chk.err(
            "E230", f"'{word}' alone is no value: name one of its attributes", e.span, hint
        )
        return True

    def _no_event(self, e: ast.NameExpr) -> None:
        self.chk.err(
            "E214",
            f"'{e.text}' is a value of an event, but 'always' is checked at every moment",
            e.span,
            "use states here, e.g. always count(connection) >= 1",
        )

    # ------------------------------------------------------------------ history
    def _history(self, e: ast.HistoryExpr) -> str:
        if e.fn == "count" and self._state_count(e):
            name = e.pattern.types[0].name
            if self.context not in ("condition", "invariant"):
                self.chk.err(
                    "E214",
                    f"state '{name}' cannot be counted here",
                    e.span,
                    "states are checked in 'while …: always' and 'when … require'",
                )
            return "number"
        if e.fn == "count" and len(e.pattern.types) == 1 and "." not in e.pattern.types[0].name:
            # count(conection): a misspelt state, not an event type called 'conection'.
            word = e.pattern.types[0].name
            close = did_you_mean(word, self.names.all_states())
            if close and not e.pattern.types[0].quoted:
                self.chk.err("E202", f"no state named '{word}'", e.pattern.types[0].span, close)
                return "number"
            if word in self.names.elsewhere and not e.pattern.types[0].quoted:
                hint = self.names.missing_state_hint(word)
                self.chk.err("E202", f"no state named '{word}'", e.pattern.types[0].span, hint)
                return "number"
        if self.context == "invariant":
            self.chk.err(
                "E214",
                "'always' is checked at every moment, not at an event",
                e.span,
                "use states here, e.g. always count(connection) >= 1",
            )
            return "number"
        check_pattern(self.chk, e.pattern, self.names, "pattern")
        if e.fn == "count":
            return "number"
        # `.time` is the event's own time, as `time` is at an event (issue 12, point 20)
        return "instant" if e.field is None or e.field == ("time",) else "any"

    def _state_count(self, e: ast.HistoryExpr) -> bool:
        p = e.pattern
        return (
            e.fn == "count"
            and len(p.types) == 1
            and p.where is None
            and not p.types[0].quoted
            and self.names.state(p.types[0].name) is not None
        )

    def _changes(self, e: ast.ChangesExpr) -> str:
        if self.context == "invariant":
            self._no_event(e.path)
        return "number"

    # ------------------------------------------------------------------ operators
    def _call(self, e: ast.CallExpr) -> str:
        kinds = [self.visit(a) for a in e.args]
        if e.fn not in FUNCTIONS:
            self.chk.err(
                "E221",
                f"unknown function '{e.fn}'",
                e.fn_span,
                did_you_mean(e.fn, FUNCTIONS) or "functions: " + ", ".join(FUNCTIONS),
            )
            return "any"
        low, high = FUNCTIONS[e.fn]
        if not low <= len(e.args) <= high:
            wanted = str(low) if low == high else f"{low} or more"
            noun = "value" if wanted == "1" else "values"
            self.chk.err(
                "E221",
                f"{e.fn}() takes {wanted} {noun}, not {len(e.args)}",
                e.span,
                f"write {_SIGNATURES.get(e.fn, e.fn + '(…)')}",
            )
            return "any"
        if e.fn in ("lower", "upper", "trim"):
            return "string"
        if e.fn == "length":
            return "number"
        known = [k for k in kinds if k not in ("any", "null")]
        return known[0] if known else "any"

    def _unary(self, e: ast.UnaryExpr) -> str:
        kind = self.visit(e.operand)
        if e.op == "not":
            self._want_bool(e.operand, kind)
            return "bool"
        if kind not in (*NUMERIC_KINDS, "null"):
            self.chk.err("E208", f"cannot make {describe_type(kind)} negative", e.span)
        return kind

    def _binary(self, e: ast.BinaryExpr) -> str:
        left, right = self.visit(e.left), self.visit(e.right)
        if e.op in ("and", "or"):
            self._want_bool(e.left, left)
            self._want_bool(e.right, right)
            return "bool"
        if e.op == "contains":
            check_casing(self.chk, e)
            return "bool"
        if e.op in ("+", "-", "*", "/"):
            return self._arith(e, left, right)
        self._comparable(e, left, right)
        if e.op in ("==", "!="):
            check_casing(self.chk, e)
        return "bool"

    def _arith(self, e: ast.BinaryExpr, left: str, right: str) -> str:
        for side, kind in ((e.left, left), (e.right, right)):
            if kind in ("string", "bool", "list", "time_of_day", "date"):
                self.chk.err("E208", f"cannot calculate with {describe_type(kind)}", side.span)
                return "any"
        if "any" in (left, right) or "null" in (left, right):
            known = left if right in ("any", "null") else right
            if known == "duration" and e.op in ("+", "-") and "any" in (left, right):
                if self.context == "deadline":
                    return "any"  # a time of the log (mapping `times`) shifted: a moment
                self.shifted[id(e)] = "any"
            if e.op == "/" and right == "duration":
                return "number"  # a duration (or a number) per duration is a number
            if e.op == "/" and left == "duration":
                return "any"  # a duration per number is one, per duration a number
            return "any" if e.op in ("-", "/") and known == "instant" else known
        if left == "instant" and right == "instant" and e.op == "-":
            return "duration"
        if left == "instant" and right == "duration" and e.op in ("+", "-"):
            return "instant"
        if left == right:
            return "number" if e.op == "/" else left
        if e.op == "/" and right == "duration" and left == "number":
            return "number"  # durations are seconds: a number per second
        if e.op in ("*", "/") and "number" in (left, right):
            return left if right == "number" else right
        if {left, right} == {"number", "percent"}:
            return "percent" if e.op in ("*", "/") else "number"
        self.chk.err(
            "E208",
            f"cannot combine {describe_type(left)} and {describe_type(right)} with '{e.op}'",
            e.span,
            _unit_hint(left, right),
        )
        return "any"

    def _comparable(self, e: Any, left: str, right: str) -> None:
        if "any" in (left, right) or "null" in (left, right):
            return
        if left == "instant" and right == "string" or left == "string" and right == "instant":
            return
        if _FAMILY.get(left) != _FAMILY.get(right):
            if {left, right} == {"instant", "duration"} and self._shifted_time(e):
                return
            self.chk.err(
                "E208",
                f"compares {describe_type(left)} with {describe_type(right)}",
                e.span,
                _weekday_hint(e) or _quoted_hint(e, left, right) or _unit_hint(left, right),
            )

    def _shifted_time(self, e: Any) -> bool:
        """`time >= ora - 10min`: an attribute shifted by a duration, compared with a moment.
        The attribute is a time only when the log's mapping reads it as one (`times`); a time
        the log writes as text is read as a time beside another time, never shifted — so say
        how to write it either way (E208 all the same)."""
        sides = [e] + [getattr(e, side, None) for side in ("left", "right")]
        shifted = next((x for x in sides if x is not None and id(x) in self.shifted), None)
        if shifted is None:
            return False
        self.chk.err(
            "E208",
            "a value of the log shifted by a duration is not read as a time here",
            e.span,
            f"shift the other side: {_shift_other_side(e, shifted)} (a time the log writes as "
            "text is read as a time only beside another time)",
        )
        return True

    def _constant(self, e: Any) -> Any:
        """A parameter's value (its --set override, else the file's) in place of its name."""
        if (
            isinstance(e, ast.NameExpr)
            and len(e.parts) == 1
            and reference(e)[0] == "event"
            and meaning(e, self.names) == "param"
        ):
            word = e.parts[0]
            return self.chk.out.overrides.get(word, self.names.shared.params[word].value)
        return e

    def _between(self, e: ast.BetweenExpr) -> str:
        value = self.visit(e.value)
        for bound in (e.low, e.high):
            self._comparable(bound, value, self.visit(bound))
        reversed_bounds = _reversed_bounds(self._constant(e.low), self._constant(e.high))
        if reversed_bounds is None:
            return "bool"
        kind, low_value, high_value = reversed_bounds
        # a parameter is named as written, its value (the file's or --set's) beside it
        low, high = (
            f"{b.text} ({v})" if isinstance(b, ast.NameExpr) else v
            for b, v in ((e.low, low_value), (e.high, high_value))
        )
        low_at, high_at = (
            b.text if isinstance(b, ast.NameExpr) else v
            for b, v in ((e.low, low_value), (e.high, high_value))
        )
        if kind == "time_of_day":
            # 22:00 to 06:00 is a night: no time of day is both after the one and before the other.
            at = e.value.span
            written = (
                self.chk.line(at)[at.column - 1 : at.end_column - 1]
                if at.line == at.end_line
                else ""
            ) or "local_time"
            self.chk.err(
                "E223",
                f"'between {low} and {high}' is never true: {low_value} is after {high_value}",
                e.span,
                f"for a window over midnight write: {written} >= {low_at} or "
                f"{written} <= {high_at}",
            )
        else:
            self.chk.err(
                "E223",
                f"'between {low} and {high}' is never true",
                e.span,
                f"write the smaller bound first: between {high_at} and {low_at}",
            )
        return "bool"

    def _in(self, e: ast.InExpr) -> str:
        value = self.visit(e.value)
        for option in e.options.items:
            self._comparable(option, value, self.visit(option))
        check_casing(self.chk, e)
        return "bool"

    def _matches(self, e: ast.MatchesExpr) -> str:
        self.visit(e.value)
        try:
            compile_regex(e.regex)
        except RegexError as exc:
            shown = e.regex if len(e.regex) <= 60 else e.regex[:57] + "..."
            what = "is not a valid regular expression" if exc.syntax else "cannot be run"
            self.chk.err(
                "E211",
                f'the pattern "{shown}" {what}: {exc.reason}',
                e.regex_span,
                exc.hint,
            )
            return "bool"
        self._lost_backslash(e)
        return "bool"

    def _lost_backslash(self, e: ast.MatchesExpr) -> None:
        """A single backslash before a letter other than n or t is dropped when the text is read
        ("\\d" in the file is the regex d), so a regex written as in other tools silently means
        something else: say so."""
        span = e.regex_span
        raw = self.chk.line(span)[span.column - 1 : span.end_column - 1]
        for match in re.finditer(r"\\(.)", raw):
            if match.group(1) not in 'nt"\\':
                lost = match.group(0)
                self.chk.err(
                    "E211",
                    f"'{lost}' in a text reads as '{match.group(1)}', so this pattern loses its "
                    "backslash",
                    span,
                    f"write '\\{lost}' to give the regular expression '{lost}'",
                )
                return

    def _missing(self, e: ast.MissingExpr) -> str:
        self.visit(e.value)
        return "bool"

    def _want_bool(self, node: Any, kind: str) -> None:
        if kind not in ("bool", "any", "null"):
            self.chk.err(
                "E208",
                f"expected a condition, found {describe_type(kind)}",
                node.span,
                "compare it with something, e.g. score >= 9",
            )


_SIGNATURES = {
    "clamp": "clamp(value, lowest, highest)",
    "min": "min(a, b, …)",
    "max": "max(a, b, …)",
    "abs": "abs(value)",
    "round": "round(value) or round(value, digits)",
    "lower": "lower(text)",
    "upper": "upper(text)",
    "trim": "trim(text)",
    "length": "length(text or list)",
}

NUMERIC_KINDS = ("number", "percent", "duration", "any")


def _shift_other_side(e: Any, shifted: Any) -> str:
    """How to write a comparison with the duration moved across it, from the policy's own
    expressions: `time >= start - 15min` is `time + 15min >= start`."""
    from cxrules.language.fmt import expr_text

    comparison = isinstance(e, ast.BinaryExpr) and e.op in ("<", "<=", ">", ">=", "==", "!=")
    if not comparison or not isinstance(shifted, ast.BinaryExpr) or shifted is e:
        return "write time + 10min >= ora, not time >= ora - 10min"
    turned: Literal["+", "-"] = "-" if shifted.op == "+" else "+"
    moved = ast.BinaryExpr(
        span=e.span,
        op=turned,
        left=e.left if shifted is e.right else e.right,
        right=shifted.right,
    )
    sides = (moved, shifted.left) if shifted is e.right else (shifted.left, moved)
    fixed = ast.BinaryExpr(span=e.span, op=e.op, left=sides[0], right=sides[1])
    return f"write {expr_text(fixed)}, not {expr_text(e)}"


def _reversed_bounds(low: Any, high: Any) -> tuple[str, str, str] | None:
    """(kind, low, high as written) of two literal bounds of `between` written larger first —
    numbers, percentages, durations or times of day; None when they are in order or not both
    literals of one kind."""
    if isinstance(low, ast.DurationExpr) and isinstance(high, ast.DurationExpr):
        if low.business or high.business:
            return None
        if low.amount * UNITS[low.unit] <= high.amount * UNITS[high.unit]:
            return None
        return "duration", low.text, high.text
    if not (isinstance(low, ast.LiteralExpr) and isinstance(high, ast.LiteralExpr)):
        return None
    if low.type != high.type:
        return None
    if low.type == "time_of_day":
        first, second = parse_clock(str(low.value)), parse_clock(str(high.value))
        if first is None or second is None or first <= second:
            return None
        return "time_of_day", low.text, high.text
    if (
        isinstance(low.value, int | float)
        and isinstance(high.value, int | float)
        and not isinstance(low.value, bool)
        and not isinstance(high.value, bool)
        and low.value > high.value
    ):
        return low.type, low.text, high.text
    return None


#: How a constant of each kind is written unquoted, to tell that a quoted text was meant as one.
_SPELT = {
    "time_of_day": re.compile(r"\d{1,2}:\d{2}(:\d{2})?"),
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "duration": re.compile(r"\d+(\.\d+)? ?(ms|s|min|h|d|w|[a-z]+s)"),
    "percent": re.compile(r"\d+(\.\d+)?%"),
    # `count(x) > "3"`: was told only "compare values of the same kind" (hunt69 finding-15)
    "number": re.compile(r"[+-]?\d+(\.\d+)?"),
}


def _quoted_hint(e: Any, left: str, right: str) -> str | None:
    """`local_time < "12:00"`: a text in quotes that spells a constant of the other side's kind
    (a time of day, a date, a duration, a percentage) is a text, never that constant; say to
    write it without quotes. `e` is the comparison, or the quoted bound or list item itself."""
    sides = [(e, left if right == "string" else right)]
    sides += [(getattr(e, "left", None), right), (getattr(e, "right", None), left)]
    for side, kind in sides:
        spelt = _SPELT.get(kind)
        if (
            spelt is not None
            and isinstance(side, ast.LiteralExpr)
            and side.type == "string"
            and spelt.fullmatch(str(side.value).strip())
        ):
            return f"write {str(side.value).strip()} without quotes: in quotes it is a text"
    return None


#: Day names in English, Turkish and Romanian (with and without their letters), by ISO number.
_DAYS = {
    name: number
    for number, names in enumerate(
        [
            "monday mon pazartesi pzt luni",
            "tuesday tue salı sali marți marti",
            "wednesday wed çarşamba carsamba çar miercuri",
            "thursday thu perşembe persembe per joi",
            "friday fri cuma vineri",
            "saturday sat cumartesi cmt sâmbătă sambata",
            "sunday sun pazar paz duminică duminica",
        ],
        start=1,
    )
    for name in names.split()
}


_FLIPPED = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}


def _weekday_hint(e: Any) -> str | None:
    """`weekday == "Sunday"` (or `"pazar"`, `"duminică"`): weekday is a number, 1 = Monday."""
    left, right = getattr(e, "left", None), getattr(e, "right", None)
    for name, value in ((left, right), (right, left)):
        if (
            isinstance(name, ast.NameExpr)
            and name.parts == ("weekday",)
            and isinstance(value, ast.LiteralExpr)
            and value.type == "string"
            and str(value.value).strip().lower() in _DAYS
        ):
            number = _DAYS[str(value.value).strip().lower()]
            op = e.op if name is left else _FLIPPED.get(e.op, e.op)  # '"Sun" > weekday'
            return f"weekday is a number, 1 = Monday to 7 = Sunday: write weekday {op} {number}"
    return None


def _unit_hint(left: str, right: str) -> str:
    pair = {left, right}
    if pair == {"duration", "number"}:
        return "a duration needs a unit, such as '30s' or '2h'"
    if pair == {"time_of_day", "number"}:
        return "write a time of day such as '12:00'"
    if "percent" in pair and "duration" in pair:
        return "a percentage compares with a share, a duration with a waiting time"
    return "compare values of the same kind"


def names_in(node: Any) -> set[str]:
    """Every single-word name mentioned in a syntax subtree (names, counted states, `while S`,
    `paused while S`), for unused-definition warnings; walked without recursion."""
    found: set[str] = set()
    stack: list[Any] = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.NameExpr):
            found.add(node.parts[0])
        elif isinstance(node, ast.TypeName):
            found.add(node.name)
        elif isinstance(node, ast.InvariantRule) and node.state:
            found.add(node.state)
        elif isinstance(node, ast.Timing) and node.paused_while:
            found.add(node.paused_while)
        if isinstance(node, BaseModel):
            # A definition's own name is not a use; its body may mention others. Spans and
            # texts hold no names.
            skip = ("name",) if isinstance(node, ast.LetDef | ast.StateDef) else ()
            stack.extend(
                value
                for key, value in vars(node).items()
                if key not in skip
                and isinstance(value, BaseModel | tuple | list)
                and not isinstance(value, Span)
            )
        elif isinstance(node, tuple | list):
            stack.extend(v for v in node if isinstance(v, BaseModel | tuple | list))
    return found


__all__ = ["expr_type", "names_in", "describe_type", "RESERVED"]
