"""Report stage: the Markdown rendering, a summary for a pull-request comment.

The verdict, the inputs, a table of policies worst first, the first violations of each failing
policy, metric values that failed or warned, and counts of open obligations and rejected
records. Untrusted text is escaped so it stays text: no HTML, links, emphasis or table breaks.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from cxrules.diagnostics import CODES
from cxrules.ir.text import warns_text
from cxrules.reports.common import (
    METRIC_ROWS,
    METRICS_ELSEWHERE,
    WARNING_KINDS,
    check_severity,
    clip_values,
    headline,
    input_totals,
    metric_counts,
    metric_value,
    percent,
    plural,
    ranked_policies,
    rejected_by_code,
    scope_text,
    time_span,
    unjudged_metrics,
    verdict,
    violations_by_policy,
    visible,
    worst_metrics,
)
from cxrules.reports.model import Report

# Inline Markdown specials; '(' and '!' are harmless once '[' is escaped, '#' only opens a
# heading at the start of a line, where untrusted text never stands.
_SPECIAL = re.compile(r"([\\`*_\[\]|~$@])")
# What GitHub's autolink extension would make a link of in plain text, so that a log value
# could plant a link in a pull-request comment: 'https://…' (its colon escaped: 'https\://'),
# 'www.…' ('www\.') and an email address, found after escapes are read ('a\@b.c' is still a
# link), so only a tag splitting the text before its '@' keeps it text: an invisible '<wbr>'.
_SCHEME = re.compile(r"(?<=[A-Za-z]):(?=//)")
_WWW = re.compile(r"(?i)\b(www)\.")
_EMAIL_AT = re.compile(r"(?<=[A-Za-z0-9.+_-])(\\@)")


def md(text: str) -> str:
    """Untrusted text as inline Markdown that renders as exactly that text, on one line.

    >>> md("<b>*hi*</b> | [x](y) a_b")
    '&lt;b&gt;\\\\*hi\\\\*&lt;/b&gt; \\\\| \\\\[x\\\\](y) a\\\\_b'
    """
    escaped = _SPECIAL.sub(r"\\\1", html.escape(visible(text), quote=False))
    return _EMAIL_AT.sub(r"<wbr>\1", _WWW.sub(r"\1\\.", _SCHEME.sub(r"\\:", escaped)))


def render_markdown(
    report: Report,
    *,
    max_violations: int | None = 3,
    fail_on: str = "low",
    strict: Sequence[str] = (),
) -> str:
    """The report as GitHub-flavoured Markdown for a pull request; `max_violations` per
    failing policy (None: all of them)."""
    if max_violations is not None and max_violations < 0:
        raise ValueError(f"max_violations must be 0 or more, not {max_violations}")
    check_severity(fail_on)
    passed, sentence = verdict(report, fail_on, strict)
    out = [f"## cxrules audit: {headline(passed, sentence)}", "", md(sentence), ""]
    totals = input_totals(report)
    span = time_span(report)
    out += [
        f"- Policies: revision {md(report.revision)}, "
        f"{plural(len(report.policy_files), 'file')}; engine {md(report.engine)}, "
        f"zone {md(report.zone)}, as of {md(report.as_of or 'the last event')}",
        f"- Inputs: {plural(len(report.inputs), 'file')}; read {totals['read']:,}, "
        f"accepted {totals['accepted']:,}, rejected {totals['rejected']:,}, "
        f"duplicates {totals['duplicates']:,}, events {totals['events']:,}",
        f"- Time span: {md(span[0])} to {md(span[1])}" if span else "- Time span: no events",
    ]
    if report.ignored_after_as_of:  # read, not audited: the text and HTML reports say so too
        later = plural(report.ignored_after_as_of, "event")
        out.append(f"- Not audited: {later} after {md(report.as_of or 'the horizon')}")
    if report.parameters:  # the values in force, `--set` included: a what-if run says so
        values = ", ".join(f"{k}={report.parameters[k]}" for k in sorted(report.parameters))
        out.append(f"- Parameters: {md(values)}")
    out.append("")
    if report.policies:
        out += [
            # cancelled too: without it 4 activations read 3 satisfied, 0 violated, 0 pending
            "| policy | severity | activations | satisfied | violated | pending | cancelled "
            "| compliance |",
            "|---|---|--:|--:|--:|--:|--:|--:|",
        ]
        for p in ranked_policies(report):
            counts = (p.activations, p.satisfied, p.violated, p.pending, p.cancelled)
            out.append(
                f"| {md(p.id)} | {p.severity} | "
                + " | ".join(f"{n:,}" for n in counts)
                + f" | {percent(p.compliance)} |"
            )
        out.append("")
    out += _violations(report, max_violations)
    out += _metrics(report, max_violations)
    unjudged = unjudged_metrics(report)
    if unjudged:
        out += ["**Metric values not judged** (fewer events than the minimum sample):", ""]
        out += [f"- {md(policy.id)}: {md(values)}" for policy, values in unjudged] + [""]
    if report.pending:
        at_risk = sum(1 for p in report.pending if p.at_risk)
        out += [f"**Open obligations:** {len(report.pending):,} ({at_risk:,} at risk)", ""]
    total = max(report.rejected_total, len(report.rejected))
    if total:
        codes = ", ".join(
            f"{n:,} × {md(code)} ({md(CODES.get(code, 'unknown code'))})"
            for code, n in rejected_by_code(report)
        )
        by_code = f" (by code: {codes})" if codes else ""  # all of them, listed or not
        out += [f"**Rejected records:** {total:,}{by_code}", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _violations(report: Report, limit: int | None) -> list[str]:
    groups = violations_by_policy(report)
    out: list[str] = []
    for policy in ranked_policies(report):
        found = [v for v in groups.get(policy.id, []) if v.kind not in WARNING_KINDS]
        if not found:
            continue
        if not out:
            out += ["### Violations", ""]
        count = plural(len(found), "violation")
        out += [f"**{md(policy.id)}**: {md(policy.title)} ({policy.severity}, {count})", ""]
        shown = found if limit is None else found[:limit]
        for v in shown:
            where = f" ({md(f'{v.trigger.file}:{v.trigger.line}')})" if v.trigger else ""
            sentence = clip_values(v.sentence, [v.scope, v.details])
            out.append(f"- {md(sentence)}{where}")
        if len(found) > len(shown):
            out.append(f"- … and {len(found) - len(shown):,} more")
        out.append("")
    return out


def _metrics(report: Report, limit: int | None) -> list[str]:
    groups = worst_metrics(report, None if limit is None else METRIC_ROWS)
    if not groups:
        return []
    out = [
        "### Metric values that failed or warned",
        "",
        "| policy | metric | group | bucket | value | n | threshold | status |",
        "|---|---|---|---|--:|--:|---|---|",
    ]
    cut = False
    for policy, shown, rest in groups:
        for value in shown:
            threshold = value.threshold + (f", {warns_text(value.warn)}" if value.warn else "")
            cells = (
                md(policy.id),
                md(value.metric),
                md(clip_values(scope_text(value.group), [value.group])),
                md(value.bucket or "–"),
                md(metric_value(value)),
                f"{value.population:,}",
                md(threshold),
                value.status,
            )
            out.append("| " + " | ".join(cells) + " |")
        if rest:
            cut = True
            more = f"… and {len(rest):,} more ({metric_counts(rest)})"
            out.append(f"| {md(policy.id)} | {more} |  |  |  |  |  |  |")
    out.append("")
    if cut:
        out += [md(METRICS_ELSEWHERE), ""]
    return out
