"""The Markdown rendering for pull requests."""

from __future__ import annotations

from collections.abc import Callable

from cxrules.reports.as_markdown import md, render_markdown
from cxrules.reports.model import Report


def test_summary_and_table(report: Report) -> None:
    lines = render_markdown(report).splitlines()
    assert lines[0] == "## cxrules audit: FAIL"
    assert lines[2] == (
        "FAIL: 4 violations at or above low in 3 policies (2 high, 1 medium, 1 low); 1 metric "
        "warning; 1 obligation still open; 3 rejected records."
    )
    start = lines.index(
        "| policy | severity | activations | satisfied | violated | pending | cancelled "
        "| compliance |"
    )
    assert lines[start + 1 : start + 6] == [
        "|---|---|--:|--:|--:|--:|--:|--:|",
        "| octopus.always-connected | high | 3 | 1 | 2 | 0 | 0 | 33.3% |",
        "| callcenter.service-level | medium | 0 | 0 | 1 | 0 | 0 | – |",
        "| restaurant.wording | low | 4 | 3 | 1 | 0 | 0 | 75.0% |",
        "| complaints.escalate-repeat | high | 2 | 1 | 0 | 1 | 0 | 100.0% |",
    ]


def test_the_table_counts_cancelled_obligations(report: Report) -> None:
    # hunt37 finding-8: 4 activations, 3 satisfied, 0 violated, 0 pending did not add up;
    # the one cancelled by an 'unless' is its own column, as in the text report
    policies = [
        p.model_copy(
            update={
                "activations": 4,
                "satisfied": 3,
                "violated": 0,
                "pending": 0,
                "cancelled": 1,
                "compliance": 1.0,
            }
        )
        if p.id == "complaints.escalate-repeat"
        else p
        for p in report.policies
    ]
    lines = render_markdown(report.model_copy(update={"policies": policies})).splitlines()
    assert "| complaints.escalate-repeat | high | 4 | 3 | 0 | 0 | 1 | 100.0% |" in lines


def test_first_violations(report: Report) -> None:
    text = render_markdown(report, max_violations=1)
    assert (
        "### Violations\n\n"
        "**octopus.always-connected**: A customer in the shop is always connected to an arm "
        "(high, 2 violations)\n\n"
        "- visit v-1007 had no connected arm from 10:05:00 to 10:07:12 (2m12s; grace 30s) "
        "(logs/visits.jsonl:17)\n"
        "- … and 1 more\n\n"
        "**callcenter.service-level**: 80% of calls answered within 20 s, per queue and day "
        "(medium, 1 violation)\n\n"
        "- service\\_level of queue billing on 2026-03-02 was 75.0%, below 80%\n"
    ) in text
    assert text.endswith(
        "**Open obligations:** 1 (0 at risk)\n\n"
        "**Rejected records:** 3 (by code: 2 × E404 (time cannot be parsed), 1 × E402 (record "
        "does not parse in the format of its log))\n"
    )


def test_metric_table(report: Report) -> None:
    assert (
        "| callcenter.service-level | service\\_level | queue=sales | 2026-03-02 | 83.3% | 6 | "
        "&gt;= 80%, warns below 85% | warn |"
    ) in render_markdown(report).splitlines()


def test_a_year_of_metric_values_fits_a_pull_request_comment(
    report: Report, daily_metrics: Callable[..., Report]
) -> None:
    """A year of daily values for five queues, all failing (1,825 rows and 2 warnings), made a
    Markdown report of about 200,000 characters, where GitHub takes a comment of 65,536 at most:
    the table now lists the worst 10 values of each policy and says how many more and where."""
    queues = ("a", "b", "c", "d", "e")
    many = daily_metrics(report, queues=queues, days=365)
    text = render_markdown(many)
    assert len(text) < 65_536
    lead = ("| callcenter.service-level | service\\_level |", "| callcenter.service-level | …")
    rows = [line for line in text.splitlines() if line.startswith(lead)]
    # the worst value is 50% (day d % 30 == 29): 12 such days a year in each queue; 10 shown
    assert [row.split(" | ")[4] for row in rows[:10]] == ["50.0%"] * 10
    assert rows[10] == (
        "| callcenter.service-level | … and 1,817 more (1,815 violated, 2 warn) |  |  |  |  |  |  |"
    )
    assert len(rows) == 11
    assert (
        "Every metric value is in the JSON report (policies\\[\\].metrics); each breach and "
        "warning is a row of the CSV report."
    ) in text.splitlines()
    every = render_markdown(many, max_violations=None)
    assert sum(line.startswith(lead) for line in every.splitlines()) == 5 * 365 + 2


def test_a_warning_above_says_it_warns_above(report: Report) -> None:
    service_level = report.policies[3]  # callcenter.service-level; metrics[1]: queue=sales
    value = service_level.metrics[1].model_copy(
        update={"threshold": "<= 30%", "warn": "<= 20%", "value": 0.25}
    )
    policy = service_level.model_copy(update={"metrics": [value]})
    odd = report.model_copy(update={"policies": [*report.policies[:3], policy]})
    assert (
        "| callcenter.service-level | service\\_level | queue=sales | 2026-03-02 | 25.0% | 6 | "
        "&lt;= 30%, warns above 20% | warn |"
    ) in render_markdown(odd).splitlines()


def test_untrusted_text_stays_text(report: Report) -> None:
    title = "<script>x</script> | [click](http://evil) *now* @team"
    policy = report.policies[2].model_copy(update={"title": title})
    odd = report.model_copy(update={"policies": [*report.policies[:2], policy, report.policies[3]]})
    text = render_markdown(odd)
    assert "<script>" not in text
    assert (
        "**octopus.always-connected**: &lt;script&gt;x&lt;/script&gt; \\| "
        "\\[click\\](http\\://evil) \\*now\\* \\@team (high, 2 violations)"
    ) in text.splitlines()
    assert md("line\nbreak") == "line\\\\nbreak"


def test_a_log_value_plants_no_autolink(report: Report) -> None:
    """GitHub makes links of bare 'https://…', 'www.…' and email addresses in plain text (its
    autolink extension), which a log value could plant in a pull-request comment: a scheme's
    colon and the dot after 'www' are escaped (the same text shown), and an '@' after a
    local part follows an invisible '<wbr>', since an escaped '\\@' is still linked. (hunt62
    finding-K)"""
    assert md("see https://evil.example/x") == "see https\\://evil.example/x"
    assert md("FTP://a.b HTTP://c") == "FTP\\://a.b HTTP\\://c"
    assert md("visit www.evil.example (WWW.x.y)") == "visit www\\.evil.example (WWW\\.x.y)"
    assert md("mail a.b_c@evil.example") == "mail a.b\\_c<wbr>\\@evil.example"
    # not a link: a time, a lone '@', a word ending in www
    assert md("at 10:00 by @team, awww.") == "at 10:00 by \\@team, awww."
    bad = report.violations[0].model_copy(
        update={"sentence": "visit https://evil.example/pay had no arm; ask a@evil.example"}
    )
    value = report.policies[3].metrics[0]
    group = value.model_copy(update={"group": {"queue": "www.evil.example"}})
    summary = report.policies[3].model_copy(update={"metrics": [group]})
    policies = [*report.policies[:3], summary]
    text = render_markdown(report.model_copy(update={"violations": [bad], "policies": policies}))
    assert (
        "- visit https\\://evil.example/pay had no arm; ask a<wbr>\\@evil.example "
        "(logs/visits.jsonl:17)"
    ) in text.splitlines()
    assert "queue=www\\.evil.example" in text


def test_all_violations(report: Report) -> None:
    text = render_markdown(report, max_violations=None)
    assert "- visit v-1011 had no connected arm" in text and "… and" not in text
    assert "v-1011" not in render_markdown(report, max_violations=1)


def test_rejected_records_by_code_count_those_not_listed(report: Report) -> None:
    """1,800 rejected records of which the report lists 3: the counts by code are of all 1,800,
    not of the records listed."""
    capped = report.model_copy(
        update={"rejected_total": 1800, "rejected_by_code": {"E402": 1500, "E404": 300}}
    )
    assert render_markdown(capped).endswith(
        "**Rejected records:** 1,800 (by code: 1,500 × E402 (record does not parse in the format "
        "of its log), 300 × E404 (time cannot be parsed))\n"
    )


def test_counts_have_thousands_separators(thousands: Report) -> None:
    """A pull-request comment read '14772 violations' and '| 90971 | 90651 |' on ServiceNow's
    export, where the HTML report writes 14,772: every count has its separators."""
    lines = render_markdown(thousands).splitlines()
    assert lines[2] == (
        "FAIL: 2,000 violations at or above low in 3 policies (1,000 high, 500 medium, 500 low); "
        "500 metric warnings; 1,200 obligations still open; 1,800 rejected records."
    )
    assert lines[5] == (
        "- Inputs: 2 files; read 141,718, accepted 141,705, rejected 13, duplicates 1, "
        "events 141,705"
    )
    assert "| restaurant.wording | low | 90,971 | 90,651 | 320 | 0 | 0 | 75.0% |" in lines
    assert "- … and 997 more" in lines
    assert "**Open obligations:** 1,200 (0 at risk)" in lines
    assert lines[-1].startswith("**Rejected records:** 1,800 (by code: 1,500 × E402 (record")


def test_the_parameters_in_force_are_listed(report: Report) -> None:
    # hunt59: the text and HTML reports named them, a pull-request comment of a what-if run
    # (`--set`) did not; Markdown's special characters are escaped in a text value
    lines = render_markdown(report).splitlines()
    assert "- Parameters: grace=30s, max\\_wait=3min" in lines
    quoted = report.model_copy(update={"parameters": {"tag": '"a_b\\\\c"'}})
    assert '- Parameters: tag="a\\_b\\\\\\\\c"' in render_markdown(quoted).splitlines()
    assert not any(
        line.startswith("- Parameters")
        for line in render_markdown(report.model_copy(update={"parameters": {}})).splitlines()
    )


def test_events_after_the_horizon_are_said_not_audited(report: Report) -> None:
    """BPIC 2016 audited --as-of 2016-01-15: the text report said 'Not audited: 65 events
    after 2016-01-15T00:00:00+01:00' and the HTML page too; the pull-request comment read
    'events 289' and never said that 65 of them were not audited."""
    later = report.model_copy(update={"ignored_after_as_of": 1065})
    lines = render_markdown(later).splitlines()
    span = next(n for n, line in enumerate(lines) if line.startswith("- Time span: "))
    assert lines[span + 1] == f"- Not audited: 1,065 events after {report.as_of}"
    assert lines[span + 2] == "- Parameters: grace=30s, max\\_wait=3min"
    assert "Not audited" not in render_markdown(report)
