"""Rows built once for a whole test module, for the table-driven files whose every case needs
the same world (tests/integration/organizations/test_access_matrix.py, ...).

`rows_for_the_module` opens a transaction around the module; each test's own transaction
(pytest-django's `db`) is then a savepoint inside it, rolled back after the test, so every test
still starts from exactly the rows the module built. The module's transaction is rolled back at
its end. Tests must not keep the module's Python objects between tests: hand each test a
`copy.deepcopy` of them (as Django's `TestCase.setUpTestData` does), so that one test's changes
in memory never reach the next."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import CharField, Model
from django.test import override_settings


def suite_settings() -> dict:
    """What every test runs with (tests/conftest.py): mail in memory, fast password hashing,
    an empty in-memory cache holding the sessions."""
    from django.conf import settings

    return {
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "CELERY_TASK_ALWAYS_EAGER": True,
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        # PBKDF2's deliberate slowness costs about a second per user built; tests need no secrecy.
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        # allauth's rate-limit counters live in the cache. Never the configured cache: under
        # `make test` that is the Redis that also carries the Celery test's messages.
        "CACHES": {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
        },
        # Sessions in that cache: no session rows written and read at every sign-in and
        # request (the browser tests keep the production database sessions).
        "SESSION_ENGINE": "django.contrib.sessions.backends.cache",
    }


def private_files_in(private_root: Path) -> dict:
    """Private uploads (certificates) under `private_root` instead of the configured folder."""
    return {"PRIVATE_MEDIA_ROOT": private_root, "MEDIA_ROOT": private_root}


# What migrate made and no test changes: kept by the reset below, as the flush recreates them.
KEPT_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


def empty_the_database(alias: str) -> None:
    """Leave the database as a transactional test's closing flush does, every table empty but
    the content types and permissions that migrate made, at the cost of one DELETE per table
    that holds rows. The flush TRUNCATEs all ~40 tables and then creates the content types and
    permissions again: about 0.25-0.4 s after each transactional test. Foreign keys are
    deferred to the commit on PostgreSQL and SQLite alike, so the order of the DELETEs does
    not matter."""
    from django.db import connections

    connection = connections[alias]
    quote = connection.ops.quote_name
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    holding_rows = " UNION ALL ".join(
        f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM {quote(table)})" for table in tables
    )
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute(holding_rows)
        for (table,) in cursor.fetchall():
            if table not in KEPT_TABLES:
                cursor.execute(f"DELETE FROM {quote(table)}")  # nosec B608: Django's table names


def seed_catalog_if_flushed() -> None:
    """The credential catalog (CredentialType and BodyRule rows) that the migrations seed from
    the engine's DEFAULT_CATALOG. A transactional test's closing flush empties every table, so
    tests/conftest.py writes the rows again after it, one INSERT per table in catalog order (the
    order load_catalog() reads them in; the migration's update_or_create per row costs some 340
    queries), and drops the content-type ids cached before the flush.
    tests/integration/credentials/test_catalog.py checks that the migrations give the same rows."""
    from django.contrib.contenttypes.models import ContentType

    from ceutrack.credentials.models import BodyRule, CredentialType
    from ceutrack.rules import DEFAULT_CATALOG

    if CredentialType.objects.exists():  # the flush empties both tables together
        return
    BodyRule.objects.bulk_create(_row(BodyRule, body) for body in DEFAULT_CATALOG.bodies)
    CredentialType.objects.bulk_create(
        _row(CredentialType, credential) for credential in DEFAULT_CATALOG.credentials
    )
    # The flush also emptied django_content_type (recreated with new ids): forget the ids this
    # process cached, or the admin log and history rows point at vanished ones.
    ContentType.objects.clear_cache()


def _row(model: type[Model], item: Any) -> Model:
    """An engine catalog entry as its row: a text column holds "" where the engine has None."""
    values = {field.name: getattr(item, field.name) for field in fields(item)}
    for name, value in values.items():
        if value is None and isinstance(model._meta.get_field(name), CharField):
            values[name] = ""
    return model(**values)


@contextmanager
def rows_for_the_module(django_db_blocker, private_root: Path) -> Iterator[None]:
    """Use in a module-scoped fixture (which also asks for `django_db_setup`):

    with rows_for_the_module(django_db_blocker, tmp_path_factory.mktemp("rows")):
        yield build_the_world()
    """
    with (
        django_db_blocker.unblock(),
        override_settings(**private_files_in(private_root)),
        transaction.atomic(),
    ):
        yield
        transaction.set_rollback(True)
