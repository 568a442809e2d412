"""Report stage: the terminal rendering — a summary an auditor reads top to bottom.

Header (inputs, counts, time span, policy revision), the policies worst first, the first few
violations of each failing policy, metric values that failed or warned, open obligations,
rejected records, and a closing verdict. Rendered with rich; without colour it is plain text
that tests compare line by line. Untrusted text is never read as markup and its control
characters are shown as escapes, so a log cannot drive the terminal.
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Sequence

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cxrules.diagnostics import CODES
from cxrules.ir.text import warns_text
from cxrules.reports.common import (
    METRIC_ROWS,
    METRICS_ELSEWHERE,
    WARNING_KINDS,
    check_severity,
    clip_values,
    input_totals,
    metric_counts,
    metric_value,
    pending_in_order,
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
from cxrules.reports.model import PolicySummary, Report, Violation

SEVERITY_STYLE = {
    "critical": "bold red",
    "high": "red",
    "medium": "yellow",
    "low": "cyan",
    "info": "dim",
}
STATUS_STYLE = {"violated": "red", "warn": "yellow"}
#: An open obligation's sentence that names its deadline itself, in the closing parenthesis
#: the engine writes after every log value and condition ('(deadline …)', '(no deadline)',
#: '(clock paused with 2h left)', '(… the limit ends …)', '(grace 1h never ends)'): anywhere
#: else, 'deadline' may be a scope value or a `where deadline == …` of the policy's own.
_NAMES_DEADLINE = re.compile(
    r"\((?:deadline [^()]*|no deadline|clock paused with [^()]* left"
    r"|a ban with no end: no deadline, open at every horizon"
    r"|[^()]*(?:the limit|grace [^()]*) (?:never ends|ends [^()]*))\)$"
)


def render_text(
    report: Report,
    *,
    max_violations: int | None = 3,
    max_rejected: int = 5,
    max_pending: int = 5,
    fail_on: str = "low",
    color: bool | None = None,
    width: int = 100,
    strict: Sequence[str] = (),
) -> str:
    """The report as a terminal summary, the verdict first (and again last, where a terminal
    leaves the reader).

    `max_violations` per failing policy (None: all of them), `max_rejected` and `max_pending`
    rows are listed (each list says how many more there are); `fail_on` sets the severity the
    verdict fails at. `color=None` colours only when standard output is a terminal and NO_COLOR
    is unset. Lines wrap at `width`; a policy id is never cut: one too long for its column
    continues on the next line.
    """
    for name, value in (
        ("max_violations", max_violations),
        ("max_rejected", max_rejected),
        ("max_pending", max_pending),
    ):
        if value is not None and value < 0:
            raise ValueError(f"{name} must be 0 or more, not {value}")
    check_severity(fail_on)
    if color is None:
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        force_jupyter=False,
        force_interactive=False,
        color_system="standard" if color else None,
        no_color=not color,
        width=width,
        markup=False,
        emoji=False,
        highlight=False,
        legacy_windows=False,
    )
    passed, sentence = verdict(report, fail_on, strict)
    closing = Text(sentence, style="bold green" if passed else "bold red")
    console.print(closing)
    console.print()
    _header(console, report)
    _policy_table(console, report)
    _violations(console, report, max_violations)
    _metrics(console, report, max_violations)
    _unjudged(console, report)
    _pending(console, report, max_pending)
    _rejected(console, report, max_rejected)
    console.print()
    console.print(closing)
    lines = buffer.getvalue().splitlines()
    return "".join(line.rstrip(" ") + "\n" for line in lines)


def _line(*parts: tuple[str, str] | str) -> Text:
    """A line made of (text, style) parts or plain strings; every text is made visible."""
    line = Text()
    for part in parts:
        text, style = (part, "") if isinstance(part, str) else part
        line.append(visible(text), style=style)
    return line


def _item(console: Console, line: Text, bullet: str = "  - ") -> None:
    """One list item whose wrapped lines hang under its first character."""
    grid = Table.grid(padding=0)
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(bullet, line)
    console.print(grid)


def _header(console: Console, report: Report) -> None:
    console.print(_line(("cxrules audit report", "bold"), f" ({report.schema_})"))
    as_of = report.as_of or "the last event"
    console.print(_line(f"Engine {report.engine}, zone {report.zone}, as of {as_of}"))
    files = ", ".join(report.policy_files) or "none"
    console.print(
        _line(
            f"Policies: revision {report.revision}; "
            f"{plural(len(report.policy_files), 'file')}: {files}"
        )
    )
    if report.parameters:
        values = ", ".join(f"{k}={report.parameters[k]}" for k in sorted(report.parameters))
        console.print(_line(f"Parameters: {values}"))
    totals = input_totals(report)
    console.print(
        _line(
            f"Inputs: {plural(len(report.inputs), 'file')}; read {totals['read']:,}, "
            f"accepted {totals['accepted']:,}, rejected {totals['rejected']:,}, "
            f"duplicates {totals['duplicates']:,}, events {totals['events']:,}"
        )
    )
    span = time_span(report)
    console.print(_line(f"Time span: {span[0]} to {span[1]}" if span else "Time span: no events"))
    if report.ignored_after_as_of:
        console.print(
            _line(
                f"Not audited: {plural(report.ignored_after_as_of, 'event')} after {report.as_of}"
            )
        )
    if not report.inputs:
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, collapse_padding=True)
    table.add_column("format", no_wrap=True)
    for name in ("read", "accepted", "rejected", "duplicates", "events"):
        table.add_column(name, justify="right", no_wrap=True, min_width=len(name))
    table.add_column("file", no_wrap=True, overflow="ignore")
    for item in report.inputs:
        table.add_row(
            _line(item.format),
            *(
                f"{n:,}"
                for n in (item.read, item.accepted, item.rejected, item.duplicates, item.events)
            ),
            _line(item.path),
        )
    _print_whole(console, table)


def _policy_table(console: Console, report: Report) -> None:
    console.print()
    if not report.policies:
        console.print(_line(("Policies (worst first): none", "bold")))
        return
    table = Table(
        title=Text("Policies (worst first)", style="bold"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
        collapse_padding=True,
    )
    # The numbers first, each column as wide as its name; the policy id last and whole, however
    # long: never cut or folded (the table grows past `width` only when an id needs it).
    table.add_column("severity", no_wrap=True)
    for name in ("activations", "satisfied", "violated", "pending", "cancelled", "compliance"):
        table.add_column(name, justify="right", no_wrap=True, min_width=len(name))
    table.add_column("policy", no_wrap=True, overflow="ignore")
    for policy in ranked_policies(report):
        table.add_row(
            _line((policy.severity, SEVERITY_STYLE[policy.severity])),
            f"{policy.activations:,}",
            f"{policy.satisfied:,}",
            _line((f"{policy.violated:,}", "red" if policy.violated else "")),
            f"{policy.pending:,}",
            f"{policy.cancelled:,}",
            percent(policy.compliance),
            _line(policy.id),
        )
    _print_whole(console, table)


def _print_whole(console: Console, table: Table) -> None:
    """Print a table whose last column (an id, a path) is never cut: the console is widened
    for it when that column needs more room than the width leaves."""
    width = console.width
    natural = console.measure(table, options=console.options.update_width(10_000)).maximum
    console.width = max(width, natural)
    console.print(table)
    console.width = width


def _violations(console: Console, report: Report, limit: int | None) -> None:
    groups = violations_by_policy(report)
    shown = False
    for policy in ranked_policies(report):
        found = [v for v in groups.get(policy.id, []) if v.kind not in WARNING_KINDS]
        if not found:
            continue
        if not shown:
            console.print()
            console.print(_line(("Violations", "bold")))
            shown = True
        _policy_violations(console, policy, found, limit)


def _policy_violations(
    console: Console, policy: PolicySummary, found: list[Violation], limit: int | None
) -> None:
    style = SEVERITY_STYLE[policy.severity]
    console.print(
        _line(
            (policy.id, "bold"),
            f": {policy.title} ",
            (f"({policy.severity}, {plural(len(found), 'violation')})", style),
        )
    )
    shown = found if limit is None else found[:limit]
    for violation in shown:
        where = ""
        if violation.trigger is not None:
            where = f" [{violation.trigger.file}:{violation.trigger.line}]"
        sentence = clip_values(violation.sentence, [violation.scope, violation.details])
        _item(console, _line(sentence, (where, "dim")))
    if len(found) > len(shown):
        console.print(_line(f"  … and {len(found) - len(shown):,} more"))


def _metrics(console: Console, report: Report, limit: int | None) -> None:
    groups = worst_metrics(report, None if limit is None else METRIC_ROWS)
    if not groups:
        return
    console.print()
    console.print(_line(("Metric values that failed or warned", "bold")))
    cut = False
    for policy, shown, rest in groups:
        console.print(_line((policy.id, "bold"), f": {policy.title}"))
        for value in shown:
            where = [clip_values(scope_text(value.group), [value.group])] if value.group else []
            where += [value.bucket] if value.bucket else []
            levels = f"requires {value.threshold}"
            levels += f", {warns_text(value.warn)}" if value.warn else ""
            _item(
                console,
                _line(
                    ", ".join([value.metric, *where]),
                    f": {metric_value(value)} (n={value.population:,}) ",
                    (value.status, STATUS_STYLE[value.status]),
                    f"; {levels}",
                ),
            )
        if rest:
            cut = True
            console.print(_line(f"  … and {len(rest):,} more ({metric_counts(rest)})"))
    if cut:
        _item(console, _line((METRICS_ELSEWHERE, "dim")), bullet="  ")


def _unjudged(console: Console, report: Report) -> None:
    unjudged = unjudged_metrics(report)
    if not unjudged:
        return
    console.print()
    console.print(_line(("Metric values not judged: fewer events than the minimum sample", "bold")))
    for policy, values in unjudged:
        _item(console, _line((policy.id, "bold"), f": {values}"))


def _pending(console: Console, report: Report, limit: int) -> None:
    if not report.pending:
        return
    at_risk = sum(1 for p in report.pending if p.at_risk)
    risk = f", {at_risk:,} at risk" if at_risk else ""
    console.print()
    console.print(_line((f"Open obligations: {len(report.pending):,}{risk}", "bold")))
    ordered = pending_in_order(report)
    for item in ordered[:limit]:
        mark = ("at risk: ", "yellow") if item.at_risk else ""
        # The engine's sentence already names the deadline when there is one: an invariant's
        # as the end of its grace or limit ('the limit ends …', 'grace 3d never ends').
        deadline = (
            ""
            if _NAMES_DEADLINE.search(item.sentence)
            else (f" (deadline {item.deadline})" if item.deadline else " (no deadline)")
        )
        sentence = clip_values(item.sentence, [item.scope])
        _item(console, _line(mark, f"{item.policy}: {sentence}{deadline}"))
    if len(ordered) > limit:
        console.print(_line(f"  … and {len(ordered) - limit:,} more"))


def _rejected(console: Console, report: Report, limit: int) -> None:
    if not report.rejected_total and not report.rejected:
        return
    total = max(report.rejected_total, len(report.rejected))
    console.print()
    console.print(_line((f"Rejected records: {total:,}", "bold")))
    for code, count in rejected_by_code(report):
        console.print(_line(f"  {count:,} × {code} {CODES.get(code, '(unknown code)')}"))
    if len(report.rejected) < total:
        console.print(_line(f"  (the report lists {len(report.rejected):,} of {total:,})"))
    for record in report.rejected[:limit]:
        reason = clip_values(record.reason)
        _item(console, _line(f"{record.file}:{record.line} {record.code} {reason}"))
    if len(report.rejected) > limit:
        console.print(_line(f"  … and {len(report.rejected) - limit:,} more listed"))
