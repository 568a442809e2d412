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


def test_values_the_sql_writes_for_spark_answer_as_on_the_python_engine(
    tmp_path: Path, engine: str
) -> None:
    """What SQLGlot would render wrongly or Spark refuse, in one audit (a Spark audit costs
    seconds): `tiers contains 1` (a literal's boolean part is no `CASE WHEN NULL`), `weekday`
    (DuckDB's isodow is not Spark's dayofweek, which starts on Sunday), ints beyond 2**53
    (HUGEINT is DECIMAL(38, 0) on Spark), a text "-nan" (Spark's cast has no sign before nan)
    and texts ending with U+2028 or U+0085 (in Java's regex \\v is any vertical space and `$`
    matches before a final line terminator)."""
    head = '  owner "Sales"\n  description "Rendered for Spark."\n'
    policies = {
        "tier": "forbid order.placed where tiers contains 1",
        "weekend": "forbid order.placed where weekday >= 6",
        "big": "forbid order.placed where order_no == 9007199254740993",
        "nan": "forbid order.placed where note + 1 != 9",
        "stamp": "forbid order.placed where stamp < time",
    }
    (tmp_path / "p.cxr").write_text(
        "".join(f'policy s.{n} "{n}"\n{head}  {rule}\n\n' for n, rule in policies.items()),
        encoding="utf-8",
    )
    stamp = "2026-03-01T00:00:00Z"
    rows = [  # Friday to Monday
        ("2026-03-06", [1, 2], 9007199254740992, "-nan", stamp + "\u2028"),
        ("2026-03-07", [3], 9007199254740993, "8", stamp),
        ("2026-03-08", [True], 9007199254740994, "8\u2028", stamp + "\u0085"),
        ("2026-03-09", ["1"], 1, "+NaN", None),
    ]
    lines = [
        json.dumps(
            {
                "time": f"{day}T23:30:00+03:00",
                "type": "order.placed",
                "tiers": tiers,
                "order_no": number,
                "note": note,
                "stamp": at,
            }
        )
        for day, tiers, number, note, at in rows
    ]
    (tmp_path / "log.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    reports = {}
    for name in ("python", engine):
        request = AuditRequest(
            policies=[str(tmp_path / "p.cxr")], logs=[str(tmp_path / "log.jsonl")], engine=name
        )
        reports[name] = json.loads(render_json(run_audit(request)[0]))
        reports[name].pop("engine")
    assert reports[engine] == reports["python"]
    lines_of = {}
    for v in reports[engine]["violations"]:
        lines_of.setdefault(v["policy"], []).append(v["evidence"][0]["line"])
    # 1 is in [1, 2] and equals true (True == 1), the text "1" is not the number 1; Saturday and
    # Sunday are days 6 and 7; only ...993 is ...993; "-nan" and "+NaN" are NaN (NaN + 1 is not
    # 9, 8 + 1 is); a text with a character after the number or the time is neither: missing
    # in note + 1, no time (hunt32 finding-2)
    assert lines_of == {
        "s.tier": [1, 3],
        "s.weekend": [2, 3],
        "s.big": [2],
        "s.nan": [1, 4],
        "s.stamp": [2],
    }


def test_an_audit_runs_whatever_the_session_was_set_to_and_gives_it_back(
    tmp_path: Path, engine: str
) -> None:
    """A session the user set to ANSI mode (Spark 4's default) and another zone between audits:
    the audit stopped at an ARITHMETIC_OVERFLOW (a sum's limbs cast a double past BIGINT), and
    the zone was whatever the session had. Each audit now sets what the plans need and gives
    the session its own settings back (hunt32 finding-3)."""
    from cxrules.engines.spark import engine as spark_engine
    from cxrules.engines.spark.session import session

    (tmp_path / "p.cxr").write_text(
        'policy s.sum "Sum"\n  owner "Sales"\n  description "d"\n'
        "  metric s = sum(total of order.placed)\n  require s <= 100\n\n"
        'policy s.night "Night"\n  owner "Sales"\n  description "d"\n'
        '  zone "Europe/Istanbul"\n  forbid order.placed where local_hour < 6\n',
        encoding="utf-8",
    )
    lines = [
        '{"time": "2026-03-06T02:30:00Z", "type": "order.placed", "total": 1e300}',
        '{"time": "2026-03-06T03:30:00Z", "type": "order.placed", "total": 1.5}',
    ]
    (tmp_path / "log.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    request = {"policies": [str(tmp_path / "p.cxr")], "logs": [str(tmp_path / "log.jsonl")]}
    want = json.loads(render_json(run_audit(AuditRequest(**request, engine="python"))[0]))
    conf = session(spark_engine.DEFAULT_MASTER).conf
    own = {"spark.sql.ansi.enabled": "true", "spark.sql.session.timeZone": "Pacific/Kiritimati"}
    try:
        for key, value in own.items():
            conf.set(key, value)
        got = json.loads(render_json(run_audit(AuditRequest(**request, engine=engine))[0]))
        assert {key: conf.get(key) for key in own} == own
    finally:
        for key in own:
            conf.set(key, spark_engine.PINNED[key])
    assert got.pop("engine") == "spark"
    want.pop("engine")
    assert got == want
    # 05:30 in Istanbul is night (03:30 UTC + 3 h): one breach; 1e300 + 1.5 is over 100
    assert [v["policy"] for v in got["violations"]] == ["s.night", "s.sum"]


def test_a_master_url_spark_cannot_take_is_said_before_spark_starts(
    tmp_path: Path, engine: str
) -> None:
    """`--spark-master notaurl` printed Spark's launcher's Java stack trace and then 'Java
    gateway process exited before sending its port number'; `local[abc]` a Java stack trace
    twice. Both are now one line, said before any JVM starts, with the forms Spark takes."""
    from cxrules.audit import AuditError

    (tmp_path / "p.cxr").write_text(POLICY, encoding="utf-8")
    (tmp_path / "log.jsonl").write_text(LINES[0] + "\n", encoding="utf-8")
    for master in ("notaurl", "local[abc]", "local[0]", "localhost:7077"):
        request = AuditRequest(
            policies=[str(tmp_path / "p.cxr")],
            logs=[str(tmp_path / "log.jsonl")],
            engine=engine,
            settings={"spark_master": master},
        )
        with pytest.raises(AuditError) as caught:
            run_audit(request)
        said = str(caught.value)
        assert f"--spark-master '{master}' is not a Spark master URL: write local[N]" in said
        assert "\n" not in said and "Java" not in said


def test_what_spark_says_of_a_failure_is_one_line_without_the_java_stack(engine: str) -> None:
    """py4j's message of a Java exception carries the whole Java stack trace, and the engine
    put it in its error ('Spark could not start: An error occurred while calling None.org.
    apache.spark.api.java.JavaSparkContext. : org.apache.spark.SparkException: … at org…');
    what it says now is the exception's class and the first line of its message."""
    from py4j.protocol import Py4JJavaError

    from cxrules.engines.spark import engine as spark_engine
    from cxrules.engines.spark.session import reason, session

    spark = session(spark_engine.DEFAULT_MASTER)
    # what a failed start raised: py4j's error of a Java exception with a two-line message
    java = spark._jvm.java.lang.IllegalStateException("Spark stopped.\nIt was created at: …")
    failed = Py4JJavaError("An error occurred while calling None.org.apache.spark.x.\n", java)
    assert "\tat " in str(failed)  # py4j's own message: the Java stack trace
    assert reason(failed) == "IllegalStateException: Spark stopped."
    # what a statement raises: pyspark's class for the Java exception
    with pytest.raises(Exception) as caught:
        spark._jvm.java.lang.Integer.parseInt("x")
    assert reason(caught.value) == 'NumberFormatException: For input string: "x"'


def test_spark_logging_is_at_the_level_cxrules_spark_log_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cxrules.engines.spark.session import LOG_CONFIG, java_options

    monkeypatch.delenv("CXRULES_SPARK_LOG", raising=False)
    assert java_options() == f"-Dlog4j2.configurationFile={LOG_CONFIG}"
    monkeypatch.setenv("CXRULES_SPARK_LOG", "WARN")
    assert java_options().endswith(" -Dcxrules.spark.log=warn")
    config = Path(LOG_CONFIG.removeprefix("file://")).read_text(encoding="utf-8")
    assert "rootLogger.level = ${sys:cxrules.spark.log:-off}" in config


def test_ctrl_c_during_an_audit_removes_the_staged_events(
    tmp_path: Path, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C (KeyboardInterrupt) while Spark ran the plans left the staged events' folder
    (/tmp/cxrules-spark-*, a copy of the log) behind: the engine closed its backend only on an
    Exception. It is removed now, even with the JVM gone (Ctrl-C stops it too)."""
    from cxrules.engines.spark import engine as spark_engine

    (tmp_path / "p.cxr").write_text(POLICY, encoding="utf-8")
    (tmp_path / "log.jsonl").write_text(LINES[0] + "\n", encoding="utf-8")
    made: list[str] = []
    real = tempfile.mkdtemp

    def mkdtemp(**kw: str) -> str:
        made.append(real(**kw))
        return made[-1]

    def interrupted(self: spark_engine.SparkBackend, index: int, policy: str) -> None:
        assert Path(self.folder or "").exists()  # the events are staged by now
        raise KeyboardInterrupt

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    monkeypatch.setattr(spark_engine.SparkBackend, "keep_records", interrupted)
    request = AuditRequest(
        policies=[str(tmp_path / "p.cxr")], logs=[str(tmp_path / "log.jsonl")], engine=engine
    )
    with pytest.raises(KeyboardInterrupt):
        run_audit(request)
    (staged,) = [m for m in made if Path(m).name.startswith("cxrules-spark-")]
    assert not Path(staged).exists()
