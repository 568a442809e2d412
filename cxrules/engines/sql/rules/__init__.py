"""SQL plans, rules: one compiler per rule kind, adding the rule's stages to a policy's plan."""

from __future__ import annotations

from cxrules.engines.sql.plan import RuleCompiler
from cxrules.engines.sql.rules.basic import absence, existence, rate_limit, value_check
from cxrules.engines.sql.rules.expectations import expectations
from cxrules.engines.sql.rules.invariant import invariant
from cxrules.engines.sql.rules.metrics import metric_check
from cxrules.engines.sql.rules.obligations import forbid_after, response

RULES: dict[str, RuleCompiler] = {
    "absence": absence,
    "existence": existence,
    "value_check": value_check,
    "rate_limit": rate_limit,
    "invariant": invariant,
    "metric_check": metric_check,
    "response": response,
    "expectations": expectations,
    "forbid_after": forbid_after,
}
