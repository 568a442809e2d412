"""DuckDB engine: a stage made a table (read more than once) keeps only the columns that a later
stage, step or final query names (`driver.named_later`, `DuckDBBackend.narrowed`): DuckDB then
carries no unread column through the stage's windows, joins and copy. And plans run side by
side take one of DuckDB's threads each."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from cxrules.engines.duckdb.engine import DuckDBBackend
from cxrules.engines.sql.catalog import Catalog
from cxrules.engines.sql.driver import compile_plans, named_later
from cxrules.engines.sql.plan import PolicyPlan
from cxrules.policyset import load_policies

# The duckdb backend itself, whatever engine the suite runs: once is enough.
pytestmark = pytest.mark.engines("python")
ROOT = Path(__file__).resolve().parents[3]


def _plan(policy_id: str) -> PolicyPlan:
    policy_set = load_policies([str(ROOT / "policies" / "octopus.cxr")]).policy_set
    plans, _ = compile_plans(policy_set, Catalog.of(policy_set), "UTC", (0, 0, 0))
    return next(p for p in plans if p.policy.id == policy_id)


def _columns(sql: str, named: set[str] | None) -> list[str]:
    """The columns of the stage table `create_stage_table` makes of `sql`."""
    backend = DuckDBBackend(duckdb.connect(), workers=1)
    backend.create_stage_table("t", sql, named)
    return [row[0] for row in backend.con.execute("DESCRIBE main.t").fetchall()]


def test_a_table_keeps_the_columns_named_after_it_in_their_order() -> None:
    sql = "SELECT 1 AS ord, 'x' AS type, 2 AS st0, 3 AS st1, 4 AS \"a b\", 5 AS K0"
    # a name that is no plain word is kept (no later SQL can be told apart from it); a name
    # is matched whatever its case, as later SQL names it
    assert _columns(sql, {"st1", "ord", "k0"}) == ["ord", "st1", "a b", "K0"]
    assert _columns(sql, {"st0"}) == ["st0", "a b"]
    # every column named, no column named, or a table that must keep them all (None)
    everything = ["ord", "type", "st0", "st1", "a b", "K0"]
    assert _columns(sql, {"ord", "type", "st0", "st1", "k0"}) == everything
    assert _columns("SELECT 1 AS ord, 2 AS ts", {"other"}) == ["ord", "ts"]
    assert _columns(sql, None) == everything
    # a named word that is part of a column's name does not keep it
    assert _columns("SELECT 1 AS ord, 2 AS ord_ts", {"ord"}) == ["ord"]


def test_what_later_sql_names_excludes_what_only_earlier_stages_read() -> None:
    plan = _plan("octopus.always-connected")
    names = [name for name, _ in plan.ctes]
    named = dict(zip(names, named_later(plan), strict=True))
    # the event type picks the states' events (`touch`, before `stream`); after `stream`,
    # the invariant reads the states' counts, the scope and the times only
    assert "type" in named["scoped"] and "type" not in named["stream"]
    assert {"st0", "st1", "k0", "life", "ord", "ts"} <= named["stream"]
    # the final queries' columns (records and open obligations, read with `*`) are kept
    assert {"evidence", "still_open", "remaining", "counted"} <= named["records"]


def _threads(backend: DuckDBBackend) -> int:
    ((threads,),) = backend.con.execute("SELECT current_setting('threads')").fetchall()
    return int(threads)


def test_plans_side_by_side_run_on_a_thread_each_and_the_threads_come_back() -> None:
    backend = DuckDBBackend(duckdb.connect(config={"threads": 2}))
    assert backend.workers == 2
    with backend.side_by_side(32):  # the workers' plans side by side, one thread a query
        assert _threads(backend) == 1
    assert _threads(backend) == 2
    with backend.side_by_side(1):  # a lone plan keeps every thread
        assert _threads(backend) == 2
    with pytest.raises(RuntimeError), backend.side_by_side(5):
        raise RuntimeError("a plan failed")
    assert _threads(backend) == 2
