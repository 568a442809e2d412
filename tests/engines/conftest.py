"""Every engine test runs once per registered engine (the test id names it), unless marked
`@pytest.mark.engines("python")` for what only one engine has (memory retirement, live feeds)."""

from __future__ import annotations

from collections.abc import Iterator

import engine_builders  # noqa: I001 - tests/engines is on the path (rootdir-relative import)
import pytest

from cxrules.bdd.plugin import chosen_engines


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("engines")
    chosen = chosen_engines(metafunc.config)
    names = [n for n in chosen if marker is None or n in marker.args]
    metafunc.parametrize("engine", names, indirect=True)


@pytest.fixture(autouse=True)
def engine(request: pytest.FixtureRequest) -> Iterator[str]:
    """The engine this test runs on; `engine_builders.run` uses it."""
    name: str = getattr(request, "param", "python")
    engine_builders.ENGINE = name
    yield name
    engine_builders.ENGINE = "python"
