from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from ceutrack.activities.models import CalendarFeed
from tests.factories import CredentialFactory, UserFactory, credential_type

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(date(2025, 6, 30), tick=False)


@pytest.fixture
def user(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _feed_url(client) -> str:
    client.get(reverse("activities:records"))
    token = CalendarFeed.objects.get().token
    return reverse("activities:calendar_feed", args=[token])


def _events(response) -> dict[str, date]:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(event["summary"]): event.decoded("dtstart") for event in calendar.walk("VEVENT")}


def test_the_feed_holds_the_due_date_the_submission_window_and_the_marks(client, user):
    # CPC earned 2023-05-10: the first cycle ends 2025-05-31 and, nothing logged, stays current.
    CredentialFactory(user=user, earned_on=date(2023, 5, 10))
    url = _feed_url(client)

    events = _events(Client().get(url))  # no session: the token is the credential

    assert events == {
        "AAPC CEUs due": date(2025, 5, 31),
        "AAPC CEU submission window opens": date(2025, 5, 1),
        "AAPC CEUs due in 90 days": date(2025, 3, 2),
        "AAPC CEUs due in 30 days": date(2025, 5, 1),
        "AAPC CEUs due in 7 days": date(2025, 5, 24),
    }


def test_the_feed_follows_the_current_cycle_of_each_body(client, user):
    CredentialFactory(user=user, earned_on=date(2025, 2, 1))
    CredentialFactory(user=user, credential_type=credential_type("CCS"), earned_on=date(2024, 9, 1))
    events = _events(Client().get(_feed_url(client)))
    assert events["AAPC CEUs due"] == date(2026, 2, 28)
    assert events["AHIMA CEUs due"] == date(2026, 8, 31)
    assert events["AHIMA CEUs due in 7 days"] == date(2026, 8, 24)
    assert "AHIMA CEU submission window opens" not in events


def test_events_are_all_day_with_stable_ids_and_the_engines_figures(client, user):
    CredentialFactory(user=user, earned_on=date(2025, 2, 1))
    calendar = Calendar.from_ical(Client().get(_feed_url(client)).content)
    due = next(e for e in calendar.walk("VEVENT") if e["summary"] == "AAPC CEUs due")
    assert due["dtstart"].params.get("VALUE") == "DATE"
    assert due.decoded("dtend") == date(2026, 3, 1)
    assert str(due["uid"]) == "aapc-2026-02-28-due@ceutrack"
    assert "units required" in str(due["description"])
    assert str(calendar["version"]) == "2.0"


def test_a_person_without_credentials_gets_an_empty_valid_calendar(client, user):
    response = Client().get(_feed_url(client))
    assert _events(response) == {}


def test_an_unknown_token_is_not_found(client):
    response = client.get(reverse("activities:calendar_feed", args=["not-a-real-token"]))
    assert response.status_code == 404


def test_a_new_address_retires_the_old_one(client, user):
    CredentialFactory(user=user)
    old_url = _feed_url(client)
    response = client.post(reverse("activities:calendar_regenerate"))
    assert response.status_code == 302
    new_url = reverse("activities:calendar_feed", args=[CalendarFeed.objects.get().token])
    assert new_url != old_url
    assert Client().get(old_url).status_code == 404
    assert Client().get(new_url).status_code == 200
    page = client.get(reverse("activities:records")).content.decode()
    assert new_url in page


def test_regenerating_needs_a_post_and_a_login(client, user):
    assert client.get(reverse("activities:calendar_regenerate")).status_code == 405
    assert Client().post(reverse("activities:calendar_regenerate")).status_code == 302


def test_each_person_has_their_own_feed(client, user):
    mine = _feed_url(client)
    other = Client()
    other.force_login(UserFactory())
    other.get(reverse("activities:records"))
    tokens = set(CalendarFeed.objects.values_list("token", flat=True))
    assert len(tokens) == 2
    assert mine.split("/")[-1].removesuffix(".ics") in tokens


def test_a_deactivated_persons_feed_stops(client, user):
    url = _feed_url(client)
    user.is_active = False
    user.save()
    assert Client().get(url).status_code == 404
