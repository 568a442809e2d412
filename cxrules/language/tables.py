"""Parser stage, the parse tables: the LALR parser of `grammar/policy.lark`, built once and kept.

Building the parser from the grammar takes Lark about half a second, a fixed cost of every
`cxrules` command (`check` of one file, an audit of a small log). So the built parser is kept in
the package as JSON (`grammar/policy.tables.json.gz`, Lark's own serialized form, no pickle),
marked with the SHA-256 of the grammar and the Lark version it was built with, and loaded in a
tenth of the time. When either differs (a changed grammar, another Lark) the parser is built
from the grammar as before: the kept tables are a shortcut, never a different parser.

    python -m cxrules.language.tables      # rewrite the kept tables after changing the grammar

(tests/language/test_tables.py fails while they are out of date.)
"""

from __future__ import annotations

import gzip
import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

import lark
from lark import Lark
from lark.grammar import Rule
from lark.lexer import TerminalDef

GRAMMAR = "policy.lark"
TABLES = "policy.tables.json.gz"
#: How the parser is built (and how kept tables are loaded).
OPTIONS: dict[str, Any] = {
    "parser": "lalr",
    "strict": True,
    "propagate_positions": True,
    "maybe_placeholders": True,
}


def grammar_text() -> str:
    return resources.files("cxrules.language.grammar").joinpath(GRAMMAR).read_text("utf-8")


def stamp(grammar: str) -> dict[str, str]:
    """What kept tables must have been built from."""
    return {
        "grammar_sha256": hashlib.sha256(grammar.encode()).hexdigest(),
        "lark": lark.__version__,
    }


def build(grammar: str) -> Lark:
    """The parser, built from the grammar."""
    return Lark(grammar, **OPTIONS)


def load() -> Lark:
    """The parser: from the kept tables when they were built from this grammar with this Lark,
    else built from the grammar."""
    grammar = grammar_text()
    kept = kept_tables()
    if kept is not None and kept.get("stamp") == stamp(grammar):
        return Lark.load({"data": kept["data"], "memo": kept["memo"]})
    return build(grammar)


def kept_tables() -> dict[str, Any] | None:
    """The kept tables as stored (None when there are none)."""
    found = resources.files("cxrules.language.grammar").joinpath(TABLES)
    if not found.is_file():
        return None
    document: dict[str, Any] = json.loads(
        gzip.decompress(found.read_bytes()), object_pairs_hook=_numbered
    )
    return document


def serialized(parser: Lark, grammar: str) -> bytes:
    """The parser's tables as kept: gzip of JSON."""
    data, memo = parser.memo_serialize([TerminalDef, Rule])
    document = {"stamp": stamp(grammar), "data": data, "memo": memo}
    text = json.dumps(document, separators=(",", ":"), sort_keys=True)
    return gzip.compress(text.encode(), mtime=0)


def _numbered(pairs: list[tuple[str, Any]]) -> dict[Any, Any]:
    """JSON object keys back to what Lark wrote: numbers (states, memo ids) are ints."""
    return {int(k) if k.isdigit() else k: v for k, v in pairs}


def main() -> None:
    grammar = grammar_text()
    path = Path(__file__).parent / "grammar" / TABLES
    path.write_bytes(serialized(build(grammar), grammar))
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
