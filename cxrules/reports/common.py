"""Report stage: what every rendering shares — ordering, counting, formatting and safe text.

Renderings read only the `Report` model. The helpers here decide once how policies are ranked,
what counts as a failing violation, how numbers and times are shown, and how untrusted text
(titles, scope values, sentences built from log attributes) is made safe to print.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any

from cxrules.ir.text import figure, measured, scope_words
from cxrules.language.fmt import quote
from cxrules.reports.model import (
    SEVERITY_ORDER,
    MetricValue,
    PendingObligation,
    PolicySummary,
    Report,
    Violation,
)
from cxrules.time.format import read_report_duration

if TYPE_CHECKING:
    from cxrules.diagnostics import Diagnostic

#: Severities from the most to the least serious, as rendered in summaries.
SEVERITIES_DESC: tuple[str, ...] = ("critical", "high", "medium", "low", "info")

#: The verdict of an audit of log files that judged no event (`nothing_audited`).
NOTHING_AUDITED = "NOTHING AUDITED"

#: Violation kinds that are warnings, never failures: they do not fail an audit or a test case.
WARNING_KINDS: frozenset[str] = frozenset({"metric_warning"})


def check_severity(value: str, option: str = "fail_on") -> int:
    """The rank of a severity name given as an option; a clear error for an unknown one.

    >>> check_severity("medium")
    2
    >>> check_severity("hgh")
    Traceback (most recent call last):
    ...
    ValueError: fail_on: unknown severity 'hgh' (choose one of info, low, medium, high, critical)
    """
    if value not in SEVERITY_ORDER:
        choices = ", ".join(SEVERITY_ORDER)
        raise ValueError(f"{option}: unknown severity {value!r} (choose one of {choices})")
    return SEVERITY_ORDER[value]


def is_failure(violation: Violation, fail_on: str = "low") -> bool:
    """True when the violation fails the audit: not a warning kind and at or above `fail_on`."""
    if violation.kind in WARNING_KINDS:
        return False
    return SEVERITY_ORDER[violation.severity] >= check_severity(fail_on)


def policy_rank_key(policy: PolicySummary) -> tuple[int, int, float, str]:
    """Sort key putting the worst policy first.

    Policies with violations come first, higher severity before lower, then lower compliance
    (a compliance of None — nothing judged — after every number), then by id.
    """
    compliance = 2.0 if policy.compliance is None else policy.compliance
    return (0 if policy.violated else 1, -SEVERITY_ORDER[policy.severity], compliance, policy.id)


def ranked_policies(report: Report) -> list[PolicySummary]:
    """The report's policies, worst first (see `policy_rank_key`)."""
    return sorted(report.policies, key=policy_rank_key)


def violations_by_policy(report: Report) -> dict[str, list[Violation]]:
    """The report's violations grouped by policy id, each group in report order."""
    groups: dict[str, list[Violation]] = {}
    for violation in report.violations:
        groups.setdefault(violation.policy, []).append(violation)
    return groups


def severity_counts(violations: Iterable[Violation]) -> list[tuple[str, int]]:
    """(severity, count) for each severity present, most serious first."""
    counts: Counter[str] = Counter(v.severity for v in violations)
    return [(s, counts[s]) for s in SEVERITIES_DESC if counts[s]]


#: Metric values that failed or warned listed per policy by the text and Markdown reports (all
#: with `max_violations=None`): a year of daily values per queue is thousands of rows, past what a
#: terminal or a pull-request comment (65,536 characters on GitHub) holds.
METRIC_ROWS = 10


def worst_metrics(
    report: Report, limit: int | None = METRIC_ROWS
) -> list[tuple[PolicySummary, list[MetricValue], list[MetricValue]]]:
    """Per policy with metric values that failed or warned (worst policy first): the first
    `limit` of them (None: all), worst first, and those left out. Breaches come before warnings;
    a breach further past its requirement first (relative to it: 24.5% against >= 80% before
    59.5%), a warning nearer its requirement first; ties keep the report's order.

    >>> from cxrules.reports.model import MetricValue as M, PolicySummary as P
    >>> def mv(v, s, b):
    ...     return M(metric="sl", group={}, bucket=b, value=v, population=9, status=s,
    ...              threshold=">= 80%", warn=">= 85%", unit="percent")
    >>> values = [mv(0.6, "violated", "d1"), mv(0.84, "warn", "d2"), mv(0.25, "violated", "d3"),
    ...           mv(0.81, "warn", "d4"), mv(0.9, "ok", "d5")]
    >>> p = P(id="p", title="t", severity="high", owner="o", kind="metric_check", file="f",
    ...       line=1, scopes=1, out_of_scope=0, vacuous=0, activations=5, satisfied=3,
    ...       violated=2, pending=0, compliance=0.6, metrics=values)
    >>> r = Report(engine="python", zone="UTC", as_of=None, policy_files=[], revision="r",
    ...            inputs=[], policies=[p], violations=[])
    >>> [(pol.id, [v.bucket for v in shown], [v.bucket for v in rest])
    ...  for pol, shown, rest in worst_metrics(r, 3)]
    [('p', ['d3', 'd1', 'd4'], ['d2'])]
    """
    out = []
    for policy in ranked_policies(report):
        flagged = [v for v in policy.metrics if v.status in ("violated", "warn")]
        if not flagged:
            continue
        ordered = sorted(flagged, key=_badness)
        cut = len(ordered) if limit is None else limit
        out.append((policy, ordered[:cut], ordered[cut:]))
    return out


#: Where the metric values a text or Markdown report leaves out are.
METRICS_ELSEWHERE = (
    "Every metric value is in the JSON report (policies[].metrics); each breach and warning is a "
    "row of the CSV report."
)


def metric_counts(values: Sequence[MetricValue]) -> str:
    """How many of `values` failed and how many warned: '62 violated, 3 warn'.

    >>> from cxrules.reports.model import MetricValue as M
    >>> metric_counts([M(metric="m", group={}, bucket=None, value=1, population=1,
    ...                  status="warn", threshold=">= 2")])
    '0 violated, 1 warn'
    """
    failed = sum(1 for v in values if v.status == "violated")
    return f"{failed:,} violated, {len(values) - failed:,} warn"


def _badness(value: MetricValue) -> tuple[int, float]:
    """Sort key of a flagged metric value, worst first (see `worst_metrics`)."""
    bound = _bound(value.threshold, metric_unit(value))
    gap = 0.0
    if bound is not None and isinstance(value.value, int | float):
        gap = abs(value.value - bound) / (abs(bound) or 1.0)
    return (0, -gap) if value.status == "violated" else (1, gap)


def unjudged_metrics(report: Report, shown: int = 3) -> list[tuple[PolicySummary, str]]:
    """Per metric policy with values left unjudged for too few events (`insufficient`), how
    many and which: '1 value (store=s1, 2026-03: n=3)'. Without it, a policy whose every value
    is so reads only '0 activations, compliance –' in the text and Markdown reports, and an
    auditor cannot tell why it was not judged."""
    out = []
    for policy in ranked_policies(report):
        few = [v for v in policy.metrics if v.status == "insufficient"]
        if not few:
            continue
        cells = []
        for v in few[:shown]:
            where = [clip_values(scope_text(v.group), [v.group])] if v.group else []
            where += [v.bucket] if v.bucket else []
            cells.append(f"{', '.join(where) or v.metric}: n={v.population:,}")
        if len(few) > shown:
            cells.append(f"… and {len(few) - shown:,} more")
        out.append((policy, f"{plural(len(few), 'value')} ({'; '.join(cells)})"))
    return out


def failing(report: Report, fail_on: str = "low") -> list[Violation]:
    """Violations that fail the audit at the `fail_on` severity, in report order."""
    check_severity(fail_on)
    return [v for v in report.violations if is_failure(v, fail_on)]


def failing_records(
    policies: list[PolicySummary], records: dict[tuple[str, str], int], fail_on: str = "low"
) -> int:
    """How many violation records fail the audit, from their counts per (policy, kind) as a
    streamed report counts them: the same rule as `is_failure`."""
    floor = check_severity(fail_on)
    severity = {p.id: SEVERITY_ORDER[p.severity] for p in policies}
    return sum(
        n
        for (policy, kind), n in records.items()
        if kind not in WARNING_KINDS and severity[policy] >= floor
    )


def verdict(report: Report, fail_on: str = "low", strict: Sequence[str] = ()) -> tuple[bool, str]:
    """(passed, sentence): the closing verdict of an audit at the `fail_on` severity. It names
    the policies nothing activated: a pass they had no part in, often a misspelt event type
    (W401). `strict`: what fails the audit under `--strict` besides violations (rejected
    records, warnings about the log), each as a phrase."""
    unjudged = nothing_audited(report)
    if unjudged:
        return False, f"{NOTHING_AUDITED}: {unjudged}; no policy was judged."
    failures = failing(report, fail_on)
    warnings = [v for v in report.violations if v.kind in WARNING_KINDS]
    below = len(report.violations) - len(failures) - len(warnings)
    extras = []
    if below:
        extras.append(f"{plural(below, 'violation')} below {fail_on}")
    if warnings:
        extras.append(plural(len(warnings), "metric warning"))
    if report.pending:
        extras.append(plural(len(report.pending), "obligation") + " still open")
    if report.rejected_total:
        extras.append(plural(report.rejected_total, "rejected record"))
    idle = [p.id for p in report.policies if not idle_counts(p)]
    if idle:
        named = ", ".join(idle[:3]) + (f" and {len(idle) - 3:,} more" if len(idle) > 3 else "")
        extras.append(f"{plural(len(idle), 'policy', 'policies')} never activated ({named})")
    tail = ("; " + "; ".join(extras)) if extras else ""
    if not failures and strict:
        return False, f"FAIL (--strict): {'; '.join(strict)}{tail}."
    if not failures:
        return True, f"PASS: no violation at or above {fail_on}{tail}."
    policies = {v.policy for v in failures}
    by_severity = ", ".join(f"{n:,} {s}" for s, n in severity_counts(failures))
    head = (
        f"FAIL: {plural(len(failures), 'violation')} at or above {fail_on} "
        f"in {plural(len(policies), 'policy', 'policies')} ({by_severity})"
    )
    if strict:
        head += f"; and under --strict: {'; '.join(strict)}"
    return False, head + tail + "."


def strict_reasons(rejected: int, warnings: list[Diagnostic]) -> list[str]:
    """What fails an audit under --strict besides its violations, as the verdict names it."""
    reasons = [f"{rejected:,} record{'s' if rejected != 1 else ''} rejected"] if rejected else []
    reasons += [f"{d.code}: {d.message}" for d in warnings]
    return reasons


def nothing_audited(report: Report) -> str:
    """Why an audit of log files judged no event, in words ('' when it judged some): an empty
    log, every record rejected (a wrong --log-format, an export gone wrong), or every event after
    the horizon. "No violation" would say nothing then. A report of events held in memory (no
    input file) is never said to have audited nothing.

    >>> from cxrules.reports.model import InputSummary as I, Report as R
    >>> def audit(read, accepted, events, after=0):
    ...     log = I(path="log.jsonl", sha256="0", format="jsonl", read=read, accepted=accepted,
    ...             rejected=read - accepted, duplicates=0, events=events)
    ...     return nothing_audited(R(engine="python", zone="UTC", as_of="2026-03-02T00:00:00Z",
    ...         policy_files=[], revision="r", inputs=[log], policies=[], violations=[],
    ...         rejected_total=read - accepted, rejected_by_code={"E402": read - accepted},
    ...         ignored_after_as_of=after))
    >>> audit(0, 0, 0)
    'the log holds no record'
    >>> audit(2, 0, 0)
    '0 of 2 records accepted (2 × E402: record does not parse in the format of its log)'
    >>> audit(5, 5, 5, after=5)
    'all 5 events are after the horizon 2026-03-02T00:00:00Z (--as-of)'
    >>> audit(5, 4, 4, after=2)
    ''
    """
    from cxrules.diagnostics import CODES

    if not report.inputs:
        return ""
    read = sum(i.read for i in report.inputs)
    accepted = sum(i.accepted for i in report.inputs)
    events = sum(i.events for i in report.inputs)
    if events > report.ignored_after_as_of:
        return ""
    if read == 0:
        files = len(report.inputs)
        return "the log holds no record" if files == 1 else f"the {files} logs hold no record"
    if accepted == 0:
        codes = ", ".join(
            f"{n:,} × {code}: {CODES[code]}" if code in CODES else f"{n:,} × {code}"
            for code, n in report.rejected_by_code.items()
        )
        return f"0 of {plural(read, 'record')} accepted" + (f" ({codes})" if codes else "")
    if events == 0:
        return f"{plural(accepted, 'record')} accepted, none of them an event"
    every = "the event is" if events == 1 else f"all {events:,} events are"
    return f"{every} after the horizon {report.as_of} (--as-of)"


def headline(passed: bool, sentence: str) -> str:
    """The verdict in a word or two, for a title: PASS, FAIL or NOTHING AUDITED."""
    if sentence.startswith(NOTHING_AUDITED):
        return NOTHING_AUDITED
    return "PASS" if passed else "FAIL"


def idle_counts(policy: PolicySummary) -> int:
    """Everything that happened to a policy: activations, judgements, open obligations, metric
    warnings and metric cells (one whose sample was too small is no judgement, but its events
    were in the log); 0 when nothing in the log activated it."""
    p = policy
    judged = p.activations + p.satisfied + p.violated + p.pending + p.cancelled + p.warnings
    return judged + len(p.metrics)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 violation', '2 violations', '14,772 violations': a count has thousands separators
    in every rendering, as the HTML report's tiles and tables write it.

    >>> plural(1, "policy", "policies"), plural(3, "rejected record"), plural(14772, "event")
    ('1 policy', '3 rejected records', '14,772 events')
    """
    if count == 1:
        return f"{count:,} {singular}"
    return f"{count:,} {plural_form or singular + 's'}"


#: The edges of the health bands a compliance rate is coloured by (95% or more, 80% to 95%,
#: under 80%: `svg.HEALTH_BANDS`).
HEALTH_EDGES = (0.80, 0.95)


def percent(value: float | None) -> str:
    """A compliance rate as a percentage, '–' when there is none; the one rounding of sentences
    and tables (`cxrules.ir.text.measured`): never rounded onto 100% or 0%, so 2190 of 2191 is
    '99.95%' and a policy with a breach never reads as fully compliant, nor onto the edge of a
    health band it does not reach: 9,232 of 11,544 (79.97%) read '80.0%' in the red of 'under
    80%'.

    >>> percent(0.8333), percent(1.0), percent(None), percent(0.99954), percent(0.0004)
    ('83.3%', '100.0%', '–', '99.95%', '0.04%')
    >>> percent(9232 / 11544), percent(0.9496), percent(0.8), percent(0.95)
    ('79.97%', '94.96%', '80.0%', '95.0%')
    """
    if value is None:
        return "–"
    return measured(value, HEALTH_EDGES)


def metric_value(value: MetricValue) -> str:
    """A metric's value for display in its unit, written as the violation's sentence writes it
    (`cxrules.ir.text.figure`): a percentage is never rounded onto its threshold or warning level.

    >>> from cxrules.reports.model import MetricValue as M
    >>> def show(v, unit, t):
    ...     return metric_value(M(metric="m", group={}, bucket=None, value=v, population=9,
    ...                           status="ok", threshold=t, unit=unit))
    >>> show(0.78, "percent", ">= 80%"), show(0.7996, "percent", ">= 80%")
    ('78.0%', '79.96%')
    >>> show(150, "duration", "<= 2m"), show(31.25, "number", ">= 40"), show(None, "number", "")
    ('2m30s', '31.25', '–')
    """
    if value.value is None:
        return "–"
    unit = metric_unit(value)
    texts = (value.threshold, value.warn)
    against = tuple(b for b in (_bound(t, unit) for t in texts if t) if b is not None)
    return figure(value.value, unit, against)


def metric_unit(value: MetricValue) -> str:
    """The value's unit; for a report written before `unit` was, read off its threshold."""
    bound = value.threshold.split()[-1] if value.threshold.split() else ""
    if value.unit == "number" and bound.endswith("%"):
        return "percent"
    if value.unit == "number" and read_report_duration(bound) is not None:
        return "duration"
    return value.unit


def _bound(threshold: str, unit: str) -> float | None:
    """The value of a threshold as `threshold_text` writes it ('>= 80%', '<= 1min', '>= 40'; a
    report written before as '<= 1m30s'), in the metric's unit (a fraction, seconds, a number);
    None when it is not one.

    >>> _bound(">= 80%", "percent"), _bound("<= 1m30.5s", "duration"), _bound(">= -40", "number")
    (0.8, 90.5, -40.0)
    >>> _bound("<= 1min", "duration"), _bound("<= 2h", "duration")
    (60.0, 7200.0)
    """
    text = threshold.split()[-1] if threshold.split() else ""
    if unit == "duration":
        return read_report_duration(text)
    if unit == "percent" and not text.endswith("%"):
        return None
    try:
        return float(text[:-1]) / 100 if unit == "percent" else float(text)
    except ValueError:
        return None


def scope_text(scope: dict[str, str], *, raw: bool = False) -> str:
    """Scope values as 'key=value, key=value' in key order; '(whole log)' when there are none.
    A value that would not show (empty, spaces at an end) is quoted, and so is one with a comma
    among several keys (`scope_words`), unless `raw` (CSV cells hold the values as they are).

    >>> scope_text({"visit": "v-1", "arm": "ayse"}), scope_text({})
    ('arm=ayse, visit=v-1', '(whole log)')
    >>> scope_text({"customer": "c-1", "topic": "Payment, late"})
    'customer=c-1, topic="Payment, late"'
    """
    if not scope:
        return "(whole log)"
    keys = sorted(scope)
    if raw:
        return ", ".join(f"{key}={scope[key]}" for key in keys)
    return scope_words(keys, [scope[key] for key in keys], "=")


def instant(text: str, where: str) -> datetime:
    """Parse an ISO 8601 time from the report; a clear error naming the field when it is not one.

    >>> instant("2026-03-02T10:05:00+03:00", "start").hour
    10
    >>> instant("yesterday", "violations[0].start")
    Traceback (most recent call last):
    ...
    ValueError: report field violations[0].start is not an ISO 8601 time: 'yesterday'
    """
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"report field {where} is not an ISO 8601 time: {text!r}") from None


def epoch(text: str, where: str) -> float:
    """Seconds since 1970 of an ISO 8601 time from the report (a time without offset as UTC).

    >>> epoch("1970-01-01T03:00:00+03:00", "start"), epoch("1970-01-01T00:01:00", "end")
    (0.0, 60.0)
    """
    return _order_key(instant(text, where))[1]


def _order_key(moment: datetime) -> tuple[int, float]:
    """Order instants: aware ones by their UTC instant, naive ones as written (after aware)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return (1, moment.replace(tzinfo=UTC).timestamp())
    return (0, moment.timestamp())


def time_span(report: Report) -> tuple[str, str] | None:
    """The earliest first and the latest last time over the inputs, as written; None if none."""
    firsts = [
        (_order_key(instant(i.first_time, f"inputs[{n}].first_time")), i.first_time)
        for n, i in enumerate(report.inputs)
        if i.first_time is not None
    ]
    lasts = [
        (_order_key(instant(i.last_time, f"inputs[{n}].last_time")), i.last_time)
        for n, i in enumerate(report.inputs)
        if i.last_time is not None
    ]
    if not firsts or not lasts:
        return None
    return min(firsts)[1], max(lasts)[1]


def pending_in_order(report: Report) -> list[PendingObligation]:
    """The open obligations as a reader works through them: those at risk first, then the
    nearest deadline first (one without a deadline last), then the report's order. The report
    lists them by policy and trigger, so a clock running out tomorrow came after one of next
    week."""

    def key(item: tuple[int, PendingObligation]) -> tuple[bool, bool, float, int]:
        n, p = item
        due = epoch(p.deadline, f"pending[{n}].deadline") if p.deadline else 0.0
        return (not p.at_risk, p.deadline is None, due, n)

    return [p for _, p in sorted(enumerate(report.pending), key=key)]


def input_totals(report: Report) -> dict[str, int]:
    """Read, accepted, rejected, duplicate and event counts summed over the inputs."""
    fields = ("read", "accepted", "rejected", "duplicates", "events")
    return {name: sum(getattr(i, name) for i in report.inputs) for name in fields}


def rejected_by_code(report: Report) -> list[tuple[str, int]]:
    """(code, count) of the rejected records, most frequent first, then by code: every one
    (`Report.rejected_by_code`) when the report has the counts, else the listed ones."""
    counts = report.rejected_by_code or Counter(r.code for r in report.rejected)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def file_stem(path: str) -> str:
    """The file name without folders and extension, for POSIX or Windows paths.

    >>> file_stem("policies/octopus.cxr"), file_stem("C:\\\\p\\\\field.cxr"), file_stem("")
    ('octopus', 'field', '')
    """
    name = PureWindowsPath(path).name if "\\" in path else PurePosixPath(path).name
    return name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name


def visible(text: str) -> str:
    """Untrusted text on one line, with control and bidi-override characters made visible.

    Terminal escape sequences, newlines and right-to-left overrides in log attributes must not
    reach a terminal or a table as themselves; each becomes an escape such as '\\x1b' or '\\n'.

    >>> visible("a\\x1b[31mb\\nc\\u202ed")
    'a\\\\x1b[31mb\\\\nc\\\\u202ed'
    >>> visible("şikayet.açıldı")
    'şikayet.açıldı'
    """
    if text.isprintable():
        return text
    out = []
    for char in text:
        if char.isprintable() or char == " ":
            out.append(char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif unicodedata.category(char) in ("Zs",):
            out.append(" ")
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return "".join(out)


#: A value from the log longer than this (in characters) is clipped in the renderings a person
#: reads (text, markdown, HTML) to its first `CLIPPED_TO` characters, an ellipsis and its
#: length; JSON, CSV and JUnit keep every value whole.
LONG_VALUE = 100
CLIPPED_TO = 80
#: A text the sentence quotes ('text = "…"', '["a", "b"]', `quote`'s escapes included: '"say
#: \\"hi\\""'): its opening quote starts a word and its closing quote ends one, so that two
#: quotes inside values ('product 27" monitor … (model: P2723DE 27")') never pair up and clip
#: the words of the sentence between them.
_QUOTED = re.compile(r'(?<![^\s(\[{=,:])"((?:[^"\\]|\\.)*)"(?![^\s)\]},;:.])')
_UNBROKEN = re.compile(rf"\S{{{LONG_VALUE + 1},}}")


def clip_values(text: str, values: Iterable[Any] = ()) -> str:
    """`text` (a sentence, a scope) with each long value in it clipped: its first `CLIPPED_TO`
    characters, '…' and its length in characters. A long value is one of `values` (a
    violation's scope and details, which a sentence names as they are), a quoted value (a text
    the sentence read from the log) or a run of characters without a space (an id, a type).

    >>> clip_values('text = "' + "x" * 5000 + '" at 10:00')[-40:]
    'xxxxxxxxxx…" (5,000 characters) at 10:00'
    >>> clip_values("in topic " + "a b " * 30 + "at 10", ["a b " * 29 + "a b"])[-34:]
    'b a b a b … (119 characters) at 10'
    >>> clip_values('text = "no problem" at 10:00', ["no problem"])
    'text = "no problem" at 10:00'
    >>> inch = 'of product 27" monitor at 10:00:00+00:00: ' + "w" * 90 + ' (model: P2723DE 27")'
    >>> clip_values(inch) == inch
    True
    """
    if len(text) <= LONG_VALUE:
        return text
    for value in sorted(_long_texts(values), key=len, reverse=True):
        shown = f"{value[:CLIPPED_TO]}…"
        text = text.replace(quote(value), f"{quote(shown)} ({len(value):,} characters)")
        text = text.replace(value, f"{shown} ({len(value):,} characters)")
    text = _QUOTED.sub(_clip_quoted, text)
    return _UNBROKEN.sub(lambda m: f"{m[0][:CLIPPED_TO]}… ({len(m[0]):,} characters)", text)


def clip_tree(value: Any) -> Any:
    """A value with each text in it longer than `LONG_VALUE` clipped (first `CLIPPED_TO`
    characters, '…' and its length), in lists and maps at any depth.

    >>> clip_tree({"text": "x" * 300, "n": [1, "ok"]})["text"][-20:]
    'xx… (300 characters)'
    """
    if isinstance(value, str) and len(value) > LONG_VALUE:
        return f"{value[:CLIPPED_TO]}… ({len(value):,} characters)"
    if isinstance(value, dict):
        return {k: clip_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clip_tree(v) for v in value]
    return value


def _clip_quoted(match: re.Match[str]) -> str:
    try:  # the text the quotes hold, its escapes read (a sentence quotes as `quote` does)
        value = json.loads(match[0])
    except ValueError:
        value = match[1]
    if not isinstance(value, str) or len(value) <= LONG_VALUE:
        return match[0]
    return f"{quote(value[:CLIPPED_TO] + '…')} ({len(value):,} characters)"


def _long_texts(values: Iterable[Any]) -> set[str]:
    """The texts longer than `LONG_VALUE` among values, lists and maps of them."""
    found: set[str] = set()
    for value in values:
        if isinstance(value, str):
            if len(value) > LONG_VALUE:
                found.add(value)
        elif isinstance(value, dict):
            found |= _long_texts(value.values())
        elif isinstance(value, list | tuple):
            found |= _long_texts(value)
    return found


def html_text(value: object) -> str:
    """Untrusted text for an HTML page or an SVG chart, in an element or an attribute: control
    and bidi-override characters made visible (`visible`), so a right-to-left override in a log
    value cannot show "exe.png" for "gnp.exe", then escaped.

    >>> html_text("<b>\\u202egnp.exe</b>")
    '&lt;b&gt;\\\\u202egnp.exe&lt;/b&gt;'
    """
    return html.escape(visible(str(value)), quote=True)


def reported_cell(value: Any) -> str:
    """A reported value in a CSV cell: text as is, nothing for missing, other values as JSON.

    >>> reported_cell("Ayşe"), reported_cell(None), reported_cell(4), reported_cell(["a", "b"])
    ('Ayşe', '', '4', '["a", "b"]')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
