"""Loading stage: the name each policy file is reported under, as the user can open it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FileNames:
    """Names policy files for diagnostics, explanations and reports: relative to `base` (the
    current folder) when the file is inside it; else by the way the user gave it — the path
    given on the command line, then the part below a folder given — so that `file:line:col`
    opens from where the command ran (editors, CI problem matchers and pre-commit read it so).

    `given` holds, for each path given, the path as written and where it leads (resolved):
    a file given by name, and each folder given or holding a file given.

    >>> names = FileNames(Path("/work"), ((Path("../pols"), Path("/pols")),))
    >>> names.name(Path("/work/policies/a.cxr")), names.name(Path("/pols/a/x.cxr"))
    ('policies/a.cxr', '../pols/a/x.cxr')
    """

    base: Path
    given: tuple[tuple[Path, Path], ...] = ()

    @classmethod
    def here(cls, paths: list[str]) -> FileNames:
        """The names for a command run in the current folder with `paths` (files or folders,
        as typed)."""
        given: list[tuple[Path, Path]] = []
        for raw in paths:
            path = Path(raw)
            if path.is_file():
                given.append((path, path.resolve()))
                path = path.parent
            given.append((path, path.resolve()))
        return cls(Path.cwd().resolve(), tuple(given))

    def name(self, path: Path) -> str:
        """The name of the policy file at `path` (resolved): inside `base`, relative to it;
        else the file given by that name, or the folder given nearest to it (fewest '..') and
        the way from there, so a link given is named, not where it leads; a file no path given
        leads to keeps its resolved path."""
        try:
            return path.relative_to(self.base).as_posix()
        except ValueError:
            pass
        routes = []
        for shown, resolved in self.given:
            if resolved == path:
                return shown.as_posix()
            try:
                below = os.path.relpath(path, resolved)
            except ValueError:  # another drive (Windows): no way from this one
                continue
            routes.append((Path(below).parts.count(".."), len(Path(below).parts), shown, below))
        if not routes:
            return path.as_posix()
        _, _, shown, below = min(routes, key=lambda r: (r[0], r[1]))
        route = shown / below
        tidy = Path(os.path.normpath(route))  # 'a/../common.cxr': right unless 'a' is a link
        return (tidy if (self.base / tidy).resolve() == path else route).as_posix()
