"""Checking stage: resolve every name and validate every policy; collect all problems in one run."""

from __future__ import annotations

from typing import Any

from cxrules.checker.context import Checked, Context
from cxrules.checker.definitions import (
    calendars_across_files,
    check_calendar,
    check_metric,
    check_state,
    own_symbols,
    read_overrides,
    visible,
)
from cxrules.checker.exprs import check_literal, check_pattern, expr_type, names_in
from cxrules.checker.grouping import check_keys, check_scope_use
from cxrules.checker.lookalike import check_lookalikes
from cxrules.checker.rules import check_rule
from cxrules.checker.shared import check_duration, check_size, check_zone, undefined_calendar
from cxrules.checker.symbols import SEVERITIES, PolicyNames, Symbols
from cxrules.diagnostics import did_you_mean
from cxrules.language import ast
from cxrules.language.workspace import Workspace


def check(ws: Workspace, overrides: dict[str, str] | None = None) -> Checked:
    """Check every parsed file of the workspace; `overrides` are `--set name=value` pairs."""
    return Checker(ws).run(overrides or {})


class Checker(Context):
    """One check run: shared definitions first, then every policy."""

    #: Each policy's own states, by name: (policy id, line), for the hint of E202.
    local_states: dict[str, tuple[str, int]]

    def run(self, overrides: dict[str, str]) -> Checked:
        own = {name: own_symbols(self, tree) for name, tree in self.ws.files.items()}
        for name in self.ws.files:
            self.out.symbols[name] = visible(self, name, own)
        calendars_across_files(self, own)
        for name, tree in self.ws.files.items():
            for item in tree.items:
                if isinstance(item, ast.ParamDef):
                    if isinstance(item.value, ast.LiteralExpr):
                        check_literal(self, item.value)
                    else:
                        check_size(self, item.value)
                elif isinstance(item, ast.CalendarDef):
                    check_calendar(self, item)
                elif isinstance(item, ast.StateDef):
                    check_state(self, item, PolicyNames(shared=self.out.symbols[name]))
                elif isinstance(item, ast.MetricDef):
                    check_metric(self, item, PolicyNames(shared=self.out.symbols[name]))
        read_overrides(self, overrides)
        seen: dict[str, ast.Policy] = {}
        self.local_states = {
            clause.name: (item.id, clause.name_span.line)
            for tree in self.ws.files.values()
            for item in tree.items
            if isinstance(item, ast.Policy)
            for clause in item.clauses
            if isinstance(clause, ast.StateDef)
        }
        for name, tree in self.ws.files.items():
            for item in tree.items:
                if isinstance(item, ast.Policy):
                    if item.id in seen:
                        first = seen[item.id].id_span
                        self.err(
                            "E201",
                            f"policy id '{item.id}' is already used at {first}",
                            item.id_span,
                            "give every policy its own id",
                        )
                        continue
                    seen[item.id] = item
                    self._policy(item, self.out.symbols[name])
        self._unused(own)
        check_lookalikes(self)
        # A `let` is checked where it is defined and again where it is expanded: report once.
        self.out.diagnostics = list(dict.fromkeys(self.out.diagnostics))
        return self.out

    def _policy(self, policy: ast.Policy, shared: Symbols) -> None:
        names = PolicyNames(shared=shared, elsewhere=self.local_states)
        self.out.policies[policy.id] = names
        if not policy.title:
            self.err(
                "E108",
                f"policy '{policy.id}' has no title",
                policy.id_span,
                f'add the rule in words after the id: policy {policy.id} "…"',
            )
        metas: dict[str, ast.MetaClause] = {}
        for clause in policy.clauses:
            if isinstance(clause, ast.MetaClause):
                if clause.key in metas:
                    first = metas[clause.key].span
                    self.err(
                        "E215",
                        f"'{clause.key}' is given twice in policy '{policy.id}' (first at {first})",
                        clause.span.model_copy(
                            update={
                                "end_line": clause.span.line,
                                "end_column": clause.span.column + len(clause.key),
                            }
                        ),
                        "keep one of them",
                    )
                    continue
                metas[clause.key] = clause
        if "owner" not in metas or "description" not in metas:
            missing = " and ".join(k for k in ("owner", "description") if k not in metas)
            hint = (
                'say who answers for it: owner "Store operations"'
                if "owner" not in metas
                else 'say what the rule protects: description "…"'
            )
            self.warn("W201", f"policy '{policy.id}' has no {missing}", policy.id_span, hint)
        for clause in policy.clauses:
            self._clause(clause, names, policy)
        for clause in policy.clauses:
            if isinstance(clause, ast.ScopeClause):
                check_keys(self, clause.keys, names, "per")
        for clause in policy.clauses:
            if isinstance(clause, ast.StateDef):
                check_state(self, clause, names)
            elif isinstance(clause, ast.MetricDef):
                check_metric(self, clause, names)
            elif isinstance(clause, ast.LetDef):
                expr_type(self, clause.value, names, "condition")
            elif isinstance(clause, ast.AtRiskClause):
                check_duration(self, clause.lead, names)
        self._reports(policy, names)
        if policy.rule is None:
            self.err(
                "E217",
                f"policy '{policy.id}' has no rule",
                policy.id_span,
                _rule_hint(policy),
            )
            return
        check_rule(self, policy, policy.rule, names)
        check_scope_use(self, policy, names)
        self._unused_locals(policy, names)

    def _clause(self, clause: Any, names: PolicyNames, policy: ast.Policy) -> None:
        if isinstance(clause, ast.MetaClause):
            value = clause.values[0]
            if clause.key == "severity" and value not in SEVERITIES:
                self.err(
                    "E212",
                    f"unknown severity '{value}'",
                    clause.value_span,
                    did_you_mean(value, SEVERITIES) or "use " + ", ".join(SEVERITIES),
                )
            elif clause.key == "zone":
                check_zone(self, value, clause.value_span)
            elif clause.key == "calendar":
                if value not in names.shared.calendars:
                    undefined_calendar(self, value, clause.value_span, names)
                else:
                    names.calendar = value
                    self.used.add(("calendar", value))
        elif isinstance(clause, ast.ScopeClause) and clause.bucket is not None:
            metrics = [c.name for c in policy.clauses if isinstance(c, ast.MetricDef)]
            if metrics:
                self.err(
                    "E214",
                    f"'per {clause.bucket}' could be the period of any of the metrics "
                    + " and ".join(f"'{m}'" for m in metrics),
                    clause.span,
                    "define one metric per policy",
                )
            else:
                self.err(
                    "E214",
                    f"'per {clause.bucket}' is the period of a metric, and policy "
                    f"'{policy.id}' defines none",
                    clause.span,
                    f"define the metric in the policy: metric m = count(…) per {clause.bucket}",
                )
        elif isinstance(clause, ast.ScopeClause) and clause.until is not None:
            ends = [c for c in policy.clauses if isinstance(c, ast.ScopeClause) and c.until]
            if ends[0] is not clause:
                self.err(
                    "E215",
                    "the scope's end is given twice",
                    clause.until.span,
                    "keep one 'until' for the policy's scope",
                )
            check_pattern(self, clause.until, names)
        elif isinstance(clause, ast.LetDef | ast.StateDef | ast.MetricDef):
            table: dict[str, Any] = (
                names.lets
                if isinstance(clause, ast.LetDef)
                else names.states
                if isinstance(clause, ast.StateDef)
                else names.metrics
            )
            if clause.name in table:
                self.err(
                    "E215",
                    f"'{clause.name}' is defined twice in policy '{policy.id}'",
                    clause.name_span,
                    "rename or remove one of them",
                )
            table[clause.name] = clause

    def _reports(self, policy: ast.Policy, names: PolicyNames) -> None:
        """`report` clauses: each name once, each value an expression at the trigger, and only
        on rules that have a trigger (E225)."""
        seen: dict[str, ast.ReportField] = {}
        for clause in policy.clauses:
            if not isinstance(clause, ast.ReportClause):
                continue
            if policy.rule is not None and not isinstance(policy.rule, REPORTING_RULES):
                self.err(
                    "E225",
                    f"'report' is not available on {_rule_word(policy.rule)}: it has no trigger",
                    clause.span.model_copy(
                        update={
                            "end_line": clause.span.line,
                            "end_column": clause.span.column + len("report"),
                        }
                    ),
                    "report values on a rule with a trigger: 'when … expect', 'when … forbid' "
                    "or 'when … require'",
                )
            for f in clause.fields:
                if f.name in seen:
                    self.err(
                        "E215",
                        f"'{f.name}' is reported twice in policy '{policy.id}'",
                        f.name_span,
                        "rename or remove one of them",
                    )
                seen.setdefault(f.name, f)
                expr_type(self, f.value, names, "condition")

    def _unused_locals(self, policy: ast.Policy, names: PolicyNames) -> None:
        if not names.lets and not names.states:
            return
        mentioned = names_in(policy)
        for table, what in ((names.lets, "let"), (names.states, "state")):
            for key, item in table.items():
                if key not in mentioned:
                    self.warn(
                        "W202",
                        f"{what} '{key}' is never used",
                        item.name_span,
                        "remove it, or use it in the policy's rule",
                    )

    def _unused(self, own: dict[str, Symbols]) -> None:
        for symbols in own.values():
            for key, item in symbols.params.items():
                if ("param", key) not in self.used:
                    self.warn(
                        "W202",
                        f"parameter '{key}' is never used",
                        item.name_span,
                        "remove it, or use it in a policy",
                    )


#: The rules a `report` clause may stand in: those judged at a trigger.
REPORTING_RULES = (ast.ResponseRule, ast.ExpectationsRule, ast.ForbidAfterRule, ast.ValueRule)


def _rule_word(rule: Any) -> str:
    """How the diagnostics name a rule without a trigger."""
    if isinstance(rule, ast.RequireRule):
        return "a 'require' rule (an existence or a metric)"
    if isinstance(rule, ast.ForbidRule):
        return "a 'forbid' rule (an absence)"
    if isinstance(rule, ast.RateRule):
        return "an 'at most' rule (a rate limit)"
    return "a 'while … always' rule (an invariant)"


def _rule_hint(policy: ast.Policy) -> str:
    """What to add to a policy without a rule: its metric's requirement when it defines one."""
    metrics = [c.name for c in policy.clauses if isinstance(c, ast.MetricDef)]
    if metrics:
        return f"add the requirement on the metric, e.g. require {metrics[0]} >= …"
    return "add what must hold, e.g. 'when … expect … within …' or 'forbid …'"
