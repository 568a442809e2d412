"""Spark engine: what only it does — log files staged through the duckdb ingestion as Parquet,
the staging removed at the end, Spark's own logging kept quiet."""

from __future__ import annotations

import gc
import json
import tempfile
from pathlib import Path

import pytest

from cxrules.audit import AuditRequest, run_audit
from cxrules.reports.as_json import render_json

pytest.importorskip("pyspark")
from py4j.java_gateway import JavaObject  # noqa: E402 - pyspark's, present with it

pytestmark = pytest.mark.engines("spark")

POLICY = """
policy shop.no-rudeness "Never 'no problem'"
  severity low
  owner "Floor"
  description "Each 'no problem' is a breach."
  forbid staff.said where lower(text) contains "no problem"
"""
LINES = [
    '{"time": "2026-03-02T10:00:00+03:00", "type": "staff.said", "text": "No problem!"}',
    '{"time": "2026-03-02T10:01:00+03:00", "type": "staff.said", "text": "Of course"}',
    "{not json",
    '{"time": "2026-03-02T10:02:00+03:00", "type": "staff.said", "text": "no problem"}',
    '{"time": "2026-03-02T10:02:00+03:00", "type": "staff.said", "text": "no problem", "id": 1}',
]


def test_a_log_file_gives_the_python_engines_report_and_leaves_nothing_behind(
    tmp_path: Path, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "p.cxr").write_text(POLICY, encoding="utf-8")
    (tmp_path / "log.jsonl").write_text("\n".join(LINES) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    made: list[str] = []
    real = tempfile.mkdtemp

    def mkdtemp(**kw: str) -> str:
        made.append(real(**kw))
        return made[-1]

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    reports = {}
    for name in ("python", engine):
        request = AuditRequest(policies=["p.cxr"], logs=["log.jsonl"], engine=name)
        report, _ = run_audit(request)
        reports[name] = json.loads(render_json(report))
    got, want = reports[engine], reports["python"]
    assert got.pop("engine") == "spark"
    want.pop("engine")
    assert got == want
    # the bad line rejected with its line; three breaches (lines 1, 4 and 5)
    assert [(r["line"], r["code"]) for r in got["rejected"]] == [(3, want["rejected"][0]["code"])]
    assert sorted(v["evidence"][0]["line"] for v in got["violations"]) == [1, 4, 5]
    # the events were staged in a folder of their own, removed when the audit ended
    (staged,) = [m for m in made if Path(m).name.startswith("cxrules-spark-")]
    assert not Path(staged).exists()


def test_an_audit_releases_its_views_and_checkpoints(
    tmp_path: Path, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long-lived session (a notebook, this test run) can run audit after audit: each one drops
    its temporary views, frees the blocks of its checkpoints and lets py4j free its Java
    objects when it ends."""
    from cxrules.engines.spark import engine as spark_engine
    from cxrules.engines.spark.session import session

    (tmp_path / "p.cxr").write_text(POLICY, encoding="utf-8")
    (tmp_path / "log.jsonl").write_text("\n".join(LINES) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    made: list[str] = []
    checkpoint = spark_engine.SparkBackend.checkpoint

    def counted(self: spark_engine.SparkBackend, name: str, frame: object) -> object:
        made.append(name)
        return checkpoint(self, name, frame)

    monkeypatch.setattr(spark_engine.SparkBackend, "checkpoint", counted)
    request = AuditRequest(policies=["p.cxr"], logs=["log.jsonl"], engine=engine)
    run_audit(request)  # the session started
    spark = session(spark_engine.DEFAULT_MASTER)
    kept = spark.sparkContext._jsc.getPersistentRDDs
    views = {t.name for t in spark.catalog.listTables() if t.isTemporary}
    before = kept().size()
    made.clear()
    for _ in range(3):
        report, _ = run_audit(request)
        assert len(report.violations) == 3
    assert made.count("events") == 3
    assert "_cx_records_0" in made
    assert kept().size() == before
    assert {t.name for t in spark.catalog.listTables() if t.isTemporary} == views
    # and no Java object is left to py4j (each would keep a statement's plans in the JVM)
    alive = sum(1 for o in gc.get_objects() if isinstance(o, JavaObject))
    run_audit(request)
    assert sum(1 for o in gc.get_objects() if isinstance(o, JavaObject)) <= alive


def test_a_small_log_is_interpreted_and_the_session_gets_its_setting_back(
    tmp_path: Path, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below `COMPILED_FROM` events an audit turns whole-stage code generation off for its own
    statements, and gives the session's setting back when it ends: unset stays unset, a value
    the user set stays that value."""
    from cxrules.engines.spark import engine as spark_engine
    from cxrules.engines.spark.session import session

    (tmp_path / "p.cxr").write_text(POLICY, encoding="utf-8")
    (tmp_path / "log.jsonl").write_text("\n".join(LINES) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    seen: list[str | None] = []
    keep = spark_engine.SparkBackend.keep_records

    def watched(self: spark_engine.SparkBackend, index: int, policy: str) -> None:
        seen.append(self.spark.conf.get(spark_engine.WHOLE_STAGE, None))
        keep(self, index, policy)

    monkeypatch.setattr(spark_engine.SparkBackend, "keep_records", watched)
    request = AuditRequest(policies=["p.cxr"], logs=["log.jsonl"], engine=engine)
    run_audit(request)  # the session started
    conf = session(spark_engine.DEFAULT_MASTER).conf
    try:
        for setting in (None, "true"):
            if setting is None:
                conf.unset(spark_engine.WHOLE_STAGE)
            else:
                conf.set(spark_engine.WHOLE_STAGE, setting)
            seen.clear()
            report, _ = run_audit(request)
            assert len(report.violations) == 3
            assert seen == ["false"]  # while the policy ran
            assert conf.get(spark_engine.WHOLE_STAGE, None) == setting
        # from COMPILED_FROM events on, the session's setting is left alone
        monkeypatch.setattr(spark_engine, "COMPILED_FROM", 3)
        seen.clear()
        run_audit(request)
        assert seen == ["true"]
    finally:
        conf.unset(spark_engine.WHOLE_STAGE)


def _as_on_python(tmp_path: Path, engine: str, policy: str, lines: list[str]) -> list[int]:
    """The report of `policy` over `lines` on `engine`, required to equal the python engine's;
    the line of each violation's first evidence."""
    (tmp_path / "p.cxr").write_text(policy, encoding="utf-8")
    (tmp_path / "log.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    reports = {}
    for name in ("python", engine):
        request = AuditRequest(
            policies=[str(tmp_path / "p.cxr")], logs=[str(tmp_path / "log.jsonl")], engine=name
        )
        reports[name] = json.loads(render_json(run_audit(request)[0]))
        reports[name].pop("engine")
    assert reports[engine] == reports["python"]
    return [v["evidence"][0]["line"] for v in reports[engine]["violations"]]


def test_membership_of_a_number_in_a_list_runs_as_on_the_python_engine(
    tmp_path: Path, engine: str
) -> None:
    """`tiers contains 1`: the literal's value as a number is written without a boolean part
    (Spark refuses `CASE WHEN NULL THEN …`, which DuckDB takes)."""
    policy = (
        'policy sales.no-tier-1 "No order in tier 1"\n'
        '  owner "Sales"\n  description "A list of numbers."\n'
        "  forbid order.placed where tiers contains 1\n"
    )
    lines = [
        '{"time": "2026-03-02T10:00:00+03:00", "type": "order.placed", "tiers": [1, 2]}',
        '{"time": "2026-03-02T10:01:00+03:00", "type": "order.placed", "tiers": [3]}',
        '{"time": "2026-03-02T10:02:00+03:00", "type": "order.placed", "tiers": [true]}',
        '{"time": "2026-03-02T10:03:00+03:00", "type": "order.placed", "tiers": ["1"]}',
    ]
    # 1 is in [1, 2] and equals true (Python: True == 1); the text "1" is not the number 1
    assert _as_on_python(tmp_path, engine, policy, lines) == [1, 3]


def test_weekday_counts_from_monday(tmp_path: Path, engine: str) -> None:
    """`weekday` is 1 on Monday and 7 on Sunday (DuckDB's isodow; Spark's own dayofweek
    starts on Sunday, so the plans compute it from the day number)."""
    policy = (
        'policy desk.no-weekend "No ticket is closed at the weekend"\n'
        '  owner "Desk"\n  description "Weekdays only."\n'
        "  forbid ticket.closed where weekday >= 6\n"
    )
    days = ["2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09"]  # Friday to Monday
    lines = [
        f'{{"time": "{day}T23:30:00+03:00", "type": "ticket.closed", "ticket": "t-{n}"}}'
        for n, day in enumerate(days)
    ]
    assert _as_on_python(tmp_path, engine, policy, lines) == [2, 3]


def test_whole_numbers_beyond_two_to_the_53_compare_exactly(tmp_path: Path, engine: str) -> None:
    """Ints beyond 2**53 compare by their digits (DuckDB's HUGEINT, Spark's DECIMAL(38, 0))."""
    policy = (
        'policy finance.one-order "Order 9007199254740993 is never refunded"\n'
        '  owner "Finance"\n  description "Large order numbers."\n'
        "  forbid refund.issued where order_no == 9007199254740993\n"
    )
    lines = [
        f'{{"time": "2026-03-02T10:0{n}:00+03:00", "type": "refund.issued", "order_no": {v}}}'
        for n, v in enumerate([9007199254740992, 9007199254740993, 9007199254740994])
    ]
    assert _as_on_python(tmp_path, engine, policy, lines) == [2]
