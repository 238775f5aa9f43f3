from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from ceutrack.reminders.emails import unsubscribe_token
from ceutrack.reminders.models import Kind, ReminderPreferences, Status
from tests.factories import ReminderFactory, ReminderPreferencesFactory, UserFactory

pytestmark = pytest.mark.django_db


def unsubscribe_path(user, kind):
    return reverse("reminders:unsubscribe", args=[unsubscribe_token(user_id=user.pk, kind=kind)])


def test_the_preferences_page_needs_a_signed_in_user(client):
    response = client.get(reverse("reminders:preferences"))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_it_shows_every_kind_switched_on_by_default(client):
    client.force_login(UserFactory())

    response = client.get(reverse("reminders:preferences"))

    assert response.status_code == 200
    form = response.context["form"]
    assert all(form[name].value() for name in ("at_risk", "behind", "due_7", "submit", "digest"))
    assert form["copy_managers"].value() is False
    assert "Reminder preferences" in response.text


def test_it_saves_the_choices_and_says_so(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("reminders:preferences"),
        {"at_risk": "on", "due_30": "on", "due_7": "on", "copy_managers": "on"},
        follow=True,
    )

    assert "Your reminder preferences are saved." in response.text
    prefs = ReminderPreferences.objects.get(user=user)
    assert (prefs.at_risk, prefs.behind, prefs.due_30, prefs.copy_managers, prefs.digest) == (
        True,
        False,
        True,
        True,
        False,
    )


def test_the_log_lists_only_the_signed_in_users_reminders_with_their_outcome(client):
    user = UserFactory()
    ReminderFactory(user=user, kind=Kind.BEHIND, status=Status.SENT)
    ReminderFactory(
        user=user,
        kind=Kind.AT_RISK,
        status=Status.SKIPPED,
        skip_reason="opted out",
        planned_on=date(2026, 7, 1),
    )
    ReminderFactory(kind=Kind.DUE_7, status=Status.SENT)  # someone else's
    client.force_login(user)

    response = client.get(reverse("reminders:log"))

    assert [r.kind for r in response.context["page"].object_list] == [Kind.AT_RISK, Kind.BEHIND]
    assert "opted out" in response.text
    assert "Due in 7 days" not in response.text


def test_the_log_is_paginated(client):
    user = UserFactory()
    for day in range(1, 28):
        ReminderFactory(user=user, planned_on=date(2026, 6, day), cycle_end=date(2027, 1, day))
    client.force_login(user)

    first = client.get(reverse("reminders:log"))
    second = client.get(reverse("reminders:log"), {"page": 2})

    assert len(first.context["page"].object_list) == 25
    assert "Page 1 of 2" in first.text
    assert len(second.context["page"].object_list) == 2


def test_the_log_has_an_empty_state(client):
    client.force_login(UserFactory())

    response = client.get(reverse("reminders:log"))

    assert "No reminders yet" in response.text


def test_the_unsubscribe_link_asks_for_confirmation_without_login_and_changes_nothing(client):
    user = UserFactory(email="dana@example.com")

    response = client.get(unsubscribe_path(user, Kind.DUE_30))

    assert response.status_code == 200
    assert "Stop “Due in 30 days” emails?" in response.text
    assert "dana@example.com" in response.text
    assert not ReminderPreferences.objects.exists()


def test_confirming_turns_only_that_kind_off_without_login():
    user = UserFactory()
    ReminderPreferencesFactory(user=user)
    browser = Client(enforce_csrf_checks=True)
    browser.get(unsubscribe_path(user, Kind.AT_RISK))

    response = browser.post(
        unsubscribe_path(user, Kind.AT_RISK),
        {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value},
    )

    assert response.status_code == 200
    assert "You are unsubscribed" in response.text
    prefs = ReminderPreferences.objects.get(user=user)
    assert (prefs.at_risk, prefs.behind, prefs.due_30) == (False, True, True)


def test_a_mail_clients_one_click_post_unsubscribes_without_a_csrf_token():
    user = UserFactory()
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(
        unsubscribe_path(user, Kind.DIGEST),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert ReminderPreferences.objects.get(user=user).digest is False


def _altered_signature(user, victim):
    token = unsubscribe_token(user_id=user.pk, kind=Kind.BEHIND)
    return token[:-3] + ("abc" if not token.endswith("abc") else "xyz")


def _swapped_payload(user, victim):
    # The victim's payload under a signature made for someone else's.
    mine = unsubscribe_token(user_id=user.pk, kind=Kind.BEHIND)
    theirs = unsubscribe_token(user_id=victim.pk, kind=Kind.BEHIND)
    return theirs.split(":")[0] + mine[len(mine.split(":")[0]) :]


@pytest.mark.parametrize("forge", [_altered_signature, _swapped_payload])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_unsubscribe_link_is_refused_and_changes_nothing(client, method, forge):
    forged = forge(UserFactory(), UserFactory())

    response = getattr(client, method)(reverse("reminders:unsubscribe", args=[forged]))

    assert response.status_code == 400
    assert "This unsubscribe link is not valid" in response.text
    assert not ReminderPreferences.objects.exists()


def test_a_link_signed_for_another_purpose_is_refused(client):
    from django.core import signing

    user = UserFactory()
    other_salt = signing.dumps({"u": user.pk, "k": "behind"}, salt="something-else")

    response = client.post(reverse("reminders:unsubscribe", args=[other_salt]))

    assert response.status_code == 400
    assert not ReminderPreferences.objects.exists()


def test_a_genuine_link_for_an_unknown_kind_is_refused(client):
    user = UserFactory()

    response = client.post(unsubscribe_path(user, "weekly_newsletter"))

    assert response.status_code == 400
