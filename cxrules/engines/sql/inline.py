"""SQL plans, staging: stages read once, by a later stage, written into it as CTEs.

A backend keeps a stage read once as a view (`driver.stage_uses`). Every view is bound when it
is created, and again, with every view under it, by each statement that reads it: a chain of n
views is bound about n²/2 times before its last stage runs. On a small log that binding is most
of an audit's time (half a second for the seed library's 32 plans). A stage that only a later
stage reads is therefore not created at all: it waits (`Pending`) and becomes a CTE of the
statement that reads it, bound once with it. Stages read by a step or a final query are views
still (those statements are run elsewhere).

A CTE read once is inlined by the database as the view would be: the plan is the same.
"""

from __future__ import annotations

import re

from cxrules.engines.sql.text import words


def inlined(stages: list[tuple[str, str, int]]) -> set[str]:
    """The stages (`driver.stage_uses`: name, SQL, uses) read once, and by a later stage."""
    counted = [words(sql) for _, sql, _ in stages]
    found = set()
    for n, (name, _, uses) in enumerate(stages):
        if uses == 1 and any(later[name] for later in counted[n + 1 :]):
            found.add(name)
    return found


class Pending:
    """The stages waiting to be written into the statement that reads them."""

    def __init__(self) -> None:
        self.stages: dict[str, str] = {}  # name: SQL, in the plan's order

    def add(self, name: str, sql: str) -> None:
        """Keep a stage for the statement that reads it."""
        self.stages[name] = sql

    def into(self, sql: str) -> str:
        """`sql` with the waiting stages it reads, and those they read, as CTEs before it (each
        is read once: it waits no more).

        >>> pending = Pending()
        >>> pending.add("a", "SELECT 1 AS x")
        >>> pending.add("b", "SELECT x FROM a")
        >>> pending.into("SELECT * FROM b")
        'WITH a AS (SELECT 1 AS x), b AS (SELECT x FROM a) SELECT * FROM b'
        >>> pending.into("SELECT * FROM b")
        'SELECT * FROM b'
        """
        wanted: set[str] = set()
        todo = [sql]
        while todo:
            counted = words(todo.pop())
            for name, body in self.stages.items():
                if name not in wanted and counted[name]:
                    wanted.add(name)
                    todo.append(body)
        if not wanted:
            return sql
        ctes = ", ".join(f"{n} AS ({body})" for n, body in self.stages.items() if n in wanted)
        for name in wanted:
            del self.stages[name]
        if re.match(r"\s*WITH\b", sql, re.IGNORECASE):
            return f"WITH {ctes} SELECT * FROM ({sql})"
        return f"WITH {ctes} {sql}"
