"""Compiled stage, explanation: each compiled policy said in plain English, as `cxrules explain`
prints it and the HTML report shows it beside the policy.

The text is made from the compiled form only (`cxrules.ir`), so it says what the engines will
check: parameters are replaced by their values (`--set` included) and `let` names by their
formulas. Two renderings of one sentence: plain text, and Markdown with every name from the
policy as a code span and every other character escaped.

>>> policy = ir.Policy(id="x", title="t", scope=("order",), rule=ir.Response(
...     trigger=ir.Trigger(pattern=ir.Pattern(types=("order.placed",))),
...     expect=ir.Pattern(types=("order.delivered",)),
...     window=ir.Window(direction="after", max=ir.Duration(seconds=172800, text="2d")),
...     unless=ir.Pattern(types=("order.cancelled",))))
>>> print(explain_policy(policy, {}))  # doctest: +NORMALIZE_WHITESPACE
For each order: when an order is placed, it must be delivered within 2d, unless it is cancelled
first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from cxrules import ir
from cxrules.ir.phrases import (
    Code,
    Pattern,
    Phrase,
    capitalize,
    cat,
    code_span,
    compact_duration,
    duration,
    humanize,
    join,
    markdown,
    must,
    ordinal,
    ordinal_times,
    plain,
    words,
)
from cxrules.ir.ranks import METHOD_NAMES
from cxrules.ir.text import describe, number, percent, percentile_name

__all__ = [
    "calendar_words",
    "explain_phrase",
    "explain_policy",
    "explain_policy_markdown",
    "render_explanations",
]

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_OP = {
    ">=": "at least",
    "<=": "at most",
    ">": "more than",
    "<": "less than",
    "==": "exactly",
    "!=": "anything but",
}
_FORMULA_NOTE = {
    "nps": "100 × (promoters 9–10 − detractors 0–6) / answers",
    "csat": "the share of 4–5 answers on a 1–5 scale",
    "ces": "the mean of a 1–7 scale",
}
_AGGREGATE = {"avg": "average", "sum": "total", "min": "lowest", "max": "highest"}


def explain_policy(policy: ir.Policy, calendars: Mapping[str, ir.Calendar]) -> str:
    """What `policy` requires, in plain English (one paragraph). `calendars` are the run's
    calendars (`PolicySet.calendars`): business hours are explained from them."""
    return plain(explain_phrase(policy, calendars))


def explain_policy_markdown(policy: ir.Policy, calendars: Mapping[str, ir.Calendar]) -> str:
    """The same explanation as Markdown: names from the policy as code spans, the rest escaped."""
    return markdown(explain_phrase(policy, calendars))


def explain_phrase(policy: ir.Policy, calendars: Mapping[str, ir.Calendar]) -> Phrase:
    """The explanation as pieces (words and quoted names), for other renderings."""
    return _Explainer(policy, calendars).run()


def calendar_words(cal: ir.Calendar) -> str:
    """A calendar's hours, zone and holidays in a few words.

    >>> calendar_words(ir.Calendar(name="c", zone="Europe/Istanbul", holiday_country="TR",
    ...     hours=tuple(ir.WeekHours(weekday=d, ranges=(("09:00", "18:00"),)) for d in range(5))
    ...     + (ir.WeekHours(weekday=5, ranges=(("10:00", "14:00"),)),)))
    'Mon–Fri 09:00–18:00, Sat 10:00–14:00, Europe/Istanbul, public holidays in Turkey'
    """
    by_day = {h.weekday: h.ranges for h in cal.hours if h.ranges}
    groups: list[tuple[int, int, tuple[tuple[str, str], ...]]] = []
    for day in sorted(by_day):
        ranges = by_day[day]
        if groups and groups[-1][1] == day - 1 and groups[-1][2] == ranges:
            groups[-1] = (groups[-1][0], day, ranges)
        else:
            groups.append((day, day, ranges))
    parts = []
    for first, last, ranges in groups:
        days = _WEEKDAYS[first] if first == last else f"{_WEEKDAYS[first]}–{_WEEKDAYS[last]}"
        hours = " and ".join(f"{a}–{b}" for a, b in ranges)
        parts.append(f"{days} {hours}")
    parts = parts or ["never open"]
    parts.append(cal.zone)
    if cal.holiday_country:
        where = country_name(cal.holiday_country)
        if cal.holiday_subdivision:
            where += f" ({cal.holiday_subdivision})"
        parts.append(f"public holidays in {where}")
    if cal.closed_dates:
        parts.append("closed " + ", ".join(cal.closed_dates))
    if cal.open_dates:
        parts.append("open " + ", ".join(cal.open_dates))
    return ", ".join(parts)


def country_name(code: str) -> str:
    """A holiday country's name from its code, as the `holidays` package knows it.

    >>> country_name("TR"), country_name("US"), country_name("ZZ")
    ('Turkey', 'the United States', 'ZZ')
    """
    try:
        from holidays.registry import COUNTRIES
    except ImportError:  # pragma: no cover - the package layout changed
        return code
    for module, names in COUNTRIES.items():
        if code.upper() in names[1:]:
            name = (
                module.replace("_", " ").title().replace(" And ", " and ").replace(" Of ", " of ")
            )
            plural = name.endswith(("States", "Kingdom", "Netherlands", "Emirates", "Islands"))
            return f"the {name}" if plural else name
    return code


class _Explainer:
    """One policy's explanation; describes each calendar once, at its first mention."""

    def __init__(self, policy: ir.Policy, calendars: Mapping[str, ir.Calendar]) -> None:
        self.policy, self.calendars = policy, calendars
        self.described: set[str] = set()
        scope = policy.scope
        # 'it' stands for the scope's own entity: per order, "it must be delivered".
        self.it_noun = scope[0] if len(scope) == 1 else None

    def pattern(self, p: ir.Pattern, it: bool = True) -> Pattern:
        return Pattern(p, self.it_noun if it else None)

    # ------------------------------------------------------------------ policy

    def run(self) -> Phrase:
        rule = self.policy.rule
        if isinstance(rule, ir.MetricCheck):
            main = self.metric(rule)
        else:
            main = cat(self.scope(), self.rule(rule))
        sentences = [cat(capitalize(main), ".")]
        if self.policy.warning_lead is not None:
            sentences.append(
                [
                    "An open obligation is reported at risk in the last "
                    f"{duration(self.policy.warning_lead)} before its deadline."
                ]
            )
        zone = self.zone_note()
        if zone:
            sentences.append(zone)
        sentences.extend(self.states())
        if self.policy.report:
            shown: list[Phrase] = [
                cat(Code(r.name), f" ({describe(r.value)})") for r in self.policy.report
            ]
            sentences.append(cat("Each violation shows, as at its trigger: ", join(shown), "."))
        return join(sentences, last=" ", sep=" ")

    def scope(self) -> Phrase:
        keys: list[Phrase] = [[Code(k)] for k in self.policy.scope]
        if not keys:
            return []
        head = cat("For each ", join(keys))
        if self.policy.scope_end is not None:
            end = Pattern(self.policy.scope_end)
            head = cat(head, ", ending when ", end.clause())
        return cat(head, ": ")

    def zone_note(self) -> Phrase:
        """Which zone times of day, days and months are read in, when the rule reads any."""
        if isinstance(self.policy.rule, ir.MetricCheck) or not self._reads_local_time():
            return []
        zone = self.policy.zone
        where = cat("in ", Code(zone)) if zone else ["in the log's time zone"]
        return cat("Times of day and dates are read ", where, ".")

    def _reads_local_time(self) -> bool:
        rule = self.policy.rule
        window = getattr(rule, "window", None)
        if window is not None and isinstance(window.deadline, ir.CalendarPoint):
            return window.deadline.point != "end_of_business_day"
        return any(isinstance(n, ir.Local) for n in nodes(rule))

    def states(self) -> list[Phrase]:
        out = []
        for state in self.policy.states:
            if " " in state.name:  # an inline `while A until B`, said where it is used
                continue
            span = self.state_span(state)
            out.append(cat(f'"{humanize(state.name)}" holds ', span, "."))
        return out

    def state_span(self, state: ir.State) -> Phrase:
        start, end = Pattern(state.start), Pattern(state.end)
        span = cat("from when ", start.clause(), " until ", end.clause())
        if state.by:
            span = cat(span, ", one for each ", Code(state.by))
        return span

    # ------------------------------------------------------------------ rules

    def rule(self, rule: Any) -> Phrase:
        if isinstance(rule, ir.Response):
            return self.response(rule)
        if isinstance(rule, ir.Expectations):
            return self.expectations(rule)
        if isinstance(rule, ir.ForbidAfter):
            p = self.pattern(rule.pattern)
            return cat(
                self.when(rule.trigger),
                ", ",
                p.clause("never", where=False),
                " ",
                self.window(rule.window, "after"),
                p.where(", where "),
                self.paused(rule.window),
                self.unless(rule.unless),
            )
        if isinstance(rule, ir.Existence):
            return cat(self.pattern(rule.pattern).clause("must"), " ", _times(rule))
        if isinstance(rule, ir.Absence):
            return cat("it is a breach whenever ", self.pattern(rule.pattern).clause())
        if isinstance(rule, ir.RateLimit):
            p = self.pattern(rule.pattern)
            return cat(
                p.clause("may", where=False),
                f" at most {ordinal_times(rule.at_most)} within any {duration(rule.within)}",
                p.where(", counting those where "),
                "; each time beyond that is a breach",
            )
        if isinstance(rule, ir.ValueCheck):
            # a `let` is named where the condition uses it, and said once after it
            lets = [(s.text, s.value) for s in rule.shown if s.text.isidentifier()]
            named: list[Phrase] = []
            for n, (name, value) in enumerate(lets):
                inner = _named(value, lets[n + 1 :])
                named.append(cat(Code(name), " is ", words(inner)))
            return cat(
                self.when(rule.trigger),
                ", ",
                must(_named(rule.condition, lets)),
                " (a missing value is a breach)",
                cat(", where ", join(named, last=" and ")) if named else [],
            )
        assert isinstance(rule, ir.Invariant)
        return self.invariant(rule)

    def response(self, rule: ir.Response) -> Phrase:
        p = self.pattern(rule.expect)
        before = rule.window.direction == "before"
        out = cat(
            self.when(rule.trigger),
            ", ",
            p.clause("must_have" if before else "must", where=False),
            " ",
            self.window(rule.window, rule.window.direction),
            p.where(", where "),
        )
        out = cat(out, self.paused(rule.window), self.unless(rule.unless))
        if rule.each:
            out = cat(out, "; each matching event meets only one of them, the oldest not yet met")
        if rule.trigger_counts:
            out = cat(out, "; the triggering event itself counts when it matches")
        elif not before and _may_match_itself(rule):
            out = cat(out, "; the triggering event itself never counts")
        return out

    def expectations(self, rule: ir.Expectations) -> Phrase:
        """Several expectations, judged together at the trigger."""
        parts: list[Phrase] = []
        for e in rule.expects:
            p = self.pattern(e.pattern)
            window = self.window(e.window, "before")
            if e.at_most is not None:
                head = cat(p.clause("may", where=False), f" at most {ordinal_times(e.at_most)}")
            elif e.at_least > 1:
                head = cat(p.clause("must_have", where=False), f" {ordinal_times(e.at_least)}")
            else:
                head = p.clause("must_have", where=False)
            parts.append(cat(head, " ", window, p.where(", where ")))
        return cat(
            self.when(rule.trigger),
            ", ",
            join(parts, last="; and ", sep="; "),
            " (one breach names every expectation that failed)",
        )

    @staticmethod
    def paused(w: ir.Window) -> Phrase:
        if not w.paused_while:
            return []
        return [f"; the clock stops while {humanize(w.paused_while)}"]

    def when(self, t: ir.Trigger) -> Phrase:
        p = self.pattern(t.pattern, it=False)
        if t.nth is None:
            return cat("when ", p.clause())
        count = cat(" for the ", ordinal(t.nth), " time")
        window = f" within {duration(t.within)}" if t.within else ""
        later: Phrase = []
        if t.or_later:
            later = [f", or any later time while there are {t.nth} or more{window}"]
        return cat("when ", p.clause(where=False), count, window, later, p.where())

    def unless(self, u: ir.Pattern | None) -> Phrase:
        if u is None:
            return []
        return cat(", unless ", self.pattern(u).clause(), " first")

    def window(self, w: ir.Window, direction: str) -> Phrase:
        if direction == "before":
            if w.min is None and w.max is None:
                return ["at some time before"]
            if w.max is None:
                return [f"at least {self.duration(w.min)} before"]
            if w.min is None or w.min.seconds == 0:
                return [f"within {self.duration(w.max)} before"]
            return [f"between {self.duration(w.max)} and {self.duration(w.min)} before"]
        if isinstance(w.deadline, ir.CalendarPoint):
            return self.calendar_point(w.deadline)
        if w.deadline is not None:
            return cat("by ", words(w.deadline))
        if w.min is None and w.max is None:
            return ["at some time later"]
        if w.max is None:
            return [f"at least {self.duration(w.min)} later"]
        if w.min is None or w.min.seconds == 0:
            return [f"within {self.duration(w.max)}"]
        return [f"between {self.duration(w.min)} and {self.duration(w.max)} later"]

    def calendar_point(self, point: ir.CalendarPoint) -> Phrase:
        if point.point == "time_of_day":
            return [f"by the next {point.time}"]
        if point.point == "end_of_business_day":
            return cat("by the close of business on ", self.calendar(point.calendar))
        return [f"by the end of the {point.point.removeprefix('end_of_')}"]

    def duration(self, d: ir.Duration | None) -> str:
        """A duration; a business one names its calendar, described at its first mention."""
        text = duration(d)
        if d is None or d.calendar is None:
            return text
        # '2 business hours on desk' names its calendar as written: named once, as the others
        text = text.removesuffix(f" on {d.calendar}")
        return text + " of " + plain(self.calendar(d.calendar))

    def calendar(self, name: str | None) -> Phrase:
        if name is None:
            return ["the business calendar"]
        cal = self.calendars.get(name)
        head = cat("the ", Code(name), " calendar")
        if cal is None or name in self.described:
            return head
        self.described.add(name)
        return cat(head, " (", calendar_words(cal), ")")

    def invariant(self, rule: ir.Invariant) -> Phrase:
        state = next((s for s in self.policy.states if s.name == rule.during), None)
        if rule.limit:
            if state is not None and " " in state.name:
                what = cat("each stretch ", self.state_span(state))
            else:
                what = [f"each stretch of time while {humanize(rule.during)} holds"]
            return cat(
                what,
                f" may last at most {duration(rule.grace)}; a longer one is a breach",
            )
        if state is not None and " " in state.name:
            during = cat("at every moment ", self.state_span(state))
        else:
            during = [f"at every moment while {humanize(rule.during)} holds"]
        grace = rule.grace.seconds
        tolerated = (
            "; no gap is tolerated"
            if grace == 0
            else f"; gaps of up to {duration(rule.grace)} are tolerated"
        )
        return cat(during, ", ", must(rule.condition), tolerated)

    # ------------------------------------------------------------------ metrics

    def metric(self, rule: ir.MetricCheck) -> Phrase:
        m = rule.metric
        lets = {let.name: let.value for let in m.lets}
        same = cat(", in the same ", join(_keys(self.policy))) if self.policy.scope else []
        groups: list[Phrase] = [
            cat(Code(k), " (", words(lets[k]), same, ")") if k in lets else [Code(k)]
            for k in m.group_by
        ]
        if m.bucket:
            groups.append([m.bucket])
        head = cat("Per ", join(groups)) if groups else ["Over the whole log"]
        if m.bucket:
            zone = (
                cat(Code(self.policy.zone), " time")
                if self.policy.zone
                else ["the log's time zone"]
            )
            head = cat(head, " (", zone, ")")
        value = self.value(rule.require.value, m.unit)
        out = cat(
            head,
            ": ",
            Code(m.name),
            ", ",
            self.formula(m.aggregate),
            ", ",
            f"must be {_OP[rule.require.op]} {value}",
        )
        if rule.warn is not None:
            side = "below" if rule.warn.op in (">=", ">") else "above"
            out = cat(out, f", with a warning {side} {self.value(rule.warn.value, m.unit)}")
        if m.min_sample:
            agg = m.aggregate
            population = agg.of if agg.fn in ("share", "ratio") and agg.of else agg.pattern
            p = self.pattern(population, it=False)
            out = cat(
                out,
                "; judged only where ",
                p.clause(where=False),
                f" at least {ordinal_times(m.min_sample)}",
                p.where(),
                " (fewer is reported as insufficient)",
            )
        if self.policy.scope and _reads_history(m.aggregate):
            out = cat(out, "; earlier events are those of the same ", join(_keys(self.policy)))
        return out

    def formula(self, a: ir.Aggregate) -> Phrase:
        p = self.pattern(a.pattern, it=False)
        if a.fn == "count":
            return cat("the number of times ", p.clause())
        if a.fn == "ratio":
            assert a.of is not None
            of = self.pattern(a.of, it=False)
            comma = "," if a.pattern.where is not None else ""
            return cat(
                "the number of times ",
                p.clause(),
                f"{comma} divided by the number of times ",
                of.clause(),
            )
        if a.fn == "share":
            assert a.of is not None
            of = Pattern(a.of)
            follow = Pattern(a.pattern, of.noun if of.noun in self.policy.scope else None)
            within = f" within {self.duration(a.within)}" if a.within else ""
            out = cat(
                "the share of the times ",
                of.clause(),
                " in which ",
                follow.clause(where=False),
                within,
                follow.where(),
            )
            if self.policy.scope:
                out = cat(out, " in the same ", join(_keys(self.policy)))
            if a.unless is not None:
                unless = Pattern(a.unless, follow.it_noun)
                out = cat(out, ", unless ", unless.clause(), " first")
            return out
        assert a.value is not None
        over = cat(" over the times ", p.clause())
        if a.fn == "percentile":
            # a q of at most 1 is a fraction (docs/semantics.md): 1 is the 100th percentile
            head = f"the {percentile_name(a.q)}" if a.q is not None else "the percentile"
            method = f" ({METHOD_NAMES[a.method]})"
            return cat(head, method, " of ", words(a.value), over)
        if a.fn in _FORMULA_NOTE:
            note = _FORMULA_NOTE[a.fn] if a.variant == "standard" else f"variant {a.variant}"
            return cat(f"the {a.fn.upper()} of ", words(a.value), over, f" ({note})")
        return cat(f"the {_AGGREGATE[a.fn]} ", words(a.value), over)

    @staticmethod
    def value(v: float, unit: str) -> str:
        if unit == "percent":
            return percent(v)
        if unit == "duration":
            return compact_duration(v)
        return number(v)


def nodes(obj: Any) -> Iterator[Any]:
    """Every compiled node inside `obj` (a rule, pattern or expression), itself first."""
    if isinstance(obj, ir.IR):
        yield obj
        for name in type(obj).model_fields:
            yield from nodes(getattr(obj, name))
    elif isinstance(obj, tuple | list):
        for item in obj:
            yield from nodes(item)


def _keys(policy: ir.Policy) -> list[Phrase]:
    return [[Code(k)] for k in policy.scope]


def _may_match_itself(rule: ir.Response) -> bool:
    """True when an event of the trigger's types may also be of the expected types (so whether
    the trigger meets its own obligation matters): a type both name, or a `*` glob of one
    matching a type of the other, or the same glob in both."""
    ours, theirs = rule.trigger.pattern.types, rule.expect.types

    def glob(t: str) -> re.Pattern[str]:
        return re.compile(".*".join(re.escape(part) for part in t.split("*")) + r"\Z")

    for a in ours:
        for b in theirs:
            if a == b:
                return True
            if "*" in a and "*" not in b and glob(a).match(b):
                return True
            if "*" in b and "*" not in a and glob(b).match(a):
                return True
    return False


def _times(rule: ir.Existence) -> str:
    low, high = rule.at_least, rule.at_most
    if high is None:
        text = f"at least {ordinal_times(low)}"
    elif high == 0:
        text = "never"
    elif low == 0:
        text = f"at most {ordinal_times(high)}"
    elif low == high:
        text = f"exactly {ordinal_times(low)}"
    else:
        text = f"between {low} and {high} times"
    return text + " by the end of the audit"


def _reads_history(a: ir.Aggregate) -> bool:
    parts = [a.pattern, a.of, a.unless, a.value]
    return any(
        isinstance(n, ir.History | ir.Changes)
        or (isinstance(n, ir.Attr | ir.Time | ir.Local) and n.of == "previous")
        for part in parts
        if part is not None
        for n in nodes(part)
    )


def render_explanations(policy_set: ir.PolicySet, fmt: str = "text", width: int = 100) -> str:
    """Every policy of a set explained, as `cxrules explain` prints it: plain text wrapped to
    `width` columns, or a Markdown document (`fmt="markdown"`)."""
    import textwrap

    calendars = policy_set.calendars
    blocks = []
    if fmt == "markdown":
        blocks.append("# Policies explained")
        for p in policy_set.policies:
            owner = f" · owner {markdown([p.owner])}" if p.owner else ""
            blocks.append(
                f"## {code_span(p.id)}: {markdown([p.title])}\n\n"
                f"Severity {p.severity}{owner} · {code_span(f'{p.file}:{p.line}')}\n\n"
                + explain_policy_markdown(p, calendars)
            )
        return "\n\n".join(blocks) + "\n"
    for p in policy_set.policies:
        owner = f", owner {p.owner}" if p.owner else ""
        text = textwrap.fill(
            explain_policy(p, calendars),
            width=width,
            initial_indent="  ",
            subsequent_indent="  ",
            break_on_hyphens=False,
            break_long_words=False,
        )
        blocks.append(
            f"{p.id}: {p.title}\n  severity {p.severity}{owner} ({p.file}:{p.line})\n{text}"
        )
    return "\n\n".join(blocks) + "\n"


def _named(e: Any, lets: list[tuple[str, Any]]) -> Any:
    """`e` with each `let`'s value (inlined by the compiler) written as the let's name."""
    for name, value in lets:
        if e == value:
            return ir.Attr(path=name)
    if not isinstance(e, ir.IR):
        return e
    updates: dict[str, Any] = {}
    for field in type(e).model_fields:
        v = getattr(e, field)
        if isinstance(v, ir.IR):
            new = _named(v, lets)
        elif isinstance(v, tuple) and any(isinstance(x, ir.IR) for x in v):
            new = tuple(_named(x, lets) for x in v)
        else:
            continue
        if new != v:
            updates[field] = new
    return e.model_copy(update=updates) if updates else e
