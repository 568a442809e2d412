"""Gherkin stage: binds every features/*.feature scenario to pytest (steps: the cxrules plugin)."""

from pytest_bdd import scenarios

scenarios(".")
