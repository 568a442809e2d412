"""Names a policy reads that the log does not have (W401, W402), local time read in UTC in a
log with other offsets (W403): `cxrules audit` on every engine
and `cxrules check --log`, their wording, `--strict`, and the verdict of a policy never
activated."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from click.testing import CliRunner

from cxrules.cli import main

POLICY = """\
policy notify.no-sms "No SMS notifications"
  owner "CX"
  description "SMS is off for notifications."
  forbid notificaton.sent where chanel == "sms"

policy calls.tier "Gold callers are greeted"
  owner "CX"
  description "Nested attributes and wildcards are found."
  per caller.id
  forbid call.* where caller.tier == "gold" and greeting == "none"
"""

LOG = [
    {"time": "2026-03-02T09:00:00+01:00", "type": "notification.sent", "channel": "sms"},
    {"time": "2026-03-02T09:05:00+01:00", "type": "call.started", "caller": {"id": "c1"}},
    {
        "time": "2026-03-02T09:06:00+01:00",
        "type": "call.ended",
        "caller": {"id": "c1", "tier": "gold"},
        "greeting": "hello",
    },
]

WARNINGS = (
    "p.cxr:4:10: warning[W401]: policy notify.no-sms reads event type 'notificaton.sent', "
    "which no event in the log has\n"
    "   |\n"
    ' 4 |   forbid notificaton.sent where chanel == "sms"\n'
    "   |          ^^^^^^^^^^^^^^^^ did you mean 'notification.sent'?\n"
    "p.cxr:4:33: warning[W402]: policy notify.no-sms reads attribute 'chanel', "
    "which no event in the log has\n"
    "   |\n"
    ' 4 |   forbid notificaton.sent where chanel == "sms"\n'
    "   |                                 ^^^^^^ did you mean 'channel'?\n"
    "0 errors, 2 warnings\n"
)


def _files(tmp_path: Path, log: list[dict[str, object]] = LOG) -> tuple[str, str]:
    policies = tmp_path / "p.cxr"
    policies.write_text(POLICY, encoding="utf-8")
    path = tmp_path / "log.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in log), encoding="utf-8")
    return str(policies), str(path)


def _run(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    """The command run from the folder holding the files: a policy is named 'p.cxr' there."""
    with contextlib.chdir(tmp_path):
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_audit_warns_of_a_misspelt_type_and_attribute_on_every_engine(
    tmp_path: Path, audit_engine: str
) -> None:
    policies, log = _files(tmp_path)
    base = ["audit", "--policies", policies, "--log", log, "--engine", audit_engine]
    code, out, err = _run(tmp_path, *base, "--format", "json")
    assert code == 0  # nothing activated the misspelt policy: no violation
    assert err == WARNINGS
    activations = {p["id"]: p["activations"] for p in json.loads(out)["policies"]}
    assert activations == {"notify.no-sms": 0, "calls.tier": 2}
    code, _, err = _run(tmp_path, *base, "--strict")
    assert code == 2
    assert err.endswith("cxrules audit: 2 warnings about the log (--strict)\n")


def test_the_verdict_names_the_policy_never_activated(tmp_path: Path) -> None:
    policies, log = _files(tmp_path)
    code, out, _ = _run(
        tmp_path, "audit", "--policies", policies, "--log", log, "--engine", "python", "-o", "-"
    )
    verdict = "PASS: no violation at or above low; 1 policy never activated (notify.no-sms)."
    assert code == 0
    assert out.splitlines()[0] == verdict


def test_check_with_a_sample_log_warns_without_auditing(tmp_path: Path) -> None:
    policies, log = _files(tmp_path)
    code, out, err = _run(tmp_path, "check", policies, "--log", log)
    assert (code, out, err) == (0, WARNINGS, "")
    code, out, _ = _run(tmp_path, "check", policies, "--log", log, "--strict")
    assert (code, out) == (2, WARNINGS)


SHARED = """\
state parked = problem.wiat until problem.in_progress, by ownr

metric wait_share = share(problem.in_progres within 60d of problem.wait)
  by queu

policy problems.parked-limit "A parked problem is picked up again within 60 days"
  owner "Problem manager"
  description "The state is defined above the policy."
  per case
  while parked: at most 60d

policy problems.resumed "Most parked problems resume within 60 days"
  owner "Problem manager"
  description "The metric is defined above the policy."
  per case
  require wait_share >= 80%
"""


def test_a_name_read_only_in_a_shared_definition_is_pointed_at_there(tmp_path: Path) -> None:
    # hunt19: a misspelt type or attribute in a shared state or metric was warned about at the
    # policy's first line, the caret under its 'p', with no sign of where the name is written.
    log = [
        {"time": "2026-03-02T09:00:00Z", "type": "problem.wait", "case": "c1", "owner": "E"},
        {"time": "2026-03-02T10:00:00Z", "type": "problem.in_progress", "case": "c1", "queue": "q"},
    ]
    policies, path = _files(tmp_path, log)
    Path(policies).write_text(SHARED, encoding="utf-8")
    code, out, _ = _run(tmp_path, "check", policies, "--log", path)
    assert code == 0
    where = [line.split(": warning")[0] for line in out.splitlines() if "warning[" in line]
    # state: 'problem.wiat' and 'ownr' on line 1; metric: 'problem.in_progres' on line 3 and
    # 'queu' on its continuation line 4; the first policy's own line is 6.
    assert where == [
        "p.cxr:1:16",
        "p.cxr:1:59",
        "p.cxr:3:27",
        "p.cxr:4:6",
    ]
    assert " 1 | state parked = problem.wiat until problem.in_progress, by ownr" in out
    assert "   |                ^^^^^^^^^^^^ did you mean 'problem.wait'?" in out


def test_no_warning_when_the_log_has_every_name(tmp_path: Path) -> None:
    fixed = [dict(LOG[0], type="notificaton.sent", chanel="sms"), *LOG[1:]]
    policies, log = _files(tmp_path, fixed)
    code, out, err = _run(tmp_path, "check", policies, "--log", log, "--strict")
    assert (code, out, err) == (0, "1 file, 2 policies: ok\n", "")


def test_an_empty_log_warns_that_it_checks_nothing(tmp_path: Path) -> None:
    """No W401/W402 for an empty sample (it lacks every name), but one W404: nothing could be
    checked, as `audit` of it says NOTHING AUDITED."""
    policies, log = _files(tmp_path, [])
    code, out, _ = _run(tmp_path, "check", policies, "--log", log)
    assert (code, out) == (
        0,
        "warning[W404]: the sample log holds no record: the names the policies read cannot be "
        "checked\n"
        "  = hint: check against a log with events (an export that wrote nothing, the wrong "
        "file?)\n"
        "0 errors, 1 warning\n",
    )


def test_check_with_an_unreadable_sample_exits_3(tmp_path: Path) -> None:
    policies, _ = _files(tmp_path)
    missing = str(tmp_path / "missing.jsonl")
    code, _, err = _run(tmp_path, "check", policies, "--log", missing)
    assert code == 3
    assert err.endswith("cxrules check: a log cannot be read\n")


ZONED = """\
policy calls.daily "Calls per day"
  owner "CX"
  description "Day buckets: local time."
  metric calls = count(call.ended)
    per day
  require calls <= 100

policy calls.early "No call before nine"
  owner "CX"
  description "Its own zone: no warning."
  zone "Europe/Istanbul"
  forbid call.ended where local_hour < 9
"""

ZONE_WARNING = (
    "z.cxr:1:1: warning[W403]: policy calls.daily reads local time in UTC, but the log's "
    "times have the offsets +00:00, +03:00\n"
    "  = hint: set the zone the times are local to: in the log mapping ([log] zone = "
    '"Area/City") or in the policy (zone "Area/City")\n'
    "0 errors, 1 warning\n"
)


def _zoned(tmp_path: Path) -> tuple[str, str]:
    policies = tmp_path / "z.cxr"
    policies.write_text(ZONED, encoding="utf-8")
    log = tmp_path / "z.jsonl"
    times = ["2026-03-02T09:00:00+03:00", "2026-03-02T10:00:00+03:00", "2026-03-02T11:00:00Z"]
    log.write_text(
        "".join(json.dumps({"time": t, "type": "call.ended"}) + "\n" for t in times), "utf-8"
    )
    return str(policies), str(log)


def test_local_time_in_utc_in_a_log_with_offsets_warns_on_every_engine(
    tmp_path: Path, audit_engine: str
) -> None:
    policies, log = _zoned(tmp_path)
    base = ["audit", "--policies", policies, "--log", log, "--engine", audit_engine]
    code, _, err = _run(tmp_path, *base, "--format", "json")
    assert (code, err) == (0, ZONE_WARNING)
    code, _, err = _run(tmp_path, *base, "--format", "json", "--strict")
    assert code == 2


def test_check_warns_of_local_time_in_utc_unless_the_mapping_sets_a_zone(tmp_path: Path) -> None:
    policies, log = _zoned(tmp_path)
    assert _run(tmp_path, "check", policies, "--log", log) == (0, ZONE_WARNING, "")
    mapping = tmp_path / "m.toml"
    mapping.write_text('[log]\nzone = "Europe/Istanbul"\n', encoding="utf-8")
    ok = (0, "1 file, 2 policies: ok\n", "")
    assert _run(tmp_path, "check", policies, "--log", log, "--mapping", str(mapping)) == ok
    utc = tmp_path / "log.jsonl"
    utc.write_text('{"time": "2026-03-02T09:00:00Z", "type": "call.ended"}\n', "utf-8")
    assert _run(tmp_path, "check", policies, "--log", str(utc)) == ok


def test_a_value_written_without_quotes_and_a_type_read_as_an_attribute_get_the_fix(
    tmp_path: Path,
) -> None:
    """`kanal == telefonİ` reads an attribute named telefonİ; `nps(survey.answered)` reads the
    attribute 'answered' of type 'survey': the warnings point at the name and say what to
    write."""
    policies = tmp_path / "p.cxr"
    policies.write_text(
        'policy a.quotes "t"\n'
        '  owner "CX"\n'
        '  description "d"\n'
        "  forbid complaint.filed where kanal == telefonİ\n"
        "\n"
        'policy a.nps "t"\n'
        '  owner "CX"\n'
        '  description "d"\n'
        "  metric n = nps(survey.answered)\n"
        "  require n >= 30\n",
        encoding="utf-8",
    )
    log = [
        {"time": "2026-03-02T09:00:00+03:00", "type": "complaint.filed", "kanal": "telefonİ"},
        {"time": "2026-03-02T09:05:00+03:00", "type": "survey.answered", "score": 9},
    ]
    path = tmp_path / "log.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in log), encoding="utf-8")
    code, out, _ = _run(tmp_path, "check", str(policies), "--log", str(path))
    assert code == 0
    assert out.splitlines()[:4] == [
        "p.cxr:4:41: warning[W402]: policy a.quotes reads attribute 'telefonİ', which no event "
        "in the log has",
        "   |",
        " 4 |   forbid complaint.filed where kanal == telefonİ",
        "   |                                         ^^^^^^^^ no event of the log has this "
        'attribute; if it is a value, quote it: "telefonİ"',
    ]
    assert (
        "p.cxr:9:18: warning[W401]: policy a.nps reads event type 'survey', which no event in "
        "the log has"
    ) in out
    assert (
        "^^^^^^ the log has the event type 'survey.answered': written alone, 'survey.answered' "
        "reads the attribute 'answered' of 'survey' events; name the value with 'of', as in "
        "nps(score of survey.answered)"
    ) in out


def test_check_with_a_sample_log_says_what_it_rejected(tmp_path: Path) -> None:
    """W404: the sample's broken records are counted by code with the first named; the
    type whose only record was rejected is missing to W401; --strict fails."""
    policies = tmp_path / "p.cxr"
    policies.write_text(
        'policy calls.w "t"\n  owner "X"\n  description "Y"\n  when call.queued\n'
        "  expect call.answered within 2min\n",
        encoding="utf-8",
    )
    log = tmp_path / "calls.jsonl"
    log.write_text(
        '{"time": "2026-03-02T09:00:00+03:00", "type": "call.queued", "call": "c1"}\n'
        '{"time": "2026-03-02T09:01:00+03:00", "type": "call.answered", "call": "c1"\n'
        '{"time": "soon", "type": "call.answered", "call": "c1"}\n',
        encoding="utf-8",
    )
    code, out, _ = _run(tmp_path, "check", str(policies), "--log", str(log))
    assert code == 0
    assert out.splitlines()[:2] == [
        "warning[W404]: 2 of 3 records of the sample log were rejected (1 × E402, 1 × E404); "
        f"the first: {log}:2 E402 not valid JSON: unexpected end of data at character 76",
        "  = hint: an audit leaves them out: fix the export or the log mapping (docs/mapping.md)",
    ]
    assert "reads event type 'call.answered', which no event in the log has" in out
    code, _, _ = _run(tmp_path, "check", str(policies), "--log", str(log), "--strict")
    assert code == 2
    code, _, err = _run(tmp_path, "check", str(policies), "--log", str(log), "--log", str(log))
    assert code == 2 and "is given twice" in err
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    code, out, _ = _run(tmp_path, "check", str(policies), "--log", str(empty), "--strict")
    assert code == 2
    assert out.startswith(
        "warning[W404]: the sample log holds no record: the names the policies read cannot be "
        "checked\n"
    )


AVG_WAIT = """\
policy calls.avg-wait "Average wait of at most a minute"
  owner "CX"
  description "The mean wait per queue and day."
  metric avg_wait = avg(wait of call.answered) by queue per day
  require avg_wait <= 60
"""


def test_a_metric_of_numbers_the_csv_holds_as_text_is_a_warning_not_a_silent_pass(
    tmp_path: Path, audit_engine: str
) -> None:
    """A CSV column is text unless the mapping lists it in `numbers`: avg() found no value, the
    policy was never activated and the audit passed. W405 says why, on every engine."""
    policies = tmp_path / "p.cxr"
    policies.write_text(AVG_WAIT, encoding="utf-8")
    log = tmp_path / "calls.csv"
    log.write_text(
        "time,type,queue,wait\n"
        "2026-03-02T10:00:00,call.answered,billing,45\n"
        "2026-03-02T10:05:00,call.answered,billing,80\n",
        encoding="utf-8",
    )
    warning = (
        "p.cxr:4:25: warning[W405]: policy calls.avg-wait: avg() reads numbers, but the log "
        "holds 'wait' as text (\"45\"), so the metric finds no value\n"
        "   |\n"
        " 4 |   metric avg_wait = avg(wait of call.answered) by queue per day\n"
        '   |                         ^^^^ list the column in the log mapping: numbers = ["wait"]'
        " (docs/mapping.md)\n"
        "0 errors, 1 warning\n"
    )
    base = ["audit", "--policies", str(policies), "--log", str(log), "--engine", audit_engine]
    code, _, err = _run(tmp_path, *base)
    assert (code, err) == (0, warning)
    code, _, err = _run(tmp_path, *base, "--strict")
    assert code == 2
    code, out, _ = _run(tmp_path, "check", str(policies), "--log", str(log))
    assert (code, out) == (0, warning)
    mapping = tmp_path / "map.toml"
    mapping.write_text('[log]\nnumbers = ["wait"]\n', encoding="utf-8")
    code, _, err = _run(tmp_path, *base, "--mapping", str(mapping))
    assert (code, err) == (1, "")  # mapped: 62.5 s on average, above the minute


DESK = """\
policy desk.early "New incidents are not logged before 08:00"
  owner "Service desk"
  description "The desk is in São Paulo."
  zone "America/Sao_Paulo"
  forbid incident.new where local_time < 08:00
"""


def test_naive_times_read_as_utc_while_the_policies_name_a_zone_are_a_warning(
    tmp_path: Path, audit_engine: str
) -> None:
    """An export without offsets and a mapping without a zone: every time was read as UTC and
    shown 3 hours off in São Paulo, with no word (hunt7 finding-4). W406 says so, on every
    engine; an offset in the log, or a zone in the mapping, silences it."""
    policies = tmp_path / "p.cxr"
    policies.write_text(DESK, encoding="utf-8")
    naive = tmp_path / "naive.csv"
    naive.write_text("time,type\n2016-02-29T09:00:00,incident.new\n", encoding="utf-8")
    aware = tmp_path / "aware.csv"
    aware.write_text("time,type\n2016-02-29T09:00:00-03:00,incident.new\n", encoding="utf-8")
    zoned = tmp_path / "zoned.toml"
    zoned.write_text('[log]\nzone = "America/Sao_Paulo"\n', encoding="utf-8")
    warning = (
        "warning[W406]: the log's times have no offset and the mapping names no zone, so they "
        "are read as UTC; the policies are in America/Sao_Paulo\n"
        '  = hint: set the zone the times are local to: [log] zone = "America/Sao_Paulo" in '
        'the log mapping, or zone = "UTC" if they are UTC (docs/mapping.md)\n'
        "0 errors, 1 warning\n"
    )
    base = ["audit", "--policies", str(policies), "--engine", audit_engine]
    code, out, err = _run(tmp_path, *base, "--log", str(naive))
    assert (code, err) == (1, warning)  # 09:00 read as 06:00 in São Paulo: a false breach
    code, out, _ = _run(tmp_path, "check", str(policies), "--log", str(naive))
    assert (code, out) == (0, warning)
    code, _, err = _run(tmp_path, *base, "--log", str(aware))
    assert (code, err) == (0, "")
    code, _, err = _run(tmp_path, *base, "--log", str(naive), "--mapping", str(zoned))
    assert (code, err) == (0, "")


def test_the_readme_exit_codes_say_what_strict_fails_with_2() -> None:
    # A CI pipeline reads the README's exit codes: `audit --strict` exits 2 on a W401-W403
    # warning (above), which the paragraph did not say; it listed only invalid policies,
    # settings or usage for 2, and rejected records (3) for --strict (hunt69 finding-3).
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    codes = " ".join(readme.split("Exit codes: ", 1)[1].split("\n\n", 1)[0].split())
    two = codes.split("; 2 ", 1)[1].split("; 3 ", 1)[0]
    assert "--strict" in two and "W401-W403" in two
