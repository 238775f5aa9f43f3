"""Pure decisions of the outbox, on unsaved objects."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from ceutrack import rules
from ceutrack.reminders.models import Reminder, ReminderPreferences, week_start
from ceutrack.reminders.sender import skip_reason
from tests.factories import UserFactory

NOW = datetime(2026, 6, 1, 6, tzinfo=UTC)


def evaluation(today: date, *units: str) -> rules.Evaluation:
    person = rules.PersonInput(
        credentials=(rules.HeldCredential("CPC", date(2025, 1, 10)),),
        activities=tuple(
            rules.Activity(id=str(i), completed_on=date(2025, 3, 1), units=Decimal(u), aapc=True)
            for i, u in enumerate(units)
        ),
    )
    return rules.evaluate(person, today=today)


def row(kind: str, **fields) -> Reminder:
    user = fields.pop("user", None) or UserFactory.build()
    return Reminder(user=user, body="AAPC", cycle_end=date(2027, 1, 31), kind=kind, **fields)


@pytest.mark.parametrize(
    ("attempts", "delay"),
    [(1, timedelta(minutes=5)), (2, timedelta(minutes=10)), (4, timedelta(minutes=40))],
)
def test_retries_back_off_exponentially(attempts, delay):
    assert (
        row("behind", attempts=attempts).retry_at(now=NOW, base=timedelta(minutes=5)) == NOW + delay
    )


@pytest.mark.parametrize(
    ("day", "monday"),
    [(date(2026, 6, 1), date(2026, 6, 1)), (date(2026, 6, 7), date(2026, 6, 1))],
)
def test_a_week_starts_on_monday(day, monday):
    assert week_start(day) == monday


def test_a_due_reminder_is_sent():
    reminder = row("behind")
    prefs = ReminderPreferences(user=reminder.user)

    assert skip_reason(reminder, evaluation=evaluation(NOW.date()), prefs=prefs) is None


@pytest.mark.parametrize(
    ("kind", "units", "reason"),
    [
        ("behind", ("36",), "caught up: status is complete"),
        ("behind", ("13",), "superseded by the at risk reminder"),
        ("submit", ("10",), "superseded by the behind reminder"),
        ("due_7", ("5",), "superseded by the behind reminder"),
    ],
)
def test_a_reminder_that_no_longer_fits_is_skipped_with_the_reason(kind, units, reason):
    reminder = row(kind)
    prefs = ReminderPreferences(user=reminder.user)

    assert skip_reason(reminder, evaluation=evaluation(NOW.date(), *units), prefs=prefs) == reason


def test_a_reminder_with_no_cycle_of_its_body_is_skipped():
    reminder = row("behind")
    reminder.body = "AHIMA"

    reason = skip_reason(
        reminder, evaluation=evaluation(NOW.date()), prefs=ReminderPreferences(user=reminder.user)
    )

    assert reason == "no current AHIMA cycle"


def test_an_opted_out_kind_is_skipped_but_others_are_not():
    reminder = row("behind")
    prefs = ReminderPreferences(user=reminder.user, behind=False)

    assert skip_reason(reminder, evaluation=evaluation(NOW.date()), prefs=prefs) == "opted out"
    assert prefs.wants("at_risk") and not prefs.wants("behind")


def test_an_inactive_account_gets_nothing():
    reminder = row("behind", user=UserFactory.build(is_active=False))

    reason = skip_reason(
        reminder, evaluation=evaluation(NOW.date()), prefs=ReminderPreferences(user=reminder.user)
    )

    assert reason == "account inactive"
