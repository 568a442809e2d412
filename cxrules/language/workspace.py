"""Loading stage: find policy files, parse each once, follow `use` inside the project."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cxrules.diagnostics import Diagnostic, did_you_mean, error
from cxrules.language import ast
from cxrules.language.names import FileNames
from cxrules.language.parser import parse
from cxrules.source import Source, Span

SUFFIX = ".cxr"


@dataclass
class Workspace:
    """Every policy file of a run: parsed trees, their sources, what each uses, and problems."""

    root: Path
    names: FileNames | None = None  # how files are named; None: relative to the root
    files: dict[str, ast.PolicyFile] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    uses: dict[str, list[str]] = field(default_factory=dict)  # file → files it uses, resolved
    diagnostics: list[Diagnostic] = field(default_factory=list)
    syntax_failed: set[str] = field(default_factory=set)
    paths: dict[str, Path] = field(default_factory=dict)  # file → where it is, resolved

    def name(self, path: Path) -> str:
        """The name the policy file at `path` (resolved) is reported under."""
        return self.names.name(path) if self.names else display_name(path, self.root)

    def revision(self) -> str:
        """sha256 over the bytes of every policy file, in path order (the policy set's revision).

        Files count by their paths in the project folder, not by the names they are reported
        under (which depend on the folder the command runs in)."""
        keys = {
            (display_name(self.paths[name], self.root) if name in self.paths else name): name
            for name in self.sources
        }
        digest = hashlib.sha256()
        for key in sorted(keys):
            digest.update(key.encode("utf-8") + b"\0")
            digest.update(self.sources[keys[key]].text.encode("utf-8") + b"\0")
        return digest.hexdigest()

    def visible(self, name: str) -> list[str]:
        """The file and every file it uses, transitively, in a stable order (itself first)."""
        seen: list[str] = []
        stack = [name]
        while stack:
            current = stack.pop()
            if current in seen or current not in self.files:
                continue
            seen.append(current)
            stack.extend(reversed(self.uses.get(current, [])))
        return seen


def display_name(path: Path, root: Path) -> str:
    """A path relative to `root` when inside it (else as it is)."""
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def project_root(paths: list[str]) -> Path:
    """The folder `use` may not leave: the current directory when every policy path given is
    inside it, else the deepest folder holding all of them (paths named on the command line are
    trusted; what they `use` stays among them).

    >>> project_root(["."]) == Path.cwd().resolve()
    True
    """
    cwd = Path.cwd().resolve()
    folders = []
    for raw in paths:
        path = Path(raw).resolve()
        folders.append(path if path.is_dir() or not path.suffix else path.parent)
    if not folders or all(f == cwd or cwd in f.parents for f in folders):
        return cwd
    return Path(os.path.commonpath([str(f) for f in folders]))


def expand(paths: list[str]) -> tuple[list[Path], list[Diagnostic]]:
    """Files named, and every `*.cxr` under folders named, sorted; missing paths are errors."""
    found: list[Path] = []
    problems: list[Diagnostic] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob(f"*{SUFFIX}") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            problems.append(
                error("E206", f"no policy file or folder at '{raw}'", hint="check the path")
            )
    return found, problems


def load(paths: list[str], root: Path | None = None) -> Workspace:
    """Parse the policy files at `paths` and the files they `use`.

    `use` paths are relative to the using file and must stay inside `root` (default:
    `project_root(paths)`); a used file outside it is refused (E219), a missing one is E206, a
    cycle E207. A file found in a folder that is a link to a file outside the project is refused
    the same way (E219).

    Files are named relative to `root` when it is given; by default as the user can open them
    from the current folder (`FileNames`): relative to it, else by the paths given.
    """
    names = FileNames.here(paths) if root is None else None
    given = root or project_root(paths)
    root = given.resolve()
    ws = Workspace(root=root, names=names)
    files, problems = expand(paths)
    ws.diagnostics.extend(problems)
    for path in files:
        target = path.resolve()
        if not _inside(target, root):
            ws.diagnostics.append(_outside(path, target, root, given))
            continue
        _load_tree(ws, target)
    return ws


def inside_project(paths: list[str], files: list[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """The `files` found at `paths` (`expand`) that `load` reads, and E219 for the others: a
    link in a policy folder to a file outside the project (`cxrules fmt` wrote through one)."""
    given = project_root(paths)
    root = given.resolve()
    kept: list[Path] = []
    problems: list[Diagnostic] = []
    for path in files:
        target = path.resolve()
        if _inside(target, root):
            kept.append(path)
        else:
            problems.append(_outside(path, target, root, given))
    return kept, problems


def _outside(path: Path, target: Path, root: Path, given: Path) -> Diagnostic:
    """E219 for a policy file given (a feature file's path) or found outside `root` (`given`
    is the root as named, before links are followed): through a link, said as one; a path that
    leaves it by '..' was said to be 'a link' too."""
    named = Path(os.path.normpath(path.absolute()))
    if not _inside(named, root) and not _inside(named, Path(os.path.normpath(given.absolute()))):
        return error(
            "E219",
            f"'{path.as_posix()}' is outside the project folder ({root.as_posix()})",
            hint="policy files may only use files inside the project; copy the file into it",
        )
    return error(
        "E219",
        f"'{path.as_posix()}' is a link to '{target.as_posix()}', outside the project folder",
        hint="policy files may only use files inside the project; copy the file into the "
        "project instead of linking to it",
    )


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def _load_tree(ws: Workspace, path: Path) -> None:
    """Load a file and, depth first, every file it uses."""
    if ws.name(path) in ws.sources:
        return
    name = _load_file(ws, path)
    if name is not None and name in ws.files:
        _walk_uses(ws, name, path)


def _uses(ws: Workspace, name: str) -> Iterator[ast.UseDef]:
    return (item for item in ws.files[name].items if isinstance(item, ast.UseDef))


def read_policy_file(path: Path, name: str) -> tuple[str | None, Diagnostic | None]:
    """The text of a policy file, or the diagnostic that says why it cannot be read: E107 at
    the line and column of the first byte that is not UTF-8, E206 when the file cannot be
    read at all."""
    try:
        raw = path.read_bytes()
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        column = len(raw[start : exc.start].decode("utf-8", "replace")) + 1
        shown = raw[start:].split(b"\n", 1)[0].decode("utf-8", "replace").rstrip("\r")
        span = Span(file=name, line=line, column=column, end_line=line, end_column=column + 1)
        message = f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x})"
        return None, error("E107", message, span, "save the policy file as UTF-8", shown)
    except OSError as exc:
        return None, error("E206", f"cannot read '{name}': {exc.strerror or exc}")


def _load_file(ws: Workspace, path: Path) -> str | None:
    """Read and parse one file into the workspace (once); its name, or None when unreadable."""
    name = ws.name(path)
    if name in ws.sources:
        return name
    text, problem = read_policy_file(path, name)
    if text is None:
        if problem is not None:
            ws.diagnostics.append(problem)
        return None
    ws.paths[name] = path
    return _add(ws, Source(name=name, text=policy_text(text)))


def policy_text(text: str) -> str:
    """A policy file's text as the parser reads it: without a leading byte order mark (which
    some editors write at the start of UTF-8 files) and with Windows line ends as '\\n'.

    >>> policy_text("\\ufeffpolicy a\\r\\n")
    'policy a\\n'
    """
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def load_text(name: str, text: str, root: Path) -> Workspace:
    """A workspace whose main file is `text`, reported as `name` and placed at `root` (so its
    `use` paths are relative to the project root); used for policies written inline."""
    ws = Workspace(root=root.resolve())
    name = _add(ws, Source(name=name, text=text))
    if name in ws.files:
        _walk_uses(ws, name, ws.root / "inline.cxr")
    return ws


def _walk_uses(ws: Workspace, name: str, path: Path) -> None:
    """Follow, depth first and in order, the `use` lines of a file just parsed, and of the
    files they load. The walk keeps its own stack: a chain of `use` may be any number of files
    deep."""
    ws.uses[name] = []
    stack: list[tuple[str, Path, Iterator[ast.UseDef]]] = [(name, path, _uses(ws, name))]
    chain: dict[str, None] = {name: None}
    while stack:
        current, here, pending = stack[-1]
        item = next(pending, None)
        if item is None:
            stack.pop()
            del chain[current]
            continue
        target = _follow_use(ws, here, current, item, chain)
        if target is None:
            continue
        target_name, target_path = target
        if target_name in ws.sources:
            ws.uses[current].append(target_name)
            continue
        loaded = _load_file(ws, target_path)
        if loaded is None:
            continue
        ws.uses[current].append(loaded)
        if loaded in ws.files:
            stack.append((loaded, target_path, _uses(ws, loaded)))
            chain[loaded] = None


def _add(ws: Workspace, source: Source) -> str:
    """Parse one source into the workspace (its `use` lines are followed by the caller)."""
    name = source.name
    ws.sources[name] = source
    tree, diagnostics = parse(source)
    ws.diagnostics.extend(diagnostics)
    if tree is None:
        ws.syntax_failed.add(name)
        return name
    ws.files[name] = tree
    ws.uses[name] = []
    return name


def _follow_use(
    ws: Workspace, path: Path, name: str, item: ast.UseDef, chain: dict[str, None]
) -> tuple[str, Path] | None:
    """Where a `use` line leads, or None after reporting why it cannot be followed (outside
    the project, a cycle through the files being loaded, a missing file)."""
    line = ws.sources[name].line_text(item.span.line)
    target = (path.parent / item.path).resolve()
    if not _inside(target, ws.root):
        ws.diagnostics.append(
            error(
                "E219",
                f"'{item.path}' is outside the project folder",
                item.span,
                "policy files may only use files inside the project",
                line,
            )
        )
        return None
    target_name = ws.name(target)
    if target_name in chain:
        names = list(chain)
        cycle = " → ".join(names[names.index(target_name) :] + [target_name])
        ws.diagnostics.append(
            error(
                "E207",
                f"'use' goes round in a circle: {cycle}",
                item.span,
                "remove one of these 'use' lines; shared definitions belong in a file that "
                "uses nothing",
                line,
            )
        )
        return None
    if not target.is_file():
        ws.diagnostics.append(
            error(
                "E206",
                f"the used file '{item.path}' does not exist",
                item.span,
                _nearby(target) or f"looked for {target_name}",
                line,
            )
        )
        return None
    if target_name in ws.sources and name in ws.visible(target_name):
        # Already loaded: still check for a cycle through it.
        cycle = " → ".join([name, target_name, name])
        ws.diagnostics.append(
            error(
                "E207",
                f"'use' goes round in a circle: {cycle}",
                item.span,
                "remove one of these 'use' lines",
                line,
            )
        )
        return None
    return target_name, target


def _nearby(target: Path) -> str:
    """A did-you-mean hint naming a policy file beside a missing one ('comon.cxr')."""
    if not target.parent.is_dir():
        return ""
    siblings = [p.name for p in target.parent.glob(f"*{SUFFIX}") if p.is_file()]
    if target.suffix != SUFFIX and target.name + SUFFIX in siblings:  # `use "common"`
        return f"did you mean '{target.name}{SUFFIX}'? (a used file is named with its {SUFFIX})"
    return did_you_mean(target.name, siblings)
