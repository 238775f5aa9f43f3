"""Planning: ask the engine which reminder each person's current cycles call for today and
put one outbox row per (person, body, cycle end, kind). Idempotent; memory bounded by batch."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from ceutrack import rules
from ceutrack.activities.evaluation import evaluate_people
from ceutrack.credentials.catalog import load_catalog
from ceutrack.credentials.models import Credential
from ceutrack.reminders.models import Reminder, Status


def plan_reminders(
    *, today: date | None = None, batch_size: int = 500, enqueue_sender: bool = True
) -> int:
    """Plan the reminders due today (docs/rules.md §5) for everyone with a credential.

    Without `today` each person's own local date is used. Only the reminder due now is
    planned: a sweep that ran late never plans the kinds it missed. Returns the rows added
    (running it twice on one day adds none). Unless told otherwise, the sender is enqueued
    once the rows are committed.
    """
    catalog = load_catalog()
    added = 0
    for user_ids in _people_with_credentials(batch_size=batch_size):
        evaluations = evaluate_people(user_ids, today=today, catalog=catalog)
        rows = [
            row
            for user_id, evaluation in evaluations.items()
            for row in _rows_for(user_id, evaluation)
        ]
        added += _insert(rows, user_ids=user_ids)
    if added and enqueue_sender:
        from ceutrack.reminders.tasks import send_pending_reminders

        transaction.on_commit(send_pending_reminders.delay)
    return added


def _people_with_credentials(*, batch_size: int) -> Iterator[list[int]]:
    """User ids in ascending batches (keyset pagination: no OFFSET, no full id list)."""
    last = 0
    while True:
        batch = list(
            Credential.objects.filter(user_id__gt=last)
            .order_by("user_id")
            .values_list("user_id", flat=True)
            .distinct()[:batch_size]
        )
        if not batch:
            return
        yield batch
        last = batch[-1]


def _rows_for(user_id: int, evaluation: rules.Evaluation) -> Iterator[PlannedRow]:
    for body in evaluation.bodies:
        cycle = body.current
        if cycle is None or cycle.reminder is None:
            continue
        yield (user_id, body.body, cycle.end, str(cycle.reminder), evaluation.today)


PlannedRow = tuple[int, str, date, str, date]  # user id, body, cycle end, kind, planned on


def _insert(rows: list[PlannedRow], *, user_ids: list[int]) -> int:
    """Insert, ignoring rows already planned; returns how many were new.

    One executemany of INSERT ... ON CONFLICT DO NOTHING (SQLite and PostgreSQL) against
    the unique key: a third of the cost of bulk_create(ignore_conflicts=True), which
    prepares every field of every model instance, at 100,000 rows a sweep. Neither says
    which rows it skipped, so the batch's users' rows are counted before and after (an
    index range scan on the unique key).
    """
    if not rows:
        return 0
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    params = [
        (
            user_id,
            body,
            ops.adapt_datefield_value(cycle_end),
            kind,
            ops.adapt_datefield_value(planned_on),
            now,
            now,
            Status.PENDING.value,
        )
        for user_id, body, cycle_end, kind, planned_on in rows
    ]
    mine = Reminder.objects.filter(user_id__in=user_ids)
    with transaction.atomic(), connection.cursor() as cursor:
        before = mine.count()
        cursor.executemany(INSERT_SQL, params)
        return mine.count() - before


# The table name comes from the model; every value is a query parameter.
INSERT_SQL = (
    f"INSERT INTO {Reminder._meta.db_table} (user_id, body, cycle_end, kind, planned_on, "  # noqa: S608
    "created_at, updated_at, status, attempts, last_error, skip_reason, recipient) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 0, '', '', '') "
    "ON CONFLICT DO NOTHING"
)
