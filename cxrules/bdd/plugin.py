"""Gherkin stage: the pytest plugin entry point (steps are registered by cxrules.bdd.steps)."""

from __future__ import annotations

import inspect
import os
from pathlib import Path
from typing import Any

import pytest

from cxrules import engines
from cxrules.bdd.world import Cache, World

#: The step definitions are fixtures of their own module, registered as a plugin with this one.
pytest_plugins = ["cxrules.bdd.steps"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cxrules", "cxrules policy specifications")
    group.addoption(
        "--cxrules-policies",
        action="append",
        default=None,
        metavar="PATH",
        help="policy file or folder for 'Given the project policies' (repeatable; default "
        "policies)",
    )
    group.addoption(
        "--cxrules-engine",
        action="append",
        default=None,
        metavar="NAME",
        help="run every scenario on this engine (repeatable; 'all': every registered engine, "
        "the default)",
    )
    group.addoption(
        "--cxrules-root",
        default=None,
        metavar="DIR",
        help="project root: policy paths in scenarios are relative to it (default: rootdir)",
    )


def _root(config: pytest.Config) -> Path:
    given = config.getoption("--cxrules-root", default=None)
    return Path(given).resolve() if given else Path(config.rootpath).resolve()


def chosen_engines(config: pytest.Config) -> list[str]:
    """The engines scenarios run on: --cxrules-engine (repeatable), default every one."""
    given = config.getoption("--cxrules-engine", default=None) or ["all"]
    names: list[str] = []
    for name in given:
        for one in engines.names() if name == "all" else [name]:
            if one not in engines.REGISTRY:
                raise pytest.UsageError(
                    f"--cxrules-engine {one}: no such engine; choose among "
                    f"{', '.join(engines.names())} or all"
                )
            if one not in names:
                names.append(one)
    return names


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every Gherkin scenario runs once per chosen engine; its test id names the engine."""
    if "_pytest_bdd_example" not in metafunc.fixturenames:
        return
    metafunc.fixturenames.append("cxrules_engine")
    metafunc.parametrize("cxrules_engine", chosen_engines(metafunc.config))


@pytest.fixture
def cxrules_engine() -> str:
    """The engine of a scenario (parametrized per scenario by `pytest_generate_tests`)."""
    return engines.DEFAULT


@pytest.fixture(scope="session")
def cxrules_cache() -> Cache:
    """Compiled policy sets shared by every scenario of the run."""
    return {}


@pytest.fixture
def cxrules_world(
    request: pytest.FixtureRequest, cxrules_cache: Cache, cxrules_engine: str
) -> World:
    """The state of one scenario, built up by its steps."""
    config = request.config
    paths = config.getoption("--cxrules-policies", default=None) or ["policies"]
    return World(
        root=_root(config),
        cache=cxrules_cache,
        default_paths=tuple(paths),
        engine=cxrules_engine,
    )


def pytest_bdd_before_step(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, step_func: Any
) -> None:
    """Tell the scenario's world which step runs (tables need their lines) and in which file."""
    if "cxrules_world" not in inspect.signature(step_func).parameters:
        return
    world: World = request.getfixturevalue("cxrules_world")
    world.step = step
    filename = getattr(feature, "filename", "")
    if filename and not world.file:
        path = os.path.relpath(filename, world.root)
        world.file = Path(filename).as_posix() if path.startswith("..") else Path(path).as_posix()
