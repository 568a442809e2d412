"""End-to-end audits of the real public logs in ../shared/data with the policies in examples/.

Each log is audited as it is exported, with its `examples/<folder>/cxrules.toml` mapping and
`policies.cxr`. The tests check the counts the audit reports against the published record counts
(each folder's SOURCE.md), that the tallies reconcile, and — for several rules — that the number
of violations equals a count made here independently, with the standard library only (csv, gzip,
zoneinfo), straight from the raw file. The 141,712-event ServiceNow and the 369,485-event
BPIC 2014 audits take more than 20 s each and are marked `slow`.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cxrules.audit import AuditRequest, run_audit
from cxrules.reports.model import PolicySummary, Report

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"

pytestmark = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"the shared data folder {SHARED} is absent"
)


@cache
def audit(folder: str, file: str) -> Report:
    """The audit of one real log with its example policies and mapping (run once per session)."""
    example = ROOT / "examples" / folder
    request = AuditRequest(
        policies=[str(example / "policies.cxr")],
        logs=[str(SHARED / folder / file)],
        mapping=str(example / "cxrules.toml"),
        project_dir=ROOT,
    )
    report, warnings = run_audit(request)
    assert warnings == []  # every example policy has an owner and a description
    return report


def policy(report: Report, policy_id: str) -> PolicySummary:
    [found] = [p for p in report.policies if p.id == policy_id]
    return found


def violations(report: Report, policy_id: str, kind: str | None = None) -> int:
    return sum(
        1 for v in report.violations if v.policy == policy_id and (kind is None or v.kind == kind)
    )


def assert_clean_input(report: Report, records: int) -> None:
    """Every record of the file was read and accepted: the published count, no rejection."""
    [summary] = report.inputs
    assert (summary.read, summary.accepted, summary.rejected) == (records, records, 0)
    assert (report.rejected, report.rejected_total) == ([], 0)


def assert_reconciled(report: Report) -> None:
    """Every activation of a rule ends satisfied, violated, pending or cancelled; every violated
    one (and every metric warning) is one violation record."""
    for p in report.policies:
        assert p.activations == p.satisfied + p.violated + p.pending + p.cancelled, p.id
        if p.kind == "invariant":  # an interval with two long gaps: one activation, two records
            assert violations(report, p.id) >= p.violated, p.id
        else:
            assert violations(report, p.id) == p.violated + p.warnings, p.id


def raw_csv(folder: str, file: str, **options: str) -> Iterator[dict[str, str]]:
    """The rows of a raw export, read with the standard library only."""
    path = SHARED / folder / file
    encoding = options.pop("encoding", "utf-8")
    with (
        gzip.open(path) if file.endswith(".gz") else path.open("rb") as binary,
        io.TextIOWrapper(binary, encoding=encoding, newline="") as text,
    ):
        yield from csv.DictReader(text, **options)  # type: ignore[arg-type]


def changes(values: list[str]) -> int:
    """How often a value changes along a sequence (A, A, B, C, A → 3)."""
    return sum(1 for a, b in zip(values, values[1:], strict=False) if a != b)


# --- Helpdesk of an Italian software company (4TU), 21,348 events, 4,580 tickets -------------

HELPDESK = ("helpdesk_italian_software", "finale.csv.gz")


def helpdesk_tickets() -> dict[str, list[dict[str, str]]]:
    """Each ticket's rows in time order (equal times keep file order), as the audit sees them."""
    tickets: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in raw_csv(*HELPDESK):
        tickets[row["Case ID"]].append(row)
    for rows in tickets.values():
        rows.sort(key=lambda r: r["Complete Timestamp"])  # yyyy/mm/dd hh:mm:ss.sss sorts as text
    return tickets


def test_helpdesk_reads_every_record_and_reconciles():
    report = audit(*HELPDESK)
    assert_clean_input(report, 21348)  # SOURCE.md: 21,348 events
    assert report.inputs[0].events == 21348  # one event per row
    assert_reconciled(report)
    # one activation per event of the trigger's type (SOURCE.md activity frequencies)
    assert policy(report, "helpdesk.resolved-to-closed").activations == 4983  # Resolve ticket
    assert policy(report, "helpdesk.handovers").activations == 4574  # Closed
    assert policy(report, "helpdesk.resolved-once").activations == 4580  # one per ticket


def test_helpdesk_handovers_recomputed_from_the_csv():
    """helpdesk.handovers: at each Closed, more than 3 changes of Resource so far."""
    expected = 0
    for rows in helpdesk_tickets().values():
        for i, row in enumerate(rows):
            if row["Activity"] == "Closed":
                expected += changes([r["Resource"] for r in rows[: i + 1]]) > 3
    report = audit(*HELPDESK)
    assert expected == 153
    assert violations(report, "helpdesk.handovers") == expected


def test_helpdesk_resolved_exactly_once_recomputed_from_the_csv():
    """helpdesk.resolved-once: tickets with no Resolve ticket (too few) or several (too many)."""
    resolved = Counter(
        sum(r["Activity"] == "Resolve ticket" for r in rows) for rows in helpdesk_tickets().values()
    )
    too_few = resolved[0]
    too_many = sum(n for times, n in resolved.items() if times > 1)
    report = audit(*HELPDESK)
    assert (too_few, too_many) == (11, 386)
    assert violations(report, "helpdesk.resolved-once", "too_few") == too_few
    assert violations(report, "helpdesk.resolved-once", "too_many") == too_many


def test_helpdesk_take_in_charge_deadline_counts_office_hours():
    """Case 3608: Assign seriousness Wed 2010-01-13 08:40 (before opening); 16 office hours of
    Mon-Fri 09:00-18:00 are Wed 09:00-18:00 (9h) and Thu 09:00-16:00 (7h)."""
    report = audit(*HELPDESK)
    [breach] = [
        v
        for v in report.violations
        if v.policy == "helpdesk.take-in-charge" and v.scope == {"case": "Case 3608"}
    ]
    assert breach.kind == "late"
    deadline = datetime.fromisoformat(breach.details["deadline"])
    assert deadline == datetime.fromisoformat("2010-01-14T16:00:00+01:00")
    assert breach.fulfilled_at == "2010-01-29T08:52:27+01:00"


def test_helpdesk_wait_limit_recomputed_from_the_csv():
    """helpdesk.wait-limit: stretches on Wait (until Take in charge ticket, Resolve ticket or
    Closed) longer than 30 days; one still open at the last event is judged up to it. A Wait at
    the very instant a stretch ended continues it (none does in this log)."""
    rome = ZoneInfo("Europe/Rome")

    def instant(text: str) -> float:
        return datetime.strptime(text, "%Y/%m/%d %H:%M:%S.%f").replace(tzinfo=rome).timestamp()

    tickets = helpdesk_tickets()
    horizon = max(instant(r["Complete Timestamp"]) for rows in tickets.values() for r in rows)
    ends, limit = {"Take in charge ticket", "Resolve ticket", "Closed"}, 30 * 86400
    stretches = too_long = pending = 0
    for rows in tickets.values():
        since: float | None = None
        ended: tuple[float, float] | None = None  # a stretch that may resume at its end
        for row in rows:
            t, activity = instant(row["Complete Timestamp"]), row["Activity"]
            if ended is not None and t > ended[1]:
                too_long += ended[1] - ended[0] > limit
                ended = None
            if activity == "Wait" and since is None:
                if ended is not None:
                    since, ended = ended[0], None
                else:
                    since, stretches = t, stretches + 1
            elif activity in ends and since is not None:
                ended, since = (since, t), None
        if ended is not None:
            too_long += ended[1] - ended[0] > limit
        if since is not None:
            too_long += horizon - since > limit
            pending += horizon - since <= limit
    assert (stretches, too_long, pending) == (1348, 77, 1)
    report = audit(*HELPDESK)
    found = policy(report, "helpdesk.wait-limit")
    assert (found.activations, found.violated, found.pending) == (stretches, too_long, pending)
    assert violations(report, "helpdesk.wait-limit", "too_long") == too_long


def test_helpdesk_a_ticket_whose_first_event_is_take_in_charge_is_taken_in_charge():
    """helpdesk.first-pickup (`, trigger counts`): no ticket whose first row is Take in charge
    ticket is reported; one activation per ticket."""
    first = {
        case
        for case, rows in helpdesk_tickets().items()
        if rows[0]["Activity"] == "Take in charge ticket"
    }
    assert len(first) == 74
    report = audit(*HELPDESK)
    assert policy(report, "helpdesk.first-pickup").activations == 4580
    reported = {v.scope["case"] for v in report.violations if v.policy == "helpdesk.first-pickup"}
    assert first & reported == set()


# --- Anonymous Bank call centre, February 1999: 33,344 calls ---------------------------------

BANK = ("anonymous_bank_callcenter_feb1999", "data_anonymous_bank_february.txt.gz")


def seconds(clock: str) -> int:
    hours, minutes, secs = clock.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + int(secs)


def call_day(row: dict[str, str], column: str) -> date:
    """The day of a time-of-day column: the row's date, or the next day when the time is more
    than 12 hours earlier than the VRU entry (a call crossing midnight; a little earlier is a
    clock skew between the VRU and the queue, on the same day)."""
    day = datetime.strptime(row["date"], "%y%m%d").date()
    if seconds(row["vru_entry"]) - seconds(row[column]) > 12 * 3600:
        day += timedelta(days=1)
    return day


def test_call_centre_reads_every_call_and_reconciles():
    report = audit(*BANK)
    assert_clean_input(report, 33344)  # SOURCE.md: 33,344 call records
    # 278 PHANTOM calls yield no events; the others unfold into entered/queued/dequeued/
    # answered/abandoned/ended: 33,066 + 18,058 + 18,059 + 27,112 + 5,904 + 33,016
    assert report.inputs[0].events == 135215
    assert_reconciled(report)
    assert policy(report, "callcenter.max-wait").activations == 18058  # queued calls


def test_call_centre_abandonment_recomputed_per_queue_and_day():
    """callcenter.abandonment: per call type and day, calls abandoned (HANG) after 5 s or more in
    the queue / calls queued; judged with at least 20 queued calls; > 15% violated, > 10% warn."""
    queued: Counter[tuple[str, date]] = Counter()
    abandoned: Counter[tuple[str, date]] = Counter()
    for row in raw_csv(*BANK, delimiter="\t"):
        if row["outcome"] == "PHANTOM" or row["q_start"] == "0:00:00":
            continue
        queued[row["type"], call_day(row, "q_start")] += 1
        if row["outcome"] == "HANG" and row["q_exit"] != "0:00:00" and int(row["q_time"]) >= 5:
            abandoned[row["type"], call_day(row, "q_exit")] += 1
    status: Counter[str] = Counter()
    for cell in set(queued) | set(abandoned):
        if queued[cell] < 20:
            status["insufficient"] += 1
        else:
            rate = abandoned[cell] / queued[cell]
            status["violated" if rate > 0.15 else "warn" if rate > 0.10 else "ok"] += 1
    summary = policy(audit(*BANK), "callcenter.abandonment")
    assert status == {"insufficient": 82, "violated": 36, "warn": 20, "ok": 20}
    assert (summary.scopes, summary.vacuous) == (158, status["insufficient"])
    assert (summary.violated, summary.warnings) == (status["violated"], status["warn"])
    assert summary.satisfied == status["ok"] + status["warn"]


def test_call_centre_max_wait_recomputed():
    """callcenter.max-wait: a queued call leaves the queue more than 5 minutes later (late).

    The 23 calls whose VRU exit precedes their VRU entry (negative vru_time, a clock skew of up
    to 192 s in the source) queue a little before their entry; they stay on their own day, so
    every queued call has its queue exit and none is missing.
    """
    late = skewed = 0
    for row in raw_csv(*BANK, delimiter="\t"):
        if row["outcome"] == "PHANTOM" or row["q_start"] == "0:00:00":
            continue
        skewed += int(row["vru_time"]) < 0 and seconds(row["q_start"]) < seconds(row["vru_entry"])
        queued_at = datetime.combine(call_day(row, "q_start"), datetime.min.time())
        left_at = datetime.combine(call_day(row, "q_exit"), datetime.min.time())
        queued_at += timedelta(seconds=seconds(row["q_start"]))
        left_at += timedelta(seconds=seconds(row["q_exit"]))
        late += left_at - queued_at > timedelta(minutes=5)
    report = audit(*BANK)
    assert (late, skewed) == (375, 23)
    assert violations(report, "callcenter.max-wait", "late") == late
    assert violations(report, "callcenter.max-wait", "missing") == 0


# --- Volvo IT incidents (BPIC 2013): 65,533 events, 7,554 incidents ---------------------------

VINST = ("bpic2013_incidents", "bpi_challenge_2013_incidents.xes.gz")


def test_vinst_reads_every_event_and_reconciles():
    report = audit(*VINST)
    assert_clean_input(report, 65533)  # SOURCE.md: 65,533 events
    assert_reconciled(report)
    # SOURCE.md counts by status/sub-status
    assert policy(report, "vinst.queue-pickup").activations == 11544  # Queued/Awaiting Assignment
    assert policy(report, "vinst.resolved-to-closed").activations == 6115  # Completed/Resolved
    assert policy(report, "vinst.team-handovers").activations == 5716  # Completed/Closed
    assert policy(report, "vinst.user-wait-limit").activations == 4217  # Accepted/Wait - User


def test_vinst_team_handovers_recomputed_from_the_flat_csv():
    """vinst.team-handovers, counted on the CSV flattened from the XES (a different file and a
    different reader): at each Completed/Closed, more than 3 changes of org:group so far."""
    incidents: dict[str, list[tuple[datetime, int, dict[str, str]]]] = defaultdict(list)
    rows = raw_csv("bpic2013_incidents", "bpic2013_incidents.csv.gz")
    for number, row in enumerate(rows):
        when = datetime.fromisoformat(row["time:timestamp"])
        incidents[row["case:concept:name"]].append((when, number, row))
    expected = 0
    for events in incidents.values():
        events.sort(key=lambda e: (e[0], e[1]))
        teams = [row["org:group"] for _, _, row in events]
        for i, (_, _, row) in enumerate(events):
            if (row["concept:name"], row["lifecycle:transition"]) == ("Completed", "Closed"):
                expected += changes(teams[: i + 1]) > 3
    assert expected == 752
    assert violations(audit(*VINST), "vinst.team-handovers") == expected


# --- Volvo IT problems (BPIC 2013): closed 6,660 events; open 2,351 events --------------------


def test_closed_problems_read_and_reconcile():
    report = audit("bpic2013_closed_problems", "BPI_Challenge_2013_closed_problems.csv.gz")
    assert_clean_input(report, 6660)  # SOURCE.md: 6,660 events
    assert_reconciled(report)
    # SOURCE.md: Unmatched 10; every one is a forbidden event of the data-quality rule
    assert violations(report, "problems.matched", "forbidden") == 10
    assert policy(report, "problems.queue-pickup").activations == 875  # Awaiting Assignment
    assert policy(report, "problems.team-handovers").activations == 1565  # Completed/Closed


def test_open_problems_read_and_reconcile():
    report = audit("bpic2013_open_problems", "BPI_Challenge_2013_open_problems.xes.gz")
    assert_clean_input(report, 2351)  # SOURCE.md: 2,351 events
    assert_reconciled(report)
    # the horizon is the extract's last event (SOURCE.md time span)
    assert report.as_of == "2012-06-15T10:19:56+00:00"
    # every status change is judged by the org-line rule: 2,351 events
    assert policy(report, "open-problems.org-line-handovers").activations == 2351
    assert policy(report, "open-problems.queue-pickup").activations == 383  # Awaiting Assignment


# --- UWV complaints (BPIC 2016): 289 complaints, dates only -----------------------------------

UWV = ("bpic2016_complaints", "BPI2016_Complaints.csv")


def repeat_breaches(key: str, limit: int, days: int) -> tuple[int, int, int]:
    """New complaint dossiers that make more than `limit` of one customer about one `key` within
    `days` (the window ends at the complaint, at local midnight in Amsterdam, inclusive); the
    number of new dossiers; and the number of (customer, key) pairs. A record is a new dossier
    when the pair's previous record (in date, then file order) has another ComplaintDossierID."""
    zone = ZoneInfo("Europe/Amsterdam")
    pairs: dict[tuple[str, str], list[tuple[datetime, int, str]]] = defaultdict(list)
    rows = raw_csv(*UWV, delimiter=";", encoding="latin-1")
    for number, row in enumerate(rows):
        moment = datetime.fromisoformat(row["ContactDate"]).replace(tzinfo=zone)
        pairs[row["CustomerID"], row[key]].append((moment, number, row["ComplaintDossierID"]))
    breaches = dossiers = 0
    for complaints in pairs.values():
        complaints.sort()
        new = [
            moment
            for i, (moment, _, dossier) in enumerate(complaints)
            if i == 0 or complaints[i - 1][2] != dossier
        ]
        dossiers += len(new)
        for i, moment in enumerate(new):
            window = [m for m in new[: i + 1] if m >= moment - timedelta(days=days)]
            breaches += len(window) > limit
    return breaches, dossiers, len(pairs)


def test_complaints_read_and_reconcile():
    report = audit(*UWV)
    assert_clean_input(report, 289)  # SOURCE.md: 289 complaint records
    assert_reconciled(report)
    assert policy(report, "uwv.repeat-rate").scopes == 8  # July 2015 to February 2016


def test_complaints_repeat_rules_recomputed_from_the_csv():
    """uwv.repeat-theme (at most 2 new dossiers per customer and theme in 90 days) and
    uwv.same-topic-again (at most 1 per customer and topic in 30 days)."""
    report = audit(*UWV)
    theme, theme_dossiers, theme_pairs = repeat_breaches("ComplaintTheme_EN", 2, 90)
    topic, topic_dossiers, topic_pairs = repeat_breaches("ComplaintTopic_EN", 1, 30)
    assert (theme, topic) == (4, 2)
    assert violations(report, "uwv.repeat-theme", "rate_exceeded") == theme
    assert violations(report, "uwv.same-topic-again", "rate_exceeded") == topic
    # every new dossier is one activation of the rate limit; every pair is one scope
    assert policy(report, "uwv.repeat-theme").activations == theme_dossiers
    assert policy(report, "uwv.same-topic-again").activations == topic_dossiers
    assert policy(report, "uwv.repeat-theme").scopes == theme_pairs
    assert policy(report, "uwv.same-topic-again").scopes == topic_pairs


# --- ServiceNow incidents (UCI 498): 141,712 events, 24,918 incidents -------------------------

SERVICENOW = ("uci_servicenow_incident_log", "incident_event_log.csv.gz")
OPEN_STATES = {
    "New",
    "Active",
    "Awaiting User Info",
    "Awaiting Vendor",
    "Awaiting Problem",
    "Awaiting Evidence",
}


@pytest.mark.slow  # about 30 s
def test_servicenow_audit_recomputed_from_the_csv():
    """servicenow.no-reopen (a record in an open state right after a Resolved one),
    servicenow.reassignments (Closed records with reassignment_count > 3) and the activations of
    the priority SLAs (one per incident whose first record is not yet Resolved or Closed, by the
    priority of that record)."""
    incidents: dict[str, list[tuple[datetime, int, dict[str, str]]]] = defaultdict(list)
    for number, row in enumerate(raw_csv(*SERVICENOW)):
        when = datetime.strptime(row["sys_updated_at"], "%d/%m/%Y %H:%M")
        incidents[row["number"]].append((when, number, row))
    reopened = reassigned = 0
    first_state: Counter[str] = Counter()
    first_priority: Counter[str] = Counter()
    for events in incidents.values():
        events.sort(key=lambda e: (e[0], e[1]))
        states = [row["incident_state"] for _, _, row in events]
        reopened += sum(
            1
            for a, b in zip(states, states[1:], strict=False)
            if a == "Resolved" and b in OPEN_STATES
        )
        reassigned += sum(
            1
            for _, _, row in events
            if row["incident_state"] == "Closed" and int(row["reassignment_count"]) > 3
        )
        first = events[0][2]
        first_state[first["incident_state"]] += 1
        if first["incident_state"] not in ("Resolved", "Closed"):
            first_priority[first["priority"]] += 1
    report = audit(*SERVICENOW)
    assert_clean_input(report, 141712)  # SOURCE.md: 141,712 events
    assert_reconciled(report)
    assert len(incidents) == 24918
    assert violations(report, "servicenow.no-reopen", "forbidden") == reopened
    assert violations(report, "servicenow.reassignments", "condition_false") == reassigned
    for priority, policy_id in [
        ("1 - Critical", "servicenow.critical-resolved"),
        ("2 - High", "servicenow.high-resolved"),
        ("3 - Moderate", "servicenow.moderate-resolved"),
        ("4 - Low", "servicenow.low-resolved"),
    ]:
        assert policy(report, policy_id).activations == first_priority[priority], policy_id
    assert first_state == {
        "New": 16397,
        "Active": 6503,
        "Resolved": 1819,
        "Awaiting User Info": 193,
        "Awaiting Problem": 6,
    }
    assert sum(first_priority.values()) == 24918 - 1819


# --- Rabobank incident activity (BPIC 2014, filtered): 369,485 events, 41,353 incidents ------

RABOBANK = ("bpic2014_incident_activity_filtered", "BPIC14_f.xes.gz")


@pytest.mark.slow  # about 60 s: the largest log
def test_rabobank_audit_recomputed_from_the_flat_csv():
    """rabobank.reassignments (more than 3 Reassignments before the first Closed),
    rabobank.assigned-before-closed (no Assignment before the first Closed) and
    rabobank.closed-once (more than one Closed), counted on the CSV flattened from the XES.
    Every timestamp carries the same +10:00, so the text sorts as the wall clock does."""
    incidents: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    rows = raw_csv("bpic2014_incident_activity_filtered", "BPIC14_f.csv.gz")
    for number, row in enumerate(rows):
        incidents[row["case:concept:name"]].append(
            (row["time:timestamp"], number, row["concept:name"])
        )
    reassigned = unassigned = closed_twice = 0
    for events in incidents.values():
        activities = [activity for _, _, activity in sorted(events)]
        if "Closed" in activities:
            before = activities[: activities.index("Closed")]
            reassigned += before.count("Reassignment") > 3
            unassigned += "Assignment" not in before
        closed_twice += activities.count("Closed") > 1
    report = audit(*RABOBANK)
    assert_clean_input(report, 369485)  # SOURCE.md: 369,485 events
    assert_reconciled(report)
    assert len(incidents) == 41353
    assert violations(report, "rabobank.reassignments") == reassigned
    assert violations(report, "rabobank.assigned-before-closed", "missing") == unassigned
    assert violations(report, "rabobank.closed-once", "too_many") == closed_twice
    assert policy(report, "rabobank.closed-in-time").activations == 41353  # one Open each
