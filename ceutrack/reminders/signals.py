"""Any change to a person's records makes them due for the planner's next check (incremental
planning, ceutrack.reminders.planner). The reset runs once the change commits, so a sweep
that read the records before the commit still sees the reset afterwards. Code that writes
these models with bulk_create/update (no signals) must call `checks_due(user_ids)` itself."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from ceutrack.accounts.models import User
from ceutrack.activities.models import Activity
from ceutrack.credentials.models import (
    ApprenticeEvidence,
    BodyRule,
    Credential,
    CredentialType,
    OfficialCycle,
)
from ceutrack.organizations.models import Membership
from ceutrack.reminders.models import CHECK_NOW, NextCheck, ReminderPreferences

PERSON_RECORDS = (
    Credential,
    Activity,
    OfficialCycle,
    ApprenticeEvidence,
    Membership,
    ReminderPreferences,
)
# User fields the engine reads (membership month) or that move the person's "today".
USER_INPUT_FIELDS = frozenset({"time_zone", "aapc_membership_month"})


def checks_due(user_ids: Iterable[int]) -> None:
    """Reset these people's next check once the current transaction commits (nothing
    happens if it rolls back)."""
    ids = sorted(set(user_ids))
    transaction.on_commit(partial(_reset, ids), robust=True)


def _reset(user_ids: list[int]) -> None:
    # A person deleted in the same transaction (their records cascade) needs no check.
    existing = list(User.objects.filter(pk__in=user_ids).values_list("pk", flat=True))
    if existing:
        NextCheck.objects.reset(existing, now=timezone.now())


def _record_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    checks_due([instance.user_id])


def _user_changed(
    sender: type, instance: User, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    if not created and (update_fields is None or USER_INPUT_FIELDS & set(update_fields)):
        checks_due([instance.pk])


def _catalog_changed(sender: type, **kwargs: Any) -> None:
    """A catalog change may change anybody's verdict: everybody is due."""
    NextCheck.objects.update(check_on=CHECK_NOW, changed_at=timezone.now())


def connect() -> None:
    for model in PERSON_RECORDS:
        post_save.connect(_record_changed, sender=model, dispatch_uid=f"check-save-{model}")
        post_delete.connect(_record_changed, sender=model, dispatch_uid=f"check-delete-{model}")
    post_save.connect(_user_changed, sender=User, dispatch_uid="check-user-save")
    for catalog_model in (CredentialType, BodyRule):
        post_save.connect(
            _catalog_changed, sender=catalog_model, dispatch_uid=f"check-catalog-{catalog_model}"
        )
