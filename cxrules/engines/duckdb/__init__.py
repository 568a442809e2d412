"""The `duckdb` engine: compiled policies run as SQL plans in embedded DuckDB, out of core."""

from cxrules.engines.duckdb.engine import DuckDBEngine

__all__ = ["DuckDBEngine"]
