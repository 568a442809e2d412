"""`report` clauses (issue 12, point 19): values a violation shows, read at its trigger, on every
engine. Expected values by hand; the ids are those of the same policy without the clause."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import engine_builders
from engine_builders import Log, run

from cxrules import ir
from cxrules.policyset import load_policies

HEAD = """policy p.test "Test policy"
  owner "Operations"
  description "Issue 12, point 19"
"""


def compiled(tmp_path: Path, body: str) -> ir.Policy:
    return engine_builders.compiled(tmp_path, body, HEAD)


SERVED = """  per table
  when order.placed
  expect food.served within 30min
"""
REPORT = (
    "  report host = last(table.seated).host, party = last(table.seated).party,\n"
    "    seated_for = time - last(table.seated).time\n"
)


def restaurant() -> Log:
    log = Log()
    log.add("+0s", "table.seated", table="t1", host="Ayşe", party=4)
    log.add("+5min", "order.placed", table="t2")  # never seated: nothing to report
    log.add("+10min", "order.placed", table="t1")  # seated 10 minutes before, by Ayşe
    log.add("+20min", "table.seated", table="t1", host="Bora", party=2)  # after the trigger
    log.add("+1h", "food.served", table="t1")  # 20 minutes after the deadline 10:40
    return log


def test_response_violations_show_the_values_at_their_trigger(tmp_path: Path) -> None:
    result = run(compiled(tmp_path, SERVED + REPORT), restaurant())
    missing, late = result.violations
    assert (missing.kind, missing.trigger and missing.trigger.id) == ("missing", "e2")
    assert missing.sentence == (
        "order.placed of table t2 at 2026-03-02 10:05:00+03:00: no food.served within 30min "
        "(deadline 10:35:00) (host: missing; party: missing; seated_for: missing)"
    )
    assert missing.details == {
        "deadline": "2026-03-02T10:35:00+03:00",
        "report": {"host": None, "party": None, "seated_for": None},
    }
    assert (late.kind, late.trigger and late.trigger.id) == ("late", "e3")
    # the seating at 10:20 (Bora) comes after the trigger: the report shows Ayşe's, at 10:00
    assert late.sentence == (
        "order.placed of table t1 at 2026-03-02 10:10:00+03:00: food.served only at 11:00:00, "
        "20m after the deadline 10:40:00 (within 30min) (host: Ayşe; party: 4; seated_for: 10m)"
    )
    assert late.details == {
        "deadline": "2026-03-02T10:40:00+03:00",
        "report": {"host": "Ayşe", "party": 4, "seated_for": 600.0},
    }


def test_the_clause_changes_no_id_and_no_count(tmp_path: Path) -> None:
    plain = run(compiled(tmp_path, SERVED), restaurant())
    shown = run(compiled(tmp_path, SERVED + REPORT), restaurant())
    assert [v.id for v in shown.violations] == [v.id for v in plain.violations]
    assert shown.policies == plain.policies
    assert all("report" not in v.details for v in plain.violations)
    assert plain.violations[1].sentence == (
        "order.placed of table t1 at 2026-03-02 10:10:00+03:00: food.served only at 11:00:00, "
        "20m after the deadline 10:40:00 (within 30min)"
    )


def test_before_window_forbid_after_and_value_check_report_too(tmp_path: Path) -> None:
    refund = compiled(
        tmp_path,
        "  per customer\n"
        "  when refund.issued\n"
        "  expect return.received within 30d before\n"
        "  report amount = amount, agent = agent, returns = count(return.received)\n",
    ).model_copy(update={"id": "p.refund"})
    quiet = compiled(
        tmp_path,
        "  per customer\n"
        "  when complaint.filed\n"
        "  forbid marketing.sent within 7d\n"
        "  report channel = channel, complaints = count(complaint.filed) + 1\n",
    ).model_copy(update={"id": "p.quiet"})
    arrival = compiled(
        tmp_path,
        "  per customer\n"
        "  when technician.arrived\n"
        "  require count(appointment.booked) >= 1\n"
        "  report tech = technician, refunds = count(refund.issued)\n",
    ).model_copy(update={"id": "p.arrival"})
    log = Log()
    log.add("+0s", "complaint.filed", customer="c1", channel="phone")
    log.add("+1h", "refund.issued", customer="c1", amount=49.5, agent="Ece")  # no return
    log.add("+2h", "technician.arrived", customer="c1", technician="Deniz")  # never booked
    log.add("+1d", "marketing.sent", customer="c1")  # a day after the complaint
    result = run([refund, quiet, arrival], log)
    got = [(v.policy, v.kind, v.details.get("report")) for v in result.violations]
    assert got == [
        # ranked by start: the refund's window opens 30 days before it, the forbidden window
        # at the complaint (10:00), the value check at the arrival (12:00)
        ("p.refund", "missing", {"amount": 49.5, "agent": "Ece", "returns": 0}),
        ("p.quiet", "forbidden", {"channel": "phone", "complaints": 1}),
        ("p.arrival", "condition_false", {"tech": "Deniz", "refunds": 1}),
    ]
    assert [v.sentence for v in result.violations] == [
        "refund.issued of customer c1 at 2026-03-02 11:00:00+03:00: no return.received within "
        "30d before (from 2026-01-31 11:00:00+03:00 to 2026-03-02 11:00:00+03:00) "
        "(amount: 49.5; agent: Ece; returns: 0)",
        "complaint.filed of customer c1 at 2026-03-02 10:00:00+03:00: forbidden marketing.sent "
        "at 2026-03-03 10:00:00+03:00 (within 7d) (channel: phone; complaints: 1)",
        "technician.arrived of customer c1 at 2026-03-02 12:00:00+03:00: "
        "count(appointment.booked) >= 1 is false (count(appointment.booked) = 0) "
        "(tech: Deniz; refunds: 1)",
    ]


def test_a_state_read_only_by_report_is_compiled_and_read_at_the_trigger(tmp_path: Path) -> None:
    # The state is read by no rule, only by the report: shared, through a `let`, and counted.
    path = tmp_path / "p.cxr"
    path.write_text(
        "state waiting = ticket.awaiting_customer until ticket.customer_replied\n\n"
        + HEAD
        + "  per ticket\n"
        "  let w = waiting\n"
        "  when message.received\n"
        "  expect ticket.answered within 30min\n"
        "  report waiting_now = waiting, through_let = w, times = count(waiting)\n",
        encoding="utf-8",
    )
    loaded = load_policies([str(path)])
    assert loaded.policy_set is not None, loaded.diagnostics
    (policy,) = loaded.policy_set.policies
    assert [s.name for s in policy.states] == ["waiting"]
    log = Log()
    log.add("+0s", "ticket.awaiting_customer", ticket="t1")
    log.add("+5min", "message.received", ticket="t1")  # while waiting; answered late
    log.add("+1h", "ticket.answered", ticket="t1")
    log.add("+0s", "ticket.awaiting_customer", ticket="t2")
    log.add("+2min", "ticket.customer_replied", ticket="t2")
    log.add("+5min", "message.received", ticket="t2")  # no longer waiting; never answered
    result = run(policy, log)
    got = [(v.trigger and v.trigger.id, v.details.get("report")) for v in result.violations]
    assert got == [
        ("e2", {"waiting_now": True, "through_let": True, "times": 1}),
        ("e6", {"waiting_now": False, "through_let": False, "times": 0}),
    ]


def test_lists_and_objects_are_shown_in_json_notation_on_every_engine(tmp_path: Path) -> None:
    # A list or an object in a sentence was Python's notation ("['x', 'y']", "{'ok': True}",
    # "None"), and an instant inside a list a datetime's repr (hunt27 finding-2). JSON now, the
    # instant inside in full in the sentence's zone, the same text on every engine.
    reported = compiled(
        tmp_path,
        "  when order.placed\n"
        "  expect order.shipped within 1h\n"
        "  report tags = tags, meta = meta\n",
    ).model_copy(update={"id": "p.reported"})
    checked = compiled(
        tmp_path, '  forbid order.placed where tags contains "x" and meta == meta\n'
    ).model_copy(update={"id": "p.checked"})
    log = Log()
    due = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    log.add("+0s", "order.placed", tags=["x", "ş", None, due], meta={"a": 1, "ok": True})
    result = run([reported, checked], log, as_of="+2h")
    assert sorted(v.sentence for v in result.violations) == [
        "forbidden order.placed at 2026-03-02 10:00:00+03:00: "
        'tags = ["x", "ş", null, "2026-03-02 12:30:00+03:00"]; meta = {"a": 1, "ok": true} '
        '(rule: forbid order.placed where tags contains "x" and meta == meta)',
        "order.placed at 2026-03-02 10:00:00+03:00: no order.shipped within 1h (deadline "
        '11:00:00) (tags: ["x", "ş", null, "2026-03-02 12:30:00+03:00"]; '
        'meta: {"a": 1, "ok": true})',
    ]


def test_time_differences_divided_into_hours_are_reported_on_every_engine(tmp_path: Path) -> None:
    # A long arithmetic operand is written once inside a higher-order function
    # (`engines.sql.exprs._bound`), and a time read from a text is parsed by a subquery, which
    # Spark refuses there: `(time - last(table.seated).time) / 1h` stopped the spark audit
    # ("Subquery expressions are not supported within higher-order functions").
    body = (
        "  per table\n"
        "  when order.placed\n"
        "  require time - last(table.seated).time <= 15min\n"
        "  report seated_hours = (time - last(table.seated).time) / 1h,\n"
        "    booked_hours = (time - booked_at) / 1h,\n"
        "    mixed = ((time - last(table.seated).time) / 1h) * 2"
        " + (time - first(table.seated).time) / 1min\n"
    )
    log = Log()
    log.add("+0s", "table.seated", table="t1")
    # seated 30 minutes before the order, booked (a text) at 08:30, two hours before it
    log.add("+30min", "order.placed", table="t1", booked_at="2026-03-02T08:30:00+03:00")
    (violation,) = run(compiled(tmp_path, body), log).violations
    assert violation.kind == "condition_false"
    # 30min / 1h = 0.5; 2h / 1h = 2; 0.5 * 2 + 30min / 1min = 31
    assert violation.details["report"] == {"seated_hours": 0.5, "booked_hours": 2.0, "mixed": 31.0}


def test_round_rounds_the_value_a_double_holds_on_every_engine(tmp_path: Path) -> None:
    # round(x, d) is Python's: 3.55 is 3.5499999999999998… as a double, so one decimal is 3.5;
    # Spark's BROUND rounds the shortest text of a double ("3.55") and gave 3.6. 2.675 is
    # 2.67499999… (2.67); 0.125 and 2.5 are exact ties (half to even: 0.12, 2); 0.375 is an
    # exact tie (0.38); -3.55 is -3.5; 1.005 is 1.00499999… (1.0)
    body = (
        "  per table\n"
        "  when order.placed\n"
        "  require v < 0\n"
        "  report a = round(v, 1), b = round(w, 2), c = round(0.125, 2), d = round(2.5),\n"
        "    e = round(0.375, 2), f = round(-v, 1), g = round(1.005, 2)\n"
    )
    log = Log()
    log.add("+0s", "order.placed", table="t1", v=3.55, w=2.675)
    (violation,) = run(compiled(tmp_path, body), log).violations
    report = violation.details["report"]
    assert report == {"a": 3.5, "b": 2.67, "c": 0.12, "d": 2, "e": 0.38, "f": -3.5, "g": 1.0}
