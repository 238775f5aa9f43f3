"""Invitation emails are capped per organization and per inviter each clock hour, with a
message that says how many may still go and when. (Login and password-reset limits are
allauth's, tested in tests/integration/accounts; one nudge per person per interval is tested in
tests/integration/organizations/test_member_pages.py.)"""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from ceutrack.organizations.models import Invitation, Role
from tests.factories import InvitationFactory, MembershipFactory

pytestmark = pytest.mark.django_db

HALF_PAST_TEN = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _three_an_hour(settings):
    settings.INVITATIONS_PER_HOUR = 3


def owner_of_new_organization(user=None):
    extra = {"user": user} if user else {}
    return MembershipFactory(role=Role.OWNER, consent_given_at=None, **extra)


def invite(client, membership, *emails):
    url = reverse("organizations:invitations", args=[membership.organization.slug])
    return client.post(url, {"emails": ", ".join(emails), "role": "member"}, follow=True)


@time_machine.travel(HALF_PAST_TEN, tick=False)
def test_it_refuses_invitations_past_the_hourly_limit_and_says_when_to_retry(client):
    owner = owner_of_new_organization()
    client.force_login(owner.user)

    invite(client, owner, "a@example.com", "b@example.com")
    refused = invite(client, owner, "c@example.com", "d@example.com")

    html = refused.content.decode()
    assert refused.status_code == 429
    assert "You can send at most 3 invitations an hour. 1 more can go out this hour" in html
    assert "try again after 11:00" in html
    assert "c@example.com, d@example.com" in html  # the typed list is kept
    assert Invitation.objects.count() == 2
    assert invite(client, owner, "c@example.com").status_code == 200
    assert Invitation.objects.count() == 3


def test_it_allows_a_new_batch_in_the_next_hour(client):
    owner = owner_of_new_organization()
    client.force_login(owner.user)
    with time_machine.travel(HALF_PAST_TEN, tick=False):
        invite(client, owner, "a@example.com", "b@example.com", "c@example.com")
        assert invite(client, owner, "d@example.com").status_code == 429

    with time_machine.travel(HALF_PAST_TEN.replace(hour=11, minute=1), tick=False):
        client.force_login(owner.user)
        assert invite(client, owner, "d@example.com").status_code == 200

    assert Invitation.objects.count() == 4


@time_machine.travel(HALF_PAST_TEN, tick=False)
def test_it_counts_every_organization_an_inviter_sends_from(client):
    first = owner_of_new_organization()
    second = owner_of_new_organization(user=first.user)
    client.force_login(first.user)

    invite(client, first, "a@example.com", "b@example.com")
    refused = invite(client, second, "c@example.com", "d@example.com")

    assert refused.status_code == 429
    assert Invitation.objects.filter(organization=second.organization).count() == 0


@time_machine.travel(HALF_PAST_TEN, tick=False)
def test_it_counts_every_inviter_of_one_organization(client):
    owner = owner_of_new_organization()
    admin = MembershipFactory(organization=owner.organization, role=Role.ADMIN)
    client.force_login(owner.user)
    invite(client, owner, "a@example.com", "b@example.com", "c@example.com")

    client.force_login(admin.user)
    refused = invite(client, admin, "d@example.com")

    assert refused.status_code == 429
    assert Invitation.objects.count() == 3


@time_machine.travel(HALF_PAST_TEN, tick=False)
def test_it_counts_a_resent_invitation_and_refuses_it_with_a_message(client):
    owner = owner_of_new_organization()
    pending = InvitationFactory(organization=owner.organization, invited_by=owner.user)
    client.force_login(owner.user)
    invite(client, owner, "a@example.com", "b@example.com", "c@example.com")
    token = pending.token

    url = reverse("organizations:invitation_resend", args=[owner.organization.slug, pending.pk])
    response = client.post(url, follow=True)

    assert "You can send at most 3 invitations an hour." in response.content.decode()
    pending.refresh_from_db()
    assert pending.token == token
