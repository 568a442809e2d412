"""`cxrules explain`: the policies in plain English, chosen by id, as text or Markdown; invalid
policies exit 2 with their diagnostics."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cxrules.cli import main

POLICIES = """param max_wait = 2min "Longest wait"

policy calls.max-wait "No caller waits too long"
  severity high
  owner "Contact centre"
  description "D"
  per call
  when call.queued
  expect call.answered within max_wait

policy shop.wording "Never *no problem*"
  severity low
  owner "Shop <floor>"
  description "D"
  forbid staff.said where text contains "no problem"
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("rules.cxr").write_text(POLICIES, "utf-8")
    return tmp_path


def test_text(folder: Path) -> None:
    result = CliRunner().invoke(main, ["explain", "rules.cxr", "--set", "max_wait=45s"])
    assert (result.exit_code, result.output) == (
        0,
        "calls.max-wait: No caller waits too long\n"
        "  severity high, owner Contact centre (rules.cxr:3)\n"
        "  For each call: when a call is queued, it must be answered within 45s.\n"
        "\n"
        "shop.wording: Never *no problem*\n"
        "  severity low, owner Shop <floor> (rules.cxr:11)\n"
        '  It is a breach whenever a staff member says something where text contains "no '
        'problem".\n',
    )


def test_markdown_is_escaped(folder: Path) -> None:
    result = CliRunner().invoke(
        main, ["explain", "rules.cxr", "--format", "markdown", "--policy", "shop.wording"]
    )
    assert (result.exit_code, result.output) == (
        0,
        "# Policies explained\n\n"
        "## `shop.wording`: Never \\*no problem\\*\n\n"
        "Severity low · owner Shop \\<floor\\> · `rules.cxr:11`\n\n"
        "It is a breach whenever a staff member says something where `text` contains "
        '`"no problem"`.\n',
    )


def test_unknown_policy_id(folder: Path) -> None:
    result = CliRunner().invoke(main, ["explain", "rules.cxr", "--policy", "calls.max-wiat"])
    assert result.exit_code == 2
    assert result.output.endswith(
        "Error: no policy 'calls.max-wiat' in rules.cxr; did you mean 'calls.max-wait'?\n"
    )


def test_invalid_policies_exit_2_with_diagnostics(folder: Path) -> None:
    Path("bad.cxr").write_text('policy a.b "T"\n  severity hgh\n  forbid x.y\n', "utf-8")
    result = CliRunner().invoke(main, ["explain", "bad.cxr"])
    assert result.exit_code == 2
    assert "bad.cxr:2:12: error[E212]: unknown severity 'hgh'" in result.output


def test_a_file_without_policies_says_so(folder: Path) -> None:
    """An empty file, or one of parameters and calendars only, printed a blank line."""
    Path("empty.cxr").write_text("", "utf-8")
    Path("shared.cxr").write_text('param max_wait = 2min "Longest wait"\n', "utf-8")
    result = CliRunner().invoke(main, ["explain", "empty.cxr", "shared.cxr"])
    assert (result.exit_code, result.output) == (
        0,
        "no policies in empty.cxr, shared.cxr: nothing to explain\n",
    )
