#!/usr/bin/env bash
# The whole test suite, from a fresh clone: install, lint, type-check, test.
#
# With no arguments: every test on the python and duckdb engines, then the spark engine's pass
# (Spark spends a second or more on every audit, so it runs what holds it to the others: every
# Gherkin scenario, its own tests, the differential tests against the python engine and the
# golden reports of the smaller real logs; not the seed library's restaurant policies, whose
# `matches` with \b the spark engine refuses up front). With arguments: pytest with those
# arguments, on every installed engine unless --cxrules-engine says otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e '.[dev]'
ruff check .
ruff format --check .
mypy
if [ "$#" -gt 0 ]; then
  exec python3 -m pytest "$@"
fi
python3 -m pytest --cxrules-engine python --cxrules-engine duckdb
CXRULES_SPARK_PARTITIONS=1 python3 -m pytest --cxrules-engine spark \
  features tests/engines/spark tests/engines/duckdb/test_differential_metrics_invariants.py \
  tests/engines/test_differential_obligations.py tests/test_golden_reports.py \
  --ignore=features/restaurant.feature \
  -k "not (shop_week or bank_callcenter or bpic2013_incidents or bpic2014 or servicenow)"
