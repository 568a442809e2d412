"""Report stage, tables: a report's violations and policy summaries as Arrow tables (and pandas
DataFrames, when pandas is installed) for notebooks and data tools.

Times are Arrow timestamps in the report's zone (microseconds), so `end - start` is a duration
and filtering by day works as in the report. pandas is optional: only `*_frame` needs it.

>>> from cxrules.reports.model import Report
>>> empty = Report(engine="python", zone="UTC", as_of=None, policy_files=[], revision="",
...                inputs=[], policies=[], violations=[])
>>> violations_table(empty).num_rows, violations_table(empty).column_names[:4]
(0, ['id', 'policy', 'kind', 'severity'])
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from cxrules.reports.model import Report

if TYPE_CHECKING:
    import pandas

__all__ = ["policies_frame", "policies_table", "violations_frame", "violations_table"]


def _timestamps(values: list[str | None], zone: str) -> pa.Array:
    moments = [datetime.fromisoformat(v) if v else None for v in values]
    return pa.array(moments, type=pa.timestamp("us", tz=zone))


def violations_table(report: Report) -> pa.Table:
    """One row per violation, in report order: id, policy, kind, severity, scope ('key=value,
    …', '' for the whole log), start, end, duration_seconds, fulfilled_at, trigger (event id),
    trigger_type, trigger_file, trigger_line, evidence (event ids), sentence."""
    vs = report.violations
    zone = report.zone
    trigger = [v.trigger for v in vs]
    columns: dict[str, pa.Array] = {
        "id": pa.array([v.id for v in vs], pa.string()),
        "policy": pa.array([v.policy for v in vs], pa.string()),
        "kind": pa.array([v.kind for v in vs], pa.string()),
        "severity": pa.array([v.severity for v in vs], pa.string()),
        "scope": pa.array(
            [", ".join(f"{k}={v.scope[k]}" for k in sorted(v.scope)) for v in vs], pa.string()
        ),
        "start": _timestamps([v.start for v in vs], zone),
        "end": _timestamps([v.end for v in vs], zone),
        "duration_seconds": pa.array([v.duration_seconds for v in vs], pa.float64()),
        "fulfilled_at": _timestamps([v.fulfilled_at for v in vs], zone),
        "trigger": pa.array([t.id if t else None for t in trigger], pa.string()),
        "trigger_type": pa.array([t.type if t else None for t in trigger], pa.string()),
        "trigger_file": pa.array([t.file if t else None for t in trigger], pa.string()),
        "trigger_line": pa.array([t.line if t else None for t in trigger], pa.int64()),
        "evidence": pa.array([[e.id for e in v.evidence] for v in vs], pa.list_(pa.string())),
        "sentence": pa.array([v.sentence for v in vs], pa.string()),
    }
    return pa.table(columns)


def policies_table(report: Report) -> pa.Table:
    """One row per policy, in report order: id, title, severity, owner, kind, file, line,
    scopes, out_of_scope, vacuous, activations, satisfied, violated, pending, cancelled,
    warnings, compliance (a fraction; null when nothing was judged)."""
    ps = report.policies
    ints = (
        "line",
        "scopes",
        "out_of_scope",
        "vacuous",
        "activations",
        "satisfied",
        "violated",
        "pending",
        "cancelled",
        "warnings",
    )
    columns: dict[str, Any] = {
        name: pa.array([getattr(p, name) for p in ps], pa.string())
        for name in ("id", "title", "severity", "owner", "kind", "file")
    }
    columns.update({name: pa.array([getattr(p, name) for p in ps], pa.int64()) for name in ints})
    columns["compliance"] = pa.array([p.compliance for p in ps], pa.float64())
    return pa.table(columns)


def violations_frame(report: Report) -> pandas.DataFrame:
    """`violations_table` as a pandas DataFrame (ImportError naming the install when pandas is
    missing)."""
    return _frame(violations_table(report))


def policies_frame(report: Report) -> pandas.DataFrame:
    """`policies_table` as a pandas DataFrame."""
    return _frame(policies_table(report))


def _frame(table: pa.Table) -> pandas.DataFrame:
    try:
        import pandas  # noqa: F401 - only to say clearly that it is missing
    except ImportError:
        raise ImportError(
            "a pandas DataFrame needs pandas, which is not installed: pip install pandas "
            "(or use the Arrow table: violations_table(report))"
        ) from None
    return table.to_pandas()
