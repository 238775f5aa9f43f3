"""Celery tasks: thin wrappers around the tested functions (safe to run twice: acks late)."""

from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, transaction
from kombu.exceptions import OperationalError as BrokerError

from ceutrack.reminders import digest, planner, sender

RETRY: dict[str, Any] = {
    "autoretry_for": (DatabaseError, BrokerError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


@shared_task(**RETRY)
def plan_reminders(full: bool = False) -> int:
    return planner.dispatch(full=full)


@shared_task(**RETRY)
def plan_reminders_batch(
    user_ids: list[int], index: int, total: int, today: str | None = None
) -> int:
    return planner.plan_logged_batch(
        user_ids, index=index, total=total, today=today, enqueue_sender=True
    ).added


@shared_task(**RETRY)
def queue_senders() -> int:
    # The beat's tick: as many senders as the due rows warrant, each a task of its own.
    return sender.enqueue_senders_if_due()


@shared_task(**RETRY)
def send_pending_reminders() -> int:
    # Drain within a budget well inside the task's time limit, then hand over to a new task.
    report = sender.send_pending_reminders(budget_s=settings.REMINDER_SEND_BUDGET)
    if report.more:
        transaction.on_commit(send_pending_reminders.delay)
    return report.handled


@shared_task(**RETRY)
def send_weekly_digests() -> int:
    return digest.plan_weekly_digests()
