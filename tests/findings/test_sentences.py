"""The shared layer's words: a metric value reads the same in its sentence and in every table,
and instants follow one format (issue 12, points 5 and 8), values written out by hand."""

from __future__ import annotations

from cxrules import ir
from cxrules.findings.model import Cell
from cxrules.findings.sentences import metric_text
from cxrules.findings.text import Times
from cxrules.reports.common import metric_value, percent
from cxrules.reports.model import MetricValue


def share_rule() -> ir.MetricCheck:
    queued = ir.Pattern(types=("call.queued",), text="call.queued")
    answered = ir.Pattern(types=("call.answered",), text="call.answered")
    metric = ir.Metric(
        name="service_level",
        aggregate=ir.Aggregate(
            fn="share", pattern=answered, of=queued, within=ir.Duration(seconds=20, text="20s")
        ),
        group_by=("queue",),
        bucket="day",
        unit="percent",
    )
    return ir.MetricCheck(
        metric=metric,
        require=ir.Threshold(op=">=", value=0.8),
        warn=ir.Threshold(op=">=", value=0.85),
    )


def test_a_value_just_under_its_threshold_never_reads_as_the_threshold() -> None:
    # 19,992 of 25,000 calls: 79.968%, which one decimal would round onto the 80% it misses.
    cell = Cell(group=("q1",), bucket="2026-03-02", value=19992 / 25000, population=25000)
    cell.hits = 19992
    sentence, details = metric_text(share_rule(), cell, "violated")
    assert sentence == (
        "service_level for queue=q1 in day 2026-03-02 was 79.97% (19992 of 25000 call.queued "
        "followed by call.answered within 20s; required >= 80%)"
    )
    row = MetricValue(
        metric="service_level",
        group={"queue": "q1"},
        bucket="2026-03-02",
        value=cell.value,
        population=25000,
        status="violated",
        threshold=">= 80%",
        warn=">= 85%",
        unit="percent",
    )
    assert metric_value(row) == "79.97%"  # the table writes what the sentence writes
    assert details["numerator"] == 19992 and details["denominator"] == 25000


def test_compliance_is_never_rounded_onto_100_or_0() -> None:
    assert [percent(v) for v in (2190 / 2191, 1 / 3000, 0.5, 1.0, None)] == [
        "99.95%",
        "0.03%",
        "50.0%",
        "100.0%",
        "–",
    ]


def test_one_format_for_the_instants_of_a_sentence() -> None:
    t = Times("Europe/Bucharest")
    monday = 1_772_445_600_000_000  # 2026-03-02T10:00:00Z, 12:00 in Bucharest
    assert [t(monday), t(monday + 30_500_000), t(monday + 86_400_000_000)] == [
        "2026-03-02 12:00:00+02:00",
        "12:00:30.5",  # the same local date: the clock alone, with its fraction
        "2026-03-03 12:00:00+02:00",  # another date: in full again
    ]
    # across the change to summer time the offset changes: written in full
    t = Times("Europe/Bucharest")
    saturday = 1_774_692_000_000_000  # 2026-03-28T10:00:00Z
    assert [t(saturday), t(saturday + 86_400_000_000)] == [
        "2026-03-28 12:00:00+02:00",
        "2026-03-29 13:00:00+03:00",
    ]


def test_an_offset_with_seconds_is_written_with_them() -> None:
    """Monrovia kept -0:44:30 until 1972 and every zone's local mean time has seconds (Bucharest
    +1:44:24): the offset was cut to minutes (floored: -00:45), so '12:00:00-00:45' named an
    instant 30 seconds from the one meant. It is written as the JSON report's ISO times write
    it."""
    noon = -312_894_930_000_000  # 1960-02-01T12:44:30Z, 12:00:00 in Monrovia
    assert Times("Africa/Monrovia")(noon) == "1960-02-01 12:00:00-00:44:30"
    lmt = -2_524_521_600_000_000  # 1890-01-01T00:00:00Z, 01:44:24 in Bucharest
    assert Times("Europe/Bucharest")(lmt) == "1890-01-01 01:44:24+01:44:24"
    # a whole-minute offset keeps its two fields
    assert Times("Asia/Kathmandu")(0) == "1970-01-01 05:30:00+05:30"


def test_a_percentile_is_named_by_its_rank_also_with_a_fraction_or_decimals() -> None:
    """'99.9' and '0.9' lost their ordinal in breach sentences ('percentile by nearest rank')."""
    from cxrules.ir.text import percentile_name

    assert [percentile_name(q) for q in (95, 0.95, 99.9, 0.999, 1)] == [
        "95th percentile",
        "95th percentile",
        "99.9th percentile",
        "99.9th percentile",
        "100th percentile",
    ]
