"""The self-contained HTML rendering: its content, its charts, its size at scale, and escaping."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxrules.cli import main
from cxrules.reports.as_html import render_html
from cxrules.reports.model import MetricValue, Report
from cxrules.reports.svg import (
    BAD_COLOR,
    DEADLINE_COLOR,
    OK_COLOR,
    Mark,
    timeline,
    violations_chart,
)

SVG = "{http://www.w3.org/2000/svg}"


def svgs(text: str) -> list[ET.Element]:
    """Every inline SVG, parsed as XML (so each must be well formed)."""
    return [ET.fromstring(chunk) for chunk in re.findall(r"<svg .*?</svg>", text, re.S)]


def titles(svg: ET.Element) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{SVG}title")]


def chart(text: str, label: str) -> ET.Element:
    """The one SVG whose label is `label`."""
    [found] = [s for s in svgs(text) if s.get("aria-label") == label]
    return found


def section(text: str, policy: str) -> str:
    """The HTML of one policy's collapsed section."""
    match = re.search(rf'<details class="policy" id="policy-{re.escape(policy)}">.*?</details>'
                      r"(?=\n|$)", text, re.S)  # fmt: skip
    assert match is not None, policy
    return match.group(0)


def test_self_contained(report: Report) -> None:
    text = render_html(report)
    assert text.startswith("<!DOCTYPE html>\n")
    assert "<script" not in text.lower()
    assert "Content-Security-Policy" in text and "default-src &#x27;none&#x27;" in text
    # no external reference: the only URL is the SVG namespace
    assert set(re.findall(r"https?://[^\"' <]+", text)) == {"http://www.w3.org/2000/svg"}
    assert not re.search(r"\b(src|href)=\"(?!#)", text)


def test_compliance_chart_is_coloured_by_health_least_compliant_first(report: Report) -> None:
    bars = [
        (r.findtext(f"{SVG}title"), r.get("width"), r.get("fill"))
        for r in chart(render_html(report), "Compliance per policy").iter(f"{SVG}rect")
        if r.findtext(f"{SVG}title")
    ]
    # bars are 400 px at 100%: 1/3 → 133.3, 3/4 → 300; callcenter (nothing judged) has none.
    # Colour is health, not severity: restaurant.wording is low severity but 75% compliant (red)
    assert bars == [
        ("octopus.always-connected: 33.3%", "133.3", BAD_COLOR),
        ("restaurant.wording: 75.0%", "300", BAD_COLOR),
        ("complaints.escalate-repeat: 100.0%", "400", OK_COLOR),
    ]


def test_violations_per_day(report: Report) -> None:
    found = chart(render_html(report), "Violations per day")
    # 2 March: v-oct-1 (high), v-rest-1 (low), v-cc-1 (medium); 3 March: v-oct-2 (high);
    # the metric warning v-cc-2 is not a violation
    assert sorted(titles(found)[1:]) == [
        "2026-03-02: 1 high",
        "2026-03-02: 1 low",
        "2026-03-02: 1 medium",
        "2026-03-03: 1 high",
    ]


def test_violations_per_day_span_the_audited_days(report: Report) -> None:
    # a month audited, breaches only in its first days (hunt13): the chart ran from the first to
    # the last day with a violation (2 to 3 March) and left the clean days of the month unseen
    inputs = [
        i.model_copy(update={"last_time": "2026-03-31T21:00:00+03:00"}) for i in report.inputs
    ]
    month = report.model_copy(update={"inputs": inputs, "as_of": "2026-03-31T21:00:00+03:00"})
    found = chart(render_html(month), "Violations per day")
    labels = [t.text for t in found.iter(f"{SVG}text") if (t.text or "").startswith("2026-")]
    assert labels[0] == "2026-03-02" and labels[-1] == "2026-03-31"  # 30 days, 2 to 31 March
    assert len(found.findall(f"{SVG}rect")) == 4 + 3  # the bars as before, the legend's 3
    assert sorted(titles(found)[1:]) == [
        "2026-03-02: 1 high",
        "2026-03-02: 1 low",
        "2026-03-02: 1 medium",
        "2026-03-03: 1 high",
    ]


def metric_breach(report: Report, start: str, end: str) -> Report:
    """The sample report with its service-level breach spanning `start` to `end` (a bucket)."""
    bucket = {"start": start, "end": end, "details": {"bucket": start[:10]}}
    violations = [v.model_copy(update=bucket) if v.id == "v-cc-1" else v for v in report.violations]
    return report.model_copy(update={"violations": violations})


def test_a_metric_breach_is_counted_on_its_buckets_last_audited_day(report: Report) -> None:
    # a monthly breach spans March, from 1 March: it was drawn on 1 March, a day before the
    # log's first event (2 March), and the chart began there (hunt22). It counts on the
    # bucket's last day, here cut short by the horizon (3 March)
    month = metric_breach(report, "2026-03-01T00:00:00+03:00", "2026-04-01T00:00:00+03:00")
    found = chart(render_html(month), "Violations per day")
    labels = [t.text for t in found.iter(f"{SVG}text") if (t.text or "").startswith("2026-")]
    assert labels[0] == "2026-03-02" and labels[-1] == "2026-03-03"
    assert sorted(titles(found)[1:]) == [
        "2026-03-02: 1 high",
        "2026-03-02: 1 low",
        "2026-03-03: 1 high",
        "2026-03-03: 1 medium",
    ]
    # with the audit running to 10 March, the week of 2 to 8 March counts on Sunday 8 March
    inputs = [
        i.model_copy(update={"last_time": "2026-03-10T21:00:00+03:00"}) for i in report.inputs
    ]
    week = metric_breach(report, "2026-03-02T00:00:00+03:00", "2026-03-09T00:00:00+03:00")
    week = week.model_copy(update={"inputs": inputs, "as_of": "2026-03-10T21:00:00+03:00"})
    found = chart(render_html(week), "Violations per day")
    assert "2026-03-08: 1 medium" in titles(found)


def test_violation_days_are_the_reports_zone_inside_the_audited_days(report: Report) -> None:
    # times written in UTC by a report in Istanbul: 2 March 22:30 UTC is 3 March there
    v = report.violations[0].model_copy(update={"start": "2026-03-02T22:30:00+00:00"})
    late = report.model_copy(update={"violations": [v, *report.violations[1:]]})
    assert "2026-03-03: 2 high" in titles(chart(render_html(late), "Violations per day"))
    # a `before` window that opened before the first event counts on the first audited day
    v = report.violations[1].model_copy(update={"start": "2026-02-27T08:00:00+03:00"})
    early = report.model_copy(update={"violations": [report.violations[0], v,
                                                     *report.violations[2:]]})  # fmt: skip
    found = chart(render_html(early), "Violations per day")
    labels = [t.text for t in found.iter(f"{SVG}text") if (t.text or "").startswith("2026-")]
    assert labels[0] == "2026-03-02"
    assert "2026-03-02: 2 high" in titles(found)


def test_violations_over_years_are_counted_per_month(report: Report) -> None:
    first = report.violations[0]
    later = first.model_copy(update={"id": "v-late", "start": "2029-06-15T10:00:00+03:00"})
    inputs = [
        i.model_copy(update={"last_time": "2029-06-30T21:00:00+03:00"}) for i in report.inputs
    ]
    update = {"violations": [*report.violations, later], "inputs": inputs, "as_of": None}
    text = render_html(report.model_copy(update=update))
    assert "<figcaption>Violations per month</figcaption>" in text
    found = chart(text, "Violations per month")
    assert sorted(titles(found)[1:]) == [
        "2026-03: 1 low",
        "2026-03: 1 medium",
        "2026-03: 2 high",
        "2029-06: 1 high",
    ]


def test_the_last_date_under_the_violations_chart_stays_inside_it() -> None:
    """ServiceNow's violations per week, 2016-02-29 to 2017-02-13: the last week's date was
    centred 26.5 px from the chart's right edge, and its ten 10 px digits (6.4 px each in
    DejaVu Sans, Debian's Chromium's font) ran past it: the page showed '2017-02-1'. Every date
    label now ends inside the chart."""
    first = date(2016, 2, 29)
    counts = {first + timedelta(weeks=n): {"medium": n + 1} for n in range(51)}
    svg = ET.fromstring(violations_chart(counts, "week"))
    width = float(svg.get("width") or 0)
    labels = [t for t in svg.iter("{http://www.w3.org/2000/svg}text") if t.get("font-size")]
    assert labels[-1].text == "2017-02-13"
    for label in labels:
        x, size = float(label.get("x") or 0), len(label.text or "") * 6.4
        right = {"middle": x + size / 2, "end": x, "start": x + size}[label.get("text-anchor")]
        assert right <= width, (label.text, right, width)


def test_a_timeline_per_violation(report: Report) -> None:
    timelines = [s for s in svgs(render_html(report)) if titles(s)[0].startswith("Timeline")]
    assert [titles(c)[0] for c in timelines] == [
        "Timeline of v-oct-1",
        "Timeline of v-oct-2",
        "Timeline of v-cc-1",
        "Timeline of v-cc-2",
        "Timeline of v-rest-1",
    ]
    dots = [c.findtext(f"{SVG}title") for c in timelines[0].iter(f"{SVG}circle")]
    assert dots == ["arm.disconnected 10:05:00", "arm.connected 10:07:12"]


def deadline_lines(svg: ET.Element) -> list[ET.Element]:
    return [line for line in svg.iter(f"{SVG}line") if line.get("stroke") == DEADLINE_COLOR]


def test_the_deadline_is_marked_on_the_timeline(report: Report) -> None:
    late = report.violations[0].model_copy(
        update={
            "kind": "late",
            "fulfilled_at": "2026-03-02T10:07:12+03:00",
            "details": {"deadline": "2026-03-02T10:06:00+03:00"},
        }
    )
    text = render_html(report.model_copy(update={"violations": [late, *report.violations[1:]]}))
    timeline = chart(text, "Timeline of v-oct-1")
    [line] = deadline_lines(timeline)
    assert line.findtext(f"{SVG}title") == "deadline 10:06:00"
    # 10:06 lies between the trigger (10:05:00) and the fulfilment (10:07:12)
    dots = {label: float(c.get("cx", "")) for label, c in circles(timeline).items()}
    x = float(line.get("x1", ""))
    assert dots["arm.disconnected 10:05:00"] < x < dots["arm.connected 10:07:12"]
    # a violation without a deadline, or with one that is not a time, has no line
    assert deadline_lines(chart(text, "Timeline of v-oct-2")) == []
    odd = late.model_copy(update={"details": {"deadline": "tomorrow"}})
    again = render_html(report.model_copy(update={"violations": [odd]}))
    assert deadline_lines(chart(again, "Timeline of v-oct-1")) == []


def test_timelines_over_days_show_dates(report: Report) -> None:
    long = report.violations[0].model_copy(update={"end": "2026-03-05T09:00:00+03:00"})
    text = render_html(report.model_copy(update={"violations": [long]}))
    labels = [t.text for t in chart(text, "Timeline of v-oct-1").iter(f"{SVG}text")]
    assert "arm.disconnected 2026-03-02 10:05" in labels and "2026-03-05 09:00" in labels


def circles(svg: ET.Element) -> dict[str, ET.Element]:
    return {c.findtext(f"{SVG}title") or "": c for c in svg.iter(f"{SVG}circle")}


def y_of_line(svg: ET.Element, label: str) -> float:
    """The y of the dashed line whose text starts with `label` ('required', 'warning')."""
    [text] = [t for t in svg.iter(f"{SVG}text") if (t.text or "").startswith(label)]
    [line] = [
        ln for ln in svg.iter(f"{SVG}line")
        if ln.get("stroke") == text.get("fill") and ln.get("stroke-dasharray")
    ]  # fmt: skip
    return float(line.get("y1", ""))


def test_a_trend_chart_per_group_of_a_metric(report: Report) -> None:
    text = render_html(report)
    part = section(text, "callcenter.service-level")
    assert "<figcaption>service_level, queue=billing</figcaption>" in part
    sales = chart(part, "Trend of service_level, queue=sales")
    dots = circles(sales)
    assert sorted(dots) == [
        "2026-03-02: 83.3% (n=6, warn)",
        "2026-03-03: n/a (n=0, not applicable)",
    ]
    required, warning = y_of_line(sales, "required >= 80%"), y_of_line(sales, "warns below 85%")
    assert warning < required  # 85% is drawn above 80%
    warned = float(dots["2026-03-02: 83.3% (n=6, warn)"].get("cy", ""))
    assert warning < warned < required  # 83.3% sits in the warning band
    band = [r for r in sales.iter(f"{SVG}rect") if r.findtext(f"{SVG}title", "").startswith("warn")]
    assert len(band) == 1 and float(band[0].get("height", "")) > 0
    billing = chart(part, "Trend of service_level, queue=billing")
    [(label, dot)] = circles(billing).items()
    assert label == "2026-03-02: 75.0% (n=8, violated)"
    assert float(dot.get("cy", "")) > y_of_line(billing, "required >= 80%")  # below: failing
    assert dot.get("fill") == BAD_COLOR


def test_one_chart_across_groups_when_each_has_one_bucket(report: Report) -> None:
    nps = [
        MetricValue(metric="nps", group={"store": store}, bucket="2026-03", value=value,
                    population=40, status=status, threshold=">= 40", warn=">= 50")
        for store, value, status in (("ankara", 55.0, "ok"), ("izmir", 31.5, "violated"))
    ]  # fmt: skip
    policies = [p.model_copy(update={"metrics": nps}) if p.metrics else p for p in report.policies]
    text = render_html(report.model_copy(update={"policies": policies}))
    found = chart(text, "Trend of nps by store")
    assert sorted(circles(found)) == [
        "store=ankara: 55 (n=40, ok)",
        "store=izmir: 31.5 (n=40, violated)",
    ]
    assert list(found.iter(f"{SVG}polyline")) == []  # groups are not joined by a line


def test_policy_sections_are_collapsed_and_worst_first(report: Report) -> None:
    text = render_html(report)
    opened = re.findall(r'<details class="policy" id="policy-([^"]+)"([^>]*)>', text)
    assert opened == [
        ("octopus.always-connected", ""),
        ("callcenter.service-level", ""),
        ("restaurant.wording", ""),
        ("complaints.escalate-repeat", ""),
    ]
    assert 'id="violation-v-oct-1"' in section(text, "octopus.always-connected")
    assert "2 violations" in section(text, "octopus.always-connected").split("</summary>")[0]


def test_content(report: Report) -> None:
    text = render_html(report)
    assert '<p class="verdict fail">FAIL: 4 violations at or above low in 3 policies' in text
    assert '<td class="t">2026-03-02T09:00:00+03:00</td>' in text  # first time of an input
    assert "<dt>duration</dt><dd>2m12s</dd>" in text
    assert "<dd><code>{&quot;arm&quot;: &quot;ayse&quot;, &quot;text&quot;: " in text
    assert "<h2>Open obligations (1)</h2>" in text
    assert "<h2>Rejected records (3)</h2>" in text
    assert "4 activations: 1 satisfied, 2 violated" not in text  # octopus has 3 activations
    assert "3 activations: 1 satisfied, 2 violated; compliance" in text
    # the metric table says when a value warns ('warn below 85%'), not the level it keeps
    assert "<th>warning</th>" in text and ">warns below 85%</td>" in text
    assert "&gt;= 85%" not in text


def test_each_section_names_its_rule_kind_with_its_article(report: Report) -> None:
    """hunt65 finding-K: a forbid rule's section read 'Owner Restaurant · a absence rule
    defined at …', an invariant's 'a invariant rule'."""
    text = render_html(report)
    said = {
        policy: re.findall(r"· (an? [a-z ]+) rule defined at", section(text, policy))
        for policy in (
            "restaurant.wording",
            "complaints.escalate-repeat",
            "octopus.always-connected",
        )
    }
    assert said == {
        "restaurant.wording": ["an absence"],
        "complaints.escalate-repeat": ["a response"],
        "octopus.always-connected": ["an invariant"],
    }


def many(report: Report, count: int) -> Report:
    """The sample report with `count` gaps of octopus.always-connected instead of two."""
    first = report.violations[0]
    extra = [first.model_copy(update={"id": f"v-gap-{n:05d}"}) for n in range(count)]
    return report.model_copy(update={"violations": [*extra, *report.violations[2:]]})


def cards(text: str) -> list[str]:
    return re.findall(r'<div class="violation" id="violation-([^"]+)">', text)


def test_the_first_violations_of_each_policy_and_a_pointer_to_the_rest(report: Report) -> None:
    text = render_html(many(report, 5000))
    gaps = [c for c in cards(text) if c.startswith("v-gap-")]
    assert gaps == [f"v-gap-{n:05d}" for n in range(20)]
    part = section(text, "octopus.always-connected")
    assert "<h4>Violations: the first 20 of 5,000</h4>" in part
    assert "4,980 more violations of <code>octopus.always-connected</code> are not shown" in part
    assert "<code>--format csv</code>" in part and "<code>--format json</code>" in part
    assert len(text.encode()) < 150_000  # 5,000 violations, a page that opens at once


def test_max_violations(report: Report) -> None:
    text = render_html(many(report, 30), max_violations=1)
    assert [c for c in cards(text) if c.startswith("v-gap-")] == ["v-gap-00000"]
    assert "29 more violations of <code>octopus.always-connected</code>" in text
    everything = render_html(many(report, 30), max_violations=None)
    assert len([c for c in cards(everything) if c.startswith("v-gap-")]) == 30
    assert "more violations" not in everything
    with pytest.raises(ValueError, match="max_violations must be 0 or more, not -1"):
        render_html(report, max_violations=-1)


def test_the_hidden_rest_counts_violations_and_metric_warnings_apart(report: Report) -> None:
    """A metric's warnings are listed with its violations but are not violations: the pointer
    to the rest counts them apart, so that its numbers add up to the policy's."""
    sample = many(report, 5)
    gaps = [v for v in sample.violations if v.id.startswith("v-gap-")]
    warned = [g.model_copy(update={"kind": "metric_warning"}) for g in gaps[3:]]
    text = render_html(
        sample.model_copy(update={"violations": gaps[:3] + warned}), max_violations=2
    )
    part = section(text, "octopus.always-connected")
    assert "Violations and metric warnings: the first 2 of 5" in part
    assert "1 more violation and 2 metric warnings of <code>octopus.always-connected</code>" in part


def test_open_obligations_are_capped(report: Report) -> None:
    pending = report.pending[0]
    lots = [
        pending.model_copy(update={"scope": {"customer": f"c-{n}"}, "at_risk": n == 7})
        for n in range(30)
    ]
    text = render_html(report.model_copy(update={"pending": lots}), max_pending=5)
    assert "<h2>Open obligations (30)</h2>" in text
    rows = re.findall(r"<td>customer=(c-\d+)</td>", text)
    assert rows == ["c-7", "c-0", "c-1", "c-2", "c-3"]  # at risk first
    assert "25 more are not listed here" in text


def test_a_long_list_of_open_obligations_says_whether_it_is_all(report: Report) -> None:
    """The helpdesk's 13 open obligations, all listed, sat behind 'List the first 13', which
    reads as if more were left out; 30 listed of 30 is 'all', 20 of 30 'the first'."""
    pending = report.pending[0]
    lots = [pending.model_copy(update={"scope": {"customer": f"c-{n}"}}) for n in range(30)]
    many = report.model_copy(update={"pending": lots})
    assert "<summary>List all 30</summary>" in render_html(many)
    capped = render_html(many, max_pending=20)
    assert "<summary>List the first 20</summary>" in capped
    assert "10 more are not listed here" in capped


def test_explanations_beside_each_policy(report: Report) -> None:
    assert 'class="explain"' not in render_html(report)
    words = "For each visit: a customer inside <the shop> is connected to an arm."
    text = render_html(report, explanations={"octopus.always-connected": words, "nope": "x"})
    part = section(text, "octopus.always-connected")
    assert '<p class="explain">For each visit: a customer inside &lt;the shop&gt; is' in part
    assert text.count('class="explain"') == 1


def test_deterministic(make_report: Callable[[], Report]) -> None:
    assert render_html(make_report()) == render_html(make_report())


def test_script_in_title_and_attribute_is_escaped(report: Report) -> None:
    script = '<script>alert("x")</script>'
    policy = report.policies[2].model_copy(update={"title": f"Connected {script}", "owner": script})
    evidence = report.violations[0].evidence[0].model_copy(update={"type": f"arm.{script}"})
    violation = report.violations[0].model_copy(
        update={
            "scope": {"visit": script},
            "evidence": [evidence],
            "details": {"said": script, "deadline": script},
            "sentence": f"visit {script} had a gap",
        }
    )
    metric = (
        report.policies[3]
        .metrics[0]
        .model_copy(
            update={"group": {"queue": script}, "threshold": f">= {script}", "metric": script}
        )
    )
    metrics = report.policies[3].model_copy(update={"metrics": [metric]})
    pending = report.pending[0].model_copy(update={"sentence": script})
    odd = report.model_copy(
        update={
            "policies": [*report.policies[:2], policy, metrics],
            "violations": [violation, *report.violations[1:]],
            "pending": [pending],
        }
    )
    text = render_html(odd, explanations={"octopus.always-connected": script})
    assert "<script" not in text
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    assert f'<span class="muted small">Connected {escaped}</span>' in text  # policy table
    assert f"<dt>scope</dt><dd>visit={escaped}</dd>" in text  # the attribute value
    assert f"<td>arm.{escaped}</td>" in text  # the evidence type
    assert f"visit {escaped} had a gap</p>" in text
    assert f'<p class="explain">{escaped}</p>' in text
    assert f"<figcaption>{escaped} by queue</figcaption>" in text
    assert f"<title>queue={escaped}: 0.75 (n=8, violated)</title>" in text
    assert "&quot;said&quot;: &quot;\\&quot;" not in text  # details are JSON, then escaped
    assert "{&quot;deadline&quot;: &quot;&lt;script&gt;alert(\\&quot;x\\&quot;)&lt;/script" in text
    svgs(text)  # the charts still parse with the hostile labels in them


def test_an_empty_report_renders(report: Report) -> None:
    empty = report.model_copy(
        update={"policies": [], "violations": [], "pending": [], "rejected": [],
                "rejected_total": 0, "inputs": []}
    )  # fmt: skip
    text = render_html(empty)
    assert '<p class="verdict pass">PASS' in text
    assert "No violations." in text
    svgs(text)


def test_reported_values_are_lines_of_the_card(report: Report) -> None:
    first = report.violations[0]
    shown = first.model_copy(update={"details": {"report": {"party": 4, "host": "<Ayşe>"}}})
    text = render_html(report.model_copy(update={"violations": [shown]}))
    card = text[text.index('id="violation-v-oct-1"') :]
    # sorted by name, escaped, before the raw details
    assert "<dt>host</dt><dd>&lt;Ayşe&gt;</dd><dt>party</dt><dd>4</dd><dt>details</dt>" in card


def test_nothing_audited_is_no_clean_bill(unjudged: Report) -> None:
    """With no event judged, the violations chart does not say "No violations."."""
    text = render_html(unjudged)
    assert '<p class="verdict fail">NOTHING AUDITED: all 14 events are after the horizon' in text
    words = "".join(chart(text, "Violations per day").itertext())
    said = "Nothing audited: no event was judged, so no violation could be found."
    assert words == "Violations per day" + said
    assert "No violations." not in text
    # nor does the tile count 0 violations: it says nothing was audited
    tile = '<span class="muted small">violations</span><b>–</b>'
    assert tile + '<span class="muted small">nothing was audited</span>' in text
    svgs(text)


def test_bidi_overrides_and_control_characters_show_as_escapes(report: Report) -> None:
    """A right-to-left override in a title or a log value does not turn the page's text around
    ("Reply \\u202egnp.exe" showed as "Reply exe.png"), nor does a newline vanish into a space
    or an escape sequence into a box: each shows as an escape, as in the terminal report."""
    rlo, pdf = "\u202e", "\u202c"
    policy = report.policies[2].model_copy(update={"title": f"Reply {rlo}gnp.exe{pdf}"})
    violation = report.violations[0].model_copy(
        update={
            "scope": {"visit": f"v-1{rlo}evil"},
            "sentence": 'text = "bad\n| row |\x1b[31m" \u200fok',
            "details": {"said": f"{rlo}x"},
        }
    )
    metric = report.policies[3].metrics[0].model_copy(update={"group": {"queue": f"{rlo}sales"}})
    metrics = report.policies[3].model_copy(update={"metrics": [metric]})
    odd = report.model_copy(
        update={
            "policies": [*report.policies[:2], policy, metrics],
            "violations": [violation, *report.violations[1:]],
        }
    )
    text = render_html(odd, explanations={"octopus.always-connected": f"line 1\n{rlo}line 2"})
    assert not {rlo, pdf, "\u200f", "\x1b"} & set(text)
    assert "Reply \\u202egnp.exe\\u202c" in text  # the title
    assert "<dt>scope</dt><dd>visit=&quot;v-1\\u202eevil&quot;</dd>" in text
    assert "text = &quot;bad\\n| row |\\x1b[31m&quot; \\u200fok</p>" in text  # the sentence
    assert "<title>queue=&quot;\\u202esales&quot;: 75.0% (n=8, violated)</title>" in text  # a trend
    assert '<p class="explain">line 1\n\\u202eline 2</p>' in text  # its line breaks kept
    svgs(text)


def test_rejected_records_by_code_count_those_not_listed(report: Report) -> None:
    """The report lists 3 of 1,800 rejected records: the table by code counts all 1,800, and
    says so, not 'records listed'; and what each code means, as the text report does (the 1,797
    records not listed have no reason on the page: 'E402 1,500' alone said nothing)."""
    capped = report.model_copy(
        update={"rejected_total": 1800, "rejected_by_code": {"E402": 1500, "E404": 300}}
    )
    text = render_html(capped)
    part = text[text.index("<h2>Rejected records (1,800)</h2>") :]
    assert part.startswith(
        "<h2>Rejected records (1,800)</h2><p class='muted'>The report lists 3 of 1,800.</p>"
        "<table><thead><tr><th>code</th><th>meaning</th><th>records</th></tr></thead><tbody>"
        "<tr><td>E402</td><td>record does not parse in the format of its log</td>"
        '<td class="n">1,500</td></tr>'
        '<tr><td>E404</td><td>time cannot be parsed</td><td class="n">300</td>'
    )


def test_metric_warnings_are_counted_among_the_satisfied(report: Report) -> None:
    """callcenter.service-level: one value violated, one met the requirement with a warning, so
    1 satisfied of 2, not '1 satisfied, 1 violated, 1 metric warnings' (three of two)."""
    levels = report.policies[3].model_copy(update={"activations": 2, "satisfied": 1})
    odd = report.model_copy(update={"policies": [*report.policies[:3], levels]})
    part = section(render_html(odd), "callcenter.service-level")
    assert "<p>2 values: 1 satisfied (1 with a metric warning), 1 violated; compliance " in part


def test_the_verdict_counts_as_the_tiles_do(thousands: Report) -> None:
    """The page's verdict read '14772 violations' above a tile reading '14,772' (ServiceNow's
    export): the verdict's counts have their separators too."""
    page = render_html(thousands)
    assert "FAIL: 2,000 violations at or above low in 3 policies (1,000 high, 500 medium, " in page


def test_open_obligations_nearest_deadline_first(deadlines: Report) -> None:
    """At risk first, then the nearest deadline first, one without a deadline last (see the
    text report's test): the page listed them in the report's order after those at risk."""
    rows = re.findall(r"<td>customer=(c-\w)</td>", render_html(deadlines))
    assert rows == ["c-b", "c-c", "c-e", "c-a", "c-d"]


def test_one_event_out_of_scope_is_said_in_the_singular(report: Report) -> None:
    """complaints.escalate-repeat has 2 scopes and 1 event out of scope (it read '1 events')."""
    part = section(render_html(report), "complaints.escalate-repeat")
    assert "2 scopes seen (0 vacuous, 1 event out of scope)." in part
    many = report.policies[1].model_copy(update={"out_of_scope": 1200})
    odd = report.model_copy(update={"policies": [report.policies[0], many, *report.policies[2:]]})
    assert "(0 vacuous, 1,200 events out of scope)." in render_html(odd)


def test_events_audited_are_counted_from_the_records_read(report: Report) -> None:
    """The anonymous bank's rows unfold into several events each, and the tile read '135,215
    events audited, of 33,344 records read', more than all; the events come from the records."""
    unfolded = report.inputs[0].model_copy(update={"read": 3, "accepted": 3, "events": 12})
    bank = report.model_copy(update={"inputs": [unfolded]})
    page = render_html(bank)
    tile = '<span class="muted small">events audited</span><b>12</b>'
    assert tile + '<span class="muted small">from 3 records read</span>' in page


def test_a_metric_counts_its_values_not_scopes(report: Report) -> None:
    """The anonymous bank's service level read '76 values: …; compliance 1.3%. 158 scopes seen
    (82 vacuous).': a metric's scopes are its values, and the 82 the table below calls
    insufficient were 'vacuous'; they are now values not judged."""
    levels = report.policies[3].model_copy(
        update={"scopes": 158, "vacuous": 82, "activations": 76, "out_of_scope": 1}
    )
    odd = report.model_copy(update={"policies": [*report.policies[:3], levels]})
    part = section(render_html(odd), "callcenter.service-level")
    assert (
        "158 values in all, 82 of them not judged (an empty or too small sample); "
        "1 event out of scope.</p>"
    ) in part
    assert "vacuous" not in part and "scopes seen" not in part


def test_events_after_the_horizon_are_not_counted_as_audited(
    tmp_path: Path, audit_engine: str
) -> None:
    """BPIC 2016 audited --as-of 2016-01-15: the tile said '289 events audited' where 65 of the
    289 events were after the horizon and not audited (the About table said so below). Here 5
    records, one a duplicate id, 4 events, 2 of them after the horizon: 2 audited."""
    (tmp_path / "p.cxr").write_text(
        'policy shop.fine "Never say fine"\n  severity high\n'
        '  forbid staff.said where text == "fine"\n',
        "utf-8",
    )
    said = {"time": "2026-03-02T10:00:00Z", "type": "staff.said", "text": "fine"}
    log = [
        {**said, "id": "e1"},
        {**said, "id": "e1"},
        {**said, "id": "e2", "time": "2026-03-02T11:00:00Z"},
        {**said, "id": "e3", "time": "2026-03-03T11:00:00Z"},
        {**said, "id": "e4", "time": "2026-03-04T11:00:00Z"},
    ]
    (tmp_path / "log.jsonl").write_text("".join(json.dumps(e) + "\n" for e in log), "utf-8")
    args = ["audit", "--policies", str(tmp_path / "p.cxr"), "--log", str(tmp_path / "log.jsonl")]
    args += ["--engine", audit_engine, "--as-of", "2026-03-03", "--format", "html"]
    page = CliRunner().invoke(main, args).stdout
    tile = '<span class="muted small">events audited</span><b>2</b>'
    assert tile + '<span class="muted small">from 5 records read; 2 after the horizon' in page


def test_a_narrow_band_has_its_two_times_as_one_label() -> None:
    """The helpdesk's first late pickup: a window of 31h20m (2010-01-13 08:40 to 2010-01-14
    16:00) in a timeline of 16 days was a band 49 px wide, and its start and end were written
    over each other below it ('2010-01-2014-16:00-13 08:40'); they are now one text. A wide
    band keeps a time at each of its ends."""
    day = 86_400.0
    marks = [Mark(0, "ticket.assign_seriousness", True), Mark(16 * day, "ticket.take_in_charge")]
    times = ("2010-01-13 08:40", "2010-01-14 16:00")
    narrow = ET.fromstring(timeline(0, day + 7.33 * 3600, marks, "v", times))
    below = [t for t in narrow.iter(f"{SVG}text") if t.get("y") == "72"]
    assert [(t.text, t.get("text-anchor")) for t in below] == [
        ("2010-01-13 08:40 – 2010-01-14 16:00", "start")
    ]
    wide = ET.fromstring(timeline(0, 8 * day, marks, "v", times))
    below = [t for t in wide.iter(f"{SVG}text") if t.get("y") == "72"]
    assert [(t.text, t.get("text-anchor")) for t in below] == [
        ("2010-01-13 08:40", "start"),
        ("2010-01-14 16:00", "end"),
    ]


def test_event_labels_of_a_timeline_never_overlap() -> None:
    """The anonymous bank's repeat calls: six calls of a customer, four in the day's last hours,
    had their labels written over each other ('call.ent…18:26:46…16:19:59'). A label goes on
    the row its turn prefers, else on the other, else is left out (its dot keeps its tooltip);
    the trigger's first. Three events a second apart: the trigger (third) takes the first row,
    the first event the second row, and the second event has no label."""
    marks = [Mark(0, "call.entered 10:00:00"), Mark(1, "call.entered 10:00:01")]
    marks.append(Mark(2, "call.entered 10:00:02", trigger=True))
    svg = ET.fromstring(timeline(0, 2, marks, "v", ("10:00:00", "10:00:02")))
    labels = {t.text: t.get("y") for t in svg.iter(f"{SVG}text") if t.get("font-size") == "11"}
    assert labels == {"call.entered 10:00:02": "38", "call.entered 10:00:00": "22"}
    assert sorted(c.findtext(f"{SVG}title") or "" for c in svg.iter(f"{SVG}circle")) == [
        "call.entered 10:00:00",
        "call.entered 10:00:01",
        "call.entered 10:00:02",
    ]


def test_the_violations_tile_says_how_many_are_below_fail_on(report: Report) -> None:
    """The Volvo closed problems: the verdict 'FAIL: 364 violations at or above low …; 10
    violations below low' stood over a tile '374 violations, 0 metric warnings', a count the
    verdict never named. The fixture has 2 high, 1 medium and 1 low violation and 1 metric
    warning: with fail_on high, 2 are below it."""
    page = render_html(report, fail_on="high")
    tile = '<span class="muted small">violations</span><b>4</b>'
    assert tile + '<span class="muted small">2 below high, 1 metric warning</span>' in page
    page = render_html(report)
    assert tile + '<span class="muted small">1 metric warning</span>' in page


def test_a_rate_under_a_health_band_is_never_rounded_onto_its_edge(report: Report) -> None:
    """Volvo's incidents: vinst.queue-pickup, 9,232 of 11,544 (79.97%), read '80.0%' in the
    policy table and on its bar, in the red that the legend calls 'under 80%'."""
    pickup = report.policies[0].model_copy(update={"compliance": 9232 / 11544})
    page = render_html(report.model_copy(update={"policies": [pickup, *report.policies[1:]]}))
    assert f'<span class="pct" style="color:{BAD_COLOR}">79.97%</span>' in page
    bars = chart(page, "Compliance per policy")
    titles = [t.text for t in bars.iter(f"{SVG}title")]
    assert f"{pickup.id}: 79.97%" in titles and f"{pickup.id}: 80.0%" not in titles


def test_the_short_words_of_the_metric_table_stay_whole(report: Report) -> None:
    """A metric grouped by a long value (a queue of 3,000 characters, clipped to 80 and its
    length) took the table's width and every cell could wrap anywhere: 'abandonme|nt',
    'violate|d'. The metric, bucket, threshold, warning and status stay on one line; the group
    wraps."""
    part = section(render_html(report), "callcenter.service-level")
    table = part[part.index("All 3 metric values") :]
    row = table[
        table.index("<tbody><tr>") + len("<tbody><tr>") : table.index(
            "</tr>", 1 + table.index("<tbody>")
        )
    ]
    assert row == (
        '<td class="t">service_level</td><td>queue=billing</td><td class="t">2026-03-02</td>'
        '<td class="n">75.0%</td><td class="n">8</td><td class="t">&gt;= 80%</td>'
        '<td class="t">warns below 85%</td><td class="t">violated</td>'
    )


def test_right_to_left_log_values_are_isolated(report: Report) -> None:
    """A Hebrew or Arabic value from the log sits in an English sentence: without isolation
    the number after it joins its right-to-left run, and 'topic שירות לקוחות 3 complaints'
    shows as 'topic 3 שירות לקוחות complaints' (chromium). Each such value of the scope, the
    details or a metric's group is wrapped in <bdi> where sentences and scopes are written;
    a left-to-right value is left as it is. (hunt62 finding-K)"""
    he, ar = "שירות לקוחות", "خدمة العملاء"
    violation = report.violations[0].model_copy(
        update={
            "scope": {"topic": he, "visit": "v-1"},
            "sentence": f"topic {he} 3 complaints, reason {ar}, visit v-1",
            "details": {"reason": ar},
        }
    )
    pending = report.pending[0].model_copy(
        update={"scope": {"topic": ar}, "sentence": f"topic {ar} 2 waiting"}
    )
    metric = report.policies[3].metrics[0].model_copy(update={"group": {"queue": he}})
    metrics = report.policies[3].model_copy(update={"metrics": [metric]})
    odd = report.model_copy(
        update={
            "policies": [*report.policies[:3], metrics],
            "violations": [violation, *report.violations[1:]],
            "pending": [pending],
        }
    )
    text = render_html(odd)
    assert (
        f"topic <bdi>{he}</bdi> 3 complaints, reason <bdi>{ar}</bdi>, visit v-1</p>" in text
    )  # the sentence
    assert f"<dt>scope</dt><dd>topic=<bdi>{he}</bdi>, visit=v-1</dd>" in text
    assert f"<td>topic=<bdi>{ar}</bdi></td>" in text  # the open obligation's scope
    assert f"<td>topic <bdi>{ar}</bdi> 2 waiting</td>" in text  # and its sentence
    assert f"<td>queue=<bdi>{he}</bdi></td>" in text  # the metric table
