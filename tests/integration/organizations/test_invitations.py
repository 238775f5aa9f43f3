from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ceutrack.organizations.models import (
    Invitation,
    InvitationStatus,
    Membership,
    Organization,
    Role,
)
from tests.factories import InvitationFactory, MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def owner():
    return MembershipFactory(role=Role.OWNER, consent_given_at=None)


def invitations_url(membership):
    return reverse("organizations:invitations", args=[membership.organization.slug])


def accept_url(invitation):
    return reverse("organizations:invitation_accept", args=[invitation.token])


def test_it_creates_an_organization_owned_by_its_creator(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("organizations:create"), {"name": "Riverside Health Coding"})
    organization = Organization.objects.get()
    assert organization.slug == "riverside-health-coding"
    assert response["Location"] == invitations_url(Membership.objects.get(user=user))
    assert Membership.objects.get(user=user).role == Role.OWNER


def test_it_gives_a_second_organization_of_the_same_name_its_own_slug(client):
    client.force_login(UserFactory())
    client.post(reverse("organizations:create"), {"name": "New"})
    client.post(reverse("organizations:create"), {"name": "New"})
    assert sorted(Organization.objects.values_list("slug", flat=True)) == [
        "new-organization",
        "new-organization-2",
    ]


def test_it_invites_a_pasted_list_and_reports_each_problem(
    client, owner, django_capture_on_commit_callbacks
):
    existing = MembershipFactory(organization=owner.organization)
    InvitationFactory(organization=owner.organization, email="pending@example.com")
    team = TeamFactory(organization=owner.organization)
    client.force_login(owner.user)
    pasted = (
        "Ann@Example.com, bob@example.com; not-an-email\n"
        f"ann@example.com\n{existing.user.email}\tpending@example.com"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            invitations_url(owner),
            {"emails": pasted, "role": Role.MEMBER, "team": team.pk},
            follow=True,
        )
    text = response.content.decode()
    assert "Sent 2 invitation(s): ann@example.com, bob@example.com." in text
    assert "Not valid email addresses (skipped): not-an-email." in text
    assert "Listed more than once (invited once): ann@example.com." in text
    assert f"Already members (skipped): {existing.user.email}." in text
    assert "Already invited and still pending (use Resend below): pending@example.com." in text
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.com", "bob@example.com"]
    invitation = Invitation.objects.get(email="ann@example.com")
    assert invitation.team == team
    assert accept_url(invitation) in mail.outbox[0].body


def test_it_refuses_a_list_with_no_valid_address(client, owner):
    client.force_login(owner.user)
    response = client.post(invitations_url(owner), {"emails": "nope, also@", "role": "member"})
    assert "None of these is a valid email address: nope, also@" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_manager_cannot_be_offered_the_admin_role_by_an_admin(client, owner):
    admin = MembershipFactory(organization=owner.organization, role=Role.ADMIN)
    client.force_login(admin.user)
    response = client.post(invitations_url(owner), {"emails": "x@example.com", "role": "admin"})
    assert "Select a valid choice" in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_invitee_sees_what_will_be_shared_and_consents(client, owner):
    invitation = InvitationFactory(organization=owner.organization, invited_by=owner.user)
    coder = UserFactory(email=invitation.email)
    client.force_login(coder)
    page = client.get(accept_url(invitation)).content.decode()
    assert f"What {owner.organization.name} will see" in page
    assert "your certificates" in page
    refused = client.post(accept_url(invitation), {})
    assert "Tick the box to give your consent" in refused.content.decode()
    assert not Membership.objects.filter(user=coder).exists()
    client.post(accept_url(invitation), {"consent": "on"})
    membership = Membership.objects.get(user=coder)
    assert membership.shares_records
    assert membership.consent_given_at is not None
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.accepted_by == coder


def test_a_manager_invitation_needs_no_consent_and_opens_the_dashboard(client, owner):
    invitation = InvitationFactory(organization=owner.organization, role=Role.MANAGER)
    manager = UserFactory(email=invitation.email)
    client.force_login(manager)
    response = client.post(accept_url(invitation))
    assert response["Location"] == reverse(
        "organizations:dashboard", args=[owner.organization.slug]
    )
    assert Membership.objects.get(user=manager).role == Role.MANAGER


def test_it_refuses_an_account_with_another_email(client, owner):
    invitation = InvitationFactory(organization=owner.organization)
    someone_else = UserFactory(email="someone@example.com")
    client.force_login(someone_else)
    page = client.get(accept_url(invitation)).content.decode()
    assert f"This invitation was sent to <strong>{invitation.email}</strong>" in page
    client.post(accept_url(invitation), {"consent": "on"})
    assert not Membership.objects.filter(user=someone_else).exists()


def test_a_verified_secondary_address_may_accept(client, owner):
    invitation = InvitationFactory(organization=owner.organization)
    coder = UserFactory(email="work@example.com")
    EmailAddress.objects.create(user=coder, email=invitation.email, verified=True)
    client.force_login(coder)
    client.post(accept_url(invitation), {"consent": "on"})
    assert Membership.objects.get(user=coder).shares_records


def test_a_forged_token_gives_404(client):
    InvitationFactory()
    response = client.get(reverse("organizations:invitation_accept", args=["forged-token"]))
    assert response.status_code == 404


def test_an_expired_invitation_cannot_be_accepted(client, owner):
    invitation = InvitationFactory(organization=owner.organization)
    coder = UserFactory(email=invitation.email)
    client.force_login(coder)
    with time_machine.travel(invitation.expires_at + timedelta(minutes=1)):
        page = client.post(accept_url(invitation), {"consent": "on"}).content.decode()
    assert "This invitation has expired" in page
    assert not Membership.objects.filter(user=coder).exists()


def test_a_revoked_invitation_cannot_be_accepted(client, owner):
    invitation = InvitationFactory(organization=owner.organization)
    client.force_login(owner.user)
    client.post(
        reverse("organizations:invitation_revoke", args=[owner.organization.slug, invitation.pk])
    )
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED
    coder = UserFactory(email=invitation.email)
    client.force_login(coder)
    page = client.post(accept_url(invitation), {"consent": "on"}).content.decode()
    assert "This invitation was withdrawn" in page
    assert not Membership.objects.filter(user=coder).exists()


def test_resend_issues_a_new_link_and_the_old_one_dies(
    client, owner, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(
        organization=owner.organization, expires_at=timezone.now() + timedelta(hours=1)
    )
    old_url = accept_url(invitation)
    client.force_login(owner.user)
    with time_machine.travel(invitation.expires_at + timedelta(hours=1)):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse(
                    "organizations:invitation_resend",
                    args=[owner.organization.slug, invitation.pk],
                )
            )
        invitation.refresh_from_db()
        assert invitation.is_open()
        assert invitation.expires_at > timezone.now()
    assert client.get(old_url).status_code == 404
    assert accept_url(invitation) in mail.outbox[-1].body


def test_the_listing_shows_each_state(client, owner):
    org = owner.organization
    InvitationFactory(organization=org, email="pending@example.com")
    InvitationFactory(organization=org, email="accepted@example.com", status="accepted")
    InvitationFactory(organization=org, email="revoked@example.com", status="revoked")
    InvitationFactory(
        organization=org, email="expired@example.com", expires_at=timezone.now() - timedelta(days=1)
    )
    client.force_login(owner.user)
    page = client.get(invitations_url(owner)).content.decode()
    for state in ("Pending", "Accepted", "Revoked", "Expired"):
        assert f'data-testid="invitation-status">{state}<' in page
    expired_only = client.get(invitations_url(owner), {"state": "expired"}).content.decode()
    assert "expired@example.com" in expired_only
    assert "pending@example.com" not in expired_only


def test_an_anonymous_invitee_is_sent_to_signup_with_the_email_and_back(client, owner):
    invitation = InvitationFactory(organization=owner.organization)
    page = client.get(accept_url(invitation)).content.decode()
    assert "Create an account" in page
    signup = reverse("account_signup")
    assert f"{signup}?next=%2Forganizations%2Finvitation%2F" in page
    assert f"email={invitation.email.replace('@', '%40')}" in page
    assert client.session["account_verified_email"] == invitation.email


def test_signing_up_through_the_link_lands_back_in_the_invitation(client, owner):
    invitation = InvitationFactory(organization=owner.organization)
    client.get(accept_url(invitation))
    response = client.post(
        f"{reverse('account_signup')}?next={accept_url(invitation)}",
        {
            "full_name": "New Coder",
            "email": invitation.email,
            "password1": "a-long-enough-passphrase-1",
            "password2": "a-long-enough-passphrase-1",
            "time_zone": "America/New_York",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == accept_url(invitation)
    client.post(accept_url(invitation), {"consent": "on"})
    assert Membership.objects.get(user__email=invitation.email).shares_records


def test_rejoining_after_leaving_restores_consent(client, owner):
    old = MembershipFactory(organization=owner.organization)
    old.left_at = timezone.now()
    old.consent_withdrawn_at = timezone.now()
    old.save()
    invitation = InvitationFactory(organization=owner.organization, email=old.user.email)
    client.force_login(old.user)
    client.post(accept_url(invitation), {"consent": "on"})
    old.refresh_from_db()
    assert old.shares_records


def test_invitations_in_a_state_count_an_overdue_pending_one_as_expired(owner):
    org = owner.organization
    InvitationFactory(organization=org, email="pending@example.com")
    InvitationFactory(organization=org, email="revoked@example.com", status="revoked")
    InvitationFactory(
        organization=org, email="overdue@example.com", expires_at=timezone.now() - timedelta(days=1)
    )
    listing = Invitation.objects.filter(organization=org)

    def emails(state):
        return sorted(listing.in_state(state).values_list("email", flat=True))

    assert emails("pending") == ["pending@example.com"]
    assert emails("expired") == ["overdue@example.com"]
    assert emails("revoked") == ["revoked@example.com"]
    assert len(emails("no such state")) == 3
