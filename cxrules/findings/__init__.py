"""Findings: what engines report in neutral terms, and the one layer that writes them as report
records — ids, sentences, summaries, pending obligations and the report itself."""
