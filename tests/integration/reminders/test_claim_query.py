"""A sender's claim reads the outbox in id order from where it left off, through
reminder_claim_idx, and never sorts every pending row (which made sending a quarter slower
with 100,000 pending rows on SQLite)."""

import pytest
from django.db import connection
from django.utils import timezone

from ceutrack.reminders.models import Reminder

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
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test's table is nearly empty
    plan = claim_plan()

    assert "reminder_claim_idx" in plan
    assert "Sort" not in plan
