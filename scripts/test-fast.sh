#!/usr/bin/env bash
# `make test-fast`: the same pytest on SQLite with no services, for a quick edit-test loop.
# Tests marked `services` are skipped here (never under CI=true: there they fail).
set -euo pipefail
cd "$(dirname "$0")/.."
unset DATABASE_URL REDIS_URL CEUTRACK_SERVICES
# Two workers (or up to 4 on bigger machines); a test file stays on one worker so its
# module fixtures run once. PYTEST_ARGS="-n 0 ..." runs in a single process.
XDIST="-n auto --maxprocesses 4 --dist loadfile --no-loadscope-reorder"
set +e
.venv/bin/python -m pytest -rfEs $XDIST "${@:-tests}"
status=$?
set -e
if [ "$status" = 5 ]; then
    echo "ERROR: pytest collected no tests" >&2
    exit 1
fi
exit "$status"
