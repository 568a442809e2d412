"""Instants before the year 1000 (hunt35 finding-3): `local_date` was `strftime("%Y-%m-%d")` on
the python engine, which writes the year 999 as '999' on Linux, so `local_date == 0999-01-01`
never held there and held on the SQL engines. Every engine writes the year in four digits.
Expected values by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import engine_builders
from engine_builders import Log, counts, run, tally

from cxrules.logs.event import Event
from cxrules.reports.svg import violations_chart

HEAD = """policy p.test "Test policy"
  owner "Operations"
  description "Hunt 35"
"""


def test_local_date_of_the_year_999_has_four_digits(tmp_path: Path) -> None:
    rule = engine_builders.compiled(
        tmp_path, '  zone "UTC"\n  forbid x.a where local_date == 0999-01-01\n', HEAD
    )
    log = Log()
    for line, day in enumerate((1, 2), start=1):
        when = datetime(999, 1, day, 10, tzinfo=UTC)
        log.events.append(Event(when, "x.a", f"e{line}", {}, file="log.jsonl", line=line, seq=line))
    result = run(rule, log)
    [violation] = result.violations
    assert violation.sentence == (
        "forbidden x.a at 0999-01-01 10:00:00+00:00: local_date = 0999-01-01 "
        "(rule: forbid x.a where local_date == 0999-01-01)"
    )
    assert counts(result) == tally(activations=2, satisfied=1, violated=1)


def test_the_chart_of_violations_writes_early_years_in_four_digits() -> None:
    days = violations_chart({date(999, 1, 5): {"high": 1}, date(999, 1, 6): {"low": 2}})
    assert "<title>0999-01-05: 1 high</title>" in days and ">0999-01-06</text>" in days
    months = violations_chart({date(999, 1, 1): {"high": 1}}, period="month")
    assert "<title>0999-01: 1 high</title>" in months and ">0999-01</text>" in months
