#!/usr/bin/env bash
# `make test`: install what the tests need, start a throwaway PostgreSQL cluster and a Redis
# server on free loopback ports, run ruff, mypy, import-linter, the compose schema check and
# pytest, and stop both services by their own pid whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
PY=$VENV/bin/python
CI="${CI:-}"
is_ci() { [ "$CI" = "true" ] || [ "$CI" = "1" ]; }
say() { printf '\n==> %s\n' "$*"; }
die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

# --- System packages: PostgreSQL server, redis-server, chromium-headless-shell (the browser tests'
# Chromium, tests/browser/conftest.py), tesseract-ocr (apt, only when missing).
find_pg_bin() {
    local dir
    for dir in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
    done
    return 1
}
missing=()
find_pg_bin >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
CHROMIUM=/usr/lib/chromium/chromium-headless-shell
[ -x "$CHROMIUM" ] || missing+=(chromium-headless-shell)
command -v tesseract >/dev/null || missing+=(tesseract-ocr)
if [ ${#missing[@]} -gt 0 ]; then
    say "installing missing system packages: ${missing[*]}"
    as_root=()
    [ "$(id -u)" = 0 ] || as_root=(sudo -n)
    if command -v apt-get >/dev/null \
        && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
        && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
        echo "installed: ${missing[*]}"
    elif is_ci; then
        die "could not install ${missing[*]} (CI=true: services are required, never skipped)"
    else
        echo "WARNING: could not install ${missing[*]}; tests needing them will be SKIPPED." >&2
    fi
fi

# --- Throwaway services, stopped by their own pid on exit.
PG_DIR=""
REDIS_DIR=""
PG_BIN=""
as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
COMPILE_PID=""
stop_services() {
    local status=$?
    [ -n "$COMPILE_PID" ] && { pkill -P "$COMPILE_PID" 2>/dev/null; kill "$COMPILE_PID" 2>/dev/null || true; }
    if [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
        as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 \
            || kill "$(head -1 "$PG_DIR/data/postmaster.pid")" 2>/dev/null || true
    fi
    if [ -n "$REDIS_DIR" ] && [ -f "$REDIS_DIR/redis.pid" ]; then
        local pid
        pid="$(cat "$REDIS_DIR/redis.pid")"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    [ -n "$PG_DIR" ] && rm -rf "$PG_DIR"
    [ -n "$REDIS_DIR" ] && rm -rf "$REDIS_DIR"
    exit "$status"
}
trap stop_services EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_postgres() {
    PG_BIN="$(find_pg_bin)" || return 1
    PG_DIR="$(mktemp -d /tmp/ceutrack-pg.XXXXXX)"
    if [ "$(id -u)" = 0 ]; then
        id -u postgres >/dev/null 2>&1 || return 1
        chown postgres: "$PG_DIR"
    fi
    as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --no-sync \
        >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; return 1; }
    local attempt
    for attempt in 1 2 3; do
        PG_PORT="$(free_port)"
        if as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/pg.log" -w -t 30 \
            -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off \
                -c synchronous_commit=off -c full_page_writes=off" start >/dev/null; then
            break
        fi
        [ "$attempt" = 3 ] && { cat "$PG_DIR/pg.log" >&2; return 1; }
    done
    as_postgres "$PG_BIN/psql" -q -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres \
        -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE ceutrack LOGIN PASSWORD 'ceutrack' CREATEDB" \
        -c "CREATE DATABASE ceutrack OWNER ceutrack" >/dev/null
    export DATABASE_URL="postgres://ceutrack:ceutrack@127.0.0.1:$PG_PORT/ceutrack"
    USED_DB="PostgreSQL on 127.0.0.1:$PG_PORT"
    echo "PostgreSQL: $("$PG_BIN/postgres" --version) on 127.0.0.1:$PG_PORT (data in $PG_DIR)"
}

start_redis() {
    command -v redis-server >/dev/null || return 1
    REDIS_DIR="$(mktemp -d /tmp/ceutrack-redis.XXXXXX)"
    local attempt
    for attempt in 1 2 3; do
        REDIS_PORT="$(free_port)"
        redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$REDIS_DIR" --daemonize yes \
            --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" \
            --save "" --appendonly no
        for _ in $(seq 50); do
            redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break 2
            sleep 0.1
        done
        [ "$attempt" = 3 ] && { cat "$REDIS_DIR/redis.log" >&2; return 1; }
    done
    export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
    USED_REDIS="Redis on 127.0.0.1:$REDIS_PORT"
    echo "Redis: $(redis-server --version | cut -d' ' -f1-3) on 127.0.0.1:$REDIS_PORT (pid $(cat "$REDIS_DIR/redis.pid"))"
}

USED_DB="SQLite (no PostgreSQL)"
USED_REDIS="filesystem (no Redis)"
say "starting throwaway services"
if ! start_postgres; then
    is_ci && die "PostgreSQL could not be started (CI=true: required)"
    echo "WARNING: PostgreSQL unavailable: the suite runs on SQLite instead." >&2
fi
if ! start_redis; then
    is_ci && die "redis-server could not be started (CI=true: required)"
    echo "WARNING: Redis unavailable: tests marked 'services' that need it will be SKIPPED." >&2
fi
USED_CHROMIUM="none (browser tests skipped)"
if [ -x "$CHROMIUM" ]; then
    USED_CHROMIUM="$("$CHROMIUM" --version 2>/dev/null | head -1) (headless shell)"
    echo "Chromium: $USED_CHROMIUM at $CHROMIUM"
elif is_ci; then
    die "$CHROMIUM is missing (CI=true: browser tests are required)"
fi
export CEUTRACK_SERVICES=1
# Compiled bytecode, kept under .venv/pycache (out of the source tree): with
# PYTHONDONTWRITEBYTECODE set, as on these machines, every pytest worker and every child
# process (Celery worker, settings checks) compiled Django and the project from source again,
# seconds of CPU each.
unset PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX="$PWD/$VENV/pycache"
# On a fresh clone nothing is compiled yet (pip installs with --no-compile), and both pytest
# workers compiled the same modules, and rewrote the same test modules' assertions, at once as
# they imported them: about 10 s at the start of pytest. Do both once on the second core
# instead, while the single-threaded checks below run (compileall, then one collection, which
# caches the rewritten test modules); pytest waits for it. Later runs find it done in seconds.
#
# On PostgreSQL that collection is a run of one worker (gw0) and one test that needs the
# database, so pytest-django also creates and migrates gw0's test database as it always does
# and keeps it (--reuse-db); the other workers' databases are copies of it (CREATE DATABASE
# ... TEMPLATE). pytest below then finds every worker's database ready instead of migrating
# one per worker at its start (1.8-2.3 s each, two at once). The cluster is this run's own,
# made empty above, so no database from an earlier run or branch can be reused by mistake.
MAX_WORKERS=4
REUSE_DB=()
[[ "$USED_DB" == PostgreSQL* ]] && REUSE_DB=(--reuse-db)
SITE_PACKAGES="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
{
    # (Under set -e: a module that does not compile must not stop the steps after it.)
    "$PY" -m compileall -q "$SITE_PACKAGES" ceutrack tests || true
    if [ ${#REUSE_DB[@]} -gt 0 ]; then
        # (If it selects nothing or fails, pytest below makes what is missing itself.)
        "$PY" -m pytest -n 1 --reuse-db tests \
            -k test_the_database_cache_table_exists_after_migrations \
            && for worker in $(seq 1 $((MAX_WORKERS - 1))); do
            # Retried: gw0's server process may outlive its client by a moment, and a
            # template must have no one connected.
            copy="CREATE DATABASE test_ceutrack_gw$worker TEMPLATE test_ceutrack_gw0"
            for _ in $(seq 20); do
                as_postgres "$PG_BIN/psql" -q -h "$PG_DIR" -p "$PG_PORT" -U postgres \
                    -d postgres -c "$copy" && break
                sleep 0.1
            done
        done
    else
        "$PY" -m pytest --collect-only -q tests
    fi
} >/dev/null 2>&1 &
COMPILE_PID=$!

# Every check runs even when an earlier one fails, so one CI run shows every problem.
failed=()
check() {
    local name="$1"
    shift
    say "$name"
    "$@" || failed+=("$name")
}
check "ruff check" $VENV/bin/ruff check ceutrack tests
check "ruff format --check" $VENV/bin/ruff format --check ceutrack tests
# mypy loads the settings (django-stubs): the DEBUG defaults need no SECRET_KEY.
check "mypy (django-stubs over ceutrack and benchmarks, strict on ceutrack/rules)" \
    env DEBUG=1 $VENV/bin/mypy
check "import-linter (app layers, engine independent)" $VENV/bin/lint-imports --no-cache
check "bandit (no high-severity findings)" \
    $VENV/bin/bandit -q -c pyproject.toml -r ceutrack -lll
check "docker-compose.yml against the compose spec" \
    $VENV/bin/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

say "pytest (unit, integration, browser)"
wait "$COMPILE_PID" || true  # a file that does not compile is pytest's to report, not ours
COMPILE_PID=""
# Two workers (or up to 4 on bigger machines); a test file stays on one worker so its
# module fixtures run once. PYTEST_ARGS="-n 0 ..." runs in a single process.
set +e
$PY -m pytest -rfEs -n auto --maxprocesses $MAX_WORKERS --dist loadfile --no-loadscope-reorder \
    "${REUSE_DB[@]}" "${@:-tests}"
status=$?
set -e
if [ "$status" = 5 ]; then
    echo "ERROR: pytest collected no tests" >&2
    failed+=("pytest (no tests collected)")
elif [ "$status" != 0 ]; then
    failed+=("pytest (exit $status)")
fi

echo
echo "services used: database $USED_DB; broker $USED_REDIS; browser $USED_CHROMIUM"
if [ ${#failed[@]} -gt 0 ]; then
    printf 'make test FAILED:' >&2
    printf ' [%s]' "${failed[@]}" >&2
    echo >&2
    exit 1
fi
echo "make test passed: ruff, mypy, import-linter, bandit, compose schema and pytest."
