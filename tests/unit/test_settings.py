"""ceutrack/settings.py read from a clean environment, in a subprocess per case: the defaults
serve a first run with nothing installed, the URLs switch to real services, and production
refuses to start half-configured."""

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SETTINGS = REPO / "ceutrack" / "settings.py"

PRINT_SETTINGS = """
import json
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "DATABASE": {k: s.DATABASES["default"].get(k) for k in ("ENGINE", "NAME", "HOST", "PORT")},
    "CACHE": s.CACHES["default"],
    "BROKER_URL": s.CELERY_BROKER_URL,
    "BROKER_OPTIONS": s.CELERY_BROKER_TRANSPORT_OPTIONS,
    "EMAIL_BACKEND": s.EMAIL_BACKEND,
    "EMAIL_HOST": getattr(s, "EMAIL_HOST", None),
    "STATICFILES": s.STORAGES["staticfiles"]["BACKEND"],
    "SSL_REDIRECT": getattr(s, "SECURE_SSL_REDIRECT", False),
    "PROXY_SSL_HEADER": s.SECURE_PROXY_SSL_HEADER,
    "TRUSTED_PROXY_COUNT": s.ALLAUTH_TRUSTED_PROXY_COUNT,
    "ADMIN_REQUIRES_TWO_FACTOR": s.ADMIN_REQUIRES_TWO_FACTOR,
}))
"""


PRODUCTION = {"SECRET_KEY": "s3cret-for-this-test", "ALLOWED_HOSTS": "ceutrack.example.com"}
START_DJANGO = "import django; django.setup()"
COLLECTSTATIC = (
    "import django; django.setup();"
    "from django.core.management import call_command;"
    "call_command('collectstatic', '--noinput', verbosity=0)"
)
# name: (code, environment). Each runs in its own clean subprocess; all start at once.
CASES = {
    "no_secret_key": (START_DJANGO, {"ALLOWED_HOSTS": "ceutrack.example.com"}),
    "no_allowed_hosts": (START_DJANGO, {"SECRET_KEY": "s3cret-for-this-test"}),
    "production": (PRINT_SETTINGS, PRODUCTION),
    "defaults": (PRINT_SETTINGS, {"DEBUG": "1"}),
    "postgres": (
        PRINT_SETTINGS,
        {"DEBUG": "1", "DATABASE_URL": "postgres://ceutrack:pw@db.internal:5433/ceutrack"},
    ),
    "redis": (PRINT_SETTINGS, {"DEBUG": "1", "REDIS_URL": "redis://cache.internal:6379/2"}),
    "smtp": (PRINT_SETTINGS, {"DEBUG": "1", "EMAIL_URL": "smtp://user:pw@mail.internal:2525"}),
    "collectstatic": (COLLECTSTATIC, PRODUCTION),
    "behind_proxy": (PRINT_SETTINGS, {**PRODUCTION, "BEHIND_PROXY": "1"}),
    "per_process_cache": (START_DJANGO, {**PRODUCTION, "CACHE_URL": "locmemcache://"}),
}


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str
    var_dir: Path

    def settings(self) -> dict:
        assert self.returncode == 0, self.stderr
        return json.loads(self.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, Outcome]:
    """Run every case with only PATH and its own variables: no developer .env, no CI leftovers."""
    running = {}
    for name, (code, env) in CASES.items():
        folder = tmp_path_factory.mktemp(name)
        clean_env = {
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "ceutrack.settings",
            "ENV_FILE": str(folder / "no.env"),
            "CEUTRACK_VAR_DIR": str(folder / "var"),
            **env,
        }
        process = subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=REPO,
            env=clean_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        running[name] = (process, folder / "var")
    results = {}
    for name, (process, var_dir) in running.items():
        stdout, stderr = process.communicate(timeout=180)
        results[name] = Outcome(process.returncode, stdout, stderr, var_dir)
    return results


def test_it_refuses_to_start_in_production_without_a_secret_key(outcomes):
    result = outcomes["no_secret_key"]

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_it_refuses_to_start_in_production_without_allowed_hosts(outcomes):
    result = outcomes["no_allowed_hosts"]

    assert result.returncode != 0
    assert "ImproperlyConfigured: ALLOWED_HOSTS must be set when DEBUG is off." in result.stderr


def test_it_starts_in_production_with_both_and_then_is_strict(outcomes):
    values = outcomes["production"].settings()

    assert values["DEBUG"] is False
    assert values["SSL_REDIRECT"] is True
    assert values["STATICFILES"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["ADMIN_REQUIRES_TWO_FACTOR"] is True
    # Without Redis, a cache every worker shares: a table in the database, large enough that
    # a department's lockout counters are not culled.
    assert values["CACHE"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert values["CACHE"]["OPTIONS"]["MAX_ENTRIES"] >= 10_000


def test_it_trusts_forwarded_headers_only_when_told_a_proxy_is_in_front(outcomes):
    direct = outcomes["production"].settings()
    proxied = outcomes["behind_proxy"].settings()

    assert direct["PROXY_SSL_HEADER"] is None  # a client's X-Forwarded-Proto means nothing
    assert direct["TRUSTED_PROXY_COUNT"] == 0  # sign-in limits count the connecting address
    assert proxied["PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert proxied["TRUSTED_PROXY_COUNT"] == 1


def test_it_refuses_a_per_process_cache_in_production(outcomes):
    result = outcomes["per_process_cache"]

    assert result.returncode != 0
    assert "CACHE_URL names a per-process cache" in result.stderr


def test_it_defaults_to_sqlite_the_filesystem_broker_and_console_email(outcomes):
    var_dir = outcomes["defaults"].var_dir
    values = outcomes["defaults"].settings()

    assert values["DEBUG"] is True
    assert values["DATABASE"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["DATABASE"]["NAME"] == str(var_dir / "ceutrack.sqlite3")
    assert values["BROKER_URL"] == "filesystem://"
    assert values["BROKER_OPTIONS"]["data_folder_in"] == str(var_dir / "celery" / "queue")
    assert values["CACHE"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_it_switches_to_postgresql_when_database_url_is_set(outcomes):
    values = outcomes["postgres"].settings()

    assert values["DATABASE"] == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "ceutrack",
        "HOST": "db.internal",
        "PORT": 5433,
    }


def test_it_switches_broker_and_cache_to_redis_when_redis_url_is_set(outcomes):
    values = outcomes["redis"].settings()

    assert values["BROKER_URL"] == "redis://cache.internal:6379/2"
    assert values["CACHE"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/2",
    }


def test_it_sends_real_mail_when_email_url_is_set(outcomes):
    values = outcomes["smtp"].settings()

    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["EMAIL_HOST"] == "mail.internal"


def test_it_collects_static_files_with_hashed_names_in_production(outcomes):
    """The manifest storage rewrites url(...) in CSS: the vendored icon fonts must resolve."""
    result = outcomes["collectstatic"]
    assert result.returncode == 0, result.stderr

    static_root = result.var_dir / "staticfiles"
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    icons_css = manifest["paths"]["vendor/bootstrap-icons/bootstrap-icons.min.css"]
    font = manifest["paths"]["vendor/bootstrap-icons/fonts/bootstrap-icons.woff2"]
    assert font.rsplit("/", 1)[-1] in (static_root / icons_css).read_text()


def env_names_read_by_settings() -> set[str]:
    source = SETTINGS.read_text()
    return set(re.findall(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""", source))


def env_names_in_env_example() -> set[str]:
    text = (REPO / ".env.example").read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_it_documents_every_variable_settings_reads_in_env_example():
    read = env_names_read_by_settings()

    assert {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"} <= read
    assert read - env_names_in_env_example() == set(), "add these to .env.example"
    assert env_names_in_env_example() - read == set(), ".env.example lists unread variables"
