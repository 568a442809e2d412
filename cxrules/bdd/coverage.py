"""Gherkin stage: which of the project's policies the scenarios judge (`cxrules test
--coverage`), as `opa test --coverage` tells which rules the tests reach.

A scenario *audits* a policy when its audit judges it (an activation, a metric cell, a
violation: a policy loaded with the project's and never triggered is not audited); the policy is
*breached* there when the audit finds a violation of it, else *kept*. A policy no scenario
audits, or one never shown breached, is a rule whose meaning no example pins down:
the summary names them. Policies are matched by id; a scenario's inline policy (`Given the
policy:`) is not one of the project's files and does not count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from cxrules.reports.common import idle_counts, plural
from cxrules.reports.model import Report


@dataclass
class Coverage:
    """What the scenarios of a run found, per policy id: the scenarios that audited it, and of
    those the ones that breached it and the ones that kept it."""

    audited: dict[str, set[str]] = field(default_factory=dict)
    breached: dict[str, set[str]] = field(default_factory=dict)
    kept: dict[str, set[str]] = field(default_factory=dict)

    def record(self, scenario: str, report: Report) -> None:
        """One scenario's audit."""
        for policy in report.policies:
            if not idle_counts(policy):
                continue  # loaded by the scenario (the project policies) but never judged
            self.audited.setdefault(policy.id, set()).add(scenario)
            kind = self.breached if policy.violated else self.kept
            kind.setdefault(policy.id, set()).add(scenario)

    def lines(self, policies: Iterable[str], where: str) -> list[str]:
        """The summary: one row per policy of the project (`policies`: their ids, in the
        order given), what is missing said in words.

        >>> c = Coverage()
        >>> c.audited = {"a.x": {"s1", "s2"}, "b.y": {"s1"}}
        >>> c.breached, c.kept = {"a.x": {"s1"}}, {"a.x": {"s2"}, "b.y": {"s1"}}
        >>> print("\\n".join(c.lines(["a.x", "b.y", "c.z"], "policies")))
        cxrules coverage of policies: 2 of 3 policies audited by a scenario, 1 shown breached
        policy  scenarios  breached  kept
        a.x             2         1     1
        b.y             1         0     1  never breached: no scenario shows what breaks it
        c.z             0         0     0  no scenario audits it
        """
        ids = list(dict.fromkeys(policies))
        width = max([len("policy"), *map(len, ids)])
        audited = sum(1 for i in ids if self.audited.get(i))
        breached = sum(1 for i in ids if self.breached.get(i))
        counted = plural(len(ids), "policy", "policies")
        head = (
            f"cxrules coverage of {where}: {audited} of {counted} audited by a scenario, "
            f"{breached} shown breached"
        )
        rows = [head, f"{'policy'.ljust(width)}  scenarios  breached  kept"]
        for pid in ids:
            counts = [len(self.audited.get(pid, ())), len(self.breached.get(pid, ()))]
            counts.append(len(self.kept.get(pid, ())))
            note = ""
            if not counts[0]:
                note = "no scenario audits it"
            elif not counts[1]:
                note = "never breached: no scenario shows what breaks it"
            elif not counts[2]:
                # a scenario with a breach is not counted kept, though other activations of
                # the policy were met in it ('My pleasure!' beside 'No problem'): say which
                note = "never kept: every scenario that audits it finds a breach"
            row = f"{pid.ljust(width)}  {counts[0]:>9}  {counts[1]:>8}  {counts[2]:>4}"
            rows.append(f"{row}  {note}".rstrip())
        return rows
