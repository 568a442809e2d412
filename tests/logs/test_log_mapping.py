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


def test_a_zone_named_after_a_city_that_keeps_another_citys_time(tmp_path):
    # Gothenburg is no zone: spelling alone would suggest Europe/Athens, an hour off; it keeps
    # Stockholm's time. A country's name gives its zone from the tz database's tables.
    [found] = diagnostics(tmp_path, '[log]\nzone = "Europe/Gothenburg"\n')
    assert found.message == (
        "log.zone = 'Europe/Gothenburg': unknown time zone 'Europe/Gothenburg'; did you mean "
        "'Europe/Stockholm'? (Gothenburg keeps Stockholm's time)"
    )
    [found] = diagnostics(tmp_path, '[log]\nzone = "Europe/Norway"\n')
    assert found.message.endswith("did you mean 'Europe/Oslo'?")


def test_bad_values_show_the_key_and_the_value(tmp_path):
    found = diagnostics(
        tmp_path,
        '[log]\nzone = "Mars/Olympus"\ntime_format = "dd/qq/yyyy"\ndelimiter = ";;"\n',
    )
    assert [(d.code, d.span.line if d.span else 0, d.message) for d in found] == [
        (
            "E410",
            2,
            "log.zone = 'Mars/Olympus': unknown time zone 'Mars/Olympus'; use an IANA name such "
            "as 'Europe/Bucharest'",
        ),
        (
            "E410",
            3,
            "log.time_format = 'dd/qq/yyyy': unknown part 'qq' in time format 'dd/qq/yyyy'; "
            "use yyyy, yy, mm, dd, hh, mm, ss, sss, zzz, or a strptime format with %",
        ),
        ("E410", 4, "log.delimiter = ';;': a delimiter is one character, not ';;'"),
    ]


@pytest.mark.parametrize("codec", ["punycode", "IDNA"])
def test_a_codec_of_domain_names_is_no_file_encoding(tmp_path, codec):
    """'punycode' and 'idna' are Python codecs whose decoding of a CSV header or a JSON line
    fails with a bare UnicodeError, which no reader takes for a bad record: the audit ended in
    'internal error: UnicodeError: decoding with 'punycode' codec failed' (hunt66 finding-K)."""
    [found] = diagnostics(tmp_path, f'[log]\nencoding = "{codec}"\n')
    assert (found.code, found.span.line if found.span else 0, found.message) == (
        "E410",
        2,
        f"log.encoding = '{codec}': '{codec}' encodes internet domain names, not a file's "
        'text: give the file\'s encoding, e.g. "utf-8", "cp1252" or "latin-1"',
    )


def test_a_strptime_directive_python_lacks_is_refused_at_its_key(tmp_path):
    """'%-d' (GNU and DuckDB's unpadded day), '%s' and '%Q' are no directives of Python's
    strptime: the mapping was taken and every record rejected as 'does not match the format'
    (E404), the format itself never named as the mistake (hunt34 finding-2)."""
    found = diagnostics(
        tmp_path,
        '[log]\ntime_format = "%-d/%-m/%Y %H:%M"\ndate_format = "%Y%"\ntimes = { due = "%s" }\n',
    )
    assert [(d.code, d.span.line if d.span else 0, d.message) for d in found] == [
        (
            "E410",
            2,
            "log.time_format = '%-d/%-m/%Y %H:%M': '%-' in time format '%-d/%-m/%Y %H:%M' is "
            "not a strptime directive; strptime reads '%d', '%m' and '%H' with or without a "
            "leading zero: drop the '-'",
        ),
        (
            "E410",
            3,
            "log.date_format = '%Y%': time format '%Y%' ends with a lone '%'; write '%%' for a "
            "percent sign",
        ),
        (
            "E410",
            4,
            "log.times = {'due': '%s'}: '%s' in time format '%s' is not a strptime directive; "
            'for seconds since 1970 write time_format = "epoch_s"',
        ),
    ]
    [d] = diagnostics(
        tmp_path, '[log]\n[[log.events]]\ntype = "a"\ntime = "t"\ntime_format = "%d %Q"\n'
    )
    assert (d.span.line if d.span else 0, d.message) == (
        5,
        "log.events.0.time_format = '%d %Q': '%Q' in time format '%d %Q' is not a strptime "
        "directive; see Python's strptime codes: %d %m %Y %H %M %S %f %z",
    )


def test_a_rename_onto_the_events_own_fields_or_onto_one_name_is_refused(tmp_path):
    """`rename = { customer = "type" }` made an attribute named 'type' beside the event's type,
    which no policy can reach (`type` is the event's type), without a word; two columns renamed
    to one name kept only one of the values."""
    [d] = diagnostics(tmp_path, '[log]\nformat = "csv"\nrename = { customer = "type" }\n')
    assert (d.code, d.span.line if d.span else 0, d.message) == (
        "E410",
        3,
        "log.rename = {'customer': 'type'}: 'customer' renamed 'type' would be an attribute "
        "named like the event's own type, which policies could not reach: to read the type "
        'from that column, write type = "customer" in the mapping instead',
    )
    [d] = diagnostics(tmp_path, '[log]\nrename = { "Case ID" = "case", Ticket = "case" }\n')
    assert d.message.endswith(
        "'Case ID' and 'Ticket' are both renamed 'case': an attribute has one value, give them "
        "two names"
    )
    (tmp_path / "cxrules.toml").write_text('[log]\nrename = { type = "queue" }\n')
    assert load_mapping(None, tmp_path).rename == {"type": "queue"}  # from 'type' is fine


def test_a_template_whose_braces_do_not_pair_up_is_refused_at_its_key(tmp_path):
    """`type = "{concept:name"` (its '}' forgotten) had no field, so it was a literal: every
    event got the type '{concept:name' and no policy ever activated (hunt34 finding-3)."""
    [d] = diagnostics(tmp_path, '[log]\ntype = "{concept:name"\n')
    assert (d.code, d.span.line if d.span else 0, d.message) == (
        "E410",
        2,
        "log.type = '{concept:name': the braces of '{concept:name' do not pair up: write a "
        "column as {name}, a brace itself as {{ or }}",
    )
    found = diagnostics(
        tmp_path,
        '[log]\n[[log.events]]\ntype = "call.{}"\ntime = "t"\n'
        'attrs = { call = "{vru}/{call_id}}", ok = "{{x}}" }\n',
    )
    assert [(d.span.line if d.span else 0, d.message) for d in found] == [
        (
            3,
            "log.events.0.type = 'call.{}': the braces of 'call.{}' do not pair up: write a "
            "column as {name}, a brace itself as {{ or }}",
        ),
        (
            5,
            "log.events.0.attrs = {'call': '{vru}/{call_id}}', 'ok': '{{x}}'}: the braces of "
            "'{vru}/{call_id}}' do not pair up: write a column as {name}, a brace itself as {{ "
            "or }}",
        ),
    ]


def test_the_projects_mapping_is_named_from_the_folder_the_command_runs_in(tmp_path, monkeypatch):
    """An audit passes its folder as an absolute path: a mistake under [log] was said at
    '/home/…/cxrules.toml:2:1', where every other diagnostic (E412 of the same file) says
    'cxrules.toml:2:1' (hunt34 finding-6)."""
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "cxrules.toml").write_text('[log]\nzone = "Mars/Base"\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(MappingError) as caught:
        load_mapping(None, tmp_path / "shop")
    [d] = caught.value.diagnostics
    assert (d.span.file, d.span.line) == ("shop/cxrules.toml", 2)
    monkeypatch.chdir(tmp_path / "shop")
    with pytest.raises(MappingError) as caught:
        load_mapping(None, Path.cwd())
    assert caught.value.diagnostics[0].span.file == "cxrules.toml"


def test_an_encoding_that_is_no_file_encoding_is_refused(tmp_path):
    """`encoding = "punycode"` (a codec of domain names, which Python's codecs accept) read a
    CSV header into 'cxrules: internal error: UnicodeError: decoding with 'punycode' codec
    failed' (hunt64 finding-2)."""
    [d] = diagnostics(tmp_path, '[log]\nformat = "csv"\nencoding = "Punycode"\n')
    assert (d.code, d.message, d.span.line) == (
        "E410",
        "log.encoding = 'Punycode': 'Punycode' encodes internet domain names, not a file's "
        'text: give the file\'s encoding, e.g. "utf-8", "cp1252" or "latin-1"',
        3,
    )
    [d] = diagnostics(tmp_path, '[log]\nencoding = "rot13"\n')
    assert d.message == "log.encoding = 'rot13': unknown encoding 'rot13'"


def test_a_condition_value_its_column_never_holds_is_refused(tmp_path):
    """A [[log.events]] condition sees the row after `numbers`: `in = ["2"]` on a `numbers`
    column (the bank export's priority) never held, and `in = [2]` on a CSV column (a text)
    neither: 782 of 2,999 rows silently made no event, the audit said nothing of the entry
    (hunt64 finding-3)."""
    log = tmp_path / "calls.csv"
    log.write_text("t,priority,ok\n2026-03-02T09:00:00Z,2,yes\n2026-03-02T09:01:00Z,0,no\n")
    head = '[log]\nformat = "csv"\nnumbers = ["priority"]\nbooleans = ["ok"]\n'
    entry = '[[log.events]]\ntype = "call.vip"\ntime = "t"\nwhen = {when}\n'

    def refused(when: str):
        (tmp_path / "cxrules.toml").write_text(head + entry.format(when=when))
        with pytest.raises(MappingError) as caught:
            open_log(str(log), load_mapping(None, tmp_path))
        [d] = caught.value.diagnostics
        return d.message, d.hint, d.span.line

    assert refused('{ column = "priority", in = ["2"] }') == (
        "log.events.0.when: column 'priority' is read as a number (numbers), so the text '2' "
        "in 'in' never equals it",
        "write the number without quotes: 2",
        8,
    )
    assert refused(
        '{ any = [{ column = "ok", present = true }, { column = "ok", not_in = ["no"] }] }'
    ) == (
        "log.events.0.when: column 'ok' is read as a boolean (booleans), so the text 'no' in "
        "'not_in' never equals it",
        "write true or false, without quotes",
        8,
    )
    head = '[log]\nformat = "csv"\n'
    assert refused('[{ column = "ok", present = true }, { column = "priority", in = [2] }]') == (
        "log.events.0.when: column 'priority' of a CSV file is a text (not in 'numbers'), so 2 "
        "in 'in' never equals it",
        'write the text, "2", or list the column in numbers or booleans',
        6,
    )
    head = '[log]\nformat = "csv"\nmissing_in = { ok = ["no"] }\n'
    assert refused('{ column = "ok", in = ["yes", "no"] }') == (
        "log.events.0.when: 'no' is a missing value of column 'ok': a row that holds it has no "
        "'ok', so 'in' never holds for it",
        'to test for no value, write { column = "ok", present = false }',
        7,
    )
    head = '[log]\nformat = "csv"\n'  # "" means no value in a CSV file, unless missing says
    assert refused('{ column = "ok", in = [""] }')[0].startswith("log.events.0.when: '' is a")
    # what the row holds: the entry is made for the row whose priority is 2
    logs, events = events_of(
        log,
        {
            "numbers": ["priority"],
            "events": [
                {"type": "call.vip", "time": "t", "when": {"column": "priority", "in": [2]}}
            ],
        },
    )
    assert [(e.type, e.line) for e in events] == [("call.vip", 2)]
    lines = tmp_path / "calls.jsonl"  # JSON values keep their types: a 2 may be a number
    lines.write_text('{"t": "2026-03-02T09:00:00Z", "priority": 2}\n')
    _, events = events_of(
        lines, {"events": [{"type": "v", "time": "t", "when": {"column": "priority", "in": [2]}}]}
    )
    assert [e.line for e in events] == [1]


def test_condition_needs_one_test_and_toml_errors_have_positions(tmp_path):
    [d] = diagnostics(
        tmp_path,
        '[log]\n[[log.events]]\ntype = "a"\ntime = "t"\nwhen = { column = "x" }\n',
    )
    assert d.message == (
        "log.events.0.when.0 = {'column': 'x'}: a condition needs exactly one of "
        "'present', 'in', 'not_in', 'any' or 'all'"
    )
    [d] = diagnostics(tmp_path, "[log]\nzone = \n")
    assert (d.code, d.span.line) == ("E410", 2)
    assert d.message.startswith("mapping file is not valid TOML: Invalid value")


def test_a_bare_key_with_turkish_letters_gets_the_quotes_as_its_hint(tmp_path):
    """TOML's bare keys are A-Z, a-z, 0-9, _ and -: `attrs = { çağrı = "{call}" }` was only
    'Invalid initial character for a key part' at the caret, with no word of the quotes
    (hunt40 finding-4)."""
    [d] = diagnostics(
        tmp_path,
        '[log]\n[[log.events]]\ntype = "a"\ntime = "t"\nattrs = { çağrı = "{call}" }\n',
    )
    assert (d.code, d.span.line, d.span.column) == ("E410", 5, 11)
    assert d.hint == (
        'a TOML key with letters outside A-Z, a-z, 0-9, _ and - is written in quotes: "çağrı" = …'
    )
    [d] = diagnostics(tmp_path, '[log]\nkuyruğu = "x"\n')
    assert (d.span.line, d.span.column) == (2, 6)
    assert d.hint.endswith('"kuyruğu" = …')
    [d] = diagnostics(tmp_path, "[log]\nzone = \n")
    assert d.hint == ""


def test_time_beside_events_entries_points_at_its_line(tmp_path):
    """A `time` in [log] beside [[log.events]] entries was an E410 with no file or line, whose
    message dumped the whole table as a Python dict under the key 'log.log' (hunt15 finding-1)."""
    [d] = diagnostics(
        tmp_path,
        '[log]\ndelimiter = ";"\ntime = "ContactDate"\n\n'
        '[[log.events]]\ntype = "complaint.filed"\ntime = "ContactDate"\n',
    )
    assert (d.code, d.span.line, d.span.column, d.source_line) == (
        "E410",
        3,
        1,
        'time = "ContactDate"',
    )
    assert d.message == (
        "log.time = 'ContactDate': with [[log.events]] entries each entry gives its own "
        "'time': write it in the entries, not in [log]"
    )
    [d] = diagnostics(tmp_path, '[log]\ndate = "d"\ntime = "t"\ntime_format = "epoch_s"\n')
    assert (d.span.line, d.message) == (
        4,
        "log.time_format = 'epoch_s': a date column needs times of day, not time_format 'epoch_s'",
    )


def test_a_literal_type_in_log_is_told_to_go_in_an_events_entry(tmp_path):
    """`type = "complaint.filed"` in [log] (one type for every row) was told only 'name a
    column of the header' (hunt15 finding-1)."""
    path = tmp_path / "t.csv"
    path.write_text("a;b\n2020-01-01;x\n")
    with pytest.raises(MappingError) as caught:
        open_log(str(path), mapping_from_dict({"delimiter": ";", "time": "a", "type": "c.f"}))
    [d] = caught.value.diagnostics
    assert d.hint == (
        "'type' is the column that holds each row's type; one type for every row is a "
        '[[log.events]] entry: type = "c.f" with its time column'
    )


def test_columns_not_in_the_header_are_named_with_a_suggestion(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("when,kind\n2026-03-02T10:00:00Z,a\n")
    with pytest.raises(MappingError) as caught:
        open_log(str(path), mapping_from_dict({"time": "whne", "type": "kind"}))
    [d] = caught.value.diagnostics
    assert d.message == (
        f"the mapping names column 'whne', which the header of {path} does not have "
        "(columns: when, kind)"
    )
    assert d.hint == "did you mean 'when'?"


def test_a_mapping_without_a_time_key_is_told_the_likely_time_column(tmp_path):
    # no column is named 'time'; 'Created At' says so by its name and its values, 'Due' only
    # by its values, 'closed_on' only by its name
    path = tmp_path / "t.csv"
    path.write_text(
        "ticket,Created At,Due,status,closed_on\nt1,2026-03-02 10:00:00,2026-03-09,open,\n"
    )
    with pytest.raises(MappingError) as caught:
        open_log(str(path), mapping_from_dict({"type": "status"}))
    [d] = caught.value.diagnostics
    assert d.hint == (
        "the mapping has no 'time' key, so the time is read from a column named 'time': name "
        "the time column, time = \"Created At\" (or 'Due', 'closed_on')"
    )
    # times not written ISO 8601: the format is asked for at once, not one E404 per record
    path.write_text("id,Complete Timestamp,type\n1,2016/01/04 12:09:44.000,a\n")
    with pytest.raises(MappingError) as caught:
        open_log(str(path), mapping_from_dict({}))
    [d] = caught.value.diagnostics
    assert d.hint is not None and d.hint.endswith(
        "time = \"Complete Timestamp\"; its first value '2016/01/04 12:09:44.000' is not ISO "
        "8601: give its time_format too"
    )


def test_a_column_not_in_the_header_is_shown_where_the_mapping_file_names_it(tmp_path):
    """The error pointed at neither the mapping file nor its line, and read as if the export
    were broken (hunt7 finding-3)."""
    path = tmp_path / "t.csv"
    path.write_text("when,kind\n2026-03-02T10:00:00Z,a\n")
    mapping = tmp_path / "m.toml"
    mapping.write_text('[[log.events]]\ntime = "when"\ntype = "{knd}.done"\n')
    with pytest.raises(MappingError) as caught:
        open_log(str(path), load_mapping(str(mapping)))
    [d] = caught.value.diagnostics
    assert d.span is not None
    assert (d.span.file, d.span.line, d.span.column) == (str(mapping), 3, 10)
    assert d.source_line == 'type = "{knd}.done"'


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


def test_slug_keeps_turkish_capitals_and_decomposed_letters_whole(tmp_path):
    """'İADE TALEBİ' slugged to 'i_ade_talebi': Python's lower case of 'İ' is 'i' and a
    combining dot, which the slug took for a word break, so `when destek.iade_talebi` matched
    nothing (W401 suggested the odd name); a letter written decomposed ('S' and a combining
    cedilla) was cut the same way (hunt40 finding-7)."""
    path = tmp_path / "t.csv"
    path.write_text(
        "bilet,aktivite,zaman\n"
        "B1,İADE TALEBİ,2026-03-02T10:00:00Z\n"
        "B1,S\u0327ikayet Ac\u0327ıldı,2026-03-02T10:05:00Z\n",
        encoding="utf-8",
    )
    table = {"time": "zaman", "type": "destek.{aktivite}", "type_values": "slug"}
    _, events = events_of(path, table)
    assert [e.type for e in events] == ["destek.iade_talebi", "destek.şikayet_açıldı"]
    assert events[0].attrs["aktivite"] == "İADE TALEBİ"  # the attribute keeps its text


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


def test_a_time_with_an_offset_its_format_lacks_is_told_the_format_to_write(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("at,type\n2026-03-02 10:05:00+01:00,a\n02/03/2026 10:05 Z,b\n")
    table = {"time": "at", "time_format": "%Y-%m-%d %H:%M:%S", "zone": "UTC"}
    logs, events = events_of(path, table)
    assert events == []
    assert [(bad.line, bad.code, bad.reason) for bad in logs.rejected] == [
        (
            2,
            "E404",
            "time '2026-03-02 10:05:00+01:00' in 'at' does not match the format "
            "'%Y-%m-%d %H:%M:%S': it ends with a UTC offset ('+01:00') that the format lacks: "
            "write '%Y-%m-%d %H:%M:%S%z'",
        ),
        (3, "E404", "time '02/03/2026 10:05 Z' in 'at' does not match the format "
                    "'%Y-%m-%d %H:%M:%S'"),  # another layout: no offset hint
    ]  # fmt: skip
    # the format it says to write reads the time
    _, [event] = events_of(path, {**table, "time_format": "%Y-%m-%d %H:%M:%S%z"})
    assert event.time == datetime(2026, 3, 2, 9, 5, tzinfo=UTC)


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


# --------------------------------------------------------------------------- issue 12, 12-13


def test_mapping_errors_point_at_the_line_of_the_right_table_and_entry(tmp_path):
    # A project's own `format` (the report's) comes before [log]: the error names the log's.
    [d] = diagnostics(
        tmp_path,
        'format = "html"\npolicies = ["policies"]\n\n[log]\nformat = "cvs"\n',
    )
    assert (d.span.line, d.source_line) == (5, 'format = "cvs"')
    # The second [[log.events]] entry's time format, not the first entry's line.
    [d] = diagnostics(
        tmp_path,
        "[log]\n"
        '[[log.events]]\ntype = "a"\ntime = "t1"\ntime_format = "hh:mm"\n'
        '[[log.events]]\ntype = "b"\ntime = "t2"\ntime_format = "hh:qq"\n',
    )
    assert (d.span.line, d.source_line) == (9, 'time_format = "hh:qq"')
    assert d.message.startswith("log.events.1.time_format = 'hh:qq': unknown part 'qq'")
    # A condition nested in `any`, in the second entry.
    [d] = diagnostics(
        tmp_path,
        "[log]\n"
        '[[log.events]]\ntype = "a"\ntime = "t"\nwhen = { column = "x", present = true }\n'
        '[[log.events]]\ntype = "b"\ntime = "t"\n'
        'when = { any = [{ column = "x", present = true }, { colum = "y", present = true }] }\n',
    )
    assert (d.code, d.span.line, d.message, d.hint) == (
        "E410",
        9,
        "unknown mapping key 'events.1.when.0.any.1.colum'",
        "did you mean 'column'?",
    )


def test_conditions_combine_with_any_and_all(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text(
        "time,outcome,channel\n"
        "2026-03-02T10:00:00Z,AGENT,phone\n"  # answered: AGENT
        "2026-03-02T10:01:00Z,HANG,chat\n"  # answered: chat (any) ... but not HANG-phone
        "2026-03-02T10:02:00Z,HANG,phone\n"  # neither
    )
    table = {
        "events": [
            {
                "type": "call.handled",
                "time": "time",
                "when": {
                    "any": [
                        {"column": "outcome", "in": ["AGENT"]},
                        {"all": [{"column": "channel", "in": ["chat"]}]},
                    ]
                },
            }
        ]
    }
    _, events = events_of(path, table)
    assert [e.line for e in events] == [2, 3]
    with pytest.raises(MappingError) as caught:
        mapping_from_dict({"events": [{"type": "a", "time": "t", "when": {"any": []}}]})
    assert caught.value.diagnostics[0].message.endswith("'any' needs at least one condition")


def test_a_time_in_any_column_is_read_with_its_format(tmp_path):
    path = tmp_path / "visits.csv"
    path.write_text(
        "when,type,appointment,window_end,arrived\n"
        "02/03/2026 09:00,appointment.booked,a-1,02/03/2026 12:00,\n"
        "02/03/2026 11:30,technician.arrived,a-1,,2026-03-02 11:30\n"
        "02/03/2026 13:00,appointment.booked,a-2,noon,\n"
    )
    table = {
        "time": "when",
        "time_format": "dd/mm/yyyy hh:mm",
        "zone": "Europe/Istanbul",
        "times": {"window_end": "dd/mm/yyyy hh:mm", "arrived": "yyyy-mm-dd hh:mm"},
    }
    logs, events = events_of(path, table)
    assert [e.attrs.get("window_end") for e in events] == [
        datetime(2026, 3, 2, 9, 0, tzinfo=UTC),  # 12:00 in Istanbul
        None,
    ]
    assert events[1].attrs["arrived"] == datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
    [bad] = logs.rejected
    assert (bad.line, bad.code, bad.reason) == (
        4,
        "E404",
        "time 'noon' in 'window_end' does not match the format 'dd/mm/yyyy hh:mm'",
    )


def test_an_events_entry_reads_its_time_with_its_own_format(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("queued,answered_ms\n2026-03-02T10:00:00Z,1772445605000\n")
    table = {
        "events": [
            {"type": "call.queued", "time": "queued"},
            {"type": "call.answered", "time": "answered_ms", "time_format": "epoch_ms"},
        ]
    }
    _, events = events_of(path, table)
    assert [(e.type, e.time) for e in events] == [
        ("call.queued", datetime(2026, 3, 2, 10, 0, tzinfo=UTC)),
        ("call.answered", datetime(2026, 3, 2, 10, 0, 5, tzinfo=UTC)),
    ]


def test_events_entries_see_the_id_column_in_conditions_and_templates(tmp_path):
    """The id column was taken out of the row before the entries were made: `when = { column
    = "id", present = true }` never held (the entry silently made no event), `attrs = {
    ticket = "T-{id}" }` was left out, and `type = "ticket.{id}"` was E405, the column said
    missing (hunt64 finding-5)."""
    path = tmp_path / "tickets.csv"
    path.write_text("id,t\n7,2026-03-02T10:00:00Z\n,2026-03-02T10:01:00Z\n")
    table = {
        "events": [
            {
                "type": "ticket.{id}",
                "time": "t",
                "when": {"column": "id", "present": True},
                "attrs": {"ticket": "T-{id}"},
            },
            {"type": "ticket.seen", "time": "t", "attrs": {"ticket": "T-{id}"}},
        ]
    }
    logs, events = events_of(path, table)
    assert [(e.type, e.id, e.attrs) for e in events] == [
        ("ticket.7", "7#1", {"t": "2026-03-02T10:00:00Z", "ticket": "T-7"}),
        ("ticket.seen", "7#2", {"t": "2026-03-02T10:00:00Z", "ticket": "T-7"}),
        ("ticket.seen", f"{path}:3#2", {"t": "2026-03-02T10:01:00Z"}),
    ]
    assert logs.rejected == []


def test_duplicate_key_names_no_column_has_are_an_error_with_the_field_to_write(tmp_path):
    # The helpdesk mistake: the export's own column names, where duplicate_key names the
    # event's fields (after rename; the time and type columns become `time` and `type`).
    csv = tmp_path / "helpdesk.csv"
    csv.write_text(
        "Case ID,Activity,Complete Timestamp,Resource\n"
        "Case 1,Assign seriousness,2012/10/09 14:50:17.000,Value 1\n"
    )
    (tmp_path / "cxrules.toml").write_text(
        "[log]\n"
        'format = "csv"\n'
        'time = "Complete Timestamp"\n'
        'time_format = "yyyy/mm/dd hh:mm:ss.sss"\n'
        'type = "Activity"\n'
        'rename = { "Case ID" = "case" }\n'
        'duplicate_key = ["Case ID", "Complete Timestamp", "resorce"]\n'
    )
    mapping = load_mapping(None, tmp_path)
    with pytest.raises(MappingError) as caught:
        open_log(str(csv), mapping)
    found = [(d.message, d.hint, d.span.line if d.span else 0) for d in caught.value.diagnostics]
    head = f"{csv}: duplicate_key names"
    tail = (
        "which no event has (it names the event's fields: time, type, id and attributes after "
        "rename)"
    )
    assert found == [
        (f"{head} 'Case ID', {tail}", "'Case ID' is renamed 'case': write 'case'", 7),
        (
            f"{head} 'Complete Timestamp', {tail}",
            "column 'Complete Timestamp' is the event's time: write 'time'",
            7,
        ),
        (f"{head} 'resorce', {tail}", "did you mean 'Resource'?", 7),
    ]
    fixed = mapping_from_dict(
        mapping.model_dump(by_alias=True) | {"duplicate_key": ["case", "time"]}
    )
    assert len(list(LogSet([open_log(str(csv), fixed)]).events())) == 1


def test_duplicate_key_in_a_log_without_header_is_checked_as_it_is_read(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_text(
        '{"time": "2026-03-02T10:00:00Z", "type": "a", "ticket": "t-1"}\n'
        '{"time": "2026-03-02T10:00:00Z", "type": "a", "ticket": "t-2"}\n'
    )
    logs = LogSet([open_log(str(path), mapping_from_dict({"duplicate_key": ["tiket", "type"]}))])
    with pytest.raises(MappingError) as caught:
        list(logs.events())
    [d] = caught.value.diagnostics
    assert d.message.startswith(f"{path}: duplicate_key names 'tiket', which no event has")
    assert d.hint == "did you mean 'ticket'?"


def test_an_event_lacking_a_duplicate_key_field_is_never_a_duplicate(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_text(
        '{"time": "2026-03-02T10:00:00Z", "type": "a", "ticket": "t-1"}\n'
        '{"time": "2026-03-02T10:00:00Z", "type": "a", "ticket": "t-1"}\n'  # a duplicate
        '{"time": "2026-03-02T10:00:00Z", "type": "a"}\n'  # no ticket: no key
        '{"time": "2026-03-02T10:00:00Z", "type": "a"}\n'  # (today these all compared equal)
    )
    logs = LogSet([open_log(str(path), mapping_from_dict({"duplicate_key": ["ticket", "time"]}))])
    assert [e.line for e in logs.events()] == [1, 3, 4]
    assert logs.summaries()[0].duplicates == 1
