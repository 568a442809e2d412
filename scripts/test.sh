#!/usr/bin/env bash
# The whole test suite, from a fresh clone: install, lint, type-check, test.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e '.[dev]'
ruff check .
ruff format --check .
mypy
python3 -m pytest "$@"
