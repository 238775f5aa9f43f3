"""The mail thread (courier): it talks to the SMTP server while the sender renders the next
row, every outcome it reports is recorded, and it never outlives the run."""

import asyncio
import threading
from unittest import mock

import pytest
import time_machine
from django.core import mail

from ceutrack.reminders import sender
from ceutrack.reminders.models import Reminder, Status
from ceutrack.reminders.planner import plan_reminders
from ceutrack.reminders.sender import send_pending_reminders
from tests.integration.reminders.people import PLANNING_DAY, coder_with_cpc
from tests.integration.reminders.smtp import smtp_server, use_smtp

pytestmark = pytest.mark.django_db


def courier_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "reminder-courier"]


@time_machine.travel(PLANNING_DAY, tick=False)
def test_the_next_reminder_is_rendered_while_the_server_still_handles_the_previous_one(
    settings,
):
    for _ in range(2):
        coder_with_cpc()
    plan_reminders(enqueue_sender=False)
    second_rendered = threading.Event()
    rendered_during_first_send = []
    build = sender.build_message

    def build_and_tell(*args, **kwargs):
        message = build(*args, **kwargs)
        if build_and_tell.calls == 1:
            second_rendered.set()
        build_and_tell.calls += 1
        return message

    build_and_tell.calls = 0

    with smtp_server() as (controller, received):
        accept = received.handle_DATA

        async def hold_the_first(server, session, envelope):
            if not received.recipients:
                for _ in range(100):  # up to 5 s: a sender rendering in turn never gets there
                    if second_rendered.is_set():
                        break
                    await asyncio.sleep(0.05)
                rendered_during_first_send.append(second_rendered.is_set())
            return await accept(server, session, envelope)

        received.handle_DATA = hold_the_first
        use_smtp(settings, controller)
        with mock.patch.object(sender, "build_message", build_and_tell):
            report = send_pending_reminders()

    assert rendered_during_first_send == [True]
    assert report.sent == 2 and len(received.recipients) == 2


@time_machine.travel(PLANNING_DAY, tick=False)
def test_when_a_run_breaks_the_messages_already_sent_are_marked_sent_and_the_thread_stops(
    settings,
):
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
    assert courier_threads() == []


@time_machine.travel(PLANNING_DAY, tick=False)
def test_a_message_whose_outcome_is_unknown_is_never_marked_sent(settings):
    settings.EMAIL_BACKEND = "tests.integration.reminders.backends.DyingBackend"
    coders = [coder_with_cpc() for _ in range(2)]
    plan_reminders(enqueue_sender=False)

    with (
        mock.patch.object(threading, "excepthook"),  # the thread's death is expected here
        pytest.raises(RuntimeError, match="mail thread"),
    ):
        send_pending_reminders()

    rows = Reminder.objects.filter(user__in=coders).order_by("user_id")
    # The first row's outcome is unknown: it stays claimed, for a recovery to send it again;
    # the second was never handed to the dead thread.
    assert [r.status for r in rows] == [Status.SENDING, Status.SENDING]
    assert courier_threads() == []
    assert mail.outbox == []


@time_machine.travel(PLANNING_DAY, tick=False)
def test_a_run_with_nothing_due_leaves_no_thread_behind():
    report = send_pending_reminders()

    assert report.handled == 0
    assert courier_threads() == []
