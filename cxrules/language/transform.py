"""Transform stage: Lark's parse tree → the syntax tree (`language.ast`), spans on every node."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lark import Token, Tree

from cxrules.language import ast
from cxrules.language.literals import (
    SHORT_UNITS,
    UNIT_WORDS,
    number_value,
    ordinal_suffix,
    unquote,
    whole_number,
)
from cxrules.language.periods import metric_period, shared_metric_periods
from cxrules.source import Span, make_span

#: The longest chain of 'and' (or 'or') kept in the shape it is written; longer ones are balanced.
CHAIN = 32


#: How deep a policy's parse tree may nest (brackets in brackets, `not not …`, calls in calls).
MAX_DEPTH = 100


class TooDeep(Exception):
    """A parse tree nested deeper than `MAX_DEPTH`; `node` is where it goes past."""

    def __init__(self, node: Tree[Token]) -> None:
        super().__init__(node.data)
        self.node = node


def _extra_depth(node: Tree[Token]) -> int:
    """The levels a chain of `and` or `or` adds once built (`ToAst._chain`)."""
    if node.data not in ("and_op", "or_op"):
        return 0
    terms = len(node.children)
    return terms - 1 if terms <= CHAIN else terms.bit_length()


class SyntaxProblem(Exception):
    """A construct that parses but cannot be given meaning (reported as a syntax diagnostic)."""

    def __init__(self, code: str, message: str, span: Span, hint: str = "") -> None:
        super().__init__(message)
        self.code, self.message, self.span, self.hint = code, message, span, hint


def _name(token: Token) -> str:
    text = str(token)
    return text[1:-1] if text.startswith("`") else text


class ToAst:
    """Builds `ast` nodes bottom-up; `file` names the source in every span, and `line_offset`
    is added to every line (a part of a file parsed on its own starts at line 1).

    Each grammar rule has a method `rule(meta, children)`; `transform` calls them children
    first, with its own stack (no recursion, and none of the per-call wrapping a Lark
    `Transformer` does: this is a tenth of the time of reading a policy)."""

    def __init__(self, file: str, line_offset: int = 0) -> None:
        self.file = file
        self.offset = line_offset

    def transform(self, tree: Tree[Token]) -> Any:
        """The syntax node of a parse tree (for `start`: the file's items); SyntaxProblem when
        a construct parses but has no meaning, TooDeep past `MAX_DEPTH` levels (every later
        stage walks the syntax tree recursively). A chain of `and`/`or` counts as deep as the
        tree `_chain` makes of it."""
        stack: list[tuple[Tree[Token], list[Any], Iterator[Any], int]] = [
            (tree, [], iter(tree.children), 1)
        ]
        while True:
            node, done, pending, depth = stack[-1]
            for child in pending:
                if isinstance(child, Tree):
                    below = depth + 1 + _extra_depth(child)
                    if below > MAX_DEPTH:
                        raise TooDeep(child)
                    stack.append((child, [], iter(child.children), below))
                    break
                done.append(child)
            else:
                stack.pop()
                build = getattr(self, node.data, None)
                value = build(node.meta, done) if build is not None else Tree(node.data, done)
                if not stack:
                    return value
                stack[-1][1].append(value)

    # ------------------------------------------------------------------ spans
    def _span(self, meta: Any) -> Span:
        if getattr(meta, "empty", True):
            line = self.offset + 1
            return make_span(self.file, line, 1, line, 1)
        return make_span(
            self.file,
            meta.line + self.offset,
            meta.column,
            meta.end_line + self.offset,
            meta.end_column,
        )

    def _tok(self, token: Token) -> Span:
        line = (token.line or 1) + self.offset
        return make_span(
            self.file,
            line,
            token.column or 1,
            (token.end_line + self.offset) if token.end_line else line,
            token.end_column or (token.column or 1) + len(token),
        )

    def _join(self, first: Span, last: Span) -> Span:
        return make_span(self.file, first.line, first.column, last.end_line, last.end_column)

    # ------------------------------------------------------------------ file
    def start(self, meta: Any, items: list[Any]) -> list[Any]:
        return shared_metric_periods(items)

    def use(self, meta: Any, c: list[Token]) -> ast.UseDef:
        return ast.UseDef(span=self._span(meta), path=unquote(c[0]))

    def param(self, meta: Any, c: list[Any]) -> ast.ParamDef:
        name, value = c[0], c[1]
        desc = unquote(c[2]) if len(c) > 2 and c[2] is not None else None
        return ast.ParamDef(
            span=self._span(meta),
            name=str(name),
            name_span=self._tok(name),
            value=value,
            description=desc,
        )

    def negative(self, meta: Any, c: list[Token]) -> ast.LiteralExpr:
        return ast.LiteralExpr(
            span=self._span(meta), value=-number_value(c[0]), type="number", text=f"-{c[0]}"
        )

    def calendar(self, meta: Any, c: list[Any]) -> ast.CalendarDef:
        name = c[0]
        rest = c[1:]
        title = None
        if rest and isinstance(rest[0], Token) and rest[0].type == "STRING":
            title = unquote(rest[0])
            rest = rest[1:]
        fields: dict[str, Any] = {"hours": (), "holidays": (), "closed": (), "open": ()}
        for key, value, span in rest:
            if key == "hours":
                fields["hours"] = fields["hours"] + tuple(value)
            elif key in ("closed", "open"):
                fields[key] = fields[key] + tuple(value)
            elif key == "holidays":
                fields["holidays"] = tuple(value)
                fields["holidays_span"] = span
            else:
                fields["zone"] = value
                fields["zone_span"] = span
        return ast.CalendarDef(
            span=self._span(meta), name=str(name), name_span=self._tok(name), title=title, **fields
        )

    def cal_zone(self, meta: Any, c: list[Token]) -> tuple[str, str, Span]:
        return ("zone", unquote(c[0]), self._tok(c[0]))

    def cal_hours(self, meta: Any, c: list[ast.DayHours]) -> tuple[str, list[Any], Span]:
        return ("hours", c, self._span(meta))

    def cal_holidays(self, meta: Any, c: list[Token]) -> tuple[str, list[str], Span]:
        return ("holidays", [unquote(t) for t in c], self._span(meta))

    def cal_closed(self, meta: Any, c: list[Token]) -> tuple[str, list[str], Span]:
        return ("closed", [str(t) for t in c], self._span(meta))

    def cal_open(self, meta: Any, c: list[Token]) -> tuple[str, list[str], Span]:
        return ("open", [str(t) for t in c], self._span(meta))

    def day_hours(self, meta: Any, c: list[Any]) -> ast.DayHours:
        return ast.DayHours(span=self._span(meta), days=str(c[0]), ranges=tuple(c[1:]))

    def time_range(self, meta: Any, c: list[Token]) -> tuple[str, str]:
        return (str(c[0]), str(c[1]))

    # ------------------------------------------------------------------ policies
    def policy(self, meta: Any, c: list[Any]) -> ast.Policy:
        ident = c[0]
        rest = c[1:]
        title = None
        if rest and isinstance(rest[0], Token) and rest[0].type == "STRING":
            title = unquote(rest[0])
            rest = rest[1:]
        rest = metric_period(rest)
        rules = [x for x in rest if isinstance(x, _RULE_TYPES)]
        clauses = [x for x in rest if not isinstance(x, _RULE_TYPES)]
        return ast.Policy(
            span=self._span(meta),
            id=str(ident),
            id_span=self._tok(ident),
            title=title,
            clauses=ast.canonical_clauses(clauses),
            rule=rules[0] if rules else None,
        )

    def meta_severity(self, meta: Any, c: list[Token]) -> ast.MetaClause:
        return self._meta(meta, "severity", [str(c[0])], self._tok(c[0]))

    def meta_owner(self, meta: Any, c: list[Token]) -> ast.MetaClause:
        return self._meta(meta, "owner", [unquote(c[0])], self._tok(c[0]))

    def meta_description(self, meta: Any, c: list[Token]) -> ast.MetaClause:
        return self._meta(meta, "description", [unquote(c[0])], self._tok(c[0]))

    def meta_source(self, meta: Any, c: list[Token]) -> ast.MetaClause:
        return self._meta(meta, "source", [unquote(c[0])], self._tok(c[0]))

    def meta_zone(self, meta: Any, c: list[Token]) -> ast.MetaClause:
        return self._meta(meta, "zone", [unquote(c[0])], self._tok(c[0]))

    def meta_calendar(self, meta: Any, c: list[Token]) -> ast.MetaClause:
        return self._meta(meta, "calendar", [str(c[0])], self._tok(c[0]))

    def meta_tags(self, meta: Any, c: list[Token]) -> ast.MetaClause:
        values = [unquote(t) if t.type == "STRING" else str(t) for t in c]
        return self._meta(meta, "tags", values, self._join(self._tok(c[0]), self._tok(c[-1])))

    def _meta(self, meta: Any, key: str, values: list[str], span: Span) -> ast.MetaClause:
        return ast.MetaClause(
            span=self._span(meta),
            key=key,  # type: ignore[arg-type]
            values=tuple(values),
            value_span=span,
        )

    def per_group(self, meta: Any, c: list[Any]) -> ast.ScopeClause:
        until = c[-1] if c and isinstance(c[-1], ast.Pattern) else None
        keys = tuple(k for k in c if isinstance(k, ast.NameExpr))
        return ast.ScopeClause(span=self._span(meta), keys=keys, until=until)

    def per_bucket(self, meta: Any, c: list[str]) -> ast.ScopeClause:
        return ast.ScopeClause(span=self._span(meta), bucket=c[0])  # type: ignore[arg-type]

    def bucket(self, meta: Any, c: list[Token]) -> str:
        return str(c[0])

    def state_def(self, meta: Any, c: list[Any]) -> ast.StateDef:
        return ast.StateDef(
            span=self._span(meta),
            name=str(c[0]),
            name_span=self._tok(c[0]),
            start=c[1],
            end=c[2],
            by=c[3] if len(c) > 3 else None,
        )

    def metric_def(self, meta: Any, c: list[Any]) -> ast.MetricDef:
        by = tuple(c[2]) if len(c) > 2 and c[2] is not None else ()
        return ast.MetricDef(
            span=self._span(meta), name=str(c[0]), name_span=self._tok(c[0]), aggregate=c[1], by=by
        )

    def metric_by(self, meta: Any, c: list[ast.NameExpr]) -> list[ast.NameExpr]:
        return c

    def agg_count(self, meta: Any, c: list[Any]) -> ast.Aggregate:
        return ast.Aggregate(
            span=self._span(meta), fn="count", fn_span=self._span(meta), pattern=c[0]
        )

    def agg_ratio(self, meta: Any, c: list[Any]) -> ast.Aggregate:
        return ast.Aggregate(
            span=self._span(meta), fn="ratio", fn_span=self._span(meta), pattern=c[0], of=c[1]
        )

    def agg_share(self, meta: Any, c: list[Any]) -> ast.Aggregate:
        return ast.Aggregate(
            span=self._span(meta),
            fn="share",
            fn_span=self._span(meta),
            pattern=c[0],
            within=c[1],
            of=c[2],
            unless=c[3] if len(c) > 3 else None,
        )

    def agg_value(self, meta: Any, c: list[Any]) -> ast.Aggregate:
        fn, value = c[0], c[1]
        pattern = None
        q = method = None
        for extra in c[2:]:
            if isinstance(extra, ast.Pattern):
                pattern = extra
            elif isinstance(extra, ast.PercentileMethod):
                method = extra
            elif isinstance(extra, Token):
                q = self._literal_token(extra)
        return ast.Aggregate(
            span=self._span(meta),
            fn=str(fn),
            fn_span=self._tok(fn),
            value=value,
            pattern=pattern,
            q=q,
            method=method,
        )

    def pct_method(self, meta: Any, c: list[Token]) -> ast.PercentileMethod:
        return ast.PercentileMethod(span=self._span(meta), words=tuple(str(t) for t in c))

    def let_def(self, meta: Any, c: list[Any]) -> ast.LetDef:
        return ast.LetDef(
            span=self._span(meta), name=str(c[0]), name_span=self._tok(c[0]), value=c[1]
        )

    def at_risk(self, meta: Any, c: list[Any]) -> ast.AtRiskClause:
        return ast.AtRiskClause(span=self._span(meta), lead=c[0])

    def report_def(self, meta: Any, c: list[Any]) -> ast.ReportClause:
        return ast.ReportClause(span=self._span(meta), fields=tuple(c))

    def report_field(self, meta: Any, c: list[Any]) -> ast.ReportField:
        return ast.ReportField(
            span=self._span(meta), name=str(c[0]), name_span=self._tok(c[0]), value=c[1]
        )

    # ------------------------------------------------------------------ rules
    def require_rule(self, meta: Any, c: list[Any]) -> ast.RequireRule:
        fields: dict[str, Any] = {"subject": c[0]}
        for part in c[1:]:
            if isinstance(part, tuple):
                fields[part[0]] = part[1]
            elif isinstance(part, ast.Warn):
                fields["warn"] = part
        return ast.RequireRule(span=self._span(meta), **fields)

    def where(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("where", c[0])

    def at_least(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("at_least", self._count(c[0]))

    def at_most(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("at_most", self._count(c[0]))

    def sample(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("min_sample", self._count(c[0]))

    def warn(self, meta: Any, c: list[Any]) -> ast.Warn:
        return ast.Warn(span=self._span(meta), side=c[0], value=c[1])

    def warn_side(self, meta: Any, c: list[Token]) -> str:
        return str(c[0])

    def _count(self, token: Token) -> ast.LiteralExpr | ast.NameExpr:
        if token.type == "INT":
            return ast.LiteralExpr(
                span=self._tok(token), value=whole_number(token), type="number", text=str(token)
            )
        return ast.NameExpr(span=self._tok(token), parts=(str(token),))

    def forbid_rule(self, meta: Any, c: list[Any]) -> ast.ForbidRule:
        return ast.ForbidRule(span=self._span(meta), pattern=c[0])

    def _obligation(self, c: list[Any]) -> dict[str, Any]:
        trigger = c[0]
        rest = c[1:]
        each = False
        if rest and rest[0] == "each":
            each = True
            rest = rest[1:]
        types: ast.Pattern = rest[0]
        timing: ast.Timing = rest[1]
        where = None
        unless = None
        counts = False
        for part in rest[2:]:
            if isinstance(part, tuple):
                where = part[1]
            elif isinstance(part, ast.Pattern):
                unless = part
            elif part == "trigger counts":
                counts = True
        pattern = types.model_copy(update={"where": where}) if where is not None else types
        if where is not None:
            pattern = pattern.model_copy(update={"span": self._join(types.span, where.span)})
        return {
            "trigger": trigger,
            "each": each,
            "pattern": pattern,
            "timing": timing,
            "unless": unless,
            "trigger_counts": counts,
        }

    def response_rule(self, meta: Any, c: list[Any]) -> ast.ResponseRule | ast.ExpectationsRule:
        """One plain expectation is a response; several, or one with a count, is an
        `ExpectationsRule` (one verdict at the trigger)."""
        trigger = c[0]
        expects = [x for x in c[1:] if isinstance(x, ast.ExpectClause)]
        unless = next((x for x in c[1:] if isinstance(x, ast.Pattern)), None)
        counts = "trigger counts" in c[1:]
        one = expects[0]
        if len(expects) == 1 and one.at_least is None and one.at_most is None:
            return ast.ResponseRule(
                span=self._span(meta),
                trigger=trigger,
                each=one.each,
                expect=one.pattern,
                timing=one.timing,
                unless=unless,
                trigger_counts=counts,
            )
        return ast.ExpectationsRule(
            span=self._span(meta),
            trigger=trigger,
            expects=tuple(expects),
            unless=unless,
            trigger_counts=counts,
        )

    def expect_clause(self, meta: Any, c: list[Any]) -> ast.ExpectClause:
        each = bool(c) and c[0] == "each"
        rest = c[1:] if each else c
        bound: dict[str, Any] = {}
        if rest and isinstance(rest[0], tuple) and rest[0][0] in ("at_least", "at_most"):
            bound[rest[0][0]] = rest[0][1]
            rest = rest[1:]
        types: ast.Pattern = rest[0]
        timing: ast.Timing = rest[1]
        pattern = types
        for part in rest[2:]:
            if isinstance(part, tuple):
                pattern = types.model_copy(
                    update={"where": part[1], "span": self._join(types.span, part[1].span)}
                )
        return ast.ExpectClause(
            span=self._span(meta), each=each, pattern=pattern, timing=timing, **bound
        )

    def expect_at_least(self, meta: Any, c: list[Token]) -> tuple[str, Any]:
        return ("at_least", self._count(c[0]))

    def expect_at_most(self, meta: Any, c: list[Token]) -> tuple[str, Any]:
        return ("at_most", self._count(c[0]))

    def forbid_after_rule(self, meta: Any, c: list[Any]) -> ast.ForbidAfterRule:
        f = self._obligation(c)
        return ast.ForbidAfterRule(
            span=self._span(meta),
            trigger=f["trigger"],
            pattern=f["pattern"],
            timing=f["timing"],
            unless=f["unless"],
        )

    def each(self, meta: Any, c: list[Any]) -> str:
        return "each"

    def trigger_counts(self, meta: Any, c: list[Any]) -> str:
        return "trigger counts"

    def unless(self, meta: Any, c: list[Any]) -> ast.Pattern:
        return c[0]  # type: ignore[no-any-return]

    def value_rule(self, meta: Any, c: list[Any]) -> ast.ValueRule:
        return ast.ValueRule(span=self._span(meta), trigger=c[0], condition=c[1])

    def rate_rule(self, meta: Any, c: list[Any]) -> ast.RateRule:
        return ast.RateRule(
            span=self._span(meta), at_most=self._count(c[0]), pattern=c[1], within=c[2]
        )

    def invariant_rule(self, meta: Any, c: list[Any]) -> ast.InvariantRule:
        during, condition = c[0], c[1]
        grace = c[2] if len(c) > 2 else None
        return ast.InvariantRule(span=self._span(meta), condition=condition, grace=grace, **during)

    def limit_rule(self, meta: Any, c: list[Any]) -> ast.InvariantRule:
        return ast.InvariantRule(span=self._span(meta), limit=c[1], **c[0])

    def during_state(self, meta: Any, c: list[Token]) -> dict[str, Any]:
        return {"state": str(c[0])}

    def during_inline(self, meta: Any, c: list[Any]) -> dict[str, Any]:
        return {"start": c[0], "end": c[1], "by": c[2] if len(c) > 2 else None}

    def trigger_plain(self, meta: Any, c: list[Any]) -> ast.Trigger:
        return ast.Trigger(span=self._span(meta), pattern=c[0])

    def trigger_nth(self, meta: Any, c: list[Any]) -> ast.Trigger:
        ordinal: Token = c[0]
        or_later = any(part is True for part in c[1:])
        pattern = next(part for part in c[1:] if isinstance(part, ast.Pattern))
        within = c[-1] if not isinstance(c[-1], ast.Pattern) else None
        nth = whole_number(str(ordinal)[:-2])
        suffix = str(ordinal)[-2:]
        expected = ordinal_suffix(nth)
        if suffix != expected:
            raise SyntaxProblem(
                "E100",
                f"'{ordinal}' is not an ordinal number",
                self._tok(ordinal),
                f"write '{nth}{expected}'",
            )
        return ast.Trigger(
            span=self._span(meta), pattern=pattern, nth=nth, or_later=or_later, within=within
        )

    def or_later(self, meta: Any, c: list[Any]) -> bool:
        return True

    # ------------------------------------------------------------------ timing
    def timing_within(self, meta: Any, c: list[Any]) -> ast.Timing:
        direction, paused = self._dir_paused(c[1:])
        return ast.Timing(
            span=self._span(meta),
            form="within",
            first=c[0],
            direction=direction,  # type: ignore[arg-type]
            **paused,
        )

    def timing_any(self, meta: Any, c: list[Any]) -> ast.Timing:
        return ast.Timing(span=self._span(meta), form="any", direction=c[0])

    def timing_at_least(self, meta: Any, c: list[Any]) -> ast.Timing:
        return ast.Timing(span=self._span(meta), form="at_least", first=c[0], direction=c[1])

    def timing_at_most(self, meta: Any, c: list[Any]) -> ast.Timing:
        return ast.Timing(span=self._span(meta), form="at_most", first=c[0], direction=c[1])

    def timing_between(self, meta: Any, c: list[Any]) -> ast.Timing:
        return ast.Timing(
            span=self._span(meta), form="between", first=c[0], second=c[1], direction=c[2]
        )

    def timing_by(self, meta: Any, c: list[Any]) -> ast.Timing:
        _, paused = self._dir_paused(c[1:])
        return ast.Timing(span=self._span(meta), form="by", deadline=c[0], **paused)

    def _dir_paused(self, parts: list[Any]) -> tuple[str | None, dict[str, Any]]:
        direction = None
        paused: dict[str, Any] = {}
        for part in parts:
            if isinstance(part, Token):
                paused = {"paused_while": str(part), "paused_span": self._tok(part)}
            elif isinstance(part, str):
                direction = part
        return direction, paused

    def direction(self, meta: Any, c: list[Token]) -> str:
        return str(c[0])

    def paused(self, meta: Any, c: list[Token]) -> Token:
        return c[0]

    def deadline_end(self, meta: Any, c: list[Any]) -> ast.CalendarEnd:
        return ast.CalendarEnd(
            span=self._span(meta), period=c[0], calendar=str(c[1]) if len(c) > 1 else None
        )

    def deadline_expr(self, meta: Any, c: list[Any]) -> Any:
        return c[0]

    def period(self, meta: Any, c: list[Token]) -> str:
        return " ".join(str(t) for t in c)

    # ------------------------------------------------------------------ patterns
    def pattern(self, meta: Any, c: list[Any]) -> ast.Pattern:
        types: ast.Pattern = c[0]
        where = c[1][1] if len(c) > 1 else None
        return types.model_copy(update={"where": where, "span": self._span(meta)})

    def any_type(self, meta: Any, c: list[Token]) -> Token:
        return c[0]  # `*` alone: any event type

    def types(self, meta: Any, c: list[Token]) -> ast.Pattern:
        names = tuple(
            ast.TypeName(
                span=self._tok(t),
                name=unquote(t) if t.type == "STRING" else str(t),
                quoted=t.type == "STRING",
            )
            for t in c
        )
        bracketed = len(c) > 1 or (bool(meta.column) and _starts_with_bracket(meta, c))
        return ast.Pattern(span=self._span(meta), types=names, bracketed=bracketed)

    # ------------------------------------------------------------------ durations
    def duration(self, meta: Any, c: list[Any]) -> Any:
        return c[0]

    def duration_param(self, meta: Any, c: list[Token]) -> ast.NameExpr:
        return ast.NameExpr(span=self._tok(c[0]), parts=(str(c[0]),))

    def duration_lit(self, meta: Any, c: list[Any]) -> Any:
        return c[0]

    def dur_short(self, meta: Any, c: list[Token]) -> ast.DurationExpr:
        text = str(c[0])
        for unit in SHORT_UNITS:
            if text.endswith(unit) and text[: -len(unit)].replace(".", "", 1).isdigit():
                return ast.DurationExpr(
                    span=self._tok(c[0]),
                    amount=float(text[: -len(unit)]),
                    unit=UNIT_WORDS[unit],  # type: ignore[arg-type]
                    text=text,
                )
        raise AssertionError(text)  # the DURATION terminal admits only these units

    def dur_long(self, meta: Any, c: list[Any]) -> ast.DurationExpr:
        number, unit = c
        return ast.DurationExpr(
            span=self._span(meta),
            amount=float(number),
            unit=UNIT_WORDS[unit],  # type: ignore[arg-type]
            text=f"{number} {unit}",
        )

    def dur_business(self, meta: Any, c: list[Any]) -> ast.DurationExpr:
        number, unit = c[0], c[1]
        calendar = str(c[2]) if len(c) > 2 else None
        text = f"{number} business {unit}" + (f" on {calendar}" if calendar else "")
        return ast.DurationExpr(
            span=self._span(meta),
            amount=float(number),
            unit=UNIT_WORDS[unit],  # type: ignore[arg-type]
            business=True,
            calendar=calendar,
            text=text,
        )

    def unit(self, meta: Any, c: list[Token]) -> str:
        return str(c[0])

    def business_unit(self, meta: Any, c: list[Token]) -> str:
        return str(c[0])

    # ------------------------------------------------------------------ expressions
    def or_op(self, meta: Any, c: list[Any]) -> ast.BinaryExpr:
        return self._chain("or", c).model_copy(update={"span": self._span(meta)})

    def and_op(self, meta: Any, c: list[Any]) -> ast.BinaryExpr:
        return self._chain("and", c).model_copy(update={"span": self._span(meta)})

    def _chain(self, op: str, terms: list[Any]) -> ast.BinaryExpr:
        """`a and b and c` as `(a and b) and c`, as written; a chain longer than `CHAIN` terms
        as a balanced tree (same meaning, same order of evaluation), so that 20,000 terms nest
        15 levels deep, not 20,000."""
        if len(terms) > CHAIN:
            middle = len(terms) // 2
            left, right = self._chain(op, terms[:middle]), self._chain(op, terms[middle:])
            return self._and_or(op, left, right)
        node = terms[0]
        for term in terms[1:]:
            node = self._and_or(op, node, term)
        return node  # type: ignore[no-any-return]

    def _and_or(self, op: str, left: Any, right: Any) -> ast.BinaryExpr:
        span = self._join(left.span, right.span)
        return ast.BinaryExpr(span=span, op=op, left=left, right=right)  # type: ignore[arg-type]

    def not_op(self, meta: Any, c: list[Any]) -> ast.UnaryExpr:
        return ast.UnaryExpr(span=self._span(meta), op="not", operand=c[0])

    def neg(self, meta: Any, c: list[Any]) -> Any:
        operand = c[0]
        if isinstance(operand, ast.LiteralExpr) and isinstance(operand.value, int | float):
            return operand.model_copy(
                update={
                    "value": -operand.value,
                    "text": "-" + operand.text,
                    "span": self._span(meta),
                }
            )
        return ast.UnaryExpr(span=self._span(meta), op="neg", operand=operand)

    def compare(self, meta: Any, c: list[Any]) -> ast.BinaryExpr:
        return ast.BinaryExpr(span=self._span(meta), op=c[1], left=c[0], right=c[2])

    def comp_op(self, meta: Any, c: list[Token]) -> str:
        return str(c[0])

    def _binary(self, meta: Any, op: str, c: list[Any]) -> ast.BinaryExpr:
        return ast.BinaryExpr(span=self._span(meta), op=op, left=c[0], right=c[1])  # type: ignore[arg-type]

    def add(self, meta: Any, c: list[Any]) -> ast.BinaryExpr:
        return self._binary(meta, "+", c)

    def sub(self, meta: Any, c: list[Any]) -> ast.BinaryExpr:
        return self._binary(meta, "-", c)

    def mul(self, meta: Any, c: list[Any]) -> ast.BinaryExpr:
        return self._binary(meta, "*", c)

    def div(self, meta: Any, c: list[Any]) -> ast.BinaryExpr:
        return self._binary(meta, "/", c)

    def contains(self, meta: Any, c: list[Any]) -> ast.BinaryExpr:
        return self._binary(meta, "contains", c)

    def between(self, meta: Any, c: list[Any]) -> ast.BetweenExpr:
        return ast.BetweenExpr(span=self._span(meta), value=c[0], low=c[1], high=c[2])

    def in_list(self, meta: Any, c: list[Any]) -> ast.InExpr:
        return ast.InExpr(span=self._span(meta), value=c[0], options=c[1])

    def not_in(self, meta: Any, c: list[Any]) -> ast.InExpr:
        return ast.InExpr(span=self._span(meta), value=c[0], options=c[1], negated=True)

    def matches(self, meta: Any, c: list[Any]) -> ast.MatchesExpr:
        return ast.MatchesExpr(
            span=self._span(meta), value=c[0], regex=unquote(c[1]), regex_span=self._tok(c[1])
        )

    def is_missing(self, meta: Any, c: list[Any]) -> ast.MissingExpr:
        return ast.MissingExpr(span=self._span(meta), value=c[0])

    def is_present(self, meta: Any, c: list[Any]) -> ast.MissingExpr:
        return ast.MissingExpr(span=self._span(meta), value=c[0], negated=True)

    def history(self, meta: Any, c: list[Any]) -> ast.HistoryExpr:
        fn, pattern = c[0], c[1]
        field = tuple(c[2]) if len(c) > 2 and c[2] is not None else None
        return ast.HistoryExpr(span=self._span(meta), fn=fn, pattern=pattern, field=field)

    def history_fn(self, meta: Any, c: list[Token]) -> str:
        return str(c[0])

    def history_count(self, meta: Any, c: list[Any]) -> ast.HistoryExpr:
        return ast.HistoryExpr(span=self._span(meta), fn="count", pattern=c[0])

    def changes(self, meta: Any, c: list[Any]) -> ast.ChangesExpr:
        return ast.ChangesExpr(span=self._span(meta), path=c[0])

    def call(self, meta: Any, c: list[Any]) -> ast.CallExpr:
        fn = c[0]
        args = tuple(a for a in c[1:] if a is not None)
        return ast.CallExpr(span=self._span(meta), fn=str(fn), fn_span=self._tok(fn), args=args)

    def path(self, meta: Any, c: list[Token]) -> ast.NameExpr:
        parts: list[str] = []
        for token in c:
            if token.type == "DOTTED":
                parts.extend(str(token).split("."))
            else:
                parts.append(_name(token))
        return ast.NameExpr(span=self._span(meta), parts=tuple(parts))

    def field(self, meta: Any, c: list[Token]) -> list[str]:
        return list(self.path(meta, c).parts)

    def array(self, meta: Any, c: list[Any]) -> ast.ListExpr:
        return ast.ListExpr(span=self._span(meta), items=tuple(x for x in c if x is not None))

    def literal(self, meta: Any, c: list[Token]) -> ast.LiteralExpr:
        return self._literal_token(c[0])

    def _literal_token(self, token: Token) -> ast.LiteralExpr:
        span = self._tok(token)
        text = str(token)
        kind = token.type
        if kind == "STRING":
            return ast.LiteralExpr(span=span, value=unquote(text), type="string", text=text)
        if kind in ("NUMBER", "INT"):
            return ast.LiteralExpr(span=span, value=number_value(text), type="number", text=text)
        if kind == "PERCENT":
            return ast.LiteralExpr(
                span=span, value=number_value(text[:-1]), type="percent", text=text
            )
        if kind == "TIME":
            return ast.LiteralExpr(span=span, value=text, type="time_of_day", text=text)
        if kind == "DATE":
            return ast.LiteralExpr(span=span, value=text, type="date", text=text)
        if kind in ("TRUE", "FALSE"):
            return ast.LiteralExpr(span=span, value=kind == "TRUE", type="bool", text=text)
        return ast.LiteralExpr(span=span, value=None, type="null", text=text)


_RULE_TYPES = (
    ast.RequireRule,
    ast.ForbidRule,
    ast.ResponseRule,
    ast.ExpectationsRule,
    ast.ForbidAfterRule,
    ast.ValueRule,
    ast.RateRule,
    ast.InvariantRule,
)


def _starts_with_bracket(meta: Any, c: list[Token]) -> bool:
    """True when a one-type pattern was written in brackets: `[a.b]` starts before its token."""
    first = c[0]
    return bool(meta.column < (first.column or 0) or meta.line < (first.line or 0))
