"""The terminal rendering: the expected lines, in the expected order, and nothing unsafe."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cxrules.reports.as_text import render_text
from cxrules.reports.model import Report


def in_order(text: str, expected: list[str]) -> None:
    """Assert every expected line is a line of `text`, in this order."""
    lines = text.splitlines()
    position = -1
    for line in expected:
        assert line in lines[position + 1 :], f"missing after line {position}: {line!r}"
        position = lines.index(line, position + 1)


VERDICT = [
    "FAIL: 4 violations at or above low in 3 policies (2 high, 1 medium, 1 low); 1 metric "
    "warning; 1",
    "obligation still open; 3 rejected records.",
]


def test_the_verdict_comes_first_and_closes_the_report(report: Report) -> None:
    lines = render_text(report, color=False).splitlines()
    assert lines[:3] == [*VERDICT, ""]
    assert lines[-2:] == VERDICT


def test_header(report: Report) -> None:
    lines = render_text(report, color=False).splitlines()[3:]
    assert lines[0] == "cxrules audit report (cxrules.report/1)"
    assert lines[1] == "Engine python, zone Europe/Istanbul, as of 2026-03-03T19:00:00+03:00"
    # the policy line wraps at 100 columns after the second file
    assert lines[2] == (
        "Policies: revision sha256:3f2a9c; 4 files: policies/callcenter.cxr, "
        "policies/complaints.cxr,"
    )
    assert lines[3] == "policies/octopus.cxr, policies/restaurant.cxr"
    assert lines[4] == "Parameters: grace=30s, max_wait=3min"
    assert lines[5] == "Inputs: 2 files; read 18, accepted 15, rejected 3, duplicates 1, events 14"
    # the span compares instants: 08:00Z is 11:00 in Istanbul, after 09:00+03:00; 16:00Z is
    # 19:00 in Istanbul, after 18:30+03:00 (comparing the text would pick the other times)
    assert lines[6] == "Time span: 2026-03-02T09:00:00+03:00 to 2026-03-03T16:00:00+00:00"
    rows = [line.split() for line in lines[7:11]]
    assert rows[0] == ["format", "read", "accepted", "rejected", "duplicates", "events", "file"]
    assert set(lines[8]) == {"─"}
    assert rows[2] == ["jsonl", "12", "10", "2", "1", "9", "logs/visits.jsonl"]
    assert rows[3] == ["csv", "6", "5", "1", "0", "5", "logs/calls.csv"]


def test_policies_worst_first(report: Report) -> None:
    lines = render_text(report, color=False).splitlines()
    start = lines.index("Policies (worst first)")
    header, rule, *rows = lines[start + 1 : start + 7]
    assert header.split() == [
        "severity", "activations", "satisfied", "violated", "pending", "cancelled", "compliance",
        "policy",
    ]  # fmt: skip
    assert set(rule) == {"─"}
    # with violations: high, then medium, then low; then those without: 100%
    assert [row.split() for row in rows] == [
        ["high", "3", "1", "2", "0", "0", "33.3%", "octopus.always-connected"],
        ["medium", "0", "0", "1", "0", "0", "–", "callcenter.service-level"],
        ["low", "4", "3", "1", "0", "0", "75.0%", "restaurant.wording"],
        ["high", "2", "1", "0", "1", "0", "100.0%", "complaints.escalate-repeat"],
    ]


def test_a_long_metric_line_wraps_under_its_dash(report: Report) -> None:
    lines = render_text(report, color=False, width=90).splitlines()
    start = lines.index(
        "  - service_level, queue=billing, 2026-03-02: 75.0% (n=8) violated; requires >= 80%, warns"
    )
    assert lines[start + 1] == "    below 85%"


def test_a_warning_level_says_when_it_warns(report: Report) -> None:
    # `require asa <= 30s warn above 20s`: the report keeps the level a value stays at not to
    # warn ('<= 20s'); the reader is told when it warns
    policy = report.policies[3]  # callcenter.service-level
    value = policy.metrics[1].model_copy(
        update={"metric": "asa", "threshold": "<= 30s", "warn": "<= 20s", "unit": "duration",
                "value": 25.0, "status": "warn"}
    )  # fmt: skip
    odd = report.model_copy(
        update={"policies": [*report.policies[:3], policy.model_copy(update={"metrics": [value]})]}
    )
    text = render_text(odd, color=False, width=200)
    assert "asa, queue=sales, 2026-03-02: 25s (n=6) warn; requires <= 30s, warns above 20s" in text
    assert "warning level" not in text and "<= 20s" not in text


def test_policy_ids_are_never_cut_and_cancelled_is_counted(report: Report) -> None:
    long_id = "complaints.a-very-long-policy-identifier-that-no-column-was-made-for"
    policy = report.policies[1].model_copy(update={"id": long_id, "cancelled": 7})
    odd = report.model_copy(update={"policies": [report.policies[0], policy, *report.policies[2:]]})
    lines = render_text(odd, color=False, width=80).splitlines()
    [row] = [line for line in lines if long_id in line]
    assert row.split() == ["high", "2", "1", "0", "1", "7", "100.0%", long_id]
    assert "…" not in "\n".join(lines)
    # only the policy table grows past the width, and only as much as the longest id needs
    assert max(len(line) for line in lines) == len(row)
    ids = tuple(p.id for p in odd.policies)
    wide = [line for line in lines if len(line) > 80]
    assert wide and all(
        line.startswith("severity ") or set(line) == {"─"} or line.endswith(ids) for line in wide
    ), wide


def test_sections_in_order(report: Report) -> None:
    in_order(
        render_text(report, color=False),
        [
            "Violations",
            "octopus.always-connected: A customer in the shop is always connected to an arm "
            "(high, 2 violations)",
            "  - visit v-1007 had no connected arm from 10:05:00 to 10:07:12 (2m12s; grace 30s)",
            "    [logs/visits.jsonl:17]",
            "  - visit v-1011 had no connected arm from 11:00:00 to 11:01:00 (1m; grace 30s)",
            "    [logs/visits.jsonl:40]",
            "callcenter.service-level: 80% of calls answered within 20 s, per queue and day "
            "(medium, 1 violation)",
            "  - service_level of queue billing on 2026-03-02 was 75.0%, below 80%",
            "restaurant.wording: Say 'my pleasure', never 'no problem' (low, 1 violation)",
            '  - staff said "no problem" at 12:30:00 [logs/visits.jsonl:25]',
            "Metric values that failed or warned",
            "callcenter.service-level: 80% of calls answered within 20 s, per queue and day",
            # 100 characters: fits the width exactly
            "  - service_level, queue=billing, 2026-03-02: 75.0% (n=8) violated; requires >= 80%, "
            "warns below 85%",
            # 94 characters: fits
            "  - service_level, queue=sales, 2026-03-02: 83.3% (n=6) warn; requires >= 80%, "
            "warns below 85%",
            "Open obligations: 1",
            "  - complaints.escalate-repeat: customer c-9, topic billing: complaint filed at "
            "15:00:00 awaits",
            "    case.escalated (deadline 2026-03-04T15:00:00+03:00)",
            "Rejected records: 3",
            "  2 × E404 time cannot be parsed",
            "  1 × E402 record does not parse in the format of its log",
            "  - logs/visits.jsonl:4 E404 time cannot be parsed: '2026-13-02'",
            "  - logs/visits.jsonl:9 E402 record is not valid JSON: missing ','",
            "  - logs/calls.csv:3 E404 time is empty",
            "FAIL: 4 violations at or above low in 3 policies (2 high, 1 medium, 1 low); 1 metric "
            "warning; 1",
            "obligation still open; 3 rejected records.",
        ],
    )


def test_warning_kinds_are_not_listed_as_violations(report: Report) -> None:
    text = render_text(report, color=False)
    assert "83.3%, below the warning 85%" not in text


def test_max_violations(report: Report) -> None:
    text = render_text(report, color=False, max_violations=1)
    in_order(
        text,
        [
            "  - visit v-1007 had no connected arm from 10:05:00 to 10:07:12 (2m12s; grace 30s)",
            "  … and 1 more",
            "callcenter.service-level: 80% of calls answered within 20 s, per queue and day "
            "(medium, 1 violation)",
        ],
    )
    assert "v-1011" not in text
    assert text.count("… and") == 1


def test_all_violations(report: Report) -> None:
    many = [
        report.violations[0].model_copy(update={"id": f"v-{n}", "sentence": f"gap number {n}"})
        for n in range(12)
    ]
    text = render_text(report.model_copy(update={"violations": many}), max_violations=None)
    assert [f"gap number {n}" in text for n in range(12)] == [True] * 12
    assert "… and" not in text
    assert "gap number 3" not in render_text(report.model_copy(update={"violations": many}))


def test_metric_values_are_capped_worst_first(
    report: Report, daily_metrics: Callable[..., Report]
) -> None:
    """A month of daily values that all fail was 32 lines of a terminal report (a year of five
    queues, 1,800), in bucket order: now the worst 10 per policy, breaches first, then how many
    more and where every value is. Day d is (79 - d % 30)%: the worst are day 29 (50%) to day 20
    (59%); the rest are 20 breaches and the 2 warnings of queue sales."""
    many = daily_metrics(report)
    lines = render_text(many, color=False, width=200).splitlines()
    start = lines.index("Metric values that failed or warned")
    levels = "(n=8) violated; requires >= 80%, warns below 85%"
    assert lines[start + 1 : start + 14] == [
        "callcenter.service-level: 80% of calls answered within 20 s, per queue and day",
        *(
            f"  - service_level, queue=billing, 2026-01-{day}: {79 - day}.0% {levels}"
            for day in range(29, 19, -1)
        ),
        "  … and 22 more (20 violated, 2 warn)",
        "  Every metric value is in the JSON report (policies[].metrics); each breach and "
        "warning is a row of the CSV report.",
    ]
    every = render_text(many, color=False, width=200, max_violations=None).splitlines()
    listed = [line for line in every if line.startswith("  - service_level, ")]
    assert len(listed) == 32 and "  … and 22 more (20 violated, 2 warn)" not in every
    # the warnings last, the one nearer its requirement first
    assert [line.split(": ")[1][:5] for line in listed[-3:]] == ["79.0%", "81.0%", "84.0%"]


def test_an_open_stretch_names_its_deadline_once(report: Report) -> None:
    """The helpdesk's wait-limit ('while waiting: at most 30d') left open at the horizon read
    '… (at most 30d: the limit ends 2014-01-08 11:44:28+01:00) (deadline
    2014-01-08T11:44:28+01:00)': the same instant twice, written two ways, as if two deadlines
    differed. An invariant's sentence names it as the end of its limit or grace."""
    stretch = report.pending[0].model_copy(
        update={
            "sentence": "case Case 3254: waiting since 2013-12-09 11:44:28+01:00 (at most 30d: "
            "the limit ends 2014-01-08 11:44:28+01:00)",
            "deadline": "2014-01-08T11:44:28+01:00",
        }
    )
    gap = stretch.model_copy(
        update={
            "sentence": "ticket t-1: owner is not missing has not held since 2026-03-02 "
            "09:00:00+03:00 (grace 1h never ends)",
            "deadline": None,
        }
    )
    one = report.model_copy(update={"pending": [stretch, gap]})
    text = render_text(one, color=False, width=300)
    assert (
        "  - complaints.escalate-repeat: case Case 3254: waiting since 2013-12-09 11:44:28+01:00 "
        "(at most 30d: the limit ends 2014-01-08 11:44:28+01:00)"
    ) in text.splitlines()
    assert (
        "  - complaints.escalate-repeat: ticket t-1: owner is not missing has not held since "
        "2026-03-02 09:00:00+03:00 (grace 1h never ends)"
    ) in text.splitlines()
    # a sentence that does not name it still gets it
    assert "case.escalated (deadline 2026-03-04T15:00:00+03:00)" in render_text(
        report, color=False, width=300
    )


def test_verdict_follows_fail_on(report: Report) -> None:
    # at medium: 2 high + 1 medium in octopus and callcenter; the low one is below
    last = render_text(report, color=False, fail_on="medium", width=200).splitlines()[-1]
    assert last == (
        "FAIL: 3 violations at or above medium in 2 policies (2 high, 1 medium); 1 violation "
        "below medium; 1 metric warning; 1 obligation still open; 3 rejected records."
    )
    last = render_text(report, color=False, fail_on="critical", width=200).splitlines()[-1]
    assert last == (
        "PASS: no violation at or above critical; 4 violations below critical; 1 metric warning; "
        "1 obligation still open; 3 rejected records."
    )


def test_empty_report_passes() -> None:
    empty = Report(
        engine="python", zone="UTC", as_of=None, policy_files=[], revision="r0",
        inputs=[], policies=[], violations=[],
    )  # fmt: skip
    assert render_text(empty, color=False) == (
        "PASS: no violation at or above low.\n"
        "\n"
        "cxrules audit report (cxrules.report/1)\n"
        "Engine python, zone UTC, as of the last event\n"
        "Policies: revision r0; 0 files: none\n"
        "Inputs: 0 files; read 0, accepted 0, rejected 0, duplicates 0, events 0\n"
        "Time span: no events\n"
        "\n"
        "Policies (worst first): none\n"
        "\n"
        "PASS: no violation at or above low.\n"
    )


def test_colour_only_when_asked(report: Report) -> None:
    assert "\x1b" not in render_text(report, color=False)
    coloured = render_text(report, color=True)
    assert "\x1b[31mhigh\x1b[0m" in coloured  # high in red
    assert "\x1b[1;31mFAIL: 4 violations" in coloured  # the verdict in bold red


def test_untrusted_text_cannot_drive_the_terminal(report: Report) -> None:
    sentence = "visit \x1b[2J[bold]v-1[/bold]\ngone\u202e"
    evil = report.violations[0].model_copy(update={"sentence": sentence})
    text = render_text(
        report.model_copy(update={"violations": [evil, *report.violations[1:]]}), color=True
    )
    assert "\x1b[2J" not in text and "\u202e" not in text
    assert "  - visit \\x1b[2J[bold]v-1[/bold]\\ngone\\u202e [logs/visits.jsonl:17]" in (
        text.replace("\x1b[2m", "").replace("\x1b[0m", "")
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"fail_on": "hgh"}, "fail_on: unknown severity 'hgh'"),
        ({"max_violations": -1}, "max_violations must be 0 or more, not -1"),
    ],
)
def test_bad_options(report: Report, options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        render_text(report, **options)  # type: ignore[arg-type]


def test_an_obligation_without_deadline_says_so_once(report: Report) -> None:
    """The engine's sentence already says '(no deadline)' or how long a paused clock has
    left: the list adds nothing then; a sentence without it gets the deadline appended."""
    open_ = report.pending[0]
    no_deadline = open_.model_copy(
        update={
            "deadline": None,
            "sentence": "k-1: waiting for ticket.closed by promised (no deadline)",
        }
    )
    paused = open_.model_copy(
        update={"deadline": None, "sentence": "k-2: waiting (clock paused with 2h left)"}
    )
    bare = open_.model_copy(update={"deadline": None, "sentence": "k-3: waiting"})
    text = render_text(report.model_copy(update={"pending": [no_deadline, paused, bare]}))
    lines = [line.strip() for line in text.splitlines()]
    assert (
        "- complaints.escalate-repeat: k-1: waiting for ticket.closed by promised (no deadline)"
        in lines
    )
    assert "- complaints.escalate-repeat: k-2: waiting (clock paused with 2h left)" in lines
    assert "- complaints.escalate-repeat: k-3: waiting (no deadline)" in lines


def test_a_metric_with_too_small_samples_was_activated(report: Report) -> None:
    """A metric whose every cell had too small a sample judged nothing, but its events were in
    the log: it is no policy 'never activated' (the hint of a misspelt event type)."""
    levels = report.policies[3]
    small = [
        m.model_copy(update={"status": "insufficient", "population": 2}) for m in levels.metrics
    ]
    quiet = levels.model_copy(update={"metrics": small, "violated": 0, "warnings": 0, "vacuous": 3})
    empty = levels.model_copy(
        update={"id": "callcenter.empty", "metrics": [], "violated": 0, "warnings": 0}
    )
    odd = report.model_copy(
        update={
            "policies": [*report.policies[:3], quiet, empty],
            "violations": [v for v in report.violations if v.policy != levels.id],
        }
    )
    last = render_text(odd, color=False, width=400).splitlines()[-1]
    assert last.endswith("; 1 policy never activated (callcenter.empty).")


def _with_unjudged_nps(report: Report, cells: int) -> Report:
    """The sample report with an NPS policy whose `cells` stores had too few answers."""
    from cxrules.reports.model import MetricValue

    first = report.policies[0]
    nps = first.model_copy(
        update={
            "id": "kpi.nps",
            "title": "NPS",
            "kind": "metric_check",
            "activations": 0,
            "satisfied": 0,
            "violated": 0,
            "pending": 0,
            "cancelled": 0,
            "compliance": None,
            "metrics": [
                MetricValue(
                    metric="nps",
                    group={"store": f"s{n}"},
                    bucket="2026-03",
                    value=0.0,
                    population=n,
                    status="insufficient",
                    threshold=">= 40",
                )
                for n in range(1, cells + 1)
            ],
        }
    )
    return report.model_copy(update={"policies": [*report.policies, nps]})


def test_metric_values_left_unjudged_for_too_few_events_are_named(report: Report) -> None:
    # hunt37 finding-9: a policy whose every value had fewer events than its minimum sample
    # read only '0 activations, compliance –', with no word of why
    from cxrules.reports.as_markdown import render_markdown

    lines = render_text(_with_unjudged_nps(report, 1), color=False).splitlines()
    at = lines.index("Metric values not judged: fewer events than the minimum sample")
    assert lines[at + 1] == "  - kpi.nps: 1 value (store=s1, 2026-03: n=1)"
    text = render_text(_with_unjudged_nps(report, 5), color=False, width=200)
    assert (
        "  - kpi.nps: 5 values (store=s1, 2026-03: n=1; store=s2, 2026-03: n=2; store=s3, "
        "2026-03: n=3; … and 2 more)"
    ) in text.splitlines()
    md = render_markdown(_with_unjudged_nps(report, 1))
    assert (
        "**Metric values not judged** (fewer events than the minimum sample):\n\n"
        "- kpi.nps: 1 value (store=s1, 2026-03: n=1)\n"
    ) in md
    assert "not judged" not in render_text(report, color=False)


def test_counts_have_thousands_separators(thousands: Report) -> None:
    """On ServiceNow's export the text report read '14772 violations', 'read 141712' and
    '90971' in the policy table, where the HTML report of the same audit writes 14,772: a count
    of five digits or more is hard to read at a glance. Every count has its separators."""
    text = render_text(thousands, color=False, width=200)
    lines = text.splitlines()
    assert lines[0] == (
        "FAIL: 2,000 violations at or above low in 3 policies (1,000 high, 500 medium, 500 low); "
        "500 metric warnings; 1,200 obligations still open; 1,800 rejected records."
    )
    assert (
        "Inputs: 2 files; read 141,718, accepted 141,705, rejected 13, duplicates 1, "
        "events 141,705" in lines
    )
    assert ["jsonl", "141,712", "141,700", "12", "1", "141,700", "logs/visits.jsonl"] in [
        line.split() for line in lines
    ]
    row = next(line.split() for line in lines if line.endswith("restaurant.wording"))
    assert row[:4] == ["low", "90,971", "90,651", "320"]
    assert "  … and 997 more" in lines  # 1,000 violations of octopus.always-connected, 3 shown
    assert "Open obligations: 1,200" in lines and "  … and 1,195 more" in lines
    assert "Rejected records: 1,800" in lines
    assert "  1,500 × E402 record does not parse in the format of its log" in lines
    assert "  (the report lists 3 of 1,800)" in lines


def test_open_obligations_nearest_deadline_first(deadlines: Report) -> None:
    """The open obligations were listed at risk first, then in the report's order (by policy
    and trigger): a clock running out tomorrow came after one of next week, and among the five
    shown of ServiceNow's ten a manager could not see which to chase first. Now at risk first,
    then the nearest deadline (compared as instants, not as text), one without a deadline last."""
    lines = render_text(deadlines, color=False, width=200).splitlines()
    start = lines.index("Open obligations: 5, 2 at risk")
    shown = [line.split(": awaits")[0].split()[-1] for line in lines[start + 1 : start + 6]]
    assert shown == ["c-b", "c-c", "c-e", "c-a", "c-d"]
