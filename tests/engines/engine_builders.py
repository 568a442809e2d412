"""Test helpers: build IR policies and small logs by hand for the engines' tests.

`run` audits on the engine the test runs on (`ENGINE`, set per test by tests/engines/conftest.py:
every engine test runs once per registered engine)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cxrules import ir
from cxrules.audit import audit_events
from cxrules.findings.assemble import Outcome, ReportHeader, build_report
from cxrules.logs.event import Event
from cxrules.policyset import load_policies
from cxrules.reports.model import Report

#: The engine `run` uses; tests/engines/conftest.py sets it for each test.
ENGINE = "python"

ZONE = "Europe/Istanbul"  # +03:00 all year
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo(ZONE))  # a Monday

_UNITS = {"s": 1, "min": 60, "h": 3600, "d": 86400}


def seconds(text: str) -> float:
    """'+2min' → 120.0, '90s' → 90.0, '1d2h30min' → 95400.0 (units d, h, min, s)."""
    body = text.lstrip("+")
    parts = re.findall(r"(\d+(?:\.\d+)?)(min|s|h|d)", body)
    if not parts or "".join(n + u for n, u in parts) != body:
        raise ValueError(f"bad offset {text!r}")
    return sum(float(n) * _UNITS[u] for n, u in parts)


def at(offset: str) -> datetime:
    """T0 plus an offset such as '+2min'."""
    return T0 + timedelta(seconds=seconds(offset))


class Log:
    """Events in input order; each gets a line number and an id 'e<line>'."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(self, offset: str, type_: str, **attrs: Any) -> Event:
        line = len(self.events) + 1
        e = Event(at(offset), type_, f"e{line}", attrs, file="log.jsonl", line=line, seq=line)
        self.events.append(e)
        return e


def dur(text: str, business: str | None = None) -> ir.Duration:
    if business:
        return ir.Duration(seconds=seconds(text), calendar=business, unit="hours", text=text)
    return ir.Duration(seconds=seconds(text), text=text)


def pat(*types: str, where: Any = None) -> ir.Pattern:
    return ir.Pattern(types=types, where=where)


def attr(path: str, of: str = "event") -> ir.Attr:
    return ir.Attr(path=path, of=of)  # type: ignore[arg-type]


def lit(value: Any, type_: str = "number") -> ir.Lit:
    return ir.Lit(value=value, type=type_)  # type: ignore[arg-type]


def s(value: str) -> ir.Lit:
    return ir.Lit(value=value, type="string")


def op(symbol: str, left: Any, right: Any) -> ir.Binary:
    return ir.Binary(op=symbol, left=left, right=right)  # type: ignore[arg-type]


def trig(pattern: ir.Pattern, nth: int | None = None, within: str | None = None, **kw: Any):
    return ir.Trigger(pattern=pattern, nth=nth, within=dur(within) if within else None, **kw)


def after(max_: str | None = None, min_: str | None = None, **kw: Any) -> ir.Window:
    return ir.Window(
        direction="after",
        max=dur(max_) if max_ else None,
        min=dur(min_) if min_ else None,
        **kw,
    )


def policy(rule: Any, scope: tuple[str, ...] = (), pid: str = "p.test", **kw: Any) -> ir.Policy:
    return ir.Policy(id=pid, title="Test policy", rule=rule, scope=scope, **kw)


def run(
    policies: ir.Policy | list[ir.Policy],
    log: Log,
    as_of: str | None = None,
    calendars: dict[str, ir.Calendar] | None = None,
    engine: str | None = None,
) -> Report:
    """The report of the policies over the log, on `engine` (default: the test's engine)."""
    items = policies if isinstance(policies, list) else [policies]
    ps = ir.PolicySet(policies=tuple(items), calendars=calendars or {})
    return audit_events(
        ps,
        log.events,
        engine=engine or ENGINE,
        as_of=at(as_of) if as_of else None,
        zone=ZONE,
    )


def counts(result: Report, pid: str = "p.test") -> dict[str, Any]:
    """The tallies of one policy summary, as a dict for compact assertions."""
    summary = next(p for p in result.policies if p.id == pid)
    keys = ("scopes", "out_of_scope", "vacuous", "activations", "satisfied", "violated")
    more = ("pending", "cancelled", "warnings", "compliance")
    return {k: getattr(summary, k) for k in keys + more}


def kinds(result: Report) -> list[tuple[str, str | None]]:
    """(kind, trigger id) of each violation, in report order."""
    return [(v.kind, v.trigger.id if v.trigger else None) for v in result.violations]


def tally(
    scopes: int = 1,
    activations: int = 0,
    satisfied: int = 0,
    violated: int = 0,
    pending: int = 0,
    out_of_scope: int = 0,
    vacuous: int = 0,
    cancelled: int = 0,
    warnings: int = 0,
) -> dict[str, Any]:
    """Expected tallies; compliance follows from satisfied and violated."""
    judged = satisfied + violated
    return {
        "scopes": scopes,
        "out_of_scope": out_of_scope,
        "vacuous": vacuous,
        "activations": activations,
        "satisfied": satisfied,
        "violated": violated,
        "pending": pending,
        "cancelled": cancelled,
        "warnings": warnings,
        "compliance": satisfied / judged if judged else None,
    }


def assembled(policy_set: ir.PolicySet, outcome: Outcome, zone: str = ZONE) -> Report:
    """The report of an outcome (a python `Audit` driven by hand)."""
    return build_report(
        policy_set, outcome, ReportHeader(engine="python", zone=zone, policy_files=[])
    )


def compiled(tmp_path: Path, body: str, head: str) -> ir.Policy:
    """The one policy of `head` (its `policy` line, owner, description) and `body`, written to
    a file and compiled as `cxrules` does."""
    path = tmp_path / "p.cxr"
    path.write_text(head + body, encoding="utf-8")
    loaded = load_policies([str(path)])
    assert loaded.policy_set is not None, loaded.diagnostics
    return loaded.policy_set.policies[0]
