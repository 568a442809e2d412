"""SQL plans, compiling: a policy's plan from its stream and its rule kind's stages."""

from __future__ import annotations

from cxrules import ir
from cxrules.engines.sql.exprs import CompileError
from cxrules.engines.sql.plan import PolicyPlan
from cxrules.engines.sql.rules import RULES
from cxrules.engines.sql.stream import Env, build_stream


def compile_policy(policy: ir.Policy, env: Env) -> PolicyPlan:
    """The plan of one policy; CompileError when a construct cannot be written as SQL yet."""
    compiler = RULES.get(policy.rule.kind)
    if compiler is None:
        raise CompileError(f"{policy.rule.kind} rules")
    plan = PolicyPlan(policy=policy, stream=build_stream(policy, env))
    compiler(plan, env)
    return plan
