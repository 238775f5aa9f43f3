"""A sender's claim reads the outbox in id order from where it left off, through
reminder_claim_idx, and never sorts every pending row (which made sending a quarter slower
with 100,000 pending rows on SQLite)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from ceutrack.reminders.models import Reminder, Status
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def claim_plan() -> str:
    query = Reminder.objects.claimable(after=0, now=timezone.now()).values_list("pk", flat=True)
    return query[:100].explain()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_on_sqlite_a_claim_walks_the_claim_index_and_sorts_nothing():
    plan = claim_plan()

    assert "reminder_claim_idx" in plan
    assert "TEMP B-TREE" not in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plan")
def test_on_postgresql_a_claim_walks_the_claim_index_and_sorts_nothing():
    # An outbox as a sender meets it, 1,980 rows sent and 20 pending, its statistics taken,
    # so that the plan depends on this table and not on what earlier tests on this worker
    # left in its statistics. With fewer pending rows than a claim takes, walking the primary
    # key means reading every row (about 20 times the claim index's cost), so the choice is
    # not a close one that table bloat from earlier tests can tip (with 200 pending it was:
    # the primary key won once the table had grown). With so few rows a sort is cheap, so the
    # planner is told to avoid one (and whole-table scans), as it does by itself with 100,000
    # pending: the claim must then still come from reminder_claim_idx, in id order.
    user = UserFactory()
    Reminder.objects.bulk_create(
        Reminder(user=user, body="AAPC", cycle_end=date(2027, 1, 31) + timedelta(days=n),
                 kind="behind", planned_on=date(2026, 6, 1),
                 status=Status.SENT if n < 1980 else Status.PENDING)
        for n in range(2000)
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Reminder._meta.db_table}")  # nosec B608: Django's table name
        for setting in ("enable_sort", "enable_seqscan", "enable_bitmapscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
    plan = claim_plan()

    assert "reminder_claim_idx" in plan
    assert "Sort" not in plan
