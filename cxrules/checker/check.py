"""Checking stage: resolve every name and validate every policy; collect all problems in one run."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cxrules.checker.symbols import RESERVED, SEVERITIES, PolicyNames, Symbols, meaning, reference
from cxrules.diagnostics import Diagnostic, did_you_mean, error, warning
from cxrules.language import ast
from cxrules.language.workspace import Workspace
from cxrules.source import Span

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FUNCTIONS: dict[str, tuple[int, int]] = {  # name → (min args, max args)
    "clamp": (3, 3),
    "min": (2, 99),
    "max": (2, 99),
    "abs": (1, 1),
    "round": (1, 2),
    "lower": (1, 1),
    "upper": (1, 1),
    "length": (1, 1),
}
AGGREGATES = ("avg", "sum", "min", "max", "percentile", "nps", "csat", "ces")
# Kinds of value, for unit checks. "any" is an event attribute: its type is only known at run time.
NUMERIC = {"number", "percent", "duration", "any"}


@dataclass
class Checked:
    """The outcome of checking: problems, and the names each file and policy can see."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    symbols: dict[str, Symbols] = field(default_factory=dict)  # file → visible definitions
    policies: dict[str, PolicyNames] = field(default_factory=dict)  # policy id → its names
    overrides: dict[str, ast.LiteralExpr | ast.DurationExpr] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(d.level == "error" for d in self.diagnostics)


def check(ws: Workspace, overrides: dict[str, str] | None = None) -> Checked:
    """Check every parsed file of the workspace; `overrides` are `--set name=value` pairs."""
    return _Checker(ws).run(overrides or {})


class _Checker:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.out = Checked()
        self.used: set[tuple[str, str]] = set()  # (kind, name) of shared definitions used

    # ------------------------------------------------------------------ reporting
    def line(self, span: Span | None) -> str:
        if span is None or span.file not in self.ws.sources:
            return ""
        return self.ws.sources[span.file].line_text(span.line)

    def word_span(self, span: Span, word: str) -> Span:
        """The span of the first whole `word` written at or after the start of `span`, on its
        first line (nodes that keep no span of their own names: `while S`, dates, ordinals);
        `span` itself when the word is not found there."""
        text = self.line(span)
        match = re.compile(rf"(?<![\w.-]){re.escape(word)}(?![\w-])").search(text, span.column - 1)
        if match is None:
            return span
        return span.model_copy(
            update={
                "column": match.start() + 1,
                "end_line": span.line,
                "end_column": match.end() + 1,
            }
        )

    def err(self, code: str, message: str, span: Span | None, hint: str = "") -> None:
        self.out.diagnostics.append(error(code, message, span, hint, self.line(span)))

    def warn(self, code: str, message: str, span: Span | None, hint: str = "") -> None:
        self.out.diagnostics.append(warning(code, message, span, hint, self.line(span)))

    # ------------------------------------------------------------------ run
    def run(self, overrides: dict[str, str]) -> Checked:
        own = {name: self._own_symbols(tree) for name, tree in self.ws.files.items()}
        for name in self.ws.files:
            self.out.symbols[name] = self._visible(name, own)
        for name, tree in self.ws.files.items():
            for item in tree.items:
                if isinstance(item, ast.CalendarDef):
                    self._calendar(item)
                elif isinstance(item, ast.StateDef):
                    self._state(item, PolicyNames(shared=self.out.symbols[name]))
                elif isinstance(item, ast.MetricDef):
                    self._metric(item, PolicyNames(shared=self.out.symbols[name]))
        self._overrides(overrides)
        seen: dict[str, ast.Policy] = {}
        for name, tree in self.ws.files.items():
            for item in tree.items:
                if isinstance(item, ast.Policy):
                    if item.id in seen:
                        first = seen[item.id].id_span
                        self.err(
                            "E201",
                            f"policy id '{item.id}' is already used at {first}",
                            item.id_span,
                            "give every policy its own id",
                        )
                        continue
                    seen[item.id] = item
                    self._policy(item, self.out.symbols[name])
        self._unused(own)
        # A `let` is checked where it is defined and again where it is expanded: report once.
        self.out.diagnostics = list(dict.fromkeys(self.out.diagnostics))
        return self.out

    def _own_symbols(self, tree: ast.PolicyFile) -> Symbols:
        symbols = Symbols()
        for item in tree.items:
            table: dict[str, Any] | None = None
            if isinstance(item, ast.ParamDef):
                table = symbols.params
            elif isinstance(item, ast.CalendarDef):
                table = symbols.calendars
            elif isinstance(item, ast.StateDef):
                table = symbols.states
            elif isinstance(item, ast.MetricDef):
                table = symbols.metrics
            if table is None:
                continue
            name = item.name  # type: ignore[union-attr]
            if name in table:
                self.err(
                    "E215",
                    f"'{name}' is defined twice in this file (first at {table[name].name_span})",
                    item.name_span,  # type: ignore[union-attr]
                    "rename or remove one of them",
                )
                continue
            table[name] = item
        return symbols

    def _visible(self, name: str, own: dict[str, Symbols]) -> Symbols:
        merged = Symbols()
        for file in self.ws.visible(name):
            for attr in ("params", "calendars", "states", "metrics"):
                target: dict[str, Any] = getattr(merged, attr)
                for key, item in getattr(own[file], attr).items():
                    if key in target and target[key] is not item and file != name:
                        other = target[key]
                        if other.span.file != item.span.file and other.span.file == name:
                            self.err(
                                "E215",
                                f"'{key}' is also defined in {item.span.file}",
                                other.name_span,
                                "rename one of them",
                            )
                        continue
                    target.setdefault(key, item)
        return merged

    # ------------------------------------------------------------------ shared definitions
    def _calendar(self, cal: ast.CalendarDef) -> None:
        if cal.zone is None:
            self.err(
                "E216",
                f"calendar '{cal.name}' has no time zone",
                cal.name_span,
                'add a line such as: zone "Europe/Istanbul"',
            )
        else:
            self._zone(cal.zone, cal.zone_span or cal.span)
        if not cal.hours:
            self.err(
                "E213",
                f"calendar '{cal.name}' has no opening hours",
                cal.name_span,
                "add a line such as: hours mon-fri 09:00-18:00",
            )
        for day in cal.hours:
            if _weekdays(day.days) is None:
                self.err(
                    "E213",
                    f"'{day.days}' is not a weekday or a range of weekdays",
                    self.word_span(day.span, day.days),
                    _weekday_hint(day.days),
                )
            for opening, closing in day.ranges:
                a, b = _clock(opening), _clock(closing)
                if a is None or b is None:
                    self.err(
                        "E213",
                        f"'{opening}-{closing}' is not a valid time range",
                        day.span,
                        "hours run from 00:00 to 24:00",
                    )
                elif a >= b:
                    self.err(
                        "E213",
                        f"opening time {opening} is not before closing time {closing}",
                        day.span,
                        "write the opening time first, e.g. 09:00-18:00",
                    )
        if cal.holidays:
            self._holidays(cal)
        for text in (*cal.closed, *cal.open):
            if _date(text) is None:
                self.err(
                    "E218",
                    f"'{text}' is not a date",
                    self._calendar_word(cal, text),
                    "there is no such day in the calendar (dates are YYYY-MM-DD)",
                )

    def _calendar_word(self, cal: ast.CalendarDef, word: str) -> Span:
        """Where `word` is written inside a calendar (its clauses keep no spans of their own)."""
        for line in range(cal.span.line, cal.span.end_line + 1):
            start = Span(file=cal.span.file, line=line, column=1, end_line=line, end_column=2)
            found = self.word_span(start, word)
            if found is not start:
                return found
        return cal.span

    def _holidays(self, cal: ast.CalendarDef) -> None:
        import holidays

        country = cal.holidays[0]
        supported = holidays.list_supported_countries()
        if country not in supported:
            hint = did_you_mean(country.upper(), supported) or (
                'use a two-letter country code such as "TR" or "RO"'
            )
            self.err(
                "E220",
                f"no public holidays are known for '{country}'",
                self._calendar_word(cal, f'"{country}"'),
                hint,
            )
        elif len(cal.holidays) > 1 and cal.holidays[1] not in supported[country]:
            self.err(
                "E220",
                f"'{cal.holidays[1]}' is not a subdivision of {country}",
                cal.holidays_span,
                "leave it out, or use one of: " + ", ".join(supported[country][:12]),
            )

    def _zone(self, zone: str, span: Span) -> None:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            from zoneinfo import available_timezones

            self.err(
                "E216",
                f"unknown time zone '{zone}'",
                span,
                did_you_mean(zone, available_timezones())
                or 'use an IANA name such as "Europe/Bucharest"',
            )

    def _state(self, state: ast.StateDef, names: PolicyNames) -> None:
        self._pattern(state.start, names)
        self._pattern(state.end, names)

    def _metric(self, metric: ast.MetricDef, names: PolicyNames) -> None:
        for per in metric.per:
            if per.until is not None:
                self.err(
                    "E214",
                    "'until' ends a policy's scope, not a metric's group",
                    per.until.span,
                    "write the policy's scope before the metric: per visit until customer.left",
                )
        agg = metric.aggregate
        if agg.fn in ("count", "ratio", "share"):
            for pattern in (agg.pattern, agg.of, agg.unless):
                if pattern is not None:
                    self._pattern(pattern, names)
            if agg.within is not None:
                self._duration(agg.within, names)
        elif agg.fn not in AGGREGATES:
            self.err(
                "E221",
                f"'{agg.fn}' is not a metric formula",
                agg.fn_span,
                did_you_mean(agg.fn, (*AGGREGATES, "count", "ratio", "share"))
                or "use count, ratio, share, avg, sum, min, max, percentile, nps, csat or ces",
            )
        else:
            if agg.pattern is None and not (
                isinstance(agg.value, ast.NameExpr) and len(agg.value.parts) >= 2
            ):
                self.err(
                    "E221",
                    f"{agg.fn}() needs the event and its value",
                    agg.span,
                    f"write {agg.fn}(survey.answered.score) or {agg.fn}(score of survey.answered)",
                )
            if agg.pattern is not None:
                self._pattern(agg.pattern, names)
                if agg.value is not None:
                    self._expr(agg.value, names, "pattern")
            if agg.fn == "percentile":
                q = agg.q.value if agg.q is not None else None
                if not isinstance(q, int | float) or not 0 < q <= 100:
                    self.err(
                        "E209",
                        "percentile() needs which percentile, from 1 to 100",
                        agg.span,
                        "e.g. percentile(wait of call.answered, 90)",
                    )
            elif agg.q is not None:
                self.err("E221", f"{agg.fn}() takes no second argument", agg.q.span)
        buckets = [p for p in metric.per if p.bucket is not None]
        if len(buckets) > 1:
            self.err(
                "E215",
                f"metric '{metric.name}' has more than one calendar bucket",
                buckets[1].span,
                "keep one of per hour/day/week/month/quarter/year",
            )

    def _overrides(self, overrides: dict[str, str]) -> None:
        from cxrules.checker.params import ParamError, parse_override

        params: dict[str, ast.ParamDef] = {}
        for symbols in self.out.symbols.values():
            params.update(symbols.params)
        for name, text in overrides.items():
            if name not in params:
                self.err(
                    "E222",
                    f"--set {name}: there is no parameter '{name}'",
                    None,
                    did_you_mean(name, params)
                    or (
                        "parameters: " + ", ".join(sorted(params))
                        if params
                        else "the policies define no parameters"
                    ),
                )
                continue
            try:
                self.out.overrides[name] = parse_override(params[name], text)
            except ParamError as exc:
                self.err("E222", f"--set {name}={text}: {exc}", None, exc.hint)

    # ------------------------------------------------------------------ policies
    def _policy(self, policy: ast.Policy, shared: Symbols) -> None:
        names = PolicyNames(shared=shared)
        self.out.policies[policy.id] = names
        if not policy.title:
            self.err(
                "E108",
                f"policy '{policy.id}' has no title",
                policy.id_span,
                f'add the rule in words after the id: policy {policy.id} "…"',
            )
        metas: dict[str, ast.MetaClause] = {}
        for clause in policy.clauses:
            if isinstance(clause, ast.MetaClause):
                if clause.key in metas:
                    first = metas[clause.key].span
                    self.err(
                        "E215",
                        f"'{clause.key}' is given twice in policy '{policy.id}' (first at {first})",
                        clause.span.model_copy(
                            update={
                                "end_line": clause.span.line,
                                "end_column": clause.span.column + len(clause.key),
                            }
                        ),
                        "keep one of them",
                    )
                    continue
                metas[clause.key] = clause
        if "owner" not in metas or "description" not in metas:
            missing = " and ".join(k for k in ("owner", "description") if k not in metas)
            hint = (
                'say who answers for it: owner "Store operations"'
                if "owner" not in metas
                else 'say what the rule protects: description "…"'
            )
            self.warn("W201", f"policy '{policy.id}' has no {missing}", policy.id_span, hint)
        for clause in policy.clauses:
            self._clause(clause, names, policy)
        for clause in policy.clauses:
            if isinstance(clause, ast.StateDef):
                self._state(clause, names)
            elif isinstance(clause, ast.MetricDef):
                self._metric(clause, names)
            elif isinstance(clause, ast.LetDef):
                self._expr(clause.value, names, "condition")
            elif isinstance(clause, ast.AtRiskClause):
                self._duration(clause.lead, names)
        if policy.rule is None:
            self.err(
                "E217",
                f"policy '{policy.id}' has no rule",
                policy.id_span,
                _rule_hint(policy),
            )
            return
        from cxrules.checker.rules import check_rule

        check_rule(self, policy, policy.rule, names)
        self._unused_locals(policy, names)

    def _clause(self, clause: Any, names: PolicyNames, policy: ast.Policy) -> None:
        if isinstance(clause, ast.MetaClause):
            value = clause.values[0]
            if clause.key == "severity" and value not in SEVERITIES:
                self.err(
                    "E212",
                    f"unknown severity '{value}'",
                    clause.value_span,
                    did_you_mean(value, SEVERITIES) or "use " + ", ".join(SEVERITIES),
                )
            elif clause.key == "zone":
                self._zone(value, clause.value_span)
            elif clause.key == "calendar":
                if value not in names.shared.calendars:
                    self._undefined_calendar(value, clause.value_span, names)
                else:
                    names.calendar = value
                    self.used.add(("calendar", value))
        elif isinstance(clause, ast.ScopeClause) and clause.bucket is not None:
            self.err(
                "E214",
                f"'per {clause.bucket}' groups a metric, not a policy",
                clause.span,
                "put it right after the metric it groups",
            )
        elif isinstance(clause, ast.ScopeClause) and clause.until is not None:
            ends = [c for c in policy.clauses if isinstance(c, ast.ScopeClause) and c.until]
            if ends[0] is not clause:
                self.err(
                    "E215",
                    "the scope's end is given twice",
                    clause.until.span,
                    "keep one 'until' for the policy's scope",
                )
            self._pattern(clause.until, names)
        elif isinstance(clause, ast.LetDef | ast.StateDef | ast.MetricDef):
            table: dict[str, Any] = (
                names.lets
                if isinstance(clause, ast.LetDef)
                else names.states
                if isinstance(clause, ast.StateDef)
                else names.metrics
            )
            if clause.name in table:
                self.err(
                    "E215",
                    f"'{clause.name}' is defined twice in policy '{policy.id}'",
                    clause.name_span,
                    "rename or remove one of them",
                )
            table[clause.name] = clause

    def _undefined_calendar(self, name: str, span: Span, names: PolicyNames) -> None:
        known = sorted(names.shared.calendars)
        self.err(
            "E205",
            f"no calendar named '{name}'",
            span,
            did_you_mean(name, known)
            or (
                "calendars: " + ", ".join(known)
                if known
                else "define it first: calendar " + name + ' zone "…" hours mon-fri 09:00-18:00'
            ),
        )

    # ------------------------------------------------------------------ patterns, durations
    def _pattern(self, pattern: ast.Pattern, names: PolicyNames, context: str = "pattern") -> None:
        for type_name in pattern.types:
            if not type_name.name.strip():
                self.err("E100", "an event type cannot be empty", type_name.span)
        if pattern.where is not None:
            kind = self._expr(pattern.where, names, context)
            if kind not in ("bool", "any"):
                self.err(
                    "E208",
                    "a 'where' condition must be true or false",
                    pattern.where.span,
                    'compare a value, e.g. where channel == "sms"',
                )

    def _duration(self, d: Any, names: PolicyNames) -> None:
        if isinstance(d, ast.NameExpr):
            word = d.parts[0]
            param = names.shared.params.get(word) if len(d.parts) == 1 else None
            if param is None:
                self.err(
                    "E204",
                    f"'{d.text}' is not a duration or a parameter",
                    d.span,
                    did_you_mean(word, names.shared.params)
                    or f"write a duration such as '30min', or define: param {word} = 30min",
                )
                return
            self.used.add(("param", word))
            if not isinstance(param.value, ast.DurationExpr):
                self.err(
                    "E208",
                    f"parameter '{word}' is {param.value.text}, not a duration",
                    d.span,
                    "a duration needs a unit, such as '30s' or '2h'",
                )
            return
        if d.amount < 0:
            self.err("E223", "a duration cannot be negative", d.span)
        if d.business:
            if d.unit not in ("h", "d"):
                self.err("E208", "business time is counted in hours or days", d.span)
            calendar = d.calendar or names.calendar
            if calendar is None:
                calendars = sorted(names.shared.calendars)
                if len(calendars) == 1:
                    calendar = calendars[0]
                else:
                    self.err(
                        "E205",
                        "business time needs a calendar",
                        d.span,
                        (
                            f"write '{d.text} on <calendar>' or add 'calendar <name>' to the "
                            f"policy (calendars: {', '.join(calendars)})"
                        )
                        if calendars
                        else 'no calendar is defined: add one (calendar <name> zone "…" hours '
                        "mon-fri 09:00-18:00) and name it in the policy with 'calendar <name>'",
                    )
                    return
            if calendar not in names.shared.calendars:
                self._undefined_calendar(calendar, d.span, names)
            else:
                self.used.add(("calendar", calendar))

    # ------------------------------------------------------------------ expressions
    def _expr(self, e: Any, names: PolicyNames, context: str) -> str:
        from cxrules.checker.exprs import expr_type

        return expr_type(self, e, names, context)

    def _count(self, c: Any, names: PolicyNames, what: str, minimum: int = 0) -> int | None:
        if isinstance(c, ast.NameExpr):
            param = names.shared.params.get(c.parts[0])
            if param is None:
                self.err(
                    "E204",
                    f"'{c.text}' is not a number or a parameter",
                    c.span,
                    did_you_mean(c.parts[0], names.shared.params) or "write a whole number",
                )
                return None
            self.used.add(("param", c.parts[0]))
            value = self.out.overrides.get(c.parts[0], param.value)
            if not isinstance(value, ast.LiteralExpr) or not isinstance(value.value, int):
                self.err("E208", f"parameter '{c.parts[0]}' is not a whole number", c.span)
                return None
            number = value.value
        else:
            number = c.value
            if not isinstance(number, int):
                self.err("E210", f"{what} must be a whole number", c.span)
                return None
        if number < minimum:
            self.err("E210", f"{what} must be at least {minimum}, not {number}", c.span)
            return None
        return int(number)

    # ------------------------------------------------------------------ unused
    def _unused_locals(self, policy: ast.Policy, names: PolicyNames) -> None:
        from cxrules.checker.exprs import names_in

        mentioned = names_in(policy)
        for table, what in ((names.lets, "let"), (names.states, "state")):
            for key, item in table.items():
                if key not in mentioned:
                    self.warn(
                        "W202",
                        f"{what} '{key}' is never used",
                        item.name_span,
                        "remove it, or use it in the policy's rule",
                    )

    def _unused(self, own: dict[str, Symbols]) -> None:
        for symbols in own.values():
            for key, item in symbols.params.items():
                if ("param", key) not in self.used:
                    self.warn(
                        "W202",
                        f"parameter '{key}' is never used",
                        item.name_span,
                        "remove it, or use it in a policy",
                    )


def _rule_hint(policy: ast.Policy) -> str:
    """What to add to a policy without a rule: its metric's requirement when it defines one."""
    metrics = [c.name for c in policy.clauses if isinstance(c, ast.MetricDef)]
    if metrics:
        return f"add the requirement on the metric, e.g. require {metrics[0]} >= …"
    return "add what must hold, e.g. 'when … expect … within …' or 'forbid …'"


def _weekday_hint(spec: str) -> str:
    """Suggest the spec with each misspelt weekday corrected ('mon-fir' → 'mon-fri').

    >>> _weekday_hint("mon-fir"), _weekday_hint("xyz")
    ("did you mean 'mon-fri'?", "write a weekday such as 'mon' or a range such as 'mon-fri'")
    """
    fixed = []
    for part in spec.lower().split("-"):
        close = part if part in WEEKDAYS else difflib.get_close_matches(part, WEEKDAYS, 1, 0.6)
        if not close:
            return "write a weekday such as 'mon' or a range such as 'mon-fri'"
        fixed.append(close if isinstance(close, str) else close[0])
    return f"did you mean '{'-'.join(fixed)}'?"


def _weekdays(spec: str) -> list[int] | None:
    """Weekday numbers (0 = Monday) of 'mon', 'mon-fri' or 'sat-sun'; None when not valid.

    >>> _weekdays("mon-fri"), _weekdays("sat"), _weekdays("fri-mon"), _weekdays("mo")
    ([0, 1, 2, 3, 4], [5], [4, 5, 6, 0], None)
    """
    parts = spec.lower().split("-")
    if len(parts) > 2 or any(p not in WEEKDAYS for p in parts):
        return None
    first = WEEKDAYS.index(parts[0])
    last = WEEKDAYS.index(parts[-1])
    days = [first]
    while days[-1] != last:
        days.append((days[-1] + 1) % 7)
    return days


def _clock(text: str) -> int | None:
    """Seconds since midnight of 'HH:MM[:SS]' (24:00 allowed as a closing time), else None."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", text)
    if not match:
        return None
    h, m, s = int(match[1]), int(match[2]), int(match[3] or 0)
    if m > 59 or s > 59 or h > 24 or (h == 24 and (m or s)):
        return None
    return h * 3600 + m * 60 + s


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


RESERVED_NAMES = RESERVED
__all__ = ["Checked", "check", "reference", "meaning"]
