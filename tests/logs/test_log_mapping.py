"""The mapping: where it is loaded from, its E410 errors, and every feature on real rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cxrules.logs import LogMapping, LogSet, MappingError, load_mapping, mapping_from_dict, open_log

DATA = Path(__file__).parent / "data"
JERUSALEM = ZoneInfo("Asia/Jerusalem")


def events_of(path: Path | str, table: dict) -> tuple[LogSet, list]:
    logs = LogSet([open_log(str(path), mapping_from_dict(table))])
    return logs, list(logs.events())


def test_load_from_cxrules_toml_pyproject_explicit_or_defaults(tmp_path):
    assert load_mapping(None, tmp_path) == LogMapping()
    (tmp_path / "pyproject.toml").write_text('[tool.cxrules.log]\nzone = "Europe/Rome"\n')
    assert load_mapping(None, tmp_path).zone == "Europe/Rome"
    (tmp_path / "cxrules.toml").write_text('[log]\nzone = "Asia/Tokyo"\n')
    assert load_mapping(None, tmp_path).zone == "Asia/Tokyo"  # cxrules.toml comes first
    explicit = tmp_path / "calls.toml"
    explicit.write_text('delimiter = "\\t"\n')
    assert load_mapping(explicit, tmp_path).delimiter == "\t"


def test_pyproject_without_a_log_table_gives_defaults(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load_mapping(None, tmp_path) == LogMapping()


def diagnostics(tmp_path: Path, text: str):
    path = tmp_path / "cxrules.toml"
    path.write_text(text)
    with pytest.raises(MappingError) as caught:
        load_mapping(None, tmp_path)
    return caught.value.diagnostics


def test_unknown_key_names_the_line_and_suggests(tmp_path):
    [d] = diagnostics(tmp_path, '[log]\nformat = "csv"\ntiem_format = "iso"\n')
    assert (d.code, d.message, d.hint) == (
        "E410",
        "unknown mapping key 'tiem_format'",
        "did you mean 'time_format'?",
    )
    assert (d.span.line, d.span.column, d.source_line) == (3, 1, 'tiem_format = "iso"')


def test_bad_values_show_the_key_and_the_value(tmp_path):
    found = diagnostics(
        tmp_path,
        '[log]\nzone = "Mars/Olympus"\ntime_format = "dd/qq/yyyy"\ndelimiter = ";;"\n',
    )
    assert [(d.code, d.span.line if d.span else 0, d.message) for d in found] == [
        (
            "E410",
            2,
            "log.zone = 'Mars/Olympus': unknown time zone 'Mars/Olympus' (use an IANA name)",
        ),
        (
            "E410",
            3,
            "log.time_format = 'dd/qq/yyyy': unknown part 'qq' in time format 'dd/qq/yyyy'; "
            "use yyyy, yy, mm, dd, hh, mm, ss, sss, zzz, or a strptime format with %",
        ),
        ("E410", 4, "log.delimiter = ';;': a delimiter is one character, not ';;'"),
    ]


def test_condition_needs_one_test_and_toml_errors_have_positions(tmp_path):
    [d] = diagnostics(
        tmp_path,
        '[log]\n[[log.events]]\ntype = "a"\ntime = "t"\nwhen = { column = "x" }\n',
    )
    assert d.message == (
        "log.events.0.when.0 = {'column': 'x'}: a condition needs exactly one of "
        "'present', 'in' or 'not_in'"
    )
    [d] = diagnostics(tmp_path, "[log]\nzone = \n")
    assert (d.code, d.span.line) == ("E410", 2)
    assert d.message.startswith("mapping file is not valid TOML: Invalid value")


def test_columns_not_in_the_header_are_named_with_a_suggestion(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("when,kind\n2026-03-02T10:00:00Z,a\n")
    with pytest.raises(MappingError) as caught:
        open_log(str(path), mapping_from_dict({"time": "whne", "type": "kind"}))
    [d] = caught.value.diagnostics
    assert d.message == (
        f"{path}: the mapping names column 'whne', which is not in the header (columns: when, kind)"
    )
    assert d.hint == "did you mean 'when'?"


CALLS = {
    "delimiter": "\t",
    "date": "date",
    "date_format": "yymmdd",
    "time_format": "h:mm:ss",
    "zone": "Asia/Jerusalem",
    "day_rollover": True,
    "missing_in": {c: ["0:00:00"] for c in ("q_start", "q_exit", "ser_start", "ser_exit")},
    "numbers": ["call_id", "q_time"],
    "rename": {"type": "queue"},
    "events": [
        {
            "type": "call.entered",
            "time": "vru_entry",
            "when": {"column": "outcome", "not_in": ["PHANTOM"]},
            "attrs": {"call": "{vru+line}/{call_id}", "source": "vru"},
        },
        {"type": "call.queued", "time": "q_start", "when": {"column": "q_start", "present": True}},
        {
            "type": "call.answered",
            "time": "ser_start",
            "when": {"column": "outcome", "in": ["AGENT"]},
        },
        {
            "type": "call.abandoned",
            "time": "q_exit",
            "when": [{"column": "outcome", "in": ["HANG"]}, {"column": "q_exit", "present": True}],
        },
    ],
}


def test_one_row_several_events_with_date_and_time_of_day_columns():
    logs, events = events_of(DATA / "calls.tsv", CALLS)
    got = [(e.type, e.time, e.line, e.id.rsplit(":", 1)[1]) for e in events]
    assert got == [
        ("call.entered", datetime(1999, 2, 1, 7, 2, 47, tzinfo=JERUSALEM), 2, "2#1"),
        ("call.answered", datetime(1999, 2, 1, 7, 2, 55, tzinfo=JERUSALEM), 2, "2#3"),
        ("call.entered", datetime(1999, 2, 1, 8, 9, 16, tzinfo=JERUSALEM), 3, "3#1"),
        ("call.queued", datetime(1999, 2, 1, 8, 9, 22, tzinfo=JERUSALEM), 3, "3#2"),
        ("call.abandoned", datetime(1999, 2, 1, 8, 9, 27, tzinfo=JERUSALEM), 3, "3#4"),
        ("call.entered", datetime(1999, 2, 15, 23, 59, 54, tzinfo=JERUSALEM), 4, "4#1"),
        ("call.queued", datetime(1999, 2, 15, 23, 59, 54, tzinfo=JERUSALEM), 4, "4#2"),
        # served after midnight: the time of day is before the entry, so it is the next day
        ("call.answered", datetime(1999, 2, 16, 0, 0, 26, tzinfo=JERUSALEM), 4, "4#3"),
    ]
    first = events[0]
    assert first.attrs["call"] == "AA0101/1" and first.attrs["source"] == "vru"
    assert first.attrs["queue"] == "PS" and first.attrs["call_id"] == 1
    assert "q_start" not in first.attrs  # 0:00:00 means never queued
    assert "source" not in events[1].attrs  # extra attributes belong to their entry
    summary = logs.summaries()[0]
    # the PHANTOM row is accepted and yields no events
    assert (summary.read, summary.accepted, summary.rejected, summary.events) == (4, 4, 0, 8)


def test_type_template_slug_missing_drop_numbers_rename(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "case,status,sub status,at,team,junk,n\n"
        "c1,Accepted,Wait - User,29/2/2016 01:16,?,j,3\n"
        "c1,Completed,Closed,1/3/2016 9:05,G 1,j,2.5\n"
    )
    table = {
        "time": "at",
        "time_format": "d/m/yyyy HH:MM",
        "type": "incident.{status}.{sub status}",
        "type_values": "slug",
        "missing": ["?"],
        "drop": ["junk"],
        "numbers": ["n"],
        "rename": {"team": "group"},
    }
    _, events = events_of(path, table)
    assert [(e.type, e.time) for e in events] == [
        ("incident.accepted.wait_user", datetime(2016, 2, 29, 1, 16, tzinfo=UTC)),
        ("incident.completed.closed", datetime(2016, 3, 1, 9, 5, tzinfo=UTC)),
    ]
    assert events[0].attrs == {
        "case": "c1",
        "status": "Accepted",
        "sub status": "Wait - User",
        "n": 3,
    }
    assert events[1].attrs["group"] == "G 1" and events[1].attrs["n"] == 2.5


def test_epoch_and_ignore_offset(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"t": 1700000000, "type": "a"}\n{"t": "1700000001.5", "type": "b"}\n')
    _, events = events_of(path, {"time": "t", "time_format": "epoch_s"})
    assert [e.time for e in events] == [
        datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC),
        datetime(2023, 11, 14, 22, 13, 21, 500000, tzinfo=UTC),
    ]
    path.write_text('{"t": 1700000000123, "type": "a"}\n')
    _, [event] = events_of(path, {"time": "t", "time_format": "epoch_ms"})
    assert event.time == datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)
    path.write_text('{"time": "2013-09-26T10:15:14+10:00", "type": "a"}\n')
    _, [event] = events_of(path, {"ignore_offset": True, "zone": "Europe/Amsterdam"})
    assert event.time.astimezone(UTC) == datetime(2013, 9, 26, 8, 15, 14, tzinfo=UTC)
    _, [kept] = events_of(path, {})
    assert kept.time.utcoffset() == timedelta(hours=10)
    assert kept.time == datetime(2013, 9, 26, 0, 15, 14, tzinfo=UTC)


def test_strptime_format_and_unparsable_time_in_a_mapped_column(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("at,type\n2026.03.02 10h05,a\n2026-03-02,b\n")
    logs, events = events_of(path, {"time": "at", "time_format": "%Y.%m.%d %Hh%M", "zone": "UTC"})
    assert [e.time for e in events] == [datetime(2026, 3, 2, 10, 5, tzinfo=UTC)]
    [bad] = logs.rejected
    assert (bad.line, bad.code, bad.reason, bad.sample) == (
        3,
        "E404",
        "time '2026-03-02' in 'at' does not match the format '%Y.%m.%d %Hh%M'",
        "2026-03-02,b",
    )


def test_dst_gap_and_fold_in_the_zone(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(
        '{"time": "2026-03-29T02:30:00", "type": "gap"}\n'  # clocks jump 02:00 -> 03:00
        '{"time": "2026-10-25T02:30:00", "type": "fold"}\n'  # 02:00-03:00 happens twice
    )
    _, events = events_of(path, {"zone": "Europe/Amsterdam"})
    # the gap reads with the offset before the change (+01:00); the fold is the first (+02:00)
    assert [e.time.astimezone(UTC) for e in events] == [
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
    ]
