"""Tests of the Gherkin table readers: cell values, times, scopes, events."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxrules.bdd.steps import _METRIC
from cxrules.bdd.tables import (
    Clock,
    Row,
    SpecError,
    build_events,
    cell_value,
    offset_seconds,
    parse_scope,
    scope_text,
    table_rows,
)

ISTANBUL = timezone(timedelta(hours=3))


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("42", 42),
        ("-7", -7),
        ("0.5", 0.5),
        ("1e3", 1000.0),
        ("true", True),
        ("FALSE", False),
        ("v-1", "v-1"),
        ("  padded  ", "padded"),
        ("", None),
        ("   ", None),
        ('"42"', "42"),
        ('""', ""),
        ("12:00", "12:00"),
        ("2026-03-02", "2026-03-02"),
    ],
)
def test_cell_values(cell: str, value: object) -> None:
    got = cell_value(cell)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("+0s", 0.0),
        ("+90s", 90.0),
        ("+2min", 120.0),
        ("+1h30min", 5400.0),
        ("+1d", 86400.0),
        ("-5min", -300.0),
        ("+2d5h", 190800.0),
    ],
)
def test_offsets(text: str, seconds: float) -> None:
    assert offset_seconds(text) == seconds


def test_offset_errors_say_what_to_write() -> None:
    with pytest.raises(SpecError, match=r"'2min' is not a relative time: write '\+' or '-'"):
        offset_seconds("2min")
    with pytest.raises(SpecError, match=r"'\+2 fortnights' is not a relative time \("):
        offset_seconds("+2 fortnights")
    # a duration written apart from its unit, in words or in capitals was read (`+0 s`): the
    # docs' relative times glue each number to its unit, as a policy's `30s` (hunt39)
    for text, write in [
        ("+0 s", "+0s"),
        ("+2 hours", "+2h"),
        ("+1.5 h", "+1h30min"),
        ("-1h 30min", "-1h30min"),
        ("+ 5min", "+5min"),
        ("+5MIN", "+5min"),
    ]:
        with pytest.raises(SpecError) as caught:
            offset_seconds(text)
        assert str(caught.value) == (
            f"'{text}' is not a relative time as a table writes it: write '{write}' (numbers "
            "each glued to its unit: ms, s, min, h, d, w)"
        )
    assert [offset_seconds(t) for t in ("+500ms", "+1.5h", "+1min30.5s")] == [0.5, 5400.0, 90.5]


def test_clock_reads_absolute_naive_and_relative_times() -> None:
    clock = Clock("Europe/Istanbul", datetime(2026, 3, 2, 10, 0, tzinfo=ISTANBUL))
    assert clock.instant("+2min") == datetime(2026, 3, 2, 7, 2, tzinfo=UTC)
    assert clock.instant("2026-03-02T10:00:00") == datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    assert clock.instant("2026-03-02T10:00:00Z") == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert clock.instant("2026-03-02T10:00:00+01:00") == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_naive_times_take_the_zone_with_its_daylight_saving() -> None:
    clock = Clock("Europe/Bucharest")
    assert clock.instant("2026-03-02T10:00:00").utcoffset() == timedelta(hours=2)
    assert clock.instant("2026-07-02T10:00:00").utcoffset() == timedelta(hours=3)


def test_clock_errors() -> None:
    with pytest.raises(SpecError, match="needs a base time: add a step 'Given the time is"):
        Clock().instant("+2min")
    with pytest.raises(SpecError, match="'yesterday' is not a time"):
        Clock().instant("yesterday")
    with pytest.raises(SpecError, match="unknown time zone 'Mars/Olympus'"):
        Clock("Mars/Olympus").instant("2026-03-02T10:00:00")


def test_scopes() -> None:
    assert parse_scope("visit=v-1") == {"visit": "v-1"}
    assert parse_scope(" customer = c1 ,topic=billing ") == {"customer": "c1", "topic": "billing"}
    assert parse_scope("") == {}
    with pytest.raises(SpecError, match="'c1' is not 'key=value'"):
        parse_scope("customer=c0, c1")


def test_a_scope_value_with_a_comma_is_written_in_quotes_and_shown_so() -> None:
    """A customer 'Yılmaz, Ayşe' could not be named in a scope cell ('Ayşe' is not
    'key=value'), and failure messages wrote the scope so that it could not be pasted back
    (hunt40 finding-9)."""
    scope = {"müşteri": "Yılmaz, Ayşe", "konu": 'say "hi"', "x": " padded"}
    text = scope_text(scope)
    assert text == 'müşteri="Yılmaz, Ayşe", konu="say \\"hi\\"", x=" padded"'
    assert parse_scope(text) == scope
    assert parse_scope('müşteri="Yılmaz, Ayşe",konu=fatura') == {
        "müşteri": "Yılmaz, Ayşe",
        "konu": "fatura",
    }
    with pytest.raises(SpecError, match="a value with a comma in double quotes"):
        parse_scope("müşteri=Yılmaz, Ayşe")
    step = re.compile(_METRIC + " is")
    found = step.match(
        'the metric "nps" for mağaza="Cluj, Napoca", kanal=web on bucket "2026-03" is'
    )
    assert found is not None
    assert parse_scope(found["group"]) == {"mağaza": "Cluj, Napoca", "kanal": "web"}


def test_events_are_sorted_by_time_then_row_with_file_line_and_seq() -> None:
    clock = Clock("UTC", datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    rows = [
        Row(10, {"time": "+1min", "type": "b", "visit": "v-1", "n": "", "id": ""}),
        Row(11, {"time": "+0s", "type": "a", "visit": "v-1", "n": "3", "id": "e-7"}),
        Row(12, {"time": "+1min", "type": "c", "visit": "", "n": "true", "id": ""}),
    ]
    events = build_events(rows, clock, "features/x.feature")
    assert [(e.type, e.seq, e.line, e.id) for e in events] == [
        ("a", 1, 11, "e-7"),
        ("b", 0, 10, "features/x.feature:10"),
        ("c", 2, 12, "features/x.feature:12"),
    ]
    assert [e.attrs for e in events] == [{"visit": "v-1", "n": 3}, {"visit": "v-1"}, {"n": True}]
    assert {e.file for e in events} == {"features/x.feature"}
    assert events[0].time == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_rows_without_time_or_type_are_refused_with_their_line() -> None:
    with pytest.raises(SpecError, match=r"^f.feature:4: the row has no 'type'; every event needs"):
        build_events([Row(4, {"time": "+0s", "type": " "})], Clock(), "f.feature")
    with pytest.raises(SpecError, match=r"^f.feature:5: the relative time '\+1s' needs a base"):
        build_events([Row(5, {"time": "+1s", "type": "x"})], Clock(), "f.feature")


def test_table_rows_check_the_header() -> None:
    raw = [(3, ["policy", "kind"]), (4, ["p", "gap"])]
    assert table_rows(raw, "violations", {"policy", "kind"}) == [
        Row(4, {"policy": "p", "kind": "gap"})
    ]
    with pytest.raises(SpecError, match=r"unknown column 'knd' \(did you mean 'kind'\?\)"):
        table_rows([(3, ["policy", "knd"])], "violations", {"policy", "kind"})
    with pytest.raises(SpecError, match="names a column twice: kind, kind"):
        table_rows([(3, ["kind", "kind"])], "violations", None)
    with pytest.raises(SpecError, match="the events table is empty"):
        table_rows([], "events", None)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(min_value=-600, max_value=600), max_size=12))
def test_events_come_out_in_time_order_and_ties_keep_row_order(offsets: list[int]) -> None:
    clock = Clock("UTC", datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    rows = [
        Row(i + 1, {"time": f"{'-' if s < 0 else '+'}{abs(s)}s", "type": "t"})
        for i, s in enumerate(offsets)
    ]
    events = build_events(rows, clock, "f")
    assert sorted(e.seq for e in events) == list(range(len(offsets)))
    keys = [(e.time, e.seq) for e in events]
    assert keys == sorted(keys)
    assert [e.time for e in events] == [clock.base + timedelta(seconds=s) for s in sorted(offsets)]


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=30))
def test_any_cell_is_read_or_refused_in_words(text: str) -> None:
    value = cell_value(text)
    assert value is None or isinstance(value, bool | int | float | str)
    try:
        Clock("UTC", datetime(2026, 3, 2, tzinfo=UTC)).instant(text)
    except SpecError as exc:
        assert str(exc)


def test_times_out_of_range_are_refused() -> None:
    with pytest.raises(SpecError, match=r"^the time .0001-01-01T00:00:00\+03:00. is out of range$"):
        Clock().instant("0001-01-01T00:00:00+03:00")
    with pytest.raises(SpecError, match=r"^the relative time '\+99999999999d' is too far away$"):
        Clock("UTC", datetime(2026, 3, 2, tzinfo=UTC)).instant("+99999999999d")
