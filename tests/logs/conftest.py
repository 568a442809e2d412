"""Test configuration for the log readers: the `slow` marker for the largest real logs."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: reads a large real log (several seconds)")
