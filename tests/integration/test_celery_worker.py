"""The whole background pipe, for real: this process publishes tasks to the Redis broker
`make test` starts, a separate `celery -A ceutrack worker` process consumes them, reading the
test's PostgreSQL database, and the emails land in a file-based mailbox.
- An account email, published and delivered.
- Reminders: with the broker down `.delay()` fails loudly and nothing is lost; the next run
  on the real worker sends once, however many runs there are.

One worker serves the module's tests (starting one costs about a second of CPU), each on
its own recipients and log lines."""

import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection

from ceutrack.accounts.tasks import send_account_email
from ceutrack.celery import app as celery_app
from ceutrack.reminders.models import Reminder, Status
from ceutrack.reminders.planner import plan_reminders
from ceutrack.reminders.tasks import send_pending_reminders
from tests.factories import CredentialFactory, UserFactory

REPO = Path(__file__).resolve().parents[2]
TASK_ENDED = "] succeeded in "


class Worker:
    """A `celery worker` process on a queue of its own, sending to `mail_dir`."""

    def __init__(self, folder: Path) -> None:
        self.queue = f"test-{uuid.uuid4().hex[:12]}"
        self.mail_dir = folder / "mail"
        self.log = folder / "worker.log"
        env = {
            **os.environ,
            "EMAIL_URL": f"filemail:///{self.mail_dir}",  # four slashes: an absolute path
            "CEUTRACK_VAR_DIR": str(folder / "var"),
            "DEBUG": "1",
        }
        db = connection.settings_dict
        if connection.vendor == "postgresql":  # the test database, to see the tests' rows
            env["DATABASE_URL"] = (
                f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
            )
        command = [sys.executable, "-m", "celery", "-A", "ceutrack", "worker", "--pool", "solo"]
        command += ["--queues", self.queue, "--without-gossip", "--without-mingle"]
        command += ["--loglevel", "INFO"]
        with self.log.open("w") as output:
            self.process = subprocess.Popen(
                command, cwd=REPO, env=env, stdout=output, stderr=output
            )

    def output(self) -> str:
        return self.log.read_text()

    def wait_for_log(self, text: str, *, count: int, after: int = 0, timeout: float) -> bool:
        """Wait until `text` appears `count` times in the log past its first `after`
        characters."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.output()[after:].count(text) >= count:
                return True
            time.sleep(0.1)
        return False

    def messages_to(self, address: str) -> list[str]:
        """The emails delivered to `address`. The file backend creates a file before it
        writes the message: call this once the worker has logged the task's end (an empty
        read failed CI once)."""
        if not self.mail_dir.exists():
            return []
        messages = [path.read_text() for path in sorted(self.mail_dir.iterdir())]
        return [message for message in messages if f"To: {address}" in message]

    def stop(self) -> None:
        # Killed outright: every test waits for its own tasks to finish first, and the warm
        # (SIGTERM) or cold (SIGQUIT) shutdown still costs about two seconds.
        self.process.kill()
        self.process.wait(timeout=15)


@pytest.fixture(scope="module")
def worker(django_db_setup, tmp_path_factory):
    worker = Worker(tmp_path_factory.mktemp("worker"))
    try:
        yield worker
    finally:
        worker.stop()


@pytest.fixture
def published(worker):
    """Tasks published from the test go to the broker and on to the worker, not inline."""
    celery_app.conf.task_always_eager = False  # the autouse fixture turns it back on
    assert str(celery_app.conf.broker_url).startswith("redis://")
    return worker


@pytest.mark.services("redis")
def test_it_delivers_an_account_email_through_redis_and_a_real_worker(published):
    worker = published
    started = len(worker.output())

    send_account_email.apply_async(
        kwargs={
            "subject": "Confirm your ceutrack email",
            "body": "Follow this link to confirm: http://testserver/accounts/confirm-email/k/",
            "from_email": "ceutrack <no-reply@ceutrack.local>",
            "to": ["dana@example.com"],
        },
        queue=worker.queue,
    )

    assert worker.wait_for_log(TASK_ENDED, count=1, after=started, timeout=60), worker.output()
    [message] = worker.messages_to("dana@example.com")
    assert "Subject: Confirm your ceutrack email" in message
    assert "ready." in worker.output()
    assert "ceutrack.accounts.tasks.send_account_email" in worker.output()


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


@pytest.mark.services("postgres", "redis")
@pytest.mark.django_db(transaction=True)
def test_with_redis_down_delay_fails_loudly_and_the_next_run_on_a_real_worker_sends_once(
    published,
):
    worker = published
    coder = behind_coder()
    assert plan_reminders(enqueue_sender=False) == 1
    row = Reminder.objects.get(user=coder)

    down = delay_with_broker_down()

    assert down.returncode != 0
    assert "kombu.exceptions.OperationalError" in down.stderr
    row.refresh_from_db()
    assert row.status == Status.PENDING  # nothing lost while the broker was away

    started = len(worker.output())
    send_pending_reminders.apply_async(queue=worker.queue)
    send_pending_reminders.apply_async(queue=worker.queue)  # a second run finds nothing to do

    # Both runs finished before counting (the worker logs each task's end).
    assert worker.wait_for_log(TASK_ENDED, count=2, after=started, timeout=60), worker.output()
    assert wait_for_status(row, Status.SENT, timeout=30), worker.output()
    [message] = worker.messages_to(coder.email)
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in message
    assert "ceutrack.reminders.tasks.send_pending_reminders" in worker.output()
