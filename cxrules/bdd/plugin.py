"""Gherkin stage: the pytest plugin entry point (steps are registered by cxrules.bdd.steps)."""
