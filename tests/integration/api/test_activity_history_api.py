"""/api/v1/activities/{id}/history/: the activity's changes, recorded for edits made through
the API itself with a personal access token, and nobody else's."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import ActivityFactory, CredentialFactory, OfficialCycleFactory, UserFactory
from tests.integration.api.conftest import api_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def coder():
    user = UserFactory(full_name="Dana Coder", time_zone="UTC")
    CredentialFactory(user=user, earned_on=date(2023, 1, 10))
    OfficialCycleFactory(user=user, start=date(2025, 2, 1), end=date(2027, 1, 31))
    return user


def test_it_lists_an_edit_made_through_the_api_with_who_and_what_changed(coder, time_machine):
    time_machine.move_to(datetime(2025, 4, 1, 12, tzinfo=UTC), tick=False)
    activity = ActivityFactory(user=coder, title="E/M update", units=Decimal("1.5"))
    api = api_as(coder)
    time_machine.move_to(datetime(2025, 4, 2, 9, 30, tzinfo=UTC), tick=False)

    edited = api.patch(
        reverse("api:activity_detail", args=[activity.pk]),
        {"title": "E/M documentation update"},
        format="json",
    )
    response = api.get(reverse("api:activity_history", args=[activity.pk]))

    assert edited.status_code == 200, edited.json()
    assert response.status_code == 200
    newest, created = response.json()
    assert newest["action"] == "changed"
    assert (newest["by"], newest["by_you"]) == ("you", True)
    assert newest["at"] == "2025-04-02T09:30:00+00:00"
    assert newest["changes"] == [
        {"field": "title", "label": "Title", "old": "E/M update", "new": "E/M documentation update"}
    ]
    assert newest["after_cycle_end"] == []
    assert created["action"] == "created"


def test_it_flags_a_change_made_after_the_cycle_had_ended(coder, time_machine):
    time_machine.move_to(datetime(2026, 3, 1, 12, tzinfo=UTC), tick=False)
    activity = ActivityFactory(user=coder, completed_on=date(2026, 2, 20))
    time_machine.move_to(datetime(2027, 3, 1, 12, tzinfo=UTC), tick=False)
    api = api_as(coder)

    api.patch(
        reverse("api:activity_detail", args=[activity.pk]), {"provider": "AHIMA"}, format="json"
    )
    newest = api.get(reverse("api:activity_history", args=[activity.pk])).json()[0]

    assert newest["after_cycle_end"] == [{"body": "AAPC", "cycle_end": "2027-01-31"}]


def test_another_persons_activity_history_is_not_found(coder):
    activity = ActivityFactory(user=coder)

    response = api_as(UserFactory()).get(reverse("api:activity_history", args=[activity.pk]))

    assert response.status_code == 404
