"""An object of the log that looks like the SQL engines' staging object of an instant
(`{"$cxrules.instant": µs}`, `engines.sql.catalog.INSTANT_KEY`) but is not one: the duckdb engine
read any object with that key as an instant, and one whose value was no number in range ended
in an internal error (hunt35 finding-2). The python engine holds an object; so does every
engine. Expected values by hand."""

from __future__ import annotations

import json
from pathlib import Path

import engine_builders
from click.testing import CliRunner
from engine_builders import Log, run

from cxrules.cli import main

HEAD = """policy p.test "Test policy"
  owner "Operations"
  description "Hunt 35"
"""

POLICIES = """policy a.before "Due before the event"
  owner "Operations"
  description "An object is no instant: never before the event"
  forbid x.a where due < time

policy a.any "Every due"
  owner "Operations"
  description "Shows every due as the log holds it"
  forbid x.a where due != "z"
"""

#: (the attribute `due` as the log holds it, as the sentence shows it)
OBJECTS = [
    ('{"$cxrules.instant":"x"}', '{"$cxrules.instant": "x"}'),
    ('{"$cxrules.instant":true}', '{"$cxrules.instant": true}'),
    (
        '{"$cxrules.instant":1270080000000000,"b":1}',
        '{"$cxrules.instant": 1270080000000000, "b": 1}',
    ),
    ('{"$cxrules.instant":-99999999999999999}', '{"$cxrules.instant": -99999999999999999}'),
    ('[{"$cxrules.instant":999999999999999999}]', '[{"$cxrules.instant": 999999999999999999}]'),
]


def test_an_object_shaped_like_a_staged_instant_stays_an_object(
    tmp_path: Path, audit_engine: str
) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(
        "".join(
            f'{{"time":"2024-01-01T00:00:0{i}Z","type":"x.a","id":"e{i}","due":{due}}}\n'
            for i, (due, _) in enumerate(OBJECTS)
        ),
        encoding="utf-8",
    )
    policies = tmp_path / "p.cxr"
    policies.write_text(POLICIES, encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["audit", "--policies", str(policies), "--log", str(log)]
        + ["--engine", audit_engine, "--format", "json", "--as-of", "2024-01-02"],
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    got = sorted((v["policy"], v["sentence"]) for v in report["violations"])
    assert got == [
        (
            "a.any",
            f"forbidden x.a at 2024-01-01 00:00:0{i}+00:00: due = {shown} "
            '(rule: forbid x.a where due != "z")',
        )
        for i, (_, shown) in enumerate(OBJECTS)
    ]


def test_an_object_of_events_in_memory_stays_an_object(tmp_path: Path) -> None:
    """The same objects in events handed over in memory (the duckdb engine's Python route)."""
    rule = engine_builders.compiled(tmp_path, '  forbid x.a where due != "z"\n', HEAD)
    log = Log()
    for i, (due, _) in enumerate(OBJECTS):
        log.add(f"+{i}s", "x.a", due=json.loads(due))
    result = run(rule, log)
    assert [v.sentence for v in result.violations] == [
        f"forbidden x.a at 2026-03-02 10:00:0{i}+03:00: due = {shown} "
        '(rule: forbid x.a where due != "z")'
        for i, (_, shown) in enumerate(OBJECTS)
    ]
