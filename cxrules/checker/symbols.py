"""Checking stage, names: what each file can see, and what a name in a policy denotes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from cxrules.language import ast

#: Names with a fixed meaning in conditions; an attribute with one of these names is written in
#: backticks (`weekday`).
RESERVED: dict[str, str] = {
    "time": "the event's time",
    "local_time": "the event's time of day in the policy's zone",
    "local_date": "the event's date in the policy's zone",
    "weekday": "the event's weekday, 1 = Monday … 7 = Sunday",
    "local_hour": "the event's hour of the day in the policy's zone",
}

SEVERITIES = ("info", "low", "medium", "high", "critical")

Meaning = Literal["let", "param", "state", "metric", "reserved", "attribute"]


@dataclass
class Symbols:
    """Shared definitions visible from one file (its own and those of the files it uses)."""

    params: dict[str, ast.ParamDef] = field(default_factory=dict)
    calendars: dict[str, ast.CalendarDef] = field(default_factory=dict)
    states: dict[str, ast.StateDef] = field(default_factory=dict)
    metrics: dict[str, ast.MetricDef] = field(default_factory=dict)


@dataclass
class PolicyNames:
    """Everything a name inside one policy can refer to."""

    shared: Symbols
    lets: dict[str, ast.LetDef] = field(default_factory=dict)
    states: dict[str, ast.StateDef] = field(default_factory=dict)
    metrics: dict[str, ast.MetricDef] = field(default_factory=dict)
    calendar: str | None = None  # the policy's `calendar` clause
    #: States other policies of the workspace define for themselves: name -> (policy id, line).
    elsewhere: dict[str, tuple[str, int]] = field(default_factory=dict)

    def missing_state_hint(self, name: str) -> str:
        """The hint of E202 for a state this policy cannot see."""
        other = self.elsewhere.get(name)
        if other is not None:
            return (
                f"'{name}' is defined on line {other[1]} after policy {other[0]}, so it is that "
                "policy's own: move it before the first policy to share it"
            )
        return f"define it: state {name} = <start> until <end>"

    def state(self, name: str) -> ast.StateDef | None:
        return self.states.get(name) or self.shared.states.get(name)

    def metric(self, name: str) -> ast.MetricDef | None:
        return self.metrics.get(name) or self.shared.metrics.get(name)

    def all_states(self) -> list[str]:
        return sorted({*self.states, *self.shared.states})

    def all_metrics(self) -> list[str]:
        return sorted({*self.metrics, *self.shared.metrics})


def meaning(name: ast.NameExpr, names: PolicyNames) -> Meaning:
    """What a (possibly dotted) name denotes: a `let`, a parameter, a state, a metric, a reserved
    name, or else an event attribute. Only single-part names can be definitions."""
    if len(name.parts) != 1:
        return "attribute"
    word = name.parts[0]
    if word in names.lets:
        return "let"
    if word in names.shared.params:
        return "param"
    if names.state(word) is not None:
        return "state"
    if names.metric(word) is not None:
        return "metric"
    if word in RESERVED:
        return "reserved"
    return "attribute"


def reference(
    name: ast.NameExpr,
) -> tuple[Literal["event", "trigger", "previous"], tuple[str, ...]]:
    """Split `trigger.x` / `previous.x` from plain attribute paths.

    >>> from cxrules.source import Span
    >>> s = Span(file="f", line=1, column=1, end_line=1, end_column=2)
    >>> reference(ast.NameExpr(span=s, parts=("trigger", "channel")))
    ('trigger', ('channel',))
    """
    if name.parts[0] in ("trigger", "previous") and len(name.parts) > 1:
        return name.parts[0], name.parts[1:]  # type: ignore[return-value]
    return "event", name.parts
