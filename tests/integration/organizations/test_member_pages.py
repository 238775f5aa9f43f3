"""The drill-down, certificate downloads, nudges and the coder's own consent controls."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse

from ceutrack.organizations.models import NudgeLog, Role
from tests.certificate_files import pdf_bytes
from tests.factories import ActivityFactory, CredentialFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def manager():
    return MembershipFactory(role=Role.MANAGER, consent_given_at=None)


@pytest.fixture
def member(manager):
    membership = MembershipFactory(organization=manager.organization)
    CredentialFactory(user=membership.user, earned_on=date(2025, 1, 10))
    activity = ActivityFactory(
        user=membership.user,
        title="Auditing essentials",
        completed_on=date(2025, 3, 1),
        units=8,
        certificate_name="audit.pdf",
        certificate_type="application/pdf",
    )
    activity.certificate.save("audit.pdf", ContentFile(pdf_bytes()))
    membership.activity = activity
    return membership


def detail_url(member):
    return reverse("organizations:member_detail", args=[member.organization.slug, member.pk])


def certificate_url(member):
    return reverse(
        "organizations:member_certificate",
        args=[member.organization.slug, member.pk, member.activity.pk],
    )


def nudge_url(member):
    return reverse("organizations:member_nudge", args=[member.organization.slug, member.pk])


@time_machine.travel("2025-06-30 15:00Z", tick=False)
def test_the_drill_down_shows_the_cycle_as_the_coder_sees_it(client, manager, member):
    client.force_login(manager.user)
    page = client.get(detail_url(member)).content.decode()
    assert member.user.display_name in page
    assert 'data-testid="member-status">On track<' in page
    # The coder's own body card, without the links to the coder's pages.
    assert 'data-testid="earned">8<' in page and 'data-testid="required">36<' in page
    assert reverse("activities:history", args=["aapc"]) not in page
    assert "Auditing essentials" in page
    assert certificate_url(member) in page


@time_machine.travel("2025-06-30 15:00Z", tick=False)
def test_the_drill_down_marks_duplicates_and_entries_before_certification_not_counted(
    client, manager, member
):
    ActivityFactory(user=member.user, title="Exam prep", completed_on=date(2024, 11, 1))
    ActivityFactory(
        user=member.user,
        title="Auditing again",
        completed_on=date(2025, 3, 2),
        aapc_index=member.activity.aapc_index,
    )
    client.force_login(manager.user)

    page = client.get(detail_url(member)).content.decode()

    assert page.count('data-testid="not-counted">not counted<') == 2
    assert "completed before your first AAPC certification" in page
    assert "duplicate of \u201cAuditing essentials\u201d of 1 Mar 2025" in page
    assert "Counts toward the AAPC cycle 10 Jan 2025 \u2013 31 Jan 2027" in page


def test_the_certificate_downloads_only_while_consent_stands(client, manager, member):
    client.force_login(manager.user)
    response = client.get(certificate_url(member))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    member.consent_withdrawn_at = member.consent_given_at
    member.save()
    assert client.get(certificate_url(member)).status_code == 404


def test_a_nudge_is_emailed_once_per_interval_and_logged(
    client, manager, member, django_capture_on_commit_callbacks
):
    client.force_login(manager.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(nudge_url(member), {"message": "Conference is Friday"}, follow=True)
    assert f"A reminder was emailed to {member.user.display_name}" in response.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.user.email]
    assert "Conference is Friday" in mail.outbox[0].body
    assert manager.organization.name in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(nudge_url(member), {}, follow=True)
    assert "already reminded recently" in again.content.decode()
    assert len(mail.outbox) == 1
    assert NudgeLog.objects.filter(recipient=member.user).count() == 1
    assert 'data-testid="nudge-wait"' in client.get(detail_url(member)).content.decode()
    with time_machine.travel(NudgeLog.objects.get().sent_at + timedelta(hours=24, seconds=1)):
        client.force_login(manager.user)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(nudge_url(member), {})
    assert len(mail.outbox) == 2


def test_the_rate_limit_is_per_organization(
    client, manager, member, django_capture_on_commit_callbacks
):
    other = MembershipFactory(role=Role.MANAGER, consent_given_at=None)
    MembershipFactory(organization=other.organization, user=member.user)
    other_member = member.user.memberships.get(organization=other.organization)
    other_member.activity = member.activity
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(manager.user)
        client.post(nudge_url(member), {})
        client.force_login(other.user)
        client.post(nudge_url(other_member), {})
    assert len(mail.outbox) == 2


def test_a_note_over_500_characters_is_refused(client, manager, member):
    client.force_login(manager.user)
    response = client.post(nudge_url(member), {"message": "x" * 501}, follow=True)
    assert "Keep the note under 500 characters" in response.content.decode()
    assert not NudgeLog.objects.exists()


def test_the_coder_withdraws_and_the_organization_loses_access_at_once(client, manager, member):
    client.force_login(member.user)
    page = client.get(reverse("organizations:list")).content.decode()
    assert "Sharing since" in page
    response = client.post(reverse("organizations:withdraw", args=[member.pk]), follow=True)
    assert f"{member.organization.name} can no longer see your CEU records" in (
        response.content.decode()
    )
    client.force_login(manager.user)
    assert client.get(detail_url(member)).status_code == 404
    client.force_login(member.user)
    client.post(reverse("organizations:consent", args=[member.pk]), {"consent": "on"})
    client.force_login(manager.user)
    assert client.get(detail_url(member)).status_code == 200


def test_the_coder_may_leave(client, manager, member):
    client.force_login(member.user)
    client.post(reverse("organizations:leave", args=[member.pk]))
    member.refresh_from_db()
    assert member.left_at is not None
    page = client.get(reverse("organizations:list")).content.decode()
    assert f"You left {member.organization.name}" in page
    assert 'data-testid="staff-membership"' not in page


def test_the_last_owner_cannot_leave(client):
    owner = MembershipFactory(role=Role.OWNER, consent_given_at=None)
    client.force_login(owner.user)
    response = client.post(reverse("organizations:leave", args=[owner.pk]), follow=True)
    assert "You are the only owner" in response.content.decode()
    owner.refresh_from_db()
    assert owner.left_at is None


def test_an_admin_sets_teams_and_removes_members(client, manager, member):
    admin = MembershipFactory(organization=manager.organization, role=Role.ADMIN)
    client.force_login(admin.user)
    people = reverse("organizations:people", args=[manager.organization.slug])
    client.post(people, {"name": "Inpatient"})
    team = manager.organization.teams.get()
    duplicate = client.post(people, {"name": "inpatient"})
    assert "already has a team with that name" in duplicate.content.decode()
    client.post(
        reverse("organizations:member_team", args=[manager.organization.slug, member.pk]),
        {"team": team.pk},
    )
    member.refresh_from_db()
    assert member.team == team
    client.post(reverse("organizations:member_remove", args=[manager.organization.slug, member.pk]))
    member.refresh_from_db()
    assert member.left_at is not None


def test_an_admin_cannot_remove_an_owner(client, manager):
    owner = MembershipFactory(organization=manager.organization, role=Role.OWNER)
    admin = MembershipFactory(organization=manager.organization, role=Role.ADMIN)
    client.force_login(admin.user)
    url = reverse("organizations:member_remove", args=[manager.organization.slug, owner.pk])
    assert client.post(url).status_code == 404
    owner.refresh_from_db()
    assert owner.left_at is None
