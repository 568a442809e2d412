"""Command-line tests for `cxrules check`, `cxrules fmt` and `cxrules compile`: output and exit
codes (0 fine, 1 files to reformat, 2 invalid policies or usage)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxrules.cli import main

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "tests" / "checker" / "broken"


def policy_ids(path: Path) -> list[str]:
    """The ids of the policies in a file, read off its `policy <id>` lines."""
    return re.findall(r"^policy (\S+)", path.read_text(encoding="utf-8"), flags=re.MULTILINE)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_check_seed_library_is_ok(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(main, ["check", "policies"])
    files = sorted((ROOT / "policies").glob("*.cxr"))
    count = sum(len(policy_ids(f)) for f in files)
    assert (result.exit_code, result.output) == (0, f"{len(files)} files, {count} policies: ok\n")


def test_check_and_fmt_count_in_plain_english(tmp_path: Path, runner: CliRunner) -> None:
    """'1 file(s), 1 policies' was the summary whatever the counts: one is singular, more plural."""
    one = 'policy a.one "One"\n  owner "o"\n  description "d"\n  forbid x.y\n'
    (tmp_path / "a.cxr").write_text(one, "utf-8")
    two = one.replace("a.one", "b.one") + "\n" + one.replace("a.one", "b.two")
    (tmp_path / "b.cxr").write_text(two, "utf-8")
    single = runner.invoke(main, ["check", str(tmp_path / "a.cxr")])
    assert (single.exit_code, single.output) == (0, "1 file, 1 policy: ok\n")
    both = runner.invoke(main, ["check", str(tmp_path)])
    assert (both.exit_code, both.output) == (0, "2 files, 3 policies: ok\n")
    formatted = runner.invoke(main, ["fmt", "--check", str(tmp_path)])
    assert (formatted.exit_code, formatted.output) == (0, "0 of 2 files would be reformatted\n")


@pytest.mark.parametrize("command", ["check", "fmt"])
def test_a_policy_file_not_in_utf8_is_shown_where_its_first_bad_byte_is(
    command: str, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A policy saved as Windows-1254 (Turkish): 'ü' is the byte 0xfc, on line 2 after
    `  owner "M` (10 characters, so column 11). fmt said Python's codec message without a line
    ('utf-8' codec can't decode byte 0xfc in position 29), check 'byte 29' without a line."""
    monkeypatch.chdir(tmp_path)
    text = 'policy a.one "One"\n  owner "Müşteri çağrı"\n  forbid x.y\n'
    Path("tr.cxr").write_bytes(text.encode("cp1254"))
    result = runner.invoke(main, [command, "tr.cxr"])
    assert result.exit_code == 2
    assert result.output.splitlines()[:4] == [
        "tr.cxr:2:11: error[E107]: the file is not UTF-8 text (byte 0xfc)",
        "   |",
        ' 2 |   owner "M\ufffd\ufffdteri \ufffda\ufffdr\ufffd"',
        "   |           ^ save the policy file as UTF-8",
    ]


def test_check_broken_file_exits_2_with_rendered_diagnostics(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(BROKEN)
    result = runner.invoke(main, ["check", "08-misspelt-severity.cxr"])
    assert result.exit_code == 2
    assert result.output == (BROKEN / "08-misspelt-severity.expected").read_text()


def test_warnings_pass_unless_strict(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BROKEN)
    plain = runner.invoke(main, ["check", "43-missing-owner.cxr"])
    strict = runner.invoke(main, ["check", "--strict", "43-missing-owner.cxr"])
    assert plain.exit_code == 0
    assert strict.exit_code == 2
    assert plain.output == strict.output == (BROKEN / "43-missing-owner.expected").read_text()


def test_check_json_format(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BROKEN)
    result = runner.invoke(main, ["check", "--format", "json", "12-undefined-state-while.cxr"])
    assert result.exit_code == 2
    assert json.loads(result.output) == [
        {
            "code": "W202",
            "level": "warning",
            "message": "state 'visiting' is never used",
            "span": {
                "file": "12-undefined-state-while.cxr",
                "line": 7,
                "column": 9,
                "end_line": 7,
                "end_column": 17,
            },
            "hint": "remove it, or use it in the policy's rule",
            "source_line": "  state visiting = customer.entered until customer.left",
        },
        {
            "code": "E202",
            "level": "error",
            "message": "no state named 'visitng'",
            "span": {
                "file": "12-undefined-state-while.cxr",
                "line": 8,
                "column": 9,
                "end_line": 8,
                "end_column": 16,
            },
            "hint": "did you mean 'visiting'?",
            "source_line": "  while visitng:",
        },
    ]


@pytest.mark.parametrize(
    ("name", "code", "line", "column"),
    [
        ("02-unclosed-string.cxr", "E101", 2, 27),
        ("36-use-cycle.cxr", "E207", 2, 1),
        ("49-curly-quotes.cxr", "E107", 4, 9),
    ],
)
def test_check_json_positions(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, name: str, code: str, line: int, column: int
) -> None:
    monkeypatch.chdir(BROKEN)
    result = runner.invoke(main, ["check", "--format", "json", name])
    assert result.exit_code == 2
    [item] = json.loads(result.output)
    assert (item["code"], item["span"]["line"], item["span"]["column"]) == (code, line, column)


def test_check_json_without_problems_is_an_empty_list(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(main, ["check", "--format", "json", "policies/restaurant.cxr"])
    assert (result.exit_code, json.loads(result.output)) == (0, [])


def test_check_missing_path(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["check", "nowhere.cxr"])
    assert result.exit_code == 2
    assert result.output == (
        "error[E206]: no policy file or folder at 'nowhere.cxr'\n  = hint: check the path\n"
        "1 error, 0 warnings\n"
    )


def test_check_empty_folder(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["check", "."])
    assert result.exit_code == 2
    assert "no policy files (*.cxr) found" in result.output


def test_check_json_on_a_folder_without_policies_holds_the_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check --format json` on a folder with no .cxr file printed `[]` and exited 2, the reason
    only on stderr: a tool reading the JSON saw no error (hunt51). It is now one E229."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["check", ".", "--format", "json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout) == [
        {
            "code": "E229",
            "level": "error",
            "message": "no policy files (*.cxr) found",
            "span": None,
            "hint": "name .cxr files or folders that hold them, e.g. cxrules check policies/",
            "source_line": "",
        }
    ]


def test_set_overrides(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    ok = runner.invoke(main, ["check", "policies", "--set", "max_wait=3min"])
    assert ok.exit_code == 0
    bad = runner.invoke(main, ["check", "policies", "--set", "max_wait=soon"])
    assert bad.exit_code == 2
    assert bad.output.startswith("error[E222]: --set max_wait=soon: not a duration")
    unknown = runner.invoke(main, ["check", "policies", "--set", "max_wiat=3min"])
    assert unknown.exit_code == 2
    assert unknown.output == (
        "error[E222]: --set max_wiat: there is no parameter 'max_wiat'\n"
        "  = hint: did you mean 'max_wait'?\n1 error, 0 warnings\n"
    )
    malformed = runner.invoke(main, ["check", "policies", "--set", "max_wait"])
    assert malformed.exit_code == 2
    assert "--set 'max_wait' is not name=value" in malformed.output


def test_compile_prints_the_ir(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(main, ["compile", "policies/restaurant.cxr", "policies/common.cxr"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [p["id"] for p in data["policies"]] == sorted(
        policy_ids(ROOT / "policies" / "restaurant.cxr")
    )
    greet = [p for p in data["policies"] if p["id"] == "restaurant.greet-on-arrival"]
    assert greet[0]["rule"]["window"]["max"]["seconds"] == 60  # "within 1min"


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (("--zone", "Mars/Base"), "unknown time zone 'Mars/Base'"),
        (("--as-of", "yesterday"), "--as-of 'yesterday' is not a time"),
    ],
)
def test_compile_checks_its_options_without_an_engine(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, option: tuple[str, str], message: str
) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(main, ["compile", "policies/restaurant.cxr", *option])
    assert result.exit_code == 2
    assert message in result.output


def test_compile_refuses_broken_policies(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(BROKEN)
    result = runner.invoke(main, ["compile", "03-duration-without-unit.cxr"])
    assert result.exit_code == 2
    assert result.output == (BROKEN / "03-duration-without-unit.expected").read_text()


def test_compile_says_when_a_folder_holds_no_policy(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder without a .cxr file has no diagnostic: compile printed only '0 errors, 0
    warnings' and exited 2, with no word of why (hunt34)."""
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["compile", "empty"])
    assert result.exit_code == 2
    assert (result.stdout, result.stderr) == ("", "no policy files (*.cxr) found\n")


# --------------------------------------------------------------------------- fmt

UGLY = 'policy p.q "T"   severity  low\n  forbid x.y\n'
PRETTY = 'policy p.q "T"\n  severity low\n  forbid x.y\n'


def test_fmt_check_exit_codes(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("ugly.cxr").write_text(UGLY)
    Path("pretty.cxr").write_text(PRETTY)
    changed = runner.invoke(main, ["fmt", "--check", "ugly.cxr", "pretty.cxr"])
    assert (changed.exit_code, changed.output) == (
        1,
        "would reformat ugly.cxr\n1 of 2 files would be reformatted\n",
    )
    assert Path("ugly.cxr").read_text() == UGLY  # --check never writes
    same = runner.invoke(main, ["fmt", "--check", "pretty.cxr"])
    assert (same.exit_code, same.output) == (0, "0 of 1 file would be reformatted\n")


def test_fmt_rewrites_files(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("ugly.cxr").write_text(UGLY)
    result = runner.invoke(main, ["fmt", "."])
    assert (result.exit_code, result.output) == (0, "1 of 1 file reformatted\n")
    assert Path("ugly.cxr").read_text() == PRETTY


def test_fmt_keeps_windows_line_ends_and_the_byte_order_mark(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """hunt20 finding-4: a file with CRLF line ends, laid out right, was left alone, but one
    with a clause to move was written back with LF: every line of a Windows team's file changed
    (a BOM was kept). Its line ends are now kept, and a second run changes nothing."""
    monkeypatch.chdir(tmp_path)
    Path("ugly.cxr").write_bytes(b"\xef\xbb\xbf" + UGLY.replace("\n", "\r\n").encode())
    result = runner.invoke(main, ["fmt", "ugly.cxr"])
    assert (result.exit_code, result.output) == (0, "1 of 1 file reformatted\n")
    assert Path("ugly.cxr").read_bytes() == (
        b'\xef\xbb\xbfpolicy p.q "T"\r\n  severity low\r\n  forbid x.y\r\n'
    )
    again = runner.invoke(main, ["fmt", "--check", "ugly.cxr"])
    assert (again.exit_code, again.output) == (0, "0 of 1 file would be reformatted\n")


def test_fmt_diff(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("ugly.cxr").write_text(UGLY)
    result = runner.invoke(main, ["fmt", "--diff", "ugly.cxr"])
    assert result.exit_code == 1
    assert result.output == (
        "--- ugly.cxr\n+++ ugly.cxr\n@@ -1,2 +1,3 @@\n"
        '-policy p.q "T"   severity  low\n+policy p.q "T"\n+  severity low\n   forbid x.y\n'
        "would reformat ugly.cxr\n1 of 1 file would be reformatted\n"
    )


def test_fmt_refuses_files_with_syntax_errors(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(BROKEN / "06-misspelt-expect.cxr", "06-misspelt-expect.cxr")
    result = runner.invoke(main, ["fmt", "--check", "06-misspelt-expect.cxr"])
    assert result.exit_code == 2
    assert result.output == (BROKEN / "06-misspelt-expect.expected").read_text()


def test_fmt_says_it_formatted_the_valid_files_beside_one_with_errors(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """hunt65 finding-K: `cxrules fmt ugly.cxr broken.cxr` rewrote ugly.cxr and said only
    broken.cxr's errors: nothing told that a file had been changed."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(BROKEN / "06-misspelt-expect.cxr", "broken.cxr")
    Path("ugly.cxr").write_text(UGLY)
    errors = (
        (BROKEN / "06-misspelt-expect.expected").read_text().replace("06-misspelt-expect", "broken")
    )
    result = runner.invoke(main, ["fmt", "--check", "ugly.cxr", "broken.cxr"])
    assert (result.exit_code, result.output) == (
        2,
        errors + "1 of 2 files would be reformatted; a file with errors is left as it is\n",
    )
    assert Path("ugly.cxr").read_text() == UGLY
    result = runner.invoke(main, ["fmt", "ugly.cxr", "broken.cxr"])
    assert (result.exit_code, result.output) == (
        2,
        errors + "1 of 2 files reformatted; a file with errors is left as it is\n",
    )
    assert Path("ugly.cxr").read_text() == PRETTY


def test_policies_checked_from_another_folder_may_use_their_neighbours(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The policy folder named on the command line is trusted: its files may use each other
    # even when the command runs elsewhere; a use that leaves it is still refused.
    library = tmp_path / "library"
    library.mkdir()
    (library / "common.cxr").write_text('param max_wait = 2min "Longest wait"\n', "utf-8")
    (library / "calls.cxr").write_text(
        'use "common.cxr"\n\npolicy calls.wait "No long waits"\n  owner "CC"\n'
        '  description "d"\n  per call\n  when call.queued\n'
        "  expect call.answered within max_wait\n",
        "utf-8",
    )
    (tmp_path / "secret.cxr").write_text('param x = 1 "outside"\n', "utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = CliRunner().invoke(main, ["check", str(library)])
    assert result.exit_code == 0, result.output
    assert result.output == "2 files, 1 policy: ok\n"
    (library / "leak.cxr").write_text('use "../secret.cxr"\n', "utf-8")
    result = CliRunner().invoke(main, ["check", str(library)])
    assert result.exit_code == 2
    assert "error[E219]: '../secret.cxr' is outside the project folder" in result.output


def test_check_json_says_a_mapping_or_log_error_as_json(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check --log --format json` wrote nothing on stdout for a mapping or log error (only
    text on stderr): a tool reading the output got an empty document (hunt7 finding-2)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.cxr").write_text(
        'policy x.y "T"\n  owner "o"\n  description "d"\n  forbid call.entered\n', "utf-8"
    )
    (tmp_path / "m.toml").write_text('[log]\ntime_fromat = "iso"\n', "utf-8")
    (tmp_path / "calls.jsonl").write_text(
        '{"time": "2026-03-02T10:00:00Z", "type": "call.entered"}\n', "utf-8"
    )
    result = runner.invoke(main, ["check", "p.cxr", "--log", "gone.jsonl", "--format", "json"])
    assert result.exit_code == 3
    [found] = json.loads(result.stdout)
    assert (found["code"], found["message"]) == (
        "E401",
        "cannot read the log 'gone.jsonl': no such file",
    )
    result = runner.invoke(
        main, ["check", "p.cxr", "--log", "calls.jsonl", "--mapping", "m.toml", "--format", "json"]
    )
    assert result.exit_code == 2
    [found] = json.loads(result.stdout)
    assert (found["code"], found["hint"]) == ("E410", "did you mean 'time_format'?")
