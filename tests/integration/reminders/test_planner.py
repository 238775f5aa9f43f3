from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail

from ceutrack.reminders.models import Kind, Reminder, Status
from ceutrack.reminders.planner import plan_reminders
from tests.factories import UserFactory
from tests.integration.reminders.people import CYCLE_END, PLANNING_DAY, coder_with_cpc

pytestmark = pytest.mark.django_db


@time_machine.travel(PLANNING_DAY, tick=False)
def test_it_plans_the_reminder_the_engine_says_is_due_today():
    behind = coder_with_cpc()
    at_risk = coder_with_cpc("10", "3")

    assert plan_reminders() == 2

    rows = {r.user_id: r for r in Reminder.objects.all()}
    assert (rows[behind.pk].body, rows[behind.pk].cycle_end, rows[behind.pk].kind) == (
        "AAPC",
        CYCLE_END,
        Kind.BEHIND,
    )
    assert rows[at_risk.pk].kind == Kind.AT_RISK
    assert rows[at_risk.pk].status == Status.PENDING
    assert rows[at_risk.pk].planned_on == date(2026, 6, 1)


@time_machine.travel(PLANNING_DAY, tick=False)
def test_it_adds_no_rows_when_planning_twice_on_one_day():
    coder_with_cpc()
    coder_with_cpc("10", "3")

    assert plan_reminders() == 2
    assert plan_reminders() == 0
    assert Reminder.objects.count() == 2


@time_machine.travel(PLANNING_DAY, tick=False)
def test_it_plans_nothing_for_coders_on_track_or_without_credentials():
    coder_with_cpc("10", "10", "10", "6")  # complete, 244 days left: no submit reminder yet
    UserFactory()

    assert plan_reminders() == 0
    assert not Reminder.objects.exists()


def test_it_plans_each_kind_once_per_cycle_as_the_cycle_moves_on():
    coder = coder_with_cpc("10", "10")
    with time_machine.travel(datetime(2026, 6, 1, 6, tzinfo=UTC), tick=False):
        plan_reminders()
    with time_machine.travel(datetime(2026, 11, 5, 6, tzinfo=UTC), tick=False):
        plan_reminders()
        plan_reminders()

    kinds = list(Reminder.objects.filter(user=coder).order_by("id").values_list("kind", flat=True))
    assert kinds == [Kind.AT_RISK, Kind.DUE_90]


@time_machine.travel(datetime(2027, 1, 5, 6, tzinfo=UTC), tick=False)
def test_a_late_sweep_plans_only_the_reminder_due_now():
    coder = coder_with_cpc("10", "10")  # at risk all along; nothing was planned until today

    plan_reminders()

    assert list(Reminder.objects.filter(user=coder).values_list("kind", flat=True)) == [Kind.DUE_30]


@time_machine.travel(PLANNING_DAY, tick=False)
def test_it_plans_everyone_when_working_in_small_batches():
    coders = [coder_with_cpc() for _ in range(5)]

    assert plan_reminders(batch_size=2) == 5

    assert set(Reminder.objects.values_list("user_id", flat=True)) == {c.pk for c in coders}


@time_machine.travel(PLANNING_DAY, tick=False)
def test_it_uses_the_date_it_is_given_instead_of_the_clock():
    coder = coder_with_cpc("10", "10")

    plan_reminders(today=date(2027, 1, 28))

    row = Reminder.objects.get(user=coder)
    assert (row.kind, row.planned_on) == (Kind.DUE_7, date(2027, 1, 28))


@time_machine.travel(PLANNING_DAY, tick=False)
def test_it_enqueues_the_sender_once_the_rows_are_committed(django_capture_on_commit_callbacks):
    coder = coder_with_cpc()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        plan_reminders()

    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [[coder.email]]
    assert Reminder.objects.get(user=coder).status == Status.SENT


@time_machine.travel(PLANNING_DAY, tick=False)
def test_it_enqueues_nothing_when_nothing_was_added(django_capture_on_commit_callbacks):
    coder_with_cpc("10", "10", "10", "6")

    with django_capture_on_commit_callbacks() as callbacks:
        plan_reminders()

    assert callbacks == []
