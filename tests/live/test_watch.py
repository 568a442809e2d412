"""`cxrules watch`: alerts as a log is read, the allowed lateness, and the final report, which
must be the report `cxrules audit --engine python` gives for the same events."""

from __future__ import annotations

import json
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxrules.cli import main

POLICY = """
policy calls.answer "Calls are answered within 2 minutes"
  severity high
  per call
  when call.queued
  expect call.answered within 2min

policy octopus.connected "A customer in the shop is always connected"
  severity high
  per visit
  state connection = arm.connected until arm.disconnected, by arm
  while customer.entered until customer.left:
    always count(connection) >= 1, grace 30s
"""


def line(at: str, kind: str, **attrs: str) -> str:
    return json.dumps({"time": f"2026-03-02T{at}Z", "type": kind, **attrs})


LOG = [
    line("10:00:00", "call.queued", call="c1"),
    line("10:00:30", "customer.entered", visit="v1"),  # a gap opens: 10 s, within the grace
    line("10:00:40", "arm.connected", visit="v1", arm="a"),
    line("10:01:00", "call.queued", call="c2"),  # deadline 10:03:00
    line("10:01:30", "call.answered", call="c1"),
    line("10:02:00", "arm.disconnected", visit="v1", arm="a"),  # a gap opens: 3 minutes
    line("10:03:30", "call.queued", call="c3"),  # deadline 10:05:30, never met
    line("10:04:00", "call.answered", call="c2"),  # a minute late
    line("10:05:00", "arm.connected", visit="v1", arm="b"),  # the gap ends
    line("10:06:00", "customer.left", visit="v1"),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "p.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "log.jsonl").write_text("\n".join(LOG) + "\n", "utf-8")
    return tmp_path


def watch(root: Path, *args: str, log: str = "log.jsonl") -> tuple[int, list[dict], str]:
    """Run `watch --no-follow` in process; (exit code, the alerts as JSON, stderr)."""
    result = CliRunner().invoke(
        main,
        [
            "watch",
            "--policies",
            str(root / "p.cxr"),
            "--log",
            str(root / log),
            "--no-follow",
            "--alerts",
            "jsonl",
            *args,
        ],
    )
    alerts = [json.loads(x) for x in result.stdout.splitlines() if x.strip()]
    return result.exit_code, alerts, result.stderr


def audit(root: Path, log: str = "log.jsonl") -> dict:
    out = root / "audit.json"
    result = CliRunner().invoke(
        main,
        ["audit", "--policies", str(root / "p.cxr"), "--log", str(root / log)]
        + ["--engine", "python", "--format", "json", "-o", str(out)],
    )
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(out.read_text("utf-8"))


def test_alerts_come_when_each_breach_is_certain(project: Path) -> None:
    code, alerts, err = watch(project, "--format", "json", "-o", str(project / "w.json"))
    assert code == 1, err
    said = [
        (a["alert"], a["noticed"][11:19], a["violation"]["policy"], a["violation"]["kind"])
        for a in alerts
    ]
    assert said == [
        # at 10:03:30 the gap of v1 (since 10:02:00) is past its 30 s of grace, and c2's
        # deadline (10:03:00) has passed unmet
        ("gap", "10:03:30", "octopus.connected", "gap"),
        ("overdue", "10:03:30", "calls.answer", "missing"),
        # c2 answered at 10:04:00: late
        ("violation", "10:04:00", "calls.answer", "late"),
        # the gap ended at 10:05:00; it is one gap once a later event is read
        ("violation", "10:06:00", "octopus.connected", "gap"),
        # c3's deadline 10:05:30 is behind the last event, 10:06:00: overdue, then missing at
        # the end of the stream
        ("overdue", "10:06:00", "calls.answer", "missing"),
        ("violation", "10:06:00", "calls.answer", "missing"),
    ]
    gap = alerts[0]["violation"]
    assert gap["start"].endswith("10:02:00+00:00") and gap["end"].endswith("10:03:30+00:00")
    # open when said: 'still open' (up to the time said), not an audit's 'at the horizon'
    assert gap["sentence"].endswith(" to 10:03:30 (1m30s; grace 30s; still open)")
    assert alerts[1]["violation"]["scope"] == {"call": "c2"}
    assert "deadline 10:03:00" in alerts[1]["violation"]["sentence"]
    assert "3m; grace 30s" in alerts[3]["violation"]["sentence"]
    report = json.loads((project / "w.json").read_text("utf-8"))
    # every violation of the report was said once, with its id
    assert sorted(v["id"] for v in report["violations"]) == sorted(
        a["violation"]["id"] for a in alerts if a["alert"] == "violation"
    )
    assert "10 events audited, 0 records rejected (0 late)" in err
    assert "3 violations, 2 overdue, 1 open gap" in err


def test_the_final_report_is_the_reference_engines(project: Path) -> None:
    code, _, err = watch(project, "--format", "json", "-o", str(project / "w.json"))
    assert code == 1, err
    assert json.loads((project / "w.json").read_text("utf-8")) == audit(project)


def test_events_late_within_the_lateness_are_audited_in_time_order(project: Path) -> None:
    shuffled = LOG[:]
    shuffled[4], shuffled[5] = shuffled[5], shuffled[4]  # 10:02:00 before 10:01:30
    shuffled[7], shuffled[8] = shuffled[8], shuffled[7]  # 10:05:00 before 10:04:00
    (project / "late.jsonl").write_text("\n".join(shuffled) + "\n", "utf-8")
    out = project / "w.json"
    code, alerts, err = watch(project, "--lateness", "1min", "-o", str(out), log="late.jsonl")
    assert code == 1, err
    assert not [a for a in alerts if a["alert"] == "rejected"]
    assert json.loads(out.read_text("utf-8")) == audit(project, "late.jsonl")


def test_events_later_than_the_lateness_are_rejected_not_dropped(project: Path) -> None:
    shuffled = LOG[:]
    shuffled[7], shuffled[8] = shuffled[8], shuffled[7]  # 10:04:00 read after 10:05:00
    (project / "late.jsonl").write_text("\n".join(shuffled) + "\n", "utf-8")
    out = project / "w.json"
    code, alerts, err = watch(project, "-o", str(out), log="late.jsonl")
    assert code == 1, err
    rejected = [a["rejected"] for a in alerts if a["alert"] == "rejected"]
    assert len(rejected) == 1
    assert rejected[0]["line"] == 9 and rejected[0]["code"] == "E414"
    assert rejected[0]["reason"] == (
        "late event: its time 2026-03-02T10:04:00+00:00 is before 2026-03-02T10:05:00+00:00, up "
        "to which the log was already audited (allowed lateness 0s); not audited"
    )
    report = json.loads(out.read_text("utf-8"))
    assert report["inputs"][0]["read"] == 10
    assert report["inputs"][0]["accepted"] == 9 and report["inputs"][0]["rejected"] == 1
    assert report["rejected_by_code"] == {"E414": 1}
    # c2's answer was not audited: c2 is missing, not late
    kinds = sorted((v["scope"].get("call", ""), v["kind"]) for v in report["violations"])
    assert kinds == [("", "gap"), ("c2", "missing"), ("c3", "missing")]
    assert "9 events audited, 1 record rejected (1 late)" in err


def test_a_bad_line_is_said_and_the_watch_goes_on(project: Path) -> None:
    lines = LOG[:3] + ["{not json"] + LOG[3:]
    (project / "bad.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    code, alerts, err = watch(project, log="bad.jsonl")
    assert code == 1, err
    rejected = [a["rejected"] for a in alerts if a["alert"] == "rejected"]
    assert [(r["line"], r["code"]) for r in rejected] == [(4, "E402")]
    assert sum(a["alert"] == "violation" for a in alerts) == 3


@pytest.mark.parametrize(
    ("log", "args", "message"),
    [
        ("log.jsonl.gz", (), "a gzip file is complete when it can be read"),
        ("log.parquet", (), "watch follows JSON Lines or CSV as they are written, not parquet"),
        ("log.data", (), "the name does not say the format; give --log-format jsonl or csv"),
    ],
)
def test_what_watch_cannot_follow_is_refused(
    project: Path, log: str, args: tuple[str, ...], message: str
) -> None:
    (project / log).write_bytes(b"")
    code, alerts, err = watch(project, *args, log=log)
    assert code == 2 and alerts == []
    assert message in err


def test_a_lateness_that_is_no_duration_is_a_usage_error(project: Path) -> None:
    code, _, err = watch(project, "--lateness", "1m")
    assert code == 2
    assert "'m' is ambiguous" in err and "1min" in err


def test_a_csv_log_whose_header_lacks_a_mapped_column_is_refused(project: Path) -> None:
    (project / "log.csv").write_text("when,what,call\n2026-03-02T10:00:00Z,call.queued,c1\n")
    code, _, err = watch(project, log="log.csv")
    assert code == 2
    assert "E410" in err and "'time'" in err


def test_a_csv_log_is_followed_with_its_mapping(project: Path) -> None:
    rows = ["at,what,call", "2026-03-02T10:00:00Z,call.queued,c1", "2026-03-02T10:03:00Z,x,c9"]
    (project / "log.csv").write_text("\n".join(rows) + "\n")
    (project / "map.toml").write_text('[log]\ntime = "at"\ntype = "what"\n')
    code, alerts, err = watch(project, "--mapping", str(project / "map.toml"), log="log.csv")
    assert code == 1, err
    assert [(a["alert"], a["violation"]["scope"]) for a in alerts] == [
        ("overdue", {"call": "c1"}),
        ("violation", {"call": "c1"}),
    ]


def _cxrules(*args: str, **kwargs: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "cxrules", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,  # unbuffered: `select` then sees every line not read yet
        **kwargs,  # type: ignore[call-overload]
    )


def test_standard_input_is_followed_to_its_end(project: Path) -> None:
    process = _cxrules(
        "watch",
        "--policies",
        str(project / "p.cxr"),
        "--log",
        "-",
        "--alerts",
        "jsonl",
        stdin=subprocess.PIPE,
    )
    out, err = process.communicate(("\n".join(LOG) + "\n").encode(), timeout=60)
    assert process.returncode == 1, err
    kinds = [json.loads(x)["alert"] for x in out.splitlines()]
    assert kinds == ["gap", "overdue", "violation", "violation", "overdue", "violation"]


def test_a_growing_file_is_followed_until_ctrl_c(project: Path) -> None:
    log = project / "grow.jsonl"
    log.write_text("")
    out = project / "w.json"
    process = _cxrules(
        "watch",
        "--policies",
        str(project / "p.cxr"),
        "--log",
        str(log),
        "-o",
        str(out),
        "--alerts",
        "jsonl",
    )
    try:
        assert b"following" in _line(process.stderr)  # Ctrl-C now ends the watch
        said = []
        with log.open("a", encoding="utf-8") as handle:
            for text in LOG[:5]:
                handle.write(text + "\n")
            handle.write(LOG[5][:20])  # half a line: the watch waits for the rest
            handle.flush()
            time.sleep(1)
            handle.write(LOG[5][20:] + "\n" + "\n".join(LOG[6:]) + "\n")
        # the first five alerts come as the lines are read; the sixth at the end
        said = [json.loads(_line(process.stdout))["alert"] for _ in range(5)]
        process.send_signal(signal.SIGINT)
        stdout, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 1, err
    assert said + [json.loads(x)["alert"] for x in stdout.splitlines()] == [
        "gap",
        "overdue",
        "violation",
        "violation",
        "overdue",
        "violation",
    ]
    assert json.loads(out.read_text("utf-8"))["inputs"][0]["events"] == 10


def _line(stream: object, timeout: float = 60) -> bytes:
    """The next line of a child's pipe; fails rather than waiting forever."""
    assert stream is not None
    ready, _, _ = select.select([stream], [], [], timeout)
    assert ready, "no line from the watch"
    return stream.readline()  # type: ignore[attr-defined, no-any-return]


def test_duplicate_ids_are_dropped_within_a_day_of_log_time(project: Path) -> None:
    def queued(day: int, at: str, event_id: str, call: str) -> str:
        record = {"time": f"2026-03-0{day}T{at}Z", "type": "call.queued", "call": call}
        return json.dumps({**record, "id": event_id})

    lines = [
        queued(2, "10:00:00", "q1", "c1"),
        queued(2, "10:00:30", "q1", "c1"),  # the same id 30 s later: a duplicate, dropped
        queued(3, "10:00:01", "q1", "c9"),  # a day and a second later: remembered no more
    ]
    (project / "ids.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    out = project / "w.json"
    code, _, err = watch(project, "-o", str(out), log="ids.jsonl")
    assert code == 1, err
    report = json.loads(out.read_text("utf-8"))
    assert report["inputs"][0]["duplicates"] == 1
    assert report["inputs"][0]["events"] == 2
    # c1 missed its 2 minutes; c9's deadline is after the last event: pending
    assert [(v["scope"], v["kind"]) for v in report["violations"]] == [({"call": "c1"}, "missing")]
    assert [p["scope"] for p in report["pending"]] == [{"call": "c9"}]


def test_a_record_with_several_late_events_is_one_rejected_record(project: Path) -> None:
    # each row makes two events; c2's are both behind 10:05:00, already audited
    (project / "map.toml").write_text(
        '[log]\nformat = "csv"\n'
        '[[log.events]]\ntype = "call.queued"\ntime = "queued"\n'
        '[[log.events]]\ntype = "call.answered"\ntime = "answered"\n'
    )
    rows = [
        "call,queued,answered",
        "c1,2026-03-02T10:00:00Z,2026-03-02T10:05:00Z",
        "c2,2026-03-02T10:01:00Z,2026-03-02T10:02:00Z",
        "c3,2026-03-02T10:06:00Z,2026-03-02T10:07:00Z",
    ]
    (project / "log.csv").write_text("\n".join(rows) + "\n")
    out = project / "w.json"
    code, alerts, err = watch(
        project, "--mapping", str(project / "map.toml"), "-o", str(out), log="log.csv"
    )
    assert code == 1, err
    # both late events are said
    said = [
        (a["rejected"]["line"], a["rejected"]["reason"][:37]) for a in alerts if "rejected" in a
    ]
    assert said == [
        (3, "late event: its time 2026-03-02T10:01"),
        (3, "late event: its time 2026-03-02T10:02"),
    ]
    report = json.loads(out.read_text("utf-8"))
    counts = {k: report["inputs"][0][k] for k in ("read", "accepted", "rejected", "events")}
    assert counts == {"read": 3, "accepted": 2, "rejected": 1, "events": 4}
    assert report["rejected_by_code"] == {"E414": 1}
    assert [r["line"] for r in report["rejected"]] == [3]
    assert "4 events audited, 1 record rejected (1 late)" in err


def test_every_rejected_record_is_said_beyond_the_reports_list(project: Path) -> None:
    import threading

    from cxrules.live.watch import WatchRequest, watch_log

    (project / "bad.jsonl").write_text("{x\n[1]\n{y\n" + LOG[0] + "\n", "utf-8")
    request = WatchRequest(
        [str(project / "p.cxr")], str(project / "bad.jsonl"), follow=False, max_rejected=2
    )
    said: list = []
    report, _, _ = watch_log(request, said.append, threading.Event())
    assert [(a.rejected.line, a.rejected.code) for a in said if a.rejected] == [
        (1, "E402"),
        (2, "E411"),
        (3, "E402"),
    ]
    assert report.rejected_total == 3 and len(report.rejected) == 2


def test_a_report_to_dash_is_written_on_standard_output(project: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["watch", "--policies", str(project / "p.cxr"), "--log", str(project / "log.jsonl")]
        + ["--no-follow", "-o", "-"],
    )
    assert result.exit_code == 1, result.stderr
    # the six alerts, then the text report (as `audit -o -` writes it)
    lines = result.stdout.splitlines()
    assert len([x for x in lines if x.startswith("2026-03-02T")]) == 6
    assert any(x.startswith("FAIL") for x in lines), result.stdout


LEVEL = """
policy calls.level "80% of calls answered within 20 s, per day"
  severity high
  per call
  metric level = share(call.answered within 20s of call.queued)
    per day
  require level >= 80%
"""


def test_a_days_metric_is_said_once_the_day_and_its_windows_are_over(project: Path) -> None:
    (project / "p.cxr").write_text(LEVEL, "utf-8")
    lines = [
        line("23:59:50", "call.queued", call="a"),  # 2 March: answered 15 s later, met
        line("23:59:55", "call.queued", call="b"),  # 2 March: never answered
        # 3 March 00:00:05: the day is over, but a's and b's windows run to 00:00:10 and 00:00:15
        json.dumps({"time": "2026-03-03T00:00:05Z", "type": "call.answered", "call": "a"}),
        # 00:00:16: b's window (to 00:00:15) has passed: 2 March is 1 of 2, 50%
        json.dumps({"time": "2026-03-03T00:00:16Z", "type": "call.queued", "call": "c"}),
        json.dumps({"time": "2026-03-03T00:00:20Z", "type": "call.answered", "call": "c"}),
    ]
    (project / "day.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    code, alerts, err = watch(project, log="day.jsonl")
    assert code == 1, err
    assert [(a["alert"], a["noticed"]) for a in alerts] == [
        ("violation", "2026-03-03T00:00:16+00:00")
    ]
    violation = alerts[0]["violation"]
    assert violation["kind"] == "metric" and violation["scope"] == {"day": "2026-03-02"}
    assert "was 50.0% (1 of 2" in violation["sentence"]


def test_alerts_piped_to_a_reader_that_leaves_end_the_watch(project: Path) -> None:
    # `cxrules watch -o w.json | head -1`: once head has its line and is gone, the next alert
    # ends the watch as Ctrl-C does: the report is still written, and the exit code is 141,
    # not click's silent 1 (which says "violations")
    log = project / "grow.jsonl"
    log.write_text("\n".join(LOG[:6]) + "\n")  # up to the gap's start: no alert yet
    out = project / "w.json"
    process = _cxrules(
        "watch", "--policies", str(project / "p.cxr"), "--log", str(log), "-o", str(out)
    )
    try:
        assert b"following" in _line(process.stderr)
        with log.open("a", encoding="utf-8") as handle:
            handle.write(LOG[6] + "\n")  # 10:03:30: the gap and c2's overdue are said
        assert b"GAP" in _line(process.stdout)
        assert process.stdout is not None
        process.stdout.close()  # the reader is gone
        time.sleep(0.5)
        with log.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(LOG[7:]) + "\n")  # more alerts, written to no one
        err = process.communicate(timeout=60)[1].decode()
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 141, err
    assert "Traceback" not in err and "Exception" not in err, err
    assert "standard output was closed by the program reading it: the watch ended" in err
    assert json.loads(out.read_text("utf-8"))["inputs"][0]["events"] >= 7


def test_the_final_report_in_md_is_markdown(project: Path) -> None:
    """hunt35 finding-7: `--format md` was refused; it is markdown, as `-o w.md` is."""
    out = project / "w.md"
    code, _, err = watch(project, "--format", "md", "-o", str(out))
    assert code == 1, err
    assert out.read_text("utf-8").startswith("## cxrules audit: FAIL\n")


WARNED = """
policy calls.level "80% of calls answered within 20 s, per day"
  severity high
  per call
  metric level = share(call.answered within 20s of call.queued)
    per day
  require level >= 50% warn below 90%
"""


def test_a_metric_warning_is_a_warning_alert_not_a_violation(project: Path) -> None:
    """hunt48 finding-4: a bucket that met `require` but not `warn` was said as 'VIOLATION
    high' ("alert": "violation") and counted in the summary's violations, where the audit's
    report says "1 metric warning" apart and fails nothing for it: a pager fed the alerts was
    woken by a warning. It is now a `warning` alert, counted apart."""
    (project / "p.cxr").write_text(WARNED, "utf-8")
    lines = [
        line("10:00:00", "call.queued", call="a"),  # answered after 10 s: in time
        line("10:00:10", "call.answered", call="a"),
        line("10:01:00", "call.queued", call="b"),  # answered after 30 s: not in time
        line("10:01:30", "call.answered", call="b"),
        # 1 of 2, 50%: meets 'require level >= 50%', below 'warn below 90%'
    ]
    (project / "day.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    code, alerts, err = watch(project, log="day.jsonl")
    assert code == 0, err
    assert [(a["alert"], a["violation"]["kind"]) for a in alerts] == [("warning", "metric_warning")]
    assert "alerts: 0 violations, 1 metric warning, 0 overdue, 0 open gaps" in err
    result = CliRunner().invoke(
        main,
        ["watch", "--policies", str(project / "p.cxr"), "--log", str(project / "day.jsonl")]
        + ["--no-follow"],
    )
    assert result.stdout.startswith("2026-03-02T10:01:30+00:00  WARNING   high     calls.level: ")
