"""Reminders through the real pipe: a separate `celery worker` process consuming from the
Redis broker `make test` starts, reading the test's PostgreSQL database, sending to a
file-based mailbox. And a broker that is down: `.delay()` fails loudly, nothing is lost,
and the next run catches up."""

import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection

from ceutrack.celery import app as celery_app
from ceutrack.reminders.models import Reminder, Status
from ceutrack.reminders.planner import plan_reminders
from ceutrack.reminders.tasks import send_pending_reminders
from tests.factories import CredentialFactory, UserFactory
from tests.integration.test_celery_worker import (  # noqa: F401
    wait_for_files,
    wait_for_log,
    worker,
)

REPO = Path(__file__).resolve().parents[3]
pytestmark = [
    pytest.mark.services("postgres", "redis"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def reminder_worker(request, monkeypatch):
    """H3's worker fixture, pointed at this test's database so it sees the planned rows."""
    db = connection.settings_dict
    monkeypatch.setenv(
        "DATABASE_URL",
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    )
    return request.getfixturevalue("worker")


def behind_coder():
    """Certified 400 days ago with nothing logged: some reminder is due whatever today is."""
    user = UserFactory()
    CredentialFactory(user=user, earned_on=date.today() - timedelta(days=400))
    return user


def wait_for_status(row, status, *, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row.refresh_from_db()
        if row.status == status:
            return True
        time.sleep(0.2)
    return False


def dead_broker_url():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"  # nothing listens there once the socket closes


def delay_with_broker_down():
    """`.delay()` from a process whose broker is unreachable (the real settings, no mocks)."""
    script = (
        "import django; django.setup()\n"
        "from ceutrack.reminders.tasks import send_pending_reminders\n"
        "send_pending_reminders.delay()\n"
    )
    env = {**os.environ, "DEBUG": "1", "REDIS_URL": dead_broker_url()}
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_with_redis_down_delay_fails_loudly_and_the_next_run_on_a_real_worker_sends_once(
    reminder_worker,
):
    # One worker for both halves: starting and stopping one costs seconds of the suite.
    queue, mail_dir, log = reminder_worker
    coder = behind_coder()
    assert plan_reminders(enqueue_sender=False) == 1
    row = Reminder.objects.get(user=coder)

    down = delay_with_broker_down()

    assert down.returncode != 0
    assert "kombu.exceptions.OperationalError" in down.stderr
    row.refresh_from_db()
    assert row.status == Status.PENDING  # nothing lost while the broker was away

    celery_app.conf.task_always_eager = False  # the autouse fixture turns it back on
    send_pending_reminders.apply_async(queue=queue)
    send_pending_reminders.apply_async(queue=queue)  # a second run finds nothing to do

    files = wait_for_files(mail_dir, timeout=60)
    output = log.read_text()
    assert files, f"the worker delivered nothing within 60 s; its log:\n{output}"
    assert wait_for_status(row, Status.SENT, timeout=30), output
    # Both runs finished before counting (the worker logs each task's end).
    assert wait_for_log(log, "] succeeded in ", count=2, timeout=30), log.read_text()
    messages = [f.read_text() for f in sorted(mail_dir.iterdir())]
    assert len(messages) == 1
    assert f"To: {coder.email}" in messages[0]
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in messages[0]
    assert "ceutrack.reminders.tasks.send_pending_reminders" in log.read_text()
