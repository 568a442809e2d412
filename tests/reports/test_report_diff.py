"""What-if: two reports compared by violation id (`cxrules diff`), with compliance side by side.

The old report is the hand-built sample (conftest.py); the new one changes it in known ways:
v-oct-2 is gone, v-new-1 appears, v-rest-1 ends later with another sentence, max_wait changes
from 3min to 30s and octopus.always-connected goes from 1 of 3 to 1 of 2 satisfied.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cxrules.cli import main
from cxrules.reports.as_json import render_json
from cxrules.reports.common import nothing_audited
from cxrules.reports.diff import (
    NOT_COMPARED,
    DiffError,
    diff_reports,
    load_report,
    render_diff_json,
    render_diff_text,
)
from cxrules.reports.model import Report, Violation

NEW_SENTENCE = 'staff said "no problem" at 12:30:00, twice'
NOTHING_AUDITED = "all 14 events are after the horizon 2026-03-01T00:00:00+03:00 (--as-of)"


def changed(old: Report) -> Report:
    vs = {v.id: v for v in old.violations}
    extra = Violation(
        id="v-new-1",
        policy="octopus.always-connected",
        kind="gap",
        severity="high",
        scope={"visit": "v-2000"},
        start="2026-03-03T12:00:00+03:00",
        end="2026-03-03T12:02:00+03:00",
        sentence="visit v-2000 had no connected arm from 12:00:00 to 12:02:00 (2m; grace 30s)",
    )
    rest = vs["v-rest-1"].model_copy(
        update={"end": "2026-03-02T12:31:00+03:00", "sentence": NEW_SENTENCE}
    )
    violations = [vs["v-oct-1"], extra, rest, vs["v-cc-1"], vs["v-cc-2"]]
    policies = [
        p.model_copy(update={"satisfied": 2, "compliance": 0.5})
        if p.id == "octopus.always-connected"
        else p
        for p in old.policies
    ]
    return old.model_copy(
        update={
            "violations": violations,
            "policies": policies,
            "parameters": {"max_wait": "30s", "grace": "30s"},
        }
    )


def test_breaches_are_matched_by_id(report: Report) -> None:
    diff = diff_reports(report, changed(report), "old.json", "new.json")
    assert [v.id for v in diff.appeared] == ["v-new-1"]
    assert [v.id for v in diff.disappeared] == ["v-oct-2"]
    assert [(c.id, c.fields) for c in diff.changed] == [("v-rest-1", ["end", "sentence"])]
    assert diff.unchanged == 3  # v-oct-1, v-cc-1, v-cc-2
    assert diff.differs
    assert [(p.name, p.old, p.new) for p in diff.parameters] == [("max_wait", "3min", "30s")]
    assert diff.same_logs and diff.same_policies


def read_from(old: Report, file: str) -> Report:
    """The same audit of the same events read from a log of another name: every event without
    an id is named by file:line, so each breach with a trigger has another id (hunt13)."""

    def moved(ref: Any) -> Any:
        return ref.model_copy(update={"id": f"{file}:{ref.line}", "file": file})

    violations = [
        v.model_copy(
            update={
                "id": f"{v.id}-in-{file}",
                "trigger": moved(v.trigger),
                "evidence": [moved(e) for e in v.evidence],
            }
        )
        if v.trigger is not None
        else v
        for v in old.violations
    ]
    return old.model_copy(update={"violations": violations})


def test_the_same_breaches_read_from_a_renamed_log_are_unchanged(report: Report) -> None:
    # week 1 audited as week1.jsonl, then again inside weeks 1-2 as weeks12.jsonl: before, every
    # breach with a trigger read as fixed and again as new (26 appear, 26 disappear)
    diff = diff_reports(report, read_from(report, "weeks12.jsonl"), "w1.json", "w12.json")
    assert diff.appeared == [] and diff.disappeared == [] and diff.changed == []
    assert diff.unchanged == 5  # v-oct-1, v-oct-2, v-rest-1 relocated; v-cc-1, v-cc-2 by id
    assert [(r.old_id, r.new_id) for r in diff.relocated] == [
        ("v-oct-1", "v-oct-1-in-weeks12.jsonl"),
        ("v-oct-2", "v-oct-2-in-weeks12.jsonl"),
        ("v-rest-1", "v-rest-1-in-weeks12.jsonl"),
    ]
    assert not diff.differs
    text = render_diff_text(diff)
    assert "Breaches: 0 appear, 0 disappear, 0 change, 5 unchanged." in text
    assert "3 breaches of both audits have another id, matched by policy, kind, scope" in text


def test_a_relocated_breach_that_also_changed_is_a_change(report: Report) -> None:
    new = read_from(report, "b.jsonl")
    rest = next(v for v in new.violations if v.policy == "restaurant.wording")
    later = rest.model_copy(update={"end": "2026-03-02T12:31:00+03:00"})
    new = new.model_copy(update={"violations": [later if v is rest else v for v in new.violations]})
    diff = diff_reports(report, new)
    assert [(c.old.id, c.new.id, c.fields) for c in diff.changed] == [
        ("v-rest-1", "v-rest-1-in-b.jsonl", ["id", "end", "trigger", "evidence"])
    ]
    assert diff.appeared == [] and diff.disappeared == [] and diff.unchanged == 4


def test_breaches_a_trigger_cannot_tell_apart_are_not_paired(report: Report) -> None:
    # two gaps of one visit from one trigger (could only happen with two policies' worth of
    # records): neither pairing is sure, so both stay as they were, appearing and disappearing
    twin = report.violations[0].model_copy(update={"id": "v-oct-1b", "sentence": "another"})
    old = report.model_copy(update={"violations": [*report.violations, twin]})
    diff = diff_reports(old, read_from(old, "b.jsonl"))
    assert sorted(v.id for v in diff.disappeared) == ["v-oct-1", "v-oct-1b"]
    assert len(diff.appeared) == 2 and len(diff.relocated) == 2  # v-oct-2 and v-rest-1


def test_policies_side_by_side(report: Report) -> None:
    diff = diff_reports(report, changed(report))
    rows = {
        p.id: (
            p.old_compliance,
            p.new_compliance,
            p.old_violated,
            p.new_violated,
            p.appeared,
            p.disappeared,
            p.changed,
        )
        for p in diff.policies
    }
    assert list(rows) == sorted(rows)
    assert rows == {
        "callcenter.service-level": (None, None, 1, 1, 0, 0, 0),
        "complaints.escalate-repeat": (1.0, 1.0, 0, 0, 0, 0, 0),
        "octopus.always-connected": (1 / 3, 0.5, 2, 2, 1, 1, 0),
        "restaurant.wording": (0.75, 0.75, 1, 1, 0, 0, 1),
    }


def test_a_policy_in_one_report_only(report: Report) -> None:
    fewer = report.model_copy(
        update={
            "policies": [p for p in report.policies if p.id != "restaurant.wording"],
            "violations": [v for v in report.violations if v.policy != "restaurant.wording"],
            "revision": "sha256:other",
        }
    )
    diff = diff_reports(report, fewer)
    row = next(p for p in diff.policies if p.id == "restaurant.wording")
    assert (row.old_violated, row.new_violated, row.disappeared) == (1, None, 1)
    assert not diff.same_policies
    text = render_diff_text(diff)
    assert "Policy files: changed" in text
    assert f"{'restaurant.wording':<26}   {'75.0%':>17}   {'absent':>6}" in text


def test_text_rendering(report: Report) -> None:
    text = render_diff_text(diff_reports(report, changed(report), "old.json", "new.json"))
    row = "{:<26}   {:>17}   {:>6}   {:>9}   {:>15}   {:>5}"
    header = row.format(
        "policy", "compliance before", "after", "change", "violated before", "after"
    )
    assert text.splitlines() == [
        "cxrules diff: old.json -> new.json",
        "Parameters: max_wait 3min -> 30s",
        "Logs: the same files and checksums",
        "Policy files: the same",
        "",
        header,
        "─" * 93,
        row.format("callcenter.service-level", "–", "–", "", "1", "1"),
        row.format("complaints.escalate-repeat", "100.0%", "100.0%", "0", "0", "0"),
        row.format("octopus.always-connected", "33.3%", "50.0%", "+16.7 pts", "2", "2"),
        row.format("restaurant.wording", "75.0%", "75.0%", "0", "1", "1"),
        "2 policies with breaches that differ",
        "",
        "Breaches: 1 appear, 1 disappear, 1 change, 3 unchanged.",
        "",
        "Appear (1)",
        "  + octopus.always-connected gap [visit=v-2000] high, v-new-1",
        "      visit v-2000 had no connected arm from 12:00:00 to 12:02:00 (2m; grace 30s)",
        "",
        "Disappear (1)",
        "  - octopus.always-connected gap [visit=v-1011] high, v-oct-2",
        "      visit v-1011 had no connected arm from 11:00:00 to 11:01:00 (1m; grace 30s)",
        "",
        "Change (1)",
        "  ~ restaurant.wording forbidden low, v-rest-1 (changed: end, sentence)",
        '      before: staff said "no problem" at 12:30:00',
        f"      after:  {NEW_SENTENCE}",
    ]


def test_cancelled_obligations_before_and_after(report: Report) -> None:
    """docs/what-if.md: a shorter deadline turns hang-ups that cancelled the obligation into
    breaches; the comparison says how many obligations were cancelled on each side (hunt39)."""
    new = changed(report)
    counts = {"octopus.always-connected": 5, "restaurant.wording": 2}
    new = new.model_copy(
        update={
            "policies": [
                p.model_copy(update={"cancelled": counts.get(p.id, 0)})
                if p.id != "complaints.escalate-repeat"
                else p
                for p in new.policies
                if p.id != "callcenter.service-level"
            ]
        }
    )
    old = report.model_copy(
        update={
            "policies": [
                p.model_copy(update={"cancelled": 3}) if p.id == "restaurant.wording" else p
                for p in report.policies
            ]
        }
    )
    diff = diff_reports(old, new)
    rows = {p.id: (p.old_cancelled, p.new_cancelled) for p in diff.policies}
    assert rows == {
        "callcenter.service-level": (0, None),
        "complaints.escalate-repeat": (0, 0),
        "octopus.always-connected": (0, 5),
        "restaurant.wording": (3, 2),
    }
    lines = render_diff_text(diff).splitlines()
    at = lines.index("2 policies with breaches that differ")
    assert lines[at + 1] == (
        "Cancelled obligations (by an unless event): octopus.always-connected 0 -> 5, "
        "restaurant.wording 3 -> 2"
    )
    data = json.loads(render_diff_json(diff))
    assert [(p["old_cancelled"], p["new_cancelled"]) for p in data["policies"]] == list(
        rows.values()
    )
    # the same counts on both sides: no line
    assert "Cancelled" not in render_diff_text(diff_reports(report, changed(report)))


def test_text_lists_the_first_n_of_each_kind(report: Report) -> None:
    gone = report.model_copy(update={"violations": []})
    text = render_diff_text(diff_reports(report, gone), max_items=2)
    assert "Disappear (5)" in text
    assert text.count("\n  - ") == 2
    assert text.endswith("  … and 3 more (--max all lists them; --format json has them all)\n")
    assert render_diff_text(diff_reports(report, gone), max_items=None).count("\n  - ") == 5


def test_untrusted_text_is_made_visible(report: Report) -> None:
    evil = report.violations[2].model_copy(
        update={"id": "v-evil", "sentence": "a\x1b[31mred\nline"}
    )
    diff = diff_reports(report, report.model_copy(update={"violations": [evil]}))
    assert "      a\\x1b[31mred\\nline" in render_diff_text(diff)


def test_json_rendering(report: Report) -> None:
    data = json.loads(render_diff_json(diff_reports(report, changed(report), "a", "b")))
    assert list(data)[:3] == ["schema", "old", "new"]
    assert data["schema"] == "cxrules.diff/1"
    assert [v["id"] for v in data["appeared"]] == ["v-new-1"]
    assert [v["id"] for v in data["disappeared"]] == ["v-oct-2"]
    assert data["changed"][0]["fields"] == ["end", "sentence"]
    assert data["changed"][0]["old"]["end"] == "2026-03-02T12:30:00+03:00"
    assert data["changed"][0]["new"]["end"] == "2026-03-02T12:31:00+03:00"
    assert data["unchanged"] == 3


def test_load_report_errors(tmp_path: Path) -> None:
    (tmp_path / "notjson.json").write_text("{oops", "utf-8")
    # the page of an audit given for its report: it said only "is not JSON: Expecting value:
    # line 1 column 1 (char 0)" (hunt69 finding-9)
    (tmp_path / "audit.html").write_text("<!doctype html>\n<html></html>\n", "utf-8")
    (tmp_path / "other.json").write_text('{"schema": "cxrules.diff/1"}', "utf-8")
    (tmp_path / "list.json").write_text("[1, 2]", "utf-8")
    (tmp_path / "bad.json").write_text('{"schema": "cxrules.report/1", "engine": 3}', "utf-8")
    cases = {
        "gone.json": (3, f"cannot read '{tmp_path}/gone.json': No such file or directory"),
        "notjson.json": (
            2,
            f"'{tmp_path}/notjson.json' is not JSON (Expecting property name enclosed in double "
            "quotes: line 1 column 2 (char 1)): a report is read from the file written with "
            "cxrules audit --format json",
        ),
        "audit.html": (
            2,
            f"'{tmp_path}/audit.html' is not JSON (the HTML or XML page of an audit, Expecting "
            "value: line 1 column 1 (char 0)): a report is read from the file written with "
            "cxrules audit --format json",
        ),
        "other.json": (
            2,
            f"'{tmp_path}/other.json' is not a cxrules report (schema 'cxrules.diff/1'; expected "
            "'cxrules.report/1': write one with cxrules audit --format json)",
        ),
        "list.json": (
            2,
            f"'{tmp_path}/list.json' is not a cxrules report (no 'schema' key; expected "
            "'cxrules.report/1': write one with cxrules audit --format json)",
        ),
        "bad.json": (
            2,
            f"'{tmp_path}/bad.json' is not a valid cxrules report: engine: Input should be a "
            "valid string",
        ),
    }
    for name, (code, message) in cases.items():
        with pytest.raises(DiffError) as caught:
            load_report(tmp_path / name)
        assert (caught.value.exit_code, str(caught.value)) == (code, message)


def test_cli_exit_codes(
    tmp_path: Path, make_report: Callable[[], Report], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.json").write_text(render_json(make_report()), "utf-8")
    Path("b.json").write_text(render_json(make_report()), "utf-8")
    Path("c.json").write_text(render_json(changed(make_report())), "utf-8")
    Path("x.json").write_text("{}", "utf-8")
    runner = CliRunner()
    same = runner.invoke(main, ["diff", "a.json", "b.json"])
    assert same.exit_code == 0
    assert "Breaches: 0 appear, 0 disappear, 0 change, 5 unchanged.\n" in same.output
    assert "0 policies with breaches that differ" in same.output
    different = runner.invoke(main, ["diff", "a.json", "c.json", "--format", "json"])
    assert different.exit_code == 1
    assert json.loads(different.output)["appeared"][0]["id"] == "v-new-1"
    written = runner.invoke(main, ["diff", "a.json", "c.json", "-o", "d.txt"])
    assert (written.exit_code, written.output) == (1, "comparison written to d.txt\n")
    assert Path("d.txt").read_text("utf-8").startswith("cxrules diff: a.json -> c.json\n")
    as_json = runner.invoke(main, ["diff", "a.json", "c.json", "-o", "what-if.json"])
    assert as_json.exit_code == 1
    assert json.loads(Path("what-if.json").read_text("utf-8"))["appeared"][0]["id"] == "v-new-1"
    html = runner.invoke(main, ["diff", "a.json", "c.json", "-o", "what-if.html"])
    assert html.exit_code == 2
    assert "-o what-if.html names an HTML file, but a comparison is text or JSON" in html.output
    told = runner.invoke(main, ["diff", "a.json", "c.json", "-o", "w.json", "--format", "text"])
    assert told.exit_code == 2 and not Path("w.json").exists()
    onto = runner.invoke(main, ["diff", "a.json", "c.json", "-o", "c.json"])
    assert onto.exit_code == 2
    assert "-o c.json is one of the reports compared; write the report elsewhere" in onto.output
    assert Path("c.json").read_text("utf-8") == render_json(changed(make_report()))
    bad = runner.invoke(main, ["diff", "a.json", "x.json"])
    assert bad.exit_code == 2
    assert bad.output == (
        "cxrules diff: 'x.json' is not a cxrules report (no 'schema' key; expected "
        "'cxrules.report/1': write one with cxrules audit --format json)\n"
    )
    missing = runner.invoke(main, ["diff", "a.json", "nowhere.json"])
    assert missing.exit_code == 3
    assert missing.output == (
        "cxrules diff: cannot read 'nowhere.json': No such file or directory\n"
    )
    usage = runner.invoke(main, ["diff", "a.json", "b.json", "--max", "some"])
    assert usage.exit_code == 2
    assert "Invalid value for '--max': 'some' is neither a number nor 'all'" in usage.output


HEAD = [
    "Parameters: the same",
    "Logs: the same files and checksums",
    "Policy files: the same",
]
AGAIN = (
    "Audit again with events to judge (check the log, its format, the mapping and --as-of), "
    "then compare."
)


def test_a_report_that_audited_nothing_is_not_compared(report: Report, unjudged: Report) -> None:
    """Its lack of breaches comes from judging nothing: shown as a diff, every breach of the
    other report would read as fixed (or as new). The head is still compared."""
    assert nothing_audited(unjudged) == NOTHING_AUDITED  # the sample is what it says
    diff = diff_reports(report, unjudged, "old.json", "new.json")
    assert (diff.old_nothing_audited, diff.new_nothing_audited) == (None, NOTHING_AUDITED)
    assert not diff.compared and not diff.differs and diff.exit_code == NOT_COMPARED == 4
    assert (diff.policies, diff.appeared, diff.disappeared, diff.changed) == ([], [], [], [])
    assert diff.unchanged == 0 and diff.same_logs and diff.same_policies
    assert diff.unjudged() == [("new.json", NOTHING_AUDITED)]
    horizon = (
        f"Horizon: as of {report.as_of} -> as of {unjudged.as_of} (deadlines the later one "
        "reached may be breaches the earlier one could not see yet)"
    )
    assert render_diff_text(diff).splitlines() == [
        "cxrules diff: old.json -> new.json",
        *HEAD,
        horizon,
        f"New: NOTHING AUDITED: {NOTHING_AUDITED}; no policy was judged.",
        "",
        "Breaches: not compared: new.json judged no event, so the breaches of old.json are not "
        "gone.",
        AGAIN,
    ]
    back = diff_reports(unjudged, report, "old.json", "new.json")
    assert back.exit_code == 4 and back.appeared == []
    assert render_diff_text(back).splitlines()[5:] == [
        f"Old: NOTHING AUDITED: {NOTHING_AUDITED}; no policy was judged.",
        "",
        "Breaches: not compared: old.json judged no event, so the breaches of new.json are not "
        "new.",
        AGAIN,
    ]
    both = diff_reports(unjudged, unjudged, "a.json", "b.json")
    assert both.exit_code == 4 and both.unjudged() == [
        ("a.json", NOTHING_AUDITED),
        ("b.json", NOTHING_AUDITED),
    ]
    assert render_diff_text(both).splitlines()[4:] == [
        f"Old: NOTHING AUDITED: {NOTHING_AUDITED}; no policy was judged.",
        f"New: NOTHING AUDITED: {NOTHING_AUDITED}; no policy was judged.",
        "",
        "Breaches: not compared: neither report judged an event.",
        AGAIN,
    ]


def test_not_compared_as_json(report: Report, unjudged: Report) -> None:
    data = json.loads(render_diff_json(diff_reports(report, unjudged, "a", "b")))
    assert list(data)[:10] == [
        "schema",
        "old",
        "new",
        "same_logs",
        "same_policies",
        "old_as_of",
        "new_as_of",
        "old_nothing_audited",
        "new_nothing_audited",
        "parameters",
    ]
    assert (data["old_nothing_audited"], data["new_nothing_audited"]) == (None, NOTHING_AUDITED)
    assert data["policies"] == data["appeared"] == data["disappeared"] == data["changed"] == []
    compared = json.loads(render_diff_json(diff_reports(report, changed(report))))
    assert (compared["old_nothing_audited"], compared["new_nothing_audited"]) == (None, None)


def test_a_report_written_before_nothing_audited_is_read_as_it_was(
    tmp_path: Path, unjudged: Report
) -> None:
    """A report without the field (cxrules before it) still loads, and what it audited is worked
    out from its inputs and horizon."""
    data = json.loads(render_json(unjudged))
    del data["nothing_audited"]
    (tmp_path / "old.json").write_text(json.dumps(data), "utf-8")
    read = load_report(tmp_path / "old.json")
    assert read.nothing_audited is None
    diff = diff_reports(read, read)
    assert (diff.old_nothing_audited, diff.new_nothing_audited) == (NOTHING_AUDITED,) * 2


def test_cli_says_a_report_audited_nothing(
    tmp_path: Path,
    make_report: Callable[[], Report],
    unjudged: Report,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("real.json").write_text(render_json(make_report()), "utf-8")
    Path("none.json").write_text(render_json(unjudged), "utf-8")
    note = f"cxrules diff: none.json audited nothing: {NOTHING_AUDITED}; not compared\n"
    runner = CliRunner()
    text = runner.invoke(main, ["diff", "real.json", "none.json"])
    assert text.exit_code == 4 and text.stderr == note
    assert "Breaches: not compared: none.json judged no event" in text.stdout
    assert "disappear" not in text.stdout
    as_json = runner.invoke(main, ["diff", "none.json", "real.json", "--format", "json"])
    assert as_json.exit_code == 4 and as_json.stderr == note
    assert json.loads(as_json.stdout)["old_nothing_audited"] == NOTHING_AUDITED


def test_a_change_of_horizon_is_said(report: Report) -> None:
    """Two audits as of different times: a breach may appear only because the later horizon let
    a deadline pass, so the comparison says the horizons differ (and says nothing when equal)."""
    later = report.model_copy(update={"as_of": "2026-03-09T00:00:00+03:00"})
    diff = diff_reports(report, later, "monday.json", "tuesday.json")
    assert (diff.old_as_of, diff.new_as_of) == (report.as_of, "2026-03-09T00:00:00+03:00")
    lines = render_diff_text(diff).splitlines()
    assert lines[4] == (
        f"Horizon: as of {report.as_of} -> as of 2026-03-09T00:00:00+03:00 (deadlines the later"
        " one reached may be breaches the earlier one could not see yet)"
    )
    same = render_diff_text(diff_reports(report, report)).splitlines()
    assert not any(line.startswith("Horizon:") for line in same)


def test_a_change_in_compliance_reads_in_its_columns(report: Report) -> None:
    """BPIC 2016 audited as of 15 January and as of its end: uwv.repeat-theme went from 257 of
    261 (98.467%) to 202 of 205 (98.537%), shown '98.5%  98.5%  +0.1 pts', a change between two
    equal figures. Rates that round alike get the decimals that tell them apart, and the change
    is written to those decimals; a change under 0.05 points between rates shown apart
    ('99.95%', '99.98%') is no longer '0'."""

    def rated(base: Report, rates: dict[str, float]) -> Report:
        policies = [
            p.model_copy(update={"compliance": rates[p.id]}) if p.id in rates else p
            for p in base.policies
        ]
        return base.model_copy(update={"policies": policies})

    old = rated(report, {"restaurant.wording": 257 / 261, "complaints.escalate-repeat": 0.9995})
    new = rated(report, {"restaurant.wording": 202 / 205, "complaints.escalate-repeat": 0.9998})
    text = render_diff_text(diff_reports(old, new, "old.json", "new.json"))
    cells = {line.split()[0]: line.split()[1:5] for line in text.splitlines() if "." in line[:30]}
    assert cells["restaurant.wording"] == ["98.47%", "98.54%", "+0.07", "pts"]
    assert cells["complaints.escalate-repeat"] == ["99.95%", "99.98%", "+0.03", "pts"]
