"""`cxrules report`: an archived JSON report rendered again, without the logs — the very page,
table and file `cxrules audit` writes from the same audit, byte for byte."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxrules.cli import main

POLICY = """policy shop.wording "Never 'no problem'"
  severity low
  owner "Floor"
  description "Every 'no problem' is a breach."
  forbid staff.said where lower(text) contains "no problem"

policy shop.greeting "Every visit is greeted within a minute"
  severity high
  owner "Floor"
  description "A greeting within 1 minute of entering."
  per visit
  when customer.entered
  expect staff.greeted within 1min
"""

LOG = """\
{"time": "2026-03-02T10:00:00Z", "type": "staff.said", "text": "No problem"}
{"time": "2026-03-02T10:01:00Z", "type": "customer.entered", "visit": "v1"}
{"time": "2026-03-02T10:03:00Z", "type": "staff.greeted", "visit": "v1"}
{"time": "2026-03-02T10:04:00Z", "type": "staff.said", "text": "my pleasure"}
"""


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def audited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder (the current one) with the policies, the log and the audit's JSON report."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "log.jsonl").write_text(LOG, "utf-8")
    code, _, _ = _run("audit", "--policies", "p.cxr", "--log", "log.jsonl", "-o", "audit.json")
    assert code == 1  # two breaches: the "No problem" at 10:00, the greeting 1 min late
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "junit", "csv", "json"])
def test_a_rendering_is_the_one_the_audit_writes(audited: Path, fmt: str) -> None:
    audit = ["audit", "--policies", "p.cxr", "--log", "log.jsonl", "--format", fmt]
    assert _run(*audit, "-o", f"audit.{fmt}")[0] == 1
    code, _, said = _run("report", "audit.json", "--format", fmt, "--policies", "p.cxr", "-o", "r")
    assert code == 0 and "report written to r" in said
    assert (audited / "r").read_bytes() == (audited / f"audit.{fmt}").read_bytes()


def test_the_page_explains_the_policies_only_when_they_are_the_reports(audited: Path) -> None:
    # the explanation `cxrules explain` gives of the greeting policy is on the audit's page
    _, explained, _ = _run("explain", "p.cxr")
    sentence = next(line.strip() for line in explained.splitlines() if "must greet" in line)
    assert sentence.endswith("a staff member must greet within 1min.")
    assert _run("report", "audit.json", "-o", "page.html", "--policies", "p.cxr")[0] == 0
    assert html.escape(sentence, quote=False) in (audited / "page.html").read_text("utf-8")
    # the policies edited since the audit (a new threshold): their explanation would describe
    # rules the report did not judge, so the page has none, and a warning says why
    (audited / "p.cxr").write_text(POLICY.replace("1min", "2min"), "utf-8")
    code, _, said = _run("report", "audit.json", "-o", "later.html", "--policies", "p.cxr")
    assert code == 0
    assert "the policies (p.cxr) are not those the report was audited against" in said
    page = (audited / "later.html").read_text("utf-8")
    assert "must greet within" not in page
    # no policies at hand at all (a report sent by mail): the page says nothing of them, and
    # the command says why
    (audited / "p.cxr").unlink()
    code, _, said = _run("report", "audit.json", "-o", "mailed.html")
    assert code == 0 and "no policy files at hand" in said
    assert "must greet within" not in (audited / "mailed.html").read_text("utf-8")
    assert "v1" in page  # the violations are still there


def test_policies_that_do_not_load_are_said_with_their_first_error(audited: Path) -> None:
    """hunt65 finding-K: `--policies` naming no file at all, or policies without the report's
    parameter, were both 'do not load with the report's parameters (cxrules check says why)'."""
    code, _, said = _run("report", "audit.json", "-o", "a.html", "--policies", "gone/")
    assert code == 0
    assert said.startswith(
        "cxrules report: warning: the policies (gone/) do not load (with the report's "
        "parameters): error[E206]: no policy file or folder at 'gone/'; the page has no "
        "explanations\n"
    )
    (audited / "empty").mkdir()
    code, _, said = _run("report", "audit.json", "-o", "e.html", "--policies", "empty")
    assert code == 0
    assert said.startswith(
        "cxrules report: warning: the policies (empty) do not load (with the report's "
        "parameters): no policy files (*.cxr) found; the page has no explanations\n"
    )
    report = json.loads((audited / "audit.json").read_text("utf-8"))
    report["parameters"] = {"wait": "2min"}
    (audited / "set.json").write_text(json.dumps(report), "utf-8")
    code, _, said = _run("report", "set.json", "-o", "b.html", "--policies", "p.cxr")
    assert code == 0
    assert (
        "do not load (with the report's parameters): error[E222]: --set wait: there is no " in said
    )


def test_fail_on_judges_the_report_again_and_max_violations_cuts_the_list(audited: Path) -> None:
    _, low, _ = _run("report", "audit.json")
    assert low.startswith("FAIL: 2 violations at or above low in 2 policies")
    _, high, _ = _run("report", "audit.json", "--fail-on", "high")
    assert high.startswith("FAIL: 1 violation at or above high in 1 policy")
    _, critical, _ = _run("report", "audit.json", "--fail-on", "critical")
    assert critical.startswith("PASS")


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (["log.jsonl"], 2, "'log.jsonl' is not JSON"),
        (["p.cxr"], 2, "'p.cxr' is not JSON"),
        (["missing.json"], 3, "cannot read 'missing.json'"),
        (["audit.json", "-o", "audit.json"], 2, "is the report rendered; write the report"),
        (["audit.json", "--format", "csv", "--max-violations", "2"], 2, "the csv format always"),
        (["audit.json", "--max-violations", "few"], 2, "'few' is not a count: write a number"),
        # a superscript two is a digit to str.isdigit, not to int(): it was an internal error
        (["audit.json", "--max-violations", "\u00b2"], 2, "'\u00b2' is not a count"),
        (["audit.json", "-o", "x.html", "--format", "markdown"], 2, "x.html"),
    ],
)
def test_what_cannot_be_rendered_is_said_with_its_exit_code(
    audited: Path, args: list[str], code: int, said: str
) -> None:
    result = CliRunner().invoke(main, ["report", *args], catch_exceptions=False)
    assert result.exit_code == code
    assert said in result.output
    assert "Traceback" not in result.output
    assert (audited / "audit.json").read_text("utf-8").startswith("{")


def test_the_page_explains_with_the_parameters_the_audit_had(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the explanation quotes the parameters' values; --set changed them for the audit, and the
    # report, which writes a text in quotes, gives them back as --set took them
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.cxr").write_text(
        'param word = "no problem" "The forbidden words"\n'
        'param wait = 1min "The longest wait"\n'
        + POLICY.replace('"no problem"', "word").replace("within 1min", "within wait"),
        "utf-8",
    )
    (tmp_path / "log.jsonl").write_text(LOG, "utf-8")
    audit = ["audit", "--policies", "p.cxr", "--log", "log.jsonl", "--set", "wait=3min"]
    audit += ["--set", 'word=say "no problem"']
    assert _run(*audit, "-o", "audit.html")[0] == 0  # nobody says it, the greeting is in time
    assert _run(*audit, "-o", "audit.json")[0] == 0
    code, _, said = _run("report", "audit.json", "-o", "page.html", "--policies", "p.cxr")
    assert code == 0 and "warning" not in said
    page = (tmp_path / "page.html").read_text("utf-8")
    assert page == (tmp_path / "audit.html").read_text("utf-8")
    assert "must greet within 3min" in page


@pytest.mark.parametrize(
    ("edit", "fmt", "said"),
    [
        # each edit keeps the fields' types: the model reads it, a renderer failed on it
        ({"zone": "Europe/Nowhere"}, "html", "zone: 'Europe/Nowhere' is not a time zone"),
        ({"as_of": "yesterday"}, "html", "as_of is not an ISO 8601 time: 'yesterday'"),
        ({"policy": "shop.gone"}, "junit", "violations.0.policy: 'shop.gone' is not one of"),
        ({"compliance": -1}, "html", "policies.0.compliance: -1.0 is not between 0 and 1"),
        ({"details": {"report": "agent"}}, "csv", "violations.0.details.report: 'agent' is not"),
    ],
)
def test_a_hand_edited_report_is_refused_as_invalid_never_a_traceback(
    audited: Path, edit: dict[str, object], fmt: str, said: str
) -> None:
    report = json.loads((audited / "audit.json").read_text("utf-8"))
    if "compliance" in edit:
        report["policies"][0]["compliance"] = edit["compliance"]
    elif "policy" in edit:
        report["violations"][0]["policy"] = edit["policy"]
    elif "details" in edit:
        report["violations"][0]["details"] = edit["details"]
    else:
        report.update(edit)
    (audited / "edited.json").write_text(json.dumps(report), "utf-8")
    result = CliRunner().invoke(main, ["report", "edited.json", "--format", fmt, "-o", "out"])
    assert result.exit_code == 2, result.output
    assert "'edited.json' is not a valid cxrules report: " in result.stderr
    assert said in result.stderr
    assert not (audited / "out").exists()
