#!/usr/bin/env bash
# The test command: validate the shipped contract, lint, run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/gen validate --contract contract.yaml
.venv/bin/ruff check .
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
