"""Checking stage, grouping: a policy's scope keys (`per`) and a metric's groups (`by`) and
period (`per day`), so that no key silently means something else than it says."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from cxrules.checker.context import Context
from cxrules.checker.rules import is_metric_requirement
from cxrules.checker.symbols import PolicyNames, meaning, reference
from cxrules.diagnostics import did_you_mean
from cxrules.language import ast

PERIODS = ("hour", "day", "week", "month", "quarter", "year")
_WHAT = {"let": "a let", "param": "a parameter", "state": "a state", "metric": "a metric"}


def check_keys(ctx: Context, keys: tuple[ast.NameExpr, ...], names: PolicyNames, word: str) -> None:
    """E214 for a `per` or `by` key that names a definition (it would silently read an attribute
    of that name instead) or, after `by`, a calendar period. A metric may be grouped `by` a let
    of its policy (evaluated at each population event); a scope key is always an attribute."""
    for key in keys:
        kind = meaning(key, names)
        if kind == "let" and word == "by":
            _group_let(ctx, key, names)
        elif kind == "let":
            ctx.err(
                "E214",
                f"'per {key.text}': '{key.text}' is a let, not an attribute of the events",
                key.span,
                "'per' scopes the policy by an attribute the events carry: name the attribute "
                f"itself, e.g. 'per queue' (a metric may be grouped by a let: 'by {key.text}')",
            )
        elif kind in _WHAT:
            ctx.err(
                "E214",
                f"'{word} {key.text}': '{key.text}' is {_WHAT[kind]}, "
                "not an attribute of the events",
                key.span,
                f"'{word}' groups events by an attribute they carry: name the attribute itself, "
                f"e.g. '{word} queue'",
            )
        elif word == "by" and key.text in PERIODS and not _backticked(key):
            ctx.err(
                "E214",
                f"'by {key.text}': {key.text} is a calendar period, not an attribute",
                key.span,
                f"write 'per {key.text}' for the metric's period (an attribute named "
                f"{key.text} is written `{key.text}`)",
            )


def _group_let(ctx: Context, key: ast.NameExpr, names: PolicyNames) -> None:
    """E204 for a group let that reads `trigger` (a metric's events have no trigger)."""
    seen: set[str] = set()
    todo = [names.lets[key.parts[0]].value]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.NameExpr):
            ref, _ = reference(node)
            if ref == "trigger":
                ctx.err(
                    "E204",
                    f"'by {key.text}': a metric group is read at each counted event, which has "
                    "no trigger",
                    node.span,
                    "group by what the event or its scope's history holds, e.g. "
                    "let q = first(call.queued).queue",
                )
                return
            word = node.parts[0]
            if meaning(node, names) == "let" and word not in seen:
                seen.add(word)
                todo.append(names.lets[word].value)
        elif isinstance(node, BaseModel):
            todo.extend(value for _, value in node)
        elif isinstance(node, tuple | list):
            todo.extend(node)


def check_metric_groups(ctx: Context, metric: ast.MetricDef, names: PolicyNames) -> None:
    """A metric is grouped with `by`; a `per <attribute>` line after a shared metric is refused
    (in a policy, `per <attribute>` is the policy's scope)."""
    check_keys(ctx, metric.by, names, "by")
    for per in metric.per:
        if per.bucket is None:
            keys = ", ".join(k.text for k in per.keys)
            ctx.err(
                "E214",
                f"'per {keys}' after metric '{metric.name}': a metric is grouped with 'by'",
                per.span,
                f"write: metric {metric.name} = … by {keys}",
            )


#: Words for a metric's period that are not the keyword (English adverbs and plurals, Turkish
#: and Romanian): `per weekly` read as a scope key, and the error said to group by 'weekly'.
_PERIOD_WORDS = {
    **dict.fromkeys(["hourly", "hours", "saat", "saatlik", "ora", "oră", "ore"], "hour"),
    **dict.fromkeys(["daily", "days", "gün", "gun", "günlük", "gunluk", "zi", "zilnic"], "day"),
    **dict.fromkeys(["weekly", "weeks", "hafta", "haftalık", "săptămână", "saptamana"], "week"),
    **dict.fromkeys(["monthly", "months", "aylık", "aylik", "lună", "luna", "lunar"], "month"),
    **dict.fromkeys(["quarterly", "quarters", "trimestru", "çeyrek"], "quarter"),
    **dict.fromkeys(["yearly", "annually", "years", "yıllık", "yillik", "anual"], "year"),
}


def _period_slip(ctx: Context, clause: ast.ScopeClause) -> bool:
    """E214 for `per weekly` (or `per gün`) in a metric policy: a period word that is not the
    keyword; the hint names the keyword."""
    if len(clause.keys) != 1:
        return False
    word = clause.keys[0].text
    period = _PERIOD_WORDS.get(word.lower())
    if period is None:
        # a slip of the keyboard, `per wek`: the error said to group the metric 'by wek'
        close = "" if _backticked(clause.keys[0]) else did_you_mean(word.lower(), PERIODS)
        if not close:
            return False
        period = close.removeprefix("did you mean '").removesuffix("'?")
    ctx.err(
        "E214",
        f"'per {word}' is not a metric's period: periods are hour, day, week, month, quarter"
        " and year",
        clause.span,
        f"write 'per {period}'",
    )
    return True


def check_scope_use(ctx: Context, policy: ast.Policy, names: PolicyNames) -> None:
    """E214 for a metric policy whose `per` scope the metric never reads: such a scope does not
    group the metric (one value for all stores), so `per store` under a metric that meant
    `by store` is an error rather than a silent change of meaning."""
    metrics = [c for c in policy.clauses if isinstance(c, ast.MetricDef)]
    for clause in policy.clauses:
        if isinstance(clause, ast.ScopeClause) and clause.keys and metrics:
            after = [m for m in metrics if m.name_span.line < clause.span.line]
            if after and not _period_slip(ctx, clause):
                keys = ", ".join(k.text for k in clause.keys)
                ctx.err(
                    "E214",
                    f"'per {keys}' after metric '{after[-1].name}' is the policy's scope, not "
                    "the metric's group",
                    clause.span,
                    f"group the metric with 'by {keys}'; to scope the policy, write "
                    f"'per {keys}' before the metric",
                )
                return
    rule = policy.rule
    if not isinstance(rule, ast.RequireRule) or not is_metric_requirement(rule):
        return
    subject = rule.subject
    assert isinstance(subject, ast.BinaryExpr) and isinstance(subject.left, ast.NameExpr)
    metric = names.metric(subject.left.parts[0])
    if metric is None or _reads_scope((metric.aggregate, metric.by), names, set()):
        return
    for clause in policy.clauses:
        if isinstance(clause, ast.ScopeClause) and clause.keys and not _period_slip(ctx, clause):
            keys = ", ".join(k.text for k in clause.keys)
            ctx.err(
                "E214",
                f"'per {keys}' gives policy '{policy.id}' a scope that its metric "
                f"'{metric.name}' never reads",
                clause.span,
                f"to compute {metric.name} for each {keys}, group the metric: "
                f"metric {metric.name} = … by {keys}",
            )


def _reads_scope(node: Any, names: PolicyNames, lets: set[str]) -> bool:
    """True when a metric's formula correlates events inside the policy scope: a share, the
    scope's history (count, last, first, changes, previous), a state, or a let that does."""
    if isinstance(node, ast.Aggregate) and node.fn == "share":
        return True
    if isinstance(node, ast.HistoryExpr | ast.ChangesExpr):
        return True
    if isinstance(node, ast.NameExpr):
        if node.parts[0] == "previous" and len(node.parts) > 1:
            return True
        kind = meaning(node, names)
        if kind == "state":
            return True
        if kind == "let" and node.parts[0] not in lets:
            lets.add(node.parts[0])
            return _reads_scope(names.lets[node.parts[0]].value, names, lets)
        return False
    if isinstance(node, BaseModel):
        return any(_reads_scope(value, names, lets) for _, value in node)
    if isinstance(node, tuple | list):
        return any(_reads_scope(value, names, lets) for value in node)
    return False


def _backticked(key: ast.NameExpr) -> bool:
    span = key.span
    return span.line == span.end_line and span.end_column - span.column == len(key.text) + 2
