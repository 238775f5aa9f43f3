"""Planning: ask the engine which reminder each person's current cycles call for today and
put one outbox row per (person, body, cycle end, kind). Idempotent; memory bounded by batch.

Incremental: the engine says until when each verdict holds (`holds_until`), stored per person
as their next check (NextCheck); any change to their records makes them due again
(ceutrack.reminders.signals). The daily sweep evaluates only the people due, and plans
exactly what a full re-plan (`full=True`, `send_reminders --full`) would plan that day.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ceutrack import rules
from ceutrack.accounts.models import User
from ceutrack.activities.evaluation import evaluate_people
from ceutrack.credentials.catalog import load_catalog
from ceutrack.credentials.models import Credential
from ceutrack.fanout import fan_out, run_inline
from ceutrack.reminders.models import CHECK_NEVER, CHECK_NOW, NextCheck, Reminder, Status

logger = logging.getLogger(__name__)

# The latest local date anywhere on Earth is UTC + 14 hours.
_LATEST_ZONE = timedelta(hours=14)


@dataclass
class PlanReport:
    evaluated: int = 0
    added: int = 0

    def __iadd__(self, other: PlanReport) -> PlanReport:
        self.evaluated += other.evaluated
        self.added += other.added
        return self


def plan_reminders(
    *,
    today: date | None = None,
    batch_size: int = 500,
    enqueue_sender: bool = True,
    full: bool = False,
) -> int:
    """Plan the reminders due today (docs/rules.md §5); returns the rows added.

    Without `today` each person's own local date is used. Only the reminder due now is
    planned: a sweep that ran late never plans the kinds it missed. Running it twice on one
    day adds none. `full` evaluates everybody with a credential instead of only the people
    due for a check. Unless told otherwise, the sender is enqueued once the rows are
    committed.
    """
    report = plan(today=today, batch_size=batch_size, full=full)
    if enqueue_sender:
        from ceutrack.reminders.sender import enqueue_senders_if_due

        enqueue_senders_if_due()
    return report.added


def plan(*, today: date | None = None, batch_size: int = 500, full: bool = False) -> PlanReport:
    """The sweep, inline, batch after batch (dispatch() runs the same batches on Celery)."""
    catalog = load_catalog()
    report = PlanReport()
    for batch_report in run_inline(
        plan_logged_batch,
        list(sweep_batches(today=today, batch_size=batch_size, full=full)),
        today=today,
        catalog=catalog,
    ):
        report += batch_report
    return report


# People per Celery task of a dispatched sweep.
DISPATCH_BATCH_SIZE = 1000


def dispatch(
    *, today: date | None = None, full: bool = False, batch_size: int = DISPATCH_BATCH_SIZE
) -> int:
    """The sweep split into batches dispatched as a Celery group over the workers (the
    beat's daily run); returns the number of batches."""
    from ceutrack.reminders.tasks import plan_reminders_batch

    return fan_out(
        plan_reminders_batch,
        list(sweep_batches(today=today, batch_size=batch_size, full=full)),
        name="full reminder planning" if full else "reminder planning",
        today=None if today is None else today.isoformat(),
    )


def plan_logged_batch(
    user_ids: Sequence[int],
    *,
    index: int,
    total: int,
    today: date | str | None = None,
    catalog: rules.Catalog | None = None,
    enqueue_sender: bool = False,
) -> PlanReport:
    """One batch of a sweep (inline or as a Celery task), with its progress in the log."""
    day = date.fromisoformat(today) if isinstance(today, str) else today
    report = plan_batch(user_ids, today=day, catalog=catalog)
    logger.info(
        "reminder planning batch %d/%d: %d evaluated, %d added",
        index,
        total,
        report.evaluated,
        report.added,
    )
    # A batch that added rows queues a sender; the last one does whenever rows wait (left by a
    # broker outage or a retry), so due rows never wait for the next beat tick.
    if enqueue_sender and (report.added or index == total):
        from ceutrack.reminders.sender import enqueue_senders_if_due

        enqueue_senders_if_due()
    return report


def sweep_batches(*, today: date | None, batch_size: int, full: bool) -> Iterator[list[int]]:
    """User ids to evaluate, in ascending batches: everybody with a credential (full), or
    only the people due for a check on their own today."""
    if full:
        yield from _people_with_credentials(batch_size=batch_size)
        return
    due = sorted(due_user_ids(today=today))
    for start in range(0, len(due), batch_size):
        yield due[start : start + batch_size]


def due_user_ids(*, today: date | None = None, now: datetime | None = None) -> set[int]:
    """People with a credential whose next check has come on their own today (or on
    `today`), and people with a credential who were never checked."""
    now = now or timezone.now()
    horizon = today or (now + _LATEST_ZONE).date()
    has_credential = Exists(Credential.objects.filter(user_id=OuterRef("user_id")))
    candidates = (
        NextCheck.objects.filter(check_on__lte=horizon)
        .filter(has_credential)
        .values_list("user_id", "user__time_zone", "check_on")
    )
    local = _LocalToday(now)
    due = {
        user_id
        for user_id, zone, check_on in candidates
        if today is not None or check_on <= local(zone)
    }
    never_checked = (
        Credential.objects.filter(user__next_check__isnull=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    due.update(never_checked)
    return due


class _LocalToday:
    def __init__(self, now: datetime) -> None:
        self.now = now
        self.days: dict[str, date] = {}

    def __call__(self, zone: str) -> date:
        if zone not in self.days:
            self.days[zone] = self.now.astimezone(User(time_zone=zone).zone).date()
        return self.days[zone]


def plan_batch(
    user_ids: Sequence[int], *, today: date | None = None, catalog: rules.Catalog | None = None
) -> PlanReport:
    """Evaluate these people, add the reminders due and set each one's next check."""
    started = timezone.now()
    evaluations = evaluate_people(list(user_ids), today=today, catalog=catalog or load_catalog())
    rows = [
        row for user_id, evaluation in evaluations.items() for row in _rows_for(user_id, evaluation)
    ]
    added = _insert(rows)
    _set_next_checks(evaluations, started=started)
    return PlanReport(evaluated=len(evaluations), added=added)


def next_check_on(evaluation: rules.Evaluation) -> date | None:
    """The first day the person's reminders may change without new records: the earliest
    `holds_until` of their bodies (CHECK_NEVER when no date changes them). A person with no
    current cycle gets None: checked again the next day while a credential of theirs is
    still future-dated (it takes effect on its date), and whenever credentials appear
    (people with a credential and no next check are due)."""
    currents = [b.current for b in evaluation.bodies if b.current is not None]
    if not currents:
        if any(r.reason == rules.FUTURE_CREDENTIAL for r in evaluation.rejected):
            return evaluation.today + timedelta(days=1)
        return None
    days = [c.holds_until for c in currents if c.holds_until is not None]
    return min(days) if days else CHECK_NEVER


def _set_next_checks(evaluations: dict[int, rules.Evaluation], *, started: datetime) -> None:
    """Store each person's next check. A person whose records changed after this batch
    started reading them stays due (the reset is not overwritten by an older verdict)."""
    now = timezone.now()
    checks = {user_id: next_check_on(e) for user_id, e in evaluations.items()}
    NextCheck.objects.bulk_create(
        [
            NextCheck(user_id=user_id, check_on=day, checked_at=now)
            for user_id, day in checks.items()
            if day is not None
        ],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["check_on", "checked_at"],
    )
    NextCheck.objects.filter(
        user_id__in=[user_id for user_id, day in checks.items() if day is None]
    ).delete()
    NextCheck.objects.filter(user_id__in=list(evaluations), changed_at__gt=started).update(
        check_on=CHECK_NOW
    )


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

# Rows per INSERT statement: 8 parameters each, well inside SQLite's 32,766.
INSERT_CHUNK = 500


def _insert(rows: Sequence[PlannedRow]) -> int:
    """Insert, ignoring rows already planned; returns how many this call added.

    Multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING id (SQLite and PostgreSQL) against
    the unique key: only the rows actually inserted come back, so a planner running at the
    same time as another never counts the other's rows as its own.
    """
    if not rows:
        return 0
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    added = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for chunk in _chunks(rows, INSERT_CHUNK):
            params = [
                value
                for user_id, body, cycle_end, kind, planned_on in chunk
                for value in (
                    user_id,
                    body,
                    ops.adapt_datefield_value(cycle_end),
                    kind,
                    ops.adapt_datefield_value(planned_on),
                    now,
                    now,
                    Status.PENDING.value,
                )
            ]
            cursor.execute(_insert_sql(len(chunk)), params)
            added += len(cursor.fetchall())
    return added


def _chunks(rows: Sequence[PlannedRow], size: int) -> Iterable[Sequence[PlannedRow]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _insert_sql(count: int) -> str:
    # The table name comes from the model; every value is a query parameter.
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, 0, '', '', '')"] * count)
    return (
        f"INSERT INTO {Reminder._meta.db_table} (user_id, body, cycle_end, kind, planned_on, "  # noqa: S608
        f"created_at, updated_at, status, attempts, last_error, skip_reason, recipient) "
        f"VALUES {values} ON CONFLICT DO NOTHING RETURNING id"
    )
