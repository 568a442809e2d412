"""Compile stage: checked syntax trees → the engine-neutral compiled policies (`cxrules.ir`)."""

from __future__ import annotations

from typing import Any

from cxrules import ir
from cxrules.checker.context import PERCENTILE_METHODS, Checked
from cxrules.checker.rules import is_metric_requirement, metric_unit, pattern_of
from cxrules.checker.symbols import PolicyNames, meaning, reference
from cxrules.ir.text import expect_window_text
from cxrules.ir.walk import unit_of
from cxrules.language import ast
from cxrules.language.fmt import expr_text
from cxrules.language.workspace import Workspace
from cxrules.time.text import parse_clock, parse_weekdays

_UNIT_SECONDS = {"ms": 0.001, "s": 1, "min": 60, "h": 3600, "d": 86400, "w": 604800}
_LOCAL = {
    "local_time": "time_of_day",
    "local_date": "date",
    "weekday": "weekday",
    "local_hour": "hour",
}


class CompileError(Exception):
    """Raised when compiling a workspace that did not pass the checker."""


def compile_workspace(ws: Workspace, checked: Checked) -> ir.PolicySet:
    """Build the compiled policy set; the workspace must have passed `check` without errors."""
    if not checked.ok or ws.syntax_failed:
        raise CompileError("the policies have errors; run 'cxrules check' to see them")
    calendars: dict[str, ir.Calendar] = {}
    policies: list[ir.Policy] = []
    params: dict[str, Any] = {}
    for name in sorted(ws.files):
        for item in ws.files[name].items:
            if isinstance(item, ast.CalendarDef) and item.name not in calendars:
                calendars[item.name] = _calendar(item)
            elif isinstance(item, ast.ParamDef):
                value = checked.overrides.get(item.name, item.value)
                params[item.name] = value.text
            elif isinstance(item, ast.Policy):
                names = checked.policies[item.id]
                policies.append(_PolicyCompiler(item, names, checked).build())
    policies.sort(key=lambda p: p.id)
    return ir.PolicySet(
        policies=tuple(policies), calendars=calendars, revision=ws.revision(), parameters=params
    )


def _calendar(cal: ast.CalendarDef) -> ir.Calendar:
    by_day: dict[int, list[tuple[str, str]]] = {}
    for spec in cal.hours:
        for day in parse_weekdays(spec.days) or []:
            by_day.setdefault(day, []).extend(spec.ranges)
    hours = tuple(
        ir.WeekHours(weekday=day, ranges=tuple(sorted(ranges)))
        for day, ranges in sorted(by_day.items())
    )
    return ir.Calendar(
        name=cal.name,
        zone=cal.zone or "UTC",
        hours=hours,
        holiday_country=cal.holidays[0] if cal.holidays else None,
        holiday_subdivision=cal.holidays[1] if len(cal.holidays) > 1 else None,
        closed_dates=cal.closed,
        open_dates=cal.open,
    )


class _PolicyCompiler:
    def __init__(self, policy: ast.Policy, names: PolicyNames, checked: Checked) -> None:
        self.policy, self.names, self.checked = policy, names, checked
        self.states: dict[str, ir.State] = {}

    # ------------------------------------------------------------------ policy
    def build(self) -> ir.Policy:
        p = self.policy
        meta: dict[str, Any] = {}
        scope: tuple[str, ...] = ()
        scope_end = None
        lead = None
        for clause in p.clauses:
            if isinstance(clause, ast.MetaClause):
                meta[clause.key] = clause.values
            elif isinstance(clause, ast.ScopeClause):
                scope += tuple(k.text for k in clause.keys)
                if clause.until is not None:
                    scope_end = self.pattern(clause.until)
            elif isinstance(clause, ast.AtRiskClause):
                lead = self.duration(clause.lead)
        zone = meta["zone"][0] if "zone" in meta else None
        if zone is None and self.names.calendar:
            zone = self._calendar_zone(self.names.calendar)
        assert p.rule is not None
        rule = self.rule(p.rule)
        # Before the states are listed: a state may be read by a `report` value alone.
        report = self.report()
        return ir.Policy(
            id=p.id,
            title=p.title or p.id,
            severity=meta.get("severity", ("medium",))[0],
            owner=meta.get("owner", ("",))[0],
            description=meta.get("description", ("",))[0],
            tags=tuple(meta.get("tags", ())),
            reference=meta.get("source", ("",))[0],
            file=p.span.file,
            line=p.span.line,
            scope=scope,
            scope_end=scope_end,
            zone=zone,
            states=tuple(self.states[k] for k in sorted(self.states)),
            rule=rule,
            warning_lead=lead,
            report=report,
        )

    def report(self) -> tuple[ir.Reported, ...]:
        """The `report` clauses' values, in the order written."""
        found = []
        for clause in self.policy.clauses:
            if isinstance(clause, ast.ReportClause):
                for f in clause.fields:
                    value = self.expr(f.value)
                    found.append(ir.Reported(name=f.name, value=value, unit=unit_of(value)))  # type: ignore[arg-type]
        return tuple(found)

    def _calendar_zone(self, name: str) -> str | None:
        cal = self.names.shared.calendars.get(name)
        return cal.zone if cal else None

    # ------------------------------------------------------------------ rules
    def rule(self, rule: Any) -> Any:
        if isinstance(rule, ast.RequireRule):
            if is_metric_requirement(rule):
                return self.metric_check(rule)
            pattern = pattern_of(rule.subject)
            assert pattern is not None
            if rule.where is not None:
                pattern = pattern.model_copy(update={"where": rule.where})
            return ir.Existence(
                pattern=self.pattern(pattern),
                at_least=self.count(rule.at_least) if rule.at_least else (0 if rule.at_most else 1),
                at_most=self.count(rule.at_most) if rule.at_most else None,
            )
        if isinstance(rule, ast.ForbidRule):
            return ir.Absence(pattern=self.pattern(rule.pattern))
        if isinstance(rule, ast.ResponseRule):
            return ir.Response(
                trigger=self.trigger(rule.trigger),
                expect=self.pattern(rule.expect),
                window=self.window(rule.timing),
                unless=self.pattern(rule.unless) if rule.unless else None,
                each=rule.each,
                trigger_counts=rule.trigger_counts,
            )
        if isinstance(rule, ast.ExpectationsRule):
            return ir.Expectations(
                trigger=self.trigger(rule.trigger),
                expects=tuple(self.expectation(e) for e in rule.expects),
            )
        if isinstance(rule, ast.ForbidAfterRule):
            return ir.ForbidAfter(
                trigger=self.trigger(rule.trigger),
                pattern=self.pattern(rule.pattern),
                window=self.window(rule.timing),
                unless=self.pattern(rule.unless) if rule.unless else None,
            )
        if isinstance(rule, ast.ValueRule):
            return ir.ValueCheck(
                trigger=self.trigger(rule.trigger),
                condition=self.expr(rule.condition),
                text=expr_text(rule.condition),
                shown=self.shown(rule.condition),
            )
        if isinstance(rule, ast.RateRule):
            return ir.RateLimit(
                pattern=self.pattern(rule.pattern),
                at_most=self.count(rule.at_most),
                within=self.duration(rule.within),
            )
        assert isinstance(rule, ast.InvariantRule)
        during = rule.state
        if during is None:
            assert rule.start is not None and rule.end is not None
            start, end = self.pattern(rule.start), self.pattern(rule.end)
            # An inline interval is a state named after what it spans, as sentences show it.
            during = f"{start.text} until {end.text}"
            self.states[during] = ir.State(
                name=during, start=start, end=end, by=rule.by.text if rule.by else None
            )
        else:
            self.state(during)
        if rule.limit is not None:
            # `at most D`: the state itself must not last longer than D
            limit = self.duration(rule.limit)
            never = ir.Lit(value=False, type="bool")
            return ir.Invariant(during=during, condition=never, grace=limit, limit=True)
        assert rule.condition is not None
        grace = self.duration(rule.grace) if rule.grace else ir.Duration(seconds=0, text="0s")
        return ir.Invariant(during=during, condition=self.expr(rule.condition), grace=grace)

    def expectation(self, e: ast.ExpectClause) -> ir.Expectation:
        at_most = self.count(e.at_most) if e.at_most is not None else None
        if e.at_least is not None:
            at_least = self.count(e.at_least)
        else:
            at_least = 0 if at_most is not None else 1
        pattern = self.pattern(e.pattern)
        window = self.window(e.timing)
        bound = ""
        if e.at_least is not None:
            bound = f"at least {at_least} "
        elif at_most is not None:
            bound = f"at most {at_most} "
        text = f"{bound}{pattern.text} {expect_window_text(window)}"
        return ir.Expectation(
            pattern=pattern, window=window, at_least=at_least, at_most=at_most, text=text
        )

    def shown(self, condition: Any) -> tuple[ir.Shown, ...]:
        """What a violation of a value check names besides the values read: each `let` and
        each parameter the condition uses (by name, an outer let before the names it uses; a
        parameter with the value it has in this run, `--set` included, since the sentence
        writes the condition as written), then each computed operand of its comparisons (by
        its text), e.g. `battery = 60%`, `max_wait = 3min`, `time - last(x).time = 2h`."""
        found: dict[str, ir.Shown] = {}

        def lets(node: Any) -> None:
            for n in _syntax_nodes(node):
                if not isinstance(n, ast.NameExpr):
                    continue
                what = meaning(n, self.names)
                if what in ("let", "param") and n.parts[0] not in found:
                    word = n.parts[0]
                    value = self.expr(n)
                    found[word] = ir.Shown(text=word, value=value, unit=unit_of(value))  # type: ignore[arg-type]
                    if what == "let":
                        lets(self.names.lets[word].value)

        lets(condition)
        for operand in _operands(condition):
            text = expr_text(operand)
            if text not in found:
                value = self.expr(operand)
                found[text] = ir.Shown(text=text, value=value, unit=unit_of(value))  # type: ignore[arg-type]
        return tuple(found.values())

    def metric_check(self, rule: ast.RequireRule) -> ir.MetricCheck:
        subject = rule.subject
        assert isinstance(subject, ast.BinaryExpr) and isinstance(subject.left, ast.NameExpr)
        definition = self.names.metric(subject.left.parts[0])
        assert definition is not None
        metric = self.metric(definition, rule)
        require = ir.Threshold(op=subject.op, value=self.number(subject.right))  # type: ignore[arg-type]
        warn = None
        if rule.warn is not None:
            op = ">=" if rule.warn.side == "below" else "<="
            warn = ir.Threshold(op=op, value=self.number(rule.warn.value))  # type: ignore[arg-type]
        return ir.MetricCheck(metric=metric, require=require, warn=warn)

    def metric(self, m: ast.MetricDef, rule: ast.RequireRule) -> ir.Metric:
        agg = m.aggregate
        group = tuple(k.text for k in m.by)
        lets = tuple(
            ir.GroupLet(name=k.text, value=_through_current(self.name(k)))
            for k in m.by
            if meaning(k, self.names) == "let"
        )
        bucket = next((per.bucket for per in m.per if per.bucket is not None), None)
        if agg.fn in ("count", "ratio", "share"):
            assert agg.pattern is not None
            aggregate = ir.Aggregate(
                fn=agg.fn,  # type: ignore[arg-type]
                pattern=self.pattern(agg.pattern),
                of=self.pattern(agg.of) if agg.of else None,
                within=self.duration(agg.within) if agg.within else None,
                unless=self.pattern(agg.unless) if agg.unless else None,
            )
        else:
            if agg.pattern is not None:
                pattern, value = self.pattern(agg.pattern), self.expr(agg.value)
            else:
                assert isinstance(agg.value, ast.NameExpr)
                parts = agg.value.parts
                pattern = ir.Pattern(types=(".".join(parts[:-1]),), text=".".join(parts[:-1]))
                value = ir.Attr(path=parts[-1])
            q = float(agg.q.value) if agg.q is not None else None  # type: ignore[arg-type]
            method = PERCENTILE_METHODS[agg.method.text] if agg.method is not None else "linear"
            aggregate = ir.Aggregate(
                fn=agg.fn,  # type: ignore[arg-type]
                pattern=pattern,
                value=value,
                q=q,
                method=method,  # type: ignore[arg-type]
            )
        unit = metric_unit(m)
        threshold = self._threshold_node(rule)
        if unit == "any" and isinstance(threshold, ast.DurationExpr):
            unit = "duration"  # avg(wait of call.answered) <= 30s: a waiting time
        elif (
            unit == "any" and isinstance(threshold, ast.LiteralExpr) and threshold.type == "percent"
        ):
            unit = "percent"  # sum(score * 10% of survey.answered) <= 100%: a share, as written
        return ir.Metric(
            name=m.name,
            aggregate=aggregate,
            group_by=group,
            lets=lets,
            bucket=bucket,
            min_sample=self.count(rule.min_sample) if rule.min_sample else None,
            unit=unit if unit in ("percent", "duration") else "number",  # type: ignore[arg-type]
        )

    def _threshold_node(self, rule: ast.RequireRule) -> Any:
        """The threshold as written, with a parameter replaced by its value."""
        subject = rule.subject
        assert isinstance(subject, ast.BinaryExpr)
        node = subject.right
        if isinstance(node, ast.NameExpr) and node.parts[0] in self.names.shared.params:
            param = self.names.shared.params[node.parts[0]]
            node = self.checked.overrides.get(node.parts[0], param.value)
        return node

    def trigger(self, t: ast.Trigger) -> ir.Trigger:
        return ir.Trigger(
            pattern=self.pattern(t.pattern),
            nth=t.nth,
            or_later=t.or_later,
            within=self.duration(t.within) if t.within else None,
        )

    def window(self, t: ast.Timing) -> ir.Window:
        first = self.duration(t.first) if t.first else None
        second = self.duration(t.second) if t.second else None
        direction = t.direction or "after"
        paused = t.paused_while
        if paused:
            self.state(paused)
        if t.form == "within" or t.form == "at_most":
            return ir.Window(direction=direction, max=first, paused_while=paused)
        if t.form == "any":
            return ir.Window(direction=direction)
        if t.form == "at_least":
            return ir.Window(direction=direction, min=first)
        if t.form == "between":
            assert first is not None and second is not None
            low, high = sorted((first, second), key=lambda d: d.seconds)
            return ir.Window(direction=direction, min=low, max=high)
        deadline = t.deadline
        point: ir.Expr | ir.CalendarPoint
        if isinstance(deadline, ast.CalendarEnd):
            kind = (
                "end_of_business_day"
                if deadline.period == "business day"
                else ("end_of_" + deadline.period)
            )
            calendar = deadline.calendar or self.names.calendar
            if kind == "end_of_business_day" and calendar is None:
                calendar = next(iter(sorted(self.names.shared.calendars)))
            point = ir.CalendarPoint(point=kind, calendar=calendar)  # type: ignore[arg-type]
        elif isinstance(deadline, ast.LiteralExpr) and deadline.type == "time_of_day":
            point = ir.CalendarPoint(point="time_of_day", time=str(deadline.value))
        else:
            point = self.expr(deadline)
        return ir.Window(direction="after", deadline=point, paused_while=paused)

    def state(self, name: str) -> None:
        if name in self.states:
            return
        definition = self.names.state(name)
        assert definition is not None
        self.states[name] = ir.State(
            name=name,
            start=self.pattern(definition.start),
            end=self.pattern(definition.end),
            by=definition.by.text if definition.by else None,
        )

    # ------------------------------------------------------------------ values
    def pattern(self, p: ast.Pattern) -> ir.Pattern:
        types = tuple(t.name for t in p.types)
        text = types[0] if len(types) == 1 else "[" + ", ".join(types) + "]"
        return ir.Pattern(
            types=types, where=self.expr(p.where) if p.where is not None else None, text=text
        )

    def duration(self, d: Any) -> ir.Duration:
        if isinstance(d, ast.NameExpr):
            param = self.names.shared.params[d.parts[0]]
            d = self.checked.overrides.get(d.parts[0], param.value)
        assert isinstance(d, ast.DurationExpr)
        seconds = d.amount * _UNIT_SECONDS[d.unit]
        if not d.business:
            return ir.Duration(seconds=seconds, text=d.text)
        calendar = (
            d.calendar or self.names.calendar or next(iter(sorted(self.names.shared.calendars)))
        )
        return ir.Duration(
            seconds=seconds,
            calendar=calendar,
            unit="days" if d.unit == "d" else "hours",  # business minutes: opening time too
            amount=d.amount,
            text=d.text,
        )

    def count(self, c: Any) -> int:
        if isinstance(c, ast.NameExpr):
            param = self.names.shared.params[c.parts[0]]
            c = self.checked.overrides.get(c.parts[0], param.value)
        return int(c.value)

    def number(self, e: Any) -> float:
        lit = self.expr(e)
        if isinstance(lit, ir.Lit) and isinstance(lit.value, int | float):
            return float(lit.value)
        raise AssertionError("thresholds are checked to be numbers")

    def expr(self, e: Any) -> Any:  # noqa: C901 - one branch per syntax node kind
        if isinstance(e, ast.LiteralExpr):
            return _literal(e)
        if isinstance(e, ast.DurationExpr):
            return ir.Lit(value=e.amount * _UNIT_SECONDS[e.unit], type="duration")
        if isinstance(e, ast.NameExpr):
            return self.name(e)
        if isinstance(e, ast.ListExpr):
            raise AssertionError("lists only appear after 'in'")
        if isinstance(e, ast.HistoryExpr):
            p = e.pattern
            single = len(p.types) == 1 and p.where is None and not p.types[0].quoted
            if e.fn == "count" and single and self.names.state(p.types[0].name) is not None:
                self.state(p.types[0].name)
                return ir.StateRef(name=p.types[0].name, fn="count")
            field = ".".join(e.field) if e.field else None
            if field == "time":
                # `last(x).time`: the event's time, not an attribute named time
                return ir.History(fn=e.fn, pattern=self.pattern(p), dot_time=True)
            return ir.History(fn=e.fn, pattern=self.pattern(p), field=field)
        if isinstance(e, ast.ChangesExpr):
            return ir.Changes(path=e.path.text)
        if isinstance(e, ast.CallExpr):
            return ir.Call(fn=e.fn, args=tuple(self.expr(a) for a in e.args))  # type: ignore[arg-type]
        if isinstance(e, ast.UnaryExpr):
            return ir.Unary(op=e.op, operand=self.expr(e.operand))
        if isinstance(e, ast.BinaryExpr):
            return ir.Binary(op=e.op, left=self.expr(e.left), right=self.expr(e.right))
        if isinstance(e, ast.MatchesExpr):
            return ir.Binary(
                op="matches", left=self.expr(e.value), right=ir.Lit(value=e.regex, type="string")
            )
        if isinstance(e, ast.BetweenExpr):
            return ir.Between(
                value=self.expr(e.value), low=self.expr(e.low), high=self.expr(e.high)
            )
        if isinstance(e, ast.InExpr):
            options = tuple(self.expr(x) for x in e.options.items)
            return ir.In(value=self.expr(e.value), options=options, negated=e.negated)
        assert isinstance(e, ast.MissingExpr)
        return ir.Missing(value=self.expr(e.value), negated=e.negated)

    def name(self, e: ast.NameExpr) -> Any:
        ref, parts = reference(e)
        if ref != "event":
            if parts == ("time",):
                return ir.Time(of=ref)
            return ir.Attr(path=".".join(parts), of=ref)
        kind = meaning(e, self.names)
        word = e.parts[0]
        if kind == "let":
            return self.expr(self.names.lets[word].value)
        if kind == "param":
            value = self.checked.overrides.get(word, self.names.shared.params[word].value)
            return self.expr(value)
        if kind == "state":
            self.state(word)
            return ir.StateRef(name=word, fn="active")
        if kind == "reserved":
            if word == "time":
                return ir.Time()
            return ir.Local(part=_LOCAL[word])  # type: ignore[arg-type]
        return ir.Attr(path=e.text)


_COMPUTED = (ast.BinaryExpr, ast.UnaryExpr, ast.CallExpr)


def _through_current(e: Any) -> Any:
    """A metric group's value with its history queries reading the scope's past up to and
    including the evaluated event (`include_current`); patterns are kept as they are."""
    if isinstance(e, ir.History):
        return e.model_copy(update={"include_current": True})
    if isinstance(e, ir.Pattern) or not isinstance(e, ir.IR):
        return e
    update = {}
    for field in type(e).model_fields:
        value = getattr(e, field)
        if isinstance(value, tuple):
            update[field] = tuple(_through_current(v) for v in value)
        elif isinstance(value, ir.IR):
            update[field] = _through_current(value)
    return e.model_copy(update=update)


def _operands(e: Any) -> list[Any]:
    """The computed operands of a condition's comparisons (through `and`, `or`, `not`): the
    values a violation should show besides attributes, lets and history queries."""
    if isinstance(e, ast.BinaryExpr) and e.op in ("and", "or"):
        return _operands(e.left) + _operands(e.right)
    if isinstance(e, ast.UnaryExpr) and e.op == "not":
        return _operands(e.operand)
    if isinstance(e, ast.BinaryExpr) and e.op not in ("+", "-", "*", "/"):
        sides = [e.left, e.right]
    elif isinstance(e, ast.BetweenExpr):
        sides = [e.value, e.low, e.high]
    elif isinstance(e, ast.InExpr | ast.MissingExpr | ast.MatchesExpr):
        sides = [e.value]
    else:
        return []
    return [s for s in sides if isinstance(s, _COMPUTED) and not _is_negative_literal(s)]


def _is_negative_literal(e: Any) -> bool:
    constant = (ast.LiteralExpr, ast.DurationExpr)
    return isinstance(e, ast.UnaryExpr) and isinstance(e.operand, constant)


def _syntax_nodes(node: Any) -> Any:
    """Every syntax node inside `node`, itself first, in source order."""
    if isinstance(node, ast.Node):
        yield node
        for _, value in node:
            yield from _syntax_nodes(value)
    elif isinstance(node, tuple | list):
        for value in node:
            yield from _syntax_nodes(value)


def _literal(e: ast.LiteralExpr) -> ir.Lit:
    if e.type == "percent":
        return ir.Lit(value=float(e.value) / 100, type="percent")  # type: ignore[arg-type]
    if e.type == "time_of_day":
        return ir.Lit(value=float(parse_clock(str(e.value)) or 0), type="time_of_day")
    return ir.Lit(value=e.value, type=e.type)
