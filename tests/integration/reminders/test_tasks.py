import pytest
import time_machine
from django.conf import settings
from django.core import mail

from ceutrack.celery import app
from ceutrack.reminders import tasks
from ceutrack.reminders.models import Kind, Reminder, Status
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.integration.reminders.people import PLANNING_DAY, coder_with_cpc

pytestmark = pytest.mark.django_db


def test_every_scheduled_reminder_task_is_registered():
    scheduled = {
        entry["task"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"].startswith("ceutrack.reminders.")
    }

    assert scheduled == {
        "ceutrack.reminders.tasks.plan_reminders",
        "ceutrack.reminders.tasks.queue_senders",
        "ceutrack.reminders.tasks.send_weekly_digests",
    }
    assert scheduled <= set(app.tasks)


@time_machine.travel(PLANNING_DAY, tick=False)
def test_the_plan_and_send_tasks_run_the_sweep():
    coder = coder_with_cpc()

    assert tasks.plan_reminders.delay().get() == 1
    assert tasks.send_pending_reminders.delay().get() == 1

    assert [m.to for m in mail.outbox] == [[coder.email]]
    assert Reminder.objects.get().status == Status.SENT


@time_machine.travel(PLANNING_DAY, tick=False)
def test_the_digest_task_plans_one_row_per_manager():
    org = OrganizationFactory()
    manager = UserFactory()
    MembershipFactory(user=manager, organization=org, role="owner", consent_given_at=None)
    MembershipFactory(organization=org)

    assert tasks.send_weekly_digests.delay().get() == 1

    assert Reminder.objects.get().user == manager
    assert Reminder.objects.get().kind == Kind.DIGEST
