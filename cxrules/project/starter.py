"""Project stage, starter: `cxrules init` — a new project with settings, a policy file, a Gherkin
feature, a sample log and a README, in which `check`, `explain`, `test` and `audit` work with no
arguments."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from cxrules import engines

#: The starter's files, relative to the new project's folder, as shipped in `template/`.
FILES = (
    "cxrules.toml",
    "README.md",
    "policies/service.cxr",
    "features/service.feature",
    "logs/sample.jsonl",
)


class InitError(Exception):
    """The project cannot be created where asked; the message says why, naming the paths."""


def starter_text(name: str) -> str:
    """The text of one starter file (`FILES`), with the default engine filled in."""
    text = resources.files("cxrules.project").joinpath("template", name).read_text("utf-8")
    # the comment after the engine keeps its column, whatever the engine's name
    for mark in re.findall(r'"@ENGINE@" *', text):
        value = f'"{engines.DEFAULT}"'
        text = text.replace(mark, value + " " * max(1, len(mark) - len(value)), 1)
    return text


def init_project(directory: str | Path) -> list[Path]:
    """Create a starter project in `directory` (made when missing) and return the files written.

    Nothing is overwritten and nothing is written outside `directory`: when a starter file
    exists already, or a folder on the way is a link leading elsewhere, InitError names them all
    and no file is written.
    """
    root = Path(directory)
    if root.exists() and not root.is_dir():
        raise InitError(f"'{root}' exists and is not a folder")
    real_root = root.resolve()
    taken, outside = [], []
    for name in FILES:
        target = root / name
        if target.exists() or target.is_symlink():
            taken.append(str(target))
        elif not _inside(target.parent, real_root):
            outside.append(str(target.parent))
    if taken:
        raise InitError(
            "these files exist already and are left as they are: "
            + ", ".join(taken)
            + " (choose an empty folder: cxrules init NEW_FOLDER)"
        )
    if outside:
        raise InitError(
            "these folders lead outside the project and are not written into: "
            + ", ".join(sorted(set(outside)))
        )
    written = []
    for name in FILES:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        # 'x': create only; a file that appeared meanwhile is never overwritten.
        with open(target, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(starter_text(name))
        written.append(target)
    return written


def _inside(folder: Path, root: Path) -> bool:
    """True when `folder` (existing or not) resolves to `root` or below it: links on the way
    are followed, the part that does not exist yet is taken as written."""
    real = folder.resolve()
    return real == root or root in real.parents
