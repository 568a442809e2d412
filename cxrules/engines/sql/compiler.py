"""SQL plans, compiling: a policy's plan from its stream and its rule kind's stages."""

from __future__ import annotations

from cxrules import ir
from cxrules.engines.sql.exprs import CompileError
from cxrules.engines.sql.plan import PolicyPlan, add_report
from cxrules.engines.sql.rules import RULES
from cxrules.engines.sql.stream import Env, build_stream, prune_base
from cxrules.ir.walk import attribute_paths, models

#: The largest policy the plans take: IR nodes (terms, operators, patterns) and attribute paths.
#: Real policies have tens; a generated one with thousands of terms would make SQL of megabytes
#: that a database spends minutes parsing, so it is refused (the python engine runs it).
MAX_NODES = 5_000
MAX_PATHS = 500


def compile_policy(policy: ir.Policy, env: Env) -> PolicyPlan:
    """The plan of one policy; CompileError when a construct cannot be written as SQL yet."""
    nodes = sum(1 for _ in models(policy))
    if nodes > MAX_NODES:
        raise CompileError(f"a policy of {nodes} terms (the SQL plans take {MAX_NODES})")
    paths = len(attribute_paths(policy))
    if paths > MAX_PATHS:
        raise CompileError(f"a policy reading {paths} attributes (the SQL plans take {MAX_PATHS})")
    compiler = RULES.get(policy.rule.kind)
    if compiler is None:
        raise CompileError(f"{policy.rule.kind} rules")
    plan = PolicyPlan(policy=policy, stream=build_stream(policy, env))
    compiler(plan, env)
    add_report(plan)
    names = [name for name, _ in plan.ctes]
    after = names.index("base") + 1 if "base" in names else len(names)
    later = [sql for _, sql in plan.ctes[after:]] + list(plan.finals().values())
    prune_base(plan.stream, later + [step.sql for step in plan.steps])
    return plan
