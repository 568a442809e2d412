"""Gherkin stage: one scenario's world — its policies, parameters, zone, events and audit result."""

from __future__ import annotations

import linecache
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from cxrules import ir
from cxrules.audit import audit_events
from cxrules.bdd.tables import Clock, SpecError, zone_info
from cxrules.checker.check import check
from cxrules.diagnostics import Diagnostic, Level, did_you_mean, has_errors, render_text, sort_key
from cxrules.engines.base import EngineError
from cxrules.ir.compile import CompileError, compile_workspace
from cxrules.language.workspace import Workspace, load, load_text
from cxrules.logs.event import Event
from cxrules.reports.model import Report
from cxrules.source import Span, make_span


@dataclass(frozen=True)
class PolicySpec:
    """Where a scenario's policies come from: files or folders (`paths`), optionally one policy
    chosen by id (`only`), or an inline policy text named `name` (a feature file and line)."""

    paths: tuple[str, ...] = ()
    only: str | None = None
    text: str | None = None
    name: str = ""
    #: the paths were named by the user (`cxrules test --policies`), not by a feature file:
    #: like paths on the command line, they may lie outside the project folder
    named: bool = False
    #: the line of the step that named them, where a mistake in them is said
    line: int = field(default=0, compare=False)


#: Compiled policy sets of this run, by (spec, overrides, root): files do not change mid-run.
Cache = dict[tuple[PolicySpec, tuple[tuple[str, str], ...], str], ir.PolicySet]


#: Where a parameter was set: the span of its value in the step, and the step's line.
Origins = Mapping[str, tuple[Span, str]]


def compile_spec(
    spec: PolicySpec, overrides: dict[str, str], root: Path, origins: Origins | None = None
) -> ir.PolicySet:
    """Load, check and compile every policy of `spec` (ignoring `only`); SpecError with the
    diagnostics on error. A parameter that cannot be set is said at its step (`origins`)."""
    if spec.text is not None:
        ws = _inline_workspace(spec, root)
    else:
        missing = [p for p in spec.paths if not (root / p).exists()]
        if missing and not spec.named:
            shown = ", ".join(repr(p) for p in missing)
            raise SpecError(
                f"there is no policy file or folder at {shown}: a feature file's paths are "
                f"relative to the project folder ({root})"
            )
        paths = [str(root / p) for p in spec.paths]
        ws = load(paths, _reach(root, paths) if spec.named else root)
    checked = check(ws, overrides)
    diagnostics = [*ws.diagnostics, *checked.diagnostics]
    diagnostics = sorted(_at_steps(diagnostics, overrides, origins or {}), key=sort_key)
    if has_errors(diagnostics) or ws.syntax_failed or not ws.sources:
        errors = [d for d in diagnostics if d.level is Level.ERROR]
        if errors and all(d.code == "E222" and d.span is not None for d in errors):
            raise SpecError(f"a parameter step is invalid:\n{render_text(errors)}")
        where = spec.name or ", ".join(spec.paths)
        raise SpecError(f"the policies of {where} have errors:\n{render_text(diagnostics)}")
    try:
        return compile_workspace(ws, checked)
    except CompileError as exc:
        raise SpecError(f"the policies could not be compiled: {exc}") from None


def _reach(root: Path, paths: list[str]) -> Path:
    """The folder policies named by the user may `use` within: the project folder when they
    are inside it, else the deepest folder holding them all (as `project_root` does for the
    command line)."""
    folders = []
    for raw in paths:
        path = Path(raw).resolve()
        folders.append(path if path.is_dir() or not path.suffix else path.parent)
    if all(f == root or root in f.parents for f in folders):
        return root
    return Path(os.path.commonpath([str(f) for f in folders]))


def _at_steps(
    diagnostics: list[Diagnostic], overrides: dict[str, str], origins: Origins
) -> list[Diagnostic]:
    """The checker's E222 about an override ('--set max_wait=3: not a duration') said as the
    step that set it wrote it, at its line: the scenario's author never wrote --set."""
    out = []
    for d in diagnostics:
        for name, (span, line) in origins.items():
            value = overrides.get(name)
            prefixes = (f"--set {name}={value}: ", f"--set {name}: ")
            found = next((p for p in prefixes if d.message.startswith(p)), None)
            if d.code == "E222" and d.span is None and found is not None:
                step = f'the parameter "{name}" is "{value}"'
                message = f"{step}: {d.message[len(found) :]}"
                d = d.model_copy(update={"message": message, "span": span, "source_line": line})
                break
        out.append(d)
    return out


def select(policy_set: ir.PolicySet, spec: PolicySpec) -> ir.PolicySet:
    """The policy chosen by `spec.only` (all when None); SpecError naming the ids there are."""
    if spec.only is None:
        return policy_set
    chosen = [p for p in policy_set.policies if p.id == spec.only]
    if not chosen:
        ids = [p.id for p in policy_set.policies]
        hint = did_you_mean(spec.only, ids)
        raise SpecError(
            f"there is no policy {spec.only!r} in {', '.join(spec.paths)}"
            + (f" ({hint})" if hint else "")
            + f"; it has {', '.join(ids) or 'no policies'}"
        )
    return policy_set.model_copy(update={"policies": tuple(chosen)})


def _inline_workspace(spec: PolicySpec, root: Path) -> Workspace:
    """A workspace whose main file is the inline text, placed at the project root so that its
    `use` paths are relative to the root."""
    assert spec.text is not None
    return load_text(spec.name, spec.text, root)


@dataclass
class World:
    """What the steps of one scenario build up, then read: policies, overrides, the log zone,
    base time, events and horizon; the audit runs once, at the first `Then`."""

    root: Path
    cache: Cache
    file: str = ""  # the feature file, relative to the root
    default_paths: tuple[str, ...] = ("policies",)
    spec: PolicySpec | None = None
    overrides: dict[str, str] = field(default_factory=dict)
    zone: str = "UTC"
    base: datetime | None = None
    events: list[Event] = field(default_factory=list)
    events_given: bool = False  # a `When these events happen:` (or `no events`) step ran
    as_of: datetime | None = None
    engine: str = "python"
    result: Report | None = None
    step: Any = None  # the pytest-bdd step being run (its table rows carry their lines)
    origins: dict[str, tuple[Span, str]] = field(default_factory=dict)  # parameter steps

    @property
    def clock(self) -> Clock:
        return Clock(self.zone, self.base)

    def set_zone(self, name: str) -> None:
        zone_info(name)
        if self.base is not None or self.events:
            raise SpecError("set the log zone before the time and the events")
        self.zone = name

    def policy_set(self) -> ir.PolicySet:
        """The compiled policies of the scenario (cached for the whole run)."""
        if self.spec is None:
            raise SpecError(
                "the scenario names no policies: start with 'Given the policies in \"policies/\"', "
                "'Given the policy \"<id>\" from \"policies/\"' or 'Given the policy:'"
            )
        whole = replace(self.spec, only=None)
        key = (whole, tuple(sorted(self.overrides.items())), str(self.root))
        try:
            found = self.cache.get(key)
            if found is None:
                found = compile_spec(whole, self.overrides, self.root, self.origins)
                self.cache[key] = found
            return select(found, self.spec)
        except SpecError as exc:
            if not self.spec.line:
                raise
            # said at the step that named the policies, not at the step that ran them
            raise SpecError(str(exc), f"{self.file}:{self.spec.line}") from None

    def set_parameter(self, name: str, value: str) -> None:
        """Override a parameter, remembering the step's line to say a mistake there."""
        self.overrides[name] = value
        number = getattr(self.step, "line_number", 0)
        line = linecache.getline(str(self.root / self.file), number).rstrip("\r\n")
        quoted = line.find(f'"{value}"', line.find(f'"{name}"') + len(name) + 2)
        if number and quoted >= 0:
            span = make_span(self.file, number, quoted + 2, number, quoted + 2 + len(value))
            self.origins[name] = (span, line)

    def audit(self) -> Report:
        """Run the scenario's engine once over its events."""
        if self.result is None:
            policies = self.policy_set()  # a mistake in them is said first
            if not self.events_given:  # `Then there are no violations` of nothing: no test
                raise SpecError(
                    "the scenario gives no events, so it tests nothing: add 'When these events "
                    "happen:' with a table of them (or 'When no events happen' to audit an "
                    "empty log on purpose)"
                )
            try:
                self.result = audit_events(
                    policies,
                    self.events,
                    engine=self.engine,
                    as_of=self.as_of,
                    zone=self.zone,
                )
            except EngineError as exc:
                raise SpecError(f"the engine could not run the policies: {exc}") from None
        return self.result
