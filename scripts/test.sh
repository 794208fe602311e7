#!/usr/bin/env bash
# Runs the whole test suite, setting the machine up first when needed (safe to run on a clean checkout).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --no-run
exec .venv/bin/python -m pytest "$@"
