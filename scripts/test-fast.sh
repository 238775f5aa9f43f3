#!/usr/bin/env bash
# `make test-fast`: the same pytest on SQLite with no services, for a quick edit-test loop.
# Tests marked `services` are skipped here (never under CI=true: there they fail).
set -euo pipefail
cd "$(dirname "$0")/.."
unset DATABASE_URL REDIS_URL CEUTRACK_SERVICES
set +e
.venv/bin/python -m pytest -rfEs "${@:-tests}"
status=$?
set -e
if [ "$status" = 5 ]; then
    echo "ERROR: pytest collected no tests" >&2
    exit 1
fi
exit "$status"
