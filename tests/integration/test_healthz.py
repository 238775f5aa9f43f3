"""/healthz: 200 naming the database, broker and shared cache as ok when all answer, 503 and
the failing part otherwise, never the exception (that goes to the log). Load balancers and
compose health checks rely on it."""

import socket
import time
from pathlib import Path

import pytest
from django.db import OperationalError, connection, connections

from ceutrack import views
from ceutrack.celery import app as celery_app

FOLDERS = ("data_folder_in", "data_folder_out", "processed_folder")


@pytest.fixture
def broker_conf():
    """Celery's conf is process-wide: put the real broker settings back after the test."""
    saved = {
        "broker_url": celery_app.conf.broker_url,
        "broker_transport_options": celery_app.conf.broker_transport_options,
    }
    yield celery_app.conf
    celery_app.conf.update(saved)


@pytest.fixture
def filesystem_broker(broker_conf, tmp_path):
    """Point Celery at a filesystem broker whose folders live in tmp_path (not created yet)."""
    options = {key: str(tmp_path / "celery" / key) for key in FOLDERS}
    broker_conf.update(broker_url="filesystem://", broker_transport_options=options)
    return options


def create_folders(options: dict[str, str]) -> None:
    for folder in options.values():
        Path(folder).mkdir(parents=True)


@pytest.fixture
def redis_broker(broker_conf):
    def point_at(url: str) -> None:
        broker_conf.update(broker_url=url, broker_transport_options={})

    return point_at


def test_it_answers_200_naming_database_and_broker_as_ok(client, db, filesystem_broker):
    create_folders(filesystem_broker)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": {"status": "ok", "detail": connection.vendor},
        "broker": {"status": "ok", "detail": "filesystem"},
        "cache": {"status": "ok", "detail": "locmem"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_it_answers_503_naming_the_broker_when_its_folders_are_missing(
    client, db, filesystem_broker
):
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["database"]["status"] == "ok"
    assert body["broker"] == {"status": "fail", "detail": "unavailable"}


def test_it_answers_503_when_a_broker_folder_is_a_file_that_cannot_take_messages(
    client, db, filesystem_broker
):
    for folder in filesystem_broker.values():
        Path(folder).parent.mkdir(parents=True, exist_ok=True)
        Path(folder).write_text("not a folder")

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["broker"]["status"] == "fail"


def test_it_answers_503_naming_the_broker_when_nothing_listens_on_the_redis_port(
    client, db, redis_broker
):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    redis_broker(f"redis://127.0.0.1:{closed_port}/0")

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["broker"] == {"status": "fail", "detail": "unavailable"}
    assert response.json()["database"]["status"] == "ok"


def test_it_gives_up_on_a_redis_that_accepts_but_never_answers_within_the_timeout(
    client, db, redis_broker, monkeypatch
):
    monkeypatch.setattr(views, "BROKER_TIMEOUT", 0.3)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel completes the handshake; nobody ever replies
        redis_broker(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        started = time.monotonic()

        response = client.get("/healthz")

    assert time.monotonic() - started < 2
    assert response.status_code == 503
    assert response.json()["broker"]["status"] == "fail"


def test_it_answers_503_naming_the_database_when_it_does_not_answer(
    client, db, filesystem_broker, monkeypatch
):
    create_folders(filesystem_broker)

    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", unreachable)
    response = client.get("/healthz")
    monkeypatch.undo()

    assert response.status_code == 503
    assert response.json()["database"] == {"status": "fail", "detail": "unavailable"}
    assert response.json()["broker"]["status"] == "ok"


def test_it_only_answers_get(client, db):
    assert client.post("/healthz").status_code == 405


@pytest.mark.services("postgres", "redis")
def test_it_reports_the_real_postgresql_and_redis_that_make_test_starts(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["database"] == {"status": "ok", "detail": "postgresql"}
    assert response.json()["broker"] == {"status": "ok", "detail": "redis"}


def test_it_answers_503_naming_the_cache_without_saying_why(
    client, db, filesystem_broker, settings
):
    create_folders(filesystem_broker)
    # A database cache whose table was never created (createcachetable not run).
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "no_such_cache_table",
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["cache"] == {"status": "fail", "detail": "unavailable"}
    assert "no_such_cache_table" not in response.content.decode()
    assert response.json()["database"]["status"] == "ok"


def test_the_database_cache_table_exists_after_migrations(db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "ceutrack_cache",
        }
    }
    from django.core.cache import cache

    cache.set("shared", "by every worker", timeout=60)

    assert cache.get("shared") == "by every worker"
