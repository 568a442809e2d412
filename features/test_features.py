"""Gherkin stage: binds every features/*.feature scenario to pytest (steps from the cxrules plugin)."""

from pytest_bdd import scenarios

scenarios(".")
