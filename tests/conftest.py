"""Shared test settings: hypothesis profiles (CI runs a bounded number of examples)."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("thorough", max_examples=2000, deadline=None)
# The long fuzz run (tests/test_fuzz.py): about an hour on a laptop.
settings.register_profile(
    "fuzz",
    max_examples=10000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def pytest_generate_tests(metafunc):
    """`audit_engine`: the test runs once per engine under test (--cxrules-engine, default every
    installed engine), as the Gherkin scenarios and tests/engines do."""
    if "audit_engine" in metafunc.fixturenames:
        from cxrules.bdd.plugin import chosen_engines

        metafunc.parametrize("audit_engine", chosen_engines(metafunc.config), scope="module")
