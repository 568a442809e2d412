"""Reference engine: value checks at a trigger (`when T require C`), expected values by hand."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from engine_builders import (
    Log,
    attr,
    compiled,
    counts,
    kinds,
    lit,
    op,
    pat,
    policy,
    run,
    tally,
    trig,
)

from cxrules import ir


def booked(field: str) -> ir.History:
    return ir.History(fn="last", pattern=pat("appointment.booked"), field=field)


def arrive_in_window() -> ir.Policy:
    rule = ir.ValueCheck(
        trigger=trig(pat("technician.arrived")),
        condition=ir.Between(
            value=ir.Time(), low=booked("window_start"), high=booked("window_end")
        ),
    )
    return policy(rule, scope=("appointment",))


def test_condition_with_iso_attributes_and_inclusive_bounds() -> None:
    log = Log()
    window = {
        "window_start": "2026-03-02T10:00:00+03:00",
        "window_end": "2026-03-02T12:00:00+03:00",
    }
    for a in ("a-1", "a-2", "a-3"):
        log.add("+0s", "appointment.booked", appointment=a, **window)
    log.add("+1h", "technician.arrived", appointment="a-1")
    log.add("+2h", "technician.arrived", appointment="a-2")  # exactly window_end
    log.add("+150min", "technician.arrived", appointment="a-3")
    result = run(arrive_in_window(), log)
    assert kinds(result) == [("condition_false", "e6")]
    assert result.violations[0].sentence == (
        "technician.arrived of appointment a-3 at 2026-03-02 12:30:00+03:00: time between "
        "last(appointment.booked).window_start and last(appointment.booked).window_end is "
        'false (last(appointment.booked).window_start = "2026-03-02T10:00:00+03:00"; '
        'last(appointment.booked).window_end = "2026-03-02T12:00:00+03:00")'
    )
    assert counts(result) == tally(scopes=3, activations=3, satisfied=2, violated=1)


def test_missing_values_make_the_condition_false_and_are_named() -> None:
    log = Log()
    log.add("+0s", "technician.arrived", appointment="a-4")
    result = run(arrive_in_window(), log)
    assert kinds(result) == [("condition_false", "e1")]
    v = result.violations[0]
    assert v.sentence == (
        "technician.arrived of appointment a-4 at 2026-03-02 10:00:00+03:00: time between "
        "last(appointment.booked).window_start and last(appointment.booked).window_end cannot "
        "be judged: last(appointment.booked).window_start, last(appointment.booked).window_end "
        "missing"
    )
    assert v.details == {
        "values": {},
        "missing": [
            "last(appointment.booked).window_start",
            "last(appointment.booked).window_end",
        ],
    }


def battery_policy(shown: bool = False) -> ir.Policy:
    """clamp(50% + 10% * count(arm.connected) - 20% * count(customer.waited), 0%, 100%) >= 90%"""

    def pct(x: float) -> ir.Lit:
        return lit(x, "percent")

    def count(t: str) -> ir.History:
        return ir.History(fn="count", pattern=pat(t))

    raw = op(
        "-",
        op("+", pct(0.5), op("*", pct(0.1), count("arm.connected"))),
        op("*", pct(0.2), count("customer.waited")),
    )
    battery = ir.Call(fn="clamp", args=(raw, pct(0.0), pct(1.0)))
    rule = ir.ValueCheck(trigger=trig(pat("customer.left")), condition=op(">=", battery, pct(0.9)))
    if shown:  # as compiled from `let battery = clamp(…)` and `require battery >= 90%`
        named = ir.Shown(text="battery", value=battery, unit="percent")
        rule = rule.model_copy(update={"text": "battery >= 90%", "shown": (named,)})
    return policy(rule, scope=("visit",))


def test_history_counts_see_the_past_strictly_before_the_trigger() -> None:
    log = Log()
    for i in range(4):  # 50% + 40% = 90%: fine
        log.add(f"+{i}min", "arm.connected", visit="v-1", arm=f"a{i}")
    log.add("+5min", "customer.left", visit="v-1")
    for i in range(5):  # 50% + 50% - 20% = 80%
        log.add(f"+{i}min", "arm.connected", visit="v-2", arm=f"a{i}")
    log.add("+5min", "customer.waited", visit="v-2")
    log.add("+6min", "customer.left", visit="v-2")
    log.add("+6min", "arm.connected", visit="v-2", arm="late")  # after the trigger: unseen
    result = run(battery_policy(), log)
    assert kinds(result) == [("condition_false", "e12")]
    assert "count(arm.connected) = 5; count(customer.waited) = 1" in result.violations[0].sentence
    assert counts(result) == tally(scopes=2, activations=2, satisfied=1, violated=1)


def test_a_failed_condition_names_the_values_of_its_lets() -> None:
    # Issue 12, point 7: the battery was 80%, and the sentence and details say so, with the
    # condition as written (not the clamp it stands for).
    log = Log()
    for i in range(5):
        log.add(f"+{i}min", "arm.connected", visit="v-2", arm=f"a{i}")
    log.add("+5min", "customer.waited", visit="v-2")
    log.add("+6min", "customer.left", visit="v-2")
    v = run(battery_policy(shown=True), log).violations[0]
    assert v.sentence == (
        "customer.left of visit v-2 at 2026-03-02 10:06:00+03:00: battery >= 90% is false "
        "(battery = 80.0%; count(arm.connected) = 5; count(customer.waited) = 1)"
    )
    assert v.details == {
        "values": {"battery": 0.8, "count(arm.connected)": 5, "count(customer.waited)": 1}
    }


def test_include_current_counts_the_trigger_itself() -> None:
    count = ir.History(fn="count", pattern=pat("complaint.filed"), include_current=True)
    rule = ir.ValueCheck(trigger=trig(pat("complaint.filed")), condition=op("<=", count, lit(2)))
    log = Log()
    for i in range(3):
        log.add(f"+{i}min", "complaint.filed", customer="c-1")
    result = run(policy(rule, scope=("customer",)), log)
    assert kinds(result) == [("condition_false", "e3")]  # counts 1, 2, 3


def test_changes_count_includes_the_current_event() -> None:
    rule = ir.ValueCheck(
        trigger=trig(pat("case.closed")),
        condition=op("<=", ir.Changes(path="org:group"), lit(3)),
    )
    log = Log()
    for g in ("A", "A", "B", "B", "C", "A"):  # 3 changes
        log.add("+0s", "case.updated", case="k-1", **{"org:group": g})
    log.add("+1min", "case.closed", case="k-1")  # no group: skipped
    for g in ("A", "B", "C", "D"):  # 3 changes, the 4th on the closing event
        log.add("+0s", "case.updated", case="k-2", **{"org:group": g})
    log.add("+1min", "case.closed", case="k-2", **{"org:group": "E"})
    result = run(policy(rule, scope=("case",)), log)
    assert kinds(result) == [("condition_false", "e12")]
    assert result.violations[0].sentence.endswith(
        "changes(org:group) <= 3 is false (changes(org:group) = 4)"
    )


def test_a_text_that_reads_as_a_number_is_no_change_from_that_number() -> None:
    """Two systems write a ticket's team 7 and "7": `==` holds between them ("9" == 9,
    docs/semantics.md) and they are one scope value, yet changes(team) counted every switch
    between the number and the text as a handover (hunt25 finding-4). t-1 goes 7, "7", 7.0,
    " 7", "7.5", 7.5, true: one change (to 7.5) and one more to true (a text is never a boolean,
    but true is 1 and 7.5 is not): 2 changes. t-2 goes "7", true, "1", 1: true is not the text
    "7" (1), the text "1" is not true (2), 1 reads "1" as 1 (no change): 2 changes."""
    rule = ir.ValueCheck(
        trigger=trig(pat("ticket.closed")),
        condition=op("<=", ir.Changes(path="team"), lit(1)),
    )
    log = Log()
    for team in (7, "7", 7.0, " 7", "7.5", 7.5, True):
        log.add("+0s", "ticket.assigned", ticket="t-1", team=team)
    log.add("+1h", "ticket.closed", ticket="t-1")
    for team in ("7", True, "1", 1):
        log.add("+0s", "ticket.assigned", ticket="t-2", team=team)
    log.add("+1h", "ticket.closed", ticket="t-2")
    result = run(policy(rule, scope=("ticket",)), log)
    said = sorted(v.sentence.split(": ", 1)[1] for v in result.violations)
    assert said == ["changes(team) <= 1 is false (changes(team) = 2)"] * 2


def test_lists_and_objects_are_equal_when_their_json_texts_are() -> None:
    """`[1, 2]` then `[1.0, 2]` (a pandas round trip) are two values, as their scope keys are:
    one change and unequal, on every engine; the same text is no change; lists have no order."""
    first = ir.History(fn="first", pattern=pat("order.placed"), field="address")
    rule = ir.ValueCheck(
        trigger=trig(pat("order.delivered")),
        condition=ir.Binary(
            op="and",
            left=op("==", ir.Changes(path="address"), lit(0)),
            right=op("==", attr("address"), first),
        ),
    )
    log = Log()
    log.add("+0s", "order.placed", order="o-1", address={"zip": 34000})
    log.add("+1h", "order.delivered", order="o-1", address={"zip": 34000.0})
    log.add("+0s", "order.placed", order="o-2", address=[1, 2])
    log.add("+1h", "order.delivered", order="o-2", address=[1.0, 2])
    log.add("+0s", "order.placed", order="o-3", address={"zip": 34000, "city": "İzmir"})
    log.add("+1h", "order.delivered", order="o-3", address={"zip": 34000, "city": "İzmir"})
    result = run(policy(rule, scope=("order",)), log)
    assert sorted(kinds(result)) == [("condition_false", "e2"), ("condition_false", "e4")]
    assert counts(result) == tally(scopes=3, activations=3, satisfied=1, violated=2)
    ordered = ir.ValueCheck(
        trigger=trig(pat("order.delivered")), condition=op("<", attr("address"), first)
    )
    assert len(run(policy(ordered, scope=("order",)), log).violations) == 3  # never true


def test_a_value_compared_with_a_time_that_is_no_time_says_so() -> None:
    """'time >= resolved_at is false (resolved_at = "29/2/2016 15:43")' read as a wrong time:
    the sentence says the value is no time, as a deadline's does."""
    rule = ir.ValueCheck(
        trigger=trig(pat("case.closed")), condition=op(">=", ir.Time(), attr("resolved_at"))
    )
    log = Log()
    log.add("+0s", "case.closed", case="k-1", resolved_at="29/2/2016 15:43")
    log.add("+0s", "case.closed", case="k-2", resolved_at=0)
    log.add("+0s", "case.closed", case="k-3", resolved_at="2026-03-02T09:00:00+03:00")
    result = run(policy(rule, scope=("case",)), log)
    assert sorted(kinds(result)) == [("condition_false", "e1"), ("condition_false", "e2")]
    said = sorted(v.sentence.split(": ", 1)[1] for v in result.violations)
    assert said == [
        'time >= resolved_at is false (resolved_at = "29/2/2016 15:43", not a time)',
        "time >= resolved_at is false (resolved_at = 0, not a time)",
    ]


def test_round_of_an_int_beyond_doubles_is_the_int_itself() -> None:
    """round(12345678901234567) is that number: a DOUBLE would show 12345678901234568."""
    rounded = ir.Call(fn="round", args=(attr("refund_no"),))
    rule = ir.ValueCheck(
        trigger=trig(pat("refund.issued")),
        condition=op("<", rounded, lit(0)),
        shown=(ir.Shown(text="round(refund_no)", value=rounded, unit="number"),),
    )
    log = Log()
    log.add("+0s", "refund.issued", refund_no=12345678901234567)
    log.add("+1s", "refund.issued", refund_no=2.5)
    result = run(policy(rule), log)
    said = [v.sentence.split(": ", 1)[1] for v in result.violations]
    assert said == [
        "round(refund_no) < 0 is false (round(refund_no) = 12345678901234567; "
        "refund_no = 12345678901234567)",
        "round(refund_no) < 0 is false (round(refund_no) = 2; refund_no = 2.5)",
    ]


def test_previous_event_of_the_scope() -> None:
    same_agent = op("==", attr("agent", of="previous"), attr("agent"))
    rule = ir.ValueCheck(trigger=trig(pat("reply.sent")), condition=same_agent)
    log = Log()
    log.add("+0s", "ticket.assigned", ticket="t-1", agent="ana")
    log.add("+1min", "reply.sent", ticket="t-1", agent="ana")
    log.add("+0s", "ticket.assigned", ticket="t-2", agent="ana")
    log.add("+1min", "note.added", ticket="t-2", agent="bo")  # any type is a previous event
    log.add("+2min", "reply.sent", ticket="t-2", agent="ana")
    log.add("+3min", "reply.sent", ticket="t-3", agent="ana")  # no previous: missing
    result = run(policy(rule, scope=("ticket",)), log)
    assert sorted(kinds(result)) == [("condition_false", "e5"), ("condition_false", "e6")]
    assert counts(result) == tally(scopes=3, vacuous=0, activations=3, satisfied=1, violated=2)


def test_local_time_of_day_in_the_policy_zone() -> None:
    before_noon = op("<", ir.Local(part="time_of_day"), lit(43200, "time_of_day"))
    rule = ir.ValueCheck(
        trigger=trig(pat("order.placed", where=before_noon)), condition=lit(True, "bool")
    )
    log = Log()
    log.add("+7199s", "order.placed")  # 11:59:59 +03:00: triggers
    log.add("+2h", "order.placed")  # 12:00:00: does not
    assert counts(run(policy(rule), log)) == tally(activations=1, satisfied=1)
    # in UTC the same instants are 08:59:59 and 09:00:00: both before noon
    utc = policy(rule, zone="UTC")
    assert counts(run(utc, log)) == tally(activations=2, satisfied=2)


def test_the_triggers_and_the_previous_events_time_of_day() -> None:
    """local_time read of the trigger (in the expected event's `where`: another row's column)
    and of the previous event (the stream's lagged time and offset)."""
    morning = op("<", ir.Local(part="time_of_day", of="trigger"), lit(43200, "time_of_day"))
    rule = ir.Response(
        trigger=trig(pat("call.missed")),
        expect=ir.Pattern(types=("call.back",), where=morning),
        window=ir.Window(direction="after", max=ir.Duration(seconds=4 * 3600, text="4h")),
    )
    log = Log()
    log.add("+1h", "call.missed", customer="c-1")  # 11:00 +03:00: its call back counts
    log.add("+2h30min", "call.missed", customer="c-2")  # 12:30: no call back counts
    log.add("+3h", "call.back", customer="c-1")
    log.add("+3h", "call.back", customer="c-2")
    result = run(policy(rule, scope=("customer",)), log)
    assert counts(result) == tally(scopes=2, activations=2, satisfied=1, pending=1)
    later = op(">", ir.Local(part="time_of_day"), ir.Local(part="time_of_day", of="previous"))
    check = ir.ValueCheck(trigger=trig(pat("ping")), condition=later)
    log = Log()
    log.add("+0s", "ping", customer="c-1")  # 10:00, no previous event: false
    log.add("+13h59min", "ping", customer="c-1")  # 23:59 after 10:00: true
    log.add("+14h30min", "ping", customer="c-1")  # 00:30 the next day, after 23:59: false
    result = run(policy(check, scope=("customer",)), log)
    assert sorted(kinds(result)) == [("condition_false", "e1"), ("condition_false", "e3")]


def test_a_time_of_day_is_shown_as_a_clock_reading() -> None:
    """local_time is seconds since local midnight to the engines; a sentence shows it as the
    clock does (12:15:30, not 44130), in the condition's values and in what a policy reports."""
    rule = ir.ValueCheck(
        trigger=trig(pat("ticket.closed")),
        condition=op("<", ir.Local(part="time_of_day"), lit(43200, "time_of_day")),
    )
    shown = ir.Reported(name="at", value=ir.Local(part="time_of_day"), unit="time_of_day")
    log = Log()
    log.add("+2h15min30s", "ticket.closed")  # 12:15:30 +03:00
    result = run(policy(rule, report=(shown,)), log)
    assert result.violations[0].sentence.endswith(
        "local_time < 12:00 is false (local_time = 12:15:30) (at: 12:15:30)"
    )
    assert result.violations[0].details["values"] == {"local_time": 44130.0}


def test_a_forbidden_events_time_of_day_is_shown_as_a_clock_reading() -> None:
    """`forbid … where local_time < 08:00` showed 'local_time = 4980' (hunt7 finding-5)."""
    early = op("<", ir.Local(part="time_of_day"), lit(28800, "time_of_day"))
    rule = ir.Absence(pattern=pat("incident.new", where=early))
    log = Log()
    log.add("+15h23min", "incident.new")  # 01:23 +03:00, the next day
    result = run(policy(rule), log)
    assert "local_time = 01:23" in result.violations[0].sentence


def test_the_local_hour_and_date_are_named_as_a_policy_writes_them() -> None:
    """`local_hour` and `local_date` were shown as `hour` and `date`, the names of attributes
    an event may carry (a sentence could not tell the clock from the event's own `hour`), and
    a date as a quoted text (the value too until hunt25 finding-8: bare, as the rule writes it)."""
    sunday_3am = op(
        "and",
        op("==", ir.Local(part="hour"), lit(3)),
        op("==", ir.Local(part="date"), lit("2026-03-08", "date")),
    )
    rule = ir.Absence(pattern=pat("sms.sent", where=sunday_3am))
    log = Log()
    log.add("+5d17h", "sms.sent")  # Sunday 2026-03-08 03:00 +03:00
    sentence = run(policy(rule), log).violations[0].sentence
    assert sentence == (
        "forbidden sms.sent at 2026-03-08 03:00:00+03:00: local_hour = 3; local_date = "
        "2026-03-08 (rule: forbid sms.sent where local_hour == 3 and local_date == "
        "2026-03-08)"
    )


def test_equal_times_and_out_of_scope_triggers() -> None:
    log = Log()
    window = {
        "window_start": "2026-03-02T10:00:00+03:00",
        "window_end": "2026-03-02T10:00:00+03:00",
    }
    log.add("+0s", "appointment.booked", appointment="a-1", **window)
    log.add("+0s", "technician.arrived", appointment="a-1")  # same instant, booked before
    log.add("+0s", "technician.arrived", appointment="a-2")
    log.add("+0s", "appointment.booked", appointment="a-2", **window)  # after: unseen
    log.add("+0s", "technician.arrived")  # no appointment
    result = run(arrive_in_window(), log)
    assert kinds(result) == [("condition_false", "e3")]
    assert counts(result) == tally(scopes=2, out_of_scope=1, activations=2, satisfied=1, violated=1)


def test_lower_and_upper_map_case_as_python_does() -> None:
    """Full case mapping on every engine (DuckDB's built-ins map simply): the Turkish capital
    dotted İ lowers to "i̇" (i and a combining dot), ß uppers to SS, a capital sigma that
    ends a word lowers to ς."""
    lower = ir.Call(fn="lower", args=(attr("text"),))
    upper = ir.Call(fn="upper", args=(attr("text"),))
    rule = ir.ValueCheck(
        trigger=trig(pat("staff.said")),
        condition=op(
            "and",
            op("!=", lower, ir.Lit(value="istanbul", type="string")),
            op(
                "and",
                op("!=", upper, ir.Lit(value="STRASSE", type="string")),
                op("!=", lower, ir.Lit(value="οδος σας", type="string")),
            ),
        ),
    )
    log = Log()
    log.add("+0s", "staff.said", text="İSTANBUL")  # i̇stanbul: passes
    log.add("+1s", "staff.said", text="ISTANBUL")  # istanbul: fails
    log.add("+2s", "staff.said", text="Straße")  # STRASSE: fails
    log.add("+3s", "staff.said", text="ΟΔΟΣ ΣΑΣ")  # οδος σας: fails
    log.add("+4s", "staff.said", text="ΟΔΟΣ ΣΑΣA")  # οδος σασa: passes
    log.add("+5s", "staff.said", text="Ağır İş")  # passes
    result = run(policy(rule), log)
    assert kinds(result) == [
        ("condition_false", "e2"),
        ("condition_false", "e3"),
        ("condition_false", "e4"),
    ]


def test_times_of_one_zone_subtract_as_elapsed_time_across_a_dst_change() -> None:
    """Naive log times read in a zone share its tzinfo, and Python subtracts, adds to and
    compares such datetimes by their wall clocks; the engines work on the time line. From
    12:00 (+02:00) on 28 March to 12:30 (+03:00) the next day, Bucharest's clocks moved on an
    hour: 23h30min elapsed, not 24h30min."""
    from cxrules.logs.event import Event

    bucharest = ZoneInfo("Europe/Bucharest")
    placed = ir.History(fn="first", pattern=pat("order.placed"))
    took = op("-", ir.Time(), placed)
    within = op("<=", took, lit(86400, "duration"))
    by_sum = op("<=", ir.Time(), op("+", placed, lit(85500, "duration")))  # 23h45min
    rule = ir.ValueCheck(trigger=trig(pat("order.delivered")), condition=op("and", within, by_sum))
    log = Log()
    for line, (day, hour, minute, kind, order) in enumerate(
        [
            (28, 12, 0, "order.placed", "o-1"),
            (29, 12, 30, "order.delivered", "o-1"),  # 23h30min later: in time
            (28, 13, 0, "order.placed", "o-2"),
            (29, 14, 30, "order.delivered", "o-2"),  # 24h30min later: late
        ],
        start=1,
    ):
        t = datetime(2026, 3, day, hour, minute, tzinfo=bucharest)
        e = Event(t, kind, f"e{line}", {"order": order}, file="log.jsonl", line=line, seq=line)
        log.events.append(e)
    result = run(policy(rule, scope=("order",)), log)
    assert kinds(result) == [("condition_false", "e4")]
    assert counts(result) == tally(scopes=2, activations=2, satisfied=1, violated=1)


@pytest.mark.engines("duckdb")
def test_the_kept_casing_classes_are_the_running_pythons() -> None:
    """casing.json is used only for the Unicode version it was computed with: there it must be
    what the running Python computes (else the SQL engines would map case otherwise)."""
    import unicodedata

    from cxrules.engines.sql import casing

    kept = casing.kept_classes()
    assert kept is not None
    if kept["unicode"] != unicodedata.unidata_version:
        pytest.skip(f"casing.json is for Unicode {kept['unicode']}")
    cased, ignorable, expanding = casing.computed_classes()
    assert (kept["cased"], kept["ignorable"], kept["expanding"]) == (cased, ignorable, expanding)


def test_whole_numbers_beyond_two_to_the_53_compare_and_show_exactly() -> None:
    """A DOUBLE rounds 9007199254740993 to ...992: the SQL engines compare ints beyond 2**53
    by their digits, and a violation shows the value as the log has it."""
    big = 2**53 + 1
    rule = ir.ValueCheck(
        trigger=trig(pat("refund.issued")),
        condition=op(
            "and", op("!=", attr("order_no"), lit(big)), op("<", attr("order_no"), lit(big))
        ),
    )
    log = Log()
    log.add("+0s", "refund.issued", order_no=big - 1)  # != and < hold
    log.add("+1s", "refund.issued", order_no=big)  # neither
    log.add("+2s", "refund.issued", order_no=big + 1)  # != holds, < does not
    result = run(policy(rule), log)
    assert kinds(result) == [("condition_false", "e2"), ("condition_false", "e3")]
    assert "order_no = 9007199254740993" in result.violations[0].sentence
    assert "order_no = 9007199254740994" in result.violations[1].sentence


def test_an_infinite_value_is_written_as_inf_in_the_report() -> None:
    """A log's `inf` (a CSV number column, an XES float) is a value JSON has no number for: the
    violation's details write it as the text the sentence shows, and the report renders."""
    from cxrules.reports.as_json import render_json

    rule = ir.ValueCheck(
        trigger=trig(pat("ticket.open")), condition=op("<=", attr("amount"), lit(100))
    )
    log = Log()
    log.add("+0s", "ticket.open", amount=float("inf"))
    log.add("+1s", "ticket.open", amount=float("-inf"))
    result = run(policy(rule), log)
    assert kinds(result) == [("condition_false", "e1")]
    assert result.violations[0].details["values"] == {"amount": "inf"}
    assert '"amount": "inf"' in render_json(result)


def test_a_wall_clock_in_a_dst_gap_reads_as_the_clock_shows_its_instant() -> None:
    """02:30 on Paris's spring-forward night does not exist: read with the offset before the
    change it is the instant 03:30+02:00, and its local hour is 3 on every engine (Python's
    astimezone would hand the same datetime back, hour 2)."""
    from cxrules.logs.event import Event

    paris = ZoneInfo("Europe/Paris")
    rule = ir.ValueCheck(
        trigger=trig(pat("ticket.closed")),
        condition=op("!=", ir.Local(part="hour"), lit(2)),
    )
    log = Log()
    for line, (hour, minute) in enumerate([(2, 30), (1, 59)], start=1):
        t = datetime(2026, 3, 29, hour, minute, tzinfo=paris)
        log.events.append(Event(t, "ticket.closed", f"e{line}", {}, "log.jsonl", line, line))
    result = run(policy(rule, zone="Europe/Paris"), log)
    assert kinds(result) == []  # 03:30 and 01:59: no hour 2
    assert counts(result)["satisfied"] == 2


def test_whole_numbers_beyond_64_bits_are_ints_on_every_engine() -> None:
    """DuckDB's JSON reads 2**70 as a DOUBLE; its digits say it is an int, as Python reads it:
    compared by its digits, shown with them, and a scope key of them."""
    big = 2**70
    rule = ir.ValueCheck(
        trigger=trig(pat("refund.issued")), condition=op("!=", attr("order_no"), lit(big))
    )
    log = Log()
    log.add("+0s", "refund.issued", order_no=big, batch=big + 1)
    log.add("+1s", "refund.issued", order_no=big + 1, batch=big + 1)
    result = run(policy(rule, scope=("batch",)), log)
    assert kinds(result) == [("condition_false", "e1")]
    assert "order_no = 1180591620717411303424" in result.violations[0].sentence
    assert result.violations[0].scope == {"batch": "1180591620717411303425"}


def test_arithmetic_on_whole_numbers_beyond_two_to_the_53_is_exact() -> None:
    """`ref - 1 == prev`: python's ints are exact, a DOUBLE rounds 2**53 + 1 to 2**53, so the SQL
    engines judged a consecutive pair broken and a gap of two kept (hunt6 finding-1); they now
    subtract, add, multiply, negate, take abs, min and max of ints by their digits."""
    big = 2**53
    rule = ir.ValueCheck(
        trigger=trig(pat("refund.issued")),
        condition=op("==", op("-", attr("ref"), lit(1)), attr("prev")),
    )
    log = Log()
    log.add("+0s", "refund.issued", ref=big + 1, prev=big)  # consecutive: holds
    log.add("+1s", "refund.issued", ref=12345678901234569, prev=12345678901234567)  # a gap
    shown = (
        ir.Reported(name="before", value=op("-", attr("ref"), lit(1))),
        ir.Reported(name="after", value=op("+", attr("ref"), lit(1))),
        ir.Reported(name="twice", value=op("*", attr("prev"), lit(2))),
    )
    result = run(policy(rule, report=shown), log)
    assert kinds(result) == [("condition_false", "e2")]
    assert result.violations[0].details["report"] == {
        "before": 12345678901234568,
        "after": 12345678901234570,
        "twice": 24691357802469134,
    }


def test_an_exact_int_meets_a_float_as_its_value_rounded_once() -> None:
    """`a + b + c + d + w` with a = b = 2**60, c = 396, d = 323, w = 3.5: Python adds the ints
    exactly (2**61 + 719) and rounds that once to a float, 2**61 + 512 (the float step there is
    512), before adding 3.5 (no change). The SQL engines kept the int's DOUBLE as the sum of
    rounded DOUBLEs (2**61 + 396 is 2**61 + 512, + 323 is 2**61 + 1024) and showed
    2305843009213694976 (hunt52 finding-K); `/` and `* 1.0` of the int sum too."""
    ints = op("+", op("+", op("+", attr("a"), attr("b")), attr("c")), attr("d"))
    mixed = op("+", ints, attr("w"))
    rule = ir.ValueCheck(trigger=trig(pat("call.ended")), condition=op("<=", mixed, lit(1200)))
    log = Log()
    log.add("+0s", "call.ended", a=2**60, b=2**60, c=396, d=323, w=3.5)
    shown = (
        ir.Reported(name="mixed", value=mixed),
        ir.Reported(name="ratio", value=op("/", ints, lit(1))),
        ir.Reported(name="scaled", value=op("*", ints, lit(1.0))),
        ir.Reported(name="ints", value=ints),
    )
    result = run(policy(rule, report=shown), log)
    assert kinds(result) == [("condition_false", "e1")]
    rounded = float(2305843009213694464)  # 2**61 + 512
    assert result.violations[0].details["report"] == {
        "mixed": rounded,
        "ratio": rounded,
        "scaled": rounded,
        "ints": 2305843009213694671,  # 2**61 + 719, exactly
    }


def test_min_max_abs_and_minus_of_whole_numbers_beyond_two_to_the_53_are_exact() -> None:
    big = 2**53
    larger = ir.Call(fn="max", args=(attr("a"), attr("b")))
    negated = ir.Unary(op="neg", operand=attr("a"))
    rule = ir.ValueCheck(
        trigger=trig(pat("x.y")),
        condition=op(
            "and",
            op("==", larger, attr("a")),
            op("==", ir.Call(fn="abs", args=(negated,)), attr("a")),
        ),
    )
    log = Log()
    log.add("+0s", "x.y", a=big + 1, b=big)  # max is a, abs(-a) is a
    log.add("+1s", "x.y", a=big, b=big + 1)  # max is b: the DOUBLEs tie, and a won
    shown = (
        ir.Reported(name="larger", value=larger),
        ir.Reported(name="negated", value=negated),
        ir.Reported(name="least", value=ir.Call(fn="min", args=(attr("b"), attr("a")))),
    )
    result = run(policy(rule, report=shown), log)
    assert kinds(result) == [("condition_false", "e2")]
    assert result.violations[0].details["report"] == {
        "larger": big + 1,
        "negated": -big,
        "least": big,
    }


def test_a_whole_number_written_in_the_policy_beyond_two_to_the_53_is_shown_exactly() -> None:
    """`report ref = 9007199254740993` (and a `let` of it, or `max` where it wins) was shown as
    9007199254740992 on the SQL engines: a literal int kept its digits for comparisons but not
    for the value read back (hunt36 finding-1)."""
    big = 2**53 + 1
    rule = ir.ValueCheck(trigger=trig(pat("x.y")), condition=op("<", attr("a"), lit(big)))
    log = Log()
    log.add("+0s", "x.y", a=big)  # not below itself
    shown = (
        ir.Reported(name="ref", value=lit(big)),
        ir.Reported(name="larger", value=ir.Call(fn="max", args=(attr("a"), lit(big + 2)))),
    )
    result = run(policy(rule, report=shown), log)
    assert kinds(result) == [("condition_false", "e1")]
    assert result.violations[0].details["report"] == {"ref": big, "larger": big + 2}
    assert "(ref: 9007199254740993; larger: 9007199254740995)" in result.violations[0].sentence


def test_a_count_beside_a_whole_number_beyond_two_to_the_53_is_exact() -> None:
    """`ref - count(refund.issued) == first_ref` with ref = 2**53 + 1: a count has no digits in
    the SQL plans, so the difference was taken in DOUBLEs (2**53 + 1 is 2**53 there) and the
    SQL engines flagged the second refund (exact) and passed the first; `max` of a count and a
    big int lost the int's digits (hunt36 finding-2)."""
    big = 2**53 + 1
    issued = ir.History(fn="count", pattern=pat("refund.issued"))
    rule = ir.ValueCheck(
        trigger=trig(pat("refund.issued")),
        condition=op("==", op("-", attr("ref"), issued), lit(big - 1)),
    )
    log = Log()
    log.add("+0s", "refund.issued", ref=big)  # big - 0 != big - 1: breaks
    log.add("+1s", "refund.issued", ref=big)  # big - 1 == big - 1: holds
    shown = (
        ir.Reported(name="plus", value=op("+", issued, attr("ref"))),
        ir.Reported(name="larger", value=ir.Call(fn="max", args=(issued, attr("ref")))),
    )
    result = run(policy(rule, report=shown), log)
    assert kinds(result) == [("condition_false", "e1")]
    assert result.violations[0].details["report"] == {"plus": big, "larger": big}


def test_sums_and_products_of_whole_numbers_beyond_two_to_the_63_are_exact() -> None:
    """An unsigned 64-bit reference (2**63 + 1) minus 1: the SQL plans did HUGEINT arithmetic
    only below 2**63 and otherwise used the DOUBLEs, so `ref == ref + changes(ref)` held there
    (hunt36 finding-4); exact now while the result is below 10**38."""
    big = 2**63
    rule = ir.ValueCheck(
        trigger=trig(pat("x.y")),
        condition=op("==", op("-", attr("ref"), lit(1)), attr("prev")),
    )
    log = Log()
    log.add("+0s", "x.y", ref=big + 1, prev=big)  # holds
    log.add("+1s", "x.y", ref=big + 2, prev=big)  # a gap
    log.add("+2s", "x.y", ref=4 * 10**37 + 1, prev=4 * 10**37)  # holds
    shown = (
        ir.Reported(name="sum", value=op("+", attr("ref"), attr("prev"))),
        ir.Reported(name="product", value=op("*", attr("prev"), lit(2))),
    )
    result = run(policy(rule, report=shown), log)
    assert kinds(result) == [("condition_false", "e2")]
    assert result.violations[0].details["report"] == {"sum": 2**64 + 2, "product": 2**64}


def test_round_of_a_whole_number_beyond_two_to_the_53_keeps_it_exact_in_arithmetic() -> None:
    """round(ref) of an int is the int itself; in SQL it lost its digits, so `round(ref) - 1`
    was computed in DOUBLEs: 2**53 + 1 - 1 came out 2**53 - 1 (hunt36 finding-2)."""
    big = 2**53 + 1
    rounded = ir.Call(fn="round", args=(attr("ref"),))
    rule = ir.ValueCheck(
        trigger=trig(pat("x.y")), condition=op("==", op("-", rounded, lit(1)), lit(big - 1))
    )
    log = Log()
    log.add("+0s", "x.y", ref=big)  # holds
    log.add("+1s", "x.y", ref=2.5)  # round(2.5) - 1 is 1: breaks
    result = run(policy(rule), log)
    assert kinds(result) == [("condition_false", "e2")]


def test_a_value_near_the_constant_it_misses_keeps_its_decimals(tmp_path: Path) -> None:
    """'score >= 4.5 is false (score = 4.5)' and 'rate >= 66.67% is false (rate = 66.7%)': a
    value rounded onto the constant it fails reads as meeting it (hunt25 finding-8). The value
    now keeps the decimals that leave it on its side: 4.49999 and 66.667% (2 of 3 answered)."""
    head = 'policy p.test "Test policy"\n  owner "Desk"\n  description "Hunt 25"\n  per agent\n'
    body = (
        "  let rate = 100% * count(call.answered) / count(call.offered)\n"
        "  when shift.closed\n  require rate >= 66.67% and score >= 4.5\n"
    )
    rule = compiled(tmp_path, body, head)
    log = Log()
    for _ in range(3):
        log.add("+0s", "call.offered", agent="a-1")
    for _ in range(2):
        log.add("+1min", "call.answered", agent="a-1")
    log.add("+1h", "shift.closed", agent="a-1", score=4.49999)
    (breach,) = run(rule, log).violations
    assert breach.sentence.split(": ", 1)[1] == (
        "rate >= 66.67% and score >= 4.5 is false (rate = 66.667%; count(call.answered) = 2; "
        "count(call.offered) = 3; score = 4.49999)"
    )


def test_a_forbidden_event_names_its_values_as_the_condition_writes_them(tmp_path: Path) -> None:
    """A forbid's sentence rounded too ('score = 4.5' under 'where score < 4.5'), and wrote the
    local date as a quoted text ('local_date = "2026-03-02"') where a policy writes a date bare
    and a quoted one is E208 (hunt25 finding-8). (+0s is 10:00 on 2 March in Istanbul.)"""
    head = 'policy p.test "Test policy"\n  owner "CX"\n  description "Hunt 25"\n'
    body = (
        '  zone "Europe/Istanbul"\n'
        "  forbid survey.answered where score < 4.5 and local_date != 2026-03-20\n"
    )
    log = Log()
    log.add("+0s", "survey.answered", score=4.49999)
    log.add("+1min", "survey.answered", score=4.5)
    (breach,) = run(compiled(tmp_path, body, head), log).violations
    assert breach.sentence.split(": ", 1)[1].startswith(
        "score = 4.49999; local_date = 2026-03-02 (rule: forbid"
    )


def test_a_sum_of_six_attributes_runs_on_every_engine() -> None:
    """`ivr + queue + talk + hold + wrap + transfer <= 1200`: each operator reads its operands
    several times over in SQL, so six terms of attributes of unknown kinds were 170 MB of SQL a
    column (the audit ran out of memory, then was refused); a long operand is now written once
    and read by name, on DuckDB and Spark alike. Sums by hand: 1,260 s and 1,200 s."""
    parts = ("ivr", "queue", "talk", "hold", "wrap", "transfer")
    total: ir.Expr = attr(parts[0])
    for name in parts[1:]:
        total = op("+", total, attr(name))
    rule = ir.ValueCheck(trigger=trig(pat("call.ended")), condition=op("<=", total, lit(1200)))
    log = Log()
    long_call = dict(ivr=60, queue=300, talk=800, hold=40, wrap=50, transfer=10)  # 1,260
    log.add("+0s", "call.ended", call="c-1", **long_call)
    log.add("+1min", "call.ended", call="c-2", **(long_call | {"talk": 740}))  # 1,200: fine
    result = run(policy(rule, scope=("call",)), log)
    assert kinds(result) == [("condition_false", "e1")]
    assert counts(result) == tally(scopes=2, activations=2, satisfied=1, violated=1)


def test_lets_read_several_times_run_on_every_engine(tmp_path: Path) -> None:
    """`let handle = ivr + … + transfer` read by `over` and by the condition, `over` read by the
    condition: the SQL plans keep each long let as a column of a stage before the judging and
    read it by name. c-1 sums 60+300+800+40+50+10 = 1,260 s (over 60), c-2 1,200 s (over 0),
    c-3 has no talk: handle and over are missing, the condition cannot be judged."""
    head = 'policy p.test "Test policy"\n  owner "Desk"\n  description "Lets"\n  per call\n'
    body = (
        "  let handle = ivr + queue + talk + hold + wrap + transfer\n"
        "  let over = handle - 1200\n"
        "  when call.ended\n  require over <= 0 and handle <= 1200\n"
    )
    log = Log()
    long_call = dict(ivr=60, queue=300, talk=800, hold=40, wrap=50, transfer=10)
    log.add("+0s", "call.ended", call="c-1", **long_call)
    log.add("+1min", "call.ended", call="c-2", **(long_call | {"talk": 740}))
    log.add(
        "+2min", "call.ended", call="c-3", **{k: v for k, v in long_call.items() if k != "talk"}
    )
    result = run(compiled(tmp_path, body, head), log)
    assert kinds(result) == [("condition_false", "e1"), ("condition_false", "e3")]
    first, missing = result.violations
    assert first.details["values"]["over"] == 60
    assert first.details["values"]["handle"] == 1260
    assert "over" not in missing.details["values"]
    assert counts(result) == tally(scopes=3, activations=3, satisfied=1, violated=2)
