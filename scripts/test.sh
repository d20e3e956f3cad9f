#!/usr/bin/env bash
# Run montage's checks and test suite: setup (idempotent), ruff, mypy, import contracts, pytest.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k search` (or `-m redis` for one kind).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
echo "== ruff";   .venv/bin/ruff check --no-cache . && .venv/bin/ruff format --no-cache --check .
echo "== mypy";   .venv/bin/mypy montage indexer api
echo "== import contracts"; .venv/bin/lint-imports
echo "== pytest"
set +e
.venv/bin/python -m pytest -q -ra -m "" "$@"  # -m "": every test (plain pytest runs the fast set)
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "test.sh: pytest collected no tests — that is a failure, not a pass" >&2
  exit 1
fi
exit "$rc"
