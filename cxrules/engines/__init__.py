"""Engines: the registry of the ways compiled policies can be run (`--engine NAME`).

Each engine lives in its own package and is imported only when chosen, so that choosing one
never loads another's dependencies (DuckDB, Spark).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cxrules.engines.base import Engine

#: name → "module:class" of every registered engine; the first is the reference.
REGISTRY: dict[str, str] = {
    "python": "cxrules.engines.python:PythonEngine",
}
# The duckdb engine (cxrules/engines/duckdb/) joins the registry once every rule kind runs as SQL;
# until then `cxrules.engines.duckdb.DuckDBEngine` can be used directly.

#: The engine `cxrules audit` uses without --engine.
DEFAULT = "python"


def names() -> list[str]:
    """The registered engines' names, the reference first."""
    return list(REGISTRY)


def get(name: str) -> Engine:
    """A new instance of the engine `name`; KeyError with the names there are when unknown."""
    target = REGISTRY.get(name)
    if target is None:
        raise KeyError(f"unknown engine '{name}'; choose one of {', '.join(REGISTRY)}")
    module, cls = target.split(":")
    engine: Engine = getattr(importlib.import_module(module), cls)()
    return engine
