"""Project-wide pages: the landing page and the health check."""

import logging
import secrets
import tempfile
from pathlib import Path
from typing import cast

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ceutrack.accounts.http import AuthenticatedHttpRequest
from ceutrack.activities.dashboard_views import coder_context, dashboard
from ceutrack.celery import app as celery_app
from ceutrack.organizations.home import managed_memberships, overview

logger = logging.getLogger(__name__)
BROKER_TIMEOUT = 2  # seconds
# A failing part is named, never explained: exception details stay in the log.
UNAVAILABLE = "unavailable"
HEALTHZ_CACHE_KEY = "healthz"


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in home follows the person's role: a manager (owner, admin or manager of an
    organization) sees their organizations first, with their own CEU cards below if they hold
    credentials; everyone else sees their own CEU dashboard."""
    if not request.user.is_authenticated:
        return render(request, "landing.html")
    user = cast(AuthenticatedHttpRequest, request).user
    managed = managed_memberships(user)
    if not managed:
        return dashboard(cast(AuthenticatedHttpRequest, request))
    context = {
        "overviews": [overview(membership) for membership in managed],
        "own": coder_context(user),
    }
    return render(request, "home_manager.html", context)


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.warning("healthz: database check failed", exc_info=True)
        return False, UNAVAILABLE
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
    except Exception:
        logger.warning("healthz: broker check failed", exc_info=True)
        return False, UNAVAILABLE
    return True, scheme


def _cache_ok() -> tuple[bool, str]:
    """The shared cache holds login lockouts and used two-factor codes: write and read it."""
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 2)[-2]  # redis, db, locmem...
    try:
        token = secrets.token_hex(8)
        cache.set(HEALTHZ_CACHE_KEY, token, timeout=30)
        if cache.get(HEALTHZ_CACHE_KEY) != token:
            raise RuntimeError("the cache did not keep a value")
    except Exception:
        logger.warning("healthz: cache check failed", exc_info=True)
        return False, UNAVAILABLE
    return True, backend


def _check_filesystem_broker(options: dict[str, object]) -> None:
    """kombu's filesystem transport connects without touching disk and only fails on the
    first `.delay()`, so prove every folder exists and takes a file."""
    for key in ("data_folder_in", "data_folder_out", "processed_folder"):
        if key in options:
            folder = Path(str(options[key]))
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".healthz-"):
                pass


@require_GET
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says."""
    response = HttpResponseRedirect(static("favicon.ico"))
    patch_cache_control(response, public=True, max_age=86400)
    return response


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    parts = {"database": _database_ok(), "broker": _broker_ok(), "cache": _cache_ok()}
    healthy = all(ok for ok, _ in parts.values())
    body: dict[str, object] = {"status": "ok" if healthy else "fail"}
    for name, (ok, detail) in parts.items():
        body[name] = {"status": "ok" if ok else "fail", "detail": detail}
    return JsonResponse(body, status=200 if healthy else 503)
