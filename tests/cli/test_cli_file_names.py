"""Command-line tests for the names of policy files in what the commands print: a
`file:line:col` opens from the folder the command runs in (editors, CI problem matchers and
pre-commit resolve it there), also when the policies are in a folder beside it."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxrules.cli import main

WAIT = """\
use "../shared/common.cxr"

policy calls.wait "No long waits"
  owner "CC"
  description "Calls are answered quickly."
  per call
  when call.queued
  expect call.answered within max_wait
"""

COMMON = 'param max_wait = 2min "Longest wait"\n'

#: One mistake: '=' to compare, at 5:22.
BROKEN = """\
policy calls.broken "Broken"
  owner "CC"
  description "d"
  per call
  forbid call.queued where q = 1
"""


@pytest.fixture
def beside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A policy folder `pols/` (a/wait.cxr using shared/common.cxr) and the folder `work/`
    beside it, where the commands run."""
    (tmp_path / "pols" / "a").mkdir(parents=True)
    (tmp_path / "pols" / "shared").mkdir()
    (tmp_path / "pols" / "a" / "wait.cxr").write_text(WAIT, "utf-8")
    (tmp_path / "pols" / "shared" / "common.cxr").write_text(COMMON, "utf-8")
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    return tmp_path


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _places(text: str) -> list[str]:
    """The files of the `file:line:col: level[CODE]` heads of rendered diagnostics."""
    return re.findall(r"^(\S+\.cxr):\d+:\d+: (?:error|warning)\[", text, flags=re.MULTILINE)


def test_check_of_a_folder_beside_names_files_from_here(beside: Path) -> None:
    (beside / "pols" / "a" / "broken.cxr").write_text(BROKEN, "utf-8")
    code, out, _ = _run("check", "../pols")
    assert code == 2
    assert out.startswith("../pols/a/broken.cxr:5:30: error[E103]: '=' cannot compare values\n")
    assert all(Path(place).is_file() for place in _places(out))


def test_check_of_a_file_beside_names_it_as_given(beside: Path) -> None:
    (beside / "pols" / "a" / "broken.cxr").write_text(BROKEN, "utf-8")
    code, out, _ = _run("check", "../pols/a/broken.cxr")
    assert code == 2
    assert _places(out) == ["../pols/a/broken.cxr"]


def test_check_json_span_file_opens_from_here(beside: Path) -> None:
    (beside / "pols" / "a" / "broken.cxr").write_text(BROKEN, "utf-8")
    (beside / "pols" / "shared" / "broken.cxr").write_text(BROKEN, "utf-8")
    code, out, _ = _run("check", "--format", "json", "../pols/a", "../pols/shared/broken.cxr")
    assert code == 2
    files = [d["span"]["file"] for d in json.loads(out)]
    assert files == ["../pols/a/broken.cxr", "../pols/shared/broken.cxr"]


def test_check_of_an_absolute_path_outside_names_it_absolute(beside: Path) -> None:
    (beside / "pols" / "a" / "broken.cxr").write_text(BROKEN, "utf-8")
    given = beside / "pols"
    code, out, _ = _run("check", str(given))
    assert code == 2
    assert _places(out) == [(given / "a" / "broken.cxr").as_posix()]


def test_a_file_here_keeps_its_name_when_others_are_beside(beside: Path) -> None:
    # The project root is then the folder holding both (tmp_path): the file here used to be
    # named 'work/mine.cxr', which does not exist from here.
    Path("mine.cxr").write_text(BROKEN, "utf-8")
    (beside / "pols" / "a" / "broken.cxr").write_text(BROKEN, "utf-8")
    code, out, _ = _run("check", "mine.cxr", "../pols")
    assert code == 2
    assert _places(out) == ["../pols/a/broken.cxr", "mine.cxr"]


def test_a_used_file_beside_is_named_from_here(beside: Path) -> None:
    # shared/ is given by no path: its file is reached by 'use', from a/ and b/.
    (beside / "pols" / "shared" / "common.cxr").write_text(
        COMMON + 'param spare = 3min "Unused"\n', "utf-8"
    )
    (beside / "pols" / "a" / "more.cxr").write_text('use "../shared/gone.cxr"\n', "utf-8")
    (beside / "pols" / "b").mkdir()
    (beside / "pols" / "b" / "other.cxr").write_text('use "../shared/common.cxr"\n', "utf-8")
    code, out, _ = _run("check", "../pols/a", "../pols/b")
    assert code == 2
    assert _places(out) == ["../pols/a/more.cxr", "../pols/shared/common.cxr"]
    assert "looked for ../pols/shared/gone.cxr" in out
    assert all(Path(place).is_file() for place in _places(out))


def test_a_folder_given_through_a_link_is_named_through_the_link(beside: Path) -> None:
    # The name goes through the link as given: where it leads is not said.
    os.symlink(beside / "pols", "link")
    (beside / "pols" / "a" / "broken.cxr").write_text(BROKEN, "utf-8")
    code, out, _ = _run("check", "link")
    assert code == 2
    assert _places(out) == ["link/a/broken.cxr"]
    assert str(beside / "pols") not in out


def test_explain_and_compile_name_files_from_here(beside: Path) -> None:
    code, out, _ = _run("explain", "../pols")
    assert code == 0
    assert "(../pols/a/wait.cxr:3)" in out
    code, out, _ = _run("compile", "../pols")
    assert code == 0
    assert [p["file"] for p in json.loads(out)["policies"]] == ["../pols/a/wait.cxr"]


def test_fmt_check_names_files_from_here(beside: Path) -> None:
    (beside / "pols" / "a" / "wait.cxr").write_text(WAIT.replace("  owner", "   owner"), "utf-8")
    code, out, _ = _run("fmt", "--check", "../pols")
    assert code == 1
    assert "would reformat ../pols/a/wait.cxr\n" in out


def test_audit_names_policy_files_from_here_and_keeps_the_revision(
    beside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = beside / "log.jsonl"
    log.write_text(
        '{"time": "2026-03-02T09:00:00Z", "type": "call.queued", "call": "c1"}\n', "utf-8"
    )
    code, out, err = _run("audit", "--policies", "../pols", "--log", str(log), "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["policy_files"] == ["../pols/a/wait.cxr", "../pols/shared/common.cxr"]
    assert [p["file"] for p in report["policies"]] == ["../pols/a/wait.cxr"]
    assert _places(err) == ["../pols/a/wait.cxr"]  # W401: no call.answered in the log
    # The revision counts the files by their paths in the policy folder, as before: run from
    # inside it, the same policies have the same revision.
    monkeypatch.chdir(beside / "pols")
    code, out, err = _run("audit", "--policies", ".", "--log", str(log), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["policy_files"] == ["a/wait.cxr", "shared/common.cxr"]
    assert json.loads(out)["revision"] == report["revision"]


def test_audit_of_invalid_policies_beside_names_them_from_here(beside: Path) -> None:
    (beside / "pols" / "a" / "broken.cxr").write_text(BROKEN, "utf-8")
    log = beside / "log.jsonl"
    log.write_text("", "utf-8")
    code, _, err = _run("audit", "--policies", "../pols", "--log", str(log))
    assert code == 2
    assert _places(err) == ["../pols/a/broken.cxr"]
