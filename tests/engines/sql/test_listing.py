"""SQL plans, the listing (`cxrules compile --engine duckdb|spark`): the script runs as printed
and finds what the engine finds."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from engine_builders import Log, dur, pat, policy

from cxrules import ir
from cxrules.audit import audit_events
from cxrules.cli import main
from cxrules.engines.sql.listing import listing
from cxrules.time.instants import to_us

duckdb = pytest.importorskip("duckdb")

# Pure SQL text, whatever engine the suite runs: once is enough.
pytestmark = pytest.mark.engines("python")
ROOT = Path(__file__).resolve().parents[3]


def test_the_script_runs_in_duckdb_and_finds_the_engines_violations() -> None:
    # at most 2 complaints per customer in 1 day: c1 files 3 (the third breaks it), c2 files 1
    rule = ir.RateLimit(pattern=pat("complaint.filed"), at_most=2, within=dur("1d"))
    p = policy(rule, scope=("customer",), pid="c.limit")
    log = Log()
    for at, who in (("+0s", "c1"), ("+1h", "c2"), ("+2h", "c1"), ("+3h", "c1")):
        log.add(at, "complaint.filed", customer=who)
    policy_set = ir.PolicySet(policies=(p,))
    expected = audit_events(policy_set, log.events, engine="python", zone="UTC")
    assert [v.trigger.id for v in expected.violations] == ["e4"]

    last = to_us(log.events[-1].time)
    script = listing(policy_set, "UTC", last)
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE events (ord BIGINT, ts BIGINT, seq BIGINT, type VARCHAR, id VARCHAR, "
        "file VARCHAR, line BIGINT, attrs JSON)"
    )
    for n, e in enumerate(log.events):
        con.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, 'log.jsonl', ?, ?)",
            [n, to_us(e.time), n, e.type, e.id, n + 1, json.dumps(e.attrs)],
        )
    con.execute(script)
    found = con.execute("SELECT trig FROM p0.records").fetchall()
    assert [log.events[o].id for (o,) in found] == ["e4"]


def test_a_policy_the_plans_cannot_express_is_a_comment_that_says_why() -> None:
    office = ir.Calendar(
        name="office",
        zone="UTC",
        hours=tuple(ir.WeekHours(weekday=d, ranges=(("09:00", "17:00"),)) for d in range(5)),
    )
    # a counting window on business time (an invariant's business grace was the example until
    # the plans learnt it)
    rule = ir.Response(
        trigger=ir.Trigger(pattern=pat("desk.called"), nth=2, within=dur("1h", business="office")),
        expect=pat("desk.answered"),
        window=ir.Window(direction="after", max=dur("1h")),
    )
    policy_set = ir.PolicySet(
        policies=(policy(rule, pid="desk.business"),),
        calendars={"office": office},
    )
    script = listing(policy_set, "UTC")
    assert "-- policy desk.business (response)\n-- not compiled: " in script
    assert "CREATE SCHEMA" not in script


def test_cli_prints_the_plans_and_refuses_a_bad_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    runner = CliRunner()
    args = ["compile", "policies/restaurant.cxr", "policies/common.cxr"]
    result = runner.invoke(main, [*args, "--engine", "duckdb", "--as-of", "2026-03-02T18:00Z"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("-- cxrules plans (duckdb): ")
    assert "horizon 1772474400000000 µs" in result.output  # 2026-03-02T18:00Z
    assert "-- policy restaurant.greet-on-arrival (response)" in result.output
    bad = runner.invoke(main, [*args, "--engine", "duckdb", "--zone", "Mars/Base"])
    assert bad.exit_code == 2
    assert "unknown time zone 'Mars/Base'" in bad.output


def test_cli_says_which_policies_the_engine_cannot_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refused policy is a comment in the script, an E302 on stderr and exit code 2: a CI
    pipeline that compiles its policies for duckdb learns that one will not run there."""
    (tmp_path / "p.cxr").write_text(
        'policy r.letters "Letters only"\n  owner "x"\n  description "x"\n'
        '  forbid staff.said where text matches "no(?i)problem"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["compile", "p.cxr", "--engine", "duckdb"])
    assert result.exit_code == 2
    assert "-- not compiled: 'matches' with the pattern" in result.stdout
    assert "error[E302]: policy r.letters (p.cxr:1) cannot run on the duckdb engine" in (
        result.stderr
    )


def test_a_script_written_without_as_of_finds_what_an_audit_finds(tmp_path: Path) -> None:
    """Without --as-of the script was written for the horizon 0 (1970: no deadline ever passed,
    a missed answer was open, a metric's members all waiting) and for zone offsets around 2000
    (a summer evening in Bucharest read an hour early): run by hand on a log, it found less than
    the audit. The horizon is now the events' last time, read by the script, and the zone
    tables are around today (hunt28 finding-5)."""
    from cxrules.policyset import load_policies

    (tmp_path / "p.cxr").write_text(
        'policy calls.night "No calls from 21:00"\n  zone "Europe/Bucharest"\n'
        "  forbid call.made where local_hour >= 21\n\n"
        'policy calls.back "Called back within an hour"\n  per c\n  when call.missed\n'
        "  expect call.made within 1h\n",
        encoding="utf-8",
    )
    policy_set = load_policies([str(tmp_path / "p.cxr")]).policy_set
    assert policy_set is not None
    year = datetime.now(UTC).year
    rows = [  # (UTC time, type, c): 18:30Z is 21:30 in summer (EEST), 20:30 in winter (EET)
        (datetime(year, 1, 2, 18, 30, tzinfo=UTC), "call.made", "w"),
        (datetime(year, 7, 2, 16, 0, tzinfo=UTC), "call.missed", "m"),
        (datetime(year, 7, 2, 18, 30, tzinfo=UTC), "call.made", "s"),
    ]
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE events (ord BIGINT, ts BIGINT, seq BIGINT, type VARCHAR, id VARCHAR, "
        "file VARCHAR, line BIGINT, attrs JSON)"
    )
    for n, (at, kind, c) in enumerate(rows):
        con.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, 'log.jsonl', ?, ?)",
            [n, to_us(at), n, kind, f"e{n}", n + 1, json.dumps({"c": c})],
        )
    script = listing(policy_set, "UTC")
    assert "horizon the last event's time" in script.splitlines()[0]
    con.execute(script)
    night = con.execute("SELECT trig, kind FROM p1.records").fetchall()
    back = con.execute("SELECT trig, kind, end_us FROM p0.records").fetchall()
    assert night == [(2, "forbidden")]  # the summer call only
    assert back == [(1, "missing", to_us(rows[1][0]) + 3_600_000_000)]


def _events_table(con: Any, rows: list[tuple[datetime, str, dict[str, str]]]) -> None:
    """The DuckDB script's input: a table `events` of `rows` (time, type, attributes)."""
    con.execute(
        "CREATE TABLE events (ord BIGINT, ts BIGINT, seq BIGINT, type VARCHAR, id VARCHAR, "
        "file VARCHAR, line BIGINT, attrs JSON)"
    )
    for n, (at, kind, attrs) in enumerate(rows):
        con.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, 'log.jsonl', ?, ?)",
            [n, to_us(at), n, kind, f"e{n}", n + 1, json.dumps(attrs)],
        )


def test_a_script_written_with_as_of_leaves_later_events_out_as_an_audit_does() -> None:
    """With --as-of the script read every event of the table: a failure a day after the horizon
    was a second breach, which the audit leaves out ('Not audited: 1 event after …'). `ev` now
    holds the events up to the horizon, as an audit's (hunt38 finding-2)."""
    rule = ir.Absence(pattern=pat("job.failed"))
    policy_set = ir.PolicySet(policies=(policy(rule, pid="jobs.no-failure"),))
    rows = [
        (datetime(2026, 1, 1, 10, tzinfo=UTC), "job.failed", {}),
        (datetime(2026, 1, 3, 10, tzinfo=UTC), "job.failed", {}),
    ]
    con = duckdb.connect()
    _events_table(con, rows)
    horizon = to_us(datetime(2026, 1, 2, tzinfo=UTC))
    script = listing(policy_set, "UTC", horizon)
    con.execute(script)
    assert con.execute("SELECT trig, kind FROM p0.records").fetchall() == [(0, "forbidden")]
    assert "later events left out as an audit leaves them" in script.splitlines()[0]
    # its tally: one scope, one activation (the failure before the horizon), violated
    tally = script.split("-- tally\n")[1].split(";")[0]
    con.execute("SET search_path = 'p0,main'")
    assert con.execute(tally).fetchone() == (1, 0, 0, 1, 0, 1, 0, 0)


SPARK_POLICIES = """\
calendar desk "Desk hours"
  zone "UTC"
  hours mon-fri 09:00-17:00

policy c.answer "Complaints answered within 2 business hours"
  owner "o"
  description "d"
  calendar desk
  per customer
  when complaint.filed
  expect complaint.answered within 2 business hours

policy c.rude "Never 'no problem'"
  owner "o"
  description "d"
  forbid staff.said where lower(text) contains "no problem"
"""


def test_the_spark_script_says_its_typed_input_and_makes_only_temporary_views(
    tmp_path: Path,
) -> None:
    """`compile --engine spark` said its input was `events(…, attrs JSON)` but read a view `ev`
    of typed columns a0_k… that it never made nor explained, and wrote the calendars as
    lasting tables (CREATE TABLE, INSERT) in Spark's warehouse. The script now names the typed
    input and each prefix's attribute path, sets what the plans need of the session, makes
    `ev` from `events` up to the horizon, and makes only temporary views (hunt38 finding-1;
    tests/engines/spark/test_spark_listing.py runs it)."""
    pytest.importorskip("sqlglot")
    from cxrules.engines.spark.engine import SparkEngine
    from cxrules.policyset import load_policies

    (tmp_path / "p.cxr").write_text(SPARK_POLICIES, encoding="utf-8")
    policy_set = load_policies([str(tmp_path / "p.cxr")]).policy_set
    assert policy_set is not None
    horizon = to_us(datetime(2026, 3, 3, 16, tzinfo=UTC))
    script = SparkEngine().listing(policy_set, "UTC", horizon)
    lines = script.splitlines()
    header = lines[: lines.index("")]
    assert "attrs JSON" not in script
    assert "-- Input: a table or temporary view `events`, one row per event" in header[1]
    # the scope key of c.answer is read first, then the text of c.rude
    assert header[10:12] == ['--   a0: "customer"', '--   a1: "text"']
    assert "SET spark.sql.ansi.enabled=false;" in lines
    assert "SET spark.sql.session.timeZone=UTC;" in lines
    assert (
        f"CREATE OR REPLACE TEMPORARY VIEW ev AS\nSELECT * FROM `events` WHERE `ts` <= {horizon};"
        in script
    )
    statements = [
        line
        for line in lines
        if line
        and not line.startswith(("--", " "))
        and line.split()[0].isupper()
        and line.split()[0] != "SELECT"
    ]
    heads = {
        " ".join(s.split()[:5]) if s.startswith("CREATE") else s.split()[0] for s in statements
    }
    assert heads == {"SET", "CREATE OR REPLACE TEMPORARY VIEW", "CACHE"}
    # the calendar's four tables, as views of their rows (Monday 2 March: open 09:00-17:00)
    for name in ("cal0_day", "cal0_inv", "cal0_lday", "cal0_open"):
        assert f"CREATE OR REPLACE TEMPORARY VIEW {name} AS\nSELECT " in script
    monday = (datetime(2026, 3, 2, tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)).days
    opens = to_us(datetime(2026, 3, 2, 9, tzinfo=UTC))
    closes = to_us(datetime(2026, 3, 2, 17, tzinfo=UTC))
    assert re.search(rf"\n  \({monday}, [0-9]+, FALSE, {opens}, {closes}\)", script)


def test_business_deadlines_are_right_for_the_years_the_header_says(tmp_path: Path) -> None:
    """The header said local times and calendars were right for about two years either side of
    the horizon, but the calendar tables began a day or two before it: with --as-of two weeks
    after a log (or without it, around today) a complaint due at 12:00 and answered at 13:00
    was read as answered in time. The calendar tables now cover the zone ladders' years
    (hunt38 finding-3)."""
    from cxrules.policyset import load_policies

    (tmp_path / "p.cxr").write_text(
        'calendar desk "Desk hours"\n  zone "UTC"\n  hours mon-fri 09:00-17:00\n\n'
        'policy c.answer "Answered within 2 business hours"\n  calendar desk\n  per customer\n'
        "  when complaint.filed\n  expect complaint.answered within 2 business hours\n",
        encoding="utf-8",
    )
    policy_set = load_policies([str(tmp_path / "p.cxr")]).policy_set
    assert policy_set is not None
    rows = [  # Monday 2 March 2026: due 12:00, answered 13:00; Tuesday 15:00: due 17:00, none
        (datetime(2026, 3, 2, 10, tzinfo=UTC), "complaint.filed", {"customer": "c2"}),
        (datetime(2026, 3, 2, 13, tzinfo=UTC), "complaint.answered", {"customer": "c2"}),
        (datetime(2026, 3, 3, 15, tzinfo=UTC), "complaint.filed", {"customer": "c3"}),
    ]
    horizon = to_us(datetime(2026, 3, 20, tzinfo=UTC))
    script = listing(policy_set, "UTC", horizon)
    assert "calendars are right for events from 2024-01-10 to 2028-05-28" in script
    con = duckdb.connect()
    _events_table(con, rows)
    con.execute(script)
    found = con.execute("SELECT trig, kind, end_us FROM p0.records ORDER BY trig").fetchall()
    assert found == [  # ending at the late answer, at the missed deadline
        (0, "late", to_us(datetime(2026, 3, 2, 13, tzinfo=UTC))),
        (2, "missing", to_us(datetime(2026, 3, 3, 17, tzinfo=UTC))),
    ]
