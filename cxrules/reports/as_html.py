"""Report stage: the self-contained HTML rendering an auditor opens in a browser or archives.

One file, no external asset and no script: inline CSS, inline SVG charts (compliance per policy,
violations per day, a timeline per violation) and a Content-Security-Policy that forbids scripts
anyway. Everything taken from the report is escaped with `html.escape`: titles, scope values,
sentences and attributes come from policy files and logs and are untrusted.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from html import escape
from typing import Any

from cxrules.reports.as_json import to_plain
from cxrules.reports.common import (
    WARNING_KINDS,
    check_severity,
    epoch,
    input_totals,
    instant,
    metric_value,
    percent,
    plural,
    ranked_policies,
    rejected_by_code,
    scope_text,
    time_span,
    verdict,
    violations_by_policy,
)
from cxrules.reports.model import Report, Violation
from cxrules.reports.svg import SEVERITY_COLOR, Mark, compliance_chart, day_chart, timeline
from cxrules.time.format import format_duration

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;
color:#111827;line-height:1.4}
h1{margin-bottom:.2rem}h2{border-bottom:1px solid #e5e7eb;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
th,td{border:1px solid #e5e7eb;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f9fafb}td.n{text-align:right;font-variant-numeric:tabular-nums}
.verdict{padding:.6rem 1rem;border-radius:6px;font-weight:600}
.pass{background:#dcfce7;color:#14532d}.fail{background:#fee2e2;color:#7f1d1d}
.sev{display:inline-block;padding:0 .4rem;border-radius:4px;color:#fff;font-size:.8rem}
.violation{border:1px solid #e5e7eb;border-radius:6px;padding:.5rem 1rem;margin:.75rem 0}
.violation p{margin:.2rem 0}.muted{color:#6b7280}code{font-size:.85rem}
dl{display:grid;grid-template-columns:max-content auto;gap:.1rem 1rem}dd{margin:0}
svg{max-width:100%;height:auto}
"""
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _e(value: object) -> str:
    """Any value as escaped HTML text (quotes included, so it is safe in attributes too)."""
    return escape(str(value), quote=True)


def _sev(severity: str) -> str:
    color = SEVERITY_COLOR.get(severity, "#6b7280")
    return f'<span class="sev" style="background:{color}">{_e(severity)}</span>'


def _table(head: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    """A table from already-escaped cells; columns in `numeric` are right-aligned."""
    numeric = numeric or set()
    out = ["<table><thead><tr>", *(f"<th>{_e(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        cells = (
            f'<td class="n">{cell}</td>' if n in numeric else f"<td>{cell}</td>"
            for n, cell in enumerate(row)
        )
        out += ["<tr>", *cells, "</tr>"]
    out.append("</tbody></table>")
    return "".join(out)


def render_html(report: Report, *, fail_on: str = "low", max_violations: int | None = None) -> str:
    """The report as one self-contained HTML page.

    `max_violations` caps the violations shown per policy (None: all of them, the default for
    an audit record); the page says how many were left out.
    """
    check_severity(fail_on)
    if max_violations is not None and max_violations < 0:
        raise ValueError(f"max_violations must be 0 or more, not {max_violations}")
    passed, sentence = verdict(report, fail_on)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_e(_CSP)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>cxrules audit report: {'PASS' if passed else 'FAIL'}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>cxrules audit report</h1>",
        f'<p class="muted">{_e(report.schema_)}</p>',
        f'<p class="verdict {"pass" if passed else "fail"}">{_e(sentence)}</p>',
        _summary(report),
        _inputs(report),
        "<h2>Charts</h2>",
        "<h3>Compliance per policy</h3>",
        compliance_chart(
            [
                (p.id, p.compliance, p.severity if p.violated else None)
                for p in ranked_policies(report)
            ]
        ),
        "<h3>Violations per day</h3>",
        day_chart(_per_day(report)),
        _policies(report),
        _violations(report, max_violations),
        _metrics(report),
        _pending(report),
        _rejected(report),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _summary(report: Report) -> str:
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
    items = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    return f"<h2>Summary</h2><dl>{items}</dl>"


def _inputs(report: Report) -> str:
    totals = input_totals(report)
    rows = [
        [
            f"<code>{_e(i.path)}</code>",
            _e(i.format),
            *(str(n) for n in (i.read, i.accepted, i.rejected, i.duplicates, i.events)),
            _e(i.first_time or "–"),
            _e(i.last_time or "–"),
            f"<code>{_e(i.sha256)}</code>",
        ]
        for i in report.inputs
    ]
    names = ["read", "accepted", "rejected", "duplicates", "events"]
    rows.append(["<b>total</b>", "", *(str(totals[k]) for k in names), "", "", ""])
    head = ["file", "format", *names, "first", "last", "sha256"]
    return "<h2>Inputs</h2>" + _table(head, rows, numeric={2, 3, 4, 5, 6})


def _policies(report: Report) -> str:
    rows = [
        [
            f'<a href="#policy-{_e(p.id)}">{_e(p.id)}</a>',
            _e(p.title),
            _sev(p.severity),
            _e(p.owner),
            _e(p.kind),
            f"<code>{_e(p.file)}:{p.line}</code>",
            *(
                str(n)
                for n in (
                    p.scopes,
                    p.out_of_scope,
                    p.vacuous,
                    p.activations,
                    p.satisfied,
                    p.violated,
                    p.pending,
                    p.cancelled,
                    p.warnings,
                )
            ),
            percent(p.compliance),
        ]
        for p in ranked_policies(report)
    ]
    head = [
        "policy", "title", "severity", "owner", "kind", "defined at", "scopes", "out of scope",
        "vacuous", "activations", "satisfied", "violated", "pending", "cancelled", "warnings",
        "compliance",
    ]  # fmt: skip
    return "<h2>Policies (worst first)</h2>" + _table(head, rows, numeric=set(range(6, 16)))


def _per_day(report: Report) -> dict[date, dict[str, int]]:
    counts: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for n, v in enumerate(report.violations):
        if v.kind in WARNING_KINDS:
            continue
        counts[instant(v.start, f"violations[{n}].start").date()][v.severity] += 1
    return {day: dict(by_severity) for day, by_severity in counts.items()}


def _violations(report: Report, limit: int | None) -> str:
    groups = violations_by_policy(report)
    index = {id(v): n for n, v in enumerate(report.violations)}
    out = ["<h2>Violations</h2>"]
    if not report.violations:
        out.append("<p>No violations.</p>")
    for policy in ranked_policies(report):
        found = groups.get(policy.id, [])
        if not found:
            continue
        out.append(
            f'<h3 id="policy-{_e(policy.id)}">{_e(policy.id)}: {_e(policy.title)} '
            f"{_sev(policy.severity)} ({plural(len(found), 'record')})</h3>"
        )
        shown = found if limit is None else found[:limit]
        out += [_violation(v, index[id(v)]) for v in shown]
        if len(found) > len(shown):
            out.append(f"<p class='muted'>… and {len(found) - len(shown)} more not shown.</p>")
    return "\n".join(out)


def _violation(v: Violation, n: int) -> str:
    where = f"violations[{n}]"
    start, end = epoch(v.start, f"{where}.start"), epoch(v.end, f"{where}.end")
    trigger_id = v.trigger.id if v.trigger is not None else None
    marks = [
        Mark(
            epoch(e.time, f"{where}.evidence[{k}].time"),
            f"{e.type} {_clock(e.time)}",
            trigger=e.id == trigger_id,
        )
        for k, e in enumerate(v.evidence)
    ]
    if v.trigger is not None and all(e.id != trigger_id for e in v.evidence):
        at = epoch(v.trigger.time, f"{where}.trigger.time")
        marks.append(Mark(at, f"{v.trigger.type} {_clock(v.trigger.time)}", trigger=True))
    facts = [
        ("id", f"<code>{_e(v.id)}</code>"),
        ("kind", _e(v.kind) + (" (warning)" if v.kind in WARNING_KINDS else "")),
        ("scope", _e(scope_text(v.scope))),
        ("from", _e(v.start)),
        ("to", _e(v.end)),
    ]
    if v.duration_seconds is not None:
        facts.append(("duration", _e(format_duration(v.duration_seconds))))
    if v.fulfilled_at is not None:
        facts.append(("fulfilled at", _e(v.fulfilled_at)))
    if v.trigger is not None:
        t = v.trigger
        facts.append(("trigger", f"{_e(t.type)} {_e(t.time)} <code>{_e(t.file)}:{t.line}</code>"))
    if v.details:
        facts.append(("details", f"<code>{_e(_json(v.details, f'{where}.details'))}</code>"))
    evidence = [
        [_e(e.id), _e(e.type), _e(e.time), f"<code>{_e(e.file)}:{e.line}</code>"]
        for e in v.evidence
    ]
    items = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in facts)
    parts = [
        f'<div class="violation" id="violation-{_e(v.id)}">',
        f"<p>{_sev(v.severity)} {_e(v.sentence)}</p>",
        timeline(start, end, marks, f"Timeline of {v.id}", (v.start, v.end)),
        f"<dl>{items}</dl>",
    ]
    if evidence:
        parts.append(_table(["event id", "type", "time", "source"], evidence))
    parts.append("</div>")
    return "".join(parts)


def _clock(text: str) -> str:
    """The clock time of an ISO 8601 time as written ('10:05:00'), or the text itself."""
    return text[11:19] if len(text) >= 19 and text[10] in "T " else text


def _json(value: Any, where: str) -> str:
    return json.dumps(to_plain(value, where), ensure_ascii=False, sort_keys=True)


def _metrics(report: Report) -> str:
    rows = [
        [
            _e(p.id),
            _e(m.metric),
            _e(scope_text(m.group)),
            _e(m.bucket or "–"),
            _e(metric_value(m)),
            str(m.population),
            _e(m.threshold),
            _e(m.warn or "–"),
            _e(m.status),
        ]
        for p in ranked_policies(report)
        for m in p.metrics
    ]
    if not rows:
        return ""
    head = [
        "policy", "metric", "group", "bucket", "value", "n", "threshold", "warning level",
        "status",
    ]  # fmt: skip
    return "<h2>Metric values</h2>" + _table(head, rows, numeric={4, 5})


def _pending(report: Report) -> str:
    if not report.pending:
        return ""
    rows = [
        [
            _e(p.policy),
            _e(scope_text(p.scope)),
            _e(p.deadline or "none"),
            "yes" if p.at_risk else "no",
            _e(p.sentence),
            f"<code>{_e(p.trigger.file)}:{p.trigger.line}</code>",
        ]
        for p in report.pending
    ]
    head = ["policy", "scope", "deadline", "at risk", "obligation", "trigger"]
    title = f"<h2>Open obligations ({len(report.pending)})</h2>"
    note = "<p class='muted'>Still open at the evaluation horizon: not violations.</p>"
    return title + note + _table(head, rows)


def _rejected(report: Report) -> str:
    total = max(report.rejected_total, len(report.rejected))
    if not total:
        return ""
    by_code = _table(
        ["code", "records listed"],
        [[_e(code), str(n)] for code, n in rejected_by_code(report)],
        numeric={1},
    )
    listed = _table(
        ["file", "line", "code", "reason", "sample"],
        [
            [_e(r.file), str(r.line), _e(r.code), _e(r.reason), f"<code>{_e(r.sample)}</code>"]
            for r in report.rejected
        ],
        numeric={1},
    )
    capped = ""
    if len(report.rejected) < total:
        capped = f"<p class='muted'>The report lists {len(report.rejected)} of {total}.</p>"
    return f"<h2>Rejected records ({total})</h2>{capped}{by_code}{listed}"
