"""Managers read compliance through the API as on the dashboard; admins invite with the page's
checks and hourly limits."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from ceutrack.activities.evaluation import evaluate_person
from ceutrack.organizations.models import Invitation, Role
from ceutrack.rules import to_json
from tests.factories import CredentialFactory, MembershipFactory, OrganizationFactory
from tests.integration.api.conftest import api_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(db):
    organization = OrganizationFactory(slug="riverside")
    owner = MembershipFactory(organization=organization, role=Role.OWNER, consent_given_at=None)
    staff = [MembershipFactory(organization=organization) for _ in range(3)]
    CredentialFactory(user=staff[0].user, earned_on=date(2023, 1, 10))
    return owner, staff


def test_compliance_gives_status_counts_and_one_row_per_consenting_staff_member(org):
    owner, staff = org
    api = api_as(owner.user, "read")

    answer = api.get(reverse("api:organization_compliance", args=["riverside"]))

    body = answer.json()
    assert answer.status_code == 200
    assert sum(c["count"] for c in body["counts"]) == body["count"] == 3
    assert {r["membership_id"] for r in body["results"]} == {m.pk for m in staff}
    holder = next(r for r in body["results"] if r["membership_id"] == staff[0].pk)
    evaluation = evaluate_person(staff[0].user)
    assert holder["status"] == evaluation.bodies[0].current.status
    assert holder["credentials"] == "CPC"


def test_compliance_filters_like_the_dashboard_and_refuses_a_bad_filter(org):
    owner, staff = org
    api = api_as(owner.user, "read")
    url = reverse("api:organization_compliance", args=["riverside"])

    holders = api.get(url, {"credential": "CPC"}).json()

    assert [r["membership_id"] for r in holders["results"]] == [staff[0].pk]
    assert list(api.get(url, {"status": "fine"}).json()["errors"]) == ["status"]


def test_a_staff_members_evaluation_is_the_rules_clis_json(org):
    owner, staff = org
    url = reverse("api:member_evaluation", args=["riverside", staff[0].pk])

    answer = api_as(owner.user, "read").get(url, {"date": "2025-06-30"})

    assert answer.json() == to_json(evaluate_person(staff[0].user, today=date(2025, 6, 30)))


def test_an_admin_invites_by_api_with_the_pages_checks(org, django_capture_on_commit_callbacks):
    owner, _ = org
    api = api_as(owner.user)
    url = reverse("api:invitation_list", args=["riverside"])

    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(url, {"emails": ["a@example.com", "not-an-address", "a@example.com"]})
    nothing = api.post(url, {"emails": "nope"}, format="json")
    listed = api.get(url).json()

    assert sent.status_code == 201
    assert sent.json() | {"sent": sorted(sent.json()["sent"])} == {
        "sent": ["a@example.com"],
        "already_members": [],
        "already_invited": [],
        "invalid": ["not-an-address"],
        "duplicates": ["a@example.com"],
    }
    assert len(mail.outbox) == 1
    assert nothing.status_code == 400 and "valid email" in nothing.json()["errors"]["emails"][0]
    assert [i["email"] for i in listed["results"]] == ["a@example.com"]


def test_invitations_over_the_hourly_limit_are_a_429_with_retry_after(settings, org):
    settings.INVITATIONS_PER_HOUR = 1
    owner, _ = org
    api = api_as(owner.user)
    url = reverse("api:invitation_list", args=["riverside"])

    api.post(url, {"emails": "a@example.com"}, format="json")
    refused = api.post(url, {"emails": "b@example.com"}, format="json")

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "at most 1 invitations an hour" in refused.json()["detail"]
    assert not Invitation.objects.filter(email="b@example.com").exists()


def test_a_pending_invitation_is_revoked_once(org):
    owner, _ = org
    api = api_as(owner.user)
    api.post(reverse("api:invitation_list", args=["riverside"]), {"emails": "a@example.com"})
    invitation = Invitation.objects.get(email="a@example.com")
    url = reverse("api:invitation_detail", args=["riverside", invitation.pk])

    assert api.delete(url).status_code == 204
    assert api.get(url).json()["state"] == "revoked"
    assert api.delete(url).status_code == 400
