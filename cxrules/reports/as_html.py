"""Report stage: the self-contained HTML rendering an auditor opens in a browser or archives.

One file, no external asset and no script: inline CSS, inline SVG charts and a
Content-Security-Policy that forbids scripts anyway. The page reads top-down for a CX manager
(verdict, key numbers, charts, the policy table), then one collapsed section per policy with its
plain-English explanation (when given), its metric trend charts, and its first violations with
their timelines; all of them are in the CSV and JSON renderings, so a large audit stays a few MB.
Everything taken from the report is escaped with `html_text` (`html.escape`, control and
bidi-override characters shown as escapes): titles, scope values, sentences and attributes come
from policy files and logs and are untrusted.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from cxrules.diagnostics import CODES
from cxrules.ir.text import warns_text
from cxrules.reports.as_json import to_plain
from cxrules.reports.common import (
    WARNING_KINDS,
    check_severity,
    clip_tree,
    clip_values,
    epoch,
    headline,
    html_text,
    input_totals,
    instant,
    is_failure,
    metric_value,
    nothing_audited,
    pending_in_order,
    percent,
    plural,
    ranked_policies,
    rejected_by_code,
    reported_cell,
    scope_text,
    time_span,
    verdict,
    violations_by_policy,
)
from cxrules.reports.model import PolicySummary, Report, Violation
from cxrules.reports.svg import (
    SEVERITY_COLOR,
    Mark,
    compliance_chart,
    health_color,
    period_for,
    period_start,
    timeline,
    violations_chart,
)
from cxrules.reports.trend import metric_charts
from cxrules.time.format import format_duration

#: Violations shown per policy by default; the rest are counted and pointed to (CSV, JSON).
MAX_VIOLATIONS = 20
#: Open obligations listed by default (at risk first).
MAX_PENDING = 100

_CSS = """
body{font-family:system-ui,sans-serif;margin:0;color:#111827;line-height:1.4;background:#fff}
main{max-width:1320px;margin:1.5rem auto;padding:0 1.25rem}
h1{margin:0 0 .2rem}h2{border-bottom:1px solid #e5e7eb;padding-bottom:.2rem;margin:2rem 0 .5rem}
h4{margin:1rem 0 .25rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.875rem;max-width:100%}
th,td{border:1px solid #e5e7eb;padding:.25rem .5rem;text-align:left;vertical-align:top;
overflow-wrap:anywhere}
th{background:#f9fafb;font-weight:600;overflow-wrap:normal}
td.t,.nw{white-space:nowrap;overflow-wrap:normal}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;overflow-wrap:normal}
code{font-size:.85em}.muted{color:#6b7280}.small{font-size:.85rem}
.verdict{padding:.6rem 1rem;border-radius:6px;font-weight:600;margin:.75rem 0}
.pass{background:#dcfce7;color:#14532d}.fail{background:#fee2e2;color:#7f1d1d}
.sev{display:inline-block;padding:0 .4rem;border-radius:4px;color:#fff;font-size:.8rem;
font-weight:600;vertical-align:1px;white-space:nowrap}
.tiles{display:flex;flex-wrap:wrap;gap:.75rem;margin:1rem 0}
.tile{border:1px solid #e5e7eb;border-radius:8px;padding:.4rem 1rem;min-width:9rem}
.tile b{display:block;font-size:1.5rem;font-variant-numeric:tabular-nums}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(600px,100%),1fr));
gap:1rem 2rem;align-items:start}
figure{margin:0}figcaption{font-weight:600;margin:.25rem 0}
.pct{font-weight:600}.bar{display:block;height:4px;background:#e5e7eb;border-radius:2px;
margin-top:2px;min-width:4rem}.bar i{display:block;height:4px;border-radius:2px}
details.policy{border:1px solid #e5e7eb;border-radius:8px;margin:.5rem 0}
details.policy>summary{cursor:pointer;padding:.5rem .75rem;overflow-wrap:anywhere}
details.policy[open]>summary{border-bottom:1px solid #e5e7eb;background:#f9fafb}
summary .pct{margin-left:.5rem}.inner{padding:.25rem 1rem .75rem}
.explain{background:#eff6ff;border-left:4px solid #2563eb;padding:.5rem .75rem;
white-space:pre-line;margin:.75rem 0}
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.1rem 1rem;margin:.5rem 0}
dd{margin:0;overflow-wrap:break-word}dt{color:#4b5563}
.trends{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(400px,100%),1fr));
gap:.5rem 1.5rem}.trends.one{display:block}
.policies td:first-child{min-width:14rem}
.violation{border:1px solid #e5e7eb;border-radius:6px;padding:.5rem 1rem;margin:.75rem 0}
.violation p{margin:.2rem 0;overflow-wrap:anywhere}
.vgrid{display:grid;grid-template-columns:minmax(0,720px) minmax(0,1fr);gap:0 1.5rem;
align-items:start}
.more{background:#f9fafb;border:1px dashed #d1d5db;border-radius:6px;padding:.5rem 1rem}
svg{max-width:100%;height:auto}
"""
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _e(value: object) -> str:
    """Any value as escaped HTML text (quotes included, so it is safe in attributes too), its
    control and bidi-override characters shown as escapes (`html_text`)."""
    return html_text(value)


#: A letter of a right-to-left script (Hebrew, Arabic, Syriac, Thaana, N'Ko, Samaritan,
#: Mandaic and their presentation forms).
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def _e_isolated(text: str, values: Iterable[Any]) -> str:
    """`text` escaped (`_e`), each of `values` (string leaves) written in right-to-left script
    in it isolated in `<bdi>`: a scope value 'שירות לקוחות' in 'topic שירות לקוחות 3 …' would
    otherwise pull the '3' after it into its own right-to-left run ('topic 3 שירות לקוחות').

    >>> _e_isolated("topic שירות at 3", [{"topic": "שירות"}])
    'topic <bdi>שירות</bdi> at 3'
    """
    escaped = _e(text)
    found = sorted({_e(v) for v in _leaves(values) if _RTL.search(v)}, key=len, reverse=True)
    if not found:
        return escaped
    pattern = re.compile("|".join(re.escape(v) for v in found))
    return pattern.sub(lambda m: f"<bdi>{m[0]}</bdi>", escaped)


def _leaves(value: Any) -> Iterator[str]:
    """The strings in a value, in lists and maps at any depth."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item)


def _sev(severity: str) -> str:
    color = SEVERITY_COLOR.get(severity, "#6b7280")
    return f'<span class="sev" style="background:{color}">{_e(severity)}</span>'


def _health(compliance: float | None, bar: bool = False) -> str:
    """A compliance rate in its health colour, with a small bar under it when asked."""
    color = health_color(compliance)
    text = f'<span class="pct" style="color:{color}">{percent(compliance)}</span>'
    if bar and compliance is not None:
        width = f"{max(0.0, min(1.0, compliance)) * 100:.1f}%"
        text += f'<span class="bar"><i style="width:{width};background:{color}"></i></span>'
    return text


def _table(
    head: list[str],
    rows: list[list[str]],
    numeric: set[int] | None = None,
    nowrap: set[int] | None = None,
    cls: str = "",
) -> str:
    """A table from already-escaped cells; columns in `numeric` are right-aligned, those in
    `nowrap` (times, short words) are kept on one line. Other cells wrap anywhere, so a long
    path or id never widens the page."""
    numeric, nowrap = numeric or set(), nowrap or set()
    table = f'<table class="{cls}">' if cls else "<table>"
    out = [table, "<thead><tr>", *(f"<th>{_e(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        cells = (
            f'<td class="n">{cell}</td>'
            if n in numeric
            else f'<td class="t">{cell}</td>'
            if n in nowrap
            else f"<td>{cell}</td>"
            for n, cell in enumerate(row)
        )
        out += ["<tr>", *cells, "</tr>"]
    out.append("</tbody></table>")
    return "".join(out)


def render_html(
    report: Report,
    *,
    fail_on: str = "low",
    max_violations: int | None = MAX_VIOLATIONS,
    max_pending: int | None = MAX_PENDING,
    explanations: Mapping[str, str] | None = None,
    strict: Sequence[str] = (),
) -> str:
    """The report as one self-contained HTML page.

    `max_violations` caps the violations shown per policy and `max_pending` the open
    obligations listed (None: all of them); the page says how many more there are and where to
    find them. `explanations` maps a policy id to its plain-English explanation, shown at the
    top of that policy's section (default: none).
    """
    check_severity(fail_on)
    for name, limit in (("max_violations", max_violations), ("max_pending", max_pending)):
        if limit is not None and limit < 0:
            raise ValueError(f"{name} must be 0 or more, not {limit}")
    passed, sentence = verdict(report, fail_on, strict)
    ranked = ranked_policies(report)
    audited = _audited_days(report)
    counts = _per_day(report, audited)
    if counts:  # the whole audited span, so the days without a violation show as such
        for day in audited:
            counts.setdefault(day, {})
    period = period_for(min(counts), max(counts)) if counts else "day"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_e(_CSP)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>cxrules audit report: {headline(passed, sentence)}</title>",
        f"<style>{_CSS}</style></head><body><main>",
        "<h1>cxrules audit report</h1>",
        f'<p class="muted">{_byline(report)}</p>',
        f'<p class="verdict {"pass" if passed else "fail"}">{_e(sentence)}</p>',
        _tiles(report, fail_on),
        '<h2>Charts</h2><div class="charts">',
        "<figure><figcaption>Compliance per policy, least compliant first</figcaption>",
        compliance_chart([(p.id, p.compliance) for p in sorted(ranked, key=_by_compliance)]),
        f"</figure><figure><figcaption>Violations per {period}</figcaption>",
        violations_chart(_by_period(counts, period), period, _no_violations(report)),
        "</figure></div>",
        _policy_table(ranked),
        _policy_sections(report, ranked, max_violations, explanations or {}),
        _pending(report, max_pending),
        _rejected(report),
        _about(report),
        "</main></body></html>",
    ]
    return "\n".join(parts) + "\n"


def _no_violations(report: Report) -> str:
    """What the violations chart says when there is none: no clean bill when nothing was
    judged."""
    if nothing_audited(report):
        return "Nothing audited: no event was judged, so no violation could be found."
    return "No violations."


def _by_compliance(policy: PolicySummary) -> float:
    """Least compliant first; a policy with nothing judged last (sorted is stable: ties keep
    the worst-first order)."""
    return 2.0 if policy.compliance is None else policy.compliance


def _byline(report: Report) -> str:
    span = time_span(report)
    pieces = [
        f"engine {_e(report.engine)}",
        f"zone {_e(report.zone)}",
        f"as of {_e(report.as_of or 'the last event')}",
        f"events from {_e(span[0])} to {_e(span[1])}" if span else "no events",
        _e(report.schema_),
    ]
    return " · ".join(pieces)


def _tiles(report: Report, fail_on: str) -> str:
    totals = input_totals(report)
    failing_policies = {v.policy for v in report.violations if v.kind not in WARNING_KINDS}
    warnings = sum(1 for v in report.violations if v.kind in WARNING_KINDS)
    at_risk = sum(1 for p in report.pending if p.at_risk)
    rejected = max(report.rejected_total, len(report.rejected))
    audited = max(0, totals["events"] - report.ignored_after_as_of)
    below = sum(
        1 for v in report.violations if v.kind not in WARNING_KINDS and not is_failure(v, fail_on)
    )
    later = (
        f"; {report.ignored_after_as_of:,} after the horizon" if report.ignored_after_as_of else ""
    )
    tiles = [
        ("policies", f"{len(report.policies):,}", f"{len(failing_policies):,} with violations"),
        (
            "violations",
            f"{len(report.violations) - warnings:,}",
            # under a verdict counting those at or above --fail-on, the tile counts them all
            (f"{below:,} below {fail_on}, " if below else "") + plural(warnings, "metric warning"),
        ),
        ("open obligations", f"{len(report.pending):,}", f"{at_risk:,} at risk"),
        # 'from', not 'of': a row may unfold into several events ('135,215 of 33,344' read as
        # more than all of them) or into none; those after the horizon were read, not audited
        ("events audited", f"{audited:,}", f"from {totals['read']:,} records read{later}"),
        ("rejected records", f"{rejected:,}", f"{totals['duplicates']:,} duplicates dropped"),
    ]
    if nothing_audited(report):  # no event judged: no count of breaches reads as a result
        tiles[0] = ("policies", f"{len(report.policies):,}", "none judged")
        tiles[1] = ("violations", "–", "nothing was audited")
    cells = "".join(
        f'<div class="tile"><span class="muted small">{_e(name)}</span><b>{value}</b>'
        f'<span class="muted small">{_e(note)}</span></div>'
        for name, value, note in tiles
    )
    return f'<div class="tiles">{cells}</div>'


_COUNTS = ("activations", "satisfied", "violated", "pending", "cancelled", "warnings")


def _policy_table(ranked: list[PolicySummary]) -> str:
    rows = [
        [
            f'<a href="#policy-{_e(p.id)}">{_e(p.id)}</a><br><span class="muted small">'
            f"{_e(p.title)}</span>",
            _sev(p.severity),
            _e(p.kind),
            *(f"{getattr(p, name):,}" for name in _COUNTS),
            _health(p.compliance, bar=True),
        ]
        for p in ranked
    ]
    head = ["policy", "severity", "kind", *_COUNTS, "compliance"]
    table = _table(head, rows, numeric=set(range(3, 10)), nowrap={1, 2}, cls="policies")
    note = (
        '<p class="muted">Each policy\'s scopes (vacuous ones included) and events out of '
        "scope are in its section below.</p>"
    )
    return f"<h2>Policies (worst first)</h2>{table}{note}"


def _policy_sections(
    report: Report,
    ranked: list[PolicySummary],
    limit: int | None,
    explanations: Mapping[str, str],
) -> str:
    groups = violations_by_policy(report)
    index = {id(v): n for n, v in enumerate(report.violations)}
    out = [
        "<h2>Policies one by one</h2>",
        '<p class="muted">Each section opens with a click: what the policy says, its numbers, '
        "its trend charts and its first violations with their timelines.</p>",
    ]
    for policy in ranked:
        found = groups.get(policy.id, [])
        out.append(_policy_section(policy, found, index, limit, explanations.get(policy.id)))
    return "\n".join(out)


def _policy_section(
    policy: PolicySummary,
    found: list[Violation],
    index: dict[int, int],
    limit: int | None,
    explanation: str | None,
) -> str:
    failures = sum(1 for v in found if v.kind not in WARNING_KINDS)
    warned = len(found) - failures
    tally = f"{failures:,} violation{'' if failures == 1 else 's'}" + (
        f", {warned:,} warning{'' if warned == 1 else 's'}" if warned else ""
    )
    parts = [
        f'<details class="policy" id="policy-{_e(policy.id)}"><summary>{_sev(policy.severity)} '
        f"<b>{_e(policy.id)}</b> {_e(policy.title)} {_health(policy.compliance)} "
        f'<span class="muted">· {tally}</span></summary><div class="inner">'
    ]
    if explanation:
        lines = "\n".join(_e(line) for line in explanation.split("\n"))  # its line breaks kept
        parts.append(f'<p class="explain">{lines}</p>')
    kind = policy.kind.replace("_", " ")  # 'an absence rule', 'an invariant rule'
    article = "an" if kind.startswith(tuple("aeiou")) else "a"
    parts.append(
        f"<p>Owner <b>{_e(policy.owner or '–')}</b> · {article} {_e(kind)} "
        f"rule defined at <code>{_e(policy.file)}:{policy.line}</code></p>"
        f"<p>{_tally_sentence(policy)}</p>"
    )
    if policy.metrics:
        parts.append(_metric_part(policy))
    if found:
        shown = found if limit is None else found[:limit]
        what = "Violations"
        if any(v.kind in WARNING_KINDS for v in found):
            what = "Violations and metric warnings"
        head = f"{what} ({len(found):,})"
        if len(shown) < len(found):
            head = f"{what}: the first {len(shown):,} of {len(found):,}"
        parts.append(f"<h4>{head}</h4>")
        parts += [_violation(v, index[id(v)]) for v in shown]
        if len(shown) < len(found):
            parts.append(_more(policy, found[len(shown) :]))
    parts.append("</div></details>")
    return "".join(parts)


def _tally_sentence(p: PolicySummary) -> str:
    """The policy's counts in one sentence (the policy table has them as columns)."""
    judged = "value" if p.metrics else "activation"
    # a metric warning is a satisfied value, so counted inside 'satisfied', not beside it
    warned = f" ({p.warnings:,} with a metric warning)" if p.warnings else ""
    counts = [f"{p.satisfied:,} satisfied{warned}", f"{p.violated:,} violated"]
    counts += [f"{n:,} {name}" for name, n in (("pending", p.pending), ("cancelled", p.cancelled))
               if n]  # fmt: skip
    outside = f"{p.out_of_scope:,} event{'' if p.out_of_scope == 1 else 's'} out of scope"
    head = (
        f"{p.activations:,} {judged}{'' if p.activations == 1 else 's'}: {', '.join(counts)}; "
        f"compliance {_health(p.compliance)}. "
    )
    if p.metrics:  # its scopes are its values, and a vacuous one is one the table calls
        # insufficient or not applicable: '158 scopes seen (82 vacuous)' named neither
        more = f"; {outside}" if p.out_of_scope else ""
        return head + (
            f"{p.scopes:,} value{'' if p.scopes == 1 else 's'} in all, {p.vacuous:,} of them "
            f"not judged (an empty or too small sample){more}."
        )
    scopes = [f"{p.vacuous:,} vacuous"] + ([outside] if p.out_of_scope else [])
    return head + f"{p.scopes:,} scope{'' if p.scopes == 1 else 's'} seen ({', '.join(scopes)})."


def _more(policy: PolicySummary, hidden: list[Violation]) -> str:
    warnings = sum(1 for v in hidden if v.kind in WARNING_KINDS)
    violations = len(hidden) - warnings
    counts = []  # "22 more violations and 8 metric warnings", "8 more metric warnings"
    if violations:
        counts.append(f"{violations:,} more violation{'' if violations == 1 else 's'}")
    if warnings:
        more = "" if violations else "more "
        counts.append(f"{warnings:,} {more}metric warning{'' if warnings == 1 else 's'}")
    return (
        f'<p class="more">{" and ".join(counts)} of '
        f"<code>{_e(policy.id)}</code> are not shown on this page. Every violation is in the "
        "CSV rendering of this audit (<code>--format csv</code>: one row per violation, filter "
        f"the <code>policy</code> column on <code>{_e(policy.id)}</code>) and in its JSON "
        "report (<code>--format json</code>, under <code>violations</code>); "
        "<code>--max-violations all</code> puts them all on this page.</p>"
    )


def _metric_part(policy: PolicySummary) -> str:
    figures = "".join(
        f"<figure><figcaption>{_e(caption)}</figcaption>{svg}</figure>"
        for caption, svg in metric_charts(policy)
    )
    rows = [
        [
            _e(m.metric),
            _e_isolated(clip_values(scope_text(m.group), [m.group]), [m.group]),
            _e(m.bucket or "–"),
            _e(metric_value(m)),
            f"{m.population:,}",
            _e(m.threshold),
            _e(warns_text(m.warn) if m.warn else "–"),
            _e(m.status.replace("_", " ")),
        ]
        for m in policy.metrics
    ]
    head = ["metric", "group", "bucket", "value", "n", "threshold", "warning", "status"]
    # short words on one line: a long group value took the width and split 'violate|d'
    table = _table(head, rows, numeric={3, 4}, nowrap={0, 2, 5, 6, 7})
    single = " one" if figures.count("<figure>") == 1 else ""
    return (
        f'<h4>Trend</h4><div class="trends{single}">{figures}</div>'
        f"<details><summary>All {plural(len(rows), 'metric value')}</summary>{table}</details>"
    )


def _per_day(report: Report, audited: list[date]) -> dict[date, dict[str, int]]:
    """Violations (metric warnings left out) per day and severity, each on one day of the
    report's zone inside the audited days (docs/report.md, "Violations over time")."""
    zone = ZoneInfo(report.zone)
    counts: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for n, v in enumerate(report.violations):
        if v.kind in WARNING_KINDS:
            continue
        counts[violation_day(v, n, zone, audited)][v.severity] += 1
    return {day: dict(by_severity) for day, by_severity in counts.items()}


def violation_day(v: Violation, n: int, zone: ZoneInfo, audited: list[date]) -> date:
    """The day a violation is counted on, in the report's zone: the day it starts, except a
    metric breach, which is counted on its last day, when its figure is final: its bucket's (a
    day, a week, a month: `details.bucket` names it, and its end is the next bucket's start),
    or its last event's for a metric over the whole log. Then moved into the audited days, so
    a bucket or a `before` window that began before the first event, or a bucket the horizon
    cut short, is counted on the first or the last audited day.

    >>> from cxrules.reports.model import Violation
    >>> march = Violation(id="v", policy="p", kind="metric", severity="high", scope={},
    ...                   start="2026-02-28T21:00:00+00:00", end="2026-03-31T21:00:00+00:00",
    ...                   sentence="rate in month 2026-03 was 33.3%",
    ...                   details={"bucket": "2026-03"})
    >>> utc, istanbul = ZoneInfo("UTC"), ZoneInfo("Europe/Istanbul")
    >>> str(violation_day(march, 0, utc, [])), str(violation_day(march, 0, istanbul, []))
    ('2026-03-31', '2026-03-31')
    >>> str(violation_day(march, 0, utc, [date(2026, 3, 2), date(2026, 3, 20)]))
    '2026-03-20'
    >>> whole = march.model_copy(update={"end": "2026-03-20T00:00:00+00:00", "details": {}})
    >>> str(violation_day(whole, 0, utc, []))  # its last event, at midnight of 20 March
    '2026-03-20'
    >>> gap = march.model_copy(update={"kind": "gap"})
    >>> str(violation_day(gap, 0, utc, [])), str(violation_day(gap, 0, istanbul, []))
    ('2026-02-28', '2026-03-01')
    >>> str(violation_day(gap, 0, utc, [date(2026, 3, 2), date(2026, 3, 20)]))
    '2026-03-02'
    """
    if v.kind == "metric":
        start = _in_zone(instant(v.start, f"violations[{n}].start"), zone)
        moment = _in_zone(instant(v.end, f"violations[{n}].end"), zone)
        if (v.details or {}).get("bucket") is not None:  # the bucket's last instant
            moment = max(moment - timedelta(microseconds=1), start)
    else:
        moment = _in_zone(instant(v.start, f"violations[{n}].start"), zone)
    day = moment.date()
    if audited:
        day = min(max(day, audited[0]), audited[-1])
    return day


def _in_zone(moment: datetime, zone: ZoneInfo) -> datetime:
    """A time of the report in its zone (a time written without an offset is in it); one the
    zone cannot show (the ends of time, in the year 0 or 10000 there) stays in UTC, as the
    report writes it."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    try:
        return moment.astimezone(zone)
    except OverflowError:
        return moment


def _audited_days(report: Report) -> list[date]:
    """The first and the last day the audit judged, in the report's zone: from the earliest
    event to the horizon (the last event when none was set); none when the inputs say no time."""
    zone = ZoneInfo(report.zone)
    firsts = [instant(i.first_time, "inputs.first_time") for i in report.inputs if i.first_time]
    lasts = [instant(i.last_time, "inputs.last_time") for i in report.inputs if i.last_time]
    end = instant(report.as_of, "as_of") if report.as_of else max(lasts, default=None)
    if not firsts or end is None:
        return []
    first = min(_in_zone(t, zone) for t in firsts)
    return [first.date(), _in_zone(end, zone).date()]


def _by_period(counts: dict[date, dict[str, int]], period: str) -> dict[date, dict[str, int]]:
    merged: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for day, by_severity in counts.items():
        into = merged[period_start(day, period)]  # a period without a violation is kept
        for severity, n in by_severity.items():
            into[severity] += n
    return {first: dict(by_severity) for first, by_severity in merged.items()}


def _violation(v: Violation, n: int) -> str:
    where = f"violations[{n}]"
    start, end = epoch(v.start, f"{where}.start"), epoch(v.end, f"{where}.end")
    times = [v.start, v.end, *(e.time for e in v.evidence)]
    dated = len({t[:10] for t in times}) > 1
    trigger_id = v.trigger.id if v.trigger is not None else None
    marks = [
        Mark(
            epoch(e.time, f"{where}.evidence[{k}].time"),
            f"{e.type} {_when(e.time, dated)}",
            trigger=e.id == trigger_id,
        )
        for k, e in enumerate(v.evidence)
    ]
    if v.trigger is not None and all(e.id != trigger_id for e in v.evidence):
        at = epoch(v.trigger.time, f"{where}.trigger.time")
        marks.append(Mark(at, f"{v.trigger.type} {_when(v.trigger.time, dated)}", trigger=True))
    deadline = _deadline(v, dated)
    facts = [
        ("id", f"<code>{_e(v.id)}</code>"),
        ("kind", _e(v.kind) + (" (warning)" if v.kind in WARNING_KINDS else "")),
        ("scope", _e_isolated(clip_values(scope_text(v.scope), [v.scope]), [v.scope])),
        ("from", _e(v.start)),
        ("to", _e(v.end)),
    ]
    if v.duration_seconds is not None:
        facts.append(("duration", _e(format_duration(v.duration_seconds))))
    if v.fulfilled_at is not None:
        facts.append(("fulfilled at", _e(v.fulfilled_at)))
    if v.trigger is not None:
        t = v.trigger
        facts.append(
            (
                "trigger",
                f'{_e(clip_values(t.type))} <span class="nw">{_e(t.time)}</span> '
                f"<code>{_e(t.file)}:{t.line}</code>",
            )
        )
    reported = (v.details or {}).get("report")
    if isinstance(reported, dict):  # the policy's `report` values, one line each
        for name in sorted(reported):
            value = reported[name]
            shown = "missing" if value is None else reported_cell(clip_tree(value))
            facts.append((_e(name), _e(shown)))
    if v.details:
        details = _json(clip_tree(v.details), f"{where}.details")
        facts.append(("details", f"<code>{_e(details)}</code>"))
    evidence = [
        [_e(clip_values(e.type)), _e(e.time), _source(e.id, e.file, e.line)] for e in v.evidence
    ]
    items = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in facts)
    span_text = (_when(v.start, dated), _when(v.end, dated))
    parts = [
        f'<div class="violation" id="violation-{_e(v.id)}">',
        f"<p>{_sev(v.severity)} "
        f"{_e_isolated(clip_values(v.sentence, [v.scope, v.details]), [v.scope, v.details])}</p>",
        '<div class="vgrid"><div>',
        timeline(start, end, marks, f"Timeline of {v.id}", span_text, deadline),
        f"</div><dl>{items}</dl></div>",
    ]
    if evidence:
        parts.append(_table(["evidence event", "time", "source"], evidence, nowrap={1}))
    parts.append("</div>")
    return "".join(parts)


def _deadline(v: Violation, dated: bool) -> tuple[float, str] | None:
    """The violation's deadline (from `details.deadline`) as seconds and a label; None when it
    has none or it is not a time (details are free-form)."""
    text = v.details.get("deadline") if v.details else None
    if not isinstance(text, str):
        return None
    try:
        at = epoch(text, "details.deadline")
    except ValueError:
        return None
    return at, f"deadline {_when(text, dated)}"


def _source(event_id: str, file: str, line: int) -> str:
    """An evidence event's origin; its id too when the log gave one (not `file:line`)."""
    origin = f"<code>{_e(file)}:{line}</code>"
    if event_id == f"{file}:{line}":
        return origin
    return f"<code>{_e(clip_values(event_id))}</code> at {origin}"


def _when(text: str, dated: bool) -> str:
    """The clock time of an ISO 8601 time as written ('10:05:00'), with its date ('2026-03-02
    10:05') when a timeline spans days; the text itself when it is not such a time."""
    if len(text) < 19 or text[10] not in "T ":
        return text
    return f"{text[:10]} {text[11:16]}" if dated else text[11:19]


def _json(value: Any, where: str) -> str:
    return json.dumps(to_plain(value, where), ensure_ascii=False, sort_keys=True)


def _pending(report: Report, limit: int | None) -> str:
    if not report.pending:
        return ""
    ordered = pending_in_order(report)
    shown = ordered if limit is None else ordered[:limit]
    rows = [
        [
            _e(p.policy),
            _e_isolated(clip_values(scope_text(p.scope), [p.scope]), [p.scope]),
            _e(p.deadline or "none"),
            "yes" if p.at_risk else "no",
            _e_isolated(clip_values(p.sentence, [p.scope]), [p.scope]),
            f"<code>{_e(p.trigger.file)}:{p.trigger.line}</code>",
        ]
        for p in shown
    ]
    head = ["policy", "scope", "deadline", "at risk", "obligation", "trigger"]
    at_risk = sum(1 for p in report.pending if p.at_risk)
    title = f"<h2>Open obligations ({len(report.pending):,})</h2>"
    note = (
        "<p class='muted'>Still open at the evaluation horizon: not violations. "
        f"{plural(at_risk, 'obligation')} at risk (deadline within the warning lead), "
        "listed first, then the nearest deadline first.</p>"
    )
    table = _table(head, rows, nowrap={2})
    if len(shown) < len(ordered):
        table += (
            f"<p class='more'>{len(ordered) - len(shown):,} more are not listed here; the JSON "
            "report lists every one (under <code>pending</code>).</p>"
        )
    if len(rows) > 10:
        which = "all" if len(rows) == len(ordered) else "the first"
        table = f"<details><summary>List {which} {len(rows):,}</summary>{table}</details>"
    return title + note + table


def _rejected(report: Report) -> str:
    total = max(report.rejected_total, len(report.rejected))
    if not total:
        return ""
    by_code = _table(
        ["code", "meaning", "records"],  # every rejected record, listed below or not
        [
            [_e(code), _e(CODES.get(code, "(unknown code)")), f"{n:,}"]
            for code, n in rejected_by_code(report)
        ],
        numeric={2},
    )
    listed = _table(
        ["file", "line", "code", "reason", "sample"],
        [
            [
                _e(r.file),
                str(r.line),
                _e(r.code),
                _e(clip_values(r.reason)),
                f"<code>{_e(r.sample)}</code>",
            ]
            for r in report.rejected
        ],
        numeric={1},
    )
    if len(report.rejected) > 10:
        listed = f"<details><summary>List all {len(report.rejected):,}</summary>{listed}</details>"
    capped = ""
    if len(report.rejected) < total:
        capped = f"<p class='muted'>The report lists {len(report.rejected):,} of {total:,}.</p>"
    return f"<h2>Rejected records ({total:,})</h2>{capped}{by_code}{listed}"


def _about(report: Report) -> str:
    files = "".join(f"<li><code>{_e(f)}</code></li>" for f in report.policy_files)
    params = ", ".join(f"{_e(k)}={_e(report.parameters[k])}" for k in sorted(report.parameters))
    span = time_span(report)
    rows = [
        ("Engine", _e(report.engine)),
        ("Zone", _e(report.zone)),
        ("As of", _e(report.as_of or "the last event")),
        ("Time span", f"{_e(span[0])} to {_e(span[1])}" if span else "no events"),
        ("Policy revision", f"<code>{_e(report.revision)}</code>"),
        ("Policy files", f"<ul>{files}</ul>" if files else "none"),
        ("Parameters", params or "none"),
    ]
    if report.ignored_after_as_of:
        rows.append(("Not audited", f"{report.ignored_after_as_of:,} events after the horizon"))
    items = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    return f"<h2>About this audit</h2><dl>{items}</dl>{_inputs(report)}"


def _inputs(report: Report) -> str:
    totals = input_totals(report)
    rows = [
        [
            f"<code>{_e(i.path)}</code>",
            _e(i.format),
            *(f"{n:,}" for n in (i.read, i.accepted, i.rejected, i.duplicates, i.events)),
            _e(i.first_time or "–"),
            _e(i.last_time or "–"),
            f"<code>{_e(i.sha256)}</code>",
        ]
        for i in report.inputs
    ]
    names = ["read", "accepted", "rejected", "duplicates", "events"]
    rows.append(["<b>total</b>", "", *(f"{totals[k]:,}" for k in names), "", "", ""])
    head = ["file", "format", *names, "first", "last", "sha256"]
    return "<h3>Inputs</h3>" + _table(head, rows, numeric={2, 3, 4, 5, 6}, nowrap={1, 7, 8})
