"""Full sweeps split into batches: a Celery group over the workers (eager here), or the same
batch function inline; progress in the log either way."""

import logging

import pytest
import time_machine
from celery import group

from ceutrack import fanout
from ceutrack.organizations import summaries
from ceutrack.organizations import tasks as organization_tasks
from ceutrack.organizations.models import ComplianceSummary
from ceutrack.reminders import planner
from ceutrack.reminders import tasks as reminder_tasks
from ceutrack.reminders.models import NextCheck, Reminder
from tests.factories import MembershipFactory
from tests.integration.reminders.people import PLANNING_DAY, coder_with_cpc

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups(monkeypatch):
    """The groups dispatched (each still runs, eagerly, as the test settings say)."""
    dispatched = []

    def recording_group(signatures):
        signatures = list(signatures)
        dispatched.append(signatures)
        return group(signatures)

    monkeypatch.setattr(fanout, "group", recording_group)
    return dispatched


@time_machine.travel(PLANNING_DAY, tick=False)
def test_a_full_planning_sweep_is_a_group_of_batch_tasks(groups, caplog):
    coders = [coder_with_cpc() for _ in range(5)]
    caplog.set_level(logging.INFO)

    assert planner.dispatch(full=True, batch_size=2) == 3

    [signatures] = groups
    assert [s.task for s in signatures] == [reminder_tasks.plan_reminders_batch.name] * 3
    assert [s.args[0] for s in signatures] == [
        [coders[0].pk, coders[1].pk],
        [coders[2].pk, coders[3].pk],
        [coders[4].pk],
    ]
    assert Reminder.objects.count() == 5 and NextCheck.objects.count() == 5
    assert "full reminder planning: 3 batch(es) of 5 people dispatched" in caplog.text
    assert "reminder planning batch 3/3: 1 evaluated, 1 added" in caplog.text


@time_machine.travel(PLANNING_DAY, tick=False)
def test_the_beat_task_dispatches_only_the_people_due(groups):
    coder_with_cpc()
    planner.plan(full=True)
    due = coder_with_cpc()

    assert reminder_tasks.plan_reminders.delay().get() == 1

    assert [s.args[0] for s in groups[0]] == [[due.pk]]


@time_machine.travel(PLANNING_DAY, tick=False)
def test_the_inline_sweep_runs_the_same_batches_with_the_same_progress(groups, caplog):
    for _ in range(3):
        coder_with_cpc()
    caplog.set_level(logging.INFO)

    report = planner.plan(full=True, batch_size=2)

    assert groups == []
    assert (report.evaluated, report.added) == (3, 3)
    assert "reminder planning batch 1/2: 2 evaluated, 2 added" in caplog.text
    assert "reminder planning batch 2/2: 1 evaluated, 1 added" in caplog.text


@time_machine.travel(PLANNING_DAY, tick=False)
def test_a_full_summary_sweep_is_a_group_of_batch_tasks(groups, caplog):
    members = [MembershipFactory(user=coder_with_cpc()).user for _ in range(3)]
    caplog.set_level(logging.INFO)

    assert summaries.dispatch(full=True, batch_size=2) == 2

    assert [s.task for s in groups[0]] == [organization_tasks.refresh_summaries_batch.name] * 2
    assert set(ComplianceSummary.objects.values_list("user_id", flat=True)) == {
        m.pk for m in members
    }
    assert "summary refresh batch 2/2: 1 written" in caplog.text
