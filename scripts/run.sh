#!/usr/bin/env bash
# `make run`: prepare var/, the database and static files, seed the demo accounts, then run
# web + Celery worker + Celery beat in the foreground under honcho (one Ctrl-C stops all three).
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBUG=1  # make run is the development loop; production runs gunicorn (see Dockerfile)
export PORT="${PORT:-8000}"
# honcho hands the worker and beat other PORT values; emailed links must name the web port.
export WEB_PORT="$PORT"

# On the first run, a local .env (git-ignored) so `python manage.py ...` in this clone works
# without exporting anything. An existing .env is never touched.
if [ ! -e .env ]; then
    cat > .env <<'ENVEOF'
# Written by `make run` on its first run (git-ignored); see .env.example for every variable.
# Development mode: lets `python manage.py send_reminders` and friends start without a SECRET_KEY.
DEBUG=1
ENVEOF
    echo "==> wrote .env (DEBUG=1) so management commands work in this clone"
fi
export PYTHONUNBUFFERED=1
PY=.venv/bin/python

# tesseract reads photographed certificates (the worker's OCR); installed like `make test`'s
# system packages when missing. Without it the app still runs: photos are kept, not read.
if ! command -v tesseract >/dev/null; then
    as_root=()
    [ "$(id -u)" = 0 ] || as_root=(sudo -n)
    echo "==> installing tesseract-ocr (reads photographed certificates)"
    if ! { command -v apt-get >/dev/null \
        && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
        && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends tesseract-ocr >/dev/null; }; then
        echo "WARNING: tesseract-ocr could not be installed: photos will be kept but not read." >&2
    fi
fi

echo "==> preparing var/, migrating, collecting static files, seeding demo data"
mkdir -p var
# One Python process for all four steps: each Django start-up costs seconds on a busy machine.
DJANGO_SETTINGS_MODULE=ceutrack.settings $PY - <<'PYEOF'
import django

django.setup()
from django.conf import settings
from django.core.management import call_command

from ceutrack.celery import ensure_broker_folders

ensure_broker_folders()
settings.PRIVATE_MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
call_command("migrate", interactive=False, verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
call_command("seed_demo")
PYEOF
cat <<MSG

  ceutrack is starting on  http://127.0.0.1:${PORT}/
  health check:            http://127.0.0.1:${PORT}/healthz
  demo logins (password ceutrack-demo): coder@example.com, manager@example.com
  emails are printed below by the worker (console backend); Ctrl-C stops web, worker and beat.

MSG
# honcho hands PORT to the first Procfile entry (web) and PORT+100*n to the others.
exec .venv/bin/honcho start -f Procfile -p "$PORT" 2>&1
