"""Reference engine: expression semantics of the compiled closures, expected values by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from engine_builders import attr, lit, op, pat, s

from cxrules import ir
from cxrules.engines.python.evaluate import Ctx, EngineError, Layout, compile_expr
from cxrules.engines.python.scopes import Scope
from cxrules.engines.python.values import MISSING
from cxrules.logs.event import Event

WHEN = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)  # 10:30 in Istanbul


def evaluate(
    expr: Any, zone: str = "Europe/Istanbul", log_zone: str | None = None, **attrs: Any
) -> Any:
    layout = Layout(zone, (), log_zone)
    fn = compile_expr(expr, layout)
    ctx = Ctx()
    ctx.event = Event(WHEN, "x", "e1", attrs)
    ctx.scope = Scope((), len(layout.history), len(layout.changes), [])
    return fn(ctx)


@pytest.mark.parametrize(
    ("expr", "attrs", "expected"),
    [
        # instants against ISO strings parse the string (naive text takes the zone)
        (op("<", ir.Time(), attr("end")), {"end": "2026-03-02T10:31:00+03:00"}, True),
        (op("<", ir.Time(), attr("end")), {"end": "2026-03-02 10:29"}, False),
        (op("==", ir.Time(), attr("end")), {"end": "not a time"}, False),
        # durations are seconds; percentages are fractions
        (op("<=", attr("wait"), lit(120, "duration")), {"wait": 120}, True),
        (op(">=", attr("share"), lit(0.8, "percent")), {"share": 0.79}, False),
        # numeric strings compare with numbers
        (op("==", attr("score"), lit(9)), {"score": "9"}, True),
        (op("!=", attr("score"), lit(9)), {"score": "nine"}, True),
        # missing: comparisons false, `is missing` true, arithmetic missing
        (op("==", attr("nope"), lit(1)), {}, False),
        (op("!=", attr("nope"), lit(1)), {}, False),
        (ir.Missing(value=attr("nope")), {"nope": None}, True),
        (ir.Missing(value=attr("a"), negated=True), {"a": 0}, True),
        (op("+", attr("nope"), lit(1)), {}, MISSING),
        (ir.Unary(op="not", operand=attr("flag")), {}, MISSING),
        (ir.Unary(op="not", operand=op("==", attr("nope"), lit(1))), {}, True),
        # and / or treat missing as unknown
        (op("and", attr("flag"), lit(False, "bool")), {}, False),
        (op("or", attr("flag"), lit(True, "bool")), {}, True),
        (op("and", attr("flag"), lit(True, "bool")), {}, MISSING),
        # contains, matches, in
        (op("contains", attr("text"), s("no problem")), {"text": "ok, no problem"}, True),
        (op("contains", attr("tags"), s("vip")), {"tags": ["new", "vip"]}, True),
        (op("matches", attr("text"), s(r"^\d{3}-")), {"text": "123-45"}, True),
        (op("matches", attr("text"), s(r"^\d{3}-")), {"text": "x123-45"}, False),
        (ir.In(value=attr("c"), options=(s("sms"), s("voice"))), {"c": "sms"}, True),
        (ir.In(value=attr("c"), options=(s("sms"),), negated=True), {}, False),
        # nested attributes and calls
        (op("==", attr("customer.tier"), s("gold")), {"customer": {"tier": "gold"}}, True),
        (ir.Call(fn="clamp", args=(lit(1.3), lit(0), lit(1))), {}, 1),
        (ir.Call(fn="lower", args=(attr("c"),)), {"c": "SMS"}, "sms"),
        (ir.Call(fn="length", args=(attr("c"),)), {"c": "abc"}, 3),
        (op("/", lit(1), lit(0)), {}, MISSING),
        (op("-", ir.Time(), attr("t")), {"t": "2026-03-02T10:28:00+03:00"}, 120.0),
        # local readings in the policy zone
        (ir.Local(part="time_of_day"), {}, 37800),
        (ir.Local(part="date"), {}, "2026-03-02"),
        (ir.Local(part="weekday"), {}, 1),
        (ir.Local(part="hour"), {}, 10),
        (ir.Between(value=attr("n"), low=lit(1), high=lit(3)), {"n": 3}, True),
    ],
)
def test_expression(expr: Any, attrs: dict[str, Any], expected: Any) -> None:
    assert evaluate(expr, **attrs) == expected


def test_time_of_day_literal_as_text() -> None:
    expr = op("<", ir.Local(part="time_of_day"), lit("12:00", "time_of_day"))
    assert evaluate(expr) is True
    assert evaluate(expr, zone="Asia/Tokyo") is False  # 16:30 in Tokyo


def test_naive_text_takes_the_log_zone_not_the_policy_zone() -> None:
    expr = op("<", ir.Time(), attr("end"))  # the event is at 10:30 +03:00
    assert evaluate(expr, zone="Asia/Tokyo", log_zone="Europe/Istanbul", end="2026-03-02 10:31")
    assert not evaluate(expr, zone="Asia/Tokyo", log_zone="Asia/Tokyo", end="2026-03-02 10:31")


def test_invalid_regex_and_unknown_state_are_clear_errors() -> None:
    with pytest.raises(EngineError, match=r"invalid regular expression '\('"):
        evaluate(op("matches", attr("t"), s("(")))
    with pytest.raises(EngineError, match="state 'busy' is used but not defined"):
        evaluate(ir.StateRef(name="busy"))


def test_history_pattern_slots_are_shared() -> None:
    layout = Layout("UTC")
    compile_expr(ir.History(fn="count", pattern=pat("a")), layout)
    compile_expr(ir.History(fn="last", pattern=pat("a"), field="x"), layout)
    compile_expr(ir.History(fn="first", pattern=pat("b")), layout)
    assert [m.pattern.types for m in layout.history] == [("a",), ("b",)]


def test_round_with_absurd_digits_is_missing_not_a_hang() -> None:
    assert evaluate(ir.Call(fn="round", args=(lit(5), lit(-(10**9))))) is MISSING
    assert evaluate(ir.Call(fn="round", args=(lit(1234.5678), lit(-2)))) == 1200
    assert evaluate(ir.Call(fn="round", args=(lit(2.567), lit(2)))) == 2.57
