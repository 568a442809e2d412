"""DuckDB engine: a stage made a table (read more than once) keeps only the columns that a later
stage, step or final query names (`driver.named_later`, `DuckDBBackend.narrowed`): DuckDB then
carries no unread column through the stage's windows, joins and copy."""

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


def test_a_table_keeps_the_columns_named_after_it_in_their_order() -> None:
    backend = DuckDBBackend(duckdb.connect(), workers=1)
    sql = "SELECT 1 AS ord, 'x' AS type, 2 AS st0, 3 AS st1"
    assert backend.narrowed(sql, {"st1", "ord"}) == f'SELECT "ord", "st1" FROM ({sql})'
    # every column named, or none: the stage as it is
    assert backend.narrowed(sql, {"ord", "type", "st0", "st1"}) == sql
    assert backend.narrowed(sql, {"other"}) == sql


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
