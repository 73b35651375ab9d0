#!/usr/bin/env bash
# The test command: validate the shipped contract, lint, type-check, run the whole test suite.
# The suite runs in parallel (pytest-xdist), a test file per worker so its module fixtures are made once.
# Every test runs here, the LibreOffice and browser ones included; to leave those out on purpose, pass
# -m "not libreoffice and not browser".
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/gen validate --contract contract.yaml
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m pytest -q -p no:cacheprovider -n auto --dist loadfile "$@"
