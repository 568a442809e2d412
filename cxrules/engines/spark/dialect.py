"""Spark engine, dialect: the plans' SQL (DuckDB's dialect) rendered as Spark SQL by SQLGlot.

The plans keep to constructs both databases have; what SQLGlot does not map by itself is
mapped here: rounding half to even as Python rounds (`_ROUND`), µs since 1970 (`unix_micros`).
A construct Spark cannot run is a `DialectError`, raised before any event is read (the
engine's limits): among them a `matches` pattern written for RE2 only (`engines.sql.regex`:
DuckDB's option 'c'). A written `matches` pattern's anchors are rewritten as Java reads them
alike (`regex.java`).
"""

from __future__ import annotations

import sys
from functools import lru_cache

import sqlglot
from sqlglot import exp

from cxrules.engines.sql.regex import java

#: DuckDB functions with no Spark equivalent SQLGlot knows, and what Spark calls them.
RENAMED = {"EPOCH_US": "UNIX_MICROS"}
#: Our DuckDB macros (`engines.sql.casing`: Python's full case mapping): Spark's built-ins
#: already map case by the full rules (Java's).
RENAMED |= {"CX_LOWER": "LOWER", "CX_UPPER": "UPPER"}
#: JSON functions: the spark engine types attributes while loading, so plans never need them.
REFUSED = (exp.JSONExtract, exp.JSONExtractScalar, exp.JSONType)


#: `round_even(x, d)` as Python's `round` gives it (the plans' DuckDB function does): the value
#: the double holds, rounded half to even. Spark's BROUND rounds the double's shortest decimal
#: text instead, so 3.55 (3.54999… as a double) gave 3.6 where Python gives 3.5. Here x·10^d
#: (10^d exact for d up to 22) is computed with its rounding error (Dekker's product, halves
#: split by Veltkamp's constant 2^27 + 1): a product on a tie is rounded down, or up, by the
#: sign of its error, and half to even only when it is exactly a tie. Values whose product
#: passes 2^52 are whole numbers at that scale and are kept; negative d is left to BROUND.
_ROUND = """TRANSFORM(ARRAY(CAST(__x AS DOUBLE)), _cx_x -> CASE
  WHEN __d < 0 OR __d > 22 THEN BROUND(_cx_x, __d)
  WHEN ISNAN(_cx_x) OR NOT ABS(_cx_x * POWER(10, __d)) < 4503599627370496.0 THEN _cx_x
  ELSE TRANSFORM(ARRAY(NAMED_STRUCT(
      'p', POWER(10, __d), 'y', _cx_x * POWER(10, __d),
      'xh', CAST(134217729 AS DOUBLE) * _cx_x - (CAST(134217729 AS DOUBLE) * _cx_x - _cx_x))),
    _cx_a -> TRANSFORM(ARRAY(NAMED_STRUCT(
        'xl', _cx_x - _cx_a.xh,
        'ph', CAST(134217729 AS DOUBLE) * _cx_a.p
              - (CAST(134217729 AS DOUBLE) * _cx_a.p - _cx_a.p))),
      _cx_b -> CASE
        WHEN _cx_a.y - FLOOR(_cx_a.y) <> 0.5 THEN RINT(_cx_a.y)
        WHEN ((_cx_a.xh * _cx_b.ph - _cx_a.y) + _cx_a.xh * (_cx_a.p - _cx_b.ph)
              + _cx_b.xl * _cx_b.ph) + _cx_b.xl * (_cx_a.p - _cx_b.ph) < 0 THEN FLOOR(_cx_a.y)
        WHEN ((_cx_a.xh * _cx_b.ph - _cx_a.y) + _cx_a.xh * (_cx_a.p - _cx_b.ph)
              + _cx_b.xl * _cx_b.ph) + _cx_b.xl * (_cx_a.p - _cx_b.ph) > 0
          THEN FLOOR(_cx_a.y) + 1
        ELSE RINT(_cx_a.y) END / _cx_a.p)[0])[0] END)[0]"""


#: The recursion limit while SQLGlot writes a plan for Spark (`to_spark`).
_RECURSION = 5000


class DialectError(ValueError):
    """A piece of SQL Spark cannot run; the message names it."""


def _rounded(tree: exp.Expression) -> exp.Expression:
    """`tree` with each DuckDB `round_even(x, d)` written as `_ROUND` (innermost first: a
    node made anew is not walked again)."""
    while True:
        calls = [
            node
            for node in tree.find_all(exp.Anonymous)
            if node.name.upper() == "ROUND_EVEN"
            and not any(
                inner.name.upper() == "ROUND_EVEN"
                for inner in node.find_all(exp.Anonymous)
                if inner is not node
            )
        ]
        if not calls:
            return tree
        for call in calls:
            x, d = call.expressions
            template = _round_template().copy()
            for name, value in (("__x", x), ("__d", d)):
                for column in list(template.find_all(exp.Column)):
                    if column.name == name:
                        column.replace(value.copy())
            call.replace(template)  # a call inside a statement: never the tree itself


@lru_cache(maxsize=1)
def _round_template() -> exp.Expression:
    template = sqlglot.parse_one(_ROUND, read="spark")
    assert isinstance(template, exp.Expression)
    return template


@lru_cache(maxsize=4096)
def to_spark(sql: str) -> str:
    """The Spark SQL of a DuckDB query or statement.

    >>> to_spark("SELECT epoch_us(x), list(o) FROM t")
    'SELECT UNIX_MICROS(`x`), COLLECT_LIST(`o`) FROM `t`'
    """
    limit = sys.getrecursionlimit()
    # SQLGlot parses and writes recursively, several frames a level: nested arithmetic (a sum
    # of six attributes of unknown kinds) needed a limit of about 1,000, Python's default, so
    # it failed or not by how deep the caller's stack already was (pure Python frames: a higher
    # limit is safe)
    sys.setrecursionlimit(max(limit, _RECURSION))
    try:
        return _to_spark(sql)
    except RecursionError:  # SQLGlot walks its trees recursively
        raise DialectError(
            "an expression of operators nested this deep (SQLGlot, which writes the plans for "
            "Spark, cannot walk SQL so deep)"
        ) from None
    finally:
        sys.setrecursionlimit(limit)


def _to_spark(sql: str) -> str:
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError as exc:
        raise DialectError(f"SQL that SQLGlot cannot read: {exc}") from None

    # A node is changed in place, never replaced: `transform` does not go into a node `fix`
    # returns anew, so a call inside it (upper(x) matches "…", lower(upper(x))) kept its DuckDB
    # name, which Spark cannot resolve.
    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.INT128:
            return exp.DataType.build("DECIMAL(38, 0)")  # HUGEINT: exact ints (values.V.z)
        if isinstance(node, exp.Anonymous) and node.name.upper() in RENAMED:
            node.set("this", RENAMED[node.name.upper()])
            return node
        if isinstance(node, REFUSED):
            raise DialectError(f"the JSON function {node.sql('duckdb')[:60]}")
        if isinstance(node, exp.RegexpLike):
            if node.args.get("flag") is not None:
                # engines.sql.regex: a `matches` pattern Java's regex would not run alike
                raise DialectError(
                    "a 'matches' pattern with a repeated group that repeats or alternates "
                    "(Java's regex would backtrack exponentially)"
                )
            pattern = node.expression
            if isinstance(pattern, exp.Literal) and pattern.is_string:
                # a written pattern (engines.sql.regex): its anchors as Java reads them alike
                node.set("expression", exp.Literal.string(java(pattern.this)))
        return node

    tree = tree.transform(fix)
    tree = _rounded(tree)
    try:
        # identifiers quoted: a stage may be named like a Spark keyword (`stream`)
        return tree.sql("spark", identify=True, unsupported_level=sqlglot.ErrorLevel.RAISE)
    except sqlglot.errors.UnsupportedError as exc:
        raise DialectError(f"SQL that Spark has no form of: {exc}") from None
