#!/usr/bin/env bash
# The spark engine's pass (after scripts/test.sh has installed the project; Java 17 needed), in
# one pytest session and one Spark session (local mode, one shuffle partition: the logs are
# small): every Gherkin scenario, the spark engine's own tests, the differential tests against
# the python engine (generated policies and logs: metrics and invariants, obligations), and the
# golden reports of the shop week and the eight real-log examples, each byte-identical to the
# python engine's. scripts/test.sh runs it after the python and duckdb engines' tests, in CI too;
# what it took on the shared two-core machine is in the README.
set -euo pipefail
cd "$(dirname "$0")/.."
CXRULES_SPARK_PARTITIONS=1 exec python3 -m pytest --cxrules-engine spark \
  features tests/engines/spark tests/engines/duckdb/test_differential_metrics_invariants.py \
  tests/engines/test_differential_obligations.py tests/test_golden_reports.py \
  tests/engines/test_value_check.py::test_a_sum_of_six_attributes_runs_on_every_engine \
  tests/engines/test_value_check.py::test_lets_read_several_times_run_on_every_engine \
  tests/engines/test_value_check.py::test_an_exact_int_meets_a_float_as_its_value_rounded_once \
  tests/engines/test_report_values.py::test_time_differences_divided_into_hours_are_reported_on_every_engine \
  tests/engines/test_metrics.py::test_a_sum_beyond_the_largest_double_is_judged_and_reported_without_an_internal_error \
  tests/engines/test_metric_extremes.py \
  -k "not python_and_duckdb" "$@"
