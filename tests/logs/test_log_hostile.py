"""Bad records are rejected with line, code and reason; the rest is read; counts reconcile."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxrules.logs import LogError, LogSet, mapping_from_dict, open_log

BIG = 10 * 1024 * 1024


def hostile(path: Path) -> None:
    lines = [
        b'{"time": "2026-03-02T10:00:00Z", "type": "a"}',
        b'{"time": "2026-03-02T10:01:00Z", "type": "b"',
        b'{"type": "c"}',
        b'{"time": "yesterday", "type": "d"}',
        b'{"time": "2026-03-02T10:02:00Z"}',
        b'{"time": 1741000000, "type": "e"}',
        b'{"time": "2026-03-02T10:03:00Z", "type": 5}',
        b'{"time": "2026-03-02T10:04:00Z", "type": "caf\xe9"}',
        b'{"time": "2026-03-02T10:05:00Z", "type": "big", "pad": "' + b"x" * BIG + b'"}',
        b"[1, 2]",
        b"",
        b'{"time": "2026-03-02T10:06:00Z", "type": "z", "id": 7}',
        b'{"time": "2026-03-02T10:07:00Z", "type": "z", "id": {"a": 1}}',
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")


def test_hostile_jsonl(tmp_path):
    path = tmp_path / "hostile.jsonl"
    hostile(path)
    logs = LogSet([open_log(str(path))])
    events = list(logs.events())
    assert [(e.type, e.id, e.line) for e in events] == [("a", f"{path}:1", 1), ("z", "7", 12)]
    got = [(r.line, r.code, r.reason) for r in logs.rejected]
    assert got == [
        (2, "E402", "not valid JSON: unexpected end of data at character 45"),
        (3, "E403", "no time: column 'time' is missing"),
        (4, "E404", "time 'yesterday' in 'time' is not ISO 8601"),
        (5, "E405", "no type: column 'type' is missing or empty"),
        (
            6,
            "E406",
            "'time' has the wrong type: expected an ISO 8601 string, got 1741000000: "
            'it looks like seconds since 1970: time_format = "epoch_s"',
        ),
        (7, "E406", "type in 'type' must be a string, got 5"),
        (
            8,
            "E407",
            "bytes are not valid UTF-8 at byte 46 of the line; give the file's encoding in the "
            'mapping, e.g. encoding = "cp1252" or "latin-1"',
        ),
        (9, "E408", "record is longer than the maximum of 1048576 bytes"),
        (10, "E411", "a record must be a JSON object, got list"),
        (13, "E406", "id in 'id' must be a string or an integer, got {'a': 1}"),
    ]
    assert all(r.file == str(path) for r in logs.rejected)
    assert all(len(r.sample) <= 200 for r in logs.rejected)
    assert logs.rejected[7].sample.startswith('{"time": "2026-03-02T10:05:00Z", "type": "big"')
    summary = logs.summaries()[0]
    # 13 lines, one blank: 12 records, 2 accepted, 10 rejected
    assert (summary.read, summary.accepted, summary.rejected) == (12, 2, 10)
    assert summary.read == summary.accepted + summary.rejected
    assert logs.rejected_total == 10


def test_configurable_record_limit_and_crlf(tmp_path):
    path = tmp_path / "t.jsonl"
    short = b'{"time": "2026-03-02T10:00:00Z", "type": "a"}'  # 45 bytes
    long = b'{"time": "2026-03-02T10:00:00Z", "type": "a", "x": 1}'  # 53 bytes
    path.write_bytes(short + b"\r\n" + long + b"\r\n")
    logs = LogSet([open_log(str(path), mapping_from_dict({"max_record": 45}))])
    assert [e.line for e in logs.events()] == [1]
    assert [(r.line, r.code) for r in logs.rejected] == [(2, "E408")]


def test_empty_file_is_zero_records(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    logs = LogSet([open_log(str(path))])
    assert list(logs.events()) == []
    summary = logs.summaries()[0]
    assert (summary.read, summary.events, summary.first_time) == (0, 0, None)


def test_csv_bad_bytes_long_line_and_bad_number(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(
        b"time,type,n\n"
        b"2026-03-02T10:00:00Z,a,1\n"
        b"2026-03-02T10:01:00Z,b\xff,2\n"
        b"2026-03-02T10:02:00Z,c," + b"9" * 200 + b"\n"
        b"2026-03-02T10:03:00Z,d,x1\n"
        b'2026-03-02T10:04:00Z,"e\n'
    )
    mapping = mapping_from_dict({"numbers": ["n"], "max_record": 100})
    logs = LogSet([open_log(str(path), mapping)])
    assert [(e.type, e.attrs) for e in logs.events()] == [("a", {"n": 1})]
    assert [(r.line, r.code, r.reason) for r in logs.rejected] == [
        (
            3,
            "E407",
            "bytes are not valid UTF-8 at byte 23 of the line; give the file's encoding in the "
            'mapping, e.g. encoding = "cp1252" or "latin-1"',
        ),
        (4, "E408", "record is longer than the maximum of 100 bytes"),
        (5, "E406", "column 'n' is not a number: 'x1'"),
        (
            6,
            "E402",
            "not valid CSV: a quoted field opened on line 6 is never closed (a quote inside a "
            'quoted field is written twice: "")',
        ),
    ]
    summary = logs.summaries()[0]
    assert (summary.read, summary.accepted, summary.rejected) == (5, 1, 4)


def test_a_count_since_1970_read_with_another_format_is_told_its_format(tmp_path):
    """An export of epoch seconds read as ISO was told only 'is not ISO 8601' (or for a JSON
    number 'has the wrong type'), and milliseconds read as epoch_s 'outside the times cxrules
    can represent', with no word of time_format (hunt64 finding-9)."""
    lines = tmp_path / "t.jsonl"
    lines.write_text('{"time": 1772445600, "type": "a"}\n{"time": "1772445600123", "type": "a"}\n')
    logs = LogSet([open_log(str(lines))])
    assert list(logs.events()) == []
    assert [(r.code, r.reason) for r in logs.rejected] == [
        (
            "E406",
            "'time' has the wrong type: expected an ISO 8601 string, got 1772445600: "
            'it looks like seconds since 1970: time_format = "epoch_s"',
        ),
        (
            "E404",
            "time '1772445600123' in 'time' is not ISO 8601: "
            'it looks like milliseconds since 1970: time_format = "epoch_ms"',
        ),
    ]
    table = tmp_path / "t.csv"
    table.write_text("time,type\n1772445600000,a\n20260302,b\n1772445600,c\n")
    logs = LogSet([open_log(str(table), mapping_from_dict({"time_format": "epoch_s"}))])
    assert [(e.type, e.time.isoformat()) for e in logs.events()] == [
        ("b", "1970-08-23T11:51:42+00:00"),  # 234 days and 42,702 s: a count, read as one
        ("c", "2026-03-02T10:00:00+00:00"),
    ]
    assert [(r.line, r.code, r.reason) for r in logs.rejected] == [
        (
            2,
            "E413",
            "time '1772445600000' in 'time' is outside the times cxrules can represent "
            "(0001-01-02 to 9999-12-30 UTC): "
            'it looks like milliseconds since 1970: time_format = "epoch_ms"',
        ),
    ]


def test_a_csv_header_that_is_not_valid_csv_stops_the_read_and_is_said_plainly(tmp_path):
    """A header with a stray quote ('"x"y') passed the header check (read leniently) and was
    then rejected by the strict read, which took the first data row for the header: that row
    vanished from the counts and every other row was 'no time' (hunt64 finding-7). A file of
    an old Mac export, whose lines end with CR alone, was refused with Python's 'do you need
    to open the file in universal-newline mode?'."""
    from cxrules.logs.readers import read_csv

    quoted = b'time,type,"x"y\n2026-03-02T10:00:00Z,a,5\n2026-03-02T10:00:01Z,b,7\n'
    path = tmp_path / "quoted.csv"
    path.write_bytes(quoted)
    why = (
        "line 1: the header is not valid CSV: ',' expected after '\"': a field with a quote in it"
        ' is quoted whole, with the quote written twice ("Ticket ""ID""")'
    )
    with pytest.raises(LogError) as caught:
        open_log(str(path))
    assert caught.value.reason == why
    with path.open("rb") as stream, pytest.raises(LogError) as caught:
        list(read_csv(stream, 1000, "quoted.csv", ",", "utf-8"))  # read without the check
    assert caught.value.reason == why
    mac = tmp_path / "mac.csv"
    mac.write_bytes(b"time,type\r2026-03-02T10:00:00Z,a\r2026-03-02T10:00:01Z,b\r")
    cr = (
        "a carriage return (CR) inside an unquoted field; a file whose lines all end with CR"
        " alone (an old Mac export) is read as one line: save it with LF or CRLF line ends"
    )
    with pytest.raises(LogError) as caught:
        open_log(str(mac))
    assert caught.value.reason == f"line 1: the header is not valid CSV: {cr}"
    one = tmp_path / "one.csv"
    one.write_bytes(b"time,type\n2026-03-02T10:00:00Z,a\rb\n2026-03-02T10:00:01Z,c\n")
    logs = LogSet([open_log(str(one))])
    assert [e.type for e in logs.events()] == ["c"]
    assert [(r.line, r.code, r.reason) for r in logs.rejected] == [
        (2, "E402", f"not valid CSV: {cr}")
    ]


def test_a_quoted_csv_field_is_limited_by_max_record_not_by_csv_s_field_limit(tmp_path):
    """Python's csv refuses a field over 128 KiB: a complaint whose quoted text ran to 200 KB
    (a long e-mail, well within max_record) was rejected as "not valid CSV: field larger than
    field limit (131072)", its lines after the first read as records of one field each; and a
    quote left open swallowed the next 128 KiB of rows with that reason and no word of which
    lines went (hunt23 finding-3)."""
    path = tmp_path / "long.csv"
    text = "Dear support,\n" + "my order never came.\n" * 10_000  # 210,014 characters
    path.write_text(
        "time,type,text\n"
        f'2026-03-02T10:00:00Z,complaint.filed,"{text}"\n'
        "2026-03-02T11:00:00Z,complaint.closed,done\n"
    )
    logs = LogSet([open_log(str(path))])
    assert [(e.type, len(e.attrs["text"])) for e in logs.events()] == [
        ("complaint.filed", 210_014),
        ("complaint.closed", 4),
    ]
    assert logs.rejected == []
    # a quote left open: the record runs until it is longer than max_record (lines of 25
    # bytes: line 2 opens it, line 42 takes it past 1,000 bytes), then the rest is read
    path = tmp_path / "open.csv"
    rows = [f"2026-03-02T10:{n // 60:02d}:{n % 60:02d}Z,a,x" for n in range(100)]
    rows[0] = rows[0].replace(",x", ',"x')
    path.write_text("time,type,text\n" + "\n".join(rows) + "\n")
    logs = LogSet([open_log(str(path), mapping_from_dict({"max_record": 1000}))])
    assert [e.line for e in logs.events()] == list(range(43, 102))
    # the field limit is the global state of Python's csv: a header read next is not bound by
    # the last input's max_record
    wide = tmp_path / "wide.csv"
    wide.write_text(f"time,type,{'x' * 2000}\n2026-03-02T10:00:00Z,a,1\n")
    assert [e.attrs for e in LogSet([open_log(str(wide))]).events()] == [{"x" * 2000: "1"}]
    assert [(r.line, r.code, r.reason) for r in logs.rejected] == [
        (
            2,
            "E408",
            "record is longer than the maximum of 1000 bytes: a quoted field opened on line 2 is"
            " not closed by line 42, so lines 2 to 42 were read as one record (a quote inside a"
            ' quoted field is written twice: "")',
        )
    ]


def test_an_attribute_time_no_engine_can_hold_rejects_its_record(tmp_path):
    """An event's time outside 0001-01-02..9999-12-30 UTC is E413, but an XES date attribute,
    a Parquet timestamp with a zone or a `times` column was let through, and comparing it with
    `time` stopped both engines ('internal error: OverflowError: date value out of range',
    '... instant -62135600400000000 µs is outside the years 1 to 9999') (hunt23 finding-6)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    xes = tmp_path / "far.xes"
    xes.write_text(
        "<log><trace>\n"
        '<event><string key="concept:name" value="a"/><date key="due"'
        ' value="0001-01-01T00:00:00+01:00"/><date key="time:timestamp"'
        ' value="2010-01-01T00:00:00Z"/></event>\n'
        '<event><string key="concept:name" value="b"/><list key="dues"><values><date key="d"'
        ' value="9999-12-31T23:59:59-05:00"/></values></list><date key="time:timestamp"'
        ' value="2010-01-01T00:00:01Z"/></event>\n'
        '<event><string key="concept:name" value="c"/><date key="due"'
        ' value="0001-01-02T00:00:00Z"/><date key="time:timestamp"'
        ' value="2010-01-01T00:00:02Z"/></event>\n'
        "</trace></log>\n"
    )
    logs = LogSet([open_log(str(xes))])
    assert [e.type for e in logs.events()] == ["c"]
    range_ = "is outside the times cxrules can represent (0001-01-02 to 9999-12-30 UTC)"
    assert [(r.line, r.code, r.reason) for r in logs.rejected] == [
        (2, "E413", f"time 0001-01-01T00:00:00+01:00 in attribute 'due' {range_}"),
        (3, "E413", f"time 9999-12-31T23:59:59-05:00 in attribute 'dues' {range_}"),
    ]
    parquet = tmp_path / "far.parquet"
    from datetime import UTC, datetime

    dues = [datetime(1, 1, 1, 12, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC)]
    table = pa.table(
        {
            "time": ["2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z"],
            "type": ["a", "b"],
            "due": pa.array(dues, pa.timestamp("us", tz="UTC")),
        }
    )
    pq.write_table(table, parquet)
    logs = LogSet([open_log(str(parquet))])
    assert [e.type for e in logs.events()] == ["b"]
    assert [(r.line, r.code) for r in logs.rejected] == [(1, "E413")]
    csv = tmp_path / "far.csv"
    csv.write_text("time,type,due\n2026-03-02T10:00:00Z,a,0001-01-01 00:00\n")
    mapping = mapping_from_dict({"zone": "Europe/Rome", "times": {"due": "yyyy-mm-dd hh:mm"}})
    logs = LogSet([open_log(str(csv), mapping)])
    assert list(logs.events()) == []
    assert [(r.line, r.code, r.reason) for r in logs.rejected] == [
        (2, "E413", f"time '0001-01-01 00:00' in attribute 'due' {range_}")
    ]


def test_a_parquet_string_that_is_not_utf8_rejects_its_row_as_such(tmp_path):
    """A writer may put any bytes in a Parquet string column: the row was rejected as E413
    "column 'who' holds a time outside the years 1 to 9999" (hunt23 finding-9)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "t.parquet"
    who = pa.array([b"Ann", b"Jos\xe9", b"Bo"], pa.binary()).view(pa.string())
    table = pa.table({"time": ["2026-03-02T10:00:00Z"] * 3, "type": ["a", "b", "c"], "who": who})
    pq.write_table(table, path)
    logs = LogSet([open_log(str(path))])
    assert [e.attrs["who"] for e in logs.events()] == ["Ann", "Bo"]
    assert [(r.line, r.code, r.reason) for r in logs.rejected] == [
        (2, "E407", "column 'who' holds a string whose bytes are not valid UTF-8 at byte 4")
    ]


def test_a_number_column_takes_ascii_numbers_only(tmp_path):
    """Python's float() also reads '1_000' and Arabic-Indic digits; a `numbers` column holds
    numbers as comparisons read texts (ASCII digits, sign, fraction, exponent, inf, nan)."""
    path = tmp_path / "t.csv"
    path.write_text(
        "time,type,n\n"
        "2026-03-02T10:00:00Z,a, 1.5e3 \n"
        "2026-03-02T10:01:00Z,b,1_000\n"
        "2026-03-02T10:02:00Z,c,\u0663\n"
        "2026-03-02T10:03:00Z,d,-7\n"
        "2026-03-02T10:04:00Z,e," + "x" * 5000 + "\n",
        encoding="utf-8",
    )
    logs = LogSet([open_log(str(path), mapping_from_dict({"numbers": ["n"]}))])
    assert [(e.type, e.attrs) for e in logs.events()] == [("a", {"n": 1500.0}), ("d", {"n": -7})]
    assert [(r.line, r.code, r.reason) for r in logs.rejected] == [
        (3, "E406", "column 'n' is not a number: '1_000'"),
        (4, "E406", "column 'n' is not a number: '\u0663'"),
        # a long value is cut as the other reasons cut it (it was quoted whole: hunt22)
        (6, "E406", "column 'n' is not a number: '" + "x" * 56 + "..."),
    ]


def test_a_number_with_a_decimal_comma_is_rejected_with_the_number_to_write(tmp_path):
    # a Romanian or Turkish spreadsheet's export writes '8,5' (and ';' between columns):
    # rejected, it said only "is not a number: '8,5'", as for 'x1' (hunt69 finding-8)
    path = tmp_path / "t.csv"
    path.write_text(
        "time;type;n\n2026-03-02T10:00:00Z;a;8,5\n2026-03-02T10:01:00Z;b;1,2,3\n",
        encoding="utf-8",
    )
    mapping = mapping_from_dict({"numbers": ["n"], "delimiter": ";"})
    logs = LogSet([open_log(str(path), mapping)])
    assert list(logs.events()) == []
    assert [(r.line, r.code, r.reason) for r in logs.rejected] == [
        (
            2,
            "E406",
            "column 'n' is not a number: '8,5' (a decimal comma? write 8.5, or give the"
            ' mapping decimal = ",")',
        ),
        (3, "E406", "column 'n' is not a number: '1,2,3'"),
    ]


def test_rejected_list_is_capped_but_counted(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"type": "x"}\n' * 30)
    logs = LogSet([open_log(str(path))], max_rejected=5)
    assert list(logs.events()) == []
    assert (len(logs.rejected), logs.rejected_total) == (5, 30)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.binary(max_size=40), max_size=8))
def test_no_input_gives_a_traceback(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("fuzz") / "f.jsonl"
    data = b"\n".join(lines)
    path.write_bytes(data)
    logs = LogSet([open_log(str(path))])
    try:
        events = list(logs.events(sorted=True))
    except LogError as exc:  # bytes that start like gzip are read as gzip, and are corrupt
        assert data.startswith(b"\x1f\x8b"), exc
        return
    summary = logs.summaries()[0]
    assert summary.read == summary.accepted + summary.rejected
    assert summary.events == len(events)


def test_corrupt_gzip_and_corrupt_parquet_are_log_errors(tmp_path):
    path = tmp_path / "t.jsonl.gz"
    packed = gzip.compress(b'{"time": "2026-03-02T10:00:00Z", "type": "a"}\n' * 100)
    path.write_bytes(packed[:12] + b"\xff" * 20 + packed[32:])  # deflate data that is no data
    logs = LogSet([open_log(str(path))])
    with pytest.raises(LogError) as caught:
        list(logs.events())
    assert caught.value.reason.startswith("the file is truncated or corrupt")
    parquet = tmp_path / "t.parquet"
    parquet.write_bytes(b"PAR1 this is not parquet PAR1")
    with pytest.raises(LogError) as caught:
        open_log(str(parquet))
    assert caught.value.reason.startswith("not a readable Parquet file")


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=300))
def test_no_csv_or_xes_input_gives_a_traceback(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz")
    csv_path = folder / "f.csv"
    csv_path.write_bytes(b"time,type\n" + data)
    xes_path = folder / "f.xes"
    xes_path.write_bytes(b'<log><trace><event><string key="concept:name" value="a"/>' + data)
    for path in (csv_path, xes_path):
        logs = LogSet([open_log(str(path))])
        list(logs.events(sorted=True))
        summary = logs.summaries()[0]
        assert summary.read == summary.accepted + summary.rejected


def test_a_day_first_time_is_rejected_with_the_time_format_to_write(tmp_path):
    # a Romanian or Turkish export writes '02.03.2026 09:00': every record was rejected with
    # "does not match the format 'iso'" and the audit ended NOTHING AUDITED with "check the
    # log, its format and the mapping" (hunt69 finding-18)
    path = tmp_path / "t.csv"
    path.write_text(
        "Data;Tip\n02.03.2026 09:00;a\n25/12/2026 7:05;b\n02/03/2026;c\n", encoding="utf-8"
    )
    mapping = mapping_from_dict({"delimiter": ";", "time": "Data", "type": "Tip"})
    logs = LogSet([open_log(str(path), mapping)])
    assert list(logs.events()) == []
    said = "does not match the format 'iso': it reads as time_format ="
    assert [(r.line, r.code, r.reason) for r in logs.rejected] == [
        (2, "E404", f"time '02.03.2026 09:00' in 'Data' {said} \"dd.mm.yyyy hh:mm\""),
        (3, "E404", f"time '25/12/2026 7:05' in 'Data' {said} \"dd/mm/yyyy h:mm\""),
        (
            4,
            "E404",
            f"time '02/03/2026' in 'Data' {said} \"dd/mm/yyyy\" (or \"mm/dd/yyyy\" if the month "
            "comes first)",
        ),
    ]
