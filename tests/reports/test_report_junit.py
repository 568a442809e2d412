"""The JUnit rendering, parsed back with ElementTree."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from cxrules.reports.as_junit import render_junit
from cxrules.reports.model import Report


def parse(report: Report, fail_on: str = "low") -> ET.Element:
    text = render_junit(report, fail_on=fail_on)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))


def case(root: ET.Element, name: str) -> ET.Element:
    (found,) = [c for c in root.iter("testcase") if c.get("name") == name]
    return found


def test_one_suite_one_case_per_policy_worst_first(report: Report) -> None:
    root = parse(report)
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "cxrules"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("4", "3", "0")
    assert suite.get("skipped") == "0" and not list(root.iter("skipped"))
    assert [(c.get("classname"), c.get("name")) for c in suite.iter("testcase")] == [
        ("octopus", "octopus.always-connected"),
        ("callcenter", "callcenter.service-level"),
        ("restaurant", "restaurant.wording"),
        ("complaints", "complaints.escalate-repeat"),
    ]
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties == {
        "engine": "python",
        "zone": "Europe/Istanbul",
        "as_of": "2026-03-03T19:00:00+03:00",
        "revision": "sha256:3f2a9c",
        "fail_on": "low",
    }


def test_each_case_says_where_its_policy_is_written(report: Report) -> None:
    """A CI tool reading the JUnit file could not point at the failing policy in its file (the
    classname is the file's stem alone): GitLab's test report shows a case's `file`, and GitHub
    actions that annotate a pull request from JUnit read `file` and `line`."""
    octopus = case(parse(report), "octopus.always-connected")
    assert (octopus.get("file"), octopus.get("line")) == ("policies/octopus.cxr", "2")
    for policy in report.policies:
        found = case(parse(report), policy.id)
        assert (found.get("file"), found.get("line")) == (policy.file, str(policy.line))


def test_failure_lists_the_sentences(report: Report) -> None:
    failure = case(parse(report), "octopus.always-connected").find("failure")
    assert failure is not None
    assert failure.get("message") == "2 violations (2 high)"
    assert failure.get("type") == "high"
    assert failure.text == (
        "high: visit v-1007 had no connected arm from 10:05:00 to 10:07:12 (2m12s; grace 30s) "
        "[logs/visits.jsonl:17]\n"
        "high: visit v-1011 had no connected arm from 11:00:00 to 11:01:00 (1m; grace 30s) "
        "[logs/visits.jsonl:40]"
    )


def test_metric_warning_goes_to_system_out(report: Report) -> None:
    callcenter = case(parse(report), "callcenter.service-level")
    failure = callcenter.find("failure")
    assert failure is not None and failure.get("message") == "1 violation (1 medium)"
    assert failure.text == (
        "medium: service_level of queue billing on 2026-03-02 was 75.0%, below 80%"
    )
    assert callcenter.findtext("system-out") == (
        "metric warning: service_level of queue sales on 2026-03-02 was 83.3%, "
        "below the warning 85%"
    )


def test_below_fail_on_goes_to_system_out(report: Report) -> None:
    root = parse(report, fail_on="medium")
    assert root.find("testsuite").get("failures") == "2"  # type: ignore[union-attr]
    restaurant = case(root, "restaurant.wording")
    assert restaurant.find("failure") is None
    assert restaurant.findtext("system-out") == (
        'low (below medium): staff said "no problem" at 12:30:00 [logs/visits.jsonl:25]'
    )


def test_open_obligations_in_system_out(report: Report) -> None:
    complaints = case(parse(report), "complaints.escalate-repeat")
    assert complaints.find("failure") is None
    assert complaints.findtext("system-out") == (
        "open (deadline 2026-03-04T15:00:00+03:00): customer c-9, topic billing: complaint "
        "filed at 15:00:00 awaits case.escalated"
    )


def test_untrusted_text_is_escaped(report: Report) -> None:
    sentence = 'visit <script>alert("x")</script> & \x1b[31m\x00 ]]> done'
    evil = report.violations[0].model_copy(update={"sentence": sentence})
    policy = report.policies[2].model_copy(update={"file": "policies/<a&b>.cxr"})
    bad = report.model_copy(
        update={
            "violations": [evil, *report.violations[1:]],
            "policies": [*report.policies[:2], policy, report.policies[3]],
        }
    )
    text = render_junit(bad)
    assert "<script>" not in text and "\x1b" not in text and "\x00" not in text
    octopus = case(ET.fromstring(text), "octopus.always-connected")
    assert octopus.get("classname") == "<a&b>"
    failure_text = octopus.findtext("failure") or ""
    assert failure_text.splitlines()[0] == (
        'high: visit <script>alert("x")</script> & \\x1b[31m\\x00 ]]> done [logs/visits.jsonl:17]'
    )


def test_violations_of_unknown_policies_are_an_error(report: Report) -> None:
    stray = report.violations[0].model_copy(update={"policy": "ghost.policy"})
    with pytest.raises(ValueError, match="does not summarise: ghost.policy"):
        render_junit(report.model_copy(update={"violations": [stray]}))


def test_unknown_fail_on(report: Report) -> None:
    with pytest.raises(ValueError, match="fail_on: unknown severity 'severe'"):
        render_junit(report, fail_on="severe")


def test_nothing_audited_skips_every_policy(unjudged: Report) -> None:
    """No event was judged: a test case in error says why, and no policy passes (each is
    skipped, with the reason) — a CI dashboard must not show them green."""
    root = parse(unjudged)
    (suite,) = root.findall("testsuite")
    counts = ("tests", "failures", "errors", "skipped")
    assert tuple(suite.get(c) for c in counts) == ("5", "0", "1", "4")
    assert tuple(root.get(c) for c in counts) == ("5", "0", "1", "4")  # the top element too
    reason = "all 14 events are after the horizon 2026-03-01T00:00:00+03:00 (--as-of)"
    error = case(root, "log (nothing audited)").find("error")
    assert error is not None and error.get("message") == reason
    for policy in unjudged.policies:
        skipped = case(root, policy.id).find("skipped")
        assert skipped is not None and skipped.get("message") == f"nothing audited: {reason}"


def test_a_newline_in_a_log_value_cannot_add_a_line(report: Report) -> None:
    """The failure text is one sentence per line: a log value with a newline would split its
    sentence and could forge a line that reads as another violation."""
    forged = 'staff said "ok\nhigh: visit v-1 was fine [logs/visits.jsonl:1]\u202e"'
    evil = report.violations[0].model_copy(update={"sentence": forged})
    pending = report.pending[0].model_copy(update={"sentence": "awaits\nopen: nothing"})
    bad = report.model_copy(
        update={"violations": [evil, *report.violations[1:]], "pending": [pending]}
    )
    root = ET.fromstring(render_junit(bad))
    lines = (case(root, "octopus.always-connected").findtext("failure") or "").split("\n")
    assert lines == [
        'high: staff said "ok\\nhigh: visit v-1 was fine [logs/visits.jsonl:1]\\u202e" '
        "[logs/visits.jsonl:17]",
        "high: visit v-1011 had no connected arm from 11:00:00 to 11:01:00 (1m; grace 30s) "
        "[logs/visits.jsonl:40]",
    ]
    assert case(root, "complaints.escalate-repeat").findtext("system-out") == (
        "open (deadline 2026-03-04T15:00:00+03:00): awaits\\nopen: nothing"
    )


def test_open_obligations_are_listed_up_to_a_hundred_per_policy(report: Report) -> None:
    # a month's audit leaves tens of thousands open: the first 100 are listed, then a count
    first = report.pending[0]
    many = [first.model_copy(update={"sentence": f"open {n}"}) for n in range(130)]
    root = ET.fromstring(render_junit(report.model_copy(update={"pending": many})))
    lines = (case(root, "complaints.escalate-repeat").findtext("system-out") or "").split("\n")
    assert len(lines) == 101
    assert lines[99] == "open (deadline 2026-03-04T15:00:00+03:00): open 99"
    assert lines[100] == "… and 30 more open obligations (the JSON report lists every one)"


def test_a_policy_nothing_activated_is_skipped_with_the_reason(report: Report) -> None:
    """The text, Markdown and HTML verdicts say "1 policy never activated (…)"; JUnit showed
    the policy as a plain pass, green in CI (hunt27 finding-4). It is skipped, with why."""
    idle = report.policies[3].model_copy(
        update={
            "id": "notify.no-sms",
            "scopes": 0,
            "activations": 0,
            "satisfied": 0,
            "violated": 0,
            "pending": 0,
            "cancelled": 0,
            "warnings": 0,
            "compliance": None,
            "metrics": [],
        }
    )
    root = parse(report.model_copy(update={"policies": [*report.policies, idle]}))
    (suite,) = root.findall("testsuite")
    counts = ("tests", "failures", "errors", "skipped")
    assert tuple(suite.get(c) for c in counts) == ("5", "3", "0", "1")
    assert tuple(root.get(c) for c in counts) == ("5", "3", "0", "1")
    skipped = case(root, "notify.no-sms").find("skipped")
    assert skipped is not None
    assert skipped.get("message") == (
        "never activated: no event of the log activated this policy (no activation, "
        "judgement, open obligation or metric value), so it was not tested; often a misspelt "
        "event type (W401)"
    )
    assert [c.get("name") for c in root.iter("testcase") if c.find("skipped") is not None] == [
        "notify.no-sms"
    ]


def test_open_obligations_nearest_deadline_first(deadlines: Report) -> None:
    """A policy's open obligations in `<system-out>` (the first 100 of them) were in the
    report's order, so the 100 listed were not the most urgent: at risk first, then the nearest
    deadline first, one without a deadline last."""
    root = ET.fromstring(render_junit(deadlines))
    out = case(root, "complaints.escalate-repeat").findtext("system-out") or ""
    shown = [line.split("): customer ")[1].split(":")[0] for line in out.split("\n")]
    assert shown == ["c-b", "c-c", "c-e", "c-a", "c-d"]


def test_a_failure_lists_a_hundred_violations_and_counts_the_rest(report: Report) -> None:
    """ServiceNow's export made a JUnit file of 4 MB, one failure listing 4,210 sentences: CI
    views load it slowly or cut it. A failure lists the first 100, then how many more and where
    they are; its message still counts every one. Metric warnings in `<system-out>` likewise."""
    gap = next(v for v in report.violations if v.policy == "octopus.always-connected")
    warning = next(v for v in report.violations if v.kind == "metric_warning")
    many = [gap.model_copy(update={"sentence": f"gap {n}"}) for n in range(250)]
    many += [warning.model_copy(update={"sentence": f"warn {n}"}) for n in range(120)]
    root = ET.fromstring(render_junit(report.model_copy(update={"violations": many})))
    failure = case(root, "octopus.always-connected").find("failure")
    assert failure is not None
    assert failure.get("message") == "250 violations (250 high)"
    lines = (failure.text or "").split("\n")
    assert len(lines) == 101
    assert lines[99].startswith("high: gap 99 [")
    assert lines[100] == "… and 150 more violations (the JSON report lists every one)"
    out = (case(root, "callcenter.service-level").findtext("system-out") or "").split("\n")
    assert len(out) == 101
    assert out[99] == "metric warning: warn 99"
    assert out[100] == "… and 20 more metric warnings (the JSON report lists every one)"


def test_rejected_records_and_later_events_are_in_the_suite_output(report: Report) -> None:
    """The verdict ends '…; 3 rejected records' and the JUnit file had no trace of them (only
    --strict made them an error): a CI view showed the policies' results and nothing of what
    the log lost. The suite's system-out now says how many, by code, and lists them; and how
    many events came after the horizon."""
    (suite,) = parse(report).findall("testsuite")
    assert suite[-1].tag == "system-out"  # after the test cases
    assert (suite[-1].text or "").splitlines() == [
        "3 rejected records: 2 × E404 (time cannot be parsed), "
        "1 × E402 (record does not parse in the format of its log)",
        "logs/visits.jsonl:4 E404 time cannot be parsed: '2026-13-02'",
        "logs/visits.jsonl:9 E402 record is not valid JSON: missing ','",
        "logs/calls.csv:3 E404 time is empty",
    ]
    capped = report.model_copy(
        update={
            "rejected_total": 1800,
            "rejected_by_code": {"E402": 1500, "E404": 300},
            "ignored_after_as_of": 2,
        }
    )
    (suite,) = parse(capped).findall("testsuite")
    lines = (suite[-1].text or "").splitlines()
    assert lines[0] == (
        "1,800 rejected records: 1,500 × E402 (record does not parse in the format of its log), "
        "300 × E404 (time cannot be parsed)"
    )
    assert lines[4:] == [
        "… and 1,797 more rejected records",
        f"Not audited: 2 events after {report.as_of}",
    ]
    clean = report.model_copy(update={"rejected": [], "rejected_total": 0})
    (suite,) = parse(clean).findall("testsuite")
    assert suite[-1].tag == "testcase"
