"""The signed-in home follows the person's role: a manager lands on their organizations'
counts and the people needing attention, their own CEUs below; a coder on their CEUs."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ceutrack.organizations import summaries
from ceutrack.organizations.demo import apply_recipe
from ceutrack.organizations.models import Role
from tests.factories import CredentialFactory, MembershipFactory

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 30)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2025-06-30 15:00Z", tick=False)


@pytest.fixture
def manager():
    return MembershipFactory(role=Role.MANAGER, consent_given_at=None)


def _staff(manager, recipes):
    members = []
    for recipe in recipes:
        member = MembershipFactory(organization=manager.organization)
        apply_recipe(member.user, recipe, today=TODAY)
        members.append(member)
    summaries.refresh_summaries(m.user_id for m in members)
    return members


def _home(client, user):
    client.force_login(user)
    return client.get(reverse("home"))


def test_a_manager_without_credentials_lands_on_their_organization(client, manager):
    _staff(manager, ["lapsed", "on_track", "behind", "complete"])
    page = _home(client, manager.user).content.decode()
    assert manager.organization.name in page
    assert 'data-testid="count-lapsed">1<' in page
    assert 'data-testid="count-on_track">1<' in page
    assert "Add your first credential" not in page
    assert 'data-testid="own-empty"' in page


def test_the_people_needing_attention_come_worst_first(client, manager):
    lapsed, _ok, behind, at_risk = _staff(manager, ["lapsed", "on_track", "behind", "at_risk"])
    response = _home(client, manager.user)
    overview = response.context["overviews"][0]
    assert [row.email for row in overview.attention] == [
        lapsed.user.email,
        behind.user.email,
        at_risk.user.email,
    ]
    assert overview.attention_count == 3


def test_a_manager_with_credentials_sees_their_own_cards_below(client, manager):
    CredentialFactory(user=manager.user, earned_on=date(2024, 3, 1))
    page = _home(client, manager.user).content.decode()
    assert page.index('data-testid="org-overview"') < page.index('data-testid="own-cards"')
    assert 'id="body-aapc"' in page


def test_a_staff_member_lands_on_their_own_dashboard(client):
    member = MembershipFactory()
    page = _home(client, member.user).content.decode()
    assert "Your continuing education" in page
    assert 'data-testid="org-overview"' not in page


def test_a_manager_who_left_lands_on_their_own_dashboard(client, manager):
    manager.left_at = timezone.now()
    manager.save()
    page = _home(client, manager.user).content.decode()
    assert 'data-testid="org-overview"' not in page


def test_the_home_reads_stored_summaries_whatever_the_staff_size(
    client, manager, django_assert_max_num_queries
):
    _staff(manager, ["lapsed", "behind"])
    client.force_login(manager.user)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))
    _staff(manager, ["at_risk", "behind", "on_track", "lapsed", "complete", "at_risk"] * 3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("home"))


def test_an_anonymous_visitor_gets_the_landing_page(client):
    assert 'data-testid="org-overview"' not in client.get(reverse("home")).content.decode()
