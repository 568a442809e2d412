"""SQL plans, stages shared between plans: computed once, read by every plan that has them.

Policies written by one team often differ in a threshold or a filter only ("a critical incident
is resolved within 4 hours", "a high one within 1 day", ...): their plans begin with the same
stages (the same events typed the same way, the same scopes, states and histories) and part
ways at the trigger. A stage is the same in two plans when its SQL and every stage before it
are the same (and no sequential step runs before it): its rows are then the same, whatever plan
computes them. Such a stage is made once, as a table, by the first plan that reaches it, and
the others read that table.

A plan takes from the shared tables the stages it would make a table of anyway (read more than
once), and the last of its shared stages (where the plans part ways). A table is dropped when
the last plan that takes it is done. The rows, and so the reports, are those of plans run one
by one: this is only about how often the database computes them.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field

from cxrules.engines.sql.plan import PolicyPlan

#: The prefix of the shared tables' names (in the database's main schema).
PREFIX = "_cx_shared_"


@dataclass
class SharedStages:
    """Which stage of which plan is read from a shared table, and the tables' bookkeeping."""

    #: plan index → stage name → shared table
    taken: dict[int, dict[str, str]] = field(default_factory=dict)
    #: shared table → plans still to read it
    readers: dict[str, int] = field(default_factory=dict)
    made: set[str] = field(default_factory=set)
    locks: dict[str, threading.Lock] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def of(cls, plans: list[PolicyPlan], uses: list[list[int]]) -> SharedStages:
        """The stages the plans share; `uses[i][n]`: how often plan i reads its stage n later
        (`driver.stage_uses`)."""
        chains: list[list[str]] = []
        holders: dict[str, set[int]] = {}
        for i, plan in enumerate(plans):
            key, chain = "", []
            for n, (name, sql) in enumerate(plan.ctes):
                if any(step.after <= n for step in plan.steps):
                    break  # a sequential step's rows are the plan's own
                key = hashlib.sha256(f"{key}\0{name}\0{sql}".encode()).hexdigest()[:20]
                chain.append(key)
                holders.setdefault(key, set()).add(i)
            chains.append(chain)
        wanted: dict[int, dict[str, str]] = {}
        for i, chain in enumerate(chains):
            shared = [n for n, key in enumerate(chain) if len(holders[key]) > 1]
            if not shared:
                continue
            picks = {n for n in shared if uses[i][n] > 1} | {shared[-1]}
            wanted[i] = {plans[i].ctes[n][0]: PREFIX + chain[n] for n in sorted(picks)}
        readers: dict[str, int] = {}
        for stages in wanted.values():
            for table in stages.values():
                readers[table] = readers.get(table, 0) + 1
        # a table only one plan would read saves nothing
        taken = {
            i: {name: table for name, table in stages.items() if readers[table] > 1}
            for i, stages in wanted.items()
        }
        taken = {i: stages for i, stages in taken.items() if stages}
        return cls(
            taken=taken,
            readers={t: n for t, n in readers.items() if n > 1},
            locks={t: threading.Lock() for t, n in readers.items() if n > 1},
        )

    def table_of(self, index: int, stage: str) -> str | None:
        """The shared table plan `index` reads its stage from, if any."""
        return self.taken.get(index, {}).get(stage)

    def done(self, index: int) -> list[str]:
        """Plan `index` is done: the shared tables no plan will read any more (to drop)."""
        free = []
        with self.lock:
            for table in self.taken.get(index, {}).values():
                self.readers[table] -= 1
                if self.readers[table] == 0:
                    free.append(table)
        return free
