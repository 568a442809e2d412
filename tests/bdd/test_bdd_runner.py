"""Tests of `cxrules test`: a CX team's own project run with the shipped steps."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cxrules.bdd.runner import USAGE_ERROR, feature_paths, run_features

POLICY = """policy shop.greet "Guests are greeted within a minute"
  severity medium
  per table
  when guest.arrived
  expect staff.greeted within 1min
"""

FEATURE = """Feature: Greeting
  Background:
    Given the project policies
    And the time is "2026-03-02T19:00:00"

  Scenario: Greeted in time
    When these events happen:
      | time | type          | table |
      | +0s  | guest.arrived | t-1   |
      | +40s | staff.greeted | t-1   |
    Then there are no violations

  Scenario: Greeted late
    When these events happen:
      | time  | type          | table |
      | +0s   | guest.arrived | t-1   |
      | +2min | staff.greeted | t-1   |
    Then the violations are:
      | policy     | kind | scope     | start | end   | fulfilled_at |
      | shop.greet | late | table=t-1 | +0s   | +1min | +2min        |

  Scenario: A wrong expectation fails in words
    When these events happen:
      | time  | type          | table |
      | +0s   | guest.arrived | t-1   |
      | +2min | staff.greeted | t-1   |
    Then there are no violations

  Scenario: A bad time fails with its line
    When these events happen:
      | time  | type          | table |
      | soon  | guest.arrived | t-1   |
    Then there are no violations
"""


def _run_features(
    folder: Path, specs: str = "specs", rules: str = "rules"
) -> subprocess.CompletedProcess[str]:
    """`run_features` on specs/ and rules/ of a folder, in a process of its own."""
    code = (
        "import sys\n"
        "from cxrules.bdd.runner import run_features\n"
        f"sys.exit(run_features([{specs!r}], [{rules!r}], ['-q', '-p', 'no:randomly']))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=folder, capture_output=True, text=True, timeout=120
    )


def test_a_project_runs_with_its_own_policies(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "shop.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "shop.feature").write_text(FEATURE, "utf-8")
    done = _run_features(tmp_path)
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert "2 failed, 2 passed" in out
    assert (
        "expected no violations, the engine found 1 violation:\n"
        "  - shop.greet late [table=t-1] from 2026-03-02T19:00:00+00:00 (+0s) to "
        "2026-03-02T19:01:00+00:00 (+1min), severity medium:"
    ) in out
    assert "the scenario cannot run: specs/shop.feature:32: 'soon' is not a time" in out


def test_policies_named_outside_the_working_folder_are_loaded(tmp_path: Path) -> None:
    """`cxrules test ../proj/specs --policies ../proj/rules` from a folder beside the project:
    the policies were refused as 'a link outside the project folder' (E219)."""
    (tmp_path / "proj" / "rules").mkdir(parents=True)
    (tmp_path / "proj" / "rules" / "shop.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "proj" / "specs").mkdir()
    (tmp_path / "proj" / "specs" / "shop.feature").write_text(FEATURE, "utf-8")
    (tmp_path / "work").mkdir()
    done = _run_features(tmp_path / "work", "../proj/specs", "../proj/rules")
    assert "E219" not in done.stdout
    assert "2 failed, 2 passed" in done.stdout, done.stdout + done.stderr


def test_feature_paths(tmp_path: Path) -> None:
    (tmp_path / "features").mkdir()
    (tmp_path / "features" / "a.feature").write_text("Feature: a\n", "utf-8")
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.txt").write_text("", "utf-8")
    found, problems = feature_paths([], tmp_path)
    assert found == [str(tmp_path / "features")] and problems == []
    found, problems = feature_paths(["empty", "notes.txt", "gone"], tmp_path)
    assert found == []
    assert problems == [
        "no .feature file under 'empty'",
        "'notes.txt' is not a .feature file",
        "no feature file or folder at 'gone'",
    ]


def test_a_pytest_option_given_as_a_path_says_to_pass_it_with_pytest_arg(tmp_path: Path) -> None:
    # `cxrules test -k greet` (pytest's own option) said only "no feature file or folder at
    # '-k'", which tells a newcomer nothing of --pytest-arg (hunt69 finding-4)
    (tmp_path / "features").mkdir()
    (tmp_path / "features" / "a.feature").write_text("Feature: a\n", "utf-8")
    found, problems = feature_paths(["-k", "features"], tmp_path)
    assert found == [str(tmp_path / "features")]
    assert problems == [
        "'-k' is no option of cxrules test nor a feature file: pass pytest's options with "
        "--pytest-arg, one word each: --pytest-arg=-k (and its value, if it takes one, as "
        "another --pytest-arg)"
    ]


def test_missing_features_are_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_features(["gone"], [], []) == USAGE_ERROR == 4
    assert capsys.readouterr().err == "cxrules test: no feature file or folder at 'gone'\n"


MISTAKES = {
    "a_table.feature": """Feature: A row short of a cell
  Scenario: Short row
    Given the project policies
    When these events happen:
      | time  | type          | table |
      | +0s   | guest.arrived |
    Then there are no violations
""",
    "b_steps.feature": """Feature: Newcomer mistakes
  Background:
    Given the project policies
    And the time is "2026-03-02T19:00:00"

  Scenario: A misspelt step
    When these events happen:
      | time | type          | table |
      | +0s  | guest.arrived | t-1   |
    Then there are exactly no violations

  Scenario: A parameter of the wrong type
    Given the parameter "wait" is "3"
    Then there are no violations
""",
    "c_good.feature": FEATURE.split("\n  Scenario: A wrong")[0] + "\n",
}


def test_gherkin_mistakes_are_said_at_their_line_and_the_other_features_run(
    tmp_path: Path,
) -> None:
    """A broken table is `file:line:column: error:` with a caret, no traceback, and stops no
    other feature file; an unknown step names its line and the nearest step; a parameter that
    cannot be set is said as its step wrote it, not as --set."""
    (tmp_path / "rules").mkdir()
    policy = "param wait = 1min\n\n" + POLICY.replace("within 1min", "within wait")
    (tmp_path / "rules" / "shop.cxr").write_text(policy, "utf-8")
    (tmp_path / "specs").mkdir()
    for name, text in MISTAKES.items():
        (tmp_path / "specs" / name).write_text(text, "utf-8")
    done = _run_features(tmp_path)
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert "2 failed, 2 passed, 1 error" in out
    assert "Traceback" not in out and "GherkinParseError" not in out
    assert (
        "specs/a_table.feature:6:7: error: this row has 2 cells, the table's header has 3 "
        "(time | type | table)\n"
        "   |\n"
        " 6 |       | +0s   | guest.arrived |\n"
        "   |       ^^^^^^^^^^^^^^^^^^^^^^^^^ every row has a cell per column: an empty cell is "
        "written |  |\n"
    ) in out
    assert (
        "specs/b_steps.feature:10: unknown step 'Then there are exactly no violations'\n"
        "  = hint: did you mean 'Then there are no violations'? (the steps: docs/gherkin.md)\n"
    ) in out
    assert "StepDefinitionNotFoundError" not in out
    assert (
        "the scenario cannot run: a parameter step is invalid:\n"
        'specs/b_steps.feature:13:36: error[E222]: the parameter "wait" is "3": not a duration'
    ) in out
    assert ' 13 |     Given the parameter "wait" is "3"\n' in out
    assert "--set" not in out


def test_an_empty_feature_file_is_no_scenario_not_a_traceback(tmp_path: Path) -> None:
    """hunt9 finding-2: an empty feature file (or one of comments only, a stub a team commits
    before its scenarios) stopped its collection with pytest-bdd's `KeyError: 'feature'` and a
    traceback, and `cxrules test` exited 1; it holds no scenario, and the others run."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "shop.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "a_empty.feature").write_text("", "utf-8")
    (tmp_path / "specs" / "b_todo.feature").write_text("# TODO: the refunds\n\n", "utf-8")
    (tmp_path / "specs" / "c_good.feature").write_text(MISTAKES["c_good.feature"], "utf-8")
    done = _run_features(tmp_path)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "2 passed" in out
    assert "error" not in out.lower() and "Traceback" not in out


LOST_STEPS = """Feature: Steps Gherkin takes for text
  When a guest arrives, we greet them: prose that starts like a step stays prose.
  Given the time is "2026-03-02T19:00:00"

  Scenario: A misspelt first step
    Gven the project policies
    Then there are no violations
"""


def test_a_step_gherkin_reads_as_description_is_an_error_at_its_line(tmp_path: Path) -> None:
    """hunt9 finding-4: a step under `Feature:` outside any scenario, or a first step with a
    misspelt keyword, is description text to Gherkin: the step never ran, silently (the
    scenario passed without its base time), or the scenario failed with 'the scenario names
    no policies' though it named them. Each is now an error at its line."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "shop.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "lost.feature").write_text(LOST_STEPS, "utf-8")
    done = _run_features(tmp_path)
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert "names no policies" not in out and "a guest arrives" not in out
    assert (
        "specs/lost.feature:3:3: error: 'Given the time is \"2026-03-02T19:00:00\"' is not a "
        "step: Gherkin reads it as the feature's description and runs no step for it\n"
        "   |\n"
        ' 3 |   Given the time is "2026-03-02T19:00:00"\n'
        "   |   ^^^^^ put it under 'Background:' (every scenario) or under a 'Scenario:'\n"
        "specs/lost.feature:6:5: error: 'Gven the project policies' is not a step: Gherkin "
        "reads it as the scenario's description and runs no step for it\n"
        "   |\n"
        " 6 |     Gven the project policies\n"
        "   |     ^^^^ did you mean 'Given'?\n"
    ) in out


MISSING = """Feature: Missing things

  Background:
    Given the time is "2026-03-02T19:00:00"

  Scenario: a misspelt policy id
    Given the policy "shop.gret" from "rules/"
    When these events happen:
      | time | type         | table |
      | +0s  | guest.seated | t-1   |
    Then there are no violations

  Scenario: a folder that is not there
    Given the policies in "nonexist/"
    When these events happen:
      | time | type         | table |
      | +0s  | guest.seated | t-1   |
    Then there are no violations
"""


def test_a_policy_or_folder_not_found_is_said_at_the_step_that_names_it(tmp_path: Path) -> None:
    """The failure named neither the feature file nor the line, and a folder not found was an
    absolute path with 'check the path' (hunt9 unfixed-1)."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "shop.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "missing.feature").write_text(MISSING, "utf-8")
    done = _run_features(tmp_path)
    out = done.stdout
    assert done.returncode == 1 and "2 failed" in out, out + done.stderr
    assert (
        "the scenario cannot run: specs/missing.feature:7: there is no policy 'shop.gret' in "
        "rules/ (did you mean 'shop.greet'?)"
    ) in out
    assert (
        "the scenario cannot run: specs/missing.feature:14: there is no policy file or folder "
        "at 'nonexist/': a feature file's paths are relative to the project folder"
    ) in out


def test_a_feature_file_with_no_scenario_yet_says_so(tmp_path: Path) -> None:
    """`cxrules test features/todo.feature` on a stub exited 2 with pytest's 'no tests ran'
    and no word of why (hunt9 unfixed-2)."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "shop.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "todo.feature").write_text("Feature: nothing yet\n", "utf-8")
    done = _run_features(tmp_path)
    assert done.returncode == 5  # pytest's 'no tests collected': `cxrules test` exits 2
    assert "cxrules test: no scenario ran: specs/todo.feature holds no 'Scenario:' yet" in (
        done.stderr
    )


def test_a_feature_file_with_a_byte_order_mark_runs_and_one_not_utf8_is_said(
    tmp_path: Path,
) -> None:
    """hunt20 finding-1: a feature file saved by a Windows editor, which starts with a byte
    order mark, was 'Feature: … comes before the file's Feature: line' (policy files with one
    are read); a feature file in a Turkish code page (cp1254) stopped with a UnicodeDecodeError
    traceback. The first runs; the second is an error at the line and column of its first
    byte that is not UTF-8."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "shop.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "specs").mkdir()
    good = FEATURE.split("  Scenario: A wrong expectation")[0]
    (tmp_path / "specs" / "a_bom.feature").write_bytes(
        b"\xef\xbb\xbf" + good.replace("\n", "\r\n").encode("utf-8")
    )
    turkish = good.replace("Feature: Greeting", "Feature: Karşılama")
    (tmp_path / "specs" / "b_cp1254.feature").write_bytes(turkish.encode("cp1254"))
    done = _run_features(tmp_path)
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert "2 passed, 1 error" in out
    assert "Traceback" not in out and "UnicodeDecodeError" not in out
    # 'Feature: Kar' then 'ş', byte 0xfe in cp1254: line 1, column 13
    assert (
        "specs/b_cp1254.feature:1:13: error: the feature file is not UTF-8 text (byte 0xfe)\n"
        "  = hint: save it as UTF-8\n"
    ) in out


TABLE_MISTAKES = """Feature: Tables a step cannot read

  Background:
    Given the project policies
    And the time is "2026-03-02T19:00:00"

  Scenario: a misspelt column
    When these events happen:
      | time | type          | table |
      | +0s  | guest.arrived | t-1   |
    Then the violations are:
      | policy     | knd     |
      | shop.greet | missing |

  Scenario: no table under the step
    When these events happen:
      | time | type          | table |
      | +0s  | guest.arrived | t-1   |
    Then the violations are:
"""


def test_a_table_a_step_cannot_read_is_said_at_its_line(tmp_path: Path) -> None:
    """hunt20 finding-6: an unknown column of a table (or a step with no table under it)
    failed the scenario with no file and line, where every other mistake of a scenario
    names them."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "shop.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "tables.feature").write_text(TABLE_MISTAKES, "utf-8")
    done = _run_features(tmp_path)
    out = done.stdout
    assert done.returncode == 1 and "2 failed" in out, out + done.stderr
    assert (
        "the scenario cannot run: specs/tables.feature:12: the violations table has an unknown "
        "column 'knd' (did you mean 'kind'?); columns are "
    ) in out
    assert (
        "the scenario cannot run: specs/tables.feature:19: the step needs a violations table "
        "under it"
    ) in out


SAID_WHERE = """Feature: Failures say where
  Background:
    Given the project policies
    And the time is "2026-03-02T19:00:00"

  Scenario: A wrong expectation
    When these events happen:
      | time  | type          | table |
      | +0s   | guest.arrived | t-1   |
      | +2min | staff.greeted | t-1   |
    Then there are no violations

  Scenario: A kind in capitals
    When these events happen:
      | time  | type          | table |
      | +0s   | guest.arrived | t-1   |
      | +2min | staff.greeted | t-1   |
    Then the violations are:
      | policy     | kind |
      | shop.greet | Late |

  Scenario: Columns in capitals
    When these events happen:
      | Time | Type          | table |
      | +0s  | guest.arrived | t-1   |
    Then there are no violations

  Scenario: A zone misspelt
    Given the log zone is "Europe/Istambul"
    Then there are no violations

  Scenario: A policy misspelt in a tally
    When these events happen:
      | time  | type          | table |
      | +0s   | guest.arrived | t-1   |
    Then policy "shop.gret" has 0 satisfied, 0 violated and 1 pending
"""


def test_a_failure_names_its_step_and_line_and_a_misspelling_its_fix(tmp_path: Path) -> None:
    """A wrong expectation said what differed but not which step of which file; an unknown
    zone and an unknown policy in a tally named no line; `Late` was compared as a kind and
    reported as 'not found'; a `Time` column said only "the row has no 'time'" (hunt28
    finding-2)."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "shop.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "where.feature").write_text(SAID_WHERE, "utf-8")
    done = _run_features(tmp_path)
    out = done.stdout
    assert done.returncode == 1 and "5 failed" in out, out + done.stderr
    assert (
        "specs/where.feature:11: Then there are no violations\n"
        "expected no violations, the engine found 1 violation:\n"
    ) in out
    assert (
        "the scenario cannot run: specs/where.feature:20: 'Late' is not a kind (did you mean "
        "'late'?); the kinds are missing, late, "
    ) in out
    assert (
        "the scenario cannot run: specs/where.feature:25: the events table has no 'time' column "
        "(names are case-sensitive: write 'time', not 'Time'); its columns are Time, Type, table"
    ) in out
    assert (
        "the scenario cannot run: specs/where.feature:29: unknown time zone 'Europe/Istambul'"
        in (out)
    )
    assert (
        "the scenario cannot run: specs/where.feature:36: the scenario has no policy 'shop.gret' "
        "(did you mean 'shop.greet'?); it has shop.greet"
    ) in out


AND_AFTER_THEN = """Feature: A second horizon
  Background:
    Given the project policies
    And the time is "2026-03-02T19:00:00"

  Scenario: Pending, then missing
    When these events happen:
      | time | type          | table |
      | +0s  | guest.arrived | t-1   |
    And the audit is as of "+30s"
    Then there is 1 pending obligation with deadline "+1min"
    And the audit is as of "+2min"
    Then there are no pending obligations
"""


def test_a_when_step_written_with_and_after_a_then_says_to_write_when(tmp_path: Path) -> None:
    """`And the audit is as of "+2min"` after a Then is a Then step, which does not exist: the
    hint was "did you mean 'When the audit is as of "<time>"'", the very text written, with no
    word of why (hunt28 finding-4)."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "shop.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "then.feature").write_text(AND_AFTER_THEN, "utf-8")
    done = _run_features(tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        "specs/then.feature:12: unknown step 'And the audit is as of \"+2min\"'\n"
        "  = hint: this is a When step, and an 'And' after a Then step is a Then step: write "
        "'When the audit is as of \"+2min\"'\n"
    ) in done.stdout
    fixed = AND_AFTER_THEN.replace(
        'And the audit is as of "+2min"', 'When the audit is as of "+2min"'
    )
    (tmp_path / "specs" / "then.feature").write_text(fixed, "utf-8")
    done = _run_features(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr  # at +2min: missing, not pending


NO_EVENTS = """Feature: Logs left out

  Background:
    Given the project policies
    And the time is "2026-03-02T19:00:00"

  Scenario: the events forgotten
    Then there are no violations

  Scenario: an empty log on purpose
    When no events happen
    And the audit is as of "+1h"
    Then there are no violations
    And policy "shop.greet" is vacuously satisfied
"""


def test_a_scenario_without_events_fails_unless_it_says_the_log_is_empty(tmp_path: Path) -> None:
    """A scenario with no `When these events happen:` passed `Then there are no violations`
    silently: it tested nothing (hunt31 finding-2)."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "shop.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "none.feature").write_text(NO_EVENTS, "utf-8")
    code = (
        "import sys\n"
        "from cxrules.bdd.runner import run_features\n"
        "sys.exit(run_features(['specs'], ['rules'], "
        "['-q', '-p', 'no:randomly', '--cxrules-engine', 'python']))\n"  # and duckdb
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    out = done.stdout
    assert done.returncode == 1 and "2 failed, 2 passed" in out, out + done.stderr
    for engine in ("python", "duckdb"):
        assert f"FAILED specs/none.feature::test_the_events_forgotten[{engine}]" in out
    assert (
        "the scenario cannot run: specs/none.feature:8: the scenario gives no events, so it "
        "tests nothing: add 'When these events happen:' with a table of them (or 'When no "
        "events happen' to audit an empty log on purpose)"
    ) in out


OUTLINE = """Feature: Outlines
  Background:
    Given the project policies
    And the time is "2026-03-02T19:00:00"

  Scenario Outline: Greeted after <wait>
    When these events happen:
      | time   | type          | table |
      | +0s    | guest.arrived | t-1   |
      | <wiat> | staff.greeted | t-1   |
    Then there are <count> violations

    Examples:
      | wait  | n |
      | +30s  | 0 |
      | +2min | 1 |
"""


def test_an_outline_placeholder_no_examples_column_names_is_said_at_its_line(
    tmp_path: Path,
) -> None:
    """hunt48 finding-1: a placeholder with no column in the Examples stayed as written, and
    the scenario failed on what it became: "'<wiat>' is not a time", or "unknown step 'Then
    there are <count> violations' (did you mean 'Then there are no violations'?)", never that
    the placeholder was the mistake. Now each is an error at its line and column with the
    columns there are."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "shop.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "outline.feature").write_text(OUTLINE, "utf-8")
    done = _run_features(tmp_path)
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert "is not a time" not in out and "unknown step" not in out
    assert (
        "specs/outline.feature:10:9: error: '<wiat>' is not a column of the scenario's "
        "Examples, so it is left as written\n"
        "    |\n"
        " 10 |       | <wiat> | staff.greeted | t-1   |\n"
        "    |         ^^^^^^ did you mean '<wait>'? the Examples' columns are: wait, n\n"
        "specs/outline.feature:11:20: error: '<count>' is not a column of the scenario's "
        "Examples, so it is left as written\n"
        "    |\n"
        " 11 |     Then there are <count> violations\n"
        "    |                    ^^^^^^^ the Examples' columns are: wait, n\n"
    ) in out


def test_an_outline_whose_placeholders_are_columns_runs(tmp_path: Path) -> None:
    """The check of hunt48 finding-1 leaves a right outline alone (and a plain scenario's
    `<…>` text): both rows pass."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "shop.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "specs").mkdir()
    right = OUTLINE.replace("<wiat>", "<wait>").replace("<count>", "<n>")
    (tmp_path / "specs" / "outline.feature").write_text(right, "utf-8")
    done = _run_features(tmp_path)
    assert done.returncode == 0 and "2 passed" in done.stdout, done.stdout + done.stderr


METRIC_POLICY = """policy shop.seated-fast "Most guests are seated within 5 minutes, per day"
  severity medium
  per table
  metric seated_fast = share(guest.seated within 5min of guest.arrived)
    per day
  require seated_fast >= 80%
"""

METRIC_NAMES = """Feature: Metric names
  Background:
    Given the project policies
    And the time is "2026-03-02T19:00:00"

  Scenario: A misspelt metric
    When these events happen:
      | time  | type          | table |
      | +0s   | guest.arrived | t-1   |
      | +1min | guest.seated  | t-1   |
    Then the metric "seated_fats" on bucket "2026-03-02" is 100% and "ok"

  Scenario: The metric as it is named
    When these events happen:
      | time  | type          | table |
      | +0s   | guest.arrived | t-1   |
      | +1min | guest.seated  | t-1   |
    Then the metric "seated_fast" on bucket "2026-03-02" is 100% and "ok"
"""


def test_a_metric_no_policy_defines_is_said_with_the_nearest_name(tmp_path: Path) -> None:
    """hunt48 finding-3: a misspelt metric in a metric step failed with "metric 'seated_fats'
    has no value for [(whole log)] in bucket 2026-03-02; its values are: (none)", as if the
    metric had no value that day; now the scenario cannot run, at the step, with the nearest
    metric name."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "shop.cxr").write_text(METRIC_POLICY, "utf-8")
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "metric.feature").write_text(METRIC_NAMES, "utf-8")
    done = _run_features(tmp_path)
    out = done.stdout
    assert done.returncode == 1 and "1 failed, 1 passed" in out, out + done.stderr
    assert "has no value for" not in out
    assert (
        "the scenario cannot run: specs/metric.feature:11: the scenario has no metric "
        "'seated_fats' (did you mean 'seated_fast'?); its metrics are seated_fast\n"
    ) in out
