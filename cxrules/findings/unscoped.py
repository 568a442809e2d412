"""Audit stage, rules without a scope: a `when … expect` (or `forbid`) policy without `per` over
a log whose events carry the very thing its events are about (`order.placed` and an `order`
attribute). Without `per`, every event is in one scope: one `order.delivered` meets the
obligation of every order waiting, whatever its order, and the audit passes orders that were
never delivered (hunt69)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from cxrules import ir
from cxrules.diagnostics import Diagnostic, warning
from cxrules.findings.unseen import first_use
from cxrules.language.fmt import path as written_path
from cxrules.logs.profile import LogProfile
from cxrules.source import Source

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def unscoped(
    policy_set: ir.PolicySet,
    profile: LogProfile,
    sources: Mapping[str, Source] | None = None,
) -> list[Diagnostic]:
    """A W409 warning for every policy with a trigger and another pattern (response, several
    expectations, forbid after) and no `per`, whose event types' subject (`order` of
    `order.placed`) names an attribute of the log: `order`, `order_id`, `Order ID` (letters
    and digits alike, in any case). It points at the trigger and names the `per` to write."""
    found: list[Diagnostic] = []
    for policy in policy_set.policies:
        rule = policy.rule
        if policy.scope or not isinstance(rule, ir.Response | ir.Expectations | ir.ForbidAfter):
            continue
        others = _others(rule)
        attribute = _subject_attribute([*rule.trigger.pattern.types, *others], profile)
        if attribute is None:
            continue
        trigger = rule.trigger.pattern.types[0]
        span, line = first_use(policy, trigger, (sources or {}).get(policy.file))
        expected = others[0] if others else trigger
        if isinstance(rule, ir.Response):
            effect = f"one {expected} meets every {trigger} waiting, whatever its {attribute}"
        elif isinstance(rule, ir.ForbidAfter):
            effect = f"any {expected} after a {trigger} breaks it, whatever its {attribute}"
        else:
            effect = f"the {expected} events of every {attribute} count for each {trigger}"
        per = written_path(tuple(attribute.split(".")))
        found.append(
            warning(
                "W409",
                f"policy {policy.id} has no 'per': every event is in one scope, so {effect}",
                span,
                f"to judge each {attribute} on its own, write under the title: per {per}",
                line,
            )
        )
    return found


def _others(rule: ir.Response | ir.Expectations | ir.ForbidAfter) -> list[str]:
    """The event types a rule looks for after its trigger."""
    if isinstance(rule, ir.Response):
        return list(rule.expect.types)
    if isinstance(rule, ir.ForbidAfter):
        return list(rule.pattern.types)
    return [t for e in rule.expects for t in e.pattern.types]


def _subject_attribute(types: list[str], profile: LogProfile) -> str | None:
    """The log's attribute named after a subject the types share (`order` of `order.placed`
    and `order.delivered`), or None."""
    subjects = {_NOT_ALNUM.sub("", t.rpartition(".")[0].lower()) for t in types if "." in t}
    subjects.discard("")
    if not subjects:
        return None
    names: dict[str, str] = {}
    for path in sorted(profile.paths):
        names.setdefault(_NOT_ALNUM.sub("", path.lower()), path)
    for subject in sorted(subjects):
        for name in (subject, subject + "id"):
            if name in names:
                return names[name]
    return None
