"""Reference engine: the shortcuts of the hot path give the answers of the long way."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from engine_builders import pat, policy

from cxrules import ir
from cxrules.engines.python import Audit
from cxrules.engines.python.metrics import MetricRunner
from cxrules.logs.event import Event
from cxrules.time.instants import to_us


def hourly_runner(zone: str, bucket: str) -> MetricRunner:
    metric = ir.Metric(
        name="n", aggregate=ir.Aggregate(fn="count", pattern=pat("x")), bucket=bucket
    )  # type: ignore[arg-type]
    rule = ir.MetricCheck(metric=metric, require=ir.Threshold(op=">=", value=0))
    runner = Audit(ir.PolicySet(policies=(policy(rule, zone=zone),))).runners[0]
    assert isinstance(runner, MetricRunner)
    return runner


def labels(runner: MetricRunner, instants: list[str]) -> list[str | None]:
    out = []
    for text in instants:
        t = datetime.fromisoformat(text).replace(tzinfo=UTC)
        out.append(runner.bucket_of(Event(t, "x", "1", {}), to_us(t)))
    return out


@pytest.mark.parametrize(
    ("zone", "bucket", "instants", "expected"),
    [
        # Bucharest: midnight is 22:00Z in winter (+02:00); the day label turns there
        (
            "Europe/Bucharest",
            "day",
            ["2026-03-28T21:10:00", "2026-03-28T21:59:59.999999", "2026-03-28T22:00:00"],
            ["2026-03-28", "2026-03-28", "2026-03-29"],
        ),
        # spring forward at 01:00Z: local 02:59:59 (+02:00), then 04:00 (+03:00)
        (
            "Europe/Bucharest",
            "hour",
            ["2026-03-29T00:30:00", "2026-03-29T00:59:59", "2026-03-29T01:00:00"],
            ["2026-03-29T02", "2026-03-29T02", "2026-03-29T04"],
        ),
        # fall back at 01:00Z: 03:30 +03:00 and 03:30 +02:00 share the hour label, then 04:00
        (
            "Europe/Bucharest",
            "hour",
            ["2026-10-25T00:30:00", "2026-10-25T01:30:00", "2026-10-25T02:00:00"],
            ["2026-10-25T03", "2026-10-25T03", "2026-10-25T04"],
        ),
        # Lord Howe moves back half an hour at 15:00Z on 4 April 2026 (+11:00 to +10:30):
        # 14:10Z is 01:10, 14:45Z 01:45, 15:10Z 01:40 again, 15:35Z 02:05
        (
            "Australia/Lord_Howe",
            "hour",
            [
                "2026-04-04T14:10:00",
                "2026-04-04T14:45:00",
                "2026-04-04T15:10:00",
                "2026-04-04T15:35:00",
            ],
            ["2026-04-05T01", "2026-04-05T01", "2026-04-05T01", "2026-04-05T02"],
        ),
        # Kathmandu (+05:45): the local hour starts at :15 UTC
        (
            "Asia/Kathmandu",
            "hour",
            ["2026-03-02T04:20:00", "2026-03-02T05:14:59", "2026-03-02T05:15:00"],
            ["2026-03-02T10", "2026-03-02T10", "2026-03-02T11"],
        ),
    ],
)
def test_cached_buckets_follow_the_local_clock(
    zone: str, bucket: str, instants: list[str], expected: list[str]
) -> None:
    assert labels(hourly_runner(zone, bucket), instants) == expected


def test_history_slots_only_counted_keep_no_events() -> None:
    counted = ir.History(fn="count", pattern=pat("a"))
    last = ir.History(fn="last", pattern=pat("b"), field="n")
    condition = ir.Binary(
        op="and",
        left=ir.Binary(op=">=", left=counted, right=ir.Lit(value=1, type="number")),
        right=ir.Missing(value=last, negated=True),
    )
    rule = ir.ValueCheck(trigger=ir.Trigger(pattern=pat("c")), condition=condition)
    audit = Audit(ir.PolicySet(policies=(policy(rule, scope=("k",)),)))
    t = datetime(2026, 3, 2, tzinfo=UTC)
    a, b = Event(t, "a", "e1", {"k": "x"}), Event(t, "b", "e2", {"k": "x", "n": 5})
    audit.feed([a, b, Event(t, "c", "e3", {"k": "x"})])
    scope = audit.runners[0].scopes["x"]
    # slot 0 (count a) keeps its count only; slot 1 (last b) keeps its last event, not its first
    assert scope.hist == [[1, None, None], [1, None, b]]
    assert audit.finish().tallies[0].satisfied == 1
