"""Audit stage, names the log lacks: the event types and attributes a policy reads that no event
of the log has — most often a misspelling, which would otherwise audit to full compliance."""

from __future__ import annotations

from cxrules import ir
from cxrules.diagnostics import Diagnostic, did_you_mean, warning
from cxrules.ir.walk import attribute_paths, read_types, uses_local_time
from cxrules.logs.profile import LogProfile
from cxrules.source import Span

#: The codes of these warnings: the command line prints them after an audit.
CODES = frozenset({"W401", "W402", "W403"})


def unseen(policy_set: ir.PolicySet, profile: LogProfile) -> list[Diagnostic]:
    """A W401 warning for every event type, a W402 for every attribute path, that a policy reads
    and no event of the log has, with the log's closest name. Types with a `*` match whatever
    there is and are never warned about; an empty log warns about nothing."""
    if not profile.types:
        return []
    found: list[Diagnostic] = []
    for policy in policy_set.policies:
        span = Span(
            file=policy.file, line=policy.line, column=1, end_line=policy.line, end_column=1
        )
        for name in read_types(policy):
            if "*" in name or name in profile.types:
                continue
            hint = did_you_mean(name, profile.types) or "no event of the log has this type"
            found.append(
                warning(
                    "W401",
                    f"policy {policy.id} reads event type '{name}', which no event in the log has",
                    span,
                    hint,
                )
            )
        for path in attribute_paths(policy):
            if path in profile.paths:
                continue
            hint = did_you_mean(path, profile.paths) or "no event of the log has this attribute"
            found.append(
                warning(
                    "W402",
                    f"policy {policy.id} reads attribute '{path}', which no event in the log has",
                    span,
                    hint,
                )
            )
    return found


def zoneless(policy_set: ir.PolicySet, offsets: list[int]) -> list[Diagnostic]:
    """A W403 warning for every policy that reads local time with no zone (neither its own nor
    the log mapping's: UTC) while the log's times have other offsets than UTC (`offsets`, in
    seconds, as `LogSet.sample_offsets` gives them)."""
    if not offsets or offsets == [0]:
        return []
    shown = ", ".join(show_offset(o) for o in offsets)
    return [
        warning(
            "W403",
            f"policy {policy.id} reads local time in UTC, but the log's times have the "
            f"offsets {shown}",
            Span(file=policy.file, line=policy.line, column=1, end_line=policy.line, end_column=1),
            'set the zone the times are local to: in the log mapping ([log] zone = "Area/City") '
            'or in the policy (zone "Area/City")',
        )
        for policy in policy_set.policies
        if policy.zone is None and uses_local_time(policy)
    ]


def show_offset(seconds: int) -> str:
    """An offset as ISO 8601 writes it.

    >>> show_offset(10800), show_offset(-16200), show_offset(0)
    ('+03:00', '-04:30', '+00:00')
    """
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours:02d}:{rest // 60:02d}"
