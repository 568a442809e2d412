"""SQL plans, `base`: it carries only the typed attribute columns that a later stage, step or
final query names (`stream.prune_base`), so that materialized stages copy no unread column."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cxrules.engines.sql.catalog import Catalog
from cxrules.engines.sql.driver import compile_plans
from cxrules.engines.sql.stream import prune_base
from cxrules.policyset import load_policies

# Pure SQL text, whatever engine the suite runs: once is enough.
pytestmark = pytest.mark.engines("python")
ROOT = Path(__file__).resolve().parents[3]


def _plans() -> tuple[dict[str, dict[str, str]], Catalog]:
    policy_set = load_policies([str(ROOT / "policies" / "octopus.cxr")]).policy_set
    catalog = Catalog.of(policy_set)
    plans, _ = compile_plans(policy_set, catalog, "UTC", (0, 0, 0))
    return {p.policy.id: dict(p.ctes) for p in plans}, catalog


def _carried(base: str) -> list[str]:
    """The attribute columns of base's outer SELECT list (before its first FROM)."""
    head = base.split(" FROM (", 1)[0]
    return re.findall(r"\ba\d+_[ksnbtxli]\b(?! AS)", head)


def test_base_carries_only_the_columns_later_stages_read() -> None:
    ctes, catalog = _plans()
    visit, arm = catalog.prefix("visit"), catalog.prefix("arm")
    # battery counts events per visit: the key text becomes k0, no attribute column is carried
    assert _carried(ctes["octopus.battery"]["base"]) == []
    assert f"{visit}_x AS k0" in ctes["octopus.battery"]["base"]
    # always-connected keys its connection state by arm: kind, an int's digits, number, bool
    # and key text
    connected = _carried(ctes["octopus.always-connected"]["base"])
    assert connected == [f"{arm}_k", f"{arm}_s", f"{arm}_n", f"{arm}_b", f"{arm}_x"]
    # handoff compares arm with trigger.arm: every column the comparison reads, the text read
    # as an instant included, and not the key text or the list elements
    handoff = _carried(ctes["octopus.handoff"]["base"])
    assert handoff == [f"{arm}_k", f"{arm}_s", f"{arm}_n", f"{arm}_b", f"{arm}_t", f"{arm}_i"]


def test_a_column_named_only_in_a_query_after_base_is_kept() -> None:
    policy_set = load_policies([str(ROOT / "policies" / "octopus.cxr")]).policy_set
    catalog = Catalog.of(policy_set)
    plans, _ = compile_plans(policy_set, catalog, "UTC", (0, 0, 0))
    plan = next(p for p in plans if p.policy.id == "octopus.battery")
    visit = catalog.prefix("visit")
    # a later query naming the visit's text (and one naming a longer column that merely
    # starts with the name of another) keeps exactly the named column
    prune_base(plan.stream, [f"SELECT {visit}_s, p_{visit}_n FROM stream"])
    assert _carried(dict(plan.ctes)["base"]) == [f"{visit}_s"]
