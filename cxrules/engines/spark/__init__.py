"""The `spark` engine: the SQL plans of the duckdb engine, rendered for Apache Spark."""

from cxrules.engines.spark.engine import SparkEngine

__all__ = ["SparkEngine"]
