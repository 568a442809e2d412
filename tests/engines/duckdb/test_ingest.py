"""The duckdb engine's ingestion: the events table equals the Python readers' sorted read,
event by event, with the same counts, rejections and duplicates, on every kind of input."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxrules.engines.duckdb.csvfile import CsvPlan
from cxrules.engines.duckdb.ingest import ingest
from cxrules.engines.duckdb.parquetfile import ParquetPlan
from cxrules.engines.duckdb.pyroute import attrs_json
from cxrules.engines.duckdb.verify import differences, duckdb_read, python_read
from cxrules.logs import LogMapping, LogSet, MappingError, load_mapping, mapping_from_dict, open_log
from cxrules.time.instants import to_us

# What only the duckdb engine has: runs when it is one of the engines tested.
pytestmark = pytest.mark.engines("duckdb")

DATA = Path(__file__).resolve().parents[2] / "logs" / "data"

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
    ],
}
COMPLAINTS = {
    "delimiter": ";",
    "encoding": "latin-1",
    "time": "when",
    "time_format": "dd/mm/yyyy hh:mm",
    "zone": "Europe/Amsterdam",
    "type": "kind",
    "rename": {"Klant": "customer"},
}


def compare(paths: list[Path | str], mapping: dict | LogMapping | None = None, **options):
    """Read the same inputs both ways; assert they agree; return both sides."""
    make = _maker(paths, mapping, options)
    expected = python_read(make)
    got = duckdb_read(make)
    assert differences(expected, got) == []
    return expected, got


def same_error(paths: list[Path | str], mapping: dict | LogMapping | None = None, **options):
    """Read the same inputs both ways; assert both raise the same MappingError; return it."""
    make = _maker(paths, mapping, options)
    with pytest.raises(MappingError) as python_side:
        python_read(make)
    with pytest.raises(MappingError) as duckdb_side:
        duckdb_read(make)
    assert duckdb_side.value.diagnostics == python_side.value.diagnostics
    return python_side.value


def _maker(paths: list[Path | str], mapping: dict | LogMapping | None, options: dict):
    def make() -> LogSet:
        made = mapping if isinstance(mapping, LogMapping) else mapping_from_dict(mapping or {})
        return LogSet([open_log(str(p), made) for p in paths], **options)

    return make


def write(path: Path, lines: list[bytes | str], end: bytes = b"\n") -> Path:
    data = [line.encode() if isinstance(line, str) else line for line in lines]
    path.write_bytes(end.join(data) + end)
    return path


# -- every file of tests/logs/data ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "mapping", "route"),
    [
        ("visits.jsonl", {"zone": "Europe/Istanbul"}, "jsonl:duckdb"),
        ("visits.jsonl", {}, "jsonl:duckdb"),
        ("cases.xes", {}, "python"),
        ("calls.tsv", CALLS, "python"),
        ("complaints.csv", COMPLAINTS, "python"),
    ],
)
def test_every_test_data_file(name, mapping, route):
    _, got = compare([DATA / name], mapping)
    assert got.routes == [route]
    assert got.events  # the files are not empty


def test_visits_are_read_by_duckdb_except_the_nested_object():
    con = duckdb.connect()
    done = ingest(con, LogSet([open_log(str(DATA / "visits.jsonl"))]))
    # line 3 holds a nested object ("meta"): the Python readers build that event
    assert done.native == [3]
    assert con.execute("SELECT count(*) FROM events").fetchall() == [(4,)]


def test_naive_times_among_aware_ones_are_read_by_duckdb_with_the_zones_offsets(tmp_path):
    """A batch is read as if every time were aware; the naive lines are then read again with
    the zone table's offsets (both sides of the spring change in Bucharest), not left to the
    Python readers; a repeated key still is."""
    log = write(
        tmp_path / "mixed.jsonl",
        [
            '{"time": "2026-03-29T02:30:00+02:00", "type": "aware"}',
            '{"time": "2026-03-29T02:59:00", "type": "before"}',
            '{"time": "2026-03-29T04:01:00", "type": "after"}',
            '{"time": "2026-03-29T05:00:00Z", "type": "utc"}',
            '{"time": "2026-03-29T06:00:00", "type": "twice", "type": "again"}',
        ],
    )
    mapping = {"zone": "Europe/Bucharest"}
    _, got = compare([log], mapping)
    assert [e[2] for e in got.events] == ["aware", "before", "after", "again", "utc"]
    # 02:59 is +02:00 (00:59 UTC), 04:01 is +03:00 (01:01 UTC)
    assert [e[0] for e in got.events][1:3] == [
        to_us(datetime(2026, 3, 29, 0, 59, tzinfo=UTC)),
        to_us(datetime(2026, 3, 29, 1, 1, tzinfo=UTC)),
    ]
    con = duckdb.connect()
    done = ingest(con, _maker([log], mapping, {})())
    assert done.routes == ["jsonl:duckdb"] and done.native == [4]  # the repeated key: Python


# -- hostile lines ---------------------------------------------------------------------------

T = '"time": "2026-03-02T10:00:00Z"'
HOSTILE = [
    f'{{{T}, "type": "a"}}',
    f'{{{T}, "type": "b"',  # not valid JSON
    '{"type": "c"}',  # no time
    '{"time": "yesterday", "type": "d"}',
    f"{{{T}}}",  # no type
    '{"time": 1741000000, "type": "e"}',  # time a number
    f'{{{T}, "type": 5}}',
    b'{"time": "2026-03-02T10:04:00Z", "type": "caf\xe9"}',  # latin-1 byte
    "[1, 2]",
    "",
    "   \t ",
    f'{{{T}, "type": "z", "id": 7}}',
    f'{{{T}, "type": "z", "id": {{"a": 1}}}}',
    f'{{{T}, "type": "z", "id": ""}}',
    f'{{{T}, "type": "z", "id": true}}',
    f'{{{T}, "type": "z", "id": 7.0}}',
    f'{{{T}, "type": "z", "id": null}}',
    f'{{{T}, "type": ""}}',
    f'{{{T}, "type": "t", "n": NaN}}',
    f'{{{T}, "type": "t", "n": Infinity}}',
    f'{{{T}, "type": "t", "n": -inf}}',
    f'{{{T}, "type": "t", "n": 1e999}}',
    f'{{{T}, "type": "t", "n": 1e-400}}',
    f'{{{T}, "type": "t", "n": [1, 2,]}}',
    f'{{{T}, "type": "t", "n": 1,}}',
    f'{{{T}, "type": "t", "n": 18446744073709551615}}',
    f'{{{T}, "type": "t", "n": 18446744073709551616}}',
    f'{{{T}, "type": "t", "n": -9223372036854775809}}',
    f'{{{T}, "type": "t", "n": 123456789012345678901234567890}}',
    f'{{{T}, "type": "t", "n": "12"}}',  # a number as a string stays a string
    f'{{{T}, "type": "t", "n": 1.50, "m": 1E+5, "k": -0, "j": -0.0}}',
    f'{{{T}, "type": "t", "a": {{"b": {{"c": [1, {{"d": null}}]}}}}}}',
    f'{{{T}, "type": "t", "a": 1, "a": 2}}',  # a repeated key: the last value wins
    f'{{{T}, "type": "t", "type": "u"}}',
    f'{{"time": "2026-03-02T10:00:00Z", {T}, "type": "t"}}',
    f'{{{T}, "type": "t", "n": {{"x": 1, "x": 2}}}}',
    f'{{{T}, "type": "t\\u00e9\\ud83d\\ude00", "s": "\\u0000\\n\\"\\/"}}',
    f'{{{T}, "type": "t", "s": "\\ud800"}}',  # a lone surrogate
    f'{{{T}, "type": "t"}} {{"x": 1}}',
    f'{{{T}, "type": "t"}} // comment',
    '{"time": "2026-03-02T10:00:00", "type": "naive"}',
    '{"time": "2026-03-02 10:00:00.5+03:00", "type": "space"}',
    '{"time": "2026-03-02T10:00:00.123456-05:30", "type": "micro"}',
    '{"time": "2026-03-02T10:00:00.1234567Z", "type": "seven digits"}',
    '{"time": "2026-03-02T10:00:00+05:99", "type": "odd offset"}',
    '{"time": "2026-03-02T24:00:00", "type": "hour 24"}',
    '{"time": "2026-02-29T10:00:00Z", "type": "not a leap year"}',
    '{"time": "2024-02-29T10:00:00Z", "type": "leap year"}',
    '{"time": "2026-03-02T10:00:60Z", "type": "second 60"}',
    '{"time": "2026-03-02X10:00:00Z", "type": "any separator"}',
    '{"time": "20260302T100000Z", "type": "basic format"}',
    '{"time": "2026-03-02", "type": "a date"}',
    '{"time": "2026-03-02T10:00:00z", "type": "lower z"}',
    '{"time": "0001-01-01T00:00:00Z", "type": "year 1 utc"}',
    '{"time": "9999-12-31T23:59:59.999999Z", "type": "last instant"}',
    '{"time": "1600-06-01T12:00:00Z", "type": "long ago"}',
    '{"time": "2300-06-01T12:00:00.000001Z", "type": "far ahead"}',
    '{"time": "0000-01-01T00:00:00Z", "type": "year 0"}',
    '{"time": "2026-03-02T10:00:00\\u002b03:00", "type": "escaped plus"}',
    '{"time": null, "type": "null time"}',
    '{"time": "-0000:", "type": "an offset-like tail"}',
    '{"time": "2026-03-02T10:00:00+0x:00", "type": "a bad offset"}',
    '{"time": ["2026-03-02T10:00:00Z"], "type": "list time"}',
    '\ufeff{"time": "2026-03-02T10:00:00Z", "type": "bom not on line 1"}',
    '  {"time": "2026-03-02T10:00:00Z", "type": "indented"}  ',
    '{"time": "2026-03-02T10:00:00Z", "type": "tab\tinside"}',
    '{"time" : "2026-03-02T10:00:00Z" , "type" : "spaced" , "x" : [ 1 , 2 ] }',
    b'{"time": "2026-03-02T10:00:00Z", "type": "nul", "x": "\x00"}',
    '"just a string"',
    "null",
    "42",
    "{}",
]


def test_hostile_lines(tmp_path):
    path = write(tmp_path / "hostile.jsonl", HOSTILE)
    expected, got = compare([path])
    assert got.routes == ["jsonl:duckdb"]
    assert len(got.rejected) > 30 and got.events
    # the reference itself: a few reasons, verbatim
    reasons = {r.line: (r.code, r.reason) for r in expected.rejected}
    assert reasons[2] == ("E402", "not valid JSON: unexpected end of data at character 45")
    assert reasons[9] == ("E411", "a record must be a JSON object, got list")


def test_hostile_lines_with_crlf_bom_and_no_final_newline(tmp_path):
    lines = ["\ufeff" + HOSTILE[0], *HOSTILE[1:]]
    path = tmp_path / "crlf.jsonl"
    data = b"\r\n".join(line.encode() if isinstance(line, str) else line for line in lines)
    path.write_bytes(data)  # no line end after the last line
    compare([path])


def test_hostile_lines_in_a_zone_with_ignore_offset(tmp_path):
    path = write(tmp_path / "hostile.jsonl", HOSTILE)
    compare([path], {"zone": "America/New_York", "ignore_offset": True})


def test_the_blank_and_bad_lines_do_not_shift_seq(tmp_path):
    lines = [f'{{"time": "2026-03-02T10:00:0{i}Z", "type": "t{i}"}}' for i in range(6)]
    lines[2] = "not json"
    lines.insert(4, "")
    _, got = compare([write(tmp_path / "a.jsonl", lines)])
    assert [e[1] for e in got.events] == [0, 1, 2, 3, 4]
    assert [e[5] for e in got.events] == [1, 2, 4, 6, 7]


def test_times_beyond_the_range_every_zone_can_show_are_rejected_alike(tmp_path):
    # year 1 at +01:00 is 0000-12-31 in UTC, 9999-12-31 at -05:00 is 10000-01-01: both lie
    # outside 0001-01-02..9999-12-30 UTC and are E413 on either route (issue 10)
    path = write(
        tmp_path / "edge.jsonl",
        [
            '{"time": "9999-12-31T23:59:59-05:00", "type": "year 9999"}',
            '{"time": "2026-03-02T10:00:00Z", "type": "now"}',
            '{"time": "0001-01-01T00:00:00+01:00", "type": "year 1"}',
            '{"time": "0001-01-02T00:00:00Z", "type": "first"}',
            '{"time": "9999-12-30T23:59:59.999999Z", "type": "last"}',
            '{"time": "9999-12-31T00:00:00Z", "type": "too late"}',
        ],
    )
    expected, got = compare([path])
    assert [(r.line, r.code) for r in got.rejected] == [(1, "E413"), (3, "E413"), (6, "E413")]
    assert [r.line for r in expected.rejected] == [1, 3, 6]
    assert (got.summaries[0]["first_time"], got.summaries[0]["last_time"]) == (
        "0001-01-02T00:00:00+00:00",
        "9999-12-30T23:59:59.999999+00:00",
    )


# -- record limit --------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 1, 2, 3, 50])
@pytest.mark.parametrize("end", [b"\n", b"\r\n", b"\r\r\n", b"\r\r\r\n", b""])
def test_lines_about_the_record_limit(tmp_path, extra, end):
    limit = 60
    record = b'{"time": "2026-03-02T10:00:00Z", "type": "a", "p": "'
    long = record + b"x" * (limit - len(record) - 2 + extra) + b'"}'
    lines = [record + b'"}', long + end.rstrip(b"\n"), record + b'y"}']
    path = tmp_path / "t.jsonl"
    path.write_bytes(b"\n".join(lines) + (b"\n" if end else b""))
    _, got = compare([path], {"max_record": limit})
    if end == b"\n" and extra:
        assert got.rejected[0].code == "E408"


def test_a_line_longer_than_a_block(tmp_path):
    big = b'{"time": "2026-03-02T10:00:00Z", "type": "big", "p": "' + b"x" * (9 << 20) + b'"}'
    path = write(tmp_path / "big.jsonl", [b'{"time": "2026-03-02T10:00:00Z", "type": "a"}', big])
    _, got = compare([path])
    assert [(r.line, r.code) for r in got.rejected] == [(2, "E408")]
    _, got = compare([path], {"max_record": 10 << 20})
    assert len(got.events) == 2


def test_a_line_cut_mid_way_by_the_limit_is_read_by_python(tmp_path):
    # the first limit + 2 bytes end in \r\r: read_jsonl reads them as a record and the rest of
    # the line as the next line; the whole file is left to the Python readers
    limit = 60
    head = b'{"time": "2026-03-02T10:00:00Z", "type": "a"}'
    line = head + b" " * (limit - len(head)) + b"\r\r" + b'{"time": "x"}'
    path = write(tmp_path / "q.jsonl", [line, b'{"time": "2026-03-02T10:00:01Z", "type": "b"}'])
    _, got = compare([path], {"max_record": limit})
    assert got.routes == ["python"]
    assert [e[5] for e in got.events] == [1, 3]


def test_lists_nested_deeper_than_orjson_reads_are_rejected_alike(tmp_path):
    # orjson reads a record nested 1024 levels deep (the record is one level) and refuses one
    # level more; DuckDB's parser has no such limit and accepted the record (hunt10 finding-1).
    # The readers refuse more than 128 levels (hunt66 finding-K: 500 levels crashed the audit)
    def nested(n: int, second: int) -> str:
        return f'{{"time": "2026-03-02T10:00:0{second}Z", "type": "t", "d": {"[" * n}{"]" * n}}}'

    lines = [nested(1, 0), nested(127, 1), nested(128, 2), nested(1024, 3), nested(126, 4)]
    path = write(tmp_path / "deep.jsonl", lines)
    expected, got = compare([path])
    assert [(r.line, r.code) for r in expected.rejected] == [(3, "E402"), (4, "E402")]
    assert expected.rejected[0].reason == "not valid JSON: the record nests deeper than 128 levels"
    assert "depth limit" in expected.rejected[1].reason
    assert [e[5] for e in got.events] == [1, 2, 5]
    assert got.routes == ["jsonl:duckdb"]  # the deep lines alone go to Python


def test_attributes_nested_deeper_than_the_recursion_limit_are_written():
    deep: list = [float("nan")]
    for _ in range(3000):
        deep = [deep]
    text = attrs_json({"d": deep, "n": 2**70})
    assert text == '{"d":' + "[" * 3001 + "NaN" + "]" * 3001 + ',"n":1180591620717411303424}'


# -- order, several inputs, duplicates, gzip -------------------------------------------------


def test_unsorted_several_inputs_with_offsets_and_equal_times(tmp_path):
    one = write(
        tmp_path / "one.jsonl",
        [
            '{"time": "2026-03-02T12:00:00+03:00", "type": "a"}',
            '{"time": "2026-03-02T08:30:00Z", "type": "b"}',
            '{"time": "2026-03-02T09:00:00Z", "type": "c"}',
            '{"time": "2026-03-02T10:00:00", "type": "naive"}',
        ],
    )
    two = write(
        tmp_path / "two.jsonl",
        [
            '{"time": "2026-03-02T09:00:00Z", "type": "d"}',
            '{"time": "2026-03-02T07:00:00-02:00", "type": "e"}',
        ],
    )
    _, got = compare([one, two, one], {"zone": "Europe/Istanbul"})
    # the naive 10:00 is 07:00 UTC in Istanbul; 09:00 UTC ties keep file order
    assert [e[2] for e in got.events] == ["naive", "naive", "b", "b", "a", "c", "d", "e", "a", "c"]


def test_duplicate_ids_across_inputs(tmp_path):
    one = write(
        tmp_path / "one.jsonl",
        [
            '{"time": "2026-03-02T10:00:00Z", "type": "x", "id": "e1"}',
            '{"time": "2026-03-02T10:00:00Z", "type": "x", "id": "e1"}',
            '{"time": "2026-03-02T10:05:00Z", "type": "y", "id": "e2"}',
            '{"time": "2026-03-02T10:09:00Z", "type": "y", "id": 7}',
            '{"time": "2026-03-02T10:09:00Z", "type": "y", "id": "7"}',
            '{"time": "2026-03-02T10:09:00Z", "type": "y", "id": -0}',
            '{"time": "2026-03-02T10:09:00Z", "type": "y", "id": "0"}',
            '{"time": "2026-03-02T10:09:00Z", "type": "y", "id": null}',
            '{"time": "2026-03-02T10:09:00Z", "type": "y", "id": null}',
            '{"time": "2026-03-02T10:09:00Z", "type": "y", "id": "e2", "nested": {"a": 1}}',
        ],
    )
    two = write(
        tmp_path / "two.jsonl", ['{"time": "2026-03-02T10:01:00Z", "type": "z", "id": "e2"}']
    )
    _, got = compare([one, two])
    assert [s["duplicates"] for s in got.summaries] == [5, 0]
    assert got.duplicate_samples[0].reason == "duplicate event id 'e1', dropped"
    compare([one, two], duplicates="instant")
    compare([one, two], max_rejected=2)


def test_duplicate_key_of_fields(tmp_path):
    rows = [
        '{"time": "2026-03-02T10:00:00Z", "type": "x", "case": "c1", "n": 1}',
        '{"time": "2026-03-02T13:00:00+03:00", "type": "x", "case": "c1", "n": true}',
        '{"time": "2026-03-02T10:00:00.000Z", "type": "x", "case": "c1", "n": 1.0}',
        '{"time": "2026-03-02T10:00:00", "type": "x", "case": "c1", "n": 1}',
        '{"time": "2026-03-02T10:00:00Z", "type": "x", "case": "c2", "n": 1}',
        '{"time": "2026-03-02T10:00:00Z", "type": "x", "case": null, "n": 1}',
        '{"time": "2026-03-02T10:00:00Z", "type": "x", "n": 1}',
        '{"time": "2026-03-02T10:00:00Z", "type": "x", "case": {"a": 1}, "n": 1}',
        '{"time": "2026-03-02T10:00:00Z", "type": "x", "case": "{\'a\': 1}", "n": 1}',
        '{"time": "2026-03-02T10:00:00Z", "type": "x", "case": [1], "n": 1}',
        '{"time": "2026-03-02T10:00:00Z", "type": "x", "case": "c1", "n": 1.5}',
        '{"time": "2026-03-02T10:00:00Z", "type": "x", "case": "c1", "n": 1.5}',
        '{"time": "2026-03-02T10:00:00Z", "type": "y", "case": "c1", "n": 1, "id": "k"}',
    ]
    path = write(tmp_path / "a.jsonl", rows)
    for zone_name in ("UTC", "Europe/Istanbul"):
        mapping = {"duplicate_key": ["case", "time", "type", "n"], "zone": zone_name}
        _, got = compare([path], mapping)
        # true == 1 == 1.0; the dict {"a": 1} is keyed by its repr, equal to the string row 9;
        # rows 6 and 7 lack a case (null, missing): never duplicates
        assert got.summaries[0]["duplicates"] == (5 if zone_name == "UTC" else 4)
        compare([path], mapping, duplicates="instant")
    # ids without an id field are "<file>:<line>": unique
    _, got = compare([path], {"duplicate_key": ["case", "id"]})
    assert got.summaries[0]["duplicates"] == 0
    _, got = compare([path], {"duplicate_key": ["case", "n"]})
    assert got.duplicate_samples[0].reason == "duplicate event (c1, True), dropped"


def test_gzip_inputs_and_corrupt_gzip(tmp_path):
    raw = (DATA / "visits.jsonl").read_bytes()
    packed = tmp_path / "visits.jsonl.gz"
    packed.write_bytes(gzip.compress(raw) + gzip.compress(raw))  # two members
    _, got = compare([packed])
    assert got.summaries[0]["format"] == "jsonl.gz"
    corrupt = tmp_path / "corrupt.jsonl.gz"
    whole = bytearray(gzip.compress(raw, compresslevel=0, mtime=0))
    whole[-6] ^= 0xFF  # a byte of the CRC
    corrupt.write_bytes(bytes(whole))
    from cxrules.logs import LogError

    with pytest.raises(LogError) as caught:
        ingest(duckdb.connect(), LogSet([open_log(str(corrupt))]))
    assert caught.value.reason.startswith("the file is truncated or corrupt: CRC check failed")


CUT_LINES = {
    "a.jsonl": [f'{{"time": "2026-03-02T10:0{n}:00Z", "type": "a", "n": {n}}}' for n in range(5)],
    "a.csv": ["time,type,case"] + [f"2026-03-02T10:0{n}:00Z,a,c{n}23" for n in range(5)],
}


@pytest.mark.parametrize("name", sorted(CUT_LINES))
def test_a_gzip_cut_short_is_read_to_its_cut_as_the_python_readers_read_it(tmp_path, name):
    # hunt46 finding-K: refused as a whole (E401). DuckDB reads it natively, then the Python
    # readers read it again at the cut, for the cut record (E415) to be theirs: the last line
    # (line 5 of JSONL, 6 of CSV) loses its last 2 bytes, 'c423' read as 'c42' otherwise
    raw = write(tmp_path / name, CUT_LINES[name]).read_bytes()
    cut = tmp_path / f"{name}.gz"
    cut.write_bytes(gzip.compress(raw, compresslevel=0, mtime=0)[: 15 + len(raw) - 2])
    _, got = compare([cut])
    assert [(r.line, r.code) for r in got.rejected] == [(len(CUT_LINES[name]), "E415")]
    assert (got.summaries[0]["read"], got.summaries[0]["accepted"]) == (5, 4)
    done = ingest(duckdb.connect(), LogSet([open_log(str(cut))]))
    assert done.routes == ["python"]  # read natively first, then again at the cut
    whole = tmp_path / f"whole-{name}.gz"
    whole.write_bytes(gzip.compress(raw))
    native = "jsonl:duckdb" if name.endswith(".jsonl") else "csv:duckdb"
    assert ingest(duckdb.connect(), LogSet([open_log(str(whole))])).routes == [native]


def test_empty_file_and_rejections_capped_per_input(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    bad = write(tmp_path / "bad.jsonl", ['{"type": "x"}'] * 30 + ["[1]"] * 5)
    _, got = compare([empty, bad, bad], max_rejected=4)
    assert len(got.rejected) == 8 and got.rejected_total == 70
    done = ingest(duckdb.connect(), LogSet([open_log(str(bad))], max_rejected=3))
    assert done.rejected_by_code == {"E403": 30, "E411": 5}


# -- zones -----------------------------------------------------------------------------------


def test_dst_gap_and_fold_and_summary_times(tmp_path):
    path = write(
        tmp_path / "dst.jsonl",
        [
            '{"time": "2026-03-29T02:30:00", "type": "gap"}',
            '{"time": "2026-03-29T03:30:00", "type": "after gap"}',
            '{"time": "2026-03-29T01:59:59.999999", "type": "before gap"}',
            '{"time": "2026-10-25T02:30:00", "type": "fold"}',
            '{"time": "2026-10-25T02:00:00", "type": "fold start"}',
            '{"time": "2026-10-25T03:00:00", "type": "after fold"}',
            '{"time": "2026-10-25T01:30:00+01:00", "type": "fold explicit"}',
            '{"time": "2026-03-29T02:30:00", "type": "gap last"}',
        ],
    )
    for zone_name in ("Europe/Amsterdam", "America/Sao_Paulo", "Australia/Lord_Howe", "UTC"):
        _, got = compare([path], {"zone": zone_name})
        assert got.routes == ["jsonl:duckdb"]
    # the last event is a wall clock in the DST gap: shown as it was read
    assert compare([path], {"zone": "Europe/Amsterdam"})[1].summaries[0]["last_time"] == (
        "2026-10-25T03:00:00+01:00"
    )


def test_historic_zone_offsets_with_seconds(tmp_path):
    times = ["1890-06-01T12:00:00", "1937-07-01T00:00:00", "1940-05-16T00:30:00"]
    path = write(tmp_path / "old.jsonl", [f'{{"time": "{t}", "type": "t"}}' for t in times])
    compare([path], {"zone": "Europe/Amsterdam"})


# -- generated lines -------------------------------------------------------------------------

_times = st.one_of(
    st.datetimes(timezones=st.none() | st.timezones()).map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat(sep=" ", timespec="milliseconds")),
    st.text(alphabet="0123456789-T:.+Z ", max_size=32),
)
_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def _records(draw) -> bytes:
    record = {}
    if draw(st.booleans()) or True:
        record["time"] = draw(_times)
    if draw(st.integers(0, 9)):
        record["type"] = draw(st.sampled_from(["a", "b.c", "", "şikayet"]) | _values)
    if draw(st.booleans()):
        record["id"] = draw(st.sampled_from(["e1", "e2", 7, "7"]) | _values)
    record.update(draw(st.dictionaries(st.sampled_from(["x", "y", "case", "a.b"]), _values)))
    text = json.dumps(record, ensure_ascii=draw(st.booleans()))
    mangle = draw(st.sampled_from(["", "", "", "trail", "cut", "dup", "space"]))
    if mangle == "trail":
        text = text[:-1] + ",}"
    elif mangle == "cut":
        text = text[: len(text) // 2]
    elif mangle == "dup" and len(record) > 1:
        text = text[:-1] + ', "x": 1}'
    elif mangle == "space":
        text = "  " + text.replace(", ", " ,\t") + " \r"
    return text.encode()


@settings(deadline=None)
@given(
    lines=st.lists(_records(), max_size=12),
    zone_name=st.sampled_from(["UTC", "Europe/Amsterdam", "Asia/Kolkata"]),
    keyed=st.booleans(),
)
def test_generated_lines_agree(tmp_path_factory, lines, zone_name, keyed):
    path = tmp_path_factory.mktemp("gen") / "g.jsonl"
    path.write_bytes(b"\n".join(lines))
    mapping: dict = {"zone": zone_name}
    if keyed:
        mapping["duplicate_key"] = ["case", "type", "x"]
    try:
        compare([path], mapping)
    except MappingError:
        # no event has a 'case' or an 'x' with a value: E410, the same from both routes
        error = same_error([path], mapping)
        assert keyed and {d.code for d in error.diagnostics} == {"E410"}


def test_a_key_name_no_jsonl_event_has_is_refused_alike(tmp_path):
    path = write(tmp_path / "k.jsonl", ['{"time": "2026-03-02T10:00:00Z", "type": "a"}'])
    mapping = {"duplicate_key": ["case", "type"]}
    with pytest.raises(MappingError):
        python_read(lambda: LogSet([open_log(str(path), mapping_from_dict(mapping))]))
    with pytest.raises(MappingError):
        duckdb_read(lambda: LogSet([open_log(str(path), mapping_from_dict(mapping))]))


# -- CSV -------------------------------------------------------------------------------------

CSV_ROWS = [
    "case,status,sub status,at,team,junk,n,id,x",
    "c1,Accepted,Wait - User,29/2/2016 01:16,?,j,3,e1,a",
    "c1,Completed,Closed,1/3/2016 9:05,G 1,j,2.5,e2,b",
    "c2,Queued,Ça va,1/3/2016 9:06,G 2,j,-0,,c",  # non-ASCII value for a slug type
    "c2,Queued,x,31/2/2016 9:06,G 2,j,1,e3,d",  # no 31 February
    "c2,Queued,x,1/3/2016 9:07,G 2,j,1e400,e4,e",  # a float beyond range: Python's inf
    "c2,Queued,x,1/3/2016 9:08,G 2,j, 7 ,e5,f",  # spaces around a number
    "c2,Queued,x,1/3/2016 9:09,G 2,j,1_000,e6,g",  # float() takes underscores
    "c2,Queued,x,1/3/2016 9:10,G 2,j,x1,e7,h",  # not a number
    "c2,Queued,x,1/3/2016 9:11,G 2,j,12345678901234567890123,e8,i",
    "c2,,x,1/3/2016 9:12,G 2,j,1,e9,j",  # an empty status: the template has a missing field
    "c3,Queued,x,1/3/2016 9:13,G 2,j,1,e1,k",  # a duplicate id
    "c3,Queued,x,1/3/2016 9:14,G 2,j,1",  # too few fields
    "",
    "c3,Queued,x,1/3/2016  9:15,G 2,j,1,e10,l",  # two spaces: strptime's \\s+
    "c3,Queued,x,01/03/2016 09:16,G 2,j,1,e11,m",
    "c3,Queued,x,1/3/2016 9:17 ,G 2,j,1,e12,n",  # a trailing space: strptime strips
    "c3,Queued,x,1/3/2016\t9:18,G 2,j,1,e13,o",  # a tab: strptime's \\s+
    "c3,Queued,x,1/3/16 9:19,G 2,j,1,e14,p",
    "c3,Queued,x,1/3/2016 24:19,G 2,j,1,e15,q",
    "c3,Queued,x,1/3/2016 9:19,G 2,j,1,e16,r\rs",  # a carriage return inside
    "c3,Queued,x,1/3/2016 9:20,G 2,j,1,e17,\x00",  # a NUL
    "c3,Queued,x,1/3/2016 9:21,G 2,j,1,e18,caf\xe9",  # latin-1: not UTF-8
    "c3,Queued,x,1/3/2016 9:22,G 2,j,1,e19," + "w" * 300,  # beyond the record limit
    "c3,Queued,x,1/3/2016 9:23,G 2,j,,e20,t",  # a missing number
    "c3,Queued,x,1/3/2016 9:24,G 2,j,+5,e21,u",
]


def csv_file(path: Path, rows: list[str], end: str = "\n", bom: bool = False) -> Path:
    data = end.join(rows).encode("utf-8", "surrogateescape")
    data = data.replace("caf\udce9".encode("utf-8", "surrogateescape"), b"caf\xe9")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data + end.encode())
    return path


CSV_MAPPING = {
    "time": "at",
    "time_format": "d/m/yyyy HH:MM",
    "type": "incident.{status}.{sub status}",
    "type_values": "slug",
    "missing": ["?", ""],
    "drop": ["junk"],
    "numbers": ["n"],
    "rename": {"team": "group", "x": "letter", "junk": "never"},
    "max_record": 200,
}


def test_turkish_capitals_are_slugged_alike(tmp_path):
    # 'İ' lowers to 'i' and a combining dot in Python: the slug drops the dot (hunt40 finding-7)
    path = write(
        tmp_path / "t.csv",
        ["at,a", "2026-03-02T10:00:00Z,İADE TALEBİ", "2026-03-02T10:01:00Z,Wait - User"],
    )
    expected, _ = compare([path], {"time": "at", "type": "t.{a}", "type_values": "slug"})
    assert [event[2] for event in expected.events] == ["t.iade_talebi", "t.wait_user"]


@pytest.mark.parametrize("end", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", [False, True])
def test_hostile_csv(tmp_path, end, bom):
    rows = [row.replace("caf\xe9", "caf\udce9") for row in CSV_ROWS]
    path = csv_file(tmp_path / "t.csv", rows, end, bom)
    expected, got = compare([path], CSV_MAPPING)
    assert got.routes == ["csv:duckdb"]
    codes = {r.code for r in got.rejected}
    assert {"E402", "E404", "E405", "E406", "E407", "E408"} <= codes and len(got.events) >= 8
    assert got.summaries[0]["duplicates"] == 1  # e1 twice


@pytest.mark.parametrize(
    "mapping",
    [
        {"time": "at", "time_format": "dd/mm/yyyy hh:mm", "type": "status"},
        {"time": "at", "time_format": "%d/%m/%Y %H:%M", "type": "status", "zone": "Europe/Rome"},
        {"time": "at", "time_format": "d/m/yyyy HH:MM", "type": "status", "id": None},
        {"time": "at", "time_format": "d/m/yyyy HH:MM", "type": "status", "missing": []},
        {
            "time": "at",
            "time_format": "d/m/yyyy HH:MM",
            "type": "status",
            "missing_in": {"team": ["G 2"], "n": ["-0"]},
            "numbers": ["n", "team"],
        },
        {
            "time": "at",
            "time_format": "d/m/yyyy HH:MM",
            "type": "{status}",
            "duplicate_key": ["case", "type", "time", "group", "n"],
            "rename": {"team": "group"},
        },
    ],
)
def test_csv_mapping_features(tmp_path, mapping):
    rows = [row.replace("caf\xe9", "caf\udce9") for row in CSV_ROWS]
    path = csv_file(tmp_path / "t.csv", rows)
    _, got = compare([path], mapping)
    assert got.routes == ["csv:duckdb"]


@pytest.mark.parametrize(
    ("times", "fmt", "zone_name"),
    [
        (
            [
                "2026-03-02T10:00:00Z",
                "2026-03-02 10:00:00.5+03:00",
                "2026-03-02T10:00:00",
                "2026-03-29T02:30:00",
                "2026-10-25T02:30:00",
                "2026-02-29T10:00:00",
                "x",
            ],
            "iso",
            "Europe/Amsterdam",
        ),
        (
            [
                "2012/10/09 14:50:17.000",
                "2012/10/09 14:50:17.5",
                "2012/10/09 14:50:60.000",
                "2012/10/9 4:5:7.123456",
                "2012/10/09 14:50:17",
            ],
            "yyyy/mm/dd hh:mm:ss.sss",
            "Europe/Rome",
        ),
        (["990201 7:02:47", "690101 0:00:00", "680101 0:00:00"], "%y%m%d %H:%M:%S", "UTC"),
        (["2026-03-02T10:00:00+10:00", "2026-03-02T10:00:00"], "iso", "Asia/Jerusalem"),
    ],
)
def test_csv_time_formats_and_zones(tmp_path, times, fmt, zone_name):
    rows = ["when,kind"] + [f"{t},k{i}" for i, t in enumerate(times)]
    path = csv_file(tmp_path / "t.csv", rows)
    for ignore in (False, True):
        mapping = {"time": "when", "type": "kind", "time_format": fmt, "zone": zone_name}
        _, got = compare([path], mapping | {"ignore_offset": ignore})
        assert got.routes == ["csv:duckdb"]


def test_csv_with_quotes_or_a_late_header_is_read_by_python(tmp_path):
    quoted = csv_file(tmp_path / "q.csv", ["time,type,x", '2026-03-02T10:00:00Z,a,"b, c"'])
    _, got = compare([quoted])
    assert got.routes == ["python"] and got.events[0][6] == {"x": "b, c"}
    late = csv_file(tmp_path / "l.csv", ["", "time,type", "2026-03-02T10:00:00Z,a"])
    _, got = compare([late])
    assert got.routes == ["python"]


def test_excel_sep_line_is_read_by_python_alike(tmp_path):
    """Excel's first line `sep=;` names the delimiter (hunt64 finding-8)."""
    rows = ["sep=;", "time;type;x", "2026-03-02T10:00:00Z;a;5", "2026-03-02T10:00:01Z;b;1;2"]
    expected, got = compare([csv_file(tmp_path / "s.csv", rows, end="\r\n")])
    assert got.routes == ["python"]
    assert [(e[2], e[5], e[6]) for e in got.events] == [("a", 3, {"x": "5"})]
    assert [(r.line, r.code) for r in got.rejected] == [(4, "E402")]


def test_tsv_repeated_header_names_and_several_inputs(tmp_path):
    tsv = csv_file(
        tmp_path / "t.tsv",
        [
            "time\ttype\tVariant\tVariant",
            "2026-03-02T10:00:00Z\ta\tv1\tv2",
            "2026-03-02T09:00:00Z\tb\tv3\tv4",
        ],
    )
    jsonl = write(tmp_path / "j.jsonl", ['{"time": "2026-03-02T09:30:00Z", "type": "c"}'])
    _, got = compare([tsv, jsonl, tsv])
    assert got.routes == ["csv:duckdb", "jsonl:duckdb", "csv:duckdb"]
    assert [e[2] for e in got.events] == ["b", "b", "c", "a", "a"]


# -- Parquet and XES -------------------------------------------------------------------------


def parquet_file(path: Path, columns: dict) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table(columns), path, row_group_size=3)
    return path


def test_parquet_typed_columns(tmp_path):
    import pyarrow as pa

    utc = [datetime(2026, 3, 2, 10, m, tzinfo=UTC) for m in (5, 1, 3, 4)]
    path = parquet_file(
        tmp_path / "t.parquet",
        {
            "time": pa.array(utc, pa.timestamp("us", tz="UTC")),
            "type": ["a", "b", "c", "d"],
            "n": pa.array([1, None, -3, 4], pa.int32()),
            "x": pa.array([0.1, 2.5, None, 1e16], pa.float32()),
            "big": pa.array([2**63 - 1, 0, 1, 2], pa.int64()),
            "flag": [True, False, None, True],
            "s": ["?", "", None, "é"],
            "id": ["e1", None, "e1", "e4"],
        },
    )
    _, got = compare([path], {"missing": ["?"]})
    assert got.routes == ["parquet:duckdb"]
    assert got.summaries[0]["duplicates"] == 1
    for mapping in (
        {"rename": {"s": "text"}, "drop": ["big"], "duplicate_key": ["flag", "type"]},
        {"type": "t.{type}.{n}", "type_values": "slug", "id": None},
        {"zone": "Europe/Rome", "numbers": ["s"], "missing_in": {"s": ["é"]}},
    ):
        _, got = compare([path], mapping)
        assert got.routes in (["parquet:duckdb"], ["python"])


def test_a_parquet_file_with_a_corrupt_page_is_refused_alike(tmp_path):
    # the footer is sound, a page header is not: the python engine said E401 (exit 3); the
    # duckdb engine said "the policies cannot run on the duckdb engine" (exit 2) (hunt10
    # finding-2)
    import pyarrow.parquet as pq

    from cxrules.logs import LogError

    path = parquet_file(
        tmp_path / "t.parquet", {"time": ["2026-03-02T10:00:00Z"] * 4, "type": ["a"] * 4}
    )
    start = pq.ParquetFile(path).metadata.row_group(0).column(1).data_page_offset
    data = bytearray(path.read_bytes())
    data[start : start + 12] = b"\xff" * 12  # the type column's first page header
    path.write_bytes(bytes(data))
    errors = []
    for read in (python_read, duckdb_read):
        with pytest.raises(LogError) as caught:
            read(_maker([path], None, {}))
        errors.append(caught.value)
    assert errors[0].reason.startswith("not a readable Parquet file: ")
    assert (errors[1].path, errors[1].reason) == (errors[0].path, errors[0].reason)


@pytest.mark.parametrize(
    "times",
    [
        ["2026-03-02T10:00:00Z", "2026-03-02 09:00:00+01:00", "2026-03-29T02:30:00"],
        ["2026-03-02T10:00:00Z", "not a time", "2026-03-02T09:00:00Z"],  # one row for Python
    ],
)
def test_parquet_string_and_naive_times(tmp_path, times):
    import pyarrow as pa

    naive = [datetime(2026, 3, 29, 2, 30), datetime(2026, 10, 25, 2, 30), datetime(2026, 1, 1)]
    path = parquet_file(
        tmp_path / "t.parquet",
        {"time": times, "local": pa.array(naive, pa.timestamp("ms")), "type": ["a", "b", "c"]},
    )
    for mapping in ({"zone": "Europe/Amsterdam"}, {"time": "local", "zone": "Europe/Amsterdam"}):
        _, got = compare([path], mapping)
    assert got.routes == ["parquet:duckdb"]  # the naive timestamp column reads natively


def test_parquet_repeated_column_names_are_read_alike(tmp_path):
    # the Python readers name them 'team', 'team.1' as in a CSV header (hunt23 finding-2);
    # DuckDB would say 'team_1': the Python readers read the file
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "t.parquet"
    columns = [["2026-03-02T10:00:00Z"], ["a"], ["x"], ["X"]]
    table = pa.Table.from_arrays([pa.array(c) for c in columns], ["time", "type", "team", "team"])
    pq.write_table(table, path)
    expected, got = compare([path], {"rename": {"team.1": "team_b"}})
    assert got.routes == ["python"]
    assert expected.events[0][6] == {"team": "x", "team_b": "X"}


def test_parquet_int96_times_are_read_alike(tmp_path):
    # pyarrow read INT96 in ns (1677 to 2262 only), DuckDB in µs: both now read µs, and the
    # file is read natively (hunt23 finding-8)
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "t.parquet"
    times = [datetime(1700, 3, 1, 12), datetime(2026, 3, 29, 2, 30), datetime(2250, 1, 1)]
    table = pa.table({"time": pa.array(times, pa.timestamp("us")), "type": ["a", "b", "c"]})
    pq.write_table(table, path, use_deprecated_int96_timestamps=True)
    expected, got = compare([path], {"zone": "Europe/Amsterdam"})
    assert got.routes == ["parquet:duckdb"]
    assert [event[0] for event in expected.events] == [
        to_us(datetime(1700, 3, 1, 11, 40, 28, tzinfo=UTC)),  # Amsterdam's mean time, +0:19:32
        to_us(datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),  # in the gap: the offset before it
        to_us(datetime(2249, 12, 31, 23, 0, tzinfo=UTC)),
    ]


def test_parquet_with_other_types_is_read_by_python(tmp_path):
    import pyarrow as pa

    path = parquet_file(
        tmp_path / "t.parquet",
        {
            "time": ["2026-03-02T10:00:00Z"],
            "type": ["a"],
            "when": pa.array([datetime(2026, 3, 2)], pa.timestamp("us")),
            "tags": [["a", "b"]],
        },
    )
    _, got = compare([path])
    assert got.routes == ["python"]
    assert got.events[0][6] == {"when": "2026-03-02T00:00:00", "tags": ["a", "b"]}


def test_xes_with_mappings(tmp_path):
    for mapping in (
        {},
        {"type": "{concept:name}.{lifecycle:transition}", "type_values": "slug"},
        {"ignore_offset": True, "zone": "Europe/Amsterdam", "drop": ["impact"]},
        {"duplicate_key": ["case", "team"], "rename": {"org:group": "team"}},
        {"duplicate_key": ["case", "note.by"]},
    ):
        _, got = compare([DATA / "cases.xes"], mapping)
        assert got.routes == ["python"]


_cells = st.one_of(
    st.sampled_from(["", "?", "1", "-0", "2.5", "1e5", " 7", "x", "Wait - User", "Ça"]),
    st.text(alphabet="0123456789/: .-+TZabc\t\r", max_size=12),
)
_csv_times = st.one_of(
    st.datetimes().map(lambda d: f"{d.day}/{d.month}/{d.year:04d} {d.hour}:{d.minute:02d}"),
    st.text(alphabet="0123456789/: ", max_size=16),
)


@settings(deadline=None)
@given(
    rows=st.lists(st.tuples(_csv_times, _cells, _cells, _cells), max_size=10),
    zone_name=st.sampled_from(["UTC", "Europe/Amsterdam"]),
    numbers=st.booleans(),
)
def test_generated_csv_rows_agree(tmp_path_factory, rows, zone_name, numbers):
    lines = ["at,status,n,id"] + [",".join(row) for row in rows]
    path = tmp_path_factory.mktemp("gen") / "g.csv"
    path.write_bytes("\n".join(lines).encode())
    mapping = {
        "time": "at",
        "time_format": "d/m/yyyy H:MM",
        "type": "s.{status}",
        "type_values": "slug",
        "zone": zone_name,
        "missing": ["?", ""],
        "numbers": ["n"] if numbers else [],
        "duplicate_key": ["status", "time"] if numbers else [],
    }
    _, got = compare([path], mapping)
    assert got.routes == ["csv:duckdb"]


# -- mapping columns, no inputs, the Python route, spilling -------------------------------------


def test_jsonl_with_named_columns_and_no_id_column(tmp_path):
    path = write(
        tmp_path / "n.jsonl",
        [
            '{"when": "2026-03-02T10:00:00Z", "kind": "a", "eid": "x1", "id": 5, "time": 1}',
            '{"when": "2026-03-02T10:00:01Z", "kind": "b", "eid": "x1"}',
            '{"when": "2026-03-02T10:00:02Z", "kind": "c", "eid": 3, "type": null}',
        ],
    )
    _, got = compare([path], {"time": "when", "type": "kind", "id": "eid"})
    assert got.routes == ["jsonl:duckdb"] and got.summaries[0]["duplicates"] == 1
    assert got.events[0][6] == {"id": 5, "time": 1}
    _, got = compare([path], {"time": "when", "type": "kind", "id": None})
    assert got.events[0][3] == f"{path}:1" and got.events[0][6]["eid"] == "x1"


def test_no_inputs_make_an_empty_table():
    con = duckdb.connect()
    done = ingest(con, LogSet([]))
    assert (done.events, done.summaries, done.routes) == (0, [], [])
    assert con.execute("SELECT count(*) FROM events").fetchall() == [(0,)]


def test_the_python_route_agrees_as_well(tmp_path):
    path = write(tmp_path / "hostile.jsonl", HOSTILE)

    def make() -> LogSet:
        return LogSet([open_log(str(path))])

    expected = python_read(make)
    got = duckdb_read(make, native=False)
    assert got.routes == ["python"] and differences(expected, got) == []


def test_a_shuffled_log_sorted_out_of_core(tmp_path):
    import random

    rows = [
        f'{{"time": "2026-03-02T{h:02d}:{m:02d}:{s:02d}Z", "type": "t{n % 7}", "id": "e{n % 9000}",'
        f' "pad": "{"x" * (n % 50)}"}}'
        for n, (h, m, s) in enumerate(
            (random.Random(n).randrange(24), n % 60, (n * 7) % 60) for n in range(60000)
        )
    ]
    path = write(tmp_path / "big.jsonl", rows)

    def make() -> LogSet:
        return LogSet([open_log(str(path))])

    expected = python_read(make)
    spill = tmp_path / "spill"
    got = duckdb_read(make, memory_limit="40MB", temp_directory=str(spill), threads=2)
    assert differences(expected, got) == []
    assert got.summaries[0]["duplicates"] == 60000 - 9000


# -- issue 12, points 12-13: duplicate_key names, conditions, times ---------------------------

KEYED = [
    '{"time": "2026-03-02T10:00:00Z", "type": "a", "case": "c1", "when": "w", "n": null}',
    '{"time": "2026-03-02T10:00:00Z", "type": "a", "case": "c1", "n": null}',
    '{"time": "2026-03-02T10:01:00Z", "type": "b", "n": null}',
    "not json",
]


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        (["case", "caes"], "did you mean 'case'?"),
        (["n"], None),  # 'n' is null in every event (the readers' hint is theirs to word)
        (["at"], "column 'at' is the event's time: write 'time'"),
    ],
)
def test_jsonl_duplicate_key_no_event_has_is_the_readers_e410(tmp_path, key, hint):
    # read natively: DuckDB finds no value for the name, the Python readers word the error
    path = write(tmp_path / "k.jsonl", [line.replace('"time"', '"at"') for line in KEYED])
    mapping = {"time": "at", "duplicate_key": key}
    error = same_error([path], mapping)
    [diagnostic] = error.diagnostics
    assert diagnostic.code == "E410" and hint in (None, diagnostic.hint)
    assert diagnostic.message == (
        f"{path}: duplicate_key names '{key[-1]}', which no event has (it names the event's "
        "fields: time, type, id and attributes after rename)"
    )


def test_a_key_field_missing_from_some_events_only_is_no_error(tmp_path):
    # 'case' has a value in lines 1-2, 'when' in line 1: every name is some event's field; the
    # events lacking one are never duplicates
    path = write(tmp_path / "k.jsonl", KEYED)
    _, got = compare([path], {"duplicate_key": ["case", "type"]})
    assert got.routes == ["jsonl:duckdb"] and got.summaries[0]["duplicates"] == 1
    spread = write(
        tmp_path / "s.jsonl",
        [
            '{"time": "2026-03-02T10:00:00Z", "type": "a", "x": 1}',
            '{"time": "2026-03-02T10:00:00Z", "type": "a", "y": 1}',
            '{"time": "2026-03-02T10:00:00Z", "type": "a", "x": 1}',
        ],
    )
    _, got = compare([spread], {"duplicate_key": ["x", "y"]})
    assert got.routes == ["jsonl:duckdb"] and got.summaries[0]["duplicates"] == 0
    # no record accepted: no event to have the name, no error
    rejected = write(tmp_path / "r.jsonl", ['{"type": "a"}', "[1]"])
    _, got = compare([rejected], {"duplicate_key": ["nope"]})
    assert got.rejected_total == 2


def test_the_input_that_lacks_the_key_field_is_named(tmp_path):
    good = write(tmp_path / "good.jsonl", KEYED)
    bad = write(tmp_path / "bad.jsonl", ['{"time": "2026-03-02T10:00:00Z", "type": "a"}'])
    error = same_error([good, bad, good], {"duplicate_key": ["case"]})
    assert [d.message.split(":")[0] for d in error.diagnostics] == [str(bad)]


def test_csv_duplicate_key_no_event_has(tmp_path):
    rows = [row.replace("caf\xe9", "caf\udce9") for row in CSV_ROWS]
    path = csv_file(tmp_path / "t.csv", rows)
    base = {"time": "at", "time_format": "d/m/yyyy HH:MM", "type": "status"}
    # names not in the header: E410 when the input is opened, before any read
    error = same_error([path], base | {"duplicate_key": ["case", "at", "nope"]})
    assert [d.hint for d in error.diagnostics] == [
        "column 'at' is the event's time: write 'time'",
        "the names are the event's fields: time, type, id, case, sub status, team, junk, n, x",
    ]
    error = same_error([path], base | {"duplicate_key": ["team"], "rename": {"team": "group"}})
    assert error.diagnostics[0].hint == "'team' is renamed 'group': write 'group'"
    # a column of the header whose every value is missing: E410 after reading it natively
    mapping = base | {"duplicate_key": ["case", "junk"], "missing": ["j", "?", ""]}
    assert CsvPlan.of(open_log(str(path), mapping_from_dict(mapping))) is not None
    error = same_error([path], mapping)
    assert [d.code for d in error.diagnostics] == ["E410"]
    _, got = compare([path], mapping | {"missing": ["?", ""]})
    assert got.routes == ["csv:duckdb"]


def test_parquet_duplicate_key_no_event_has(tmp_path):
    import pyarrow as pa

    path = parquet_file(
        tmp_path / "t.parquet",
        {
            "time": ["2026-03-02T10:00:00Z", "2026-03-02T10:01:00Z"],
            "type": ["a", "b"],
            "case": ["c1", "c1"],
            "none": pa.array([None, None], pa.string()),
        },
    )
    assert ParquetPlan.of(open_log(str(path), mapping_from_dict({}))) is not None
    error = same_error([path], {"duplicate_key": ["case", "none"]})
    assert [d.code for d in error.diagnostics] == ["E410"]
    error = same_error([path], {"duplicate_key": ["cas"]})
    assert error.diagnostics[0].hint == "did you mean 'case'?"


def test_xes_duplicate_key_renamed_away(tmp_path):
    mapping = {"duplicate_key": ["case", "org:group"], "rename": {"org:group": "team"}}
    error = same_error([DATA / "cases.xes"], mapping)
    assert error.diagnostics[0].hint == "'org:group' is renamed 'team': write 'team'"


def test_the_e410_points_at_the_mapping_files_line(tmp_path):
    toml = tmp_path / "cxrules.toml"
    toml.write_text(
        '[project]\nname = "x"\n\n[log]\nzone = "UTC"\nduplicate_key = ["case", "caes"]\n'
    )
    path = write(tmp_path / "k.jsonl", KEYED)
    error = same_error([path], load_mapping(toml))
    [diagnostic] = error.diagnostics
    assert diagnostic.span is not None and diagnostic.span.line == 6
    assert diagnostic.span.file == str(toml)


CONDITIONS = {
    "time_format": "d/m/yyyy HH:MM",
    "events": [
        {
            "type": "ticket.{status}",
            "time": "at",
            "when": {"any": [{"column": "team", "in": ["G 1"]}, {"column": "n", "in": ["-0"]}]},
        },
        {
            "type": "ticket.other",
            "time": "at",
            "when": [
                {"all": [{"column": "team", "present": True}, {"column": "x", "not_in": ["a"]}]},
                {"any": [{"all": [{"column": "case", "in": ["c3"]}]}, {"column": "n", "in": []}]},
            ],
        },
    ],
}


def test_conditions_combined_with_any_and_all(tmp_path):
    rows = [row.replace("caf\xe9", "caf\udce9") for row in CSV_ROWS]
    path = csv_file(tmp_path / "t.csv", rows)
    _, got = compare([path], CONDITIONS)
    assert got.routes == ["python"]
    assert {e[2] for e in got.events} == {"ticket.Completed", "ticket.Queued", "ticket.other"}
    lines = [
        '{"time": "2026-03-02T10:00:00Z", "kind": "a", "ch": "sms", "ok": true}',
        '{"time": "2026-03-02T10:01:00Z", "kind": "b", "ch": "mail"}',
        '{"time": "2026-03-02T10:02:00Z", "kind": "c", "ch": "sms"}',
    ]
    either = {"any": [{"column": "ok", "present": True}, {"column": "ch", "in": ["mail"]}]}
    mapping = {"events": [{"type": "x.{kind}", "time": "time", "when": either}]}
    _, got = compare([write(tmp_path / "c.jsonl", lines)], mapping)
    assert got.routes == ["python"] and [e[2] for e in got.events] == ["x.a", "x.b"]


@pytest.mark.parametrize(
    "times",
    [
        {"due": "dd/mm/yyyy hh:mm"},
        {"due": "epoch_ms"},
        {"due": "iso", "other": "%Y%m%d"},
    ],
)
def test_attribute_columns_read_as_times(tmp_path, times):
    due = {
        "dd/mm/yyyy hh:mm": ["02/03/2026 11:00", "29/03/2026 02:30", "31/02/2026 10:00", ""],
        "epoch_ms": ["1772449200000", "1772449200000.5", "soon", ""],
        "iso": ["2026-03-02T11:00:00", "2026-03-02T11:00:00+01:00", "x", ""],
    }[times["due"]]
    others = ["20260302", "20260303", "20260304", "20260305"]
    rows = ["time,type,due,other"] + [
        f"2026-03-02T10:0{i}:00Z,t{i},{d},{o}"
        for i, (d, o) in enumerate(zip(due, others, strict=True))
    ]
    mapping = {"times": times, "zone": "Europe/Amsterdam"}
    if "other" not in times:
        mapping["drop"] = ["other"]
    _, got = compare([csv_file(tmp_path / "t.csv", rows)], mapping)
    assert got.routes == ["python"] and got.rejected_total >= 1
    lines = [
        json.dumps({"time": f"2026-03-02T10:0{i}:00Z", "type": "t", "due": d or None})
        for i, d in enumerate(due)
    ]
    _, got = compare([write(tmp_path / "t.jsonl", lines)], {"times": {"due": times["due"]}})
    assert got.routes == ["python"]
    path = parquet_file(
        tmp_path / "t.parquet",
        {"time": ["2026-03-02T10:00:00Z"] * 4, "type": ["t"] * 4, "due": due},
    )
    _, got = compare([path], {"times": {"due": times["due"]}, "missing": [""]})
    assert got.routes == ["python"]


def test_an_entrys_own_time_format(tmp_path):
    rows = [
        "opened,closed_ms,kind",
        "02/03/2026 09:15,1772443200000,a",
        "02/03/2026 09:20,x,b",
        "2026-03-02,1772443300000,c",
    ]
    mapping = {
        "time_format": "dd/mm/yyyy hh:mm",
        "zone": "Europe/Amsterdam",
        "events": [
            {"type": "opened.{kind}", "time": "opened"},
            {"type": "closed", "time": "closed_ms", "time_format": "epoch_ms"},
        ],
    }
    expected, got = compare([csv_file(tmp_path / "t.csv", rows)], mapping)
    assert got.routes == ["python"] and len(got.events) == 2
    assert {r.code for r in expected.rejected} == {"E404"}
    dated = [
        "day\tstart\tend\tkind",
        "990201\t7:02:47\t07.05\ta",
        "990201\t23:59:54\t00.01\tb",
        "990202\t8:00:00\t8.61\tc",
    ]
    mapping = {
        "delimiter": "\t",
        "date": "day",
        "date_format": "yymmdd",
        "time_format": "h:mm:ss",
        "day_rollover": True,
        "events": [
            {"type": "start.{kind}", "time": "start"},
            {"type": "end", "time": "end", "time_format": "%H.%M"},
        ],
    }
    _, got = compare([csv_file(tmp_path / "d.tsv", dated)], mapping)
    assert got.routes == ["python"] and got.rejected_total == 1


def test_both_reads_profile_the_same_types_and_attribute_paths(tmp_path):
    """What the log has (W401, W402): flat keys as written, nested keys as dotted paths, keys
    that JSON paths cannot spell, and nothing inside lists."""
    lines = [
        '{"time": "2026-03-02T09:00:00Z", "type": "a", "x": {"y": {"z": 1}, "": 2}}',
        '{"time": "2026-03-02T09:01:00Z", "type": "b", "p.q": 1, "s/t~": {"u": null}}',
        '{"time": "2026-03-02T09:02:00Z", "type": "b", "x": 3, "l": [{"m": 1}]}',
    ]
    expected, got = compare([write(tmp_path / "p.jsonl", lines)])
    assert got.profile is not None
    assert sorted(got.profile.types) == ["a", "b"]
    assert sorted(got.profile.paths) == ["l", "p.q", "s/t~", "s/t~.u", "x", "x.", "x.y", "x.y.z"]


def test_json_lines_in_the_mappings_encoding(tmp_path):
    """`encoding` was read for CSV only: a Latin-1 JSON Lines export lost its lines with an
    accent as E407 'not valid UTF-8', and a UTF-16 one every line (hunt10 unfixed-1)."""
    lines = [
        '{"time": "2026-03-02T10:00:00Z", "type": "ticket.opened", "by": "Jos\xe9"}',
        '{"time": "2026-03-02T10:01:00Z", "type": "ticket.closed", "by": "Ana"}',
    ]
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes("\n".join(lines).encode("latin-1") + b"\n\x81\n")
    expected, got = compare([latin], {"encoding": "cp1252"})
    assert [row[-1]["by"] for row in expected.events] == ["José", "Ana"]
    # byte 0x81 has no character in Windows-1252: its line is rejected, in the file's terms
    assert [(r.line, r.code, r.reason) for r in got.rejected] == [
        (3, "E402", "bytes are not valid cp1252 at byte 1 of the line")
    ]
    wide = tmp_path / "wide.jsonl"
    wide.write_bytes(("\n".join(lines) + "\n").encode("utf-16"))
    expected, got = compare([wide], {"encoding": "utf-16"})
    assert [row[-1]["by"] for row in got.events] == ["José", "Ana"]
    assert got.rejected == []


def test_a_parquet_string_column_written_as_binary_is_text(tmp_path):
    """Older Hive and Impala exports write string columns as plain BINARY: every event's type
    was its hex ('63616c6c2e717565756564'), so no policy saw one (hunt10 unfixed-3)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "hive.parquet"
    when = [datetime(2026, 3, 2, 10, 0, tzinfo=UTC), datetime(2026, 3, 2, 10, 5, tzinfo=UTC)]
    table = pa.table(
        {
            "time": pa.array(when, pa.timestamp("us", "UTC")),
            "type": pa.array([b"call.queued", b"call.answered"], pa.binary()),
            "call": pa.array([b"c1", b"\xff\x01"], pa.binary()),
        }
    )
    pq.write_table(table, path)
    expected, got = compare([path])
    assert [(row[2], row[-1]) for row in got.events] == [
        ("call.queued", {"call": "c1"}),
        ("call.answered", {"call": "ff01"}),  # bytes that are no text: their hex
    ]
