"""The coder's dashboard says which reminder is due now and when the next one would come."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from tests.factories import ActivityFactory, CredentialFactory, UserFactory

pytestmark = pytest.mark.django_db


def coder(client, *units):
    """A CPC certified 2023-01-10, first cycle (to 2025-01-31) complete, then `units` logged
    in March 2025 in the cycle ending 2027-01-31."""
    user = UserFactory(aapc_membership_month=1)
    CredentialFactory(user=user, earned_on=date(2023, 1, 10))
    ActivityFactory(user=user, completed_on=date(2024, 6, 1), units=Decimal(36), aapc_index="x")
    for n, value in enumerate(units):
        ActivityFactory(
            user=user, completed_on=date(2025, 3, 1), units=Decimal(value), aapc_index=f"i{n}"
        )
    client.force_login(user)
    return user


def line(client):
    response = client.get(reverse("home"))
    [reminder] = [c.reminder for c in response.context["cards"]]
    return reminder, response.content.decode()


@time_machine.travel("2025-06-30 12:00Z", tick=False)
def test_an_on_track_coder_sees_no_reminder_now_and_the_day_at_risk_would_come(client):
    coder(client, "8")

    reminder, page = line(client)

    assert (reminder.due_now, reminder.next_kind, reminder.next_on) == (
        None,
        "At risk",
        date(2025, 9, 25),
    )
    assert 'data-testid="reminder-line"' in page
    assert "Sep 25, 2025" in page


@time_machine.travel("2026-11-15 12:00Z", tick=False)
def test_a_coder_in_the_90_day_window_sees_it_due_and_the_30_day_one_next(client):
    coder(client, "20")

    reminder, page = line(client)

    assert (reminder.due_now, reminder.next_kind, reminder.next_on) == (
        "90 days left",
        "30 days left",
        date(2027, 1, 1),
    )
    assert '<strong data-testid="reminder-due-now">90 days left</strong>' in page


@time_machine.travel("2025-06-30 12:00Z", tick=False)
def test_a_complete_coder_is_told_when_the_submit_reminder_comes(client):
    coder(client, "36")

    reminder, _ = line(client)

    assert (reminder.due_now, reminder.next_kind, reminder.next_on) == (
        None,
        "Time to submit",
        date(2027, 1, 1),
    )
