"""The real logs of ../shared/data read with the mappings of examples/: published counts hold.

Expected numbers come from each folder's SOURCE.md (events, cases, per-type counts, time span);
the call-centre numbers not printed there (queued, answered) were counted with awk on the file.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from cxrules.logs import LogSet, load_mapping, open_log

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"

pytestmark = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"the shared data folder {SHARED} is absent"
)


def read(folder: str, file: str):
    mapping = load_mapping(ROOT / "examples" / folder / "cxrules.toml")
    logs = LogSet([open_log(str(SHARED / folder / file), mapping)])
    events = list(logs.events(sorted=True))
    [summary] = logs.summaries()
    assert logs.rejected == [] and summary.rejected == 0  # the data is clean
    assert summary.read == summary.accepted
    return summary, events


def types(events) -> dict[str, int]:
    return dict(Counter(e.type for e in events))


def cases(events, key: str = "case") -> int:
    return len({e.attrs[key] for e in events})


def test_bpic2013_incidents_xes():
    summary, events = read("bpic2013_incidents", "bpi_challenge_2013_incidents.xes.gz")
    assert (summary.read, summary.events, cases(events)) == (65533, 65533, 7554)
    assert types(events) == {
        "accepted.in_progress": 30239,
        "queued.awaiting_assignment": 11544,
        "completed.resolved": 6115,
        "completed.closed": 5716,
        "accepted.wait_user": 4217,
        "accepted.assigned": 3221,
        "completed.in_call": 2035,
        "accepted.wait": 1533,
        "accepted.wait_implementation": 493,
        "accepted.wait_vendor": 313,
        "accepted.wait_customer": 101,
        "unmatched.unmatched": 5,
        "completed.cancelled": 1,
    }
    assert events[0].time.isoformat() == "2010-03-31T16:59:42+02:00"
    assert events[-1].time.isoformat() == "2012-05-23T01:22:25+02:00"
    assert len({e.attrs["team"] for e in events}) == 649
    assert len({e.attrs["owner"] for e in events}) == 1440


def test_bpic2013_closed_problems_csv():
    summary, events = read("bpic2013_closed_problems", "BPI_Challenge_2013_closed_problems.csv.gz")
    assert (summary.read, cases(events)) == (6660, 1487)
    assert types(events) == {
        "accepted.in_progress": 3066,
        "completed.closed": 1565,
        "queued.awaiting_assignment": 875,
        "accepted.assigned": 614,
        "accepted.wait": 527,
        "unmatched.unmatched": 10,
        "completed.cancelled": 3,
    }
    assert sum("division" not in e.attrs for e in events) == 2078  # empty org:role
    assert events[0].time.isoformat() == "2006-01-11T15:49:42+01:00"
    assert events[-1].time.isoformat() == "2012-05-31T23:49:06+02:00"


def test_bpic2013_open_problems_xes():
    summary, events = read("bpic2013_open_problems", "BPI_Challenge_2013_open_problems.xes.gz")
    assert (summary.read, cases(events)) == (2351, 819)
    assert types(events) == {
        "accepted.in_progress": 1154,
        "completed.closed": 387,
        "queued.awaiting_assignment": 383,
        "accepted.assigned": 215,
        "accepted.wait": 212,
    }
    assert events[0].time.isoformat() == "2006-11-07T10:00:36+01:00"
    assert events[-1].time.isoformat() == "2012-06-15T12:19:56+02:00"


def test_helpdesk_finale_csv():
    summary, events = read("helpdesk_italian_software", "finale.csv.gz")
    assert (summary.read, cases(events)) == (21348, 4580)
    assert len({e.attrs["resource"] for e in events}) == 22
    assert types(events) == {
        "ticket.take_in_charge_ticket": 5060,
        "ticket.resolve_ticket": 4983,
        "ticket.assign_seriousness": 4938,
        "ticket.closed": 4574,
        "ticket.wait": 1463,
        "ticket.require_upgrade": 119,
        "ticket.insert_ticket": 118,
        "ticket.create_sw_anomaly": 67,
        "ticket.resolve_sw_anomaly": 13,
        "ticket.schedule_intervention": 5,
        "ticket.verified": 3,
        "ticket.resolved": 2,
        "ticket.invalid": 2,
        "ticket.duplicate": 1,
    }
    assert events[0].time.isoformat() == "2010-01-13T08:40:25+01:00"  # Europe/Rome, winter
    assert events[-1].time.isoformat() == "2014-01-03T13:20:58+01:00"
    assert "Variant.1" not in events[0].attrs


def test_uci_servicenow_csv():
    summary, events = read("uci_servicenow_incident_log", "incident_event_log.csv.gz")
    assert (summary.read, cases(events, "incident")) == (141712, 24918)
    assert types(events)["incident.100"] == 5  # the "-100" placeholder state
    assert set(types(events)) == {
        "incident.new",
        "incident.active",
        "incident.awaiting_user_info",
        "incident.awaiting_vendor",
        "incident.awaiting_problem",
        "incident.awaiting_evidence",
        "incident.resolved",
        "incident.closed",
        "incident.100",
    }
    assert events[-1].time.isoformat() == "2017-02-18T15:00:00+00:00"
    assert "problem_id" not in events[0].attrs  # '?' is missing


@pytest.mark.slow  # 369,485 events: about 9 s alone, more on a busy machine
def test_bpic2014_filtered_xes():
    summary, events = read("bpic2014_incident_activity_filtered", "BPIC14_f.xes.gz")
    assert (summary.read, cases(events)) == (369485, 41353)
    assert types(events) == {
        "incident.assignment": 87644,
        "incident.operator_update": 54098,
        "incident.status_change": 43974,
        "incident.reassignment": 43434,
        "incident.open": 41353,
        "incident.closed": 40767,
        "incident.update": 33496,
        "incident.caused_by_ci": 23085,
        "incident.quality_indicator_fixed": 1634,
    }
    # the +10:00 offset is dropped: the wall clock is read in Europe/Amsterdam
    assert events[0].time.isoformat() == "2013-01-15T14:36:33+01:00"
    assert events[-1].time.isoformat() == "2014-04-02T14:35:43+02:00"


def test_anonymous_bank_call_centre():
    summary, events = read(
        "anonymous_bank_callcenter_feb1999", "data_anonymous_bank_february.txt.gz"
    )
    assert summary.read == 33344
    counted = types(events)
    assert counted["call.entered"] == 33344 - 278  # PHANTOM calls yield nothing
    assert counted["call.abandoned"] == 5904  # HANG
    assert counted["call.queued"] == 18058  # q_start is not 0:00:00
    assert counted["call.dequeued"] == 18059  # q_exit is not 0:00:00
    assert counted["call.answered"] == 27112  # AGENT calls with a service start
    assert counted["call.ended"] == 27112 + 5904
    assert summary.events == sum(counted.values())
    assert len({e.attrs["call"] for e in events}) == 33066
    assert events[0].time.date().isoformat() == "1999-02-01"
    assert str(events[0].time.tzinfo) == "Asia/Jerusalem"
    assert events[-1].time.isoformat() < "1999-03-01"
    # A call's events follow its entry, on the same day or (crossing midnight) the next; in 23
    # rows the VRU clocks are skewed (vru_exit before vru_entry, negative vru_time): those events
    # come up to 3m12s before the entry and stay on the entry's day instead of rolling over.
    entry = {e.attrs["call"]: e.time for e in events if e.type == "call.entered"}
    offsets = [e.time - entry[e.attrs["call"]] for e in events]
    skewed = {e.attrs["call"] for e, off in zip(events, offsets, strict=True) if off < timedelta(0)}
    assert len(skewed) == 23
    assert min(offsets) == -timedelta(minutes=3, seconds=12)
    assert max(offsets) < timedelta(hours=12)


def test_bpic2016_complaints():
    summary, events = read("bpic2016_complaints", "BPI2016_Complaints.csv")
    assert (summary.read, summary.events, cases(events, "customer")) == (289, 289, 226)
    assert types(events) == {"complaint.filed": 289}
    assert events[0].time.isoformat() == "2015-07-03T00:00:00+02:00"
    assert events[-1].time.isoformat() == "2016-02-28T00:00:00+01:00"
    assert sum(e.attrs["ContactChannelID"] == 8 for e in events) == 196
