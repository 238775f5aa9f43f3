"""A create form posted twice (a network retry, back and resubmit) stores one row and goes to
the existing one with a message; a form with errors keeps its token; no token, old behaviour."""

import uuid

import pytest
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import reverse

from ceutrack.accounts import submissions
from ceutrack.accounts.models import FormSubmission
from ceutrack.activities.models import Activity
from ceutrack.credentials.models import Credential, OfficialCycle
from ceutrack.organizations.models import Invitation, Organization, Role
from tests.factories import MembershipFactory, UserFactory, credential_type

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2025-06-30 15:00Z", tick=False)


@pytest.fixture
def user(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _token():
    return str(uuid.uuid4())


def _twice(client, url, data):
    first = client.post(url, data)
    second = client.post(url, data)
    return first, second


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


ACTIVITY = {
    "title": "E/M documentation update",
    "provider": "AAPC",
    "completed_on": "2025-03-15",
    "units": "1.5",
    "kind": "webinar",
    "aapc": "on",
    "aapc_index": "A123",
    "ahima_domain": "on",
}


def test_the_activity_form_carries_a_fresh_token_each_time(client, user):
    first = client.get(reverse("activities:add")).content.decode()
    second = client.get(reverse("activities:add")).content.decode()
    assert 'name="submission_token"' in first
    tokens = [page.split('name="submission_token" value="')[1][:36] for page in (first, second)]
    assert tokens[0] != tokens[1]


def test_a_resubmitted_activity_is_stored_once_and_shown(client, user):
    data = {**ACTIVITY, "submission_token": _token()}
    first, second = _twice(client, reverse("activities:add"), data)
    activity = Activity.objects.get(user=user)
    assert first.status_code == 302
    assert second["Location"] == reverse("activities:edit", args=[activity.pk])
    assert "already sent" in _messages(second)[-1]


def test_two_activity_forms_with_their_own_tokens_store_two_rows(client, user):
    client.post(reverse("activities:add"), {**ACTIVITY, "submission_token": _token()})
    client.post(reverse("activities:add"), {**ACTIVITY, "submission_token": _token()})
    assert Activity.objects.filter(user=user).count() == 2


def test_a_form_with_errors_comes_back_with_the_same_token_and_stores_nothing(client, user):
    token = _token()
    response = client.post(
        reverse("activities:add"), {**ACTIVITY, "units": "0", "submission_token": token}
    )
    assert response.status_code == 200
    assert f'name="submission_token" value="{token}"' in response.content.decode()
    assert not FormSubmission.objects.exists()
    client.post(reverse("activities:add"), {**ACTIVITY, "submission_token": token})
    assert Activity.objects.filter(user=user).count() == 1


def test_a_post_without_a_token_still_creates(client, user):
    client.post(reverse("activities:add"), ACTIVITY)
    client.post(reverse("activities:add"), ACTIVITY)
    assert Activity.objects.filter(user=user).count() == 2


def test_another_person_posting_the_same_token_is_not_sent_to_the_first_ones_row(client, user):
    token = _token()
    client.post(reverse("activities:add"), {**ACTIVITY, "submission_token": token})
    other = UserFactory()
    client.force_login(other)
    client.post(reverse("activities:add"), {**ACTIVITY, "submission_token": token})
    assert Activity.objects.filter(user=other).count() == 1


def test_a_resubmitted_credential_is_stored_once(client, user):
    data = {
        "credential_type": credential_type("CPC").pk,
        "earned_on": "2024-03-01",
        "submission_token": _token(),
    }
    _first, second = _twice(client, reverse("credentials:add"), data)
    credential = Credential.objects.get(user=user)
    assert second["Location"] == reverse("credentials:edit", args=[credential.pk])
    assert "already sent" in _messages(second)[-1]


def test_a_resubmitted_official_cycle_is_stored_once(client, user):
    data = {
        "body": "AAPC",
        "start": "2024-03-01",
        "end": "2026-02-28",
        "required": "36",
        "submission_token": _token(),
    }
    first, second = _twice(client, reverse("credentials:cycle_add"), data)
    cycle = OfficialCycle.objects.get(user=user)
    assert first.status_code == 302
    assert second["Location"] == reverse("credentials:cycle_edit", args=[cycle.pk])


def test_a_resubmitted_organization_is_created_once(client, user):
    data = {"name": "Riverside Health Coding", "submission_token": _token()}
    first, second = _twice(client, reverse("organizations:create"), data)
    organization = Organization.objects.get()
    assert second["Location"] == first["Location"]
    assert organization.slug in second["Location"]


def test_resubmitted_invitations_are_sent_once(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    owner = MembershipFactory(role=Role.OWNER, consent_given_at=None)
    client.force_login(owner.user)
    url = reverse("organizations:invitations", args=[owner.organization.slug])
    data = {"emails": "a@example.com\nb@example.com", "role": "member"}
    data["submission_token"] = _token()
    with django_capture_on_commit_callbacks(execute=True):
        _first, second = _twice(client, url, data)
    assert Invitation.objects.filter(organization=owner.organization).count() == 2
    assert len(mailoutbox) == 2
    assert second["Location"] == url


def test_a_twin_post_that_lost_the_race_stores_nothing(user):
    token = _token()
    request = RequestFactory().post("/", {"submission_token": token})
    request.user = user
    with submissions.once(request) as first:
        first.created("/activities/1/edit/")
    with pytest.raises(submissions.AlreadySubmitted), submissions.once(request):
        pytest.fail("the block must not run for a token already claimed")
    assert submissions.previous(request) == "/activities/1/edit/"
    assert FormSubmission.objects.filter(user=user).count() == 1


def test_a_failed_create_releases_the_token(user):
    request = RequestFactory().post("/", {"submission_token": _token()})
    request.user = user
    with pytest.raises(RuntimeError), submissions.once(request):
        raise RuntimeError("the create failed")
    assert not FormSubmission.objects.exists()


def test_tokens_older_than_a_month_are_dropped_at_the_next_create(user, time_machine):
    old = RequestFactory().post("/", {"submission_token": _token()})
    old.user = user
    with submissions.once(old) as first:
        first.created("/old/")
    time_machine.move_to("2025-08-15 15:00Z", tick=False)
    new = RequestFactory().post("/", {"submission_token": _token()})
    new.user = user
    with submissions.once(new) as second:
        second.created("/new/")
    assert list(FormSubmission.objects.values_list("url", flat=True)) == ["/new/"]
