"""Gherkin stage: comparing what a scenario expects with what the engine found, in words."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import get_args

from cxrules.bdd.tables import (
    Clock,
    Row,
    SpecError,
    offset_text,
    parse_scope,
    scope_text,
    zone_info,
)
from cxrules.diagnostics import did_you_mean
from cxrules.ir.text import warns_text
from cxrules.reports.common import metric_unit
from cxrules.reports.common import plural as counted
from cxrules.reports.model import MetricValue, PolicySummary, Report, Violation
from cxrules.time.format import DurationTextError, parse_duration_text

VIOLATION_COLUMNS = ("policy", "kind", "scope", "start", "end", "severity", "fulfilled_at")
#: The columns of a policy's `report` values: `report.host` is `details.report.host`, written as
#: `detail_text` writes it; an empty cell is a missing value (or one the policy does not report).
REPORT_COLUMNS = "report.<name>"

Key = tuple[tuple[str, object], ...]


def plural(n: int, word: str, plural_form: str | None = None) -> str:
    """'1 violation', '2 violations', 'no violations' (`cxrules.reports.common.plural`, with
    'no' for none).

    >>> plural(0, "violation"), plural(1, "activation"), plural(2, "vacuous scope")
    ('no violations', '1 activation', '2 vacuous scopes')
    """
    if n == 0:
        return f"no {plural_form or word + 's'}"
    return counted(n, word, plural_form)


def when(text: str, clock: Clock) -> str:
    """An ISO instant from a report, with its offset from the base time when there is one."""
    if clock.base is None:
        return text
    delta = (datetime.fromisoformat(text) - clock.base).total_seconds()
    return f"{text} ({offset_text(delta)})"


def describe_violation(v: Violation, clock: Clock) -> str:
    """One violation in words, for failure messages."""
    return (
        f"{v.policy} {v.kind} [{scope_text(v.scope)}] from {when(v.start, clock)} to "
        f"{when(v.end, clock)}, severity {v.severity}: {v.sentence}"
    )


def listing(violations: list[Violation], clock: Clock) -> str:
    if not violations:
        return "  (none)"
    return "\n".join(f"  - {describe_violation(v, clock)}" for v in violations)


def check_count(result: Report, expected: int, clock: Clock) -> None:
    """The number of violations over every policy of the scenario is exactly `expected`."""
    found = result.violations
    if len(found) != expected:
        raise AssertionError(
            f"expected {plural(expected, 'violation')}, the engine found "
            f"{plural(len(found), 'violation')}:\n{listing(found, clock)}"
        )


def _instant(text: str, clock: Clock) -> float:
    return round(clock.instant(text).timestamp(), 6)


def _columns(cells: dict[str, str]) -> list[str]:
    """The columns a violations table compares, in a fixed order: the violation's own, then its
    reported values by name."""
    named = sorted(c for c in cells if c.startswith("report."))
    return [c for c in VIOLATION_COLUMNS if c in cells] + named


#: The values a `kind` or `severity` cell may hold, as the report writes them.
_NAMED: dict[str, tuple[str, ...]] = {
    "kind": get_args(Violation.model_fields["kind"].annotation),
    "severity": get_args(Violation.model_fields["severity"].annotation),
}


def _expected_key(row: Row, clock: Clock) -> Key:
    items: list[tuple[str, object]] = []
    for column in _columns(row.cells):
        if column not in row.cells:
            continue
        raw = row.cells[column].strip()
        try:
            if column.startswith("report."):
                value: object = raw
            elif column == "scope":
                value = tuple(sorted(parse_scope(raw).items()))
            elif column == "fulfilled_at":
                value = _instant(raw, clock) if raw else None
            elif not raw:
                raise SpecError(f"the {column!r} cell is empty")
            elif column in ("start", "end"):
                value = _instant(raw, clock)
            elif column in _NAMED and raw not in _NAMED[column]:  # `Late`, `gap ` is fine
                hint = did_you_mean(raw.lower(), _NAMED[column])
                plural = "kinds" if column == "kind" else "severities"
                raise SpecError(
                    f"{raw!r} is not a {column}"
                    + (f" ({hint})" if hint else "")
                    + f"; the {plural} are {', '.join(_NAMED[column])}"
                )
            else:
                value = raw
        except SpecError as exc:
            raise SpecError(f"line {row.line}: {exc}") from None
        items.append((column, value))
    return tuple(items)


def _actual_key(v: Violation, columns: list[str]) -> Key:
    values: dict[str, object] = {
        "policy": v.policy,
        "kind": v.kind,
        "scope": tuple(sorted(v.scope.items())),
        "start": round(datetime.fromisoformat(v.start).timestamp(), 6),
        "end": round(datetime.fromisoformat(v.end).timestamp(), 6),
        "severity": v.severity,
        "fulfilled_at": (
            round(datetime.fromisoformat(v.fulfilled_at).timestamp(), 6) if v.fulfilled_at else None
        ),
    }
    reported = (v.details or {}).get("report") or {}
    for c in columns:
        if c.startswith("report."):
            value = reported.get(c[len("report.") :])
            values[c] = "" if value is None else detail_text(value)
    return tuple((c, values[c]) for c in columns)


def _key_text(key: Key, clock: Clock) -> str:
    parts = []
    for column, value in key:
        if column == "scope":
            assert isinstance(value, tuple)
            parts.append(f"scope {scope_text(dict(value))}")
        elif column in ("start", "end", "fulfilled_at") and value is not None:
            assert isinstance(value, float)
            iso = datetime.fromtimestamp(value, zone_info(clock.zone))
            parts.append(f"{column} {when(iso.isoformat(), clock)}")
        else:
            parts.append(f"{column} {value}")
    return ", ".join(parts)


def check_violations(result: Report, rows: list[Row], clock: Clock) -> None:
    """The violations are exactly the rows (as a multiset over the columns given)."""
    if not rows:
        raise SpecError("the violations table has no rows: use 'Then there are no violations'")
    columns = _columns(rows[0].cells)
    expected = Counter(_expected_key(r, clock) for r in rows)
    actual = Counter(_actual_key(v, columns) for v in result.violations)
    if expected == actual:
        return
    missing = expected - actual
    unexpected = actual - expected
    lines = [
        f"expected {plural(sum(expected.values()), 'violation')}, the engine found "
        f"{plural(len(result.violations), 'violation')}."
    ]
    if missing:
        lines.append("Expected but not found:")
        lines += [f"  - {_key_text(k, clock)}" for k in missing.elements()]
    if unexpected:
        lines.append("Found but not expected:")
        lines += [f"  - {_key_text(k, clock)}" for k in unexpected.elements()]
    lines.append("Everything the engine found:")
    lines.append(listing(result.violations, clock))
    raise AssertionError("\n".join(lines))


def summary_of(result: Report, policy: str) -> PolicySummary:
    """The summary of one policy of the scenario; SpecError naming the ones there are."""
    for s in result.policies:
        if s.id == policy:
            return s
    ids = [s.id for s in result.policies]
    hint = did_you_mean(policy, ids)
    raise SpecError(
        f"the scenario has no policy {policy!r}" + (f" ({hint})" if hint else "") + "; it has "
        f"{', '.join(ids)}"
    )


def check_tallies(
    result: Report, policy: str, satisfied: int, violated: int, pending: int, clock: Clock
) -> None:
    """Policy `policy` has exactly these satisfied, violated and pending counts."""
    s = summary_of(result, policy)
    if (s.satisfied, s.violated, s.pending) == (satisfied, violated, pending):
        return
    raise AssertionError(
        f"policy {policy}: expected {satisfied} satisfied, {violated} violated and {pending} "
        f"pending; the engine found {s.satisfied} satisfied, {s.violated} violated and "
        f"{s.pending} pending ({counted(s.activations, 'activation')}, {s.cancelled} cancelled, "
        f"{counted(s.vacuous, 'vacuous scope')}, {counted(s.out_of_scope, 'event')} out of "
        "scope).\n"
        f"Violations:\n{listing(result.violations, clock)}"
    )


def check_vacuous(result: Report, policy: str) -> None:
    """Policy `policy` had no activation at all, hence nothing violated or pending."""
    s = summary_of(result, policy)
    if s.activations == 0 and s.violated == 0 and s.pending == 0:
        return
    raise AssertionError(
        f"policy {policy}: expected to be vacuously satisfied (no activation), but the engine "
        f"found {counted(s.activations, 'activation')}, {s.satisfied} satisfied, "
        f"{s.violated} violated, {s.pending} pending"
    )


def check_out_of_scope(result: Report, policy: str, expected: int) -> None:
    """Policy `policy` counted exactly `expected` relevant events lacking a scope key."""
    s = summary_of(result, policy)
    if s.out_of_scope != expected:
        raise AssertionError(
            f"policy {policy}: expected {plural(expected, 'event')} outside the scope, the "
            f"engine counted {s.out_of_scope}"
        )


def check_pending(result: Report, count: int, deadline: str | None, clock: Clock) -> None:
    """Exactly `count` obligations are open at the horizon, each with this deadline (None: each
    has no deadline, e.g. a paused clock)."""
    found = result.pending
    want = None if deadline is None else _instant(deadline, clock)
    have = [
        None if p.deadline is None else round(datetime.fromisoformat(p.deadline).timestamp(), 6)
        for p in found
    ]
    if len(found) == count and all(h == want for h in have):
        return
    shown = "\n".join(
        f"  - {p.policy} [{scope_text(p.scope)}] deadline "
        f"{when(p.deadline, clock) if p.deadline else 'none'}: {p.sentence}"
        for p in found
    )
    target = "no deadline" if deadline is None else f"deadline {deadline}"
    raise AssertionError(
        f"expected {plural(count, 'pending obligation')} with {target}, the engine has "
        f"{plural(len(found), 'pending obligation')}:\n{shown or '  (none)'}\n"
        f"Violations:\n{listing(result.violations, clock)}"
    )


def metric_number(text: str) -> tuple[float, str]:
    """An expected metric value: '75%' (a fraction), '45s'/'1min' (seconds) or a number.

    >>> metric_number("75%"), metric_number("-20"), metric_number("1min30s")
    ((0.75, 'percent'), (-20.0, 'number'), (90.0, 'duration'))
    """
    text = text.strip()
    try:
        if text.endswith("%"):
            return float(text[:-1]) / 100, "percent"
        return float(text), "number"
    except ValueError:
        pass
    try:
        return parse_duration_text(text), "duration"
    except DurationTextError as exc:
        raise SpecError(
            f"{text!r} is not a metric value: write a number (40), a percentage (75%) or a "
            "duration (45s)"
        ) from exc


def metric_cell(m: MetricValue) -> str:
    """A metric cell's value as a step writes it ('75%', '1min30s', '40'), to paste into one.

    >>> from cxrules.reports.model import MetricValue as M
    >>> def cell(v, unit, t=""):
    ...     return metric_cell(M(metric="m", group={}, bucket=None, value=v, population=9,
    ...                          status="ok", threshold=t, unit=unit))
    >>> cell(0.75, "percent"), cell(0.8, "number", ">= 80%"), cell(90.0, "duration")
    ('75%', '80%', '1min30s')
    >>> cell(40, "number"), cell(0.1 + 0.2, "percent")
    ('40', '30%')
    """
    if m.value is None:
        return "none"
    unit = metric_unit(m)
    if unit == "percent":
        return f"{m.value * 100:.15g}%"
    if unit == "duration":
        return offset_text(m.value).removeprefix("+")
    return f"{m.value:.15g}"


def find_metric(
    result: Report,
    name: str,
    group: dict[str, str],
    bucket: str | None,
    known: Sequence[str] | None = None,
) -> MetricValue:
    """The value of metric `name` in one group and bucket; AssertionError listing the cells.
    A name that no policy of the scenario defines (`known`: the ones that do) is a mistake of
    the scenario (SpecError with the nearest one), not a metric without values."""
    if known is not None and name not in known:
        hint = did_you_mean(name, known)
        raise SpecError(
            f"the scenario has no metric {name!r}"
            + (f" ({hint})" if hint else "")
            + (f"; its metrics are {', '.join(known)}" if known else "; its policies have none")
        )
    cells = [m for s in result.policies for m in s.metrics if m.metric == name]
    for m in cells:
        if m.group == group and m.bucket == bucket:
            return m
    shown = "\n".join(
        f"  - [{scope_text(m.group)}] bucket {m.bucket}: {metric_cell(m)} ({m.status}, "
        f"population {m.population})"
        for m in cells
    )
    raise AssertionError(
        f"metric {name!r} has no value for [{scope_text(group)}] in bucket {bucket}; its "
        f"values are:\n{shown or '  (none)'}"
    )


def check_metric(m: MetricValue, value: str | None, status: str) -> None:
    """The metric cell has this value (None: no value, not applicable) and status."""
    problems = []
    if value is None:
        if m.value is not None:
            problems.append(f"value {metric_cell(m)} instead of none")
    else:
        want, _ = metric_number(value)
        if m.value is None or not math.isclose(m.value, want, rel_tol=1e-9, abs_tol=1e-9):
            problems.append(f"value {metric_cell(m)} instead of {value}")
    if m.status != status:
        problems.append(f"status {m.status!r} instead of {status!r}")
    if problems:
        raise AssertionError(
            f"metric {m.metric} [{scope_text(m.group)}] bucket {m.bucket}: "
            + "; ".join(problems)
            + f" (population {m.population}, threshold {m.threshold}"
            + (f", {warns_text(m.warn)})" if m.warn else ")")
        )


def only_violation(result: Report, clock: Clock, what: str) -> Violation:
    """The scenario's single violation; AssertionError listing them when there is not one."""
    found = result.violations
    if len(found) != 1:
        raise AssertionError(
            f"expected exactly 1 violation to read its {what}, the engine found "
            f"{plural(len(found), 'violation')}:\n{listing(found, clock)}"
        )
    return found[0]


def check_exact_sentence(result: Report, sentence: str, clock: Clock) -> None:
    """The single violation's sentence is exactly `sentence`."""
    v = only_violation(result, clock, "sentence")
    if v.sentence != sentence:
        raise AssertionError(f"the violation sentence is\n  {v.sentence}\nnot\n  {sentence}")


def detail_text(value: object) -> str:
    """A `details` value as a scenario writes it: texts as they are, numbers without trailing
    zeros, true/false, null, lists and maps as JSON.

    >>> [detail_text(v) for v in ("x", 3, 0.5, 2.0, True, None, {"b": 1})]
    ['x', '3', '0.5', '2', 'true', 'null', '{"b": 1}']
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def check_details(result: Report, rows: list[Row], clock: Clock) -> None:
    """The single violation's `details` hold these keys and values (an instant may be written
    as the scenario writes times: '+2min'); other keys are not compared."""
    v = only_violation(result, clock, "details")
    problems = []
    for row in rows:
        key, want = row.cells["key"].strip(), row.cells["value"].strip()
        if key not in v.details:
            problems.append(f"no {key!r} (the details are {json.dumps(v.details, sort_keys=True)})")
            continue
        have = detail_text(v.details[key])
        if have == want or _same_instant(have, want, clock):
            continue
        problems.append(f"{key} is {have!r}, not {want!r}")
    if problems:
        raise AssertionError("violation details: " + "; ".join(problems))


def _same_instant(have: str, want: str, clock: Clock) -> bool:
    try:
        return datetime.fromisoformat(have) == clock.instant(want)
    except (ValueError, SpecError):
        return False


def check_sentence(result: Report, fragment: str, only: bool, clock: Clock) -> None:
    """The single violation's sentence (`only`), or some violation's, contains `fragment`."""
    found = result.violations
    if only and len(found) != 1:
        raise AssertionError(
            f"expected exactly 1 violation to read its sentence, the engine found "
            f"{plural(len(found), 'violation')}:\n{listing(found, clock)}"
        )
    if any(fragment in v.sentence for v in found):
        return
    sentences = "\n".join(f"  - {v.sentence}" for v in found) or "  (none)"
    raise AssertionError(
        f"no violation sentence contains {fragment!r}; the sentences are:\n{sentences}"
    )
