"""Test helpers: a long generated shop log and a set of typical policies, for bounds and speed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from engine_builders import T0, attr, dur, lit, op, pat, policy, s, trig

from cxrules import ir
from cxrules.logs.event import Event

#: One visit cycle: (seconds after the cycle start, type, extra attributes). 10 events.
CYCLE: tuple[tuple[int, str, dict[str, str]], ...] = (
    (0, "customer.entered", {}),
    (5, "arm.connected", {"arm": "ayse"}),
    (60, "complaint.filed", {"topic": "billing"}),
    (70, "case.escalated", {"topic": "billing"}),
    (80, "sms.sent", {}),
    (90, "arm.connected", {"arm": "bora"}),
    (100, "arm.disconnected", {"arm": "ayse"}),
    (110, "staff.said", {"text": "my pleasure"}),
    (120, "arm.disconnected", {"arm": "bora"}),
    (120, "customer.left", {}),
)


def shop_log(n: int, visits: int) -> Iterator[Event]:
    """`n` events in time order: visit cycles of CYCLE, `visits` visit ids reused in turn (so the
    number of scopes stays fixed while the log grows), cycles 13 s apart and overlapping."""
    produced = 0
    cycle = 0
    while produced < n:
        visit = f"v-{cycle % visits}"
        start = T0 + timedelta(seconds=13 * cycle)
        for offset, etype, extra in CYCLE:
            if produced == n:
                return
            attrs = {"visit": visit, "customer": f"c-{cycle % visits}", **extra}
            yield Event(start + timedelta(seconds=offset), etype, f"g{produced}", attrs)
            produced += 1
        cycle += 1


def merge_sorted(n: int, visits: int) -> list[Event]:
    """The generated log stable-sorted by time, as a reader would hand it over."""
    return sorted(shop_log(n, visits), key=lambda e: e.time)


def typical_policies() -> list[ir.Policy]:
    """Eight policies covering every rule kind, reading the generated log's types."""
    connection = ir.State(
        name="connection", start=pat("arm.connected"), end=pat("arm.disconnected"), by="arm"
    )
    in_shop = ir.State(name="in_shop", start=pat("customer.entered"), end=pat("customer.left"))
    count_connected = ir.History(fn="count", pattern=pat("arm.connected"))
    return [
        policy(
            ir.Invariant(
                during="in_shop",
                condition=op(">=", ir.StateRef(name="connection", fn="count"), lit(1)),
                grace=dur("30s"),
            ),
            scope=("visit",),
            states=(connection, in_shop),
            pid="octopus",
        ),
        policy(
            ir.Response(
                trigger=trig(pat("complaint.filed")),
                expect=pat("case.escalated"),
                window=ir.Window(direction="after", max=dur("24h")),
            ),
            scope=("customer", "topic"),
            pid="escalate",
        ),
        policy(
            ir.Response(
                trigger=trig(pat("complaint.filed"), nth=3, within="1d"),
                expect=pat("case.escalated"),
                window=ir.Window(direction="after", max=dur("1h")),
            ),
            scope=("customer", "topic"),
            pid="repeat",
        ),
        policy(
            ir.RateLimit(pattern=pat("sms.sent"), at_most=1000, within=dur("1h")),
            scope=("customer",),
            pid="sms",
        ),
        policy(
            ir.Absence(
                pattern=pat("staff.said", where=op("contains", attr("text"), s("no problem")))
            ),
            pid="wording",
        ),
        policy(
            ir.ValueCheck(
                trigger=trig(pat("customer.left")),
                condition=op(">=", count_connected, lit(1)),
            ),
            scope=("visit",),
            pid="battery",
        ),
        policy(
            ir.ForbidAfter(
                trigger=trig(pat("customer.left")),
                pattern=pat("sms.sent"),
                window=ir.Window(direction="after", max=dur("5s")),
            ),
            scope=("visit",),
            pid="quiet",
        ),
        policy(
            ir.MetricCheck(
                metric=ir.Metric(
                    name="escalation_share",
                    aggregate=ir.Aggregate(
                        fn="share",
                        pattern=pat("case.escalated"),
                        of=pat("complaint.filed"),
                        within=dur("1h"),
                    ),
                    bucket="day",
                    unit="percent",
                ),
                require=ir.Threshold(op=">=", value=0.9),
            ),
            scope=("customer",),
            pid="kpi",
        ),
    ]


def domain_policies(domains: tuple[str, ...] = ("shop", "call", "web")) -> list[ir.Policy]:
    """`typical_policies` once per domain, their event types prefixed by the domain name."""

    def prefixed(node: Any, domain: str) -> Any:
        if isinstance(node, dict):
            if "types" in node:
                node["types"] = [f"{domain}.{t}" for t in node["types"]]
            for value in node.values():
                prefixed(value, domain)
        elif isinstance(node, list):
            for value in node:
                prefixed(value, domain)
        return node

    out = []
    for domain in domains:
        for p in typical_policies():
            data = prefixed(p.model_dump(), domain)
            data["id"] = f"{domain}.{data['id']}"
            out.append(ir.Policy.model_validate(data))
    return out


def domain_log(n: int, domains: tuple[str, ...] = ("shop", "call", "web")) -> list[Event]:
    """The generated log with each event moved to one domain in turn (types prefixed)."""
    return [
        Event(e.time, f"{domains[i % len(domains)]}.{e.type}", e.id, e.attrs)
        for i, e in enumerate(merge_sorted(n, visits=500))
    ]


def main() -> None:
    """Measure throughput on one core: `python tests/engines/generated.py [events]`."""
    import sys
    import time

    from engine_builders import ZONE

    from cxrules.engines.base import EventList, RunOptions
    from cxrules.engines.python import PythonEngine

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    for label, policies, events in (
        ("24 policies in 3 domains", domain_policies(), domain_log(n)),
        ("8 policies, all reading every event type", typical_policies(), merge_sorted(n, 500)),
    ):
        policy_set = ir.PolicySet(policies=tuple(policies))
        times = []
        for _ in range(3):
            start = time.process_time()
            PythonEngine().run(policy_set, EventList(events), RunOptions(zone=ZONE))
            times.append(time.process_time() - start)
        best = min(times)
        print(f"{label}: {n} events in {best:.2f} s CPU = {n / best:,.0f} events/s")


if __name__ == "__main__":
    main()
