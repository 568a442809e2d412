"""The kept parse tables (cxrules/language/tables.py): current, and the same parser as the
grammar builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxrules.language import tables

ROOT = Path(__file__).resolve().parents[2]


def test_the_kept_tables_were_built_from_the_grammar() -> None:
    kept = tables.kept_tables()
    assert kept is not None, "no kept tables: run python -m cxrules.language.tables"
    assert kept["stamp"] == tables.stamp(tables.grammar_text()), (
        "the grammar changed since the tables were kept: run python -m cxrules.language.tables"
    )


def test_the_kept_parser_parses_as_the_built_one() -> None:
    built, kept = tables.build(tables.grammar_text()), tables.load()
    assert kept is not built
    files = sorted(ROOT.glob("policies/*.cxr")) + sorted(ROOT.glob("examples/*/*.cxr"))
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert kept.parse(text) == built.parse(text), path


def test_stale_tables_are_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """A grammar the tables were not built from is built anew (a shortcut, never another
    parser)."""
    grammar = tables.grammar_text() + "\n// changed\n"
    monkeypatch.setattr(tables, "grammar_text", lambda: grammar)
    calls: list[str] = []
    real = tables.build

    def build(g: str) -> object:
        calls.append(g)
        return real(g)

    monkeypatch.setattr(tables, "build", build)
    tables.load()
    assert calls == [grammar]
