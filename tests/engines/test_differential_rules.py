"""Engines agree on policies as users write them: generated policy texts (compiled as `cxrules`
compiles them) of every rule kind — value checks, rate limits, existence, absence, responses and
forbids, metrics and invariants — whose conditions read the whole expression language, give
identical JSON reports on the python engine (the reference) and on duckdb, apart from the
`engine` field. The obligation and metric generators (test_differential_obligations.py,
duckdb/test_differential_metrics_invariants.py) build their policies from a few fixed
conditions and never make a value check, a rate limit, an existence or an absence rule.

The conditions mix attributes of every JSON type (numbers written as texts, NaN and infinities,
booleans, lists and objects, unicode texts, whole numbers beyond 2**53 and 2**63), history
queries (`count`, `last`, `first`, `previous`, `changes`), states, `let`s, the local clock,
functions, `between`, `in`, `is missing`, `contains` and `matches`; the triggers are plain or
counted (`Nth [or later] … within D`); metrics have groups (attributes, lets), buckets, warning
levels and minimum samples; graces are fixed or business time on a calendar with holidays. The
logs have ties, sub-second times, events without the scope key or with keys of other types, the
Bucharest spring-forward night, logs read in three zones and an `--as-of` before, at or after
an event.
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cxrules import ir
from cxrules.audit import audit_events
from cxrules.logs.event import Event
from cxrules.policyset import load_policies
from cxrules.reports.as_json import render_json

pytest.importorskip("duckdb")

ZONE = "Europe/Bucharest"
TZ = ZoneInfo(ZONE)
ANCHORS = (
    datetime(2026, 3, 27, 16, 40, tzinfo=TZ),  # a Friday before closing
    datetime(2026, 3, 29, 1, 30, tzinfo=TZ),  # the spring-forward night (02:00-04:00 skipped)
    datetime(2026, 4, 13, 23, 30, tzinfo=TZ),  # Easter Monday's midnight
)
HEAD = """calendar office "Office"
  zone "Europe/Bucharest"
  hours mon-fri 09:00-12:00 and 13:00-17:00, sat 10:00-14:00
  holidays "RO"

"""

#: Attribute values: numbers, numbers as texts, booleans, huge whole numbers, unicode texts.
NUMS = st.sampled_from(
    [None, 0, 1, 2, 3, -1, 2.5, 0.1, "9", "2.5", " 3 ", "abc", True, False, 9007199254740993]
    + [1e16, "NaN", "inf", "-inf", "1e3", ".5", "5.", "-0", -0.0, 1.5e300, 10**20, "+3", 0.5]
    + [float("nan"), float("inf"), 3.5, "9007199254740993", 2**63, -(2**63) - 1]
)
#: Numbers for `/`: a quotient of ints beyond 2**53 is correctly rounded in Python, on DOUBLEs
#: in SQL (a last-digit difference: left alone).
SMALL = st.sampled_from([None, 0, 1, 2, 3, -1, 2.5, 0.1, "9", "2.5", " 3 ", "abc", True, 1e16])
TEXTS = st.sampled_from(
    [None, "a", "b", "", "  a ", "İstanbul", "istanbul", "no problem", "No Problem", "ß", "9", 7]
    + ["a\u00a0", "\t", "ǅ", "ﬁ", "ΑΣ", "I", "ı", "e\u0301", "😀", "a\nb", "NULL", True]
)
KEYS = st.sampled_from(["c1", "c1", "c2", None, 1, "1", "ç"])
EXTRA = st.sampled_from(
    [None, None, [1, 2], {"a": 1}, "2026-03-29T03:30:00", 1.0, [1, "a"], ["9"], [True], [1.0]]
    + [{"a": "9", "b": [2]}, {"a": None}, [], [[1]], "2026-03-29T01:30:00Z", "12:00", {"a": 2.5}]
)


def _events(draw: Any) -> list[Event]:
    items = draw(
        st.lists(
            st.tuples(
                st.integers(0, len(ANCHORS) - 1),
                st.integers(0, 24),  # 5-minute steps: ties are common
                st.sampled_from([0, 0, 0, 0.5, 59.999999, 1e-6]),  # and seconds after
                st.sampled_from(["t", "t", "t", "e", "e", "x", "u", "h", "r"]),
                KEYS,
                NUMS,
                SMALL,
                TEXTS,
                EXTRA,
            ),
            min_size=3,
            max_size=30,
        )
    )
    events = []
    for line, (anchor, step, sec, etype, key, n, m, text, extra) in enumerate(items, 1):
        attrs: dict[str, Any] = {}
        for name, value in (("c", key), ("n", n), ("m", m), ("s", text), ("o", extra)):
            if value is not None:
                attrs[name] = value
        t = (ANCHORS[anchor] + timedelta(minutes=5 * step, seconds=sec)).astimezone(UTC)
        events.append(Event(t, etype, f"e{line}", attrs, file="log.jsonl", line=line, seq=line))
    return events


class Expr:
    """Draws expression texts of one kind: num, text, time, dur, bool."""

    def __init__(
        self, draw: Any, trigger_ok: bool, lets: tuple[str, ...], states: bool = False
    ) -> None:
        self.draw = draw
        self.trigger_ok = trigger_ok
        self.lets = lets
        self.states = states  # states are read in a `require` condition, never in a pattern

    def pick(self, options: list[str]) -> str:
        return str(self.draw(st.sampled_from(options)))

    def num(self, depth: int) -> str:
        leaves = ["n", "m", "previous.n", "count(x)", "count(e where n > 0)", "changes(n)"]
        leaves += ["changes(s)", "last(x).n", "first(t).n", "local_hour"]
        leaves += ["weekday", "0", "1", "2.5", "50%", "9007199254740993", "count(*)", "o"]
        leaves += ["o.a", "last(t where n > 1).n", "count(u)", "0.1", "-0.5", "1.5"]
        leaves += list(self.lets)
        if self.trigger_ok:
            leaves += ["trigger.n", "trigger.n"]
        if self.states:
            leaves += ["count(hold)"]
        if depth <= 0 or self.draw(st.integers(0, 2)) == 0:
            return self.pick(leaves)
        form = self.draw(st.integers(0, 8))
        a, b = self.num(depth - 1), self.num(depth - 1)
        if form == 0:
            return f"({a} + {b})"
        if form == 1:
            return f"({a} - {b})"
        if form == 2:
            return f"{a} * {b}"
        if form == 3:
            small = ["m", "2", "count(x)", "0", "2.5", "local_hour", "previous.m"]
            return f"{self.pick(small)} / {self.pick(small)}"
        if form == 4:
            return f"{self.pick(['abs', 'round'])}({a})"
        if form == 5:
            return f"{self.pick(['min', 'max'])}({a}, {b})"
        if form == 6:
            return f"clamp({a}, 0, 2)"
        if form == 7:
            return f"length({self.text(depth - 1)})"
        return f"-{a}"

    def text(self, depth: int) -> str:
        leaves = ['"a"', '"istanbul"', '"İstanbul"', '"9"', '""', '"ß"', "s", "s", "previous.s"]
        leaves += ["last(x).s", "first(t).s"]
        if self.trigger_ok:
            leaves += ["trigger.s"]
        if depth <= 0 or self.draw(st.integers(0, 2)) == 0:
            return self.pick(leaves)
        return f"{self.pick(['lower', 'upper', 'trim'])}({self.text(depth - 1)})"

    def time(self) -> str:
        options = ["time", "previous.time", "first(t).time", "last(x).time", "time + 10min"]
        options += ["first(*).time", "o", "s", "time - 1h", "previous.time + 0.5s"]
        if self.trigger_ok:
            options.append("trigger.time")
        return self.pick(options)

    def dur(self) -> str:
        return self.pick(
            ["time - previous.time", "time - first(t)", "10min", "0s", "last(e).time - time"]
            + ["0.5s", "time - first(*).time", "(time - previous.time) * 2", "-(1min)"]
        )

    def atom(self, depth: int) -> str:
        form = self.draw(st.integers(0, 13))
        cmp = self.pick(["==", "!=", "<", "<=", ">", ">="])
        if form <= 2:
            return f"{self.num(depth)} {cmp} {self.num(depth)}"
        if form == 3:
            return f"{self.text(depth)} {self.pick(['==', '!=', '<'])} {self.text(depth)}"
        if form == 4:
            return f"{self.text(depth)} contains {self.text(0)}"
        if form == 5:
            regex = self.pick(['"(?i)no ?problem"', '"^a$"', '"(?i)istanbul"', '"\\\\d"'])
            return f"{self.text(depth)} matches {regex}"
        if form == 6:
            low, high = sorted([self.pick(["0", "1", "2.5"]), self.pick(["1", "3", "9"])])
            return f"{self.num(depth)} between {low} and {high}"
        if form == 7:
            neg = self.pick(["", "not "])
            return f'{self.pick(["n", "s", "o"])} {neg}in [1, "a", "9", 2.5, true]'
        if form == 8:
            what = self.pick(["n", "s", "previous.n", "last(x).s", "o", "trigger.n"])
            if what.startswith("trigger") and not self.trigger_ok:
                what = "n"
            return f"{what} is {self.pick(['', 'not '])}missing"
        if form == 9:
            return f"{self.time()} {cmp} {self.time()}"
        if form == 10:
            return f"{self.dur()} {cmp} {self.pick(['5min', '1h', '0s'])}"
        if form == 11:
            return self.pick(
                [
                    "local_time >= 12:00",
                    "local_time < 03:30",
                    "local_date == 2026-03-29",
                    "local_date > 2026-04-13",
                ]
            )
        if form == 12 and self.states:
            return self.pick(["hold", "not hold", "count(hold) >= 1"])
        needle = self.pick(["1", '"a"', "true", "9", "1.0", "n", "s", '"9"', "2.5"])
        return self.pick(["n == true", "n == false", "s == null", f"o contains {needle}"])

    def cond(self, depth: int = 2) -> str:
        form = self.draw(st.integers(0, 5))
        if depth <= 0 or form <= 2:
            return self.atom(1)
        if form == 3:
            return f"({self.cond(depth - 1)} and {self.cond(depth - 1)})"
        if form == 4:
            return f"({self.cond(depth - 1)} or {self.cond(depth - 1)})"
        return f"not ({self.cond(depth - 1)})"


def _trigger(draw: Any, e: Expr) -> str:
    where = f" where {e.cond(1)}" if draw(st.integers(0, 3)) == 0 else ""
    types = draw(st.sampled_from(["t", "t", "[t, e]"]))
    if draw(st.integers(0, 2)) > 0:
        return f"{types}{where}"
    nth = draw(st.sampled_from(["1st", "2nd", "3rd"]))
    later = " or later" if draw(st.booleans()) else ""
    within = draw(st.sampled_from(["", " within 30min", " within 2h"]))
    return f"{nth}{later} {types}{where}{within}"


def _metric(draw: Any, e: Expr) -> list[str]:
    """A metric of any formula, grouped or not, bucketed or not, with warn and sample levels."""
    where = f" where {e.cond(1)}" if draw(st.integers(0, 2)) == 0 else ""
    value = draw(
        st.sampled_from(["n", "m", "n", "count(x)", "time - previous.time", "o.a", "k", "s"])
    )
    formula, unit = draw(
        st.sampled_from(
            [
                (f"count(t{where})", ""),
                (f"ratio(e{where}, t)", "%"),
                (f"share(e{where} within 10min of t)", "%"),
                (f"share(e within 1h of t{where} unless u)", "%"),
                (f"avg({value} of t{where})", ""),
                (f"sum({value} of [t, e]{where})", ""),
                (f"min({value} of t)", ""),
                (f"max({value} of e{where})", ""),
                (f"percentile({value} of t, 90)", ""),
                (f"percentile({value} of t{where}, 50, nearest rank)", ""),
                (f"nps({value} of t)", ""),
                (f"csat({value} of t)", "%"),
                (f"ces({value} of t)", ""),
            ]
        )
    )
    lines = [f"metric mv = {formula}"]
    by = draw(st.sampled_from(["", "", "by s", "by o", "by g"]))
    if by == "by g":
        let = draw(st.sampled_from(["first(t).s", "last(e).n", "previous.s"]))
        lines.insert(0, f"let g = {let}")
    if by:
        lines.append(f"  {by}")
    bucket = draw(st.sampled_from(["", "per hour", "per day", "per week", "per month"]))
    if bucket:
        lines.append(f"  {bucket}")
    if value.startswith("time") and "avg" in formula:
        unit = "min"
    require = f"require mv {draw(st.sampled_from(['>=', '<=', '<', '>', '==']))} "
    require += draw(st.sampled_from(["1", "2", "0", "50", "0.5", "3.5"])) + unit
    if draw(st.booleans()):
        side = "below" if ">" in require else "above"
        require += f" warn {side} {draw(st.sampled_from(['1', '2', '80', '3']))}{unit}"
    if draw(st.booleans()):
        require += f" minimum sample {draw(st.integers(1, 3))}"
    lines.append(require)
    return lines


def _invariant(draw: Any) -> str:
    """An invariant or a limit on a state, on fixed or business time."""
    during = draw(st.sampled_from(["hold", "h until r", "t until e, by s", "t until [e, x]"]))
    grace = draw(st.sampled_from(["0s", "5min", "10min", "1 business hours", "30min"]))
    if draw(st.booleans()):
        return f"while {during}: at most {grace}"
    condition = draw(st.sampled_from(["count(hold) >= 1", "not hold", "hold", "count(hold) < 2"]))
    return f"while {during}: always {condition}, grace {grace}"


#: Windows after the trigger and before it, fixed and business time, calendar points, deadlines
#: read from the log (ISO texts, a time of day, a list: some are no time), paused clocks.
WINDOWS = [
    "within 10min",
    "within 1h",
    "within 2 business hours",
    "within 1 business days",
    "by end of day",
    "by end of week",
    "by end of business day",
    "by 18:00",
    "after",
    "between 5min and 1h after",
    "at least 10min after",
    "at most 30min after",
    "within 10min paused while hold",
    "within 1 business hours paused while hold",
    "by o",
    "by last(x).o",
    "by first(t).time + 1h",
    "within 30min before",
    "between 1h and 5min before",
    "before",
]
#: The windows that start at the trigger, where `trigger counts` may stand (E227).
COUNTS = {w for w in WINDOWS if "before" not in w and not w.startswith(("between", "at least"))}


@st.composite
def cases(draw: Any) -> tuple[str, list[Event], datetime | None, str]:
    lets: tuple[str, ...] = ()
    lines = []
    if draw(st.booleans()):
        lines.append(f"let k = {Expr(draw, False, ()).num(2)}")
        lets = ("k",)
    e = Expr(draw, False, lets)
    kinds = ["value", "value", "rate", "exist", "absence", "expect", "forbid", "metric", "while"]
    kind = draw(st.sampled_from(kinds))
    if kind == "value":
        lines.append(f"when {_trigger(draw, e)}")
        lines.append(f"require {Expr(draw, False, lets, states=True).cond()}")
    elif kind == "rate":
        where = f" where {e.cond(1)}" if draw(st.booleans()) else ""
        n = draw(st.integers(1, 3))
        lines.append(f"at most {n} {draw(st.sampled_from(['t', '[t, e]', '*']))}{where}")
        lines[-1] += f" within {draw(st.sampled_from(['10min', '1h', '1d']))}"
    elif kind == "exist":
        where = f" where {e.cond(1)}" if draw(st.booleans()) else ""
        bounds = draw(
            st.sampled_from(["", " at least 2 times", " at most 1 times", " at least 1 times"])
        )
        lines.append(f"require {draw(st.sampled_from(['e', '[e, x]']))}{where}{bounds}")
    elif kind == "absence":
        lines.append(f"forbid {draw(st.sampled_from(['e', 't', '*']))} where {e.cond()}")
    elif kind == "metric":
        lines += _metric(draw, e)
    elif kind == "while":
        lines.append(_invariant(draw))
    else:
        lines.append(f"when {_trigger(draw, e)}")
        window = draw(st.sampled_from(WINDOWS))
        verb = "expect each" if kind == "expect" and draw(st.booleans()) else kind
        where = Expr(draw, True, lets).cond()
        lines.append(f"{verb} e {window} where {where}")
        if "before" not in window and draw(st.booleans()):
            lines.append(f"unless u where {Expr(draw, True, lets).cond(1)}")
        if kind == "expect" and window in COUNTS and draw(st.integers(0, 3)) == 0:
            lines[-1] += ", trigger counts"
    if kind in ("value", "expect", "forbid") and draw(st.booleans()):
        lines.append(f"report a = {e.num(1)}, b = {e.text(1)}, d = {e.dur()}")
    scope = draw(
        st.sampled_from(["per c\n  ", "per c\n  ", 'per c until x where s == "a"\n  ', ""])
    )
    zone = draw(st.sampled_from(["", "", 'zone "America/New_York"\n  ', "calendar office\n  "]))
    by = draw(st.sampled_from(["", ", by s"]))
    text = (
        f'{HEAD}policy p.gen "Generated"\n  {zone}{scope}state hold = h until r{by}\n  '
        + "\n  ".join(lines)
        + "\n"
    )
    events = _events(draw)
    as_of = None
    if draw(st.integers(0, 2)) == 0:
        base = draw(st.sampled_from(events)).time
        as_of = base + timedelta(minutes=draw(st.sampled_from([-5, 0, 5, 60])))
    zone = draw(st.sampled_from([ZONE, ZONE, "UTC", "Asia/Kolkata"]))  # the log's zone
    return text, events, as_of, zone


def _compile(text: str) -> ir.PolicySet | None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.cxr"
        path.write_text(text, encoding="utf-8")
        return load_policies([str(path)]).policy_set


def _report(
    engine: str, policy_set: ir.PolicySet, events: list[Event], as_of: Any, zone: str
) -> Any:
    report = audit_events(policy_set, events, engine=engine, as_of=as_of, zone=zone)
    plain = json.loads(render_json(report))
    plain.pop("engine")
    return plain


@pytest.mark.engines("python")  # the test runs both engines itself: once is enough
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(cases())
def test_rule_reports_are_identical_on_python_and_duckdb(
    case: tuple[str, list[Event], datetime | None, str],
) -> None:
    text, events, as_of, zone = case
    policy_set = _compile(text)
    assume(policy_set is not None)
    assert policy_set is not None
    expected = _report("python", policy_set, events, as_of, zone)
    assert _report("duckdb", policy_set, events, as_of, zone) == expected
