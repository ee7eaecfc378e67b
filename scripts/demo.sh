#!/usr/bin/env bash
# Set up, then chart a sample file with the local pipeline (no Slack, no Redis, no key).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/python bot.py plot examples/sales.csv "monthly revenue by region in 2024" -o out "$@"
