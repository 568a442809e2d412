"""SQL plans, the sequential step of `each`: expected events meet the oldest unfulfilled
obligation they match (overdue included), `unless` events cancel the open ones; by hand."""

from __future__ import annotations

from typing import Any

import pytest

from cxrules.engines.sql.each_queue import (
    EXPECTED,
    EXPECTED_ONE,
    OBLIGATION,
    UNLESS,
    UNLESS_ONE,
    match_scope,
    match_sorted,
)

# Pure Python, whatever engine the suite runs: once is enough.
pytestmark = pytest.mark.engines("python")


def row(ord_: int, ts: int, kind: int, **more: Any) -> dict[str, Any]:
    return {"ord": ord_, "ts": ts, "kind": kind, "ref": None, "lo": None, "dl": None, **more}


def ob(ord_: int, ts: int, dl: int | None, lo: int | None = None) -> dict[str, Any]:
    return row(ord_, ts, OBLIGATION, lo=ts if lo is None else lo, dl=dl)


def test_an_event_meets_the_oldest_obligation_even_when_it_is_overdue() -> None:
    rows = [ob(1, 0, 24), ob(2, 10, 34), row(3, 25, EXPECTED), row(4, 26, EXPECTED)]
    # 25 goes to obligation 1 (overdue since 24: the plan makes it late), 26 to obligation 2
    assert list(match_scope(rows)) == [(1, "met", 3, 25), (2, "met", 4, 26)]


def test_an_event_before_the_earliest_time_meets_nothing() -> None:
    rows = [ob(1, 0, 100, lo=10), row(2, 5, EXPECTED), row(3, 10, EXPECTED)]
    assert list(match_scope(rows)) == [(1, "met", 3, 10)]


def test_unless_cancels_open_obligations_but_not_missed_ones() -> None:
    rows = [ob(1, 0, 5), ob(2, 4, 20), ob(3, 6, None), row(4, 10, UNLESS), row(5, 11, EXPECTED)]
    # at 10: obligation 1 missed its deadline 5 and stays (for a late event); 2 and 3 are open
    assert list(match_scope(rows)) == [
        (2, "cancelled", 4, 10),
        (3, "cancelled", 4, 10),
        (1, "met", 5, 11),
    ]


def test_a_deadline_at_the_unless_time_is_still_open() -> None:
    rows = [ob(1, 0, 10), row(2, 10, UNLESS)]
    assert list(match_scope(rows)) == [(1, "cancelled", 2, 10)]


def test_at_one_event_meeting_comes_before_cancelling_and_the_trigger_comes_last() -> None:
    rows = [
        ob(1, 0, 50),
        ob(2, 0, 50),
        row(3, 5, EXPECTED),  # the same event is expected, unless and a trigger
        row(3, 5, UNLESS),
        ob(3, 5, 55),
        row(4, 6, EXPECTED),
    ]
    assert list(match_scope(rows)) == [
        (1, "met", 3, 5),
        (2, "cancelled", 3, 5),
        (3, "met", 4, 6),
    ]


def test_paired_events_meet_the_oldest_of_their_own_obligations() -> None:
    rows = [
        ob(1, 0, 50),
        ob(2, 1, 51),
        ob(3, 2, 52),
        row(4, 5, EXPECTED_ONE, ref=2),  # matches obligations 2 and 3 only
        row(4, 5, EXPECTED_ONE, ref=3),
        row(5, 6, UNLESS_ONE, ref=3),  # cancels 3 only
        row(5, 6, UNLESS_ONE, ref=2),  # 2 is already met
    ]
    assert list(match_scope(rows)) == [(2, "met", 4, 5), (3, "cancelled", 5, 6)]


def test_scopes_are_matched_apart() -> None:
    rows = [
        {**ob(1, 0, 9), "k0": "a"},
        {**ob(2, 0, 9), "k0": "b"},
        {**row(3, 1, EXPECTED), "k0": "b"},
    ]
    rows.sort(key=lambda r: (r["k0"], r["ord"], r["kind"]))
    assert list(match_sorted(rows, ["k0"])) == [(2, "met", 3, 1)]
