"""DuckDB engine: compiled policies run as SQL in embedded DuckDB (this package: its ingestion)."""

from cxrules.engines.duckdb.ingest import Ingested, ingest

__all__ = ["Ingested", "ingest"]
