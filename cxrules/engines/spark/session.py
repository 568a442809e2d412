"""Spark engine, the session: one per process, local by default, quiet, in UTC.

The plans compute in integer microseconds and never use Spark's time zone, but the session's
zone is still pinned to UTC so that nothing Spark does on its own (casts, displays) can depend
on the machine. Spark's logging stays at errors unless `CXRULES_SPARK_LOG` names a level. What
Spark keeps per statement (parser cache, status store) is bounded, so one session can run audit
after audit (each audit releases its own views and checkpoints: `SparkBackend.close`).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

#: Spark's logging configuration: errors only.
LOG_CONFIG = (Path(__file__).parent / "log4j2.properties").as_uri()
_SESSION: Any = None
_MASTER: str | None = None


def session(master: str = "local[2]") -> Any:
    """The process's Spark session on `master` (created at the first call; a later call with
    another master is an error, as Spark allows one session per process)."""
    global _SESSION, _MASTER
    if _SESSION is not None:
        if master != _MASTER:
            raise ValueError(
                f"this process already runs Spark on {_MASTER}; it cannot switch to {master}"
            )
        return _SESSION
    from pyspark.logger import PySparkLogger
    from pyspark.sql import SparkSession

    # pyspark warns about pandas versions it has not been tested with; the engine hands it
    # Arrow tables, never pandas frames
    warnings.filterwarnings("ignore", category=FutureWarning, module="pyspark")

    builder = (
        SparkSession.builder.master(master)
        .appName("cxrules")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", os.environ.get("CXRULES_SPARK_PARTITIONS", "8"))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={LOG_CONFIG}")
        # a long-lived session (a notebook, a test run) audits again and again: what Spark keeps
        # of every statement must not grow with the number of audits. Its SQL parser's ANTLR
        # cache grows with every distinct statement (the plans' are long and many): flushed
        # past 10% of the driver's memory. Its status store keeps the last 1000 jobs, stages
        # and SQL executions, each with its plan graph and metrics: one is kept (no UI reads
        # them). (The Java objects py4j keeps for Python are freed by the backend: free_java.)
        # in local mode the driver is the executor too: a plan of the largest policies (business
        # time over calendars) alone takes several hundred MB while Spark optimizes it
        .config("spark.driver.memory", os.environ.get("CXRULES_SPARK_DRIVER_MEMORY", "2g"))
        .config("spark.sql.parser.manageParserCaches", "true")
        .config("spark.sql.parser.parserDfaCacheFlushRatio", "10")
        .config("spark.sql.ui.retainedExecutions", "1")
        .config("spark.ui.retainedJobs", "1")
        .config("spark.ui.retainedStages", "1")
        .config("spark.ui.retainedTasks", "1")
        .config("spark.ui.dagGraph.retainedRootRDDs", "1")
        .config("spark.ui.retainedDeadExecutors", "1")
    )
    _SESSION = builder.getOrCreate()
    level = os.environ.get("CXRULES_SPARK_LOG")
    # pyspark logs a failed statement's error with the whole Java stack on stderr, as JSON,
    # before raising it: the engine says what failed in one message of its own
    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).disabled = not level
    if level:
        _SESSION.sparkContext.setLogLevel(level)
        log4j = _SESSION._jvm.org.apache.logging.log4j
        log4j.core.config.Configurator.setAllLevels("org.apache.spark", log4j.Level.toLevel(level))
    _MASTER = master
    return _SESSION
