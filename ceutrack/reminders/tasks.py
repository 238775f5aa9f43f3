"""Celery tasks: thin wrappers around the tested functions (safe to run twice: acks late)."""

from typing import Any

from celery import shared_task
from django.db import DatabaseError
from kombu.exceptions import OperationalError as BrokerError

from ceutrack.reminders import digest, planner, sender

RETRY: dict[str, Any] = {
    "autoretry_for": (DatabaseError, BrokerError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


@shared_task(**RETRY)
def plan_reminders() -> int:
    return planner.plan_reminders()


@shared_task(**RETRY)
def send_pending_reminders() -> int:
    return sender.send_pending_reminders().handled


@shared_task(**RETRY)
def send_weekly_digests() -> int:
    return digest.plan_weekly_digests()
