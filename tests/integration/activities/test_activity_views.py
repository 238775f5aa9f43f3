from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from ceutrack.activities.forms import ActivityForm
from ceutrack.activities.models import Activity
from ceutrack.rules import DEFAULT_CATALOG
from tests.factories import ActivityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(date(2025, 6, 30), tick=False)


@pytest.fixture
def user(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _data(**overrides):
    data = {
        "title": "E/M documentation update",
        "provider": "AAPC",
        "completed_on": "2025-03-15",
        "units": "1.5",
        "kind": "webinar",
        "aapc": "on",
        "aapc_index": "A123",
        "topic": "",
        "ahima_domain": "on",
        "notes": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _errors(response):
    return response.context["form"].errors


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_it_asks_anonymous_visitors_to_sign_in(client):
    for url in (reverse("activities:list"), reverse("activities:add")):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_it_logs_an_activity_with_every_field(client, user):
    response = client.post(
        reverse("activities:add"),
        _data(ahima="on", ahima_sourced="on", topic="auditing", notes="Chapter 4"),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:list")
    activity = Activity.objects.get(user=user)
    assert activity.title == "E/M documentation update"
    assert activity.completed_on == date(2025, 3, 15)
    assert activity.units == Decimal("1.5")
    assert (activity.aapc, activity.ahima, activity.ahima_domain, activity.ahima_sourced) == (
        True,
        True,
        True,
        True,
    )
    assert (activity.aapc_index, activity.topic, activity.notes) == (
        "A123",
        "auditing",
        "Chapter 4",
    )


def test_it_offers_the_catalogs_topic_keys_and_no_topic(client, user):
    page = client.get(reverse("activities:add")).content.decode()
    assert '<option value="" selected>No specific topic</option>' in page
    assert '<option value="auditing">Auditing</option>' in page
    assert '<option value="evaluation_management">E/M</option>' in page
    assert '<option value="obgyn">OB/GYN</option>' in page
    assert '<option value="ent">ENT</option>' in page


def test_it_refuses_a_topic_outside_the_catalog(client, user):
    response = client.post(reverse("activities:add"), _data(topic="astrology"))
    assert "topic" in _errors(response)
    assert not Activity.objects.exists()


def test_it_refuses_a_completion_date_in_the_future(client, user):
    response = client.post(reverse("activities:add"), _data(completed_on="2025-07-01"))
    assert _errors(response)["completed_on"] == [
        "The completion date is in the future. Log an activity once you have done it."
    ]
    assert not Activity.objects.exists()


@pytest.mark.parametrize("units", ["0", "-1", "40.5", "41"])
def test_it_refuses_units_out_of_range(client, user, units):
    response = client.post(reverse("activities:add"), _data(units=units))
    assert _errors(response)["units"] == [
        "Units must be more than 0 and at most 40 for one activity."
    ]
    assert not Activity.objects.exists()


@pytest.mark.parametrize("units", ["1.25", "0.1", "2.75"])
def test_it_refuses_units_not_in_half_steps(client, user, units):
    response = client.post(reverse("activities:add"), _data(units=units))
    assert _errors(response)["units"] == [
        f"Units come in steps of 0.5 (60 minutes = 1 unit); {units} is not one."
    ]


def test_it_accepts_forty_units_and_half_a_unit(client, user):
    client.post(reverse("activities:add"), _data(units="40", title="Conference"))
    client.post(reverse("activities:add"), _data(units="0.5", title="Quiz", aapc_index=""))
    assert sorted(Activity.objects.values_list("units", flat=True)) == [Decimal("0.5"), 40]


def test_it_warns_but_saves_an_entry_repeating_title_provider_and_date(client, user):
    ActivityFactory(user=user, title="E/M  documentation UPDATE", provider="aapc", aapc_index="")
    response = client.post(reverse("activities:add"), _data(aapc_index=""))
    assert Activity.objects.filter(user=user).count() == 2
    assert any("only the first entry counts" in m for m in _messages(response))


def test_it_warns_but_saves_an_aapc_index_already_logged(client, user):
    ActivityFactory(user=user, title="Another course", aapc_index="a123 ")
    response = client.post(reverse("activities:add"), _data())
    assert Activity.objects.filter(user=user).count() == 2
    assert any("AAPC index A123 is already logged" in m for m in _messages(response))


def test_it_does_not_warn_about_another_users_entries(client, user):
    ActivityFactory(
        title="E/M documentation update", completed_on=date(2025, 3, 15), aapc_index="A123"
    )
    response = client.post(reverse("activities:add"), _data())
    assert not any("already" in m for m in _messages(response))


def test_it_edits_an_activity(client, user):
    activity = ActivityFactory(user=user)
    response = client.post(
        reverse("activities:edit", args=[activity.pk]), _data(title="Renamed", units="3")
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.units) == ("Renamed", 3)


def test_it_keeps_the_stored_activity_when_an_edit_is_rejected(client, user):
    activity = ActivityFactory(user=user, units=Decimal("2"))
    response = client.post(reverse("activities:edit", args=[activity.pk]), _data(units="1.3"))
    assert response.status_code == 200
    activity.refresh_from_db()
    assert activity.units == 2


def test_it_asks_before_deleting_and_deletes_only_on_post(client, user):
    activity = ActivityFactory(user=user, title="Coding clinic")
    confirm = client.get(reverse("activities:delete", args=[activity.pk]))
    assert "Delete “Coding clinic”?" in confirm.content.decode()
    assert Activity.objects.filter(pk=activity.pk).exists()
    client.post(reverse("activities:delete", args=[activity.pk]))
    assert not Activity.objects.filter(pk=activity.pk).exists()


def test_it_gives_404_for_another_users_activity(client, user):
    theirs = ActivityFactory()
    assert client.get(reverse("activities:edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("activities:edit", args=[theirs.pk]), _data()).status_code == 404
    assert client.post(reverse("activities:delete", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title != "E/M documentation update"


def test_it_returns_to_a_blank_form_to_log_another(client, user):
    response = client.post(reverse("activities:add"), {**_data(), "add_another": "1"})
    assert response["Location"] == reverse("activities:add")
    assert Activity.objects.filter(user=user).count() == 1


def test_it_takes_the_unit_rules_from_the_engines_catalog(user):
    catalog = replace(DEFAULT_CATALOG, unit_step=Decimal(1), max_activity_units=Decimal(8))
    assert ActivityForm(_data(units="2"), user=user, catalog=catalog).is_valid()
    half = ActivityForm(_data(units="1.5"), user=user, catalog=catalog)
    assert half.errors["units"] == [
        "Units come in steps of 1 (60 minutes = 1 unit); 1.5 is not one."
    ]
    too_many = ActivityForm(_data(units="9"), user=user, catalog=catalog)
    assert too_many.errors["units"] == ["Units must be more than 0 and at most 8 for one activity."]
