"""Gherkin stage: `cxrules test` — run a project's feature files with pytest and the step plugin."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from cxrules import engines

#: pytest's exit code for a usage error (also used when a feature path does not exist).
USAGE_ERROR = int(pytest.ExitCode.USAGE_ERROR)


def feature_paths(paths: list[str], root: Path) -> tuple[list[str], list[str]]:
    """Absolute feature files or folders (default: `features/` under root), and the paths that
    do not exist or hold no `.feature` file, each with the reason."""
    found, problems = [], []
    for raw in paths or ["features"]:
        path = (root / raw).resolve()
        is_feature = path.is_file() and path.suffix == ".feature"
        if is_feature or (path.is_dir() and any(path.rglob("*.feature"))):
            found.append(str(path))
        elif path.is_dir():
            problems.append(f"no .feature file under '{raw}'")
        elif path.exists():
            problems.append(f"'{raw}' is not a .feature file")
        elif raw.startswith("-"):
            # `cxrules test -k greet`: pytest's option, taken for a path (hunt69 finding-4)
            problems.append(
                f"'{raw}' is no option of cxrules test nor a feature file: pass pytest's "
                f"options with --pytest-arg, one word each: --pytest-arg={raw} (and its value, "
                "if it takes one, as another --pytest-arg)"
            )
        else:
            problems.append(f"no feature file or folder at '{raw}'")
    return found, problems


def run_features(
    paths: list[str],
    policy_paths: list[str],
    extra_args: list[str],
    engine_names: list[str] | None = None,
) -> int:
    """Run the scenarios of the feature files (or folders) at `paths` with pytest and the
    cxrules steps; return pytest's exit code (0 all passed, 1 a scenario failed, 4 usage error,
    5 nothing collected).

    Paths are relative to the current directory, the project root: scenario steps read policies
    relative to it too. `policy_paths` are what 'Given the project policies' loads (default
    `policies`); `extra_args` go to pytest as they are (e.g. `-k`, `-x`, `--junitxml=…`).
    Every scenario runs once per engine of `engine_names` (default: the default engine; 'all':
    every registered engine).
    """
    root = Path.cwd().resolve()
    found, problems = feature_paths(paths, root)
    if problems:
        for problem in problems:
            print(f"cxrules test: {problem}", file=sys.stderr)
        return USAGE_ERROR
    files = sorted(
        {str(f) for p in map(Path, found) for f in ([p] if p.is_file() else p.rglob("*.feature"))}
    )
    # The plugin collects each feature file as a module of its own: test ids and JUnit's
    # classname name the file (features/shop.feature::test_greeted_in_time[python]).
    args = [
        *files,
        f"--rootdir={root}",
        f"--cxrules-root={root}",
        "--cxrules-all-features",
        "--continue-on-collection-errors",  # a feature Gherkin cannot read stops no other
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",  # cxrules is imported before pytest runs
    ]
    for policy in policy_paths:
        args.append(f"--cxrules-policies={policy}")
    for name in engine_names or [engines.DEFAULT]:
        args.append(f"--cxrules-engine={name}")
    if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        args += ["-p", "pytest_bdd.plugin", "-p", "cxrules.bdd.plugin"]
    code = int(pytest.main(args + list(extra_args)))
    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        names = [os.path.relpath(f, root) for f in files]
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        verb = "holds" if len(names) == 1 else "hold"
        why = f"{shown} {verb} no 'Scenario:' yet"
        if any(a.startswith(("-k", "-m")) for a in extra_args):
            why = f"the -k or -m given chose none of the scenarios of {shown}"
        print(f"cxrules test: no scenario ran: {why}", file=sys.stderr)
    return code
