#!/usr/bin/env bash
# The test command: validate the shipped contract, lint, type-check, run the test suite in parallel
# (pytest-xdist, a test file per worker so its module fixtures are made once).
# The tests that render through LibreOffice or drive the editor in Chromium are marked (libreoffice, browser)
# and run on purpose: `bash scripts/check.sh --rendering` runs just those, `--all` everything. CI runs both.
set -euo pipefail
cd "$(dirname "$0")/.."
# Where the environment forbids bytecode files, every pytest worker would compile (and rewrite the asserts of)
# every test module again on every run, and every `gen` a test starts would compile what changed since setup.
unset PYTHONDONTWRITEBYTECODE
selection=(-m "not libreoffice and not browser")
lint=1
case "${1:-}" in
  --rendering) shift; selection=(-m "libreoffice or browser"); lint=0 ;;
  --all) shift; selection=() ;;
esac
if ((lint)); then
  .venv/bin/gen validate --contract contract.yaml
  .venv/bin/ruff check .
  .venv/bin/mypy
fi
.venv/bin/python -m pytest -q -p no:cacheprovider -n auto --dist loadfile "${selection[@]}" "$@"
