"""docker-compose.yml and the Dockerfile checked against the project, since no Docker engine
runs here: `make test` validates the compose schema, these tests its meaning."""

import importlib.util
import re
import shlex
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "beat")
ONE_SHOT = ("migrate",)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return (REPO / "Dockerfile").read_text()


def command_words(service: dict) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def env_names_read_by_settings() -> set[str]:
    source = (REPO / "ceutrack" / "settings.py").read_text()
    return set(re.findall(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""", source))


def module_exists(dotted: str) -> bool:
    return importlib.util.find_spec(dotted) is not None


def test_it_defines_the_app_and_its_services(compose):
    assert set(compose["services"]) == {
        "migrate",
        "web",
        "worker",
        "beat",
        "postgres",
        "redis",
        "mailpit",
    }


def test_it_gives_every_long_running_service_a_health_check(compose):
    for name, service in compose["services"].items():
        if name in ONE_SHOT:
            assert service["restart"] == "no"
            continue
        check = service.get("healthcheck", {})
        assert check.get("test"), f"{name} has no health check"
        assert not check.get("disable"), f"{name} disables its health check"


def test_it_keeps_state_in_named_volumes(compose):
    declared = set(compose["volumes"])
    used = set()
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            assert not source.startswith((".", "/")), f"bind mount {volume}: use a named volume"
            used.add(source)
    assert used == declared
    assert {"postgres-data", "private-media"} <= used


def test_it_runs_the_celery_app_that_exists(compose):
    for name in ("worker", "beat"):
        words = command_words(compose["services"][name])
        app_path = words[words.index("-A") + 1]
        assert app_path == "ceutrack"
        assert name in words
    # `celery -A ceutrack` finds ceutrack/celery.py and its `app`.
    from ceutrack.celery import app

    assert app.main == "ceutrack"


def test_it_serves_web_with_gunicorn_on_the_project_wsgi_module(compose):
    words = command_words(compose["services"]["web"])
    gunicorn_line = next(word for word in words if "gunicorn" in word)
    wsgi_module = re.search(r"gunicorn\s+([\w.]+)", gunicorn_line)
    wsgi_target = wsgi_module.group(1) if wsgi_module else words[words.index("gunicorn") + 1]
    assert module_exists(wsgi_target)


def test_it_migrates_once_before_web_worker_and_beat_start(compose):
    migrate = compose["services"]["migrate"]
    assert command_words(migrate)[-3:] == ["manage.py", "migrate", "--noinput"]
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in APP_SERVICES:
        depends = compose["services"][name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert "migrate" not in " ".join(command_words(compose["services"][name])), name


def test_it_passes_every_env_file_setting_to_the_app_containers(compose):
    for name in (*APP_SERVICES, *ONE_SHOT):
        env_file = compose["services"][name]["env_file"]
        paths = [env_file] if isinstance(env_file, str) else env_file
        paths = [p["path"] if isinstance(p, dict) else p for p in paths]
        assert ".env" in paths, name


def test_it_pins_every_image_to_a_version(compose):
    version = re.search(r'^version = "([^"]+)"', (REPO / "pyproject.toml").read_text(), re.M)
    for name, service in compose["services"].items():
        image = service["image"]
        repository, _, tag = image.rpartition(":")
        assert repository and tag, f"{name}: {image} has no tag"
        assert tag != "latest" and re.search(r"\d", tag), f"{name}: {image} is not a version"
    for name in (*APP_SERVICES, *ONE_SHOT):
        assert compose["services"][name]["image"] == f"ceutrack:{version.group(1)}"


def test_it_only_sets_variables_that_settings_reads(compose):
    read = env_names_read_by_settings()
    for name in (*APP_SERVICES, *ONE_SHOT):
        environment = compose["services"][name]["environment"]
        assert set(environment) - read == set(), f"{name} sets variables settings ignores"
        assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"} <= set(
            environment
        )
        assert environment["DEBUG"] == "0"


def test_it_uses_only_variables_documented_in_env_example(compose):
    documented = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (REPO / ".env.example").read_text(), re.M)
    )
    interpolated = set(
        re.findall(r"\$\{([A-Z][A-Z0-9_]*)", (REPO / "docker-compose.yml").read_text())
    )
    # POSTGRES_PASSWORD belongs to the postgres image and the compose file only.
    assert interpolated - documented - {"POSTGRES_PASSWORD"} == set()


def test_it_points_the_app_at_the_compose_services(compose):
    environment = compose["services"]["web"]["environment"]
    assert "@postgres:5432/" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert environment["EMAIL_URL"].startswith("smtp://mailpit:")
    depends = compose["services"]["web"]["depends_on"]
    assert depends["postgres"]["condition"] == "service_healthy"
    assert depends["redis"]["condition"] == "service_healthy"


def test_it_builds_from_files_that_exist(dockerfile):
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.M)
    for line in re.findall(r"^COPY\s+(.+)$", dockerfile, re.M):
        *sources, _destination = line.split()
        for source in sources:
            assert (REPO / source).exists(), f"Dockerfile copies missing {source}"


def test_it_runs_as_a_non_root_user_and_starts_gunicorn_on_the_wsgi_module(dockerfile):
    user = re.findall(r"^USER\s+(\S+)", dockerfile, re.M)
    assert user and user[-1] not in {"root", "0"}
    assert "collectstatic" in dockerfile
    command = re.search(r"^CMD\s+(\[.*\])", dockerfile, re.M)
    assert command
    words = yaml.safe_load(command.group(1))
    assert words[0] == "gunicorn"
    assert module_exists(words[1])


def test_it_keeps_local_state_out_of_the_build_context():
    ignored = (REPO / ".dockerignore").read_text().split()
    assert {".git", ".venv", ".env", "var"} <= set(ignored)
