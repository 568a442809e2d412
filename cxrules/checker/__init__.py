"""Checker stage: names, units and references of parsed policies; collects every diagnostic."""
