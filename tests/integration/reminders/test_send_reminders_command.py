from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from ceutrack.reminders.models import Kind, Reminder, Status
from tests.integration.reminders.people import PLANNING_DAY, coder_with_cpc

pytestmark = pytest.mark.django_db


@time_machine.travel(PLANNING_DAY, tick=False)
def test_it_plans_and_sends_once():
    coder = coder_with_cpc()
    out = StringIO()

    call_command("send_reminders", stdout=out)
    call_command("send_reminders", stdout=out)

    assert [m.to for m in mail.outbox] == [[coder.email]]
    assert "Planned 1 reminder(s)." in out.getvalue()
    assert "Sent 1, skipped 0" in out.getvalue()
    assert "Planned 0 reminder(s)." in out.getvalue()


@time_machine.travel(PLANNING_DAY, tick=False)
def test_it_plans_for_the_date_given():
    coder = coder_with_cpc("10", "10")

    call_command("send_reminders", "--date", "2026-11-05", stdout=StringIO())

    row = Reminder.objects.get(user=coder)
    assert (row.kind, row.status, row.planned_on) == (Kind.DUE_90, Status.SENT, date(2026, 11, 5))
    assert mail.outbox[0].subject.startswith("90 days left: 16 AAPC CEUs")


def test_it_rejects_a_malformed_date():
    with pytest.raises(CommandError, match="--date must be YYYY-MM-DD"):
        call_command("send_reminders", "--date", "05/11/2026", stdout=StringIO())
