"""The self-contained HTML rendering: its content, its charts, and its escaping."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

from cxrules.reports.as_html import render_html
from cxrules.reports.model import Report


def svgs(text: str) -> list[ET.Element]:
    """Every inline SVG, parsed as XML (so each must be well formed)."""
    return [ET.fromstring(chunk) for chunk in re.findall(r"<svg .*?</svg>", text, re.S)]


def titles(svg: ET.Element) -> list[str]:
    return [t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}title")]


def test_self_contained(report: Report) -> None:
    text = render_html(report)
    assert text.startswith("<!DOCTYPE html>\n")
    assert "<script" not in text.lower()
    assert "Content-Security-Policy" in text and "default-src &#x27;none&#x27;" in text
    # no external reference: the only URL is the SVG namespace
    assert set(re.findall(r"https?://[^\"' <]+", text)) == {"http://www.w3.org/2000/svg"}
    assert not re.search(r"\b(src|href)=\"(?!#)", text)


def test_compliance_chart(report: Report) -> None:
    chart = svgs(render_html(report))[0]
    assert titles(chart)[0] == "Compliance per policy"
    bars = {
        (r.findtext("{http://www.w3.org/2000/svg}title") or ""): r.get("width")
        for r in chart.iter("{http://www.w3.org/2000/svg}rect")
    }
    # bars are 360 px at 100%: 1/3 → 120, 3/4 → 270; callcenter (nothing judged) has none
    assert bars == {
        "octopus.always-connected: 33.3%": "120",
        "restaurant.wording: 75.0%": "270",
        "complaints.escalate-repeat: 100.0%": "360",
    }


def test_violations_per_day(report: Report) -> None:
    chart = svgs(render_html(report))[1]
    # 2 March: v-oct-1 (high), v-rest-1 (low), v-cc-1 (medium); 3 March: v-oct-2 (high);
    # the metric warning v-cc-2 is not a violation
    assert sorted(titles(chart)[1:]) == [
        "2026-03-02: 1 high",
        "2026-03-02: 1 low",
        "2026-03-02: 1 medium",
        "2026-03-03: 1 high",
    ]


def test_a_timeline_per_violation(report: Report) -> None:
    charts = svgs(render_html(report))[2:]
    assert [titles(c)[0] for c in charts] == [
        "Timeline of v-oct-1",
        "Timeline of v-oct-2",
        "Timeline of v-cc-1",
        "Timeline of v-cc-2",
        "Timeline of v-rest-1",
    ]
    first = charts[0]
    dots = [c.findtext("{http://www.w3.org/2000/svg}title") for c in first.iter(
        "{http://www.w3.org/2000/svg}circle")]  # fmt: skip
    assert dots == ["arm.disconnected 10:05:00", "arm.connected 10:07:12"]


def test_content(report: Report) -> None:
    text = render_html(report)
    assert '<p class="verdict fail">FAIL: 4 violations at or above low in 3 policies' in text
    assert "<td>2026-03-02T09:00:00+03:00</td>" in text
    assert "<dt>duration</dt><dd>2m12s</dd>" in text
    assert "<dd><code>{&quot;arm&quot;: &quot;ayse&quot;, &quot;text&quot;: " in text
    assert "<h2>Open obligations (1)</h2>" in text
    assert "<h2>Rejected records (3)</h2>" in text
    assert text.index('id="policy-octopus.always-connected"') < text.index(
        'id="policy-restaurant.wording"'
    )


def test_max_violations(report: Report) -> None:
    text = render_html(report, max_violations=1)
    assert "v-oct-2" not in text
    assert "… and 1 more not shown." in text


def test_deterministic(make_report: Callable[[], Report]) -> None:
    assert render_html(make_report()) == render_html(make_report())


def test_script_in_title_and_attribute_is_escaped(report: Report) -> None:
    script = '<script>alert("x")</script>'
    policy = report.policies[2].model_copy(update={"title": f"Connected {script}"})
    evidence = report.violations[0].evidence[0].model_copy(update={"type": f"arm.{script}"})
    violation = report.violations[0].model_copy(
        update={
            "scope": {"visit": script},
            "evidence": [evidence],
            "details": {"said": script},
            "sentence": f"visit {script} had a gap",
        }
    )
    odd = report.model_copy(
        update={
            "policies": [*report.policies[:2], policy, report.policies[3]],
            "violations": [violation, *report.violations[1:]],
        }
    )
    text = render_html(odd)
    assert "<script" not in text
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    assert f"<td>Connected {escaped}</td>" in text  # the title, in the policy table
    assert f"<dt>scope</dt><dd>visit={escaped}</dd>" in text  # the attribute value
    assert f"<td>arm.{escaped}</td>" in text  # the evidence type
    assert f"visit {escaped} had a gap</p>" in text
    assert "&quot;said&quot;: &quot;\\&quot;" not in text  # details are JSON, then escaped
    assert "{&quot;said&quot;: &quot;&lt;script&gt;alert(\\&quot;x\\&quot;)&lt;/script&gt;" in text
    svgs(text)  # the charts still parse with the hostile labels in them
