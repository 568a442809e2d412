"""`cxrules audit` end to end: exit codes, bad records, deterministic JSON that fits its schema."""

from __future__ import annotations

import gzip
import html
import json
import os
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from cxrules.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text("utf-8"))

POLICY = """
policy octopus.always-connected "A customer in the shop is always connected"
  severity high
  owner "Store operations"
  description "Gaps up to 30 seconds are tolerated."
  per visit
  state connection = arm.connected until arm.disconnected, by arm
  while customer.entered until customer.left:
    always count(connection) >= 1, grace 30s

policy restaurant.wording "Never 'no problem'"
  severity low
  owner "Restaurant floor"
  description "Every 'no problem' is a breach."
  forbid staff.said where lower(text) contains "no problem"
"""

GOOD = [
    '{"time": "2026-03-02T10:00:00+03:00", "type": "customer.entered", "visit": "v-1007"}',
    '{"time": "2026-03-02T10:00:10+03:00", "type": "arm.connected", "visit": "v-1007", "arm": "a"}',
    '{"time": "2026-03-02T10:05:00+03:00", "type": "arm.disconnected", "visit": "v-1007", '
    '"arm": "a"}',
    '{"time": "2026-03-02T10:07:12+03:00", "type": "arm.connected", "visit": "v-1007", "arm": "b"}',
    '{"time": "2026-03-02T10:20:00+03:00", "type": "customer.left", "visit": "v-1007"}',
]

#: The event that activates restaurant.wording without breaching it: with it, the log has every
#: event type and attribute the policies read.
SAID = '{"time": "2026-03-02T10:21:00+03:00", "type": "staff.said", "text": "My pleasure"}'


def _project(tmp_path: Path, lines: list[str] | bytes) -> tuple[Path, Path]:
    policies = tmp_path / "p.cxr"
    policies.write_text(POLICY, encoding="utf-8")
    log = tmp_path / "log.jsonl"
    if isinstance(lines, bytes):
        log.write_bytes(lines)
    else:
        log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return policies, log


def _audit(*args: str) -> tuple[int, str]:
    """The exit code and the report when there is one (standard output: the warnings go to
    standard error), else everything the command said."""
    result = CliRunner().invoke(main, ["audit", *args], catch_exceptions=False)
    return result.exit_code, result.stdout if result.exit_code in (0, 1) else result.output


def test_gap_longer_than_grace_is_one_violation_with_the_whole_gap(tmp_path: Path) -> None:
    policies, log = _project(tmp_path, GOOD)
    code, out = _audit("--policies", str(policies), "--log", str(log), "--format", "json")
    assert code == 1
    report = json.loads(out)
    jsonschema.validate(report, SCHEMA)
    (violation,) = report["violations"]
    assert violation["policy"] == "octopus.always-connected"
    assert violation["kind"] == "gap"
    assert violation["scope"] == {"visit": "v-1007"}
    # 10:05:00 to 10:07:12 at +03:00 is 07:05:00 to 07:07:12 UTC, 132 seconds.
    assert violation["start"].startswith("2026-03-02T07:05:00")
    assert violation["end"].startswith("2026-03-02T07:07:12")
    assert violation["duration_seconds"] == 132


def test_fail_on_above_the_breach_exits_zero(tmp_path: Path) -> None:
    policies, log = _project(tmp_path, GOOD)
    code, _ = _audit("--policies", str(policies), "--log", str(log), "--fail-on", "critical")
    assert code == 0


def test_audit_help_names_the_default_fail_on() -> None:
    # Issue 12, point 20: the help says which severity fails an audit when nobody says.
    result = CliRunner().invoke(main, ["audit", "--help"], terminal_width=200)
    assert result.exit_code == 0
    line = " ".join(result.output.split())
    assert (
        "--fail-on [info|low|medium|high|critical] exit 1 when violations of this severity or "
        "higher are found [default: the project's 'fail_on', else low]"
    ) in line


def test_a_duplicate_key_no_event_has_stops_the_audit_with_exit_2(tmp_path: Path) -> None:
    # Issue 12, point 12: never a silent mass of "duplicates" (JSONL has no header: found as
    # the log is read).
    policies, log = _project(tmp_path, GOOD)
    mapping = tmp_path / "m.toml"
    mapping.write_text('[log]\nduplicate_key = ["vist", "time"]\n', encoding="utf-8")
    result = CliRunner().invoke(
        main, ["audit", "--policies", str(policies), "--log", str(log), "--mapping", str(mapping)]
    )
    assert result.exit_code == 2
    assert f"{log}: duplicate_key names 'vist', which no event has" in result.output
    assert "did you mean 'visit'?" in result.output


def test_same_inputs_give_the_same_bytes(tmp_path: Path) -> None:
    policies, log = _project(tmp_path, GOOD)
    args = ("--policies", str(policies), "--log", str(log), "--format", "json")
    assert _audit(*args)[1] == _audit(*args)[1]


def test_hostile_log_is_audited_and_every_rejection_is_reported(tmp_path: Path) -> None:
    long_line = (
        b'{"time": "2026-03-02T10:30:00+03:00", "type": "x", "pad": "'
        + b"a" * (10 * 1024 * 1024)
        + b'"}'
    )
    lines = [
        GOOD[0].encode(),
        b"this is not json",  # line 2
        b'{"type": "staff.said", "text": "no problem"}',  # line 3: no time
        b'{"time": "yesterday", "type": "staff.said"}',  # line 4: unparsable time
        b'{"time": 12, "type": "staff.said"}',  # line 5: time of the wrong type
        b'{"time": "2026-03-02T10:01:00+03:00", "type": "staff.said", "text": "caf\xe9"}',  # 6
        long_line,  # line 7
        b'{"time": "2026-03-02T10:02:00+03:00", "type": "staff.said", "table": "t1", '
        b'"text": "No problem!"}',  # line 8: a real breach after all the bad lines
        *[line.encode() for line in GOOD[1:]],
    ]
    policies, log = _project(tmp_path, b"\n".join(lines) + b"\n")
    code, out = _audit("--policies", str(policies), "--log", str(log), "--format", "json")
    assert code == 1
    report = json.loads(out)
    jsonschema.validate(report, SCHEMA)
    (summary,) = report["inputs"]
    assert summary["read"] == 12
    assert summary["rejected"] == 6
    assert summary["accepted"] == 6
    assert summary["read"] == summary["accepted"] + summary["rejected"]
    rejected = {(r["line"], r["code"]) for r in report["rejected"]}
    assert rejected == {
        (2, "E402"),
        (3, "E403"),
        (4, "E404"),
        (5, "E406"),
        (6, "E407"),
        (7, "E408"),
    }
    assert all(len(r["sample"]) <= 200 for r in report["rejected"])
    kinds = sorted((v["policy"], v["kind"]) for v in report["violations"])
    assert kinds == [("octopus.always-connected", "gap"), ("restaurant.wording", "forbidden")]


def test_strict_turns_a_rejection_into_a_failure(tmp_path: Path) -> None:
    """Exit 3, and the report says so: the verdict of the text, markdown and HTML reports and an
    error test case in JUnit (a CI dashboard shows the job's reason)."""
    policies, log = _project(tmp_path, [*GOOD, SAID, "not json"])
    base = ("--policies", str(policies), "--log", str(log), "--strict", "--fail-on", "critical")
    code, _ = _audit(*base)
    assert code == 3
    result = CliRunner().invoke(main, ["audit", *base])
    assert result.stdout.startswith("FAIL (--strict): 1 record rejected;")
    assert result.stderr.endswith("cxrules audit: 1 record rejected (--strict)\n")
    result = CliRunner().invoke(main, ["audit", *base, "--format", "junit"])
    assert '<testsuites name="cxrules" tests="3" failures="0" errors="1" skipped="0">' in (
        result.stdout
    )
    assert '<error message="1 record rejected">' in result.stdout
    without = CliRunner().invoke(main, ["audit", *base[:-3], "--fail-on", "critical"])
    assert without.exit_code == 0 and without.stdout.startswith("PASS")


def test_empty_and_gzipped_logs(tmp_path: Path) -> None:
    policies, log = _project(tmp_path, [])
    log.write_bytes(b"")
    base = ("--policies", str(policies), "--log", str(log), "--format", "json")
    result = CliRunner().invoke(main, ["audit", *base])
    report = json.loads(result.stdout)
    assert result.exit_code == 3  # nothing audited
    assert report["inputs"][0]["read"] == 0 and report["violations"] == []
    packed = tmp_path / "log.jsonl.gz"
    packed.write_bytes(gzip.compress(("\n".join(GOOD) + "\n").encode()))
    code, out = _audit("--policies", str(policies), "--log", str(packed), "--format", "json")
    assert code == 1 and len(json.loads(out)["violations"]) == 1


def test_a_folder_of_logs_is_its_log_files_in_name_order(tmp_path: Path) -> None:
    policies, _ = _project(tmp_path, [])
    folder = tmp_path / "exports"
    folder.mkdir()
    # the visit's gap (10:05:00 to 10:07:12) spans the two files; the notes are not a log
    (folder / "2026-03-02b.jsonl.gz").write_bytes(
        gzip.compress(("\n".join(GOOD[3:]) + "\n").encode())
    )
    (folder / "2026-03-02a.jsonl").write_text("\n".join(GOOD[:3]) + "\n", encoding="utf-8")
    (folder / "notes.md").write_text("not a log", encoding="utf-8")
    (folder / ".partial.jsonl").write_text("{broken", encoding="utf-8")
    code, out = _audit("--policies", str(policies), "--log", str(folder), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert [Path(i["path"]).name for i in report["inputs"]] == [
        "2026-03-02a.jsonl",
        "2026-03-02b.jsonl.gz",
    ]
    assert [i["read"] for i in report["inputs"]] == [3, 2]
    (violation,) = report["violations"]
    assert violation["duration_seconds"] == 132
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out = _audit("--policies", str(policies), "--log", str(empty))
    assert code == 3
    assert f"cannot read the log '{empty}': the folder holds no log file" in out
    assert "hint: name the log files" in out
    code, out = _audit(
        "--policies",
        str(policies),
        "--log",
        str(folder),
        "--log",
        str(folder / "2026-03-02a.jsonl"),
    )
    assert code == 2 and "is given twice" in out


def test_a_pattern_stands_for_the_log_files_it_matches_in_name_order(tmp_path: Path) -> None:
    # `--log 'exports/2026-03-02*'`, quoted (or from cxrules.toml, where no shell expands it):
    # the two files of the day, in name order; the next day's file and the notes are left out
    policies, _ = _project(tmp_path, [])
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "2026-03-02b.jsonl").write_text("\n".join(GOOD[3:]) + "\n", encoding="utf-8")
    (folder / "2026-03-02a.jsonl").write_text("\n".join(GOOD[:3]) + "\n", encoding="utf-8")
    (folder / "2026-03-02-notes.md").write_text("not a log", encoding="utf-8")
    (folder / "2026-03-03.jsonl").write_text("{broken", encoding="utf-8")
    pattern = str(folder / "2026-03-02*")
    code, out = _audit("--policies", str(policies), "--log", pattern, "--format", "json")
    assert code == 1
    report = json.loads(out)
    names = [Path(i["path"]).name for i in report["inputs"]]
    assert names == ["2026-03-02a.jsonl", "2026-03-02b.jsonl"]
    assert report["violations"][0]["duration_seconds"] == 132
    # a pattern that matches no file, or only files that are no logs: E401, exit 3
    for pattern, reason in [
        ("2026-04-*", "the pattern matches no log file"),
        ("*.md", "the pattern matches no log file: a log file's name ends in .jsonl"),
    ]:
        code, out = _audit("--policies", str(policies), "--log", str(folder / pattern))
        assert code == 3
        assert f"cannot read the log '{folder / pattern}': {reason}" in out
        assert "wildcards: check the pattern" in out


def test_a_pattern_that_asks_for_hidden_files_reads_them(tmp_path: Path) -> None:
    # as in the shell, 'exports/.*.jsonl' names the hidden logs (a folder, or 'exports/*',
    # leaves them aside): it was 'the pattern matches no log file: a log file's name ends in
    # .jsonl', of two files whose names end in .jsonl
    policies, _ = _project(tmp_path, [])
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / ".b.jsonl").write_text("\n".join(GOOD[3:]) + "\n", encoding="utf-8")
    (folder / ".a.jsonl").write_text("\n".join(GOOD[:3]) + "\n", encoding="utf-8")
    (folder / ".notes.md").write_text("not a log", encoding="utf-8")
    (folder / "c.jsonl").write_text("{broken", encoding="utf-8")
    code, out = _audit("--policies", str(policies), "--log", str(folder / ".*"), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert [Path(i["path"]).name for i in report["inputs"]] == [".a.jsonl", ".b.jsonl"]
    assert report["violations"][0]["duration_seconds"] == 132


def test_a_folder_of_links_to_the_exports_is_read_through_them(tmp_path: Path) -> None:
    """git-annex (and many export folders) keep the day's files as links: they were passed
    over in silence, and the audit judged the other days only (here: no file at all)."""
    policies, _ = _project(tmp_path, [])
    store = tmp_path / "store"
    store.mkdir()
    (store / "one").write_text("\n".join(GOOD[:3]) + "\n", encoding="utf-8")
    (store / "two").write_bytes(gzip.compress(("\n".join(GOOD[3:]) + "\n").encode()))
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "2026-03-02a.jsonl").symlink_to(store / "one")
    (folder / "2026-03-02b.jsonl.gz").symlink_to(store / "two")
    # a link to a log of the folder is that log again: read once, under its own name
    (folder / "latest.jsonl.gz").symlink_to(folder / "2026-03-02b.jsonl.gz")
    code, out = _audit("--policies", str(policies), "--log", str(folder), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert [(Path(i["path"]).name, i["read"]) for i in report["inputs"]] == [
        ("2026-03-02a.jsonl", 3),
        ("2026-03-02b.jsonl.gz", 2),
    ]
    (violation,) = report["violations"]
    assert violation["duration_seconds"] == 132
    (folder / "gone.jsonl").symlink_to(store / "gone")
    code, out = _audit("--policies", str(policies), "--log", str(folder))
    assert code == 3
    assert f"cannot read the log '{folder / 'gone.jsonl'}': no such file" in out


NOTHING = [
    pytest.param(
        ["not json", "{oops"],
        (),
        "0 of 2 records accepted (2 × E402: record does not parse in the format of its log)",
        "check the log, its format (--log-format) and the mapping",
        id="every-record-rejected",
    ),
    pytest.param(
        [],
        (),
        "the log holds no record",
        "check the log, its format (--log-format) and the mapping",
        id="empty-log",
    ),
    pytest.param(
        [*GOOD, SAID],
        ("--as-of", "2026-03-02"),
        "all 6 events are after the horizon 2026-03-02T00:00:00+00:00 (--as-of)",
        "check --as-of: a date alone means its midnight (00:00), and a time without an offset "
        "is in the log's zone",
        id="as-of-before-every-event",
    ),
]


@pytest.mark.parametrize(("lines", "extra", "reason", "hint"), NOTHING)
def test_an_audit_that_judged_no_event_is_no_pass(
    tmp_path: Path, lines: list[str], extra: tuple[str, ...], reason: str, hint: str
) -> None:
    """0 events judged is not "no violation": every verdict says NOTHING AUDITED, and the exit
    code is the one of an unreadable log (a CI job must not go green)."""
    policies, log = _project(tmp_path, lines)
    if not lines:
        log.write_bytes(b"")
    base = ["audit", "--policies", str(policies), "--log", str(log), *extra]
    sentence = f"NOTHING AUDITED: {reason}; no policy was judged."
    for engine in ("python", "duckdb"):
        result = CliRunner().invoke(main, [*base, "--engine", engine])
        assert result.exit_code == 3
        assert result.stderr == f"cxrules audit: no event to audit: {reason}\n  = hint: {hint}\n"
        assert " ".join(result.stdout.split("\n\n")[0].split()) == sentence
        as_json = CliRunner().invoke(main, [*base, "--engine", engine, "--format", "json"])
        assert as_json.exit_code == 3
        assert json.loads(as_json.stdout)["nothing_audited"] == reason
    markdown = CliRunner().invoke(main, [*base, "--format", "markdown"]).stdout
    assert markdown.startswith(f"## cxrules audit: NOTHING AUDITED\n\n{sentence}\n")
    page = CliRunner().invoke(main, [*base, "--format", "html"]).stdout
    assert "<title>cxrules audit report: NOTHING AUDITED</title>" in page
    assert f'<p class="verdict fail">{html.escape(sentence)}</p>' in page
    assert "No violations." not in page  # the violations chart is no clean bill either
    junit = CliRunner().invoke(main, [*base, "--format", "junit"]).stdout
    assert '<testcase classname="cxrules" name="log (nothing audited)">' in junit
    assert f'<error message="{html.escape(reason)}">' in junit
    assert junit.count(f'<skipped message="nothing audited: {html.escape(reason)}" />') == 2
    csv = CliRunner().invoke(main, [*base, "--format", "csv"])
    assert csv.exit_code == 3  # the bare header: only the exit status and stderr say it


def test_diff_against_an_audit_that_judged_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An audit whose horizon is before every event has no breach because it judged none:
    `cxrules diff` says so and compares no breach (exit 4), instead of "every breach fixed"."""
    policies, log = _project(tmp_path, [*GOOD, SAID])
    monkeypatch.chdir(tmp_path)
    base = ["audit", "--policies", str(policies), "--log", str(log), "--format", "json"]
    assert CliRunner().invoke(main, [*base, "-o", "real.json"]).exit_code == 1
    early = CliRunner().invoke(main, [*base, "--as-of", "2026-03-02", "-o", "none.json"])
    assert early.exit_code == 3
    reason = "all 6 events are after the horizon 2026-03-02T00:00:00+00:00 (--as-of)"
    result = CliRunner().invoke(main, ["diff", "real.json", "none.json"])
    assert result.exit_code == 4
    assert result.stderr == f"cxrules diff: none.json audited nothing: {reason}; not compared\n"
    lines = result.stdout.splitlines()
    assert (
        lines[4].startswith("Horizon: as of ") and "-> as of 2026-03-02T00:00:00+00:00" in lines[4]
    )
    assert lines[5:8] == [
        f"New: NOTHING AUDITED: {reason}; no policy was judged.",
        "",
        "Breaches: not compared: none.json judged no event, so the breaches of real.json are "
        "not gone.",
    ]


def test_an_audit_with_events_and_no_violation_is_a_pass(tmp_path: Path) -> None:
    policies, log = _project(tmp_path, [*GOOD, SAID])
    base = ("--policies", str(policies), "--log", str(log), "--fail-on", "critical")
    code, out = _audit(*base, "--as-of", "2026-03-02T10:00:00+03:00")
    assert code == 0 and out.startswith("PASS: no violation at or above critical;")
    code, out = _audit(*base, "--format", "json")
    assert code == 0 and json.loads(out)["nothing_audited"] is None


@pytest.mark.parametrize(
    ("logs", "message"),
    [
        (
            ["log.jsonl", "./log.jsonl"],
            "the log 'log.jsonl' is given twice (as 'log.jsonl' and './log.jsonl'): its events "
            "would be audited twice",
        ),
        (
            ["log.jsonl", "other.jsonl", "log.jsonl"],
            "the log 'log.jsonl' is given twice: its events would be audited twice",
        ),
        (["-", "log.jsonl", "-"], "'-' is given twice: standard input can be read once"),
    ],
)
def test_a_log_given_twice_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, logs: list[str], message: str
) -> None:
    """Read twice, every breach would be counted double (4 violations instead of 2)."""
    monkeypatch.chdir(tmp_path)
    _project(tmp_path, GOOD)
    (tmp_path / "other.jsonl").write_text(SAID + "\n", "utf-8")
    given = [arg for log in logs for arg in ("--log", log)]
    result = CliRunner().invoke(main, ["audit", "--policies", "p.cxr", *given], input=GOOD[0])
    assert (result.exit_code, result.output) == (2, f"cxrules audit: {message}\n")


def test_a_hard_link_to_a_log_given_with_it_is_the_log_given_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hard link is the same file under another name (an auditor's 'latest' export): read
    twice, every event would be a duplicate or, without ids, every breach counted double."""
    monkeypatch.chdir(tmp_path)
    _project(tmp_path, GOOD)
    os.link(tmp_path / "log.jsonl", tmp_path / "latest.jsonl")
    given = ["--log", "log.jsonl", "--log", "latest.jsonl"]
    result = CliRunner().invoke(main, ["audit", "--policies", "p.cxr", *given])
    message = (
        "cxrules audit: the log 'log.jsonl' is given twice (as 'log.jsonl' and 'latest.jsonl'): "
        "its events would be audited twice\n"
    )
    assert (result.exit_code, result.output) == (2, message)


def test_two_logs_with_the_same_content_are_audited_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _project(tmp_path, GOOD)
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "log.jsonl").write_bytes((tmp_path / "log.jsonl").read_bytes())
    base = ["audit", "--policies", "p.cxr", "--log", "log.jsonl", "--format", "json"]
    result = CliRunner().invoke(main, [*base, "--log", "backup/log.jsonl"])
    assert result.exit_code == 1
    assert [i["events"] for i in json.loads(result.stdout)["inputs"]] == [5, 5]
    sha = json.loads(result.stdout)["inputs"][0]["sha256"][:8]
    assert result.stderr.endswith(
        f"cxrules audit: warning: log.jsonl and backup/log.jsonl have the same content "
        f"(sha256 {sha}…): their events are counted twice\n"
    )


def test_out_of_order_log_is_audited_in_time_order(tmp_path: Path) -> None:
    shuffled = [GOOD[4], GOOD[2], GOOD[0], GOOD[3], GOOD[1]]
    policies, log = _project(tmp_path, shuffled)
    code, out = _audit("--policies", str(policies), "--log", str(log), "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert [v["duration_seconds"] for v in report["violations"]] == [132]


def test_unreadable_log_and_invalid_policies_have_their_exit_codes(tmp_path: Path) -> None:
    policies, _ = _project(tmp_path, GOOD)
    code, out = _audit("--policies", str(policies), "--log", str(tmp_path / "missing.jsonl"))
    assert code == 3 and "missing.jsonl" in out
    broken = tmp_path / "broken.cxr"
    broken.write_text('policy a "A"\n  forbid x.y where a = 1\n', encoding="utf-8")
    code, out = _audit("--policies", str(broken), "--log", str(tmp_path / "log.jsonl"))
    assert code == 2 and "error[E103]" in out


def test_a_log_given_as_a_url_is_said_to_be_a_url(tmp_path: Path) -> None:
    """A Spark user's `--log hdfs://…` or `s3a://…` was 'no such file', as if mistyped: it is
    said to be a URL, which no engine reads (the spark engine's driver reads the files)."""
    policies, _ = _project(tmp_path, GOOD)
    for url in ("hdfs:///exports/calls.jsonl", "s3a://bucket/exports/"):
        code, out = _audit("--policies", str(policies), "--log", url, "--engine", "spark")
        assert code == 3
        assert f"cannot read the log '{url}': it is a URL, and logs are read as files" in out
        assert "no such file" not in out
        assert "copy the files to this machine, or give the path of a mount" in out
    # a path that merely holds '://' further on is a path
    code, out = _audit("--policies", str(policies), "--log", str(tmp_path / "a b://x.jsonl"))
    assert code == 3 and "no such file" in out


def test_junit_has_a_failing_case_per_breached_policy(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    policies, log = _project(tmp_path, GOOD)
    code, out = _audit("--policies", str(policies), "--log", str(log), "--format", "junit")
    root = ET.fromstring(out)
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert set(cases) == {"octopus.always-connected", "restaurant.wording"}
    assert cases["octopus.always-connected"].find("failure") is not None
    assert cases["restaurant.wording"].find("failure") is None


def test_max_violations_n_or_all(tmp_path: Path) -> None:
    said = [
        f'{{"time": "2026-03-02T12:{n:02d}:00+03:00", "type": "staff.said", "text": "No problem"}}'
        for n in range(5)
    ]
    policies, log = _project(tmp_path, [*GOOD, *said])
    base = ("--policies", str(policies), "--log", str(log))

    def listed(out: str) -> list[int]:
        """The log lines (6 to 10: the five staff.said) of the violations listed."""
        return [n for n in range(6, 11) if f"log.jsonl:{n}]" in out]

    _, default = _audit(*base)
    assert listed(default) == [6, 7, 8] and "… and 2 more" in default
    _, one = _audit(*base, "--max-violations", "1")
    assert listed(one) == [6] and "… and 4 more" in one
    _, every = _audit(*base, "--max-violations", "all")
    assert listed(every) == [6, 7, 8, 9, 10] and "… and" not in every
    _, page = _audit(*base, "--format", "html", "--max-violations", "2")
    assert "3 more violations of <code>restaurant.wording</code>" in page
    code, out = _audit(*base, "--max-violations", "some")
    assert code == 2 and "'some' is not a count: write a number such as 10, or 'all'" in out
    code, out = _audit(*base, "--format", "json", "--max-violations", "2")
    assert code == 2 and "--max-violations applies to the text, markdown and html formats" in out


def test_the_text_report_opens_with_the_verdict(tmp_path: Path) -> None:
    policies, log = _project(tmp_path, [*GOOD, SAID])
    _, out = _audit("--policies", str(policies), "--log", str(log))
    lines = out.splitlines()
    assert lines[0].startswith("FAIL: 1 violation at or above low in 1 policy (1 high)")
    assert lines[-1] == lines[0]


def test_no_progress_bar_when_not_a_terminal(tmp_path: Path) -> None:
    policies, log = _project(tmp_path, [*GOOD, SAID])  # every name the policies read: no W401
    out = tmp_path / "r.txt"
    result = CliRunner().invoke(
        main, ["audit", "--policies", str(policies), "--log", str(log), "-o", str(out)]
    )
    assert result.stderr == f"report written to {out}\n"  # no bar, no spinner, no ETA


def test_the_progress_bar_shows_phase_percentage_amount_and_eta() -> None:
    import io

    from rich.console import Console

    from cxrules.logs.progress import ProgressBar

    screen = io.StringIO()
    bar = ProgressBar(Console(file=screen, force_terminal=True, width=120, color_system=None))
    bar.start()
    bar.phase("auditing")
    bar.read(3_000_000, 12_000_000)
    bar.events(40_000)
    bar.bar.refresh()
    shown = screen.getvalue()
    bar.stop()
    assert "auditing" in shown and "25%" in shown
    assert "3.0 MB of 12.0 MB · 40,000 events" in shown and "ETA" in shown


def test_the_html_report_explains_each_policy_in_plain_english(tmp_path: Path) -> None:
    policies, log = _project(tmp_path, GOOD)
    out = tmp_path / "r.html"
    code, _ = _audit(
        "--policies", str(policies), "--log", str(log), "--format", "html", "-o", str(out)
    )
    assert code == 1
    page = out.read_text(encoding="utf-8")
    # the words `cxrules explain` prints for each policy appear beside it, HTML-escaped
    from cxrules.ir.explain import explain_policy
    from cxrules.policyset import load_policies

    loaded = load_policies([str(policies)])
    assert loaded.policy_set is not None
    from html import escape

    for p in loaded.policy_set.policies:
        assert escape(explain_policy(p, loaded.policy_set.calendars)) in page


def test_json_and_csv_are_written_as_they_come_with_the_bytes_of_the_whole_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command line streams JSON and CSV (never every violation in memory); the bytes are
    those of the report rendered whole: the golden shop-week report, and its CSV."""
    import gzip

    from cxrules.audit import AuditRequest, run_audit
    from cxrules.reports.as_csv import render_csv

    monkeypatch.chdir(ROOT)
    args = [
        "--policies",
        "policies",
        "--log",
        "examples/shop_week/week.jsonl.gz",
        "--mapping",
        "examples/shop_week/cxrules.toml",
        "--engine",
        "python",
    ]
    code, _ = _audit(*args, "--format", "json", "-o", str(tmp_path / "r.json"))
    assert code == 1
    golden = ROOT / "tests" / "golden" / "reports" / "shop_week.json.gz"
    assert (tmp_path / "r.json").read_bytes() == gzip.decompress(golden.read_bytes())
    code, _ = _audit(*args, "--format", "csv", "-o", str(tmp_path / "r.csv"))
    assert code == 1
    request = AuditRequest(
        policies=["policies"],
        logs=["examples/shop_week/week.jsonl.gz"],
        mapping="examples/shop_week/cxrules.toml",
        engine="python",
        project_dir=Path("."),
    )
    report, _ = run_audit(request)
    assert len(report.violations) == 37
    assert (tmp_path / "r.csv").read_bytes() == render_csv(report).encode("utf-8")


def test_engine_settings_are_checked_and_belong_to_their_engine(tmp_path: Path) -> None:
    policies, log = _project(tmp_path, GOOD)
    base = ("--policies", str(policies), "--log", str(log))
    code, out = _audit(*base, "--engine", "python", "--memory-limit", "2GB")
    assert code == 2
    assert "--memory-limit applies to the duckdb and spark engines, not python" in out
    code, out = _audit(*base, "--engine", "python", "--spark-master", "local[2]")
    assert code == 2
    assert "--spark-master applies to the spark engine, not python" in out
    code, out = _audit(*base, "--engine", "python", "--temp-dir", str(tmp_path))
    assert code == 2
    assert "--temp-dir applies to the duckdb and spark engines, not python" in out
    code, out = _audit(*base, "--engine", "spark", "--threads", "2")
    assert code == 2
    assert "--threads applies to the duckdb engine, not spark" in out
    code, out = _audit(*base, "--memory-limit", "lots")
    assert code == 2
    assert "'lots' is not an amount of memory: write e.g. 500MB or 2GB" in out
    code, out = _audit(*base, "--threads", "0")
    assert code == 2
    assert "0 is not in the range 1<=x<=1024" in out


@pytest.mark.parametrize(
    ("name", "start"),
    [
        ("week.html", "<!DOCTYPE html>"),
        ("week.HTM", "<!DOCTYPE html>"),
        ("week.json", '{\n  "schema": "cxrules.report/1",'),
        ("week.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites'),
        ("week.csv", "id,policy,severity,kind,"),
        ("week.md", "## cxrules audit: FAIL"),
        ("week.txt", "FAIL: 1 violation"),
        ("week.log", "FAIL: 1 violation"),
    ],
)
def test_without_a_format_the_report_file_name_says_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, start: str
) -> None:
    monkeypatch.chdir(tmp_path)  # no project settings
    policies, log = _project(tmp_path, [*GOOD, SAID])
    result = CliRunner().invoke(
        main, ["audit", "--policies", "p.cxr", "--log", "log.jsonl", "-o", name]
    )
    assert (result.exit_code, result.output) == (1, f"report written to {name}\n")
    assert (tmp_path / name).read_text("utf-8").startswith(start)


def test_a_format_the_report_file_name_contradicts_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    policies, log = _project(tmp_path, [*GOOD, SAID])
    base = ["audit", "--policies", "p.cxr", "--log", "log.jsonl"]
    result = CliRunner().invoke(main, [*base, "--format", "csv", "-o", "report.xml"])
    assert result.exit_code == 2
    assert result.output.endswith(
        "Error: -o report.xml names an XML (JUnit) file but the report format is csv (--format)\n"
        "  = hint: use --format junit, or name the file report.csv\n"
    )
    assert not (tmp_path / "report.xml").exists()
    agreed = CliRunner().invoke(main, [*base, "--format", "junit", "-o", "report.xml"])
    assert agreed.exit_code == 1
    unknown = CliRunner().invoke(main, [*base, "--format", "csv", "-o", "report.out"])
    assert unknown.exit_code == 1
    assert (tmp_path / "report.out").read_text("utf-8").startswith("id,policy,")


def test_the_report_never_replaces_an_input_nor_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """-o naming the log, a policy file or a folder that does not exist is a usage error before
    any work; a report whose writing fails leaves what the path held before."""
    policies, log = _project(tmp_path, GOOD)
    base = ("--policies", str(policies), "--log", str(log), "--format", "json")
    before = log.read_bytes(), policies.read_bytes()
    for target, said in [
        (log, "is one of the audit's inputs"),
        (policies, "would replace a policy file"),
        (tmp_path / "no" / "r.json", "does not exist"),
        # resolves to tmp_path/r.json, but no/ must exist for the path to open: refused before
        # the audit, not after it ("cannot write the report … No such file or directory")
        (tmp_path / "no" / ".." / "r.json", f"the folder {tmp_path / 'no'} does not exist"),
    ]:
        code, out = _audit(*base, "-o", str(target))
        assert code == 2 and said in out, out
    assert (log.read_bytes(), policies.read_bytes()) == before
    report = tmp_path / "r.json"
    report.write_text("yesterday's report", encoding="utf-8")

    def broken(*args: object, **kw: object) -> None:
        raise OSError("disk full")

    from cxrules.reports import render

    monkeypatch.setitem(render.STREAMED, "json", broken)
    with pytest.raises(OSError):
        _audit(*base, "-o", str(report))
    assert report.read_text(encoding="utf-8") == "yesterday's report"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_too_little_memory_is_said_with_the_options_that_give_more(tmp_path: Path) -> None:
    policies, log = _project(tmp_path, GOOD)
    base = ("--policies", str(policies), "--log", str(log), "--engine", "duckdb")
    code, out = _audit(*base, "--memory-limit", "1MB")
    assert code == 2
    assert "cxrules audit: the duckdb engine ran out of memory: the audit needs more memory " in out
    assert "than --memory-limit 1MB gives it" in out and "raise --memory-limit" in out
    assert "SET memory_limit" not in out  # DuckDB's own advice names SQL, not our options


@pytest.mark.parametrize("fmt", ["json", "html"])
def test_memory_running_out_while_the_report_is_written_is_said_and_keeps_the_old_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """The plans ran; DuckDB runs out of memory reading their violations (a view evaluated as the
    report streams): the same usage error as during the plans, no traceback, the old report
    left as it was."""
    import duckdb

    from cxrules.engines.duckdb.engine import DuckDBBackend

    rows = DuckDBBackend.rows

    def exhausted(self: DuckDBBackend, sql: str) -> Iterator[dict[str, object]]:
        if "_cx_records" not in sql:  # the plans' own queries, before the report
            yield from rows(self, sql)
            return
        with self.reading():
            raise duckdb.OutOfMemoryException(
                "Out of Memory Error: failed to allocate data of size 16.0 MiB "
                "(1.0 GiB/1.0 GiB used)"
            )

    monkeypatch.setattr(DuckDBBackend, "rows", exhausted)
    policies, log = _project(tmp_path, GOOD)
    report = tmp_path / f"r.{fmt}"
    report.write_text("yesterday's report", encoding="utf-8")
    base = ("--policies", str(policies), "--log", str(log), "--engine", "duckdb")
    code, out = _audit(*base, "--format", fmt, "-o", str(report))
    assert code == 2
    assert "cxrules audit: the duckdb engine ran out of memory: the audit needs more memory " in out
    assert "than --memory-limit 1GB gives it (failed to allocate data of size 16.0 MiB" in out
    assert "Traceback" not in out and "SET memory_limit" not in out
    assert report.read_text(encoding="utf-8") == "yesterday's report"


PROMISE = """\
policy delivery.promise-late "The promise is at most 3 hours after the order"
  owner "Logistics"
  description "A promise later than 3 hours after the order is a breach."
  per order
  when order.placed
  require promised <= time + 3h
  report promised = promised, booked_on = booked_on
"""


def test_naive_parquet_timestamps_and_dates_are_read_in_the_log_zone_on_every_engine(
    tmp_path: Path, audit_engine: str
) -> None:
    """A Parquet timestamp without a zone is a wall clock: the python engine compared it as UTC
    (04:30 read as 06:30 in Bucharest: a false breach) and could not write a date into the
    report (an internal error). Every engine now reads them as the ISO text duckdb writes."""
    from datetime import date, datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    log = tmp_path / "orders.parquet"
    placed = ["2026-10-25T00:00:00Z", "2026-10-25T00:10:00Z", "2026-10-25T01:00:00Z"]
    pq.write_table(
        pa.table(
            {
                "time": placed,
                "type": ["order.placed"] * 3,
                "order": ["o-1", "o-2", "o-3"],
                # 02:30Z (after the clocks went back at 04:00), 00:45Z, and 05:00Z: late
                "promised": pa.array(
                    [datetime(2026, 10, 25, 4, 30), datetime(2026, 10, 25, 3, 45)]
                    + [datetime(2026, 10, 25, 7, 0)],
                    pa.timestamp("us"),
                ),
                "booked_on": pa.array([date(2026, 10, 24)] * 3),
            }
        ),
        log,
    )
    policies = tmp_path / "p.cxr"
    policies.write_text(PROMISE, encoding="utf-8")
    mapping = tmp_path / "map.toml"
    mapping.write_text('[log]\nzone = "Europe/Bucharest"\n', encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["audit", "--policies", str(policies), "--log", str(log), "--mapping", str(mapping)]
        + ["--engine", audit_engine, "--format", "json"],
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    [violation] = report["violations"]
    assert violation["scope"] == {"order": "o-3"}
    assert violation["details"]["report"] == {
        "promised": "2026-10-25T07:00:00",
        "booked_on": "2026-10-24",
    }


def test_a_parquet_duration_column_is_seconds_on_every_engine(
    tmp_path: Path, audit_engine: str
) -> None:
    """A Parquet duration (a queue wait) stayed a timedelta: `wait > 30s` met nothing on any
    engine, and a `report` of it stopped the python engine with 'internal error: ... holds a
    timedelta, which JSON cannot represent' (hunt23 finding-4). Durations are seconds."""
    from datetime import timedelta

    import pyarrow as pa
    import pyarrow.parquet as pq

    log = tmp_path / "calls.parquet"
    waits = [timedelta(seconds=12), timedelta(seconds=45, milliseconds=500)]
    table = pa.table(
        {
            "time": ["2026-03-02T10:00:00Z", "2026-03-02T10:05:00Z"],
            "type": ["call.answered"] * 2,
            "call": ["c-1", "c-2"],
            "wait": pa.array(waits, pa.duration("ms")),
        }
    )
    pq.write_table(table, log)
    policies = tmp_path / "p.cxr"
    policies.write_text(
        'policy calls.wait "Calls are answered within 30 s"\n'
        '  owner "Contact centre"\n'
        '  description "The queue wait of an answered call is at most 30 s."\n'
        "  per call\n"
        "  when call.answered\n"
        "  require wait <= 30s\n"
        "  report waited = wait\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main,
        ["audit", "--policies", str(policies), "--log", str(log)]
        + ["--engine", audit_engine, "--format", "json"],
    )
    assert result.exit_code == 1, result.output
    [violation] = json.loads(result.stdout)["violations"]
    assert violation["scope"] == {"call": "c-2"}
    assert violation["details"]["report"] == {"waited": 45.5}


def test_an_instant_attribute_as_a_group_is_one_text_on_every_engine(
    tmp_path: Path, audit_engine: str
) -> None:
    """An XES date read as a metric group: the python engine wrote it as Python's str() of the
    datetime, in the offset the file gave (the same instant written +02:00 and Z was two
    groups), the duckdb engine as its staging JSON ('{"$cxrules.instant":1317672160000000}')
    (hunt23 finding-7). It is its ISO 8601 text in UTC on every engine."""
    log = tmp_path / "cases.xes"
    events = [
        ("2011-10-03T22:02:40+02:00", "2011-10-03T20:00:00Z"),
        ("2011-10-03T20:02:40Z", "2011-10-03T20:10:00Z"),
        ("2011-10-04T09:00:00.5+00:00", "2011-10-03T20:20:00Z"),
    ]
    log.write_text(
        "<log><trace>"
        + "".join(
            f'<event><string key="concept:name" value="booking.made"/>'
            f'<date key="due" value="{due}"/><date key="time:timestamp" value="{at}"/></event>'
            for due, at in events
        )
        + "</trace></log>\n",
        encoding="utf-8",
    )
    policies = tmp_path / "p.cxr"
    policies.write_text(
        'policy bookings.per-due "At most one booking per due time"\n'
        '  owner "Front desk"\n'
        '  description "Two bookings due at one instant are one too many."\n'
        "  metric bookings = count(booking.made)\n"
        "    by due\n"
        "  require bookings <= 1\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main,
        ["audit", "--policies", str(policies), "--log", str(log)]
        + ["--engine", audit_engine, "--format", "json"],
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    [policy] = report["policies"]
    assert sorted((m["group"]["due"], m["value"]) for m in policy["metrics"]) == [
        ("2011-10-03T20:02:40+00:00", 2.0),
        ("2011-10-04T09:00:00.500000+00:00", 1.0),
    ]


def test_an_instant_inside_a_list_as_a_group_is_one_text_on_every_engine(
    tmp_path: Path, audit_engine: str
) -> None:
    """An XES list holding a date, read as a metric group and reported: the python engine
    wrote the date inside as Python's str() in the offset the file gave (two groups for one
    instant), the duckdb engine as its staging JSON ('[{"$cxrules.instant":…},3]'), in the
    group and in the reported value (hunt27 finding-1). The date inside is its ISO 8601 text
    in UTC on every engine, as a date standing alone is."""
    log = tmp_path / "cases.xes"
    events = [
        ("2011-10-03T22:02:40+02:00", "2011-10-03T20:00:00Z"),
        ("2011-10-03T20:02:40Z", "2011-10-03T20:10:00Z"),
        ("2011-10-04T09:00:00.5+00:00", "2011-10-03T20:20:00Z"),
    ]
    log.write_text(
        "<log><trace>"
        + "".join(
            f'<event><string key="concept:name" value="booking.made"/>'
            f'<list key="dues"><values><date key="d" value="{due}"/><int key="n" value="3"/>'
            f'</values></list><date key="time:timestamp" value="{at}"/></event>'
            for due, at in events
        )
        + "</trace></log>\n",
        encoding="utf-8",
    )
    policies = tmp_path / "p.cxr"
    policies.write_text(
        'policy bookings.per-dues "At most one booking per due list"\n'
        '  owner "Front desk"\n'
        '  description "Two bookings with one due list are one too many."\n'
        "  metric bookings = count(booking.made)\n"
        "    by dues\n"
        "  require bookings <= 1\n"
        'policy bookings.none "No bookings"\n'
        '  owner "Front desk"\n'
        '  description "Every booking is reported."\n'
        "  when booking.made\n"
        "  expect booking.kept within 1h\n"
        "  report d = dues\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main,
        ["audit", "--policies", str(policies), "--log", str(log)]
        + ["--engine", audit_engine, "--format", "json", "--as-of", "2020-01-01T00:00:00Z"],
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    by_id = {p["id"]: p for p in report["policies"]}
    metrics = by_id["bookings.per-dues"]["metrics"]
    assert sorted((m["group"]["dues"], m["value"]) for m in metrics) == [
        ('["2011-10-03T20:02:40+00:00",3]', 2.0),
        ('["2011-10-04T09:00:00.500000+00:00",3]', 1.0),
    ]
    violations = [v for v in report["violations"] if v["policy"] == "bookings.none"]
    reported = [v["details"]["report"]["d"] for v in violations]
    assert reported == [
        ["2011-10-03T20:02:40+00:00", 3],
        ["2011-10-03T20:02:40+00:00", 3],
        ["2011-10-04T09:00:00.500000+00:00", 3],
    ]


def test_xes_numbers_are_ascii_digits_on_every_engine(tmp_path: Path, audit_engine: str) -> None:
    """An XES int or float was read by Python's int() and float(), which also take '1_000' and
    Arabic-Indic digits ('١٢'), where a CSV number column and the rule comparisons refuse them
    (hunt27 finding-3). Such a value rejects its event, as another bad XES value does."""
    log = tmp_path / "cases.xes"
    values = [
        ("int", " 12 "),
        ("float", "-1.5e3"),
        ("float", "NaN"),
        ("int", "1_000"),
        ("int", "\u0661\u0662"),
        ("float", "2_5.0"),
        ("float", "\u0663.5"),
    ]
    log.write_text(
        "<log><trace>\n"
        + "".join(
            f'<event><string key="concept:name" value="a"/><{tag} key="n" value="{value}"/>'
            f'<date key="time:timestamp" value="2011-10-03T20:0{i}:00Z"/></event>\n'
            for i, (tag, value) in enumerate(values)
        )
        + "</trace></log>\n",
        encoding="utf-8",
    )
    policies = tmp_path / "p.cxr"
    policies.write_text(
        'policy a.none "No a"\n  owner "x"\n  description "d"\n  forbid a\n', encoding="utf-8"
    )
    result = CliRunner().invoke(
        main,
        ["audit", "--policies", str(policies), "--log", str(log)]
        + ["--engine", audit_engine, "--format", "json"],
    )
    report = json.loads(result.stdout)
    [summary] = report["inputs"]
    assert (summary["accepted"], summary["rejected"]) == (3, 4)
    assert [(r["line"], r["code"], r["reason"]) for r in report["rejected"]] == [
        (5, "E406", "attribute 'n' is not a valid int: '1_000'"),
        (6, "E406", "attribute 'n' is not a valid int: '\u0661\u0662'"),
        (7, "E406", "attribute 'n' is not a valid float: '2_5.0'"),
        (8, "E406", "attribute 'n' is not a valid float: '\u0663.5'"),
    ]


def test_a_value_check_names_the_value_of_its_parameters_on_every_engine(
    tmp_path: Path, audit_engine: str
) -> None:
    """A value check's sentence writes its condition as written ('waited <= max_secs is
    false'): the parameter's value, its default or the one `--set` gave, was nowhere in it,
    while a forbid's sentence wrote the value (hunt27 finding-5). It is named with the values
    read, as a `let` is."""
    log = tmp_path / "calls.jsonl"
    log.write_text(
        '{"type":"call.answered","time":"2024-01-01T10:10:00Z","call":"c1","waited":600}\n',
        encoding="utf-8",
    )
    policies = tmp_path / "p.cxr"
    policies.write_text(
        'param max_secs = 300 "Longest wait, in seconds"\n\n'
        'policy calls.quick "Calls are answered within max_secs"\n'
        '  owner "Contact centre"\n'
        '  description "Every caller is answered quickly."\n'
        "  per call\n"
        "  when call.answered\n"
        "  require waited <= max_secs\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main,
        ["audit", "--policies", str(policies), "--log", str(log), "--set", "max_secs=500"]
        + ["--engine", audit_engine, "--format", "json"],
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    [violation] = report["violations"]
    assert violation["sentence"] == (
        "call.answered of call c1 at 2024-01-01 10:10:00+00:00: waited <= max_secs is false "
        "(max_secs = 500; waited = 600)"
    )
    assert violation["details"]["values"] == {"max_secs": 500, "waited": 600}
    # the title is text: --set does not rewrite it (docs/language.md)
    assert report["policies"][0]["title"] == "Calls are answered within max_secs"


def test_the_spark_engine_takes_the_memory_limit_and_spill_folder_of_its_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The spark engine reads the log files with DuckDB on the driver, which docs/spark.md says
    is bounded by --memory-limit and spills to --temp-dir: both reach it (they were refused as
    'applies to the duckdb engine, not spark')."""
    from cxrules import audit as audit_module

    policies, log = _project(tmp_path, GOOD)
    seen: list[dict[str, str]] = []

    def stop(request: audit_module.AuditRequest, progress: object) -> None:
        seen.append(request.settings)
        raise audit_module.AuditError("stopped before Spark starts", 2)

    monkeypatch.setattr(audit_module, "open_audit", stop)
    args = ("--policies", str(policies), "--log", str(log), "--engine", "spark")
    code, out = _audit(*args, "--memory-limit", "3GB", "--temp-dir", str(tmp_path))
    assert code == 2 and "stopped before Spark starts" in out
    assert seen == [{"memory_limit": "3GB", "temp_directory": str(tmp_path)}]


@pytest.mark.parametrize(
    "stop",
    [KeyboardInterrupt(), RuntimeError("Query interrupted")],
    ids=["ctrl-c", "duckdb-query-interrupted"],
)
def test_ctrl_c_is_said_as_an_interruption_with_its_own_exit_code(
    stop: BaseException, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C during an audit exited 1, the code of 'violations found', with click's 'Aborted!'
    (in Python's code), or 3 with 'internal error: RuntimeError: Query interrupted ... please
    report this' (during a DuckDB query). Both are now 'interrupted', exit 130 (128 + SIGINT)."""
    import sys

    from cxrules import cli

    def interrupted(*args: str) -> None:
        raise stop

    monkeypatch.setattr(cli.main, "invoke", lambda ctx: interrupted())
    monkeypatch.setattr(sys, "argv", ["cxrules", "audit"])
    with pytest.raises(SystemExit) as caught:
        cli.run()
    assert caught.value.code == 130
    err = capsys.readouterr().err
    assert "cxrules: interrupted (Ctrl-C): the audit did not finish" in err
    assert "internal error" not in err and "Aborted!" not in err


def test_the_entry_point_keeps_the_exit_codes_of_usage_errors_and_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    from cxrules import cli

    policies, log = _project(tmp_path, GOOD)
    for argv, code in [
        (["audit", "--bogus"], 2),
        (["audit", "--policies", str(policies), "--log", str(log), "--format", "json"], 1),
        (["--version"], 0),
    ]:
        monkeypatch.setattr(sys, "argv", ["cxrules", *argv])
        with pytest.raises(SystemExit) as caught:
            cli.run()
        assert caught.value.code == code, argv
    assert "No such option '--bogus'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("separator", "setting"), [(";", 'delimiter = ";"'), ("\t", 'delimiter = "\\t"')]
)
def test_a_csv_separated_otherwise_is_told_its_delimiter(
    tmp_path: Path, audit_engine: str, separator: str, setting: str
) -> None:
    """A ';' export (Excel where ',' is the decimal mark, as in Turkey and Romania) read with
    ',': the header is one column, and the hint was to name it the time column, time =
    "time;type;who", its value being no ISO time (hunt34 finding-8)."""
    log = tmp_path / "calls.csv"
    log.write_text(
        separator.join(["time", "type", "who"])
        + "\n"
        + separator.join(["2026-03-02T10:00:00Z", "call.queued", "ana"])
        + "\n",
        encoding="utf-8",
    )
    policies = tmp_path / "p.cxr"
    policies.write_text('policy a.b "B"\n  owner "x"\n  description "d"\n  forbid a\n', "utf-8")
    result = CliRunner().invoke(
        main, ["audit", "--policies", str(policies), "--log", str(log), "--engine", audit_engine]
    )
    assert result.exit_code == 2
    holding = "tabs" if separator == "\t" else f"'{separator}'"
    hint = f"  = hint: the header is one column holding {holding}: give the mapping {setting}"
    assert result.stderr.splitlines()[1] == hint
    assert result.stderr.splitlines()[3] == hint  # the same for the type column


def test_max_violations_help_names_the_metric_values_it_governs() -> None:
    """The help said only 'violations shown per policy … 'all' shows every one', yet the option
    also decides how many metric values the text and Markdown reports list (the worst 10 per
    policy, every one with 'all') and the HTML page counts metric warnings in its N: a user
    looking for the other metric values had no way to find the switch."""
    result = CliRunner().invoke(main, ["audit", "--help"])
    said = " ".join(result.output.split())
    assert (
        "--max-violations N|all violations listed per policy by text, markdown and html (default "
        "3, 3 and 20; html counts metric warnings too); 'all' lists every one, and text and "
        "markdown every failed or warned metric value (else the worst 10 per policy)"
    ) in said
