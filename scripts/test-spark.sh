#!/usr/bin/env bash
# The spark engine's pass (after scripts/test.sh has installed the project): what holds it to
# the other engines — every Gherkin scenario, its own tests, the differential tests against the
# python engine and the golden reports of the smaller real logs; not the seed library's
# restaurant policies, whose `matches` with \b the spark engine refuses up front (E302).
# Known: in one pytest session, Spark's context stops after about a hundred scenarios (the
# checkpointed stages of earlier audits are not released); run a folder or a feature at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
CXRULES_SPARK_PARTITIONS=1 exec python3 -m pytest --cxrules-engine spark \
  features tests/engines/spark tests/engines/duckdb/test_differential_metrics_invariants.py \
  tests/engines/test_differential_obligations.py tests/test_golden_reports.py \
  --ignore=features/restaurant.feature \
  -k "not (shop_week or bank_callcenter or bpic2013_incidents or bpic2014 or servicenow or python_and_duckdb)" "$@"
