"""Front end: policy files in, checked and compiled policies (or diagnostics) out."""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from pathlib import Path

from cxrules import ir
from cxrules.checker.check import check
from cxrules.diagnostics import Diagnostic, has_errors, sort_key
from cxrules.ir.compile import compile_workspace
from cxrules.ir.validate import validate
from cxrules.language.workspace import Workspace, load


@dataclass
class Loaded:
    """What loading policies produced: the compiled set when there was no error, and every
    diagnostic (errors and warnings) found on the way."""

    workspace: Workspace
    policy_set: ir.PolicySet | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.policy_set is not None


def load_policies(
    paths: list[str], overrides: dict[str, str] | None = None, root: Path | None = None
) -> Loaded:
    """Parse, check and compile the policy files at `paths` (files or folders)."""
    # Reading policies makes many small objects and no reference cycles: the cyclic garbage
    # collector would walk the growing syntax tree again and again (half the time of a check
    # of 100,000 policies), so it is off until the policies are read.
    collecting = gc.isenabled()
    gc.disable()
    try:
        ws = load(paths, root)
        checked = check(ws, overrides)
        diagnostics = sorted([*ws.diagnostics, *checked.diagnostics], key=sort_key)
        if has_errors(diagnostics) or ws.syntax_failed or not ws.sources:
            return Loaded(ws, None, diagnostics)
        policy_set = compile_workspace(ws, checked)
        invalid = validate(policy_set)
        if invalid:
            return Loaded(ws, None, [*diagnostics, *invalid])
        return Loaded(ws, policy_set, diagnostics)
    finally:
        if collecting:
            gc.enable()
