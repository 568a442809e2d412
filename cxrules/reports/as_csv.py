"""Report stage: the CSV rendering, one row per violation, for spreadsheets.

Columns: id, policy, severity, kind, scope, start, end, duration_seconds, sentence, trigger
(`file:line` of the triggering event), evidence (`file:line` of each evidence event, separated
by spaces), fulfilled_at (when a `late` obligation was met: with `end`, its deadline, how late
it was), value and threshold (a metric's value as JSON writes it, a percentage as a fraction
and a duration in seconds, and the threshold it broke as `details.threshold` writes it), then
one column `report.<name>` per value the policies report (`report` clauses, sorted by name;
empty where a violation's policy does not report it or the value is missing; text as is, other
values as JSON). Rows keep the report's order. Text cells that a spreadsheet would run as a
formula (starting with `=`, `+`, `-`, `@`, tab or carriage return; a negative number is no
formula) are prefixed with `'` unless `guard_formulas=False`: scope values, sentences and
reported values come from logs, which an attacker may write.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from cxrules.reports.common import reported_cell, scope_text
from cxrules.reports.model import Report, Violation

COLUMNS: tuple[str, ...] = (
    "id",
    "policy",
    "severity",
    "kind",
    "scope",
    "start",
    "end",
    "duration_seconds",
    "sentence",
    "trigger",
    "evidence",
    "fulfilled_at",
    "value",
    "threshold",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A negative number as JSON writes it: a spreadsheet reads it as that number, never a formula.
_NUMBER = re.compile(r"-(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")


def guard(cell: str) -> str:
    """A text cell a spreadsheet shows as text: a leading `'` when it could start a formula. A
    negative number (a reported `-3`) stays a number: `'-3` would be text a sum skips.

    >>> guard("=HYPERLINK(\\"http://x\\")"), guard("visit=v-1"), guard(""), guard("-2.5")
    ('\\'=HYPERLINK("http://x")', 'visit=v-1', '', '-2.5')
    >>> guard("-3+cmd|' /C calc'!A0"), guard("-1e3"), guard("-")
    ("'-3+cmd|' /C calc'!A0", '-1e3', "'-")
    """
    if not cell.startswith(_FORMULA_STARTS) or _NUMBER.fullmatch(cell):
        return cell
    return "'" + cell


def render_csv(report: Report, *, guard_formulas: bool = True) -> str:
    """The violations as CSV (RFC 4180): a header row, CRLF line ends, fields quoted when needed.

    Write the text unchanged (`newline=""`), or a platform's newline translation doubles the CR.

    >>> from cxrules.reports.model import Report
    >>> r = Report(engine="python", zone="UTC", as_of=None, policy_files=[], revision="r",
    ...            inputs=[], policies=[], violations=[])
    >>> render_csv(r).split(",")[-4:]
    ['evidence', 'fulfilled_at', 'value', 'threshold\\r\\n']
    """
    buffer = io.StringIO()
    # CRLF as the record end also makes the writer quote any field holding a lone CR.
    writer = csv.writer(buffer, lineterminator="\r\n")
    names = report.reported_names()
    writer.writerow(_header(names))
    for violation in report.violations:
        writer.writerow(
            cell if not guard_formulas or name == "duration_seconds" else guard(cell)
            for name, cell in _row(violation, names)
        )
    return buffer.getvalue()


def write_csv(
    assembled: Any, handle: Any, *, guard_formulas: bool = True
) -> dict[tuple[str, str], int]:
    """The violations of `assembled` (`findings.assemble.Assembled`) written as CSV as they
    come (the bytes of `render_csv`); how many each (policy, kind) has."""
    writer = csv.writer(handle, lineterminator="\r\n")
    names = assembled.report.reported_names()
    writer.writerow(_header(names))
    counts: dict[tuple[str, str], int] = {}
    for violation in assembled.violations:
        key = (violation.policy, violation.kind)
        counts[key] = counts.get(key, 0) + 1
        writer.writerow(
            cell if not guard_formulas or name == "duration_seconds" else guard(cell)
            for name, cell in _row(violation, names)
        )
    for _ in assembled.pending:  # nothing of them in CSV; the iterator is consumed
        pass
    return counts


def seconds_text(seconds: float | None) -> str:
    """Seconds as a plain decimal (no exponent), to the millisecond; empty when there are none.

    >>> seconds_text(132.0), seconds_text(0.25), seconds_text(1e7), seconds_text(None)
    ('132', '0.25', '10000000', '')
    """
    if seconds is None:
        return ""
    return f"{seconds:.3f}".rstrip("0").rstrip(".")


def _header(names: tuple[str, ...]) -> list[str]:
    return [*COLUMNS, *(f"report.{name}" for name in names)]


def _row(violation: Violation, names: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    trigger = violation.trigger
    cells = [
        violation.id,
        violation.policy,
        violation.severity,
        violation.kind,
        scope_text(violation.scope, raw=True) if violation.scope else "",
        violation.start,
        violation.end,
        seconds_text(violation.duration_seconds),
        violation.sentence,
        f"{trigger.file}:{trigger.line}" if trigger is not None else "",
        " ".join(f"{e.file}:{e.line}" for e in violation.evidence),
        violation.fulfilled_at or "",
        *_metric_cells(violation),
    ]
    row = list(zip(COLUMNS, cells, strict=True))
    if names:
        values = (violation.details or {}).get("report") or {}
        row += [(f"report.{name}", reported_cell(values.get(name))) for name in names]
    return row


def _metric_cells(violation: Violation) -> tuple[str, str]:
    """A metric breach's or warning's value and the threshold it broke; empty for other kinds."""
    if violation.kind not in ("metric", "metric_warning"):
        return ("", "")
    details = violation.details or {}
    value = details.get("value")
    return (reported_cell(value), str(details.get("threshold") or ""))
