"""Engines: the registry of the ways compiled policies can be run (`--engine NAME`).

Each engine lives in its own package and is imported only when chosen, so that choosing one
never loads another's dependencies (DuckDB, Spark).
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cxrules.engines.base import Engine

#: name → "module:class" of every registered engine; the first is the reference.
REGISTRY: dict[str, str] = {
    "python": "cxrules.engines.python:PythonEngine",
    "duckdb": "cxrules.engines.duckdb:DuckDBEngine",
    "spark": "cxrules.engines.spark:SparkEngine",
}
#: An engine's module that an extra installs: (module, extra).
EXTRAS: dict[str, tuple[str, str]] = {"spark": ("pyspark", "spark")}

#: The engines' settings an audit's command line gives: setting → (option, the engines that take
#: it). The spark engine reads the log files with DuckDB on the driver (`engines.spark.load`), so
#: it takes DuckDB's memory limit and spill folder for that reading.
OPTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "memory_limit": ("--memory-limit", ("duckdb", "spark")),
    "temp_directory": ("--temp-dir", ("duckdb", "spark")),
    "threads": ("--threads", ("duckdb",)),
    "spark_master": ("--spark-master", ("spark",)),
}

#: The engine `cxrules audit` uses without --engine.
DEFAULT = "duckdb"


def names() -> list[str]:
    """The registered engines' names, the reference first."""
    return list(REGISTRY)


def available() -> list[str]:
    """The registered engines whose dependencies are installed (the `[spark]` extra's)."""
    return [name for name in REGISTRY if _missing(name) is None]


def _missing(name: str) -> str | None:
    """The extra an engine needs and lacks, as what to install; None when it has all."""
    needed = EXTRAS.get(name)
    if needed is None or importlib.util.find_spec(needed[0]) is not None:
        return None
    return f"pip install 'cxrules[{needed[1]}]'"


def get(name: str) -> Engine:
    """A new instance of the engine `name`; KeyError with the names there are when unknown."""
    target = REGISTRY.get(name)
    if target is None:
        raise KeyError(f"unknown engine '{name}'; choose one of {', '.join(REGISTRY)}")
    missing = _missing(name)
    if missing is not None:
        raise KeyError(f"the {name} engine is not installed: {missing}")
    module, cls = target.split(":")
    engine: Engine = getattr(importlib.import_module(module), cls)()
    return engine


def settings(engine: str, given: dict[str, object]) -> dict[str, str]:
    """`RunOptions.settings` of the options `given` (None: not given) for `engine`; ValueError
    naming the option when it belongs to other engines.

    >>> settings("spark", {"memory_limit": "2GB", "threads": None})
    {'memory_limit': '2GB'}
    >>> settings("python", {"temp_directory": "/tmp"})
    Traceback (most recent call last):
    ...
    ValueError: --temp-dir applies to the duckdb and spark engines, not python
    """
    found = {}
    for key, value in given.items():
        if value is None:
            continue
        option, owners = OPTIONS[key]
        if engine not in owners:
            named = " and ".join(owners) + (" engines" if len(owners) > 1 else " engine")
            raise ValueError(f"{option} applies to the {named}, not {engine}")
        found[key] = str(value)
    return found
