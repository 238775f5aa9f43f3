"""ceutrack/settings.py read from a clean environment (a fresh module object per case, in this
process): the defaults serve a first run with nothing installed, the URLs switch to real
services, and production refuses to start half-configured."""

import json
import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings

from tests.settings_loader import SETTINGS, read_settings

REPO = Path(__file__).resolve().parents[2]
STATIC = REPO / "static"
PRODUCTION = {"SECRET_KEY": "s3cret-for-this-test", "ALLOWED_HOSTS": "ceutrack.example.com"}


def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path):
    with pytest.raises(ImproperlyConfigured, match=r"SECRET_KEY must be set when DEBUG is off\."):
        read_settings({"ALLOWED_HOSTS": "ceutrack.example.com"}, tmp_path)


def test_it_refuses_to_start_in_production_without_allowed_hosts(tmp_path):
    with pytest.raises(
        ImproperlyConfigured, match=r"ALLOWED_HOSTS must be set when DEBUG is off\."
    ):
        read_settings({"SECRET_KEY": "s3cret-for-this-test"}, tmp_path)


def test_it_starts_in_production_with_both_and_then_is_strict(tmp_path):
    values = read_settings(PRODUCTION, tmp_path)

    assert values.DEBUG is False
    assert values.SECURE_SSL_REDIRECT is True
    assert (
        values.STORAGES["staticfiles"]["BACKEND"]
        == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert values.ADMIN_REQUIRES_TWO_FACTOR is True
    # Without Redis, a cache every worker shares: a table in the database, large enough that
    # a department's lockout counters are not culled.
    assert values.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert values.CACHES["default"]["OPTIONS"]["MAX_ENTRIES"] >= 10_000


def test_it_trusts_forwarded_headers_only_when_told_a_proxy_is_in_front(tmp_path):
    direct = read_settings(PRODUCTION, tmp_path)
    proxied = read_settings({**PRODUCTION, "BEHIND_PROXY": "1"}, tmp_path)

    # Django's default (None) stands: a client's X-Forwarded-Proto means nothing.
    assert getattr(direct, "SECURE_PROXY_SSL_HEADER", None) is None
    assert direct.ALLAUTH_TRUSTED_PROXY_COUNT == 0  # sign-in limits count the connecting address
    assert tuple(proxied.SECURE_PROXY_SSL_HEADER) == ("HTTP_X_FORWARDED_PROTO", "https")
    assert proxied.ALLAUTH_TRUSTED_PROXY_COUNT == 1


def test_it_refuses_a_per_process_cache_in_production(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL names a per-process cache"):
        read_settings({**PRODUCTION, "CACHE_URL": "locmemcache://"}, tmp_path)


def test_it_defaults_to_sqlite_the_filesystem_broker_and_console_email(tmp_path):
    var_dir = tmp_path / "var"
    values = read_settings({"DEBUG": "1"}, tmp_path)

    assert values.DEBUG is True
    assert values.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values.DATABASES["default"]["NAME"] == str(var_dir / "ceutrack.sqlite3")
    assert values.CELERY_BROKER_URL == "filesystem://"
    options = values.CELERY_BROKER_TRANSPORT_OPTIONS
    assert options["data_folder_in"] == str(var_dir / "celery" / "queue")
    assert values.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert values.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"


def test_it_switches_to_postgresql_when_database_url_is_set(tmp_path):
    url = "postgres://ceutrack:pw@db.internal:5433/ceutrack"
    values = read_settings({"DEBUG": "1", "DATABASE_URL": url}, tmp_path)

    database = values.DATABASES["default"]
    assert {k: database.get(k) for k in ("ENGINE", "NAME", "HOST", "PORT")} == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "ceutrack",
        "HOST": "db.internal",
        "PORT": 5433,
    }


def test_it_switches_broker_and_cache_to_redis_when_redis_url_is_set(tmp_path):
    values = read_settings({"DEBUG": "1", "REDIS_URL": "redis://cache.internal:6379/2"}, tmp_path)

    assert values.CELERY_BROKER_URL == "redis://cache.internal:6379/2"
    assert values.CACHES["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/2",
    }


def test_it_sends_real_mail_when_email_url_is_set(tmp_path):
    url = "smtp://user:pw@mail.internal:2525"
    values = read_settings({"DEBUG": "1", "EMAIL_URL": url}, tmp_path)

    assert values.EMAIL_BACKEND == "ceutrack.smtp.EmailBackend"
    assert values.EMAIL_HOST == "mail.internal"


def test_it_collects_static_files_with_hashed_names_in_production(tmp_path):
    """Every file of the project's static folder is collected under a content-hashed name (the
    installed apps' files are theirs)."""
    production = read_settings(PRODUCTION, tmp_path)
    static_root = tmp_path / "staticfiles"
    with override_settings(
        STATIC_ROOT=static_root,
        STATICFILES_DIRS=production.STATICFILES_DIRS,
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        STORAGES=production.STORAGES,
    ):
        call_command("collectstatic", "--noinput", verbosity=0)

    manifest = json.loads((static_root / "staticfiles.json").read_text())
    sources = {str(path.relative_to(STATIC)) for path in STATIC.rglob("*") if path.is_file()}
    assert sources <= set(manifest["paths"])
    for name in ("vendor/bootstrap/bootstrap.min.css", "css/ceutrack.css", "js/progress.js"):
        hashed = manifest["paths"][name]
        assert hashed != name and (static_root / hashed).is_file()


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
