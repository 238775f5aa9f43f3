"""Several senders at once against PostgreSQL: every reminder goes out exactly once."""

import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection

from ceutrack.reminders.models import Reminder, Status
from ceutrack.reminders.planner import plan_reminders
from ceutrack.reminders.sender import send_pending_reminders
from tests.integration.reminders.people import PLANNING_DAY, coder_with_cpc

pytestmark = [
    pytest.mark.services("postgres"),
    pytest.mark.django_db(transaction=True),
]

SENDERS = 4


@time_machine.travel(PLANNING_DAY, tick=False)
def test_senders_running_at_once_send_each_reminder_once():
    coders = [coder_with_cpc() for _ in range(40)]
    assert plan_reminders(enqueue_sender=False) == 40
    start = threading.Barrier(SENDERS)
    reports = []
    errors = []

    def sender():
        try:
            start.wait()
            reports.append(send_pending_reminders(chunk_size=5))
        except Exception as exc:  # surfaced below: a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(r.sent for r in reports) == 40
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in coders)
    assert set(Reminder.objects.values_list("status", "attempts")) == {(Status.SENT, 1)}
