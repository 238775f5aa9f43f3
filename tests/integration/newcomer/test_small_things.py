"""The small things a newcomer trips on: the drill-down 404's hint, the favicon, every form
error at once with a summary that links to each field."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from ceutrack.organizations.models import Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client):
    membership = MembershipFactory(role=Role.MANAGER, consent_given_at=None)
    client.force_login(membership.user)
    return membership


def _detail(client, member):
    return client.get(
        reverse("organizations:member_detail", args=[member.organization.slug, member.pk])
    )


def test_a_person_who_stopped_sharing_gives_a_404_that_says_they_may_have(client, manager):
    member = MembershipFactory(organization=manager.organization)
    assert _detail(client, member).status_code == 200
    member.consent_withdrawn_at = timezone.now()
    member.save()
    response = _detail(client, member)
    assert response.status_code == 404
    assert "may have stopped sharing" in response.content.decode()


def test_the_hint_is_the_same_for_someone_who_never_was_staff(client, manager):
    stranger = MembershipFactory()  # staff of another organization
    response = client.get(
        reverse("organizations:member_detail", args=[manager.organization.slug, stranger.pk])
    )
    assert response.status_code == 404
    assert "may have stopped sharing" in response.content.decode()
    assert stranger.user.email not in response.content.decode()
    assert stranger.organization.name not in response.content.decode()


def test_an_organization_the_visitor_cannot_see_gives_the_plain_404(client, manager):
    elsewhere = MembershipFactory()
    response = _detail(client, elsewhere)
    assert response.status_code == 404
    assert "stopped sharing" not in response.content.decode()


def test_favicon_ico_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.ico")
    assert client.get(response["Location"]).status_code == 200


def test_every_page_links_its_icon(client):
    page = client.get(reverse("home")).content.decode()
    assert 'rel="icon"' in page


def test_a_units_error_shows_while_the_date_is_blank(client, time_machine):
    time_machine.move_to(date(2025, 6, 30), tick=False)
    client.force_login(UserFactory())
    response = client.post(
        reverse("activities:add"),
        {"title": "Webinar", "completed_on": "", "units": "0.3", "kind": "webinar", "aapc": "on"},
    )
    errors = response.context["form"].errors
    assert "completed_on" in errors
    assert "units" in errors


def test_a_future_date_and_bad_units_are_both_reported(client, time_machine):
    time_machine.move_to(date(2025, 6, 30), tick=False)
    client.force_login(UserFactory())
    response = client.post(
        reverse("activities:add"),
        {"title": "W", "completed_on": "2025-07-15", "units": "99", "kind": "webinar"},
    )
    errors = response.context["form"].errors
    assert "future" in errors["completed_on"][0]
    assert "at most" in errors["units"][0]


def test_a_failed_submit_opens_with_an_error_summary_linking_each_field(client, time_machine):
    time_machine.move_to(date(2025, 6, 30), tick=False)
    client.force_login(UserFactory())
    page = client.post(
        reverse("activities:add"), {"title": "", "units": "0.3", "kind": "webinar"}
    ).content.decode()
    summary = page.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert 'role="alert"' in page.split("data-error-summary", 1)[0].rsplit("<div", 1)[1]
    assert 'href="#id_title"' in summary
    assert 'href="#id_units"' in summary
    assert 'href="#id_completed_on"' in summary
    assert "error-summary.js" in page


def test_a_page_without_errors_has_no_summary(client):
    client.force_login(UserFactory())
    assert "data-error-summary" not in client.get(reverse("activities:add")).content.decode()
