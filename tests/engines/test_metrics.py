"""Engines: metric checks per group and bucket, every expected value by hand."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

import pytest
from engine_builders import Log, attr, compiled, counts, dur, lit, op, pat, policy, run, tally
from hypothesis import given, settings
from hypothesis import strategies as st

from cxrules import ir
from cxrules.logs.event import Event
from cxrules.reports.as_json import render_json


def metric_policy(
    agg: ir.Aggregate,
    require: tuple[str, float],
    warn: tuple[str, float] | None = None,
    scope: tuple[str, ...] = (),
    **metric: Any,
) -> ir.Policy:
    rule = ir.MetricCheck(
        metric=ir.Metric(aggregate=agg, **metric),
        require=ir.Threshold(op=require[0], value=require[1]),  # type: ignore[arg-type]
        warn=ir.Threshold(op=warn[0], value=warn[1]) if warn else None,  # type: ignore[arg-type]
    )
    return policy(rule, scope=scope)


def values(result: Any) -> list[tuple[dict[str, str], str | None, float | None, int, str]]:
    return [
        (m.group, m.bucket, m.value, m.population, m.status) for m in result.policies[0].metrics
    ]


def service_level() -> ir.Policy:
    agg = ir.Aggregate(
        fn="share",
        pattern=pat("call.answered"),
        of=pat("call.queued"),
        within=dur("20s"),
        unless=pat("call.abandoned"),
    )
    return metric_policy(
        agg,
        (">=", 0.8),
        (">=", 0.85),
        scope=("call",),
        name="service_level",
        group_by=("queue",),
        bucket="day",
        unit="percent",
    )


def test_share_per_queue_and_day_with_warning_and_not_applicable() -> None:
    log = Log()
    for i, answered in enumerate(("+5s", "+10s", "+20s", "+1s", "+21s")):  # 4 of 5 in 20s
        log.add("+0s", "call.queued", call=f"q1-{i}", queue="q1")
        log.add(answered, "call.answered", call=f"q1-{i}", queue="q1")
    log.add("+1min", "call.queued", call="q2-0", queue="q2")
    log.add("+70s", "call.answered", call="q2-0", queue="q2")
    log.add("+1min", "call.queued", call="q2-1", queue="q2")
    log.add("+65s", "call.abandoned", call="q2-1", queue="q2")  # fails it
    log.add("+66s", "call.answered", call="q2-1", queue="q2")  # too late to matter
    log.add("+1h", "call.queued", call="q3-0", queue="q3")  # open at the horizon
    log.add("+1h", "call.queued", call="x-0")  # no queue: counted out of scope
    result = run(service_level(), log, as_of="+1h")
    assert values(result) == [
        ({"queue": "q1"}, "2026-03-02", 0.8, 5, "warn"),
        ({"queue": "q2"}, "2026-03-02", 0.5, 2, "violated"),
        ({"queue": "q3"}, "2026-03-02", None, 0, "not_applicable"),
    ]
    # Issue 12, point 5: a metric breach names its bucket in its scope, spans the bucket itself
    # (local midnight to midnight) and gives how its value was computed.
    assert [(v.kind, v.scope, v.start, v.end) for v in result.violations] == [
        (
            "metric_warning",
            {"queue": "q1", "day": "2026-03-02"},
            "2026-03-02T00:00:00+03:00",
            "2026-03-03T00:00:00+03:00",
        ),
        (
            "metric",
            {"queue": "q2", "day": "2026-03-02"},
            "2026-03-02T00:00:00+03:00",
            "2026-03-03T00:00:00+03:00",
        ),
    ]
    assert result.violations[1].sentence == (
        "service_level for queue=q2 in day 2026-03-02 was 50.0% (1 of 2 call.queued followed by "
        "call.answered within 20s before any call.abandoned; required >= 80%)"
    )
    assert result.violations[1].details == {
        "metric": "service_level",
        "bucket": "2026-03-02",
        "value": 0.5,
        "population": 2,
        "numerator": 1,
        "denominator": 2,
        "threshold": ">= 80%",
    }
    assert result.violations[0].sentence == (
        "service_level for queue=q1 in day 2026-03-02 was 80.0% (4 of 5 call.queued followed by "
        "call.answered within 20s before any call.abandoned; warns below 85%)"
    )
    assert [(o.trigger.id, o.deadline) for o in result.pending] == [
        ("e16", "2026-03-02T11:00:20+03:00")
    ]
    assert result.pending[0].sentence == (
        "call.queued of call q3-0 at 2026-03-02 11:00:00+03:00: waiting for call.answered "
        "within 20s (not yet counted in service_level)"
    )
    assert result.policies[0].metrics[0].threshold == ">= 80%"
    assert result.policies[0].metrics[0].warn == ">= 85%"
    assert counts(result) == tally(
        scopes=3,
        vacuous=1,
        out_of_scope=1,
        activations=2,
        satisfied=1,
        violated=1,
        pending=0,  # the waiting call is a pending obligation, not an activation of the metric
        warnings=1,
    )


def nps(min_sample: int | None = None) -> ir.Policy:
    agg = ir.Aggregate(fn="nps", pattern=pat("survey.answered"), value=attr("score"))
    return metric_policy(
        agg, (">=", 40), name="nps", group_by=("store",), bucket="month", min_sample=min_sample
    )


def test_nps_formula_min_sample_and_unusable_scores() -> None:
    log = Log()
    for score in (10, 9, 8, 7, 6, 0):  # 2 promoters, 2 detractors of 6: 0
        log.add("+0s", "survey.answered", store="s1", score=score)
    for score in (10, 10, 9, 8, "ten", 11):  # 3 of 4 usable are promoters: 75
        log.add("+1d", "survey.answered", store="s2", score=score)
    for score in (10, 10, 10):  # 3 answers < min sample 4
        log.add("+2d", "survey.answered", store="s3", score=score)
    result = run(nps(min_sample=4), log)
    assert values(result) == [
        ({"store": "s1"}, "2026-03", 0.0, 6, "violated"),
        ({"store": "s2"}, "2026-03", 75.0, 4, "ok"),
        ({"store": "s3"}, "2026-03", 100.0, 3, "insufficient"),
    ]
    v = result.violations[0]
    assert v.sentence == (
        "nps for store=s1 in month 2026-03 was 0 (2 promoters and 2 detractors of 6 answers; "
        "required >= 40)"
    )
    assert (v.scope, v.start, v.end) == (
        {"store": "s1", "month": "2026-03"},
        "2026-03-01T00:00:00+03:00",
        "2026-04-01T00:00:00+03:00",
    )
    assert v.details == {
        "metric": "nps",
        "bucket": "2026-03",
        "value": 0.0,
        "population": 6,
        "promoters": 2,
        "detractors": 2,
        "denominator": 6,
        "threshold": ">= 40",
    }
    assert counts(result) == tally(scopes=3, vacuous=1, activations=2, satisfied=1, violated=1)


def test_csat_ces_and_percentile() -> None:
    def one(fn: str, q: float | None = None, unit: str = "number") -> ir.Policy:
        agg = ir.Aggregate(fn=fn, pattern=pat("survey.answered"), value=attr("score"), q=q)
        return metric_policy(agg, (">=", 0), name=fn, unit=unit)  # type: ignore[arg-type]

    log = Log()
    for score in (5, 4, 3, 2):
        log.add("+0s", "survey.answered", score=score)
    assert values(run(one("csat", unit="percent"), log))[0][2] == 0.5  # 2 of 4 are 4-5
    assert values(run(one("ces"), log))[0][2] == 3.5  # mean of 1-7 answers
    assert values(run(one("avg"), log))[0][2] == 3.5
    assert values(run(one("sum"), log))[0][2] == 14
    assert values(run(one("min"), log))[0][2] == 2
    # sorted 2, 3, 4, 5; rank 0.9 * 3 = 2.7 → 4 + 0.7 * (5 - 4) = 4.7
    assert values(run(one("percentile", q=0.9), log))[0][2] == 4.7
    assert values(run(one("percentile", q=90), log))[0][2] == 4.7


def test_ratio_and_count_and_thresholds_in_sentences() -> None:
    agg = ir.Aggregate(fn="ratio", pattern=pat("complaint.filed"), of=pat("order.placed"))
    p = metric_policy(agg, ("<=", 0.05), name="complaint_rate", bucket="day", unit="percent")
    log = Log()
    for i in range(10):
        log.add(f"+{i}min", "order.placed")
    log.add("+20min", "complaint.filed")  # 1 of 10 = 10%
    log.add("+1d", "complaint.filed")  # next day: no orders, not applicable
    result = run(p, log)
    assert values(result) == [
        ({}, "2026-03-02", 0.1, 10, "violated"),
        ({}, "2026-03-03", None, 0, "not_applicable"),
    ]
    assert result.violations[0].sentence == (
        "complaint_rate in day 2026-03-02 was 10.0% (1 complaint.filed / 10 order.placed; "
        "required <= 5%)"
    )
    assert result.violations[0].details["numerator"] == 1
    assert result.violations[0].details["denominator"] == 10
    # a side with a condition is in parentheses: '… and wait >= 5 / 10 order.placed' would
    # read as '5 / 10' (hunt31 finding-5)
    late = op("and", op(">=", attr("wait"), lit(5)), op("==", attr("sla"), lit(False, "bool")))
    agg = ir.Aggregate(
        fn="ratio", pattern=pat("complaint.filed", where=late), of=pat("order.placed")
    )
    p = metric_policy(agg, ("<=", 0.05), name="late_rate", bucket="day", unit="percent")
    late_log = Log()
    for i in range(10):
        late_log.add(f"+{i}min", "order.placed")
    late_log.add("+20min", "complaint.filed", wait=7, sla=False)  # 1 of 10
    late_log.add("+21min", "complaint.filed", wait=2, sla=False)  # in time: not counted
    result = run(p, late_log)
    assert result.violations[0].sentence == (
        "late_rate in day 2026-03-02 was 10.0% ((1 complaint.filed where wait >= 5 and sla == "
        "false) / 10 order.placed; required <= 5%)"
    )
    count = ir.Aggregate(fn="count", pattern=pat("complaint.filed"))
    result = run(metric_policy(count, ("<", 2), name="complaints"), log)
    assert values(result) == [({}, None, 2.0, 2, "violated")]
    v = result.violations[0]
    # no bucket: the breach spans its first and last counted events
    assert (v.scope, v.start, v.end) == (
        {},
        "2026-03-02T10:20:00+03:00",
        "2026-03-03T10:00:00+03:00",
    )
    assert v.sentence == "complaints was 2 (2 complaint.filed; required < 2)"
    # a count is an integer in the JSON report, not 2.0 (hunt39); a ratio stays a fraction
    data = json.loads(render_json(result))
    assert [m["value"] for m in data["policies"][0]["metrics"]] == [2]
    assert isinstance(data["policies"][0]["metrics"][0]["value"], int)
    assert type(data["violations"][0]["details"]["value"]) is int
    assert '"value": 2,' in render_json(result)
    rate = run(metric_policy(agg, ("<=", 0.05), name="late_rate", unit="percent"), late_log)
    assert [m["value"] for m in json.loads(render_json(rate))["policies"][0]["metrics"]] == [0.1]


def test_a_value_just_past_its_threshold_is_never_written_as_the_threshold() -> None:
    # hunt12 finding 1: a mean wait of 30.00025s broke `<= 30s` and its sentence and table read
    # "was 30s (…; required <= 30s)"; a CES of 4.00002 read "was 4" against "<= 4". A value
    # gets the decimals that keep it off a threshold it does not meet, as percentages do.
    from cxrules.reports.common import metric_value

    wait = ir.Aggregate(fn="avg", pattern=pat("call.answered"), value=attr("wait"))
    asa = metric_policy(wait, ("<=", 30), ("<=", 20), name="asa", unit="duration")
    log = Log()
    log.add("+0s", "call.answered", wait=29.9995)
    log.add("+1s", "call.answered", wait=30.001)  # mean 30.00025s
    result = run(asa, log)
    assert [v.sentence for v in result.violations] == [
        "asa was 30.0003s (mean of 2 call.answered; required <= 30s)"
    ]
    assert metric_value(result.policies[0].metrics[0]) == "30.0003s"
    effort = ir.Aggregate(fn="ces", pattern=pat("survey.answered"), value=attr("score"))
    ces = metric_policy(effort, ("<=", 4), name="ces")
    log = Log()
    log.add("+0s", "survey.answered", score=4.00002)
    result = run(ces, log)
    assert [v.sentence for v in result.violations] == [
        "ces was 4.00002 (mean of 1 survey.answered; required <= 4)"
    ]
    assert metric_value(result.policies[0].metrics[0]) == "4.00002"
    log = Log()  # a value on its threshold, or well off it, keeps its short form
    log.add("+0s", "call.answered", wait=30)
    log.add("+1s", "call.answered", wait=21.5)
    assert [v.sentence for v in run(asa, log).violations] == [
        "asa was 25.75s (mean of 2 call.answered; warns above 20s)"
    ]


def test_a_duration_threshold_is_written_as_the_policy_writes_it() -> None:
    # hunt37 finding-7: 'require p90 <= 1min' was '(…; required <= 1m)' and "threshold": "<= 1m",
    # a spelling the language refuses (m could be a month); the table still keeps a value
    # just past it off it ('1m00.0004s', not '1m')
    from cxrules.reports.common import metric_value

    wait = ir.Aggregate(fn="avg", pattern=pat("call.answered"), value=attr("wait"))
    asa = metric_policy(wait, ("<=", 60), ("<=", 90), name="asa", unit="duration")
    log = Log()
    log.add("+0s", "call.answered", wait=59.9995)
    log.add("+1s", "call.answered", wait=60.0013)  # mean 60.0004s
    result = run(asa, log)
    (v,) = result.violations
    assert v.sentence == "asa was 1m00.0004s (mean of 2 call.answered; required <= 1min)"
    assert v.details["threshold"] == "<= 1min"
    (row,) = result.policies[0].metrics
    assert (row.threshold, row.warn) == ("<= 1min", "<= 90s")
    assert metric_value(row) == "1m00.0004s"
    assert metric_value(row.model_copy(update={"unit": "number"})) == "1m00.0004s"


def test_sums_are_exact_whatever_the_order_of_additions() -> None:
    # sum: 1e16 + 1 - 1e16 is 1 exactly (adding in log order would lose the 1: 0);
    # avg: ten answers of 0.1 add up to exactly 1 (not 0.9999999999999999), so the mean is 0.1
    log = Log()
    for score in (1e16, 1, -1e16):
        log.add("+0s", "survey.answered", store="s1", score=score)
    for _ in range(10):
        log.add("+1min", "survey.answered", store="s2", score=0.1)
    # 0.3333333333333333 is 6004799503160661 × 2**-54: its limb's integer is above 2**53, which
    # Spark once turned into a decimal through 17 digits of text, ending its sum in ...334
    for score in (6.999999, 0.3333333333333333):
        log.add("+2min", "survey.answered", store="s3", score=score)

    def one(fn: str) -> ir.Policy:
        agg = ir.Aggregate(fn=fn, pattern=pat("survey.answered"), value=attr("score"))
        return metric_policy(agg, (">=", 0), name=fn, group_by=("store",))

    assert [(m[0], m[2]) for m in values(run(one("sum"), log))] == [
        ({"store": "s1"}, 1.0),
        ({"store": "s2"}, 1.0),
        ({"store": "s3"}, 7.333332333333333),
    ]
    assert [(m[0], m[2]) for m in values(run(one("avg"), log))] == [
        ({"store": "s1"}, 1 / 3),
        ({"store": "s2"}, 0.1),
        ({"store": "s3"}, 7.333332333333333 / 2),
    ]


def test_a_sum_beyond_the_largest_double_is_judged_and_reported_without_an_internal_error() -> None:
    """Two scores of 1.7e308 add up to 3.4e308, past the largest double (about 1.8e308): the
    sum is an infinity, which broke the JSON report ("internal error: ... metrics[0].value is
    inf") and the HTML chart (hunt52 finding-K). It is judged as one (`<= 10` is broken), the
    sentence and `details.value` say inf, and the cell has no value. A finite sum that large
    is written as JSON writes it, 1.7e+308, not in 309 digits."""
    log = Log()
    for score in (1.7e308, 1.7e308):
        log.add("+0s", "survey.answered", store="s1", score=score)
    for score in (1.7e308, -1.7e308, 1.7e308):
        log.add("+1s", "survey.answered", store="s2", score=score)
    agg = ir.Aggregate(fn="sum", pattern=pat("survey.answered"), value=attr("score"))
    p = metric_policy(agg, ("<=", 10), name="total", group_by=("store",))
    result = run(p, log)
    assert values(result) == [
        ({"store": "s1"}, None, None, 2, "violated"),
        ({"store": "s2"}, None, 1.7e308, 3, "violated"),
    ]
    first, second = result.violations
    assert first.details["value"] == "inf"
    assert "total for store=s1 was inf (" in first.sentence
    assert "total for store=s2 was 1.7e+308 (" in second.sentence
    written = json.loads(render_json(result))
    assert [m["value"] for m in written["policies"][0]["metrics"]] == [None, 1.7e308]
    from cxrules.reports.as_html import render_html

    assert "1.7e+308" in render_html(result)


def at_utc(log: Log, text: str, type_: str, **attrs: Any) -> None:
    """An event at an absolute UTC time ('2026-10-25T00:30')."""
    line = len(log.events) + 1
    when = datetime.fromisoformat(text).replace(tzinfo=UTC)
    log.events.append(Event(when, type_, f"e{line}", attrs, file="log.jsonl", line=line))


def counted(bucket: str, zone: str) -> ir.Policy:
    rule = ir.MetricCheck(
        metric=ir.Metric(
            name="n",
            aggregate=ir.Aggregate(fn="count", pattern=pat("x")),
            bucket=bucket,  # type: ignore[arg-type]
        ),
        require=ir.Threshold(op=">=", value=0),
    )
    return policy(rule, zone=zone)


def test_buckets_follow_the_local_clock_across_dst_midnights_and_iso_weeks() -> None:
    log = Log()
    # Bucharest, 29 March 2026: 02:59 EET, then 04:00 EEST (no 03 hour); 25 October: 03:30
    # EEST and 03:30 EET are two passes through the same hour
    for moment in ("2026-03-29T00:59", "2026-03-29T01:00", "2026-10-25T00:30", "2026-10-25T01:30"):
        at_utc(log, moment, "x")
    assert [(m[1], m[3]) for m in values(run(counted("hour", "Europe/Bucharest"), log))] == [
        ("2026-03-29T02", 1),
        ("2026-03-29T04", 1),
        ("2026-10-25T03", 2),
    ]
    log = Log()
    # Kolkata (+05:30): 18:29 UTC is 23:59 on 31 March, 18:30 UTC is 1 April (another quarter)
    at_utc(log, "2026-03-31T18:29", "x")
    at_utc(log, "2026-03-31T18:30", "x")
    assert [m[1] for m in values(run(counted("day", "Asia/Kolkata"), log))] == [
        "2026-03-31",
        "2026-04-01",
    ]
    assert [m[1] for m in values(run(counted("quarter", "Asia/Kolkata"), log))] == [
        "2026-Q1",
        "2026-Q2",
    ]
    log = Log()
    # Friday 1 January 2027 is in ISO week 53 of 2026; Monday 4 January starts 2027-W01
    at_utc(log, "2027-01-01T12:00", "x")
    at_utc(log, "2027-01-03T23:59", "x")
    at_utc(log, "2027-01-04T00:00", "x")
    assert [(m[1], m[3]) for m in values(run(counted("week", "UTC"), log))] == [
        ("2026-W53", 2),
        ("2027-W01", 1),
    ]
    assert [m[1] for m in values(run(counted("year", "UTC"), log))] == ["2027"]


def test_share_where_reading_the_member_and_a_deadline_at_the_horizon() -> None:
    # answered by the agent the call was queued for; an `unless` of the same agent fails it
    same_agent = op("==", attr("agent"), attr("agent", of="trigger"))
    agg = ir.Aggregate(
        fn="share",
        pattern=pat("call.answered", where=same_agent),
        of=pat("call.queued"),
        within=dur("1min"),
        unless=pat("call.abandoned", where=same_agent),
    )
    p = metric_policy(agg, (">=", 0.5), unit="percent", name="mine", scope=("queue",))
    log = Log()
    log.add("+0s", "call.queued", queue="q", agent="a")  # e1: b answers, then a: success
    log.add("+0s", "call.queued", queue="q", agent="b")  # e2: b answers at +10s: success
    log.add("+10s", "call.answered", queue="q", agent="b")
    log.add("+20s", "call.abandoned", queue="q", agent="c")  # not e1's agent
    log.add("+30s", "call.answered", queue="q", agent="a")
    log.add("+30s", "call.queued", queue="q", agent="c")  # e6: c abandons at +40s: failure
    log.add("+40s", "call.abandoned", queue="q", agent="c")
    log.add("+1min", "call.queued", queue="q", agent="d")  # e8: deadline +2min = horizon
    log.add("+90s", "call.queued", queue="q", agent="e")  # e9: deadline after it: waiting
    result = run(p, log, as_of="+2min")
    # members e1, e2 (successes), e6, e8 (failures); e9 still waiting, not counted
    assert values(result) == [({}, None, 0.5, 4, "ok")]
    assert [(o.trigger.id, o.deadline) for o in result.pending] == [
        ("e9", "2026-03-02T10:02:30+03:00")
    ]
    assert counts(result)["pending"] == 0


def test_a_share_breach_cites_only_members_it_counted() -> None:
    # hunt12 finding 2: the breach cited as its last population event a call still waiting at
    # the horizon, which the same report listed as "not yet counted in service_level".
    log = Log()
    log.add("+0s", "call.queued", call="c1", queue="q1")  # e1: never answered, fails at +20s
    log.add("+10s", "call.queued", call="c2", queue="q1")  # e2: answered in 5s, judged first
    log.add("+15s", "call.answered", call="c2", queue="q1")
    log.add("+60s", "call.queued", call="c3", queue="q1")  # e4: deadline +80s, after the horizon
    result = run(service_level(), log, as_of="+70s")
    assert values(result) == [({"queue": "q1"}, "2026-03-02", 0.5, 2, "violated")]
    assert [o.trigger.id for o in result.pending] == ["e4"]
    (v,) = result.violations
    assert [e.id for e in v.evidence] == ["e1", "e2"]  # first and last counted, in log order
    log = Log()  # a cell whose only member is still waiting has no population: no breach
    log.add("+0s", "call.queued", call="c1", queue="q1")
    assert values(run(service_level(), log, as_of="+10s")) == [
        ({"queue": "q1"}, "2026-03-02", None, 0, "not_applicable")
    ]


def test_share_without_a_window_waits_to_the_horizon_with_no_deadline() -> None:
    agg = ir.Aggregate(fn="share", pattern=pat("case.closed"), of=pat("case.opened"))
    p = metric_policy(agg, (">=", 1), name="closed", scope=("case",), group_by=("team",))
    log = Log()
    log.add("+0s", "case.opened", case="k1", team="t1")
    log.add("+1d", "case.closed", case="k1", team="t1")
    log.add("+1d", "case.opened", case="k2", team="t1")  # never closed: waiting
    log.add("+1d", "case.opened", case="k3")  # no team: out of scope
    result = run(p, log)
    assert values(result) == [({"team": "t1"}, None, 1.0, 1, "ok")]
    assert [(o.trigger.id, o.deadline) for o in result.pending] == [("e3", None)]
    assert counts(result)["out_of_scope"] == 1


def test_ratio_counts_an_event_in_each_role_it_has() -> None:
    # vip calls among all calls: a vip call is in the numerator and the population; without
    # a queue it is counted out of scope once per role
    vip = ir.Aggregate(
        fn="ratio",
        pattern=pat("call.queued", where=op("==", attr("vip"), lit(True, "bool"))),
        of=pat("call.queued"),
    )
    p = metric_policy(vip, ("<=", 0.5), name="vips", group_by=("queue",), unit="percent")
    log = Log()
    log.add("+0s", "call.queued", queue="q1", vip=True)
    log.add("+1s", "call.queued", queue="q1", vip=False)
    log.add("+2s", "call.queued", queue="q1")
    log.add("+3s", "call.queued", vip=True)  # two roles, no queue
    result = run(p, log)
    assert values(result) == [({"queue": "q1"}, None, 1 / 3, 3, "ok")]
    assert counts(result)["out_of_scope"] == 2


@settings(max_examples=20, deadline=None)
@given(st.lists(st.floats(min_value=-1e300, max_value=1e300), min_size=1, max_size=12))
def test_a_sum_is_the_correctly_rounded_exact_sum(scores: list[float]) -> None:
    # any doubles (subnormals included): the value is math.fsum's, rounded once
    agg = ir.Aggregate(fn="sum", pattern=pat("survey.answered"), value=attr("score"))
    p = metric_policy(agg, (">=", 0), name="total")
    log = Log()
    for i, score in enumerate(scores):
        log.add(f"+{i}s", "survey.answered", score=score)
    assert values(run(p, log))[0][2] == math.fsum(scores)


# --------------------------------------------------------------------------- issue 12, 15 and 16


def weekly_p90(method: str) -> ir.Policy:
    agg = ir.Aggregate(
        fn="percentile",
        pattern=pat("call.answered"),
        value=attr("wait"),
        q=90,
        method=method,  # type: ignore[arg-type]
    )
    return metric_policy(agg, ("<=", 60), name="p90", bucket="week", unit="duration")


def test_nearest_rank_and_linear_percentiles_judge_weeks_differently() -> None:
    # Issue 12, point 16: five weeks of answered calls (waits in seconds), p90 <= 60s.
    # linear: value at 0-based rank 0.9·(n−1), interpolated; nearest rank: the ceil(0.9·n)th.
    weeks = (
        (10, 20, 30, 40, 70),  # n=5: linear rank 3.6 → 40 + 0.6·30 = 58; nearest 5th → 70
        (10, 20, 30, 40, 50, 55, 56, 58, 60, 100),  # n=10: 8.1 → 60 + 0.1·40 = 64; 9th → 60
        (30, 45, 59),  # n=3: 1.8 → 45 + 0.8·14 = 56.2; 3rd → 59
        (20, 40, 58, 80),  # n=4: 2.7 → 58 + 0.7·22 = 73.4; 4th → 80
        (61, 55, 10, 40, 30, 20),  # n=6, sorted 10..61: 4.5 → 55 + 0.5·6 = 58; 6th → 61
    )
    log = Log()
    for week, waits in enumerate(weeks):
        for i, wait in enumerate(waits):
            log.add(f"+{7 * week}d{i}min", "call.answered", wait=wait)
    linear = values(run(weekly_p90("linear"), log))
    nearest = values(run(weekly_p90("nearest_rank"), log))
    labels = ["2026-W10", "2026-W11", "2026-W12", "2026-W13", "2026-W14"]
    assert [(m[1], m[3], m[4]) for m in linear] == [
        (labels[0], 5, "ok"),
        (labels[1], 10, "violated"),
        (labels[2], 3, "ok"),
        (labels[3], 4, "violated"),
        (labels[4], 6, "ok"),
    ]
    assert [m[2] for m in linear] == [
        pytest.approx(58),
        pytest.approx(64),
        pytest.approx(56.2),
        pytest.approx(73.4),
        pytest.approx(58),
    ]
    # nearest rank changes the verdict in 3 of the 5 weeks (W10, W11, W14)
    assert [(m[1], m[2], m[4]) for m in nearest] == [
        (labels[0], 70.0, "violated"),
        (labels[1], 60.0, "ok"),
        (labels[2], 59.0, "ok"),
        (labels[3], 80.0, "violated"),
        (labels[4], 61.0, "violated"),
    ]
    # the method is named in the breach
    v = run(weekly_p90("nearest_rank"), log).violations[0]
    assert v.sentence == (
        "p90 in week 2026-W10 was 1m10s (90th percentile by nearest rank of 5 call.answered; "
        "required <= 1min)"
    )
    assert v.details == {
        "metric": "p90",
        "bucket": "2026-W10",
        "value": 70.0,
        "population": 5,
        "method": "nearest rank",
        "threshold": "<= 1min",
    }
    assert run(weekly_p90("linear"), log).violations[0].details["method"] == (
        "linear interpolation"
    )


def test_nearest_rank_edges() -> None:
    # rank ceil(q/100 · n), at least 1: the 0th is the least, the 100th the largest; the 50th of
    # 4 values is the 2nd (ceil 2.0: no interpolation), of 5 the 3rd (ceil 2.5)
    def one(q: float) -> ir.Policy:
        agg = ir.Aggregate(
            fn="percentile", pattern=pat("x"), value=attr("v"), q=q, method="nearest_rank"
        )
        return metric_policy(agg, (">=", 0), name="p")

    four, five = Log(), Log()
    for v in (4, 1, 3, 2):
        four.add("+0s", "x", v=v)
    for v in (5, 4, 1, 3, 2):
        five.add("+0s", "x", v=v)
    assert [values(run(one(q), four))[0][2] for q in (0, 25, 50, 75, 99.9, 100)] == [
        1.0,
        1.0,
        2.0,
        3.0,
        4.0,
        4.0,
    ]
    assert [values(run(one(q), five))[0][2] for q in (20, 50, 60, 61)] == [1.0, 3.0, 3.0, 4.0]


def first_queue() -> ir.GroupLet:
    """`let q = first(call.queued).queue`, as a metric group (history up to the event)."""
    return ir.GroupLet(
        name="q",
        value=ir.History(
            fn="first", pattern=pat("call.queued"), field="queue", include_current=True
        ),
    )


def queued_then_answered() -> Log:
    log = Log()
    log.add("+0s", "call.queued", call="c1", queue="sales")
    log.add("+1min30s", "call.answered", call="c1", wait=90)
    log.add("+1min", "call.queued", call="c2", queue="support")
    log.add("+1min10s", "call.answered", call="c2", wait=10)
    log.add("+2min", "call.queued", call="c3", queue="sales")
    log.add("+2min30s", "call.answered", call="c3", wait=30)
    log.add("+3min", "call.answered", call="c4", wait=5)  # never queued: no group
    log.add("+4min", "call.queued", call="c5", queue=7)  # a number: the group "7"
    log.add("+4min5s", "call.answered", call="c5", wait=5)
    log.add("+5min", "call.queued", call="c6", queue="sales")
    log.add("+5min20s", "call.queued", call="c6", queue="support")  # transferred
    log.add("+6min", "call.answered", call="c6", wait=50)  # first queue: sales
    return log


def test_a_metric_grouped_by_a_let_of_its_scope() -> None:
    # Issue 12, point 15: the queue is an attribute of call.queued, the wait is measured at
    # call.answered; `let q = first(call.queued).queue` groups each answer by its call's queue.
    agg = ir.Aggregate(
        fn="percentile",
        pattern=pat("call.answered"),
        value=attr("wait"),
        q=90,
        method="nearest_rank",
    )
    p = metric_policy(
        agg,
        ("<=", 60),
        scope=("call",),
        name="p90",
        group_by=("q",),
        lets=(first_queue(),),
        unit="duration",
    )
    result = run(p, queued_then_answered())
    # sales: c1 90, c3 30, c6 50 → sorted 30, 50, 90, 3rd (ceil 2.7) = 90; support: c2 10;
    # 7: c5 5. c4's answer has no queue: counted out of scope, in no group.
    assert values(result) == [  # (cells in the order of their group texts)
        ({"q": "7"}, None, 5.0, 1, "ok"),
        ({"q": "sales"}, None, 90.0, 3, "violated"),
        ({"q": "support"}, None, 10.0, 1, "ok"),
    ]
    assert result.violations[0].sentence == (
        "p90 for q=sales was 1m30s (90th percentile by nearest rank of 3 call.answered; "
        "required <= 1min)"
    )
    assert result.violations[0].scope == {"q": "sales"}
    assert counts(result)["out_of_scope"] == 1


def test_a_share_grouped_by_a_let_reads_the_member_itself() -> None:
    # The group of a share's member (call.queued) is read at the member, its own event included:
    # the first call.queued of c1 is itself (sales). c6 is queued twice: both members are in
    # its first queue (sales); its second member is answered after 40s, its first after 60s.
    agg = ir.Aggregate(
        fn="share", pattern=pat("call.answered"), of=pat("call.queued"), within=dur("30s")
    )
    p = metric_policy(
        agg,
        (">=", 0.5),
        scope=("call",),
        name="sl",
        group_by=("q",),
        lets=(first_queue(),),
        unit="percent",
    )
    result = run(p, queued_then_answered())
    # sales: c1 (90s: miss), c3 (30s: hit), c6 twice (60s, 40s: misses) → 1 of 4;
    # support: c2 (10s: hit); 7: c5 (5s: hit)
    assert values(result) == [
        ({"q": "7"}, None, 1.0, 1, "ok"),
        ({"q": "sales"}, None, 0.25, 4, "violated"),
        ({"q": "support"}, None, 1.0, 1, "ok"),
    ]


def test_group_let_values_as_texts_and_values_that_are_no_group() -> None:
    # A let group is a text, true/false or a whole number below 10^18 (without its fraction);
    # a number with a fraction or beyond 10^18, a time, a list or a missing value is no group:
    # the event is counted out of scope.
    def grouped(let: Any) -> ir.Policy:
        return metric_policy(
            ir.Aggregate(fn="count", pattern=pat("x.done")),
            (">=", 0),
            scope=("k",),
            name="n",
            group_by=("g",),
            lets=(ir.GroupLet(name="g", value=let),),
        )

    log = Log()
    for i, v in enumerate((2.5, True, "a", 3.0, 3, [1, 2], 10**30)):
        log.add(f"+{i}min", "x.set", k=f"k{i}", v=v)
        log.add(f"+{i}min1s", "x.done", k=f"k{i}")
    log.add("+10min", "x.done", k="k9")  # no x.set before it: missing
    by_value = grouped(ir.History(fn="last", pattern=pat("x.set"), field="v", include_current=True))
    result = run(by_value, log)
    assert [(m[0]["g"], m[2]) for m in values(result)] == [
        ("3", 2.0),  # 3.0 and 3
        ("a", 1.0),
        ("true", 1.0),
    ]
    assert counts(result)["out_of_scope"] == 4  # 2.5, the list, 10**30 and the missing value
    by_time = grouped(ir.History(fn="last", pattern=pat("x.set"), include_current=True))
    result = run(by_time, log)
    assert values(result) == []
    assert counts(result)["out_of_scope"] == 8


def test_groups_of_lists_objects_and_large_whole_numbers_read_as_json_text() -> None:
    """A group's text is JSON-like on every engine: a list or an object as compact JSON (as a
    log writes it), a whole float without its fraction below 10^38, and from there with its
    exponent, as a double is written: the python engine wrote 1.5e300 with its 301 digits, the
    duckdb engine '1.5e+300' (hunt33 finding-4)."""
    count = ir.Aggregate(fn="count", pattern=pat("order.placed"))
    log = Log()
    tags = [["vip", "gold"], {"tier": "vip"}, 1e20, 2.0, "x", 1.5e300, -1e38, 1e37]
    for n, tag in enumerate(tags):
        log.add(f"+{n}min", "order.placed", tag=tag)
    result = run(metric_policy(count, ("<=", 5), name="orders", group_by=("tag",)), log)
    assert [(m.group, m.value) for m in result.policies[0].metrics] == [
        ({"tag": "-1e+38"}, 1.0),
        ({"tag": "1.5e+300"}, 1.0),
        ({"tag": "100000000000000000000"}, 1.0),
        ({"tag": "2"}, 1.0),
        ({"tag": "9999999999999999538762658202121142272"}, 1.0),  # 1e37 as the double it is
        ({"tag": '["vip","gold"]'}, 1.0),
        ({"tag": "x"}, 1.0),
        ({"tag": '{"tier":"vip"}'}, 1.0),
    ]


def test_a_one_answer_nps_is_said_in_the_singular() -> None:
    # one answer, a 6: no promoter, 1 detractor of 1 answer, NPS -100 (hunt12: "1 detractors
    # of 1 answers")
    log = Log()
    log.add("+0s", "survey.answered", store="s1", score=6)
    (v,) = run(nps(), log).violations
    assert v.sentence == (
        "nps for store=s1 in month 2026-03 was -100 (0 promoters and 1 detractor of 1 answer; "
        "required >= 40)"
    )


def test_a_metric_value_reads_history_before_its_event_a_group_let_with_it(
    tmp_path: Any,
) -> None:
    # docs/semantics.md, Metrics: `opened` in the value is the case's first event strictly
    # before the resolution, so case a (resolved at its first event) has no value and is left
    # out: one value, b's 2h; as a group let, `first(*).impact` reads a's own event (Low)
    head = 'policy p.test "Test"\n  owner "o"\n  description "d"\n  per case\n'
    value = compiled(
        tmp_path,
        "  let opened = first(*).time\n"
        "  metric longest = max(time - opened of ticket.resolved)\n  require longest <= 1h\n",
        head,
    )
    log = Log()
    log.add("+0s", "ticket.resolved", case="a", impact="Low")
    log.add("+1h", "ticket.opened", case="b", impact="High")
    log.add("+3h", "ticket.resolved", case="b", impact="Low")
    assert values(run(value, log)) == [({}, None, 7200.0, 1, "violated")]
    grouped = compiled(
        tmp_path,
        "  let sev = first(*).impact\n  metric n = count(ticket.resolved)\n    by sev\n"
        "  require n <= 5\n",
        head,
    )
    assert values(run(grouped, log)) == [
        ({"sev": "High"}, None, 1.0, 1, "ok"),
        ({"sev": "Low"}, None, 1.0, 1, "ok"),
    ]


def test_a_negative_zero_is_reported_as_zero(tmp_path: Any) -> None:
    # hunt33 finding-1: a temperature delta of -0.0 (or the minimum of -0.0 and 0.0, which
    # the engines kept each its own way: equal values, either may come first) was written
    # "value": -0.0 in the JSON, and so was `x * -1` of 0 in a value check's details and its
    # reported value. -0.0 == 0.0: the report writes 0.0 on every engine.
    def one(fn: str) -> ir.Policy:
        agg = ir.Aggregate(fn=fn, pattern=pat("m.v"), value=attr("x"))
        return metric_policy(agg, (">=", 1), name=fn, group_by=("g",))  # type: ignore[arg-type]

    log = Log()
    log.add("+0s", "m.v", g="b", x=-0.0)
    log.add("+1s", "m.v", g="c", x=0.0)
    log.add("+2s", "m.v", g="c", x=-0.0)
    for fn in ("max", "min", "sum", "avg"):
        result = run(one(fn), log)
        got = [(m.group["g"], m.value) for m in result.policies[0].metrics]
        assert got == [("b", 0.0), ("c", 0.0)]
        assert all(math.copysign(1, v) == 1 for _, v in got), (fn, got)
        assert all(math.copysign(1, v.details["value"]) == 1 for v in result.violations)
        assert "-0.0" not in result.model_dump_json()
    head = 'policy p.test "Test"\n  owner "o"\n  description "d"\n'
    check = compiled(tmp_path, "  when m.v\n  require x * -1 >= 1\n  report y = x * -1\n", head)
    result = run(check, log)
    # 0 * -1 is -0.0, -0.0 * -1 is 0.0: each reported and read value is written 0.0
    assert [(v.details["values"], v.details["report"]) for v in result.violations] == [
        ({"x * -1": 0.0, "x": 0.0}, {"y": 0.0}),
    ] * 3
    assert "-0.0" not in result.model_dump_json()
