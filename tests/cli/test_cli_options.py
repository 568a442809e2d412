"""Options given empty on the command line (a CI variable that is not set) are said, never taken
as if they had not been given."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cxrules.cli import main

POLICY = """policy calls.answered "Calls are answered within 2 minutes"
  severity high
  owner "Contact centre"
  description "D"
  per call
  when call.queued
  expect call.answered within 2min
"""

LOG = '{"time": "2026-03-02T09:00:00Z", "type": "call.queued", "call": "c-1"}\n'


def test_an_empty_as_of_is_not_a_time(tmp_path: Path) -> None:
    """hunt20 finding-5: `--as-of "$CUTOFF"` with CUTOFF unset audited up to the last event
    (exit 0: the call still open at 09:00 is no breach), as if no --as-of had been given;
    `compile --as-of ""` likewise wrote plans with no horizon."""
    (tmp_path / "p.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "log.jsonl").write_text(LOG, "utf-8")
    args = ["--policies", str(tmp_path / "p.cxr"), "--log", str(tmp_path / "log.jsonl")]
    audit = CliRunner().invoke(main, ["audit", *args, "--as-of", ""])
    assert audit.exit_code == 2, audit.output
    assert (
        "cxrules audit: --as-of '' is not a time; write e.g. 2026-03-02T18:00:00+03:00"
        in audit.output
    )
    compiled = CliRunner().invoke(main, ["compile", str(tmp_path / "p.cxr"), "--as-of", ""])
    assert compiled.exit_code == 2
    assert "Error: --as-of '' is not a time" in compiled.output


EMPTY = "an empty name is no file or folder: give one (is a variable in the command left unset?)"


def test_an_empty_file_or_folder_name_is_refused(tmp_path: Path, monkeypatch: object) -> None:
    """`-o ""` wrote the report to standard output, `--mapping ""` used the settings,
    `--policies ""` and `check ""` read the current folder: a script's unset variable passed
    unseen. Each is now a usage error (exit 2) naming the option."""
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.chdir(tmp_path)  # the current folder holds a valid policy and a log
    (tmp_path / "p.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "log.jsonl").write_text(LOG, "utf-8")
    audit = ["audit", "--policies", "p.cxr", "--log", "log.jsonl"]
    for args, option in [
        ([*audit, "-o", ""], "'--output' / '-o'"),
        ([*audit, "--mapping", ""], "'--mapping'"),
        (["audit", "--policies", "", "--log", "log.jsonl"], "'--policies'"),
        (["audit", "--policies", "p.cxr", "--log", " "], "'--log'"),
        (["check", ""], "'[PATHS]...'"),
        (["check", "p.cxr", "--log", "log.jsonl", "--mapping", ""], "'--mapping'"),
        (["fmt", ""], "'[PATHS]...'"),
        (["explain", ""], "'[PATHS]...'"),
        (["init", ""], "'[DIRECTORY]'"),
    ]:
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert f"Error: Invalid value for {option}: {EMPTY}" in result.output, result.output


def test_fmt_finds_no_policy_file_as_check_does(tmp_path: Path) -> None:
    """`fmt` on a folder with no policy file said '0 of 0 file(s) reformatted' and exited 0,
    where `check` said 'no policy files (*.cxr) found' and exited 2."""
    for command in (["check"], ["fmt"], ["fmt", "--check"]):
        result = CliRunner().invoke(main, [*command, str(tmp_path)])
        assert (result.exit_code, result.output) == (2, "no policy files (*.cxr) found\n")


def test_fmt_says_a_file_it_cannot_write_and_formats_the_rest(
    tmp_path: Path, monkeypatch: object
) -> None:
    """A read-only policy file ended `fmt` in 'internal error: PermissionError' (as root, write
    permission is not enforced: the write is made to fail)."""
    import errno
    import os

    import pytest

    from cxrules.language import fmt

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    untidy = POLICY.replace("  severity high", "    severity   high")
    (tmp_path / "a.cxr").write_text(untidy, "utf-8")
    (tmp_path / "b.cxr").write_text(untidy.replace("calls.answered", "calls.other"), "utf-8")
    real = fmt.write_formatted

    def read_only(path: Path, formatted: str) -> None:
        if path.name == "a.cxr":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        real(path, formatted)

    monkeypatch.setattr(fmt, "write_formatted", read_only)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["fmt", "a.cxr", "b.cxr"])
    assert result.exit_code == 3, result.output
    assert f"cxrules fmt: cannot write 'a.cxr': {os.strerror(errno.EACCES)}" in result.output
    assert "internal error" not in result.output
    assert (tmp_path / "a.cxr").read_text("utf-8") == untidy
    assert (tmp_path / "b.cxr").read_text("utf-8") == POLICY.replace(
        "calls.answered", "calls.other"
    )


def test_a_mapping_that_is_a_folder_is_said_to_be_one(tmp_path: Path) -> None:
    """`--mapping conf/` said "mapping file 'conf' not found", though it is right there."""
    (tmp_path / "p.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "log.jsonl").write_text(LOG, "utf-8")
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "cxrules.toml").write_text("[log]\n", "utf-8")
    args = ["audit", "--policies", str(tmp_path / "p.cxr"), "--log", str(tmp_path / "log.jsonl")]
    result = CliRunner().invoke(main, [*args, "--mapping", str(tmp_path / "conf")])
    assert result.exit_code == 2
    assert (
        f"error[E410]: mapping file '{tmp_path / 'conf'}' is a folder: name the TOML file, "
        f"'{tmp_path / 'conf' / 'cxrules.toml'}'"
    ) in result.output


def test_check_and_fmt_state_their_exit_codes_in_their_help() -> None:
    check = " ".join(CliRunner().invoke(main, ["check", "--help"]).output.split())
    assert (
        "Exit 0 when the policies are valid, 2 when one has an error (with --strict, a warning), "
        "no policy file is found, or for usage or an invalid mapping, 3 when a sample log cannot "
        "be read."
    ) in check
    fmt = " ".join(CliRunner().invoke(main, ["fmt", "--help"]).output.split())
    assert (
        "Exit 0 when done (or, with --check or --diff, when no file would change), 1 when a file "
        "would change, 2 for invalid policies, no policy file found or usage, 3 when a file "
        "cannot be written."
    ) in fmt


def test_md_is_the_markdown_format_of_audit_and_explain(tmp_path: Path) -> None:
    """hunt35 finding-7: `-o report.md` writes markdown, but `--format md` was refused ("'md' is
    not one of 'text', 'json', 'junit', 'markdown', 'csv', 'html'"): it is markdown, in any
    case, wherever markdown is a format; where it is none (check, diff) it is still refused."""
    (tmp_path / "p.cxr").write_text(POLICY, "utf-8")
    (tmp_path / "log.jsonl").write_text(LOG, "utf-8")
    args = ["--policies", str(tmp_path / "p.cxr"), "--log", str(tmp_path / "log.jsonl")]
    cases = [
        (["audit", *args, "--as-of", "2026-03-02T10:00:00Z", "--format"], 1),
        (["explain", str(tmp_path / "p.cxr"), "--format"], 0),
    ]
    for command, code in cases:
        markdown = CliRunner().invoke(main, [*command, "markdown"])
        assert markdown.exit_code == code, markdown.output
        for alias in ("md", "MD"):
            short = CliRunner().invoke(main, [*command, alias])
            assert (short.exit_code, short.stdout) == (code, markdown.stdout)
    assert markdown.stdout.startswith("# Policies explained\n")
    check = CliRunner().invoke(main, ["check", str(tmp_path / "p.cxr"), "--format", "md"])
    assert check.exit_code == 2
    assert "Invalid value for '--format': 'md' is not one of 'text', 'json'." in check.output
