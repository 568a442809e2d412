"""Tests of the Gherkin expectations: what passes, and the words of what fails."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cxrules.bdd import expect
from cxrules.bdd.tables import Clock, Row, SpecError
from cxrules.reports.model import (
    EventRef,
    MetricValue,
    PendingObligation,
    PolicySummary,
    Report,
    Violation,
)

CLOCK = Clock("UTC", datetime(2026, 3, 2, 10, 0, tzinfo=UTC))


def violation(kind: str, start: str, end: str, scope: dict[str, str] | None = None) -> Violation:
    return Violation(
        id="x" + start + kind,
        policy="p.one",
        kind=kind,  # type: ignore[arg-type]
        severity="high",
        scope={"visit": "v-1"} if scope is None else scope,
        start=start,
        end=end,
        sentence=f"{kind} sentence",
    )


def summary(**counts: int) -> PolicySummary:
    values = {
        "scopes": 1,
        "out_of_scope": 0,
        "vacuous": 0,
        "activations": 0,
        "satisfied": 0,
        "violated": 0,
        "pending": 0,
    }
    values.update(counts)
    return PolicySummary(
        id="p.one",
        title="t",
        severity="high",
        owner="",
        kind="response",
        file="f",
        line=1,
        compliance=None,
        **values,
    )


def report(
    policies: list[PolicySummary],
    violations: list[Violation],
    pending: list[PendingObligation],
) -> Report:
    """A report holding only findings, as an engine's run gives them to the expectations."""
    return Report(
        engine="python",
        zone="UTC",
        as_of=None,
        policy_files=[],
        revision="",
        inputs=[],
        policies=policies,
        violations=violations,
        pending=pending,
    )


def result(*violations: Violation, **counts: int) -> Report:
    return report([summary(**counts)], list(violations), [])


GAP = violation("gap", "2026-03-02T10:05:00+00:00", "2026-03-02T13:07:00+03:00")


def test_a_table_matching_as_a_set_passes_whatever_the_offsets() -> None:
    rows = [
        Row(
            5,
            {
                "policy": "p.one",
                "kind": "gap",
                "scope": "visit=v-1",
                "start": "+5min",
                "end": "2026-03-02T10:07:00Z",
                "severity": "high",
            },
        )
    ]
    expect.check_violations(result(GAP), rows, CLOCK)


def test_a_mismatch_lists_missing_unexpected_and_everything_found() -> None:
    rows = [Row(5, {"kind": "gap", "start": "+5min", "end": "+8min"})]
    with pytest.raises(AssertionError) as failure:
        expect.check_violations(result(GAP), rows, CLOCK)
    assert str(failure.value) == (
        "expected 1 violation, the engine found 1 violation.\n"
        "Expected but not found:\n"
        "  - kind gap, start 2026-03-02T10:05:00+00:00 (+5min), end 2026-03-02T10:08:00+00:00 "
        "(+8min)\n"
        "Found but not expected:\n"
        "  - kind gap, start 2026-03-02T10:05:00+00:00 (+5min), end 2026-03-02T10:07:00+00:00 "
        "(+7min)\n"
        "Everything the engine found:\n"
        "  - p.one gap [visit=v-1] from 2026-03-02T10:05:00+00:00 (+5min) to "
        "2026-03-02T13:07:00+03:00 (+7min), severity high: gap sentence"
    )


def test_duplicates_count_as_a_multiset() -> None:
    rows = [Row(5, {"kind": "gap"}), Row(6, {"kind": "gap"})]
    with pytest.raises(AssertionError, match="expected 2 violations, the engine found 1 violat"):
        expect.check_violations(result(GAP), rows, CLOCK)
    expect.check_violations(result(GAP, GAP), rows, CLOCK)


def test_an_empty_scope_cell_means_the_whole_log() -> None:
    whole = violation("forbidden", "2026-03-02T10:00:00Z", "2026-03-02T10:00:00Z", scope={})
    expect.check_violations(result(whole), [Row(5, {"scope": ""})], CLOCK)
    with pytest.raises(AssertionError, match=r"scope \(whole log\)"):
        expect.check_violations(result(GAP), [Row(5, {"scope": ""})], CLOCK)


def test_bad_cells_name_their_line() -> None:
    with pytest.raises(SpecError, match="^line 7: the 'kind' cell is empty$"):
        expect.check_violations(result(GAP), [Row(7, {"kind": ""})], CLOCK)
    with pytest.raises(SpecError, match="^line 8: 'soon' is not a time"):
        expect.check_violations(result(GAP), [Row(8, {"start": "soon"})], CLOCK)


def test_counts() -> None:
    expect.check_count(result(GAP), 1, CLOCK)
    with pytest.raises(AssertionError, match=r"^expected no violations, the engine found 1 viol"):
        expect.check_count(result(GAP), 0, CLOCK)


def test_tallies_and_vacuity() -> None:
    r = result(GAP, activations=2, satisfied=1, violated=1)
    expect.check_tallies(r, "p.one", 1, 1, 0, CLOCK)
    with pytest.raises(
        AssertionError,
        match=(
            "^policy p.one: expected 2 satisfied, 0 violated and 0 pending; the engine found 1 "
            r"satisfied, 1 violated and 0 pending \(2 activations, 0 cancelled, 0 vacuous scopes, "
            "0 events out of scope\\)"
        ),
    ):
        expect.check_tallies(r, "p.one", 2, 0, 0, CLOCK)
    with pytest.raises(AssertionError, match="expected to be vacuously satisfied"):
        expect.check_vacuous(r, "p.one")
    expect.check_vacuous(result(), "p.one")
    with pytest.raises(SpecError, match="^the scenario has no policy 'p.two'; it has p.one$"):
        expect.check_vacuous(r, "p.two")


def test_counts_of_one_are_singular() -> None:
    # "1 activations" (hunt31 finding-3)
    r = result(GAP, activations=1, violated=1, vacuous=1, out_of_scope=1)
    with pytest.raises(AssertionError) as failed:
        expect.check_tallies(r, "p.one", 1, 0, 0, CLOCK)
    assert str(failed.value).startswith(
        "policy p.one: expected 1 satisfied, 0 violated and 0 pending; the engine found 0 "
        "satisfied, 1 violated and 0 pending (1 activation, 0 cancelled, 1 vacuous scope, "
        "1 event out of scope).\n"
    )
    with pytest.raises(AssertionError) as failed:
        expect.check_vacuous(r, "p.one")
    assert str(failed.value) == (
        "policy p.one: expected to be vacuously satisfied (no activation), but the engine found "
        "1 activation, 0 satisfied, 1 violated, 0 pending"
    )


def test_pending_deadlines() -> None:
    ref = EventRef(id="e", type="t", time="2026-03-02T10:00:00+00:00", file="f", line=1)
    open_one = PendingObligation(
        policy="p.one",
        scope={"visit": "v-1"},
        trigger=ref,
        deadline="2026-03-02T13:00:00+03:00",
        sentence="waiting",
    )
    r = report([summary()], [], [open_one])
    expect.check_pending(r, 1, "+0s", CLOCK)
    with pytest.raises(
        AssertionError,
        match=(
            r"^expected 1 pending obligation with deadline \+1h, the engine has 1 pending "
            r"obligation:\n  - p.one \[visit=v-1\] deadline 2026-03-02T13:00:00\+03:00 \(\+0s\): "
            "waiting"
        ),
    ):
        expect.check_pending(r, 1, "+1h", CLOCK)
    with pytest.raises(AssertionError, match="with no deadline"):
        expect.check_pending(r, 1, None, CLOCK)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("75%", (0.75, "percent")),
        ("40", (40.0, "number")),
        ("4.5", (4.5, "number")),
        ("45s", (45.0, "duration")),
        ("1min", (60.0, "duration")),
    ],
)
def test_metric_numbers(text: str, value: tuple[float, str]) -> None:
    assert expect.metric_number(text) == value


def test_metric_values_and_statuses() -> None:
    cell = MetricValue(
        metric="sl",
        group={"queue": "q1"},
        bucket="2026-03-02",
        value=0.75,
        population=4,
        status="insufficient",
        threshold=">= 80%",
    )
    r = report([summary().model_copy(update={"metrics": [cell]})], [], [])
    found = expect.find_metric(r, "sl", {"queue": "q1"}, "2026-03-02")
    expect.check_metric(found, "75%", "insufficient")
    with pytest.raises(
        AssertionError,
        match=(
            r"^metric sl \[queue=q1\] bucket 2026-03-02: value 75% instead of 80%; status "
            r"'insufficient' instead of 'ok' \(population 4, threshold >= 80%\)$"
        ),
    ):
        expect.check_metric(found, "80%", "ok")
    with pytest.raises(
        AssertionError,
        match=(
            r"metric 'sl' has no value for \[queue=q2\] in bucket 2026-03-02; its values are:\n"
            r"  - \[queue=q1\] bucket 2026-03-02: 75% \(insufficient, population 4\)"
        ),
    ):
        expect.find_metric(r, "sl", {"queue": "q2"}, "2026-03-02")


def test_a_failing_metric_step_says_when_the_value_warns() -> None:
    # 'require nps >= 40 warn below 50' failed a step with "(…, threshold >= 40, warn >= 50)",
    # which reads as "warns at 50 or more": the warning level is the side a value keeps not to
    # warn; the reports write it "warns below 50" (hunt69 finding-7)
    nps = MetricValue(
        metric="nps",
        group={},
        bucket="2026-03",
        value=0.0,
        population=2,
        status="violated",
        threshold=">= 40",
        warn=">= 50",
    )
    with pytest.raises(AssertionError) as wrong:
        expect.check_metric(nps, "40", "violated")
    assert str(wrong.value) == (
        "metric nps [(whole log)] bucket 2026-03: value 0 instead of 40 (population 2, "
        "threshold >= 40, warns below 50)"
    )


def test_metric_values_in_failures_are_written_as_a_step_writes_them() -> None:
    """hunt65 finding-K: a failing metric step listed the cells as the JSON report holds them,
    '2026-03-02: 0.75' for a share of 75% and '90.0' for a wait of 1min30s, and said 'value
    90.0 instead of 1min': a value to paste into the step is written as the step writes it."""
    wait = MetricValue(
        metric="p90",
        group={},
        bucket="2026-03-02",
        value=90.0,
        population=5,
        status="violated",
        threshold="<= 1min",
        unit="duration",
    )
    r = report([summary().model_copy(update={"metrics": [wait]})], [], [])
    with pytest.raises(AssertionError) as missing:
        expect.find_metric(r, "p90", {}, "2026-03-03")
    assert str(missing.value).endswith(
        "its values are:\n  - [(whole log)] bucket 2026-03-02: 1min30s (violated, population 5)"
    )
    with pytest.raises(AssertionError) as wrong:
        expect.check_metric(wait, "1min", "violated")
    assert str(wrong.value).startswith(
        "metric p90 [(whole log)] bucket 2026-03-02: value 1min30s instead of 1min ("
    )
    with pytest.raises(AssertionError) as applicable:
        expect.check_metric(wait, None, "violated")
    assert "value 1min30s instead of none" in str(applicable.value)


def test_sentences() -> None:
    expect.check_sentence(result(GAP), "gap sent", True, CLOCK)
    with pytest.raises(AssertionError, match="no violation sentence contains 'grace'"):
        expect.check_sentence(result(GAP), "grace", True, CLOCK)
    with pytest.raises(AssertionError, match="expected exactly 1 violation to read its sentence"):
        expect.check_sentence(result(GAP, GAP), "gap", True, CLOCK)
    expect.check_sentence(result(GAP, GAP), "gap", False, CLOCK)
