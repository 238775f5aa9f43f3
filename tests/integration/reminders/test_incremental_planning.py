"""Incremental planning: the daily sweep evaluates only the people due for a check and plans
exactly what a full re-plan plans."""

import random
import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction

from ceutrack.credentials.models import OfficialCycle
from ceutrack.reminders.models import CHECK_NOW, NextCheck, Reminder, ReminderPreferences
from ceutrack.reminders.planner import due_user_ids, plan, plan_reminders
from tests.factories import (
    ActivityFactory,
    CredentialFactory,
    MembershipFactory,
    UserFactory,
    credential_type,
)
from tests.integration.reminders.people import PLANNING_DAY, coder_with_cpc

pytestmark = pytest.mark.django_db

ZONES = ("America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Paris", "UTC")
CODES = ("CPC", "CRC", "COC", "CCS", "RHIT", "RHIA", "CPMA")
START = date(2024, 1, 1)


def random_people(rng: random.Random, count: int):
    people = []
    for n in range(count):
        user = UserFactory(time_zone=rng.choice(ZONES), aapc_membership_month=rng.choice([None, 3]))
        for code in rng.sample(CODES, rng.randint(1, 3)):
            CredentialFactory(
                user=user,
                credential_type=credential_type(code),
                earned_on=START - timedelta(days=rng.randint(0, 1500)),
            )
        for i in range(rng.randint(0, 8)):
            ActivityFactory(
                user=user,
                title=f"course {n}-{i}",
                completed_on=START - timedelta(days=rng.randint(0, 900)),
                units=Decimal(rng.randint(1, 24)),
                aapc=rng.random() < 0.7,
                aapc_index=f"idx-{n}-{i}",
                ahima=rng.random() < 0.5,
            )
        people.append(user)
    return people


def planned_rows():
    return set(Reminder.objects.values_list("user_id", "body", "cycle_end", "kind", "planned_on"))


def sweep_days(rng: random.Random, count: int):
    """Increasing instants over three years, at random hours (time zones put people on
    different local dates)."""
    offsets = sorted(rng.sample(range(1, 3 * 365), count))
    return [
        datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=d, hours=rng.randint(0, 23))
        for d in offsets
    ]


def change_records(rng: random.Random, people, on: date, capture):
    """The same change in both runs: a few people log units or copy official dates."""
    for user in rng.sample(people, 2):
        with capture(execute=True):
            if rng.random() < 0.7:
                ActivityFactory(
                    user=user, completed_on=on, units=Decimal(10), aapc=True, ahima=True
                )
            else:
                OfficialCycle.objects.create(
                    user=user,
                    body="AAPC",
                    start=on - timedelta(days=300),
                    end=on + timedelta(days=200),
                )


def full_sweep_rows(**kwargs):
    """What a full sweep would plan now, from the same state (rolled back afterwards)."""
    with transaction.atomic():
        plan(full=True, **kwargs)
        rows = planned_rows()
        transaction.set_rollback(True)
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_incremental_sweep_plans_exactly_what_a_full_sweep_plans_on_random_days(
    seed, django_capture_on_commit_callbacks
):
    rng = random.Random(seed)
    with time_machine.travel(datetime(2024, 1, 1, 12, tzinfo=UTC), tick=False):
        people = random_people(rng, 14)
    changed_on = set(rng.sample(range(14), 4))
    evaluated = total = 0
    for i, instant in enumerate(sweep_days(rng, 14)):
        with time_machine.travel(instant, tick=False):
            if i in changed_on:
                change_records(rng, people, instant.date(), django_capture_on_commit_callbacks)
            expected = full_sweep_rows()
            report = plan()
        evaluated += report.evaluated
        total += len(people)

        assert planned_rows() == expected, instant
    assert expected  # the people were planned something
    assert evaluated < total / 2


@pytest.mark.parametrize("seed", [4, 5])
def test_the_incremental_sweep_matches_a_full_sweep_on_explicit_dates(seed):
    rng = random.Random(seed)
    random_people(rng, 10)
    for day in sorted(START + timedelta(days=d) for d in rng.sample(range(1, 1100), 12)):
        expected = full_sweep_rows(today=day)
        plan(today=day)

        assert planned_rows() == expected, day


@time_machine.travel(PLANNING_DAY, tick=False)
def test_a_change_to_a_persons_records_makes_them_due_for_their_next_check(
    django_capture_on_commit_callbacks,
):
    coder = coder_with_cpc("10", "3")  # at risk until its 90-day window opens
    other = coder_with_cpc("10", "3")
    plan()
    assert NextCheck.objects.get(user=coder).check_on > PLANNING_DAY.date()
    assert due_user_ids() == set()

    with django_capture_on_commit_callbacks(execute=True):
        ActivityFactory(user=coder, completed_on=date(2026, 5, 1), units=Decimal(20))

    assert NextCheck.objects.get(user=coder).check_on == CHECK_NOW
    assert due_user_ids() == {coder.pk}
    report = plan()
    assert report.evaluated == 1
    assert NextCheck.objects.get(user=coder).check_on > PLANNING_DAY.date()
    assert NextCheck.objects.get(user=other).check_on > PLANNING_DAY.date()


@time_machine.travel(PLANNING_DAY, tick=False)
@pytest.mark.parametrize(
    "change",
    [
        lambda user: CredentialFactory(
            user=user, credential_type=credential_type("CCS"), earned_on=date(2026, 1, 5)
        ),
        lambda user: OfficialCycle.objects.create(
            user=user, body="AAPC", start=date(2025, 1, 10), end=date(2026, 8, 31)
        ),
        lambda user: user.activities.first().delete(),
        lambda user: ReminderPreferences.objects.create(user=user, at_risk=False),
        lambda user: MembershipFactory(user=user),
        lambda: None,
    ],
    ids=[
        "credential",
        "official-cycle",
        "deleted-activity",
        "preferences",
        "membership",
        "nothing",
    ],
)
def test_each_kind_of_record_change_triggers_the_next_check(
    change, django_capture_on_commit_callbacks
):
    coder = coder_with_cpc("10", "3")
    plan()
    with django_capture_on_commit_callbacks(execute=True):
        if change.__code__.co_argcount:
            change(coder)

    assert (coder.pk in due_user_ids()) == bool(change.__code__.co_argcount)


@time_machine.travel(PLANNING_DAY, tick=False)
def test_a_persons_time_zone_change_triggers_the_next_check(django_capture_on_commit_callbacks):
    coder = coder_with_cpc("10", "3")
    plan()
    with django_capture_on_commit_callbacks(execute=True):
        coder.time_zone = "Asia/Tokyo"
        coder.save()

    assert due_user_ids() == {coder.pk}


@time_machine.travel(PLANNING_DAY, tick=False)
def test_a_check_waits_for_the_persons_own_local_date():
    # 06:00 UTC on June 1 is still May 31 in Pago Pago (UTC-11) and already June 1 in Paris.
    paris = coder_with_cpc("10", "3", time_zone="Europe/Paris")
    pago = coder_with_cpc("10", "3", time_zone="Pacific/Pago_Pago")
    plan()
    NextCheck.objects.update(check_on=date(2026, 6, 1))

    assert due_user_ids() == {paris.pk}
    assert pago.pk in due_user_ids(now=PLANNING_DAY + timedelta(hours=12))


@time_machine.travel(PLANNING_DAY, tick=False)
def test_send_reminders_full_replans_everybody(capsys):
    coder_with_cpc()
    plan()
    Reminder.objects.all().delete()  # e.g. rows lost: only a full re-plan finds them again

    call_command("send_reminders")
    assert not Reminder.objects.exists()
    call_command("send_reminders", "--full")

    assert Reminder.objects.count() == 1
    assert "Planned 1 reminder(s)." in capsys.readouterr().out


@pytest.mark.services("postgres")
@pytest.mark.django_db(transaction=True)
@time_machine.travel(PLANNING_DAY, tick=False)
def test_concurrent_planners_report_only_the_rows_they_added():
    for _ in range(60):
        coder_with_cpc()
    planners = 4
    start = threading.Barrier(planners)
    added, errors = [], []

    def planner():
        try:
            start.wait()
            added.append(plan_reminders(full=True, batch_size=7, enqueue_sender=False))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=planner) for _ in range(planners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(added) == Reminder.objects.count() == 60
