"""Editors: the Pygments lexer (entry point `cxrules`), the VS Code TextMate grammar and the
pre-commit hooks — in step with the grammar's keywords and with the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Text

from cxrules.language.highlight import CONSTANTS, DECLARATIONS, KEYWORDS, CxrulesLexer
from cxrules.language.parser import keyword_texts

ROOT = Path(__file__).resolve().parents[2]
TM = ROOT / "editors" / "vscode" / "syntaxes" / "cxrules.tmLanguage.json"


def tokens(text: str) -> list[tuple[object, str]]:
    return [(t, v) for t, v in CxrulesLexer().get_tokens(text) if v.strip()]


def grammar_words() -> set[str]:
    """Every word of every keyword of the grammar ('at least' gives 'at' and 'least')."""
    return {w for text in keyword_texts().values() for w in text.split()}


def test_the_lexer_is_registered_under_its_name_and_extension() -> None:
    assert isinstance(get_lexer_by_name("cxrules"), CxrulesLexer)
    assert isinstance(get_lexer_for_filename("policies/octopus.cxr"), CxrulesLexer)


def test_every_grammar_keyword_is_highlighted() -> None:
    assert grammar_words() == set(KEYWORDS) | set(DECLARATIONS)
    for word in sorted(grammar_words()):
        kind = Keyword.Declaration if word in DECLARATIONS else Keyword
        assert tokens(word) == [(kind, word)], word


def test_a_policy_reads_as_expected() -> None:
    text = (
        'policy field.notify "Notify 30 minutes before"  # seed 001\n'
        "  severity medium\n"
        "  per appointment until ticket.closed\n"
        "  when 3rd technician.arrived within 30d\n"
        "  expect notification.sent between 35min and 25min before\n"
        "    where channel == last(appointment.booked).notify_channel and `day` >= 80%\n"
    )
    assert tokens(text) == [
        (Keyword.Declaration, "policy"),
        (Name.Function, "field.notify"),
        (String.Double, '"Notify 30 minutes before"'),
        (Comment.Single, "# seed 001"),
        (Keyword, "severity"),
        (Name.Constant, "medium"),
        (Keyword, "per"),
        (Name, "appointment"),
        (Keyword, "until"),
        (Name, "ticket.closed"),
        (Keyword, "when"),
        (Number.Integer, "3rd"),
        (Name, "technician.arrived"),
        (Keyword, "within"),
        (Number.Other, "30d"),
        (Keyword, "expect"),
        (Name, "notification.sent"),
        (Keyword, "between"),
        (Number.Other, "35min"),
        (Keyword, "and"),
        (Number.Other, "25min"),
        (Keyword, "before"),
        (Keyword, "where"),
        (Name, "channel"),
        (Operator, "=="),
        (Keyword, "last"),
        (Punctuation, "("),
        (Name, "appointment.booked"),
        (Punctuation, ")"),
        (Punctuation, "."),
        (Name, "notify_channel"),
        (Keyword, "and"),
        (Name.Variable, "`day`"),
        (Operator, ">="),
        (Number.Float, "80%"),
    ]


@pytest.mark.parametrize("path", sorted((ROOT / "policies").glob("*.cxr")), ids=lambda p: p.name)
def test_seed_policies_have_no_unknown_text(path: Path) -> None:
    text = path.read_text("utf-8")
    unknown = [v for t, v in CxrulesLexer().get_tokens(text) if t is Text and v.strip()]
    assert unknown == []


def test_the_textmate_grammar_has_the_same_words() -> None:
    grammar = json.loads(TM.read_text("utf-8"))
    assert grammar["scopeName"] == "source.cxrules" and grammar["fileTypes"] == ["cxr"]
    repo = grammar["repository"]

    def alternatives(rule: str) -> set[str]:
        found = re.search(r"\(\?:([^)]*)\)", repo[rule]["match"])
        assert found is not None
        return set(found.group(1).split("|"))

    assert alternatives("keyword") == set(KEYWORDS)
    assert alternatives("declaration") == set(DECLARATIONS)
    assert alternatives("constant") == set(CONSTANTS)
    keyword = re.compile(repo["keyword"]["match"])
    assert keyword.search("  when x.y")
    assert not keyword.search("ticket.closed") and not keyword.search("`day`")
    names = {p["include"].lstrip("#") for p in grammar["patterns"]}
    assert names == set(repo)


def test_the_vscode_extension_points_at_its_files() -> None:
    folder = TM.parents[1]
    package = json.loads((folder / "package.json").read_text("utf-8"))
    [language] = package["contributes"]["languages"]
    [grammar] = package["contributes"]["grammars"]
    assert language["extensions"] == [".cxr"]
    assert (folder / language["configuration"]).is_file()
    assert (folder / grammar["path"]).resolve() == TM
    config = json.loads((folder / language["configuration"]).read_text("utf-8"))
    assert config["comments"] == {"lineComment": "#"}


def test_pre_commit_hooks_run_check_and_fmt_on_policy_files() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text("utf-8")
    hooks = re.findall(
        r"^- id: (\S+)\n  name: .*\n  description: .*\n  entry: (.*)\n  language: (\S+)\n"
        r"  files: (\S+)\n",
        text,
        flags=re.MULTILINE,
    )
    assert hooks == [
        ("cxrules-check", "cxrules check", "python", r"\.cxr$"),
        ("cxrules-fmt", "cxrules fmt", "python", r"\.cxr$"),
    ]
