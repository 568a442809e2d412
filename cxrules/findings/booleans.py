"""Audit stage, booleans written as text: a policy that compares an attribute with `true` or
`false` (`where made_sla == false`), or takes it as a condition (`where active`), while the log
holds it as texts spelling booleans ("false", "TRUE", "yes" from a CSV column the mapping does
not list in `booleans`) and never as a boolean: a text is never equal to a boolean, and a
condition holds only when it is exactly true (docs/semantics.md, Comparisons), so the policy
never matches and the audit passes without a word. Looked for in a sample of the log, the same
whatever the engine."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cxrules import ir
from cxrules.diagnostics import Diagnostic, warning
from cxrules.findings.unseen import first_use
from cxrules.ir.reading import read_boolean
from cxrules.ir.walk import models
from cxrules.logs.event import Event
from cxrules.logs.mapping import LogMapping
from cxrules.source import Source

CODE = "W407"


@dataclass
class _Read:
    """One attribute a policy reads as a boolean, and what the sample holds in it."""

    policy: ir.Policy
    path: str
    literal: bool  # the boolean it is compared with (True for a bare condition)
    op: str  # '==', '!=' or '' for a bare condition
    booleans: int = 0
    texts: int = 0
    example: str = ""
    spelt: str = ""  # the first text spelling `literal`

    def see(self, value: object) -> None:
        if type(value) is bool:
            self.booleans += 1
        elif isinstance(value, str) and (read := read_boolean(value)) is not None:
            self.texts += 1
            self.example = self.example or value
            if read == self.literal and not self.spelt:
                self.spelt = value.strip(" \t\n\r\f\v")


def _reads(policy: ir.Policy) -> list[_Read]:
    """The attributes the policy compares with a boolean literal, or takes as a condition, each
    once (the first way it is read)."""
    found: dict[str, _Read] = {}

    def add(node: object, literal: bool, op: str) -> None:
        if isinstance(node, ir.Attr) and node.path not in found:
            found[node.path] = _Read(policy, node.path, literal, op)

    for node in models(policy):
        if isinstance(node, ir.Binary) and node.op in ("==", "!="):
            for side, other in ((node.left, node.right), (node.right, node.left)):
                if isinstance(other, ir.Lit) and other.type == "bool":
                    add(side, bool(other.value), node.op)
        elif isinstance(node, ir.In):
            for option in node.options:
                if isinstance(option, ir.Lit) and option.type == "bool":
                    add(node.value, bool(option.value), "!=" if node.negated else "==")
        elif isinstance(node, ir.Binary) and node.op in ("and", "or"):
            add(node.left, True, "")
            add(node.right, True, "")
        elif isinstance(node, ir.Unary) and node.op == "not":
            add(node.operand, True, "")
        elif isinstance(node, ir.Pattern) and node.where is not None:
            add(node.where, True, "")
        elif isinstance(node, ir.ValueCheck | ir.Invariant):
            add(node.condition, True, "")
    return list(found.values())


class BooleansAsText:
    """Looks at events one at a time (`see`) for the attributes a policy reads as booleans that
    the log holds as texts spelling booleans and never as a boolean (`warnings`)."""

    def __init__(
        self,
        policy_set: ir.PolicySet,
        mapping: LogMapping | None = None,
        sources: Mapping[str, Source] | None = None,
    ) -> None:
        self.mapping, self.sources = mapping, sources
        self.reads = [read for policy in policy_set.policies for read in _reads(policy)]

    def see(self, event: Event) -> None:
        for read in self.reads:
            value = event.get(read.path)
            if value is not None:
                read.see(value)

    def warnings(self) -> list[Diagnostic]:
        """A W407 for each such attribute; `mapping` names the column to list in `booleans`
        (the name before a rename)."""
        return [
            _warning(read, self.mapping, self.sources)
            for read in self.reads
            if read.texts and not read.booleans
        ]


def _warning(
    read: _Read, mapping: LogMapping | None, sources: Mapping[str, Source] | None
) -> Diagnostic:
    policy = read.policy
    span, line = first_use(policy, read.path, (sources or {}).get(policy.file))
    renamed = {new: old for old, new in (mapping.rename if mapping else {}).items()}
    column = renamed.get(read.path, read.path)
    word = "true" if read.literal else "false"
    text = read.spelt or read.example
    if read.op:
        said = f"compares '{read.path}' with {word}"
        why = "a text is never equal to a boolean"
        compare = f'{read.path} {read.op} "{text}"'
    else:
        said = f"takes '{read.path}' as a condition"
        why = "a condition holds only when it is the boolean true"
        compare = f'{read.path} == "{text}"'
    return warning(
        CODE,
        f'policy {policy.id} {said}, but the log holds it as text ("{text}"): {why}',
        span,
        f'read the column as booleans in the log mapping: booleans = ["{column}"] '
        f"(docs/mapping.md), or compare with the text: {compare}",
        line,
    )
