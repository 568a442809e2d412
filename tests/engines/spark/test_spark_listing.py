"""Spark engine, the listing (`cxrules compile --engine spark`): the script, run by hand
statement by statement in a Spark session on events staged as docs/spark.md says, finds what an
audit finds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cxrules.audit import AuditRequest, run_audit
from cxrules.reports.as_json import render_json

pytest.importorskip("pyspark")

pytestmark = pytest.mark.engines("spark")

POLICIES = """\
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
LOG = [  # Monday 2 and Tuesday 3 March 2026; the horizon is Tuesday 16:00
    ("2026-03-02T10:00:00Z", "complaint.filed", {"customer": "c2"}),  # due 12:00, answered 13:00
    ("2026-03-02T11:00:00Z", "staff.said", {"text": "No problem!"}),  # breach
    ("2026-03-02T11:05:00Z", "staff.said", {"text": "Of course"}),
    ("2026-03-02T13:00:00Z", "complaint.answered", {"customer": "c2"}),
    ("2026-03-02T16:00:00Z", "complaint.filed", {"customer": "c1"}),  # due Tuesday 10:00
    ("2026-03-03T09:30:00Z", "complaint.answered", {"customer": "c1"}),
    ("2026-03-03T15:00:00Z", "complaint.filed", {"customer": "c3"}),  # due 17:00: open
    ("2026-03-03T16:00:00Z", "staff.said", {"text": "fine"}),
    ("2026-03-04T10:00:00Z", "staff.said", {"text": "no problem"}),  # after the horizon
]
AS_OF = datetime(2026, 3, 3, 16, tzinfo=UTC)


def statements(script: str) -> list[tuple[str | None, str]]:
    """The script's statements, each with the comment line just before it (`-- tally`, …)."""
    found: list[tuple[str | None, str]] = []
    comment: str | None = None
    lines: list[str] = []
    for line in script.splitlines():
        if not lines and (not line.strip() or line.startswith("--")):
            comment = line if line.startswith("--") else comment
            continue
        lines.append(line)
        if line.endswith(";"):
            found.append((comment, "\n".join(lines)[:-1]))
            comment, lines = None, []
    assert not lines, "a statement without its ';'"
    return found


def test_the_listing_run_by_hand_finds_what_an_audit_finds(tmp_path: Path, engine: str) -> None:
    """The script said its input was `events(…, attrs JSON)` but read a view `ev` of typed
    columns it never made, and made lasting tables: it could not be run. Run now as printed on
    events staged by `staged_events` (the engine's own staging, docs/spark.md), it gives each
    policy's tally and violation records as the audit does (hunt38 finding-1)."""
    from cxrules.engines.base import RunOptions
    from cxrules.engines.spark.engine import DEFAULT_MASTER, PINNED, SparkEngine
    from cxrules.engines.spark.load import staged_events
    from cxrules.engines.spark.session import session
    from cxrules.engines.sql.catalog import Catalog
    from cxrules.logs import LogSet, open_log
    from cxrules.policyset import load_policies
    from cxrules.time.instants import to_us

    (tmp_path / "p.cxr").write_text(POLICIES, encoding="utf-8")
    rows = [json.dumps({"time": at, "type": kind, **attrs}) for at, kind, attrs in LOG]
    (tmp_path / "log.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    policy_set = load_policies([str(tmp_path / "p.cxr")]).policy_set
    assert policy_set is not None
    script = SparkEngine().listing(policy_set, "UTC", to_us(AS_OF))
    logs = LogSet([open_log(str(tmp_path / "log.jsonl"))])
    path, _ = staged_events(logs, RunOptions(), Catalog.of(policy_set), str(tmp_path))

    spark = session(DEFAULT_MASTER)
    settings = {key: spark.conf.get(key, None) for key in PINNED}
    before = {t.name for t in spark.catalog.listTables() if t.isTemporary}
    tallies: dict[str, tuple[Any, ...]] = {}
    records: dict[str, list[tuple[int, str]]] = {}
    policy = ""
    try:
        # as docs/spark.md says: the staged Parquet file as the view `events`
        spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW events USING parquet OPTIONS (path '{path}')")
        for comment, sql in statements(script):
            if comment and comment.startswith("-- policy "):
                policy = comment.split()[2]
            frame = spark.sql(sql)
            if comment == "-- tally":
                tallies[policy] = tuple(frame.collect()[0])
            elif comment == "-- records":
                records[policy] = sorted((r["trig"], r["kind"]) for r in frame.collect())
    finally:
        for name in {t.name for t in spark.catalog.listTables() if t.isTemporary} - before:
            spark.catalog.dropTempView(name)
        for key, value in settings.items():
            if value is None:
                spark.conf.unset(key)
            else:
                spark.conf.set(key, value)

    # (scopes, vacuous, out of scope, activations, satisfied, violated, pending, cancelled):
    # c2 answered an hour late, c1 on time the next morning, c3 still open at the horizon; two
    # of the three staff.said up to the horizon are polite (the one after it is left out)
    assert tallies == {"c.answer": (3, 0, 0, 3, 1, 1, 1, 0), "c.rude": (1, 0, 0, 3, 2, 1, 0, 0)}
    # events are numbered in processing order from 0: the first filing and the 'No problem!'
    assert records == {"c.answer": [(0, "late")], "c.rude": [(1, "forbidden")]}
    request = AuditRequest(
        policies=[str(tmp_path / "p.cxr")],
        logs=[str(tmp_path / "log.jsonl")],
        engine="python",
        as_of=AS_OF.isoformat(),
    )
    report = json.loads(render_json(run_audit(request)[0]))
    columns = ("scopes", "vacuous", "out_of_scope", "activations")
    columns += ("satisfied", "violated", "pending", "cancelled")
    audited = {p["id"]: tuple(p[c] for c in columns) for p in report["policies"]}
    assert audited == tallies
    found = sorted((v["policy"], v["evidence"][0]["line"] - 1) for v in report["violations"])
    assert found == sorted((p, trig) for p, kept in records.items() for trig, _ in kept)
