#!/usr/bin/env bash
# The whole test suite, from a fresh clone: install, lint, type-check, test.
#
# With no arguments: every test on the python and duckdb engines, then the spark engine's pass
# (scripts/test-spark.sh: Java 17 needed). With arguments:
# pytest with those arguments, on every installed engine unless --cxrules-engine says otherwise.
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
bash scripts/test-spark.sh
