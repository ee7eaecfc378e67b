#!/usr/bin/env bash
# Set up (Debian packages, .venv, Redis), then lint, type-check and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
echo "== ruff"; .venv/bin/ruff check . && .venv/bin/ruff format --check .
echo "== mypy"; .venv/bin/mypy .
echo "== pytest"; .venv/bin/pytest "$@"
