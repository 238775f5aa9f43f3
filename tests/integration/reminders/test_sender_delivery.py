"""Draining the outbox: every due row in one run, over one SMTP session, with claims that a
live sender keeps alive, and a task that hands over when its time budget runs out."""

from unittest import mock

import pytest
import time_machine
from django.core import mail

from ceutrack.reminders import sender, tasks
from ceutrack.reminders.models import Reminder, Status
from ceutrack.reminders.planner import plan_reminders
from ceutrack.reminders.sender import send_pending_reminders
from tests.factories import ReminderFactory
from tests.integration.reminders.backends import SlowBackend
from tests.integration.reminders.people import PLANNING_DAY, coder_with_cpc
from tests.integration.reminders.smtp import smtp_server, use_smtp

pytestmark = pytest.mark.django_db


@time_machine.travel(PLANNING_DAY, tick=False)
def test_it_drains_every_due_row_however_many_chunks_it_takes():
    coders = [coder_with_cpc() for _ in range(7)]
    plan_reminders(enqueue_sender=False)

    report = send_pending_reminders(chunk_size=2)

    assert (report.sent, report.more) == (7, False)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in coders)
    assert set(Reminder.objects.values_list("status", flat=True)) == {Status.SENT}


@time_machine.travel(PLANNING_DAY, tick=False)
def test_it_stops_at_its_time_budget_and_says_rows_are_still_due():
    for _ in range(3):
        coder_with_cpc()
    plan_reminders(enqueue_sender=False)

    stopped = send_pending_reminders(budget_s=0)
    finished = send_pending_reminders()

    assert (stopped.handled, stopped.more) == (0, True)
    assert (finished.sent, finished.more) == (3, False)


@time_machine.travel(PLANNING_DAY, tick=False)
def test_the_task_hands_over_to_a_new_task_when_its_budget_runs_out(
    settings, django_capture_on_commit_callbacks
):
    settings.REMINDER_SEND_BUDGET = 0
    coder_with_cpc()
    plan_reminders(enqueue_sender=False)

    with (
        mock.patch.object(tasks.send_pending_reminders, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.send_pending_reminders()

    delay.assert_called_once_with()


def test_a_slow_mail_server_never_lets_another_sender_recover_a_live_claim(settings):
    settings.EMAIL_BACKEND = "tests.integration.reminders.backends.SlowBackend"
    settings.REMINDER_CLAIM_TIMEOUT = 900  # each send below takes 400 s: 4 sends = 1,600 s
    SlowBackend.recoveries, SlowBackend.sent = [], []
    with time_machine.travel(PLANNING_DAY, tick=False) as traveller:
        SlowBackend.traveller = traveller
        coders = [coder_with_cpc() for _ in range(4)]
        plan_reminders(enqueue_sender=False)

        report = send_pending_reminders(chunk_size=4)

    assert report.sent == 4
    assert SlowBackend.recoveries == [0, 0, 0, 0]
    assert sorted(SlowBackend.sent) == sorted(c.email for c in coders)
    assert set(Reminder.objects.values_list("status", "attempts")) == {(Status.SENT, 1)}


@time_machine.travel(PLANNING_DAY, tick=False)
def test_it_sends_a_whole_run_over_one_smtp_session(settings):
    coders = [coder_with_cpc() for _ in range(5)]
    plan_reminders(enqueue_sender=False)

    with smtp_server() as (controller, received):
        use_smtp(settings, controller)
        report = send_pending_reminders(chunk_size=2)

    assert report.sent == 5
    assert sorted(received.recipients) == sorted(c.email for c in coders)
    assert len(received.sessions) == 1


@time_machine.travel(PLANNING_DAY, tick=False)
def test_a_refused_message_does_not_stop_the_others_over_a_fresh_session(settings):
    coders = [coder_with_cpc() for _ in range(3)]
    plan_reminders(enqueue_sender=False)
    refused = coders[1].email

    with smtp_server() as (controller, received):
        original = received.handle_DATA

        async def refuse_one(server, session, envelope):
            if refused in envelope.rcpt_tos:
                return "451 4.3.0 try again later"
            return await original(server, session, envelope)

        received.handle_DATA = refuse_one
        use_smtp(settings, controller)
        report = send_pending_reminders()

    assert (report.sent, report.retried) == (2, 1)
    assert sorted(received.recipients) == sorted(c.email for c in coders if c.email != refused)
    row = Reminder.objects.get(user=coders[1])
    assert row.status == Status.PENDING and "451" in row.last_error


@time_machine.travel(PLANNING_DAY, tick=False)
def test_the_planner_queues_a_sender_whenever_rows_wait_even_when_it_added_none(
    django_capture_on_commit_callbacks,
):
    coder_with_cpc()
    plan_reminders(enqueue_sender=False)  # planned, but the sender was never queued

    with (
        mock.patch.object(tasks.send_pending_reminders, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        added = plan_reminders()

    assert added == 0
    delay.assert_called_once_with()


@time_machine.travel(PLANNING_DAY, tick=False)
def test_the_planner_queues_no_sender_when_nothing_is_due(django_capture_on_commit_callbacks):
    coder_with_cpc("36")  # complete: nothing to remind

    with (
        mock.patch.object(tasks.send_pending_reminders, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        plan_reminders()

    delay.assert_not_called()


@pytest.mark.parametrize(("due", "most", "queued"), [(5, 2, 2), (5, 4, 3), (1, 4, 1), (0, 2, 0)])
def test_a_large_outbox_queues_one_sender_per_chunk_up_to_the_configured_number(
    settings, django_capture_on_commit_callbacks, due, most, queued
):
    settings.REMINDER_SENDERS = most
    ReminderFactory.create_batch(due)
    ReminderFactory(status=Status.SENT)  # not due: counts for nothing

    with (
        mock.patch.object(sender, "CHUNK_SIZE", 2),
        mock.patch.object(tasks.send_pending_reminders, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.queue_senders() == queued

    assert delay.call_count == queued


@time_machine.travel(PLANNING_DAY, tick=False)
def test_the_senders_a_tick_queues_send_each_due_reminder_once(
    settings, django_capture_on_commit_callbacks
):
    settings.REMINDER_SENDERS = 3
    coders = [coder_with_cpc() for _ in range(7)]
    plan_reminders(enqueue_sender=False)

    # Celery runs them inline here, one after the other: each drains what the ones before
    # left (tests/integration/reminders/test_concurrent_senders.py runs senders at once).
    with (
        mock.patch.object(sender, "CHUNK_SIZE", 3),
        django_capture_on_commit_callbacks(execute=True),
    ):
        queued = tasks.queue_senders()

    assert queued == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in coders)
    assert set(Reminder.objects.values_list("status", "attempts")) == {(Status.SENT, 1)}


def test_every_send_is_bounded_by_an_email_timeout(settings):
    assert settings.EMAIL_TIMEOUT and settings.EMAIL_TIMEOUT * 3 < settings.REMINDER_CLAIM_TIMEOUT
    assert (
        mail.get_connection("django.core.mail.backends.smtp.EmailBackend").timeout
        == settings.EMAIL_TIMEOUT
    )
