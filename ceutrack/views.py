"""Project-wide pages: the landing page and the health check."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ceutrack.celery import app as celery_app


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return render(request, "home_signed_in.html")
    return render(request, "landing.html")


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ok"
        return False, f"{type(exc).__name__}: {exc}"
    return True, connection.vendor


def _broker_ok() -> tuple[bool, str]:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:  # noqa: BLE001
        return False, f"{type(exc).__name__}: {exc}"
    return True, str(transport)


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
