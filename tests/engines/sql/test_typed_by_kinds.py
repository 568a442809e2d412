"""SQL plans, typing attributes by the kinds the log has (`Catalog.kinds`): an attribute whose
values are all texts is typed without asking each value's JSON type, and gives the same columns
as the full typing would."""

from __future__ import annotations

import duckdb
import pytest

from cxrules.engines.duckdb.engine import DuckDBBackend
from cxrules.engines.sql.catalog import Catalog, _typed, _typed_texts
from cxrules.engines.sql.values import INT, MISSING, STR

pytestmark = pytest.mark.engines("python")  # DuckDB itself, whatever engine the suite runs

TEXTS = ['"abc"', "null", None, '"a\\"b"', '""', '"\\u0130stanbul"', '"ţară "']


def test_text_typing_gives_the_full_typing_columns() -> None:
    con = duckdb.connect()
    full = ", ".join(_typed("j", "f"))
    narrow = ", ".join(_typed_texts("j", "g"))
    con.execute("CREATE TABLE t (n INTEGER, v VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(TEXTS)))
    rows = con.execute(
        f"SELECT {full}, {narrow} FROM (SELECT n, CAST(v AS JSON) AS j FROM t) ORDER BY n"
    ).fetchall()
    assert len(rows) == len(TEXTS)
    for row in rows:
        assert row[:7] == row[7:]
    # by hand: a text is kind 1 with its unescaped text; JSON null and absent are missing
    assert rows[0][:2] == (1, "abc") and rows[3][1] == 'a"b' and rows[5][1] == "İstanbul"
    assert rows[1] == (None,) * 14 and rows[2] == (None,) * 14
    types = con.execute(
        f"SELECT typeof(f_k), typeof(g_k), typeof(f_l), typeof(g_l) FROM (SELECT {full}, {narrow} "
        "FROM (SELECT CAST('\"x\"' AS JSON) AS j))"
    ).fetchone()
    assert types is not None and types[0] == types[1] and types[2] == types[3]


def test_the_narrow_typing_only_for_texts() -> None:
    catalog = Catalog()
    catalog.add("agent")
    catalog.add("wait")
    catalog.kinds = {"agent": frozenset({MISSING, STR}), "wait": frozenset({STR, INT})}
    agent = " ".join(catalog.typed_columns("agent"))
    wait = " ".join(catalog.typed_columns("wait"))
    assert "json_type" not in agent and "json_extract_string(a0_j, '$')" in agent
    assert "json_type(a1_j)" in wait  # a number among the texts: every kind asked for
    catalog.kinds = {}
    assert "json_type(a0_j)" in " ".join(catalog.typed_columns("agent"))  # kinds unknown


def test_kinds_read_from_the_events() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE ev AS SELECT CAST(a AS JSON) AS a0_j, CAST(b AS JSON) AS a1_j "
        "FROM (VALUES ('\"x\"', '1'), (NULL, '\"y\"'), ('null', '2.5')) t(a, b)"
    )
    catalog = Catalog()
    catalog.add("agent")
    catalog.add("wait")
    kinds = DuckDBBackend(con).attribute_kinds(catalog)
    assert kinds["agent"] == {MISSING, STR}
    assert STR in kinds["wait"] and INT in kinds["wait"] and MISSING not in kinds["wait"]
