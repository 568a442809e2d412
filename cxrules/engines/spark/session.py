"""Spark engine, the session: one per process, local by default, quiet, in UTC.

The plans compute in integer microseconds and never use Spark's time zone, but the session's
zone is still pinned to UTC so that nothing Spark does on its own (casts, displays) can depend
on the machine. Spark's logging stays at errors unless `CXRULES_SPARK_LOG` names a level. What
Spark keeps per statement (parser cache, status store) is bounded, so one session can run audit
after audit (each audit releases its own views and checkpoints: `SparkBackend.close`).
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path
from typing import Any

#: Spark's logging configuration: errors only.
LOG_CONFIG = (Path(__file__).parent / "log4j2.properties").as_uri()
_SESSION: Any = None
_MASTER: str | None = None
#: The least heap Spark starts with (its UnifiedMemoryManager: 1.5 × 300 MiB reserved).
LEAST_DRIVER_MEMORY = 450 * 2**20
_UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}


class StartError(RuntimeError):
    """Spark cannot start as asked; the message says why, in one line, and what to change."""


def check_master(master: str) -> None:
    """StartError unless `master` is a master URL Spark takes, said before any JVM starts
    (Spark's launcher printed a Java stack trace and pyspark said only that its 'Java gateway
    process exited').

    >>> for ok in ("local", "local[4]", "local[*]", "local[2,3]", "spark://h:7077", "yarn"):
    ...     check_master(ok)
    >>> check_master("localhost:7077")
    Traceback (most recent call last):
    ...
    cxrules.engines.spark.session.StartError: --spark-master 'localhost:7077' is not a Spark \
master URL: write local[N] (N cores of this machine, or *), spark://HOST:PORT, yarn or \
k8s://https://HOST:PORT
    """
    inside = master.removeprefix("local[").removesuffix("]")
    cores = [part.strip() for part in inside.split(",")] if inside != master else []
    if (
        master in ("local", "yarn")
        or (master.endswith("]") and 1 <= len(cores) <= 2 and _counts(cores))
        or master.startswith(("spark://", "k8s://", "local-cluster["))
    ) and " " not in master:
        return
    raise StartError(
        f"--spark-master {master!r} is not a Spark master URL: write local[N] (N cores of this "
        "machine, or *), spark://HOST:PORT, yarn or k8s://https://HOST:PORT"
    )


def _counts(parts: list[str]) -> bool:
    return parts[0] == "*" and len(parts) == 1 or all(p.isdigit() and int(p) > 0 for p in parts)


def driver_memory() -> str:
    """The driver's memory (`CXRULES_SPARK_DRIVER_MEMORY`, default 2g), checked before Spark
    starts: below Spark's least, Spark stopped its start-up with a Java stack trace.

    >>> import os; os.environ["CXRULES_SPARK_DRIVER_MEMORY"] = "64m"; driver_memory()
    Traceback (most recent call last):
    ...
    cxrules.engines.spark.session.StartError: CXRULES_SPARK_DRIVER_MEMORY=64m is less than \
the 450m Spark needs to start; give it more (the default is 2g)
    >>> os.environ["CXRULES_SPARK_DRIVER_MEMORY"] = "4g"; driver_memory()
    '4g'
    >>> del os.environ["CXRULES_SPARK_DRIVER_MEMORY"]; driver_memory()
    '2g'
    """
    text = os.environ.get("CXRULES_SPARK_DRIVER_MEMORY", "2g").strip()
    digits, unit = text.rstrip("kKmMgGtT"), text[len(text.rstrip("kKmMgGtT")) :].lower()
    if not digits.isdigit() or len(unit) > 1:
        raise StartError(
            f"CXRULES_SPARK_DRIVER_MEMORY={text} is not an amount of memory as Java writes it: "
            "write e.g. 2g or 1536m"
        )
    if int(digits) * _UNITS[unit] < LEAST_DRIVER_MEMORY:
        raise StartError(
            f"CXRULES_SPARK_DRIVER_MEMORY={text} is less than the 450m Spark needs to start; "
            "give it more (the default is 2g)"
        )
    return text


def _quiet_py4j(record: logging.LogRecord) -> bool:
    """False for what py4j logs on Python's root logger (`logging.exception`: a traceback on
    stderr) when the JVM is gone — after Ctrl-C, which stops the JVM too — before the engine
    says what happened in one line.

    >>> _quiet_py4j(logging.makeLogRecord({"pathname": "/v/site-packages/py4j/clientserver.py"}))
    False
    >>> _quiet_py4j(logging.makeLogRecord({"pathname": "/work/app.py"}))
    True
    """
    return "py4j" not in Path(record.pathname).parts


def java_options() -> str:
    """The driver JVM's options: the logging configuration, at `CXRULES_SPARK_LOG`'s level."""
    options = f"-Dlog4j2.configurationFile={LOG_CONFIG}"
    level = os.environ.get("CXRULES_SPARK_LOG", "").strip()
    if level.isalpha():
        options += f" -Dcxrules.spark.log={level.lower()}"
    return options


def reason(exc: BaseException) -> str:
    """What went wrong in Spark, in one line: a Java exception's class and the first line of
    its message, never its stack trace (py4j's message carries the whole of it).

    >>> class Java:  # what py4j hands Python
    ...     def getClass(self): return self
    ...     def getSimpleName(self): return "SparkException"
    ...     def getMessage(self): return "Could not parse Master URL: 'x'\\n\\tat org.apache…"
    >>> class Failed(Exception):
    ...     java_exception = Java()
    >>> reason(Failed("An error occurred while calling …\\n\\tat …"))
    "SparkException: Could not parse Master URL: 'x'"
    >>> reason(RuntimeError("[JAVA_GATEWAY_EXITED] Java gateway process exited.\\nmore"))
    '[JAVA_GATEWAY_EXITED] Java gateway process exited.'
    """
    # py4j's error, or pyspark's own class for it (its `_origin`: the same Java exception)
    java = getattr(exc, "java_exception", None) or getattr(exc, "_origin", None)
    if java is not None:
        try:
            message = str(java.getMessage() or "")
            text = f"{java.getClass().getSimpleName()}: {message}"
        except Exception:  # noqa: BLE001 - the JVM is gone: say what Python saw
            text = str(exc)
    else:
        text = str(exc)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


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
        .config("spark.driver.extraJavaOptions", java_options())
        # a long-lived session (a notebook, a test run) audits again and again: what Spark keeps
        # of every statement must not grow with the number of audits. Its SQL parser's ANTLR
        # cache grows with every distinct statement (the plans' are long and many): flushed
        # past 10% of the driver's memory. Its status store keeps the last 1000 jobs, stages
        # and SQL executions, each with its plan graph and metrics: one is kept (no UI reads
        # them). (The Java objects py4j keeps for Python are freed by the backend: free_java.)
        # in local mode the driver is the executor too: a plan of the largest policies (business
        # time over calendars) alone takes several hundred MB while Spark optimizes it
        .config("spark.driver.memory", driver_memory())
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
    if not level and _quiet_py4j not in logging.getLogger().filters:
        logging.getLogger().addFilter(_quiet_py4j)
    if level:
        _SESSION.sparkContext.setLogLevel(level)
        log4j = _SESSION._jvm.org.apache.logging.log4j
        log4j.core.config.Configurator.setAllLevels("org.apache.spark", log4j.Level.toLevel(level))
    _MASTER = master
    return _SESSION
