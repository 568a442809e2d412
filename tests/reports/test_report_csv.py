"""The CSV rendering, parsed back with the csv module."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from cxrules.audit import AuditRequest, open_audit, run_audit
from cxrules.reports.as_csv import COLUMNS, render_csv, write_csv
from cxrules.reports.model import Report


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_one_row_per_violation(report: Report) -> None:
    header, *body = rows(render_csv(report))
    assert tuple(header) == COLUMNS == (
        "id", "policy", "severity", "kind", "scope", "start", "end", "duration_seconds",
        "sentence", "trigger", "evidence", "fulfilled_at", "value", "threshold",
    )  # fmt: skip
    assert [row[0] for row in body] == ["v-oct-1", "v-oct-2", "v-rest-1", "v-cc-1", "v-cc-2"]
    assert body[0] == [
        "v-oct-1",
        "octopus.always-connected",
        "high",
        "gap",
        "visit=v-1007",
        "2026-03-02T10:05:00+03:00",
        "2026-03-02T10:07:12+03:00",
        "132",
        "visit v-1007 had no connected arm from 10:05:00 to 10:07:12 (2m12s; grace 30s)",
        "logs/visits.jsonl:17",
        "logs/visits.jsonl:17 logs/visits.jsonl:18",
        "",
        "",
        "",
    ]
    # the whole-log scope is empty; a metric violation has no trigger, duration or evidence
    assert body[2][4] == "" and body[2][8] == 'staff said "no problem" at 12:30:00'
    assert body[3][4:] == [
        "queue=billing",
        "2026-03-02T00:00:00+03:00",
        "2026-03-02T23:59:59+03:00",
        "",
        "service_level of queue billing on 2026-03-02 was 75.0%, below 80%",
        "",
        "",
        "",
        "",  # the sample's metric records carry no details
        "",
    ]
    assert body[4][3] == "metric_warning"


def test_quoting_round_trips(report: Report) -> None:
    sentence = 'a "quoted", multi-line\nsentence; with\r\ncarriage returns'
    odd = report.violations[0].model_copy(update={"sentence": sentence})
    header, first, *_ = rows(render_csv(report.model_copy(update={"violations": [odd]})))
    assert first[header.index("sentence")] == sentence


def test_formulas_are_guarded(report: Report) -> None:
    odd = report.violations[0].model_copy(
        update={"sentence": '=HYPERLINK("http://x")', "scope": {"@user": "-1+2"}}
    )
    one = report.model_copy(update={"violations": [odd]})
    guarded = rows(render_csv(one))[1]
    assert guarded[4] == "'@user=-1+2"
    assert guarded[8] == '\'=HYPERLINK("http://x")'
    plain = rows(render_csv(one, guard_formulas=False))[1]
    assert plain[4] == "@user=-1+2"
    assert plain[8] == '=HYPERLINK("http://x")'


def test_line_ends(report: Report) -> None:
    text = render_csv(report)
    assert text.count("\r\n") == 6 == text.count("\n")  # header and five rows, CRLF each


def test_a_lone_carriage_return_is_quoted(report: Report) -> None:
    odd = report.violations[0].model_copy(update={"sentence": "a\rb", "scope": {"k": "\r"}})
    text = render_csv(report.model_copy(update={"violations": [odd]}))
    assert text.split("\r\n")[1].startswith('v-oct-1,octopus.always-connected,high,gap,"k=\r",')
    header, row = rows(text)
    assert (row[4], row[8]) == ("k=\r", "a\rb")


def reporting(report: Report) -> Report:
    """The sample report, its first two violations showing `report` values (issue 12, point
    19): a host and a party size, then a missing host and the teams a ticket moved between."""
    first, second, *rest = report.violations
    first = first.model_copy(update={"details": {"report": {"host": "Ayşe", "party": 4}}})
    second = second.model_copy(
        update={"details": {"report": {"host": None, "teams": ["L1", "=L2"]}}}
    )
    return report.model_copy(update={"violations": [first, second, *rest]})


def test_reported_values_are_columns_sorted_by_name(report: Report) -> None:
    header, *body = rows(render_csv(reporting(report)))
    assert header == [*COLUMNS, "report.host", "report.party", "report.teams"]
    # text as is, numbers and lists as JSON, missing or not reported: empty
    assert [row[len(COLUMNS) :] for row in body] == [
        ["Ayşe", "4", ""],
        ["", "", '["L1", "=L2"]'],
        ["", "", ""],
        ["", "", ""],
        ["", "", ""],
    ]


def test_reported_values_are_guarded_like_any_text(report: Report) -> None:
    first = report.violations[0].model_copy(update={"details": {"report": {"host": "=cmd"}}})
    one = report.model_copy(update={"violations": [first]})
    assert rows(render_csv(one))[1][-1] == "'=cmd"
    assert rows(render_csv(one, guard_formulas=False))[1][-1] == "=cmd"


def test_a_negative_reported_number_stays_a_number(report: Report) -> None:
    """A reported value of -3 (a score below its target) is the cell -3, which a spreadsheet
    sums, not the text '-3; a text starting with '-' that is no number is still guarded."""
    values = {"delta": -3, "late_by": -0.5, "note": "-3 apples", "sum": "-3+cmd|' /C calc'!A0"}
    first = report.violations[0].model_copy(update={"details": {"report": values}})
    one = report.model_copy(update={"violations": [first]})
    header, row = rows(render_csv(one))
    assert header[len(COLUMNS) :] == ["report.delta", "report.late_by", "report.note", "report.sum"]
    assert row[len(COLUMNS) :] == ["-3", "-0.5", "'-3 apples", "'-3+cmd|' /C calc'!A0"]


def test_the_columns_come_from_the_policies_when_the_report_knows_them(report: Report) -> None:
    # an audit's report knows its policies' names, even those no violation shows
    known = reporting(report).with_reported(["party", "host", "seated_for", "teams"])
    header, first, *_ = rows(render_csv(known))
    names = ["report.host", "report.party", "report.seated_for", "report.teams"]
    assert header == [*COLUMNS, *names]
    assert first[len(COLUMNS) :] == ["Ayşe", "4", "", ""]


REPORTING_POLICIES = """policy restaurant.served "Orders are served within 30 minutes"
  owner "Restaurant floor"
  description "Food within half an hour."
  per table
  when order.placed
  expect food.served within 30min
  report host = last(guest.seated).host

policy restaurant.greeted "Guests are greeted within a minute"
  owner "Restaurant floor"
  description "No breach in this log: its name still has a column."
  per table
  when guest.seated
  expect staff.greeted within 1min
  report waiter = waiter
"""
REPORTING_LOG = [
    '{"time": "2026-03-02T19:00:00+03:00", "type": "guest.seated", "table": "t-1", '
    '"host": "Ayşe", "waiter": "Can"}',
    '{"time": "2026-03-02T19:00:30+03:00", "type": "staff.greeted", "table": "t-1"}',
    '{"time": "2026-03-02T19:05:00+03:00", "type": "order.placed", "table": "t-1"}',
    '{"time": "2026-03-02T20:00:00+03:00", "type": "food.served", "table": "t-1"}',
]


def test_an_audit_writes_the_same_columns_streamed_or_whole(tmp_path: Path) -> None:
    # the names come from the policies: the greeting policy has no violation, yet its column
    # is there, empty; the order at 19:05 is served at 20:00, after its 19:35 deadline
    policies = tmp_path / "p.cxr"
    policies.write_text(REPORTING_POLICIES, encoding="utf-8")
    log = tmp_path / "log.jsonl"
    log.write_text("\n".join(REPORTING_LOG) + "\n", encoding="utf-8")
    request = AuditRequest(
        policies=[str(policies)], logs=[str(log)], project_dir=tmp_path, engine="python"
    )
    with open_audit(request) as (assembled, _):
        streamed = io.StringIO(newline="")
        write_csv(assembled, streamed)
    whole, _ = run_audit(request)
    assert streamed.getvalue() == render_csv(whole)
    header, row = rows(streamed.getvalue())
    assert header == [*COLUMNS, "report.host", "report.waiter"]
    assert row[1:4] == ["restaurant.served", "medium", "late"]
    assert row[len(COLUMNS) :] == ["Ayşe", ""]


HOW_LATE_POLICIES = """policy desk.answer "Tickets are answered within 1 hour"
  owner "Desk"
  description "A late answer."
  per ticket
  when ticket.opened
  expect ticket.answered within 1h

policy desk.quick "80% of tickets answered within 1 hour, per day"
  owner "Desk"
  description "A metric breach."
  metric quick = share(ticket.answered within 1h of ticket.opened)
  require quick >= 80%
"""
HOW_LATE_LOG = [
    '{"time": "2026-03-02T09:00:00Z", "type": "ticket.opened", "ticket": "t-1"}',
    '{"time": "2026-03-02T11:30:00Z", "type": "ticket.answered", "ticket": "t-1"}',
    '{"time": "2026-03-02T10:00:00Z", "type": "ticket.opened", "ticket": "t-2"}',
    '{"time": "2026-03-02T10:20:00Z", "type": "ticket.answered", "ticket": "t-2"}',
]


def test_a_late_answer_and_a_metric_carry_their_figures(tmp_path: Path, audit_engine: str) -> None:
    """A spreadsheet or a CI step reading the CSV could not tell how late a `late` obligation
    was (start and end are the trigger and the deadline; when it was met only the sentence
    said), nor a metric's value or threshold: fulfilled_at, value and threshold say them. t-1
    opened 09:00, deadline 10:00, answered 11:30; one of the two tickets in time: 50% against
    >= 80%."""
    policies = tmp_path / "p.cxr"
    policies.write_text(HOW_LATE_POLICIES, encoding="utf-8")
    log = tmp_path / "log.jsonl"
    log.write_text("\n".join(HOW_LATE_LOG) + "\n", encoding="utf-8")
    request = AuditRequest(
        policies=[str(policies)], logs=[str(log)], project_dir=tmp_path, engine=audit_engine
    )
    with open_audit(request) as (assembled, _):
        streamed = io.StringIO(newline="")
        write_csv(assembled, streamed)
    header, *body = rows(streamed.getvalue())
    assert header[-3:] == ["fulfilled_at", "value", "threshold"]
    got = {row[1]: dict(zip(header, row, strict=True)) for row in body}
    late = got["desk.answer"]
    assert (late["kind"], late["end"]) == ("late", "2026-03-02T10:00:00+00:00")
    assert (late["fulfilled_at"], late["value"], late["threshold"]) == (
        "2026-03-02T11:30:00+00:00",
        "",
        "",
    )
    metric = got["desk.quick"]
    assert (metric["kind"], metric["fulfilled_at"]) == ("metric", "")
    assert (metric["value"], metric["threshold"]) == ("0.5", ">= 80%")
