"""SQL plans, collecting: the rows the plans give back, as neutral findings (`cxrules.findings`).

Plans return instants as µs, scopes as lists of texts, cited events by `ord`, values a condition
read as structs (k, s, n, b, t). Cited events are looked up once per batch of rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from cxrules.engines.sql.catalog import INSTANT_KEY
from cxrules.findings.model import Cell, Cited, Finding, Pending
from cxrules.ir.sums import rounded
from cxrules.time.instants import from_us, never_after

#: A function that gives the cited events of a set of `ord`s.
Lookup = Callable[[set[int]], dict[int, Cited]]

MISSING = object()


def value_of(struct: dict[str, Any] | None) -> Any:
    """A value struct as the Python value the python engine would hold (MISSING when absent)."""
    if struct is None or struct.get("k") is None:
        return MISSING
    kind = struct["k"]
    if kind == 1:
        return struct["s"]
    if kind == 2:  # the digits when the value came from the log (exact beyond 2**53)
        return int(struct["s"]) if struct.get("s") else int(struct["n"])
    if kind == 3:
        return float(struct["n"])
    if kind == 4:
        return bool(struct["b"])
    if kind in (5, 6):  # an instant inside as the staging JSON writes it: an instant again
        return json.loads(struct["s"], object_hook=_instant_hook)
    if kind == 7:
        return from_us(struct["t"])
    raise ValueError(f"unknown value kind {kind}")


def _instant_hook(found: dict[str, Any]) -> Any:
    """`json.loads`'s object hook: `{"$cxrules.instant": µs}` (an instant inside a list or an
    object, `catalog.INSTANT_KEY`) as the datetime the python engine holds."""
    if len(found) == 1 and type(found.get(INSTANT_KEY)) is int:  # not a boolean
        try:
            return from_us(found[INSTANT_KEY])
        except OverflowError:
            return found
    return found


def findings(
    policy: str, rows: Iterable[dict[str, Any]], leaves: list[str], lookup: Lookup
) -> Iterator[Finding]:
    """Violation records as findings, looking cited events up per batch of 4096 rows."""
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= 4096:
            yield from _findings(policy, batch, leaves, lookup)
            batch = []
    if batch:
        yield from _findings(policy, batch, leaves, lookup)


def cited_in(rows: list[dict[str, Any]]) -> set[int]:
    """The `ord`s of the events violation rows cite (triggers and evidence)."""
    wanted = {r["trig"] for r in rows if r["trig"] is not None}
    for r in rows:
        wanted.update(r["evidence"] or ())
    return wanted


def _findings(
    policy: str, rows: list[dict[str, Any]], leaves: list[str], lookup: Lookup
) -> Iterator[Finding]:
    cited = lookup(cited_in(rows))
    for r in rows:
        yield finding(policy, r, leaves, cited)


def finding(
    policy: str,
    r: dict[str, Any],
    leaves: list[str],
    cited: dict[int, Cited],
    reported: tuple[str, ...] = (),
) -> Finding:
    """One violation row as a finding (its cited events already looked up)."""
    read, missing = [], []
    for text, struct in zip(leaves, r["leaves"] or [], strict=False):
        value = value_of(struct)
        if value is MISSING:
            missing.append(text)
        else:
            read.append((text, value))
    bad = value_of(r["bad_value"]) if r["bad_deadline"] else None
    return Finding(
        policy=policy,
        kind=r["kind"],
        scope=tuple(r["scope"]),
        start=r["start_us"],
        end=r["end_us"],
        trigger=cited[r["trig"]] if r["trig"] is not None else None,
        evidence=tuple(cited[o] for o in r["evidence"] or ()),
        count=r["cnt"],
        deadline=never_after(r["deadline"]),
        fulfilled=r["fulfilled"],
        number=r["number"],
        read=tuple(read),
        missing=tuple(missing),
        still_open=bool(r["still_open"]),
        value=None if bad is MISSING else bad,
        bad_deadline=bool(r["bad_deadline"]),
        reported=_reported(reported, r.get("report")),
        counts=tuple(r.get("counts") or ()),
    )


def _reported(names: tuple[str, ...], structs: list[Any] | None) -> tuple[tuple[str, Any], ...]:
    """The `report` values of a record, (name, value), a missing value as None."""
    if not names:
        return ()
    found = []
    for name, struct in zip(names, structs or [None] * len(names), strict=True):
        value = value_of(struct)
        found.append((name, None if value is MISSING else value))
    return tuple(found)


def pendings(policy: str, rows: list[dict[str, Any]], lookup: Lookup) -> list[Pending]:
    cited = lookup({r["trig"] for r in rows})
    return [
        Pending(
            policy=policy,
            scope=tuple(r["scope"]),
            trigger=cited[r["trig"]],
            deadline=never_after(r["deadline"]),  # past the end of time: never
            count=r["cnt"],
            remaining=r["remaining"],
            since=r["since"],
        )
        for r in rows
    ]


def cells(rows: list[dict[str, Any]], lookup: Lookup) -> list[Cell]:
    wanted = {o for r in rows for o in (r["first_ord"], r["last_ord"]) if o is not None}
    cited = lookup(wanted)
    return [
        Cell(
            group=tuple(r["grp"]),
            bucket=r["bucket"],
            value=cell_value(r),
            population=r["population"],
            hits=r["hits"],
            low=r["low"],
            first=cited.get(r["first_ord"]) if r["first_ord"] is not None else None,
            last=cited.get(r["last_ord"]) if r["last_ord"] is not None else None,
        )
        for r in rows
    ]


def cell_value(row: dict[str, Any]) -> float | None:
    """A cell's value: as the plan computed it, or its exact sum (limbs) rounded once, divided
    by `divisor` (the population for a mean, 1 for a sum)."""
    if row.get("limbs") is None or row.get("divisor") is None or not row["population"]:
        return row["value"]
    return rounded(((limb["k"], int(limb["c"])) for limb in row["limbs"]), row["divisor"])
