"""Loading-stage tests: the names policy files are reported under (`FileNames`), which must open
from the current folder and never say where a link leads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cxrules.language.names import FileNames


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """pols/a/x.cxr, pols/shared/common.cxr, other/alink → pols/a, and work/ (the current
    folder)."""
    for folder in ("pols/a", "pols/shared", "other", "work"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "pols" / "a" / "x.cxr").write_text("")
    (tmp_path / "pols" / "shared" / "common.cxr").write_text("")
    os.symlink(tmp_path / "pols" / "a", tmp_path / "other" / "alink")
    monkeypatch.chdir(tmp_path / "work")
    return tmp_path.resolve()


def _name(tree: Path, given: list[str], file: str) -> str:
    name = FileNames.here(given).name(tree / file)
    assert (Path.cwd() / name).resolve() == tree / file  # it opens from here
    return name


@pytest.mark.parametrize(
    ("given", "file", "expected"),
    [
        (["../pols"], "pols/a/x.cxr", "../pols/a/x.cxr"),
        (["../pols/a/x.cxr"], "pols/a/x.cxr", "../pols/a/x.cxr"),
        (["../work/../pols"], "pols/a/x.cxr", "../pols/a/x.cxr"),
        # Reached by 'use': from the nearest folder given.
        (
            ["../pols/a", "../pols/shared/common.cxr"],
            "pols/shared/common.cxr",
            "../pols/shared/common.cxr",
        ),
        (["../pols/a"], "pols/shared/common.cxr", "../pols/shared/common.cxr"),
        # Through a link: the link's name; '..' after it cannot be tidied away.
        (["../other/alink"], "pols/a/x.cxr", "../other/alink/x.cxr"),
        (["../other/alink"], "pols/shared/common.cxr", "../other/alink/../shared/common.cxr"),
        (["../other/alink/x.cxr"], "pols/a/x.cxr", "../other/alink/x.cxr"),
    ],
)
def test_a_file_outside_is_named_by_the_path_given(
    tree: Path, given: list[str], file: str, expected: str
) -> None:
    assert _name(tree, given, file) == expected


def test_a_file_here_is_named_relative_to_here_however_given(tree: Path) -> None:
    (tree / "work" / "mine.cxr").write_text("")
    assert _name(tree, [str(tree / "work" / "mine.cxr"), "../pols"], "work/mine.cxr") == "mine.cxr"


def test_an_absolute_path_given_keeps_its_name_absolute(tree: Path) -> None:
    given = (tree / "pols").as_posix()
    assert _name(tree, [given], "pols/a/x.cxr") == f"{given}/a/x.cxr"


def test_a_file_no_path_given_leads_to_keeps_its_resolved_path(tree: Path) -> None:
    assert FileNames(tree / "work").name(tree / "pols" / "a" / "x.cxr") == (
        (tree / "pols" / "a" / "x.cxr").as_posix()
    )
