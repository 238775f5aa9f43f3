"""Production settings (DEBUG unset, a long random SECRET_KEY, ALLOWED_HOSTS set), read from a
clean environment and put in force in this process: `manage.py check --deploy` finds nothing,
cookies are secure, and a response carries every security header."""

import os
import secrets

import pytest
from django.conf import settings as s
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client, override_settings

from tests.settings_loader import overrides, read_settings

COOKIE_SETTINGS = (
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
)


@pytest.fixture(scope="module")
def production(tmp_path_factory, django_db_setup, django_db_blocker):
    # The browser tests' conftest sets this in the process for live_server; a deployment never.
    async_unsafe = os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    try:
        return _production(tmp_path_factory, django_db_blocker)
    finally:
        if async_unsafe is not None:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = async_unsafe


def _production(tmp_path_factory, django_db_blocker):
    folder = tmp_path_factory.mktemp("production")
    env = {"SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "ceutrack.example.com"}
    values = overrides(read_settings(env, folder))
    (folder / "var" / "staticfiles").mkdir(parents=True)  # WhiteNoise looks for it at start
    with override_settings(**values), django_db_blocker.unblock():
        try:
            call_command("check", deploy=True, fail_level="WARNING")
            check = "clean"
        except SystemCheckError as error:
            check = str(error)
        client = Client()
        https = client.get("/healthz", secure=True, HTTP_HOST="ceutrack.example.com")
        http = client.get("/accounts/login/", HTTP_HOST="ceutrack.example.com")
        return {
            "check": check,
            "cookies": {name: getattr(s, name) for name in COOKIE_SETTINGS},
            "headers": dict(https.headers),
            "http": [http.status_code, http.get("Location")],
        }


def test_it_passes_the_deployment_check_with_no_warnings(production):
    assert production["check"] == "clean"


def test_it_sends_cookies_only_over_https_out_of_reach_of_scripts(production):
    assert production["cookies"] == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
    }


def test_it_redirects_plain_http_to_https(production):
    status, location = production["http"]

    assert status == 301
    assert location == "https://ceutrack.example.com/accounts/login/"


def test_it_sends_every_security_header_over_https(production):
    headers = production["headers"]

    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in headers["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
