"""`cxrules explain`'s sentences: every rule kind, window, calendar and metric read back from the
compiled form in plain English, and the Markdown variant escaped. Each expected sentence is
written from the policy text by the rules in cxrules/ir/explain.py, not copied from output."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxrules import ir
from cxrules.ir.explain import (
    calendar_words,
    country_name,
    explain_policy,
    explain_policy_markdown,
    render_explanations,
)
from cxrules.ir.phrases import event_words, plain
from cxrules.policyset import load_policies

META = '  owner "O"\n  description "D"\n'

CALENDAR = """calendar support_tr "Support desk"
  zone "Europe/Istanbul"
  hours mon-fri 09:00-18:00, sat 10:00-14:00
  holidays "TR"

state waiting_on_customer = followup.awaiting_customer until followup.customer_replied

"""


def compile_one(tmp_path: Path, body: str, head: str = "", **overrides: str) -> ir.PolicySet:
    (tmp_path / "p.cxr").write_text(head + 'policy p.q "T"\n' + META + body, encoding="utf-8")
    loaded = load_policies([str(tmp_path / "p.cxr")], dict(overrides), root=tmp_path)
    assert loaded.policy_set is not None, [d.render() for d in loaded.diagnostics]
    return loaded.policy_set


def explain(tmp_path: Path, body: str, head: str = "", **overrides: str) -> str:
    ps = compile_one(tmp_path, body, head, **overrides)
    return explain_policy(ps.policies[0], ps.calendars)


CASES = {
    # ---------------------------------------------------------------- the example
    "business hours, calendar, paused clock, at risk": (
        CALENDAR,
        "  calendar support_tr\n  at risk 4h\n  per complaint\n  when complaint.filed\n"
        "  expect complaint.answered within 16 business hours paused while waiting_on_customer\n",
        "For each complaint: when a complaint is filed, it must be answered within 16 business "
        "hours of the support_tr calendar (Mon–Fri 09:00–18:00, Sat 10:00–14:00, "
        "Europe/Istanbul, public holidays in Turkey); the clock stops while waiting on customer. "
        "An open obligation is reported at risk in the last 4h before its deadline. "
        '"waiting on customer" holds from when a followup.awaiting_customer event occurs until '
        "a followup.customer_replied event occurs.",
    ),
    "business minutes on a named calendar, named once": (
        CALENDAR,
        "  per complaint\n  when complaint.filed\n"
        "  expect complaint.answered within 90 business minutes on support_tr\n",
        "For each complaint: when a complaint is filed, it must be answered within 90 business "
        "minutes of the support_tr calendar (Mon–Fri 09:00–18:00, Sat 10:00–14:00, "
        "Europe/Istanbul, public holidays in Turkey).",
    ),
    # ---------------------------------------------------------------- responses
    "response with unless, 'it' for the scope's entity": (
        "",
        "  per order\n  when order.placed\n  expect order.delivered within 2d\n"
        "  unless order.cancelled\n",
        "For each order: when an order is placed, it must be delivered within 2d, unless it is "
        "cancelled first.",
    ),
    "two scope keys, counted trigger or later": (
        "",
        "  per customer, topic\n  when 3rd or later complaint.filed within 30d\n"
        "  expect case.escalated within 24h\n",
        "For each customer and topic: when a complaint is filed for the 3rd time within 30d, or "
        "any later time while there are 3 or more within 30d, a case must be escalated within "
        "24h.",
    ),
    "counted trigger over the whole history": (
        "",
        "  per ticket\n  when 1st ticket.assigned\n  expect ticket.closed within 5d\n",
        "For each ticket: when a ticket is assigned for the 1st time, it must be closed within 5d.",
    ),
    "before window between, where with history, scope end": (
        "",
        "  per appointment until technician.arrived\n  when technician.arrived\n"
        "  expect notification.sent between 35min and 25min before\n"
        "    where channel == last(appointment.booked).notify_channel\n",
        "For each appointment, ending when a technician arrives: when a technician arrives, a "
        "notification must have been sent between 35min and 25min before, where channel is the "
        "notify_channel of the last appointment.booked event.",
    ),
    "at least before, a person who acts": (
        "",
        "  per appointment\n  when courier.arrived\n"
        "  expect courier.called at least 15min before\n",
        "For each appointment: when a courier arrives, a courier must have called at least 15min "
        "before.",
    ),
    "any time before": (
        "",
        "  per case\n  when incident.closed\n  expect incident.assigned before\n",
        "For each case: when an incident is closed, an incident must have been assigned at some "
        "time before.",
    ),
    "the triggering event's attribute; each": (
        "",
        "  per visit\n  when arm.disconnected\n  expect each arm.connected within 1min\n"
        "    where arm != trigger.arm\n",
        "For each visit: when an arm disconnects, an arm must connect within 1min, where arm is "
        "not the arm of the triggering event; each matching event meets only one of them, the "
        "oldest not yet met.",
    ),
    "end of day with a zone and a time-of-day condition": (
        "",
        '  zone "Europe/Bucharest"\n  per order\n'
        '  when order.placed where city == "Bucharest" and local_time < 12:00\n'
        "  expect order.delivered by end of day\n",
        'For each order: when an order is placed where city is "Bucharest" and the local time is '
        "before 12:00, it must be delivered by the end of the day. Times of day and dates are "
        "read in Europe/Bucharest.",
    ),
    "clock time deadline, log zone": (
        "",
        "  per order\n  when order.placed\n  expect order.shipped by 18:00\n",
        "For each order: when an order is placed, it must be shipped by the next 18:00. Times of "
        "day and dates are read in the log's time zone.",
    ),
    "end of business day": (
        CALENDAR,
        "  calendar support_tr\n  per ticket\n  when ticket.opened\n"
        "  expect ticket.answered by end of business day\n",
        "For each ticket: when a ticket is opened, it must be answered by the close of business "
        "on the support_tr calendar (Mon–Fri 09:00–18:00, Sat 10:00–14:00, Europe/Istanbul, "
        "public holidays in Turkey).",
    ),
    "deadline from an attribute": (
        "",
        "  per appointment\n  when appointment.booked\n"
        "  expect technician.arrived by last(appointment.booked).window_end\n",
        "For each appointment: when an appointment is booked, a technician must arrive by the "
        "window_end of the last appointment.booked event.",
    ),
    "a parameter, overridden": (
        'param max_wait = 2min "Longest wait"\n\n',
        "  per call\n  when call.queued\n  expect call.answered within max_wait\n",
        "For each call: when a call is queued, it must be answered within 30s.",
    ),
    # ---------------------------------------------------------------- other rule kinds
    "forbid after, mass noun, several types": (
        "",
        "  per customer\n  when complaint.filed\n"
        "  forbid [marketing.sent, newsletter.sent] within 7d\n  unless case.resolved\n",
        "For each customer: when a complaint is filed, no marketing.sent or newsletter.sent event "
        "may occur within 7d, unless a case is resolved first.",
    ),
    "forbid after the scope's own entity, paused clock": (
        "state waiting = ticket.waiting until ticket.resumed\n\n",
        "  per ticket\n  when ticket.closed\n"
        "  forbid ticket.reopened within 2d paused while waiting\n",
        "For each ticket: when a ticket is closed, it must not be reopened within 2d; the clock "
        'stops while waiting. "waiting" holds from when a ticket.waiting event occurs until a '
        "ticket is resumed.",
    ),
    "forbid one type with a condition": (
        "",
        '  forbid marketing.sent where channel in ["sms", "call"]\n',
        'It is a breach whenever marketing is sent where channel is one of "sms", "call".',
    ),
    "forbid two types with a condition that covers both": (
        # hunt19: two clauses joined by 'or' then 'where' read as if every resolution were a
        # breach ('a completed.resolved event occurs or a completed.closed event occurs where')
        "",
        '  forbid [completed.resolved, completed.closed] where impact == "High"\n',
        "It is a breach whenever a completed.resolved or completed.closed event occurs where "
        'impact is "High".',
    ),
    "forbid, text functions and a pattern": (
        "",
        '  forbid staff.said where lower(text) contains "no problem" or text matches "(?i)nope"\n',
        "It is a breach whenever a staff member says something where text in lower case "
        'contains "no problem" or text matches the pattern "(?i)nope".',
    ),
    "require at least once": (
        "",
        "  per table\n  require staff.greeted\n",
        "For each table: a staff member must greet at least once by the end of the audit.",
    ),
    "require between": (
        "",
        "  per case\n  require incident.closed at least 1 times at most 2 times\n",
        "For each case: an incident must be closed between 1 and 2 times by the end of the audit.",
    ),
    "require at most, a quoted type": (
        "",
        '  per case\n  require "Accepted/In Progress" at most 1 times\n',
        "For each case: an Accepted/In Progress event must occur at most once by the end of "
        "the audit.",
    ),
    "rate limit": (
        "",
        "  per customer, topic\n  at most 3 complaint.filed within 90d\n",
        "For each customer and topic: a complaint may be filed at most 3 times within any 90d; "
        "each time beyond that is a breach.",
    ),
    "rate limit with a where": (
        "",
        '  per store\n  at most 2 call.made where topic == "complaint" within 1h\n',
        "For each store: a call may be made at most twice within any 1h, counting those where "
        'topic is "complaint"; each time beyond that is a breach.',
    ),
    "value check with a let, arithmetic in order": (
        "",
        "  per visit\n"
        "  let battery = clamp(50% + 10% * count(arm.connected) - 20% * count(customer.waited),"
        " 0%, 100%)\n  when customer.left\n  require battery >= 90%\n",
        "For each visit: when a customer leaves, battery must be at least 90% (a missing value "
        "is a breach), where battery is (50% + 10% × the number of earlier arm.connected events "
        "- 20% × the number of earlier customer.waited events, kept between 0% and 100%).",
    ),
    "value check with a let that uses a let": (
        "",
        "  per visit\n  let base = 50% + 10% * count(arm.connected)\n"
        "  let battery = clamp(base, 0%, 100%)\n  when customer.left\n"
        "  require battery >= 90% and base > 0%\n",
        "For each visit: when a customer leaves, battery must be at least 90% and base must be "
        "more than 0% (a missing value is a breach), where battery is (base, kept between 0% "
        "and 100%) and base is 50% + 10% × the number of earlier arm.connected events.",
    ),
    "value check on times, changes and previous": (
        "",
        "  per ticket\n  when ticket.closed\n"
        "  require changes(team) <= 3 and previous.team is not missing\n",
        "For each ticket: when a ticket is closed, the number of times team changed must be at "
        "most 3 and the team of the previous event must be present (a missing value is a "
        "breach).",
    ),
    "value check between times": (
        "",
        "  per appointment\n  when technician.arrived\n"
        "  require time >= last(appointment.booked).window_start\n",
        "For each appointment: when a technician arrives, the time must be at or after the "
        "window_start of the last appointment.booked event (a missing value is a breach).",
    ),
    "invariant with a keyed state and grace": (
        "",
        "  per visit\n  state connection = arm.connected until arm.disconnected, by arm\n"
        "  while customer.entered until customer.left:\n"
        "    always count(connection) >= 1, grace 30s\n",
        "For each visit: at every moment from when a customer enters until a customer leaves, "
        "the number of open connection states must be at least 1; gaps of up to 30s are "
        'tolerated. "connection" holds from when an arm connects until an arm disconnects, one '
        "for each arm.",
    ),
    "invariant over a named state, no grace": (
        "state open_shop = store.opened until store.closed\n"
        "state on_shift = staff.checked_in until staff.checked_out, by staff\n\n",
        "  per store\n  while open_shop:\n    always count(on_shift) >= 2\n",
        "For each store: at every moment while open shop holds, the number of open on shift "
        'states must be at least 2; no gap is tolerated. "on shift" holds from when a '
        "staff.checked_in event occurs until a staff.checked_out event occurs, one for each "
        'staff. "open shop" holds from when a store is opened until a store is closed.',
    ),
    "how long a named state may last": (
        "state unowned = ticket.queued until ticket.accepted\n\n",
        "  per ticket\n  while unowned: at most 24h\n",
        "For each ticket: each stretch of time while unowned holds may last at most 24h; a "
        'longer one is a breach. "unowned" holds from when a ticket is queued until a ticket is '
        "accepted.",
    ),
    "how long an inline state may last": (
        "",
        "  per ticket\n  while ticket.queued until ticket.accepted: at most 2 days\n",
        "For each ticket: each stretch from when a ticket is queued until a ticket is accepted "
        "may last at most 2 days; a longer one is a breach.",
    ),
    "the trigger counts": (
        "",
        "  per case\n  when * where count(*) == 0\n"
        "  expect ticket.take_in_charge within 2h, trigger counts\n",
        "For each case: when an event occurs where the number of earlier events is 0, a "
        "ticket.take_in_charge event must occur within 2h; the triggering event itself counts "
        "when it matches.",
    ),
    "the trigger could match but does not count": (
        "",
        "  per case\n  when [case.opened, case.taken] expect case.taken within 2h\n",
        "For each case: when a case is opened or a case is taken, it must be taken within 2h; the "
        "triggering event itself never counts.",
    ),
    # ---------------------------------------------------------------- metrics
    "share per group and day, warn, minimum sample": (
        "",
        '  zone "Europe/Istanbul"\n  per call\n'
        "  metric service_level = share(call.answered within 20s of call.queued)\n"
        "    by queue\n    per day\n"
        "  require service_level >= 80% warn below 85% minimum sample 20\n",
        "Per queue and day (Europe/Istanbul time): service_level, the share of the times a call "
        "is queued in which it is answered within 20s in the same call, must be at least 80%, "
        "with a warning below 85%; judged only where a call is queued at least 20 times (fewer "
        "is reported as insufficient).",
    ),
    "share with unless": (
        "",
        "  per call\n"
        "  metric sl = share(call.answered within 20s of call.queued unless call.abandoned)\n"
        "    per day\n  require sl >= 80%\n",
        "Per day (the log's time zone): sl, the share of the times a call is queued in which it "
        "is answered within 20s in the same call, unless it is abandoned first, must be at least "
        "80%.",
    ),
    "ratio with a history condition, warn above, log zone": (
        "",
        "  per customer, topic\n"
        "  metric repeat_rate = ratio(complaint.filed where count(complaint.filed) >= 1, "
        "complaint.filed)\n    per month\n  require repeat_rate <= 10% warn above 5%\n",
        "Per month (the log's time zone): repeat_rate, the number of times a complaint is filed "
        "where the number of earlier complaint.filed events is at least 1, divided by the number "
        "of times a complaint is filed, must be at most 10%, with a warning above 5%; earlier "
        "events are those of the same customer and topic.",
    ),
    "nps per store and month": (
        "",
        '  zone "Europe/Istanbul"\n'
        '  metric nps = nps(score of survey.answered where kind == "nps")\n'
        "    by store\n    per month\n  require nps >= 40 warn below 50\n",
        "Per store and month (Europe/Istanbul time): nps, the NPS of score over the times a "
        'survey is answered where kind is "nps" (100 × (promoters 9–10 − detractors 0–6) / '
        "answers), must be at least 40, with a warning below 50.",
    ),
    "percentile of a waiting time over the whole log": (
        "",
        "  metric p90 = percentile(wait of call.answered, 90)\n  require p90 <= 1min\n",
        "Over the whole log: p90, the 90th percentile (linear interpolation) of wait over the "
        "times a call is answered, must be at most 1min.",
    ),
    # issue 12, point 16: the method is named; point 15: a group that is a let says what it is
    "nearest-rank percentile per queue of the call's first queueing": (
        "",
        "  per call\n  let q = first(call.queued).queue\n"
        "  metric p90 = percentile(wait of call.answered, 90, nearest rank) by q\n"
        "  require p90 <= 1min\n",
        "Per q (the queue of the first call.queued event, in the same call): p90, the 90th "
        "percentile (nearest rank) of wait over the times a call is answered, must be at most "
        "1min.",
    ),
    "count per group": (
        "",
        "  metric complaints = count(complaint.filed)\n    by store\n  require complaints <= 5\n",
        "Per store: complaints, the number of times a complaint is filed, must be at most 5.",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_construct_reads_as_a_sentence(name: str, tmp_path: Path) -> None:
    head, body, expected = CASES[name]
    overrides = {"max_wait": "30s"} if "param" in head else {}
    assert explain(tmp_path, body, head, **overrides) == expected


def test_reported_values_are_shown_as_written(tmp_path: Path) -> None:
    """`last(x).time` is written with its `.time` (once dropped, hunt39); `first(x)` alone, the
    same value, stays as it was written."""
    text = explain(
        tmp_path,
        "  per table\n  when order.placed\n  expect food.served within 30min\n"
        "  report seated_for = time - last(guest.seated).time,"
        " since = time - first(guest.seated)\n",
    )
    assert text.endswith(
        "Each violation shows, as at its trigger: seated_for (time - last(guest.seated).time) and "
        "since (time - first(guest.seated))."
    )


def test_every_rule_kind_and_window_form_has_a_case() -> None:
    bodies = " ".join(body for _, body, _ in CASES.values())
    for rule in ("expect", "forbid", "require", "at most", "always", "metric"):
        assert rule in bodies
    for window in ("within", "before", "by end of day", "by 18:00", "by last(", "business"):
        assert window in bodies


def test_markdown_quotes_names_and_escapes_everything_else(tmp_path: Path) -> None:
    ps = compile_one(
        tmp_path,
        '  forbid chat.sent where text contains "<script>`x`*y*</script>"\n',
    )
    text = explain_policy_markdown(ps.policies[0], ps.calendars)
    assert text == (
        "It is a breach whenever a chat is sent where `text` contains "
        '``"<script>`x`*y*</script>"``.'
    )


def test_markdown_words_cannot_become_markup() -> None:
    p = ir.Policy(
        id="a.b",
        title="t",
        scope=("x",),
        rule=ir.Absence(pattern=ir.Pattern(types=("[link](http://e)<b>.sent",))),
    )
    # the type is no `noun.verb` name: quoted as a code span, so nothing in it renders
    assert explain_policy_markdown(p, {}) == (
        "For each `x`: it is a breach whenever a `[link](http://e)<b>.sent` event occurs."
    )


def test_render_explanations_text_and_markdown(tmp_path: Path) -> None:
    ps = compile_one(tmp_path, "  per order\n  when order.placed\n  expect order.paid within 1h\n")
    assert render_explanations(ps, "text") == (
        "p.q: T\n  severity medium, owner O (p.cxr:1)\n"
        "  For each order: when an order is placed, it must be paid within 1h.\n"
    )
    assert render_explanations(ps, "markdown") == (
        "# Policies explained\n\n## `p.q`: T\n\nSeverity medium · owner O · `p.cxr:1`\n\n"
        "For each `order`: when an order is placed, it must be paid within 1h.\n"
    )


def test_text_is_wrapped_at_the_width(tmp_path: Path) -> None:
    ps = compile_one(tmp_path, "  per order\n  when order.placed\n  expect order.paid within 1h\n")
    lines = render_explanations(ps, "text", width=40).splitlines()
    assert lines[2:] == [
        "  For each order: when an order is",
        "  placed, it must be paid within 1h.",
    ]


@pytest.mark.parametrize(
    ("event_type", "present", "must", "never"),
    [
        ("complaint.filed", "a complaint is filed", "a complaint must be filed", None),
        ("order.placed", "an order is placed", None, "no order may be placed"),
        ("customer.left", "a customer leaves", "a customer must leave", "no customer may leave"),
        ("staff.greeted", "a staff member greets", "a staff member must greet", None),
        ("call.answered", "a call is answered", None, None),
        ("followup.done", "a followup is done", "a followup must be done", None),
        ("water.served", "water is served", "water must be served", "no water may be served"),
        ("user.replied", "a user replies", None, None),
        ("ticket.take_in_charge_ticket", "a ticket.take_in_charge_ticket event occurs", None, None),
        ("completed.closed", "a completed.closed event occurs", None, None),
        (
            "şikayet.açıldı",
            "a şikayet.açıldı event occurs",
            None,
            "no şikayet.açıldı event may occur",
        ),
        ("call.*", "a call.* event occurs", "a call.* event must occur", None),
        # things left by someone are left, not leaving (hunt37 finding-1)
        ("voicemail.left", "a voicemail is left", None, "no voicemail may be left"),
        ("voice_message.left", "a voice message is left", "a voice message must be left", None),
        ("feedback.left", "feedback is left", None, None),
        ("guest.left", "a guest leaves", None, "no guest may leave"),
        # letters said one by one take 'an'; '*' is any event (hunt37 finding-2)
        ("sms.sent", "an sms is sent", None, "no sms may be sent"),
        ("sla.breached", "an sla is breached", None, None),
        ("hr.notified", "an hr is notified", None, None),
        ("crm.updated", "a crm is updated", None, None),
        ("x.y", "an x.y event occurs", None, None),
        ("*", "an event occurs", "an event must occur", "no event may occur"),
        ("ticket", "a ticket event occurs", None, None),
        # Turkish and Romanian letters do not cut a word into letters said one by one
        # ('an müşteri.girdi event', as if 'm' were spelt out)
        ("müşteri.girdi", "a müşteri.girdi event occurs", None, None),
        ("şikayet.açıldı", "a şikayet.açıldı event occurs", None, None),
        ("ödeme.alındı", "an ödeme.alındı event occurs", None, None),
        ("sütlü", "a sütlü event occurs", None, None),
    ],
)
def test_event_types_read_as_clauses(
    event_type: str, present: str, must: str | None, never: str | None
) -> None:
    words = event_words(event_type)
    assert plain(words.clause()) == present
    if must:
        assert plain(words.clause("must")) == must
    if never:
        assert plain(words.clause("never")) == never


def test_calendar_words() -> None:
    cal = ir.Calendar(
        name="c",
        zone="Europe/Bucharest",
        hours=(
            ir.WeekHours(weekday=0, ranges=(("09:00", "12:30"), ("13:30", "18:00"))),
            ir.WeekHours(weekday=1, ranges=(("09:00", "12:30"), ("13:30", "18:00"))),
            ir.WeekHours(weekday=3, ranges=(("10:00", "16:00"),)),
            ir.WeekHours(weekday=6, ranges=(("10:00", "16:00"),)),
        ),
        holiday_country="US",
        holiday_subdivision="CA",
        closed_dates=("2026-12-31",),
        open_dates=("2026-12-25", "2026-12-26"),
    )
    assert calendar_words(cal) == (
        "Mon–Tue 09:00–12:30 and 13:30–18:00, Thu 10:00–16:00, Sun 10:00–16:00, "
        "Europe/Bucharest, public holidays in the United States (CA), closed 2026-12-31, "
        "open 2026-12-25, 2026-12-26"
    )


def test_country_names() -> None:
    assert [country_name(c) for c in ("RO", "NL", "it", "XX")] == [
        "Romania",
        "the Netherlands",
        "Italy",
        "XX",
    ]


def test_every_seed_policy_is_explained_with_its_own_words() -> None:
    root = Path(__file__).resolve().parents[2]
    ps = load_policies([str(root / "policies")], root=root).policy_set
    assert ps is not None
    for policy in ps.policies:
        text = explain_policy(policy, ps.calendars)
        assert text.endswith(".") and text[0].isupper(), policy.id
        assert "None" not in text and "  " not in text, (policy.id, text)
