"""The benchmarks' measured processes: fresh Python processes that start as an installed cxrules.

An installed package has its modules' bytecode (`pip install` writes it); a process started
with `PYTHONDONTWRITEBYTECODE` set (some shells and containers set it) and a source checkout
compiles every module it imports from source, each time: about half a second of an audit's
start on the two-core machine, counted against every engine alike and by no user. The measured
processes keep their bytecode in a folder of the temporary directory (`PYTHONPYCACHEPREFIX`,
the checkout untouched), and `warm` imports the modules once before the first measured run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

#: What the measured processes import (the engines and the report writers).
MODULES = [
    "cxrules.audit",
    "cxrules.cli",
    "cxrules.reports.as_json",
    "cxrules.engines.duckdb.engine",
    "cxrules.engines.python",
]


def environment() -> dict[str, str]:
    """The environment of a measured process: bytecode written and read, in a cache of its own."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "cxrules-bench-pycache")
    return env


def warm(root: Path) -> None:
    """Import the measured modules once, so that their bytecode is cached."""
    script = "import importlib, sys\nfor m in sys.argv[1:]:\n    importlib.import_module(m)"
    command = [sys.executable, "-c", script, *MODULES]
    subprocess.run(command, cwd=root, env=environment(), check=True, capture_output=True)


def run(command: list[str], root: Path, what: str) -> dict[str, Any]:
    """Run a measured process; its figures are the JSON object on its last line of output."""
    done = subprocess.run(
        command, capture_output=True, text=True, cwd=root, env=environment(), check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"the {what} run failed:\n{done.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures
