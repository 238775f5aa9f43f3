"""The demo coder's records: both bodies, a year of activities, sample certificates."""

from datetime import date

import pytest
import time_machine

from ceutrack.activities.demo import DEMO_ACTIVITIES, seed_coder_records
from ceutrack.activities.evaluation import evaluate_person
from ceutrack.activities.models import Activity
from tests.factories import ActivityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "today",
    ["2026-11-25", "2027-01-01", "2027-01-03", "2027-02-28", "2027-06-15", "2028-12-31"],
)
def test_it_gives_the_demo_coder_a_cycle_in_progress_in_both_bodies_whatever_the_date(today):
    with time_machine.travel(f"{today} 18:00Z"):
        user = UserFactory(time_zone="America/Chicago")
        seed_coder_records(user)
        evaluation = evaluate_person(user)

    assert [b.body for b in evaluation.bodies] == ["AAPC", "AHIMA"]
    assert evaluation.rejected == () and evaluation.excluded == ()
    for body in evaluation.bodies:
        assert body.current is not None
        assert body.current.status in {"on_track", "at_risk"}, body
        assert body.current.earned > 0
        assert body.current.end > evaluation.today


@time_machine.travel("2026-11-25 18:00Z")
def test_it_seeds_activities_for_both_bodies_with_sample_pdf_certificates():
    user = UserFactory()
    seed_coder_records(user)

    activities = Activity.objects.filter(user=user)
    assert activities.count() == len(DEMO_ACTIVITIES)
    assert activities.filter(aapc=True).exists() and activities.filter(ahima=True).exists()
    assert activities.filter(ahima_sourced=True).exists()
    assert activities.exclude(topic="").exists()
    assert all(a.completed_on < date(2026, 11, 25) for a in activities)
    with_files = activities.exclude(certificate="")
    assert with_files.count() == 3
    for activity in with_files:
        assert activity.certificate_type == "application/pdf"
        with activity.certificate.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"


@time_machine.travel("2026-11-25 18:00Z")
def test_it_adds_nothing_when_run_again():
    user = UserFactory()
    seed_coder_records(user)
    seed_coder_records(user)
    assert user.credentials.count() == 2
    assert Activity.objects.filter(user=user).count() == len(DEMO_ACTIVITIES)


@time_machine.travel("2026-11-25 18:00Z")
def test_it_leaves_a_coder_who_already_logged_activities_alone():
    user = UserFactory()
    ActivityFactory(user=user, completed_on=date(2026, 10, 1))
    seed_coder_records(user)
    assert Activity.objects.filter(user=user).count() == 1
