"""Each message's outcome is recorded as soon as it is known: a row is marked sent before the
next message goes out, a run that breaks keeps what it sent, and a send that never returns
leaves its row claimed for a recovery, never marked sent."""

from unittest import mock

import pytest
import time_machine
from django.core import mail

from ceutrack.reminders import sender
from ceutrack.reminders.models import Reminder, Status
from ceutrack.reminders.planner import plan_reminders
from ceutrack.reminders.sender import send_pending_reminders
from tests.integration.reminders.backends import CheckingBackend, WorkerDeath
from tests.integration.reminders.people import PLANNING_DAY, coder_with_cpc
from tests.integration.reminders.smtp import smtp_server, use_smtp

pytestmark = pytest.mark.django_db


@time_machine.travel(PLANNING_DAY, tick=False)
def test_each_reminder_is_marked_sent_before_the_next_message_goes_out(settings):
    settings.EMAIL_BACKEND = "tests.integration.reminders.backends.CheckingBackend"
    CheckingBackend.marked_before_each_send = []
    for _ in range(4):
        coder_with_cpc()
    plan_reminders(enqueue_sender=False)

    report = send_pending_reminders(chunk_size=3)

    assert report.sent == 4
    assert CheckingBackend.marked_before_each_send == [0, 1, 2, 3]


@time_machine.travel(PLANNING_DAY, tick=False)
def test_when_a_run_breaks_the_messages_already_sent_are_marked_sent(settings):
    coders = [coder_with_cpc() for _ in range(4)]
    plan_reminders(enqueue_sender=False)
    prepare = sender._prepare_coder

    def break_at_the_third(row, **kwargs):
        if row.user == coders[2]:
            raise RuntimeError("the database went away")
        return prepare(row, **kwargs)

    with smtp_server() as (controller, received):
        use_smtp(settings, controller)
        with (
            mock.patch.object(sender, "_prepare_coder", break_at_the_third),
            pytest.raises(RuntimeError, match="went away"),
        ):
            send_pending_reminders()

    assert sorted(received.recipients) == sorted(c.email for c in coders[:2])
    statuses = dict(Reminder.objects.values_list("user_id", "status"))
    assert [statuses[c.pk] for c in coders] == [Status.SENT, Status.SENT] + [Status.SENDING] * 2


@time_machine.travel(PLANNING_DAY, tick=False)
def test_a_message_whose_outcome_is_unknown_is_never_marked_sent(settings):
    settings.EMAIL_BACKEND = "tests.integration.reminders.backends.DyingBackend"
    coders = [coder_with_cpc() for _ in range(2)]
    plan_reminders(enqueue_sender=False)

    with pytest.raises(WorkerDeath):
        send_pending_reminders()

    rows = Reminder.objects.filter(user__in=coders).order_by("user_id")
    # The first row's outcome is unknown: it stays claimed, for a recovery to send it again;
    # the second was never sent.
    assert [r.status for r in rows] == [Status.SENDING, Status.SENDING]
    assert mail.outbox == []
