from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail

from ceutrack.reminders.digest import plan_weekly_digests
from ceutrack.reminders.models import DIGEST_BODY, Kind, Reminder, Status
from ceutrack.reminders.planner import plan_reminders
from ceutrack.reminders.sender import send_pending_reminders
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    ReminderPreferencesFactory,
    UserFactory,
)
from tests.integration.reminders.people import coder_with_cpc, log_units

pytestmark = pytest.mark.django_db

# Wednesday 3 June 2026: staff fall behind; the digest goes out on Monday 8 June.
MIDWEEK = datetime(2026, 6, 3, 6, tzinfo=UTC)
MONDAY = datetime(2026, 6, 8, 7, tzinfo=UTC)
WEEK = date(2026, 6, 1)


def clinic_with_manager(name="Valley Clinic"):
    org = OrganizationFactory(name=name)
    manager = UserFactory(full_name=f"Manager of {name}")
    MembershipFactory(user=manager, organization=org, role="manager", consent_given_at=None)
    return org, manager


def staff(org, *units, consent=True, **user_fields):
    coder = coder_with_cpc(*units, **user_fields)
    MembershipFactory(
        user=coder, organization=org, **({} if consent else {"consent_given_at": None})
    )
    return coder


def send_digest_for_the_week():
    with time_machine.travel(MONDAY, tick=False):
        plan_weekly_digests()
        return send_pending_reminders()


def test_it_lists_consented_staff_who_fell_behind_that_week_with_their_figures(settings):
    org, manager = clinic_with_manager()
    staff(org, full_name="Avery Behind")
    staff(org, "10", "3", full_name="Blake At Risk")
    staff(org, full_name="Casey Private", consent=False)
    staff(org, "10", "10", "10", "6", full_name="Drew Done")
    with time_machine.travel(MIDWEEK, tick=False):
        plan_reminders()
        send_pending_reminders()
    mail.outbox.clear()

    send_digest_for_the_week()

    [digest] = mail.outbox
    assert digest.to == [manager.email]
    assert digest.subject == "2 staff members fell behind on CEUs in the week of 1 Jun 2026"
    assert "Valley Clinic" in digest.body
    assert (
        "- Avery Behind (AAPC): Behind, 36 of 36 CEUs still needed, cycle ends 31 Jan 2027"
        in digest.body
    )
    assert "- Blake At Risk (AAPC): At risk, 23 of 36 CEUs still needed" in digest.body
    assert "Casey Private" not in digest.body
    assert "Drew Done" not in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Avery Behind" in digest.alternatives[0][0]
    assert f"{settings.SITE_URL}/organizations/" in digest.body
    row = Reminder.objects.get(kind=Kind.DIGEST)
    assert (row.user, row.body, row.cycle_end, row.status) == (
        manager,
        DIGEST_BODY,
        WEEK,
        Status.SENT,
    )


def test_staff_who_caught_up_before_the_digest_are_left_out():
    org, _ = clinic_with_manager()
    coder = staff(org, full_name="Avery Behind")
    with time_machine.travel(MIDWEEK, tick=False):
        plan_reminders()
    for _ in range(4):
        log_units(coder, "9")

    send_digest_for_the_week()

    assert [m for m in mail.outbox if "Avery" in m.body] == []
    row = Reminder.objects.get(kind=Kind.DIGEST)
    assert (row.status, row.skip_reason) == (Status.SKIPPED, "nothing to report this week")


def test_staff_who_fell_behind_in_an_earlier_week_are_not_repeated():
    org, _ = clinic_with_manager()
    staff(org)
    with time_machine.travel(datetime(2026, 5, 27, 6, tzinfo=UTC), tick=False):
        plan_reminders()

    send_digest_for_the_week()

    assert Reminder.objects.get(kind=Kind.DIGEST).skip_reason == "nothing to report this week"


def test_a_manager_of_two_clinics_gets_one_digest_grouped_by_clinic():
    north, manager = clinic_with_manager("North Clinic")
    south = OrganizationFactory(name="South Clinic")
    MembershipFactory(user=manager, organization=south, role="admin", consent_given_at=None)
    staff(north, full_name="Avery North")
    staff(south, full_name="Blake South")
    with time_machine.travel(MIDWEEK, tick=False):
        plan_reminders()

    send_digest_for_the_week()

    [digest] = [m for m in mail.outbox if m.to == [manager.email]]
    assert digest.body.index("North Clinic") < digest.body.index("Avery North")
    assert digest.body.index("Avery North") < digest.body.index("South Clinic")
    assert digest.body.index("South Clinic") < digest.body.index("Blake South")


def test_a_manager_who_opted_out_of_the_digest_gets_none():
    org, manager = clinic_with_manager()
    ReminderPreferencesFactory(user=manager, digest=False)
    staff(org)
    with time_machine.travel(MIDWEEK, tick=False):
        plan_reminders()

    send_digest_for_the_week()

    assert [m for m in mail.outbox if m.to == [manager.email]] == []
    assert Reminder.objects.get(kind=Kind.DIGEST).skip_reason == "opted out"


def test_planning_the_digests_twice_adds_nothing_and_skips_managers_without_staff():
    org, manager = clinic_with_manager()
    staff(org)
    clinic_with_manager("Empty Clinic")  # nobody consented: no digest row

    with time_machine.travel(MONDAY, tick=False):
        assert plan_weekly_digests(enqueue_sender=False) == 1
        assert plan_weekly_digests(enqueue_sender=False) == 0

    assert list(Reminder.objects.values_list("user_id", "cycle_end")) == [(manager.pk, WEEK)]
