"""Syntax stage, metric periods: which metric a `per <period>` line belongs to, wherever it is
written (clause order never changes meaning)."""

from __future__ import annotations

from typing import Any

from cxrules.language import ast


def shared_metric_periods(items: list[Any]) -> list[Any]:
    """At the top level, the `per` lines after a shared metric belong to it (there is no policy
    scope there). A period is its bucket; any other `per` line is kept for the checker to refuse
    (a metric is grouped with `by`)."""
    out: list[Any] = []
    for item in items:
        if isinstance(item, ast.ScopeClause) and out and isinstance(out[-1], ast.MetricDef):
            out[-1] = with_per(out[-1], item)
            continue
        out.append(item)
    return out


def metric_period(clauses: list[Any]) -> list[Any]:
    """In a policy, `per <period>` is the bucket of the policy's metric wherever it is written,
    before or after the metric: clause order never changes meaning. Without exactly one metric
    of its own the clause stays where it is, for the checker to report."""
    metrics = [i for i, c in enumerate(clauses) if isinstance(c, ast.MetricDef)]
    if len(metrics) != 1:
        return clauses
    periods = [c for c in clauses if isinstance(c, ast.ScopeClause) and c.bucket is not None]
    if not periods:
        return clauses
    metric: ast.MetricDef = clauses[metrics[0]]
    for period in periods:
        metric = with_per(metric, period)
    kept = [c for c in clauses if not any(c is p for p in periods)]
    return [metric if isinstance(c, ast.MetricDef) else c for c in kept]


def with_per(metric: ast.MetricDef, per: ast.ScopeClause) -> ast.MetricDef:
    first = min((metric.span, per.span), key=lambda s: (s.line, s.column))
    end = max((metric.span, per.span), key=lambda s: (s.end_line, s.end_column))
    span = metric.span.model_copy(
        update={
            "line": first.line,
            "column": first.column,
            "end_line": end.end_line,
            "end_column": end.end_column,
        }
    )
    return metric.model_copy(update={"per": metric.per + (per,), "span": span})
