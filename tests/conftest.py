import atexit
import itertools
import logging
import os
import sys
from collections import Counter

import pytest
from django.test import TransactionTestCase, override_settings
from hypothesis import settings as hypothesis_settings

from tests.shared_rows import (
    empty_the_database,
    private_files_in,
    seed_catalog_if_flushed,
    suite_settings,
)

_test_numbers = itertools.count()

# Property tests try 25 examples each (HYPOTHESIS_EXAMPLES=1000 for a thorough run), with no
# example database written under the checkout and no per-example deadline on a busy machine.
hypothesis_settings.register_profile(
    "suite",
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "25")),
    database=None,
    deadline=None,
)
hypothesis_settings.load_profile("suite")


@pytest.fixture(scope="session", autouse=True)
def _suite_settings(django_test_environment):
    """The settings every test runs with (tests/shared_rows.py): mail in memory, Celery tasks
    run inline, fast password hashing, an in-memory cache holding the sessions. Applied once
    for the run: each setting overridden is a round of signals, which every test paid for
    twice when they were applied per test (about 0.5 ms a test). Yields the session engine
    the project configures, which the browser tests keep."""
    from django.conf import settings

    configured_session_engine = settings.SESSION_ENGINE
    with override_settings(**suite_settings()):
        yield configured_session_engine


@pytest.fixture(autouse=True)
def _isolated_settings(request, tmp_path_factory, _suite_settings):
    """Every test: private uploads in a folder of its own (made when first written to), an
    empty cache, Celery tasks run inline. Sessions live in that cache (no session rows written
    and read on every sign-in and request), except in the browser tests, which keep the
    production database sessions."""
    values = private_files_in(tmp_path_factory.getbasetemp() / "private" / str(next(_test_numbers)))
    if _is_browser_test(request.node):
        values["SESSION_ENGINE"] = _suite_settings
    with override_settings(**values):
        from django.core.cache import cache

        from ceutrack.celery import app

        cache.clear()
        app.conf.task_always_eager = True
        app.conf.task_eager_propagates = True
        yield


# --- Real services (make test) versus the quick SQLite loop (make test-fast).
# `@pytest.mark.services("redis")` / `("postgres")` (no argument: both) marks a test that needs
# a service `make test` starts. Without it the test is skipped, except under CI=true, where a
# missing service fails the test: CI must never pass by skipping what it is meant to prove.


def running_in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _service_available(name: str) -> bool:
    if name == "postgres":
        return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    if name == "redis":
        return os.environ.get("REDIS_URL", "").startswith(("redis://", "rediss://"))
    raise pytest.UsageError(f"unknown service {name!r} in @pytest.mark.services")


def _is_browser_test(item) -> bool:
    return "tests/browser/" in item.nodeid.replace(os.sep, "/")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _is_browser_test(item):
            item.add_marker(pytest.mark.browser)
    # The order xdist hands files to its workers in (`make test` runs it with --dist loadfile
    # --no-loadscope-reorder, so it keeps this one): the other files first, most tests first
    # (xdist's own order), then the browser files, longest first, so that Playwright's event
    # loop starts late and the run ends on short files: with xdist's order (fewest tests last)
    # it ended on one worker running a browser journey of 2-6 s while the other sat idle.
    tests_in = Counter(_file(item) for item in items)
    items.sort(
        key=lambda item: (
            _is_browser_test(item),
            _browser_file_rank(item),
            -tests_in[_file(item)],
        )
    )


def _file(item) -> str:
    return item.nodeid.split("::", 1)[0]


# The browser files, longest first (`--durations=0`); a file not listed comes after them.
BROWSER_FILES_LONGEST_FIRST = (
    "test_every_page.py",
    "test_coder_journey.py",
    "test_manager_journey.py",
    "test_accessibility.py",
    "test_certificate_photo.py",
    "test_api_docs.py",
    "test_records.py",
    "test_signup_flow.py",
    "test_role_home.py",
    "test_form_accessibility.py",
    "test_reminder_journey.py",
)


def _browser_file_rank(item) -> int:
    name = _file(item).rsplit("/", 1)[-1]
    if not _is_browser_test(item) or name not in BROWSER_FILES_LONGEST_FIRST:
        return len(BROWSER_FILES_LONGEST_FIRST)
    return BROWSER_FILES_LONGEST_FIRST.index(name)


@pytest.fixture(autouse=True)
def _certificates_read_in_process(request, monkeypatch):
    """Reading a certificate starts a Python child with limits (about a second on 2 busy
    cores). Tests about pages, packs and tasks run the child's own extraction code in this
    process instead; tests marked `child_process_reading` (the limits, the crafted PDF) run the
    real child."""
    if request.node.get_closest_marker("child_process_reading"):
        return
    from ceutrack.activities import certificates, extract

    def in_process(data, content_type, *, seconds, memory_bytes, max_pages, max_chars):
        return extract.extract_safely(
            data, content_type, seconds=seconds, max_pages=max_pages, max_chars=max_chars
        )

    monkeypatch.setattr(certificates, "run_extraction", in_process)


_DATABASE_BLOCKER = pytest.StashKey[object]()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, request, django_db_blocker):
    """pytest-django's test databases (its documented fixture, extended): while they exist,
    the teardown hook below may write to them. The run's last test tears this fixture down
    with its own (before the hook's closing step), so the catalog is written again here too:
    a test database kept for the next run (--reuse-db) holds it as migrate left it."""
    request.config.stash[_DATABASE_BLOCKER] = django_db_blocker
    yield
    del request.config.stash[_DATABASE_BLOCKER]
    with django_db_blocker.unblock():
        seed_catalog_if_flushed()


def _flushes(item) -> bool:
    """Whether the test is a transactional one, whose teardown empties every table (the rule
    pytest-django's _django_db_helper applies)."""
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return "transactional_db" in item.fixturenames or "live_server" in item.fixturenames


@pytest.fixture(scope="session", autouse=True)
def _database_emptied_after_each_test():
    """The closing flush of pytest-django's TransactionTestCase (every transactional test:
    the browser tests, the backup, the concurrent planners and senders, the real worker)
    becomes empty_the_database() (tests/shared_rows.py)."""

    def empty_every_database(test_case):
        for alias in test_case._databases_names(include_mirrors=False):
            empty_the_database(alias)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TransactionTestCase, "_fixture_teardown", empty_every_database)
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test has emptied the database, the credential catalog (the
    CredentialType and BodyRule rows the migrations seed) is written again at once and
    committed (tests/shared_rows.py), so every later test finds it as migrate left it. Each
    test that used the database used to check for it first (a query per test) and, once a
    transactional test had run on its worker, write it again inside its own rolled-back
    transaction: about 150 times a run on one worker."""
    try:
        return (yield)
    finally:
        blocker = item.config.stash.get(_DATABASE_BLOCKER, None)
        if blocker is not None and _flushes(item):
            with blocker.unblock():
                seed_catalog_if_flushed()


def pytest_runtest_setup(item):
    marker = item.get_closest_marker("services")
    if marker is None:
        return
    needed = marker.args or ("postgres", "redis")
    missing = [name for name in needed if not _service_available(name)]
    if not missing:
        return
    reason = f"needs {' and '.join(missing)}, which `make test` starts"
    if running_in_ci():
        pytest.fail(f"CI=true and this test {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_sessionstart(session):
    """Say which real services this run uses (printed even under -q and xdist, unlike the
    report header)."""
    if hasattr(session.config, "workerinput"):
        return  # an xdist worker: the controller prints it once
    # Host, port and database only: never print credentials.
    database = os.environ.get("DATABASE_URL", "").rsplit("@", 1)[-1]
    redis_url = os.environ.get("REDIS_URL", "").split("://", 1)[-1].rsplit("@", 1)[-1]
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    reporter.write_line(
        "services: database "
        + (f"PostgreSQL at {database}" if _service_available("postgres") else "SQLite")
        + "; broker "
        + (f"Redis at {redis_url}" if redis_url else "filesystem (no Redis)")
        + f"; CI={running_in_ci()}"
    )


_EXIT_STATUS = pytest.StashKey[int]()


def pytest_configure(config):
    # Registered before anything the run registers later (pytest's own handlers, such as the
    # removal of its temporary folder's lock), so it runs after them: atexit handlers run
    # last-registered first.
    atexit.register(_end_without_interpreter_teardown, config)


@pytest.hookimpl(wrapper=True)
def pytest_cmdline_main(config):
    """The controller's exit status, once pytest has run everything it runs: the session,
    its summary, every plugin's unconfigure and cleanup."""
    status = yield
    config.stash[_EXIT_STATUS] = int(status)
    return status


def _end_without_interpreter_teardown(config) -> None:
    """End the process once pytest is done and every other atexit handler has run, without
    the interpreter's teardown of a heap holding Django, Playwright and fontTools, in which
    the run waits and the machine idles.
    - An xdist worker: about a second each (pytest's end measured with timestamps: the last
      worker's unconfigure to the controller's sessionfinish, 1.15 s -> 0.18-0.3 s). The
      controller reads a worker's results from its messages, never from its exit code.
    - The controller, with the status pytest returned: 0.35-0.45 s at the very end of
      every run (timestamps from its last atexit handler to the shell's). Without a status
      (pytest stopped before its session, say on a usage error) it exits the usual way."""
    if hasattr(config, "workerinput"):
        status = 0
    elif _EXIT_STATUS in config.stash:
        status = config.stash[_EXIT_STATUS]
    else:
        return
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(status)
