"""Production settings, read in a clean subprocess (DEBUG unset, a long random SECRET_KEY,
ALLOWED_HOSTS set): `manage.py check --deploy` finds nothing, cookies are secure, and a
response carries every security header."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]

PROBE = """
import json
from django.conf import settings as s
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client

try:
    call_command("check", deploy=True, fail_level="WARNING")
    check = "clean"
except SystemCheckError as error:
    check = str(error)
client = Client()
https = client.get("/healthz", secure=True, HTTP_HOST="ceutrack.example.com")
http = client.get("/accounts/login/", HTTP_HOST="ceutrack.example.com")
print(json.dumps({
    "check": check,
    "cookies": {
        name: getattr(s, name)
        for name in (
            "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
            "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE",
        )
    },
    "headers": dict(https.headers),
    "http": [http.status_code, http.get("Location")],
}))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    folder = tmp_path_factory.mktemp("production")
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "ceutrack.settings",
        "ENV_FILE": str(folder / "no.env"),
        "CEUTRACK_VAR_DIR": str(folder / "var"),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "ceutrack.example.com",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + PROBE],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


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
