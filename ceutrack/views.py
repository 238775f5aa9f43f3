"""Project-wide pages: the landing page and the health check."""

import logging
import tempfile
from pathlib import Path
from typing import cast

import redis
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ceutrack.accounts.http import AuthenticatedHttpRequest
from ceutrack.activities.dashboard_views import dashboard
from ceutrack.celery import app as celery_app

logger = logging.getLogger(__name__)
BROKER_TIMEOUT = 2  # seconds


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return dashboard(cast(AuthenticatedHttpRequest, request))
    return render(request, "landing.html")


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("healthz: database check failed", exc_info=True)
        return False, type(exc).__name__
    return True, connection.vendor


def _broker_ok() -> tuple[bool, str]:
    """Ask the broker itself; a load balancer must hear about a dead broker within seconds."""
    url = str(celery_app.conf.broker_url or "")
    scheme = url.split("://", 1)[0]
    try:
        if scheme == "filesystem":
            _check_filesystem_broker(celery_app.conf.broker_transport_options or {})
        elif scheme in {"redis", "rediss"}:
            client = redis.Redis.from_url(
                url, socket_connect_timeout=BROKER_TIMEOUT, socket_timeout=BROKER_TIMEOUT
            )
            try:
                client.ping()
            finally:
                client.close()
        else:
            with celery_app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)
    except Exception as exc:
        logger.warning("healthz: broker check failed", exc_info=True)
        return False, type(exc).__name__
    return True, scheme


def _check_filesystem_broker(options: dict[str, object]) -> None:
    """kombu's filesystem transport connects without touching disk and only fails on the
    first `.delay()`, so prove every folder exists and takes a file."""
    for key in ("data_folder_in", "data_folder_out", "processed_folder"):
        if key in options:
            folder = Path(str(options[key]))
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".healthz-"):
                pass


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    healthy = db_ok and broker_ok
    body = {
        "status": "ok" if healthy else "fail",
        "database": {"status": "ok" if db_ok else "fail", "detail": db_detail},
        "broker": {"status": "ok" if broker_ok else "fail", "detail": broker_detail},
    }
    return JsonResponse(body, status=200 if healthy else 503)
