"""Spark engine, dialect: the plans' SQL (DuckDB's dialect) rendered as Spark SQL by SQLGlot.

The plans keep to constructs both databases have; what SQLGlot does not map by itself is
mapped here: rounding half to even (`bround`), µs since 1970 (`unix_micros`). A construct
Spark cannot run is a `DialectError`, raised before any event is read (the engine's limits):
among them a `matches` pattern written for RE2 only (`engines.sql.regex`: DuckDB's option 'c').
A written `matches` pattern's anchors are rewritten as Java reads them alike (`regex.java`).
"""

from __future__ import annotations

from functools import lru_cache

import sqlglot
from sqlglot import exp

from cxrules.engines.sql.regex import java

#: DuckDB functions with no Spark equivalent SQLGlot knows, and what Spark calls them.
RENAMED = {"ROUND_EVEN": "BROUND", "EPOCH_US": "UNIX_MICROS"}
#: Our DuckDB macros (`engines.sql.casing`: Python's full case mapping): Spark's built-ins
#: already map case by the full rules (Java's).
RENAMED |= {"CX_LOWER": "LOWER", "CX_UPPER": "UPPER"}
#: JSON functions: the spark engine types attributes while loading, so plans never need them.
REFUSED = (exp.JSONExtract, exp.JSONExtractScalar, exp.JSONType)


class DialectError(ValueError):
    """A piece of SQL Spark cannot run; the message names it."""


@lru_cache(maxsize=4096)
def to_spark(sql: str) -> str:
    """The Spark SQL of a DuckDB query or statement.

    >>> to_spark("SELECT round_even(x, 2), list(o) FROM t")
    'SELECT BROUND(`x`, 2), COLLECT_LIST(`o`) FROM `t`'
    """
    try:
        return _to_spark(sql)
    except RecursionError:  # SQLGlot walks its trees recursively (hunt41 finding-3)
        raise DialectError(
            "an expression of operators nested this deep (SQLGlot, which writes the plans for "
            "Spark, cannot walk SQL so deep)"
        ) from None


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
    try:
        # identifiers quoted: a stage may be named like a Spark keyword (`stream`)
        return tree.sql("spark", identify=True, unsupported_level=sqlglot.ErrorLevel.RAISE)
    except sqlglot.errors.UnsupportedError as exc:
        raise DialectError(f"SQL that Spark has no form of: {exc}") from None
