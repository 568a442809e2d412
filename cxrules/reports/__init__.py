"""Report stage: the report model and its renderings."""
