"""The whole background pipe, for real: this process publishes an account email task to the
Redis broker `make test` starts, a separate `celery -A ceutrack worker` process consumes it,
and the email lands in a file-based mailbox."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from ceutrack.accounts.tasks import send_account_email
from ceutrack.celery import app as celery_app

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.services("redis")


@pytest.fixture
def worker(tmp_path):
    """Start a worker on a queue of its own; yield (mail folder, log file); stop it by pid."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    mail_dir = tmp_path / "mail"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "EMAIL_URL": f"filemail:///{mail_dir}",  # four slashes: an absolute path
        "CEUTRACK_VAR_DIR": str(tmp_path / "var"),
        "DEBUG": "1",
    }
    command = [sys.executable, "-m", "celery", "-A", "ceutrack", "worker", "--pool", "solo"]
    command += ["--queues", queue, "--without-gossip", "--without-mingle", "--loglevel", "INFO"]
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=output)
    try:
        yield queue, mail_dir, log
    finally:
        # Killed outright: every test waits for its own tasks to finish first, and the warm
        # (SIGTERM) or cold (SIGQUIT) shutdown still costs about two seconds per worker.
        process.kill()
        process.wait(timeout=15)


def wait_for_files(folder: Path, *, timeout: float) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if folder.exists() and (files := sorted(folder.iterdir())):
            return files
        time.sleep(0.2)
    return []


def wait_for_log(log: Path, text: str, *, count: int, timeout: float) -> bool:
    """Wait until `text` appears `count` times in the worker's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.read_text().count(text) >= count:
            return True
        time.sleep(0.1)
    return False


def test_it_delivers_an_account_email_through_redis_and_a_real_worker(worker, settings):
    queue, mail_dir, log = worker
    celery_app.conf.task_always_eager = False  # the autouse fixture turns it back on
    assert str(celery_app.conf.broker_url).startswith("redis://")

    send_account_email.apply_async(
        kwargs={
            "subject": "Confirm your ceutrack email",
            "body": "Follow this link to confirm: http://testserver/accounts/confirm-email/k/",
            "from_email": "ceutrack <no-reply@ceutrack.local>",
            "to": ["dana@example.com"],
        },
        queue=queue,
    )

    files = wait_for_files(mail_dir, timeout=60)
    assert files, f"the worker delivered nothing within 60 s; its log:\n{log.read_text()}"
    # The file backend creates the file before it writes the message: read it only once the
    # worker has logged the task's end (an empty read failed CI once).
    assert wait_for_log(log, "] succeeded in ", count=1, timeout=30), log.read_text()
    output = log.read_text()
    message = files[0].read_text()
    assert "Subject: Confirm your ceutrack email" in message
    assert "To: dana@example.com" in message
    assert "ready." in output
    assert "ceutrack.accounts.tasks.send_account_email" in output
