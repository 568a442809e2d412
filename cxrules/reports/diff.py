"""Report stage, what-if: two JSON reports compared — the breaches that appear, disappear or
change (matched by violation id) and each policy's compliance side by side (`cxrules diff`).

A violation id is a hash of policy, scope, trigger and kind, so the same breach found by both
audits has the same id; when its deadline, end, evidence or sentence differ it *changes*. A
breach whose kind changes (late → missing, metric → metric_warning) disappears under its old id
and appears under its new one.

An event without an `id` is named by its file and line (`week1.jsonl:2241`), so the same breach
read from a log under another name (week 1, then weeks 1-2 in a new export) has another id. The
breaches left unmatched by id are matched once more by policy, kind, scope and their trigger's
type and time (when that pairs them one to one): the same breach, *relocated*. A breach is
unchanged when nothing but where its events were read (their ids, files and lines) differs.

A report that audited nothing (NOTHING AUDITED: an empty log, every record rejected, every event
after the horizon) has no breach because it judged none: its breaches are not compared, lest
every breach of the other side read as fixed or as new.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cxrules.reports.as_json import json_text, to_plain
from cxrules.reports.common import (
    NOTHING_AUDITED,
    nothing_audited,
    percent,
    plural,
    scope_text,
    visible,
)
from cxrules.reports.model import Report, Violation

DIFF_SCHEMA: Final = "cxrules.diff/1"

#: The exit status of `cxrules diff` when a report audited nothing: its breaches are not compared.
NOT_COMPARED: Final = 4


class DiffError(Exception):
    """A report that cannot be compared: unreadable (exit_code 3) or not a report (2)."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ParameterChange(_Model):
    """A parameter whose value differs (None: not in that report)."""

    name: str
    old: Any = None
    new: Any = None


class PolicyDelta(_Model):
    """One policy in both audits: compliance and violation counts (None: not in that report)."""

    id: str
    title: str
    old_compliance: float | None = None
    new_compliance: float | None = None
    old_violated: int | None = None
    new_violated: int | None = None
    # obligations cancelled by an `unless` event: a rule change can move breaches to or from them
    old_cancelled: int | None = None
    new_cancelled: int | None = None
    appeared: int = 0
    disappeared: int = 0
    changed: int = 0


class ViolationChange(_Model):
    """A breach found by both audits whose record differs, with the fields that differ."""

    id: str
    policy: str
    fields: list[str]
    old: Violation
    new: Violation


class Relocation(_Model):
    """A breach of both audits matched by its trigger, not its id: the trigger (an event without
    an id, named by file:line) was read from another file or line."""

    old_id: str
    new_id: str
    policy: str


class ReportDiff(_Model):
    """What changed between two reports (`cxrules.diff/1`)."""

    schema_: Literal["cxrules.diff/1"] = Field(default=DIFF_SCHEMA, alias="schema")
    old: str
    new: str
    same_logs: bool  # the inputs' paths and checksums are equal
    same_policies: bool  # the policy files' revision is equal
    # the horizons (`as_of`) of the two audits: a breach may appear only because the later
    # horizon let a deadline pass, or disappear because the earlier one had not yet reached it
    old_as_of: str | None = None
    new_as_of: str | None = None
    # why the old / the new audit judged no event (NOTHING AUDITED); then nothing is compared
    old_nothing_audited: str | None = None
    new_nothing_audited: str | None = None
    parameters: list[ParameterChange] = []
    policies: list[PolicyDelta] = []
    appeared: list[Violation] = []
    disappeared: list[Violation] = []
    changed: list[ViolationChange] = []
    unchanged: int = 0
    relocated: list[Relocation] = []

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @property
    def differs(self) -> bool:
        """True when some breach appears, disappears or changes."""
        return bool(self.appeared or self.disappeared or self.changed)

    @property
    def compared(self) -> bool:
        """False when a report audited nothing: its breaches and compliance were not compared."""
        return self.old_nothing_audited is None and self.new_nothing_audited is None

    def unjudged(self) -> list[tuple[str, str]]:
        """(report name, why it judged no event) for each report that audited nothing."""
        sides = ((self.old, self.old_nothing_audited), (self.new, self.new_nothing_audited))
        return [(name, why) for name, why in sides if why is not None]

    @property
    def exit_code(self) -> int:
        """`cxrules diff`'s exit status: 0 the same breaches, 1 some differ, `NOT_COMPARED` (4)
        when a report audited nothing."""
        if not self.compared:
            return NOT_COMPARED
        return 1 if self.differs else 0


def load_report(path: str | Path) -> Report:
    """A JSON report written by `cxrules audit --format json`; DiffError when it cannot be read
    (exit 3) or is not a cxrules report (exit 2)."""
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise DiffError(f"cannot read '{path}': {reason}", 3) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # `cxrules diff before.html after.html`: the page of an audit, not its JSON report
        page = "the HTML or XML page of an audit, " if text.lstrip().startswith("<") else ""
        raise DiffError(
            f"'{path}' is not JSON ({page}{exc}): a report is read from the file written with "
            "cxrules audit --format json",
            2,
        ) from None
    except RecursionError:  # '[' * 100000: no report nests so deep
        raise DiffError(f"'{path}' is not a cxrules report: its JSON nests too deep", 2) from None
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema != "cxrules.report/1":
        found = f"schema {schema!r}" if schema is not None else "no 'schema' key"
        raise DiffError(
            f"'{path}' is not a cxrules report ({found}; expected 'cxrules.report/1': write one "
            "with cxrules audit --format json)",
            2,
        )
    try:
        return Report.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise DiffError(
            f"'{path}' is not a valid cxrules report: {where}: {first['msg']}", 2
        ) from None


def diff_reports(
    old: Report, new: Report, old_name: str = "old", new_name: str = "new"
) -> ReportDiff:
    """Compare two reports: breaches by id, compliance by policy, parameters, inputs. When
    either audited nothing (`why_unjudged`), only the head is compared: parameters, inputs and the
    policies' revision, with why."""
    head = ReportDiff(
        old=old_name,
        new=new_name,
        same_logs=_inputs(old) == _inputs(new),
        same_policies=old.revision == new.revision,
        old_as_of=old.as_of,
        new_as_of=new.as_of,
        old_nothing_audited=why_unjudged(old),
        new_nothing_audited=why_unjudged(new),
        parameters=_parameters(old, new),
    )
    if not head.compared:
        return head
    before = {v.id: v for v in old.violations}
    after = {v.id: v for v in new.violations}
    appeared = [v for v in new.violations if v.id not in before]
    disappeared = [v for v in old.violations if v.id not in after]
    pairs = _by_trigger(disappeared, appeared)
    twin = {n.id: o for o, n in pairs}
    gone = {o.id for o, _ in pairs}
    appeared = [v for v in appeared if v.id not in twin]
    disappeared = [v for v in disappeared if v.id not in gone]
    changed = []
    unchanged = 0
    relocated = []
    for v in new.violations:
        was = before.get(v.id) or twin.get(v.id)
        if was is None:
            continue
        if was.id != v.id:
            relocated.append(Relocation(old_id=was.id, new_id=v.id, policy=v.policy))
        # read from another file or line, and otherwise the same: unchanged
        fields = [] if _placeless(was) == _placeless(v) else _differing(was, v)
        if fields and was.id != v.id:
            fields.insert(0, "id")
        if fields:
            changed.append(ViolationChange(id=v.id, policy=v.policy, fields=fields, old=was, new=v))
        else:
            unchanged += 1
    return head.model_copy(
        update={
            "policies": _policies(old, new, appeared, disappeared, changed),
            "appeared": appeared,
            "disappeared": disappeared,
            "changed": changed,
            "unchanged": unchanged,
            "relocated": relocated,
        }
    )


def _trigger_key(v: Violation) -> tuple[Any, ...] | None:
    """What names a breach apart from its trigger's id: policy, kind, scope and the trigger's
    type and time; None for a breach without a trigger (a metric's id names no event)."""
    if v.trigger is None:
        return None
    return (v.policy, v.kind, tuple(sorted(v.scope.items())), v.trigger.type, v.trigger.time)


def _by_trigger(old: list[Violation], new: list[Violation]) -> list[tuple[Violation, Violation]]:
    """The unmatched breaches of both sides paired by `_trigger_key`, where it is unique on
    each side (two breaches of one key could not be told apart) and the triggers' ids differ."""
    sides: list[dict[tuple[Any, ...], list[Violation]]] = [{}, {}]
    for side, items in zip(sides, (old, new), strict=True):
        for v in items:
            key = _trigger_key(v)
            if key is not None:
                side.setdefault(key, []).append(v)
    pairs = [
        (found[0], sides[1][key][0])
        for key, found in sides[0].items()
        if len(found) == 1 and len(sides[1].get(key, ())) == 1
    ]
    # the same trigger id would have given the same violation id: these are other breaches
    return [(a, b) for a, b in pairs if a.trigger and b.trigger and a.trigger.id != b.trigger.id]


def _placeless(v: Violation) -> dict[str, Any]:
    """A breach without its id and without where its events were read (id, file, line)."""
    data = v.model_dump()
    data.pop("id")
    for ref in [data["trigger"], *data["evidence"]]:
        if ref is not None:
            for name in ("id", "file", "line"):
                ref.pop(name, None)
    return data


def why_unjudged(report: Report) -> str | None:
    """Why a report's audit judged no event (NOTHING AUDITED), None when it judged some: its
    `nothing_audited`, or for a report written before that field, worked out from its inputs
    (`reports.common.nothing_audited`)."""
    return report.nothing_audited or nothing_audited(report) or None


def _differing(a: Violation, b: Violation) -> list[str]:
    one, two = a.model_dump(), b.model_dump()
    return [name for name in one if name != "id" and one[name] != two[name]]


def _inputs(report: Report) -> list[tuple[str, str]]:
    return sorted((i.path, i.sha256) for i in report.inputs)


def _parameters(old: Report, new: Report) -> list[ParameterChange]:
    names = sorted(set(old.parameters) | set(new.parameters))
    return [
        ParameterChange(name=n, old=old.parameters.get(n), new=new.parameters.get(n))
        for n in names
        if old.parameters.get(n) != new.parameters.get(n)
    ]


def _policies(
    old: Report,
    new: Report,
    appeared: list[Violation],
    disappeared: list[Violation],
    changed: list[ViolationChange],
) -> list[PolicyDelta]:
    before = {p.id: p for p in old.policies}
    after = {p.id: p for p in new.policies}
    out = []
    for pid in sorted(set(before) | set(after)):
        a, b = before.get(pid), after.get(pid)
        title = (b or a).title  # type: ignore[union-attr]
        out.append(
            PolicyDelta(
                id=pid,
                title=title,
                old_compliance=a.compliance if a else None,
                new_compliance=b.compliance if b else None,
                old_violated=a.violated if a else None,
                new_violated=b.violated if b else None,
                old_cancelled=a.cancelled if a else None,
                new_cancelled=b.cancelled if b else None,
                appeared=sum(v.policy == pid for v in appeared),
                disappeared=sum(v.policy == pid for v in disappeared),
                changed=sum(c.policy == pid for c in changed),
            )
        )
    return out


# --------------------------------------------------------------------------- renderings


def render_diff_json(diff: ReportDiff) -> str:
    """The comparison as JSON (`cxrules.diff/1`), deterministic like the report itself."""
    return json_text(to_plain(diff, "diff")) + "\n"


def render_diff_text(diff: ReportDiff, max_items: int | None = 10) -> str:
    """The comparison for a terminal: context, compliance per policy, then the breaches that
    appear, disappear or change — the first `max_items` of each (None: all), with the count of
    the rest. Untrusted text is made visible, never interpreted."""
    lines = [f"cxrules diff: {visible(diff.old)} -> {visible(diff.new)}"]
    if diff.parameters:
        changes = ", ".join(f"{p.name} {_value(p.old)} -> {_value(p.new)}" for p in diff.parameters)
        lines.append(f"Parameters: {visible(changes)}")
    else:
        lines.append("Parameters: the same")
    lines.append("Logs: the same files and checksums" if diff.same_logs else "Logs: different")
    lines.append("Policy files: the same" if diff.same_policies else "Policy files: changed")
    if diff.old_as_of != diff.new_as_of:
        horizons = f"as of {diff.old_as_of or '-'} -> as of {diff.new_as_of or '-'}"
        lines.append(
            f"Horizon: {visible(horizons)} (deadlines the later one reached may be breaches"
            " the earlier one could not see yet)"
        )
    if not diff.compared:
        return "\n".join(lines + _not_compared(diff)) + "\n"
    lines += ["", *_policy_table(diff), ""]
    lines.append(
        f"Breaches: {len(diff.appeared)} appear, {len(diff.disappeared)} disappear, "
        f"{len(diff.changed)} change, {diff.unchanged} unchanged."
    )
    if diff.relocated:
        lines.append(
            f"{plural(len(diff.relocated), 'breach', 'breaches')} of both audits "
            f"{'has' if len(diff.relocated) == 1 else 'have'} another id, matched by policy, "
            "kind, scope and the trigger's type and time: the trigger, an event without an id, "
            "is named by the file:line it was read from, and that differs."
        )
    sections = (("Appear", "+", diff.appeared), ("Disappear", "-", diff.disappeared))
    for title, mark, items in sections:
        if items:
            lines += ["", f"{title} ({len(items)})"]
            for v in items[:max_items]:
                lines += [f"  {mark} {_headline(v)}", f"      {visible(v.sentence)}"]
            lines += _rest(len(items), max_items)
    if diff.changed:
        lines += ["", f"Change ({len(diff.changed)})"]
        for c in diff.changed[:max_items]:
            lines.append(f"  ~ {_headline(c.new)} (changed: {', '.join(c.fields)})")
            if c.old.sentence != c.new.sentence:
                lines.append(f"      before: {visible(c.old.sentence)}")
                lines.append(f"      after:  {visible(c.new.sentence)}")
        lines += _rest(len(diff.changed), max_items)
    return "\n".join(lines) + "\n"


def _not_compared(diff: ReportDiff) -> list[str]:
    """Why the breaches are not compared: an audit that judged no event has none to show."""
    lines = [
        f"{side}: {NOTHING_AUDITED}: {visible(why)}; no policy was judged."
        for side, why in (("Old", diff.old_nothing_audited), ("New", diff.new_nothing_audited))
        if why is not None
    ]
    old, new = visible(diff.old), visible(diff.new)
    if diff.old_nothing_audited is None:
        why = f"{new} judged no event, so the breaches of {old} are not gone"
    elif diff.new_nothing_audited is None:
        why = f"{old} judged no event, so the breaches of {new} are not new"
    else:
        why = "neither report judged an event"
    return [
        *lines,
        "",
        f"Breaches: not compared: {why}.",
        "Audit again with events to judge (check the log, its format, the mapping and --as-of),"
        " then compare.",
    ]


def _rest(count: int, shown: int | None) -> list[str]:
    if shown is None or count <= shown:
        return []
    return [f"  … and {count - shown} more (--max all lists them; --format json has them all)"]


def _value(value: Any) -> str:
    return "(none)" if value is None else str(value)


def _count(value: int | None) -> str:
    return "absent" if value is None else str(value)


def _headline(v: Violation) -> str:
    where = f" [{visible(scope_text(v.scope))}]" if v.scope else ""
    return f"{visible(v.policy)} {v.kind}{where} {v.severity}, {v.id}"


def _policy_table(diff: ReportDiff) -> list[str]:
    rows = [("policy", "compliance before", "after", "change", "violated before", "after")]
    for p in diff.policies:
        change = ""
        before = _percent(p.old_compliance, p.old_violated)
        after = _percent(p.new_compliance, p.new_violated)
        if p.old_compliance is not None and p.new_compliance is not None:
            before, after, change = _compliance_change(p.old_compliance, p.new_compliance)
            before = before if p.old_violated is not None else "absent"
            after = after if p.new_violated is not None else "absent"
        rows.append(
            (
                visible(p.id),
                before,
                after,
                change,
                "-" if p.old_violated is None else str(p.old_violated),
                "-" if p.new_violated is None else str(p.new_violated),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        out.append("   ".join(cells).rstrip())
        if n == 0:
            out.append("─" * len(out[0]))
    moved = sum(1 for p in diff.policies if p.appeared or p.disappeared or p.changed)
    out.append(f"{plural(moved, 'policy', 'policies')} with breaches that differ")
    return out + _cancelled(diff)


def _cancelled(diff: ReportDiff) -> list[str]:
    """The policies whose count of obligations cancelled by an `unless` event differs: a
    breach that appears may be an obligation that was cancelled before (e.g. a caller who hung
    up after a shorter deadline)."""
    moved = [
        f"{visible(p.id)} {_count(p.old_cancelled)} -> {_count(p.new_cancelled)}"
        for p in diff.policies
        if (p.old_cancelled or 0) != (p.new_cancelled or 0)
    ]
    if not moved:
        return []
    return [f"Cancelled obligations (by an unless event): {', '.join(moved)}"]


def _compliance_change(old: float, new: float) -> tuple[str, str, str]:
    """Two compliance rates and their change in points, as the table shows them: with more
    decimals when the rates differ yet round alike, and a change written to the decimal that
    is not zero, so the columns never read '98.5%  98.5%  +0.1 pts' or '99.95%  99.98%  0'.

    >>> _compliance_change(257 / 261, 202 / 205)
    ('98.47%', '98.54%', '+0.07 pts')
    >>> _compliance_change(1 / 3, 0.5), _compliance_change(0.75, 0.75)
    (('33.3%', '50.0%', '+16.7 pts'), ('75.0%', '75.0%', '0'))
    >>> _compliance_change(2190 / 2191, 0.9998)
    ('99.95%', '99.98%', '+0.03 pts')
    """
    before, after = percent(old), percent(new)
    digits = 1
    while before == after and old != new and digits < 4:
        digits += 1
        before, after = f"{old * 100:.{digits}f}%", f"{new * 100:.{digits}f}%"
    points = (new - old) * 100
    for places in range(digits, 5):
        if round(points, places):
            return before, after, f"{points:+.{places}f} pts"
    return before, after, "0"


def _percent(value: float | None, violated: int | None) -> str:
    if violated is None:
        return "absent"
    return percent(value)
