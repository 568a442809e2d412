#!/usr/bin/env bash
# The spark engine's pass (after scripts/test.sh has installed the project; Java 17 needed), in
# one pytest session and one Spark session (local mode, one shuffle partition: the logs are
# small). The full pass: every Gherkin scenario (the seed library's restaurant policies too),
# the spark engine's own tests, the differential tests against the python engine and the golden
# reports of the shop week and the smaller real logs — over 25 minutes on the shared two-core
# machine (the scenarios and the engine's tests 17 min, the metrics differential 3 min). The
# four large real logs take too long on Spark for a test run (docs/spark.md).
#
# With CXRULES_SPARK_CI=1 (what scripts/test.sh runs, to stay within CI's ten minutes): the
# spark engine's own tests and the differential test of metrics and invariants (generated
# policies and logs, every report compared with the python engine's) — about 5 minutes. Not
# yet the obligations differential: on 2026-12-06 hypothesis found a case Spark cannot run — a
# business-time deadline over a calendar with closed and open dates, on a two-event log: the
# task's plan is so large that serializing it ran out of the driver's 2 GB (OutOfMemoryError, no
# report); nor the Gherkin scenarios (17 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
differential="tests/engines/duckdb/test_differential_metrics_invariants.py
  tests/engines/test_differential_obligations.py"
skip="bank_callcenter or bpic2013_incidents or bpic2014 or servicenow or python_and_duckdb"
if [ "${CXRULES_SPARK_CI:-}" = "1" ]; then
  CXRULES_SPARK_PARTITIONS=1 exec python3 -m pytest --cxrules-engine spark \
    tests/engines/spark tests/engines/duckdb/test_differential_metrics_invariants.py \
    -k "not python_and_duckdb" "$@"
fi
# shellcheck disable=SC2086 - the paths are words
CXRULES_SPARK_PARTITIONS=1 exec python3 -m pytest --cxrules-engine spark \
  features tests/engines/spark $differential tests/test_golden_reports.py -k "not ($skip)" "$@"
