"""DuckDB engine: tables that outgrow the database's memory are compressed (`compact`, a
CHECKPOINT of the in-memory database) once `ev` is made, before the plans read it again and
again; smaller tables are left as they are. Compressing changes what is stored, never what an
audit finds."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pytest

import cxrules.engines.duckdb.engine as duckdb_engine
from cxrules.audit import AuditRequest, run_audit
from cxrules.engines.duckdb.engine import COMPACT_SHARE, compact

# The duckdb backend itself, whatever engine the suite runs: once is enough.
pytestmark = pytest.mark.engines("python")
ROOT = Path(__file__).resolve().parents[3]
TABLE = (
    "CREATE TABLE t AS SELECT i, 'arm.connected' AS type, 'v-' || (i % 100) AS s"
    " FROM range({n}) r(i)"
)
USED = (
    "SELECT sum(memory_usage_bytes + temporary_storage_bytes) FROM duckdb_memory()"
    " WHERE tag = 'IN_MEMORY_TABLE'"
)
CONTENT = "SELECT count(*), sum(i), count(DISTINCT s), min(type) FROM t"


def _database(rows: int) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"memory_limit": "64MB", "threads": 1})
    con.execute(TABLE.format(n=rows))
    return con


def test_tables_beyond_the_share_of_the_memory_limit_are_compressed() -> None:
    con = _database(3_000_000)  # about 88 MB uncompressed, the limit 61 MiB
    (before,) = con.execute(USED).fetchone() or (0,)
    assert before > COMPACT_SHARE * 64 * 2**20
    content = con.execute(CONTENT).fetchall()
    assert compact(con)
    (after,) = con.execute(USED).fetchone() or (0,)
    assert after < before / 4
    assert (
        con.execute(CONTENT).fetchall()
        == content
        == [(3_000_000, 4_499_998_500_000, 100, "arm.connected")]
    )
    assert not compact(con)  # once compressed, they fit


def test_tables_within_the_share_are_left_as_they_are() -> None:
    con = _database(100_000)  # about 3 MB
    (before,) = con.execute(USED).fetchone() or (0,)
    assert not compact(con)
    assert con.execute(USED).fetchone() == (before,)


def test_an_audit_of_compressed_tables_finds_what_one_of_uncompressed_tables_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "week.jsonl"
    log.write_bytes(
        gzip.decompress((ROOT / "examples" / "shop_week" / "week.jsonl.gz").read_bytes())
    )
    request = AuditRequest(
        policies=[str(ROOT / "policies")],
        logs=[str(log)],
        mapping=str(ROOT / "examples" / "shop_week" / "cxrules.toml"),
        engine="duckdb",
        project_dir=ROOT,
    )
    calls: list[bool] = []

    def spied(con: duckdb.DuckDBPyConnection) -> bool:
        calls.append(compact(con))
        return calls[-1]

    monkeypatch.setattr(duckdb_engine, "compact", spied)
    plain, _ = run_audit(request)
    monkeypatch.setattr(duckdb_engine, "COMPACT_SHARE", 0.0)  # every table compressed
    compressed, _ = run_audit(request)
    assert calls == [False, True]
    assert compressed.model_dump(exclude={"generated_at"}) == plain.model_dump(
        exclude={"generated_at"}
    )
    assert len(plain.violations) == 37  # the week's planted breaches (examples/shop_week)
