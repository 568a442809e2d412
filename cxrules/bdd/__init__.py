"""Gherkin stage: the step library that specifies policies, shipped as a pytest plugin."""
