"""The stored summary always equals what the engine says, after every kind of change."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from ceutrack.activities.evaluation import evaluate_person
from ceutrack.credentials.models import ApprenticeEvidence, OfficialCycle
from ceutrack.organizations import summaries
from ceutrack.organizations.models import ComplianceSummary, SummaryStatus
from tests.factories import (
    ActivityFactory,
    CredentialFactory,
    MembershipFactory,
    UserFactory,
    credential_type,
)

pytestmark = pytest.mark.django_db

STATUS_ORDER = ["lapsed", "behind", "at_risk", "on_track", "complete"]


def assert_matches_engine(user):
    """The row reads exactly what a fresh evaluation on the person's today says."""
    user.refresh_from_db()
    row = ComplianceSummary.objects.get(user=user)
    evaluation = evaluate_person(user)
    current = [(b.body, b.current) for b in evaluation.bodies if b.current is not None]
    assert row.as_of == evaluation.today == user.local_today()
    assert [b["body"] for b in row.bodies] == [body for body, _ in current]
    for stored, (_, cycle) in zip(row.bodies, current, strict=True):
        assert stored["status"] == cycle.status
        assert Decimal(stored["earned"]) == cycle.earned
        assert Decimal(stored["required"]) == cycle.required
        assert Decimal(stored["remaining"]) == cycle.remaining
        assert stored["cycle_end"] == cycle.end.isoformat()
        assert stored["days_left"] == cycle.days_left
    if not current:
        assert row.status == SummaryStatus.NONE
        return
    worst = min(current, key=lambda bc: (STATUS_ORDER.index(bc[1].status), bc[1].end))[1]
    assert row.status == worst.status
    assert row.remaining == worst.remaining
    assert row.cycle_end == worst.end


@pytest.fixture
def member(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        membership = MembershipFactory(user=UserFactory(time_zone="America/New_York"))
    return membership.user


@time_machine.travel("2025-06-30 15:00Z", tick=False)
def test_it_summarises_a_member_without_credentials_as_none(member):
    summaries.refresh_summaries([member.pk])
    assert ComplianceSummary.objects.get(user=member).status == SummaryStatus.NONE
    assert_matches_engine(member)


@time_machine.travel("2025-06-30 15:00Z", tick=False)
def test_it_refreshes_after_each_kind_of_change(member, django_capture_on_commit_callbacks):
    def change(action):
        with django_capture_on_commit_callbacks(execute=True):
            result = action()
        assert_matches_engine(member)
        return result

    credential = change(lambda: CredentialFactory(user=member, earned_on=date(2025, 1, 10)))
    assert ComplianceSummary.objects.get(user=member).credentials == "CPC"
    activity = change(
        lambda: ActivityFactory(user=member, completed_on=date(2025, 3, 1), units=Decimal(10))
    )
    assert ComplianceSummary.objects.get(user=member).earned == Decimal(10)
    activity.units = Decimal(20)
    change(activity.save)
    assert ComplianceSummary.objects.get(user=member).earned == Decimal(20)
    change(activity.delete)
    assert ComplianceSummary.objects.get(user=member).earned == Decimal(0)
    change(
        lambda: CredentialFactory(
            user=member, credential_type=credential_type("CCS"), earned_on=date(2024, 2, 1)
        )
    )
    assert ComplianceSummary.objects.get(user=member).body_codes == ",AAPC,AHIMA,"
    change(
        lambda: OfficialCycle.objects.create(
            user=member, body="AAPC", start=date(2025, 1, 1), end=date(2025, 8, 31)
        )
    )
    assert ComplianceSummary.objects.get(user=member).bodies[0]["cycle_end"] == "2025-08-31"

    def set_month():
        member.aapc_membership_month = 6
        member.save()

    change(set_month)
    change(lambda: ApprenticeEvidence.objects.create(user=member, experience_months=3))
    change(credential.delete)
    assert ComplianceSummary.objects.get(user=member).body_codes == ",AHIMA,"


def test_it_recomputes_once_the_persons_local_day_has_moved_on(
    member, django_capture_on_commit_callbacks
):
    with time_machine.travel("2025-03-01 12:00Z", tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            CredentialFactory(user=member, earned_on=date(2025, 1, 10))
            ActivityFactory(user=member, completed_on=date(2025, 2, 10), units=Decimal(6))
        assert_matches_engine(member)
        before = ComplianceSummary.objects.get(user=member)
        assert before.status == SummaryStatus.ON_TRACK
    # 03:59 UTC on March 2 is still March 1 in New York: the row stays valid.
    with time_machine.travel("2025-03-02 03:59Z", tick=False):
        assert summaries.refresh_stale() == 0
    with time_machine.travel("2026-10-20 05:00Z", tick=False):
        assert summaries.refresh_stale() == 1
        after = ComplianceSummary.objects.get(user=member)
        assert after.as_of == date(2026, 10, 20)
        assert after.days_left != before.days_left
        assert after.status == SummaryStatus.BEHIND
        assert_matches_engine(member)


def test_it_flags_every_row_stale_when_the_catalog_changes(member):
    with time_machine.travel("2025-03-01 12:00Z", tick=False):
        summaries.refresh_summaries([member.pk])
        cpc = credential_type("CPC")
        cpc.save()
        assert ComplianceSummary.objects.get(user=member).valid_until <= timezone.now()


@time_machine.travel("2025-06-30 15:00Z", tick=False)
def test_it_leaves_people_no_organization_sees_alone(django_capture_on_commit_callbacks):
    loner = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        CredentialFactory(user=loner)
    assert not ComplianceSummary.objects.filter(user=loner).exists()


@time_machine.travel("2025-06-30 15:00Z", tick=False)
def test_the_beat_task_refreshes_stale_rows(member):
    from ceutrack.organizations.tasks import refresh_stale_summaries

    assert refresh_stale_summaries.delay().get() == 1
    assert_matches_engine(member)
